//! Workspaces and team mode: list, create, rename, delete (after saying what goes), move a
//! repository; who the connection is on PostgreSQL. Each command calls the storage trait.

use repovault_storage::{Repository, TeamStatus, Workspace, WorkspaceDeletion};
use tauri::State;

use crate::commands::CommandResult;
use crate::state::AppState;

/// The workspaces the connection sees (a team member: only those granted to it).
#[tauri::command]
pub async fn list_workspaces(state: State<'_, AppState>) -> CommandResult<Vec<Workspace>> {
    Ok(state.store()?.workspaces().await?)
}

#[tauri::command]
pub async fn create_workspace(state: State<'_, AppState>, name: String) -> CommandResult<Workspace> {
    Ok(state.store()?.create_workspace(name.trim()).await?)
}

#[tauri::command]
pub async fn rename_workspace(state: State<'_, AppState>, name: String, new_name: String) -> CommandResult<Workspace> {
    Ok(state.store()?.rename_workspace(&name, new_name.trim()).await?)
}

/// What deleting the workspace would remove, for the confirmation.
#[tauri::command]
pub async fn preview_workspace_deletion(state: State<'_, AppState>, name: String) -> CommandResult<WorkspaceDeletion> {
    Ok(state.store()?.workspace_contents(&name).await?)
}

#[tauri::command]
pub async fn delete_workspace(state: State<'_, AppState>, name: String) -> CommandResult<WorkspaceDeletion> {
    Ok(state.store()?.delete_workspace(&name).await?)
}

#[tauri::command]
pub async fn move_repository(state: State<'_, AppState>, repository: String, workspace: String) -> CommandResult<Repository> {
    Ok(state.store()?.move_repository(&repository, &workspace).await?)
}

/// SQLite (no roles), or PostgreSQL as the owner or as a member.
#[tauri::command]
pub async fn team_status(state: State<'_, AppState>) -> CommandResult<TeamStatus> {
    Ok(state.store()?.team_status().await?)
}
