//! The app's side of writing a result table to a file: I/O errors as
//! `{code: "io", message}`. The partial-then-rename file itself is `repovault_export::PartialFile`.

use std::path::Path;

use repovault_export::PartialFile;
use repovault_storage::ErrorPayload;

fn io_error(err: std::io::Error) -> ErrorPayload {
    ErrorPayload { code: repovault_storage::ErrorCode::Io, message: err.to_string() }
}

/// Starts writing `target` through `PATH.partial` (see `repovault_export::PartialFile`).
pub fn create(target: &Path) -> Result<PartialFile, ErrorPayload> {
    PartialFile::create(target).map_err(io_error)
}

pub fn finish(file: PartialFile) -> Result<(), ErrorPayload> {
    file.finish().map_err(io_error)
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::path::PathBuf;

    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("repovault-export-file-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn finish_renames_the_partial() {
        let dir = scratch("ok");
        let target = dir.join("out.csv");
        std::fs::write(&target, "old").unwrap();
        let mut file = create(&target).unwrap();
        file.writer().write_all(b"a,b\n").unwrap();
        assert!(dir.join("out.csv.partial").exists());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old", "the target is untouched while writing");
        finish(file).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "a,b\n");
        assert!(!dir.join("out.csv.partial").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn dropping_removes_the_partial() {
        let dir = scratch("drop");
        let target = dir.join("out.json");
        let mut file = create(&target).unwrap();
        file.writer().write_all(b"[").unwrap();
        drop(file);
        assert!(!dir.join("out.json.partial").exists());
        assert!(!target.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_folder_is_an_io_error() {
        let dir = scratch("missing");
        let err = create(&dir.join("no/such/dir/out.csv")).err().unwrap();
        assert_eq!(err.code, "io");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
