//! RepoVault's git import: reads a local repository with gix and stores its refs, commits and
//! per-file diffs through the storage core. Incremental: a re-run stores only what is new, and an
//! interrupted run resumes from its last committed batch.
//!
//! Pipeline: one reader lists refs and walks history, diff workers (one per core, each with its own
//! repository handle and object cache) turn commits into rows, and one writer stores them in
//! batches, each batch one transaction (the checkpoint).

mod commit_diff;
mod error;
mod import;
mod line_tokens;
mod memory;
pub mod remote;
mod repo;

pub use error::IngestError;
pub use import::{
    import_repository, import_repository_with_hook, BeforeWrite, BeforeWriteFuture, CancelToken, ImportDetail,
    ImportOptions, ImportPhase, ImportProgress, ImportReport, NoHook, DEFAULT_BATCH_SIZE,
};
pub use repo::{default_repository_name, RefFilter};

/// The file changes between two commits of the repository at `path` (`git diff --numstat FROM TO`
/// with rename detection), line counts only.
pub fn diff_commits(
    path: &std::path::Path,
    from: &str,
    to: &str,
) -> Result<Vec<repovault_storage::NewFileChange>, IngestError> {
    let shared = repo::open(path)?;
    let mut differ = commit_diff::CommitDiffer::new(&shared, ImportDetail::LineCounts)?;
    differ.between(commit_id(from)?, commit_id(to)?)
}

/// One file's change between two commits of the repository at `path`, with its unified diff text
/// (`git diff FROM TO -- FILE`, rename detection over the whole trees); `None` when the file did
/// not change.
pub fn diff_commits_file(
    path: &std::path::Path,
    from: &str,
    to: &str,
    file: &str,
) -> Result<Option<repovault_storage::NewFileChange>, IngestError> {
    let shared = repo::open(path)?;
    let mut differ = commit_diff::CommitDiffer::new(&shared, ImportDetail::Full)?;
    differ.keep_text = true;
    differ.file_between(commit_id(from)?, commit_id(to)?, file)
}

fn commit_id(hash: &str) -> Result<gix::ObjectId, IngestError> {
    gix::ObjectId::from_hex(hash.as_bytes()).map_err(|e| IngestError::git(format!("{hash:?} is not a commit id"), e))
}
