//! `repovault-cli backup …` on a real SQLite store: create, list, verify, restore, delete, prune,
//! schedules, `--json`, `--yes` off a terminal, and SIGKILL during creation.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;
use repovault_testkit::make_repo;

const EVENT: &str = r#"{"ref":"refs/heads/main","pusher":{"name":"alice"},"repository":{"name":"demo"},
 "commits":[
  {"id":"0123456789abcdef0123456789abcdef01234567","message":"Fix the crash","timestamp":"2024-03-01T10:00:00+02:00",
   "author":{"name":"Alice","email":"a@example.com"},"added":["a.rs"],"removed":[],"modified":["b.rs"]},
  {"id":"1123456789abcdef0123456789abcdef01234567","message":"Second","timestamp":"2024-03-02T10:00:00-05:00",
   "author":{"name":"Bob","email":"b@example.com"},"added":[],"removed":["a.rs"],"modified":[]}]}"#;

const EVENT2: &str = r#"{"ref":"refs/heads/main","repository":{"name":"demo"},
 "commits":[{"id":"2123456789abcdef0123456789abcdef01234567","message":"Third","timestamp":"2024-03-03T10:00:00Z",
   "author":{"name":"Carol","email":"c@example.com"},"added":["c.rs"],"removed":[],"modified":[]}]}"#;

fn ingest(dir: &Path, data: &Path, event: &str) {
    let file = dir.join("event.json");
    std::fs::write(&file, event).unwrap();
    ok_json(data, &["--json", "ingest-event", file.to_str().unwrap()]);
}

fn commit_count(data: &Path) -> i64 {
    let repos = ok_json(data, &["repos", "--json"]);
    repos.as_array().unwrap().iter().map(|r| r["commit_count"].as_i64().unwrap()).sum()
}

#[test]
fn create_list_verify_restore_delete_and_prune() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ingest(dir.path(), &data, EVENT);

    let created = ok_json(&data, &["backup", "create", "--json"]);
    let path = created["results"][0]["backup"]["path"].as_str().unwrap().to_string();
    assert!(path.starts_with(data.join("backups").to_str().unwrap()), "default destination: {path}");
    assert_eq!(created["manifest"]["kind"], "manual");
    assert_eq!(created["manifest"]["source_backend"], "sqlite");
    assert!(created["manifest"]["row_counts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["table"] == "commits" && c["rows"] == 2));

    let human = cli(&data, &["backup", "list"]);
    assert!(human.status.success());
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("2 commits") && text.contains("1 backups"), "{text}");

    let verified = ok_json(&data, &["backup", "verify", &path, "--json"]);
    assert_eq!(verified[0]["ok"], true);

    ingest(dir.path(), &data, EVENT2);
    assert_eq!(commit_count(&data), 3);

    // Destructive commands need --yes off a terminal, and change nothing without it.
    let refused = cli(&data, &["backup", "restore", &path]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--yes"));
    assert_eq!(commit_count(&data), 3);

    let restored = ok_json(&data, &["--json", "backup", "restore", &path, "--yes"]);
    assert!(restored["safety_backup"].as_str().unwrap().contains("automatic"));
    assert_eq!(commit_count(&data), 2);

    // Restore into another folder.
    let other = dir.path().join("other");
    ok_json(&data, &["--json", "backup", "restore", &path, "--into", other.to_str().unwrap()]);
    assert_eq!(commit_count(&other), 2);

    let listed = ok_json(&data, &["backup", "list", "--json"]);
    assert_eq!(listed.as_array().unwrap().len(), 2, "the backup and the safety backup");

    let dry = ok_json(&data, &["backup", "prune", "--keep-last", "1", "--dry-run", "--json"]);
    let removing: Vec<_> = dry.as_array().unwrap().iter().filter(|d| d["keep"] == false).collect();
    assert_eq!(removing.len(), 1);
    assert_eq!(ok_json(&data, &["backup", "list", "--json"]).as_array().unwrap().len(), 2, "a dry run removes nothing");
    assert!(!cli(&data, &["backup", "prune", "--keep-last", "1"]).status.success(), "needs --yes");
    ok_json(&data, &["backup", "prune", "--keep-last", "1", "--yes", "--json"]);
    let left = ok_json(&data, &["backup", "list", "--json"]);
    assert_eq!(left.as_array().unwrap().len(), 1);

    let last = left[0]["path"].as_str().unwrap().to_string();
    ok_json(&data, &["backup", "delete", &last, "--yes", "--json"]);
    assert_eq!(ok_json(&data, &["backup", "list", "--json"]).as_array().unwrap().len(), 0);

    // Errors are one line with a code.
    let missing = cli(&data, &["backup", "verify", "/nonexistent/repovault-20260101T000000Z-manual.zip"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).starts_with("error [not_found]"));
}

#[test]
fn encrypted_backups_and_a_wrong_password() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ingest(dir.path(), &data, EVENT);
    let out = Command::new(BIN)
        .args(["--data-dir", data.to_str().unwrap(), "--json", "backup", "create", "--password-env", "RV_PW"])
        .env("RV_PW", "s3cret")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let created: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let path = created["results"][0]["backup"]["path"].as_str().unwrap().to_string();
    assert!(path.ends_with(".zip.age"));
    let wrong = Command::new(BIN)
        .args(["--data-dir", data.to_str().unwrap(), "backup", "verify", &path, "--password-env", "RV_PW"])
        .env("RV_PW", "nope")
        .output()
        .unwrap();
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("error [wrong_password]"));
}

#[test]
fn schedules_add_list_run_and_remove() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ingest(dir.path(), &data, EVENT);
    let added = ok_json(
        &data,
        &[
            "--json",
            "backup",
            "schedule",
            "add",
            "nightly",
            "--cron",
            "0 3 * * *",
            "--timezone",
            "Europe/Berlin",
            "--keep-daily",
            "7",
        ],
    );
    assert_eq!(added["next_runs"].as_array().unwrap().len(), 5);
    let bad = cli(&data, &["backup", "schedule", "add", "broken", "--cron", "99 * * * *"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("error [validation]"));
    ok_json(&data, &["--json", "backup", "schedule", "add", "often", "--every", "1"]);
    std::thread::sleep(Duration::from_millis(1100));
    let ran = cli(&data, &["--json", "backup", "schedule", "run", "--once"]);
    assert!(ran.status.success(), "{}", String::from_utf8_lossy(&ran.stderr));
    let run: serde_json::Value = serde_json::from_slice(&ran.stdout).unwrap();
    assert_eq!(run["schedule"], "often");
    assert_eq!(run["result"], "ok");
    let schedules = ok_json(&data, &["--json", "backup", "schedule", "list"]);
    let often = schedules.as_array().unwrap().iter().find(|s| s["name"] == "often").unwrap();
    assert_eq!(often["last_result"], "ok");
    let listed = ok_json(&data, &["backup", "list", "--json"]);
    assert_eq!(listed[0]["kind"], "scheduled");
    ok_json(&data, &["--json", "backup", "schedule", "remove", "often"]);
    assert_eq!(ok_json(&data, &["--json", "backup", "schedule", "list"]).as_array().unwrap().len(), 1);
}

#[test]
fn migrate_takes_a_backup_when_migrations_are_pending() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ingest(dir.path(), &data, EVENT);
    // Pretend the backup schedules migration is not applied yet.
    sqlite_execute(&data, "DROP TABLE backup_schedules; DELETE FROM _sqlx_migrations WHERE version = 20261122000006;");
    let out = cli(&data, &["migrate"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("before migrating"));
    let listed = ok_json(&data, &["backup", "list", "--json"]);
    assert_eq!(listed[0]["kind"], "automatic");
    assert_eq!(listed[0]["trigger"], "before migration");
    // Nothing pending any more: no second backup.
    assert!(cli(&data, &["migrate"]).status.success());
    assert_eq!(ok_json(&data, &["backup", "list", "--json"]).as_array().unwrap().len(), 1);
}

/// Fills a store with about 60 MB of poorly compressible rows so a backup takes a while.
fn big_store(dir: &Path) -> PathBuf {
    let data = dir.join("data");
    ingest(dir, &data, EVENT);
    sqlite_execute(
        &data,
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 15000) \
         INSERT INTO audit_log (at, action, entity, detail) SELECT i, 'filler', 'test', hex(randomblob(2000)) FROM n",
    );
    data
}

fn partial_count(backups: &Path) -> usize {
    std::fs::read_dir(backups)
        .map(|d| d.flatten().filter(|e| e.file_name().to_string_lossy().ends_with(".partial")).count())
        .unwrap_or(0)
}

#[cfg(unix)]
#[test]
fn sigkill_during_creation_never_lists_a_partial_and_the_next_start_cleans_up() {
    let dir = tempfile::tempdir().unwrap();
    let data = big_store(dir.path());
    let backups = data.join("backups");
    let mut rng = fastrand::Rng::with_seed(0xdead_beef);
    let mut killed_with_partial = 0;
    for round in 0..5 {
        let mut child = Command::new(BIN)
            .args(["--data-dir", data.to_str().unwrap(), "backup", "create"])
            .env_remove("DATABASE_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        if round % 2 == 0 {
            // Kill while the archive is being written: wait for its partial file, then a random
            // moment of writing (a fixed delay lands in other phases, or after the end, on a
            // faster or slower machine).
            let deadline = std::time::Instant::now() + Duration::from_secs(30);
            while partial_count(&backups) == 0
                && child.try_wait().unwrap().is_none()
                && std::time::Instant::now() < deadline
            {
                std::thread::sleep(Duration::from_millis(2));
            }
            std::thread::sleep(Duration::from_millis(rng.u64(0..100)));
        } else {
            // Anywhere: the snapshot, the archive, the rename, or after the end.
            std::thread::sleep(Duration::from_millis(rng.u64(50..2500)));
        }
        child.kill().unwrap(); // SIGKILL on unix
        child.wait().unwrap();
        if partial_count(&backups) > 0 {
            killed_with_partial += 1;
        }
        // Every listed backup is complete: a readable manifest that verifies.
        let listed = ok_json(&data, &["backup", "list", "--json"]);
        for info in listed.as_array().unwrap() {
            assert!(info["damaged"].is_null(), "round {round}: {info}");
            assert!(info["manifest"].is_object(), "round {round}: {info}");
            assert!(info["name"].as_str().unwrap().ends_with(".zip"));
        }
        // That start (list) removed the leftovers.
        let left: Vec<_> = std::fs::read_dir(&backups)
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().to_string())
                    .filter(|n| n.ends_with(".partial"))
                    .collect()
            })
            .unwrap_or_default();
        assert!(left.is_empty(), "round {round}: {left:?}");
    }
    assert!(killed_with_partial > 0, "at least one kill landed while a backup was being written");
    // And a backup that is left to finish verifies.
    let created = ok_json(&data, &["--json", "backup", "create"]);
    let path = created["results"][0]["backup"]["path"].as_str().unwrap().to_string();
    assert_eq!(ok_json(&data, &["--json", "backup", "verify", &path])[0]["ok"], true);
}

fn backups(data: &Path) -> Vec<serde_json::Value> {
    ok_json(data, &["backup", "list", "--json"]).as_array().unwrap().clone()
}

/// A store with the two commits of `EVENT`.
fn store_with_commits(dir: &Path, name: &str) -> PathBuf {
    let data = dir.join(name);
    ingest(dir, &data, EVENT);
    assert_eq!(commit_count(&data), 2);
    data
}

#[test]
fn a_large_import_takes_an_automatic_backup_first() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    make_repo(&repo, 20);
    let repo = repo.to_str().unwrap();

    // Above the threshold, into a store with commits: one automatic backup of the store as it was.
    let data = store_with_commits(dir.path(), "large");
    let out = cli(&data, &["--json", "import", repo, "--backup-threshold", "5"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("backed up to") && stderr.contains("before importing"), "{stderr}");
    let imported: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let new_commits = imported["new_commits"].as_i64().unwrap();
    assert!(new_commits > 5, "{new_commits}");
    assert_eq!(commit_count(&data), 2 + new_commits);
    let listed = backups(&data);
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["kind"], "automatic");
    assert_eq!(listed[0]["trigger"], "before large import");
    let path = listed[0]["path"].as_str().unwrap();
    assert!(path.starts_with(data.join("backups").to_str().unwrap()), "default destination: {path}");
    assert!(stderr.contains(path), "{stderr}");
    assert_eq!(ok_json(&data, &["backup", "verify", path, "--json"])[0]["ok"], true);
    let restored = dir.path().join("restored");
    ok_json(&data, &["--json", "backup", "restore", path, "--into", restored.to_str().unwrap()]);
    assert_eq!(commit_count(&restored), 2, "the backup holds the store before the import");

    // A sync with nothing new writes nothing and takes no backup.
    ok_json(&data, &["--json", "sync", "repo", "--backup-threshold", "0"]);
    assert_eq!(backups(&data).len(), 1);

    // At or below the threshold: no backup.
    let small = store_with_commits(dir.path(), "small");
    ok_json(&small, &["--json", "import", repo, "--backup-threshold", &new_commits.to_string()]);
    assert_eq!(commit_count(&small), 2 + new_commits);
    assert_eq!(backups(&small).len(), 0);

    // --no-backup: none.
    let off = store_with_commits(dir.path(), "off");
    ok_json(&off, &["--json", "import", repo, "--no-backup"]);
    let off_default = store_with_commits(dir.path(), "off-default");
    ok_json(&off_default, &["--json", "import", repo, "--no-backup", "--batch-size", "3"]);
    assert_eq!(backups(&off).len() + backups(&off_default).len(), 0);

    // An empty store has nothing to protect.
    let empty = dir.path().join("empty");
    ok_json(&empty, &["--json", "import", repo, "--backup-threshold", "5"]);
    assert_eq!(commit_count(&empty), new_commits);
    assert_eq!(backups(&empty).len(), 0);

    // --backup-dest: the backup goes there.
    let elsewhere = dir.path().join("elsewhere");
    let dest = store_with_commits(dir.path(), "dest");
    ok_json(
        &dest,
        &["--json", "import", repo, "--backup-threshold", "5", "--backup-dest", elsewhere.to_str().unwrap()],
    );
    let there = ok_json(&dest, &["backup", "list", "--json", "--dest", elsewhere.to_str().unwrap()]);
    assert_eq!(there.as_array().unwrap().len(), 1);
    assert_eq!(there[0]["trigger"], "before large import");
}

#[test]
fn a_failed_backup_stops_the_import() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    make_repo(&repo, 20);
    let data = store_with_commits(dir.path(), "data");
    // The backup folder is a file: the backup cannot be written.
    std::fs::write(data.join("backups"), b"not a folder").unwrap();
    let out = cli(&data, &["import", repo.to_str().unwrap(), "--backup-threshold", "5"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error [backup_failed]: the automatic backup"), "{stderr}");
    assert!(stderr.contains("automatic backup") && stderr.contains("nothing was imported"), "{stderr}");
    assert_eq!(commit_count(&data), 2, "no commit was written");

    // Without the backup it goes ahead.
    ok_json(&data, &["--json", "import", repo.to_str().unwrap(), "--no-backup"]);
    assert!(commit_count(&data) > 7);
}

/// Commits git itself counts in a repository (every ref).
fn git_commits(repo: &Path) -> i64 {
    let out = repovault_testkit::git_bytes(repo, &["rev-list", "--all", "--count"]);
    String::from_utf8(out).unwrap().trim().parse().unwrap()
}

#[test]
fn list_and_verify_show_one_workspaces_rows_from_each_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    make_repo(&one, 12);
    make_repo(&two, 5);
    ok(&data, &["workspace", "create", "platform"]);
    ok(&data, &["import", one.to_str().unwrap(), "--name", "one", "--workspace", "platform", "--no-backup"]);
    ok(&data, &["import", two.to_str().unwrap(), "--name", "two", "--no-backup"]);
    let (in_platform, in_default) = (git_commits(&one), git_commits(&two));
    assert_ne!(in_platform, in_default);
    let created = ok_json(&data, &["backup", "create", "--json"]);
    let path = created["results"][0]["backup"]["path"].as_str().unwrap().to_string();

    let listed = ok_json(&data, &["backup", "list", "--json", "--workspace", "platform"]);
    let scoped = &listed[0]["workspace"];
    assert_eq!(scoped["name"], "platform");
    assert_eq!(scoped["state"], "counted");
    assert_eq!(scoped["counts"]["repositories"], 1);
    assert_eq!(scoped["counts"]["commits"], in_platform);
    // The backup's own fields are still there, beside the workspace's.
    assert_eq!(listed[0]["path"], path.as_str());
    let default = ok_json(&data, &["backup", "list", "--json", "--workspace", "default"]);
    assert_eq!(default[0]["workspace"]["counts"]["commits"], in_default);
    let absent = ok_json(&data, &["backup", "list", "--json", "--workspace", "nowhere"]);
    assert_eq!(absent[0]["workspace"]["state"], "absent");
    assert_eq!(absent[0]["workspace"]["counts"], serde_json::Value::Null);
    // Without --workspace the output is as before: no workspace field.
    let plain = ok_json(&data, &["backup", "list", "--json"]);
    assert!(plain[0].get("workspace").is_none());

    let human = ok(&data, &["backup", "list", "--workspace", "platform"]);
    assert!(human.contains(&format!("workspace platform: 1 repositories, {in_platform} commits")), "{human}");
    let human = ok(&data, &["backup", "list", "--workspace", "nowhere"]);
    assert!(human.contains("workspace nowhere: not in this backup"), "{human}");

    let verified = ok_json(&data, &["backup", "verify", &path, "--json", "--workspace", "platform"]);
    assert_eq!(verified[0]["ok"], true);
    assert_eq!(verified[0]["workspace"]["counts"]["commits"], in_platform);
    let human = ok(&data, &["backup", "verify", &path, "--workspace", "default"]);
    assert!(human.contains(&format!("workspace default: 1 repositories, {in_default} commits")), "{human}");
}
