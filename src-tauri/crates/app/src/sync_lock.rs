//! One sync of a repository at a time, across the app's background sync, its import button and a
//! `repovault-cli sync --watch` running beside it: an advisory lock on a file per repository in
//! the data folder, released when dropped (also when the process dies).

use std::fs::{File, TryLockError};
use std::path::Path;

use repovault_storage::{ErrorCode, ErrorPayload};

pub struct SyncLock {
    _file: File,
}

impl SyncLock {
    /// Takes the lock of repository `name`, or answers `busy` when another sync of it holds it.
    pub fn acquire(data_dir: &Path, name: &str) -> Result<SyncLock, ErrorPayload> {
        let dir = data_dir.join("locks");
        let io = |e: std::io::Error| ErrorPayload::new(ErrorCode::Io, format!("cannot lock {name} for a sync: {e}"));
        std::fs::create_dir_all(&dir).map_err(io)?;
        let safe: String =
            name.chars().map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '_' }).collect();
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(format!("{safe}.sync.lock")))
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => Ok(SyncLock { _file: file }),
            Err(TryLockError::WouldBlock) => Err(ErrorPayload::new(
                ErrorCode::Busy,
                format!("a sync of {name} is running; it was not started twice"),
            )),
            Err(TryLockError::Error(e)) => Err(io(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_sync_of_one_repository_is_busy_until_the_first_ends() {
        let dir = tempfile::tempdir().unwrap();
        let first = SyncLock::acquire(dir.path(), "demo").unwrap();
        assert_eq!(SyncLock::acquire(dir.path(), "demo").err().unwrap().code, ErrorCode::Busy);
        let other = SyncLock::acquire(dir.path(), "other").expect("other repositories sync meanwhile");
        drop(first);
        SyncLock::acquire(dir.path(), "demo").expect("free again");
        drop(other);
    }
}
