//! Tauri commands: parse, call the core, map the error. Each stays a few lines.

use std::path::PathBuf;

use repovault_ingest::{ImportOptions, ImportProgress, ImportReport};
use repovault_storage::query::{self, CommitPage, CommitQuery, Filter, QueryOptions};
use repovault_storage::{CommitWithChanges, ErrorPayload, Repository, StoreInfo};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;

use crate::export_file;
use crate::state::AppState;

type CommandResult<T> = Result<T, ErrorPayload>;

/// `store_info`'s answer (declared by hand in ui/src/api.ts as `AppInfo`).
#[derive(Serialize)]
pub struct AppInfo {
    data_dir: String,
    store: StoreInfo,
}

#[tauri::command]
pub async fn store_info(state: State<'_, AppState>) -> CommandResult<AppInfo> {
    Ok(AppInfo { data_dir: state.data_dir.display().to_string(), store: state.store()?.info() })
}

#[tauri::command]
pub async fn list_repositories(state: State<'_, AppState>) -> CommandResult<Vec<Repository>> {
    state.store()?.repositories().await.map_err(|e| e.payload())
}

/// Imports (or syncs) a repository folder. Runs on the async runtime, so the window stays
/// responsive; progress goes through `on_progress`; `cancel_import` stops it between commits.
#[tauri::command]
pub async fn import_repository(
    state: State<'_, AppState>,
    path: String,
    name: Option<String>,
    on_progress: Channel<ImportProgress>,
) -> CommandResult<ImportReport> {
    let store = state.store()?.clone();
    let path = PathBuf::from(path.trim());
    if path.as_os_str().is_empty() {
        return Err(validation("path", "enter the folder of a git repository"));
    }
    let name = match name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()) {
        Some(name) => name,
        None => repovault_ingest::default_repository_name(&path)
            .ok_or_else(|| validation("name", "cannot tell a name from the path; give one"))?,
    };
    let slot = state.begin_import()?;
    let progress = |p: &ImportProgress| {
        // The window may have gone away; the import carries on regardless.
        let _ = on_progress.send(p.clone());
    };
    let report = repovault_ingest::import_repository(
        store.as_ref(),
        &path,
        &name,
        &ImportOptions::default(),
        &progress,
        &slot.cancel,
    )
    .await;
    report.map_err(|e| e.payload())
}

/// Cancels the running import (it stops between commits and keeps what was stored). Returns
/// whether an import was running.
#[tauri::command]
pub fn cancel_import(state: State<'_, AppState>) -> bool {
    state.cancel_import()
}

#[tauri::command]
pub async fn query_commits(state: State<'_, AppState>, query: CommitQuery) -> CommandResult<CommitPage> {
    state.store()?.query_commits(&query).await.map_err(|e| e.payload())
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
    state.store()?.query_commits(&query).await.map_err(|e| e.payload())
}

/// `base` narrowed by the search-box syntax: what `search_commits` lists and `export_commits`
/// writes for the same screen.
fn search_filter(base: Option<Filter>, text: &str) -> CommandResult<Filter> {
    let search = query::parse_search(text).map_err(|e| e.payload())?;
    Ok(match base {
        Some(base) => Filter::And(vec![base, search]),
        None => search,
    })
}

/// Export progress: commits written so far and how many match (`total` may be a lower bound).
#[derive(Clone, Serialize)]
pub struct ExportProgress {
    written: u64,
    total: i64,
}

/// Writes every commit the History list shows — `query`, narrowed by the search-box `search` when
/// given — to `path` as `format` (`csv`, `json`, `ndjson`), through `PATH.partial`. Returns how
/// many commits were written.
#[tauri::command]
pub async fn export_commits(
    state: State<'_, AppState>,
    query: CommitQuery,
    search: Option<String>,
    format: String,
    path: String,
    on_progress: Channel<ExportProgress>,
) -> CommandResult<u64> {
    let store = state.store()?.clone();
    let format = export_file::parse_format(&format)?;
    let path = PathBuf::from(path.trim());
    if path.as_os_str().is_empty() {
        return Err(validation("path", "choose a file to export to"));
    }
    let query = match search.filter(|text| !text.trim().is_empty()) {
        Some(text) => CommitQuery { filter: Some(search_filter(query.filter, &text)?), options: query.options },
        None => query,
    };
    // The exporter writes through a `dyn Write` across awaits (not `Send`), so it runs on a
    // blocking thread that drives it on the app's runtime.
    let export = move || {
        let mut file = export_file::create(&path)?;
        let progress = |written: u64, total: i64| {
            let _ = on_progress.send(ExportProgress { written, total });
        };
        let written = tauri::async_runtime::block_on(repovault_export::export_commits(
            store.as_ref(),
            &query,
            format,
            file.writer(),
            &progress,
        ))
        .map_err(|e| e.payload())?;
        export_file::finish(file)?;
        Ok(written)
    };
    tauri::async_runtime::spawn_blocking(export).await.map_err(|e| ErrorPayload {
        code: "internal".into(),
        message: format!("the export stopped unexpectedly: {e}"),
    })?
}

#[tauri::command]
pub async fn get_commit(
    state: State<'_, AppState>,
    repository_id: i64,
    hash: String,
) -> CommandResult<CommitWithChanges> {
    state.store()?.get_commit_by_hash(Some(repository_id), hash.trim()).await.map_err(|e| e.payload())
}

/// Removes a repository and everything stored about it (not its folder on disk); returns how many
/// commits went. Waits for no import: while one runs it answers `busy`.
#[tauri::command]
pub async fn remove_repository(state: State<'_, AppState>, name: String) -> CommandResult<i64> {
    let store = state.store()?.clone();
    // Holding the import slot keeps an import from starting while the rows go.
    let _slot = state.begin_import().map_err(|mut busy| {
        busy.message = "an import is running; wait for it to finish or cancel it before removing a repository".into();
        busy
    })?;
    store.delete_repository(&name).await.map_err(|e| e.payload())
}

fn validation(field: &str, reason: &str) -> ErrorPayload {
    ErrorPayload { code: "validation".into(), message: format!("invalid {field}: {reason}") }
}
