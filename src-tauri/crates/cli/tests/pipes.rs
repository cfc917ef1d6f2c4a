//! The binaries' small manners: `--version`, and a reader that closes the pipe early
//! (`repovault-cli log | head -1`) ends every subcommand quietly with status 0.

mod common;

use std::io::Read;
use std::process::{Command, Stdio};

use common::*;
use repovault_testkit::make_repo;

#[test]
fn version_names_the_binary_and_the_package_version() {
    let out = Command::new(BIN).arg("--version").output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), format!("repovault-cli {}", env!("CARGO_PKG_VERSION")));
}

/// Runs a command whose stdout is a pipe closed before it prints: its status and stderr.
fn with_closed_stdout(data: &std::path::Path, args: &[&str]) -> (std::process::ExitStatus, String) {
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("REPOVAULT_S3_BUCKET")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The read end goes before the child has opened the store, so its first print meets a closed pipe.
    drop(child.stdout.take());
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    (child.wait().unwrap(), stderr)
}

#[test]
fn a_closed_stdout_ends_every_subcommand_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    make_repo(&repo, 30);
    let data = dir.path().join("data");
    ok(&data, &["import", repo.to_str().unwrap(), "--name", "demo"]);
    let head = repovault_testkit::git(&repo, &["rev-parse", "HEAD"]);
    let file = repovault_testkit::git(&repo, &["log", "-1", "--format=", "--name-only"]);
    let file = file.lines().next().unwrap().to_string();

    let commands: Vec<Vec<&str>> = vec![
        vec!["log", "--limit", "30"],
        vec!["--json", "log"],
        vec!["repos"],
        vec!["show", head.trim()],
        vec!["search", "author:a"],
        vec!["query", r#"{"field":"author","op":"like","value":"%"}"#],
        vec!["graph"],
        vec!["file-log", &file],
        vec!["sync", "demo"],
        vec!["migrate", "--status"],
        vec!["backup", "list"],
        vec!["saved", "list"],
        vec!["--json", "show", "abcdef12"],
    ];
    for args in commands {
        let (status, stderr) = with_closed_stdout(&data, &args);
        assert!(!stderr.contains("panicked") && !stderr.contains("Broken pipe"), "{args:?}: {stderr}");
        // An error that is not about the pipe still fails with its line (the unknown hash).
        if args.contains(&"abcdef12") {
            assert_eq!(status.code(), Some(1), "{args:?}: {stderr}");
            assert!(stderr.starts_with("error [not_found]"), "{stderr}");
        } else {
            assert!(status.success(), "{args:?}: {status} {stderr}");
        }
    }

    // The same pipe closed by a real reader after one line, as in a shell.
    let shell = Command::new("bash")
        .arg("-c")
        .arg(format!("set -o pipefail; '{BIN}' --data-dir '{}' log --limit 30 | head -1", data.display()))
        .output()
        .unwrap();
    assert!(shell.status.success(), "{}", String::from_utf8_lossy(&shell.stderr));
    assert_eq!(String::from_utf8(shell.stdout).unwrap().lines().count(), 1);
    assert!(!String::from_utf8_lossy(&shell.stderr).contains("panicked"), "{}", String::from_utf8_lossy(&shell.stderr));
}
