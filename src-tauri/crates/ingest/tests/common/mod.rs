//! Shared by the import and query tests: stores on real SQLite files and PostgreSQL databases,
//! repositories made by `tests/fixtures/make-repo.py` and git commands, and git's own answers.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use repovault_ingest::{import_repository, CancelToken, ImportOptions, ImportReport, IngestError};
use repovault_storage::{open_store, BlobConfig, DatabaseLocation, Store, StoreConfig};
use sqlx::Connection;

/// One row per (commit, path): additions and deletions, `None` for binary files (git's `-`).
pub type NumstatRows = BTreeMap<(String, String), Vec<(Option<i64>, Option<i64>)>>;

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..")
}

pub fn make_repo(dest: &Path, commits: usize) {
    let status = Command::new("python3")
        .arg(repo_root().join("tests/fixtures/make-repo.py"))
        .arg(dest)
        .args(["--commits", &commits.to_string()])
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run make-repo.py");
    assert!(status.success());
}

pub fn git(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "Tess Ter")
        .env("GIT_AUTHOR_EMAIL", "tess@example.com")
        .env("GIT_COMMITTER_NAME", "Tess Ter")
        .env("GIT_COMMITTER_EMAIL", "tess@example.com")
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

pub fn git_text(dir: &Path, args: &[&str]) -> String {
    String::from_utf8(git(dir, args)).unwrap().trim().to_string()
}

#[derive(Debug, Clone, Copy)]
pub enum Engine {
    Sqlite,
    Postgres,
}

pub struct TestStore {
    pub store: Arc<dyn Store>,
    pub url: String,
    _dir: tempfile::TempDir,
}

pub async fn fresh_store(engine: Engine) -> TestStore {
    let dir = tempfile::tempdir().unwrap();
    let (database, url) = match engine {
        Engine::Sqlite => {
            let path = dir.path().join("repovault.db");
            (DatabaseLocation::Sqlite(path.clone()), format!("sqlite://{}", path.display()))
        }
        Engine::Postgres => {
            let admin = std::env::var("REPOVAULT_TEST_POSTGRES_URL").unwrap_or_else(|_| {
                panic!("REPOVAULT_TEST_POSTGRES_URL is not set: run scripts/test.sh, which starts PostgreSQL")
            });
            let name = format!("rv_ingest_{}_{}", std::process::id(), chrono_nanos());
            let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.unwrap();
            let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
            (DatabaseLocation::Postgres(url.clone()), url)
        }
    };
    let config = StoreConfig { database, blobs: BlobConfig::Local(dir.path().join("blobs")), apply_migrations: true };
    TestStore { store: open_store(&config).await.unwrap(), url, _dir: dir }
}

pub fn chrono_nanos() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
}

impl TestStore {
    /// Every stored (hash, path) with its counts, read with plain SQL.
    pub async fn numstat_rows(&self) -> NumstatRows {
        let sql = "SELECT c.hash, f.path, f.additions, f.deletions FROM file_changes f \
                   JOIN commits c ON c.id = f.commit_id";
        let rows: Vec<(String, String, Option<i64>, Option<i64>)> = if self.url.starts_with("sqlite") {
            let mut conn = sqlx::SqliteConnection::connect(&self.url).await.unwrap();
            sqlx::query_as(sql).fetch_all(&mut conn).await.unwrap()
        } else {
            let mut conn = sqlx::PgConnection::connect(&self.url).await.unwrap();
            sqlx::query_as(sql).fetch_all(&mut conn).await.unwrap()
        };
        let mut map = NumstatRows::new();
        for (hash, path, additions, deletions) in rows {
            map.entry((hash, path)).or_default().push((additions, deletions));
        }
        map.values_mut().for_each(|v| v.sort());
        map
    }

    pub async fn import(&self, path: &Path, options: &ImportOptions) -> Result<ImportReport, IngestError> {
        import_repository(self.store.as_ref(), path, "demo", options, &|_| {}, &CancelToken::default()).await
    }
}

/// `git log --numstat` for the same refs and rename setting, merges against their first parent.
pub fn git_numstat(dir: &Path) -> NumstatRows {
    let out = git(
        dir,
        &["log", "--branches", "--tags", "-M", "--numstat", "-z", "--diff-merges=first-parent", "--format=%x01%H"],
    );
    let mut rows = NumstatRows::new();
    for record in out.split(|b| *b == 1).filter(|r| !r.is_empty()) {
        let mut fields = record.split(|b| *b == 0);
        let hash = String::from_utf8(fields.next().unwrap().to_vec()).unwrap();
        while let Some(field) = fields.next() {
            let field = field.strip_prefix(b"\n").unwrap_or(field);
            if field.is_empty() {
                continue;
            }
            let text = String::from_utf8_lossy(field);
            let mut parts = text.splitn(3, '\t');
            let count = |s: &str| if s == "-" { None } else { Some(s.parse::<i64>().unwrap()) };
            let additions = count(parts.next().unwrap());
            let deletions = count(parts.next().unwrap());
            let path = match parts.next().unwrap() {
                // A rename: the old and new paths follow as their own NUL-terminated fields.
                "" => {
                    let _old = fields.next().unwrap();
                    String::from_utf8_lossy(fields.next().unwrap()).into_owned()
                }
                path => path.to_string(),
            };
            rows.entry((hash.clone(), path)).or_default().push((additions, deletions));
        }
    }
    rows.values_mut().for_each(|v| v.sort());
    rows
}

pub fn assert_same_rows(ours: &NumstatRows, git: &NumstatRows) {
    let missing: Vec<_> = git.iter().filter(|(k, v)| ours.get(*k) != Some(v)).take(5).collect();
    let extra: Vec<_> = ours.iter().filter(|(k, v)| git.get(*k) != Some(v)).take(5).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{} rows from git, {} imported; differing (git side): {missing:?}; (our side): {extra:?}",
        git.len(),
        ours.len()
    );
}
