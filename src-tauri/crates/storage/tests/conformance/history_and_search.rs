//! Conformance tests of the history views (graph, file history), the change-text search and the
//! analyses' filters, on both backends; registered in the `conformance!` list of conformance.rs.

use super::*;

pub(crate) async fn changed_lines_are_searched_by_side_and_case(t: TestStore) {
    use repovault_storage::query::{parse_search, CommitQuery};
    let demo = repo(&t).await;
    let first = b"@@ -1,2 +1,2 @@\n context_line\n-let x = parse_Value(a);\n+let x = parse_value(a)?;\n".as_slice();
    let second = b"@@ -0,0 +1 @@\n+// 100% done_now\n".as_slice();
    let binary = NewFileChange { is_binary: true, ..change("logo.png", 0, 0, Some(b"+parse_value".as_slice())) };
    t.store
        .store_commit(demo, &commit(&hash_of(1), &[], 1_700_000_000, "one"), &[change("a.rs", 1, 1, Some(first))])
        .await;
    t.store
        .store_commit(
            demo,
            &commit(&hash_of(2), &[], 1_700_000_100, "two"),
            &[change("b.rs", 1, 0, Some(second)), binary],
        )
        .await;
    // Each batch indexed its own lines: nothing waits in the queue (on PostgreSQL the queue's
    // trigger stands aside for a batch, see migration 20261205000001).
    assert_eq!(t.raw_count("SELECT COUNT(*) FROM change_text").await, 2);
    assert_eq!(t.raw_count("SELECT COUNT(*) FROM change_index_queue").await, 0);
    let found = |text: &'static str| {
        let store = t.store.clone();
        async move {
            let query = CommitQuery { filter: Some(parse_search(text).unwrap()), ..Default::default() };
            let page = store.query_commits(&query).await.unwrap_or_else(|e| panic!("{text}: {e}"));
            page.commits.iter().map(|c| c.hash[..2].to_string()).collect::<Vec<_>>()
        }
    };
    let (one, two) = (hash_of(1)[..2].to_string(), hash_of(2)[..2].to_string());
    assert_eq!(found("change:parse_value").await, vec![one.clone()], "either side, any case; not binary files");
    assert_eq!(found("added:parse_value").await, vec![one.clone()]);
    assert_eq!(found("removed:PARSE_VALUE").await, Vec::<String>::new(), "capitals match as written");
    assert_eq!(found("removed:parse_Value").await, vec![one.clone()]);
    assert_eq!(found("added:parse_Value").await, Vec::<String>::new());
    assert_eq!(found("change:context_line").await, Vec::<String>::new(), "context lines are not changes");
    assert_eq!(found("change:100%").await, vec![two.clone()], "% and _ are literal");
    assert_eq!(found("change:0%").await, vec![two.clone()], "short text is scanned");
    assert_eq!(found("change:?").await, vec![one.clone()], "one character");
    assert_eq!(found("change:_n").await, vec![two.clone()]);
    assert_eq!(found(r#"change:"x = parse""#).await, vec![one.clone()], "spaces inside quotes");
    assert_eq!(found("-change:parse").await, vec![two.clone()]);
    let rows: Vec<(String, String)> = t.raw_rows("SELECT added, removed FROM change_text ORDER BY commit_id").await;
    assert_eq!(
        rows,
        vec![
            ("let x = parse_value(a)?;".to_string(), "let x = parse_Value(a);".to_string()),
            ("// 100% done_now".to_string(), String::new()),
        ]
    );
    let repository = t.store.set_change_index("demo", false).await.unwrap();
    assert!(!repository.index_changes);
    assert_eq!(found("change:parse_value").await, Vec::<String>::new());
    assert_eq!(t.store.audit_log(1).await.unwrap()[0].action, "repository.change_index");
    assert!(t.store.set_change_index("demo", true).await.unwrap().index_changes);
    assert_eq!(found("change:parse_value").await, vec![one], "stored commits indexed again");
    assert_eq!(t.store.set_change_index("nope", true).await.unwrap_err().code(), "not_found");
}

pub(crate) async fn the_graph_and_a_files_history_come_from_the_stored_parents(t: TestStore) {
    let demo = repo(&t).await;
    let h = |n: u64| hash_of(n);
    let renamed = |from: &str, to: &str| NewFileChange {
        old_path: Some(from.to_string()),
        kind: ChangeKind::Renamed,
        ..change(to, 0, 0, None)
    };
    let added =
        |path: &str| NewFileChange { kind: ChangeKind::Added, ..change(path, 1, 0, Some(b"@@ -1,0 +1,1 @@\n+x\n")) };
    // 1 root adds a.txt; 2 edits it on main; 3 renames it to b.txt on a branch; 4 merges 3 into 2; 5 edits b.txt.
    let (a1, a2, b1, b2) = (h(1), h(2), h(3), h(4));
    let batch = vec![
        (commit(&a1, &[], 1_000, "root"), vec![added("a.txt")]),
        (commit(&a2, &[&a1], 2_000, "edit"), vec![change("a.txt", 1, 1, None)]),
        (commit(&b1, &[&a1], 3_000, "rename"), vec![renamed("a.txt", "b.txt")]),
        (commit(&b2, &[&a2, &b1], 4_000, "merge"), vec![renamed("a.txt", "b.txt")]),
        (commit(&h(5), &[&b2], 5_000, "edit b"), vec![change("b.txt", 2, 0, None)]),
    ];
    t.store.store_commits(demo, &batch).await.unwrap();
    t.store
        .finish_sync(
            demo,
            &[GitRef { name: "refs/heads/side".into(), kind: RefKind::Branch, target: b1.clone() }],
            false,
        )
        .await
        .unwrap();

    let page = t.store.graph_page(demo, None, 0, 10).await.unwrap();
    assert_eq!((page.total, page.width), (5, 2));
    let hashes: Vec<_> = page.rows.iter().map(|r| r.hash.clone()).collect();
    assert_eq!(hashes, [h(5), b2.clone(), b1.clone(), a2.clone(), a1.clone()]);
    type Lanes = (u32, Vec<u32>, Vec<u32>, Vec<u32>);
    let lanes: Vec<Lanes> =
        page.rows.iter().map(|r| (r.lane, r.top.clone(), r.bottom.clone(), r.pass.clone())).collect();
    assert_eq!(
        lanes,
        [
            (0, vec![], vec![0], vec![]),
            (0, vec![0], vec![0, 1], vec![]),
            // The branch's commit keeps its lane down to the root; main's edit joins it there.
            (1, vec![1], vec![1], vec![0]),
            (0, vec![0], vec![1], vec![1]),
            (1, vec![1], vec![], vec![]),
        ]
    );
    let paged = t.store.graph_page(demo, None, 3, 10).await.unwrap();
    assert_eq!(paged.rows.iter().map(|r| r.row).collect::<Vec<_>>(), [3, 4]);
    let side = t.store.graph_page(demo, Some("side"), 0, 10).await.unwrap();
    assert_eq!(side.rows.iter().map(|r| r.hash.clone()).collect::<Vec<_>>(), [b1.clone(), a1.clone()]);
    assert_eq!(t.store.graph_page(demo, Some("nope"), 0, 10).await.unwrap_err().code(), "not_found");
    assert_eq!(t.store.graph_page(demo, None, -1, 10).await.unwrap_err().code(), "validation");

    // A new commit rebuilds the graph of every commit.
    t.store.store_commit(demo, &commit(&h(6), &[&h(5)], 6_000, "more"), &[]).await;
    let page = t.store.graph_page(demo, None, 0, 10).await.unwrap();
    assert_eq!(page.total, 6);
    assert_eq!(page.rows[0].hash, h(6));
    // The walks read the commit graph kept beside the lanes, refreshed with the commits.
    assert_eq!(t.raw_count("SELECT COUNT(*) FROM graph_scopes WHERE scope = '#dag'").await, 1);
    let dag = t.store.commit_dag(demo).await.unwrap();
    assert_eq!(dag.hashes, [h(6), h(5), b2.clone(), b1.clone(), a2.clone(), a1.clone()]);
    assert_eq!(dag.parents[2], [4, 3]);

    // b.txt's history follows the branch's rename back to a.txt, and from there on a.txt is
    // followed in every older commit, main's edit too (as git log --follow switches its one path);
    // the merge is left out.
    let history: Vec<_> =
        t.store.file_history(demo, "b.txt", None).await.unwrap().into_iter().map(|c| c.hash).collect();
    assert_eq!(history, [h(5), b1.clone(), a2.clone(), a1.clone()]);
    let on_side: Vec<_> =
        t.store.file_history(demo, "b.txt", Some("side")).await.unwrap().into_iter().map(|c| c.hash).collect();
    assert_eq!(on_side, [b1.clone(), a1.clone()]);
    assert_eq!(t.store.resolve_revision(demo, "side~1").await.unwrap(), a1);
    assert_eq!(t.store.resolve_revision(demo, &format!("{}^2", &b2[..8])).await.unwrap(), b1);

    t.store.delete_repository("demo").await.unwrap();
    assert_eq!(t.raw_count("SELECT COUNT(*) FROM graph_rows").await, 0);
    assert_eq!(t.raw_count("SELECT COUNT(*) FROM graph_scopes").await, 0);
}

/// The analyses' filters, as the regular expressions the analysis crate writes: path filters keep
/// commits with a kept change (their lines only) and flag file rows; author patterns match a name
/// or an e-mail in any case.
pub(crate) async fn history_filters_keep_paths_and_leave_out_authors(t: TestStore) {
    let demo = repo(&t).await;
    let by = |n: u64, author: &str, changes: &[NewFileChange]| {
        let mut c = commit(&hash_of(n), &[], 1_700_000_000 + n as i64 * 3600, "change");
        c.author = signature(author, c.author.time);
        (c, changes.to_vec())
    };
    let commits = [
        by(1, "Alice", &[change("src/a.rs", 5, 1, None), change("Cargo.lock", 100, 50, None)]),
        by(2, "Alice", &[change("Cargo.lock", 10, 10, None)]),
        by(3, "Bot[bot]", &[change("src/a.rs", 1, 0, None), change("sub/yarn.lock", 7, 0, None)]),
        by(4, "Bob", &[change("docs/r.md", 2, 0, None)]),
    ];
    for (c, changes) in &commits {
        assert!(t.store.store_commit(demo, c, changes).await.success);
    }
    let lock = r"^(?:.*/)?[^/]*\.lock(?:/.*)?$".to_string();
    let scope = |filter: HistoryFilter| HistoryScope { repository_id: demo, filter, ..HistoryScope::default() };
    let filter = HistoryFilter {
        exclude_paths: vec![lock.clone(), "^Cargo\\.lock$".into()],
        exclude_authors: vec![r"(?i)^.*\[BOT\].*$".into(), "(?i)^nobody$".into()],
        ..HistoryFilter::default()
    };
    let filtered = scope(filter.clone());

    // Commit-level: Alice's lock-only commit and the bot's commit are not counted; lines are the
    // kept changes' only.
    let mut days: Vec<_> = t.store.author_days(&filtered).await.unwrap();
    days.sort_by(|a, b| a.name.cmp(&b.name));
    let got: Vec<_> = days.iter().map(|d| (d.name.as_str(), d.commits, d.additions, d.deletions)).collect();
    assert_eq!(got, vec![("Alice", 1, 5, 1), ("Bob", 1, 2, 0)]);
    let hours = t.store.hour_totals(&filtered).await.unwrap();
    let got: Vec<_> = hours.iter().map(|h| (h.commits, h.additions, h.deletions)).collect();
    assert_eq!(got, vec![(1, 5, 1), (1, 2, 0)], "Alice's first commit, Bob's three hours later");
    assert_eq!(t.store.commits_in_scope(&filtered).await.unwrap(), 3, "the bot's commit is left out");
    let bots = t.store.left_out_authors(&filtered).await.unwrap();
    assert_eq!(bots.len(), 1);
    assert_eq!(
        (bots[0].name.as_str(), bots[0].email.as_str(), bots[0].commits),
        ("Bot[bot]", "bot[bot]@example.com", 1)
    );

    // File-level: every row of the kept authors, flagged.
    let mut paths = t.store.path_totals(&filtered).await.unwrap();
    paths.sort_by(|a, b| a.path.cmp(&b.path));
    let got: Vec<_> = paths.iter().map(|p| (p.path.as_str(), p.commits, p.additions, p.kept)).collect();
    assert_eq!(got, vec![("Cargo.lock", 2, 110, false), ("docs/r.md", 1, 2, true), ("src/a.rs", 1, 5, true)]);
    let rows = t.store.commit_paths(&filtered, CommitPaths::All).await.unwrap();
    let kept: Vec<_> = rows.iter().filter(|r| r.kept).map(|r| r.path.as_str()).collect();
    assert_eq!((rows.len(), kept), (4, vec!["src/a.rs", "docs/r.md"]));
    let lines = t.store.author_path_lines(&filtered).await.unwrap();
    assert!(lines.iter().all(|l| l.kept != l.path.ends_with(".lock") && l.name != "Bot[bot]"), "{lines:?}");

    // Only what is included, and nothing left out without a filter.
    let src = scope(HistoryFilter { include_paths: vec!["^src/.*$".into()], ..HistoryFilter::default() });
    let got: Vec<_> = t.store.author_days(&src).await.unwrap().iter().map(|d| (d.name.clone(), d.commits)).collect();
    assert_eq!(got.len(), 2, "Alice's first commit and the bot's: {got:?}");
    let everything = scope(HistoryFilter::default());
    assert!(t.store.path_totals(&everything).await.unwrap().iter().all(|p| p.kept));
    assert!(t.store.left_out_authors(&everything).await.unwrap().is_empty());
    assert_eq!(t.store.commits_in_scope(&everything).await.unwrap(), 4);
}
