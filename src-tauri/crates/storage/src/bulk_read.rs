//! Bulk reads of a SQLite file with rusqlite on a blocking thread, for the code that reads every
//! row of a store (a store copy's source, the canonical digests of a check). Through sqlx every
//! row crosses from its worker thread to the task by a channel, one futex wake-up each; read
//! here, a row costs one step of the statement and the results cross in batches.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::error::{Result, StoreError};

/// A read-only connection to the SQLite file at `path` (an error when it is missing).
pub(crate) fn open(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags).map_err(error)?;
    conn.busy_timeout(Duration::from_secs(30)).map_err(error)?;
    Ok(conn)
}

pub(crate) fn error(err: rusqlite::Error) -> StoreError {
    StoreError::Storage(format!("reading the SQLite database: {err}"))
}
