//! The app's own settings, kept as `settings.json` in the data folder: the database URL (none = the
//! embedded SQLite file), the backup destinations and the retention policy of manual backups. The
//! theme lives in the webview's local storage.

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

    /// Writes the file through a temporary one, so a crash leaves the old or the new settings.
    pub fn save(&self, data_dir: &Path) -> Result<(), ErrorPayload> {
        let io_error = |err: std::io::Error| ErrorPayload {
            code: "io".into(),
            message: format!("cannot save the settings in {}: {err}", data_dir.display()),
        };
        std::fs::create_dir_all(data_dir).map_err(io_error)?;
        let path = Settings::path(data_dir);
        let temp = path.with_extension("json.partial");
        std::fs::write(&temp, serde_json::to_vec_pretty(self).expect("settings serialise")).map_err(io_error)?;
        std::fs::rename(&temp, &path).map_err(io_error)
    }
}
