//! Tauri commands of the Backups page and the in-app scheduler: thin calls into
//! `repovault_backup`. A restore closes the store, swaps the data in and reopens it.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use repovault_app::backups::OnExit;
use repovault_app::import::{BackupSlot, Held, LargeImportBackup};

use repovault_backup::{
    BackupInfo, BackupKind, BackupPhase, BackupProgress, BackupRequest, CreateReport, Destination, NewSchedule,
    RestoreOptions, RestoreReport, RetentionDecision, RetentionPolicy, Schedule, ScheduleRun, ScheduleSpec, TableCount,
    VerifyReport, WorkspaceCount,
};
use repovault_storage::{CancelToken, ErrorPayload, Progress};
use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, Emitter, Manager, State};
use ts_rs::TS;

use crate::commands::{validation, CommandResult};
use crate::settings::Settings;
use crate::state::AppState;
use repovault_app::detached::run_detached;

/// How often the app looks for scheduled backups that are due.
const SCHEDULER_TICK: Duration = Duration::from_secs(30);

fn progress_to(channel: Channel<BackupProgress>) -> repovault_backup::ProgressFn {
    // The window may have gone away; the work carries on regardless.
    Arc::new(move |p| {
        let _ = channel.send(p);
    })
}

/// Every folder holding backups: the destinations of manual backups and of every schedule.
async fn backup_folders(state: &AppState) -> Vec<PathBuf> {
    let mut folders = repovault_backup::destinations::folders(&destinations(state));
    if let Ok(store) = state.store() {
        let schedules =
            run_detached(move || async move { repovault_backup::schedule::list(store.as_ref()).await }).await;
        for schedule in schedules.unwrap_or_default() {
            folders.extend(repovault_backup::destinations::folders(&schedule.destinations));
        }
    }
    folders.sort();
    folders.dedup();
    folders
}

fn destinations(state: &AppState) -> Vec<Destination> {
    Settings::load(&state.data_dir).backup_destinations(&state.data_dir)
}

/// The largest threshold of the backup before a large import (well inside what JavaScript numbers
/// hold exactly).
const MAX_LARGE_IMPORT_THRESHOLD: u64 = 1_000_000_000;

/// The Backups page's settings: where manual backups go, what retention keeps, and the automatic
/// backups.
#[derive(Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BackupSettings {
    pub destinations: Vec<Destination>,
    pub retention: RetentionPolicy,
    /// An automatic backup before an import of more than `large_import_backup_threshold` commits
    /// into a store that has commits.
    pub large_import_backup: bool,
    #[ts(type = "number")]
    pub large_import_backup_threshold: u64,
    /// An automatic backup when the app exits (skipped when the store is empty or an import or
    /// another backup is running).
    pub backup_on_exit: bool,
}

#[tauri::command]
pub fn get_backup_settings(state: State<'_, AppState>) -> BackupSettings {
    let settings = Settings::load(&state.data_dir);
    BackupSettings {
        destinations: settings.backup_destinations(&state.data_dir),
        retention: settings
            .retention
            .clone()
            .unwrap_or(RetentionPolicy { keep_last: Some(10), ..RetentionPolicy::default() }),
        large_import_backup: settings.large_import_threshold().is_some(),
        large_import_backup_threshold: settings
            .large_import_backup_threshold
            .unwrap_or(repovault_backup::triggers::DEFAULT_LARGE_IMPORT_THRESHOLD),
        backup_on_exit: settings.backup_on_exit,
    }
}

#[tauri::command]
pub fn save_backup_settings(state: State<'_, AppState>, settings: BackupSettings) -> CommandResult<BackupSettings> {
    if settings.destinations.iter().any(|d| d.path.trim().is_empty() || !Path::new(d.path.trim()).is_absolute()) {
        return Err(validation("destinations", "each destination must be an absolute folder path"));
    }
    if !settings.destinations.iter().any(|d| d.enabled) {
        return Err(validation("destinations", "enable at least one destination"));
    }
    if settings.retention.is_empty() {
        return Err(validation("retention", "a policy that keeps nothing would delete every backup"));
    }
    if settings.large_import_backup_threshold > MAX_LARGE_IMPORT_THRESHOLD {
        return Err(validation(
            "large_import_backup_threshold",
            &format!("a whole number of commits from 0 to {MAX_LARGE_IMPORT_THRESHOLD}"),
        ));
    }
    Settings {
        backup_destinations: Some(settings.destinations.clone()),
        retention: Some(settings.retention.clone()),
        large_import_backup_threshold: Some(settings.large_import_backup_threshold),
        large_import_backup: Some(settings.large_import_backup),
        backup_on_exit: settings.backup_on_exit,
        ..Settings::load(&state.data_dir)
    }
    .save(&state.data_dir)?;
    Ok(settings)
}

/// Every backup in every destination, newest first (damaged ones included, marked).
#[tauri::command]
pub async fn list_backups(state: State<'_, AppState>) -> CommandResult<Vec<BackupInfo>> {
    let folders = backup_folders(&state).await;
    let mut backups = repovault_backup::list(&folders)?;
    backups.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    Ok(backups)
}

/// A manual backup into every enabled destination, with progress; `cancel_backup` stops it.
#[tauri::command]
pub async fn create_backup(
    state: State<'_, AppState>,
    password: Option<String>,
    on_progress: Channel<Progress<BackupPhase>>,
) -> CommandResult<CreateReport> {
    let config = state.store_config()?;
    let slot = state.backup.begin()?;
    let mut request = BackupRequest::new(BackupKind::Manual, "manual", destinations(&state));
    request.password = password.filter(|p| !p.is_empty());
    let (progress, cancel) = (progress_to(on_progress), slot.cancel.clone());
    run_detached(move || async move { repovault_backup::create(&config, &request, progress, cancel).await }).await
}

#[tauri::command]
pub fn cancel_backup(state: State<'_, AppState>) -> bool {
    state.backup.running().is_some_and(|token| {
        token.cancel();
        true
    })
}

#[tauri::command]
pub async fn verify_backup(
    state: State<'_, AppState>,
    path: String,
    password: Option<String>,
    on_progress: Channel<Progress<BackupPhase>>,
) -> CommandResult<VerifyReport> {
    let slot = state.backup.begin()?;
    let path = known_backup(&state, &path).await?;
    let (progress, cancel) = (progress_to(on_progress), slot.cancel.clone());
    run_detached(move || async move {
        repovault_backup::verify(&path, password.as_deref().filter(|p| !p.is_empty()), progress, cancel).await
    })
    .await
}

#[tauri::command]
pub async fn delete_backup(state: State<'_, AppState>, path: String) -> CommandResult<()> {
    let path = known_backup(&state, &path).await?;
    Ok(repovault_backup::delete(&path)?)
}

/// What a restore would replace: the current counts beside the backup's (whole store and per
/// workspace), and where the safety backup of the current data goes.
#[derive(Serialize, TS)]
#[ts(export)]
pub struct RestorePreview {
    pub backup: BackupInfo,
    pub current: Vec<TableCount>,
    /// Rows per workspace now, counted like the backup's manifest counts them.
    pub current_workspaces: Vec<WorkspaceCount>,
    pub safety_backup_to: Vec<String>,
}

#[tauri::command]
pub async fn preview_restore(state: State<'_, AppState>, path: String) -> CommandResult<RestorePreview> {
    let path = known_backup(&state, &path).await?;
    let store = state.store()?;
    // The whole store's counts are the workspaces' together (every row belongs to one).
    let current_workspaces = store.workspace_counts().await?;
    let total = |rows: fn(&WorkspaceCount) -> i64| current_workspaces.iter().map(rows).sum();
    let current = vec![
        TableCount { table: "repositories".into(), rows: total(|w| w.repositories) },
        TableCount { table: "commits".into(), rows: total(|w| w.commits) },
        TableCount { table: "saved_queries".into(), rows: total(|w| w.saved_queries) },
    ];
    let safety_backup_to = destinations(&state).into_iter().filter(|d| d.enabled).map(|d| d.path).collect();
    Ok(RestorePreview {
        backup: repovault_backup::catalog::describe(&path),
        current,
        current_workspaces,
        safety_backup_to,
    })
}

/// Restores a backup over the current data: a safety backup of the current data first, the store
/// closed while the files are swapped, then reopened. If anything fails the current data stays.
#[tauri::command]
pub async fn restore_backup(
    state: State<'_, AppState>,
    path: String,
    password: Option<String>,
    on_progress: Channel<Progress<BackupPhase>>,
) -> CommandResult<RestoreReport> {
    let config = state.store_config()?;
    let path = known_backup(&state, &path).await?;
    let _import = state.import.begin().map_err(|mut busy| {
        busy.message = "an import is running; wait for it to finish or cancel it before restoring".into();
        busy
    })?;
    let slot = state.backup.begin()?;
    let options =
        RestoreOptions { password: password.filter(|p| !p.is_empty()), safety_destinations: destinations(&state) };
    state.close_store("a restore is running").await;
    let (progress, cancel) = (progress_to(on_progress), slot.cancel.clone());
    let restored =
        run_detached(
            move || async move { repovault_backup::restore(&path, &config, &options, progress, cancel).await },
        )
        .await;
    let reopened = state.reopen().await;
    let report = restored?;
    reopened?;
    Ok(report)
}

/// Retention over every destination: with `dry_run`, only what would go and why.
#[tauri::command]
pub async fn prune_backups(
    state: State<'_, AppState>,
    policy: RetentionPolicy,
    dry_run: bool,
) -> CommandResult<Vec<RetentionDecision>> {
    let _slot = if dry_run { None } else { Some(state.backup.begin()?) };
    let folders = repovault_backup::destinations::folders(&destinations(&state));
    Ok(repovault_backup::retention::prune(&folders, &policy, dry_run)?)
}

#[tauri::command]
pub async fn list_schedules(state: State<'_, AppState>) -> CommandResult<Vec<Schedule>> {
    let store = state.store()?;
    run_detached(move || async move { repovault_backup::schedule::list(store.as_ref()).await }).await
}

#[tauri::command]
pub async fn add_schedule(state: State<'_, AppState>, schedule: NewSchedule) -> CommandResult<Schedule> {
    let store = state.store()?;
    run_detached(move || async move { repovault_backup::schedule::add(store.as_ref(), &schedule).await }).await
}

#[tauri::command]
pub async fn remove_schedule(state: State<'_, AppState>, name: String) -> CommandResult<()> {
    let store = state.store()?;
    run_detached(move || async move { repovault_backup::schedule::remove(store.as_ref(), &name).await }).await
}

/// The next `count` run times of a schedule (RFC 3339 UTC), or why the spec is wrong.
#[tauri::command]
pub fn preview_schedule(spec: ScheduleSpec, count: Option<usize>) -> CommandResult<Vec<String>> {
    Ok(repovault_backup::schedule::preview(&spec, chrono::Utc::now(), count.unwrap_or(5).min(20))?)
}

/// A path the caller names must be a backup in one of the known folders: the webview cannot
/// point the backup code at arbitrary files.
async fn known_backup(state: &AppState, path: &str) -> CommandResult<PathBuf> {
    let path = PathBuf::from(path);
    let folders = backup_folders(state).await;
    let in_folder = path.parent().is_some_and(|parent| folders.iter().any(|f| f == parent));
    let named = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| repovault_backup::parse_name(n).is_some());
    if in_folder && named && path.is_file() {
        Ok(path)
    } else {
        Err(ErrorPayload {
            code: repovault_storage::ErrorCode::NotFound,
            message: format!("{} is not a backup in one of the destination folders", path.display()),
        })
    }
}

/// At start: removes what interrupted backups left behind, then runs due schedules (missed runs
/// are caught up once) every `SCHEDULER_TICK` while the app is open; each run's outcome goes to
/// the window as a `backup-schedule-ran` event, so a failure is shown.
pub fn start_scheduler(app: AppHandle) {
    // A thread of its own that drives each tick on the app's runtime (see `run_detached`).
    std::thread::spawn(move || tauri::async_runtime::block_on(scheduler_loop(app)));
}

async fn scheduler_loop(app: AppHandle) {
    {
        let state = app.state::<AppState>();
        repovault_app::backups::remove_partials_in(&backup_folders(&state).await);
    }
    loop {
        run_due_schedules(&app, &app.state::<AppState>()).await;
        tokio::time::sleep(SCHEDULER_TICK).await;
    }
}

async fn run_due_schedules(app: &AppHandle, state: &AppState) {
    let (Ok(store), Ok(config)) = (state.store(), state.store_config()) else { return };
    // A restore or a manual backup holds the slot; the schedule waits for the next tick.
    let Ok(slot) = state.backup.begin() else { return };
    let runs = repovault_backup::schedule::run_due(store.as_ref(), &config, chrono::Utc::now(), slot.cancel.clone());
    match runs.await {
        Ok(runs) => {
            for run in runs {
                let _ = app.emit::<ScheduleRun>("backup-schedule-ran", run);
            }
        }
        Err(err) => tracing::warn!("cannot run scheduled backups: {err}"),
    }
}

/// The app's one-backup-at-a-time rule for the backup before a large import: it waits while a
/// schedule or a manual backup runs, then holds the backup slot with the import's own token, so
/// cancelling the import (or the backup) cancels both.
pub(crate) struct AppBackupSlot<'a> {
    pub state: &'a AppState,
}

impl BackupSlot for AppBackupSlot<'_> {
    fn acquire<'a>(&'a self, cancel: &'a CancelToken) -> Pin<Box<dyn Future<Output = Option<Held<'a>>> + Send + 'a>> {
        Box::pin(async move {
            loop {
                match self.state.backup.begin_with(cancel.clone()) {
                    Ok(claim) => return Some(Box::new(claim) as Held<'a>),
                    Err(_) if cancel.is_cancelled() => return None,
                    Err(_) => tokio::time::sleep(Duration::from_millis(250)).await,
                }
            }
        })
    }
}

/// The backup before a large import as the settings say (`None` when it is off).
pub(crate) fn large_import_backup(state: &AppState) -> CommandResult<Option<LargeImportBackup>> {
    let Some(threshold) = Settings::load(&state.data_dir).large_import_threshold() else { return Ok(None) };
    Ok(Some(LargeImportBackup {
        config: state.store_config()?,
        threshold,
        destinations: destinations(state),
        remedy: "fix the backup destinations, or turn this backup off on the Backups page".into(),
    }))
}

/// When `backup_on_exit` is set: an automatic backup ("on exit") into the app's destinations,
/// waited for before the app exits. Skipped when the store has no commits, or an import or another
/// backup is running; a failure is logged.
pub fn backup_on_exit(state: &AppState) {
    if !Settings::load(&state.data_dir).backup_on_exit {
        return;
    }
    if state.import.running().is_some() {
        tracing::warn!("no backup on exit: an import is running");
        return;
    }
    let Ok(slot) = state.backup.begin() else {
        tracing::warn!("no backup on exit: another backup or restore is running");
        return;
    };
    let (store, config) = match (state.store(), state.store_config()) {
        (Ok(store), Ok(config)) => (store, config),
        (Err(err), _) | (_, Err(err)) => {
            tracing::warn!("no backup on exit: {}", err.message);
            return;
        }
    };
    let destinations = destinations(state);
    tauri::async_runtime::block_on(async move {
        match repovault_app::backups::backup_on_exit(store.as_ref(), &config, destinations, slot.cancel.clone()).await {
            Ok(OnExit::Empty) => tracing::info!("no backup on exit: the store has no commits"),
            Ok(OnExit::Done(report)) => {
                for result in &report.results {
                    match (&result.backup, &result.error) {
                        (Some(info), _) => tracing::info!(path = info.path, "backed up on exit"),
                        (None, Some(err)) => {
                            tracing::error!(
                                destination = result.destination,
                                "the backup on exit failed: {}",
                                err.message
                            )
                        }
                        (None, None) => {}
                    }
                }
            }
            Err(err) => tracing::error!("the backup on exit failed: {err}"),
        }
    });
}
