//! Creating a backup: a consistent SQLite snapshot of the store (`VACUUM INTO`, or a copy of a
//! PostgreSQL store's tables), its integrity check, the blob folder, and the manifest, written into
//! each destination atomically (`.partial`, fsync, rename, fsync of the folder) and then re-read
//! and re-hashed from disk.

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::Utc;
use repovault_storage::snapshot::{portable, sqlite as snapshot};
use repovault_storage::{BlobConfig, DatabaseLocation, StoreConfig};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::archive::{self, SourceFile};
use crate::catalog::{
    self, create_locked, fsync_dir, BackupInfo, Leftovers, ENCRYPTED_SUFFIX, PARTIAL_SUFFIX, ZIP_SUFFIX,
};
use crate::crypto;
use crate::destinations::{self, Destination, DestinationResult};
use crate::error::{io_at, BackupError, Result};
use crate::manifest::{BackupKind, Manifest, SourceBackend, BLOBS_PREFIX, DATABASE_NAME, FORMAT_VERSION};
use crate::progress::{report, BackupPhase, CancelToken, ProgressFn};

/// What to back up, why, and where to.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BackupRequest {
    pub kind: BackupKind,
    /// Free text: "manual", "before restore", "before migration", a schedule's name, …
    pub trigger: String,
    pub destinations: Vec<Destination>,
    /// Encrypts the archive (`.zip.age`) when set.
    #[serde(default, skip_serializing)]
    pub password: Option<String>,
}

impl BackupRequest {
    pub fn new(kind: BackupKind, trigger: impl Into<String>, destinations: Vec<Destination>) -> BackupRequest {
        BackupRequest { kind, trigger: trigger.into(), destinations, password: None }
    }
}

/// The outcome of a backup: its manifest and one result per destination.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CreateReport {
    pub manifest: Manifest,
    pub results: Vec<DestinationResult>,
}

impl CreateReport {
    /// The backups that were written (one per destination that succeeded).
    pub fn written(&self) -> Vec<&BackupInfo> {
        self.results.iter().filter_map(|r| r.backup.as_ref()).collect()
    }
}

/// Backs up the store `config` points at into every enabled destination (every destination for
/// an emergency backup). It opens its own connections, so the app may keep its store open: the
/// snapshot is consistent while it writes. Fails only when no destination got the backup; a
/// destination that failed is reported in its result.
pub async fn create(
    config: &StoreConfig,
    request: &BackupRequest,
    progress: ProgressFn,
    cancel: CancelToken,
) -> Result<CreateReport> {
    let started = Instant::now();
    let at = Utc::now();
    let targets = destinations::targets(&request.destinations, request.kind)?;
    let mut results: Vec<DestinationResult> = Vec::new();
    let mut usable = Vec::new();
    for dir in &targets {
        match std::fs::create_dir_all(dir).map_err(io_at(dir)) {
            Ok(()) => usable.push(dir.clone()),
            Err(err) => results.push(failed(dir, &err)),
        }
    }
    let base = catalog::unique_base(&usable, at, request.kind);
    let suffix = if request.password.is_some() { ENCRYPTED_SUFFIX } else { ZIP_SUFFIX };
    let mut first: Option<(PathBuf, Manifest)> = None;
    let mut last_error = None;
    for dir in &usable {
        let outcome = match &first {
            None => write_first(config, request, dir, &base, started, at, &progress, &cancel).await,
            Some((file, _)) => copy_to(file, dir, &base, suffix, request.password.as_deref(), &progress, &cancel).await,
        };
        match outcome {
            Ok((path, manifest)) => {
                results.push(DestinationResult {
                    destination: dir.display().to_string(),
                    backup: Some(catalog::describe(&path)),
                    error: None,
                });
                if first.is_none() {
                    first = Some((path, manifest));
                }
            }
            Err(BackupError::Cancelled) => {
                // Cancelling drops what this run wrote, in every destination.
                for result in &results {
                    if let Some(info) = &result.backup {
                        std::fs::remove_file(&info.path).ok();
                    }
                }
                return Err(BackupError::Cancelled);
            }
            Err(err) => {
                tracing::warn!(destination = %dir.display(), error = %err, "backup destination failed");
                results.push(failed(dir, &err));
                last_error = Some(err);
            }
        }
    }
    report(&progress, BackupPhase::Done, 1, 1);
    match first {
        Some((_, manifest)) => Ok(CreateReport { manifest, results }),
        None => match (last_error, results.len()) {
            (Some(err), 1) => Err(err),
            _ => Err(BackupError::AllDestinationsFailed(
                results
                    .iter()
                    .filter_map(|r| r.error.as_ref().map(|e| format!("{}: {}", r.destination, e.message)))
                    .collect::<Vec<_>>()
                    .join("; "),
            )),
        },
    }
}

fn failed(dir: &Path, err: &BackupError) -> DestinationResult {
    DestinationResult { destination: dir.display().to_string(), backup: None, error: Some(err.payload()) }
}

/// Snapshot, check, archive and re-check into the first destination.
#[allow(clippy::too_many_arguments)]
async fn write_first(
    config: &StoreConfig,
    request: &BackupRequest,
    dir: &Path,
    base: &str,
    started: Instant,
    at: chrono::DateTime<Utc>,
    progress: &ProgressFn,
    cancel: &CancelToken,
) -> Result<(PathBuf, Manifest)> {
    let mut leftovers = Leftovers::default();
    let holder_path = dir.join(format!("{base}{ZIP_SUFFIX}{PARTIAL_SUFFIX}"));
    let holder = create_locked(&holder_path)?;
    leftovers.add(holder_path.clone());
    let snapshot_path = dir.join(format!("{base}.sqlite{PARTIAL_SUFFIX}"));
    leftovers.add(snapshot_path.clone());

    report(progress, BackupPhase::Snapshot, 0, 1);
    let source_backend = match &config.database {
        DatabaseLocation::Sqlite(path) => {
            snapshot::vacuum_into(path, &snapshot_path, cancel).await?;
            SourceBackend::Sqlite
        }
        DatabaseLocation::Postgres(url) => {
            portable::pg_to_sqlite(url, &snapshot_path, cancel).await?;
            SourceBackend::Postgres
        }
    };
    cancel.check()?;
    report(progress, BackupPhase::Integrity, 0, 1);
    let problems = snapshot::integrity_problems(&snapshot_path, cancel).await?;
    if !problems.is_empty() {
        return Err(BackupError::damaged(
            "of the store",
            format!("its snapshot fails the integrity check: {}", problems.join("; ")),
        ));
    }
    let facts = snapshot::facts(&snapshot_path).await?;
    let snapshot_size = std::fs::metadata(&snapshot_path).map_err(io_at(&snapshot_path))?.len();
    let mut files = vec![SourceFile {
        name: DATABASE_NAME.into(),
        path: snapshot_path.clone(),
        size: snapshot_size,
        compress: true,
    }];
    // Blobs are content-addressed and only ever added, and they are written before the rows that
    // name them: every blob the snapshot refers to is already in the folder now.
    let blobs_included = match &config.blobs {
        BlobConfig::Local(blob_dir) => {
            files.extend(blob_files(blob_dir)?);
            true
        }
        BlobConfig::S3 { .. } => false,
    };

    let kind = request.kind;
    let trigger = request.trigger.clone();
    let finish = move |entries| {
        Ok(Manifest {
            format_version: FORMAT_VERSION,
            app_version: env!("CARGO_PKG_VERSION").to_string(),
            schema_version: facts.schema_version,
            kind,
            trigger,
            source_backend,
            created_at: catalog::rfc3339(at),
            duration_ms: started.elapsed().as_millis() as u64,
            blobs_included,
            row_counts: facts.row_counts,
            workspace_counts: facts.workspace_counts,
            entries,
        })
    };
    let (progress2, cancel2, holder_path2) = (progress.clone(), cancel.clone(), holder_path.clone());
    let (manifest, holder) = tokio::task::spawn_blocking(move || {
        archive::write_archive(holder, &holder_path2, &files, finish, &progress2, &cancel2)
    })
    .await
    .map_err(|e| BackupError::Io(format!("the archive writer stopped: {e}")))??;
    std::fs::remove_file(&snapshot_path).ok();

    let final_path = match &request.password {
        None => {
            let final_path = dir.join(format!("{base}{ZIP_SUFFIX}"));
            std::fs::rename(&holder_path, &final_path).map_err(io_at(&final_path))?;
            leftovers.add(final_path.clone());
            leftovers.forget(&holder_path);
            final_path
        }
        Some(password) => {
            let encrypted_partial = dir.join(format!("{base}{ENCRYPTED_SUFFIX}{PARTIAL_SUFFIX}"));
            let out = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&encrypted_partial)
                .map_err(io_at(&encrypted_partial))?;
            leftovers.add(encrypted_partial.clone());
            let (password, plain, progress2, cancel2, target) =
                (password.clone(), holder_path.clone(), progress.clone(), cancel.clone(), encrypted_partial.clone());
            tokio::task::spawn_blocking(move || {
                crypto::encrypt(&plain, &out, &target, &password, &progress2, &cancel2)
            })
            .await
            .map_err(|e| BackupError::Io(format!("the encryption stopped: {e}")))??;
            let final_path = dir.join(format!("{base}{ENCRYPTED_SUFFIX}"));
            std::fs::rename(&encrypted_partial, &final_path).map_err(io_at(&final_path))?;
            leftovers.add(final_path.clone());
            leftovers.forget(&encrypted_partial);
            final_path
        }
    };
    fsync_dir(dir)?;
    drop(holder);
    recheck(&final_path, request.password.as_deref(), progress, cancel).await?;
    leftovers.forget(&final_path);
    Ok((final_path, manifest))
}

/// Copies a finished backup into another destination the same atomic way, then re-checks it.
async fn copy_to(
    source: &Path,
    dir: &Path,
    base: &str,
    suffix: &str,
    password: Option<&str>,
    progress: &ProgressFn,
    cancel: &CancelToken,
) -> Result<(PathBuf, Manifest)> {
    let mut leftovers = Leftovers::default();
    let holder_path = dir.join(format!("{base}{ZIP_SUFFIX}{PARTIAL_SUFFIX}"));
    let mut holder = create_locked(&holder_path)?;
    leftovers.add(holder_path.clone());
    let mut input = std::fs::File::open(source).map_err(io_at(source))?;
    let (source2, holder_path2, cancel2) = (source.to_path_buf(), holder_path.clone(), cancel.clone());
    let holder = tokio::task::spawn_blocking(move || -> Result<std::fs::File> {
        let mut buf = vec![0u8; 1024 * 1024];
        loop {
            cancel2.check()?;
            let n = std::io::Read::read(&mut input, &mut buf).map_err(io_at(&source2))?;
            if n == 0 {
                break;
            }
            std::io::Write::write_all(&mut holder, &buf[..n]).map_err(io_at(&holder_path2))?;
        }
        holder.sync_all().map_err(io_at(&holder_path2))?;
        Ok(holder)
    })
    .await
    .map_err(|e| BackupError::Io(format!("the copy stopped: {e}")))??;
    let final_path = dir.join(format!("{base}{suffix}"));
    std::fs::rename(&holder_path, &final_path).map_err(io_at(&final_path))?;
    leftovers.forget(&holder_path);
    leftovers.add(final_path.clone());
    fsync_dir(dir)?;
    drop(holder);
    let manifest = recheck(&final_path, password, progress, cancel).await?;
    leftovers.forget(&final_path);
    Ok((final_path, manifest))
}

/// Re-opens a written backup and re-hashes it from disk: the seal and every entry.
async fn recheck(path: &Path, password: Option<&str>, progress: &ProgressFn, cancel: &CancelToken) -> Result<Manifest> {
    let (path, password, progress, cancel) =
        (path.to_path_buf(), password.map(str::to_string), progress.clone(), cancel.clone());
    tokio::task::spawn_blocking(move || -> Result<Manifest> {
        let mut leftovers = Leftovers::default();
        let plain = match &password {
            Some(password) => {
                let plain = PathBuf::from(format!("{}.check{PARTIAL_SUFFIX}", path.display()));
                leftovers.add(plain.clone());
                crypto::decrypt(&path, &plain, password, &cancel)?;
                plain
            }
            None => path.clone(),
        };
        archive::check_seal(&plain, &progress, &cancel)?;
        let mut open = archive::open(&plain)?;
        let problems = open.check_entries(None, false, &progress, &cancel)?;
        if !problems.is_empty() {
            return Err(BackupError::damaged(path.display(), problems.join("; ")));
        }
        Ok(open.manifest)
    })
    .await
    .map_err(|e| BackupError::Io(format!("the check stopped: {e}")))?
}

/// Every regular file below the blob folder, as `blobs/<relative path>` entries. Staging files of
/// a blob being written right now (`name#N`) are skipped: they are not blobs yet.
fn blob_files(root: &Path) -> Result<Vec<SourceFile>> {
    let mut out = Vec::new();
    if !root.exists() {
        return Ok(out);
    }
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).map_err(io_at(&dir))? {
            let entry = entry.map_err(io_at(&dir))?;
            let kind = entry.file_type().map_err(io_at(&entry.path()))?;
            let path = entry.path();
            if kind.is_dir() {
                stack.push(path);
                continue;
            }
            if !kind.is_file() {
                continue;
            }
            let relative = path.strip_prefix(root).expect("below the root");
            let Some(relative) = relative.to_str() else { continue };
            let name = format!("{BLOBS_PREFIX}{}", relative.replace(std::path::MAIN_SEPARATOR, "/"));
            if name.contains('#') || archive::expected_entry_path(&name).is_err() {
                continue;
            }
            let size = entry.metadata().map_err(io_at(&path))?.len();
            out.push(SourceFile { name, path, size, compress: false });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}
