//! Where an export is written: `PATH.partial` first, renamed to `PATH` only once everything is
//! written, so a failed or interrupted export never leaves a truncated file under the chosen name.

use std::ffi::OsString;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use repovault_export::ExportFormat;
use repovault_storage::ErrorPayload;

/// `csv`, `json` or `ndjson` (any case).
pub fn parse_format(format: &str) -> Result<ExportFormat, ErrorPayload> {
    match format.trim().to_ascii_lowercase().as_str() {
        "csv" => Ok(ExportFormat::Csv),
        "json" => Ok(ExportFormat::Json),
        "ndjson" => Ok(ExportFormat::Ndjson),
        other => Err(ErrorPayload {
            code: "validation".into(),
            message: format!("invalid format: {other:?} is not csv, json or ndjson"),
        }),
    }
}

/// `PATH.partial` beside `PATH`.
pub fn partial_path(target: &Path) -> PathBuf {
    let mut name = OsString::from(target.as_os_str());
    name.push(".partial");
    PathBuf::from(name)
}

fn io_error(what: &str, path: &Path, err: std::io::Error) -> ErrorPayload {
    ErrorPayload { code: "io".into(), message: format!("cannot {what} {}: {err}", path.display()) }
}

/// The file being written. Dropped without `finish` (an error, a panic), it removes the partial.
pub struct PartialFile {
    target: PathBuf,
    partial: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl PartialFile {
    pub fn create(target: &Path) -> Result<PartialFile, ErrorPayload> {
        let partial = partial_path(target);
        let file = File::create(&partial).map_err(|e| io_error("create", &partial, e))?;
        Ok(PartialFile { target: target.to_path_buf(), partial, writer: Some(BufWriter::new(file)) })
    }

    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.writer.as_mut().expect("the writer is there until finish")
    }

    /// Flushes the partial file to disk and renames it to the target (replacing it).
    pub fn finish(mut self) -> Result<(), ErrorPayload> {
        let writer = self.writer.take().expect("the writer is there until finish");
        let file = writer.into_inner().map_err(|e| io_error("write", &self.partial, e.into_error()))?;
        file.sync_all().map_err(|e| io_error("write", &self.partial, e))?;
        drop(file);
        std::fs::rename(&self.partial, &self.target).map_err(|e| io_error("rename the export to", &self.target, e))
    }
}

impl Drop for PartialFile {
    fn drop(&mut self) {
        // After a successful rename the partial is gone and this does nothing.
        if let Some(mut writer) = self.writer.take() {
            let _ = writer.flush();
        }
        let _ = std::fs::remove_file(&self.partial);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("repovault-export-file-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn formats() {
        assert_eq!(parse_format("CSV").unwrap(), ExportFormat::Csv);
        assert_eq!(parse_format("json").unwrap(), ExportFormat::Json);
        assert_eq!(parse_format(" ndjson ").unwrap(), ExportFormat::Ndjson);
        assert_eq!(parse_format("xml").unwrap_err().code, "validation");
    }

    #[test]
    fn finish_renames_the_partial() {
        let dir = scratch("ok");
        let target = dir.join("out.csv");
        std::fs::write(&target, "old").unwrap();
        let mut file = PartialFile::create(&target).unwrap();
        file.writer().write_all(b"a,b\n").unwrap();
        assert!(dir.join("out.csv.partial").exists());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old", "the target is untouched while writing");
        file.finish().unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "a,b\n");
        assert!(!dir.join("out.csv.partial").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn dropping_removes_the_partial() {
        let dir = scratch("drop");
        let target = dir.join("out.json");
        let mut file = PartialFile::create(&target).unwrap();
        file.writer().write_all(b"[").unwrap();
        drop(file);
        assert!(!dir.join("out.json.partial").exists());
        assert!(!target.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_folder_is_an_io_error() {
        let dir = scratch("missing");
        let err = PartialFile::create(&dir.join("no/such/dir/out.csv")).err().unwrap();
        assert_eq!(err.code, "io");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
