//! What the app holds while it runs: the open store (or the reason it could not be opened, shown
//! in the window instead of a blank screen), the settings it was opened with, and the long work
//! that is running (see `Exclusive`). The store can be swapped (a new database URL, a restore).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use repovault_storage::{open_store, CancelToken, ErrorPayload, Store, StoreConfig};

use crate::exclusive::Exclusive;
use crate::settings::Settings;

type OpenStore = Result<Arc<dyn Store>, ErrorPayload>;

pub struct AppState {
    pub data_dir: PathBuf,
    /// `DATABASE_URL` from the environment, which wins over the settings file.
    pub env_database_url: Option<String>,
    store: RwLock<OpenStore>,
    pub import: Exclusive<CancelToken>,
    /// A backup, a restore or a scheduled run.
    pub backup: Exclusive<CancelToken>,
    pub analysis: Exclusive<CancelToken>,
    /// Wakes the background mirror drainer (a mirror was just enabled).
    pub mirror_wake: Arc<tokio::sync::Notify>,
    /// The open store is the team mirror, read-only, because the primary could not be opened.
    mirror_fallback: AtomicBool,
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
            store: RwLock::new(Err(ErrorPayload {
                code: repovault_storage::ErrorCode::Starting,
                message: "opening the store".into(),
            })),
            import: Exclusive::new("an import"),
            backup: Exclusive::new("a backup or restore"),
            analysis: Exclusive::new("an analysis"),
            mirror_wake: Arc::new(tokio::sync::Notify::new()),
            mirror_fallback: AtomicBool::new(false),
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
        StoreConfig::for_data_dir(&self.data_dir, self.database_url().as_deref()).map_err(ErrorPayload::from)
    }

    async fn open_configured(&self) -> OpenStore {
        let store = match self.store_config() {
            Ok(config) if self.primary_missing(&config) => Err(ErrorPayload {
                code: repovault_storage::ErrorCode::Unavailable,
                message: format!(
                    "the database file {} is missing; the team mirror can be opened read-only",
                    match &config.database {
                        repovault_storage::DatabaseLocation::Sqlite(path) => path.display().to_string(),
                        repovault_storage::DatabaseLocation::Postgres(url) => url.clone(),
                    }
                ),
            }),
            Ok(config) => open_store(&config).await.map_err(ErrorPayload::from),
            Err(err) => Err(err),
        };
        if let Err(err) = &store {
            tracing::error!(code = err.code.as_str(), "cannot open the store: {}", err.message);
        }
        store
    }

    /// A mirror is configured and the primary's SQLite file is gone: opening would quietly make
    /// an empty store, so the window offers the mirror instead.
    fn primary_missing(&self, config: &StoreConfig) -> bool {
        match &config.database {
            repovault_storage::DatabaseLocation::Sqlite(path) => {
                !path.exists() && Settings::load(&self.data_dir).mirror_url.is_some()
            }
            repovault_storage::DatabaseLocation::Postgres(_) => false,
        }
    }

    pub fn is_mirror_fallback(&self) -> bool {
        self.mirror_fallback.load(Ordering::SeqCst)
    }

    /// Shows the team mirror (opened read-only) in place of a primary that could not be opened.
    pub fn replace_with_mirror(&self, mirror: Arc<dyn Store>) {
        *self.store_lock_mut() = Ok(mirror);
        self.mirror_fallback.store(true, Ordering::SeqCst);
    }

    /// Closes the current store and opens the configured one again (after the settings changed).
    pub async fn reopen(&self) -> OpenStore {
        self.close_store("reopening the store").await;
        self.mirror_fallback.store(false, Ordering::SeqCst);
        let store = self.open_configured().await;
        *self.store_lock_mut() = store.clone();
        store
    }

    /// Closes the store (every pooled connection); commands answer `unavailable` with `why` until
    /// `reopen`. A restore needs the database closed before it swaps the files.
    pub async fn close_store(&self, why: &str) {
        let old = std::mem::replace(
            &mut *self.store_lock_mut(),
            Err(ErrorPayload {
                code: repovault_storage::ErrorCode::Unavailable,
                message: format!("the store is closed: {why}"),
            }),
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
}
