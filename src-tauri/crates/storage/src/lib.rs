//! RepoVault's storage core: the `Store` contract and its SQLite and PostgreSQL implementations,
//! diff storage (gzip in the database, large diffs in a blob store), validation and typed errors.
//! Nothing here depends on Tauri.

pub mod analysis_runs;
pub mod blob;
mod bulk_read;
pub mod cancel;
mod change_grams;
pub mod consistency;
pub mod error;
pub mod graph;
pub mod history;
pub mod mirror;
pub mod model;
pub mod postgres;
pub mod progress;
pub mod push_event;
pub mod query;
pub mod remotes;
pub mod schedules;
pub mod schema;
pub mod search_index;
pub mod search_text;
pub mod snapshot;
mod sql;
pub mod sqlite;
mod sqlite_checkpoint;
mod sqlite_load;
pub mod store;
pub mod team;
pub mod testing;
pub mod validate;
pub mod workspaces;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use analysis_runs::{AnalysisRunRow, AnalysisRunStore, FinishedAnalysisRun, NewAnalysisRun};
pub use blob::{BlobConfig, BlobStore, INLINE_DIFF_LIMIT};
pub use cancel::{CancelToken, Cancelled};
pub use change_grams::GramScratch;
pub use error::{ErrorCode, ErrorPayload, Result, StoreError};
pub use graph::{GraphPage, GraphRow, HistoryGraph, PathChange};
pub use history::{HistoryFilter, HistoryScope, HistoryStats};
pub use model::*;
pub use progress::Progress;
pub use remotes::RemoteSync;
pub use schedules::{ScheduleRow, ScheduleRunRecord, ScheduleStore};
pub use search_index::SearchIndex;
pub use store::{CommitBatchItem, CommitLoad, Store};
pub use team::{TeamAccess, TeamGrant, TeamStatus};
pub use workspaces::{Workspace, WorkspaceCount, WorkspaceDeletion, WorkspaceStore, DEFAULT_WORKSPACE};

/// Where the database is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseLocation {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseLocation {
    /// `sqlite://PATH`, `sqlite:PATH`, `postgres://…` or `postgresql://…`.
    pub fn parse(url: &str) -> Result<DatabaseLocation> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(DatabaseLocation::Postgres(url.to_string()))
        } else if url.starts_with("sqlite:") {
            sqlite::SqliteStore::path_from_url(url).map(DatabaseLocation::Sqlite)
        } else {
            Err(StoreError::Config(format!(
                "unsupported database URL {:?}: use sqlite://PATH or postgres://USER@HOST/DB",
                postgres::redact_password(url)
            )))
        }
    }
}

/// Everything needed to open a store.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    pub database: DatabaseLocation,
    pub blobs: BlobConfig,
    /// Apply pending migrations on open (everything but `migrate --status` wants this).
    pub apply_migrations: bool,
}

impl StoreConfig {
    /// The defaults for a data folder: `repovault.db` and `blobs/` inside it, unless a database URL
    /// or an S3 bucket (`REPOVAULT_S3_BUCKET`) says otherwise.
    pub fn for_data_dir(data_dir: &Path, database_url: Option<&str>) -> Result<StoreConfig> {
        let database = match database_url.filter(|u| !u.is_empty()) {
            Some(url) => DatabaseLocation::parse(url)?,
            None => DatabaseLocation::Sqlite(data_dir.join("repovault.db")),
        };
        Ok(StoreConfig {
            database,
            blobs: BlobConfig::from_env_or_local(data_dir.join("blobs")),
            apply_migrations: true,
        })
    }
}

/// The user's data folder for RepoVault (for example `~/.local/share/repovault` on Linux).
pub fn default_data_dir() -> PathBuf {
    dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("repovault")
}

pub async fn open_store(config: &StoreConfig) -> Result<Arc<dyn Store>> {
    let blobs = BlobStore::open(&config.blobs)?;
    Ok(match &config.database {
        DatabaseLocation::Sqlite(path) => {
            Arc::new(sqlite::SqliteStore::open(path, blobs, config.apply_migrations).await?)
        }
        DatabaseLocation::Postgres(url) => {
            Arc::new(postgres::PgStore::open(url, blobs, config.apply_migrations).await?)
        }
    })
}
