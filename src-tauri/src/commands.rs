//! Tauri commands: parse, call the core, map the error. Each stays a few lines.

use std::path::PathBuf;

use repovault_app::import::BackupFirst;
use repovault_ingest::{ImportOptions, ImportPhase, ImportProgress, ImportReport};
use repovault_storage::query::{self, CommitPage, CommitQuery, Filter, QueryOptions, SavedQuery};
use repovault_storage::{
    open_store, CommitWithChanges, ErrorPayload, GitRef, Progress, Repository, StoreConfig, StoreInfo,
};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;
use ts_rs::TS;

use crate::backups::{large_import_backup, AppBackupSlot};
use crate::settings::Settings;
use crate::state::AppState;

pub(crate) type CommandResult<T> = Result<T, ErrorPayload>;

/// `store_info`'s answer: where the data lives and which store is open.
#[derive(Serialize, TS)]
#[ts(export)]
pub struct AppInfo {
    data_dir: String,
    store: StoreInfo,
}

impl AppInfo {
    pub(crate) fn of(state: &AppState, store: StoreInfo) -> AppInfo {
        AppInfo { data_dir: state.data_dir.display().to_string(), store }
    }
}

#[tauri::command]
pub async fn store_info(state: State<'_, AppState>) -> CommandResult<AppInfo> {
    Ok(AppInfo { data_dir: state.data_dir.display().to_string(), store: state.store()?.info() })
}

#[tauri::command]
pub async fn list_repositories(state: State<'_, AppState>) -> CommandResult<Vec<Repository>> {
    Ok(state.store()?.repositories().await?)
}

/// Imports a repository folder, clones and imports a URL (https://, git://, ssh://, file://), or
/// syncs a stored repository (`name` names it: one added by URL fetches first). Runs on the async
/// runtime, so the window stays responsive; progress goes through `on_progress`; `cancel_import`
/// stops it.
#[tauri::command]
pub async fn import_repository(
    state: State<'_, AppState>,
    path: String,
    name: Option<String>,
    workspace: Option<String>,
    on_progress: Channel<Progress<ImportPhase>>,
) -> CommandResult<ImportReport> {
    let store = state.store()?;
    let source = path.trim().to_string();
    if source.is_empty() {
        return Err(validation("path", "enter the folder or the URL of a git repository"));
    }
    let is_url = repovault_ingest::remote::is_remote_url(&source);
    let name = match name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()) {
        Some(name) => name,
        None if is_url => repovault_ingest::remote::name_from_url(&source)
            .ok_or_else(|| validation("name", "cannot tell a name from the URL; give one"))?,
        None => repovault_ingest::default_repository_name(std::path::Path::new(&source))
            .ok_or_else(|| validation("name", "cannot tell a name from the path; give one"))?,
    };
    let slot = state.import.begin()?;
    let progress = |p: &ImportProgress| {
        // The window may have gone away; the import carries on regardless.
        let _ = on_progress.send(p.clone());
    };
    // A large import into a store with commits backs the store up first (see the Backups page).
    let backup_first = BackupFirst {
        store: store.as_ref(),
        backup: large_import_backup(&state)?,
        progress: &progress,
        cancel: slot.cancel.clone(),
        slot: &AppBackupSlot { state: &state },
        on_written: &|info, incoming| tracing::info!(path = info.path, incoming, "backed up before a large import"),
    };
    let options = ImportOptions {
        workspace: workspace.unwrap_or_else(|| repovault_storage::DEFAULT_WORKSPACE.to_string()),
        ..ImportOptions::default()
    };
    let (data_dir, cancel) = (&state.data_dir, &slot.cancel);
    if is_url {
        return repovault_app::remote::add_by_url(
            store.as_ref(),
            data_dir,
            &source,
            &name,
            &options,
            &progress,
            cancel,
            &backup_first,
        )
        .await;
    }
    match store.repository_by_name(&name).await {
        // The Sync button (or the same folder again): fetch first when it came from a URL.
        Ok(existing) if existing.path.as_deref() == Some(source.as_str()) || existing.remote_url.is_some() => {
            repovault_app::remote::sync_repository(
                store.as_ref(),
                data_dir,
                &existing,
                &options,
                &progress,
                cancel,
                &backup_first,
            )
            .await
        }
        _ => {
            let _lock = repovault_app::sync_lock::SyncLock::acquire(data_dir, &name)?;
            let path = PathBuf::from(&source);
            let report = repovault_ingest::import_repository_with_hook(
                store.as_ref(),
                &path,
                &name,
                &options,
                &progress,
                cancel,
                &backup_first,
            )
            .await;
            Ok(report?)
        }
    }
}

/// Cancels the running import (it stops between commits and keeps what was stored). Returns
/// whether an import was running.
#[tauri::command]
pub fn cancel_import(state: State<'_, AppState>) -> bool {
    state.import.running().is_some_and(|token| {
        token.cancel();
        true
    })
}

#[tauri::command]
pub async fn query_commits(state: State<'_, AppState>, query: CommitQuery) -> CommandResult<CommitPage> {
    Ok(state.store()?.query_commits(&query).await?)
}

/// How many commits match the query's filter, exactly: the list sizes its scrollbar by it when
/// the page's own count stopped at its cap.
#[tauri::command]
pub async fn count_commits(state: State<'_, AppState>, query: CommitQuery) -> CommandResult<i64> {
    Ok(state.store()?.count_commits(&query).await?)
}

/// The search-box syntax (`author:alice path:src/ "fix crash"`), optionally limited to one
/// repository by name.
#[tauri::command]
pub async fn search_commits(
    state: State<'_, AppState>,
    text: String,
    options: QueryOptions,
    repository: Option<String>,
) -> CommandResult<CommitPage> {
    let repository = repository.map(|name| Filter::condition("repository", "eq", name));
    let query = CommitQuery { filter: Some(search_filter(repository, &text)?), options };
    Ok(state.store()?.query_commits(&query).await?)
}

/// `base` narrowed by the search-box syntax: what `search_commits` lists and `export_commits`
/// writes for the same screen.
fn search_filter(base: Option<Filter>, text: &str) -> CommandResult<Filter> {
    let search = query::parse_search(text)?;
    Ok(match base {
        Some(base) => Filter::And(vec![base, search]),
        None => search,
    })
}

/// Writes every commit the History list shows — `query`, narrowed by the search-box `search` when
/// given — to `path` as `format` (`csv`, `json`, `ndjson`), through `PATH.partial`. Returns how
/// many commits were written. Progress: phase `writing`, commits written of the match count (which
/// may be a lower bound).
#[tauri::command]
pub async fn export_commits(
    state: State<'_, AppState>,
    query: CommitQuery,
    search: Option<String>,
    format: String,
    path: String,
    on_progress: Channel<Progress<String>>,
) -> CommandResult<u64> {
    let store = state.store()?;
    let format = repovault_app::export::parse_format(&format)?;
    let query = match search.filter(|text| !text.trim().is_empty()) {
        Some(text) => CommitQuery { filter: Some(search_filter(query.filter, &text)?), options: query.options },
        None => query,
    };
    let progress = move |written: u64, total: i64| {
        let _ = on_progress.send(Progress::new("writing".to_string(), written, total.max(0) as u64));
    };
    repovault_app::export::export_commits_to_file(store, query, format, PathBuf::from(path.trim()), progress).await
}

/// A commit with its file list but without the diff texts; `get_file_diff` reads one file's diff.
#[tauri::command]
pub async fn get_commit_stat(
    state: State<'_, AppState>,
    repository_id: i64,
    hash: String,
) -> CommandResult<CommitWithChanges> {
    Ok(state.store()?.get_commit_stat(Some(repository_id), hash.trim()).await?)
}

/// One file's diff text (lossy UTF-8 for display), or null when the change has none (binary).
#[tauri::command]
pub async fn get_file_diff(state: State<'_, AppState>, file_change_id: i64) -> CommandResult<Option<String>> {
    let bytes = state.store()?.diff_bytes(file_change_id).await?;
    Ok(bytes
        .map(|bytes| String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())))
}

/// The search-box syntax compiled to the filter model (the filter builder shows the same filter).
#[tauri::command]
pub fn parse_search(text: String) -> CommandResult<Filter> {
    Ok(query::parse_search(&text)?)
}

#[tauri::command]
pub async fn list_saved_queries(state: State<'_, AppState>) -> CommandResult<Vec<SavedQuery>> {
    Ok(state.store()?.saved_queries().await?)
}

/// Saves `filter` under `name`, replacing a saved query of that name.
#[tauri::command]
pub async fn save_query(state: State<'_, AppState>, name: String, filter: Filter) -> CommandResult<SavedQuery> {
    Ok(state.store()?.save_query(name.trim(), &filter).await?)
}

#[tauri::command]
pub async fn rename_saved_query(
    state: State<'_, AppState>,
    name: String,
    new_name: String,
) -> CommandResult<SavedQuery> {
    Ok(state.store()?.rename_saved_query(&name, new_name.trim()).await?)
}

#[tauri::command]
pub async fn delete_saved_query(state: State<'_, AppState>, name: String) -> CommandResult<()> {
    Ok(state.store()?.delete_saved_query(&name).await?)
}

/// Branches and tags of a repository (for the branch selector).
#[tauri::command]
pub async fn list_refs(state: State<'_, AppState>, repository_id: i64) -> CommandResult<Vec<GitRef>> {
    Ok(state.store()?.refs(repository_id).await?)
}

/// The settings screen's view: the data folder and the database URL in effect.
#[derive(Serialize, TS)]
#[ts(export)]
pub struct AppSettings {
    data_dir: String,
    /// The saved URL, or null for the embedded SQLite file in the data folder.
    database_url: Option<String>,
    /// Set when `DATABASE_URL` in the environment overrides the saved URL.
    database_url_from_env: bool,
}

#[tauri::command]
pub fn get_settings(state: State<'_, AppState>) -> AppSettings {
    AppSettings {
        data_dir: state.data_dir.display().to_string(),
        database_url: Settings::load(&state.data_dir).database_url,
        database_url_from_env: state.env_database_url.is_some(),
    }
}

/// Opens the database at `url` (null or empty: the embedded SQLite file) without changing it and
/// describes it; the settings screen's "Test connection".
#[tauri::command]
pub async fn test_connection(state: State<'_, AppState>, url: Option<String>) -> CommandResult<StoreInfo> {
    let mut config = StoreConfig::for_data_dir(&state.data_dir, url.as_deref().map(str::trim))?;
    config.apply_migrations = false;
    let open = tokio::time::timeout(std::time::Duration::from_secs(10), open_store(&config));
    let store = open.await.map_err(|_| ErrorPayload {
        code: repovault_storage::ErrorCode::Timeout,
        message: "no answer from the database within 10 s".into(),
    })??;
    let info = store.info();
    store.close().await;
    Ok(info)
}

/// Saves the database URL (null or empty: the embedded SQLite file) after checking that it opens,
/// then switches the app to it.
#[tauri::command]
pub async fn save_database_url(state: State<'_, AppState>, url: Option<String>) -> CommandResult<AppInfo> {
    let url = url.map(|u| u.trim().to_string()).filter(|u| !u.is_empty());
    test_connection(state.clone(), url.clone()).await?;
    let _slot = state.import.begin()?;
    Settings { database_url: url, ..Settings::load(&state.data_dir) }.save(&state.data_dir)?;
    let store = state.reopen().await?;
    Ok(AppInfo { data_dir: state.data_dir.display().to_string(), store: store.info() })
}

#[tauri::command]
pub async fn get_commit(
    state: State<'_, AppState>,
    repository_id: i64,
    hash: String,
) -> CommandResult<CommitWithChanges> {
    Ok(state.store()?.get_commit_by_hash(Some(repository_id), hash.trim()).await?)
}

/// Removes a repository and everything stored about it (not its folder on disk); returns how many
/// commits went. Waits for no import: while one runs it answers `busy`.
#[tauri::command]
pub async fn remove_repository(state: State<'_, AppState>, name: String) -> CommandResult<i64> {
    let store = state.store()?;
    // Holding the import slot keeps an import from starting while the rows go.
    let _slot = state.import.begin().map_err(|mut busy| {
        busy.message = "an import is running; wait for it to finish or cancel it before removing a repository".into();
        busy
    })?;
    let repository = store.repository_by_name(&name).await?;
    let removed = store.delete_repository(&name).await?;
    repovault_app::remote::remove_mirror(&state.data_dir, &repository);
    Ok(removed)
}

/// Turns the change index (`change:`, `added:`, `removed:` searches) on or off for a repository;
/// on indexes the commits already stored first. Like removal it waits for no import: while one
/// runs it answers `busy`.
#[tauri::command]
pub async fn set_change_index(state: State<'_, AppState>, name: String, enabled: bool) -> CommandResult<Repository> {
    let store = state.store()?;
    let _slot = state.import.begin().map_err(|mut busy| {
        busy.message = "an import is running; wait for it to finish before changing what is indexed".into();
        busy
    })?;
    Ok(store.set_change_index(&name, enabled).await?)
}

/// A `validation` error naming the field, as the core's own validation errors do.
pub(crate) fn validation(field: &str, reason: &str) -> ErrorPayload {
    ErrorPayload { code: repovault_storage::ErrorCode::Validation, message: format!("invalid {field}: {reason}") }
}
