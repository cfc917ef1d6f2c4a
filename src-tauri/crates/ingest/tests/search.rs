//! Search people mean (issue 18): word forms and prefixes in the full-text index, and text inside
//! the changes (`change:`, `added:`, `removed:`) compared with `git log -G` on the same
//! repository, on SQLite and PostgreSQL alike.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::*;
use repovault_ingest::ImportOptions;
use repovault_storage::query::{parse_search, CommitQuery, Filter, QueryOptions};
use repovault_storage::Store;
use repovault_testkit::{git, git_with_env, init_repo, make_repo, Engine};

/// Every matching hash, newest first, followed page by page through cursors.
async fn hashes(store: &dyn Store, filter: &Filter) -> Vec<String> {
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let query = CommitQuery {
            filter: Some(filter.clone()),
            options: QueryOptions { limit: Some(500), cursor: cursor.clone(), ..QueryOptions::default() },
        };
        let page = store.query_commits(&query).await.unwrap_or_else(|e| panic!("{filter:?}: {e}"));
        out.extend(page.commits.into_iter().map(|c| c.hash));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    out
}

async fn search(store: &dyn Store, text: &str) -> Vec<String> {
    hashes(store, &parse_search(text).unwrap()).await
}

fn git_set(repo: &Path, args: &[&str]) -> BTreeSet<String> {
    let mut full = vec!["log", "--branches", "--tags", "--format=%H"];
    full.extend_from_slice(args);
    let out = git_with_env(repo, &full, &[("TZ", "UTC")]);
    String::from_utf8(out).unwrap().lines().map(str::to_string).collect()
}

/// The literal text as a basic regular expression for `git log -G`.
fn regex_escape(text: &str) -> String {
    let mut out = String::new();
    for ch in text.chars() {
        if ".[]\\*^$".contains(ch) {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changed_lines_match_git_log_g_on_both_backends() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    make_repo(&repo, 800);
    let sqlite = fresh_store(Engine::Sqlite).await;
    let postgres = fresh_store(Engine::Postgres).await;
    sqlite.import(&repo, &ImportOptions::default()).await.unwrap();
    postgres.import(&repo, &ImportOptions::default()).await.unwrap();

    // Lower-case text ignores case (git -i); text with capitals is matched as written. Short text
    // (under three characters) is scanned rather than looked up in the trigram index. None of
    // these is in the generated data files whose diffs exceed the change index's limit (256 KiB):
    // those are compared apart below.
    let texts = [
        "lazy dog",
        "item_12",
        "Item12",
        "item12",
        "return 7",
        "serde",
        "fn item_9",
        "ReTuRn",
        "= \"1\"",
        ": n",
        "Q",
        "quick brown fox jumps",
        "nothing matches this line",
    ];
    let mut nonempty = 0;
    for text in texts {
        let filter = Filter::condition("change", "contains", text);
        let ours = hashes(sqlite.store.as_ref(), &filter).await;
        let theirs = hashes(postgres.store.as_ref(), &filter).await;
        assert_eq!(ours, theirs, "change:{text}: SQLite and PostgreSQL differ");
        let ours: BTreeSet<String> = ours.into_iter().collect();
        let pattern = regex_escape(text);
        let mut args = vec!["-s", "--diff-merges=first-parent", "-G", pattern.as_str()];
        if !text.chars().any(char::is_uppercase) {
            args.insert(0, "-i");
        }
        let expected = git_set(&repo, &args);
        let only_ours: Vec<_> = ours.difference(&expected).take(3).collect();
        let only_git: Vec<_> = expected.difference(&ours).take(3).collect();
        assert!(
            only_ours.is_empty() && only_git.is_empty(),
            "change:{text}: git log {args:?} disagrees ({} vs {}); only ours: {only_ours:?}, only git's: {only_git:?}",
            ours.len(),
            expected.len()
        );
        nonempty += usize::from(!ours.is_empty());
        // Negated: every other commit, on both backends (a failed test is false, never unknown).
        if text == "lazy dog" || text == "Item12" {
            let not = Filter::Not(Box::new(filter.clone()));
            let others: BTreeSet<String> = hashes(postgres.store.as_ref(), &not).await.into_iter().collect();
            assert_eq!(others, hashes(sqlite.store.as_ref(), &not).await.into_iter().collect(), "NOT change:{text}");
            let all = git_set(&repo, &[]);
            assert_eq!(others, all.difference(&ours).cloned().collect::<BTreeSet<_>>(), "NOT change:{text}");
        }

        // added: and removed: split the same set by side; both backends agree.
        let mut sides = BTreeSet::new();
        for field in ["added", "removed"] {
            let filter = Filter::condition(field, "contains", text);
            let ours = hashes(sqlite.store.as_ref(), &filter).await;
            assert_eq!(ours, hashes(postgres.store.as_ref(), &filter).await, "{field}:{text}");
            sides.extend(ours);
        }
        assert_eq!(sides, expected, "added:{text} and removed:{text} together are change:{text}");
    }
    assert!(nonempty >= 10, "the texts must find something: {nonempty}");

    // Words of the large data files: git also finds the commits rewriting those files (diffs over
    // the limit, not indexed); every other commit git finds, RepoVault finds.
    let large: BTreeSet<String> = git_set(&repo, &["-s", "--diff-merges=first-parent", "--", "data/"]);
    assert!(!large.is_empty());
    for text in ["backup", "restore"] {
        let filter = Filter::condition("change", "contains", text);
        let ours: BTreeSet<String> = hashes(sqlite.store.as_ref(), &filter).await.into_iter().collect();
        assert_eq!(ours, hashes(postgres.store.as_ref(), &filter).await.into_iter().collect());
        let expected = git_set(&repo, &["-s", "--diff-merges=first-parent", "-i", "-G", text]);
        assert!(ours.is_subset(&expected), "change:{text}");
        let missing: Vec<_> = expected.difference(&ours).filter(|h| !large.contains(*h)).collect();
        assert!(missing.is_empty(), "change:{text}: missed {missing:?}");
    }

    // The search box: keys combine with the rest and negate.
    let with = search(sqlite.store.as_ref(), "change:serde author:alice").await;
    assert_eq!(with, search(postgres.store.as_ref(), "change:serde author:alice").await);
    let all = search(sqlite.store.as_ref(), "author:alice").await.len();
    let without = search(sqlite.store.as_ref(), "-change:serde author:alice").await.len();
    assert_eq!(with.len() + without, all);
}

/// SQLite builds the change index after an import has stored its commits (issue 13): until then
/// the commits wait in a queue and `change:` scans their text, so answers are the same before,
/// during and after indexing; an import or sync finishes what an interrupted one left.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_commits_are_found_before_the_change_index_has_them() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    make_repo(&repo, 300);
    let t = fresh_store(Engine::Sqlite).await;
    let report = t.import(&repo, &ImportOptions::default()).await.unwrap();
    assert_eq!(t.store.queued_changes().await.unwrap(), 0, "the import indexed what it stored");
    assert!(report.index_seconds > 0.0 && report.index_seconds < report.seconds);
    let texts = ["lazy dog", "item_12", "Item12", "return 7", "serde", "quick brown fox jumps", "nothing matches this"];
    let mut indexed = Vec::new();
    for text in texts {
        indexed.push(hashes(t.store.as_ref(), &Filter::condition("change", "contains", text)).await);
    }
    assert!(indexed.iter().filter(|found| !found.is_empty()).count() >= 5, "{indexed:?}");

    // Empty the change index and queue every commit, as an import stopped before indexing leaves it.
    t.raw_execute("DELETE FROM change_gram_blocks; DELETE FROM change_gram_segments").await;
    t.raw_execute("INSERT INTO change_index_queue (commit_id) SELECT commit_id FROM change_text").await;
    let queued = t.store.queued_changes().await.unwrap();
    assert_eq!(queued as i64, t.raw_count("SELECT count(*) FROM change_text").await);
    for (text, expected) in texts.iter().zip(&indexed) {
        let found = hashes(t.store.as_ref(), &Filter::condition("change", "contains", *text)).await;
        assert_eq!(&found, expected, "change:{text} while queued");
        let added = hashes(t.store.as_ref(), &Filter::condition("added", "contains", *text)).await;
        assert!(added.iter().all(|h| expected.contains(h)), "added:{text} while queued");
    }

    // Half indexed: both paths answer together.
    let done = t.store.index_queued_changes(queued / 2, u64::MAX).await.unwrap();
    assert_eq!(done, queued / 2);
    // A byte bound smaller than any commit still indexes one.
    assert_eq!(t.store.index_queued_changes(queued, 1).await.unwrap(), 1);
    assert_eq!(t.store.queued_changes().await.unwrap(), queued - done - 1);
    for (text, expected) in texts.iter().zip(&indexed) {
        assert_eq!(&hashes(t.store.as_ref(), &Filter::condition("change", "contains", *text)).await, expected);
    }

    // A sync with nothing new finishes the index, and removing a repository leaves no queue behind.
    let report = t.import(&repo, &ImportOptions::default()).await.unwrap();
    assert!(report.up_to_date);
    assert_eq!(t.store.queued_changes().await.unwrap(), 0);
    for (text, expected) in texts.iter().zip(&indexed) {
        assert_eq!(&hashes(t.store.as_ref(), &Filter::condition("change", "contains", *text)).await, expected);
    }

    // A commit stored outside an import is indexed in its own transaction (never queued). Once its
    // repository is gone its id stays in the index's lists, and a commit stored later under the same
    // id (SQLite reuses the highest) is not found by the text of the deleted one.
    let other = t.store.ensure_repository("default", "other", None).await.unwrap();
    let store_one = |hash: String, diff: &'static [u8]| {
        let change = repovault_testkit::change("z.txt", 1, 1, Some(diff));
        (repovault_testkit::commit(&hash, &[], 1_700_000_000, "Zebra"), vec![change])
    };
    let zebra = store_one("ab".repeat(20), b"@@ -1 +1 @@\n-old words\n+a zebra-crossing line\n");
    t.store.store_commits(other.id, &[zebra]).await.unwrap();
    assert_eq!(t.store.queued_changes().await.unwrap(), 0);
    let found = hashes(t.store.as_ref(), &Filter::condition("added", "contains", "zebra-cross")).await;
    assert_eq!(found, vec!["ab".repeat(20)]);
    let zebra_id = t.raw_count("SELECT max(id) FROM commits").await;
    t.store.delete_repository("other").await.unwrap();
    let third = t.store.ensure_repository("default", "third", None).await.unwrap();
    let plain = store_one("cd".repeat(20), b"@@ -1 +1 @@\n-old words\n+an ordinary line\n");
    t.store.store_commits(third.id, &[plain]).await.unwrap();
    assert_eq!(t.raw_count("SELECT max(id) FROM commits").await, zebra_id, "the id was reused");
    assert!(hashes(t.store.as_ref(), &Filter::condition("added", "contains", "zebra-cross")).await.is_empty());
    assert_eq!(
        hashes(t.store.as_ref(), &Filter::condition("added", "contains", "ordinary")).await,
        vec!["cd".repeat(20)]
    );
    t.store.delete_repository("third").await.unwrap();
    t.store.delete_repository("demo").await.unwrap();
    assert_eq!(t.raw_count("SELECT count(*) FROM change_index_queue").await, 0);
    assert_eq!(t.raw_count("SELECT count(*) FROM change_text").await, 0);
    // With nothing left to index, the index is emptied: deleted commits' lists do not linger.
    assert_eq!(t.raw_count("SELECT count(*) FROM change_gram_blocks").await, 0);
    assert_eq!(t.raw_count("SELECT count(*) FROM change_gram_segments").await, 0);
}

/// SQLite's change index writes one segment per batch and merges segments of a similar size four
/// at a time: an import in many small batches ends with merged segments and the same answers as
/// one in a single batch, for text on either side, in any case, and text found nowhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merged_segments_of_the_change_index_answer_as_one() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    make_repo(&repo, 300);
    let whole = fresh_store(Engine::Sqlite).await;
    whole.import(&repo, &ImportOptions { batch_size: 1_000, ..ImportOptions::default() }).await.unwrap();
    assert_eq!(whole.raw_count("SELECT count(*) FROM change_gram_segments").await, 1);
    let pieces = fresh_store(Engine::Sqlite).await;
    pieces.import(&repo, &ImportOptions { batch_size: 3, ..ImportOptions::default() }).await.unwrap();
    let batches = 300 / 3;
    let segments = pieces.raw_count("SELECT count(*) FROM change_gram_segments").await;
    assert!(segments > 1 && segments < batches / 4, "{segments} segments for {batches} batches");
    let texts = ["lazy dog", "item_12", "Item12", "return 7", "serde", "quick brown fox jumps", "nothing matches this"];
    let mut found_any = 0;
    for text in texts {
        for field in ["change", "added", "removed"] {
            let filter = Filter::condition(field, "contains", text);
            let expected = hashes(whole.store.as_ref(), &filter).await;
            found_any += usize::from(!expected.is_empty());
            assert_eq!(hashes(pieces.store.as_ref(), &filter).await, expected, "{field}:{text}");
        }
    }
    assert!(found_any >= 8, "the texts find commits: {found_any}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn word_forms_prefixes_and_exact_phrases() {
    let dir = tempfile::tempdir().unwrap();
    let repo = init_repo(dir.path(), "forms");
    let messages = [
        "Fix the segfault in the parser",
        "Parser segfaults on empty input",
        "Stop segfaulting when the cache is cold",
        "Segfaulted twice; add a regression test",
        "Unrelated: caching for the parsers",
    ];
    for (i, message) in messages.iter().enumerate() {
        std::fs::write(repo.join(format!("file{i}.txt")), format!("line {i}\n")).unwrap();
        git(&repo, &["add", "-A"]);
        git(&repo, &["commit", "-q", "-m", message]);
    }
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let t = fresh_store(engine).await;
        t.import(&repo, &ImportOptions::default()).await.unwrap();
        let count = |text: &'static str| {
            let store = t.store.clone();
            async move { search(store.as_ref(), text).await.len() }
        };
        assert_eq!(count("segfault").await, 4, "{engine:?}: every form of the word");
        assert_eq!(count("SEGFAULTS").await, 4, "{engine:?}: any form finds them all");
        assert_eq!(count("\"segfault\"").await, 1, "{engine:?}: a quoted word is exact");
        assert_eq!(count("\"the parser\"").await, 1, "{engine:?}: a quoted phrase is exact");
        assert_eq!(count("parser").await, 3, "{engine:?}: parser, Parser, parsers");
        assert_eq!(count("segf*").await, 4, "{engine:?}: a prefix");
        assert_eq!(count("pars* cach*").await, 1, "{engine:?}: two prefixes");
        assert_eq!(count("segf").await, 0, "{engine:?}: without * a word is not a prefix");
        assert_eq!(count("file*").await, 5, "{engine:?}: prefixes of path words");
        // Relevance works on word forms, and the snippets mark the forms found.
        let page = t
            .store
            .query_commits(&CommitQuery {
                filter: Some(parse_search("segfault").unwrap()),
                options: QueryOptions { sort_by: Some("relevance".into()), ..QueryOptions::default() },
            })
            .await
            .unwrap();
        assert_eq!(page.commits.len(), 4);
        let marked: BTreeSet<String> =
            page.snippets.iter().flat_map(|s| s.parts.iter().filter(|p| p.hit).map(|p| p.text.clone())).collect();
        let expected: BTreeSet<String> =
            ["segfault", "segfaults", "segfaulting", "Segfaulted"].iter().map(|s| s.to_string()).collect();
        assert_eq!(marked, expected, "{engine:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_change_index_can_be_off_and_is_rebuilt_for_older_stores() {
    let dir = tempfile::tempdir().unwrap();
    let repo = init_repo(dir.path(), "switch");
    std::fs::write(repo.join("a.rs"), "fn main() { println!(\"hello\"); }\n").unwrap();
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "Start"]);
    std::fs::write(repo.join("a.rs"), "fn main() { println!(\"goodbye\"); }\n").unwrap();
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "Say goodbyes"]);
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let t = fresh_store(engine).await;
        let off = ImportOptions { index_changes: Some(false), ..ImportOptions::default() };
        let report = t.import(&repo, &off).await.unwrap();
        assert!(!report.repository.index_changes);
        assert_eq!(t.raw_count("SELECT COUNT(*) FROM change_text").await, 0, "{engine:?}: nothing indexed");
        assert!(search(t.store.as_ref(), "change:goodbye").await.is_empty());
        assert_eq!(search(t.store.as_ref(), "goodbye").await.len(), 1, "{engine:?}: words are still indexed");

        // Turned on: the stored commits are indexed.
        let repository = t.store.set_change_index("demo", true).await.unwrap();
        assert!(repository.index_changes);
        assert_eq!(search(t.store.as_ref(), "change:hello").await.len(), 2, "{engine:?}: added, then removed");
        assert_eq!(search(t.store.as_ref(), "removed:hello").await.len(), 1);
        assert_eq!(search(t.store.as_ref(), "added:goodbye").await.len(), 1);
        assert_eq!(search(t.store.as_ref(), "added:GOODBYE").await.len(), 0, "{engine:?}: capitals match as written");

        // A store indexed by an older build: the index is empty and the version 0; opening the
        // store again rebuilds both indexes from the stored commits and diffs.
        let (words_table, clear_words) = match engine {
            Engine::Sqlite => ("commit_search", "DELETE FROM commit_search"),
            Engine::Postgres => ("commits", "UPDATE commits SET search = NULL, stems = NULL"),
        };
        t.raw_execute(&format!("{clear_words}; DELETE FROM change_text; UPDATE repositories SET search_version = 0"))
            .await;
        assert!(search(t.store.as_ref(), "goodbye").await.is_empty(), "{engine:?}: {words_table} is empty");
        // What the change index reads is gone with the text, so the reopened store must rebuild it.
        let derived = "SELECT COUNT(*) FROM change_index_queue";
        assert_eq!(t.raw_count(derived).await, 0, "{engine:?}: {derived}");
        assert!(search(t.store.as_ref(), "change:hello").await.is_empty(), "{engine:?}: the change index is empty");
        let reopened = repovault_storage::open_store(&t.config).await.unwrap();
        assert_eq!(search(reopened.as_ref(), "goodbyes").await.len(), 1, "{engine:?}: words rebuilt");
        assert_eq!(search(reopened.as_ref(), "change:hello").await.len(), 2, "{engine:?}: changes rebuilt");
        assert_eq!(reopened.rebuild_search_index().await.unwrap(), 0, "{engine:?}: once");
        reopened.close().await;

        // Off again: dropped.
        t.store.set_change_index("demo", false).await.unwrap();
        assert_eq!(t.raw_count("SELECT COUNT(*) FROM change_text").await, 0);
        let err = t
            .store
            .query_commits(&CommitQuery {
                filter: Some(Filter::condition("change", "contains", "a\nb")),
                ..CommitQuery::default()
            })
            .await
            .unwrap_err();
        assert_eq!(err.code(), "query");
        assert!(err.to_string().contains("no line breaks"), "{err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_from_before_the_migration_is_migrated_and_reindexed_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    make_repo(&repo, 300);
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let t = fresh_store(engine).await;
        t.import(&repo, &ImportOptions::default()).await.unwrap();
        let words_before = search(t.store.as_ref(), "\"lazy\"").await;
        let changes_before = search(t.store.as_ref(), "change:lazy").await;
        assert!(!changes_before.is_empty());
        // Back to the schema before this migration: the tables, columns and index of the previous
        // version, filled as migration 3 filled them, and the migration not applied.
        let downgrade = match engine {
            Engine::Sqlite => {
                "DROP TRIGGER change_text_ai; DROP TRIGGER change_text_ad; DROP TRIGGER change_text_au; \
                 DROP TABLE change_gram_blocks; DROP TABLE change_gram_segments; DROP TABLE change_text; DROP TABLE commit_search; \
                 CREATE VIRTUAL TABLE commit_search USING fts5(message, paths, tokenize = 'unicode61 remove_diacritics 0'); \
                 INSERT INTO commit_search (rowid, message, paths) SELECT c.id, c.message, \
                 COALESCE((SELECT group_concat(f.path, ' ') FROM file_changes f WHERE f.commit_id = c.id), '') FROM commits c; \
                 ALTER TABLE repositories DROP COLUMN index_changes; ALTER TABLE repositories DROP COLUMN search_version; \
                 DELETE FROM _sqlx_migrations WHERE version IN (20261129000001, 20261202000001)"
            }
            Engine::Postgres => {
                "DROP TABLE change_text; DROP INDEX commits_stems; ALTER TABLE commits DROP COLUMN stems; \
                 ALTER TABLE repositories DROP COLUMN index_changes, DROP COLUMN search_version; \
                 UPDATE commits c SET search = to_tsvector('simple', c.message || ' ' || translate( \
                 COALESCE((SELECT string_agg(f.path, ' ') FROM file_changes f WHERE f.commit_id = c.id), ''), '/._-', '    ')); \
                 DELETE FROM _sqlx_migrations WHERE version = 20261129000001"
            }
        };
        t.store.close().await;
        t.raw_execute(downgrade).await;
        let store = repovault_storage::open_store(&t.config).await.unwrap();
        let versions: Vec<(i64,)> = t.raw_rows("SELECT CAST(search_version AS BIGINT) FROM repositories").await;
        assert_eq!(versions, vec![(1,)], "{engine:?}");
        assert_eq!(search(store.as_ref(), "\"lazy\"").await, words_before, "{engine:?}: exact words as before");
        assert_eq!(search(store.as_ref(), "change:lazy").await, changes_before, "{engine:?}: changed lines indexed");
        assert!(search(store.as_ref(), "fixes").await.len() >= search(store.as_ref(), "\"fix\"").await.len());
        store.close().await;
    }
}
