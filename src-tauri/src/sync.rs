//! Repositories added by URL, keep-in-sync and tokens: thin commands over `repovault_app::remote`,
//! `tokens` and `background`, and the app's background sync (a thread of its own, like the backup
//! scheduler). A background sync takes the import slot like the Import button, so it never runs
//! beside another import; a failure is recorded on the repository and told to the window through
//! the `repository-synced` event (a badge, never a modal).

use repovault_app::import::BackupFirst;
use repovault_ingest::{ImportOptions, ImportProgress};
use repovault_storage::{ErrorPayload, Repository};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, State};
use ts_rs::TS;

use crate::backups::{large_import_backup, AppBackupSlot};
use crate::commands::CommandResult;
use crate::state::AppState;

/// Turns background sync of a repository on (every `seconds`, at least 60) or off (null).
#[tauri::command]
pub async fn set_keep_in_sync(
    state: State<'_, AppState>,
    name: String,
    seconds: Option<i64>,
) -> CommandResult<Repository> {
    Ok(state.store()?.set_sync_interval(&name, seconds).await?)
}

/// Where a token was kept.
#[derive(Serialize, TS)]
#[ts(export)]
pub struct TokenSaved {
    /// The server it is for: `https://host[:port]`.
    server: String,
    /// False when no desktop keyring runs and the kernel keyring holds it until logout.
    persistent: bool,
}

/// Keeps a token for the server of `url` in the OS keyring (never in a settings file).
#[tauri::command]
pub fn save_token(url: String, token: String) -> CommandResult<TokenSaved> {
    let keeper = repovault_app::tokens::save(&url, &token)?;
    Ok(TokenSaved {
        server: repovault_app::tokens::server_of(&url)?,
        persistent: keeper == repovault_app::tokens::Keeper::Persistent,
    })
}

/// Forgets the token of the server of `url`; whether there was one.
#[tauri::command]
pub fn delete_token(url: String) -> CommandResult<bool> {
    repovault_app::tokens::delete(&url)
}

/// What the window hears after each background sync.
#[derive(Clone, Serialize, TS)]
#[ts(export)]
pub struct RepositorySynced {
    repository: String,
    #[ts(type = "number")]
    new_commits: u64,
    error: Option<ErrorPayload>,
}

pub fn start_background_sync(app: AppHandle) {
    std::thread::spawn(move || tauri::async_runtime::block_on(background_loop(app)));
}

async fn background_loop(app: AppHandle) {
    let state = app.state::<AppState>();
    let store_now = || state.store();
    let choose = |r: &Repository| r.sync_interval_secs;
    let sync = |repository: Repository| -> repovault_app::background::SyncFuture<'_> {
        let state = &state;
        Box::pin(async move {
            let store = state.store()?;
            // Waits for no one: while an import runs, this round is skipped.
            let slot = state.import.begin()?;
            let progress = |_: &ImportProgress| {};
            let hook = BackupFirst {
                store: store.as_ref(),
                backup: large_import_backup(state)?,
                progress: &progress,
                cancel: slot.cancel.clone(),
                slot: &AppBackupSlot { state },
                on_written: &|info, incoming| {
                    tracing::info!(path = info.path, incoming, "backed up before a large import")
                },
            };
            repovault_app::remote::sync_repository(
                store.as_ref(),
                &state.data_dir,
                &repository,
                &ImportOptions::default(),
                &progress,
                &slot.cancel,
                &hook,
            )
            .await
        })
    };
    let report = |repository: &Repository, result: &Result<repovault_ingest::ImportReport, ErrorPayload>| {
        let event = match result {
            Ok(report) => {
                RepositorySynced { repository: repository.name.clone(), new_commits: report.new_commits, error: None }
            }
            Err(err) => {
                tracing::warn!(repository = repository.name, "background sync failed: {}", err.message);
                RepositorySynced { repository: repository.name.clone(), new_commits: 0, error: Some(err.clone()) }
            }
        };
        let _ = app.emit("repository-synced", event);
    };
    // Runs as long as the app does.
    let forever = repovault_storage::CancelToken::default();
    repovault_app::background::run(&store_now, &choose, &sync, &report, &forever).await;
}
