//! `repovault-cli mirror …`: the team mirror of this store in a PostgreSQL database.

use std::sync::Arc;
use std::time::Duration;

use clap::Subcommand;
use repovault_app::mirror::{self, CheckReport, DrainReport, MirrorStatus};
use repovault_storage::{CancelToken, Store, StoreConfig, StoreError};

use crate::output::Output;

#[derive(Subcommand)]
pub enum MirrorAction {
    /// Mirror this store into the PostgreSQL database at URL (an empty database gets the schema;
    /// the whole store is queued and sent by the next drain).
    Enable {
        url: String,
        /// Seconds the breaker stays open after 3 consecutive failures.
        #[arg(long, default_value_t = 300)]
        cooldown: i64,
    },
    /// Stop mirroring (pending entries are dropped; enabling again sends everything).
    Disable,
    /// Pending entries, the breaker and the last error.
    Status,
    /// Drain the outbox once and exit.
    Sync,
    /// Drain in the foreground until Ctrl-C (a headless drainer).
    Run {
        /// Seconds between looks at the outbox.
        #[arg(long, default_value_t = 2.0)]
        poll: f64,
    },
    /// Compare the mirror with this store (one repository, or everything): counts and hashes.
    Check { name: Option<String> },
    /// Re-send from this store what `check` finds different, then check again.
    Repair { name: Option<String> },
    /// Connect to URL and check its schema version, changing nothing.
    Test { url: String },
}

pub async fn run(
    action: &MirrorAction,
    store: Arc<dyn Store>,
    config: &StoreConfig,
    out: &Output,
) -> Result<(), StoreError> {
    match action {
        MirrorAction::Enable { url, cooldown } => {
            print_status(out, &mirror::enable(store.as_ref(), url, &config.blobs, *cooldown).await?)
        }
        MirrorAction::Disable => print_status(out, &mirror::disable(store.as_ref()).await?),
        MirrorAction::Status => print_status(out, &mirror::status(store.as_ref()).await?),
        MirrorAction::Test { url } => {
            mirror::test_connection(store.as_ref(), url, &config.blobs).await?;
            if out.json() {
                println!("{}", serde_json::json!({ "ok": true }));
            } else {
                println!("connected; the schema version matches this store's");
            }
        }
        MirrorAction::Sync => {
            let mut drainer = mirror::Drainer::open(store.clone(), config.blobs.clone())
                .await?
                .ok_or_else(|| StoreError::Config("no mirror is enabled: repovault-cli mirror enable URL".into()))?;
            let report = drainer.drain(&CancelToken::default()).await;
            drainer.close().await;
            print_drain(out, &report);
            if let Some(error) = report.error {
                return Err(StoreError::Storage(format!("the drain stopped: {error}")));
            }
        }
        MirrorAction::Run { poll } => {
            let cancel = CancelToken::default();
            let on_signal = cancel.clone();
            let wake = Arc::new(tokio::sync::Notify::new());
            let waker = wake.clone();
            tokio::spawn(async move {
                if tokio::signal::ctrl_c().await.is_ok() {
                    on_signal.cancel();
                    waker.notify_one();
                }
            });
            let json = out.json();
            let poll = Duration::from_secs_f64(poll.max(0.05));
            let (primary, blobs) = (store.clone(), config.blobs.clone());
            mirror::run(
                move || Some(primary.clone()),
                move || Some(blobs.clone()),
                poll,
                wake,
                cancel,
                move |report| print_drain(&Output::new(json), report),
            )
            .await;
        }
        MirrorAction::Check { name } => {
            let report = mirror::check(store.as_ref(), &config.database, name.as_deref()).await?;
            print_check(out, &report);
        }
        MirrorAction::Repair { name } => {
            let report = mirror::repair(store.as_ref(), &config.database, &config.blobs, name.as_deref()).await?;
            print_check(out, &report);
        }
    }
    Ok(())
}

fn print_status(out: &Output, s: &MirrorStatus) {
    if out.json() {
        println!("{}", serde_json::to_string_pretty(s).expect("serialises"));
        return;
    }
    let c = &s.config;
    println!("mirror:   {}", if c.url.is_empty() { "(none)" } else { &c.url });
    println!("health:   {}", s.health);
    println!("pending:  {} entries", s.pending);
    let until = c.open_until.map(|t| format!(" until {}", fmt_time(t))).unwrap_or_default();
    println!("breaker:  {}{until} ({} failures)", c.breaker, c.failures);
    if let Some(error) = &c.last_error {
        println!("last error: {error}");
    }
    if let Some(at) = c.last_drain_at {
        println!("last drain: {} ({} entries drained in all)", fmt_time(at), c.drained_entries);
    }
}

fn fmt_time(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0).map(|t| t.to_rfc3339()).unwrap_or_else(|| unix.to_string())
}

fn print_drain(out: &Output, r: &DrainReport) {
    if out.json() {
        println!("{}", serde_json::to_string(r).expect("serialises"));
        return;
    }
    let error = r.error.as_deref().map(|e| format!("; error: {e}")).unwrap_or_default();
    println!(
        "drained {} entries ({} commits); {} pending; breaker {}{error}",
        r.entries, r.commits, r.pending, r.breaker
    );
}

fn print_check(out: &Output, r: &CheckReport) {
    if out.json() {
        println!("{}", serde_json::to_string_pretty(r).expect("serialises"));
        return;
    }
    if r.equal {
        println!("equal: the mirror holds what this store holds");
        return;
    }
    for d in &r.differences {
        let commits = if d.commits.is_empty() { String::new() } else { format!(" commits {}", d.commits.join(",")) };
        println!(
            "{} {}: {} rows here, {} on the mirror; buckets {}{commits}",
            d.repository.as_deref().unwrap_or("(store)"),
            d.table,
            d.primary_rows,
            d.mirror_rows,
            d.buckets.join(",")
        );
    }
}
