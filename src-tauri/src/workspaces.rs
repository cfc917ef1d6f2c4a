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
pub async fn move_repository(
    state: State<'_, AppState>,
    repository: String,
    workspace: String,
) -> CommandResult<Repository> {
    Ok(state.store()?.move_repository(&repository, &workspace).await?)
}

/// SQLite (no roles), or PostgreSQL as the owner or as a member.
#[tauri::command]
pub async fn team_status(state: State<'_, AppState>) -> CommandResult<TeamStatus> {
    Ok(state.store()?.team_status().await?)
}

/// `copy_store_and_switch`'s answer: the copy's verification, and the store now open (`None`
/// when the copy did not verify and the app stayed on its database).
#[derive(serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct CopyAndSwitch {
    report: repovault_storage::snapshot::copy::CopyReport,
    info: Option<crate::commands::AppInfo>,
}

/// Settings › Database, "Copy my data to this database and switch": closes the store (no write
/// may slip past the copy), copies it into the empty database at `url` (the blob store stays
/// shared), and switches to it only when the verification agrees; otherwise the app reopens its
/// own database. Progress: a table's name, tables done of all.
#[tauri::command]
pub async fn copy_store_and_switch(
    state: State<'_, AppState>,
    url: Option<String>,
    on_progress: tauri::ipc::Channel<repovault_storage::Progress<repovault_storage::snapshot::copy::CopyPhase>>,
) -> CommandResult<CopyAndSwitch> {
    let url = url.map(|u| u.trim().to_string()).filter(|u| !u.is_empty());
    let source = state.store_config()?;
    let mut target = repovault_storage::StoreConfig::for_data_dir(&state.data_dir, url.as_deref())?;
    target.blobs = source.blobs.clone();
    let _slot = state.import.begin()?;
    state.close_store("copying it to another database").await;
    let progress = |p| {
        let _ = on_progress.send(p);
    };
    let copied = repovault_storage::snapshot::copy::copy_store(&source, &target, &progress, &Default::default()).await;
    let report = match copied {
        Ok(report) if report.verified => report,
        other => {
            state.reopen().await?;
            return match other {
                Ok(report) => Ok(CopyAndSwitch { report, info: None }),
                Err(err) => Err(err.into()),
            };
        }
    };
    crate::settings::Settings { database_url: url, ..crate::settings::Settings::load(&state.data_dir) }
        .save(&state.data_dir)?;
    let store = state.reopen().await?;
    Ok(CopyAndSwitch { report, info: Some(crate::commands::AppInfo::of(&state, store.info())) })
}
