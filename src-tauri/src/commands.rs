//! Tauri commands: parse, call the core, map the error. Each stays a few lines.

use repovault_storage::{ErrorPayload, Repository, StoreInfo};
use serde::Serialize;
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
