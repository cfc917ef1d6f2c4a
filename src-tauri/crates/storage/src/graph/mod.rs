//! History as a graph: the stored parents walked for comparisons and merge bases, a file's history
//! followed through renames, and the lanes of the commit graph beside the History list
//! (`graph_scopes`, `graph_rows`). The walks are plain code over a `Dag` read in one query; the
//! SQL lives in `sql.rs`, instantiated for both backends.

pub mod blame;
pub mod lanes;
pub mod linelog;
pub(crate) mod sql;
pub mod walk;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
use crate::model::{ChangeKind, Commit};
pub use lanes::{compute_lanes, LaneRow};
pub use walk::{Comparison, Dag};

/// Most graph rows one `graph_page` call returns.
pub const MAX_GRAPH_PAGE: u32 = 1_000;

/// One row of the commit graph: the commit in the list's row `row`, its lane, and the lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GraphRow {
    #[ts(type = "number")]
    pub row: i64,
    pub hash: String,
    pub lane: u32,
    /// Lanes at the row's top ending in the commit (lines from its children).
    pub top: Vec<u32>,
    /// Lanes at the row's bottom starting at the commit (lines to its parents).
    pub bottom: Vec<u32>,
    /// Lanes passing straight through the row.
    pub pass: Vec<u32>,
}

/// A page of graph rows and the figures of the whole scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GraphPage {
    pub rows: Vec<GraphRow>,
    /// Columns the widest row of the whole scope needs.
    pub width: u32,
    /// Rows in the whole scope (the commits of the repository, or those the ref reaches).
    #[ts(type = "number")]
    pub total: i64,
}

/// A commit that changed the followed file, with that file's change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PathChange {
    #[ts(type = "number")]
    pub commit_id: i64,
    pub hash: String,
    #[ts(type = "number")]
    pub committer_time: i64,
    /// The file change: `diff_bytes` / `commit_diff` read its diff.
    #[ts(type = "number")]
    pub file_change_id: i64,
    pub path: String,
    pub old_path: Option<String>,
    pub kind: ChangeKind,
    pub is_binary: bool,
    #[ts(type = "number | null")]
    pub additions: Option<i64>,
    #[ts(type = "number | null")]
    pub deletions: Option<i64>,
    /// Whether this change has a stored diff text.
    pub has_diff: bool,
}

/// What the commit graph and the history walks read from the store.
#[async_trait]
pub trait HistoryGraph {
    /// Every commit of a repository with its parents, newest first (the History list's order).
    async fn commit_dag(&self, repository_id: i64) -> Result<Dag>;
    /// A revision of a repository as a full commit hash: a full ref name, a branch or tag name,
    /// `HEAD` (the `main` or `master` branch), or a commit hash or unique prefix.
    async fn resolve_revision(&self, repository_id: i64, rev: &str) -> Result<String>;
    /// The commits that changed `path`, newest first, following renames backwards the way
    /// `git log --follow` does: a commit renaming the file from an old path switches the walk to the
    /// old path for the commits after it. Merges are left out (as `git log --follow` shows none).
    /// `rev`: only commits that revision reaches (a ref or a commit); `None`: every stored commit.
    async fn file_history(&self, repository_id: i64, path: &str, rev: Option<&str>) -> Result<Vec<PathChange>>;
    /// Rows `offset..offset + limit` (at most `MAX_GRAPH_PAGE`) of the commit graph of a repository's
    /// commits (`scope` `None`) or of those a ref reaches, in the History list's order. The lanes are
    /// computed from the stored parents on first use and again after the scope's commits changed.
    async fn graph_page(&self, repository_id: i64, scope: Option<&str>, offset: i64, limit: u32) -> Result<GraphPage>;
    /// Every stored change (merges' first-parent changes included) of a repository whose path or
    /// old path is one of `paths`, in no particular order: what a blame replays.
    async fn changes_of_paths(&self, repository_id: i64, paths: &[String]) -> Result<Vec<PathChange>>;
    /// Commits by id, in the given order (ids that do not exist are left out).
    async fn commits_by_id(&self, ids: &[i64]) -> Result<Vec<Commit>>;
}
