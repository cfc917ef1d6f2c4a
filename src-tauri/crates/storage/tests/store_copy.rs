//! `store copy` between a real SQLite file and a real PostgreSQL database, both ways, with the
//! traps SQLite → PostgreSQL migrations hit: NUL and non-UTF-8 bytes in text, booleans, times far
//! in the past and future, empty tables' sequences, very long texts, identity values with gaps;
//! blobs carried to another blob store (a real S3 bucket); an interrupted copy resumed; bad
//! targets refused.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use repovault_storage::query::{parse_search, CommitQuery};
use repovault_storage::snapshot::copy::{copy_store, CopyPhase, CopyReport};
use repovault_storage::{
    open_store, CancelToken, DatabaseLocation, ErrorCode, NewAnalysisRun, StorageStatus, StoreConfig, StoreError,
    INLINE_DIFF_LIMIT,
};
use repovault_testkit::*;

const YEAR_1: i64 = -62_135_596_800; // 0001-01-01T00:00:00Z
const YEAR_9999: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z

fn quiet(_: repovault_storage::Progress<CopyPhase>) {}

/// A copy's own tables left in the target (none once it verified).
const LEFTOVER_STATE: &str =
    "SELECT COUNT(*) FROM information_schema.tables WHERE table_name IN ('_repovault_copy', '_repovault_copy_keys')";

/// Every foreign key of a PostgreSQL database: table, name, definition.
async fn foreign_keys(database: &DatabaseLocation) -> Vec<(String, String, String)> {
    raw_rows(
        database,
        "SELECT conrelid::regclass::text, conname::text, pg_get_constraintdef(oid) FROM pg_constraint \
         WHERE contype = 'f' ORDER BY 1, 2",
    )
    .await
}

async fn copy(from: &StoreConfig, to: &StoreConfig) -> Result<CopyReport, StoreError> {
    copy_store(from, to, &quiet, &CancelToken::default()).await
}

fn pg_config(url: String, blobs: Blobs, dir: &std::path::Path) -> StoreConfig {
    StoreConfig { database: DatabaseLocation::Postgres(url), blobs: blob_config(blobs, dir), apply_migrations: true }
}

/// A store with every trap a store can legally hold.
async fn fill_with_traps(t: &TestStore) -> (String, Vec<u8>) {
    let s = t.store.as_ref();
    s.create_workspace("team ✓").await.unwrap();
    // Identity values with gaps: repository ids 1 and 3 (2 was removed).
    let keep = s.ensure_repository("default", "keep", Some("/src/keep")).await.unwrap();
    s.ensure_repository("default", "gone", None).await.unwrap();
    let other = s.ensure_repository("team ✓", "other", None).await.unwrap();
    s.delete_repository("gone").await.unwrap();
    assert_eq!((keep.id, other.id), (1, 3));

    let long_message = format!("long {}\n", "word ".repeat(1_200_000)); // ~6 MB
    let big_diff = vec![b'+'; INLINE_DIFF_LIMIT + 10];
    let mut first = commit(&hash_of(1), &[], YEAR_1, "tabs\tand\\backslashes\nand \r returns, ünïcödé ✓");
    first.committer.time = YEAR_9999;
    first.committer.tz_offset_minutes = -720;
    first.message_bytes = Some(b"not utf-8: \xff\xfe".to_vec());
    let mut files = changes(1, 2);
    files.push(change("big.bin", 1, 0, Some(&big_diff)));
    // Changed lines over several of PostgreSQL's 32-line runs, on both sides.
    let long_diff = format!(
        "@@ -1,32 +1,70 @@\n{}{}",
        (0..32).map(|i| format!("-gone {i}\n")).collect::<String>(),
        (0..70).map(|i| format!("+kept {i}\twith tab \\ and backslash\n")).collect::<String>()
    );
    files.push(change("long.txt", 70, 32, Some(long_diff.as_bytes())));
    files[0].is_binary = true;
    files[1].is_submodule = true;
    assert_eq!(s.store_commit(keep.id, &first, &files).await.status, StorageStatus::Stored);
    let second = commit(&hash_of(2), &[&hash_of(1)], 1_700_000_000, &long_message);
    assert_eq!(s.store_commit(keep.id, &second, &changes(2, 1)).await.status, StorageStatus::Stored);
    assert_eq!(
        s.store_commit(other.id, &commit(&hash_of(3), &[], 0, "epoch zero"), &changes(3, 1)).await.status,
        StorageStatus::Stored
    );
    s.set_change_index("other", false).await.unwrap();
    s.save_query("mine", &repovault_storage::query::Filter::condition("author", "eq", "Alice")).await.unwrap();
    (long_message, big_diff)
}

async fn assert_same_store(to: &StoreConfig, long_message: &str, big_diff: &[u8]) {
    let target = open_store(to).await.unwrap();
    let first = target.get_commit_by_hash(None, &hash_of(1)).await.unwrap();
    assert_eq!(first.commit.author.time, YEAR_1);
    assert_eq!(first.commit.committer.time, YEAR_9999);
    assert_eq!(first.commit.committer.tz_offset_minutes, -720);
    assert_eq!(first.commit.message, "tabs\tand\\backslashes\nand \r returns, ünïcödé ✓");
    let (bytes,): (Option<Vec<u8>>,) =
        raw_rows(&to.database, "SELECT message_bytes FROM commits WHERE id = 1").await.remove(0);
    assert_eq!(bytes.as_deref(), Some(&b"not utf-8: \xff\xfe"[..]));
    assert!(first.changes[0].is_binary && !first.changes[1].is_binary);
    assert!(first.changes[1].is_submodule && !first.changes[0].is_submodule);
    assert_eq!(first.changes[2].diff.as_deref().map(str::as_bytes), Some(big_diff), "the large diff came along");
    let second = target.get_commit_by_hash(None, &hash_of(2)).await.unwrap();
    assert_eq!(second.commit.message, long_message);
    // Ids kept, gaps included; new rows continue after them; an empty table starts at 1.
    let repos = target.repositories().await.unwrap();
    assert_eq!(repos.iter().map(|r| (r.id, r.name.as_str())).collect::<Vec<_>>(), [(1, "keep"), (3, "other")]);
    assert_eq!(target.ensure_repository("default", "new", None).await.unwrap().id, 4);
    let run = NewAnalysisRun {
        repository_id: 1,
        kind: "authors".into(),
        parameters: "{}".into(),
        revision: "{}".into(),
        run_key: "k".into(),
        created_at: 0,
    };
    assert_eq!(target.insert_analysis_run(&run).await.unwrap(), 1);
    // The full-text index was rebuilt on the target.
    let found = |text: &str| CommitQuery { filter: Some(parse_search(text).unwrap()), ..Default::default() };
    assert_eq!(target.count_commits(&found("backslashes")).await.unwrap(), 1);
    assert_eq!(target.count_commits(&found("word")).await.unwrap(), 1);
    assert_eq!(target.count_commits(&found("change:\"new line 2 0\"")).await.unwrap(), 1);
    assert_eq!(target.workspaces().await.unwrap().len(), 2);
    target.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_to_postgres_and_back_keeps_every_trap_value_and_verifies() {
    let source = fresh_store(Engine::Sqlite, Blobs::Local).await;
    let (long_message, big_diff) = fill_with_traps(&source).await;
    source.store.close().await;

    // SQLite → PostgreSQL with its blobs in the S3 bucket: the large diff is carried there.
    let pg = pg_config(fresh_postgres_database().await, Blobs::S3, &source.dir.path().join("unused"));
    let there = copy(&source.config, &pg).await.unwrap();
    assert!(there.verified, "{there:#?}");
    assert!(there.differences.is_empty());
    assert_eq!(there.blobs_copied, 1);
    let commits = there.tables.iter().find(|t| t.table == "commits").unwrap();
    assert_eq!((commits.source_rows, commits.target_rows), (3, 3));
    assert!(there.tables.iter().all(|t| t.source_rows == t.target_rows && t.copied_now));
    // Indexes dropped for the bulk load are all back, as the migrations define them.
    let indexes = "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema()";
    let fresh = fresh_store(Engine::Postgres, Blobs::Local).await;
    assert_eq!(raw_count(&pg.database, indexes).await, fresh.raw_count(indexes).await);
    // So are the foreign keys set aside for it, checked and as the migrations define them.
    assert_eq!(foreign_keys(&pg.database).await, foreign_keys(&fresh.config.database).await);
    assert_eq!(raw_count(&pg.database, LEFTOVER_STATE).await, 0);
    // The change index is built on the target from the copied lines (the load queued nothing):
    // none are left queued, so `change:` below reads the index, not a scan.
    assert_eq!(raw_count(&pg.database, "SELECT COUNT(*) FROM change_index_queue").await, 0);
    assert!(raw_count(&pg.database, "SELECT COUNT(*) FROM change_gram_blocks").await > 0);
    // The full-text columns filled during the copy are those a rebuild on the target computes.
    let vectors = "SELECT id, search::text, stems::text FROM commits ORDER BY id";
    let copied: Vec<(i64, String, String)> = raw_rows(&pg.database, vectors).await;
    assert!(copied.iter().all(|(_, search, stems)| !search.is_empty() && !stems.is_empty()), "{copied:?}");
    raw_rows::<(i64,)>(&pg.database, "UPDATE commits SET search = NULL, stems = NULL RETURNING id").await;
    raw_rows::<(i64,)>(&pg.database, "UPDATE repositories SET search_version = 0 RETURNING id").await;
    let target = open_store(&pg).await.unwrap();
    assert_eq!(target.rebuild_search_index().await.unwrap(), 0, "opening the store rebuilt it");
    target.close().await;
    assert_eq!(raw_rows::<(i64, String, String)>(&pg.database, vectors).await, copied);
    assert_same_store(&pg, &long_message, &big_diff).await;

    // PostgreSQL → a new SQLite file with local blobs elsewhere.
    let back = sqlite_config(&source.dir.path().join("back"));
    // (The target above got a repository and a run since; copy a fresh PostgreSQL copy instead.)
    let pg2 = pg_config(fresh_postgres_database().await, Blobs::S3, &source.dir.path().join("unused"));
    assert!(copy(&source.config, &pg2).await.unwrap().verified);
    let returned = copy(&pg2, &back).await.unwrap();
    assert!(returned.verified, "{returned:#?}");
    assert_eq!(returned.blobs_copied, 1);
    assert_same_store(&back, &long_message, &big_diff).await;
    assert!(!raw_rows::<(String,)>(&back.database, "SELECT name FROM sqlite_master WHERE name = '_repovault_copy'")
        .await
        .into_iter()
        .any(|_| true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_postgres_cannot_hold_is_named_and_the_copy_resumes_once_fixed() {
    let source = fresh_store(Engine::Sqlite, Blobs::Local).await;
    fill_with_traps(&source).await;
    source.store.close().await;
    // Written behind the store's back (the API refuses both): a NUL byte, and bytes not UTF-8.
    source.raw_execute("UPDATE commits SET message = 'a' || char(0) || 'b' WHERE message LIKE 'epoch%'").await;
    let pg = pg_config(fresh_postgres_database().await, Blobs::Local, source.dir.path());
    let err = copy(&source.config, &pg).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
    assert!(err.to_string().contains("commits.message (row id 3) holds a NUL byte"), "{err}");
    assert_eq!(raw_count(&pg.database, "SELECT COUNT(*) FROM commits").await, 0, "nothing of commits was copied");
    assert_eq!(raw_count(&pg.database, "SELECT COUNT(*) FROM repositories").await, 2, "tables before it were");

    source.raw_execute("UPDATE commits SET message = 'epoch zero' WHERE id = 3").await;
    source.raw_execute("UPDATE commits SET author_name = CAST(X'416CC3' AS TEXT) WHERE id = 3").await;
    let err = copy(&source.config, &pg).await.unwrap_err();
    assert!(err.to_string().contains("commits.author_name (row id 3) is not valid UTF-8 (byte 2)"), "{err}");

    source.raw_execute("UPDATE commits SET author_name = 'Alice' WHERE id = 3").await;
    let done = copy(&source.config, &pg).await.unwrap();
    assert!(done.verified, "{done:#?}");
    assert!(done.resumed.contains(&"repositories".to_string()));
    assert!(!done.resumed.contains(&"commits".to_string()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_copy_resumes_per_table_and_bad_targets_are_refused() {
    let source = fresh_store(Engine::Sqlite, Blobs::Local).await;
    fill_with_traps(&source).await;
    source.store.close().await;
    let pg = pg_config(fresh_postgres_database().await, Blobs::Local, source.dir.path());

    // Interrupted when it reaches file_changes: the tables before it stay done.
    let cancel = CancelToken::default();
    let stop = cancel.clone();
    let seen = AtomicBool::new(false);
    let on_progress = move |p: repovault_storage::Progress<CopyPhase>| {
        if p.phase == (CopyPhase::Table { table: "file_changes".into() }) {
            seen.store(true, Ordering::SeqCst);
            stop.cancel();
        }
    };
    let err = copy_store(&source.config, &pg, &on_progress, &cancel).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Cancelled);
    assert_eq!(raw_count(&pg.database, "SELECT COUNT(*) FROM commits").await, 3);
    assert_eq!(raw_count(&pg.database, "SELECT COUNT(*) FROM file_changes").await, 0);
    let fresh = fresh_store(Engine::Postgres, Blobs::Local).await;
    let keys = foreign_keys(&fresh.config.database).await;
    assert!(foreign_keys(&pg.database).await.is_empty(), "set aside for the load, remembered in the target");

    // Another source may not finish it; a plain non-empty target is refused too.
    let other = fresh_store(Engine::Sqlite, Blobs::Local).await;
    other.store.close().await;
    let refused = copy(&other.config, &pg).await.unwrap_err();
    assert!(refused.to_string().contains("unfinished copy of another store"), "{refused}");
    let busy = fresh_store(Engine::Postgres, Blobs::Local).await;
    busy.store.ensure_repository("default", "here", None).await.unwrap();
    let refused = copy(&source.config, &busy.config).await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Validation);
    assert!(refused.to_string().contains("not empty (repositories has 1 rows)"), "{refused}");
    let stray = "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = '_repovault_copy'";
    assert_eq!(busy.raw_count(stray).await, 0, "a refused target is left as it was");

    // The same source resumes after the done tables and verifies.
    let resumed = copy(&source.config, &pg).await.unwrap();
    assert!(resumed.verified, "{resumed:#?}");
    assert!(resumed.resumed.contains(&"commits".to_string()));
    let fc = resumed.tables.iter().find(|t| t.table == "file_changes").unwrap();
    assert!(fc.copied_now && fc.target_rows == fc.source_rows && fc.source_rows > 0);
    assert_eq!(foreign_keys(&pg.database).await, keys, "the resumed copy put back what the first set aside");
    assert_eq!(raw_count(&pg.database, LEFTOVER_STATE).await, 0);
    // Copying again into the finished target is refused: it is a store now, not an empty one.
    assert_eq!(copy(&source.config, &pg).await.unwrap_err().code(), ErrorCode::Validation);

    // A target with a newer schema is refused and left alone.
    let newer = fresh_store(Engine::Postgres, Blobs::Local).await;
    newer.store.close().await;
    newer
        .raw_execute(
            "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) \
             VALUES (99990101000000, 'future', now(), true, '\\x00', 0)",
        )
        .await;
    assert_eq!(copy(&source.config, &newer.config).await.unwrap_err().code(), ErrorCode::SchemaTooNew);

    // An unreachable server is a clear error in seconds; one backend to itself is refused.
    let started = Instant::now();
    let nowhere = pg_config("postgres://rv@127.0.0.1:1/nowhere".into(), Blobs::Local, source.dir.path());
    let err = copy(&source.config, &nowhere).await.unwrap_err();
    assert!(err.to_string().contains("cannot connect to postgres://rv@127.0.0.1:1/nowhere"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(15));
    let sqlite_again = sqlite_config(&source.dir.path().join("elsewhere"));
    assert_eq!(copy(&source.config, &sqlite_again).await.unwrap_err().code(), ErrorCode::Validation);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_a_clear_error_within_seconds() {
    let source = fresh_store(Engine::Sqlite, Blobs::Local).await;
    fill_with_traps(&source).await;
    source.store.close().await;
    // The one role the test server checks passwords for (scripts/services.sh); roles are
    // server-wide, so a test running beside this one may have made it already.
    let url = fresh_postgres_database().await;
    let role = "repovault_password_check";
    raw_execute(
        &DatabaseLocation::Postgres(url.clone()),
        &format!(
            "DO $$ BEGIN CREATE ROLE {role} LOGIN PASSWORD 'right-one'; \
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        ),
    )
    .await;
    let wrong = url.replacen("postgres://rv@", &format!("postgres://{role}:not-the-password@"), 1);
    assert_ne!(wrong, url, "the test server's URL names the user rv: {url}");
    let started = Instant::now();
    let err = copy(&source.config, &pg_config(wrong, Blobs::Local, source.dir.path())).await.unwrap_err();
    let message = err.to_string();
    assert!(message.contains("password authentication failed"), "{message}");
    assert!(message.contains(&format!("postgres://{role}:***@")), "the URL is named, its password not: {message}");
    assert!(!message.contains("not-the-password"), "{message}");
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
}
