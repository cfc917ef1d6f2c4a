//! Canonical row hashing across backends: the same writes on SQLite and PostgreSQL give equal
//! digests, and a row changed by hand on one side is found, narrowed to its commit.

use repovault_storage::consistency::{compare_all, compare_scope, DigestConn, NO_COMMIT_BUCKET};
use repovault_storage::query::{Condition, Filter};
use repovault_storage::schedules::ScheduleRow;
use repovault_storage::{FinishedAnalysisRun, GitRef, NewAnalysisRun, NewFileChange, RefKind, Store};
use repovault_testkit::*;

/// The same writes, through the store API, on any backend.
async fn fill(store: &dyn Store) -> Vec<String> {
    let repo = store.ensure_repository("team", "demo", Some("/src/demo")).await.unwrap().id;
    let hashes: Vec<String> = (0..40).map(hash_of).collect();
    let mut batch = Vec::new();
    for (i, hash) in hashes.iter().enumerate() {
        let parents: Vec<&str> = if i == 0 { vec![] } else { vec![hashes[i - 1].as_str()] };
        let mut c = commit(hash, &parents, 1_700_000_000 + i as i64 * 60, &format!("change {i}: ünïcode"));
        if i % 7 == 0 {
            c.message_bytes = Some(b"change \xff".to_vec());
        }
        let mut files = changes(i as u64, 1 + i % 3);
        if i % 5 == 0 {
            files.push(NewFileChange {
                additions: None,
                deletions: None,
                is_binary: true,
                diff: None,
                ..change("img.png", 0, 0, None)
            });
        }
        batch.push((c, files));
    }
    store.store_commits(repo, &batch).await.unwrap();
    let refs = [GitRef { name: "refs/heads/main".into(), kind: RefKind::Branch, target: hashes[39].clone() }];
    store.finish_sync(repo, &refs, false).await.unwrap();
    let filter = Filter::Condition(Condition { field: "author".into(), op: "eq".into(), value: "Alice".into() });
    store.save_query("alice", &filter).await.unwrap();
    let run = NewAnalysisRun {
        repository_id: repo,
        kind: "churn".into(),
        parameters: "{}".into(),
        revision: hashes[39].clone(),
        run_key: "k1".into(),
        created_at: 1_700_000_000,
    };
    let id = store.insert_analysis_run(&run).await.unwrap();
    let done = FinishedAnalysisRun {
        status: "done".into(),
        finished_at: 1_700_000_100,
        duration_ms: 5,
        result_version: Some(1),
        result: Some("{\"rows\":[]}".into()),
        error_code: None,
        error: None,
    };
    store.finish_analysis_run(id, &done).await.unwrap();
    let schedule = ScheduleRow {
        id: 0,
        name: "nightly".into(),
        kind: "cron".into(),
        cron: Some("0 3 * * *".into()),
        timezone: Some("UTC".into()),
        interval_seconds: None,
        destinations: "[]".into(),
        retention: None,
        enabled: true,
        next_run_at: None,
        last_run_at: None,
        last_result: None,
        last_duration_ms: None,
        last_error: None,
        last_backup: None,
        created_at: 1,
    };
    store.insert_schedule(&schedule).await.unwrap();
    hashes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_store_hashes_alike_on_both_backends_and_a_changed_row_is_found() {
    let sqlite = fresh_store(Engine::Sqlite, Blobs::Local).await;
    let pg = fresh_store(Engine::Postgres, Blobs::Local).await;
    let hashes = fill(sqlite.store.as_ref()).await;
    fill(pg.store.as_ref()).await;

    let mut a = DigestConn::connect(&sqlite.config.database).await.unwrap();
    let mut b = DigestConn::connect(&pg.config.database).await.unwrap();
    let da = a.scope_digest(Some("demo")).await.unwrap();
    let db = b.scope_digest(Some("demo")).await.unwrap();
    assert_eq!(da, db, "the same writes must hash alike on SQLite and PostgreSQL");
    let rows = |t: &str| da.tables.iter().find(|d| d.table == t).unwrap().rows;
    assert_eq!(rows("commits"), 40);
    assert_eq!(rows("commit_parents"), 39);
    assert_eq!(rows("file_changes"), (0..40).map(|i| 1 + i % 3 + usize::from(i % 5 == 0)).sum::<usize>() as i64);
    assert_eq!(rows("refs"), 1);
    assert_eq!(rows("analysis_runs"), 1);
    let commits = da.tables.iter().find(|d| d.table == "commits").unwrap();
    assert!(commits.buckets.len() > 4, "commits spread over buckets: {:?}", commits.buckets);
    assert_eq!(commits.buckets.iter().map(|b| b.rows).sum::<i64>(), 40);
    assert_eq!(a.scope_digest(None).await.unwrap(), b.scope_digest(None).await.unwrap());
    assert!(compare_all(&mut a, &mut b).await.unwrap().is_empty());

    // A deleted file change and a changed count on the PostgreSQL side.
    let victim = &hashes[12];
    let other = &hashes[31];
    pg.raw_execute(&format!(
        "DELETE FROM file_changes WHERE position = 0 AND commit_id = (SELECT id FROM commits WHERE hash = '{victim}')"
    ))
    .await;
    pg.raw_execute(&format!("UPDATE commits SET total_additions = total_additions + 1 WHERE hash = '{other}'")).await;
    let diffs = compare_scope(&mut a, &mut b, Some("demo")).await.unwrap();
    let tables: Vec<&str> = diffs.iter().map(|d| d.table.as_str()).collect();
    assert_eq!(tables, ["commits", "file_changes"], "{diffs:?}");
    assert_eq!(diffs[0].commits, vec![other.to_string()]);
    assert_eq!(diffs[0].buckets, [other[..1].to_string()]);
    assert_eq!(diffs[0].primary_rows, diffs[0].mirror_rows);
    assert_eq!(diffs[1].commits, vec![victim.to_string()]);
    assert_eq!(diffs[1].primary_rows, diffs[1].mirror_rows + 1);

    // A changed ref is a difference outside commits; a changed saved query a global one.
    sqlite.raw_execute("UPDATE refs SET target_hash = 'ffff' WHERE name = 'refs/heads/main'").await;
    pg.raw_execute("UPDATE saved_queries SET filter = '{}' WHERE name = 'alice'").await;
    let diffs = compare_all(&mut a, &mut b).await.unwrap();
    let found: Vec<(Option<&str>, &str)> = diffs.iter().map(|d| (d.repository.as_deref(), d.table.as_str())).collect();
    assert_eq!(
        found,
        [(None, "saved_queries"), (Some("demo"), "refs"), (Some("demo"), "commits"), (Some("demo"), "file_changes")]
    );
    assert_eq!(diffs[1].buckets, [NO_COMMIT_BUCKET.to_string()]);
    assert!(diffs[1].commits.is_empty());

    // A repository only one side has differs in every non-empty table.
    sqlite.store.delete_repository("demo").await.unwrap();
    let diffs = compare_scope(&mut a, &mut b, Some("demo")).await.unwrap();
    assert!(diffs.iter().any(|d| d.table == "commits" && d.primary_rows == 0 && d.mirror_rows == 40));
    a.close().await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_prefix_or_table_is_a_validation_error() {
    let sqlite = fresh_store(Engine::Sqlite, Blobs::Local).await;
    let mut a = DigestConn::connect(&sqlite.config.database).await.unwrap();
    let err = a.commit_digests("demo", "commits", "'; DROP TABLE commits; --").await.unwrap_err();
    assert_eq!(err.code(), repovault_storage::ErrorCode::Validation);
    let err = a.commit_digests("demo", "refs", "a").await.unwrap_err();
    assert_eq!(err.code(), repovault_storage::ErrorCode::Validation);
    assert!(a.commit_digests("nope", "commits", "A").await.unwrap().is_empty());
}
