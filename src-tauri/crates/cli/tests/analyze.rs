//! `repovault-cli analyze` on a real repository imported into a real SQLite file: tables for
//! people, the stored run as JSON, reuse, and one-line errors.

mod common;

use std::path::Path;

use common::*;
use repovault_testkit::{git_with_env, init_repo, write_files};

/// Writes `path` and commits it, authored and committed by `who` at `date`.
fn commit(repo: &Path, path: &str, text: &str, who: (&str, &str), date: &str) {
    write_files(repo, &[(path, text)]);
    let env = [
        ("GIT_AUTHOR_NAME", who.0),
        ("GIT_AUTHOR_EMAIL", who.1),
        ("GIT_COMMITTER_NAME", who.0),
        ("GIT_COMMITTER_EMAIL", who.1),
        ("GIT_AUTHOR_DATE", date),
        ("GIT_COMMITTER_DATE", date),
    ];
    git_with_env(repo, &["add", "-A"], &env);
    git_with_env(repo, &["commit", "-q", "-m", path], &env);
}

#[test]
fn analyze_prints_tables_and_stored_runs() {
    let dir = tempfile::tempdir().unwrap();
    let repo = init_repo(dir.path(), "demo");
    let ann = ("Ann", "ann@example.com");
    let bob = ("Bob", "bob@example.com");
    commit(
        &repo,
        "Cargo.toml",
        "[package]\nname = \"demo\"\n[dependencies]\nserde = \"1\"\n",
        ann,
        "2024-01-01T10:00:00+02:00",
    );
    commit(&repo, "src/main.rs", "fn main() {\n    if true {}\n}\n", ann, "2024-01-02T11:00:00+02:00");
    commit(&repo, "src/main.rs", "fn main() {}\nfn two() {}\n", bob, "2024-02-03T12:00:00-05:00");
    let data = dir.path().join("data");
    ok(&data, &["import", repo.to_str().unwrap(), "--name", "demo"]);

    // People get a table.
    let text = ok(&data, &["analyze", "demo", "--kind", "authors"]);
    assert!(text.contains("authors analysis, run 1 (computed"), "{text}");
    assert!(text.contains("Ann <ann@example.com>") && text.contains("Bob <bob@example.com>"), "{text}");
    assert!(text.contains("3 commits by 2 authors"), "{text}");

    // The same question again reuses the stored run; --json prints it whole (before or after the command).
    let run = ok_json(&data, &["--json", "analyze", "demo", "--kind", "authors"]);
    assert_eq!(run["id"], 1);
    assert_eq!(run["reused"], true);
    assert_eq!(run["status"], "done");
    assert_eq!(run["result"]["kind"], "authors");
    let authors = run["result"]["data"]["authors"].as_array().unwrap();
    assert_eq!((authors[0]["name"].as_str(), authors[0]["commits"].as_i64()), (Some("Ann"), Some(2)));

    let activity = ok_json(&data, &["analyze", "demo", "--kind", "activity", "--json"]);
    assert_eq!(activity["result"]["data"]["heatmap"][5][12], 1, "Saturday noon in New York");
    let months: Vec<_> = activity["result"]["data"]["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["period"].as_str().unwrap())
        .collect();
    assert_eq!(months, ["2024-01", "2024-02"]);

    let churn = ok_json(&data, &["analyze", "demo", "--kind", "churn", "--json", "--limit", "1"]);
    let files = churn["result"]["data"]["files"].as_array().unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!((files[0]["path"].as_str(), files[0]["commits"].as_i64()), (Some("src/main.rs"), Some(2)));

    let text = ok(&data, &["analyze", "demo", "--kind", "hotspots"]);
    assert!(text.contains("src/main.rs") && text.contains("sizes: lines at"), "{text}");
    let text = ok(&data, &["analyze", "demo", "--kind", "coupling", "--min-shared", "1"]);
    assert!(text.contains("commits considered"), "{text}");
    let text =
        ok(&data, &["analyze", "demo", "--kind", "ownership", "--alias", "bob@example.com=Ann <ann@example.com>"]);
    assert!(text.contains("(root)") && text.contains("Ann (100 %)"), "{text}");

    let spec = ok_json(&data, &["analyze", "demo", "--kind", "techspec", "--json", "--rev", "HEAD~1"]);
    let deps = spec["result"]["data"]["dependencies"].as_array().unwrap();
    assert_eq!(deps[0]["name"], "serde");
    let text = ok(&data, &["analyze", "demo", "--kind", "structure"]);
    assert!(text.contains("Rust") && text.contains("two (src/main.rs:2)"), "{text}");

    // Errors: one line with the code, non-zero exit; --json also prints {error: {code, message}}.
    let out = cli(&data, &["analyze", "nope", "--kind", "authors"]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("error [not_found]"), "{err}");
    let out = cli(&data, &["--json", "analyze", "demo", "--kind", "structure", "--rev", "no-such-rev"]);
    assert!(!out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["error"]["code"], "validation");
    let out = cli(&data, &["analyze", "demo", "--kind", "authors", "--alias", "broken"]);
    assert!(String::from_utf8(out.stderr).unwrap().starts_with("error [validation]"));
}

#[test]
fn analyze_leaves_out_paths_and_authors() {
    let dir = tempfile::tempdir().unwrap();
    let repo = init_repo(dir.path(), "demo");
    let ann = ("Ann", "ann@example.com");
    let bot = ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com");
    commit(&repo, "src/main.rs", "fn main() {}\n", ann, "2024-01-01T10:00:00+00:00");
    commit(&repo, "Cargo.lock", "# lock\n[[package]]\n", bot, "2024-01-02T10:00:00+00:00");
    commit(&repo, "docs/guide.md", "# Guide\n", ann, "2024-01-03T10:00:00+00:00");
    let data = dir.path().join("data");
    ok(&data, &["import", repo.to_str().unwrap(), "--name", "demo"]);

    // The defaults: lock files out of churn, bots out of authors, and both said.
    let text = ok(&data, &["analyze", "demo", "--kind", "churn"]);
    assert!(!text.contains("Cargo.lock") && text.contains("left out: *.lock, "), "{text}");
    assert!(text.contains("left out by the filters: 1 file (2 lines)"), "{text}");
    let text = ok(&data, &["analyze", "demo", "--kind", "authors"]);
    assert!(text.contains("2 commits by 1 authors"), "{text}");
    assert!(text.contains("authors left out: *[bot]*, dependabot*"), "{text}");
    assert!(text.contains("left out by the filters: 1 author (dependabot[bot]) with 1 commit"), "{text}");

    // Switched off, and given on the command line.
    let run = ok_json(&data, &["--json", "analyze", "demo", "--kind", "churn", "--no-default-excludes"]);
    let files: Vec<_> = run["result"]["data"]["files"].as_array().unwrap().iter().map(|f| f["path"].clone()).collect();
    assert_eq!(files.len(), 3);
    assert_eq!(run["params"]["exclude"], serde_json::json!([]));
    let run = ok_json(
        &data,
        &["--json", "analyze", "demo", "--kind", "authors", "--exclude-author", "ANN*", "--no-default-excludes"],
    );
    let authors = run["result"]["data"]["authors"].as_array().unwrap();
    assert_eq!((authors.len(), authors[0]["name"].as_str()), (1, Some("dependabot[bot]")));
    assert_eq!(run["result"]["data"]["left_out"]["author_commits"], 2);
    let run = ok_json(&data, &["--json", "analyze", "demo", "--kind", "activity", "--include", "docs/**"]);
    assert_eq!(run["result"]["data"]["total_commits"], 1);
    assert_eq!(run["result"]["data"]["left_out"]["commits"], 2);
    assert_eq!(run["params"]["include"], serde_json::json!(["docs/**"]));

    let out = cli(&data, &["analyze", "demo", "--kind", "churn", "--exclude", "a//b"]);
    assert!(String::from_utf8(out.stderr).unwrap().starts_with("error [validation]: invalid exclude"));
}
