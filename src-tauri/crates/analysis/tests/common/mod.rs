//! What only the analysis tests need beside `repovault-testkit`: a store with an `Analyzer` on
//! it, filled by the real importer.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Deref;
use std::path::Path;

use repovault_analysis::Analyzer;
use repovault_ingest::{import_repository, CancelToken, ImportOptions};
use repovault_testkit::{git, Blobs, Engine, Numstat};

/// A fresh store (local blobs) and an analyzer on it.
pub struct TestStore {
    pub base: repovault_testkit::TestStore,
    pub analyzer: Analyzer,
}

impl Deref for TestStore {
    type Target = repovault_testkit::TestStore;

    fn deref(&self) -> &Self::Target {
        &self.base
    }
}

pub async fn fresh_store(engine: Engine) -> TestStore {
    let base = repovault_testkit::fresh_store(engine, Blobs::Local).await;
    let analyzer = Analyzer::new(base.store.clone());
    TestStore { base, analyzer }
}

impl TestStore {
    pub async fn import(&self, repo: &Path, name: &str) {
        let options = ImportOptions { batch_size: 300, ..ImportOptions::default() };
        import_repository(self.store.as_ref(), repo, name, &options, &|_| {}, &CancelToken::default())
            .await
            .expect("import");
    }
}

/// `git shortlog -sne` for the given revisions: (name, e-mail) → commits, with the mailmap.
pub fn shortlog(repo: &Path, revs: &[&str]) -> BTreeMap<(String, String), i64> {
    let mut args = vec!["shortlog", "-sne"];
    args.extend(revs);
    git(repo, &args)
        .lines()
        .map(|line| {
            let (count, who) = line.trim().split_once('\t').unwrap();
            let (name, email) = who.rsplit_once(" <").unwrap();
            ((name.to_string(), email.trim_end_matches('>').to_string()), count.parse().unwrap())
        })
        .collect()
}

/// Per path: (commits, additions, deletions) summed from `git log --numstat` rows (renames and
/// merges against their first parent, as the import reads them). Binary files (`-`) count 0 lines.
pub fn numstat_sums(rows: Vec<Numstat>) -> BTreeMap<String, (i64, i64, i64)> {
    let mut sums: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for row in rows {
        let entry = sums.entry(row.path.clone()).or_default();
        // A path counts once per commit, however many lines name it.
        if seen.insert((row.hash, row.path)) {
            entry.0 += 1;
        }
        entry.1 += row.additions.unwrap_or(0);
        entry.2 += row.deletions.unwrap_or(0);
    }
    sums
}
