//! Background sync, run by the app and by `repovault-cli sync --watch`: each chosen repository is
//! synced when its interval has passed since its last sync, and a local repository also shortly
//! after its refs change (a commit, a fetch, a new tag), watched with `notify`.
//!
//! One loop syncs one repository at a time; the per-repository [`SyncLock`](crate::sync_lock)
//! keeps it from overlapping a sync started elsewhere (the app's button, another process).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};
use repovault_ingest::ImportReport;
use repovault_storage::{CancelToken, ErrorPayload, Repository, Store};

/// How long refs must stay quiet after a change before the sync starts: a commit, a rebase or a
/// fetch moves several refs in a burst.
pub const SETTLE: Duration = Duration::from_millis(1500);
/// How often the loop rereads the repositories (new ones, changed intervals).
const REFRESH: Duration = Duration::from_secs(30);
/// The least time between two background syncs of one repository.
const REST: Duration = Duration::from_secs(20);

/// The store to read, asked again on every round: the app may switch stores while it runs.
pub type StoreNow<'a> = &'a (dyn Fn() -> Result<Arc<dyn Store>, ErrorPayload> + Send + Sync);
/// Whether and how often (seconds) the loop keeps a repository in sync; `None`: not at all.
pub type Choose<'a> = &'a (dyn Fn(&Repository) -> Option<i64> + Send + Sync);
pub type SyncFuture<'a> = Pin<Box<dyn Future<Output = Result<ImportReport, ErrorPayload>> + Send + 'a>>;
/// Runs one sync (through the face's import slot and backup hook).
pub type SyncOne<'a> = &'a (dyn Fn(Repository) -> SyncFuture<'a> + Send + Sync);
/// Told about every sync the loop ran.
pub type Report<'a> = &'a (dyn Fn(&Repository, &Result<ImportReport, ErrorPayload>) + Send + Sync);

/// When a repository chosen with `interval` seconds is next due (Unix seconds): that long after
/// its last sync attempt or import, or at once when it never synced.
pub fn next_due(repository: &Repository, interval: i64) -> i64 {
    match repository.last_sync_attempt_at.max(repository.last_synced_at) {
        Some(last) => last + interval,
        None => 0,
    }
}

/// The git folder of a local repository (`.git` of a work tree, or a bare repository itself).
pub fn git_dir_of(path: &Path) -> Option<PathBuf> {
    let dot_git = path.join(".git");
    if dot_git.is_dir() {
        return Some(dot_git);
    }
    (path.join("refs").is_dir() && path.join("HEAD").is_file()).then(|| path.to_path_buf())
}

/// Watches the refs of local repositories and names the repository whose refs changed.
pub struct RefWatcher {
    watcher: notify::RecommendedWatcher,
    /// Git folder → repository name, shared with the watcher's callback.
    names: Arc<Mutex<HashMap<PathBuf, String>>>,
}

impl RefWatcher {
    pub fn new(changed: tokio::sync::mpsc::UnboundedSender<String>) -> notify::Result<RefWatcher> {
        let names: Arc<Mutex<HashMap<PathBuf, String>>> = Arc::default();
        let lookup = names.clone();
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            let Ok(event) = event else { return };
            if event.kind.is_access() {
                return;
            }
            let names = lookup.lock().unwrap_or_else(|p| p.into_inner());
            for path in &event.paths {
                if let Some(name) = names.iter().find_map(|(dir, name)| is_ref_change(dir, path).then_some(name)) {
                    let _ = changed.send(name.clone());
                }
            }
        })?;
        Ok(RefWatcher { watcher, names })
    }

    /// Watches exactly these repositories (name, git folder) from now on.
    pub fn set(&mut self, wanted: &BTreeMap<PathBuf, String>) {
        let mut names = self.names.lock().unwrap_or_else(|p| p.into_inner());
        let gone: Vec<PathBuf> = names.keys().filter(|dir| !wanted.contains_key(*dir)).cloned().collect();
        for dir in gone {
            let _ = self.watcher.unwatch(&dir.join("refs"));
            let _ = self.watcher.unwatch(&dir);
            names.remove(&dir);
        }
        for (dir, name) in wanted {
            if names.contains_key(dir) {
                continue;
            }
            // `refs/` for loose refs (recursively: refs/heads/feature/x), the folder itself for
            // `packed-refs` and `HEAD`.
            let watched = self
                .watcher
                .watch(&dir.join("refs"), RecursiveMode::Recursive)
                .and_then(|()| self.watcher.watch(dir, RecursiveMode::NonRecursive));
            match watched {
                Ok(()) => {
                    names.insert(dir.clone(), name.clone());
                }
                Err(err) => tracing::warn!(repository = name, "cannot watch {}: {err}", dir.display()),
            }
        }
    }
}

/// A change to a ref of the repository in `git_dir`: under `refs/` (not a `.lock` file being
/// written), `packed-refs` or `HEAD`.
fn is_ref_change(git_dir: &Path, path: &Path) -> bool {
    let Ok(rest) = path.strip_prefix(git_dir) else { return false };
    if path.extension().is_some_and(|e| e == "lock") {
        return false;
    }
    rest.starts_with("refs") || rest == Path::new("packed-refs") || rest == Path::new("HEAD")
}

/// Runs until `cancel`: syncs the chosen repositories when due and local ones after their refs
/// change. Errors are reported through `report` (and recorded on the repository by the sync
/// itself); the loop carries on.
pub async fn run(store: StoreNow<'_>, choose: Choose<'_>, sync: SyncOne<'_>, report: Report<'_>, cancel: &CancelToken) {
    let (changed_tx, mut changed) = tokio::sync::mpsc::unbounded_channel();
    let mut watcher = match RefWatcher::new(changed_tx) {
        Ok(watcher) => Some(watcher),
        Err(err) => {
            tracing::warn!("local repositories are not watched for commits: {err}");
            None
        }
    };
    let mut pending: BTreeMap<String, Instant> = BTreeMap::new();
    let mut chosen: Vec<(Repository, i64)> = Vec::new();
    let mut refreshed: Option<Instant> = None;
    // After a sync (failed, or refused as busy) a repository waits this long before the next try,
    // so a failing one is not retried every second.
    let mut resting: HashMap<String, Instant> = HashMap::new();
    while !cancel.is_cancelled() {
        let store = match store() {
            Ok(store) => store,
            Err(_) => {
                // Closed for a restore or a switch of database: wait for it.
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        if refreshed.is_none_or(|at| at.elapsed() >= REFRESH) {
            match store.repositories().await {
                Ok(all) => chosen = all.into_iter().filter_map(|r| choose(&r).map(|every| (r, every))).collect(),
                Err(err) => tracing::warn!("background sync cannot list the repositories: {err}"),
            }
            if let Some(watcher) = &mut watcher {
                let local = chosen
                    .iter()
                    .filter(|(r, _)| r.remote_url.is_none())
                    .filter_map(|(r, _)| Some((git_dir_of(Path::new(r.path.as_deref()?))?, r.name.clone())))
                    .collect();
                watcher.set(&local);
            }
            refreshed = Some(Instant::now());
        }

        let now = chrono::Utc::now().timestamp();
        let settled: BTreeSet<String> =
            pending.iter().filter(|(_, at)| at.elapsed() >= SETTLE).map(|(name, _)| name.clone()).collect();
        let due: Vec<String> = chosen
            .iter()
            .filter(|(r, every)| next_due(r, *every) <= now || settled.contains(&r.name))
            .filter(|(r, _)| resting.get(&r.name).is_none_or(|until| Instant::now() >= *until))
            .map(|(r, _)| r.name.clone())
            .collect();
        for name in due {
            if cancel.is_cancelled() {
                return;
            }
            pending.remove(&name);
            // Reread: the last sync time moved (another face synced it) or it was removed.
            let Ok(repository) = store.repository_by_name(&name).await else { continue };
            let result = sync(repository.clone()).await;
            resting.insert(name.clone(), Instant::now() + REST);
            let after = store.repository_by_name(&name).await.unwrap_or(repository);
            report(&after, &result);
            if let Some(entry) = chosen.iter_mut().find(|(r, _)| r.name == name) {
                entry.0 = after;
            }
        }

        // Sleep a second at most (the cancel check), waking early for a ref change.
        if let Ok(Some(name)) = tokio::time::timeout(Duration::from_secs(1), changed.recv()).await {
            pending.insert(name, Instant::now());
            while let Ok(name) = changed.try_recv() {
                pending.insert(name, Instant::now());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repository(last_import: Option<i64>, last_attempt: Option<i64>) -> Repository {
        Repository {
            id: 1,
            workspace: "default".into(),
            name: "demo".into(),
            path: Some("/src/demo".into()),
            created_at: 0,
            last_synced_at: last_import,
            commit_count: 0,
            is_shallow: false,
            index_changes: true,
            remote_url: None,
            sync_interval_secs: Some(600),
            last_sync_attempt_at: last_attempt,
            last_sync_error: None,
        }
    }

    #[test]
    fn a_sync_is_due_an_interval_after_the_last_import_or_attempt() {
        assert_eq!(next_due(&repository(None, None), 600), 0, "never synced: at once");
        assert_eq!(next_due(&repository(Some(1_000), None), 600), 1_600);
        // A failed attempt after the last import counts too: no retry before the interval.
        assert_eq!(next_due(&repository(Some(1_000), Some(2_000)), 600), 2_600);
        assert_eq!(next_due(&repository(Some(3_000), Some(2_000)), 600), 3_600);
    }

    #[test]
    fn only_ref_files_count_as_changes() {
        let git = Path::new("/r/.git");
        assert!(is_ref_change(git, Path::new("/r/.git/refs/heads/main")));
        assert!(is_ref_change(git, Path::new("/r/.git/refs/heads/feature/x")));
        assert!(is_ref_change(git, Path::new("/r/.git/packed-refs")));
        assert!(is_ref_change(git, Path::new("/r/.git/HEAD")));
        assert!(!is_ref_change(git, Path::new("/r/.git/refs/heads/main.lock")));
        assert!(!is_ref_change(git, Path::new("/r/.git/index")));
        assert!(!is_ref_change(git, Path::new("/r/.git/objects/ab/cdef")));
        assert!(!is_ref_change(git, Path::new("/other/.git/HEAD")));
    }
}
