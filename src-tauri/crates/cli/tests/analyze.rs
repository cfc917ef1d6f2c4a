//! `repovault-cli analyze` on a real repository imported into a real SQLite file: tables for
//! people, the stored run as JSON, reuse, and one-line errors.

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_repovault-cli");

fn cli(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("REPOVAULT_S3_BUCKET")
        .output()
        .expect("run repovault-cli")
}

fn ok(data_dir: &Path, args: &[&str]) -> String {
    let out = cli(data_dir, args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn ok_json(data_dir: &Path, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&ok(data_dir, args)).expect("JSON output")
}

fn git(repo: &Path, args: &[&str], who: (&str, &str), date: &str) {
    let out = Command::new("git")
        .current_dir(repo)
        .args(args)
        .env("GIT_AUTHOR_NAME", who.0)
        .env("GIT_AUTHOR_EMAIL", who.1)
        .env("GIT_COMMITTER_NAME", who.0)
        .env("GIT_COMMITTER_EMAIL", who.1)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn commit(repo: &Path, path: &str, text: &str, who: (&str, &str), date: &str) {
    let file = repo.join(path);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(file, text).unwrap();
    git(repo, &["add", "-A"], who, date);
    git(repo, &["commit", "-q", "-m", path], who, date);
}

#[test]
fn analyze_prints_tables_and_stored_runs() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("demo");
    std::fs::create_dir_all(&repo).unwrap();
    let ann = ("Ann", "ann@example.com");
    let bob = ("Bob", "bob@example.com");
    git(&repo, &["init", "-q", "-b", "main"], ann, "2024-01-01T10:00:00+00:00");
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
