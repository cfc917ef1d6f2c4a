use repovault_storage::{ErrorCode, ErrorPayload, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{path} is not a git repository: {reason}")]
    NotARepository { path: String, reason: String },
    /// Reading git data failed; the message names the object or ref.
    #[error("git: {0}")]
    Git(String),
    #[error("the import was cancelled; everything stored so far is kept and the next run resumes")]
    Cancelled,
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The caller's hook before the first write refused (e.g. its backup failed); nothing was
    /// written. Keeps the hook's code and message.
    #[error("{}", .0.message)]
    Stopped(ErrorPayload),
    /// A clone or fetch failed: no such repository, an unreachable server, refused credentials,
    /// a transfer broken off. The message names the URL (without its password) and the cause.
    #[error("{message}")]
    Remote { code: ErrorCode, message: String },
}

impl IngestError {
    pub fn code(&self) -> ErrorCode {
        match self {
            IngestError::NotARepository { .. } => ErrorCode::NotARepository,
            IngestError::Git(_) => ErrorCode::Git,
            IngestError::Cancelled => ErrorCode::Cancelled,
            IngestError::Store(err) => err.code(),
            IngestError::Stopped(payload) => payload.code,
            IngestError::Remote { code, .. } => *code,
        }
    }

    pub fn payload(&self) -> ErrorPayload {
        ErrorPayload::new(self.code(), self.to_string())
    }

    pub(crate) fn git(context: impl std::fmt::Display, err: impl std::fmt::Display) -> IngestError {
        IngestError::Git(format!("{context}: {err}"))
    }
}

impl From<IngestError> for ErrorPayload {
    fn from(err: IngestError) -> Self {
        err.payload()
    }
}

impl From<repovault_storage::Cancelled> for IngestError {
    fn from(_: repovault_storage::Cancelled) -> Self {
        IngestError::Cancelled
    }
}
