//! Typed analysis errors with stable codes, convertible to storage's `{code, message}` payload.

use repovault_storage::{ErrorCode, ErrorPayload, StoreError};

pub type Result<T, E = AnalysisError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    /// The store answered with an error (not found, storage, …); its code is kept.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A parameter was rejected before anything ran.
    #[error("invalid {field}: {reason}")]
    Validation { field: String, reason: String },
    /// The repository folder could not be read with git at the asked revision.
    #[error("git: {0}")]
    Git(String),
    /// The repository was stored without a folder (push events), so there is nothing to read.
    #[error("{0}")]
    NoRepositoryPath(String),
    #[error("the analysis was cancelled")]
    Cancelled,
    /// A stored run ended with this error (as recorded in the run).
    #[error("{message}")]
    RunFailed { code: ErrorCode, message: String },
}

impl AnalysisError {
    pub fn validation(field: impl Into<String>, reason: impl Into<String>) -> Self {
        AnalysisError::Validation { field: field.into(), reason: reason.into() }
    }

    pub(crate) fn git(err: impl std::fmt::Display) -> Self {
        AnalysisError::Git(err.to_string())
    }

    /// A stable, machine-readable code for each kind of error.
    pub fn code(&self) -> ErrorCode {
        match self {
            AnalysisError::Store(err) => err.code(),
            AnalysisError::Validation { .. } => ErrorCode::Validation,
            AnalysisError::Git(_) => ErrorCode::Git,
            AnalysisError::NoRepositoryPath(_) => ErrorCode::NoRepositoryPath,
            AnalysisError::Cancelled => ErrorCode::Cancelled,
            AnalysisError::RunFailed { code, .. } => *code,
        }
    }

    pub fn payload(&self) -> ErrorPayload {
        ErrorPayload::new(self.code(), self.to_string())
    }
}

impl From<repovault_storage::Cancelled> for AnalysisError {
    fn from(_: repovault_storage::Cancelled) -> Self {
        AnalysisError::Cancelled
    }
}

impl From<serde_json::Error> for AnalysisError {
    fn from(err: serde_json::Error) -> Self {
        AnalysisError::Store(StoreError::Query(format!("stored analysis JSON: {err}")))
    }
}

impl From<AnalysisError> for ErrorPayload {
    fn from(err: AnalysisError) -> Self {
        err.payload()
    }
}
