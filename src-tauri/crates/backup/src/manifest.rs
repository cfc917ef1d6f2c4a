//! `manifest.json`: what a backup holds and how to check it. It is the last entry of the archive,
//! written after every other entry was hashed.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Bumped when the archive layout changes in a way an older reader could misread.
pub const FORMAT_VERSION: u32 = 1;
pub const MANIFEST_NAME: &str = "manifest.json";
pub const DATABASE_NAME: &str = "database.sqlite";
pub const BLOBS_PREFIX: &str = "blobs/";
/// A manifest larger than this is not ours; it is never read whole.
pub const MANIFEST_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// Why a backup was made; retention treats every kind alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum BackupKind {
    Manual,
    Scheduled,
    Automatic,
    Emergency,
}

impl BackupKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BackupKind::Manual => "manual",
            BackupKind::Scheduled => "scheduled",
            BackupKind::Automatic => "automatic",
            BackupKind::Emergency => "emergency",
        }
    }

    pub fn parse(text: &str) -> Option<BackupKind> {
        match text {
            "manual" => Some(BackupKind::Manual),
            "scheduled" => Some(BackupKind::Scheduled),
            "automatic" => Some(BackupKind::Automatic),
            "emergency" => Some(BackupKind::Emergency),
            _ => None,
        }
    }
}

/// The backend the data was read from (the snapshot inside is always SQLite).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum SourceBackend {
    Sqlite,
    Postgres,
}

/// One archive entry: its name, uncompressed size and sha256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "BackupManifestEntry")]
pub struct ManifestEntry {
    pub name: String,
    #[ts(type = "number")]
    pub size: u64,
    pub sha256: String,
}

pub use repovault_storage::snapshot::TableCount;
pub use repovault_storage::WorkspaceCount;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "BackupManifest")]
pub struct Manifest {
    pub format_version: u32,
    pub app_version: String,
    /// The newest applied migration of the snapshot.
    #[ts(type = "number")]
    pub schema_version: i64,
    pub kind: BackupKind,
    /// Free text: what caused it ("before restore", a schedule's name, …).
    pub trigger: String,
    pub source_backend: SourceBackend,
    /// RFC 3339, UTC.
    pub created_at: String,
    #[ts(type = "number")]
    pub duration_ms: u64,
    /// False when the blobs live in an S3 bucket, which a backup does not copy.
    pub blobs_included: bool,
    pub row_counts: Vec<TableCount>,
    /// Rows per workspace, from the same snapshot as `row_counts`. `None`: not known (a manifest
    /// written before backups counted per workspace, or a snapshot older than workspaces' saved
    /// queries).
    #[serde(default)]
    pub workspace_counts: Option<Vec<WorkspaceCount>>,
    pub entries: Vec<ManifestEntry>,
}

impl Manifest {
    pub fn entry(&self, name: &str) -> Option<&ManifestEntry> {
        self.entries.iter().find(|e| e.name == name)
    }

    pub fn rows(&self, table: &str) -> Option<i64> {
        self.row_counts.iter().find(|c| c.table == table).map(|c| c.rows)
    }

    /// One workspace's counts: `None` when the manifest does not know them (see
    /// `workspace_counts`), `Some(None)` when it knows the backup had no such workspace.
    pub fn workspace(&self, name: &str) -> Option<Option<&WorkspaceCount>> {
        self.workspace_counts.as_ref().map(|all| all.iter().find(|c| c.workspace == name))
    }

    /// Total uncompressed bytes of every entry.
    pub fn total_size(&self) -> u64 {
        self.entries.iter().map(|e| e.size).sum()
    }
}
