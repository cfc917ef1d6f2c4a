//! Backup files in a destination folder: their names, listing (from the manifests), deletion and
//! the clean-up of what an interrupted backup left behind.
//!
//! A backup is `repovault-<UTC time>-<kind>[-N].zip` (`.zip.age` when encrypted). While it is
//! written, every file belonging to it ends in `.partial`, and `<base>.zip.partial` is held under an
//! exclusive lock: a partial is never listed, and clean-up removes only partials nobody holds.

use std::fs::File;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::archive;
use crate::error::{io_at, BackupError, Result};
use crate::manifest::{BackupKind, Manifest};

pub const PREFIX: &str = "repovault-";
pub const ZIP_SUFFIX: &str = ".zip";
pub const ENCRYPTED_SUFFIX: &str = ".zip.age";
pub const PARTIAL_SUFFIX: &str = ".partial";
const TIME_FORMAT: &str = "%Y%m%dT%H%M%SZ";

/// One backup file as the Backups page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BackupInfo {
    /// Full path of the file.
    pub path: String,
    /// The file name.
    pub name: String,
    /// The folder it is in.
    pub destination: String,
    #[ts(type = "number")]
    pub size: u64,
    pub encrypted: bool,
    /// RFC 3339 UTC: from the manifest, or from the name when the manifest cannot be read.
    pub created_at: String,
    pub kind: Option<BackupKind>,
    pub trigger: Option<String>,
    /// Absent for an encrypted backup (read it with the password) or a damaged one.
    pub manifest: Option<Manifest>,
    /// Why the archive could not be read, when it could not.
    pub damaged: Option<String>,
}

impl BackupInfo {
    pub fn created(&self) -> Option<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(&self.created_at).ok().map(|t| t.with_timezone(&Utc))
    }
}

/// `repovault-20261122T101500Z-manual` for a time and kind (without the `-N` that keeps it unique).
pub(crate) fn base_name(at: DateTime<Utc>, kind: BackupKind) -> String {
    format!("{PREFIX}{}-{}", at.format(TIME_FORMAT), kind.as_str())
}

/// A base name none of `folders` uses yet (for any of its files, partial or not).
pub(crate) fn unique_base(folders: &[PathBuf], at: DateTime<Utc>, kind: BackupKind) -> String {
    let base = base_name(at, kind);
    for n in 1.. {
        let candidate = if n == 1 { base.clone() } else { format!("{base}-{n}") };
        let taken = folders.iter().any(|dir| {
            std::fs::read_dir(dir).into_iter().flatten().flatten().any(|entry| {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                name.split('.').next() == Some(candidate.as_str())
            })
        });
        if !taken {
            return candidate;
        }
    }
    unreachable!("some suffix is free")
}

/// The time and kind a backup's name records.
pub fn parse_name(name: &str) -> Option<(DateTime<Utc>, BackupKind)> {
    let base = name.strip_suffix(ENCRYPTED_SUFFIX).or_else(|| name.strip_suffix(ZIP_SUFFIX))?;
    let rest = base.strip_prefix(PREFIX)?;
    let (time, kind) = rest.split_once('-')?;
    let kind = kind.split('-').next()?;
    let time = NaiveDateTime::parse_from_str(time, TIME_FORMAT).ok()?.and_utc();
    Some((time, BackupKind::parse(kind)?))
}

pub(crate) fn is_backup_name(name: &str) -> bool {
    parse_name(name).is_some()
}

/// Makes a rename or removal in `dir` durable.
pub(crate) fn fsync_dir(dir: &Path) -> Result<()> {
    File::open(dir).and_then(|f| f.sync_all()).map_err(io_at(dir))
}

/// Describes one backup file; an archive that cannot be read is returned as damaged, not an error.
pub fn describe(path: &Path) -> BackupInfo {
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let parsed = parse_name(&name);
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let encrypted = name.ends_with(ENCRYPTED_SUFFIX);
    let mut info = BackupInfo {
        path: path.display().to_string(),
        name,
        destination: path.parent().map(|p| p.display().to_string()).unwrap_or_default(),
        size,
        encrypted,
        created_at: parsed.map(|(t, _)| rfc3339(t)).unwrap_or_default(),
        kind: parsed.map(|(_, k)| k),
        trigger: None,
        manifest: None,
        damaged: None,
    };
    if !encrypted {
        match archive::open(path) {
            Ok(open) => {
                info.created_at = open.manifest.created_at.clone();
                info.kind = Some(open.manifest.kind);
                info.trigger = Some(open.manifest.trigger.clone());
                info.manifest = Some(open.manifest);
            }
            Err(err) => info.damaged = Some(err.to_string()),
        }
    }
    info
}

pub(crate) fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Every backup in the given folders, newest first. A folder that does not exist holds none;
/// partial files are never listed.
pub fn list(folders: &[PathBuf]) -> Result<Vec<BackupInfo>> {
    let mut out = Vec::new();
    for dir in folders {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
            Err(err) => return Err(io_at(dir)(err)),
        };
        for entry in entries {
            let entry = entry.map_err(io_at(dir))?;
            let name = entry.file_name().to_string_lossy().to_string();
            if is_backup_name(&name) && entry.file_type().map(|t| t.is_file()).unwrap_or(false) {
                out.push(describe(&entry.path()));
            }
        }
    }
    out.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.name.cmp(&a.name)));
    Ok(out)
}

/// Deletes one backup file (only a file named like a backup).
pub fn delete(path: &Path) -> Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    if !is_backup_name(&name) {
        return Err(BackupError::validation("file", format!("{} is not a RepoVault backup", path.display())));
    }
    if !path.is_file() {
        return Err(BackupError::NotFound { what: format!("backup {}", path.display()) });
    }
    std::fs::remove_file(path).map_err(io_at(path))?;
    if let Some(dir) = path.parent() {
        fsync_dir(dir)?;
    }
    Ok(())
}

/// Removes what interrupted backups left in `dest` (`repovault-*.partial`), except the files of a
/// backup still being written (its `<base>.zip.partial` is locked). Call it at start. Returns the
/// removed files.
pub fn cleanup_partials(dest: &Path) -> Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    let entries = match std::fs::read_dir(dest) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(removed),
        Err(err) => return Err(io_at(dest)(err)),
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if !name.starts_with(PREFIX) || !name.ends_with(PARTIAL_SUFFIX) {
            continue;
        }
        let base = name.split('.').next().unwrap_or_default();
        if is_in_progress(&dest.join(format!("{base}{ZIP_SUFFIX}{PARTIAL_SUFFIX}"))) {
            continue;
        }
        let path = entry.path();
        let result = if path.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
        match result {
            Ok(()) => removed.push(path),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => return Err(io_at(&path)(err)),
        }
    }
    if !removed.is_empty() {
        fsync_dir(dest)?;
    }
    Ok(removed)
}

/// True when another process (or this one) holds the lock of a backup being written.
fn is_in_progress(holder: &Path) -> bool {
    match File::open(holder) {
        Ok(file) => match file.try_lock() {
            Ok(()) => {
                file.unlock().ok();
                false
            }
            Err(std::fs::TryLockError::WouldBlock) => true,
            Err(std::fs::TryLockError::Error(_)) => false,
        },
        Err(_) => false,
    }
}

/// The `.partial` holder file of a backup being written, created and locked.
pub(crate) fn create_locked(path: &Path) -> Result<File> {
    let file = std::fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(io_at(path))?;
    file.try_lock().map_err(|e| BackupError::Io(format!("{}: cannot lock: {e}", path.display())))?;
    Ok(file)
}

/// Removes the listed files when dropped, unless disarmed: leftovers of a failed or cancelled run.
#[derive(Default)]
pub(crate) struct Leftovers(pub Vec<PathBuf>);

impl Leftovers {
    pub fn add(&mut self, path: PathBuf) {
        self.0.push(path);
    }

    pub fn forget(&mut self, path: &Path) {
        self.0.retain(|p| p != path);
    }
}

impl Drop for Leftovers {
    fn drop(&mut self) {
        for path in &self.0 {
            if path.is_dir() {
                std::fs::remove_dir_all(path).ok();
            } else {
                std::fs::remove_file(path).ok();
            }
        }
    }
}
