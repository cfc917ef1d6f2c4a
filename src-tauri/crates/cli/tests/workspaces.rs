//! `workspace …`, `--workspace` on import and the listing/query commands, and `team …` on SQLite,
//! through the real binary on a real SQLite file and real git repositories.

mod common;

use common::*;
use repovault_testkit::make_repo;

#[test]
fn workspaces_scope_import_listing_search_and_export() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    make_repo(&one, 6);
    make_repo(&two, 4);
    ok(&data, &["workspace", "create", "platform"]);
    ok(&data, &["import", one.to_str().unwrap(), "--name", "one", "--workspace", "platform", "--no-backup"]);
    ok(&data, &["import", two.to_str().unwrap(), "--name", "two", "--no-backup"]);

    let list = ok_json(&data, &["workspace", "list", "--json"]);
    let names: Vec<_> = list.as_array().unwrap().iter().map(|w| w["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["default", "platform"]);
    let one_count = ok_json(&data, &["repos", "--json", "--workspace", "platform"]);
    assert_eq!(one_count.as_array().unwrap().len(), 1);
    assert_eq!(one_count[0]["name"], "one");
    let commits_one = one_count[0]["commit_count"].as_i64().unwrap();
    assert!(commits_one > 0);
    assert_eq!(list[1]["commit_count"].as_i64().unwrap(), commits_one);

    // Searches and exports see only the named workspace.
    let page = ok_json(&data, &["search", "--json", "--workspace", "platform", "--limit", "1000", "after:1970-01-01"]);
    assert_eq!(page["total"].as_i64().unwrap(), commits_one);
    let all = ok_json(&data, &["search", "--json", "--limit", "1000", "after:1970-01-01"]);
    assert!(all["total"].as_i64().unwrap() > commits_one);
    let out = dir.path().join("platform.ndjson");
    ok(&data, &["export", "--format", "ndjson", "--out", out.to_str().unwrap(), "--workspace", "platform"]);
    // A header line, then one line per commit.
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count() as i64, 1 + commits_one);
    let missing = cli(&data, &["repos", "--workspace", "nowhere"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("workspace \"nowhere\""));

    // Move, rename, then delete (which says what goes and needs --yes off a terminal).
    ok(&data, &["workspace", "move", "two", "--to", "platform"]);
    ok(&data, &["workspace", "rename", "platform", "infra"]);
    let refused = cli(&data, &["workspace", "delete", "infra"]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr).to_string();
    assert!(said.contains("2 repositories (one, two)") && said.contains("--yes"), "{said}");
    assert_eq!(ok_json(&data, &["repos", "--json"]).as_array().unwrap().len(), 2, "nothing went");
    let gone = ok_json(&data, &["--json", "workspace", "delete", "infra", "--yes"]);
    assert_eq!(gone["repositories"], serde_json::json!(["one", "two"]));
    assert_eq!(ok_json(&data, &["repos", "--json"]).as_array().unwrap().len(), 0);
    let default_stays = cli(&data, &["workspace", "delete", "default", "--yes"]);
    assert!(!default_stays.status.success());
}

#[test]
fn team_commands_on_sqlite_say_there_are_no_roles() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["team", "init"][..], &["team", "list"], &["team", "grant", "alice", "--workspace", "default"]] {
        let out = cli(dir.path(), args);
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("SQLite has no roles"), "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1);
    }
}
