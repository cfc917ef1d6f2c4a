//! What the app holds while it runs: the open store, or the reason it could not be opened (shown
//! in the window instead of a blank screen), and the cancel token of the running import.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use repovault_ingest::CancelToken;
use repovault_storage::{open_store, ErrorPayload, Store, StoreConfig};

pub struct AppState {
    pub data_dir: PathBuf,
    pub store: Result<Arc<dyn Store>, ErrorPayload>,
    /// The import that is running, if any (one at a time).
    import: Mutex<Option<CancelToken>>,
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
    /// `DATABASE_URL` or `repovault.db` inside it.
    pub async fn open_from_env() -> AppState {
        let data_dir = std::env::var_os("REPOVAULT_DATA_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(repovault_storage::default_data_dir);
        let url = std::env::var("DATABASE_URL").ok();
        let store = match StoreConfig::for_data_dir(&data_dir, url.as_deref()) {
            Ok(config) => open_store(&config).await,
            Err(err) => Err(err),
        };
        if let Err(err) = &store {
            tracing::error!(code = err.code(), "cannot open the store: {err}");
        }
        AppState { data_dir, store: store.map_err(|e| e.payload()), import: Mutex::new(None) }
    }

    pub fn store(&self) -> Result<&Arc<dyn Store>, ErrorPayload> {
        self.store.as_ref().map_err(Clone::clone)
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
