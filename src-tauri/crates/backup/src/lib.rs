//! RepoVault backups: verified ZIP snapshots of a store (SQLite or PostgreSQL, always written in
//! the portable SQLite form), list, verify, delete, restore with a safety backup and an atomic swap,
//! retention, several destinations, schedules and optional password encryption.
//!
//! The public API the app and the CLI call:
//! - [`create`], [`list`], [`verify`], [`delete`], [`restore`], [`restore_into`], [`cleanup_partials`]
//! - [`retention::plan`] / [`retention::prune`] (with a dry run)
//! - [`schedule::add`], [`schedule::list`], [`schedule::remove`], [`schedule::run_due`], [`schedule::preview`]
//! - [`triggers`] for automatic backups before a migration or a large import.
//!
//! Nothing here depends on Tauri.

mod archive;
pub mod catalog;
mod create;
mod crypto;
pub mod destinations;
pub mod error;
pub mod manifest;
pub mod progress;
mod restore;
pub mod retention;
pub mod schedule;
pub mod triggers;
mod verify;

pub use catalog::{cleanup_partials, delete, list, parse_name, BackupInfo};
pub use create::{create, BackupRequest, CreateReport};
pub use destinations::{default_destination, Destination, DestinationResult};
pub use error::{BackupError, Result};
pub use manifest::{BackupKind, Manifest, ManifestEntry, SourceBackend, TableCount, WorkspaceCount};
pub use progress::{no_progress, BackupPhase, BackupProgress, CancelToken, ProgressFn};
pub use restore::{restore, restore_into, RestoreOptions, RestoreReport};
pub use retention::{RetentionDecision, RetentionPolicy};
pub use schedule::{NewSchedule, Schedule, ScheduleRun, ScheduleSpec};
pub use verify::{verify, VerifyReport};
