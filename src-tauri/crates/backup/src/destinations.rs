//! Destinations: the folders a backup is written to, and the outcome per folder, so that one
//! failing folder (a missing disk) is reported without losing the backups in the others.

use std::path::PathBuf;

use repovault_storage::ErrorPayload;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::catalog::BackupInfo;
use crate::error::{BackupError, Result};
use crate::manifest::BackupKind;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Destination {
    /// A folder; created when missing.
    pub path: String,
    pub enabled: bool,
}

impl Destination {
    pub fn new(path: impl Into<PathBuf>) -> Destination {
        Destination { path: path.into().display().to_string(), enabled: true }
    }
}

/// What happened in one destination.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DestinationResult {
    pub destination: String,
    pub backup: Option<BackupInfo>,
    pub error: Option<ErrorPayload>,
}

/// The folders a backup of `kind` goes to: the enabled ones, or every one for an emergency backup.
pub fn targets(destinations: &[Destination], kind: BackupKind) -> Result<Vec<PathBuf>> {
    let chosen: Vec<PathBuf> = destinations
        .iter()
        .filter(|d| d.enabled || kind == BackupKind::Emergency)
        .map(|d| PathBuf::from(&d.path))
        .collect();
    if chosen.is_empty() {
        return Err(BackupError::validation("destinations", "no enabled destination folder"));
    }
    Ok(chosen)
}

/// The folders to list and prune: every destination, enabled or not (old backups stay visible).
pub fn folders(destinations: &[Destination]) -> Vec<PathBuf> {
    destinations.iter().map(|d| PathBuf::from(&d.path)).collect()
}

/// The default destination of a data folder: `<data dir>/backups`.
pub fn default_destination(data_dir: &std::path::Path) -> Destination {
    Destination::new(data_dir.join("backups"))
}
