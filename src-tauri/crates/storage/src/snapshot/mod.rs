//! Database-level copy code for backups: a consistent SQLite snapshot (`VACUUM INTO`), its checks
//! and facts, and the portable copy between a PostgreSQL store and a SQLite snapshot. The backup
//! crate packs, verifies and swaps the files; what touches a database lives here with the pools.

pub mod copy;
mod copy_reader;
mod pg_load;
pub mod portable;
pub mod sqlite;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Rows in one app table of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TableCount {
    pub table: String,
    #[ts(type = "number")]
    pub rows: i64,
}
