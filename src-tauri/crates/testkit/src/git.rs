//! Git for tests: the repository root, generated repositories, and git commands run as a fixed
//! test identity (Tess Ter) unless a test says otherwise.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The name and e-mail every test commit is made with unless a test says otherwise.
pub const TEST_IDENTITY: (&str, &str) = ("Tess Ter", "tess@example.com");

/// The root of the RepoVault repository (where `tests/fixtures` lives).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..")
}

/// A repository at `dest` made by `tests/fixtures/make-repo.py` with about `commits` commits
/// (branches, tags, merges, renames, binaries, authors with aliases and a .mailmap).
pub fn make_repo(dest: &Path, commits: usize) {
    let status = Command::new("python3")
        .arg(repo_root().join("tests/fixtures/make-repo.py"))
        .arg(dest)
        .args(["--commits", &commits.to_string()])
        .stdout(Stdio::null())
        .status()
        .expect("run make-repo.py");
    assert!(status.success());
}

/// Runs git in `dir` as the test identity with `env` on top; panics with git's error when it
/// fails. Returns what git printed.
pub fn git_with_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Vec<u8> {
    let (name, email) = TEST_IDENTITY;
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", name)
        .env("GIT_AUTHOR_EMAIL", email)
        .env("GIT_COMMITTER_NAME", name)
        .env("GIT_COMMITTER_EMAIL", email)
        .envs(env.iter().copied())
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// What git printed, as bytes (paths and messages need not be UTF-8).
pub fn git_bytes(dir: &Path, args: &[&str]) -> Vec<u8> {
    git_with_env(dir, args, &[])
}

/// What git printed, as text exactly as printed (invalid UTF-8 replaced).
pub fn git(dir: &Path, args: &[&str]) -> String {
    String::from_utf8_lossy(&git_bytes(dir, args)).into_owned()
}

/// What git printed, trimmed: one value such as a hash or a count.
pub fn git_text(dir: &Path, args: &[&str]) -> String {
    String::from_utf8(git_bytes(dir, args)).expect("git printed UTF-8").trim().to_string()
}

/// A new, empty repository `dir/name` on branch `main`.
pub fn init_repo(dir: &Path, name: &str) -> PathBuf {
    let repo = dir.join(name);
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    repo
}

/// Writes files (creating their folders) and commits all changes, authored by `who` (name,
/// e-mail) at `date` (RFC 2822 or ISO 8601), committed by the test identity at the same date.
pub fn commit_files(repo: &Path, files: &[(&str, &str)], who: (&str, &str), date: &str, message: &str) {
    write_files(repo, files);
    git(repo, &["add", "-A"]);
    git_with_env(
        repo,
        &["commit", "-q", "-m", message],
        &[
            ("GIT_AUTHOR_NAME", who.0),
            ("GIT_AUTHOR_EMAIL", who.1),
            ("GIT_AUTHOR_DATE", date),
            ("GIT_COMMITTER_DATE", date),
        ],
    );
}

/// Writes files below `repo`, creating their folders.
pub fn write_files(repo: &Path, files: &[(&str, &str)]) {
    for (path, content) in files {
        let file = repo.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, content).unwrap();
    }
}

/// One line of `git log --numstat`: a path a commit changed, with its added and deleted lines
/// (`None` for a binary file, git's `-`). A rename is listed under its new path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numstat {
    pub hash: String,
    pub path: String,
    pub additions: Option<i64>,
    pub deletions: Option<i64>,
}

/// `git log --numstat` over every branch and tag with renames (`-M`), merges against their first
/// parent: what the importer reads, as git itself reports it.
pub fn git_numstat(dir: &Path) -> Vec<Numstat> {
    git_numstat_of(dir, &[])
}

/// `git_numstat` limited to pathspecs (`:(exclude,glob)docs/**`): only the changes they match, of
/// the commits with such a change (`--full-history`, so a merge is not dropped for being the same
/// as one of its parents there).
pub fn git_numstat_of(dir: &Path, pathspecs: &[&str]) -> Vec<Numstat> {
    let mut args =
        vec!["log", "--branches", "--tags", "-M", "--numstat", "-z", "--diff-merges=first-parent", "--format=%x01%H"];
    if !pathspecs.is_empty() {
        args.extend(["--full-history", "--"]);
        args.extend(pathspecs);
    }
    let out = git_bytes(dir, &args);
    let mut rows = Vec::new();
    for record in out.split(|b| *b == 1).filter(|r| !r.is_empty()) {
        let mut fields = record.split(|b| *b == 0);
        let hash = String::from_utf8(fields.next().unwrap().to_vec()).unwrap();
        while let Some(field) = fields.next() {
            let field = field.strip_prefix(b"\n").unwrap_or(field);
            if field.is_empty() {
                continue;
            }
            let text = String::from_utf8_lossy(field);
            let mut parts = text.splitn(3, '\t');
            let count = |s: &str| if s == "-" { None } else { Some(s.parse::<i64>().unwrap()) };
            let additions = count(parts.next().unwrap());
            let deletions = count(parts.next().unwrap());
            let path = match parts.next().unwrap() {
                // A rename: the old and new paths follow as their own NUL-terminated fields.
                "" => {
                    let _old = fields.next().unwrap();
                    String::from_utf8_lossy(fields.next().unwrap()).into_owned()
                }
                path => path.to_string(),
            };
            rows.push(Numstat { hash: hash.clone(), path, additions, deletions });
        }
    }
    rows
}
