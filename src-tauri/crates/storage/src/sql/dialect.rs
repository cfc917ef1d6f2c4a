//! The backend contract: everything the shared SQL needs from a backend and cannot say portably.
//! `SqliteStore` and `PgStore` implement it; the shared code reaches the backend only through it
//! (`<Self as Dialect>::refresh_search(..)`, `self.pool()`), so the compiler checks that both
//! backends provide all of it with the same signatures.

use std::future::Future;

use sqlx::migrate::Migrator;

use crate::blob::BlobStore;
use crate::error::Result;
use crate::model::StoreInfo;

/// A commit's changed lines as written to `change_text` and indexed: its id, its lines, and their
/// distinct sequences when the commit came with them.
pub(crate) type ChangeRow<'a> = (i64, &'a crate::search_text::ChangeLines, Option<&'a [crate::change_grams::Gram]>);

/// One commit as the full-text index takes it.
pub(crate) struct SearchRow<'a> {
    pub id: i64,
    pub message: &'a str,
    /// The changed paths, space-separated.
    pub paths: String,
    pub words: crate::search_text::IndexedWords,
}

/// A connection of a dialect's database, the one a transaction derefs to.
pub(crate) type Connection<D> = <<D as Dialect>::Db as sqlx::Database>::Connection;

pub(crate) trait Dialect: Send + Sync {
    /// The sqlx database the store talks to.
    type Db: sqlx::Database;

    /// How a transaction that writes begins. SQLite's default (deferred) transaction that reads
    /// first fails at once with SQLITE_BUSY when another connection wrote in between (the busy
    /// timeout does not apply to that upgrade); taking the write lock at BEGIN makes it wait
    /// instead. That matters since the mirror's drainer writes beside every import.
    const BEGIN_WRITE: &'static str;

    /// The statements that refresh the planner's statistics after a bulk load, on one connection.
    /// A plain `ANALYZE` on SQLite reads every index whole, so a sync of a thousand commits into a
    /// 100k-commit store paid for all of it; SQLite samples instead (`analysis_limit`, as its own
    /// `PRAGMA optimize` does). PostgreSQL's `ANALYZE` samples already.
    const ANALYZE: &'static [&'static str];

    /// Whether the full-text index is columns of the commit row (PostgreSQL's `search` and `stems`
    /// tsvectors), written by the commit's own INSERT: an `UPDATE` afterwards wrote every new commit
    /// twice. SQLite's index is a table of its own, filled by `refresh_search`.
    const SEARCH_IN_COMMIT_ROW: bool;

    /// The aggregate that joins text values with a separator (`group_concat` / `string_agg`): a
    /// list of 100k hashes comes back as one value in a third of the time of 100k rows.
    const JOIN_TEXT: &'static str;

    /// Inserts a batch's commits (each hash once) with their totals and, where the full-text index
    /// is part of the row, their words; returns `(id, hash)` of those inserted, a hash already
    /// stored being skipped. See `batch::insert_commits_sqlite` / `insert_commits_pg`.
    fn insert_commits(
        conn: &mut Connection<Self>,
        repository_id: i64,
        commits: &[&crate::sql::batch::PreparedCommit<'_>],
        stored_at: i64,
    ) -> impl Future<Output = Result<Vec<(i64, String)>>> + Send;

    /// Inserts diff texts not stored yet (a content hash already stored is skipped) and returns
    /// `(id, sha256)` of those inserted. See `batch::insert_diff_blobs_sqlite` / `_pg`.
    fn insert_diff_blobs(
        conn: &mut Connection<Self>,
        diffs: &[&crate::blob::PreparedDiff],
    ) -> impl Future<Output = Result<Vec<(i64, String)>>> + Send;

    /// Inserts a batch's parent rows. PostgreSQL takes a batch's rows as one array per column
    /// (`unnest`) in a statement or a few, where multi-row `VALUES` bound a parameter per value and
    /// had the server plan every row; COPY would be quicker still, but PostgreSQL refuses it on
    /// tables with row-level security (team mode).
    fn insert_parents(
        conn: &mut Connection<Self>,
        rows: &[crate::sql::batch::ParentRow<'_>],
    ) -> impl Future<Output = Result<()>> + Send;

    /// Inserts a batch's file change rows (see `insert_parents`).
    fn insert_file_changes(
        conn: &mut Connection<Self>,
        rows: &[crate::sql::batch::FileChangeRow<'_>],
    ) -> impl Future<Output = Result<()>> + Send;

    /// Stores and indexes the changed lines of commits the batch just inserted.
    fn insert_new_change_text(
        conn: &mut Connection<Self>,
        rows: &[ChangeRow<'_>],
    ) -> impl Future<Output = Result<()>> + Send;

    /// The connection pool every statement runs on.
    fn pool(&self) -> &sqlx::Pool<Self::Db>;
    /// Where large diffs live (the database holds small ones inline).
    fn blobs(&self) -> &BlobStore;
    /// What the store is and where; `backend` is what query compilation specialises on.
    fn store_info(&self) -> &StoreInfo;
    /// The migrations this build knows for the backend.
    fn migrator(&self) -> &'static Migrator;

    /// The migration versions applied to the database behind `pool` (none when it has no
    /// migration table yet). Takes a pool, not a store: opening checks a database before the
    /// store exists.
    fn applied_versions(pool: &sqlx::Pool<Self::Db>) -> impl Future<Output = Result<Vec<i64>>> + Send;

    /// Indexes commits for full-text search (their words and stems, see `search_text`), in the
    /// caller's transaction; `replace` drops what the index held for them first (a rebuild).
    fn refresh_search(
        conn: &mut Connection<Self>,
        rows: &[SearchRow<'_>],
        replace: bool,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Removes a repository's commits from the full-text index before the repository is deleted,
    /// in the caller's transaction (a no-op where the index is part of the commit row).
    fn forget_search(conn: &mut Connection<Self>, repository_id: i64) -> impl Future<Output = Result<()>> + Send;

    /// After commits or their changed lines were deleted, in the caller's transaction: the change
    /// index keeps deleted commits' ids (searches drop them) until nothing is left to index (on
    /// PostgreSQL: in a workspace), then is emptied.
    fn forget_changes(conn: &mut Connection<Self>) -> impl Future<Output = Result<()>> + Send;

    /// Adds up to `max_commits` commits queued for the change index to it (fewer when their changed
    /// lines pass `max_bytes`, at least one), in the caller's transaction, and returns how many.
    /// The queue holds what a batch did not index itself (rows copied in, restored or mirrored, a
    /// migration).
    fn index_queued_changes(
        conn: &mut Connection<Self>,
        max_commits: i64,
        max_bytes: i64,
    ) -> impl Future<Output = Result<u64>> + Send;

    /// The indexed commits whose changed lines may contain `text` (in `columns`: `added`,
    /// `removed`), as a JSON array of ids, read from the change index in Rust (see `change_grams`).
    fn change_candidates(
        conn: &mut Connection<Self>,
        text: &str,
        columns: &[&str],
    ) -> impl Future<Output = Result<String>> + Send;

    /// Indexes the changed lines just stored for these commits (one repository's), in the storing
    /// transaction, and takes them off the queue (see `change_grams`).
    fn index_stored_changes(
        conn: &mut Connection<Self>,
        rows: &[ChangeRow<'_>],
    ) -> impl Future<Output = Result<()>> + Send;

    /// How many commits wait in that queue.
    fn queued_changes(conn: &mut Connection<Self>) -> impl Future<Output = Result<u64>> + Send;

    /// Begins an import's load of commit batches into a repository (`Store::begin_commit_load`):
    /// SQLite writes it with rusqlite (`sqlite_load`), PostgreSQL with the shared statements.
    fn begin_bulk_load(
        &self,
        repository_id: i64,
    ) -> impl Future<Output = Result<Box<dyn crate::store::CommitLoad>>> + Send;

    /// Work of the store's own to finish before its connections close (SQLite: a background
    /// checkpoint, see `sqlite_checkpoint`).
    fn before_close(&self) {}
}
