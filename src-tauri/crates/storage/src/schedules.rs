//! The `backup_schedules` table: when backups run, where they go and how the last run went. The
//! backup crate gives the JSON columns (destinations, retention) and the spec their types.

use async_trait::async_trait;

use crate::error::{Result, StoreError};

/// A schedule as its row. Times are Unix seconds.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ScheduleRow {
    pub id: i64,
    pub name: String,
    /// `cron` or `interval`.
    pub kind: String,
    pub cron: Option<String>,
    pub timezone: Option<String>,
    pub interval_seconds: Option<i64>,
    /// JSON list of destinations.
    pub destinations: String,
    /// JSON retention policy.
    pub retention: Option<String>,
    pub enabled: bool,
    pub next_run_at: Option<i64>,
    pub last_run_at: Option<i64>,
    pub last_result: Option<String>,
    pub last_duration_ms: Option<i64>,
    pub last_error: Option<String>,
    pub last_backup: Option<String>,
    pub created_at: i64,
}

/// The outcome of a scheduled run and when the next one is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleRunRecord {
    pub ran_at: i64,
    pub result: String,
    pub duration_ms: i64,
    pub error: Option<String>,
    pub backup: Option<String>,
    pub next_run_at: Option<i64>,
}

#[async_trait]
pub trait ScheduleStore {
    /// Adds a schedule (`id` is ignored); a taken name is `Duplicate`.
    async fn insert_schedule(&self, schedule: &ScheduleRow) -> Result<()>;
    /// Every schedule, by name.
    async fn schedules(&self) -> Result<Vec<ScheduleRow>>;
    /// Enabled schedules whose next run is at or before `now`, soonest first.
    async fn due_schedules(&self, now: i64) -> Result<Vec<ScheduleRow>>;
    /// Removes a schedule; false when there is none by that name.
    async fn delete_schedule(&self, name: &str) -> Result<bool>;
    async fn record_schedule_run(&self, id: i64, run: &ScheduleRunRecord) -> Result<()>;
}

pub(crate) const COLUMNS: &str = "id, name, kind, cron, timezone, interval_seconds, destinations, retention, \
    enabled, next_run_at, last_run_at, last_result, last_duration_ms, last_error, last_backup, created_at";

pub(crate) const INSERT_WITH_ID: &str =
    "INSERT INTO backup_schedules (id, name, kind, cron, timezone, interval_seconds, destinations, retention, \
     enabled, next_run_at, last_run_at, last_result, last_duration_ms, last_error, last_backup, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)";

/// A store without the schedules table has not been migrated yet; a taken name is a duplicate.
pub(crate) fn schedule_error(err: sqlx::Error, name: Option<&str>) -> StoreError {
    let text = err.to_string();
    if text.contains("backup_schedules") && (text.contains("no such table") || text.contains("does not exist")) {
        StoreError::validation("schema", "the store has no backup schedules table yet; run `repovault-cli migrate`")
    } else if let (Some(name), true) = (name, text.contains("UNIQUE") || text.contains("unique")) {
        StoreError::Duplicate(format!("a schedule called {name:?} exists already"))
    } else {
        err.into()
    }
}

/// Binds every column of `INSERT_WITH_ID` (or, without the id, of the plain insert) in order.
macro_rules! bind_schedule {
    ($query:expr, $s:expr) => {
        $query
            .bind(&$s.name)
            .bind(&$s.kind)
            .bind(&$s.cron)
            .bind(&$s.timezone)
            .bind($s.interval_seconds)
            .bind(&$s.destinations)
            .bind(&$s.retention)
            .bind($s.enabled)
            .bind($s.next_run_at)
            .bind($s.last_run_at)
            .bind(&$s.last_result)
            .bind($s.last_duration_ms)
            .bind(&$s.last_error)
            .bind(&$s.last_backup)
            .bind($s.created_at)
    };
}
pub(crate) use bind_schedule;

/// `ScheduleStore` for a store type that implements `Dialect` (its pool).
macro_rules! impl_schedules {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::schedules::ScheduleStore for $store {
            async fn insert_schedule(&self, s: &$crate::schedules::ScheduleRow) -> $crate::error::Result<()> {
                let sql = "INSERT INTO backup_schedules (name, kind, cron, timezone, interval_seconds, destinations, \
                           retention, enabled, next_run_at, last_run_at, last_result, last_duration_ms, last_error, \
                           last_backup, created_at) \
                           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";
                let mut tx = $crate::sql::Dialect::pool(self).begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await.map_err(|e| $crate::schedules::schedule_error(e, None))?;
                $crate::schedules::bind_schedule!(sqlx::query(sql), s)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| $crate::schedules::schedule_error(e, Some(&s.name)))?;
                $crate::mirror::enqueue!(tx, $crate::mirror::kind::BACKUP_SCHEDULES, None::<&str>, None::<i64>, "")
                    .map_err(|e| $crate::schedules::schedule_error(e, None))?;
                tx.commit().await.map_err(|e| $crate::schedules::schedule_error(e, None))?;
                Ok(())
            }

            async fn schedules(&self) -> $crate::error::Result<Vec<$crate::schedules::ScheduleRow>> {
                let sql = format!("SELECT {} FROM backup_schedules ORDER BY name", $crate::schedules::COLUMNS);
                sqlx::query_as(&sql).fetch_all($crate::sql::Dialect::pool(self)).await.map_err(|e| $crate::schedules::schedule_error(e, None))
            }

            async fn due_schedules(&self, now: i64) -> $crate::error::Result<Vec<$crate::schedules::ScheduleRow>> {
                let sql = format!(
                    "SELECT {} FROM backup_schedules WHERE enabled AND next_run_at IS NOT NULL AND next_run_at <= $1 \
                     ORDER BY next_run_at, name",
                    $crate::schedules::COLUMNS
                );
                sqlx::query_as(&sql)
                    .bind(now)
                    .fetch_all($crate::sql::Dialect::pool(self))
                    .await
                    .map_err(|e| $crate::schedules::schedule_error(e, None))
            }

            async fn delete_schedule(&self, name: &str) -> $crate::error::Result<bool> {
                let mut tx = $crate::sql::Dialect::pool(self).begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await.map_err(|e| $crate::schedules::schedule_error(e, None))?;
                let done = sqlx::query("DELETE FROM backup_schedules WHERE name = $1")
                    .bind(name)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| $crate::schedules::schedule_error(e, None))?;
                $crate::mirror::enqueue!(tx, $crate::mirror::kind::BACKUP_SCHEDULES, None::<&str>, None::<i64>, "")
                    .map_err(|e| $crate::schedules::schedule_error(e, None))?;
                tx.commit().await.map_err(|e| $crate::schedules::schedule_error(e, None))?;
                Ok(done.rows_affected() > 0)
            }

            async fn record_schedule_run(
                &self,
                id: i64,
                run: &$crate::schedules::ScheduleRunRecord,
            ) -> $crate::error::Result<()> {
                sqlx::query(
                    "UPDATE backup_schedules SET last_run_at = $1, last_result = $2, last_duration_ms = $3, \
                     last_error = $4, last_backup = $5, next_run_at = $6 WHERE id = $7",
                )
                .bind(run.ran_at)
                .bind(&run.result)
                .bind(run.duration_ms)
                .bind(&run.error)
                .bind(&run.backup)
                .bind(run.next_run_at)
                .bind(id)
                .execute($crate::sql::Dialect::pool(self))
                .await
                .map_err(|e| $crate::schedules::schedule_error(e, None))?;
                Ok(())
            }
        }
    };
}

impl_schedules!(crate::sqlite::SqliteStore);
impl_schedules!(crate::postgres::PgStore);

/// Writes `schedules` (ids kept) into the SQLite database file at `path` in place of its own, in
/// one transaction: a restore keeps the installation's schedules rather than the backup's.
pub async fn replace_schedules_in_sqlite_file(path: &std::path::Path, schedules: &[ScheduleRow]) -> Result<()> {
    let mut conn = crate::snapshot::sqlite::connect(path, false).await?;
    let mut tx = sqlx::Connection::begin(&mut conn).await?;
    sqlx::query("DELETE FROM backup_schedules").execute(&mut *tx).await.map_err(|e| schedule_error(e, None))?;
    for s in schedules {
        bind_schedule!(sqlx::query(INSERT_WITH_ID).bind(s.id), s).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    sqlx::Connection::close(conn).await.ok();
    Ok(())
}

/// The schedules in the SQLite database file at `path`, by name (only read; the connection is not
/// read-only, so a WAL database without its `-shm` file opens too).
pub async fn schedules_in_sqlite_file(path: &std::path::Path) -> Result<Vec<ScheduleRow>> {
    let mut conn = crate::snapshot::sqlite::connect(path, false).await?;
    let sql = format!("SELECT {COLUMNS} FROM backup_schedules ORDER BY name");
    let rows = sqlx::query_as(&sql).fetch_all(&mut conn).await.map_err(|e| schedule_error(e, None));
    sqlx::Connection::close(conn).await.ok();
    rows
}
