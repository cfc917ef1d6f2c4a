//! Typed analysis errors with stable codes, convertible to storage's `{code, message}` payload.

use repovault_storage::{ErrorPayload, StoreError};

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
    RunFailed { code: String, message: String },
}

impl AnalysisError {
    pub fn validation(field: impl Into<String>, reason: impl Into<String>) -> Self {
        AnalysisError::Validation { field: field.into(), reason: reason.into() }
    }

    pub(crate) fn git(err: impl std::fmt::Display) -> Self {
        AnalysisError::Git(err.to_string())
    }

    /// A stable, machine-readable code for each kind of error.
    pub fn code(&self) -> &str {
        match self {
            AnalysisError::Store(err) => err.code(),
            AnalysisError::Validation { .. } => "validation",
            AnalysisError::Git(_) => "git",
            AnalysisError::NoRepositoryPath(_) => "no_repository_path",
            AnalysisError::Cancelled => "cancelled",
            AnalysisError::RunFailed { code, .. } => code,
        }
    }

    pub fn payload(&self) -> ErrorPayload {
        ErrorPayload { code: self.code().to_string(), message: self.to_string() }
    }
}

impl From<sqlx::Error> for AnalysisError {
    fn from(err: sqlx::Error) -> Self {
        AnalysisError::Store(err.into())
    }
}

impl From<serde_json::Error> for AnalysisError {
    fn from(err: serde_json::Error) -> Self {
        AnalysisError::Store(StoreError::Query(format!("stored analysis JSON: {err}")))
    }
}
