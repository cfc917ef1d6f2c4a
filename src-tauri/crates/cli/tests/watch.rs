//! `repovault-cli sync --watch`: a local repository with keep-in-sync on is synced shortly after a
//! commit lands (its refs are watched), one line per sync; SIGTERM ends it with status 0.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::*;
use repovault_testkit::{commit_files, git_text, init_repo};

#[test]
fn a_commit_in_a_watched_repository_is_synced_shortly_after() {
    let dir = tempfile::tempdir().unwrap();
    let repo = init_repo(dir.path(), "demo");
    commit_files(&repo, &[("a.txt", "1\n")], ("Ann", "ann@example.com"), "2024-01-01T00:00:00Z", "first");
    let data = dir.path().join("data");
    ok(&data, &["import", repo.to_str().unwrap()]);

    let bad = cli(&data, &["keep-in-sync", "demo", "--every", "10"]);
    assert!(String::from_utf8_lossy(&bad.stderr).starts_with("error [validation]"), "{bad:?}");
    assert!(ok(&data, &["keep-in-sync", "demo", "--every", "3600"]).contains("every 3600 s"));

    let mut watch = Command::new(BIN)
        .arg("--data-dir")
        .arg(&data)
        .args(["--json", "sync", "--watch"])
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (lines_tx, lines) = mpsc::channel();
    let stdout = watch.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
    });
    // Imported just now, so not due for an hour: nothing happens until a commit lands.
    assert!(lines.recv_timeout(Duration::from_secs(3)).is_err(), "no sync before a commit");

    commit_files(&repo, &[("a.txt", "2\n")], ("Ann", "ann@example.com"), "2024-01-02T00:00:00Z", "second");
    let line = lines.recv_timeout(Duration::from_secs(20)).expect("a sync after the commit");
    let event: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!((event["repository"].as_str(), event["new_commits"].as_u64()), (Some("demo"), Some(1)), "{line}");
    let head = git_text(&repo, &["rev-parse", "HEAD"]);
    assert_eq!(ok_json(&data, &["--json", "log", "--limit", "1"])[0]["hash"], head.as_str());

    let status = Command::new("kill").args(["-TERM", &watch.id().to_string()]).status().unwrap();
    assert!(status.success());
    let out = watch.wait_with_output().unwrap();
    assert!(out.status.success(), "SIGTERM ends it cleanly: {}", String::from_utf8_lossy(&out.stderr));
}
