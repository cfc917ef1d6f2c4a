//! Typed storage errors with stable codes. The UI and the CLI show `message`; programs match `code`.

use serde::Serialize;
use ts_rs::TS;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Input was rejected before anything was written.
    #[error("invalid {field}: {reason}")]
    Validation { field: String, reason: String },
    #[error("{what} not found")]
    NotFound { what: String },
    #[error("hash prefix {prefix} is ambiguous; it matches {}", candidates.join(", "))]
    AmbiguousPrefix { prefix: String, candidates: Vec<String> },
    #[error("{0}")]
    Duplicate(String),
    #[error(
        "the database has schema version {found}, newer than this RepoVault supports (up to {supported}); \
         upgrade RepoVault to open it — nothing was changed"
    )]
    SchemaTooNew { found: i64, supported: i64 },
    #[error("bad configuration: {0}")]
    Config(String),
    /// The database or blob store failed underneath us.
    #[error("storage error: {0}")]
    Storage(String),
    /// A stored value could not be read back as expected.
    #[error("query error: {0}")]
    Query(String),
}

impl StoreError {
    pub fn validation(field: impl Into<String>, reason: impl Into<String>) -> Self {
        StoreError::Validation { field: field.into(), reason: reason.into() }
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        StoreError::NotFound { what: what.into() }
    }

    /// A stable, machine-readable code for each kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Validation { .. } => "validation",
            StoreError::NotFound { .. } => "not_found",
            StoreError::AmbiguousPrefix { .. } => "ambiguous_prefix",
            StoreError::Duplicate(_) => "duplicate",
            StoreError::SchemaTooNew { .. } => "schema_too_new",
            StoreError::Config(_) => "config",
            StoreError::Storage(_) => "storage",
            StoreError::Query(_) => "query",
        }
    }

    pub fn payload(&self) -> ErrorPayload {
        ErrorPayload { code: self.code().to_string(), message: self.to_string() }
    }
}

/// How an error travels to the UI: `{code, message}`.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ErrorPayload {
    pub code: String,
    pub message: String,
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::ColumnDecode { .. } | sqlx::Error::ColumnNotFound(_) | sqlx::Error::Decode(_) => {
                StoreError::Query(err.to_string())
            }
            sqlx::Error::RowNotFound => StoreError::not_found("row"),
            other => StoreError::Storage(other.to_string()),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(err: sqlx::migrate::MigrateError) -> Self {
        StoreError::Storage(format!("migration failed: {err}"))
    }
}

impl From<object_store::Error> for StoreError {
    fn from(err: object_store::Error) -> Self {
        StoreError::Storage(format!("blob store: {err}"))
    }
}

impl From<std::io::Error> for StoreError {
    fn from(err: std::io::Error) -> Self {
        StoreError::Storage(err.to_string())
    }
}
