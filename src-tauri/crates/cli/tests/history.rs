//! `graph`, `file-log`, `blame` and `compare` of the real binary with `--json`, against git on a
//! generated repository imported by the CLI.

mod common;

use common::*;
use repovault_testkit::{git, git_text, make_repo};

#[test]
fn history_commands_answer_as_git_does() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    make_repo(&repo, 300);
    let data = dir.path().join("data");
    ok(&data, &["import", repo.to_str().unwrap(), "--name", "demo", "--no-backup"]);

    // The newest renamed file still at main: its history follows the rename.
    let renamed =
        git(&repo, &["-c", "core.quotepath=false", "log", "--format=", "--name-only", "--diff-filter=R", "main"]);
    let at_main = git(&repo, &["-c", "core.quotepath=false", "ls-tree", "-r", "--name-only", "main"]);
    let path =
        renamed.lines().find(|p| !p.is_empty() && at_main.lines().any(|l| l == *p)).expect("a renamed file at main");
    let log = ok_json(&data, &["file-log", path, "--rev", "main", "--json"]);
    let ours: Vec<&str> = log.as_array().unwrap().iter().map(|c| c["hash"].as_str().unwrap()).collect();
    let expected = git(&repo, &["log", "--follow", "--format=%H", "main", "--", path]);
    assert_eq!(ours, expected.lines().collect::<Vec<_>>());
    assert!(log.as_array().unwrap().iter().any(|c| c["kind"] == "renamed"));

    let blame = ok_json(&data, &["--json", "blame", path, "--rev", "main"]);
    assert_eq!(blame["source"], "stored diffs");
    let porcelain = git(&repo, &["blame", "--porcelain", "main", "--", path]);
    let mut expected = Vec::new();
    let mut commit = "";
    for line in porcelain.lines() {
        if line.starts_with('\t') {
            expected.push(commit);
        } else if line.len() > 41 && line.as_bytes()[40] == b' ' {
            commit = &line[..40];
        }
    }
    let ours: Vec<&str> = blame["lines"].as_array().unwrap().iter().map(|l| l["commit"].as_str().unwrap()).collect();
    assert_eq!(ours, expected);

    let lines = ok_json(&data, &["line-log", &format!("{path}:1,3"), "--rev", "main", "--json"]);
    let ours: Vec<&str> = lines["commits"].as_array().unwrap().iter().map(|c| c["hash"].as_str().unwrap()).collect();
    let expected = git(&repo, &["log", "-L", &format!("1,3:{path}"), "--format=%H", "--no-patch", "main"]);
    assert_eq!(ours, expected.split_whitespace().collect::<Vec<_>>());
    let out = cli(&data, &["line-log", "no-range-here"]);
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error [validation]"));

    let topic = git_text(&repo, &["for-each-ref", "--count=1", "--format=%(refname:short)", "refs/heads/topic-*"]);
    let compared = ok_json(&data, &["compare", "main", &topic, "--three-dot", "--json"]);
    let counts = git_text(&repo, &["rev-list", "--left-right", "--count", &format!("main...{topic}")]);
    assert_eq!(format!("{}\t{}", compared["left_only"], compared["right_only"]), counts);
    assert_eq!(compared["merge_bases"][0], git_text(&repo, &["merge-base", "main", &topic]));

    let graph = ok_json(&data, &["graph", "--limit", "5", "--json"]);
    let total: i64 = git_text(&repo, &["rev-list", "--count", "--branches", "--tags"]).parse().unwrap();
    assert_eq!(graph["total"], total);
    assert_eq!(graph["rows"].as_array().unwrap().len(), 5);
    let text = ok(&data, &["graph", "--limit", "3"]);
    assert_eq!(text.lines().count(), 3);
    assert!(text.lines().all(|l| l.contains('*')), "{text}");

    // A revision that does not exist is a one-line not_found error.
    let out = cli(&data, &["compare", "main", "no-such-branch"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("error [not_found]"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
