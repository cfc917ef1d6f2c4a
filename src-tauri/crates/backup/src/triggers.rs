//! Automatic backups on triggers: before a restore (done by `restore` itself), before a schema
//! migration, before a large import, on exit. The app and the CLI decide when; these helpers say
//! whether and make the request.

use repovault_storage::{Store, StoreConfig};

use crate::create::{BackupRequest, CreateReport};
use crate::destinations::Destination;
use crate::error::Result;
use crate::manifest::BackupKind;
use crate::progress::{CancelToken, ProgressFn};

/// Imports of more than this many commits get a backup first, unless the caller sets its own.
pub const DEFAULT_LARGE_IMPORT_THRESHOLD: u64 = 10_000;

/// The trigger of the automatic backup before a large import.
pub const LARGE_IMPORT_TRIGGER: &str = "before large import";

/// The trigger of the app's optional backup when it exits.
pub const ON_EXIT_TRIGGER: &str = "on exit";

/// An automatic backup request with a trigger text such as "before migration".
pub fn automatic(trigger: &str, destinations: Vec<Destination>) -> BackupRequest {
    BackupRequest::new(BackupKind::Automatic, trigger, destinations)
}

/// Whether an import of `incoming` commits is large enough to back up first. A store with no
/// commits yet has nothing to protect.
pub fn before_large_import(incoming: u64, stored: u64, threshold: u64) -> bool {
    stored > 0 && incoming > threshold
}

/// Commits in the store, over every repository: what an automatic backup would protect.
pub async fn stored_commits(store: &dyn Store) -> Result<u64> {
    let repositories = store.repositories().await?;
    Ok(repositories.iter().map(|r| r.commit_count.max(0) as u64).sum())
}

/// The automatic backup ([`LARGE_IMPORT_TRIGGER`]) before an import of `incoming` commits into a
/// store holding `stored`, when [`before_large_import`] says one is due; `None` when not. An error
/// means no destination got the backup, and the import must not go ahead.
#[allow(clippy::too_many_arguments)]
pub async fn backup_before_import(
    config: &StoreConfig,
    incoming: u64,
    stored: u64,
    threshold: u64,
    destinations: Vec<Destination>,
    progress: ProgressFn,
    cancel: CancelToken,
) -> Result<Option<CreateReport>> {
    if !before_large_import(incoming, stored, threshold) {
        return Ok(None);
    }
    let request = automatic(LARGE_IMPORT_TRIGGER, destinations);
    crate::create::create(config, &request, progress, cancel).await.map(Some)
}

/// Whether the store has data and a migration this build knows but the database has not applied:
/// then a backup should come before migrating. A database that does not exist yet has nothing to
/// protect.
pub async fn migration_pending(config: &StoreConfig) -> Result<bool> {
    Ok(repovault_storage::schema::migration_pending(&config.database).await?)
}
