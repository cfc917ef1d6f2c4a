//! Repositories added by URL, against real servers started on 127.0.0.1 by each test: `git
//! daemon` for git://, `git http-backend` behind a small HTTP server for smart HTTP (with a
//! password-protected case), and file://. The stored history is compared with `git` on the
//! server's repository; every failure leaves no repository and no mirror behind.

mod common;

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use repovault_testkit::{commit_files, git, git_text, make_repo, repo_root};

/// A server process, killed when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn wait_for_port(port: u16) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed() < Duration::from_secs(10), "the server on {port} did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `git daemon` serving every repository under `base`.
fn git_daemon(base: &Path) -> Server {
    let port = free_port();
    // git-daemon itself, not `git daemon`: git would run it as a child that outlives a kill.
    let exec_path = git_text(base, &["--exec-path"]);
    let child = Command::new(Path::new(&exec_path).join("git-daemon"))
        .args(["--reuseaddr", "--export-all", "--listen=127.0.0.1"])
        .arg(format!("--port={port}"))
        .arg(format!("--base-path={}", base.display()))
        .arg(base)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("git daemon");
    wait_for_port(port);
    Server { child, port }
}

/// Smart HTTP (`git http-backend`) for the repositories under `base`; `args`: `--auth U:P`,
/// `--die-midway`.
fn http_server(base: &Path, args: &[&str]) -> Server {
    let port_file = base.with_extension(format!("port-{}", free_port()));
    let child = Command::new("python3")
        .arg(repo_root().join("tests/fixtures/git-http-server.py"))
        .arg(base)
        .arg(&port_file)
        .args(args)
        .stdout(Stdio::null())
        .spawn()
        .expect("python3 git-http-server.py");
    let start = Instant::now();
    let port = loop {
        if let Ok(text) = std::fs::read_to_string(&port_file) {
            break text.trim().parse().unwrap();
        }
        assert!(start.elapsed() < Duration::from_secs(10), "the HTTP server did not start");
        std::thread::sleep(Duration::from_millis(50));
    };
    Server { child, port }
}

/// A served bare repository `base/demo.git` made from a generated one; returns its path.
fn served_repo(base: &Path, commits: usize) -> PathBuf {
    let work = base.with_extension("src");
    make_repo(&work, commits);
    let bare = base.join("demo.git");
    git(base.parent().unwrap(), &["clone", "-q", "--bare", work.to_str().unwrap(), bare.to_str().unwrap()]);
    bare
}

/// Every commit reachable from the branches and tags, as git counts them.
fn git_commit_count(repo: &Path) -> i64 {
    git_text(repo, &["rev-list", "--count", "--branches", "--tags"]).parse().unwrap()
}

/// A self-signed certificate for 127.0.0.1 in `dir`: (cert.pem, key.pem).
fn self_signed(dir: &Path) -> (PathBuf, PathBuf) {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let out = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1"])
        .args(["-addext", "subjectAltName=IP:127.0.0.1", "-addext", "basicConstraints=critical,CA:FALSE"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    (cert, key)
}

/// The CLI with `HOME` (git's global config, the credential helper's store) in `home`, trusting
/// the test certificate `home/cert.pem` (rustls reads the trusted roots from `SSL_CERT_FILE`).
fn cli_home(data: &Path, home: &Path, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .env("SSL_CERT_FILE", home.join("cert.pem"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("REPOVAULT_S3_BUCKET")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env_remove("GIT_CONFIG_GLOBAL")
        .stdin(Stdio::null())
        .output()
        .expect("run repovault-cli")
}

/// Asserts a failed add: status 1, one error line with `code`, and nothing left behind.
fn assert_failed_cleanly(out: &std::process::Output, data: &Path, code: &str) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with(&format!("error [{code}]: ")), "expected {code}: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert_eq!(ok_json(data, &["repos", "--json"]), serde_json::json!([]), "no repository was left");
    let mirrors: Vec<_> = std::fs::read_dir(data.join("mirrors")).map(|d| d.flatten().collect()).unwrap_or_default();
    assert!(mirrors.is_empty(), "no mirror or partial clone was left: {mirrors:?}");
    stderr
}

#[test]
fn a_git_daemon_url_is_mirrored_imported_and_synced_after_a_push() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("served");
    std::fs::create_dir_all(&base).unwrap();
    let bare = served_repo(&base, 60);
    let daemon = git_daemon(&base);
    let data = dir.path().join("data");
    let url = format!("git://127.0.0.1:{}/demo.git", daemon.port);

    let report = ok_json(&data, &["--json", "import", &url]);
    assert_eq!(report["repository"]["name"], "demo", "named after the URL");
    assert_eq!(report["repository"]["commit_count"].as_i64(), Some(git_commit_count(&bare)));
    assert_eq!(report["repository"]["remote_url"], url.as_str());
    let mirror = data.join("mirrors/demo.git");
    assert_eq!(git_text(&mirror, &["rev-parse", "--is-bare-repository"]), "true");
    assert_eq!(
        git(&mirror, &["for-each-ref", "--format=%(refname) %(objectname)", "refs/heads", "refs/tags"]),
        git(&bare, &["for-each-ref", "--format=%(refname) %(objectname)", "refs/heads", "refs/tags"]),
        "the mirror has the server's branches and tags as they are"
    );
    let stored: Vec<String> = ok_json(&data, &["--json", "log", "--limit", "1000"])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["hash"].as_str().unwrap().to_string())
        .collect();
    let mut expected: Vec<String> =
        git(&bare, &["rev-list", "--branches", "--tags"]).lines().map(str::to_string).collect();
    let mut sorted = stored.clone();
    sorted.sort();
    expected.sort();
    assert_eq!(sorted, expected);

    // A push to the server: the next sync fetches, then imports only the new commits.
    let work = dir.path().join("pusher");
    git(dir.path(), &["clone", "-q", bare.to_str().unwrap(), work.to_str().unwrap()]);
    let branch = git_text(&work, &["rev-parse", "--abbrev-ref", "HEAD"]);
    commit_files(&work, &[("new.txt", "one\n")], ("Nia New", "nia@example.com"), "2030-01-01T00:00:00Z", "after");
    commit_files(&work, &[("new.txt", "two\n")], ("Nia New", "nia@example.com"), "2030-01-02T00:00:00Z", "later");
    git(&work, &["push", "-q", "origin", &branch]);
    let synced = ok_json(&data, &["--json", "sync", "demo"]);
    assert_eq!(synced["new_commits"], 2);
    assert_eq!(synced["repository"]["commit_count"].as_i64(), Some(git_commit_count(&bare)));
    let repos = ok_json(&data, &["--json", "repos"]);
    assert!(repos[0]["last_sync_attempt_at"].as_i64().is_some());
    assert!(repos[0]["last_sync_error"].is_null());

    // The server gone: the sync fails with a clear error, recorded on the repository, and the
    // stored history stays.
    drop(daemon);
    let out = cli(&data, &["sync", "demo"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error [unreachable]"), "{out:?}");
    let repos = ok_json(&data, &["--json", "repos"]);
    assert!(repos[0]["last_sync_error"].as_str().unwrap().starts_with("[unreachable]"), "{repos}");
    assert_eq!(repos[0]["commit_count"].as_i64(), Some(git_commit_count(&bare)));
}

#[test]
fn file_urls_work_and_a_taken_name_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("served");
    std::fs::create_dir_all(&base).unwrap();
    let bare = served_repo(&base, 20);
    let data = dir.path().join("data");
    let url = format!("file://{}", bare.display());
    let report = ok_json(&data, &["--json", "import", &url, "--name", "local"]);
    assert_eq!(report["repository"]["commit_count"].as_i64(), Some(git_commit_count(&bare)));
    let again = cli(&data, &["import", &url, "--name", "local"]);
    assert!(String::from_utf8_lossy(&again.stderr).starts_with("error [duplicate]"), "{again:?}");
    assert!(data.join("mirrors/local.git").is_dir(), "the first one's mirror is untouched");
    let missing = cli(&data, &["import", &format!("file://{}/nope.git", base.display())]);
    assert!(String::from_utf8_lossy(&missing.stderr).starts_with("error [remote_not_found]"), "{missing:?}");
}

#[test]
fn smart_http_with_a_password_takes_a_keyring_token_or_git_credential_helper() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("served");
    std::fs::create_dir_all(&base).unwrap();
    let bare = served_repo(&base, 30);
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let (cert, key) = self_signed(&home);
    let (cert, key) = (cert.to_str().unwrap(), key.to_str().unwrap());
    let open = http_server(&base, &[]);
    let locked = http_server(&base, &["--auth", "bob:s3cret-token", "--tls", cert, key]);
    let data = dir.path().join("data");

    // Plain HTTP without a password.
    let plain = cli_home(&data, &home, &["--json", "import", &format!("http://127.0.0.1:{}/demo.git", open.port)]);
    assert!(plain.status.success(), "{}", String::from_utf8_lossy(&plain.stderr));
    ok(&data, &["remove", "demo", "--yes"]);
    assert!(!data.join("mirrors/demo.git").exists(), "removing a repository added by URL deletes its mirror");

    // Credentials go over HTTPS only (gix refuses to send them in clear text over http).
    // No credentials at all, then a wrong token: refused, nothing left.
    let url = format!("https://bob@127.0.0.1:{}/demo.git", locked.port);
    let none = cli_home(&data, &home, &["import", &url]);
    assert_failed_cleanly(&none, &data, "auth_failed");
    let set = |token: &str| {
        let mut child = Command::new(BIN)
            .args(["--data-dir", data.to_str().unwrap(), "token", "set", &url])
            .env("HOME", &home)
            .env("SSL_CERT_FILE", home.join("cert.pem"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        writeln!(child.stdin.take().unwrap(), "{token}").unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "token set: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let server = format!("https://127.0.0.1:{}", locked.port);
    assert!(set("wrong-token").starts_with(&format!("token for {server} kept in")));
    let wrong = cli_home(&data, &home, &["import", &url]);
    assert_failed_cleanly(&wrong, &data, "auth_failed");

    // The right token, from the keyring: cloned; the token is in no file of the data folder.
    set("s3cret-token");
    let good = cli_home(&data, &home, &["--json", "import", &url]);
    assert!(good.status.success(), "{}", String::from_utf8_lossy(&good.stderr));
    let report: serde_json::Value = serde_json::from_slice(&good.stdout).unwrap();
    assert_eq!(report["repository"]["commit_count"].as_i64(), Some(git_commit_count(&bare)));
    assert_eq!(report["repository"]["remote_url"], url.as_str());
    for entry in walk(&data) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(!bytes.windows(12).any(|w| w == b"s3cret-token"), "the token is in {}", entry.display());
    }
    ok(&data, &["remove", "demo", "--yes"]);

    // No token, but git's credential helper (`store`) in the user's git config knows the password.
    let deleted = cli_home(&data, &home, &["token", "delete", &url]);
    assert!(String::from_utf8_lossy(&deleted.stdout).contains("deleted"), "{deleted:?}");
    std::fs::write(home.join("creds"), format!("https://bob:s3cret-token@127.0.0.1:{}\n", locked.port)).unwrap();
    std::fs::write(
        home.join(".gitconfig"),
        format!("[credential]\n\thelper = store --file={}\n", home.join("creds").display()),
    )
    .unwrap();
    let helper = cli_home(&data, &home, &["--json", "import", &url]);
    assert!(helper.status.success(), "{}", String::from_utf8_lossy(&helper.stderr));
}

#[test]
fn a_missing_repository_a_refused_connection_and_a_server_dying_midway_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("served");
    std::fs::create_dir_all(&base).unwrap();
    served_repo(&base, 80);
    let data = dir.path().join("data");
    let daemon = git_daemon(&base);
    let http = http_server(&base, &[]);

    let out = cli(&data, &["import", &format!("git://127.0.0.1:{}/nope.git", daemon.port)]);
    assert_failed_cleanly(&out, &data, "remote_not_found");
    let out = cli(&data, &["import", &format!("http://127.0.0.1:{}/nope.git", http.port)]);
    let message = assert_failed_cleanly(&out, &data, "remote_not_found");
    assert!(message.contains("/nope.git"), "names the URL: {message}");

    let closed = free_port();
    let out = cli(&data, &["import", &format!("http://127.0.0.1:{closed}/demo.git")]);
    assert_failed_cleanly(&out, &data, "unreachable");
    let out = cli(&data, &["import", &format!("git://127.0.0.1:{closed}/demo.git")]);
    assert_failed_cleanly(&out, &data, "unreachable");

    // The server sends half of the pack and dies.
    let dying = http_server(&base, &["--die-midway"]);
    let out = cli(&data, &["import", &format!("http://127.0.0.1:{}/demo.git", dying.port)]);
    assert_failed_cleanly(&out, &data, "transfer_failed");

    // A URL with a password is refused before anything is fetched: it would end up in the database.
    let out = cli(&data, &["import", &format!("http://bob:pw@127.0.0.1:{}/demo.git", http.port)]);
    let message = assert_failed_cleanly(&out, &data, "validation");
    assert!(!message.contains(":pw@"), "{message}");
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
