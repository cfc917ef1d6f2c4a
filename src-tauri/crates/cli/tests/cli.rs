//! The real `repovault-cli` binary against a real SQLite file (and PostgreSQL when the test script
//! provides one): output, `--json` placement, exit codes and one-line errors.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use repovault_testkit::{fresh_postgres_database, make_repo};

const EVENT: &str = r#"{"ref":"refs/heads/main","pusher":{"name":"alice"},"repository":{"name":"demo"},
 "commits":[
  {"id":"0123456789abcdef0123456789abcdef01234567","message":"Fix the crash\n\nDetails.","timestamp":"2024-03-01T10:00:00+02:00",
   "author":{"name":"Alice","email":"a@example.com"},"added":["a.rs"],"removed":[],"modified":["b.rs"]},
  {"id":"1123456789abcdef0123456789abcdef01234567","message":"Second","timestamp":"2024-03-02T10:00:00-05:00",
   "author":{"name":"Bob","email":"b@example.com"},"added":[],"removed":["a.rs"],"modified":[]}]}"#;

fn with_event() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("event.json"), EVENT).unwrap();
    let event = dir.path().join("event.json");
    let results = ok_json(&dir.path().join("data"), &["--json", "ingest-event", event.to_str().unwrap()]);
    let statuses: Vec<_> = results.as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["Stored", "Stored"]);
    dir
}

#[test]
fn ingest_then_list_show_and_log() {
    let dir = with_event();
    let data = dir.path().join("data");
    assert!(data.join("repovault.db").exists(), "the default store is repovault.db in the data folder");

    let repos = ok_json(&data, &["repos", "--json"]);
    assert_eq!(repos[0]["name"], "demo");
    assert_eq!(repos[0]["commit_count"], 2);

    let shown = ok_json(&data, &["show", "0123", "--json"]);
    assert_eq!(shown["commit"]["hash"], "0123456789abcdef0123456789abcdef01234567");
    assert_eq!(shown["commit"]["pusher"], "alice");
    assert_eq!(shown["commit"]["commit_count"], 2);
    assert_eq!(shown["commit"]["author"]["tz_offset_minutes"], 120);
    assert_eq!(shown["commit"]["totals"]["files_changed"], 2);
    assert!(shown["commit"]["totals"]["total_additions"].is_null(), "unknown, not zero");
    let paths: Vec<_> = shown["changes"].as_array().unwrap().iter().map(|c| c["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["a.rs", "b.rs"]);

    let log = cli(&data, &["log", "--limit", "1"]);
    let text = String::from_utf8(log.stdout).unwrap();
    assert_eq!(text.lines().count(), 1);
    assert!(text.starts_with("1123456789ab"), "{text}");
    assert!(text.contains("-0500") && text.contains("Second"), "{text}");

    // Storing the same event again is a no-op reported as duplicates.
    let event = dir.path().join("event.json");
    let again = cli(&data, &["ingest-event", event.to_str().unwrap()]);
    assert_eq!(String::from_utf8_lossy(&again.stdout).trim(), "demo: 0 stored, 2 already there");
}

#[test]
fn errors_exit_non_zero_with_one_line() {
    let dir = with_event();
    let data = dir.path().join("data");
    for (args, code) in [
        (vec!["show", "zz99"], "validation"),
        (vec!["show", "01"], "validation"),
        (vec!["show", "ffff"], "not_found"),
        (vec!["log", "--repo", "nope"], "not_found"),
        (vec!["--database-url", "mysql://x", "repos"], "config"),
        (vec!["ingest-event", "/nonexistent/event.json"], "validation"),
    ] {
        let out = cli(&data, &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with(&format!("error [{code}]: ")), "{args:?}: {stderr}");
    }
    let out = cli(&data, &["--json", "show", "zz99"]);
    let payload: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(payload["error"]["code"], "validation");
}

#[test]
fn a_bad_event_stores_nothing() {
    let dir = with_event();
    let data = dir.path().join("data");
    let bad = dir.path().join("bad.json");
    let broken = EVENT.replace("1123456789abcdef0123456789abcdef01234567", "not-a-hash").replace("demo", "other");
    std::fs::write(&bad, broken).unwrap();
    let out = cli(&data, &["ingest-event", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid commits[1].hash"));
    let repos = ok_json(&data, &["--json", "repos"]);
    let names: Vec<_> = repos.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["demo"], "a rejected event creates no repository and stores no commit");
}

#[test]
fn migrate_shows_applied_and_pending() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let status = ok_json(&data, &["migrate", "--status", "--json"]);
    let states = status["migrations"].as_array().unwrap();
    assert!(!states.is_empty());
    assert!(states.iter().all(|m| m["applied"] == false), "a new database has everything pending");
    let applied = ok_json(&data, &["migrate", "--json"]);
    assert_eq!(applied["applied_now"].as_array().unwrap().len(), states.len());
    let text = String::from_utf8(cli(&data, &["migrate", "--status"]).stdout).unwrap();
    assert!(text.contains(&format!("{} applied, 0 pending", states.len())), "{text}");
}

#[test]
fn runs_on_postgres_too() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let url = runtime.block_on(fresh_postgres_database());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("event.json"), EVENT).unwrap();
    let event = dir.path().join("event.json");
    let data = dir.path().join("data");
    ok_json(&data, &["--database-url", &url, "--json", "ingest-event", event.to_str().unwrap()]);
    let repos = ok_json(&data, &["--database-url", &url, "--json", "repos"]);
    assert_eq!(repos[0]["commit_count"], 2);
    assert!(!data.join("repovault.db").exists(), "no SQLite file when a PostgreSQL URL is given");
}

/// What two stores must agree on: every commit with its parents and totals, and every file change.
fn store_snapshot(data: &Path) -> Vec<serde_json::Value> {
    let log = ok_json(data, &["--json", "log", "--repo", "repo", "--limit", "10000"]);
    let mut commits: Vec<serde_json::Value> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|c| serde_json::json!([c["hash"], c["parents"], c["totals"], c["author"], c["message"]]))
        .collect();
    commits.sort_by_key(|c| c[0].as_str().unwrap().to_string());
    commits
}

#[test]
fn an_import_killed_at_random_points_completes_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    make_repo(&repo, 2500);
    let repo_arg = repo.to_str().unwrap();

    let reference = dir.path().join("reference");
    ok_json(&reference, &["--json", "import", repo_arg, "--batch-size", "100"]);
    let expected = store_snapshot(&reference);
    assert!(expected.len() > 2500);

    let data = dir.path().join("interrupted");
    let mut seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    eprintln!("kill delays seeded with {seed}");
    let mut stored_counts = Vec::new();
    for _ in 0..5 {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let delay = 100 + (seed >> 33) % 500;
        let mut child = Command::new(BIN)
            .arg("--data-dir")
            .arg(&data)
            .args(["import", repo_arg, "--batch-size", "100"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay));
        child.kill().unwrap(); // SIGKILL: no chance to clean up
        child.wait().unwrap();
        if data.join("repovault.db").exists() {
            let repos = ok_json(&data, &["--json", "repos"]);
            stored_counts.push(repos.get(0).map(|r| r["commit_count"].as_i64().unwrap()).unwrap_or(0));
        }
    }
    eprintln!("commits stored after each kill: {stored_counts:?}");
    assert!(stored_counts.windows(2).all(|w| w[0] <= w[1]), "no kill loses stored commits: {stored_counts:?}");
    let finished = ok_json(&data, &["--json", "import", repo_arg, "--batch-size", "100"]);
    assert_eq!(finished["repository"]["commit_count"].as_u64().unwrap() as usize, expected.len());
    assert_eq!(store_snapshot(&data), expected, "the resumed store equals an uninterrupted import");
    let again = ok_json(&data, &["--json", "sync", "repo"]);
    assert_eq!(again["up_to_date"], true);
}

#[test]
fn a_json_export_imports_back_into_an_empty_store_with_identical_content() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    make_repo(&repo, 400);
    let source = dir.path().join("source");
    ok_json(&source, &["--json", "import", repo.to_str().unwrap()]);
    for format in ["json", "ndjson"] {
        let file = dir.path().join(format!("all.{format}"));
        let exported = ok_json(&source, &["--json", "export", "--format", format, "--out", file.to_str().unwrap()]);
        let target = dir.path().join(format!("target-{format}"));
        let imported = ok_json(&target, &["--json", "import", file.to_str().unwrap()]);
        assert_eq!(imported["stored"], exported["exported"]);
        // Exporting the copy gives the same bytes: every field, path and diff came back.
        let again = dir.path().join(format!("again.{format}"));
        ok_json(&target, &["--json", "export", "--format", format, "--out", again.to_str().unwrap()]);
        assert!(std::fs::read(&file).unwrap() == std::fs::read(&again).unwrap(), "{format} round trip differs");
        assert_eq!(store_snapshot(&target), store_snapshot(&source));
        // Importing it again stores nothing new.
        let twice = ok_json(&target, &["--json", "import", file.to_str().unwrap()]);
        assert_eq!(twice["stored"], 0);
    }
    let hostile = dir.path().join("hostile.json");
    std::fs::write(&hostile, r#"{"format":"something-else","version":1,"commits":[]}"#).unwrap();
    let out = cli(&dir.path().join("x"), &["import", hostile.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a RepoVault export"));
}

#[test]
fn csv_export_is_rfc4180_with_exactly_the_matching_rows() {
    let dir = with_event();
    let data = dir.path().join("data");
    let tricky = EVENT
        .replace("Fix the crash\\n\\nDetails.", "Quote \\\"this\\\", then, a comma\\nand a second line")
        .replace("\"demo\"", "\"tricky\"");
    let event = dir.path().join("tricky.json");
    std::fs::write(&event, tricky).unwrap();
    ok_json(&data, &["--json", "ingest-event", event.to_str().unwrap()]);
    let file = dir.path().join("out.csv");
    let exported = ok_json(
        &data,
        &["--json", "export", "--format", "csv", "--out", file.to_str().unwrap(), "--search", "repo:tricky"],
    );
    assert_eq!(exported["exported"], 2);
    let mut reader = csv::Reader::from_path(&file).unwrap();
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "repository");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    let message = headers.iter().position(|h| h == "message").unwrap();
    let first = rows.iter().find(|r| r[1].starts_with("0123")).unwrap();
    assert_eq!(&first[message], "Quote \"this\", then, a comma\nand a second line");
    assert_eq!(&first[0], "tricky");
    let additions = headers.iter().position(|h| h == "additions").unwrap();
    assert_eq!(&first[additions], "", "unknown line counts are empty, not zero");
    assert!(!dir.path().join("out.csv.partial").exists());
}

#[test]
fn remove_needs_yes_off_a_terminal() {
    let dir = with_event();
    let data = dir.path().join("data");
    let out = cli(&data, &["remove", "demo"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Pass --yes"));
    assert_eq!(ok_json(&data, &["--json", "repos"])[0]["commit_count"], 2, "nothing removed without --yes");
    let removed = ok_json(&data, &["--json", "remove", "demo", "--yes"]);
    assert_eq!(removed["commits"], 2);
    assert_eq!(ok_json(&data, &["--json", "repos"]), serde_json::json!([]));
}

#[test]
fn saved_queries_are_saved_run_renamed_and_deleted() {
    let dir = with_event();
    let data = dir.path().join("data");
    let saved = ok_json(&data, &["--json", "saved", "save", "crashes", "--search", "crash author:alice"]);
    assert_eq!(saved["name"], "crashes");
    let filter = serde_json::json!({"field": "author", "op": "eq", "value": "Bob"});
    ok_json(&data, &["--json", "saved", "save", "bob", "--filter", &filter.to_string()]);
    let listed = ok_json(&data, &["--json", "saved", "list"]);
    let names: Vec<_> = listed.as_array().unwrap().iter().map(|q| q["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["bob", "crashes"]);

    let page = ok_json(&data, &["--json", "saved", "run", "crashes"]);
    assert_eq!(page["total"], 1);
    assert_eq!(page["commits"][0]["hash"], "0123456789abcdef0123456789abcdef01234567");
    let hits: Vec<_> = page["snippets"][0]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["hit"] == true)
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert_eq!(hits, ["crash"], "the searched word is marked in the snippet");
    let human = cli(&data, &["search", "crash"]);
    assert!(String::from_utf8_lossy(&human.stdout).contains("Fix the «crash»"), "{human:?}");

    ok_json(&data, &["--json", "saved", "rename", "bob", "bobs"]);
    let run = ok_json(&data, &["--json", "saved", "run", "bobs"]);
    assert_eq!(run["commits"][0]["hash"], "1123456789abcdef0123456789abcdef01234567");

    let refused = cli(&data, &["saved", "delete", "bobs"]);
    assert!(!refused.status.success(), "deleting needs --yes off a terminal");
    let left = ok_json(&data, &["--json", "saved", "delete", "bobs", "--yes"]);
    assert_eq!(left.as_array().unwrap().len(), 1);

    let unknown = cli(&data, &["saved", "run", "nope"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("saved query \"nope\""));
    let bad = cli(&data, &["saved", "save", "x", "--filter", r#"{"field":"colour","op":"eq","value":1}"#]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown field \"colour\""), "{bad:?}");
}

#[test]
fn change_searches_follow_the_per_repository_switch() {
    let dir = tempfile::tempdir().unwrap();
    let repo = repovault_testkit::init_repo(dir.path(), "lines");
    std::fs::write(repo.join("a.rs"), "fn main() { segfault_handler(); }\n").unwrap();
    repovault_testkit::git(&repo, &["add", "-A"]);
    repovault_testkit::git(&repo, &["commit", "-q", "-m", "Handle segfaults"]);
    let data = dir.path().join("data");
    let path = repo.to_str().unwrap();
    ok(&data, &["import", path, "--no-change-index"]);
    let repos = ok_json(&data, &["repos", "--json"]);
    assert_eq!(repos[0]["index_changes"], false);
    assert_eq!(ok_json(&data, &["--json", "search", "change:segfault_handler"])["total"], 0);
    assert_eq!(ok_json(&data, &["--json", "search", "segfault"])["total"], 1, "word forms");

    ok(&data, &["sync", "lines", "--change-index"]);
    assert_eq!(ok_json(&data, &["repos", "--json"])[0]["index_changes"], true);
    assert_eq!(ok_json(&data, &["--json", "search", "change:segfault_handler"])["total"], 1);
    assert_eq!(ok_json(&data, &["--json", "search", "removed:segfault_handler"])["total"], 0);
    let human = ok(&data, &["repos"]);
    assert!(human.contains("CHANGES") && human.contains("indexed"), "{human}");
}
