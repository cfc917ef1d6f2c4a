//! The values that cross the storage boundary: what callers hand in (`New*`) and what they get back.
//! They derive `TS` so the desktop UI receives generated TypeScript types (see `ui/src/bindings`).
//! Times are Unix seconds plus the UTC offset in minutes, exactly as git records them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A person and the moment they acted, as recorded in a commit header.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Signature {
    pub name: String,
    pub email: String,
    /// Unix seconds.
    #[ts(type = "number")]
    pub time: i64,
    /// Offset from UTC in minutes (for example +120 for CEST).
    pub tz_offset_minutes: i32,
}

/// A name and e-mail without a time: an identity as written before `.mailmap` was applied.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Identity {
    pub name: String,
    pub email: String,
}

/// A commit to store. Hashes are 40 (SHA-1) or 64 (SHA-256) hex characters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewCommit {
    pub hash: String,
    pub parents: Vec<String>,
    pub author: Signature,
    pub committer: Signature,
    pub message: String,
    /// Who pushed it, when the commit arrived through a push event.
    pub pusher: Option<String>,
    /// The number of commits in the push that carried it, when known.
    #[ts(type = "number | null")]
    pub commit_count: Option<i64>,
    /// The author as the commit records it, when `.mailmap` changed it.
    #[serde(default)]
    pub raw_author: Option<Identity>,
    #[serde(default)]
    pub raw_committer: Option<Identity>,
    /// The exact message bytes when they are not valid UTF-8 (`message` is then a lossy copy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(skip)]
    pub message_bytes: Option<Vec<u8>>,
    /// What it gives the search indexes, when the one who made it worked that out already (an
    /// import's diff workers); otherwise the writer does. Shared, as validation copies the commit.
    #[serde(skip)]
    #[ts(skip)]
    pub index_parts: Option<std::sync::Arc<crate::search_text::CommitIndexParts>>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum ChangeKind {
    Added,
    #[default]
    Modified,
    Deleted,
    Renamed,
    Copied,
    TypeChanged,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 6] = [
        ChangeKind::Added,
        ChangeKind::Modified,
        ChangeKind::Deleted,
        ChangeKind::Renamed,
        ChangeKind::Copied,
        ChangeKind::TypeChanged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Modified => "modified",
            ChangeKind::Deleted => "deleted",
            ChangeKind::Renamed => "renamed",
            ChangeKind::Copied => "copied",
            ChangeKind::TypeChanged => "typechanged",
        }
    }

    pub fn parse(text: &str) -> Option<ChangeKind> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

/// One changed file of a commit. Line counts are `None` when unknown (a push event does not carry
/// them), which is different from zero.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewFileChange {
    pub path: String,
    pub old_path: Option<String>,
    pub kind: ChangeKind,
    pub is_binary: bool,
    #[ts(type = "number | null")]
    pub additions: Option<i64>,
    #[ts(type = "number | null")]
    pub deletions: Option<i64>,
    /// The unified diff text, if there is one. Bytes, because a diff need not be UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(skip)]
    pub diff: Option<Vec<u8>>,
    /// The exact path bytes when they are not valid UTF-8 (`path` is then a lossy copy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(skip)]
    pub path_bytes: Option<Vec<u8>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(skip)]
    pub old_path_bytes: Option<Vec<u8>>,
    /// A submodule pointer (recorded, never followed).
    #[serde(default)]
    pub is_submodule: bool,
    /// The diff already hashed and compressed (by `blob::prepare_diff`), so importers can do that
    /// work on their own threads; takes the place of `diff`.
    #[serde(skip)]
    #[ts(skip)]
    pub prepared_diff: Option<crate::blob::PreparedDiff>,
    /// The lines the diff adds and removes (for `change:` searches), when an importer read them
    /// on its own thread; otherwise they are read from `diff`.
    #[serde(skip)]
    #[ts(skip)]
    pub change_lines: Option<crate::search_text::ChangeLines>,
}

impl NewFileChange {
    /// The change's metadata without its (possibly large) diff text.
    pub fn without_diff(&self) -> NewFileChange {
        NewFileChange {
            path: self.path.clone(),
            old_path: self.old_path.clone(),
            kind: self.kind,
            is_binary: self.is_binary,
            additions: self.additions,
            deletions: self.deletions,
            diff: None,
            path_bytes: self.path_bytes.clone(),
            old_path_bytes: self.old_path_bytes.clone(),
            is_submodule: self.is_submodule,
            prepared_diff: None,
            change_lines: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum StorageStatus {
    Stored,
    Duplicate,
    Failed,
}

/// Totals of one commit's file changes. `None` when some change has unknown line counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CommitTotals {
    #[ts(type = "number | null")]
    pub total_additions: Option<i64>,
    #[ts(type = "number | null")]
    pub total_deletions: Option<i64>,
    #[ts(type = "number")]
    pub files_changed: i64,
}

impl CommitTotals {
    pub fn of(changes: &[NewFileChange]) -> CommitTotals {
        let sum = |pick: fn(&NewFileChange) -> Option<i64>| {
            changes.iter().try_fold(0i64, |acc, change| pick(change).map(|n| acc.saturating_add(n)))
        };
        CommitTotals {
            total_additions: sum(|c| c.additions),
            total_deletions: sum(|c| c.deletions),
            files_changed: changes.len() as i64,
        }
    }
}

/// The answer of `store_commit`: what happened to one commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StorageResult {
    pub success: bool,
    pub status: StorageStatus,
    pub hash: String,
    /// The database id of the commit (the existing one for a duplicate).
    #[ts(type = "number | null")]
    pub commit_id: Option<i64>,
    pub message: String,
    /// When the store answered, RFC 3339 in UTC.
    pub timestamp: String,
    pub metadata: CommitTotals,
    /// For `Failed`: the stable error code (see `StoreError::code`).
    pub error_code: Option<crate::error::ErrorCode>,
}

/// A stored repository with the figures the repository list shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Repository {
    #[ts(type = "number")]
    pub id: i64,
    pub workspace: String,
    pub name: String,
    pub path: Option<String>,
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number | null")]
    pub last_synced_at: Option<i64>,
    #[ts(type = "number")]
    pub commit_count: i64,
    /// The last import found a shallow clone: older history is missing.
    pub is_shallow: bool,
    /// The lines its commits add and remove are indexed for `change:` searches (off for huge
    /// repositories, to save import time and space).
    pub index_changes: bool,
    /// Where its bare mirror fetches from, for a repository added by URL (never with credentials).
    pub remote_url: Option<String>,
    /// How often the app syncs it on its own, in seconds; null: never (the default).
    #[ts(type = "number | null")]
    pub sync_interval_secs: Option<i64>,
    /// When the last sync through `record_sync` (background or asked for) ended.
    #[ts(type = "number | null")]
    pub last_sync_attempt_at: Option<i64>,
    /// Why that sync failed; null when it succeeded (or none ran).
    pub last_sync_error: Option<String>,
}

/// A stored commit with its totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Commit {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub repository_id: i64,
    pub hash: String,
    pub parents: Vec<String>,
    pub author: Signature,
    pub committer: Signature,
    pub message: String,
    pub pusher: Option<String>,
    #[ts(type = "number | null")]
    pub commit_count: Option<i64>,
    /// Identities as the commit records them, when `.mailmap` changed them.
    pub raw_author: Option<Identity>,
    pub raw_committer: Option<Identity>,
    pub totals: CommitTotals,
    #[ts(type = "number")]
    pub stored_at: i64,
}

/// A stored file change; `diff` is the decoded diff text (from the database or the blob store).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FileChange {
    #[ts(type = "number")]
    pub id: i64,
    pub path: String,
    pub old_path: Option<String>,
    pub kind: ChangeKind,
    pub is_binary: bool,
    pub is_submodule: bool,
    #[ts(type = "number | null")]
    pub additions: Option<i64>,
    #[ts(type = "number | null")]
    pub deletions: Option<i64>,
    /// Size of the diff text in bytes, when there is one.
    #[ts(type = "number | null")]
    pub diff_size: Option<i64>,
    /// The diff text (lossy UTF-8 for display); see `Store::diff_bytes` for the exact bytes.
    pub diff: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CommitWithChanges {
    pub commit: Commit,
    pub changes: Vec<FileChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuditEntry {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub at: i64,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub detail: Option<String>,
}

/// One migration known to this build, and whether the database has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MigrationState {
    #[ts(type = "number")]
    pub version: i64,
    pub description: String,
    pub applied: bool,
}

/// What the app shows about the store it is connected to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StoreInfo {
    pub backend: Backend,
    /// The database location with any password removed.
    pub location: String,
    #[ts(type = "number")]
    pub schema_version: i64,
    pub blob_store: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum RefKind {
    Branch,
    Tag,
    Other,
}

impl RefKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RefKind::Branch => "branch",
            RefKind::Tag => "tag",
            RefKind::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<RefKind> {
        [RefKind::Branch, RefKind::Tag, RefKind::Other].into_iter().find(|k| k.as_str() == text)
    }
}

/// A branch, tag or other ref and the commit it points at (tags peeled to their commit).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GitRef {
    /// The full name, e.g. `refs/heads/main`.
    pub name: String,
    pub kind: RefKind,
    pub target: String,
}

/// A stored commit in the form it was stored from, losslessly (for export and re-import).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCommit {
    pub repository: String,
    pub commit: NewCommit,
    pub changes: Vec<NewFileChange>,
}
