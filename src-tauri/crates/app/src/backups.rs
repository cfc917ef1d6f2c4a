//! Backup workflows both faces run: the backup before a schema migration, the backup on exit, and
//! how long the scheduled-backup runner may sleep (`repovault_backup::schedule::run_due` runs a pass).

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use repovault_backup::{BackupError, CreateReport, Destination};
use repovault_storage::{CancelToken, Store, StoreConfig};

/// Removes what interrupted backups left in `destinations` (a partial archive is never a backup).
pub fn remove_partials(destinations: &[Destination]) {
    remove_partials_in(&repovault_backup::destinations::folders(destinations));
}

/// `remove_partials` for backup folders.
pub fn remove_partials_in(folders: &[PathBuf]) {
    for folder in folders {
        match repovault_backup::cleanup_partials(folder) {
            Ok(removed) if !removed.is_empty() => {
                tracing::info!(count = removed.len(), folder = %folder.display(), "removed leftovers of interrupted backups")
            }
            Ok(_) => {}
            Err(err) => tracing::warn!(folder = %folder.display(), error = %err, "cannot clean up interrupted backups"),
        }
    }
}

/// Before pending migrations are applied to a store with data: an automatic backup ("before
/// migration") into `destinations`. `None` when nothing is pending or the store is new.
pub async fn backup_before_migration(
    config: &StoreConfig,
    destinations: Vec<Destination>,
) -> Result<Option<CreateReport>, BackupError> {
    if !repovault_backup::triggers::migration_pending(config).await? {
        return Ok(None);
    }
    remove_partials(&destinations);
    let request = repovault_backup::triggers::automatic("before migration", destinations);
    repovault_backup::create(config, &request, repovault_backup::no_progress(), CancelToken::new()).await.map(Some)
}

/// What the backup on exit did.
#[derive(Debug)]
pub enum OnExit {
    /// The store has no commits: nothing to protect.
    Empty,
    Done(CreateReport),
}

/// The optional backup when the app exits ("on exit"); the caller has checked that no import or
/// other backup runs.
pub async fn backup_on_exit(
    store: &dyn Store,
    config: &StoreConfig,
    destinations: Vec<Destination>,
    cancel: CancelToken,
) -> Result<OnExit, BackupError> {
    if repovault_backup::triggers::stored_commits(store).await? == 0 {
        return Ok(OnExit::Empty);
    }
    let request = repovault_backup::triggers::automatic(repovault_backup::triggers::ON_EXIT_TRIGGER, destinations);
    Ok(OnExit::Done(repovault_backup::create(config, &request, repovault_backup::no_progress(), cancel).await?))
}

/// How long a runner may sleep before the next due schedule: until the earliest next run, at most
/// `max` (so schedules added meanwhile are seen), at least a second once one is due.
pub async fn time_until_next_run(
    store: &dyn Store,
    now: DateTime<Utc>,
    max: Duration,
) -> Result<Duration, BackupError> {
    let wait = match repovault_backup::schedule::earliest_next_run(store).await? {
        Some(next) if next > now => (next - now).to_std().unwrap_or(Duration::from_secs(1)),
        Some(_) => Duration::from_secs(1),
        None => max,
    };
    Ok(wait.min(max))
}
