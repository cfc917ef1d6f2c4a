//! `repovault-cli backup …`: create, list, verify, restore, delete, prune and schedule backups.
//! These commands never hold a store open themselves: the backup crate opens its own connections,
//! and a restore needs the database closed.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use repovault_app::backups::{remove_partials, time_until_next_run};
use repovault_backup::{
    schedule, BackupError, BackupInfo, BackupKind, BackupPhase, BackupProgress, BackupRequest, CancelToken,
    Destination, Manifest, NewSchedule, ProgressFn, RestoreOptions, RetentionPolicy, ScheduleSpec, WorkspaceCount,
};
use repovault_storage::{Store, StoreConfig};

use crate::confirm;
use serde::Serialize;

#[derive(Subcommand)]
pub enum BackupCommand {
    /// Back up the store into each destination (default: <data dir>/backups).
    Create {
        #[command(flatten)]
        dest: DestArgs,
        /// Encrypt with the password in this environment variable (the archive becomes .zip.age).
        #[arg(long, value_name = "VAR")]
        password_env: Option<String>,
        /// manual, scheduled, automatic or emergency (emergency writes to every destination).
        #[arg(long, default_value = "manual")]
        kind: String,
        /// Why the backup is made (free text).
        #[arg(long, default_value = "manual")]
        trigger: String,
    },
    /// Backups in the destinations, newest first (an unreadable archive shows as damaged).
    List {
        #[command(flatten)]
        dest: DestArgs,
        #[command(flatten)]
        workspace: WorkspaceArg,
    },
    /// Re-hash every entry, integrity-check the snapshot, compare row counts (every backup without FILE).
    Verify {
        file: Option<PathBuf>,
        #[command(flatten)]
        dest: DestArgs,
        #[arg(long, value_name = "VAR")]
        password_env: Option<String>,
        #[command(flatten)]
        workspace: WorkspaceArg,
    },
    /// Replace the current data with a backup (a safety backup is taken first).
    Restore {
        file: PathBuf,
        /// Restore into this (new) data folder instead, leaving the current data alone.
        #[arg(long, value_name = "DIR")]
        into: Option<PathBuf>,
        /// Do not ask for confirmation (required when not on a terminal).
        #[arg(long)]
        yes: bool,
        #[arg(long, value_name = "VAR")]
        password_env: Option<String>,
        /// Where the safety backup goes (default: <data dir>/backups).
        #[command(flatten)]
        dest: DestArgs,
    },
    /// Delete one backup file.
    Delete {
        file: PathBuf,
        #[arg(long)]
        yes: bool,
    },
    /// Remove the backups a retention policy does not keep.
    Prune {
        #[command(flatten)]
        policy: PolicyArgs,
        /// Only show what would be removed and why.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        dest: DestArgs,
    },
    /// Scheduled backups (stored in the database).
    #[command(subcommand)]
    Schedule(ScheduleCommand),
}

#[derive(Subcommand)]
pub enum ScheduleCommand {
    /// Add a schedule: --cron EXPR [--timezone ZONE] or --every SECONDS.
    Add {
        name: String,
        #[arg(long, conflicts_with = "every", required_unless_present = "every")]
        cron: Option<String>,
        /// IANA time zone for --cron (default: this machine's).
        #[arg(long, requires = "cron")]
        timezone: Option<String>,
        #[arg(long, value_name = "SECONDS")]
        every: Option<u64>,
        #[command(flatten)]
        dest: DestArgs,
        #[command(flatten)]
        policy: PolicyArgs,
    },
    /// Schedules with their next run and last result.
    List,
    Remove {
        name: String,
    },
    /// Run due schedules (missed runs are caught up once), then keep running them until stopped.
    Run {
        /// Run what is due now and exit.
        #[arg(long)]
        once: bool,
    },
}

#[derive(Args, Clone)]
pub struct DestArgs {
    /// A destination folder (repeatable). Default: <data dir>/backups.
    #[arg(long = "dest", value_name = "DIR")]
    dest: Vec<PathBuf>,
}

/// `--workspace NAME` on `backup list` / `verify`: that workspace's rows in each backup's manifest.
/// It need not exist in the current store (a backup may hold a workspace deleted since).
#[derive(Args, Clone)]
pub struct WorkspaceArg {
    /// Show this workspace's row counts from each backup's manifest.
    #[arg(long, value_name = "NAME")]
    workspace: Option<String>,
}

/// What a manifest says of one workspace.
#[derive(Serialize)]
struct WorkspaceRows<'a> {
    name: &'a str,
    /// `counted`; `absent`: the backup had no such workspace; `unknown`: the manifest does not
    /// count per workspace (an older backup) or cannot be read (encrypted, damaged).
    state: &'static str,
    counts: Option<&'a WorkspaceCount>,
}

impl<'a> WorkspaceRows<'a> {
    fn of(name: &'a str, manifest: Option<&'a Manifest>) -> WorkspaceRows<'a> {
        let (state, counts) = match manifest.and_then(|m| m.workspace(name)) {
            None => ("unknown", None),
            Some(None) => ("absent", None),
            Some(Some(counts)) => ("counted", Some(counts)),
        };
        WorkspaceRows { name, state, counts }
    }

    fn human(&self) -> String {
        match self.counts {
            Some(c) => format!(
                "workspace {}: {} repositories, {} commits, {} file changes, {} saved queries",
                self.name, c.repositories, c.commits, c.file_changes, c.saved_queries
            ),
            None if self.state == "absent" => format!("workspace {}: not in this backup", self.name),
            None => format!("workspace {}: counts unknown (the manifest does not count per workspace)", self.name),
        }
    }
}

/// A listed or verified backup with the named workspace's rows beside it (`--json`).
#[derive(Serialize)]
struct Scoped<'a, T: Serialize> {
    #[serde(flatten)]
    item: &'a T,
    workspace: WorkspaceRows<'a>,
}

#[derive(Args, Clone)]
pub struct PolicyArgs {
    #[arg(long)]
    keep_last: Option<u32>,
    #[arg(long)]
    keep_daily: Option<u32>,
    #[arg(long)]
    keep_weekly: Option<u32>,
    #[arg(long)]
    keep_monthly: Option<u32>,
}

impl PolicyArgs {
    fn policy(&self) -> RetentionPolicy {
        RetentionPolicy {
            keep_last: self.keep_last,
            keep_daily: self.keep_daily,
            keep_weekly: self.keep_weekly,
            keep_monthly: self.keep_monthly,
        }
    }
}

/// What every backup command needs to know about the store.
pub struct Context {
    pub data_dir: PathBuf,
    pub config: StoreConfig,
    pub json: bool,
}

impl Context {
    pub fn new(data_dir: Option<PathBuf>, database_url: Option<&str>, json: bool) -> Result<Context, BackupError> {
        let data_dir = data_dir.unwrap_or_else(repovault_storage::default_data_dir);
        let config = StoreConfig::for_data_dir(&data_dir, database_url)?;
        Ok(Context { data_dir, config, json })
    }

    fn destinations(&self, args: &DestArgs) -> Vec<Destination> {
        self.destinations_or_default(&args.dest)
    }

    /// The given folders, or `<data dir>/backups` when none are given.
    pub fn destinations_or_default(&self, folders: &[PathBuf]) -> Vec<Destination> {
        if folders.is_empty() {
            vec![repovault_backup::default_destination(&self.data_dir)]
        } else {
            folders.iter().map(Destination::new).collect()
        }
    }

    /// Like `print`, with the `--workspace` workspace's rows from each item's manifest beside it in
    /// the JSON (the human text prints them itself).
    fn print_scoped<T: Serialize>(
        &self,
        items: &[T],
        workspace: &WorkspaceArg,
        manifest: impl Fn(&T) -> Option<&Manifest>,
        human: impl FnOnce(),
    ) {
        match &workspace.workspace {
            None => self.print(&items, human),
            Some(name) => {
                let scoped: Vec<_> = items
                    .iter()
                    .map(|item| Scoped { item, workspace: WorkspaceRows::of(name, manifest(item)) })
                    .collect();
                self.print(&scoped, human)
            }
        }
    }

    fn print<T: Serialize>(&self, value: &T, human: impl FnOnce()) {
        if self.json {
            println!("{}", serde_json::to_string_pretty(value).expect("values serialise"));
        } else {
            human();
        }
    }
}

fn password(var: &Option<String>) -> Result<Option<String>, BackupError> {
    match var {
        None => Ok(None),
        Some(name) => std::env::var(name).map(Some).map_err(|_| {
            BackupError::validation("password-env", format!("the environment variable {name} is not set"))
        }),
    }
}

/// A progress bar on stderr when it is a terminal and output is for humans.
fn progress(json: bool) -> (ProgressFn, ProgressBar) {
    let bar = if json || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{msg:>12} [{bar:40}] {bytes}/{total_bytes}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar
    };
    let shown = bar.clone();
    let callback: ProgressFn = Arc::new(move |p: BackupProgress| {
        shown.set_message(format!("{:?}", p.phase).to_lowercase());
        if p.phase != BackupPhase::Done {
            shown.set_length(p.total);
            shown.set_position(p.done);
        }
    });
    (callback, bar)
}

/// Ctrl-C cancels a running backup or restore; what it wrote is removed.
fn cancel_on_ctrl_c() -> CancelToken {
    let cancel = CancelToken::new();
    let token = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            token.cancel();
        }
    });
    cancel
}

fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 => format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

fn describe_line(info: &BackupInfo) -> String {
    let kind = info.kind.map(|k| k.as_str()).unwrap_or("?");
    let status = match (&info.damaged, info.encrypted) {
        (Some(reason), _) => format!("DAMAGED: {reason}"),
        (None, true) => "encrypted".to_string(),
        (None, false) => {
            let m = info.manifest.as_ref();
            format!(
                "{} commits, schema {}, from {}",
                m.and_then(|m| m.rows("commits")).unwrap_or(0),
                m.map(|m| m.schema_version).unwrap_or(0),
                m.map(|m| format!("{:?}", m.source_backend).to_lowercase()).unwrap_or_default()
            )
        }
    };
    format!("{}  {:<24}  {:<9}  {:>9}  {}", info.path, info.created_at, kind, human_size(info.size), status)
}

/// Runs a `backup` subcommand.
pub async fn run(command: &BackupCommand, ctx: Context) -> Result<(), BackupError> {
    match command {
        BackupCommand::Create { dest, password_env, kind, trigger } => {
            let kind = BackupKind::parse(kind).ok_or_else(|| {
                BackupError::validation("kind", format!("{kind:?}: use manual, scheduled, automatic or emergency"))
            })?;
            let destinations = ctx.destinations(dest);
            remove_partials(&destinations);
            let mut request = BackupRequest::new(kind, trigger.clone(), destinations);
            request.password = password(password_env)?;
            let (callback, bar) = progress(ctx.json);
            let report = repovault_backup::create(&ctx.config, &request, callback, cancel_on_ctrl_c()).await;
            bar.finish_and_clear();
            let report = report?;
            ctx.print(&report, || {
                for result in &report.results {
                    match (&result.backup, &result.error) {
                        (Some(info), _) => println!("backed up to {} ({})", info.path, human_size(info.size)),
                        (None, Some(err)) => println!("FAILED in {}: {}", result.destination, err.message),
                        (None, None) => {}
                    }
                }
            });
        }
        BackupCommand::List { dest, workspace } => {
            let destinations = ctx.destinations(dest);
            remove_partials(&destinations);
            let backups = repovault_backup::list(&repovault_backup::destinations::folders(&destinations))?;
            let human = || {
                for info in &backups {
                    println!("{}", describe_line(info));
                    if let Some(name) = &workspace.workspace {
                        println!("    {}", WorkspaceRows::of(name, info.manifest.as_ref()).human());
                    }
                }
                println!("{} backups", backups.len());
            };
            ctx.print_scoped(&backups, workspace, |b| b.manifest.as_ref(), human);
        }
        BackupCommand::Verify { file, dest, password_env, workspace } => {
            let password = password(password_env)?;
            let files: Vec<PathBuf> = match file {
                Some(file) => vec![file.clone()],
                None => {
                    let destinations = ctx.destinations(dest);
                    remove_partials(&destinations);
                    repovault_backup::list(&repovault_backup::destinations::folders(&destinations))?
                        .into_iter()
                        .map(|b| PathBuf::from(b.path))
                        .collect()
                }
            };
            let mut reports = Vec::new();
            for file in files {
                let (callback, bar) = progress(ctx.json);
                let report = repovault_backup::verify(&file, password.as_deref(), callback, cancel_on_ctrl_c()).await;
                bar.finish_and_clear();
                reports.push(report?);
            }
            let bad = reports.iter().filter(|r| !r.ok).count();
            let human = || {
                for report in &reports {
                    if report.ok {
                        println!("ok       {}", report.path);
                    } else {
                        println!("DAMAGED  {}", report.path);
                        for problem in &report.problems {
                            println!("         {problem}");
                        }
                    }
                    if let Some(name) = &workspace.workspace {
                        println!("         {}", WorkspaceRows::of(name, report.manifest.as_ref()).human());
                    }
                }
            };
            ctx.print_scoped(&reports, workspace, |r| r.manifest.as_ref(), human);
            if bad > 0 {
                return Err(BackupError::damaged(
                    format!("check: {bad} of {}", reports.len()),
                    "verification found problems (listed above)",
                ));
            }
        }
        BackupCommand::Restore { file, into, yes, password_env, dest } => {
            let options =
                RestoreOptions { password: password(password_env)?, safety_destinations: ctx.destinations(dest) };
            let (callback, bar) = progress(ctx.json);
            let report = match into {
                Some(dir) => repovault_backup::restore_into(file, dir, &options, callback, cancel_on_ctrl_c()).await,
                None => {
                    let question = format!(
                        "Replace the current data ({}) with the backup {}? A safety backup is taken first.",
                        ctx.config.database_description(),
                        file.display()
                    );
                    confirm(&question, *yes)?;
                    repovault_backup::restore(file, &ctx.config, &options, callback, cancel_on_ctrl_c()).await
                }
            };
            bar.finish_and_clear();
            let report = report?;
            ctx.print(&report, || {
                let commits = report.manifest.rows("commits").unwrap_or(0);
                println!("restored {} ({commits} commits) in {} ms", report.restored_from, report.duration_ms);
                if let Some(safety) = &report.safety_backup {
                    println!("the replaced data is kept in {safety}");
                }
                if !report.migrated.is_empty() {
                    println!("migrated forward through {:?}", report.migrated);
                }
            });
        }
        BackupCommand::Delete { file, yes } => {
            confirm(&format!("Delete the backup {}?", file.display()), *yes)?;
            repovault_backup::delete(file)?;
            ctx.print(&serde_json::json!({ "deleted": file }), || println!("deleted {}", file.display()));
        }
        BackupCommand::Prune { policy, dry_run, yes, dest } => {
            let policy = policy.policy();
            let folders = repovault_backup::destinations::folders(&ctx.destinations(dest));
            let plan = repovault_backup::retention::prune(&folders, &policy, true)?;
            let removing = plan.iter().filter(|d| !d.keep).count();
            let decisions = if *dry_run || removing == 0 {
                plan
            } else {
                confirm(&format!("Delete {removing} backups the policy does not keep?"), *yes)?;
                repovault_backup::retention::prune(&folders, &policy, false)?
            };
            ctx.print(&decisions, || {
                for d in &decisions {
                    let verb = match (d.keep, *dry_run) {
                        (true, _) => "keep",
                        (false, true) => "would remove",
                        (false, false) => "removed",
                    };
                    println!("{verb:<12}  {}  ({})", d.backup.path, d.reasons.join(", "));
                }
            });
        }
        BackupCommand::Schedule(command) => run_schedule(command, &ctx).await?,
    }
    Ok(())
}

async fn run_schedule(command: &ScheduleCommand, ctx: &Context) -> Result<(), BackupError> {
    // The schedules live in the database (opening the store creates and migrates it).
    let store = repovault_storage::open_store(&ctx.config).await?;
    let result = run_schedule_on(command, ctx, store.as_ref()).await;
    store.close().await;
    result
}

async fn run_schedule_on(command: &ScheduleCommand, ctx: &Context, store: &dyn Store) -> Result<(), BackupError> {
    match command {
        ScheduleCommand::Add { name, cron, timezone, every, dest, policy } => {
            let spec = match (cron, every) {
                (Some(expression), _) => {
                    ScheduleSpec::Cron { expression: expression.clone(), timezone: timezone.clone() }
                }
                (None, Some(seconds)) => ScheduleSpec::Interval { seconds: *seconds },
                (None, None) => return Err(BackupError::validation("schedule", "give --cron EXPR or --every SECONDS")),
            };
            let policy = policy.policy();
            let new = NewSchedule {
                name: name.clone(),
                spec: spec.clone(),
                destinations: ctx.destinations(dest),
                retention: (!policy.is_empty()).then_some(policy),
                enabled: true,
            };
            let added = schedule::add(store, &new).await?;
            let upcoming = schedule::preview(&spec, chrono::Utc::now(), 5)?;
            ctx.print(&serde_json::json!({ "schedule": added, "next_runs": upcoming }), || {
                println!("added schedule {}; next runs:", added.name);
                for at in &upcoming {
                    println!("  {at}");
                }
            });
        }
        ScheduleCommand::List => {
            let schedules = schedule::list(store).await?;
            ctx.print(&schedules, || {
                for s in &schedules {
                    let spec = match &s.spec {
                        ScheduleSpec::Cron { expression, timezone } => {
                            format!(
                                "cron {expression:?}{}",
                                timezone.as_deref().map(|z| format!(" ({z})")).unwrap_or_default()
                            )
                        }
                        ScheduleSpec::Interval { seconds } => format!("every {seconds} s"),
                    };
                    println!(
                        "{}  {spec}  next {}  last {} {}{}",
                        s.name,
                        s.next_run_at.as_deref().unwrap_or("-"),
                        s.last_run_at.as_deref().unwrap_or("-"),
                        s.last_result.as_deref().unwrap_or(""),
                        s.last_error.as_deref().map(|e| format!(": {e}")).unwrap_or_default()
                    );
                }
                println!("{} schedules", schedules.len());
            });
        }
        ScheduleCommand::Remove { name } => {
            schedule::remove(store, name).await?;
            ctx.print(&serde_json::json!({ "removed": name }), || println!("removed schedule {name}"));
        }
        ScheduleCommand::Run { once } => {
            let cancel = cancel_on_ctrl_c();
            for s in schedule::list(store).await? {
                remove_partials(&s.destinations);
            }
            loop {
                let runs = schedule::run_due(store, &ctx.config, chrono::Utc::now(), cancel.clone()).await?;
                for run in &runs {
                    ctx.print(run, || {
                        println!(
                            "{} {}: {} {}",
                            run.schedule,
                            run.result,
                            run.backup.as_deref().unwrap_or("-"),
                            run.error.as_deref().unwrap_or("")
                        )
                    });
                }
                if *once || cancel.is_cancelled() {
                    break;
                }
                let wait = time_until_next_run(store, chrono::Utc::now(), Duration::from_secs(60)).await?;
                let mut slept = Duration::ZERO;
                while slept < wait && !cancel.is_cancelled() {
                    let step = Duration::from_millis(250).min(wait - slept);
                    tokio::time::sleep(step).await;
                    slept += step;
                }
                if cancel.is_cancelled() {
                    break;
                }
            }
        }
    }
    Ok(())
}

/// Before `migrate` applies pending migrations to a store with data, an automatic backup into
/// `<data dir>/backups`.
pub async fn before_migrate(ctx: Context) -> Result<(), BackupError> {
    let destinations = vec![repovault_backup::default_destination(&ctx.data_dir)];
    let report = repovault_app::backups::backup_before_migration(&ctx.config, destinations).await?;
    if let Some(info) = report.as_ref().and_then(|r| r.written().first().cloned()) {
        eprintln!("backed up to {} before migrating", info.path);
    }
    Ok(())
}

trait Describe {
    fn database_description(&self) -> String;
}

impl Describe for StoreConfig {
    fn database_description(&self) -> String {
        match &self.database {
            repovault_storage::DatabaseLocation::Sqlite(path) => path.display().to_string(),
            repovault_storage::DatabaseLocation::Postgres(url) => repovault_storage::postgres::redact_password(url),
        }
    }
}
