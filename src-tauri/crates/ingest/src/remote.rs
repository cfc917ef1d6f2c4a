//! Repositories added by URL: a bare mirror cloned into the data folder with gix's blocking network
//! client (git://, ssh:// through the `ssh` program, file://, and smart HTTP over reqwest and
//! rustls), fetched again before each sync. The import then reads the mirror like any folder.
//!
//! A clone goes into `NAME.partial` beside its destination and is renamed into place only once
//! complete, so a failed or cancelled clone leaves nothing behind.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Once};
use std::time::Duration;

use gix::credentials::helper::Action;
use gix::progress::prodash::tree::Root;
use gix::remote::Direction;
use repovault_storage::{CancelToken, ErrorCode};

use crate::error::IngestError;
use crate::import::{ImportPhase, ImportProgress};

/// The branches and tags, copied as they are on the server (a mirror, not remote-tracking refs),
/// so the import reads them with its usual `refs/heads/*` and `refs/tags/*`.
const MIRROR_REFSPECS: [&str; 2] = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"];

/// What to authenticate with beside git's credential helpers.
#[derive(Clone, Default)]
pub struct Credentials {
    /// A token entered in the app (from the OS keyring): sent as the password, with `username`
    /// (default: the URL's user, else `x-access-token`, which GitHub, Gitea and GitLab accept with
    /// a token).
    pub token: Option<String>,
    pub username: Option<String>,
}

impl std::fmt::Debug for Credentials {
    // Never print the token.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials").field("token", &self.token.as_ref().map(|_| "***")).finish()
    }
}

/// Whether the text the user entered is a URL to clone (rather than a folder).
pub fn is_remote_url(text: &str) -> bool {
    let text = text.trim();
    ["https://", "http://", "git://", "ssh://", "file://"].iter().any(|scheme| {
        text.len() > scheme.len() && text.get(..scheme.len()).is_some_and(|s| s.eq_ignore_ascii_case(scheme))
    })
}

/// The repository name a URL suggests: its last path segment without `.git`.
pub fn name_from_url(url: &str) -> Option<String> {
    let path = url.trim().trim_end_matches('/').rsplit_once("://")?.1;
    let (_, path) = path.split_once('/')?;
    let last = path.rsplit('/').next()?.trim_end_matches(".git");
    (!last.is_empty() && last != "." && last != "..").then(|| last.to_string())
}

/// `url` without the password of its user part, for messages and the database.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(user, _)| user);
            format!("{scheme}://{user}@{host}/{path}")
        }
        None => url.to_string(),
    }
}

/// Clones `url` as a bare mirror into `dest`, which must not exist. On any failure (cancel
/// included) nothing is left at `dest` or beside it.
pub fn clone_mirror(
    url: &str,
    dest: &Path,
    credentials: &Credentials,
    progress: &(dyn Fn(&ImportProgress) + Sync),
    cancel: &CancelToken,
) -> Result<(), IngestError> {
    if dest.exists() {
        return Err(IngestError::Remote {
            code: ErrorCode::Duplicate,
            message: format!("{} already exists; remove it or choose another name", dest.display()),
        });
    }
    let partial = partial_path(dest);
    // Left over by a clone that was killed: it is never a finished mirror.
    let _ = std::fs::remove_dir_all(&partial);
    let result = (|| {
        if let Some(parent) = partial.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| IngestError::git(format!("cannot create {}", parent.display()), e))?;
        }
        gix::init_bare(&partial).map_err(|e| IngestError::git(format!("cannot create {}", partial.display()), e))?;
        let mut config = format!("[remote \"origin\"]\n\turl = {}\n", config_value(&redact_url(url)));
        for spec in MIRROR_REFSPECS {
            config.push_str(&format!("\tfetch = {spec}\n"));
        }
        append(&partial.join("config"), &config)?;
        fetch_mirror(&partial, credentials, progress, cancel)?;
        std::fs::rename(&partial, dest)
            .map_err(|e| IngestError::git(format!("cannot move the clone to {}", dest.display()), e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&partial);
    }
    result
}

/// `dest` with `.partial` appended to its file name.
fn partial_path(dest: &Path) -> PathBuf {
    let mut name = dest.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    dest.with_file_name(name)
}

/// A git config value in quotes, with `"` and `\` escaped (a URL may hold either).
fn config_value(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

fn append(path: &Path, text: &str) -> Result<(), IngestError> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .map_err(|e| IngestError::git(format!("cannot open {}", path.display()), e))?;
    file.write_all(text.as_bytes()).map_err(|e| IngestError::git(format!("cannot write {}", path.display()), e))
}

/// Fetches the mirror at `path` from its `origin`: new commits, moved and new branches and tags.
/// Returns how many refs changed.
pub fn fetch_mirror(
    path: &Path,
    credentials: &Credentials,
    progress: &(dyn Fn(&ImportProgress) + Sync),
    cancel: &CancelToken,
) -> Result<usize, IngestError> {
    install_crypto_provider();
    // No terminal prompt: the app has no terminal and the CLI must not hang waiting on one; a
    // missing credential is an `auth_failed` error instead.
    let options = gix::open::Options::default().config_overrides(["gitoxide.credentials.terminalPrompt=false"]);
    let repo = gix::open_opts(path, options)
        .map_err(|e| IngestError::NotARepository { path: path.display().to_string(), reason: e.to_string() })?;
    let remote = repo
        .find_remote("origin")
        .map_err(|e| IngestError::git(format!("{} has no remote to fetch from", path.display()), e))?;
    let url = remote.url(Direction::Fetch).map(|u| u.to_bstring().to_string()).unwrap_or_default();
    // The token goes with the URL's user (`https://bob@host/…`) when it names one.
    let url_user = remote.url(Direction::Fetch).and_then(|u| u.user().map(str::to_string));
    let fail = |err: &dyn std::error::Error| classify(&url, err);

    // Progress: gix reports into a tree of tasks; a thread polls it for the UI's bar.
    let root = Root::new();
    let done = Arc::new(AtomicBool::new(false));
    let reported = std::thread::scope(|scope| {
        let poller = {
            let (root, done) = (root.clone(), done.clone());
            scope.spawn(move || poll_progress(&root, &done, progress))
        };
        let result = (|| {
            let connection = remote.connect(Direction::Fetch).map_err(|e| fail(&e))?;
            let mut configured = connection.configured_credentials_for_current_url();
            let token = credentials.token.clone();
            let username = credentials.username.clone().or(url_user).unwrap_or_else(|| "x-access-token".into());
            let connection = connection.with_credentials(move |action| match (&token, action) {
                (Some(token), Action::Get(context)) => Ok(Some(gix::credentials::protocol::Outcome {
                    identity: gix::sec::identity::Account {
                        username: username.clone(),
                        password: token.clone(),
                        oauth_refresh_token: None,
                    },
                    next: context.into(),
                })),
                (Some(_), _) => Ok(None),
                (None, action) => configured(action),
            });
            let outcome = connection
                .prepare_fetch(root.add_child("connect"), Default::default())
                .map_err(|e| fail(&e))?
                .receive(root.add_child("fetch"), cancel_flag(cancel))
                .map_err(|e| fail(&e))?;
            Ok(match outcome.status {
                gix::remote::fetch::Status::Change { update_refs, .. } => update_refs
                    .updates
                    .iter()
                    .filter(|u| !matches!(u.mode, gix::remote::fetch::refs::update::Mode::NoChangeNeeded))
                    .count(),
                _ => 0,
            })
        })();
        done.store(true, Ordering::SeqCst);
        let _ = poller.join();
        result
    });
    if cancel.is_cancelled() {
        return Err(IngestError::Cancelled);
    }
    reported
}

/// gix stops a transfer when this flag is set: the import's own token.
fn cancel_flag(cancel: &CancelToken) -> &AtomicBool {
    cancel.flag()
}

/// Reports the busiest task with a known total (objects received, then resolved) until `done`.
fn poll_progress(root: &Root, done: &AtomicBool, progress: &(dyn Fn(&ImportProgress) + Sync)) {
    let mut tasks = Vec::new();
    let mut last = (0u64, 0u64);
    progress(&ImportProgress::new(ImportPhase::Fetching, 0, 0));
    while !done.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(100));
        root.sorted_snapshot(&mut tasks);
        let current = tasks
            .iter()
            .filter_map(|(_, task)| task.progress.as_ref())
            .filter_map(|value| Some((value.step.load(Ordering::Relaxed) as u64, value.done_at? as u64)))
            .filter(|(step, total)| *total > 0 && step < total)
            .max_by_key(|(_, total)| *total);
        if let Some(current) = current.filter(|c| *c != last) {
            last = current;
            progress(&ImportProgress::new(ImportPhase::Fetching, current.0, current.1));
        }
    }
}

/// The ring provider for rustls (the one the S3 client already brings), installed once for the
/// process: reqwest is built without a provider of its own so that aws-lc is not compiled too.
fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// A clone or fetch error as one of the codes a user can act on, with the whole cause chain in
/// the message (gix's outer errors say little on their own).
fn classify(url: &str, err: &dyn std::error::Error) -> IngestError {
    let mut chain = vec![err.to_string()];
    let mut source = err.source();
    while let Some(next) = source {
        chain.push(next.to_string());
        source = next.source();
    }
    chain.dedup();
    let text = chain.join(": ");
    let lower = text.to_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| lower.contains(n));
    let url = redact_url(url);
    let (code, what) = if has(&[
        "connection refused",
        "no route to host",
        "dns error",
        "failed to lookup",
        "name or service not known",
        "network is unreachable",
        "could not resolve",
    ]) {
        (ErrorCode::Unreachable, format!("cannot reach the server of {url}"))
    } else if has(&["401", "403", "authentication", "credentials", "unauthorized", "permission denied (publickey"]) {
        (
            ErrorCode::AuthFailed,
            format!("the server of {url} refused the credentials (check the token or git's credential helper)"),
        )
    } else if has(&[
        "404",
        "not found",
        "does not appear to be a git repository",
        "no such file or directory",
        "not a git repository",
        "could not verify that",
        "repository not exported",
        "access denied",
    ]) {
        (ErrorCode::RemoteNotFound, format!("there is no repository at {url}"))
    } else if has(&["interrupted", "interrupt"]) {
        return IngestError::Cancelled;
    } else {
        (ErrorCode::TransferFailed, format!("fetching from {url} failed"))
    };
    IngestError::Remote { code, message: format!("{what}: {text}") }
}
