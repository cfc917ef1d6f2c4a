//! Team mode on a real PostgreSQL server with real login roles: a member sees and writes only the
//! rows of the workspaces granted to it, even with raw SQL through its own connection; a read-only
//! member writes nothing; the owner sees everything. SQLite says it has no roles.

use std::sync::atomic::{AtomicUsize, Ordering};

use repovault_storage::testing::raw_rows as try_raw_rows;
use repovault_storage::{open_store, DatabaseLocation, ErrorCode, NewAnalysisRun, StorageStatus, StoreConfig};
use repovault_testkit::*;

static ROLE_COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A role name no other test (or earlier run) uses.
fn unique_role(prefix: &str) -> String {
    format!(
        "rv_{prefix}_{}_{}_{}",
        std::process::id(),
        ROLE_COUNTER.fetch_add(1, Ordering::SeqCst),
        chrono::Utc::now().timestamp_subsec_micros()
    )
}

/// The store's URL with another user (and password) in it.
fn url_as(url: &str, user: &str, password: Option<&str>) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    let host = rest.rsplit_once('@').map(|(_, h)| h).unwrap_or(rest);
    match password {
        Some(p) => format!("{scheme}://{user}:{p}@{host}"),
        None => format!("{scheme}://{user}@{host}"),
    }
}

/// Drops the test's login roles when the test ends, however it ends.
struct Roles(Vec<String>);
impl Drop for Roles {
    fn drop(&mut self) {
        let admin = required_env(POSTGRES_ENV);
        let names = std::mem::take(&mut self.0);
        std::thread::spawn(move || {
            let rt = tokio::runtime::Runtime::new().unwrap();
            rt.block_on(async {
                for name in names {
                    // Terminate its sessions first; the roles own nothing, so they drop cleanly.
                    let sql = format!(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{name}'; \
                         DROP ROLE IF EXISTS \"{name}\""
                    );
                    repovault_storage::testing::raw_execute(&DatabaseLocation::Postgres(admin.clone()), &sql)
                        .await
                        .ok();
                }
            })
        })
        .join()
        .ok();
    }
}

async fn count(url: &str, sql: &str) -> i64 {
    raw_count(&DatabaseLocation::Postgres(url.to_string()), sql).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_sees_and_writes_only_its_workspaces() {
    let t = fresh_store(Engine::Postgres, Blobs::Local).await;
    let DatabaseLocation::Postgres(owner_url) = t.config.database.clone() else { unreachable!() };
    let s = t.store.as_ref();
    s.create_workspace("alpha").await.unwrap();
    s.create_workspace("beta").await.unwrap();
    let a = s.ensure_repository("alpha", "a-repo", None).await.unwrap();
    let b = s.ensure_repository("beta", "b-repo", None).await.unwrap();
    let shared = b"@@ -0,0 +1 @@\n+shared line\n".to_vec();
    for (repo, seed) in [(a.id, 1u64), (b.id, 2)] {
        let mut files = changes(seed, 3);
        files.push(change("COMMON", 1, 0, Some(&shared)));
        let c = commit(&hash_of(seed), &[], 1_700_000_000, &format!("secret of {seed}"));
        assert_eq!(s.store_commit(repo, &c, &files).await.status, StorageStatus::Stored);
        let refs = [repovault_storage::GitRef {
            name: "refs/heads/main".into(),
            kind: repovault_storage::RefKind::Branch,
            target: hash_of(seed),
        }];
        s.finish_sync(repo, &refs, false).await.unwrap();
        s.insert_analysis_run(&NewAnalysisRun {
            repository_id: repo,
            kind: "authors".into(),
            parameters: "{}".into(),
            revision: "{}".into(),
            run_key: format!("k{seed}"),
            created_at: 1,
        })
        .await
        .unwrap();
    }
    s.save_query("q-default", &repovault_storage::query::Filter::condition("author", "eq", "x")).await.unwrap();
    s.save_query("q-beta", &repovault_storage::query::Filter::condition("author", "eq", "y")).await.unwrap();
    t.raw_execute(
        "UPDATE saved_queries SET workspace_id = (SELECT id FROM workspaces WHERE name = 'beta') WHERE name = 'q-beta'",
    )
    .await;

    // Not set up yet: a clear error, nothing created.
    let alice = unique_role("alice");
    let bob = unique_role("bob");
    let _cleanup = Roles(vec![alice.clone(), bob.clone()]);
    assert_eq!(s.team_grant(&alice, "alpha", false, None).await.unwrap_err().code(), ErrorCode::Validation);
    s.team_init().await.unwrap();
    s.team_init().await.unwrap(); // idempotent
    assert_eq!(s.team_grant(&alice, "nowhere", false, None).await.unwrap_err().code(), ErrorCode::NotFound);
    assert_eq!(s.team_grant("rv", "alpha", false, None).await.unwrap_err().code(), ErrorCode::Validation);
    s.team_grant(&alice, "alpha", false, Some("alice pw ' quoted")).await.unwrap();
    s.team_grant(&bob, "beta", true, None).await.unwrap();
    let list = s.team_list().await.unwrap();
    assert_eq!(list.len(), 2);
    assert!(list.iter().any(|g| g.role == bob && g.workspace == "beta" && g.read_only));
    let owner = s.team_status().await.unwrap();
    assert!(owner.supported && owner.initialised && !owner.member);

    // Raw SQL through alice's own connection: only alpha's rows, in every table that has them.
    let alice_url = url_as(&owner_url, &alice, Some("alice pw ' quoted"));
    let expect_alpha = [
        ("SELECT COUNT(*) FROM workspaces", 1),
        ("SELECT COUNT(*) FROM repositories", 1),
        ("SELECT COUNT(*) FROM commits", 1),
        ("SELECT COUNT(*) FROM commits WHERE message LIKE 'secret of 2%'", 0),
        ("SELECT COUNT(*) FROM file_changes", 4),
        ("SELECT COUNT(*) FROM commit_parents", 0),
        ("SELECT COUNT(*) FROM change_text", 1),
        ("SELECT COUNT(*) FROM refs", 1),
        ("SELECT COUNT(*) FROM analysis_runs", 1),
        ("SELECT COUNT(*) FROM saved_queries", 0),
        ("SELECT COUNT(*) FROM audit_log", 0),
        // Its three own diff texts and the shared one; not beta's three.
        ("SELECT COUNT(*) FROM diff_blobs", 4),
    ];
    for (sql, expected) in expect_alpha {
        assert_eq!(count(&alice_url, sql).await, expected, "alice: {sql}");
    }
    assert_eq!(count(&owner_url, "SELECT COUNT(*) FROM diff_blobs").await, 7);
    // The change index: each segment holds one workspace's commits, and a member reads only its
    // workspaces' segments and their blocks.
    let in_workspace = |table: &str, ws: &str| {
        let segment = if table == "change_gram_blocks" { "segment" } else { "id" };
        format!(
            "SELECT COUNT(*) FROM {table} x JOIN change_gram_segments s ON s.id = x.{segment} \
             JOIN workspaces w ON w.id = s.workspace_id WHERE w.name = '{ws}'"
        )
    };
    for table in ["change_gram_segments", "change_gram_blocks"] {
        let alpha = count(&owner_url, &in_workspace(table, "alpha")).await;
        assert!(alpha > 0 && count(&owner_url, &in_workspace(table, "beta")).await > 0, "{table}: both indexed");
        assert_eq!(count(&alice_url, &format!("SELECT COUNT(*) FROM {table}")).await, alpha, "alice: {table}");
    }
    let denied =
        try_raw_rows::<(i64,)>(&DatabaseLocation::Postgres(alice_url.clone()), "SELECT id FROM backup_schedules")
            .await
            .unwrap_err();
    assert!(denied.to_string().contains("permission denied"), "{denied}");
    // Writing into beta's rows through raw SQL changes nothing; making a workspace is refused.
    let alice_db = DatabaseLocation::Postgres(alice_url.clone());
    raw_execute(&alice_db, "UPDATE commits SET message = 'overwritten'").await;
    raw_execute(&alice_db, "DELETE FROM file_changes").await; // her own rows only
    assert_eq!(count(&owner_url, "SELECT COUNT(*) FROM commits WHERE message = 'overwritten'").await, 1);
    assert_eq!(count(&owner_url, "SELECT COUNT(*) FROM file_changes").await, 4);
    assert!(repovault_storage::testing::raw_execute(
        &alice_db,
        "INSERT INTO workspaces (name, created_at) VALUES ('mine', 0)"
    )
    .await
    .is_err());
    assert!(repovault_storage::testing::raw_execute(
        &alice_db,
        &format!(
            "INSERT INTO refs (repository_id, name, kind, target_hash, updated_at) VALUES ({}, 'x', 'branch', 'x', 0)",
            b.id
        )
    )
    .await
    .is_err());

    // The store opened as alice: the app shows only her workspace and writes into it.
    let config = StoreConfig { database: DatabaseLocation::Postgres(alice_url.clone()), ..t.config.clone() };
    let as_alice = open_store(&config).await.expect("a member opens the store");
    assert_eq!(as_alice.workspaces().await.unwrap().iter().map(|w| w.name.clone()).collect::<Vec<_>>(), ["alpha"]);
    assert_eq!(as_alice.repositories().await.unwrap().iter().map(|r| r.name.clone()).collect::<Vec<_>>(), ["a-repo"]);
    let status = as_alice.team_status().await.unwrap();
    assert!(status.member && status.role == alice, "{status:?}");
    assert_eq!(as_alice.repository_by_name("b-repo").await.unwrap_err().code(), ErrorCode::NotFound);
    let mut files = changes(9, 2);
    files.push(change("COMMON", 1, 0, Some(&shared)));
    let stored = as_alice.store_commit(a.id, &commit(&hash_of(9), &[], 1_700_000_100, "by alice"), &files).await;
    assert_eq!(stored.status, StorageStatus::Stored, "{stored:?}");
    // Her batch indexed its own commit, under her policies: nothing is left queued, and the owner
    // finds it through the index.
    assert_eq!(count(&owner_url, "SELECT COUNT(*) FROM change_index_queue").await, 0);
    assert!(as_alice.ensure_repository("beta", "sneaky", None).await.is_err());
    let failed = as_alice.store_commit(b.id, &commit(&hash_of(10), &[], 1, "into beta"), &changes(10, 1)).await;
    assert_eq!(failed.status, StorageStatus::Failed);
    as_alice.close().await;

    // Bob reads beta only and writes nothing, not even into beta.
    let bob_url = url_as(&owner_url, &bob, None);
    assert_eq!(count(&bob_url, "SELECT COUNT(*) FROM commits WHERE message = 'secret of 2'").await, 1);
    assert_eq!(count(&bob_url, "SELECT COUNT(*) FROM commits").await, 1);
    assert_eq!(count(&bob_url, "SELECT COUNT(*) FROM saved_queries").await, 1);
    let bob_db = DatabaseLocation::Postgres(bob_url.clone());
    raw_execute(&bob_db, "UPDATE commits SET message = 'bob was here'").await;
    raw_execute(&bob_db, "DELETE FROM refs").await;
    assert_eq!(count(&owner_url, "SELECT COUNT(*) FROM commits WHERE message = 'bob was here'").await, 0);
    assert_eq!(count(&owner_url, "SELECT COUNT(*) FROM refs").await, 2);
    let as_bob = open_store(&StoreConfig { database: bob_db.clone(), ..t.config.clone() }).await.unwrap();
    let refused = as_bob.store_commit(b.id, &commit(&hash_of(11), &[], 1, "bob writes"), &changes(11, 1)).await;
    assert_eq!(refused.status, StorageStatus::Failed);
    as_bob.close().await;

    // The owner sees everything, alice's new commit included.
    assert_eq!(s.repositories().await.unwrap().len(), 2);
    assert_eq!(count(&owner_url, "SELECT COUNT(*) FROM commits").await, 3);

    // Revoking takes the rows away at once; revoking again is NotFound.
    s.team_revoke(&alice, "alpha").await.unwrap();
    assert_eq!(count(&alice_url, "SELECT COUNT(*) FROM commits").await, 0);
    assert_eq!(s.team_revoke(&alice, "alpha").await.unwrap_err().code(), ErrorCode::NotFound);
    assert_eq!(s.team_list().await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_says_it_has_no_roles() {
    let t = fresh_store(Engine::Sqlite, Blobs::Local).await;
    let status = t.store.team_status().await.unwrap();
    assert!(!status.supported);
    let err = t.store.team_init().await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
    assert!(err.to_string().contains("SQLite has no roles"), "{err}");
    assert_eq!(t.store.team_grant("alice", "default", false, None).await.unwrap_err().code(), ErrorCode::Validation);
}
