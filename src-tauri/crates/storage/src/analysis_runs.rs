//! The `analysis_runs` table: each analysis request, its status and its versioned result as JSON.
//! The analysis crate gives the JSON its types; storage keeps the rows.

use async_trait::async_trait;

use crate::error::Result;

/// A stored run as its row. `result` is read only where asked for.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AnalysisRunRow {
    pub id: i64,
    pub repository_id: i64,
    pub kind: String,
    pub parameters: String,
    pub revision: String,
    pub status: String,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub duration_ms: Option<i64>,
    pub result_version: Option<i64>,
    pub error_code: Option<String>,
    pub error: Option<String>,
    pub result: Option<String>,
}

/// A request to record as `queued`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAnalysisRun {
    pub repository_id: i64,
    pub kind: String,
    pub parameters: String,
    pub revision: String,
    /// What identifies the question (kind, parameters, revision), for reuse.
    pub run_key: String,
    pub created_at: i64,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinishedAnalysisRun {
    pub status: String,
    pub finished_at: i64,
    pub duration_ms: i64,
    pub result_version: Option<i64>,
    pub result: Option<String>,
    pub error_code: Option<String>,
    pub error: Option<String>,
}

#[async_trait]
pub trait AnalysisRunStore {
    async fn insert_analysis_run(&self, run: &NewAnalysisRun) -> Result<i64>;
    /// A run with its result, if it exists.
    async fn analysis_run(&self, id: i64) -> Result<Option<AnalysisRunRow>>;
    /// The newest done run with this key and result version, with its result.
    async fn reusable_analysis_run(
        &self,
        repository_id: i64,
        kind: &str,
        run_key: &str,
        result_version: i64,
    ) -> Result<Option<AnalysisRunRow>>;
    /// A repository's runs, newest first, without results.
    async fn analysis_runs(&self, repository_id: i64, limit: u32) -> Result<Vec<AnalysisRunRow>>;
    /// Marks a queued run running; false when it was not queued.
    async fn start_analysis_run(&self, id: i64, started_at: i64) -> Result<bool>;
    async fn finish_analysis_run(&self, id: i64, finished: &FinishedAnalysisRun) -> Result<()>;
}

pub(crate) const RUN_COLUMNS: &str = "id, repository_id, kind, parameters, revision, status, created_at, started_at, \
    finished_at, duration_ms, result_version, error_code, error";

/// Queues the run's repository for the mirror, in the caller's transaction.
macro_rules! enqueue_run {
    ($tx:expr, $id:expr) => {{
        let repository: Option<(i64,)> = sqlx::query_as("SELECT repository_id FROM analysis_runs WHERE id = $1")
            .bind($id)
            .fetch_optional(&mut *$tx)
            .await?;
        if let Some((repository_id,)) = repository {
            $crate::mirror::enqueue!($tx, $crate::mirror::kind::ANALYSIS_RUNS, None::<&str>, Some(repository_id), "")?;
        }
    }};
}
pub(crate) use enqueue_run;

/// `AnalysisRunStore` for a store type that implements `Dialect` (its pool).
macro_rules! impl_analysis_runs {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::analysis_runs::AnalysisRunStore for $store {
            async fn insert_analysis_run(&self, run: &$crate::analysis_runs::NewAnalysisRun) -> $crate::error::Result<i64> {
                let mut tx = $crate::sql::Dialect::pool(self).begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await?;
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO analysis_runs (repository_id, kind, parameters, revision, run_key, status, created_at) \
                     VALUES ($1, $2, $3, $4, $5, 'queued', $6) RETURNING id",
                )
                .bind(run.repository_id)
                .bind(&run.kind)
                .bind(&run.parameters)
                .bind(&run.revision)
                .bind(&run.run_key)
                .bind(run.created_at)
                .fetch_one(&mut *tx)
                .await?;
                $crate::mirror::enqueue!(tx, $crate::mirror::kind::ANALYSIS_RUNS, None::<&str>, Some(run.repository_id), "")?;
                tx.commit().await?;
                Ok(id)
            }

            async fn analysis_run(&self, id: i64) -> $crate::error::Result<Option<$crate::analysis_runs::AnalysisRunRow>> {
                let sql = format!("SELECT {}, result FROM analysis_runs WHERE id = $1", $crate::analysis_runs::RUN_COLUMNS);
                Ok(sqlx::query_as(&sql).bind(id).fetch_optional($crate::sql::Dialect::pool(self)).await?)
            }

            async fn reusable_analysis_run(
                &self,
                repository_id: i64,
                kind: &str,
                run_key: &str,
                result_version: i64,
            ) -> $crate::error::Result<Option<$crate::analysis_runs::AnalysisRunRow>> {
                let sql = format!(
                    "SELECT {}, result FROM analysis_runs WHERE repository_id = $1 AND kind = $2 AND run_key = $3 \
                     AND status = 'done' AND result_version = $4 ORDER BY id DESC LIMIT 1",
                    $crate::analysis_runs::RUN_COLUMNS
                );
                Ok(sqlx::query_as(&sql)
                    .bind(repository_id)
                    .bind(kind)
                    .bind(run_key)
                    .bind(result_version)
                    .fetch_optional($crate::sql::Dialect::pool(self))
                    .await?)
            }

            async fn analysis_runs(
                &self,
                repository_id: i64,
                limit: u32,
            ) -> $crate::error::Result<Vec<$crate::analysis_runs::AnalysisRunRow>> {
                let sql = format!(
                    "SELECT {}, CAST(NULL AS TEXT) AS result FROM analysis_runs WHERE repository_id = $1 \
                     ORDER BY id DESC LIMIT $2",
                    $crate::analysis_runs::RUN_COLUMNS
                );
                Ok(sqlx::query_as(&sql).bind(repository_id).bind(i64::from(limit)).fetch_all($crate::sql::Dialect::pool(self)).await?)
            }

            async fn start_analysis_run(&self, id: i64, started_at: i64) -> $crate::error::Result<bool> {
                let mut tx = $crate::sql::Dialect::pool(self).begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await?;
                let done = sqlx::query(
                    "UPDATE analysis_runs SET status = 'running', started_at = $2 WHERE id = $1 AND status = 'queued'",
                )
                .bind(id)
                .bind(started_at)
                .execute(&mut *tx)
                .await?;
                $crate::analysis_runs::enqueue_run!(tx, id);
                tx.commit().await?;
                Ok(done.rows_affected() == 1)
            }

            async fn finish_analysis_run(
                &self,
                id: i64,
                finished: &$crate::analysis_runs::FinishedAnalysisRun,
            ) -> $crate::error::Result<()> {
                let mut tx = $crate::sql::Dialect::pool(self).begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await?;
                sqlx::query(
                    "UPDATE analysis_runs SET status = $2, finished_at = $3, duration_ms = $4, result_version = $5, \
                     result = $6, error_code = $7, error = $8 WHERE id = $1",
                )
                .bind(id)
                .bind(&finished.status)
                .bind(finished.finished_at)
                .bind(finished.duration_ms)
                .bind(finished.result_version)
                .bind(&finished.result)
                .bind(&finished.error_code)
                .bind(&finished.error)
                .execute(&mut *tx)
                .await?;
                $crate::analysis_runs::enqueue_run!(tx, id);
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

impl_analysis_runs!(crate::sqlite::SqliteStore);
impl_analysis_runs!(crate::postgres::PgStore);
