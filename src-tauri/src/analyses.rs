//! Tauri commands of the Analyses page: run an analysis (or reuse its stored result) with progress
//! and cancel, list and read stored runs, export a result's table.

use std::path::PathBuf;

use repovault_analysis::{AnalysisRequest, AnalysisRun, Analyzer, Progress};
use repovault_storage::ErrorPayload;
use tauri::ipc::Channel;
use tauri::State;

use crate::commands::{validation, CommandResult};
use crate::export_file;
use crate::state::AppState;
use repovault_app::detached::run_detached;

fn analyzer(state: &AppState) -> CommandResult<Analyzer> {
    Ok(Analyzer::new(state.store()?))
}

/// Runs `request` (a stored result is reused while the history and the parameters are the same);
/// a failed or cancelled run comes back as a run with `error`.
#[tauri::command]
pub async fn run_analysis(
    state: State<'_, AppState>,
    request: AnalysisRequest,
    on_progress: Channel<repovault_storage::Progress<String>>,
) -> CommandResult<AnalysisRun> {
    let slot = state.analysis.begin()?;
    let analyzer = analyzer(&state)?;
    let cancel = slot.cancel.clone();
    let progress = Progress::new(move |p| {
        let _ = on_progress.send(p);
    });
    run_detached(move || async move { analyzer.run(&request, &progress, &cancel).await }).await
}

#[tauri::command]
pub fn cancel_analysis(state: State<'_, AppState>) -> bool {
    state.analysis.running().is_some_and(|token| {
        token.cancel();
        true
    })
}

/// A repository's stored runs, newest first, without their results.
#[tauri::command]
pub async fn list_analysis_runs(
    state: State<'_, AppState>,
    repository: String,
    limit: Option<u32>,
) -> CommandResult<Vec<AnalysisRun>> {
    let analyzer = analyzer(&state)?;
    run_detached(move || async move { analyzer.runs(&repository, limit.unwrap_or(50)).await }).await
}

/// One stored run with its result.
#[tauri::command]
pub async fn get_analysis_run(state: State<'_, AppState>, run_id: i64) -> CommandResult<AnalysisRun> {
    let analyzer = analyzer(&state)?;
    run_detached(move || async move { analyzer.get_run(run_id).await }).await
}

/// Writes a run's result to `path`: the whole result as JSON, or one of its tables (`table`: a
/// field of the result holding a list, e.g. `authors`, `files`, `pairs`) as CSV, JSON or NDJSON.
/// Returns how many rows were written (1 for a whole result).
#[tauri::command]
pub async fn export_analysis(
    state: State<'_, AppState>,
    run_id: i64,
    table: Option<String>,
    format: String,
    path: String,
) -> CommandResult<u64> {
    let format = repovault_app::export::parse_format(&format)?;
    let path = PathBuf::from(path.trim());
    if path.as_os_str().is_empty() {
        return Err(validation("path", "choose a file to export to"));
    }
    let run = get_analysis_run(state, run_id).await?;
    let result = run.result.ok_or_else(|| validation("run", "this run has no result to export"))?;
    let value = serde_json::to_value(&result).expect("results serialise");
    let data = &value["data"];
    let rows: Vec<serde_json::Value> = match table.as_deref() {
        Some(name) => data[name].as_array().cloned().ok_or_else(|| {
            validation("table", &format!("the result has no table {name:?}; tables: {}", tables(data)))
        })?,
        None if format == repovault_export::ExportFormat::Json => vec![data.clone()],
        None => return Err(validation("table", &format!("name the table to write as rows: {}", tables(data)))),
    };
    let mut file = export_file::create(&path)?;
    let written = repovault_export::write_table(&rows, format, &mut file.writer()).map_err(|e| ErrorPayload {
        code: repovault_storage::ErrorCode::Io,
        message: format!("cannot write {}: {e}", path.display()),
    })?;
    export_file::finish(file)?;
    Ok(written)
}

/// The fields of a result that hold lists of rows.
fn tables(data: &serde_json::Value) -> String {
    let names: Vec<&str> = data
        .as_object()
        .map(|fields| fields.iter().filter(|(_, v)| v.is_array()).map(|(k, _)| k.as_str()).collect())
        .unwrap_or_default();
    names.join(", ")
}
