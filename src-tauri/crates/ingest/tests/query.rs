//! Query conformance: one generated repository imported into SQLite and into PostgreSQL, the same
//! questions asked of both (answers must be identical, row for row) and, where git can answer
//! the same question, of git too.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::*;
use repovault_ingest::ImportOptions;
use repovault_storage::query::{parse_search, CommitQuery, Filter, QueryOptions};
use repovault_storage::Store;
use repovault_testkit::{git, git_text, git_with_env, init_repo, make_repo, Engine};
use serde_json::json;

/// Every matching hash in query order, following cursors page by page.
async fn all_hashes(store: &dyn Store, filter: &Filter, sort_by: &str, order: &str, page: u32) -> (Vec<String>, i64) {
    let mut hashes = Vec::new();
    let mut cursor = None;
    let mut total = None;
    let mut lower_bound;
    loop {
        let query = CommitQuery {
            filter: Some(filter.clone()),
            options: QueryOptions {
                limit: Some(page),
                cursor: cursor.clone(),
                sort_by: Some(sort_by.into()),
                sort_order: Some(order.into()),
                ..QueryOptions::default()
            },
        };
        let result = store.query_commits(&query).await.unwrap_or_else(|e| panic!("{filter:?}: {e}"));
        assert!(result.commits.len() <= page as usize);
        total.get_or_insert(result.total);
        assert_eq!(Some(result.total), total, "the total does not change between pages");
        lower_bound = result.total_is_lower_bound;
        hashes.extend(result.commits.into_iter().map(|c| c.hash));
        match result.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let total = total.unwrap();
    let exact = store
        .count_commits(&CommitQuery { filter: Some(filter.clone()), ..CommitQuery::default() })
        .await
        .unwrap_or_else(|e| panic!("{filter:?}: {e}"));
    assert_eq!(exact, hashes.len() as i64, "{filter:?}: the exact count is the number of rows paged");
    if lower_bound {
        assert_eq!(total, 1000, "{filter:?}: counting stops at the cap");
        assert!(hashes.len() as i64 > total, "{filter:?}: a lower bound is below the real count");
    } else {
        assert_eq!(hashes.len() as i64, total, "{filter:?}: pages add up to the total");
    }
    (hashes, total)
}

fn git_hashes(repo: &Path, args: &[&str]) -> BTreeSet<String> {
    let mut full = vec!["log", "--branches", "--tags", "--format=%H"];
    full.extend_from_slice(args);
    let out = git_with_env(repo, &full, &[("TZ", "UTC")]);
    String::from_utf8(out).unwrap().lines().map(str::to_string).collect()
}

fn c(field: &str, op: &str, value: serde_json::Value) -> Filter {
    Filter::condition(field, op, value)
}

fn and(parts: Vec<Filter>) -> Filter {
    Filter::And(parts)
}

fn not(filter: Filter) -> Filter {
    Filter::Not(Box::new(filter))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_questions_get_the_same_answers_on_both_backends_and_from_git() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    make_repo(&repo, 1200);
    let sqlite = fresh_store(Engine::Sqlite).await;
    let postgres = fresh_store(Engine::Postgres).await;
    sqlite.import(&repo, &ImportOptions::default()).await.unwrap();
    postgres.import(&repo, &ImportOptions::default()).await.unwrap();
    let some_hash = git_text(&repo, &["rev-parse", "HEAD~7"]);

    // PostgreSQL writes the full-text columns in each commit's own INSERT: what a rebuild computes.
    let vectors = "SELECT id, search::text, stems::text FROM commits ORDER BY id";
    let imported: Vec<(i64, String, String)> = postgres.raw_rows(vectors).await;
    assert!(imported.len() > 1000 && imported.iter().all(|(_, words, stems)| !words.is_empty() && !stems.is_empty()));
    postgres.raw_execute("UPDATE commits SET search = NULL, stems = NULL").await;
    postgres.raw_execute("UPDATE repositories SET search_version = 0").await;
    assert_eq!(postgres.store.rebuild_search_index().await.unwrap(), imported.len() as u64);
    assert_eq!(postgres.raw_rows::<(i64, String, String)>(vectors).await, imported);

    // (filter, git arguments that ask the same question, when git can)
    let no_merges = || c("merge", "eq", json!(false));
    let cases: Vec<(Filter, Option<Vec<&str>>)> = vec![
        (and(vec![]), Some(vec![])),
        (c("author", "like", json!("%alice%")), Some(vec!["-i", "--author=alice"])),
        (c("author", "like", json!("%ChLoÉ%")), None),
        (c("author", "eq", json!("Bob Lee")), None),
        (c("author", "eq", json!("bob@example.com")), Some(vec!["--author=^Bob Lee <bob@example.com>$"])),
        (c("author", "in", json!(["Bob Lee", "김철수"])), None),
        (c("author", "not_in", json!(["Bob Lee", "김철수"])), None),
        (c("author", "ne", json!("Bob Lee")), None),
        (c("committer", "like", json!("%eve%")), Some(vec!["-i", "--committer=eve"])),
        (c("message", "like", json!("%fix%")), Some(vec!["-i", "--grep=fix"])),
        (c("message", "like", json!("%backup%")), Some(vec!["-i", "--grep=backup"])),
        (not(c("message", "like", json!("%fix%"))), Some(vec!["-i", "--grep=fix", "--invert-grep"])),
        (c("date", "gte", json!("2017-09-01")), Some(vec!["--since=2017-09-01T00:00:00Z"])),
        (c("date", "lt", json!("2017-09-01")), Some(vec!["--until=2017-08-31T23:59:59Z"])),
        (
            and(vec![c("date", "gte", json!("2017-08-01")), c("date", "lt", json!("2017-09-01"))]),
            Some(vec!["--since=2017-08-01T00:00:00Z", "--until=2017-08-31T23:59:59Z"]),
        ),
        (c("date", "gt", json!(1_500_100_000)), None),
        (c("author_date", "lte", json!("2017-08-01T12:00:00+02:00")), None),
        (c("merge", "eq", json!(true)), Some(vec!["--merges"])),
        (no_merges(), Some(vec!["--no-merges"])),
        (
            and(vec![no_merges(), c("path", "like", json!("src/%"))]),
            Some(vec!["--no-merges", "--full-history", "--", "src/"]),
        ),
        (
            and(vec![no_merges(), c("path", "like", json!("docs/%"))]),
            Some(vec!["--no-merges", "--full-history", "--", "docs/"]),
        ),
        (
            and(vec![no_merges(), c("path", "glob", json!("*.go"))]),
            Some(vec!["--no-merges", "--full-history", "--", "*.go"]),
        ),
        (
            and(vec![no_merges(), c("path", "eq", json!("Cargo.toml"))]),
            Some(vec!["--no-merges", "--full-history", "--", "Cargo.toml"]),
        ),
        (c("path", "glob", json!("web/*.ts")), None),
        (c("path", "glob", json!("py/[a-f]*")), None),
        (not(c("path", "like", json!("%.md"))), None),
        (c("path", "in", json!(["Cargo.toml", "package.json"])), None),
        (c("hash", "eq", json!(&some_hash[..7])), None),
        (c("hash", "in", json!([&some_hash[..8], "0000"])), None),
        (c("additions", "gt", json!(100)), None),
        (c("deletions", "eq", json!(0)), None),
        (c("files_changed", "gte", json!(3)), None),
        (c("files_changed", "lt", json!(1)), None),
        (c("repository", "eq", json!("demo")), Some(vec![])),
        (c("repository", "ne", json!("demo")), None),
        (c("workspace", "eq", json!("default")), None),
        (Filter::Or(vec![c("author", "like", json!("%bob%")), c("message", "like", json!("%cache%"))]), None),
        (and(vec![c("author", "like", json!("%alice%")), not(c("path", "like", json!("src/%"))), no_merges()]), None),
        (c("message", "like", json!("x'; DROP TABLE commits; --")), Some(vec!["--grep=x'; DROP TABLE commits; --"])),
        (parse_search("author:alice after:2017-09-01").unwrap(), None),
        (parse_search(r#"-author:bob "fix""#).unwrap(), None),
        (parse_search("path:src/*.rs merge:no").unwrap(), None),
        (parse_search("refactor cache").unwrap(), None),
        (parse_search(r#"message:"parse" before:2017-09-15"#).unwrap(), None),
        // Full-text search over messages and changed paths.
        (c("text", "match", json!("cache")), None),
        (c("text", "match", json!("FIX")), None),
        (c("text", "match", json!("fix import")), None),
        (c("text", "match", json!("renamed")), None),
        (c("text", "match", json!("docs core")), None),
        (and(vec![c("text", "match", json!("backup")), c("author", "like", json!("%bob%"))]), None),
        (not(c("text", "match", json!("web"))), None),
        (parse_search(r#"restore "in src" -merge:yes"#).unwrap(), None),
        (c("branch", "eq", json!("main")), None),
        (and(vec![c("branch", "ne", json!("main")), c("author", "like", json!("%a%"))]), None),
        (parse_search("branch:main fix").unwrap(), None),
    ];
    assert!(cases.len() >= 50);

    // A short hash finds the commit git resolves it to.
    let short = git_text(&repo, &["rev-parse", "--short=7", "HEAD~7"]);
    let (found, _) = all_hashes(sqlite.store.as_ref(), &c("hash", "eq", json!(short)), "date", "desc", 10).await;
    assert_eq!(found, vec![some_hash.clone()]);

    for (filter, git_args) in &cases {
        for (sort_by, order, page) in [("date", "desc", 200), ("author", "asc", 97)] {
            let (ours, total) = all_hashes(sqlite.store.as_ref(), filter, sort_by, order, page).await;
            let (theirs, pg_total) = all_hashes(postgres.store.as_ref(), filter, sort_by, order, page).await;
            if ours != theirs {
                let at = ours.iter().zip(&theirs).position(|(a, b)| a != b).unwrap_or(ours.len().min(theirs.len()));
                panic!(
                    "{filter:?} sorted by {sort_by} {order}: SQLite and PostgreSQL differ at row {at} of {}/{}",
                    ours.len(),
                    theirs.len()
                );
            }
            assert_eq!(total, pg_total);
            let unique: BTreeSet<_> = ours.iter().cloned().collect();
            assert_eq!(unique.len(), ours.len(), "{filter:?}: no row twice across pages");
            if let Some(args) = git_args {
                let expected = git_hashes(&repo, args);
                let only_ours: Vec<_> = unique.difference(&expected).take(3).collect();
                let only_git: Vec<_> = expected.difference(&unique).take(3).collect();
                assert!(
                    only_ours.is_empty() && only_git.is_empty(),
                    "{filter:?}: git log {args:?} disagrees ({} vs {} commits); only ours: {only_ours:?}, only git's: {only_git:?}",
                    unique.len(),
                    expected.len()
                );
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_queries_are_typed_errors_on_both_backends() {
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let t = fresh_store(engine).await;
        for (filter, expected) in [
            (json!({"field": "colour", "op": "eq", "value": "red"}), "unknown field"),
            (json!({"field": "message", "op": "gt", "value": "a"}), "does not apply"),
            (json!({"field": "date", "op": "gte", "value": "yesterday"}), "needs a date"),
            (json!({"field": "author", "op": "in", "value": "alice"}), "needs a list"),
            (json!({"field": "hash", "op": "eq", "value": "xyz!"}), "hex"),
        ] {
            let filter: Filter = serde_json::from_value(filter).unwrap();
            let err = t
                .store
                .query_commits(&CommitQuery { filter: Some(filter), ..CommitQuery::default() })
                .await
                .unwrap_err();
            assert_eq!(err.code(), "query");
            assert!(err.to_string().contains(expected), "{err}");
        }
        let bad_options = CommitQuery {
            options: QueryOptions { sort_by: Some("colour".into()), ..QueryOptions::default() },
            ..CommitQuery::default()
        };
        assert!(t.store.query_commits(&bad_options).await.unwrap_err().to_string().contains("valid: date"));
        let bad_cursor = CommitQuery {
            options: QueryOptions { cursor: Some("nonsense".into()), ..QueryOptions::default() },
            ..CommitQuery::default()
        };
        assert_eq!(t.store.query_commits(&bad_cursor).await.unwrap_err().code(), "query");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_text_search_finds_whole_words_and_follows_imports() {
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let dir = tempfile::tempdir().unwrap();
        let repo = init_repo(dir.path(), "words");
        std::fs::write(repo.join("a.txt"), "a\n").unwrap();
        git(&repo, &["add", "-A"]);
        git(&repo, &["commit", "-q", "-m", "Teach the parser about unicorns"]);
        let t = fresh_store(engine).await;
        t.import(&repo, &ImportOptions::default()).await.unwrap();
        let search = |text: &str| {
            let filter = parse_search(text).unwrap();
            let store = t.store.clone();
            async move { all_hashes(store.as_ref(), &filter, "date", "desc", 10).await.0.len() }
        };
        assert_eq!(search("unicorns").await, 1);
        assert_eq!(search("PARSER").await, 1, "any case");
        assert_eq!(search("unicorn").await, 1, "a bare word finds its other forms");
        assert_eq!(search("\"unicorn\"").await, 0, "a quoted word is exact");
        assert_eq!(search("unico").await, 0, "whole words, not substrings");
        assert_eq!(search("unico*").await, 1, "unless asked for a prefix");
        assert_eq!(search(r#""the parser""#).await, 1);
        assert_eq!(search(r#""parser the""#).await, 0, "a phrase keeps its word order");
        // A new commit is searchable after the next sync, by message and by path.
        std::fs::create_dir_all(repo.join("src/engine")).unwrap();
        std::fs::write(repo.join("src/engine/turbo_charger.rs"), "fn x() {}\n").unwrap();
        git(&repo, &["add", "-A"]);
        git(&repo, &["commit", "-q", "-m", "Add the engine"]);
        t.import(&repo, &ImportOptions::default()).await.unwrap();
        assert_eq!(search("engine").await, 1);
        assert_eq!(search("charger").await, 1, "paths split into words");
        assert_eq!(search("unicorns engine").await, 0, "every word must match");
        let err = t
            .store
            .query_commits(&CommitQuery { filter: Some(c("text", "match", json!("!!!"))), ..CommitQuery::default() })
            .await
            .unwrap_err();
        assert!(err.to_string().contains("words to search for"), "{err}");
    }
}

fn rev_list(repo: &Path, rev: &str) -> BTreeSet<String> {
    git_text(repo, &["rev-list", rev]).lines().map(str::to_string).collect()
}

async fn branch_hashes(store: &dyn Store, filter: Filter) -> BTreeSet<String> {
    all_hashes(store, &filter, "date", "desc", 500).await.0.into_iter().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn branch_queries_match_git_rev_list_and_follow_ref_moves() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    make_repo(&repo, 600);
    let refs = git_text(&repo, &["for-each-ref", "--format=%(refname:short)", "refs/heads", "refs/tags"]);
    let topic = refs.lines().find(|r| r.starts_with("topic-")).expect("the fixture has topic branches").to_string();
    let tag = "v0.9".to_string();
    git(&repo, &["tag", "-a", "-m", "an annotated tag", &tag, &format!("{topic}~3")]);
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let t = fresh_store(engine).await;
        t.import(&repo, &ImportOptions::default()).await.unwrap();
        let store = t.store.as_ref();
        for name in ["main", topic.as_str(), tag.as_str()] {
            let ours = branch_hashes(store, c("branch", "eq", json!(name))).await;
            assert_eq!(ours, rev_list(&repo, name), "{engine:?} branch {name}");
            let full = if name == tag { format!("refs/tags/{name}") } else { format!("refs/heads/{name}") };
            assert_eq!(branch_hashes(store, c("branch", "eq", json!(full))).await, ours, "full ref names work too");
        }
        let both = branch_hashes(store, c("branch", "in", json!(["main", topic]))).await;
        assert_eq!(both, &rev_list(&repo, "main") | &rev_list(&repo, &topic));
        let only_topic =
            branch_hashes(store, and(vec![c("branch", "eq", json!(topic)), not(c("branch", "eq", json!("main")))]))
                .await;
        assert_eq!(only_topic, git_text(&repo, &["rev-list", &topic, "^main"]).lines().map(str::to_string).collect());
        let err = store
            .query_commits(&CommitQuery {
                filter: Some(c("branch", "eq", json!("no-such-branch"))),
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert_eq!(err.code(), "query");
        assert!(err.to_string().contains("no branch or tag named \"no-such-branch\""), "{err}");

        // The branch moves: the next query sees the new commit (the stored reach is recomputed).
        git(&repo, &["checkout", "-q", "main"]);
        std::fs::write(repo.join("moved.txt"), format!("{engine:?}\n")).unwrap();
        git(&repo, &["add", "-A"]);
        git(&repo, &["commit", "-q", "-m", "Move main"]);
        t.import(&repo, &ImportOptions::default()).await.unwrap();
        let moved = branch_hashes(store, c("branch", "eq", json!("main"))).await;
        assert_eq!(moved, rev_list(&repo, "main"));
        assert!(moved.contains(&git_text(&repo, &["rev-parse", "HEAD"])));
        // The topic branch did not move: its rows are reused as they are.
        assert_eq!(branch_hashes(store, c("branch", "eq", json!(topic))).await, rev_list(&repo, &topic));

        // Rewound and rewritten (not a fast-forward): commits no longer reachable leave the answer.
        let dropped = git_text(&repo, &["rev-parse", "HEAD~1"]);
        git(&repo, &["reset", "-q", "--hard", "HEAD~2"]);
        std::fs::write(repo.join("rewritten.txt"), format!("{engine:?}\n")).unwrap();
        git(&repo, &["add", "-A"]);
        git(&repo, &["commit", "-q", "-m", "Rewrite main"]);
        t.import(&repo, &ImportOptions::default()).await.unwrap();
        let rewritten = branch_hashes(store, c("branch", "eq", json!("main"))).await;
        assert_eq!(rewritten, rev_list(&repo, "main"));
        assert!(!rewritten.contains(&dropped), "a commit dropped by the rewrite is not on main any more");
        // And forward again from there.
        std::fs::write(repo.join("forward.txt"), format!("{engine:?}\n")).unwrap();
        git(&repo, &["add", "-A"]);
        git(&repo, &["commit", "-q", "-m", "Forward again"]);
        t.import(&repo, &ImportOptions::default()).await.unwrap();
        assert_eq!(branch_hashes(store, c("branch", "eq", json!("main"))).await, rev_list(&repo, "main"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_text_results_rank_by_relevance_and_carry_highlighted_snippets() {
    let dir = tempfile::tempdir().unwrap();
    let repo = init_repo(dir.path(), "ranked");
    let messages = [
        "Tidy the build scripts",
        "Cache the cache: cache it",
        "Document the cache for the new contributors of the project",
        "Unrelated change to the readme",
        "Rework logging\n\nThe cache now logs its misses.",
    ];
    for (i, message) in messages.iter().enumerate() {
        std::fs::write(repo.join(format!("file{i}.txt")), format!("{i}\n")).unwrap();
        git(&repo, &["add", "-A"]);
        git(&repo, &["commit", "-q", "-m", message]);
    }
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let t = fresh_store(engine).await;
        t.import(&repo, &ImportOptions::default()).await.unwrap();
        let query = |limit: u32| CommitQuery {
            filter: Some(parse_search("cache").unwrap()),
            options: QueryOptions { limit: Some(limit), sort_by: Some("relevance".into()), ..QueryOptions::default() },
        };
        let page = t.store.query_commits(&query(10)).await.unwrap();
        let found: Vec<&str> = page.commits.iter().map(|c| c.message.lines().next().unwrap()).collect();
        assert_eq!(found.len(), 3, "{engine:?}: {found:?}");
        assert_eq!(
            found[0],
            messages[1].lines().next().unwrap(),
            "{engine:?}: the commit that says cache most ranks first"
        );
        // Paging by relevance visits every match once.
        let (paged, total) =
            all_hashes(t.store.as_ref(), &parse_search("cache").unwrap(), "relevance", "desc", 1).await;
        assert_eq!(total, 3);
        assert_eq!(paged, page.commits.iter().map(|c| c.hash.clone()).collect::<Vec<_>>(), "{engine:?}");

        // Every result has its snippet, with the searched word marked.
        assert_eq!(page.snippets.len(), 3, "{engine:?}");
        for snippet in &page.snippets {
            let hits: Vec<&str> = snippet.parts.iter().filter(|p| p.hit).map(|p| p.text.as_str()).collect();
            assert!(!hits.is_empty() && hits.iter().all(|h| h.eq_ignore_ascii_case("cache")), "{snippet:?}");
        }
        let logging = page.commits.iter().find(|c| c.message.starts_with("Rework")).unwrap();
        let text: String = page
            .snippets
            .iter()
            .find(|s| s.commit_id == logging.id)
            .unwrap()
            .parts
            .iter()
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(text, "Rework logging The cache now logs its misses.");

        // No snippets without full-text search; relevance needs one.
        let plain = CommitQuery { filter: Some(parse_search("author:tess").unwrap()), ..CommitQuery::default() };
        assert!(t.store.query_commits(&plain).await.unwrap().snippets.is_empty());
        let no_text = CommitQuery {
            options: QueryOptions { sort_by: Some("relevance".into()), ..QueryOptions::default() },
            ..plain
        };
        let err = t.store.query_commits(&no_text).await.unwrap_err();
        assert!(err.to_string().contains("relevance needs a full-text condition"), "{err}");
    }
}
