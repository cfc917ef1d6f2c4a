//! Workspaces: create, rename, delete saying what goes, move a repository; queries scoped by the
//! `workspace` field.

use repovault_storage::query::{CommitQuery, Filter};
use repovault_storage::{ErrorCode, StorageStatus};
use repovault_testkit::*;

pub(crate) async fn workspaces_are_created_renamed_moved_and_deleted(t: TestStore) {
    let s = t.store.as_ref();
    let all = s.workspaces().await.unwrap();
    assert_eq!(all.iter().map(|w| w.name.as_str()).collect::<Vec<_>>(), ["default"]);
    assert_eq!(all[0].repository_count, 0);

    let created = s.create_workspace("platform").await.unwrap();
    assert_eq!((created.name.as_str(), created.repository_count), ("platform", 0));
    assert_eq!(s.create_workspace("platform").await.unwrap_err().code(), ErrorCode::Duplicate);
    for bad in ["", " padded", "tab\there", &"x".repeat(201)] {
        assert_eq!(s.create_workspace(bad).await.unwrap_err().code(), ErrorCode::Validation, "{bad:?}");
    }
    let renamed = s.rename_workspace("platform", "infra").await.unwrap();
    assert_eq!((renamed.id, renamed.name.as_str()), (created.id, "infra"));
    assert_eq!(s.rename_workspace("platform", "x").await.unwrap_err().code(), ErrorCode::NotFound);
    assert_eq!(s.rename_workspace("default", "x").await.unwrap_err().code(), ErrorCode::Validation);
    s.create_workspace("web").await.unwrap();
    assert_eq!(s.rename_workspace("web", "infra").await.unwrap_err().code(), ErrorCode::Duplicate);

    // Two repositories in `infra`, one in `default`; one diff text shared across workspaces.
    let api = s.ensure_repository("infra", "api", None).await.unwrap();
    let ops = s.ensure_repository("infra", "ops", None).await.unwrap();
    let site = s.ensure_repository("default", "site", None).await.unwrap();
    assert_eq!(api.workspace, "infra");
    let shared = b"--- a/LICENSE\n+++ b/LICENSE\n@@ -0,0 +1 @@\n+MIT\n".to_vec();
    for (repo, seed) in [(api.id, 1u64), (ops.id, 2), (site.id, 3)] {
        for n in 0..3u64 {
            let mut files = changes(seed * 10 + n, 2);
            files.push(change("LICENSE", 1, 0, Some(&shared)));
            let c = commit(&hash_of(seed * 100 + n), &[], 1_700_000_000 + n as i64, "work");
            assert_eq!(s.store_commit(repo, &c, &files).await.status, StorageStatus::Stored);
        }
    }
    let infra = s.workspace("infra").await.unwrap();
    assert_eq!((infra.repository_count, infra.commit_count), (2, 6));

    // The `workspace` field scopes queries.
    let in_infra = CommitQuery { filter: Some(Filter::condition("workspace", "eq", "infra")), ..Default::default() };
    assert_eq!(s.count_commits(&in_infra).await.unwrap(), 6);

    // Moving a repository takes its commits along.
    let moved = s.move_repository("ops", "default").await.unwrap();
    assert_eq!(moved.workspace, "default");
    assert_eq!(s.count_commits(&in_infra).await.unwrap(), 3);
    assert_eq!(s.workspace("default").await.unwrap().commit_count, 6);
    assert_eq!(s.move_repository("ops", "nowhere").await.unwrap_err().code(), ErrorCode::NotFound);
    assert_eq!(s.move_repository("nothing", "infra").await.unwrap_err().code(), ErrorCode::NotFound);
    s.move_repository("ops", "infra").await.unwrap();

    // Deleting says what goes, then removes exactly that.
    let before_blobs = t.raw_count("SELECT COUNT(*) FROM diff_blobs").await;
    let preview = s.workspace_contents("infra").await.unwrap();
    assert_eq!(preview.repositories, ["api", "ops"]);
    assert_eq!(preview.commits, 6);
    assert_eq!(s.delete_workspace("default").await.unwrap_err().code(), ErrorCode::Validation);
    let gone = s.delete_workspace("infra").await.unwrap();
    assert_eq!(gone, preview);
    assert_eq!(s.workspace("infra").await.unwrap_err().code(), ErrorCode::NotFound);
    let left: Vec<String> = s.repositories().await.unwrap().into_iter().map(|r| r.name).collect();
    assert_eq!(left, ["site"]);
    assert_eq!(t.raw_count("SELECT COUNT(*) FROM commits").await, 3);
    // The shared diff text stays for `site`; only the texts of the removed commits went.
    let site_commit = s.get_commit_by_hash(Some(site.id), &hash_of(300)).await.unwrap();
    assert!(site_commit.changes.iter().any(|c| c.diff.as_deref().map(str::as_bytes) == Some(&shared[..])));
    assert_eq!(t.raw_count("SELECT COUNT(*) FROM diff_blobs").await, before_blobs - 12);
    let audit: Vec<String> = s.audit_log(20).await.unwrap().into_iter().map(|a| a.action).collect();
    for action in ["workspace.create", "workspace.rename", "repository.move", "workspace.delete"] {
        assert!(audit.iter().any(|a| a == action), "{action} in {audit:?}");
    }
}

pub(crate) async fn saved_queries_belong_to_a_workspace(t: TestStore) {
    let s = t.store.as_ref();
    s.save_query("mine", &Filter::condition("author", "eq", "Alice")).await.unwrap();
    let (ws,): (String,) = t
        .raw_rows("SELECT w.name FROM saved_queries q JOIN workspaces w ON w.id = q.workspace_id")
        .await
        .into_iter()
        .next()
        .unwrap();
    assert_eq!(ws, "default");
    s.create_workspace("gone").await.unwrap();
    s.move_saved_query("mine", "gone").await.unwrap();
    assert_eq!(s.move_saved_query("mine", "nowhere").await.unwrap_err().code(), ErrorCode::NotFound);
    assert_eq!(s.move_saved_query("nothing", "gone").await.unwrap_err().code(), ErrorCode::NotFound);
    let records = s.saved_query_records().await.unwrap();
    assert_eq!((records[0].name.as_str(), records[0].workspace.as_deref()), ("mine", Some("gone")));
    assert_eq!(s.workspace_contents("gone").await.unwrap().saved_queries, 1);
    s.delete_workspace("gone").await.unwrap();
    assert!(s.saved_queries().await.unwrap().is_empty());
}

pub(crate) async fn workspace_counts_scope_each_table(t: TestStore) {
    use repovault_storage::{GitRef, RefKind, WorkspaceCount};
    let s = t.store.as_ref();
    s.create_workspace("infra").await.unwrap();
    s.create_workspace("web").await.unwrap();
    let api = s.ensure_repository("infra", "api", None).await.unwrap();
    let ops = s.ensure_repository("infra", "ops", None).await.unwrap();
    let site = s.ensure_repository("default", "site", None).await.unwrap();
    // api: 4 commits of 2 files, ops: 2 of 3, site: 3 of 1.
    for (repo, seed, commits) in [(api.id, 1u64, 4u64), (ops.id, 2, 2), (site.id, 3, 3)] {
        for n in 0..commits {
            let c = commit(&hash_of(seed * 100 + n), &[], 1_700_000_000 + n as i64, "work");
            let files = changes(seed * 10 + n, (seed % 3 + 1) as usize);
            assert_eq!(s.store_commit(repo, &c, &files).await.status, StorageStatus::Stored);
        }
    }
    let main = |hash: u64| GitRef { name: "refs/heads/main".into(), kind: RefKind::Branch, target: hash_of(hash) };
    s.finish_sync(api.id, &[main(103)], false).await.unwrap();
    s.finish_sync(site.id, &[main(302)], false).await.unwrap();
    s.save_query("mine", &Filter::condition("author", "eq", "Alice")).await.unwrap();
    let count = |workspace: &str, repositories, commits, file_changes, refs, saved_queries| WorkspaceCount {
        workspace: workspace.into(),
        repositories,
        commits,
        file_changes,
        refs,
        analysis_runs: 0,
        saved_queries,
    };
    assert_eq!(
        s.workspace_counts().await.unwrap(),
        [count("default", 1, 3, 3, 1, 1), count("infra", 2, 6, 14, 1, 0), count("web", 0, 0, 0, 0, 0)]
    );
    // Moving a repository moves its rows' counts along.
    s.move_repository("ops", "web").await.unwrap();
    assert_eq!(
        s.workspace_counts().await.unwrap(),
        [count("default", 1, 3, 3, 1, 1), count("infra", 1, 4, 8, 1, 0), count("web", 1, 2, 6, 0, 0)]
    );
}
