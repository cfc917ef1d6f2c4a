//! The `Store` contract: what every backend does, tested by one conformance suite on SQLite and
//! PostgreSQL alike.

use async_trait::async_trait;

use crate::error::{Result, StoreError};
use crate::model::{
    AuditEntry, Commit, CommitTotals, CommitWithChanges, GitRef, MigrationState, NewCommit, NewFileChange, Repository,
    StorageResult, StorageStatus, StoreInfo,
};

/// A commit and its file changes, as handed to `store_commits`.
pub type CommitBatchItem = (NewCommit, Vec<NewFileChange>);

/// Most rows `recent_commits` returns in one call.
pub const MAX_PAGE: u32 = 10_000;

/// Batches stored in one open transaction, committed together. On SQLite each transaction rewrites
/// every page of the hash-keyed indexes it touches (commit, parent and diff hashes, paths), however
/// few rows land on each, so the fewer an import's transactions the less it writes; the batches
/// themselves stay small, so memory does not grow with the transaction. Dropping a load without
/// committing it rolls all of its batches back.
#[async_trait]
pub trait CommitLoad: Send {
    /// Stores a batch as [`Store::store_commits`] does, in the load's transaction.
    async fn store(&mut self, batch: &[CommitBatchItem]) -> Result<Vec<StorageResult>>;
    /// Commits every batch stored since the load began.
    async fn commit(self: Box<Self>) -> Result<()>;
    /// Commits, then has what was committed copied into the database file in the background
    /// while the caller goes on (SQLite's WAL: `sqlite_checkpoint`), instead of by a later commit
    /// or by closing the store. Where there is nothing to copy, as on PostgreSQL, a plain commit.
    async fn commit_and_checkpoint(self: Box<Self>) -> Result<()> {
        self.commit().await
    }
}

#[async_trait]
/// Also every other table's trait (`HistoryStats`, `AnalysisRunStore`, …), so one store object
/// reaches them all.
pub trait Store:
    crate::history::HistoryStats
    + crate::graph::HistoryGraph
    + crate::analysis_runs::AnalysisRunStore
    + crate::schedules::ScheduleStore
    + crate::search_index::SearchIndex
    + crate::mirror::MirrorOutbox
    + crate::workspaces::WorkspaceStore
    + crate::team::TeamAccess
    + crate::remotes::RemoteSync
    + Send
    + Sync
    + std::fmt::Debug
{
    fn info(&self) -> StoreInfo;

    /// The repository called `name`, created in `workspace` (made if missing) when it does not exist.
    async fn ensure_repository(&self, workspace: &str, name: &str, path: Option<&str>) -> Result<Repository>;
    async fn repository_by_name(&self, name: &str) -> Result<Repository>;
    /// Removes a repository with its refs, commits, file changes and the diff texts no other
    /// commit uses; returns how many commits went. Large diffs stay in the blob store.
    async fn delete_repository(&self, name: &str) -> Result<i64>;
    /// Every repository with its commit count, by name.
    async fn repositories(&self) -> Result<Vec<Repository>>;

    /// Stores one commit with its file changes and diff texts. Never returns an error: a failure is
    /// a `Failed` result carrying the error's code and message, and writes nothing.
    async fn store_commit(&self, repository_id: i64, commit: &NewCommit, changes: &[NewFileChange]) -> StorageResult {
        let batch = [(commit.clone(), changes.to_vec())];
        match self.store_commits(repository_id, &batch).await {
            Ok(mut results) => results.pop().expect("one result per commit"),
            Err(err) => failed_result(&commit.hash, CommitTotals::of(changes), &err),
        }
    }

    /// Stores many commits in one transaction: all of them, or (on any error) none.
    /// A commit already stored in the repository is `Duplicate` and left as it is.
    async fn store_commits(&self, repository_id: i64, batch: &[CommitBatchItem]) -> Result<Vec<StorageResult>>;

    /// Opens one transaction for storing several batches into the repository (an import's): see
    /// [`CommitLoad`]. Holds the store's write lock (SQLite) until committed or dropped.
    async fn begin_commit_load(&self, repository_id: i64) -> Result<Box<dyn CommitLoad>>;

    /// A commit by full hash or unique prefix (at least 4 hex characters), with its file changes
    /// and their diff texts. `repository_id` narrows the search to one repository.
    async fn get_commit_by_hash(&self, repository_id: Option<i64>, hash: &str) -> Result<CommitWithChanges>;
    /// Like `get_commit_by_hash` without the diff texts (`diff` is `None`, `diff_size` is kept);
    /// read them one file at a time with `diff_bytes`.
    async fn get_commit_stat(&self, repository_id: Option<i64>, hash: &str) -> Result<CommitWithChanges>;
    /// The newest commits of a repository by commit time, at most `limit` (capped at `MAX_PAGE`).
    async fn recent_commits(&self, repository_id: i64, limit: u32) -> Result<Vec<Commit>>;
    /// Commits matching a filter, a page at a time, with the total count.
    async fn query_commits(&self, query: &crate::query::CommitQuery) -> Result<crate::query::CommitPage>;
    /// How many commits match the query's filter, exactly (no cap; paging options are ignored).
    async fn count_commits(&self, query: &crate::query::CommitQuery) -> Result<i64>;
    /// Saves a filter under a name (replacing the filter of an existing one); the filter must compile.
    async fn save_query(&self, name: &str, filter: &crate::query::Filter) -> Result<crate::query::SavedQuery>;
    /// Saved queries by name.
    async fn saved_queries(&self) -> Result<Vec<crate::query::SavedQuery>>;
    async fn rename_saved_query(&self, name: &str, new_name: &str) -> Result<crate::query::SavedQuery>;
    async fn delete_saved_query(&self, name: &str) -> Result<()>;
    /// Commits by id, in the given order, in the lossless form they were stored from (with their
    /// file changes and diff bytes), for export.
    async fn stored_commits(&self, ids: &[i64]) -> Result<Vec<crate::model::StoredCommit>>;
    /// The exact bytes of a file change's diff, if it has one.
    async fn diff_bytes(&self, file_change_id: i64) -> Result<Option<Vec<u8>>>;

    /// Every commit hash stored for a repository (what an incremental import skips).
    async fn commit_hashes(&self, repository_id: i64) -> Result<std::collections::HashSet<String>>;
    /// Parents of the repository's commits stored at or after `stored_since` (unix seconds) that
    /// are not stored themselves: where the stored history is not closed under ancestry (an
    /// interrupted import, a push event, a `--since` or shallow boundary).
    async fn unstored_parents(&self, repository_id: i64, stored_since: i64) -> Result<Vec<String>>;
    /// The refs recorded by the last completed sync, by name.
    async fn refs(&self, repository_id: i64) -> Result<Vec<GitRef>>;
    /// Records a completed sync in one transaction: the refs replace the old ones (a deleted ref
    /// goes, its commits stay), and the repository's last sync time and shallow flag are set.
    async fn finish_sync(&self, repository_id: i64, refs: &[GitRef], is_shallow: bool) -> Result<()>;

    /// Refreshes the planner's statistics (`ANALYZE`), after a bulk load.
    async fn analyze(&self) -> Result<()>;

    /// The newest audit log entries first.
    async fn audit_log(&self, limit: u32) -> Result<Vec<AuditEntry>>;
    /// Every migration this build knows, and whether the database has it.
    async fn migrations(&self) -> Result<Vec<MigrationState>>;
    /// Applies pending migrations; returns the versions applied.
    async fn migrate(&self) -> Result<Vec<i64>>;

    async fn close(&self);
}

pub(crate) fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub(crate) fn failed_result(hash: &str, metadata: CommitTotals, err: &StoreError) -> StorageResult {
    StorageResult {
        success: false,
        status: StorageStatus::Failed,
        hash: hash.to_string(),
        commit_id: None,
        message: err.to_string(),
        timestamp: now_rfc3339(),
        metadata,
        error_code: Some(err.code()),
    }
}
