//! Restoring a backup: extract into a staging folder beside the data (only expected entries, sizes
//! capped by the manifest), verify, refuse a newer schema, migrate an older one forward — all on the
//! staged copy — then take a safety backup of the current data and swap the restored data in.
//! Until the swap the current data is not touched; a failure before it leaves everything as it was.
//!
//! The caller must have closed every connection of its own to the target store first (the app drops
//! its store around the call; the CLI holds none): the database file is replaced underneath.

use std::path::{Path, PathBuf};
use std::time::Instant;

use repovault_storage::snapshot::{portable, sqlite as snapshot};
use repovault_storage::{mirror, schedules, BlobConfig, BlobStore, DatabaseLocation, ScheduleRow, StoreConfig};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::archive;
use crate::catalog::{fsync_dir, Leftovers, ENCRYPTED_SUFFIX, PARTIAL_SUFFIX};
use crate::create::{create, BackupRequest};
use crate::crypto;
use crate::destinations::Destination;
use crate::error::{io_at, BackupError, Result};
use crate::manifest::{BackupKind, Manifest, TableCount, DATABASE_NAME};
use crate::progress::{report, BackupPhase, CancelToken, ProgressFn};
use crate::verify::{check_snapshot, sibling_work_dir};

/// How to restore.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RestoreOptions {
    /// The password of an encrypted backup.
    #[serde(default, skip_serializing)]
    pub password: Option<String>,
    /// Where the safety backup of the current data goes (required when there is current data).
    pub safety_destinations: Vec<Destination>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RestoreReport {
    pub restored_from: String,
    pub manifest: Manifest,
    /// The safety backup taken of the data that was replaced, if there was any.
    pub safety_backup: Option<String>,
    /// The schema versions the restored data was migrated through (empty: none needed).
    #[ts(type = "Array<number>")]
    pub migrated: Vec<i64>,
    /// Rows per table in the restored store.
    pub row_counts: Vec<TableCount>,
    #[ts(type = "number")]
    pub duration_ms: u64,
}

/// Restores a backup over the store `target` points at (SQLite or PostgreSQL; a backup of either
/// backend restores into either). Close the store first.
pub async fn restore(
    backup: &Path,
    target: &StoreConfig,
    options: &RestoreOptions,
    progress: ProgressFn,
    cancel: CancelToken,
) -> Result<RestoreReport> {
    let started = Instant::now();
    let anchor = staging_anchor(target);
    std::fs::create_dir_all(anchor.parent().unwrap_or(Path::new("."))).map_err(io_at(&anchor))?;
    let staging = sibling_work_dir(&anchor, "restore");
    let mut leftovers = Leftovers::default();
    leftovers.add(staging.clone());
    std::fs::create_dir_all(&staging).map_err(io_at(&staging))?;

    // 1. Extract and verify everything on the staged copy.
    let manifest = stage(backup, &staging, options.password.as_deref(), &progress, &cancel).await?;
    let staged_db = staging.join(DATABASE_NAME);
    let migrated = migrate_staged(&staged_db).await?;
    if let Some(current) = current_schedules(target).await {
        schedules::replace_schedules_in_sqlite_file(&staged_db, &current).await?;
    }
    // The team mirror followed the data being replaced: the restored store keeps the current
    // mirror and queues everything for it again (PostgreSQL keeps its mirror tables: step 4).
    let resync_reason = format!("restored from {}", backup.file_name().unwrap_or_default().to_string_lossy());
    if let DatabaseLocation::Sqlite(path) = &target.database {
        let current = if has_data(target).await { mirror::mirror_config_in_sqlite_file(path).await } else { None };
        mirror::carry_over_into_sqlite_file(&staged_db, current.as_ref(), &resync_reason).await?;
    }
    cancel.check()?;

    // 2. A safety backup of what is about to be replaced.
    let safety_backup = if has_data(target).await {
        if options.safety_destinations.is_empty() {
            return Err(BackupError::validation(
                "safety_destinations",
                "a restore needs a folder for the safety backup",
            ));
        }
        report(&progress, BackupPhase::SafetyBackup, 0, 1);
        let request = BackupRequest {
            kind: BackupKind::Automatic,
            trigger: "before restore".into(),
            destinations: options.safety_destinations.clone(),
            password: None,
        };
        let made = create(target, &request, crate::progress::no_progress(), cancel.clone()).await?;
        made.written().first().map(|b| b.path.clone())
    } else {
        None
    };
    cancel.check()?;

    // 3. The swap. From here on the current data changes.
    report(&progress, BackupPhase::Swap, 0, 1);
    // PostgreSQL's counts are those of the rows just copied into it; a SQLite file is counted below.
    let copied_counts = match &target.database {
        DatabaseLocation::Sqlite(path) => {
            swap_database(&staged_db, path, &staging)?;
            None
        }
        DatabaseLocation::Postgres(url) => {
            let store = repovault_storage::postgres::PgStore::open(url, BlobStore::open(&target.blobs)?, true).await?;
            repovault_storage::Store::close(&store).await;
            Some(portable::sqlite_to_pg(&staged_db, url, &cancel).await?)
        }
    };
    if let (BlobConfig::Local(blob_dir), true) = (&target.blobs, manifest.blobs_included) {
        swap_folder(&staging.join("blobs"), blob_dir, &staging)?;
    }

    // 4. Reopen through the storage crate and check.
    let store = repovault_storage::open_store(target).await?;
    if matches!(target.database, DatabaseLocation::Postgres(_)) {
        if let Err(err) = store.resync_mirror(&resync_reason).await {
            store.close().await;
            return Err(err.into());
        }
    }
    let repositories = store.repositories().await;
    store.close().await;
    let restored_commits: i64 = repositories?.iter().map(|r| r.commit_count).sum();
    if let Some(expected) = manifest.rows("commits") {
        if expected != restored_commits {
            return Err(BackupError::damaged(
                backup.display(),
                format!("after the restore the store has {restored_commits} commits, the backup {expected}"),
            ));
        }
    }
    let row_counts = match (copied_counts, &target.database) {
        (Some(counts), _) => counts,
        (None, DatabaseLocation::Sqlite(path)) => snapshot::facts(path).await.map(|f| f.row_counts).unwrap_or_default(),
        (None, DatabaseLocation::Postgres(_)) => Vec::new(),
    };
    report(&progress, BackupPhase::Done, 1, 1);
    Ok(RestoreReport {
        restored_from: backup.display().to_string(),
        manifest,
        safety_backup,
        migrated,
        row_counts,
        duration_ms: started.elapsed().as_millis() as u64,
    })
}

/// Restores a backup into a new data folder (`repovault.db` and `blobs/` inside), leaving the
/// current data alone. The folder must not hold a database yet.
pub async fn restore_into(
    backup: &Path,
    data_dir: &Path,
    options: &RestoreOptions,
    progress: ProgressFn,
    cancel: CancelToken,
) -> Result<RestoreReport> {
    let target = StoreConfig {
        database: DatabaseLocation::Sqlite(data_dir.join("repovault.db")),
        blobs: BlobConfig::Local(data_dir.join("blobs")),
        apply_migrations: true,
    };
    if data_dir.join("repovault.db").exists() {
        return Err(BackupError::validation(
            "into",
            format!(
                "{} already holds a database; restore over it with restore, or pick an empty folder",
                data_dir.display()
            ),
        ));
    }
    std::fs::create_dir_all(data_dir).map_err(io_at(data_dir))?;
    restore(backup, &target, options, progress, cancel).await
}

/// The staging folder goes beside the data it replaces, on the same file system, so the swap is
/// a rename.
fn staging_anchor(target: &StoreConfig) -> PathBuf {
    match (&target.database, &target.blobs) {
        (DatabaseLocation::Sqlite(path), _) => path.clone(),
        (_, BlobConfig::Local(dir)) => dir.clone(),
        _ => std::env::temp_dir().join("repovault"),
    }
}

/// Decrypts if needed, checks the seal, extracts every entry into `staging` (refusing hostile
/// archives at once) and verifies the staged snapshot. Any problem is an error.
async fn stage(
    backup: &Path,
    staging: &Path,
    password: Option<&str>,
    progress: &ProgressFn,
    cancel: &CancelToken,
) -> Result<Manifest> {
    if !backup.is_file() {
        return Err(BackupError::NotFound { what: format!("backup {}", backup.display()) });
    }
    let (file, staging2, password, progress2, cancel2) =
        (backup.to_path_buf(), staging.to_path_buf(), password.map(str::to_string), progress.clone(), cancel.clone());
    let manifest = tokio::task::spawn_blocking(move || -> Result<Manifest> {
        let plain = if file.to_string_lossy().ends_with(ENCRYPTED_SUFFIX) {
            let password = password.ok_or(BackupError::PasswordRequired)?;
            let plain = staging2.join(format!("decrypted.zip{PARTIAL_SUFFIX}"));
            crypto::decrypt(&file, &plain, &password, &cancel2)?;
            plain
        } else {
            file.clone()
        };
        archive::check_seal(&plain, &progress2, &cancel2)?;
        let mut open = archive::open(&plain)?;
        let extracted = staging2.join("data");
        std::fs::create_dir_all(&extracted).map_err(io_at(&extracted))?;
        let problems = open.check_entries(Some(&extracted), true, &progress2, &cancel2)?;
        if !problems.is_empty() {
            return Err(BackupError::damaged(file.display(), problems.join("; ")));
        }
        if plain != file {
            std::fs::remove_file(&plain).ok();
        }
        // Move the extracted entries up so the staging folder holds database.sqlite and blobs/.
        for entry in std::fs::read_dir(&extracted).map_err(io_at(&extracted))? {
            let entry = entry.map_err(io_at(&extracted))?;
            let to = staging2.join(entry.file_name());
            std::fs::rename(entry.path(), &to).map_err(io_at(&to))?;
        }
        Ok(open.manifest)
    })
    .await
    .map_err(|e| BackupError::Io(format!("the extraction stopped: {e}")))??;
    let database = staging.join(DATABASE_NAME);
    if !database.is_file() {
        return Err(BackupError::damaged(backup.display(), "it holds no database.sqlite"));
    }
    let supported = repovault_storage::schema::latest_version(&repovault_storage::sqlite::MIGRATOR);
    if manifest.schema_version > supported {
        return Err(BackupError::SchemaTooNew { found: manifest.schema_version, supported });
    }
    let problems = check_snapshot(&database, &manifest, cancel).await?;
    if !problems.is_empty() {
        return Err(BackupError::damaged(backup.display(), problems.join("; ")));
    }
    Ok(manifest)
}

/// Migrates the staged snapshot to this build's schema by opening it with the storage crate.
async fn migrate_staged(database: &Path) -> Result<Vec<i64>> {
    let before = {
        let mut conn = snapshot::connect(database, false).await?;
        let v = snapshot::schema_version(&mut conn).await;
        snapshot::close(conn).await;
        v?
    };
    let blobs = tempfile::tempdir().map_err(|e| BackupError::Io(e.to_string()))?;
    let store = repovault_storage::sqlite::SqliteStore::open(
        database,
        BlobStore::open(&BlobConfig::Local(blobs.path().to_path_buf()))?,
        true,
    )
    .await?;
    let states = repovault_storage::Store::migrations(&store).await;
    repovault_storage::Store::close(&store).await;
    Ok(states?.into_iter().filter(|m| m.applied && m.version > before).map(|m| m.version).collect())
}

/// Whether there is current data a restore would replace.
async fn has_data(target: &StoreConfig) -> bool {
    match &target.database {
        DatabaseLocation::Sqlite(path) => path.exists(),
        DatabaseLocation::Postgres(_) => true,
    }
}

/// The schedules of the current store, carried over into the restored data.
async fn current_schedules(target: &StoreConfig) -> Option<Vec<ScheduleRow>> {
    if !has_data(target).await {
        return None;
    }
    match &target.database {
        DatabaseLocation::Sqlite(path) => schedules::schedules_in_sqlite_file(path).await.ok(),
        // PostgreSQL keeps its schedules table through the restore (see portable::KEPT_ON_RESTORE).
        DatabaseLocation::Postgres(_) => None,
    }
}

/// Replaces the database file: the old file with its `-wal`/`-shm` moves aside into the staging
/// folder (a stale WAL must never meet the new file), the new file is renamed in, the folder fsynced.
fn swap_database(staged: &Path, target: &Path, staging: &Path) -> Result<()> {
    for suffix in ["-wal", "-shm"] {
        let staged_extra = PathBuf::from(format!("{}{suffix}", staged.display()));
        if staged_extra.exists() {
            std::fs::remove_file(&staged_extra).map_err(io_at(&staged_extra))?;
        }
    }
    let aside = staging.join("old");
    std::fs::create_dir_all(&aside).map_err(io_at(&aside))?;
    let name = target.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "repovault.db".into());
    for suffix in ["-wal", "-shm", ""] {
        let old = PathBuf::from(format!("{}{suffix}", target.display()));
        if old.exists() {
            let to = aside.join(format!("{name}{suffix}"));
            std::fs::rename(&old, &to).map_err(io_at(&old))?;
        }
    }
    std::fs::rename(staged, target).map_err(io_at(target))?;
    if let Some(dir) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        fsync_dir(dir)?;
    }
    Ok(())
}

/// Replaces a folder: the old one is renamed aside, the new one renamed in, then the old one goes.
fn swap_folder(staged: &Path, target: &Path, staging: &Path) -> Result<()> {
    if !staged.exists() {
        std::fs::create_dir_all(staged).map_err(io_at(staged))?;
    }
    let aside = staging.join("old-blobs");
    if target.exists() {
        std::fs::rename(target, &aside).map_err(io_at(target))?;
    }
    std::fs::rename(staged, target).map_err(io_at(target))?;
    if let Some(dir) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        fsync_dir(dir)?;
    }
    std::fs::remove_dir_all(&aside).ok();
    Ok(())
}
