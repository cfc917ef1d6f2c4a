//! Shared by the analysis tests: a store on a real SQLite file or a real PostgreSQL database (one
//! per test, on the server `scripts/test.sh` starts), repositories made by
//! `tests/fixtures/make-repo.py` or git commands, imported with the real importer.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use repovault_analysis::Analyzer;
use repovault_ingest::{import_repository, CancelToken, ImportOptions};
use repovault_storage::{open_store, BlobConfig, DatabaseLocation, Store, StoreConfig};
use sqlx::Connection;

#[derive(Debug, Clone, Copy)]
pub enum Engine {
    Sqlite,
    Postgres,
}

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

pub fn git_with_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "Tess Ter")
        .env("GIT_AUTHOR_EMAIL", "tess@example.com")
        .env("GIT_COMMITTER_NAME", "Tess Ter")
        .env("GIT_COMMITTER_EMAIL", "tess@example.com")
        .envs(env.iter().copied())
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn git(dir: &Path, args: &[&str]) -> String {
    git_with_env(dir, args, &[])
}

/// Writes files and commits them, as `who` (name, e-mail) at `date` (RFC 2822 or ISO 8601).
pub fn commit_files(repo: &Path, files: &[(&str, &str)], who: (&str, &str), date: &str, message: &str) {
    for (path, content) in files {
        let file = repo.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, content).unwrap();
    }
    git(repo, &["add", "-A"]);
    git_with_env(
        repo,
        &["commit", "-q", "-m", message],
        &[
            ("GIT_AUTHOR_NAME", who.0),
            ("GIT_AUTHOR_EMAIL", who.1),
            ("GIT_AUTHOR_DATE", date),
            ("GIT_COMMITTER_DATE", date),
        ],
    );
}

pub fn init_repo(dir: &Path, name: &str) -> PathBuf {
    let repo = dir.join(name);
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    repo
}

pub struct TestStore {
    pub store: Arc<dyn Store>,
    pub config: StoreConfig,
    pub analyzer: Analyzer,
    pub dir: tempfile::TempDir,
}

fn postgres_admin_url() -> String {
    std::env::var("REPOVAULT_TEST_POSTGRES_URL").unwrap_or_else(|_| {
        panic!(
            "REPOVAULT_TEST_POSTGRES_URL is not set: run scripts/test.sh, or start PostgreSQL with \
             `bash scripts/services.sh start DIR && source DIR/env`"
        )
    })
}

pub async fn fresh_store(engine: Engine) -> TestStore {
    let dir = tempfile::tempdir().unwrap();
    let database = match engine {
        Engine::Sqlite => DatabaseLocation::Sqlite(dir.path().join("repovault.db")),
        Engine::Postgres => {
            let admin = postgres_admin_url();
            let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
            let name = format!("rv_analysis_{}_{}", std::process::id(), nanos);
            let mut conn = sqlx::PgConnection::connect(&admin).await.expect("connect to the test PostgreSQL");
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.unwrap();
            conn.close().await.ok();
            DatabaseLocation::Postgres(format!("{}/{name}", admin.rsplit_once('/').unwrap().0))
        }
    };
    let config = StoreConfig { database, blobs: BlobConfig::Local(dir.path().join("blobs")), apply_migrations: true };
    let store = open_store(&config).await.expect("open the store");
    let analyzer = Analyzer::new(store.clone());
    TestStore { store, config, analyzer, dir }
}

impl TestStore {
    pub async fn import(&self, repo: &Path, name: &str) {
        let options = ImportOptions { batch_size: 300, ..ImportOptions::default() };
        import_repository(self.store.as_ref(), repo, name, &options, &|_| {}, &CancelToken::default())
            .await
            .expect("import");
    }
}
