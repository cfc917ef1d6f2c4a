//! Checkpoints an import's write-ahead log on a thread of its own while the import goes on.
//!
//! In WAL mode every page an import writes goes to the `-wal` file first and a checkpoint copies
//! it into the database, then `fsync`s both files. SQLite runs that checkpoint in the connection
//! that commits past `wal_autocheckpoint` or in the one that closes last: either way on the
//! import's critical path, the diff workers done or waiting (pallets/flask: closing the store took
//! 110-128 ms, 73 ms of it waiting for the disk). After a load transaction commits
//! (`CommitLoad::commit_and_checkpoint`), a passive checkpoint on another connection copies what
//! it committed while the writer goes on with the next one, so closing the store finds little
//! left (flask: 0-25 ms).
//!
//! The load's connection keeps its own `wal_autocheckpoint`: a checkpoint that runs beside a
//! writer never lets the WAL start over (that needs every frame copied when a write transaction
//! begins), so on a long import the writer's own checkpoint, which then finds most pages copied
//! already, is what keeps the file's size bounded.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};

/// One store file's checkpointer: at most one thread at a time, which runs passes until no commit
/// asked for another.
#[derive(Default)]
struct Checkpointer {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Set by `request` when it starts the thread, cleared by the thread when it ends.
    running: bool,
    /// A commit came while a pass was running: run one more after it.
    again: bool,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panicking pass leaves nothing half-done in the state: keep using it.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The checkpointers of the store files this process writes, by path.
fn checkpointers() -> std::sync::MutexGuard<'static, HashMap<PathBuf, Arc<Checkpointer>>> {
    static ALL: OnceLock<Mutex<HashMap<PathBuf, Arc<Checkpointer>>>> = OnceLock::new();
    ALL.get_or_init(Default::default).lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Asks for a passive checkpoint of `path`'s WAL (after a commit); returns at once.
pub(crate) fn request(path: &Path) {
    let checkpointer = checkpointers().entry(path.to_path_buf()).or_default().clone();
    let mut state = checkpointer.state();
    if state.running {
        state.again = true;
        return;
    }
    if let Some(ended) = state.thread.take() {
        let _ = ended.join();
    }
    let (path, shared) = (path.to_path_buf(), checkpointer.clone());
    match std::thread::Builder::new().name("wal-checkpoint".into()).spawn(move || run(&path, &shared)) {
        Ok(thread) => {
            state.running = true;
            state.thread = Some(thread);
        }
        // Without the thread the store's own checkpoints (at `wal_autocheckpoint`, on close) remain.
        Err(err) => tracing::debug!(%err, "cannot start a checkpoint thread"),
    }
}

/// Waits for `path`'s checkpoint thread if one runs: before the store closes, so the process does
/// not end in the middle of a pass and the store's last connection does what is left.
pub(crate) fn wait(path: &Path) {
    let checkpointer = checkpointers().remove(path);
    let thread = checkpointer.and_then(|checkpointer| checkpointer.state().thread.take());
    if let Some(thread) = thread {
        let _ = thread.join();
    }
}

fn run(path: &Path, checkpointer: &Checkpointer) {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let opened = Connection::open_with_flags(path, flags).and_then(|conn| {
        conn.busy_timeout(Duration::from_secs(10))?;
        Ok(conn)
    });
    let conn = match opened {
        Ok(conn) => conn,
        Err(err) => {
            tracing::debug!(%err, "the checkpoint thread cannot open the store");
            checkpointer.state().running = false;
            return;
        }
    };
    loop {
        let started = Instant::now();
        // Passive: copies what no reader still needs, never waits for the writer or readers.
        let outcome = conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| Ok((row.get::<_, i64>(1)?, row.get::<_, i64>(2)?)));
        match outcome {
            Ok((frames, copied)) => tracing::debug!(frames, copied, took = ?started.elapsed(), "background checkpoint"),
            Err(err) => tracing::debug!(%err, "background checkpoint"),
        }
        // Under one lock with the request's check, so no request lands on a thread that stops.
        let mut state = checkpointer.state();
        if !std::mem::take(&mut state.again) {
            state.running = false;
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store file whose WAL holds committed pages the database file does not have yet: written
    /// with checkpoints off, by a connection kept open (a last connection closing would copy them).
    fn file_with_uncopied_wal(dir: &Path) -> (PathBuf, Connection) {
        let path = dir.join("store.db");
        let writer = Connection::open(&path).unwrap();
        writer
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; CREATE TABLE t (x BLOB);
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
                 INSERT INTO t SELECT randomblob(1000) FROM n;",
            )
            .unwrap();
        (path, writer)
    }

    fn database_bytes(path: &Path) -> u64 {
        std::fs::metadata(path).unwrap().len()
    }

    #[test]
    fn a_request_copies_the_committed_pages_into_the_database_file() {
        let dir = tempfile::tempdir().unwrap();
        let (path, _writer) = file_with_uncopied_wal(dir.path());
        // Nothing copied yet: 2,000 rows of 1,000 bytes are all in the WAL.
        assert!(database_bytes(&path) < 100_000, "{} bytes before", database_bytes(&path));
        request(&path);
        wait(&path);
        assert!(database_bytes(&path) > 2_000_000, "{} bytes after", database_bytes(&path));
        // The thread ended and the path was forgotten; a later request starts a new one.
        assert!(!checkpointers().contains_key(&path));
    }

    #[test]
    fn requests_during_a_pass_run_another_pass_and_end_the_thread() {
        let dir = tempfile::tempdir().unwrap();
        let (path, writer) = file_with_uncopied_wal(dir.path());
        request(&path);
        // More committed while the first pass may still run: copied by that pass or by the one
        // this request asks for, never left behind.
        writer
            .execute_batch(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
                 INSERT INTO t SELECT randomblob(1000) FROM n;",
            )
            .unwrap();
        request(&path);
        wait(&path);
        assert!(database_bytes(&path) > 4_000_000, "{} bytes after", database_bytes(&path));
        let (frames, copied): (i64, i64) =
            writer.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| Ok((row.get(1)?, row.get(2)?))).unwrap();
        assert_eq!(frames, copied);
    }
}
