//! Repositories added by URL and syncs that fetch first: clone a bare mirror into the data folder,
//! import it, and record the remote; a sync of such a repository fetches, then imports what is
//! new. Both run under the repository's sync lock (see [`crate::sync_lock`]).
//!
//! Adding is all or nothing: a clone or first import that fails (a wrong URL, a refused
//! connection, wrong credentials, a server gone midway, a cancel) leaves neither a mirror nor a
//! repository behind.

use std::path::{Path, PathBuf};

use repovault_ingest::remote::{self, Credentials};
use repovault_ingest::{BeforeWrite, ImportOptions, ImportProgress, ImportReport, IngestError};
use repovault_storage::{CancelToken, ErrorCode, ErrorPayload, Repository, Store};

use crate::sync_lock::SyncLock;
use crate::tokens;

/// Where the mirrors of repositories added by URL live.
pub fn mirrors_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("mirrors")
}

/// The mirror folder of repository `name`: its name made safe for a file name, plus `.git`.
pub fn mirror_path(data_dir: &Path, name: &str) -> PathBuf {
    let safe: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '_' }).collect();
    mirrors_dir(data_dir).join(format!("{}.git", safe.trim_start_matches('.')))
}

/// Deletes the mirror of a repository added by URL (after the repository was removed): it is
/// RepoVault's own copy in the data folder. A local repository's folder is never touched.
pub fn remove_mirror(data_dir: &Path, repository: &Repository) {
    let Some(path) = repository.path.as_deref().filter(|_| repository.remote_url.is_some()) else { return };
    let path = Path::new(path);
    if path.starts_with(mirrors_dir(data_dir)) {
        if let Err(err) = std::fs::remove_dir_all(path) {
            tracing::warn!("cannot delete the mirror {}: {err}", path.display());
        }
    }
}

/// The credentials for a URL: the token kept in the OS keyring for its server, if any (git's
/// credential helpers are asked otherwise, by gix).
pub fn credentials_for(url: &str) -> Credentials {
    match tokens::load(url) {
        Ok(token) => Credentials { token, username: None },
        Err(err) => {
            tracing::warn!("{}", err.message);
            Credentials::default()
        }
    }
}

/// Clones `url` as repository `name` and imports it. `before_write` is the import's hook (the
/// automatic backup before a large import).
#[allow(clippy::too_many_arguments)]
pub async fn add_by_url(
    store: &dyn Store,
    data_dir: &Path,
    url: &str,
    name: &str,
    options: &ImportOptions,
    progress: &(dyn Fn(&ImportProgress) + Send + Sync),
    cancel: &CancelToken,
    before_write: &dyn BeforeWrite,
) -> Result<ImportReport, ErrorPayload> {
    let url = url.trim();
    repovault_storage::remotes::check_remote_url(url)?;
    if name.trim().is_empty() {
        return Err(ErrorPayload::new(ErrorCode::Validation, "invalid name: give the repository a name"));
    }
    match store.repository_by_name(name).await {
        Ok(_) => {
            return Err(ErrorPayload::new(
                ErrorCode::Duplicate,
                format!("a repository named {name} exists already; choose another name"),
            ))
        }
        Err(err) if err.code() == ErrorCode::NotFound => {}
        Err(err) => return Err(err.into()),
    }
    let _lock = SyncLock::acquire(data_dir, name)?;
    let dest = mirror_path(data_dir, name);
    if dest.exists() {
        // A mirror without its repository: left by a removed repository. It only caches the remote.
        std::fs::remove_dir_all(&dest)
            .map_err(|e| ErrorPayload::new(ErrorCode::Io, format!("cannot remove the old {}: {e}", dest.display())))?;
    }
    let credentials = credentials_for(url);
    let (owned_url, owned_dest, owned_cancel) = (url.to_string(), dest.clone(), cancel.clone());
    blocking_with_progress(progress, move |progress| {
        remote::clone_mirror(&owned_url, &owned_dest, &credentials, progress, &owned_cancel)
    })
    .await?;
    let imported = async {
        let report =
            repovault_ingest::import_repository_with_hook(store, &dest, name, options, progress, cancel, before_write)
                .await?;
        store.set_remote_url(name, Some(&remote::redact_url(url))).await?;
        store.record_sync(name, chrono::Utc::now().timestamp(), None).await?;
        Ok::<_, IngestError>(report)
    }
    .await;
    match imported {
        Ok(mut report) => {
            report.repository = store.repository_by_name(name).await?;
            Ok(report)
        }
        Err(err) => {
            // No half-imported repository: what the first import stored goes with the mirror.
            if let Err(cleanup) = store.delete_repository(name).await {
                if cleanup.code() != ErrorCode::NotFound {
                    tracing::warn!("cannot remove the partly imported {name}: {cleanup}");
                }
            }
            let _ = std::fs::remove_dir_all(&dest);
            Err(err.into())
        }
    }
}

/// Brings a stored repository up to date: fetches its mirror first when it was added by URL, then
/// imports what is new. The result (success or the error) is recorded on the repository for the
/// Repositories page. Fails with `busy` when another sync of it runs (in this or another process).
pub async fn sync_repository(
    store: &dyn Store,
    data_dir: &Path,
    repository: &Repository,
    options: &ImportOptions,
    progress: &(dyn Fn(&ImportProgress) + Send + Sync),
    cancel: &CancelToken,
    before_write: &dyn BeforeWrite,
) -> Result<ImportReport, ErrorPayload> {
    let _lock = SyncLock::acquire(data_dir, &repository.name)?;
    let result = sync_locked(store, repository, options, progress, cancel, before_write).await;
    let error = result.as_ref().err().map(|e| format!("[{}] {}", e.code, e.message));
    // Cancelling is not a failed sync worth a badge.
    if result.as_ref().err().is_none_or(|e| e.code != ErrorCode::Cancelled) {
        if let Err(err) = store.record_sync(&repository.name, chrono::Utc::now().timestamp(), error.as_deref()).await {
            tracing::warn!("cannot record the sync of {}: {err}", repository.name);
        }
    }
    result
}

async fn sync_locked(
    store: &dyn Store,
    repository: &Repository,
    options: &ImportOptions,
    progress: &(dyn Fn(&ImportProgress) + Send + Sync),
    cancel: &CancelToken,
    before_write: &dyn BeforeWrite,
) -> Result<ImportReport, ErrorPayload> {
    let Some(path) = repository.path.clone() else {
        return Err(ErrorPayload::new(
            ErrorCode::NoRepositoryPath,
            format!("{} has no folder to sync from (it was stored from push events)", repository.name),
        ));
    };
    if let Some(url) = &repository.remote_url {
        let credentials = credentials_for(url);
        let (mirror, owned_cancel) = (PathBuf::from(&path), cancel.clone());
        blocking_with_progress(progress, move |progress| {
            remote::fetch_mirror(&mirror, &credentials, progress, &owned_cancel)
        })
        .await?;
    }
    let report = repovault_ingest::import_repository_with_hook(
        store,
        Path::new(&path),
        &repository.name,
        options,
        progress,
        cancel,
        before_write,
    )
    .await?;
    Ok(report)
}

/// Runs blocking git work on the blocking pool while its progress reaches `progress` (which may
/// borrow from the caller) on this task.
async fn blocking_with_progress<T: Send + 'static>(
    progress: &(dyn Fn(&ImportProgress) + Send + Sync),
    work: impl FnOnce(&(dyn Fn(&ImportProgress) + Sync)) -> Result<T, IngestError> + Send + 'static,
) -> Result<T, ErrorPayload> {
    let (sender, mut received) = tokio::sync::mpsc::unbounded_channel();
    let task = tokio::task::spawn_blocking(move || {
        work(&move |p: &ImportProgress| {
            let _ = sender.send(p.clone());
        })
    });
    while let Some(p) = received.recv().await {
        progress(&p);
    }
    match task.await {
        Ok(result) => Ok(result?),
        Err(err) => Err(ErrorPayload::new(ErrorCode::Internal, format!("the git worker stopped: {err}"))),
    }
}
