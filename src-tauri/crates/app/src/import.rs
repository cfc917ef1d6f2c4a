//! Import or sync, with the automatic backup before a large import: after the history walk, when
//! more commits are coming than the threshold and the store already has commits, the store is
//! backed up first; if that backup fails, the import stops before writing anything.

use std::future::Future;
use std::pin::Pin;

use repovault_backup::{BackupInfo, Destination};
use repovault_ingest::{BeforeWrite, BeforeWriteFuture, ImportPhase, ImportProgress};
use repovault_storage::{CancelToken, ErrorCode, ErrorPayload, Store, StoreConfig};

use crate::backups::remove_partials;
use crate::detached::run_detached;

/// When and where the backup before a large import goes.
#[derive(Debug, Clone)]
pub struct LargeImportBackup {
    /// The store's location: the backup reads the database and blobs it names.
    pub config: StoreConfig,
    /// More incoming commits than this (into a store with commits) back the store up first.
    pub threshold: u64,
    pub destinations: Vec<Destination>,
    /// What the user can do when the backup fails; ends the error message.
    pub remedy: String,
}

/// Something held while the backup runs, released when dropped.
pub type Held<'a> = Box<dyn Send + 'a>;

/// The one-backup-at-a-time rule of a face: the app waits for its backup slot (a schedule or a
/// manual backup may be running); the CLI has nothing to wait for.
pub trait BackupSlot: Sync {
    /// Resolves once no other backup runs, holding that until the value is dropped; `None` when
    /// `cancel` was set while waiting.
    fn acquire<'a>(&'a self, cancel: &'a CancelToken) -> Pin<Box<dyn Future<Output = Option<Held<'a>>> + Send + 'a>>;
}

/// No other backup to wait for.
pub struct NoSlot;

impl BackupSlot for NoSlot {
    fn acquire<'a>(&'a self, _: &'a CancelToken) -> Pin<Box<dyn Future<Output = Option<Held<'a>>> + Send + 'a>> {
        Box::pin(async { Some(Box::new(()) as Held<'a>) })
    }
}

/// The importer's before-write hook that takes the backup. The import's own token cancels it.
pub struct BackupFirst<'a> {
    pub store: &'a dyn Store,
    /// `None`: the automatic backup is off.
    pub backup: Option<LargeImportBackup>,
    pub progress: &'a (dyn Fn(&ImportProgress) + Send + Sync),
    pub cancel: CancelToken,
    pub slot: &'a dyn BackupSlot,
    /// Told about every backup written, with the incoming commit count (the CLI prints it, the app
    /// logs it).
    pub on_written: &'a (dyn Fn(&BackupInfo, u64) + Send + Sync),
}

impl BackupFirst<'_> {
    async fn run(&self, incoming: u64) -> Result<(), ErrorPayload> {
        let Some(policy) = &self.backup else { return Ok(()) };
        let stored = repovault_backup::triggers::stored_commits(self.store).await?;
        if !repovault_backup::triggers::before_large_import(incoming, stored, policy.threshold) {
            return Ok(());
        }
        (self.progress)(&ImportProgress::new(ImportPhase::BackingUp, 0, incoming));
        let Some(_held) = self.slot.acquire(&self.cancel).await else {
            return Err(repovault_ingest::IngestError::Cancelled.payload());
        };
        remove_partials(&policy.destinations);
        let (config, destinations, threshold, cancel) =
            (policy.config.clone(), policy.destinations.clone(), policy.threshold, self.cancel.clone());
        let report = run_detached(move || async move {
            repovault_backup::triggers::backup_before_import(
                &config,
                incoming,
                stored,
                threshold,
                destinations,
                repovault_backup::no_progress(),
                cancel,
            )
            .await
        })
        .await?;
        for info in report.iter().flat_map(|r| r.written()) {
            (self.on_written)(info, incoming);
        }
        Ok(())
    }
}

impl BeforeWrite for BackupFirst<'_> {
    fn before_write(&self, incoming: u64) -> BeforeWriteFuture<'_> {
        Box::pin(async move {
            self.run(incoming).await.map_err(|err| match err.code {
                ErrorCode::Cancelled => err,
                _ => ErrorPayload::new(
                    ErrorCode::BackupFailed,
                    format!(
                        "the automatic backup before importing {incoming} commits failed, so nothing was imported \
                         ({}): {}",
                        self.backup.as_ref().map(|b| b.remedy.as_str()).unwrap_or_default(),
                        err.message
                    ),
                ),
            })
        })
    }
}
