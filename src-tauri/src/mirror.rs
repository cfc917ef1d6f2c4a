//! The team mirror's commands (Settings › Mirror, the header badge) and its background drainer.

use std::sync::Arc;
use std::time::Duration;

use repovault_app::mirror::{self, CheckReport, DrainReport, MirrorStatus};
use repovault_storage::{open_store, CancelToken, DatabaseLocation, ErrorCode, ErrorPayload, StoreConfig};
use serde::Serialize;
use tauri::{AppHandle, Manager, State};
use ts_rs::TS;

use crate::commands::{AppInfo, CommandResult};
use crate::settings::Settings;
use crate::state::AppState;

/// The mirror's health as the open store knows it (polled by the header badge).
#[tauri::command]
pub async fn get_mirror_status(state: State<'_, AppState>) -> CommandResult<MirrorStatus> {
    Ok(mirror::status(state.store()?.as_ref()).await?)
}

/// Connects to `url` and checks its schema version against the open store's; changes nothing.
#[tauri::command]
pub async fn test_mirror(state: State<'_, AppState>, url: String) -> CommandResult<()> {
    let config = state.store_config()?;
    Ok(mirror::test_connection(state.store()?.as_ref(), url.trim(), &config.blobs).await?)
}

/// Mirrors the open store into `url` (the whole store is queued); the drainer picks it up.
#[tauri::command]
pub async fn enable_mirror(
    state: State<'_, AppState>,
    url: String,
    cooldown_seconds: Option<i64>,
) -> CommandResult<MirrorStatus> {
    let config = state.store_config()?;
    let url = url.trim().to_string();
    let cooldown = cooldown_seconds.unwrap_or(repovault_app::mirror::breaker::DEFAULT_COOLDOWN.as_secs() as i64);
    let status = mirror::enable(state.store()?.as_ref(), &url, &config.blobs, cooldown).await?;
    // Kept in the settings too, so the mirror can be opened when the primary cannot: as stored,
    // without its password (that is in the OS keyring).
    Settings { mirror_url: Some(status.config.url.clone()), ..Settings::load(&state.data_dir) }
        .save(&state.data_dir)?;
    state.mirror_wake.notify_one();
    Ok(status)
}

#[tauri::command]
pub async fn disable_mirror(state: State<'_, AppState>) -> CommandResult<MirrorStatus> {
    let status = mirror::disable(state.store()?.as_ref()).await?;
    Settings { mirror_url: None, ..Settings::load(&state.data_dir) }.save(&state.data_dir)?;
    Ok(status)
}

/// Drains the outbox now (behind the breaker: an open breaker answers without trying).
#[tauri::command]
pub async fn drain_mirror(state: State<'_, AppState>) -> CommandResult<DrainReport> {
    let config = state.store_config()?;
    let Some(mut drainer) = mirror::Drainer::open(state.store()?, config.blobs).await? else {
        return Err(ErrorPayload { code: ErrorCode::Config, message: "no mirror is enabled".into() });
    };
    let report = drainer.drain(&CancelToken::default()).await;
    drainer.close().await;
    Ok(report)
}

/// Compares the mirror with the open store (one repository, or everything).
#[tauri::command]
pub async fn check_mirror(state: State<'_, AppState>, repository: Option<String>) -> CommandResult<CheckReport> {
    let config = state.store_config()?;
    Ok(mirror::check(state.store()?.as_ref(), &config.database, repository.as_deref()).await?)
}

/// Re-sends what differs and checks again.
#[tauri::command]
pub async fn repair_mirror(state: State<'_, AppState>, repository: Option<String>) -> CommandResult<CheckReport> {
    let config = state.store_config()?;
    Ok(mirror::repair(state.store()?.as_ref(), &config.database, &config.blobs, repository.as_deref()).await?)
}

/// Whether the window may offer the mirror in place of a primary that cannot be opened.
#[derive(Serialize, TS)]
#[ts(export)]
pub struct MirrorFallback {
    /// A mirror is known (from the settings) and the primary is not open.
    pub available: bool,
    /// The window shows the mirror, read-only.
    pub active: bool,
    pub url: Option<String>,
}

#[tauri::command]
pub fn get_mirror_fallback(state: State<'_, AppState>) -> MirrorFallback {
    let url = Settings::load(&state.data_dir).mirror_url;
    let active = state.is_mirror_fallback();
    MirrorFallback {
        available: url.is_some() && (state.store().is_err() || active),
        active,
        url: url.map(|u| repovault_storage::postgres::redact_password(&u)),
    }
}

/// Opens the team mirror read-only in place of a primary that cannot be opened.
#[tauri::command]
pub async fn open_mirror_fallback(state: State<'_, AppState>) -> CommandResult<AppInfo> {
    let Some(url) = Settings::load(&state.data_dir).mirror_url else {
        return Err(ErrorPayload { code: ErrorCode::Config, message: "no team mirror is configured".into() });
    };
    let config = state.store_config()?;
    let mirror_config = StoreConfig {
        database: DatabaseLocation::Postgres(read_only(&mirror::password::reveal(&url)?)),
        blobs: config.blobs,
        apply_migrations: false,
    };
    let store = open_store(&mirror_config).await?;
    state.replace_with_mirror(store.clone());
    Ok(AppInfo::of(&state, store.info()))
}

/// Settings from before the keyring keep the mirror's password in its URL: moved into the
/// keyring (the store's copy moves on the drainer's first drain). Left as it is if it cannot be.
fn conceal_settings_password(data_dir: &std::path::Path) {
    let settings = Settings::load(data_dir);
    let Some(url) = settings.mirror_url.clone() else { return };
    match mirror::password::conceal(&url) {
        Ok(stored) if stored != url => {
            if let Err(err) = (Settings { mirror_url: Some(stored), ..settings }).save(data_dir) {
                tracing::warn!("cannot store the mirror's URL without its password: {}", err.message);
            }
        }
        Ok(_) => {}
        Err(err) => tracing::warn!("the mirror's password stays in settings.json: {err}"),
    }
}

/// The URL with every transaction read-only (PostgreSQL refuses any write through it).
fn read_only(url: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-c%20default_transaction_read_only%3Don")
}

/// The background drainer: a thread of its own driving `mirror::run` on the app's runtime, on
/// whichever store the app has open (never the read-only mirror), paused while an import runs.
pub fn start_drainer(app: AppHandle) {
    std::thread::spawn(move || {
        let state = app.state::<AppState>();
        conceal_settings_password(&state.data_dir);
        let wake = state.mirror_wake.clone();
        let primary = || {
            let state = app.state::<AppState>();
            // The mirror waits while an import runs: on two cores a drain beside it costs the
            // import about a fifth of its speed (README, Benchmarks › Team mirror).
            if state.is_mirror_fallback() || state.import.running().is_some() {
                return None;
            }
            state.store().ok().map(|s: Arc<dyn repovault_storage::Store>| s)
        };
        let blobs = || app.state::<AppState>().store_config().ok().map(|c| c.blobs);
        let run = mirror::run(primary, blobs, Duration::from_secs(2), wake, CancelToken::default(), |report| {
            tracing::info!(?report, "mirror drain");
        });
        tauri::async_runtime::block_on(run);
    });
}
