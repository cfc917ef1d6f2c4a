//! What only the analysis tests need beside `repovault-testkit`: a store with an `Analyzer` on
//! it, filled by the real importer.

#![allow(dead_code)]

use std::ops::Deref;
use std::path::Path;

use repovault_analysis::Analyzer;
use repovault_ingest::{import_repository, CancelToken, ImportOptions};
use repovault_testkit::{Blobs, Engine};

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
