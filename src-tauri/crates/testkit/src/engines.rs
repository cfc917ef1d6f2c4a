//! Real engines for tests: a SQLite file or a fresh PostgreSQL database (created per test on the
//! server named by `REPOVAULT_TEST_POSTGRES_URL`), with blobs in a local folder or a real
//! S3-compatible bucket. A missing server variable is a panic that says how to start one: a test
//! never passes by skipping its backend.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use repovault_storage::testing::{self, RawRow};
use repovault_storage::{open_store, BlobConfig, DatabaseLocation, Store, StoreConfig};

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

/// The value of a variable the test script sets; panics (never skips) when it is missing.
pub fn required_env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!(
            "{name} is not set: run `scripts/test.sh`, which starts the PostgreSQL and S3 servers these tests \
             use, or start them with `scripts/services.sh start DIR && source DIR/env`"
        )
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
    testing::create_postgres_database(&admin_url, &name).await.expect("create a database on the test PostgreSQL")
}

/// The one role the test server checks a password for (scripts/services.sh), and that password.
pub const PASSWORD_ROLE: (&str, &str) = ("repovault_password_check", "right-one");

/// A fresh database owned by `PASSWORD_ROLE`: (the URL as the trusted test user, the URL as the
/// role with its password). Roles are server-wide, so the role may exist already (another test
/// made it, with the same password).
pub async fn password_checked_postgres_database() -> (String, String) {
    let url = fresh_postgres_database().await;
    let (role, password) = PASSWORD_ROLE;
    let admin = DatabaseLocation::Postgres(url.clone());
    raw_execute(
        &admin,
        &format!(
            "DO $$ BEGIN CREATE ROLE {role} LOGIN PASSWORD '{password}'; \
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        ),
    )
    .await;
    let db = url.rsplit('/').next().expect("a database name").to_string();
    raw_execute(&admin, &format!("ALTER DATABASE {db} OWNER TO {role}")).await;
    raw_execute(&admin, &format!("ALTER SCHEMA public OWNER TO {role}")).await;
    let with_password = url.replacen("postgres://rv@", &format!("postgres://{role}:{password}@"), 1);
    assert_ne!(with_password, url, "the test server's URL names the user rv: {url}");
    (url, with_password)
}

/// Blobs in `data_dir/blobs`, or in the test bucket.
pub fn blob_config(blobs: Blobs, data_dir: &Path) -> BlobConfig {
    match blobs {
        Blobs::Local => BlobConfig::Local(data_dir.join("blobs")),
        Blobs::S3 => {
            BlobConfig::S3 { endpoint: Some(required_env(S3_ENDPOINT_ENV)), bucket: required_env(S3_BUCKET_ENV) }
        }
    }
}

/// The layout of a real data folder: `repovault.db` and `blobs/` in `data_dir`.
pub fn sqlite_config(data_dir: &Path) -> StoreConfig {
    StoreConfig {
        database: DatabaseLocation::Sqlite(data_dir.join("repovault.db")),
        blobs: BlobConfig::Local(data_dir.join("blobs")),
        apply_migrations: true,
    }
}

/// A configuration on `engine` (a SQLite file in `data_dir`, or a fresh PostgreSQL database) with
/// its blobs in `data_dir` or the test bucket.
pub async fn config_for(engine: Engine, blobs: Blobs, data_dir: &Path) -> StoreConfig {
    let database = match engine {
        Engine::Sqlite => DatabaseLocation::Sqlite(data_dir.join("repovault.db")),
        Engine::Postgres => DatabaseLocation::Postgres(fresh_postgres_database().await),
    };
    StoreConfig { database, blobs: blob_config(blobs, data_dir), apply_migrations: true }
}

/// An open store on a temporary folder, and what it was opened with.
pub struct TestStore {
    pub store: Arc<dyn Store>,
    pub config: StoreConfig,
    pub engine: Engine,
    /// The temporary folder; removed when the `TestStore` is dropped.
    pub dir: tempfile::TempDir,
    data_dir: PathBuf,
}

/// A fresh, migrated store whose data (SQLite file, local blobs) sits at the top of its folder.
pub async fn fresh_store(engine: Engine, blobs: Blobs) -> TestStore {
    open_in(tempfile::tempdir().expect("temp dir"), None, engine, blobs).await
}

/// Like [`fresh_store`], with the data in the sub-folder `data` of the temporary folder, so the
/// folder can hold other things (backups, restores) beside it.
pub async fn fresh_store_in(data: &str, engine: Engine, blobs: Blobs) -> TestStore {
    open_in(tempfile::tempdir().expect("temp dir"), Some(data), engine, blobs).await
}

async fn open_in(dir: tempfile::TempDir, data: Option<&str>, engine: Engine, blobs: Blobs) -> TestStore {
    let data_dir = match data {
        Some(sub) => dir.path().join(sub),
        None => dir.path().to_path_buf(),
    };
    let config = config_for(engine, blobs, &data_dir).await;
    let store = open_store(&config).await.unwrap_or_else(|e| panic!("open the {engine:?} store: {e}"));
    TestStore { store, config, engine, dir, data_dir }
}

impl TestStore {
    /// The folder that holds the SQLite file and the local blobs.
    pub fn data_dir(&self) -> PathBuf {
        self.data_dir.clone()
    }

    pub fn sqlite_path(&self) -> Option<PathBuf> {
        match &self.config.database {
            DatabaseLocation::Sqlite(path) => Some(path.clone()),
            DatabaseLocation::Postgres(_) => None,
        }
    }

    /// Runs raw SQL beside the store, to set up what the API cannot (a trigger, a future migration).
    pub async fn raw_execute(&self, sql: &str) {
        raw_execute(&self.config.database, sql).await
    }

    /// A single integer answer (a count) from raw SQL.
    pub async fn raw_count(&self, sql: &str) -> i64 {
        raw_count(&self.config.database, sql).await
    }

    /// Every row of a raw query, read as `T` (a tuple, usually).
    pub async fn raw_rows<T: RawRow>(&self, sql: &str) -> Vec<T> {
        raw_rows(&self.config.database, sql).await
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

/// Runs raw SQL (one or more statements) on a database, outside any store.
pub async fn raw_execute(database: &DatabaseLocation, sql: &str) {
    testing::raw_execute(database, sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Every row of a raw query on a database, read as `T`.
pub async fn raw_rows<T: RawRow>(database: &DatabaseLocation, sql: &str) -> Vec<T> {
    testing::raw_rows(database, sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The first row of a raw query, read as `T`; panics when there is none.
pub async fn raw_one<T: RawRow>(database: &DatabaseLocation, sql: &str) -> T {
    raw_rows(database, sql).await.into_iter().next().unwrap_or_else(|| panic!("no row from {sql}"))
}

/// A single integer answer (a count) from raw SQL on a database.
pub async fn raw_count(database: &DatabaseLocation, sql: &str) -> i64 {
    let (n,): (i64,) = raw_one(database, sql).await;
    n
}

/// A SQLite store in `data_dir` made with the storage migrations up to `version` only: the
/// database of an older RepoVault, for upgrade and restore tests.
pub async fn sqlite_at_schema_version(data_dir: &Path, version: i64) -> StoreConfig {
    let config = sqlite_config(data_dir);
    std::fs::create_dir_all(data_dir.join("blobs")).unwrap();
    testing::sqlite_at_schema_version(&data_dir.join("repovault.db"), version).await.unwrap();
    config
}
