//! The team backend: a PostgreSQL server chosen by a `postgres://` URL.

use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use crate::blob::BlobStore;
use crate::error::{Result, StoreError};
use crate::model::{Backend, StoreInfo};
use crate::schema;
use crate::sql::{impl_sql_store, ChangeRow, Dialect, SearchRow};

pub static MIGRATOR: Migrator = sqlx::migrate!("../../../migrations/postgres");

#[derive(Debug)]
pub struct PgStore {
    pool: PgPool,
    blobs: BlobStore,
    info: StoreInfo,
    migrator: &'static Migrator,
}

impl PgStore {
    pub async fn open(url: &str, blobs: BlobStore, apply_migrations: bool) -> Result<PgStore> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Config(format!("bad PostgreSQL URL {}: {e}", redact_password(url))))?;
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Storage(format!("cannot connect to {}: {e}", redact_password(url))))?;
        let applied = PgStore::applied_versions(&pool).await?;
        if let Err(err) = schema::refuse_newer(&MIGRATOR, &applied) {
            pool.close().await;
            return Err(err);
        }
        PgStore::assemble(pool, blobs, &MIGRATOR, Backend::Postgres, redact_password(url), apply_migrations).await
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`, for messages and the UI.
pub fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let Some((userinfo, host)) = rest.rsplit_once('@') else { return url.to_string() };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

impl Dialect for PgStore {
    type Db = sqlx::Postgres;
    const BEGIN_WRITE: &'static str = "BEGIN";
    const ANALYZE: &'static [&'static str] = &["ANALYZE"];
    const SEARCH_IN_COMMIT_ROW: bool = true;
    const JOIN_TEXT: &'static str = "string_agg";

    async fn insert_diff_blobs(
        conn: &mut sqlx::PgConnection,
        diffs: &[&crate::blob::PreparedDiff],
    ) -> Result<Vec<(i64, String)>> {
        crate::sql::batch::insert_diff_blobs_pg(conn, diffs).await
    }

    async fn insert_commits(
        conn: &mut sqlx::PgConnection,
        repository_id: i64,
        commits: &[&crate::sql::batch::PreparedCommit<'_>],
        stored_at: i64,
    ) -> Result<Vec<(i64, String)>> {
        crate::sql::batch::insert_commits_pg(conn, repository_id, commits, stored_at).await
    }

    async fn insert_parents(conn: &mut sqlx::PgConnection, rows: &[crate::sql::batch::ParentRow<'_>]) -> Result<()> {
        crate::sql::batch::insert_parents_pg(conn, rows).await
    }

    async fn insert_file_changes(
        conn: &mut sqlx::PgConnection,
        rows: &[crate::sql::batch::FileChangeRow<'_>],
    ) -> Result<()> {
        crate::sql::batch::insert_file_changes_pg(conn, rows).await
    }

    async fn insert_new_change_text(conn: &mut sqlx::PgConnection, rows: &[ChangeRow<'_>]) -> Result<()> {
        // The batch indexes these commits itself, so the trigger that queues stored lines for the
        // change index stands aside (it added a queue row per commit, with its key check, that the
        // batch deleted again; migration 20261205000001).
        if rows.is_empty() {
            return Ok(());
        }
        sqlx::query("SELECT set_config('repovault.batch_indexes_changes', 'on', true)").execute(&mut *conn).await?;
        crate::sql::batch::insert_change_text_pg(&mut *conn, rows).await?;
        sqlx::query("SELECT set_config('repovault.batch_indexes_changes', 'off', true)").execute(&mut *conn).await?;
        Self::index_stored_changes(conn, rows).await
    }

    fn pool(&self) -> &PgPool {
        &self.pool
    }

    fn blobs(&self) -> &BlobStore {
        &self.blobs
    }

    fn store_info(&self) -> &StoreInfo {
        &self.info
    }

    fn migrator(&self) -> &'static Migrator {
        self.migrator
    }

    async fn applied_versions(pool: &PgPool) -> Result<Vec<i64>> {
        let mut conn = pool.acquire().await?;
        crate::schema::pg_applied_versions(&mut conn).await
    }

    /// Indexes commits for full-text search: the words and stems computed in Rust, one per
    /// space-separated token, so PostgreSQL's parser splits them as SQLite's does. (New commits get
    /// them in their INSERT, see `SEARCH_IN_COMMIT_ROW`; this rebuilds.)
    async fn refresh_search(conn: &mut sqlx::PgConnection, rows: &[SearchRow<'_>], _replace: bool) -> Result<()> {
        for chunk in rows.chunks(1000) {
            let mut qb = sqlx::QueryBuilder::<sqlx::Postgres>::new(
                "UPDATE commits c SET search = to_tsvector('simple', v.words), stems = to_tsvector('simple', v.stems) FROM (",
            );
            qb.push_values(chunk, |mut b, row| {
                b.push_bind(row.id).push_bind(row.words.words.as_str()).push_bind(row.words.stems.as_str());
            });
            qb.push(") AS v (id, words, stems) WHERE c.id = v.id");
            qb.build().persistent(false).execute(&mut *conn).await?;
        }
        Ok(())
    }

    /// The search vector lives on the commit row, so deleting the commits removes it.
    async fn forget_search(_conn: &mut sqlx::PgConnection, _repository_id: i64) -> Result<()> {
        Ok(())
    }

    async fn change_candidates(conn: &mut sqlx::PgConnection, text: &str, columns: &[&str]) -> Result<String> {
        crate::change_grams::candidates(conn, text, &crate::change_grams::sides(columns)).await
    }

    async fn forget_changes(conn: &mut sqlx::PgConnection) -> Result<()> {
        crate::change_grams::clear_when_nothing_is_indexed(conn).await
    }

    /// Indexes the oldest queued commits of one workspace (segments are per workspace), as many as
    /// fit in `max_bytes` of changed lines (at least one), and takes them off the queue.
    async fn index_queued_changes(conn: &mut sqlx::PgConnection, max_commits: i64, max_bytes: i64) -> Result<u64> {
        let queued: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT q.commit_id, r.workspace_id, (octet_length(t.added) + octet_length(t.removed))::bigint \
             FROM change_index_queue q JOIN change_text t ON t.commit_id = q.commit_id \
             JOIN commits c ON c.id = q.commit_id JOIN repositories r ON r.id = c.repository_id \
             ORDER BY q.commit_id LIMIT $1",
        )
        .bind(max_commits)
        .fetch_all(&mut *conn)
        .await?;
        let Some(&(_, scope, _)) = queued.first() else { return Ok(0) };
        let (mut ids, mut bytes) = (Vec::new(), 0i64);
        for (id, _, size) in queued.into_iter().filter(|&(_, workspace, _)| workspace == scope) {
            if !ids.is_empty() && bytes + size > max_bytes {
                break;
            }
            ids.push(id);
            bytes += size;
        }
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT commit_id, added, removed FROM change_text WHERE commit_id = ANY($1) ORDER BY commit_id",
        )
        .bind(&ids)
        .fetch_all(&mut *conn)
        .await?;
        crate::change_grams::index_read_back(&mut *conn, scope, rows).await?;
        sqlx::query("DELETE FROM change_index_queue WHERE commit_id = ANY($1)").bind(&ids).execute(&mut *conn).await?;
        Ok(ids.len() as u64)
    }

    /// Indexes the lines just stored for these commits (one repository's) in the storing
    /// transaction, and takes them off the queue their rows' trigger put them on.
    async fn index_stored_changes(conn: &mut sqlx::PgConnection, rows: &[ChangeRow<'_>]) -> Result<()> {
        let Some((first, _, _)) = rows.first() else { return Ok(()) };
        let (scope,): (i64,) = sqlx::query_as(
            "SELECT r.workspace_id FROM commits c JOIN repositories r ON r.id = c.repository_id WHERE c.id = $1",
        )
        .bind(first)
        .fetch_one(&mut *conn)
        .await?;
        crate::change_grams::index_commits(&mut *conn, scope, rows).await?;
        let ids: Vec<i64> = rows.iter().map(|(id, _, _)| *id).collect();
        sqlx::query("DELETE FROM change_index_queue WHERE commit_id = ANY($1)").bind(&ids).execute(&mut *conn).await?;
        Ok(())
    }

    async fn queued_changes(conn: &mut sqlx::PgConnection) -> Result<u64> {
        let (count,): (i64,) = sqlx::query_as("SELECT count(*) FROM change_index_queue").fetch_one(&mut *conn).await?;
        Ok(count as u64)
    }

    async fn begin_bulk_load(&self, repository_id: i64) -> Result<Box<dyn crate::store::CommitLoad>> {
        Ok(Box::new(Self::begin_commit_load(self, repository_id).await?))
    }
}

impl_sql_store!(PgStore);

#[cfg(test)]
mod tests {
    use super::redact_password;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(redact_password("postgres://rv:s3cret@127.0.0.1:5432/db"), "postgres://rv:***@127.0.0.1:5432/db");
        assert_eq!(redact_password("postgres://rv@127.0.0.1/db"), "postgres://rv@127.0.0.1/db");
        assert_eq!(redact_password("postgres://127.0.0.1/db"), "postgres://127.0.0.1/db");
    }
}
