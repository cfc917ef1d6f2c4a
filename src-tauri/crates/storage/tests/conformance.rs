//! The `Store` contract, run unchanged against SQLite and PostgreSQL (and, for large diffs, against
//! both blob stores). Every test uses a fresh database on a real engine.

use repovault_storage::history::CommitPaths;
use repovault_storage::{
    open_store, ChangeKind, CommitWithChanges, GitRef, HistoryFilter, HistoryScope, Identity, NewFileChange, RefKind,
    StorageStatus, StoreError, INLINE_DIFF_LIMIT,
};
use repovault_testkit::*;

#[path = "conformance/history_and_search.rs"]
mod history_and_search;
use history_and_search::*;

#[path = "conformance/workspaces.rs"]
mod workspaces;
use workspaces::*;

/// Generates one `#[tokio::test]` per backend for each contract function.
macro_rules! conformance {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() { super::$test(super::fresh_store(super::Engine::Sqlite, super::Blobs::Local).await).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() { super::$test(super::fresh_store(super::Engine::Postgres, super::Blobs::Local).await).await })*
        }
    };
}

conformance!(
    stores_a_commit_and_reports_its_totals,
    storing_again_is_a_duplicate_and_writes_nothing,
    a_batch_is_stored_in_one_transaction,
    a_batch_rolls_back_when_the_database_fails_midway,
    a_load_commits_its_batches_together_or_not_at_all,
    a_load_writes_the_rows_store_commits_writes,
    a_batch_with_an_invalid_commit_writes_nothing,
    looks_up_by_full_hash_and_unique_prefix,
    an_ambiguous_prefix_lists_the_candidates,
    bad_lookups_are_typed_errors,
    recent_commits_are_newest_first,
    identical_diffs_are_stored_once,
    unknown_line_counts_stay_unknown,
    validation_errors_name_the_field_and_change_nothing,
    a_missing_repository_is_not_found,
    a_newer_schema_is_refused_and_left_untouched,
    migrations_are_all_applied,
    repositories_are_listed_with_counts,
    store_commit_reports_failures_as_results,
    refs_are_replaced_by_each_sync,
    raw_identities_and_non_utf8_bytes_are_kept,
    saved_queries_are_kept_renamed_and_deleted,
    deleting_a_repository_removes_its_rows_and_no_other,
    changed_lines_are_searched_by_side_and_case,
    the_graph_and_a_files_history_come_from_the_stored_parents,
    history_filters_keep_paths_and_leave_out_authors,
    workspaces_are_created_renamed_moved_and_deleted,
    saved_queries_belong_to_a_workspace,
    workspace_counts_scope_each_table,
    remotes_and_sync_intervals_are_kept_and_checked,
);

/// Large diffs on each backend × each blob store.
mod large_diffs {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_local() {
        large_diffs_go_to_the_blob_store(fresh_store(Engine::Sqlite, Blobs::Local).await, Blobs::Local).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_s3() {
        large_diffs_go_to_the_blob_store(fresh_store(Engine::Sqlite, Blobs::S3).await, Blobs::S3).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_local() {
        large_diffs_go_to_the_blob_store(fresh_store(Engine::Postgres, Blobs::Local).await, Blobs::Local).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_s3() {
        large_diffs_go_to_the_blob_store(fresh_store(Engine::Postgres, Blobs::S3).await, Blobs::S3).await
    }
}

async fn repo(t: &TestStore) -> i64 {
    t.store.ensure_repository("default", "demo", Some("/src/demo")).await.unwrap().id
}

async fn stores_a_commit_and_reports_its_totals(t: TestStore) {
    let repo = repo(&t).await;
    let hash = hash_of(1);
    let parent = hash_of(0);
    let changes = changes(1, 5);
    let result = t.store.store_commit(repo, &commit(&hash, &[&parent], 1_700_000_000, "first\n\nbody"), &changes).await;
    assert!(result.success, "{result:?}");
    assert_eq!(result.status, StorageStatus::Stored);
    assert_eq!(result.hash, hash);
    assert!(result.commit_id.is_some());
    assert_eq!(result.metadata.files_changed, 5);
    assert_eq!(result.metadata.total_additions, Some(1 + 2 + 3 + 4 + 5));
    assert_eq!(result.metadata.total_deletions, Some(1 + 2 + 3 + 4));
    assert!(chrono::DateTime::parse_from_rfc3339(&result.timestamp).is_ok());

    let found = t.store.get_commit_by_hash(Some(repo), &hash).await.unwrap();
    assert_eq!(found.commit.id, result.commit_id.unwrap());
    assert_eq!(found.commit.parents, vec![parent]);
    assert_eq!(found.commit.message, "first\n\nbody");
    assert_eq!(found.commit.author.name, "Alice");
    assert_eq!(found.commit.author.time, 1_700_000_000);
    assert_eq!(found.commit.author.tz_offset_minutes, 60);
    assert_eq!(found.commit.committer.name, "Bob");
    assert_eq!(found.commit.committer.time, 1_700_000_030);
    assert_eq!(found.changes.len(), 5);
    for (stored, given) in found.changes.iter().zip(&changes) {
        assert_eq!(stored.path, given.path);
        assert_eq!(stored.kind, ChangeKind::Modified);
        assert_eq!(stored.additions, given.additions);
        assert_eq!(stored.deletions, given.deletions);
        assert_eq!(stored.diff.as_deref().map(str::as_bytes), given.diff.as_deref());
    }
    let audit = t.store.audit_log(10).await.unwrap();
    assert_eq!(audit[0].action, "commit.store");
    assert_eq!(audit[0].detail.as_deref(), Some(hash.as_str()));
}

async fn storing_again_is_a_duplicate_and_writes_nothing(t: TestStore) {
    let repo = repo(&t).await;
    let c = commit(&hash_of(7), &[], 1_700_000_000, "once");
    let first = t.store.store_commit(repo, &c, &changes(7, 3)).await;
    let before = t.row_counts().await;
    // Upper case is the same hash.
    let mut again = c.clone();
    again.hash = c.hash.to_uppercase();
    let second = t.store.store_commit(repo, &again, &changes(8, 4)).await;
    assert!(second.success);
    assert_eq!(second.status, StorageStatus::Duplicate);
    assert_eq!(second.commit_id, first.commit_id);
    assert_eq!(t.row_counts().await, before, "a duplicate must write nothing");
    // The same hash in another repository is a different commit row.
    let other = t.store.ensure_repository("default", "fork", None).await.unwrap().id;
    let third = t.store.store_commit(other, &c, &changes(7, 3)).await;
    assert_eq!(third.status, StorageStatus::Stored);
    assert_ne!(third.commit_id, first.commit_id);
}

async fn a_batch_is_stored_in_one_transaction(t: TestStore) {
    let repo = repo(&t).await;
    let batch: Vec<_> = (0..50u64)
        .map(|i| (commit(&hash_of(100 + i), &[], 1_700_000_000 + i as i64, &format!("c{i}")), changes(i, 2)))
        .collect();
    // A batch may repeat a commit: the repeat is a duplicate.
    let mut with_repeat = batch.clone();
    with_repeat.push(batch[0].clone());
    let results = t.store.store_commits(repo, &with_repeat).await.unwrap();
    assert_eq!(results.len(), 51);
    assert!(results[..50].iter().all(|r| r.status == StorageStatus::Stored));
    assert_eq!(results[50].status, StorageStatus::Duplicate);
    assert_eq!(results[50].commit_id, results[0].commit_id);
    assert_eq!(t.raw_count("SELECT COUNT(*) FROM commits").await, 50);
    assert_eq!(t.raw_count("SELECT COUNT(*) FROM file_changes").await, 100);
}

async fn a_batch_rolls_back_when_the_database_fails_midway(t: TestStore) {
    let repo = repo(&t).await;
    let poison = hash_of(999);
    // A trigger makes the database itself fail on the third commit, after two were inserted.
    match t.engine {
        Engine::Sqlite => {
            t.raw_execute(&format!(
                "CREATE TRIGGER poison BEFORE INSERT ON commits WHEN NEW.hash = '{poison}' \
                 BEGIN SELECT RAISE(ABORT, 'poisoned commit'); END;"
            ))
            .await
        }
        Engine::Postgres => {
            t.raw_execute(&format!(
                "CREATE FUNCTION poison() RETURNS trigger AS $$ BEGIN \
                 IF NEW.hash = '{poison}' THEN RAISE EXCEPTION 'poisoned commit'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql; \
                 CREATE TRIGGER poison BEFORE INSERT ON commits FOR EACH ROW EXECUTE FUNCTION poison();"
            ))
            .await
        }
    }
    let before = t.row_counts().await;
    let batch = vec![
        (commit(&hash_of(1), &[], 1_700_000_000, "a"), changes(1, 3)),
        (commit(&hash_of(2), &[], 1_700_000_001, "b"), changes(2, 3)),
        (commit(&poison, &[], 1_700_000_002, "c"), changes(3, 3)),
        (commit(&hash_of(4), &[], 1_700_000_003, "d"), changes(4, 3)),
    ];
    let err = t.store.store_commits(repo, &batch).await.unwrap_err();
    assert_eq!(err.code(), "storage");
    assert!(err.to_string().contains("poisoned commit"), "{err}");
    assert_eq!(t.row_counts().await, before, "the whole batch must roll back");
    // The single-commit API reports the same failure as a Failed result.
    let result = t.store.store_commit(repo, &batch[2].0, &batch[2].1).await;
    assert!(!result.success);
    assert_eq!(result.status, StorageStatus::Failed);
    assert_eq!(result.error_code, Some(repovault_storage::ErrorCode::Storage));
    assert_eq!(t.row_counts().await, before);
}

/// An import's load (on SQLite its own rusqlite writer) and `store_commits` (the shared sqlx
/// statements) write the same rows for the same batch: commits, parents, file changes, diff texts
/// (shared between the two repositories by content hash), changed lines, and what the searches find.
async fn a_load_writes_the_rows_store_commits_writes(t: TestStore) {
    use repovault_storage::query::{parse_search, CommitQuery};
    let via_batch = t.store.ensure_repository("default", "via-batch", None).await.unwrap().id;
    let via_load = t.store.ensure_repository("default", "via-load", None).await.unwrap().id;
    let renamed = NewFileChange {
        old_path: Some("old/name.rs".into()),
        kind: ChangeKind::Renamed,
        ..change("new/name.rs", 1, 0, Some(b"@@ -0,0 +1 @@\n+renamed_marker\n".as_slice()))
    };
    let binary = NewFileChange { is_binary: true, additions: None, deletions: None, ..change("logo.png", 0, 0, None) };
    let mut raw = commit(&hash_of(3), &[&hash_of(1), &hash_of(2)], 1_700_000_200, "merge: parse_value fixed");
    raw.raw_author = Some(Identity { name: "alice".into(), email: "ALICE@example.com".into() });
    let batch = vec![
        (commit(&hash_of(1), &[], 1_700_000_000, "first commit"), changes(1, 3)),
        (commit(&hash_of(2), &[&hash_of(1)], 1_700_000_100, "second"), vec![renamed, binary]),
        (raw, changes(3, 2)),
        // The same commit twice in a batch: stored once, the second a duplicate.
        (commit(&hash_of(1), &[], 1_700_000_000, "first commit"), changes(1, 3)),
    ];
    let stored = t.store.store_commits(via_batch, &batch).await.unwrap();
    let mut load = t.store.begin_commit_load(via_load).await.unwrap();
    let loaded = load.store(&batch).await.unwrap();
    load.commit().await.unwrap();
    let statuses = |results: &[repovault_storage::StorageResult]| results.iter().map(|r| r.status).collect::<Vec<_>>();
    assert_eq!(statuses(&loaded), statuses(&stored));
    assert_eq!(statuses(&loaded)[3], StorageStatus::Duplicate);
    assert_eq!(loaded[3].commit_id, loaded[0].commit_id);

    for i in 1..=3 {
        let mut a = t.store.get_commit_by_hash(Some(via_batch), &hash_of(i)).await.unwrap();
        let mut b = t.store.get_commit_by_hash(Some(via_load), &hash_of(i)).await.unwrap();
        for c in [&mut a, &mut b] {
            (c.commit.id, c.commit.repository_id, c.commit.stored_at) = (0, 0, 0);
            c.changes.iter_mut().for_each(|change| change.id = 0);
        }
        assert_eq!(a, b, "commit {i}");
        assert!(b.changes.iter().any(|c| c.diff.is_some()) || i == 2);
    }
    let per_repository = |table: &str| {
        format!(
        "SELECT c.repository_id, COUNT(*) FROM {table} x JOIN commits c ON c.id = x.commit_id GROUP BY c.repository_id ORDER BY 1"
    )
    };
    for table in ["commit_parents", "file_changes", "change_text"] {
        let counts: Vec<(i64, i64)> = t.raw_rows(&per_repository(table)).await;
        assert_eq!(counts.len(), 2, "{table}: {counts:?}");
        assert_eq!(counts[0].1, counts[1].1, "{table}: {counts:?}");
    }
    assert_eq!(t.raw_count("SELECT COUNT(*) FROM diff_blobs").await, 3 + 1 + 2, "diff texts stored once");
    assert_eq!(t.raw_count("SELECT COUNT(*) FROM change_index_queue").await, 0);
    let actions: Vec<String> = t.store.audit_log(10).await.unwrap().into_iter().map(|e| e.action).collect();
    assert_eq!(actions.iter().filter(|a| *a == "commit.store").count(), 2, "{actions:?}");
    for text in ["change:renamed_marker", "added:\"new line 3 1\"", "parse_value", "path:new/name.rs"] {
        let query = CommitQuery { filter: Some(parse_search(text).unwrap()), ..Default::default() };
        let page = t.store.query_commits(&query).await.unwrap_or_else(|e| panic!("{text}: {e}"));
        let mut found: Vec<(i64, String)> = page.commits.iter().map(|c| (c.repository_id, c.hash.clone())).collect();
        found.sort();
        assert_eq!(found.len(), 2, "{text}: {found:?}");
        assert_eq!(found[0].1, found[1].1, "{text}");
        assert_eq!((found[0].0, found[1].0), (via_batch, via_load), "{text}");
    }
}

async fn a_load_commits_its_batches_together_or_not_at_all(t: TestStore) {
    let repo = repo(&t).await;
    let batch = |from: u64| -> Vec<_> {
        (from..from + 3)
            .map(|i| (commit(&hash_of(i), &[], 1_700_000_000 + i as i64, &format!("c{i}")), changes(i, 2)))
            .collect()
    };
    let mut load = t.store.begin_commit_load(repo).await.unwrap();
    let first = load.store(&batch(1)).await.unwrap();
    assert!(first.iter().all(|r| r.status == StorageStatus::Stored));
    // The second batch sees the first one's rows: commit 3 again is a duplicate.
    let second = load.store(&batch(3)).await.unwrap();
    let statuses: Vec<_> = second.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [StorageStatus::Duplicate, StorageStatus::Stored, StorageStatus::Stored]);
    assert_eq!(second[0].commit_id, first[2].commit_id);
    assert_eq!(t.raw_count("SELECT COUNT(*) FROM commits").await, 0, "nothing is visible before the commit");
    load.commit().await.unwrap();
    assert_eq!(t.raw_count("SELECT COUNT(*) FROM commits").await, 5);
    assert_eq!(t.raw_count("SELECT COUNT(*) FROM file_changes").await, 10);

    // A load dropped without a commit takes all of its batches back.
    let before = t.row_counts().await;
    let mut load = t.store.begin_commit_load(repo).await.unwrap();
    load.store(&batch(10)).await.unwrap();
    load.store(&batch(20)).await.unwrap();
    drop(load);
    assert_eq!(t.row_counts().await, before);
    // The store is free for the next writer.
    let results = t.store.store_commits(repo, &batch(10)).await.unwrap();
    assert!(results.iter().all(|r| r.status == StorageStatus::Stored));
    assert_eq!(
        t.store.begin_commit_load(4242).await.err().map(|e| e.code()),
        Some(repovault_storage::ErrorCode::NotFound)
    );
}

async fn a_batch_with_an_invalid_commit_writes_nothing(t: TestStore) {
    let repo = repo(&t).await;
    let before = t.row_counts().await;
    let mut bad = commit(&hash_of(3), &[], 1_700_000_000, "bad");
    bad.author.name = String::new();
    let batch = vec![
        (commit(&hash_of(1), &[], 1_700_000_000, "a"), changes(1, 1)),
        (commit(&hash_of(2), &[], 1_700_000_000, "b"), changes(2, 1)),
        (bad, changes(3, 1)),
    ];
    let err = t.store.store_commits(repo, &batch).await.unwrap_err();
    match &err {
        StoreError::Validation { field, .. } => assert_eq!(field, "commits[2].author.name"),
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert_eq!(t.row_counts().await, before);
}

async fn looks_up_by_full_hash_and_unique_prefix(t: TestStore) {
    let repo = repo(&t).await;
    let a = format!("abcd1{}", "0".repeat(35));
    let b = format!("abce2{}", "0".repeat(35));
    for (i, h) in [&a, &b].into_iter().enumerate() {
        t.store.store_commit(repo, &commit(h, &[], 1_700_000_000 + i as i64, "m"), &changes(i as u64, 1)).await;
    }
    assert_eq!(t.store.get_commit_by_hash(None, &a).await.unwrap().commit.hash, a);
    assert_eq!(t.store.get_commit_by_hash(None, &a.to_uppercase()).await.unwrap().commit.hash, a);
    assert_eq!(t.store.get_commit_by_hash(None, "abcd").await.unwrap().commit.hash, a);
    assert_eq!(t.store.get_commit_by_hash(Some(repo), "ABCE").await.unwrap().commit.hash, b);
    let sha256_hash = "f".repeat(64);
    t.store.store_commit(repo, &commit(&sha256_hash, &[], 1_700_000_005, "sha256"), &[]).await;
    assert_eq!(t.store.get_commit_by_hash(None, "ffff").await.unwrap().commit.hash, sha256_hash);
}

async fn an_ambiguous_prefix_lists_the_candidates(t: TestStore) {
    let repo = repo(&t).await;
    let a = format!("abcd1{}", "0".repeat(35));
    let b = format!("abcd2{}", "0".repeat(35));
    for h in [&a, &b] {
        t.store.store_commit(repo, &commit(h, &[], 1_700_000_000, "m"), &[]).await;
    }
    match t.store.get_commit_by_hash(None, "abcd").await.unwrap_err() {
        StoreError::AmbiguousPrefix { prefix, candidates } => {
            assert_eq!(prefix, "abcd");
            assert_eq!(candidates, vec![a.clone(), b.clone()]);
        }
        other => panic!("expected ambiguity, got {other:?}"),
    }
    assert_eq!(t.store.get_commit_by_hash(None, "abcd2").await.unwrap().commit.hash, b);
    // The same commit in two repositories is ambiguous without a repository.
    let fork = t.store.ensure_repository("default", "fork", None).await.unwrap().id;
    t.store.store_commit(fork, &commit(&a, &[], 1_700_000_000, "m"), &[]).await;
    let err = t.store.get_commit_by_hash(None, "abcd1").await.unwrap_err();
    assert_eq!(err.code(), "ambiguous_prefix");
    assert_eq!(t.store.get_commit_by_hash(Some(fork), "abcd1").await.unwrap().commit.repository_id, fork);
}

async fn bad_lookups_are_typed_errors(t: TestStore) {
    let repo = repo(&t).await;
    t.store.store_commit(repo, &commit(&hash_of(1), &[], 1_700_000_000, "m"), &[]).await;
    for bad in ["", "abc", "xyz1", "abcd%", "abcd_", "' OR '1'='1", "abcd'; DROP TABLE commits; --", &"a".repeat(65)] {
        let err = t.store.get_commit_by_hash(None, bad).await.unwrap_err();
        assert_eq!(err.code(), "validation", "{bad:?}: {err}");
        assert!(err.to_string().starts_with("invalid hash:"), "{err}");
    }
    let err = t.store.get_commit_by_hash(None, "0000dead").await.unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert_eq!(t.raw_count("SELECT COUNT(*) FROM commits").await, 1, "injection strings are just data");
}

async fn recent_commits_are_newest_first(t: TestStore) {
    let repo = repo(&t).await;
    let times = [1_700_000_300, 1_700_000_100, 1_700_000_500, 1_700_000_200, 1_700_000_400];
    for (i, time) in times.iter().enumerate() {
        let parents = if i == 0 { vec![] } else { vec![hash_of(i as u64 - 1)] };
        let parents: Vec<&str> = parents.iter().map(String::as_str).collect();
        t.store.store_commit(repo, &commit(&hash_of(i as u64), &parents, *time, "m"), &changes(i as u64, 1)).await;
    }
    let recent = t.store.recent_commits(repo, 3).await.unwrap();
    let order: Vec<_> = recent.iter().map(|c| c.author.time).collect();
    assert_eq!(order, vec![1_700_000_500, 1_700_000_400, 1_700_000_300]);
    assert_eq!(recent[0].hash, hash_of(2));
    assert_eq!(recent[0].parents, vec![hash_of(1)]);
    assert_eq!(recent[2].parents, Vec::<String>::new());
    assert_eq!(t.store.recent_commits(repo, 100).await.unwrap().len(), 5);
    assert!(t.store.recent_commits(repo, 0).await.unwrap().is_empty());
}

async fn large_diffs_go_to_the_blob_store(t: TestStore, blobs: Blobs) {
    let repo = repo(&t).await;
    // Over the limit, not valid UTF-8 in places, and varied enough not to be trivial.
    let mut large: Vec<u8> =
        (0..INLINE_DIFF_LIMIT + 50_000).map(|i| b"+abcdefghijklmnopqrstuvwxyz0123456789\n"[i % 38]).collect();
    large[1000] = 0xff;
    let at_limit = vec![b'x'; INLINE_DIFF_LIMIT];
    let changes = vec![change("big.txt", 9000, 0, Some(&large)), change("edge.txt", 1, 0, Some(&at_limit))];
    let stored = t.store.store_commit(repo, &commit(&hash_of(5), &[], 1_700_000_000, "big"), &changes).await;
    assert_eq!(stored.status, StorageStatus::Stored, "{stored:?}");
    assert_eq!(t.raw_count("SELECT COUNT(*) FROM diff_blobs WHERE storage = 'external'").await, 1);
    assert_eq!(t.raw_count("SELECT COUNT(*) FROM diff_blobs WHERE storage = 'inline'").await, 1);
    assert_eq!(t.raw_count("SELECT size FROM diff_blobs WHERE storage = 'external'").await, large.len() as i64);
    if blobs == Blobs::Local {
        let files = walk(&t.dir.path().join("blobs"));
        assert_eq!(files.len(), 1, "one blob file: {files:?}");
    }
    let found = t.store.get_commit_by_hash(None, &hash_of(5)).await.unwrap();
    let big = found.changes.iter().find(|c| c.path == "big.txt").unwrap();
    assert_eq!(big.diff_size, Some(large.len() as i64));
    assert_eq!(t.store.diff_bytes(big.id).await.unwrap().unwrap(), large, "never truncated, byte for byte");
    let edge = found.changes.iter().find(|c| c.path == "edge.txt").unwrap();
    assert_eq!(edge.diff.as_deref().map(str::len), Some(INLINE_DIFF_LIMIT));

    // The stat view lists the same files with their sizes and reads no diff text.
    let stat = t.store.get_commit_stat(None, &hash_of(5)).await.unwrap();
    assert_eq!(stat.commit, found.commit);
    let sizes =
        |c: &CommitWithChanges| c.changes.iter().map(|f| (f.id, f.path.clone(), f.diff_size)).collect::<Vec<_>>();
    assert_eq!(sizes(&stat), sizes(&found));
    assert!(stat.changes.iter().all(|f| f.diff.is_none()), "{stat:?}");

    // A second store on the same blob store reads it back too.
    let reopened = open_store(&t.config).await.unwrap();
    let again = reopened.get_commit_by_hash(None, &hash_of(5)).await.unwrap();
    assert_eq!(reopened.diff_bytes(again.changes[0].id).await.unwrap().unwrap(), large);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

async fn identical_diffs_are_stored_once(t: TestStore) {
    let repo = repo(&t).await;
    let text = b"@@ -1 +1 @@\n-same\n+same again\n".as_slice();
    for i in 0..3u64 {
        let cs = vec![change("a.rs", 1, 1, Some(text)), change("b.rs", 1, 1, Some(text))];
        t.store.store_commit(repo, &commit(&hash_of(i), &[], 1_700_000_000, "m"), &cs).await;
    }
    assert_eq!(t.raw_count("SELECT COUNT(*) FROM file_changes").await, 6);
    assert_eq!(t.raw_count("SELECT COUNT(*) FROM diff_blobs").await, 1);
}

async fn unknown_line_counts_stay_unknown(t: TestStore) {
    let repo = repo(&t).await;
    let mut cs = changes(1, 2);
    cs[1].additions = None;
    cs[1].deletions = None;
    cs.push(NewFileChange {
        path: "logo.png".into(),
        old_path: None,
        kind: ChangeKind::Added,
        is_binary: true,
        additions: None,
        deletions: None,
        ..NewFileChange::default()
    });
    let result = t.store.store_commit(repo, &commit(&hash_of(1), &[], 1_700_000_000, "m"), &cs).await;
    assert_eq!(result.metadata.total_additions, None);
    assert_eq!(result.metadata.files_changed, 3);
    let found = t.store.get_commit_by_hash(None, &hash_of(1)).await.unwrap();
    assert_eq!(found.commit.totals.total_additions, None);
    assert_eq!(found.commit.totals.total_deletions, None);
    assert_eq!(found.changes[0].additions, Some(1));
    assert_eq!(found.changes[1].additions, None);
    assert!(found.changes[2].is_binary);
    assert_eq!(found.changes[2].diff, None);
}

async fn validation_errors_name_the_field_and_change_nothing(t: TestStore) {
    let repo = repo(&t).await;
    let before = t.row_counts().await;
    let good = commit(&hash_of(1), &[], 1_700_000_000, "m");
    type Breaker = fn(&mut repovault_storage::NewCommit, &mut Vec<NewFileChange>);
    let cases: Vec<(&str, Breaker)> = vec![
        ("hash", |c, _| c.hash = "xyz".into()),
        ("hash", |c, _| c.hash = format!("{}g", "a".repeat(39))),
        ("parents[0]", |c, _| c.parents = vec!["1234".into()]),
        ("author.name", |c, _| c.author.name = "  ".into()),
        ("author.name", |c, _| c.author.name = "a\0b".into()),
        ("committer.email", |c, _| c.committer.email = "x\0".into()),
        ("author.time", |c, _| c.author.time = i64::MAX),
        ("committer.tz_offset_minutes", |c, _| c.committer.tz_offset_minutes = 100 * 60),
        ("message", |c, _| c.message = "nul\0inside".into()),
        ("commit_count", |c, _| c.commit_count = Some(-1)),
        ("pusher", |c, _| c.pusher = Some(String::new())),
        ("changes[0].path", |_, cs| cs[0].path = String::new()),
        ("changes[1].path", |_, cs| cs[1].path = "a\0b".into()),
        ("changes[0].additions", |_, cs| cs[0].additions = Some(-3)),
        ("changes[1].deletions", |_, cs| cs[1].deletions = Some(-1)),
        ("changes[0].old_path", |_, cs| cs[0].kind = ChangeKind::Renamed),
    ];
    for (field, breaker) in cases {
        let mut c = good.clone();
        let mut cs = changes(1, 2);
        breaker(&mut c, &mut cs);
        let result = t.store.store_commit(repo, &c, &cs).await;
        assert_eq!(result.status, StorageStatus::Failed, "{field}");
        assert_eq!(result.error_code, Some(repovault_storage::ErrorCode::Validation), "{field}: {}", result.message);
        assert!(result.message.starts_with(&format!("invalid {field}:")), "{field}: {}", result.message);
    }
    for bad_name in ["", " ", "a\0"] {
        let err = t.store.ensure_repository("default", bad_name, None).await.unwrap_err();
        assert_eq!(err.code(), "validation");
    }
    assert_eq!(t.row_counts().await, before, "rejected input must leave the store unchanged");
}

async fn a_missing_repository_is_not_found(t: TestStore) {
    let result = t.store.store_commit(4242, &commit(&hash_of(1), &[], 1_700_000_000, "m"), &[]).await;
    assert_eq!(result.error_code, Some(repovault_storage::ErrorCode::NotFound));
    assert_eq!(t.store.repository_by_name("nope").await.unwrap_err().code(), "not_found");
    assert_eq!(t.raw_count("SELECT COUNT(*) FROM commits").await, 0);
}

async fn a_newer_schema_is_refused_and_left_untouched(t: TestStore) {
    let repo = repo(&t).await;
    t.store.store_commit(repo, &commit(&hash_of(1), &[], 1_700_000_000, "m"), &changes(1, 1)).await;
    t.store.close().await;
    let future = 99_991_231_000_000i64;
    t.raw_execute(&format!(
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) \
         VALUES ({future}, 'from the future', CURRENT_TIMESTAMP, TRUE, {blob}, 1)",
        blob = if t.engine == Engine::Sqlite { "X'00'" } else { "'\\x00'::bytea" }
    ))
    .await;
    let fingerprint = match t.sqlite_path() {
        Some(path) => {
            // Fold the WAL in so the main file alone holds the state we compare.
            t.raw_execute("PRAGMA wal_checkpoint(TRUNCATE)").await;
            Some(std::fs::read(&path).unwrap())
        }
        None => None,
    };
    let before = t.row_counts().await;
    let err = open_store(&t.config).await.unwrap_err();
    assert_eq!(err.code(), "schema_too_new");
    match &err {
        StoreError::SchemaTooNew { found, supported } => {
            assert_eq!(*found, future);
            assert!(*supported < future);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("upgrade RepoVault"), "{err}");
    if let (Some(path), Some(bytes)) = (t.sqlite_path(), fingerprint) {
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "the database file must be byte-for-byte unchanged");
    }
    assert_eq!(t.row_counts().await, before);
    let known = match t.engine {
        Engine::Sqlite => repovault_storage::sqlite::MIGRATOR.iter().count(),
        Engine::Postgres => repovault_storage::postgres::MIGRATOR.iter().count(),
    } as i64;
    assert_eq!(t.raw_count("SELECT COUNT(*) FROM _sqlx_migrations").await, known + 1, "only the future row was added");
}

async fn migrations_are_all_applied(t: TestStore) {
    let states = t.store.migrations().await.unwrap();
    assert!(!states.is_empty());
    assert!(states.iter().all(|m| m.applied), "{states:?}");
    assert_eq!(t.store.info().schema_version, states.iter().map(|m| m.version).max().unwrap());
    assert_eq!(t.store.migrate().await.unwrap(), Vec::<i64>::new(), "nothing left to apply");
    assert_eq!(t.raw_count("SELECT COUNT(*) FROM workspaces WHERE name = 'default'").await, 1);
    if t.engine == Engine::Postgres {
        // Migration 20261205000001: compressed diffs are not compressed again, changed lines use
        // lz4 where the server has it, and neither is sampled by ANALYZE.
        let column = |table: &str, name: &str, test: &str| {
            format!("SELECT COUNT(*) FROM pg_attribute WHERE attrelid = '{table}'::regclass AND attname = '{name}' AND {test}")
        };
        assert_eq!(t.raw_count(&column("diff_blobs", "compressed", "attstorage = 'e'")).await, 1);
        assert_eq!(t.raw_count(&column("diff_blobs", "compressed", "attstattarget = 0")).await, 1);
        assert_eq!(t.raw_count(&column("change_text", "added", "attstattarget = 0")).await, 1);
        let lz4 = t
            .raw_count(
                "SELECT COUNT(*) FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)",
            )
            .await;
        assert_eq!(t.raw_count(&column("change_text", "removed", "attcompression = 'l'")).await, lz4);
    }
}

async fn remotes_and_sync_intervals_are_kept_and_checked(t: TestStore) {
    use repovault_storage::ErrorCode;
    repo(&t).await;
    let fresh = t.store.repository_by_name("demo").await.unwrap();
    assert_eq!((fresh.remote_url.as_deref(), fresh.sync_interval_secs), (None, None), "off by default");

    let url = "https://git.example.com/team/demo.git";
    let set = t.store.set_remote_url("demo", Some(url)).await.unwrap();
    assert_eq!(set.remote_url.as_deref(), Some(url));
    let secret = t.store.set_remote_url("demo", Some("https://bob:s3cret@git.example.com/demo.git")).await.unwrap_err();
    assert_eq!(secret.code(), ErrorCode::Validation);
    assert!(!secret.to_string().contains("s3cret"), "{secret}");
    let user_only = t.store.set_remote_url("demo", Some("https://bob@git.example.com/demo.git")).await.unwrap();
    assert_eq!(user_only.remote_url.as_deref(), Some("https://bob@git.example.com/demo.git"));

    assert_eq!(t.store.set_sync_interval("demo", Some(900)).await.unwrap().sync_interval_secs, Some(900));
    for bad in [0, -5, 59, 31 * 24 * 3600] {
        let err = t.store.set_sync_interval("demo", Some(bad)).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Validation, "{bad}");
    }
    assert_eq!(
        t.store.repository_by_name("demo").await.unwrap().sync_interval_secs,
        Some(900),
        "bad values change nothing"
    );

    t.store.record_sync("demo", 1_700_000_000, Some("connection refused")).await.unwrap();
    let failed = t.store.repository_by_name("demo").await.unwrap();
    assert_eq!(
        (failed.last_sync_attempt_at, failed.last_sync_error.as_deref()),
        (Some(1_700_000_000), Some("connection refused"))
    );
    t.store.record_sync("demo", 1_700_000_060, None).await.unwrap();
    let ok = &t.store.repositories().await.unwrap()[0];
    assert_eq!((ok.last_sync_attempt_at, ok.last_sync_error.as_deref()), (Some(1_700_000_060), None));
    assert_eq!(t.store.record_sync("nope", 1, None).await.unwrap_err().code(), ErrorCode::NotFound);
    assert_eq!(t.store.set_sync_interval("nope", None).await.unwrap_err().code(), ErrorCode::NotFound);

    assert_eq!(t.store.set_sync_interval("demo", None).await.unwrap().sync_interval_secs, None);
    assert_eq!(t.store.set_remote_url("demo", None).await.unwrap().remote_url, None);
    let actions: Vec<_> = t.store.audit_log(10).await.unwrap().into_iter().map(|e| e.action).collect();
    assert!(
        actions.contains(&"repository.sync_interval".to_string()) && actions.contains(&"repository.remote".to_string()),
        "{actions:?}"
    );
}

async fn repositories_are_listed_with_counts(t: TestStore) {
    let demo = repo(&t).await;
    let other = t.store.ensure_repository("team", "other", None).await.unwrap();
    assert_eq!(other.workspace, "team");
    let again = t.store.ensure_repository("default", "demo", None).await.unwrap();
    assert_eq!(again.id, demo, "ensure_repository returns the existing repository");
    let batch: Vec<_> = (0..3u64).map(|i| (commit(&hash_of(i), &[], 1_700_000_000, "m"), vec![])).collect();
    t.store.store_commits(demo, &batch).await.unwrap();
    let listed = t.store.repositories().await.unwrap();
    let summary: Vec<_> = listed.iter().map(|r| (r.name.as_str(), r.workspace.as_str(), r.commit_count)).collect();
    assert_eq!(summary, vec![("demo", "default", 3), ("other", "team", 0)]);
    assert_eq!(listed[0].path.as_deref(), Some("/src/demo"));
    assert_eq!(listed[0].last_synced_at, None);
}

async fn store_commit_reports_failures_as_results(t: TestStore) {
    let repo = repo(&t).await;
    let mut c = commit(&hash_of(1), &[], 1_700_000_000, "m");
    c.hash = "not-a-hash".into();
    let result = t.store.store_commit(repo, &c, &changes(1, 2)).await;
    assert!(!result.success);
    assert_eq!(result.status, StorageStatus::Failed);
    assert_eq!(result.commit_id, None);
    assert_eq!(result.hash, "not-a-hash");
    assert_eq!(result.metadata.files_changed, 2);
}

async fn refs_are_replaced_by_each_sync(t: TestStore) {
    let repo = repo(&t).await;
    assert!(t.store.refs(repo).await.unwrap().is_empty());
    let main = GitRef { name: "refs/heads/main".into(), kind: RefKind::Branch, target: hash_of(1).to_uppercase() };
    let tag = GitRef { name: "refs/tags/v1".into(), kind: RefKind::Tag, target: hash_of(2) };
    t.store.finish_sync(repo, &[main.clone(), tag.clone()], true).await.unwrap();
    let stored = t.store.refs(repo).await.unwrap();
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0].target, hash_of(1), "targets are stored in lower case");
    assert_eq!(stored[1], tag);
    let listed = t.store.repository_by_name("demo").await.unwrap();
    assert!(listed.is_shallow);
    assert!(listed.last_synced_at.is_some());
    // A later sync without the tag removes it; commits are never touched by a ref change.
    t.store.store_commit(repo, &commit(&hash_of(1), &[], 1_700_000_000, "m"), &[]).await;
    t.store.finish_sync(repo, std::slice::from_ref(&main), false).await.unwrap();
    let names: Vec<_> = t.store.refs(repo).await.unwrap().into_iter().map(|r| r.name).collect();
    assert_eq!(names, ["refs/heads/main"]);
    assert!(!t.store.repository_by_name("demo").await.unwrap().is_shallow);
    assert_eq!(t.store.commit_hashes(repo).await.unwrap().into_iter().collect::<Vec<_>>(), vec![hash_of(1)]);
    let bad = GitRef { name: "refs/heads/x".into(), kind: RefKind::Branch, target: "nope".into() };
    assert_eq!(t.store.finish_sync(repo, &[bad], false).await.unwrap_err().code(), "validation");
    assert_eq!(t.store.refs(repo).await.unwrap().len(), 1, "a rejected sync changes nothing");
    // Only refs that changed are written: each kind of change must still land.
    let notes = GitRef { name: "refs/notes/x".into(), kind: RefKind::Other, target: hash_of(4) };
    t.store.finish_sync(repo, &[main.clone(), notes.clone()], false).await.unwrap();
    let moved = GitRef { target: hash_of(3), ..main.clone() };
    let retyped = GitRef { kind: RefKind::Tag, ..notes.clone() };
    t.store.finish_sync(repo, &[moved.clone(), retyped.clone()], false).await.unwrap();
    assert_eq!(t.store.refs(repo).await.unwrap(), vec![moved.clone(), retyped.clone()]);
    let back = GitRef { target: hash_of(1).to_uppercase(), ..moved };
    t.store.finish_sync(repo, &[back, retyped.clone()], false).await.unwrap();
    assert_eq!(t.store.refs(repo).await.unwrap()[0].target, hash_of(1), "moved back, in lower case");
    assert_eq!(t.store.finish_sync(9999, &[], false).await.unwrap_err().code(), "not_found");
}

async fn raw_identities_and_non_utf8_bytes_are_kept(t: TestStore) {
    let repo = repo(&t).await;
    let mut c = commit(&hash_of(1), &[], 1_700_000_000, "caf\u{fffd} lossy");
    c.raw_author = Some(Identity { name: "alice".into(), email: "alice.kim@work.example".into() });
    c.message_bytes = Some(b"caf\xe9 lossy".to_vec());
    let mut cs = changes(1, 1);
    cs[0].path_bytes = Some(b"src/\xff.rs".to_vec());
    cs[0].path = "src/\u{fffd}.rs".into();
    cs.push(NewFileChange { path: "vendor/lib".into(), is_submodule: true, ..NewFileChange::default() });
    t.store.store_commit(repo, &c, &cs).await;
    let found = t.store.get_commit_by_hash(None, &hash_of(1)).await.unwrap();
    assert_eq!(found.commit.raw_author, c.raw_author);
    assert_eq!(found.commit.raw_committer, None);
    assert!(found.changes[1].is_submodule);
    assert!(!found.changes[0].is_submodule);
    assert_eq!(t.raw_count("SELECT CAST(length(message_bytes) AS BIGINT) FROM commits").await, 10);
    let sql = "SELECT CAST(length(path_bytes) AS BIGINT) FROM file_changes WHERE path_bytes IS NOT NULL";
    assert_eq!(t.raw_count(sql).await, 8);
}

async fn saved_queries_are_kept_renamed_and_deleted(t: TestStore) {
    use repovault_storage::query::Filter;
    let alice = Filter::condition("author", "like", "%alice%");
    let saved = t.store.save_query("mine", &alice).await.unwrap();
    assert_eq!((saved.name.as_str(), &saved.filter), ("mine", &alice));
    let merges = Filter::condition("merge", "eq", true);
    t.store.save_query("merges", &merges).await.unwrap();
    let replaced = t.store.save_query("mine", &merges).await.unwrap();
    assert_eq!(replaced.id, saved.id, "saving under an existing name replaces its filter");
    assert_eq!(replaced.filter, merges);
    let names: Vec<_> = t.store.saved_queries().await.unwrap().into_iter().map(|q| q.name).collect();
    assert_eq!(names, ["merges", "mine"]);

    let bad = Filter::condition("colour", "eq", "red");
    assert_eq!(t.store.save_query("bad", &bad).await.unwrap_err().code(), "query", "only filters that compile");
    assert_eq!(t.store.save_query(" ", &alice).await.unwrap_err().code(), "validation");
    assert_eq!(t.store.rename_saved_query("mine", "merges").await.unwrap_err().code(), "duplicate");
    assert_eq!(t.store.rename_saved_query("nope", "x").await.unwrap_err().code(), "not_found");
    assert_eq!(t.store.rename_saved_query("mine", "ours").await.unwrap().id, saved.id);
    t.store.delete_saved_query("ours").await.unwrap();
    assert_eq!(t.store.delete_saved_query("ours").await.unwrap_err().code(), "not_found");
    let names: Vec<_> = t.store.saved_queries().await.unwrap().into_iter().map(|q| q.name).collect();
    assert_eq!(names, ["merges"]);
}

async fn deleting_a_repository_removes_its_rows_and_no_other(t: TestStore) {
    use repovault_storage::query::{parse_search, CommitQuery};
    let demo = repo(&t).await;
    let other = t.store.ensure_repository("default", "other", None).await.unwrap().id;
    let shared = b"@@ -1 +1 @@\n-shared\n+diff\n".as_slice();
    let own = b"@@ -1 +1 @@\n-only\n+demo\n".as_slice();
    let mut in_demo = commit(&hash_of(1), &[], 1_700_000_000, "unicorn in demo");
    in_demo.parents = vec![hash_of(9)];
    t.store.store_commit(demo, &in_demo, &[change("a.rs", 1, 1, Some(shared)), change("b.rs", 1, 1, Some(own))]).await;
    t.store
        .store_commit(
            other,
            &commit(&hash_of(2), &[], 1_700_000_000, "unicorn elsewhere"),
            &[change("a.rs", 1, 1, Some(shared))],
        )
        .await;
    t.store
        .finish_sync(
            demo,
            &[GitRef { name: "refs/heads/main".into(), kind: RefKind::Branch, target: hash_of(1) }],
            false,
        )
        .await
        .unwrap();

    assert_eq!(t.store.delete_repository("demo").await.unwrap(), 1);
    assert_eq!(t.store.repository_by_name("demo").await.unwrap_err().code(), "not_found");
    for (table, left) in [("commits", 1), ("commit_parents", 0), ("file_changes", 1), ("refs", 0), ("diff_blobs", 1)] {
        assert_eq!(t.raw_count(&format!("SELECT COUNT(*) FROM {table}")).await, left, "{table}");
    }
    let found = t
        .store
        .query_commits(&CommitQuery { filter: Some(parse_search("unicorn").unwrap()), ..Default::default() })
        .await
        .unwrap();
    let hashes: Vec<_> = found.commits.iter().map(|c| c.hash.clone()).collect();
    assert_eq!(hashes, vec![hash_of(2)], "the full-text index forgets the deleted commits");
    let changed = t
        .store
        .query_commits(&CommitQuery { filter: Some(parse_search("change:shared").unwrap()), ..Default::default() })
        .await
        .unwrap();
    let hashes: Vec<_> = changed.commits.iter().map(|c| c.hash.clone()).collect();
    assert_eq!(hashes, vec![hash_of(2)], "the change index forgets the deleted commits");
    assert_eq!(t.raw_count("SELECT COUNT(*) FROM change_text").await, 1);
    assert_eq!(t.store.audit_log(1).await.unwrap()[0].action, "repository.delete");
    assert_eq!(t.store.delete_repository("demo").await.unwrap_err().code(), "not_found");
}
