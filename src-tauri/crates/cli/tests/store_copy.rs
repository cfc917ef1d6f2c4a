//! `store copy` through the real binary: a real git repository imported into SQLite, copied to a
//! real PostgreSQL database, the same answers read back from there.

mod common;

use common::*;
use repovault_testkit::{fresh_postgres_database, make_repo};

#[test]
fn copies_a_store_to_postgres_and_answers_the_same_there() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let repo = dir.path().join("repo");
    make_repo(&repo, 12);
    ok(&data, &["import", repo.to_str().unwrap(), "--name", "demo", "--no-backup"]);
    let url = tokio::runtime::Runtime::new().unwrap().block_on(fresh_postgres_database());

    let report = ok_json(&data, &["--json", "store", "copy", "--to", &url]);
    assert_eq!(report["verified"], true, "{report}");
    let commits = report["tables"].as_array().unwrap().iter().find(|t| t["table"] == "commits").unwrap();
    assert!(commits["source_rows"].as_i64().unwrap() >= 12);
    assert_eq!(commits["source_rows"], commits["target_rows"]);

    let here = ok_json(&data, &["--json", "search", "--limit", "1000", "after:1970-01-01"]);
    let there = ok_json(&data, &["--json", "--database-url", &url, "search", "--limit", "1000", "after:1970-01-01"]);
    let hashes = |page: &serde_json::Value| -> Vec<String> {
        page["commits"].as_array().unwrap().iter().map(|c| c["hash"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(hashes(&here), hashes(&there));

    // The target is a store now: a second copy into it is refused with a one-line error.
    let again = cli(&data, &["store", "copy", "--to", &url]);
    assert!(!again.status.success());
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("not empty") && err.trim().lines().count() == 1, "{err}");
}
