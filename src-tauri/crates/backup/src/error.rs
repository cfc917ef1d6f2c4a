//! Typed backup errors with stable codes; they turn into the storage crate's `{code, message}`
//! payload so the app and the CLI show them like any other error.

use repovault_storage::{ErrorCode, ErrorPayload, StoreError};

pub type Result<T, E = BackupError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The archive is not a RepoVault backup we can trust: bad checksum, unexpected entry, bad manifest.
    #[error("the backup {file} is damaged: {reason}")]
    Damaged { file: String, reason: String },
    /// The archive tries something no backup we write does: `..`, an absolute path, a symlink, a bomb.
    #[error("the backup {file} was refused: {reason}")]
    Hostile { file: String, reason: String },
    #[error(
        "the backup has schema version {found}, newer than this RepoVault supports (up to {supported}); \
         upgrade RepoVault to restore it — nothing was changed"
    )]
    SchemaTooNew { found: i64, supported: i64 },
    #[error("the password does not open this backup")]
    WrongPassword,
    #[error("this backup is encrypted; a password is needed")]
    PasswordRequired,
    #[error("the backup was cancelled; nothing was kept")]
    Cancelled,
    #[error("{what} not found")]
    NotFound { what: String },
    #[error("invalid {field}: {reason}")]
    Validation { field: String, reason: String },
    /// Every enabled destination failed (one failing destination alone is reported, not raised).
    #[error("no destination could take the backup: {0}")]
    AllDestinationsFailed(String),
    #[error(transparent)]
    Store(StoreError),
    #[error("file error: {0}")]
    Io(String),
}

impl BackupError {
    pub fn validation(field: impl Into<String>, reason: impl Into<String>) -> Self {
        BackupError::Validation { field: field.into(), reason: reason.into() }
    }

    pub fn damaged(file: impl std::fmt::Display, reason: impl Into<String>) -> Self {
        BackupError::Damaged { file: file.to_string(), reason: reason.into() }
    }

    pub fn hostile(file: impl std::fmt::Display, reason: impl Into<String>) -> Self {
        BackupError::Hostile { file: file.to_string(), reason: reason.into() }
    }

    /// A stable, machine-readable code for each kind of error.
    pub fn code(&self) -> ErrorCode {
        match self {
            BackupError::Damaged { .. } => ErrorCode::BackupDamaged,
            BackupError::Hostile { .. } => ErrorCode::BackupRefused,
            BackupError::SchemaTooNew { .. } => ErrorCode::SchemaTooNew,
            BackupError::WrongPassword => ErrorCode::WrongPassword,
            BackupError::PasswordRequired => ErrorCode::PasswordRequired,
            BackupError::Cancelled => ErrorCode::Cancelled,
            BackupError::NotFound { .. } => ErrorCode::NotFound,
            BackupError::Validation { .. } => ErrorCode::Validation,
            BackupError::AllDestinationsFailed(_) => ErrorCode::BackupFailed,
            BackupError::Store(err) => err.code(),
            BackupError::Io(_) => ErrorCode::Io,
        }
    }

    pub fn payload(&self) -> ErrorPayload {
        ErrorPayload::new(self.code(), self.to_string())
    }
}

impl From<BackupError> for ErrorPayload {
    fn from(err: BackupError) -> Self {
        err.payload()
    }
}

impl From<std::io::Error> for BackupError {
    fn from(err: std::io::Error) -> Self {
        BackupError::Io(err.to_string())
    }
}

/// A cancellation below (a snapshot's statement, the portable copy) is the backup's own.
impl From<StoreError> for BackupError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Cancelled => BackupError::Cancelled,
            other => BackupError::Store(other),
        }
    }
}

impl From<repovault_storage::Cancelled> for BackupError {
    fn from(_: repovault_storage::Cancelled) -> Self {
        BackupError::Cancelled
    }
}

/// Adds the path to an I/O error, so a message says which file failed.
pub(crate) fn io_at(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |err| BackupError::Io(format!("{}: {err}", path.display()))
}
