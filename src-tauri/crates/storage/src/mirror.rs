//! The team mirror's side of the store: the outbox every write appends to in its own transaction
//! (while a mirror is enabled), the mirror's configuration and health row, and the writes a
//! replay makes on the mirror that the `Store` API has no call for (whole-table replacements of
//! small tables). The drainer itself is a workflow (`repovault-app`'s `mirror`).
//!
//! Entries are references, not copies: `commits` carries the new commits' local ids, the others
//! only a kind and a repository name. A replay reads the current rows from the primary, so
//! replaying an entry twice, or an old entry after newer writes, ends in the same state.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;

/// What an outbox entry asks the drainer to bring over.
pub mod kind {
    /// A repository was created: make it (and its workspace) on the mirror.
    pub const REPOSITORY: &str = "repository";
    /// Commits were stored; the payload is their local ids as a JSON list.
    pub const COMMITS: &str = "commits";
    /// A sync recorded refs and the shallow flag.
    pub const REFS: &str = "refs";
    /// A repository was removed.
    pub const REPOSITORY_REMOVED: &str = "repository_removed";
    /// The saved queries changed (the table is small: it is sent whole).
    pub const SAVED_QUERIES: &str = "saved_queries";
    /// A repository's analysis runs changed (sent whole per repository).
    pub const ANALYSIS_RUNS: &str = "analysis_runs";
    /// The backup schedules changed (their configuration, sent whole).
    pub const BACKUP_SCHEDULES: &str = "backup_schedules";
    /// Workspaces were created, renamed or deleted, or a repository moved between them: the
    /// mirror's workspaces are made the primary's (sent whole, the table is small).
    pub const WORKSPACES: &str = "workspaces";
    /// Remove from the mirror the repositories the primary does not have (after a restore).
    pub const REPOSITORIES: &str = "repositories";
    /// Bring a whole repository over (enabling a mirror on an existing store, a restore, a
    /// repair): resumable, because only the commits the mirror lacks are sent (and those the
    /// primary lacks removed).
    pub const FILL: &str = "fill";
}

/// What enabling a mirror (or a restore) queues: everything, in the order a replay needs it
/// (workspaces before the saved queries and repositories in them).
pub(crate) const FULL_RESYNC: &[&str] =
    &[kind::WORKSPACES, kind::SAVED_QUERIES, kind::BACKUP_SCHEDULES, kind::REPOSITORIES];

/// The password placeholder of a stored mirror URL: the password itself is in the OS keyring.
pub const KEPT_PASSWORD: &str = "***";

/// One pending outbox entry, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxEntry {
    pub id: i64,
    pub at: i64,
    pub kind: String,
    pub repository: Option<String>,
    pub payload: String,
}

/// The mirror's configuration and last known health, as the primary keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, sqlx::FromRow)]
#[ts(export)]
pub struct MirrorConfig {
    /// Without its password: a URL with one has `***` in its place (the password is in the OS
    /// keyring; the app's `mirror::password` resolves it). Stores from before the keyring may
    /// still hold one here until their first drain moves it; show `postgres::redact_password(url)`.
    /// Empty when no mirror was ever configured.
    pub url: String,
    pub enabled: bool,
    #[ts(type = "number")]
    pub cooldown_seconds: i64,
    /// `closed`, `open` or `half_open`.
    pub breaker: String,
    #[ts(type = "number")]
    pub failures: i64,
    #[ts(type = "number | null")]
    pub open_until: Option<i64>,
    pub last_error: Option<String>,
    #[ts(type = "number | null")]
    pub last_error_at: Option<i64>,
    #[ts(type = "number | null")]
    pub last_drain_at: Option<i64>,
    #[ts(type = "number")]
    pub drained_entries: i64,
}

impl MirrorConfig {
    /// What status reports when no mirror was ever configured.
    pub fn none() -> MirrorConfig {
        MirrorConfig {
            url: String::new(),
            enabled: false,
            cooldown_seconds: 300,
            breaker: "closed".into(),
            failures: 0,
            open_until: None,
            last_error: None,
            last_error_at: None,
            last_drain_at: None,
            drained_entries: 0,
        }
    }
}

/// A saved query as a mirror keeps it: by name, in its workspace (by name: ids differ between
/// the two databases).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SavedQueryRecord {
    pub name: String,
    /// None only for a row no workspace claims (cannot happen through the API).
    pub workspace: Option<String>,
    /// The filter as stored (JSON).
    pub filter: String,
}

/// The breaker's state and the last error, written on each transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MirrorHealth {
    pub breaker: String,
    pub failures: i64,
    pub open_until: Option<i64>,
    /// `Some` records a new error (with the time); `None` leaves the last one.
    pub last_error: Option<String>,
}

/// An analysis run with every column a mirror keeps.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RunRecord {
    pub kind: String,
    pub parameters: String,
    pub revision: String,
    pub run_key: String,
    pub status: String,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub duration_ms: Option<i64>,
    pub result_version: Option<i64>,
    pub result: Option<String>,
    pub error_code: Option<String>,
    pub error: Option<String>,
}

#[async_trait]
pub trait MirrorOutbox {
    /// The mirror's configuration, if one was ever enabled.
    async fn mirror_config(&self) -> Result<Option<MirrorConfig>>;
    /// Records `url` as the enabled mirror and, in the same transaction, queues a fill of every
    /// repository and of the tables outside repositories. The outbox starts from there.
    async fn enable_mirror(&self, url: &str, cooldown_seconds: i64) -> Result<()>;
    /// Stops recording writes and forgets the pending entries (re-enabling fills again).
    async fn disable_mirror(&self) -> Result<()>;
    /// When a mirror is enabled: drops the pending entries and queues everything again, as
    /// enabling does (after a restore replaced the data under the mirror). Whether it queued.
    async fn resync_mirror(&self, reason: &str) -> Result<bool>;
    /// Replaces the stored URL of the mirror (its password moved into the OS keyring).
    async fn set_mirror_url(&self, url: &str) -> Result<()>;
    /// Entries waiting to be drained.
    async fn outbox_pending(&self) -> Result<i64>;
    /// The oldest pending entries, at most `limit`.
    async fn outbox_entries(&self, limit: u32) -> Result<Vec<OutboxEntry>>;
    /// Removes drained entries (after the mirror committed them) and notes the drain.
    async fn outbox_done(&self, ids: &[i64]) -> Result<()>;
    /// Queues an entry by hand (a repair, a fill).
    async fn enqueue_mirror(&self, kind: &str, repository: Option<&str>, payload: &str) -> Result<()>;
    /// Notes the breaker's state.
    async fn record_mirror_health(&self, health: &MirrorHealth) -> Result<()>;
    /// One audit log line (breaker transitions, drains, checks, repairs).
    async fn record_audit(&self, action: &str, entity: &str, detail: &str) -> Result<()>;
    /// A repository's analysis runs, every column, in id order.
    async fn run_records(&self, repository_id: i64) -> Result<Vec<RunRecord>>;
    /// Replaces a repository's analysis runs (on a mirror), in one transaction.
    async fn replace_run_records(&self, repository_id: i64, runs: &[RunRecord]) -> Result<()>;
    /// Every saved query with its workspace's name, by name.
    async fn saved_query_records(&self) -> Result<Vec<SavedQueryRecord>>;
    /// Makes the saved queries exactly `queries`, each in its workspace by name (made when
    /// missing), in one transaction.
    async fn replace_saved_queries(&self, queries: &[SavedQueryRecord]) -> Result<()>;
    /// Makes the schedules' configuration that of `schedules` (matched by name; run state kept
    /// for those that stay), in one transaction.
    async fn replace_schedules(&self, schedules: &[crate::schedules::ScheduleRow]) -> Result<()>;
    /// Every commit of a repository as (local id, hash), in id order (what a fill sends).
    async fn commit_ids(&self, repository_id: i64) -> Result<Vec<(i64, String)>>;
    /// Removes commits (with their parents, file changes and changed lines) by hash, in one
    /// transaction, so a repair can send them again.
    async fn delete_commits(&self, repository_id: i64, hashes: &[String]) -> Result<u64>;
}

/// The statement behind `enqueue!`: at, kind, repository name (or NULL), repository id, payload.
pub(crate) const ENQUEUE: &str = "INSERT INTO mirror_outbox (at, kind, repository, payload) \
    SELECT $1, $2, COALESCE($3, (SELECT name FROM repositories WHERE id = $4)), $5 \
    WHERE EXISTS (SELECT 1 FROM mirror_config WHERE enabled = 1)";

/// Appends an outbox entry in the caller's transaction when a mirror is enabled (a no-op
/// otherwise, decided by the database so every process sees the same switch).
/// `$repository` is an `Option<&str>` name; `$repository_id` an `Option<i64>` used when the name
/// is not at hand.
macro_rules! enqueue {
    ($conn:expr, $kind:expr, $repository:expr, $repository_id:expr, $payload:expr) => {
        sqlx::query($crate::mirror::ENQUEUE)
            .bind(chrono::Utc::now().timestamp())
            .bind($kind)
            .bind($repository)
            .bind($repository_id)
            .bind($payload)
            .execute(&mut *$conn)
            .await
    };
}
pub(crate) use enqueue;

/// Drops the pending entries and queues everything in the caller's transaction (`FULL_RESYNC`,
/// then a fill per repository).
macro_rules! queue_full_resync {
    ($tx:expr) => {
        sqlx::query("DELETE FROM mirror_outbox").execute(&mut *$tx).await?;
        for k in $crate::mirror::FULL_RESYNC {
            $crate::mirror::enqueue!($tx, *k, None::<&str>, None::<i64>, "")?;
        }
        let names: Vec<(String,)> =
            sqlx::query_as("SELECT name FROM repositories ORDER BY id").fetch_all(&mut *$tx).await?;
        for (name,) in &names {
            $crate::mirror::enqueue!($tx, $crate::mirror::kind::FILL, Some(name.as_str()), None::<i64>, "")?;
        }
    };
}
pub(crate) use queue_full_resync;

const CONFIG_COLUMNS: &str = "url, enabled = 1 AS enabled, cooldown_seconds, breaker, failures, open_until, \
    last_error, last_error_at, last_drain_at, drained_entries";
const RUN_RECORD_COLUMNS: &str = "kind, parameters, revision, run_key, status, created_at, started_at, finished_at, \
    duration_ms, result_version, result, error_code, error";

macro_rules! impl_mirror_outbox {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::mirror::MirrorOutbox for $store {
            async fn mirror_config(&self) -> $crate::error::Result<Option<$crate::mirror::MirrorConfig>> {
                let sql = format!("SELECT {} FROM mirror_config WHERE id = 1", $crate::mirror::CONFIG_COLUMNS);
                Ok(sqlx::query_as(&sql).fetch_optional($crate::sql::Dialect::pool(self)).await?)
            }

            async fn enable_mirror(&self, url: &str, cooldown_seconds: i64) -> $crate::error::Result<()> {
                $crate::validate::non_empty_text("url", url)?;
                if cooldown_seconds < 0 {
                    return Err($crate::error::StoreError::validation("cooldown_seconds", "must not be negative"));
                }
                let now = chrono::Utc::now().timestamp();
                let mut tx = $crate::sql::Dialect::pool(self).begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await?;
                sqlx::query(
                    "INSERT INTO mirror_config (id, url, enabled, cooldown_seconds, updated_at) VALUES (1, $1, 1, $2, $3) \
                     ON CONFLICT (id) DO UPDATE SET url = excluded.url, enabled = 1, \
                     cooldown_seconds = excluded.cooldown_seconds, breaker = 'closed', failures = 0, \
                     open_until = NULL, updated_at = excluded.updated_at",
                )
                .bind(url)
                .bind(cooldown_seconds)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                $crate::mirror::queue_full_resync!(tx);
                sqlx::query("INSERT INTO audit_log (at, action, entity, entity_id, detail) VALUES ($1, 'mirror.enable', 'mirror', NULL, $2)")
                    .bind(now)
                    .bind($crate::postgres::redact_password(url))
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn disable_mirror(&self) -> $crate::error::Result<()> {
                let now = chrono::Utc::now().timestamp();
                let mut tx = $crate::sql::Dialect::pool(self).begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await?;
                sqlx::query("UPDATE mirror_config SET enabled = 0, updated_at = $1").bind(now).execute(&mut *tx).await?;
                sqlx::query("DELETE FROM mirror_outbox").execute(&mut *tx).await?;
                sqlx::query("INSERT INTO audit_log (at, action, entity, entity_id, detail) VALUES ($1, 'mirror.disable', 'mirror', NULL, NULL)")
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn resync_mirror(&self, reason: &str) -> $crate::error::Result<bool> {
                let mut tx = $crate::sql::Dialect::pool(self).begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await?;
                let enabled: Option<(i64,)> =
                    sqlx::query_as("SELECT 1 FROM mirror_config WHERE enabled = 1").fetch_optional(&mut *tx).await?;
                if enabled.is_none() {
                    return Ok(false);
                }
                $crate::mirror::queue_full_resync!(tx);
                sqlx::query("INSERT INTO audit_log (at, action, entity, entity_id, detail) VALUES ($1, 'mirror.resync', 'mirror', NULL, $2)")
                    .bind(chrono::Utc::now().timestamp())
                    .bind(reason)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn set_mirror_url(&self, url: &str) -> $crate::error::Result<()> {
                $crate::validate::non_empty_text("url", url)?;
                sqlx::query("UPDATE mirror_config SET url = $1, updated_at = $2")
                    .bind(url)
                    .bind(chrono::Utc::now().timestamp())
                    .execute($crate::sql::Dialect::pool(self))
                    .await?;
                Ok(())
            }

            async fn outbox_pending(&self) -> $crate::error::Result<i64> {
                let (n,): (i64,) =
                    sqlx::query_as("SELECT COUNT(*) FROM mirror_outbox").fetch_one($crate::sql::Dialect::pool(self)).await?;
                Ok(n)
            }

            async fn outbox_entries(&self, limit: u32) -> $crate::error::Result<Vec<$crate::mirror::OutboxEntry>> {
                Ok(sqlx::query_as("SELECT id, at, kind, repository, payload FROM mirror_outbox ORDER BY id LIMIT $1")
                    .bind(i64::from(limit))
                    .fetch_all($crate::sql::Dialect::pool(self))
                    .await?)
            }

            async fn outbox_done(&self, ids: &[i64]) -> $crate::error::Result<()> {
                if ids.is_empty() {
                    return Ok(());
                }
                let mut tx = $crate::sql::Dialect::pool(self).begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await?;
                let mut qb = sqlx::QueryBuilder::new("DELETE FROM mirror_outbox WHERE id IN (");
                let mut list = qb.separated(", ");
                for id in ids {
                    list.push_bind(*id);
                }
                qb.push(")");
                let removed = qb.build().execute(&mut *tx).await?.rows_affected() as i64;
                sqlx::query("UPDATE mirror_config SET drained_entries = drained_entries + $1, last_drain_at = $2")
                    .bind(removed)
                    .bind(chrono::Utc::now().timestamp())
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn enqueue_mirror(&self, kind: &str, repository: Option<&str>, payload: &str) -> $crate::error::Result<()> {
                let mut conn = $crate::sql::Dialect::pool(self).acquire().await?;
                $crate::mirror::enqueue!(conn, kind, repository, None::<i64>, payload)?;
                Ok(())
            }

            async fn record_mirror_health(&self, h: &$crate::mirror::MirrorHealth) -> $crate::error::Result<()> {
                let now = chrono::Utc::now().timestamp();
                sqlx::query(
                    "UPDATE mirror_config SET breaker = $1, failures = $2, open_until = $3, \
                     last_error = COALESCE($4, last_error), \
                     last_error_at = CASE WHEN $4 IS NULL THEN last_error_at ELSE $5 END, updated_at = $5",
                )
                .bind(&h.breaker)
                .bind(h.failures)
                .bind(h.open_until)
                .bind(h.last_error.as_deref())
                .bind(now)
                .execute($crate::sql::Dialect::pool(self))
                .await?;
                Ok(())
            }

            async fn record_audit(&self, action: &str, entity: &str, detail: &str) -> $crate::error::Result<()> {
                sqlx::query("INSERT INTO audit_log (at, action, entity, entity_id, detail) VALUES ($1, $2, $3, NULL, $4)")
                    .bind(chrono::Utc::now().timestamp())
                    .bind(action)
                    .bind(entity)
                    .bind(detail)
                    .execute($crate::sql::Dialect::pool(self))
                    .await?;
                Ok(())
            }

            async fn run_records(&self, repository_id: i64) -> $crate::error::Result<Vec<$crate::mirror::RunRecord>> {
                let sql = format!(
                    "SELECT {} FROM analysis_runs WHERE repository_id = $1 ORDER BY id",
                    $crate::mirror::RUN_RECORD_COLUMNS
                );
                Ok(sqlx::query_as(&sql).bind(repository_id).fetch_all($crate::sql::Dialect::pool(self)).await?)
            }

            async fn replace_run_records(
                &self,
                repository_id: i64,
                runs: &[$crate::mirror::RunRecord],
            ) -> $crate::error::Result<()> {
                let mut tx = $crate::sql::Dialect::pool(self).begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await?;
                sqlx::query("DELETE FROM analysis_runs WHERE repository_id = $1").bind(repository_id).execute(&mut *tx).await?;
                for r in runs {
                    let sql = format!(
                        "INSERT INTO analysis_runs (repository_id, {}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                        $crate::mirror::RUN_RECORD_COLUMNS
                    );
                    sqlx::query(&sql)
                        .bind(repository_id)
                        .bind(&r.kind)
                        .bind(&r.parameters)
                        .bind(&r.revision)
                        .bind(&r.run_key)
                        .bind(&r.status)
                        .bind(r.created_at)
                        .bind(r.started_at)
                        .bind(r.finished_at)
                        .bind(r.duration_ms)
                        .bind(r.result_version)
                        .bind(&r.result)
                        .bind(&r.error_code)
                        .bind(&r.error)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn saved_query_records(&self) -> $crate::error::Result<Vec<$crate::mirror::SavedQueryRecord>> {
                Ok(sqlx::query_as(
                    "SELECT q.name, w.name AS workspace, q.filter FROM saved_queries q \
                     LEFT JOIN workspaces w ON w.id = q.workspace_id ORDER BY q.name",
                )
                .fetch_all($crate::sql::Dialect::pool(self))
                .await?)
            }

            async fn replace_saved_queries(&self, queries: &[$crate::mirror::SavedQueryRecord]) -> $crate::error::Result<()> {
                let now = chrono::Utc::now().timestamp();
                let mut tx = $crate::sql::Dialect::pool(self).begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await?;
                let names: Vec<(String,)> = sqlx::query_as("SELECT name FROM saved_queries").fetch_all(&mut *tx).await?;
                for (name,) in names.iter().filter(|(n,)| !queries.iter().any(|q| &q.name == n)) {
                    sqlx::query("DELETE FROM saved_queries WHERE name = $1").bind(name).execute(&mut *tx).await?;
                }
                for q in queries {
                    if let Some(workspace) = &q.workspace {
                        // Normally made by the workspaces entry before; a replay of this entry
                        // alone (a repair) must not lose the query for want of its workspace.
                        sqlx::query(
                            "INSERT INTO workspaces (name, created_at) SELECT $1, $2 \
                             WHERE NOT EXISTS (SELECT 1 FROM workspaces WHERE name = $1)",
                        )
                        .bind(workspace)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    }
                    // Updated only when the filter or the workspace differs, so a replay twice
                    // changes nothing (not even `updated_at`).
                    sqlx::query(
                        "INSERT INTO saved_queries (name, filter, created_at, updated_at, workspace_id) \
                         VALUES ($1, $2, $3, $3, (SELECT id FROM workspaces WHERE name = $4)) \
                         ON CONFLICT (name) DO UPDATE SET filter = excluded.filter, \
                         workspace_id = excluded.workspace_id, updated_at = excluded.updated_at \
                         WHERE saved_queries.filter <> excluded.filter \
                         OR COALESCE(saved_queries.workspace_id, -1) <> COALESCE(excluded.workspace_id, -1)",
                    )
                    .bind(&q.name)
                    .bind(&q.filter)
                    .bind(now)
                    .bind(q.workspace.as_deref())
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn commit_ids(&self, repository_id: i64) -> $crate::error::Result<Vec<(i64, String)>> {
                Ok(sqlx::query_as("SELECT id, hash FROM commits WHERE repository_id = $1 ORDER BY id")
                    .bind(repository_id)
                    .fetch_all($crate::sql::Dialect::pool(self))
                    .await?)
            }

            async fn delete_commits(&self, repository_id: i64, hashes: &[String]) -> $crate::error::Result<u64> {
                let mut tx = $crate::sql::Dialect::pool(self).begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await?;
                let mut removed = 0;
                for chunk in hashes.chunks(500) {
                    if $crate::sql::Dialect::store_info(self).backend == $crate::model::Backend::Sqlite {
                        // The SQLite full-text table has no cascade.
                        let mut qb = sqlx::QueryBuilder::new(
                            "DELETE FROM commit_search WHERE rowid IN (SELECT id FROM commits WHERE repository_id = ",
                        );
                        qb.push_bind(repository_id).push(" AND hash IN (");
                        let mut list = qb.separated(", ");
                        for h in chunk {
                            list.push_bind(h.as_str());
                        }
                        qb.push("))");
                        qb.build().execute(&mut *tx).await?;
                    }
                    let mut qb = sqlx::QueryBuilder::new("DELETE FROM commits WHERE repository_id = ");
                    qb.push_bind(repository_id).push(" AND hash IN (");
                    let mut list = qb.separated(", ");
                    for h in chunk {
                        list.push_bind(h.as_str());
                    }
                    qb.push(")");
                    removed += qb.build().execute(&mut *tx).await?.rows_affected();
                }
                tx.commit().await?;
                Ok(removed)
            }

            async fn replace_schedules(&self, schedules: &[$crate::schedules::ScheduleRow]) -> $crate::error::Result<()> {
                let mut tx = $crate::sql::Dialect::pool(self).begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await?;
                let names: Vec<(String,)> = sqlx::query_as("SELECT name FROM backup_schedules").fetch_all(&mut *tx).await?;
                for (name,) in names.iter().filter(|(n,)| !schedules.iter().any(|s| &s.name == n)) {
                    sqlx::query("DELETE FROM backup_schedules WHERE name = $1").bind(name).execute(&mut *tx).await?;
                }
                for s in schedules {
                    sqlx::query(
                        "INSERT INTO backup_schedules (name, kind, cron, timezone, interval_seconds, destinations, \
                         retention, enabled, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                         ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, cron = excluded.cron, \
                         timezone = excluded.timezone, interval_seconds = excluded.interval_seconds, \
                         destinations = excluded.destinations, retention = excluded.retention, enabled = excluded.enabled",
                    )
                    .bind(&s.name)
                    .bind(&s.kind)
                    .bind(&s.cron)
                    .bind(&s.timezone)
                    .bind(s.interval_seconds)
                    .bind(&s.destinations)
                    .bind(&s.retention)
                    .bind(s.enabled)
                    .bind(s.created_at)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

impl_mirror_outbox!(crate::sqlite::SqliteStore);
impl_mirror_outbox!(crate::postgres::PgStore);

/// The mirror configuration in the SQLite database file at `path` (a store about to be replaced
/// by a restore); None when it has none or cannot be read.
pub async fn mirror_config_in_sqlite_file(path: &std::path::Path) -> Option<MirrorConfig> {
    let mut conn = crate::snapshot::sqlite::connect(path, false).await.ok()?;
    let sql = format!("SELECT {CONFIG_COLUMNS} FROM mirror_config WHERE id = 1");
    let config = sqlx::query_as(&sql).fetch_optional(&mut conn).await.ok().flatten();
    sqlx::Connection::close(conn).await.ok();
    config
}

/// A restore's staged SQLite file before it is swapped in: the mirror stays what the replaced
/// store had (`current`; None keeps the backup's own), and when that mirror is enabled everything
/// is queued again as enabling does — the restored data replaces the primary the mirror followed,
/// so the next drains make the mirror equal to it (removing what only the mirror has). One
/// transaction, before the swap: the restored store never starts without its queue.
pub async fn carry_over_into_sqlite_file(
    path: &std::path::Path,
    current: Option<&MirrorConfig>,
    reason: &str,
) -> Result<bool> {
    let now = chrono::Utc::now().timestamp();
    let mut conn = crate::snapshot::sqlite::connect(path, false).await?;
    let mut tx = sqlx::Connection::begin(&mut conn).await?;
    if let Some(c) = current {
        sqlx::query("DELETE FROM mirror_config").execute(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO mirror_config (id, url, enabled, cooldown_seconds, updated_at) VALUES (1, $1, $2, $3, $4)",
        )
        .bind(&c.url)
        .bind(i64::from(c.enabled))
        .bind(c.cooldown_seconds)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM mirror_outbox").execute(&mut *tx).await?;
    }
    let enabled: Option<(i64,)> =
        sqlx::query_as("SELECT 1 FROM mirror_config WHERE enabled = 1").fetch_optional(&mut *tx).await?;
    if enabled.is_some() {
        queue_full_resync!(tx);
        sqlx::query(
            "INSERT INTO audit_log (at, action, entity, entity_id, detail) VALUES ($1, 'mirror.resync', 'mirror', NULL, $2)",
        )
        .bind(now)
        .bind(reason)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    sqlx::Connection::close(conn).await.ok();
    Ok(enabled.is_some())
}
