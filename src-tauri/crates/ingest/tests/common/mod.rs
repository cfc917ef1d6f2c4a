//! What only the import and query tests need beside `repovault-testkit`: a store that imports
//! with the real importer, and its rows compared with git's own `--numstat`.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ops::Deref;
use std::path::Path;

use repovault_ingest::{import_repository, CancelToken, ImportOptions, ImportReport, IngestError};
use repovault_testkit::{Blobs, Engine, Numstat};

/// One row per (commit, path): additions and deletions, `None` for binary files (git's `-`).
pub type NumstatRows = BTreeMap<(String, String), Vec<(Option<i64>, Option<i64>)>>;

/// A fresh store (local blobs) that imports repositories as `demo`.
pub struct TestStore(repovault_testkit::TestStore);

impl Deref for TestStore {
    type Target = repovault_testkit::TestStore;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

pub async fn fresh_store(engine: Engine) -> TestStore {
    TestStore(repovault_testkit::fresh_store(engine, Blobs::Local).await)
}

impl TestStore {
    /// Every stored (hash, path) with its counts, read with plain SQL.
    pub async fn numstat_rows(&self) -> NumstatRows {
        let rows: Vec<(String, String, Option<i64>, Option<i64>)> = self
            .raw_rows(
                "SELECT c.hash, f.path, f.additions, f.deletions FROM file_changes f \
                 JOIN commits c ON c.id = f.commit_id",
            )
            .await;
        rows_by_commit_and_path(rows.into_iter().map(|(hash, path, additions, deletions)| Numstat {
            hash,
            path,
            additions,
            deletions,
        }))
    }

    pub async fn import(&self, path: &Path, options: &ImportOptions) -> Result<ImportReport, IngestError> {
        import_repository(self.store.as_ref(), path, "demo", options, &|_| {}, &CancelToken::default()).await
    }
}

/// `git log --numstat` for the same refs and rename setting, merges against their first parent.
pub fn git_numstat(dir: &Path) -> NumstatRows {
    rows_by_commit_and_path(repovault_testkit::git_numstat(dir))
}

fn rows_by_commit_and_path(rows: impl IntoIterator<Item = Numstat>) -> NumstatRows {
    let mut map = NumstatRows::new();
    for Numstat { hash, path, additions, deletions } in rows {
        map.entry((hash, path)).or_default().push((additions, deletions));
    }
    map.values_mut().for_each(|v| v.sort());
    map
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
