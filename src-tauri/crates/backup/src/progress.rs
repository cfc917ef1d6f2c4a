//! Progress reports and cancellation for long backup work: the UI shows a bar, the CLI too.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum BackupPhase {
    /// Copying the database into a consistent snapshot file.
    Snapshot,
    /// `PRAGMA integrity_check` on the snapshot.
    Integrity,
    /// Compressing and hashing entries into the archive.
    Archive,
    /// Re-reading the finished archive and re-hashing every entry.
    Verify,
    /// Encrypting the archive with the password.
    Encrypt,
    /// Extracting an archive into a staging folder.
    Extract,
    /// Taking the safety backup before a restore.
    SafetyBackup,
    /// Swapping the restored data in.
    Swap,
    Done,
}

/// `done` and `total` count bytes in the byte phases and entries otherwise (0 total: unknown).
pub type BackupProgress = repovault_storage::Progress<BackupPhase>;

/// Called from worker threads: it must be cheap and must not block.
pub type ProgressFn = Arc<dyn Fn(BackupProgress) + Send + Sync>;

/// A progress sink that ignores everything.
pub fn no_progress() -> ProgressFn {
    Arc::new(|_| {})
}

pub(crate) fn report(progress: &ProgressFn, phase: BackupPhase, done: u64, total: u64) {
    progress(BackupProgress::new(phase, done, total));
}

/// Cancels a running backup or restore; checked between entries and between chunks of an entry.
pub use repovault_storage::CancelToken;
