//! The team mirror: the local store stays the primary; a PostgreSQL database is kept as its
//! mirror by draining the outbox every write appends to (storage's `mirror` module). Nothing on
//! the user's path waits for the network: the drainer runs beside it, behind a circuit breaker.
//!
//! - [`Drainer`]: replays entries oldest first, one mirror transaction per entry, and marks an
//!   entry done only after the mirror committed it (a replay twice changes nothing);
//! - [`breaker`]: opens after 3 consecutive failures, one trial after the cool-down;
//! - [`run`]: the background loop (the app's task, `repovault-cli mirror run`): drains on a timer,
//!   so an outbox filled while the server was down drains when it returns without a new write;
//! - [`check`] / [`repair`]: canonical hashes on both sides, narrowed to commits, re-sent.

pub mod breaker;
pub mod password;
pub mod replay;

use std::sync::Arc;
use std::time::Duration;

use repovault_storage::consistency::{compare_all, compare_scope, DigestConn, TableDifference, COMMIT_TABLES};
use repovault_storage::mirror::{MirrorConfig, MirrorHealth};
use repovault_storage::postgres::redact_password;
use repovault_storage::{
    open_store, BlobConfig, CancelToken, DatabaseLocation, Result, Store, StoreConfig, StoreError,
};
use serde::{Deserialize, Serialize};
use tokio::time::Instant;
use ts_rs::TS;

use breaker::{Breaker, Permit, Refused, State, Transition};

/// How often the background drainer looks at the outbox.
pub const DEFAULT_POLL: Duration = Duration::from_secs(2);

/// What the header badge, Settings and `mirror status` show: the configuration as stored (its
/// fields at the top level, the URL without its password; an empty URL and `enabled: false` when
/// none was ever configured), the entries waiting, and the health.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MirrorStatus {
    #[serde(flatten)]
    pub config: MirrorConfig,
    #[ts(type = "number")]
    pub pending: i64,
    /// `disabled`, `healthy`, `pending` (entries wait, breaker closed) or `degraded` (breaker
    /// not closed): the badge's colour.
    pub health: String,
}

/// What one drain did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DrainReport {
    #[ts(type = "number")]
    pub entries: u64,
    #[ts(type = "number")]
    pub commits: u64,
    #[ts(type = "number")]
    pub pending: i64,
    pub breaker: String,
    pub error: Option<String>,
}

/// A check's differences, and after a repair what is left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CheckReport {
    pub repository: Option<String>,
    pub equal: bool,
    pub differences: Vec<TableDifference>,
}

/// The mirror's health as the primary knows it.
pub async fn status(primary: &dyn Store) -> Result<MirrorStatus> {
    let pending = primary.outbox_pending().await?;
    let Some(mut config) = primary.mirror_config().await? else {
        let config =
            MirrorConfig { cooldown_seconds: breaker::DEFAULT_COOLDOWN.as_secs() as i64, ..MirrorConfig::none() };
        return Ok(MirrorStatus { config, pending, health: "disabled".into() });
    };
    let health = if !config.enabled {
        "disabled"
    } else if config.breaker != "closed" {
        "degraded"
    } else if pending > 0 {
        "pending"
    } else {
        "healthy"
    };
    config.url = redact_password(&config.url);
    Ok(MirrorStatus { config, pending, health: health.into() })
}

fn mirror_config(url: &str, blobs: &BlobConfig, apply_migrations: bool) -> Result<StoreConfig> {
    match DatabaseLocation::parse(url)? {
        DatabaseLocation::Postgres(url) => {
            Ok(StoreConfig { database: DatabaseLocation::Postgres(url), blobs: blobs.clone(), apply_migrations })
        }
        DatabaseLocation::Sqlite(_) => {
            Err(StoreError::Config("a mirror is a PostgreSQL database: postgres://…".into()))
        }
    }
}

/// Opens the mirror and checks its data contract: it must have exactly the primary's schema
/// version, or nothing is written to it.
pub async fn connect(primary: &dyn Store, url: &str, blobs: &BlobConfig) -> Result<Arc<dyn Store>> {
    let mirror = open_store(&mirror_config(url, blobs, false)?).await?;
    let (theirs, ours) = (mirror.info().schema_version, primary.info().schema_version);
    if theirs != ours {
        mirror.close().await;
        return Err(StoreError::Config(format!(
            "the mirror {} has schema version {theirs} and this store {ours}: nothing was written; \
             migrate the mirror (repovault-cli --database-url URL migrate) or use another database",
            redact_password(url)
        )));
    }
    Ok(mirror)
}

/// Tests the connection and the contract without changing anything. `url` may carry `***` for
/// the password kept in the keyring (the URL Settings shows).
pub async fn test_connection(primary: &dyn Store, url: &str, blobs: &BlobConfig) -> Result<()> {
    connect(primary, &password::reveal(url)?, blobs).await?.close().await;
    Ok(())
}

/// Enables the mirror at `url`: an empty database gets this build's schema; one with another
/// schema version is refused. The whole store is queued for a (resumable) fill. A password in
/// `url` goes into the OS keyring; the store keeps the URL with `***` in its place.
pub async fn enable(primary: &dyn Store, url: &str, blobs: &BlobConfig, cooldown_seconds: i64) -> Result<MirrorStatus> {
    let url = password::reveal(url)?;
    let probe = open_store(&mirror_config(&url, blobs, false)?).await?;
    let version = probe.info().schema_version;
    probe.close().await;
    if version == 0 {
        open_store(&mirror_config(&url, blobs, true)?).await?.close().await;
    }
    connect(primary, &url, blobs).await?.close().await;
    primary.enable_mirror(&password::conceal(&url)?, cooldown_seconds).await?;
    status(primary).await
}

/// The URL to connect to the configured mirror with (its password from the keyring), moving a
/// password still stored in the database into the keyring first.
async fn mirror_url(primary: &dyn Store, config: &MirrorConfig) -> Result<String> {
    password::reveal(&password::migrate(primary, &config.url).await)
}

pub async fn disable(primary: &dyn Store) -> Result<MirrorStatus> {
    primary.disable_mirror().await?;
    status(primary).await
}

/// Replays the outbox into the mirror behind the breaker.
pub struct Drainer {
    primary: Arc<dyn Store>,
    blobs: BlobConfig,
    url: String,
    breaker: Breaker,
    mirror: Option<Arc<dyn Store>>,
}

impl std::fmt::Debug for Drainer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Drainer").field("url", &redact_password(&self.url)).field("breaker", &self.breaker).finish()
    }
}

impl Drainer {
    /// The drainer of the enabled mirror (none when disabled), resuming the breaker's saved state.
    pub async fn open(primary: Arc<dyn Store>, blobs: BlobConfig) -> Result<Option<Drainer>> {
        let Some(config) = primary.mirror_config().await? else { return Ok(None) };
        if !config.enabled {
            return Ok(None);
        }
        let cooldown = Duration::from_secs(config.cooldown_seconds.max(0) as u64);
        let now_unix = chrono::Utc::now().timestamp();
        let state = match config.breaker.as_str() {
            "open" => {
                let left = config.open_until.unwrap_or(now_unix).saturating_sub(now_unix).max(0) as u64;
                State::Open { until: Instant::now() + Duration::from_secs(left) }
            }
            "half_open" => State::HalfOpen { trial_running: false },
            _ => State::Closed { failures: config.failures.clamp(0, u32::MAX as i64) as u32 },
        };
        let breaker = Breaker::new(breaker::DEFAULT_THRESHOLD, cooldown).with_state(state);
        let url = password::migrate(primary.as_ref(), &config.url).await;
        Ok(Some(Drainer { primary, blobs, url, breaker, mirror: None }))
    }

    /// The URL as stored (without its password).
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn breaker(&self) -> &Breaker {
        &self.breaker
    }

    /// Drains until the outbox is empty, an entry fails, the breaker refuses or `cancel` fires.
    pub async fn drain(&mut self, cancel: &CancelToken) -> DrainReport {
        let mut report = DrainReport::default();
        while !cancel.is_cancelled() {
            let permit = match self.breaker.admit() {
                Ok((permit, transition)) => {
                    self.note(transition, None).await;
                    permit
                }
                Err(Refused::OpenUntil(_)) | Err(Refused::TrialRunning) => break,
            };
            let trial = permit == Permit::Trial;
            match self.step().await {
                Ok(None) => {
                    let t = self.breaker.success(permit);
                    self.note(t, None).await;
                    break;
                }
                Ok(Some(commits)) => {
                    report.entries += 1;
                    report.commits += commits;
                    let t = self.breaker.success(permit);
                    self.note(t, None).await;
                }
                Err(err) => {
                    if let Some(mirror) = self.mirror.take() {
                        mirror.close().await;
                    }
                    let message = err.to_string();
                    let t = self.breaker.failure(permit);
                    self.note(t, Some(message.clone())).await;
                    report.error = Some(message);
                    break;
                }
            }
            if trial {
                // The trial closed the breaker: go on draining normally.
                continue;
            }
        }
        if report.entries > 0 {
            let detail = format!("{} entries, {} commits", report.entries, report.commits);
            self.primary.record_audit("mirror.drain", "mirror", &detail).await.ok();
        }
        report.pending = self.primary.outbox_pending().await.unwrap_or(-1);
        report.breaker = self.breaker.state().name().to_string();
        report
    }

    /// Replays the oldest entry: `None` when the outbox is empty, else the commits it sent.
    async fn step(&mut self) -> Result<Option<u64>> {
        let Some(entry) = self.primary.outbox_entries(1).await?.into_iter().next() else { return Ok(None) };
        let mirror = match &self.mirror {
            Some(m) => m.clone(),
            None => {
                // The password is looked up on each connection, so a missing one is this
                // drain's error (shown as the mirror's last error), not a stuck drainer.
                let m = connect(self.primary.as_ref(), &password::reveal(&self.url)?, &self.blobs).await?;
                self.mirror = Some(m.clone());
                m
            }
        };
        let commits = replay::apply(self.primary.as_ref(), mirror.as_ref(), &entry).await?;
        // For the kill tests: die after the mirror committed and before the entry is marked done.
        if std::env::var("REPOVAULT_TEST_MIRROR_ABORT_BEFORE_DONE").is_ok_and(|v| v == entry.id.to_string()) {
            std::process::abort();
        }
        self.primary.outbox_done(&[entry.id]).await?;
        Ok(Some(commits))
    }

    /// Saves the breaker's state and audits a transition.
    async fn note(&self, transition: Option<Transition>, error: Option<String>) {
        if transition.is_none() && error.is_none() {
            return;
        }
        let open_until = match self.breaker.state() {
            State::Open { until } => {
                let left = until.saturating_duration_since(Instant::now());
                Some(chrono::Utc::now().timestamp() + left.as_secs() as i64 + i64::from(left.subsec_nanos() > 0))
            }
            _ => None,
        };
        let health = MirrorHealth {
            breaker: self.breaker.state().name().to_string(),
            failures: i64::from(self.breaker.failures()),
            open_until,
            last_error: error.clone(),
        };
        if let Err(err) = self.primary.record_mirror_health(&health).await {
            tracing::warn!("cannot record the mirror's health: {err}");
        }
        if let Some(t) = transition {
            let detail = match &error {
                Some(e) => format!("{} -> {}: {e}", t.from, t.to),
                None => format!("{} -> {}", t.from, t.to),
            };
            self.primary.record_audit("mirror.breaker", "mirror", &detail).await.ok();
            tracing::info!("mirror breaker {detail}");
        }
    }

    pub async fn close(mut self) {
        if let Some(m) = self.mirror.take() {
            m.close().await;
        }
    }
}

/// The background drainer: every `poll` (and right away when `wake` is notified) drains what is
/// pending into the mirror of the store `primary()` answers (the app can swap its store); follows
/// the mirror being enabled, disabled or pointed elsewhere. Returns when `cancel` fires.
/// `on_report` sees each drain that did something or failed.
pub async fn run(
    primary: impl Fn() -> Option<Arc<dyn Store>> + Send,
    blobs: impl Fn() -> Option<BlobConfig> + Send,
    poll: Duration,
    wake: Arc<tokio::sync::Notify>,
    cancel: CancelToken,
    on_report: impl Fn(&DrainReport) + Send,
) {
    let mut drainer: Option<Drainer> = None;
    while !cancel.is_cancelled() {
        let store = primary();
        let wanted = match &store {
            Some(s) => {
                s.mirror_config().await.ok().flatten().filter(|c| c.enabled).map(|c| (c.url, c.cooldown_seconds))
            }
            None => None,
        };
        let current = drainer.as_ref().map(|d| (d.url.clone(), d.breaker.cooldown().as_secs() as i64));
        let same_store = match (&drainer, &store) {
            (Some(d), Some(s)) => Arc::ptr_eq(&d.primary, s),
            _ => false,
        };
        if wanted != current || !same_store {
            if let Some(d) = drainer.take() {
                d.close().await;
            }
            if let (Some(store), Some(_), Some(blobs)) = (store, &wanted, blobs()) {
                drainer = Drainer::open(store, blobs).await.ok().flatten();
            }
        }
        if let Some(d) = drainer.as_mut() {
            let report = d.drain(&cancel).await;
            if report.entries > 0 || report.error.is_some() {
                on_report(&report);
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(poll) => {}
            _ = wake.notified() => {}
        }
    }
    if let Some(d) = drainer.take() {
        d.close().await;
    }
}

/// Compares the primary and the mirror (one repository, or everything), audited.
pub async fn check(
    primary: &dyn Store,
    primary_db: &DatabaseLocation,
    repository: Option<&str>,
) -> Result<CheckReport> {
    let config = primary
        .mirror_config()
        .await?
        .ok_or_else(|| StoreError::Config("no mirror is configured: repovault-cli mirror enable URL".into()))?;
    let url = mirror_url(primary, &config).await?;
    let mut a = DigestConn::connect(primary_db).await?;
    let mut b = DigestConn::connect(&DatabaseLocation::parse(&url)?).await?;
    let differences = match repository {
        Some(name) => compare_scope(&mut a, &mut b, Some(name)).await,
        None => compare_all(&mut a, &mut b).await,
    };
    a.close().await;
    b.close().await;
    let differences = differences?;
    let detail = format!("{}: {} differences", repository.unwrap_or("all"), differences.len());
    primary.record_audit("mirror.check", "mirror", &detail).await?;
    Ok(CheckReport { repository: repository.map(str::to_string), equal: differences.is_empty(), differences })
}

/// Checks, re-sends from the primary what differs, and checks again (the report is what is left).
pub async fn repair(
    primary: &dyn Store,
    primary_db: &DatabaseLocation,
    blobs: &BlobConfig,
    repository: Option<&str>,
) -> Result<CheckReport> {
    let before = check(primary, primary_db, repository).await?;
    if before.equal {
        return Ok(before);
    }
    let config = primary.mirror_config().await?.expect("check found a configuration");
    let mirror = connect(primary, &mirror_url(primary, &config).await?, blobs).await?;
    let result = repair_differences(primary, mirror.as_ref(), &before.differences).await;
    mirror.close().await;
    let sent = result?;
    let after = check(primary, primary_db, repository).await?;
    let detail = format!(
        "{}: {} differences, {sent} commits re-sent, {} left",
        repository.unwrap_or("all"),
        before.differences.len(),
        after.differences.len()
    );
    primary.record_audit("mirror.repair", "mirror", &detail).await?;
    Ok(after)
}

async fn repair_differences(primary: &dyn Store, mirror: &dyn Store, differences: &[TableDifference]) -> Result<u64> {
    let mut sent = 0;
    for d in differences {
        match d.repository.as_deref() {
            None => match d.table.as_str() {
                "workspaces" => replay::send_workspaces(primary, mirror).await?,
                "saved_queries" => replay::send_saved_queries(primary, mirror).await?,
                "backup_schedules" => mirror.replace_schedules(&primary.schedules().await?).await?,
                _ => {}
            },
            Some(name) => {
                if d.table == "repositories" && d.primary_rows == 0 {
                    match mirror.delete_repository(name).await {
                        Ok(_) | Err(StoreError::NotFound { .. }) => {}
                        Err(err) => return Err(err),
                    }
                } else if COMMIT_TABLES.contains(&d.table.as_str()) {
                    sent += replay::resend_commits(primary, mirror, name, &d.commits).await?;
                } else {
                    replay::resend_repository_rows(primary, mirror, name).await?;
                }
            }
        }
    }
    Ok(sent)
}
