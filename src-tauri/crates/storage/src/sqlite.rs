//! The embedded default backend: one SQLite file in WAL mode with foreign keys on.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

use crate::blob::BlobStore;
use crate::error::{Result, StoreError};
use crate::model::{Backend, StoreInfo};
use crate::schema;
use crate::sql::{impl_sql_store, ChangeRow, Dialect, SearchRow};

pub static MIGRATOR: Migrator = sqlx::migrate!("../../../migrations/sqlite");

#[derive(Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    blobs: BlobStore,
    info: StoreInfo,
    migrator: &'static Migrator,
}

/// SQLite counts its allocations by default, behind a global mutex taken on every `malloc` and
/// `free`: 6 % of an import's writer thread (generated 20k), and nothing here reads the counts.
/// The setting only takes before the library's first use; later it is refused (`SQLITE_MISUSE`)
/// and changes nothing, so the first store opened in a process sets it.
#[allow(unsafe_code)]
fn skip_memory_statistics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    // SAFETY: this option takes one int. SQLite refuses the call (an error code) once the library
    // is initialised; `ONCE` keeps the stores' own opens from starting while it runs.
    ONCE.call_once(|| unsafe {
        rusqlite::ffi::sqlite3_config(rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS, 0 as std::ffi::c_int);
    });
}

impl SqliteStore {
    /// Opens (creating when missing) the database file. An existing file is first checked through a
    /// read-only connection, so a database from a newer RepoVault is refused without being touched.
    pub async fn open(path: &Path, blobs: BlobStore, apply_migrations: bool) -> Result<SqliteStore> {
        skip_memory_statistics();
        if path.exists() {
            let options = SqliteConnectOptions::new().filename(path).read_only(true);
            let probe = SqlitePoolOptions::new().max_connections(1).connect_with(options).await?;
            let applied = SqliteStore::applied_versions(&probe).await;
            probe.close().await;
            schema::refuse_newer(&MIGRATOR, &applied?)?;
        } else if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| {
                StoreError::Config(format!("cannot create the folder {} for the database: {e}", parent.display()))
            })?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // Statement journals (a multi-row INSERT inside a batch's transaction keeps one, to
            // undo just that statement) and sorts in memory, not in temporary files: they were
            // 32 MiB of writes in an import of pallets/flask, 190 MiB in a sync of 10k commits.
            .pragma("temp_store", "memory")
            // Checkpoints after 256 MiB of WAL instead of 4 MiB: each one copies the WAL into the
            // database and fsyncs both, and an import's batches each wrote more than 4 MiB, so
            // every batch paid for one (generated 100k commits: 42.4 → 34.7 s, commits 14.1 → 6.3 s
            // of it). The file is cut back to 64 MiB when a checkpoint lets it restart.
            .pragma("wal_autocheckpoint", "65536")
            .pragma("journal_size_limit", "67108864")
            // REGEXP, for the analyses' path and author filters (history.rs).
            .with_regexp();
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
        SqliteStore::assemble(pool, blobs, &MIGRATOR, Backend::Sqlite, path.display().to_string(), apply_migrations)
            .await
    }

    /// The file a `sqlite:` URL names: `sqlite://PATH`, `sqlite:PATH` (query strings are not used).
    pub fn path_from_url(url: &str) -> Result<PathBuf> {
        let rest = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .ok_or_else(|| StoreError::Config(format!("{url:?} is not a sqlite: URL")))?;
        let path = rest.split('?').next().unwrap_or_default();
        if path.is_empty() || path == ":memory:" {
            return Err(StoreError::Config(
                "a SQLite database URL needs a file path, for example sqlite:///home/me/repovault.db".into(),
            ));
        }
        PathBuf::from_str(path).map_err(|e| StoreError::Config(format!("bad SQLite path {path:?}: {e}")))
    }
}

impl Dialect for SqliteStore {
    type Db = sqlx::Sqlite;
    const BEGIN_WRITE: &'static str = "BEGIN IMMEDIATE";
    const ANALYZE: &'static [&'static str] = &["PRAGMA analysis_limit = 1000", "ANALYZE"];
    const SEARCH_IN_COMMIT_ROW: bool = false;
    const JOIN_TEXT: &'static str = "group_concat";

    async fn insert_diff_blobs(
        conn: &mut sqlx::SqliteConnection,
        diffs: &[&crate::blob::PreparedDiff],
    ) -> Result<Vec<(i64, String)>> {
        crate::sql::batch::insert_diff_blobs_sqlite(conn, diffs).await
    }

    async fn insert_commits(
        conn: &mut sqlx::SqliteConnection,
        repository_id: i64,
        commits: &[&crate::sql::batch::PreparedCommit<'_>],
        stored_at: i64,
    ) -> Result<Vec<(i64, String)>> {
        crate::sql::batch::insert_commits_sqlite(conn, repository_id, commits, stored_at).await
    }

    async fn insert_parents(
        conn: &mut sqlx::SqliteConnection,
        rows: &[crate::sql::batch::ParentRow<'_>],
    ) -> Result<()> {
        crate::sql::batch::insert_parents_sqlite(conn, rows).await
    }

    async fn insert_file_changes(
        conn: &mut sqlx::SqliteConnection,
        rows: &[crate::sql::batch::FileChangeRow<'_>],
    ) -> Result<()> {
        crate::sql::batch::insert_file_changes_sqlite(conn, rows).await
    }

    async fn insert_new_change_text(conn: &mut sqlx::SqliteConnection, rows: &[ChangeRow<'_>]) -> Result<()> {
        Self::insert_change_text(conn, rows).await
    }

    fn pool(&self) -> &SqlitePool {
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

    async fn applied_versions(pool: &SqlitePool) -> Result<Vec<i64>> {
        let mut conn = pool.acquire().await?;
        crate::schema::sqlite_applied_versions(&mut conn).await
    }

    /// Indexes commits for full-text search: message and paths as written (unicode61 splits them
    /// into the words `search_text::words` finds) and the stems computed in Rust.
    async fn refresh_search(conn: &mut sqlx::SqliteConnection, rows: &[SearchRow<'_>], replace: bool) -> Result<()> {
        for chunk in rows.chunks(1000) {
            if replace {
                let mut qb = sqlx::QueryBuilder::<sqlx::Sqlite>::new("DELETE FROM commit_search WHERE rowid IN (");
                let mut list = qb.separated(", ");
                for row in chunk {
                    list.push_bind(row.id);
                }
                qb.push(")");
                qb.build().persistent(false).execute(&mut *conn).await?;
            }
            let mut qb =
                sqlx::QueryBuilder::<sqlx::Sqlite>::new("INSERT INTO commit_search (rowid, message, paths, stems) ");
            qb.push_values(chunk, |mut b, row| {
                b.push_bind(row.id)
                    .push_bind(row.message)
                    .push_bind(row.paths.as_str())
                    .push_bind(row.words.stems.as_str());
            });
            qb.build().persistent(false).execute(&mut *conn).await?;
        }
        Ok(())
    }

    /// Drops a repository's commits from the full-text table (a virtual table has no cascade).
    async fn forget_search(conn: &mut sqlx::SqliteConnection, repository_id: i64) -> Result<()> {
        sqlx::query("DELETE FROM commit_search WHERE rowid IN (SELECT id FROM commits WHERE repository_id = $1)")
            .bind(repository_id)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    async fn change_candidates(conn: &mut sqlx::SqliteConnection, text: &str, columns: &[&str]) -> Result<String> {
        crate::change_grams::candidates(conn, text, &crate::change_grams::sides(columns)).await
    }

    async fn forget_changes(conn: &mut sqlx::SqliteConnection) -> Result<()> {
        crate::change_grams::clear_when_nothing_is_indexed(conn).await
    }

    /// Indexes the oldest queued commits, as many as fit in `max_bytes` of changed lines (at least
    /// one): their lines go into the change index as one segment (see `change_grams`) and they leave
    /// the queue in the same transaction. The byte bound keeps each step's memory and write lock
    /// small.
    async fn index_queued_changes(conn: &mut sqlx::SqliteConnection, max_commits: i64, max_bytes: i64) -> Result<u64> {
        // octet_length reads the size from the record header, not the text.
        let queued: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT q.commit_id, octet_length(t.added) + octet_length(t.removed) FROM change_index_queue q \
             JOIN change_text t ON t.commit_id = q.commit_id ORDER BY q.commit_id LIMIT $1",
        )
        .bind(max_commits)
        .fetch_all(&mut *conn)
        .await?;
        let (mut count, mut bytes, mut last) = (0u64, 0i64, None);
        for (id, size) in queued {
            if count > 0 && bytes + size > max_bytes {
                break;
            }
            (count, bytes, last) = (count + 1, bytes + size, Some(id));
        }
        let Some(last) = last else { return Ok(0) };
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT t.commit_id, t.added, t.removed FROM change_index_queue q \
             JOIN change_text t ON t.commit_id = q.commit_id WHERE q.commit_id <= $1 ORDER BY q.commit_id",
        )
        .bind(last)
        .fetch_all(&mut *conn)
        .await?;
        crate::change_grams::index_read_back(&mut *conn, 0, rows).await?;
        sqlx::query("DELETE FROM change_index_queue WHERE commit_id <= $1").bind(last).execute(&mut *conn).await?;
        Ok(count)
    }

    /// Indexes the lines just stored for these commits at once, in the storing transaction, and
    /// takes them off the queue their rows' trigger put them on: cheaper than reading them back.
    async fn index_stored_changes(conn: &mut sqlx::SqliteConnection, rows: &[ChangeRow<'_>]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        crate::change_grams::index_commits(&mut *conn, 0, rows).await?;
        let ids = serde_json::to_string(&rows.iter().map(|(id, _, _)| *id).collect::<Vec<_>>()).expect("ids serialise");
        sqlx::query("DELETE FROM change_index_queue WHERE commit_id IN (SELECT value FROM json_each($1))")
            .bind(ids)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    async fn begin_bulk_load(&self, repository_id: i64) -> Result<Box<dyn crate::store::CommitLoad>> {
        // The file the pool opened, as a path (`info.location` is its display form).
        let path = self.pool.connect_options().get_filename().to_path_buf();
        let blobs = self.blobs.clone();
        let load = crate::sqlite_load::blocking(|| crate::sqlite_load::begin(&path, blobs, repository_id))?;
        Ok(Box::new(load))
    }

    fn before_close(&self) {
        let path = self.pool.connect_options().get_filename().to_path_buf();
        crate::sqlite_load::blocking(|| crate::sqlite_checkpoint::wait(&path));
    }

    async fn queued_changes(conn: &mut sqlx::SqliteConnection) -> Result<u64> {
        let (count,): (i64,) = sqlx::query_as("SELECT count(*) FROM change_index_queue").fetch_one(&mut *conn).await?;
        Ok(count as u64)
    }
}

impl_sql_store!(SqliteStore);
