//! Tauri commands of the history views: the commit graph beside the History list, a file's
//! history, blame, and two revisions compared. Thin: the core answers.

use repovault_app::history::{Blame, Comparison, LineHistory};
use repovault_storage::{FileChange, GraphPage, PathChange};
use tauri::State;

use crate::commands::CommandResult;
use crate::state::AppState;

/// Rows `offset..offset + limit` of the commit graph of a repository (`scope` null: every commit;
/// otherwise a branch or tag), in the History list's order.
#[tauri::command]
pub async fn get_graph_page(
    state: State<'_, AppState>,
    repository_id: i64,
    scope: Option<String>,
    offset: i64,
    limit: u32,
) -> CommandResult<GraphPage> {
    Ok(state.store()?.graph_page(repository_id, scope.as_deref(), offset, limit).await?)
}

/// Every commit that changed a file, newest first, following renames (as `git log --follow`);
/// `rev` limits it to what a branch, tag or commit reaches.
#[tauri::command]
pub async fn get_file_history(
    state: State<'_, AppState>,
    repository_id: i64,
    path: String,
    rev: Option<String>,
) -> CommandResult<Vec<PathChange>> {
    Ok(state.store()?.file_history(repository_id, &path, rev.as_deref()).await?)
}

/// Each line of a file at a revision with the commit that last changed it, from the stored diffs.
#[tauri::command]
pub async fn blame_file(
    state: State<'_, AppState>,
    repository: String,
    path: String,
    rev: Option<String>,
) -> CommandResult<Blame> {
    let store = state.store()?;
    repovault_app::history::blame(store.as_ref(), &repository, &path, rev.as_deref()).await
}

/// Two revisions compared: commits only on each side, merge bases, and the changed files
/// (two-dot from the left, or three-dot from the merge base).
#[tauri::command]
pub async fn compare_revisions(
    state: State<'_, AppState>,
    repository: String,
    left: String,
    right: String,
    three_dot: bool,
) -> CommandResult<Comparison> {
    let store = state.store()?;
    repovault_app::history::compare(store.as_ref(), &repository, &left, &right, three_dot).await
}

/// One file of a comparison with its diff text (`from` is the left side for two-dot, the merge
/// base for three-dot), read from the repository folder.
#[tauri::command]
pub async fn compare_file_diff(
    state: State<'_, AppState>,
    repository: String,
    from: String,
    to: String,
    path: String,
) -> CommandResult<FileChange> {
    let store = state.store()?;
    repovault_app::history::compare_file_diff(store.as_ref(), &repository, &from, &to, &path).await
}

/// The commits that changed lines `start..=end` (1-based) of a file at a revision (as `git log -L`).
#[tauri::command]
pub async fn line_history(
    state: State<'_, AppState>,
    repository: String,
    path: String,
    start: u32,
    end: u32,
    rev: Option<String>,
) -> CommandResult<LineHistory> {
    let store = state.store()?;
    repovault_app::history::line_history(store.as_ref(), &repository, &path, start, end, rev.as_deref()).await
}
