//! Where an export is written: `PATH.partial` first, renamed to `PATH` only once everything is
//! written, so a failed or interrupted export never leaves a truncated file under the chosen name.

use std::ffi::OsString;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// `PATH.partial` beside `PATH`.
pub fn partial_path(target: &Path) -> PathBuf {
    let mut name = OsString::from(target.as_os_str());
    name.push(".partial");
    PathBuf::from(name)
}

/// An I/O error that names what was being done and to which file.
fn context(what: &str, path: &Path, err: std::io::Error) -> std::io::Error {
    std::io::Error::new(err.kind(), format!("cannot {what} {}: {err}", path.display()))
}

/// The file being written. Dropped without `finish` (an error, a panic), it removes the partial.
pub struct PartialFile {
    target: PathBuf,
    partial: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl PartialFile {
    pub fn create(target: &Path) -> std::io::Result<PartialFile> {
        let partial = partial_path(target);
        let file = File::create(&partial).map_err(|e| context("create", &partial, e))?;
        Ok(PartialFile { target: target.to_path_buf(), partial, writer: Some(BufWriter::new(file)) })
    }

    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.writer.as_mut().expect("the writer is there until finish")
    }

    /// Flushes the partial file to disk and renames it to the target (replacing it).
    pub fn finish(mut self) -> std::io::Result<()> {
        let writer = self.writer.take().expect("the writer is there until finish");
        let file = writer.into_inner().map_err(|e| context("write", &self.partial, e.into_error()))?;
        file.sync_all().map_err(|e| context("write", &self.partial, e))?;
        drop(file);
        std::fs::rename(&self.partial, &self.target).map_err(|e| context("rename the export to", &self.target, e))
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
