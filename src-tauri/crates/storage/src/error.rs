//! Typed storage errors with stable codes. The UI and the CLI show `message`; programs match `code`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Every error code RepoVault reports, from any layer: storage, import, analysis, backup, the app
/// shell and the CLI. Each crate's error maps its variants onto these; the UI's `ErrorCode` type
/// is generated from this enum (a union of the snake_case names), so it switches on them safely.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    /// Input was rejected before anything ran or was written.
    Validation,
    NotFound,
    AmbiguousPrefix,
    Duplicate,
    /// The database or backup is from a newer RepoVault.
    SchemaTooNew,
    /// A bad database URL, folder or setting.
    Config,
    /// The database or blob store failed underneath.
    Storage,
    /// A query or stored value could not be understood.
    Query,
    Cancelled,
    /// The folder is not a git repository.
    NotARepository,
    /// git could not read the repository.
    Git,
    /// The repository was stored without a folder (push events), so its files cannot be read.
    NoRepositoryPath,
    BackupDamaged,
    /// An archive that tries something no backup does (`..`, symlinks, a bomb).
    BackupRefused,
    WrongPassword,
    PasswordRequired,
    /// No destination could take a backup, or the backup before an import failed.
    BackupFailed,
    /// A file could not be read or written.
    Io,
    /// The store is still being opened (the app's first moments).
    Starting,
    /// The store is closed (a restore or a change of database is under way) or could not be opened.
    Unavailable,
    /// Another piece of long work of the same kind is running.
    Busy,
    Timeout,
    /// A repository URL names nothing there (no such repository on a server that answered).
    RemoteNotFound,
    /// A repository's server could not be reached (refused, unknown host, no route).
    Unreachable,
    /// The server refused the credentials (or asked for some and none were found).
    AuthFailed,
    /// A clone or fetch broke off midway (the server went away, the stream ended early).
    TransferFailed,
    /// A bug or a worker that stopped unexpectedly.
    Internal,
    /// A failure that came without a code of its own (the UI's name for a bare rejection).
    Unknown,
}

impl ErrorCode {
    /// The code as its snake_case name (what `--json` prints and the UI receives).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Validation => "validation",
            ErrorCode::NotFound => "not_found",
            ErrorCode::AmbiguousPrefix => "ambiguous_prefix",
            ErrorCode::Duplicate => "duplicate",
            ErrorCode::SchemaTooNew => "schema_too_new",
            ErrorCode::Config => "config",
            ErrorCode::Storage => "storage",
            ErrorCode::Query => "query",
            ErrorCode::Cancelled => "cancelled",
            ErrorCode::NotARepository => "not_a_repository",
            ErrorCode::Git => "git",
            ErrorCode::NoRepositoryPath => "no_repository_path",
            ErrorCode::BackupDamaged => "backup_damaged",
            ErrorCode::BackupRefused => "backup_refused",
            ErrorCode::WrongPassword => "wrong_password",
            ErrorCode::PasswordRequired => "password_required",
            ErrorCode::BackupFailed => "backup_failed",
            ErrorCode::Io => "io",
            ErrorCode::Starting => "starting",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::Busy => "busy",
            ErrorCode::Timeout => "timeout",
            ErrorCode::RemoteNotFound => "remote_not_found",
            ErrorCode::Unreachable => "unreachable",
            ErrorCode::AuthFailed => "auth_failed",
            ErrorCode::TransferFailed => "transfer_failed",
            ErrorCode::Internal => "internal",
            ErrorCode::Unknown => "unknown",
        }
    }

    /// A code by its name (a stored run's error code); an unknown name is `Internal`.
    pub fn parse(name: &str) -> ErrorCode {
        serde_json::from_value(serde_json::Value::String(name.to_string())).unwrap_or(ErrorCode::Internal)
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

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
    /// The work was cancelled before it finished; nothing of it was kept.
    #[error("cancelled")]
    Cancelled,
}

impl From<crate::cancel::Cancelled> for StoreError {
    fn from(_: crate::cancel::Cancelled) -> Self {
        StoreError::Cancelled
    }
}

impl StoreError {
    pub fn validation(field: impl Into<String>, reason: impl Into<String>) -> Self {
        StoreError::Validation { field: field.into(), reason: reason.into() }
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        StoreError::NotFound { what: what.into() }
    }

    /// A stable, machine-readable code for each kind of error.
    pub fn code(&self) -> ErrorCode {
        match self {
            StoreError::Validation { .. } => ErrorCode::Validation,
            StoreError::NotFound { .. } => ErrorCode::NotFound,
            StoreError::AmbiguousPrefix { .. } => ErrorCode::AmbiguousPrefix,
            StoreError::Duplicate(_) => ErrorCode::Duplicate,
            StoreError::SchemaTooNew { .. } => ErrorCode::SchemaTooNew,
            StoreError::Config(_) => ErrorCode::Config,
            StoreError::Storage(_) => ErrorCode::Storage,
            StoreError::Query(_) => ErrorCode::Query,
            StoreError::Cancelled => ErrorCode::Cancelled,
        }
    }

    pub fn payload(&self) -> ErrorPayload {
        ErrorPayload::new(self.code(), self.to_string())
    }
}

/// How an error travels to the UI: `{code, message}`.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ErrorPayload {
    pub code: ErrorCode,
    pub message: String,
}

impl ErrorPayload {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ErrorPayload {
        ErrorPayload { code, message: message.into() }
    }
}

impl From<StoreError> for ErrorPayload {
    fn from(err: StoreError) -> Self {
        err.payload()
    }
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
