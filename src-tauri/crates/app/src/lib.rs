//! RepoVault's application layer: the workflows that both faces run — the desktop app's Tauri
//! commands and the `repovault-cli` subcommands — so each is written once:
//! - [`import`]: import or sync with an automatic backup first when a large import comes in;
//! - [`backups`]: the backup before a migration, the backup on exit, how long a schedule runner sleeps;
//! - [`export`]: commits to a file (csv, json, ndjson) through a partial file renamed into place;
//! - [`history`]: two revisions compared (counts and commits from the store, files from the repository folder);
//! - [`mirror`]: the team mirror: the outbox drainer behind a circuit breaker, status, check and repair;
//! - [`remote`]: repositories added by URL (a bare mirror cloned, then imported) and syncs that fetch first;
//! - [`background`]: keep-in-sync intervals and local repositories' refs watched, for the app and `sync --watch`;
//! - [`sync_lock`]: one sync of a repository at a time, across processes; [`tokens`]: tokens in the OS keyring.
//!
//! Every workflow takes the one [`CancelToken`] and reports progress through the domain's progress
//! type. Nothing here depends on Tauri or on a terminal; the faces parse, call and present.

pub mod background;
pub mod backups;
pub mod detached;
pub mod export;
pub mod history;
pub mod import;
pub mod mirror;
pub mod remote;
pub mod sync_lock;
pub mod tokens;

pub use repovault_storage::{CancelToken, ErrorCode, ErrorPayload};
