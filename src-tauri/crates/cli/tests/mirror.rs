//! `repovault-cli mirror` end to end with the real binary: a PostgreSQL server of the test's own
//! (so stopping it with `pg_ctl stop -m immediate` disturbs no other test), a repository made by
//! make-repo.py, the headless drainer (`mirror run`) killed at random points.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use repovault_storage::DatabaseLocation;

fn pg_bin() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL's binaries in /usr/lib/postgresql")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .collect();
    versions.sort();
    versions.pop().expect("a PostgreSQL version")
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0\n")).unwrap_or(false)
}

/// Runs a PostgreSQL tool as the unprivileged `postgres` user when the test runs as root
/// (PostgreSQL refuses root), as scripts/services.sh does.
fn pg_tool(tool: &str, args: &[&str]) -> std::process::Output {
    let path = pg_bin().join(tool);
    let mut command = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(path);
        c
    } else {
        Command::new(path)
    };
    command.args(args).stdin(Stdio::null()).output().expect("run a PostgreSQL tool")
}

/// A PostgreSQL server of this test only, on a free port.
struct OwnServer {
    _dir: tempfile::TempDir,
    data: String,
    port: u16,
    socket_dir: String,
}

impl OwnServer {
    fn start_new() -> OwnServer {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_str().unwrap().to_string();
        Command::new("chmod").args(["755", &root]).status().unwrap();
        if is_root() {
            Command::new("chown").args(["postgres:postgres", &root]).status().unwrap();
        }
        let data = format!("{root}/data");
        let out = pg_tool("initdb", &["-D", &data, "-U", "rv", "-A", "trust", "--no-sync", "-E", "UTF8"]);
        assert!(out.status.success(), "initdb: {}", String::from_utf8_lossy(&out.stderr));
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let server = OwnServer { _dir: dir, data, port, socket_dir: root };
        server.start();
        server
    }

    fn start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100",
            self.port, self.socket_dir
        );
        let log = format!("{}/server.log", self.socket_dir);
        let out = pg_tool("pg_ctl", &["-D", &self.data, "-l", &log, "-w", "-t", "60", "-o", &options, "start"]);
        assert!(out.status.success(), "pg_ctl start: {}", String::from_utf8_lossy(&out.stderr));
    }

    fn stop_immediately(&self) {
        let out = pg_tool("pg_ctl", &["-D", &self.data, "-m", "immediate", "stop"]);
        assert!(out.status.success(), "pg_ctl stop: {}", String::from_utf8_lossy(&out.stderr));
    }

    fn url(&self) -> String {
        format!("postgres://rv@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for OwnServer {
    fn drop(&mut self) {
        pg_tool("pg_ctl", &["-D", &self.data, "-m", "immediate", "stop"]);
    }
}

fn spawn(data_dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Child {
    let mut command = Command::new(BIN);
    command
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("REPOVAULT_S3_BUCKET")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in env {
        command.env(k, v);
    }
    command.spawn().expect("start repovault-cli")
}

fn status(data_dir: &Path) -> serde_json::Value {
    ok_json(data_dir, &["mirror", "status", "--json"])
}

fn wait_for(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn pg_count(url: &str, sql: &str) -> i64 {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(repovault_testkit::raw_count(&DatabaseLocation::Postgres(url.to_string()), sql))
}

fn local_count(data_dir: &Path, sql: &str) -> i64 {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(repovault_testkit::raw_count(&DatabaseLocation::Sqlite(data_dir.join("repovault.db")), sql))
}

#[test]
fn the_server_stops_mid_import_and_the_outbox_drains_when_it_returns_without_a_new_write() {
    let server = OwnServer::start_new();
    let data = tempfile::tempdir().unwrap();
    let repo = data.path().join("gen");
    repovault_testkit::make_repo(&repo, 1500);
    let data_dir = data.path().join("data");
    ok(&data_dir, &["repos"]);
    let enabled = ok_json(&data_dir, &["mirror", "enable", &server.url(), "--cooldown", "1", "--json"]);
    assert_eq!((enabled["enabled"].as_bool(), enabled["breaker"].as_str()), (Some(true), Some("closed")));
    let mut runner = spawn(&data_dir, &["mirror", "run", "--poll", "0.2"], &[]);

    let import = Command::new(BIN)
        .arg("--data-dir")
        .arg(&data_dir)
        .args(["import", repo.to_str().unwrap(), "--no-backup", "--batch-size", "100"])
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Stop the server once the drainer has sent part of the import.
    wait_for("a first drained batch", Duration::from_secs(120), || {
        pg_count(&server.url(), "SELECT COUNT(*) FROM commits") > 0
    });
    server.stop_immediately();
    let finished = import.wait_with_output().unwrap();
    assert!(
        finished.status.success(),
        "the import completes locally while the mirror is down: {}",
        String::from_utf8_lossy(&finished.stderr)
    );
    let commits = local_count(&data_dir, "SELECT COUNT(*) FROM commits");
    assert!(commits >= 1500, "{commits}");
    wait_for("an open breaker", Duration::from_secs(60), || {
        let s = status(&data_dir);
        s["breaker"] == "open" && s["pending"].as_i64().unwrap() > 0 && s["health"] == "degraded"
    });
    let s = status(&data_dir);
    assert!(s["last_error"].as_str().is_some(), "{s}");

    // The server returns; nothing is written locally; the running drainer empties the outbox.
    server.start();
    wait_for("an empty outbox", Duration::from_secs(180), || {
        let s = status(&data_dir);
        s["pending"] == 0 && s["breaker"] == "closed"
    });
    runner.kill().unwrap();
    runner.wait().unwrap();
    let check = ok_json(&data_dir, &["mirror", "check", "--json"]);
    assert_eq!(check["equal"], true, "{check}");
    assert_eq!(pg_count(&server.url(), "SELECT COUNT(*) FROM commits"), commits);
    // Commits, file changes and diff texts read back from PostgreSQL equal the primary's.
    let log = ok_json(&data_dir, &["log", "--limit", "30", "--json"]);
    for commit in log.as_array().unwrap() {
        let hash = commit["hash"].as_str().unwrap();
        let here = ok_json(&data_dir, &["show", hash, "--json"]);
        let there = ok_json(&data_dir, &["--database-url", &server.url(), "show", hash, "--json"]);
        assert_eq!(here["changes"].as_array().map(Vec::len), there["changes"].as_array().map(Vec::len));
        for (a, b) in here["changes"].as_array().unwrap().iter().zip(there["changes"].as_array().unwrap()) {
            for field in ["path", "kind", "additions", "deletions", "diff"] {
                assert_eq!(a[field], b[field], "{hash} {field}");
            }
        }
        assert_eq!(here["commit"]["message"], there["commit"]["message"]);
    }
    let audit = local_count(&data_dir, "SELECT COUNT(*) FROM audit_log WHERE action = 'mirror.breaker'");
    assert!(audit >= 2, "breaker transitions are audited");
}

#[test]
fn a_drainer_killed_at_random_points_loses_and_duplicates_nothing() {
    let server = OwnServer::start_new();
    let data = tempfile::tempdir().unwrap();
    let repo = data.path().join("gen");
    repovault_testkit::make_repo(&repo, 800);
    let data_dir = data.path().join("data");
    ok(&data_dir, &["mirror", "enable", &server.url()]);
    ok(&data_dir, &["import", repo.to_str().unwrap(), "--no-backup", "--batch-size", "50"]);
    let pending = |d: &Path| local_count(d, "SELECT COUNT(*) FROM mirror_outbox");
    assert!(pending(&data_dir) > 10);

    let seed = fastrand::u64(..);
    eprintln!("kill seed {seed}");
    let mut rng = fastrand::Rng::with_seed(seed);
    for round in 0..5 {
        let before = pending(&data_dir);
        if round == 0 {
            // Between PostgreSQL's commit and marking the entry done; first, while entries are
            // sure to wait (a fast drainer may empty the outbox within the random rounds).
            let next = local_count(&data_dir, "SELECT MIN(id) FROM mirror_outbox").to_string();
            let mut child =
                spawn(&data_dir, &["mirror", "sync"], &[("REPOVAULT_TEST_MIRROR_ABORT_BEFORE_DONE", &next)]);
            let exit = child.wait().unwrap();
            assert!(!exit.success(), "the drainer died at the planted point");
            assert_eq!(pending(&data_dir), before, "the entry the mirror committed is still pending");
            continue;
        }
        let mut child = spawn(&data_dir, &["mirror", "run", "--poll", "0.05"], &[]);
        std::thread::sleep(Duration::from_millis(rng.u64(150..900)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        eprintln!("round {round}: {before} -> {} pending", pending(&data_dir));
    }
    ok(&data_dir, &["mirror", "sync"]);
    assert_eq!(pending(&data_dir), 0);
    let check = ok_json(&data_dir, &["mirror", "check", "--json"]);
    assert_eq!(check["equal"], true, "{check}");
    assert_eq!(
        pg_count(&server.url(), "SELECT COUNT(*) FROM file_changes"),
        local_count(&data_dir, "SELECT COUNT(*) FROM file_changes")
    );
    assert_eq!(
        pg_count(&server.url(), "SELECT COUNT(*) FROM commits"),
        local_count(&data_dir, "SELECT COUNT(*) FROM commits")
    );
}

#[test]
fn mirror_commands_explain_bad_input() {
    let data = tempfile::tempdir().unwrap();
    let out = cli(data.path(), &["mirror", "enable", "sqlite:///tmp/x.db"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("a mirror is a PostgreSQL database"));
    let out = cli(data.path(), &["mirror", "sync"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no mirror is enabled"));
    let out = cli(data.path(), &["mirror", "check"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no mirror is configured"));
    let status = ok_json(data.path(), &["mirror", "status", "--json"]);
    assert_eq!(status["health"], "disabled");
}

#[test]
fn a_mirror_password_goes_to_the_os_keyring_and_into_no_file_of_the_data_folder() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (admin, url) = runtime.block_on(repovault_testkit::password_checked_postgres_database());
    let password = repovault_testkit::PASSWORD_ROLE.1;
    let data = tempfile::tempdir().unwrap();
    let repo = data.path().join("gen");
    repovault_testkit::make_repo(&repo, 60);
    let data_dir = data.path().join("data");
    ok(&data_dir, &["import", repo.to_str().unwrap(), "--no-backup"]);

    let enabled = ok_json(&data_dir, &["mirror", "enable", &url, "--json"]);
    let stored = url.replacen(password, "***", 1);
    assert_eq!(enabled["url"], stored.as_str(), "{enabled}");
    ok(&data_dir, &["mirror", "sync"]);
    assert_eq!(status(&data_dir)["pending"], 0);
    let check = ok_json(&data_dir, &["mirror", "check", "--json"]);
    assert_eq!(check["equal"], true, "{check}");
    assert_eq!(
        pg_count(&admin, "SELECT COUNT(*) FROM commits"),
        local_count(&data_dir, "SELECT COUNT(*) FROM commits")
    );
    // A later write drains through the keyring's password too.
    ok(&data_dir, &["saved", "save", "mine", "--search", "author:alice"]);
    ok(&data_dir, &["workspace", "create", "team"]);
    ok(&data_dir, &["saved", "move", "mine", "--to", "team"]);
    ok(&data_dir, &["mirror", "sync"]);
    let in_team = "SELECT COUNT(*) FROM saved_queries q JOIN workspaces w ON w.id = q.workspace_id \
                   WHERE q.name = 'mine' AND w.name = 'team'";
    assert_eq!(pg_count(&admin, in_team), 1);
    assert_eq!(ok_json(&data_dir, &["mirror", "check", "--json"])["equal"], true);

    let mut holding = Vec::new();
    let mut stack = vec![data_dir.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if std::fs::read(&path).unwrap().windows(password.len()).any(|w| w == password.as_bytes()) {
                holding.push(path);
            }
        }
    }
    assert!(holding.is_empty(), "the password is in {holding:?}");
    assert_eq!(local_count(&data_dir, &format!("SELECT COUNT(*) FROM mirror_config WHERE url = '{stored}'")), 1);
}
