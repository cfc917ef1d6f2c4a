//! Stored runs: each request and its result in the `analysis_runs` table (both backends), with
//! reuse of a done result when neither the parameters nor the history changed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::db::{Bind, Db};
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
    pub code: String,
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
pub(crate) async fn stored_history(db: &Db, repository_id: i64) -> Result<Revision> {
    let refs: Vec<(String, String)> = db
        .fetch_all("SELECT name, target_hash FROM refs WHERE repository_id = $1", &[Bind::Int(repository_id)])
        .await?;
    let (commit_count,): (i64,) = db
        .fetch_optional("SELECT COUNT(*) FROM commits WHERE repository_id = $1", &[Bind::Int(repository_id)])
        .await?
        .unwrap_or((0,));
    Ok(Revision { refs: refs.into_iter().collect(), commit_count, commit: None })
}

const RUN_COLUMNS: &str = "id, repository_id, kind, parameters, revision, status, created_at, started_at, \
    finished_at, duration_ms, result_version, error_code, error";

type RunRow = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
);

fn run_of(row: RunRow, result: Option<String>) -> Result<AnalysisRun> {
    let (
        id,
        repository_id,
        kind,
        parameters,
        revision,
        status,
        created_at,
        started_at,
        finished_at,
        duration_ms,
        version,
        code,
        error,
    ) = row;
    let kind = AnalysisKind::parse(&kind)
        .ok_or_else(|| AnalysisError::validation("kind", format!("stored run {id} has an unknown kind {kind:?}")))?;
    // A result from another shape version is not read (the run reports only its version).
    let result = match (result, version) {
        (Some(json), Some(v)) if v == i64::from(RESULT_VERSION) => Some(serde_json::from_str(&json)?),
        _ => None,
    };
    Ok(AnalysisRun {
        id,
        repository_id,
        kind,
        params: serde_json::from_str(&parameters)?,
        revision: serde_json::from_str(&revision)?,
        status: RunStatus::parse(&status),
        created_at,
        started_at,
        finished_at,
        duration_ms,
        result_version: version.map(|v| v as i32),
        result,
        error: code.map(|code| RunError { code, message: error.unwrap_or_default() }),
        reused: false,
    })
}

pub(crate) async fn insert(
    db: &Db,
    repository_id: i64,
    kind: AnalysisKind,
    params_json: &str,
    revision: &Revision,
    key: &str,
) -> Result<i64> {
    let (id,): (i64,) = db
        .fetch_optional(
            "INSERT INTO analysis_runs (repository_id, kind, parameters, revision, run_key, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'queued', $6) RETURNING id",
            &[
                Bind::Int(repository_id),
                Bind::Text(kind.as_str().to_string()),
                Bind::Text(params_json.to_string()),
                Bind::Text(serde_json::to_string(revision)?),
                Bind::Text(key.to_string()),
                Bind::Int(now()),
            ],
        )
        .await?
        .ok_or_else(|| AnalysisError::Store(repovault_storage::StoreError::Storage("insert returned no id".into())))?;
    Ok(id)
}

/// The newest done run with this key and a result this build reads.
pub(crate) async fn reusable(
    db: &Db,
    repository_id: i64,
    kind: AnalysisKind,
    key: &str,
) -> Result<Option<AnalysisRun>> {
    let sql = format!(
        "SELECT {RUN_COLUMNS}, result FROM analysis_runs WHERE repository_id = $1 AND kind = $2 AND run_key = $3 \
         AND status = 'done' AND result_version = $4 ORDER BY id DESC LIMIT 1"
    );
    let binds = [
        Bind::Int(repository_id),
        Bind::Text(kind.as_str().to_string()),
        Bind::Text(key.to_string()),
        Bind::Int(i64::from(RESULT_VERSION)),
    ];
    let row: Option<RunRowWithResult> = db.fetch_optional(&sql, &binds).await?;
    row.map(split).map(|(row, result)| run_of(row, result)).transpose()
}

type RunRowWithResult = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn split(r: RunRowWithResult) -> (RunRow, Option<String>) {
    ((r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9, r.10, r.11, r.12), r.13)
}

pub(crate) async fn get(db: &Db, id: i64, with_result: bool) -> Result<AnalysisRun> {
    let sql = format!("SELECT {RUN_COLUMNS}, result FROM analysis_runs WHERE id = $1");
    let row: Option<RunRowWithResult> = db.fetch_optional(&sql, &[Bind::Int(id)]).await?;
    let (row, result) =
        split(row.ok_or_else(|| repovault_storage::StoreError::not_found(format!("analysis run {id}")))?);
    run_of(row, if with_result { result } else { None })
}

/// Newest first, without results.
pub(crate) async fn list(db: &Db, repository_id: i64, limit: u32) -> Result<Vec<AnalysisRun>> {
    let sql = format!("SELECT {RUN_COLUMNS} FROM analysis_runs WHERE repository_id = $1 ORDER BY id DESC LIMIT $2");
    let rows: Vec<RunRow> = db.fetch_all(&sql, &[Bind::Int(repository_id), Bind::Int(i64::from(limit))]).await?;
    rows.into_iter().map(|r| run_of(r, None)).collect()
}

pub(crate) async fn mark_running(db: &Db, id: i64) -> Result<bool> {
    let changed = db
        .execute(
            "UPDATE analysis_runs SET status = 'running', started_at = $2 WHERE id = $1 AND status = 'queued'",
            &[Bind::Int(id), Bind::Int(now())],
        )
        .await?;
    Ok(changed == 1)
}

/// Records how a run ended: its result, or its error (a cancellation is `cancelled`).
pub(crate) async fn finish(db: &Db, id: i64, outcome: &Result<AnalysisResult>, duration_ms: i64) -> Result<()> {
    let (status, result, code, message) = match outcome {
        Ok(result) => (RunStatus::Done, Some(serde_json::to_string(result)?), None, None),
        Err(AnalysisError::Cancelled) => {
            (RunStatus::Cancelled, None, Some("cancelled".to_string()), Some(AnalysisError::Cancelled.to_string()))
        }
        Err(err) => (RunStatus::Failed, None, Some(err.code().to_string()), Some(err.to_string())),
    };
    let version = result.as_ref().map(|_| i64::from(RESULT_VERSION));
    db.execute(
        "UPDATE analysis_runs SET status = $2, finished_at = $3, duration_ms = $4, result_version = $5, result = $6, \
         error_code = $7, error = $8 WHERE id = $1",
        &[
            Bind::Int(id),
            Bind::Text(status.as_str().to_string()),
            Bind::Int(now()),
            Bind::Int(duration_ms),
            Bind::OptInt(version),
            Bind::OptText(result),
            Bind::OptText(code),
            Bind::OptText(message),
        ],
    )
    .await?;
    Ok(())
}
