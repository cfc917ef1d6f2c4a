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
mod repo;

pub use error::IngestError;
pub use import::{
    import_repository, import_repository_with_hook, BeforeWrite, BeforeWriteFuture, CancelToken, ImportDetail,
    ImportOptions, ImportPhase, ImportProgress, ImportReport, NoHook,
};
pub use repo::{default_repository_name, RefFilter};
