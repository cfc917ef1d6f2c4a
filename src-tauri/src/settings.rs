//! The app's own settings, kept as `settings.json` in the data folder: the database URL (none = the
//! embedded SQLite file), the backup destinations, the retention policy of manual backups and the
//! automatic backups (before a large import, on exit). The theme lives in the webview's local
//! storage.

use std::path::{Path, PathBuf};

use repovault_backup::{Destination, RetentionPolicy};
use repovault_storage::ErrorPayload;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Settings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    /// None: the default, `<data dir>/backups`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_destinations: Option<Vec<Destination>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<RetentionPolicy>,
    /// An automatic backup before an import of more than this many commits into a store that has
    /// commits. None: `DEFAULT_LARGE_IMPORT_THRESHOLD` (10,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub large_import_backup_threshold: Option<u64>,
    /// `false` turns the backup before a large import off. None: on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub large_import_backup: Option<bool>,
    /// An automatic backup ("on exit") when the app exits. Off unless set.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub backup_on_exit: bool,
    /// The team mirror (also recorded in the store), so it can be opened read-only when the
    /// primary cannot be.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mirror_url: Option<String>,
}

impl Settings {
    fn path(data_dir: &Path) -> PathBuf {
        data_dir.join("settings.json")
    }

    /// The saved settings; a missing or unreadable file means the defaults (logged, not fatal, so
    /// a damaged file cannot keep the app from starting).
    pub fn load(data_dir: &Path) -> Settings {
        let path = Settings::path(data_dir);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|err| {
                tracing::warn!("ignoring unreadable {}: {err}", path.display());
                Settings::default()
            }),
            Err(_) => Settings::default(),
        }
    }

    pub fn backup_destinations(&self, data_dir: &Path) -> Vec<Destination> {
        self.backup_destinations.clone().unwrap_or_else(|| vec![repovault_backup::default_destination(data_dir)])
    }

    /// The threshold of the backup before a large import, or None when that backup is off.
    pub fn large_import_threshold(&self) -> Option<u64> {
        self.large_import_backup.unwrap_or(true).then(|| {
            self.large_import_backup_threshold.unwrap_or(repovault_backup::triggers::DEFAULT_LARGE_IMPORT_THRESHOLD)
        })
    }

    /// Writes the file through a temporary one, so a crash leaves the old or the new settings.
    pub fn save(&self, data_dir: &Path) -> Result<(), ErrorPayload> {
        let io_error = |err: std::io::Error| ErrorPayload {
            code: repovault_storage::ErrorCode::Io,
            message: format!("cannot save the settings in {}: {err}", data_dir.display()),
        };
        std::fs::create_dir_all(data_dir).map_err(io_error)?;
        let path = Settings::path(data_dir);
        let temp = path.with_extension("json.partial");
        std::fs::write(&temp, serde_json::to_vec_pretty(self).expect("settings serialise")).map_err(io_error)?;
        std::fs::rename(&temp, &path).map_err(io_error)
    }
}

#[cfg(test)]
mod tests {
    use super::Settings;

    #[test]
    fn automatic_backups_default_to_before_large_imports_only() {
        // A settings file from before these options: the backup before a large import is on at
        // the default threshold, the backup on exit off.
        let old: Settings = serde_json::from_str(r#"{"database_url":null}"#).unwrap();
        assert_eq!(old.large_import_threshold(), Some(repovault_backup::triggers::DEFAULT_LARGE_IMPORT_THRESHOLD));
        assert!(!old.backup_on_exit);

        let set: Settings =
            serde_json::from_str(r#"{"large_import_backup_threshold":50,"backup_on_exit":true}"#).unwrap();
        assert_eq!(set.large_import_threshold(), Some(50));
        assert!(set.backup_on_exit);

        let off = Settings { large_import_backup: Some(false), ..set };
        assert_eq!(off.large_import_threshold(), None);
        let saved = serde_json::to_string(&off).unwrap();
        assert_eq!(serde_json::from_str::<Settings>(&saved).unwrap().large_import_threshold(), None);
    }
}
