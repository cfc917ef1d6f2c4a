//! The real `repovault-cli` binary run on a data folder, as every CLI test runs it: no database
//! URL or bucket from the environment, no terminal on stdin.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

use repovault_storage::DatabaseLocation;

pub const BIN: &str = env!("CARGO_BIN_EXE_repovault-cli");

pub fn cli(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("REPOVAULT_S3_BUCKET")
        .stdin(Stdio::null())
        .output()
        .expect("run repovault-cli")
}

/// Standard output of a command that must succeed.
pub fn ok(data_dir: &Path, args: &[&str]) -> String {
    let out = cli(data_dir, args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The JSON a command that must succeed printed.
pub fn ok_json(data_dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = ok(data_dir, args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
}

/// Runs raw SQL on the SQLite file of a data folder, beside the CLI.
pub fn sqlite_execute(data_dir: &Path, sql: &str) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(repovault_testkit::raw_execute(&DatabaseLocation::Sqlite(data_dir.join("repovault.db")), sql));
}
