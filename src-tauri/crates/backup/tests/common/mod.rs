//! Shared test helpers: real stores (a SQLite file, or a fresh database on the PostgreSQL server the
//! test script starts) filled through the Store API.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use repovault_backup::Destination;
use repovault_storage::{
    open_store, BlobConfig, ChangeKind, DatabaseLocation, NewCommit, NewFileChange, Signature, Store, StoreConfig,
};
use sqlx::Connection;

pub const POSTGRES_ENV: &str = "REPOVAULT_TEST_POSTGRES_URL";

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh, empty PostgreSQL database on the test server; returns its URL. Panics (never passes
/// silently) when the test script did not start a server.
pub async fn fresh_postgres_database() -> String {
    let admin_url = std::env::var(POSTGRES_ENV).unwrap_or_else(|_| {
        panic!("{POSTGRES_ENV} is not set: run `scripts/test.sh`, which starts the PostgreSQL server these tests use")
    });
    let name = format!(
        "rv_backup_{}_{}_{}",
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

pub struct TestStore {
    pub store: Arc<dyn Store>,
    pub config: StoreConfig,
    pub dir: tempfile::TempDir,
}

impl TestStore {
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn backups(&self) -> PathBuf {
        self.dir.path().join("backups")
    }

    pub fn destination(&self) -> Vec<Destination> {
        vec![Destination::new(self.backups())]
    }

    pub fn db_path(&self) -> PathBuf {
        match &self.config.database {
            DatabaseLocation::Sqlite(p) => p.clone(),
            DatabaseLocation::Postgres(_) => panic!("not SQLite"),
        }
    }
}

pub fn sqlite_config(data_dir: &Path) -> StoreConfig {
    StoreConfig {
        database: DatabaseLocation::Sqlite(data_dir.join("repovault.db")),
        blobs: BlobConfig::Local(data_dir.join("blobs")),
        apply_migrations: true,
    }
}

pub async fn sqlite_store() -> TestStore {
    let dir = tempfile::tempdir().unwrap();
    let config = sqlite_config(&dir.path().join("data"));
    let store = open_store(&config).await.expect("open SQLite store");
    TestStore { store, config, dir }
}

pub async fn postgres_store() -> TestStore {
    let dir = tempfile::tempdir().unwrap();
    let config = StoreConfig {
        database: DatabaseLocation::Postgres(fresh_postgres_database().await),
        blobs: BlobConfig::Local(dir.path().join("data").join("blobs")),
        apply_migrations: true,
    };
    let store = open_store(&config).await.expect("open PostgreSQL store");
    TestStore { store, config, dir }
}

/// A deterministic 40-hex hash from a number.
pub fn hash_of(n: u64) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(n.to_le_bytes()))[..40].to_string()
}

fn signature(name: &str, time: i64) -> Signature {
    Signature { name: name.into(), email: format!("{}@example.com", name.to_lowercase()), time, tz_offset_minutes: 60 }
}

/// Commit number `n` with three file changes; every 25th carries a diff over the inline limit
/// (so it lands in the blob folder).
pub fn commit_item(n: u64) -> (NewCommit, Vec<NewFileChange>) {
    let commit = NewCommit {
        hash: hash_of(n),
        parents: if n == 0 { vec![] } else { vec![hash_of(n - 1)] },
        author: signature(if n.is_multiple_of(2) { "Alice" } else { "Bob" }, 1_700_000_000 + n as i64 * 60),
        committer: signature("Carol", 1_700_000_000 + n as i64 * 60 + 5),
        message: format!("Change number {n}: fix the cache path"),
        ..NewCommit::default()
    };
    let changes = (0..3)
        .map(|i| {
            let text = if n.is_multiple_of(25) && i == 0 {
                let mut big = String::new();
                for line in 0..30_000 {
                    big.push_str(&format!("+line {line} of the large diff of commit {n} {}\n", hash_of(n * 31 + line)));
                }
                big
            } else {
                format!("@@ -1 +1 @@\n-old {n} {i}\n+new {n} {i}\n")
            };
            NewFileChange {
                path: format!("src/module_{}/file_{i}.rs", n % 7),
                kind: ChangeKind::Modified,
                additions: Some(1),
                deletions: Some(1),
                diff: Some(text.into_bytes()),
                ..NewFileChange::default()
            }
        })
        .collect();
    (commit, changes)
}

/// Stores commits `from..to` in repository `name` (created when missing).
pub async fn add_commits(store: &dyn Store, name: &str, from: u64, to: u64) {
    let repo = store.ensure_repository("default", name, None).await.unwrap();
    let batch: Vec<_> = (from..to).map(commit_item).collect();
    for chunk in batch.chunks(200) {
        store.store_commits(repo.id, chunk).await.unwrap();
    }
}

/// A comparable picture of a store through the Store API: repositories with counts, every commit
/// (hash, message, author) by a query, and every file change with its diff bytes.
pub async fn content(store: &dyn Store) -> Vec<String> {
    use repovault_storage::query::{CommitQuery, QueryOptions};
    let mut out = Vec::new();
    for repo in store.repositories().await.unwrap() {
        out.push(format!("repo {} {} {}", repo.name, repo.workspace, repo.commit_count));
        let mut cursor = None;
        loop {
            let page = store
                .query_commits(&CommitQuery {
                    filter: Some(repovault_storage::query::Filter::condition("repository", "eq", repo.name.clone())),
                    options: QueryOptions {
                        limit: Some(1000),
                        cursor: cursor.clone(),
                        sort_order: Some("asc".into()),
                        ..QueryOptions::default()
                    },
                })
                .await
                .unwrap();
            for commit in &page.commits {
                let full = store.get_commit_by_hash(Some(repo.id), &commit.hash).await.unwrap();
                out.push(format!(
                    "commit {} {} {} {:?}",
                    commit.hash, commit.author.name, commit.message, commit.parents
                ));
                for change in &full.changes {
                    let bytes = store.diff_bytes(change.id).await.unwrap();
                    out.push(format!(
                        "  change {} {:?} {:?} {:?} {}",
                        change.path,
                        change.additions,
                        change.deletions,
                        change.kind,
                        bytes.map(|b| hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&b))).unwrap_or_default()
                    ));
                }
            }
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
    }
    out
}

pub async fn commit_count(store: &dyn Store) -> i64 {
    store.repositories().await.unwrap().iter().map(|r| r.commit_count).sum()
}
