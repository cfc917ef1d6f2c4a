//! What the app holds while it runs: the open store (or the reason it could not be opened, shown
//! in the window instead of a blank screen), the settings it was opened with, and the cancel token
//! of the running import. The store can be swapped (a new database URL, a restore).

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use repovault_ingest::CancelToken;
use repovault_storage::{open_store, ErrorPayload, Store, StoreConfig};

use crate::settings::Settings;

type OpenStore = Result<Arc<dyn Store>, ErrorPayload>;

pub struct AppState {
    pub data_dir: PathBuf,
    /// `DATABASE_URL` from the environment, which wins over the settings file.
    pub env_database_url: Option<String>,
    store: RwLock<OpenStore>,
    /// The import that is running, if any (one at a time).
    import: Mutex<Option<CancelToken>>,
    /// The backup, restore or scheduled run that is running, if any (one at a time).
    backup: Mutex<Option<repovault_backup::CancelToken>>,
}

/// Marks a backup or restore as running until it is dropped.
pub struct BackupSlot<'a> {
    state: &'a AppState,
    pub cancel: repovault_backup::CancelToken,
}

impl Drop for BackupSlot<'_> {
    fn drop(&mut self) {
        *self.state.backup_lock() = None;
    }
}

/// Marks an import as running until it is dropped (also when the command's future is dropped).
pub struct ImportSlot<'a> {
    state: &'a AppState,
    pub cancel: CancelToken,
}

impl Drop for ImportSlot<'_> {
    fn drop(&mut self) {
        *self.state.import_lock() = None;
    }
}

impl AppState {
    /// Same defaults as the CLI: `REPOVAULT_DATA_DIR` or the user's data folder, and
    /// `DATABASE_URL`, else the URL saved in the settings, else `repovault.db` inside the folder.
    pub async fn open_from_env() -> AppState {
        let data_dir = std::env::var_os("REPOVAULT_DATA_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(repovault_storage::default_data_dir);
        let env_database_url = std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty());
        let state = AppState {
            data_dir,
            env_database_url,
            store: RwLock::new(Err(ErrorPayload { code: "starting".into(), message: "opening the store".into() })),
            import: Mutex::new(None),
            backup: Mutex::new(None),
        };
        let store = state.open_configured().await;
        *state.store_lock_mut() = store;
        state
    }

    /// The database URL in effect: the environment's, else the saved one (None = the default file).
    pub fn database_url(&self) -> Option<String> {
        self.env_database_url.clone().or_else(|| Settings::load(&self.data_dir).database_url)
    }

    /// Where the store is (the database and blob store in effect), for work that opens its own
    /// connections: backups.
    pub fn store_config(&self) -> Result<StoreConfig, ErrorPayload> {
        StoreConfig::for_data_dir(&self.data_dir, self.database_url().as_deref()).map_err(|e| e.payload())
    }

    async fn open_configured(&self) -> OpenStore {
        let store = match self.store_config() {
            Ok(config) => open_store(&config).await.map_err(|e| e.payload()),
            Err(err) => Err(err),
        };
        if let Err(err) = &store {
            tracing::error!(code = err.code, "cannot open the store: {}", err.message);
        }
        store
    }

    /// Closes the current store and opens the configured one again (after the settings changed).
    pub async fn reopen(&self) -> OpenStore {
        self.close_store("reopening the store").await;
        let store = self.open_configured().await;
        *self.store_lock_mut() = store.clone();
        store
    }

    /// Closes the store (every pooled connection); commands answer `unavailable` with `why` until
    /// `reopen`. A restore needs the database closed before it swaps the files.
    pub async fn close_store(&self, why: &str) {
        let old = std::mem::replace(
            &mut *self.store_lock_mut(),
            Err(ErrorPayload { code: "unavailable".into(), message: format!("the store is closed: {why}") }),
        );
        if let Ok(old) = old {
            old.close().await;
        }
    }

    pub fn store(&self) -> OpenStore {
        self.store.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    fn store_lock_mut(&self) -> std::sync::RwLockWriteGuard<'_, OpenStore> {
        // Only whole values are written under this lock, so a poisoned one is still consistent.
        self.store.write().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn import_lock(&self) -> MutexGuard<'_, Option<CancelToken>> {
        // A panic while holding this lock leaves nothing half-written: the value is just a token.
        self.import.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Claims the import slot, or says that another import is running.
    pub fn begin_import(&self) -> Result<ImportSlot<'_>, ErrorPayload> {
        let mut slot = self.import_lock();
        if slot.is_some() {
            return Err(ErrorPayload {
                code: "busy".into(),
                message: "another import is running; wait for it to finish or cancel it first".into(),
            });
        }
        let cancel = CancelToken::default();
        *slot = Some(cancel.clone());
        Ok(ImportSlot { state: self, cancel })
    }

    fn backup_lock(&self) -> MutexGuard<'_, Option<repovault_backup::CancelToken>> {
        self.backup.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Claims the backup slot, or says that a backup or restore is running.
    pub fn begin_backup(&self) -> Result<BackupSlot<'_>, ErrorPayload> {
        let mut slot = self.backup_lock();
        if slot.is_some() {
            return Err(ErrorPayload {
                code: "busy".into(),
                message: "a backup or restore is running; wait for it to finish or cancel it first".into(),
            });
        }
        let cancel = repovault_backup::CancelToken::new();
        *slot = Some(cancel.clone());
        Ok(BackupSlot { state: self, cancel })
    }

    /// Cancels the running backup or restore; false when none is running.
    pub fn cancel_backup(&self) -> bool {
        match self.backup_lock().as_ref() {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    /// Cancels the running import; false when none is running.
    pub fn cancel_import(&self) -> bool {
        match self.import_lock().as_ref() {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }
}
