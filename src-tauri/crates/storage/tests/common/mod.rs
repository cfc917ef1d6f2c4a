//! Test harness shared by the conformance suite and the benchmark: a fresh store on a real SQLite
//! file or a real PostgreSQL database (created per test on the server the test script starts), with
//! its blob store in a local folder or a real S3-compatible bucket.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use repovault_storage::{
    open_store, BlobConfig, ChangeKind, DatabaseLocation, NewCommit, NewFileChange, Signature, Store, StoreConfig,
};
use sqlx::Connection;

pub const POSTGRES_ENV: &str = "REPOVAULT_TEST_POSTGRES_URL";
pub const S3_ENDPOINT_ENV: &str = "REPOVAULT_TEST_S3_ENDPOINT";
pub const S3_BUCKET_ENV: &str = "REPOVAULT_TEST_S3_BUCKET";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blobs {
    Local,
    S3,
}

pub struct TestStore {
    pub store: Arc<dyn Store>,
    pub config: StoreConfig,
    pub engine: Engine,
    pub dir: tempfile::TempDir,
}

fn required_env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run `scripts/test.sh`, which starts the PostgreSQL and S3 servers these tests use")
    })
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh, empty PostgreSQL database on the test server; returns its URL.
pub async fn fresh_postgres_database() -> String {
    let admin_url = required_env(POSTGRES_ENV);
    let name = format!(
        "rv_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        chrono::Utc::now().timestamp_subsec_nanos()
    );
    let mut admin = sqlx::PgConnection::connect(&admin_url).await.expect("connect to the test PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("create test database");
    admin.close().await.ok();
    let (base, _) = admin_url.rsplit_once('/').expect("URL has a database name");
    format!("{base}/{name}")
}

pub fn blob_config(blobs: Blobs, dir: &std::path::Path) -> BlobConfig {
    match blobs {
        Blobs::Local => BlobConfig::Local(dir.join("blobs")),
        Blobs::S3 => {
            BlobConfig::S3 { endpoint: Some(required_env(S3_ENDPOINT_ENV)), bucket: required_env(S3_BUCKET_ENV) }
        }
    }
}

pub async fn config_for(engine: Engine, blobs: Blobs, dir: &std::path::Path) -> StoreConfig {
    let database = match engine {
        Engine::Sqlite => DatabaseLocation::Sqlite(dir.join("repovault.db")),
        Engine::Postgres => DatabaseLocation::Postgres(fresh_postgres_database().await),
    };
    StoreConfig { database, blobs: blob_config(blobs, dir), apply_migrations: true }
}

pub async fn fresh_store(engine: Engine, blobs: Blobs) -> TestStore {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config_for(engine, blobs, dir.path()).await;
    let store = open_store(&config).await.expect("open the store");
    TestStore { store, config, engine, dir }
}

impl TestStore {
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        match &self.config.database {
            DatabaseLocation::Sqlite(path) => Some(path.clone()),
            DatabaseLocation::Postgres(_) => None,
        }
    }

    /// Runs raw SQL beside the store, to set up what the API cannot (a trigger, a future migration).
    pub async fn raw_execute(&self, sql: &str) {
        match &self.config.database {
            DatabaseLocation::Sqlite(path) => {
                let url = format!("sqlite://{}", path.display());
                let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
                sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
                conn.close().await.unwrap();
            }
            DatabaseLocation::Postgres(url) => {
                let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
                sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
                conn.close().await.unwrap();
            }
        }
    }

    /// A single integer answer (a count) from raw SQL.
    pub async fn raw_count(&self, sql: &str) -> i64 {
        match &self.config.database {
            DatabaseLocation::Sqlite(path) => {
                let url = format!("sqlite://{}", path.display());
                let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
                let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&mut conn).await.unwrap();
                conn.close().await.unwrap();
                n
            }
            DatabaseLocation::Postgres(url) => {
                let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
                let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&mut conn).await.unwrap();
                conn.close().await.unwrap();
                n
            }
        }
    }

    /// Row counts of every table the API writes, to prove a rejected call wrote nothing.
    pub async fn row_counts(&self) -> Vec<(String, i64)> {
        let mut counts = Vec::new();
        for table in ["repositories", "commits", "commit_parents", "file_changes", "diff_blobs", "audit_log"] {
            counts.push((table.to_string(), self.raw_count(&format!("SELECT COUNT(*) FROM {table}")).await));
        }
        counts
    }
}

/// A deterministic 40-hex hash from a number.
pub fn hash_of(n: u64) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(n.to_le_bytes()))[..40].to_string()
}

pub fn signature(name: &str, time: i64) -> Signature {
    Signature {
        name: name.to_string(),
        email: format!("{}@example.com", name.to_lowercase()),
        time,
        tz_offset_minutes: 60,
    }
}

pub fn commit(hash: &str, parents: &[&str], time: i64, message: &str) -> NewCommit {
    NewCommit {
        hash: hash.to_string(),
        parents: parents.iter().map(|p| p.to_string()).collect(),
        author: signature("Alice", time),
        committer: signature("Bob", time + 30),
        message: message.to_string(),
        ..NewCommit::default()
    }
}

pub fn change(path: &str, additions: i64, deletions: i64, diff: Option<&[u8]>) -> NewFileChange {
    NewFileChange {
        path: path.to_string(),
        old_path: None,
        kind: ChangeKind::Modified,
        is_binary: false,
        additions: Some(additions),
        deletions: Some(deletions),
        diff: diff.map(<[u8]>::to_vec),
        ..NewFileChange::default()
    }
}

/// `n` file changes with small, distinct diffs.
pub fn changes(seed: u64, n: usize) -> Vec<NewFileChange> {
    (0..n)
        .map(|i| {
            let text = format!("@@ -1,2 +1,2 @@\n-old line {seed} {i}\n+new line {seed} {i}\n context\n");
            change(&format!("src/file_{i}.rs"), 1 + i as i64, i as i64, Some(text.as_bytes()))
        })
        .collect()
}
