//! Commits to a file: every commit a query matches, as CSV, JSON or NDJSON, written beside the
//! target and renamed into place, so a failed or cancelled export leaves no half file.

use std::path::PathBuf;
use std::sync::Arc;

use repovault_export::{ExportFormat, PartialFile};
use repovault_storage::query::CommitQuery;
use repovault_storage::{ErrorCode, ErrorPayload, Store};

use crate::detached::run_detached;

/// `format` as the user typed it (`csv`, `json`, `ndjson`, any case).
pub fn parse_format(format: &str) -> Result<ExportFormat, ErrorPayload> {
    format.parse().map_err(|message: String| ErrorPayload::new(ErrorCode::Validation, message))
}

fn io_error(path: &std::path::Path, err: std::io::Error) -> ErrorPayload {
    ErrorPayload::new(ErrorCode::Io, format!("cannot write {}: {err}", path.display()))
}

/// Writes every commit matching `query` to `path`; returns how many. `progress` gets (written,
/// total) after each page.
pub async fn export_commits_to_file(
    store: Arc<dyn Store>,
    query: CommitQuery,
    format: ExportFormat,
    path: PathBuf,
    progress: impl Fn(u64, i64) + Send + Sync + 'static,
) -> Result<u64, ErrorPayload> {
    if path.as_os_str().is_empty() {
        return Err(ErrorPayload::new(ErrorCode::Validation, "invalid path: choose a file to export to"));
    }
    // The exporter writes through a `dyn Write` across awaits (not `Send`): a blocking thread.
    run_detached(move || async move {
        let mut file = PartialFile::create(&path).map_err(|e| io_error(&path, e))?;
        let written =
            repovault_export::export_commits(store.as_ref(), &query, format, file.writer(), &progress).await?;
        file.finish().map_err(|e| io_error(&path, e))?;
        Ok::<_, ErrorPayload>(written)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(parse_format("CSV").unwrap(), ExportFormat::Csv);
        assert_eq!(parse_format("json").unwrap(), ExportFormat::Json);
        assert_eq!(parse_format(" ndjson ").unwrap(), ExportFormat::Ndjson);
        let err = parse_format("xml").unwrap_err();
        assert_eq!(err.code, ErrorCode::Validation);
        assert!(err.message.contains("\"xml\""), "{}", err.message);
    }
}
