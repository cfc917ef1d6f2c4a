//! Tauri commands: parse, call the core, map the error. Each stays a few lines.

use std::path::PathBuf;

use repovault_ingest::{ImportOptions, ImportProgress, ImportReport};
use repovault_storage::query::{self, CommitPage, CommitQuery, Filter, QueryOptions};
use repovault_storage::{CommitWithChanges, ErrorPayload, Repository, StoreInfo};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;

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
    let mut filter = query::parse_search(&text).map_err(|e| e.payload())?;
    if let Some(repository) = repository {
        filter = Filter::And(vec![Filter::condition("repository", "eq", repository), filter]);
    }
    let query = CommitQuery { filter: Some(filter), options };
    state.store()?.query_commits(&query).await.map_err(|e| e.payload())
}

#[tauri::command]
pub async fn get_commit(
    state: State<'_, AppState>,
    repository_id: i64,
    hash: String,
) -> CommandResult<CommitWithChanges> {
    state.store()?.get_commit_by_hash(Some(repository_id), hash.trim()).await.map_err(|e| e.payload())
}

fn validation(field: &str, reason: &str) -> ErrorPayload {
    ErrorPayload { code: "validation".into(), message: format!("invalid {field}: {reason}") }
}
