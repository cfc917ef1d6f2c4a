//! What only the backup tests need beside `repovault-testkit`: stores with their data in `data/`
//! and their backups in `backups/` of one temporary folder, numbered commits to fill them, and a
//! comparable picture of a store's content.

#![allow(dead_code)]

use std::path::PathBuf;

use repovault_backup::Destination;
use repovault_storage::{NewCommit, NewFileChange, Store};
use repovault_testkit::{change, fresh_store_in, hash_of, signature, Blobs, Engine, TestStore};

/// Where a test store keeps its backups: `backups/` beside its `data/` folder.
pub trait BackupPlaces {
    fn backups(&self) -> PathBuf;
    fn destination(&self) -> Vec<Destination>;
}

impl BackupPlaces for TestStore {
    fn backups(&self) -> PathBuf {
        self.dir.path().join("backups")
    }

    fn destination(&self) -> Vec<Destination> {
        vec![Destination::new(self.backups())]
    }
}

pub async fn sqlite_store() -> TestStore {
    fresh_store_in("data", Engine::Sqlite, Blobs::Local).await
}

pub async fn postgres_store() -> TestStore {
    fresh_store_in("data", Engine::Postgres, Blobs::Local).await
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
            change(&format!("src/module_{}/file_{i}.rs", n % 7), 1, 1, Some(text.as_bytes()))
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
