//! Stored runs: each request and its result in the `analysis_runs` table (both backends), with
//! reuse of a done result when neither the parameters nor the history changed.

use std::collections::BTreeMap;

use repovault_storage::{
    AnalysisRunRow, ErrorCode, FinishedAnalysisRun, NewAnalysisRun, Repository, Store, StoreError,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::error::{AnalysisError, Result};
use crate::params::AnalysisParams;
use crate::{AnalysisKind, AnalysisResult, RESULT_VERSION};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum RunStatus {
    Queued,
    Running,
    Done,
    Failed,
    Cancelled,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Queued => "queued",
            RunStatus::Running => "running",
            RunStatus::Done => "done",
            RunStatus::Failed => "failed",
            RunStatus::Cancelled => "cancelled",
        }
    }

    fn parse(text: &str) -> RunStatus {
        match text {
            "queued" => RunStatus::Queued,
            "running" => RunStatus::Running,
            "done" => RunStatus::Done,
            "cancelled" => RunStatus::Cancelled,
            _ => RunStatus::Failed,
        }
    }
}

/// The history a run saw: the repository's ref targets and commit count, and for kinds that read
/// the repository folder, the commit they read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Revision {
    /// Full ref name → target commit hash.
    pub refs: BTreeMap<String, String>,
    #[ts(type = "number")]
    pub commit_count: i64,
    /// The commit read from the repository folder (tech spec, structure, hotspot sizes).
    pub commit: Option<String>,
}

/// How a run failed: the error's stable code and message (as storage's `ErrorPayload`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RunError {
    pub code: ErrorCode,
    pub message: String,
}

impl From<RunError> for repovault_storage::ErrorPayload {
    fn from(err: RunError) -> Self {
        repovault_storage::ErrorPayload { code: err.code, message: err.message }
    }
}

/// One stored run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AnalysisRun {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub repository_id: i64,
    pub kind: AnalysisKind,
    pub params: AnalysisParams,
    pub revision: Revision,
    pub status: RunStatus,
    /// Unix seconds.
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number | null")]
    pub started_at: Option<i64>,
    #[ts(type = "number | null")]
    pub finished_at: Option<i64>,
    #[ts(type = "number | null")]
    pub duration_ms: Option<i64>,
    /// The version of the result's JSON shape (`RESULT_VERSION` when written by this build).
    pub result_version: Option<i32>,
    /// Present when the run is done and the result was asked for.
    pub result: Option<AnalysisResult>,
    pub error: Option<RunError>,
    /// True when this answer is an earlier run's result, reused because nothing changed.
    pub reused: bool,
}

pub(crate) fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// What identifies a question about a history: kind, parameters and revision, hashed.
pub(crate) fn run_key(kind: AnalysisKind, params_json: &str, revision: &Revision) -> Result<String> {
    let mut hash = Sha256::new();
    hash.update(kind.as_str().as_bytes());
    hash.update([0]);
    hash.update(params_json.as_bytes());
    hash.update([0]);
    hash.update(serde_json::to_string(revision)?.as_bytes());
    Ok(hex::encode(hash.finalize()))
}

/// The refs and commit count stored for a repository.
pub(crate) async fn stored_history(store: &dyn Store, repository: &Repository) -> Result<Revision> {
    let refs = store.refs(repository.id).await?;
    Ok(Revision {
        refs: refs.into_iter().map(|r| (r.name, r.target)).collect(),
        commit_count: repository.commit_count,
        commit: None,
    })
}

fn run_of(row: AnalysisRunRow, with_result: bool) -> Result<AnalysisRun> {
    let id = row.id;
    let kind = AnalysisKind::parse(&row.kind).ok_or_else(|| {
        AnalysisError::validation("kind", format!("stored run {id} has an unknown kind {:?}", row.kind))
    })?;
    // A result from another shape version is not read (the run reports only its version).
    let result = match (row.result.filter(|_| with_result), row.result_version) {
        (Some(json), Some(v)) if v == i64::from(RESULT_VERSION) => Some(serde_json::from_str(&json)?),
        _ => None,
    };
    Ok(AnalysisRun {
        id,
        repository_id: row.repository_id,
        kind,
        params: serde_json::from_str(&row.parameters)?,
        revision: serde_json::from_str(&row.revision)?,
        status: RunStatus::parse(&row.status),
        created_at: row.created_at,
        started_at: row.started_at,
        finished_at: row.finished_at,
        duration_ms: row.duration_ms,
        result_version: row.result_version.map(|v| v as i32),
        result,
        error: row
            .error_code
            .map(|code| RunError { code: ErrorCode::parse(&code), message: row.error.unwrap_or_default() }),
        reused: false,
    })
}

pub(crate) async fn insert(
    store: &dyn Store,
    repository_id: i64,
    kind: AnalysisKind,
    params_json: &str,
    revision: &Revision,
    key: &str,
) -> Result<i64> {
    let run = NewAnalysisRun {
        repository_id,
        kind: kind.as_str().to_string(),
        parameters: params_json.to_string(),
        revision: serde_json::to_string(revision)?,
        run_key: key.to_string(),
        created_at: now(),
    };
    Ok(store.insert_analysis_run(&run).await?)
}

/// The newest done run with this key and a result this build reads.
pub(crate) async fn reusable(
    store: &dyn Store,
    repository_id: i64,
    kind: AnalysisKind,
    key: &str,
) -> Result<Option<AnalysisRun>> {
    let row = store.reusable_analysis_run(repository_id, kind.as_str(), key, i64::from(RESULT_VERSION)).await?;
    row.map(|row| run_of(row, true)).transpose()
}

pub(crate) async fn get(store: &dyn Store, id: i64, with_result: bool) -> Result<AnalysisRun> {
    let row = store.analysis_run(id).await?;
    run_of(row.ok_or_else(|| StoreError::not_found(format!("analysis run {id}")))?, with_result)
}

/// Newest first, without results.
pub(crate) async fn list(store: &dyn Store, repository_id: i64, limit: u32) -> Result<Vec<AnalysisRun>> {
    let rows = store.analysis_runs(repository_id, limit).await?;
    rows.into_iter().map(|r| run_of(r, false)).collect()
}

pub(crate) async fn mark_running(store: &dyn Store, id: i64) -> Result<bool> {
    Ok(store.start_analysis_run(id, now()).await?)
}

/// Records how a run ended: its result, or its error (a cancellation is `cancelled`).
pub(crate) async fn finish(
    store: &dyn Store,
    id: i64,
    outcome: &Result<AnalysisResult>,
    duration_ms: i64,
) -> Result<()> {
    let (status, result, code, message) = match outcome {
        Ok(result) => (RunStatus::Done, Some(serde_json::to_string(result)?), None, None),
        Err(AnalysisError::Cancelled) => {
            (RunStatus::Cancelled, None, Some("cancelled".to_string()), Some(AnalysisError::Cancelled.to_string()))
        }
        Err(err) => (RunStatus::Failed, None, Some(err.code().to_string()), Some(err.to_string())),
    };
    let finished = FinishedAnalysisRun {
        status: status.as_str().to_string(),
        finished_at: now(),
        duration_ms,
        result_version: result.as_ref().map(|_| i64::from(RESULT_VERSION)),
        result,
        error_code: code,
        error: message,
    };
    Ok(store.finish_analysis_run(id, &finished).await?)
}
