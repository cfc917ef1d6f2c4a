//! Git import against real repositories (made by `tests/fixtures/make-repo.py` and by git
//! commands), checked against what git itself reports for the same refs.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use repovault_ingest::{import_repository, CancelToken, ImportOptions};
use repovault_storage::RefKind;
use repovault_testkit::{git, git_text, init_repo, make_repo, raw_one, Engine};

async fn imported_rows_equal_git_numstat(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    make_repo(&repo, 1500);
    let t = fresh_store(engine).await;
    let report = t.import(&repo, &ImportOptions { batch_size: 200, ..ImportOptions::default() }).await.unwrap();

    let expected_count: i64 = git_text(&repo, &["rev-list", "--count", "--branches", "--tags"]).parse().unwrap();
    assert_eq!(report.new_commits as i64, expected_count);
    assert_eq!(report.repository.commit_count, expected_count);
    assert_same_rows(&t.numstat_rows().await, &git_numstat(&repo));

    // Refs and their (peeled) targets, as git lists them.
    let listed = git_text(
        &repo,
        &["for-each-ref", "--format=%(refname) %(*objectname)%(objectname)", "refs/heads", "refs/tags"],
    );
    let mut expected: Vec<(String, String)> = listed
        .lines()
        .map(|line| {
            let (name, ids) = line.split_once(' ').unwrap();
            (name.to_string(), ids[..40].to_string())
        })
        .collect();
    expected.sort();
    let stored: Vec<(String, String)> =
        t.store.refs(report.repository.id).await.unwrap().into_iter().map(|r| (r.name, r.target)).collect();
    assert_eq!(stored, expected);

    // A second run finds nothing to do and reads no history.
    let again = t.import(&repo, &ImportOptions::default()).await.unwrap();
    assert!(again.up_to_date);
    assert_eq!(again.new_commits, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_imported_rows_equal_git_numstat() {
    imported_rows_equal_git_numstat(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_imported_rows_equal_git_numstat() {
    imported_rows_equal_git_numstat(Engine::Postgres).await;
}

fn commit_file(repo: &Path, path: &str, content: &str, message: &str) -> String {
    let file = repo.join(path);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(file, content).unwrap();
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", message]);
    git_text(repo, &["rev-parse", "HEAD"])
}

fn small_repo(dir: &Path) -> PathBuf {
    let repo = init_repo(dir, "small");
    commit_file(&repo, "a.txt", "one\n", "first");
    commit_file(&repo, "a.txt", "one\ntwo\n", "second");
    git(&repo, &["tag", "v1"]);
    git(&repo, &["branch", "feature"]);
    repo
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_imports_only_what_is_new() {
    let dir = tempfile::tempdir().unwrap();
    let repo = small_repo(dir.path());
    let t = fresh_store(Engine::Sqlite).await;
    let first = t.import(&repo, &ImportOptions::default()).await.unwrap();
    assert_eq!(first.new_commits, 2);
    let repo_id = first.repository.id;

    // New commit on main, a new branch, a new tag, a force-pushed feature, a deleted tag.
    let on_main = commit_file(&repo, "b.txt", "b\n", "third");
    git(&repo, &["checkout", "-q", "-b", "topic"]);
    let on_topic = commit_file(&repo, "c.txt", "c\n", "topic work");
    git(&repo, &["tag", "v2"]);
    git(&repo, &["checkout", "-q", "feature"]);
    git(&repo, &["reset", "-q", "--hard", "HEAD~1"]);
    let forced = commit_file(&repo, "d.txt", "d\n", "rewritten feature");
    git(&repo, &["tag", "-d", "v1"]);

    let second = t.import(&repo, &ImportOptions::default()).await.unwrap();
    assert!(!second.up_to_date);
    assert_eq!(second.new_commits, 3, "only the three new commits are read and stored");
    let refs: BTreeMap<String, (RefKind, String)> =
        t.store.refs(repo_id).await.unwrap().into_iter().map(|r| (r.name, (r.kind, r.target))).collect();
    assert_eq!(refs["refs/heads/main"], (RefKind::Branch, on_main));
    assert_eq!(refs["refs/heads/topic"], (RefKind::Branch, on_topic.clone()));
    assert_eq!(refs["refs/heads/feature"], (RefKind::Branch, forced));
    assert_eq!(refs["refs/tags/v2"], (RefKind::Tag, on_topic));
    assert!(!refs.contains_key("refs/tags/v1"), "a deleted ref is removed");
    assert_eq!(t.store.repository_by_name("demo").await.unwrap().commit_count, 5, "its commits are kept");

    let third = t.import(&repo, &ImportOptions::default()).await.unwrap();
    assert!(third.up_to_date);
}

/// A sync walks only the new commits when stored history is closed under ancestry, and falls back
/// to the exact walk when it is not: here an interrupted sync is made to have stored a commit
/// without its parent (batches are not written strictly parents first), and the next sync must
/// still find that parent, which no new ref tip leads to without passing the stored child.
async fn a_gap_left_by_an_interrupted_sync_is_filled(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let repo = small_repo(dir.path());
    let t = fresh_store(engine).await;
    let repo_id = t.import(&repo, &ImportOptions::default()).await.unwrap().repository.id;

    let parent = commit_file(&repo, "gap.txt", "parent\n", "the parent the interrupted sync missed");
    let child = commit_file(&repo, "gap.txt", "parent\nchild\n", "the child it stored");
    let stored_child = repovault_testkit::commit(&child, &[&parent], 1_700_000_000, "the child it stored");
    t.store.store_commits(repo_id, &[(stored_child, vec![])]).await.unwrap();
    assert_eq!(t.store.unstored_parents(repo_id, 0).await.unwrap(), vec![parent.clone()]);

    let report = t.import(&repo, &ImportOptions::default()).await.unwrap();
    assert_eq!(report.new_commits, 1, "the missing parent, and only it, is imported");
    let known = t.store.commit_hashes(repo_id).await.unwrap();
    assert!(known.contains(&parent) && known.contains(&child));
    assert!(t.store.unstored_parents(repo_id, 0).await.unwrap().is_empty());

    // Closed again: the next new commit is found by the short walk, and nothing else is read.
    let next = commit_file(&repo, "gap.txt", "parent\nchild\nnext\n", "after the gap");
    let report = t.import(&repo, &ImportOptions::default()).await.unwrap();
    assert_eq!(report.new_commits, 1);
    assert!(t.store.commit_hashes(repo_id).await.unwrap().contains(&next));
    assert_eq!(t.store.repository_by_name("demo").await.unwrap().commit_count, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_gap_left_by_an_interrupted_sync_is_filled() {
    a_gap_left_by_an_interrupted_sync_is_filled(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_gap_left_by_an_interrupted_sync_is_filled() {
    a_gap_left_by_an_interrupted_sync_is_filled(Engine::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_paths_and_empty_repositories() {
    let dir = tempfile::tempdir().unwrap();
    let t = fresh_store(Engine::Sqlite).await;
    let err = t.import(&dir.path().join("missing"), &ImportOptions::default()).await.unwrap_err();
    assert_eq!(err.code(), "not_a_repository");
    let plain = dir.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    std::fs::write(plain.join("file.txt"), "not a repo").unwrap();
    let err = t.import(&plain, &ImportOptions::default()).await.unwrap_err();
    assert_eq!(err.code(), "not_a_repository");
    assert!(err.to_string().contains("plain"), "{err}");
    assert!(t.store.repositories().await.unwrap().is_empty(), "a failed import creates nothing");

    let empty = dir.path().join("empty");
    git(dir.path(), &["init", "-q", "-b", "main", empty.to_str().unwrap()]);
    let report = t.import(&empty, &ImportOptions::default()).await.unwrap();
    assert_eq!(report.new_commits, 0);
    assert_eq!(report.refs, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_utf8_paths_and_messages_are_kept_and_mailmap_applied() {
    let dir = tempfile::tempdir().unwrap();
    let repo = init_repo(dir.path(), "bytes");
    std::fs::write(repo.join(".mailmap"), "Tess Ter <tess@example.com> <old@example.com>\n").unwrap();
    {
        use std::os::unix::ffi::OsStrExt;
        std::fs::write(repo.join(std::ffi::OsStr::from_bytes(b"caf\xe9.txt")), "x\n").unwrap();
    }
    git(&repo, &["add", "-A"]);
    let status = Command::new("git")
        .current_dir(&repo)
        .args(["-c", "i18n.commitEncoding=latin1", "commit", "-q", "-F", "-"])
        .env("GIT_AUTHOR_NAME", "Old Name")
        .env("GIT_AUTHOR_EMAIL", "old@example.com")
        .env("GIT_COMMITTER_NAME", "Tess Ter")
        .env("GIT_COMMITTER_EMAIL", "tess@example.com")
        .stdin(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(b"d\xe9j\xe0 vu\n")?;
            child.wait()
        })
        .unwrap();
    assert!(status.success());
    let t = fresh_store(Engine::Sqlite).await;
    let report = t.import(&repo, &ImportOptions::default()).await.unwrap();
    let head = git_text(&repo, &["rev-parse", "HEAD"]);
    let found = t.store.get_commit_by_hash(Some(report.repository.id), &head).await.unwrap();
    assert_eq!(found.commit.author.name, "Tess Ter", "the mailmap maps old@example.com");
    assert_eq!(found.commit.author.email, "tess@example.com");
    let raw = found.commit.raw_author.expect("the raw identity is kept");
    assert_eq!((raw.name.as_str(), raw.email.as_str()), ("Old Name", "old@example.com"));
    assert_eq!(found.commit.raw_committer, None, "unchanged identities are not repeated");
    assert_eq!(found.commit.message, "d\u{fffd}j\u{fffd} vu\n");
    let path = found.changes.iter().find(|c| c.path.starts_with("caf")).expect("the non-UTF-8 path");
    assert_eq!(path.path, "caf\u{fffd}.txt");

    let (message_bytes,): (Vec<u8>,) = raw_one(&t.config.database, "SELECT message_bytes FROM commits").await;
    assert_eq!(message_bytes, b"d\xe9j\xe0 vu\n");
    let (path_bytes,): (Vec<u8>,) =
        raw_one(&t.config.database, "SELECT path_bytes FROM file_changes WHERE path_bytes IS NOT NULL").await;
    assert_eq!(path_bytes, b"caf\xe9.txt");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancellation_stops_cleanly_and_the_next_run_completes() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    make_repo(&repo, 600);
    let t = fresh_store(Engine::Sqlite).await;
    let cancel = CancelToken::default();
    let options = ImportOptions { batch_size: 50, ..ImportOptions::default() };
    let on_progress = {
        let cancel = cancel.clone();
        move |p: &repovault_ingest::ImportProgress| {
            if p.done >= 100 {
                cancel.cancel();
            }
        }
    };
    let err = import_repository(t.store.as_ref(), &repo, "demo", &options, &on_progress, &cancel).await.unwrap_err();
    assert_eq!(err.code(), "cancelled");
    let partial = t.store.repository_by_name("demo").await.unwrap();
    // Batches of 32 (the first, so that the writer starts early), then 50.
    assert!(
        partial.commit_count >= 100 && (partial.commit_count - 32) % 50 == 0,
        "whole batches only: {}",
        partial.commit_count
    );
    assert!(t.store.refs(partial.id).await.unwrap().is_empty(), "refs move only when an import completes");

    let rest = t.import(&repo, &options).await.unwrap();
    let total: i64 = git_text(&repo, &["rev-list", "--count", "--branches", "--tags"]).parse().unwrap();
    assert_eq!(rest.new_commits as i64, total - partial.commit_count);
    assert_eq!(rest.repository.commit_count, total);
    assert_same_rows(&t.numstat_rows().await, &git_numstat(&repo));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shallow_clone_imports_what_exists_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    make_repo(&repo, 300);
    let shallow = dir.path().join("shallow");
    let url = format!("file://{}", repo.display());
    git(dir.path(), &["clone", "-q", "--depth", "20", "--no-single-branch", &url, shallow.to_str().unwrap()]);
    // The clone has remote-tracking branches; make local ones so the default refs find them.
    git(&shallow, &["fetch", "-q", "--depth", "20", "origin", "+refs/heads/*:refs/heads/*", "--update-head-ok"]);
    let t = fresh_store(Engine::Sqlite).await;
    let report = t.import(&shallow, &ImportOptions::default()).await.unwrap();
    assert!(report.is_shallow);
    assert!(report.repository.is_shallow);
    let expected: i64 = git_text(&shallow, &["rev-list", "--count", "--branches", "--tags"]).parse().unwrap();
    assert_eq!(report.new_commits as i64, expected);
    assert_same_rows(&t.numstat_rows().await, &git_numstat(&shallow));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_object_is_named_and_the_store_stays_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let repo = small_repo(dir.path());
    commit_file(&repo, "big/new.txt", "content that will go missing\n", "third");
    let blob = git_text(&repo, &["rev-parse", "HEAD:big/new.txt"]);
    std::fs::remove_file(repo.join(".git/objects").join(&blob[..2]).join(&blob[2..])).unwrap();
    let t = fresh_store(Engine::Sqlite).await;
    let err =
        t.import(&repo, &ImportOptions { batch_size: 1, workers: 1, ..ImportOptions::default() }).await.unwrap_err();
    assert_eq!(err.code(), "git");
    assert!(err.to_string().contains(&blob), "the error names the object: {err}");
    let stored = t.store.repository_by_name("demo").await.unwrap();
    assert!(t.store.refs(stored.id).await.unwrap().is_empty(), "no ref moves on a failed import");
    let hashes = t.store.commit_hashes(stored.id).await.unwrap();
    assert!(!hashes.contains(&git_text(&repo, &["rev-parse", "HEAD"])), "the broken commit is not stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_files_binaries_and_submodules() {
    let dir = tempfile::tempdir().unwrap();
    let repo = small_repo(dir.path());
    // A 100 MB text file: its diff goes to the blob store whole.
    let line = "x".repeat(999) + "\n";
    std::fs::write(repo.join("huge.txt"), line.repeat(100_000)).unwrap();
    std::fs::write(repo.join("image.bin"), [0u8, 1, 2, 3, 0, 255].repeat(1000)).unwrap();
    git(&repo, &["add", "-A"]);
    let sub = git_text(&repo, &["rev-parse", "HEAD"]);
    git(&repo, &["update-index", "--add", "--cacheinfo", &format!("160000,{sub},vendor/lib")]);
    git(&repo, &["commit", "-q", "-m", "big, binary and a submodule"]);
    let t = fresh_store(Engine::Sqlite).await;
    t.import(&repo, &ImportOptions::default()).await.unwrap();
    let head = git_text(&repo, &["rev-parse", "HEAD"]);
    let found = t.store.get_commit_by_hash(None, &head).await.unwrap();
    let by_path = |p: &str| found.changes.iter().find(|c| c.path == p).unwrap_or_else(|| panic!("{p} missing"));
    let huge = by_path("huge.txt");
    assert_eq!(huge.additions, Some(100_000));
    assert_eq!(huge.diff_size, Some(100_000 * 1001 + "@@ -0,0 +1,100000 @@\n".len() as i64));
    let image = by_path("image.bin");
    assert!(image.is_binary);
    assert_eq!((image.additions, image.deletions, image.diff.as_ref()), (None, None, None));
    let submodule = by_path("vendor/lib");
    assert!(submodule.is_submodule);
    assert_same_rows(&t.numstat_rows().await, &git_numstat(&repo));
}

/// Refuses with the number of incoming commits it was given and the commits stored at that
/// moment, so the test sees both.
struct Refuse<'a> {
    store: &'a dyn repovault_storage::Store,
    seen: std::sync::Mutex<Vec<(u64, i64)>>,
    refuse: bool,
}

impl repovault_ingest::BeforeWrite for Refuse<'_> {
    fn before_write(&self, incoming: u64) -> repovault_ingest::BeforeWriteFuture<'_> {
        Box::pin(async move {
            let stored = self.store.repository_by_name("demo").await.unwrap().commit_count;
            self.seen.lock().unwrap().push((incoming, stored));
            if self.refuse {
                return Err(repovault_storage::ErrorPayload {
                    code: repovault_storage::ErrorCode::BackupFailed,
                    message: "no room".into(),
                });
            }
            Ok(())
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hook_sees_the_incoming_count_before_any_write_and_can_stop_the_import() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    make_repo(&repo, 120);
    let expected: u64 = git_text(&repo, &["rev-list", "--count", "--branches", "--tags"]).parse().unwrap();
    let t = fresh_store(Engine::Sqlite).await;
    let options = ImportOptions { batch_size: 10, ..ImportOptions::default() };
    let phases = std::sync::Mutex::new(Vec::new());
    let on_progress = |p: &repovault_ingest::ImportProgress| phases.lock().unwrap().push(p.phase);
    let cancel = CancelToken::default();

    let refuse = Refuse { store: t.store.as_ref(), seen: Default::default(), refuse: true };
    let err = repovault_ingest::import_repository_with_hook(
        t.store.as_ref(),
        &repo,
        "demo",
        &options,
        &on_progress,
        &cancel,
        &refuse,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), "backup_failed");
    assert_eq!(err.to_string(), "no room");
    assert_eq!(*refuse.seen.lock().unwrap(), vec![(expected, 0)]);
    assert_eq!(t.store.repository_by_name("demo").await.unwrap().commit_count, 0, "nothing written");
    assert!(!phases.lock().unwrap().contains(&repovault_ingest::ImportPhase::Importing));

    let allow = Refuse { store: t.store.as_ref(), seen: Default::default(), refuse: false };
    let report = repovault_ingest::import_repository_with_hook(
        t.store.as_ref(),
        &repo,
        "demo",
        &options,
        &on_progress,
        &cancel,
        &allow,
    )
    .await
    .unwrap();
    assert_eq!(report.new_commits, expected);
    assert_eq!(*allow.seen.lock().unwrap(), vec![(expected, 0)]);
    // Up to date: no history read, no hook.
    let again = repovault_ingest::import_repository_with_hook(
        t.store.as_ref(),
        &repo,
        "demo",
        &options,
        &on_progress,
        &cancel,
        &allow,
    )
    .await
    .unwrap();
    assert!(again.up_to_date);
    assert_eq!(allow.seen.lock().unwrap().len(), 1);
}
