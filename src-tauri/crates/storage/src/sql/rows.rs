//! The rows the shared SQL reads, the column lists that fill them, and their conversions to the
//! model types: plain code, the same for both backends (`sqlx::FromRow` is generic over the row).

use crate::blob::{decode_diff, BlobStore, PreparedDiff};
use crate::error::{Result, StoreError};
use crate::model::{
    ChangeKind, Commit, CommitTotals, FileChange, Identity, NewCommit, NewFileChange, Repository, Signature,
};

/// What a commit query reads from: the commits with their repository and workspace (the filter
/// fields `repository` and `workspace` name them `r` and `w`).
pub(crate) const COMMITS_FROM: &str =
    "FROM commits c JOIN repositories r ON r.id = c.repository_id JOIN workspaces w ON w.id = r.workspace_id";

/// Columns of `commits` read into `CommitRow`, prefixed with `c.`.
pub(crate) const COMMIT_COLUMNS: &str = "c.id, c.repository_id, c.hash, c.author_name, c.author_email, \
    c.author_time, c.author_tz_offset, c.committer_name, c.committer_email, c.committer_time, \
    c.committer_tz_offset, c.message, c.pusher, c.commit_count, c.total_additions, c.total_deletions, \
    c.files_changed, c.stored_at, c.raw_author_name, c.raw_author_email, c.raw_committer_name, c.raw_committer_email";

pub(crate) const REPOSITORY_SELECT: &str = "SELECT r.id, w.name AS workspace, r.name, r.path, r.created_at, \
    r.last_synced_at, r.is_shallow, r.index_changes, r.remote_url, r.sync_interval_secs, \
    r.last_sync_attempt_at, r.last_sync_error, (SELECT COUNT(*) FROM commits c WHERE c.repository_id = r.id) AS commit_count \
    FROM repositories r JOIN workspaces w ON w.id = r.workspace_id";

#[derive(sqlx::FromRow)]
pub(crate) struct CommitRow {
    id: i64,
    repository_id: i64,
    hash: String,
    author_name: String,
    author_email: String,
    author_time: i64,
    author_tz_offset: i32,
    committer_name: String,
    committer_email: String,
    committer_time: i64,
    committer_tz_offset: i32,
    message: String,
    pusher: Option<String>,
    commit_count: Option<i64>,
    total_additions: Option<i64>,
    total_deletions: Option<i64>,
    files_changed: i64,
    stored_at: i64,
    raw_author_name: Option<String>,
    raw_author_email: Option<String>,
    raw_committer_name: Option<String>,
    raw_committer_email: Option<String>,
    /// A computed sort value (the full-text rank) when the query selects one.
    #[sqlx(default)]
    pub(crate) sort_key: Option<i64>,
}

fn identity(name: Option<String>, email: Option<String>) -> Option<Identity> {
    match (name, email) {
        (None, None) => None,
        (name, email) => Some(Identity { name: name.unwrap_or_default(), email: email.unwrap_or_default() }),
    }
}

impl CommitRow {
    pub(crate) fn into_commit(self, parents: Vec<String>) -> Commit {
        Commit {
            id: self.id,
            repository_id: self.repository_id,
            hash: self.hash,
            parents,
            author: Signature {
                name: self.author_name,
                email: self.author_email,
                time: self.author_time,
                tz_offset_minutes: self.author_tz_offset,
            },
            committer: Signature {
                name: self.committer_name,
                email: self.committer_email,
                time: self.committer_time,
                tz_offset_minutes: self.committer_tz_offset,
            },
            message: self.message,
            pusher: self.pusher,
            commit_count: self.commit_count,
            raw_author: identity(self.raw_author_name, self.raw_author_email),
            raw_committer: identity(self.raw_committer_name, self.raw_committer_email),
            totals: CommitTotals {
                total_additions: self.total_additions,
                total_deletions: self.total_deletions,
                files_changed: self.files_changed,
            },
            stored_at: self.stored_at,
        }
    }

    pub(crate) fn hash(&self) -> &str {
        &self.hash
    }

    pub(crate) fn id(&self) -> i64 {
        self.id
    }

    pub(crate) fn repository_id(&self) -> i64 {
        self.repository_id
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct RepositoryRow {
    id: i64,
    workspace: String,
    name: String,
    path: Option<String>,
    created_at: i64,
    last_synced_at: Option<i64>,
    is_shallow: bool,
    index_changes: bool,
    remote_url: Option<String>,
    sync_interval_secs: Option<i64>,
    last_sync_attempt_at: Option<i64>,
    last_sync_error: Option<String>,
    commit_count: i64,
}

impl From<RepositoryRow> for Repository {
    fn from(row: RepositoryRow) -> Repository {
        Repository {
            id: row.id,
            workspace: row.workspace,
            name: row.name,
            path: row.path,
            created_at: row.created_at,
            last_synced_at: row.last_synced_at,
            commit_count: row.commit_count,
            is_shallow: row.is_shallow,
            index_changes: row.index_changes,
            remote_url: row.remote_url,
            sync_interval_secs: row.sync_interval_secs,
            last_sync_attempt_at: row.last_sync_attempt_at,
            last_sync_error: row.last_sync_error,
        }
    }
}

/// A commit row with what only an export needs.
#[derive(sqlx::FromRow)]
pub(crate) struct StoredCommitRow {
    #[sqlx(flatten)]
    pub commit: CommitRow,
    pub message_bytes: Option<Vec<u8>>,
    pub repository: String,
}

#[derive(sqlx::FromRow)]
pub(crate) struct StoredChangeRow {
    #[sqlx(flatten)]
    pub change: FileChangeRow,
    pub commit_id: i64,
    pub path_bytes: Option<Vec<u8>>,
    pub old_path_bytes: Option<Vec<u8>>,
}

impl StoredChangeRow {
    /// The change as an importer hands it over, its diff already compressed and hashed as stored:
    /// a store these commits are copied into (the mirror's drain) writes those bytes as they are
    /// instead of compressing and hashing every diff again.
    pub(crate) async fn into_new_change(self, blobs: &BlobStore) -> Result<NewFileChange> {
        let prepared_diff = self.change.stored_diff(blobs).await?;
        let diff = prepared_diff.as_ref().map(|d| decode_diff(&d.sha256, &d.compressed)).transpose()?;
        let c = self.change;
        let kind = ChangeKind::parse(&c.change_kind)
            .ok_or_else(|| StoreError::Query(format!("unknown change kind {:?}", c.change_kind)))?;
        Ok(NewFileChange {
            path: c.path,
            old_path: c.old_path,
            kind,
            is_binary: c.is_binary,
            additions: c.additions,
            deletions: c.deletions,
            diff,
            path_bytes: self.path_bytes,
            old_path_bytes: self.old_path_bytes,
            is_submodule: c.is_submodule,
            prepared_diff,
            change_lines: None,
        })
    }
}

impl StoredCommitRow {
    pub(crate) fn into_stored(self, parents: Vec<String>, changes: Vec<NewFileChange>) -> crate::model::StoredCommit {
        let commit = self.commit.into_commit(parents);
        crate::model::StoredCommit {
            repository: self.repository,
            commit: NewCommit {
                hash: commit.hash,
                parents: commit.parents,
                author: commit.author,
                committer: commit.committer,
                message: commit.message,
                pusher: commit.pusher,
                commit_count: commit.commit_count,
                raw_author: commit.raw_author,
                raw_committer: commit.raw_committer,
                message_bytes: self.message_bytes,
                index_parts: None,
            },
            changes,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct FileChangeRow {
    id: i64,
    path: String,
    old_path: Option<String>,
    change_kind: String,
    is_binary: bool,
    is_submodule: bool,
    additions: Option<i64>,
    deletions: Option<i64>,
    sha256: Option<String>,
    size: Option<i64>,
    storage: Option<String>,
    compressed: Option<Vec<u8>>,
}

pub(crate) const FILE_CHANGE_SELECT: &str =
    "SELECT fc.id, fc.path, fc.old_path, fc.change_kind, fc.is_binary, fc.is_submodule, \
    fc.additions, fc.deletions, d.sha256, d.size, d.storage, d.compressed \
    FROM file_changes fc LEFT JOIN diff_blobs d ON d.id = fc.diff_blob_id";

impl FileChangeRow {
    /// The diff as stored: its hash, size and compressed bytes, from the row (inline) or the blob
    /// store (external).
    async fn stored_diff(&self, blobs: &BlobStore) -> Result<Option<PreparedDiff>> {
        let Some(sha256) = &self.sha256 else { return Ok(None) };
        let (compressed, inline) = match (self.storage.as_deref(), &self.compressed) {
            (Some("inline"), Some(bytes)) => (bytes.clone(), true),
            (Some("external"), _) => (blobs.get(sha256).await?, false),
            (storage, _) => {
                return Err(StoreError::Query(format!("diff {sha256} has an unreadable storage mark {storage:?}")))
            }
        };
        Ok(Some(PreparedDiff { sha256: sha256.clone(), size: self.size.unwrap_or_default(), compressed, inline }))
    }

    /// Reads the diff bytes from the row (inline) or the blob store (external).
    pub(crate) async fn diff_bytes(&self, blobs: &BlobStore) -> Result<Option<Vec<u8>>> {
        self.stored_diff(blobs).await?.map(|d| decode_diff(&d.sha256, &d.compressed)).transpose()
    }

    pub(crate) async fn into_file_change(self, blobs: &BlobStore, with_diff: bool) -> Result<FileChange> {
        let diff = if with_diff { self.diff_bytes(blobs).await? } else { None };
        let kind = ChangeKind::parse(&self.change_kind)
            .ok_or_else(|| StoreError::Query(format!("unknown change kind {:?}", self.change_kind)))?;
        Ok(FileChange {
            id: self.id,
            path: self.path,
            old_path: self.old_path,
            kind,
            is_binary: self.is_binary,
            is_submodule: self.is_submodule,
            additions: self.additions,
            deletions: self.deletions,
            diff_size: self.size,
            diff: diff.map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
        })
    }
}
