//! The shapes written to export files.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use chrono::{FixedOffset, TimeZone};
use repovault_storage::model::StoredCommit;
use repovault_storage::{
    ChangeKind, Commit, CommitBatchItem, Identity, NewCommit, NewFileChange, Signature, StoreError,
};
use serde::{Deserialize, Serialize};

const FORMAT: &str = "repovault-commits";
const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportHeader {
    pub format: String,
    pub version: u32,
}

impl ExportHeader {
    pub fn current() -> ExportHeader {
        ExportHeader { format: FORMAT.into(), version: VERSION }
    }

    pub fn check(&self) -> Result<(), StoreError> {
        if self.format != FORMAT {
            return Err(StoreError::validation("format", format!("{:?} is not a RepoVault export", self.format)));
        }
        if self.version > VERSION {
            return Err(StoreError::validation(
                "version",
                format!("export version {} is newer than this RepoVault reads ({VERSION})", self.version),
            ));
        }
        Ok(())
    }
}

/// A whole JSON export: the header's fields and the commits.
#[derive(Debug, Deserialize)]
pub(crate) struct ExportDocument {
    #[serde(flatten)]
    pub header: ExportHeader,
    pub commits: Vec<ExportRecord>,
}

/// One commit, losslessly: text fields that were not UTF-8 also carry their bytes in base64.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportRecord {
    pub repository: String,
    pub hash: String,
    pub parents: Vec<String>,
    pub author: Signature,
    pub committer: Signature,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_base64: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pusher: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit_count: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_author: Option<Identity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_committer: Option<Identity>,
    pub changes: Vec<ExportChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportChange {
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_base64: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_path_base64: Option<String>,
    pub kind: ChangeKind,
    pub is_binary: bool,
    #[serde(default)]
    pub is_submodule: bool,
    pub additions: Option<i64>,
    pub deletions: Option<i64>,
    /// The diff text when it is UTF-8 …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
    /// … otherwise its bytes in base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff_base64: Option<String>,
}

fn encode(bytes: Option<Vec<u8>>) -> Option<String> {
    bytes.map(|b| BASE64.encode(b))
}

fn decode(field: &str, text: Option<String>) -> Result<Option<Vec<u8>>, StoreError> {
    text.map(|t| BASE64.decode(t).map_err(|e| StoreError::validation(field, format!("bad base64: {e}")))).transpose()
}

impl ExportRecord {
    pub fn from_stored(stored: StoredCommit) -> ExportRecord {
        let c = stored.commit;
        ExportRecord {
            repository: stored.repository,
            hash: c.hash,
            parents: c.parents,
            author: c.author,
            committer: c.committer,
            message: c.message,
            message_base64: encode(c.message_bytes),
            pusher: c.pusher,
            commit_count: c.commit_count,
            raw_author: c.raw_author,
            raw_committer: c.raw_committer,
            changes: stored
                .changes
                .into_iter()
                .map(|f| {
                    let (diff, diff_base64) = match f.diff.map(String::from_utf8) {
                        Some(Ok(text)) => (Some(text), None),
                        Some(Err(err)) => (None, Some(BASE64.encode(err.into_bytes()))),
                        None => (None, None),
                    };
                    ExportChange {
                        path: f.path,
                        path_base64: encode(f.path_bytes),
                        old_path: f.old_path,
                        old_path_base64: encode(f.old_path_bytes),
                        kind: f.kind,
                        is_binary: f.is_binary,
                        is_submodule: f.is_submodule,
                        additions: f.additions,
                        deletions: f.deletions,
                        diff,
                        diff_base64,
                    }
                })
                .collect(),
        }
    }

    pub(crate) fn into_batch_item(self) -> Result<(String, CommitBatchItem), StoreError> {
        let commit = NewCommit {
            hash: self.hash,
            parents: self.parents,
            author: self.author,
            committer: self.committer,
            message: self.message,
            pusher: self.pusher,
            commit_count: self.commit_count,
            raw_author: self.raw_author,
            raw_committer: self.raw_committer,
            message_bytes: decode("message_base64", self.message_base64)?,
            index_parts: None,
        };
        let changes = self
            .changes
            .into_iter()
            .map(|f| {
                let diff = match (f.diff, decode("diff_base64", f.diff_base64)?) {
                    (Some(text), _) => Some(text.into_bytes()),
                    (None, bytes) => bytes,
                };
                Ok(NewFileChange {
                    path: f.path,
                    old_path: f.old_path,
                    kind: f.kind,
                    is_binary: f.is_binary,
                    additions: f.additions,
                    deletions: f.deletions,
                    diff,
                    path_bytes: decode("path_base64", f.path_base64)?,
                    old_path_bytes: decode("old_path_base64", f.old_path_base64)?,
                    is_submodule: f.is_submodule,
                    prepared_diff: None,
                    change_lines: None,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok((self.repository, (commit, changes)))
    }
}

pub(crate) const CSV_HEADER: [&str; 14] = [
    "repository",
    "hash",
    "parents",
    "author_name",
    "author_email",
    "author_date",
    "committer_name",
    "committer_email",
    "commit_date",
    "summary",
    "message",
    "additions",
    "deletions",
    "files_changed",
];

fn date(sig: &Signature) -> String {
    FixedOffset::east_opt(sig.tz_offset_minutes * 60)
        .and_then(|offset| offset.timestamp_opt(sig.time, 0).single())
        .map(|t| t.to_rfc3339())
        .unwrap_or_else(|| sig.time.to_string())
}

/// One CSV row; unknown line counts are empty cells, not zero.
pub(crate) fn csv_row(c: &Commit, repositories: &std::collections::HashMap<i64, String>) -> Vec<String> {
    let count = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    vec![
        repositories.get(&c.repository_id).cloned().unwrap_or_default(),
        c.hash.clone(),
        c.parents.join(" "),
        c.author.name.clone(),
        c.author.email.clone(),
        date(&c.author),
        c.committer.name.clone(),
        c.committer.email.clone(),
        date(&c.committer),
        c.message.lines().next().unwrap_or_default().to_string(),
        c.message.clone(),
        count(c.totals.total_additions),
        count(c.totals.total_deletions),
        c.totals.files_changed.to_string(),
    ]
}
