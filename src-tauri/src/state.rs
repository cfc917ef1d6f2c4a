//! What the app holds while it runs: the open store, or the reason it could not be opened (shown
//! in the window instead of a blank screen).

use std::path::PathBuf;
use std::sync::Arc;

use repovault_storage::{open_store, ErrorPayload, Store, StoreConfig};

pub struct AppState {
    pub data_dir: PathBuf,
    pub store: Result<Arc<dyn Store>, ErrorPayload>,
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
        AppState { data_dir, store: store.map_err(|e| e.payload()) }
    }

    pub fn store(&self) -> Result<&Arc<dyn Store>, ErrorPayload> {
        self.store.as_ref().map_err(Clone::clone)
    }
}
