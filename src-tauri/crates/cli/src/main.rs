//! `repovault-cli`: RepoVault's core without a window. Human output by default, `--json` for
//! programs; exit code 0 on success, otherwise 1 with a one-line error on stderr.

mod analyze;
mod backup;
mod history;
mod mirror;
mod output;
mod saved;
mod store_copy;
mod team;
mod watch;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use repovault_app::import::{BackupFirst, LargeImportBackup, NoSlot};
use repovault_export::ExportFormat;
use repovault_ingest::{import_repository_with_hook, CancelToken, ImportDetail, ImportOptions, IngestError};
use repovault_storage::query::{parse_search, CommitQuery, Filter, QueryOptions};
use repovault_storage::{open_store, push_event, validate, ErrorPayload, Store, StoreConfig, StoreError};

use crate::output::Output;

#[derive(Parser)]
#[command(name = "repovault-cli", version, about = "RepoVault: git history in a real database")]
struct Cli {
    /// Data folder (database, blobs). Default: the user's data folder.
    #[arg(long, global = true, env = "REPOVAULT_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// sqlite://PATH or postgres://USER@HOST/DB. Default: repovault.db in the data folder.
    #[arg(long, global = true, env = "DATABASE_URL", value_name = "URL")]
    database_url: Option<String>,
    /// Print machine-readable JSON.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Backups: create, list, verify, restore, delete, prune, schedule.
    #[command(subcommand)]
    Backup(backup::BackupCommand),
    /// Run an analysis of a stored repository; the result is stored and reused while neither
    /// the history nor the parameters changed.
    Analyze(analyze::AnalyzeArgs),
    /// List stored repositories with their commit counts.
    Repos {
        #[command(flatten)]
        scope: WorkspaceScope,
    },
    /// Workspaces: list, create, rename, delete, move a repository between them.
    Workspace {
        #[command(subcommand)]
        action: team::WorkspaceAction,
    },
    /// Move a whole store between SQLite and PostgreSQL: `store copy --to URL`.
    Store {
        #[command(subcommand)]
        action: store_copy::StoreAction,
    },
    /// Team mode on PostgreSQL: members and the workspaces they may see (row-level security).
    Team {
        #[command(subcommand)]
        action: team::TeamAction,
    },
    /// Show the newest commits of a repository.
    Log {
        /// Repository name (may be left out when there is only one).
        #[arg(long)]
        repo: Option<String>,
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// Show one commit, by full hash or unique prefix, with its file changes and diffs.
    Show {
        hash: String,
        #[arg(long)]
        repo: Option<String>,
        /// Leave the diff texts out.
        #[arg(long)]
        stat: bool,
    },
    /// Commits matching a filter given as JSON, e.g. '{"field":"author","op":"like","value":"%alice%"}'.
    Query {
        filter: String,
        #[command(flatten)]
        page: PageArgs,
        #[command(flatten)]
        scope: WorkspaceScope,
    },
    /// Commits matching the search-box syntax, e.g. 'author:alice path:src/*.rs after:2024-01-01 "fix crash"'.
    Search {
        #[arg(required = true, num_args = 1..)]
        text: Vec<String>,
        #[command(flatten)]
        page: PageArgs,
        #[command(flatten)]
        scope: WorkspaceScope,
    },
    /// Write the commits matching a filter or search (default: all) to a file.
    Export {
        /// csv, json or ndjson.
        #[arg(long, value_parser = str::parse::<ExportFormat>, value_name = "csv|json|ndjson")]
        format: ExportFormat,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// A filter as JSON (see `query`).
        #[arg(long, conflicts_with = "search")]
        filter: Option<String>,
        /// The search-box syntax (see `search`).
        #[arg(long)]
        search: Option<String>,
        #[command(flatten)]
        scope: WorkspaceScope,
    },
    /// Show applied and pending schema migrations, then apply the pending ones.
    Migrate {
        /// Only show; apply nothing.
        #[arg(long)]
        status: bool,
    },
    /// Import a local git repository (with a work tree or bare): refs, commits, per-file diffs.
    /// A URL (https://, git://, ssh://, file://) is cloned as a bare mirror into the data folder
    /// first (credentials: git's credential helpers, or a token saved with `token set`).
    /// A .json or .ndjson file made by `export` is read back instead.
    Import {
        path: PathBuf,
        /// Repository name (default: the folder's or the URL's last name, without .git).
        #[arg(long)]
        name: Option<String>,
        /// The workspace a new repository goes to.
        #[arg(long, default_value = repovault_storage::DEFAULT_WORKSPACE)]
        workspace: String,
        #[command(flatten)]
        import: ImportArgs,
    },
    /// Bring stored repositories up to date with their folders (repositories added by URL fetch
    /// first): only new commits are read.
    Sync {
        /// The repository to sync (may be left out when there is only one).
        name: Option<String>,
        /// Sync every stored repository.
        #[arg(long, conflicts_with = "name")]
        all: bool,
        /// Keep running: sync the repositories with keep-in-sync on (or those named / --all) at
        /// their interval, and local ones shortly after their refs change. Ctrl-C ends it.
        #[arg(long)]
        watch: bool,
        /// With --watch: the interval for repositories without one of their own, in seconds.
        #[arg(long, value_name = "SECS", default_value_t = 900, requires = "watch")]
        every: u64,
        #[command(flatten)]
        import: ImportArgs,
    },
    /// The team mirror in PostgreSQL: enable, disable, status, sync, run, check, repair.
    Mirror {
        #[command(subcommand)]
        action: mirror::MirrorAction,
    },
    /// Keep a repository in sync in the background (the app and `sync --watch`), or stop.
    KeepInSync {
        name: String,
        /// Interval in seconds (at least 60).
        #[arg(long, value_name = "SECS", required_unless_present = "off")]
        every: Option<i64>,
        #[arg(long, conflicts_with = "every")]
        off: bool,
    },
    /// Tokens for servers of repositories added by URL, kept in the OS keyring.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Saved queries: list, save, rename, delete, run.
    Saved {
        #[command(subcommand)]
        action: saved::SavedAction,
    },
    /// Remove a repository and everything stored for it (the folder on disk is not touched).
    Remove {
        name: String,
        /// Do not ask for confirmation (required when not on a terminal).
        #[arg(long)]
        yes: bool,
    },
    /// The commit graph beside the history: a lane per line of development, merges joining them.
    Graph(history::GraphArgs),
    /// Every commit that changed a file, following renames (as `git log --follow`).
    FileLog(history::FileLogArgs),
    /// Each line of a file with the commit that last changed it, from the stored diffs.
    Blame(history::BlameArgs),
    /// The commits that changed some lines of a file (as `git log -L START,END:PATH`).
    LineLog(history::LineLogArgs),
    /// Two revisions compared: commits only on each side, merge bases, changed files.
    Compare(history::CompareArgs),
    /// Store the commits of a push-event JSON payload.
    IngestEvent {
        file: PathBuf,
        /// Repository to store into (default: the payload's repository name).
        #[arg(long)]
        repo: Option<String>,
        /// Workspace for a new repository.
        #[arg(long, default_value = "default")]
        workspace: String,
    },
}

/// `--workspace NAME` on the commands that list or query: only that workspace's repositories and
/// commits. Left out: every workspace the connection sees (a team member's, or all for the owner).
#[derive(clap::Args)]
pub(crate) struct WorkspaceScope {
    #[arg(long, value_name = "NAME")]
    workspace: Option<String>,
}

impl WorkspaceScope {
    /// `filter` narrowed to the workspace, if one was named (which must exist).
    async fn narrow(&self, store: &dyn Store, filter: Option<Filter>) -> Result<Option<Filter>, StoreError> {
        let Some(name) = &self.workspace else { return Ok(filter) };
        store.workspace(name).await?;
        let only = Filter::condition("workspace", "eq", name.as_str());
        Ok(Some(match filter {
            Some(filter) => Filter::And(vec![only, filter]),
            None => only,
        }))
    }
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Keep a token for URL's server; the token is read from standard input (never an argument,
    /// which other users could see in the process list).
    Set { url: String },
    /// Forget the token of URL's server.
    Delete { url: String },
}

#[derive(clap::Args)]
pub(crate) struct PageArgs {
    #[arg(long, default_value_t = 50)]
    limit: u32,
    #[arg(long)]
    offset: Option<u32>,
    /// The cursor printed with the previous page.
    #[arg(long)]
    cursor: Option<String>,
    /// date, author_date, additions, deletions, files_changed, author, hash or relevance (full-text searches).
    #[arg(long)]
    sort_by: Option<String>,
    /// desc or asc.
    #[arg(long)]
    order: Option<String>,
}

impl PageArgs {
    pub(crate) fn query(&self, filter: Filter) -> CommitQuery {
        CommitQuery {
            filter: Some(filter),
            options: QueryOptions {
                limit: Some(self.limit),
                offset: self.offset,
                cursor: self.cursor.clone(),
                sort_by: self.sort_by.clone(),
                sort_order: self.order.clone(),
            },
        }
    }
}

#[derive(clap::Args)]
struct ImportArgs {
    /// Refs to import, as `*` patterns (repeatable). Default: refs/heads/* and refs/tags/*.
    #[arg(long = "include", value_name = "PATTERN")]
    include: Vec<String>,
    /// Refs to leave out, as `*` patterns (repeatable).
    #[arg(long = "exclude", value_name = "PATTERN")]
    exclude: Vec<String>,
    /// Only commits made on or after this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    since: Option<chrono::NaiveDate>,
    /// Commits per transaction (the checkpoint an interrupted import resumes from), give or take
    /// a batch; a transaction also ends after 4 s, so other writers do not wait longer. Commits
    /// are written in batches of at most 16 MiB of diffs, the first ones smaller (32 commits,
    /// doubling), so that writing starts early.
    #[arg(long, default_value_t = repovault_ingest::DEFAULT_BATCH_SIZE)]
    batch_size: usize,
    /// Diff workers (default: one per core).
    #[arg(long)]
    workers: Option<usize>,
    /// What to import of each commit; `numstat` and `metadata` are for benchmarks (a commit stored
    /// without its changes is not revisited).
    #[arg(long, value_enum, default_value_t = Detail::Full)]
    detail: Detail,
    /// Take an automatic backup first when more than this many commits are to be imported into a
    /// store that already has commits.
    #[arg(long, value_name = "N", default_value_t = repovault_backup::triggers::DEFAULT_LARGE_IMPORT_THRESHOLD)]
    backup_threshold: u64,
    /// Never take the automatic backup before a large import.
    #[arg(long, conflicts_with = "backup_threshold")]
    no_backup: bool,
    /// Where that backup goes (repeatable). Default: <data dir>/backups.
    #[arg(long = "backup-dest", value_name = "DIR", conflicts_with = "no_backup")]
    backup_dest: Vec<PathBuf>,
    /// Do not index the lines commits add and remove (`change:` searches find nothing in this
    /// repository; saves import time and space on huge repositories). Kept for later syncs.
    #[arg(long)]
    no_change_index: bool,
    /// Index the changed lines again (after `--no-change-index`), the stored commits included.
    #[arg(long, conflicts_with = "no_change_index")]
    change_index: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Detail {
    Full,
    Numstat,
    Metadata,
}

impl ImportArgs {
    fn options(&self) -> ImportOptions {
        let mut options = ImportOptions::default();
        if !self.include.is_empty() {
            options.refs.include = self.include.clone();
        }
        options.refs.exclude = self.exclude.clone();
        options.since = self.since.map(|d| d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc().timestamp());
        options.batch_size = self.batch_size;
        options.detail = match self.detail {
            Detail::Full => ImportDetail::Full,
            Detail::Numstat => ImportDetail::LineCounts,
            Detail::Metadata => ImportDetail::Metadata,
        };
        if let Some(workers) = self.workers {
            options.workers = workers;
        }
        if self.no_change_index {
            options.index_changes = Some(false);
        } else if self.change_index {
            options.index_changes = Some(true);
        }
        options
    }
}

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("REPOVAULT_LOG").unwrap_or_else(|_| "warn,sqlx=error".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = tokio::runtime::Runtime::new().expect("cannot start the async runtime");
    let out = Output::new(cli.json);
    match runtime.block_on(run(cli, &out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            out.error(&err.payload());
            ExitCode::FAILURE
        }
    }
}

/// `repovault-cli log | head -1`: once the reader has gone, printing fails with a broken pipe (Rust
/// ignores SIGPIPE, so `println!` panics instead of the process ending). Like other Unix tools the
/// command then ends quietly with status 0: what the reader wanted was printed. Every subcommand
/// prints through `print!`/`eprint!`, so one hook covers them all.
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.starts_with("failed printing to std") && message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}

/// Any error a command can end with.
#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error(transparent)]
    Analysis(#[from] repovault_analysis::AnalysisError),
    #[error(transparent)]
    Backup(#[from] repovault_backup::BackupError),
    #[error("{}", .0.message)]
    Payload(ErrorPayload),
}

impl CliError {
    fn payload(&self) -> ErrorPayload {
        match self {
            CliError::Store(err) => err.payload(),
            CliError::Ingest(err) => err.payload(),
            CliError::Analysis(err) => err.payload(),
            CliError::Backup(err) => err.payload(),
            CliError::Payload(payload) => payload.clone(),
        }
    }
}

async fn open(cli: &Cli, apply_migrations: bool) -> Result<Arc<dyn Store>, StoreError> {
    let data_dir = cli.data_dir.clone().unwrap_or_else(repovault_storage::default_data_dir);
    let mut config = StoreConfig::for_data_dir(&data_dir, cli.database_url.as_deref())?;
    config.apply_migrations = apply_migrations;
    open_store(&config).await
}

async fn run(cli: Cli, out: &Output) -> Result<(), CliError> {
    if let Command::Backup(command) = &cli.command {
        let context = backup::Context::new(cli.data_dir.clone(), cli.database_url.as_deref(), cli.json)?;
        return Ok(backup::run(command, context).await?);
    }
    if let Command::Store { action } = &cli.command {
        // Opens both stores itself (each migrated or refused), so no store is opened here.
        let data_dir = cli.data_dir.clone().unwrap_or_else(repovault_storage::default_data_dir);
        return Ok(store_copy::run(action, &data_dir, cli.database_url.as_deref(), out).await?);
    }
    if let Command::Migrate { status: false } = &cli.command {
        backup::before_migrate(backup::Context::new(cli.data_dir.clone(), cli.database_url.as_deref(), cli.json)?)
            .await?;
    }
    let opening = std::time::Instant::now();
    let store = open(&cli, !matches!(cli.command, Command::Migrate { .. })).await?;
    tracing::debug!(took = ?opening.elapsed(), "store opened");
    if let Command::Analyze(args) = &cli.command {
        let result = analyze::run(store.clone(), args, cli.json);
        let result = result.await;
        store.close().await;
        return Ok(result?);
    }
    let ctx = backup::Context::new(cli.data_dir.clone(), cli.database_url.as_deref(), cli.json)?;
    if let Command::Mirror { action } = &cli.command {
        let result = mirror::run(action, store.clone(), &ctx.config, out).await;
        store.close().await;
        return Ok(result?);
    }
    if let Command::Sync { name, all, watch: true, every, import } = &cli.command {
        let result = watch::run(store.clone(), &ctx, out, name.as_deref(), *all, *every, import).await;
        store.close().await;
        return result;
    }
    let result = execute(&cli.command, store.as_ref(), &ctx, out).await;
    let closing = std::time::Instant::now();
    store.close().await;
    tracing::debug!(took = ?closing.elapsed(), "store closed");
    result
}

async fn execute(command: &Command, store: &dyn Store, ctx: &backup::Context, out: &Output) -> Result<(), CliError> {
    match command {
        Command::Analyze(_) => unreachable!("analyze is dispatched in run()"),
        Command::Backup(_) => unreachable!("backup is dispatched in run()"),
        Command::Mirror { .. } => unreachable!("mirror is dispatched in run()"),
        Command::Store { .. } => unreachable!("store is dispatched in run()"),
        Command::Repos { scope } => {
            let mut all = store.repositories().await?;
            if let Some(name) = &scope.workspace {
                store.workspace(name).await?;
                all.retain(|r| &r.workspace == name);
            }
            out.repositories(&all)
        }
        Command::Workspace { action } => team::workspace(action, store, out).await?,
        Command::Team { action } => team::team(action, store, out).await?,
        Command::Log { repo, limit } => {
            let repository = pick_repository(store, repo.as_deref()).await?;
            out.commits(&store.recent_commits(repository.id, *limit).await?);
        }
        Command::Show { hash, repo, stat } => {
            let repository_id = match repo {
                Some(name) => Some(store.repository_by_name(name).await?.id),
                None => None,
            };
            out.commit(&store.get_commit_by_hash(repository_id, hash).await?, !stat);
        }
        Command::Saved { action } => saved::run(action, store, out).await?,
        Command::Graph(args) => history::graph(store, args, out.json()).await?,
        Command::FileLog(args) => history::file_log(store, args, out.json()).await?,
        Command::Compare(args) => history::compare(store, args, out.json()).await?,
        Command::Blame(args) => history::blame(store, args, out.json()).await?,
        Command::LineLog(args) => history::line_log(store, args, out.json()).await?,
        Command::Remove { name, yes } => {
            let repository = store.repository_by_name(name).await?;
            let question = format!("Remove {name} and its {} commits from RepoVault?", repository.commit_count);
            confirm(&question, *yes)?;
            let removed = store.delete_repository(name).await?;
            repovault_app::remote::remove_mirror(&ctx.data_dir, &repository);
            out.removed(name, removed);
        }
        Command::Query { filter, page, scope } => {
            let filter: Filter = serde_json::from_str(filter)
                .map_err(|e| StoreError::Query(format!("the filter is not valid JSON for the filter model: {e}")))?;
            let filter = scope.narrow(store, Some(filter)).await?.expect("a filter stays a filter");
            out.page(&store.query_commits(&page.query(filter)).await?);
        }
        Command::Search { text, page, scope } => {
            let filter = scope.narrow(store, Some(parse_search(&text.join(" "))?)).await?.expect("a filter stays");
            out.page(&store.query_commits(&page.query(filter)).await?);
        }
        Command::Migrate { status } => {
            let applied = if *status { Vec::new() } else { store.migrate().await? };
            out.migrations(&store.migrations().await?, &applied);
        }
        Command::IngestEvent { file, repo, workspace } => {
            let bytes = std::fs::read(file)
                .map_err(|e| StoreError::validation("file", format!("cannot read {}: {e}", file.display())))?;
            let event = push_event::parse_push_event(&bytes)?;
            // Check every commit before creating anything, so a bad payload leaves no trace.
            validate::batch(&event.commits)?;
            let name = repo
                .clone()
                .or(event.repository.clone())
                .ok_or_else(|| StoreError::validation("repo", "the payload names no repository; pass --repo NAME"))?;
            let repository = store.ensure_repository(workspace, &name, None).await?;
            let results = store.store_commits(repository.id, &event.commits).await?;
            out.storage_results(&name, &results);
        }
        Command::Import { path, .. } if is_export_file(path) => {
            let file = std::fs::File::open(path)
                .map_err(|e| StoreError::validation("file", format!("cannot read {}: {e}", path.display())))?;
            let counts = repovault_export::import_export(store, &mut std::io::BufReader::new(file)).await?;
            out.imported_export(counts.stored, counts.duplicates);
        }
        Command::Export { format, out: file, filter, search, scope } => {
            let filter = match (filter, search) {
                (Some(json), _) => Some(serde_json::from_str::<Filter>(json).map_err(|e| {
                    StoreError::Query(format!("the filter is not valid JSON for the filter model: {e}"))
                })?),
                (None, Some(text)) => Some(parse_search(text)?),
                (None, None) => None,
            };
            let filter = scope.narrow(store, filter).await?;
            let format = *format;
            // Written beside the target and renamed into place, so a failed export leaves no half file.
            let mut partial = repovault_export::PartialFile::create(file)
                .map_err(|e| StoreError::validation("out", e.to_string()))?;
            let query = CommitQuery { filter, ..CommitQuery::default() };
            let bar = out.progress_bar();
            let count = repovault_export::export_commits(store, &query, format, partial.writer(), &|done, total| {
                bar.set_length(total.max(0) as u64);
                bar.set_position(done);
            })
            .await;
            bar.finish_and_clear();
            let count = count?;
            partial.finish().map_err(StoreError::from)?;
            out.exported(count, file);
        }
        Command::Import { path, name, workspace, import } if is_remote_url(path) => {
            let url = path.to_string_lossy();
            let name = match name {
                Some(name) => name.clone(),
                None => repovault_ingest::remote::name_from_url(&url)
                    .ok_or_else(|| StoreError::validation("name", "cannot derive a name from the URL; pass --name"))?,
            };
            let options = ImportOptions { workspace: workspace.clone(), ..import.options() };
            let report = with_progress(store, import, options, ctx, out, Work::Add { url: &url, name: &name }).await?;
            out.import_report(&report);
        }
        Command::Import { path, name, workspace, import } => {
            let name = match name {
                Some(name) => name.clone(),
                None => default_name(path)?,
            };
            let _lock = repovault_app::sync_lock::SyncLock::acquire(&ctx.data_dir, &name).map_err(CliError::Payload)?;
            let options = ImportOptions { workspace: workspace.clone(), ..import.options() };
            let report = with_progress(store, import, options, ctx, out, Work::Import { path, name: &name }).await?;
            out.import_report(&report);
        }
        Command::Sync { watch: true, .. } => unreachable!("sync --watch is dispatched in run()"),
        Command::Sync { name, all, import, .. } => {
            let targets =
                if *all { store.repositories().await? } else { vec![pick_repository(store, name.as_deref()).await?] };
            for repository in targets {
                let options = ImportOptions { workspace: repository.workspace.clone(), ..import.options() };
                let report = with_progress(store, import, options, ctx, out, Work::Sync(&repository)).await?;
                out.import_report(&report);
            }
        }
        Command::KeepInSync { name, every, off } => {
            let seconds = if *off { None } else { *every };
            let repository = store.set_sync_interval(name, seconds).await?;
            out.keep_in_sync(&repository);
        }
        Command::Token(TokenCommand::Set { url }) => {
            let mut token = String::new();
            std::io::stdin().read_line(&mut token).map_err(StoreError::from)?;
            let keeper = repovault_app::tokens::save(url, token.trim()).map_err(CliError::Payload)?;
            out.token_saved(&repovault_app::tokens::server_of(url).map_err(CliError::Payload)?, keeper);
        }
        Command::Token(TokenCommand::Delete { url }) => {
            let deleted = repovault_app::tokens::delete(url).map_err(CliError::Payload)?;
            out.token_deleted(&repovault_app::tokens::server_of(url).map_err(CliError::Payload)?, deleted);
        }
    }
    Ok(())
}

/// Destructive commands ask on a terminal and need `--yes` otherwise.
pub(crate) fn confirm(question: &str, yes: bool) -> Result<(), StoreError> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(StoreError::validation("yes", format!("{question} Pass --yes to confirm when not on a terminal")));
    }
    eprint!("{question} [y/N] ");
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    match answer.trim() {
        "y" | "Y" | "yes" => Ok(()),
        _ => Err(StoreError::validation("yes", "not confirmed; nothing was changed")),
    }
}

/// A URL to clone rather than a folder.
fn is_remote_url(path: &Path) -> bool {
    path.to_str().is_some_and(repovault_ingest::remote::is_remote_url)
}

/// A file written by `export` (JSON or NDJSON), rather than a repository folder.
fn is_export_file(path: &Path) -> bool {
    path.is_file() && matches!(path.extension().and_then(|e| e.to_str()), Some("json" | "ndjson"))
}

/// The folder's name, for `import PATH` without `--name`.
fn default_name(path: &Path) -> Result<String, StoreError> {
    repovault_ingest::default_repository_name(path)
        .ok_or_else(|| StoreError::validation("name", "cannot derive a name from the path; pass --name"))
}

/// An import or sync run by `with_progress`.
pub(crate) enum Work<'a> {
    /// Import (or sync) the repository in a local folder.
    Import { path: &'a Path, name: &'a str },
    /// Clone a URL and import it as a new repository.
    Add { url: &'a str, name: &'a str },
    /// Sync a stored repository (fetching first when it was added by URL).
    Sync(&'a repovault_storage::Repository),
}

/// Runs `work` with a progress bar on a terminal; Ctrl-C cancels it cleanly. Unless
/// `--no-backup`, a large import into a store with commits takes an automatic backup first.
pub(crate) async fn with_progress(
    store: &dyn Store,
    import: &ImportArgs,
    options: ImportOptions,
    ctx: &backup::Context,
    out: &Output,
    work: Work<'_>,
) -> Result<repovault_ingest::ImportReport, CliError> {
    let cancel = CancelToken::default();
    let on_signal = cancel.clone();
    let signal = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_signal.cancel();
        }
    });
    let bar = out.progress_bar();
    let progress = |p: &repovault_ingest::ImportProgress| output::show_progress(&bar, p);
    let hook = backup_first(store, import, ctx, &progress, &cancel);
    let data_dir = &ctx.data_dir;
    let report = match work {
        Work::Import { path, name } => {
            import_repository_with_hook(store, path, name, &options, &progress, &cancel, &hook)
                .await
                .map_err(Into::into)
        }
        Work::Add { url, name } => {
            repovault_app::remote::add_by_url(store, data_dir, url, name, &options, &progress, &cancel, &hook).await
        }
        Work::Sync(repository) => {
            repovault_app::remote::sync_repository(store, data_dir, repository, &options, &progress, &cancel, &hook)
                .await
        }
    };
    bar.finish_and_clear();
    signal.abort();
    report.map_err(CliError::Payload)
}

fn backup_first<'a>(
    store: &'a dyn Store,
    import: &ImportArgs,
    ctx: &backup::Context,
    progress: &'a (dyn Fn(&repovault_ingest::ImportProgress) + Send + Sync),
    cancel: &CancelToken,
) -> BackupFirst<'a> {
    BackupFirst {
        store,
        backup: (!import.no_backup).then(|| LargeImportBackup {
            config: ctx.config.clone(),
            threshold: import.backup_threshold,
            destinations: ctx.destinations_or_default(&import.backup_dest),
            remedy: "fix the backup destination, or pass --no-backup".into(),
        }),
        progress,
        cancel: cancel.clone(),
        slot: &NoSlot,
        on_written: &|info, incoming| eprintln!("backed up to {} before importing {incoming} commits", info.path),
    }
}

/// The named repository, or the only one there is.
async fn pick_repository(store: &dyn Store, name: Option<&str>) -> Result<repovault_storage::Repository, StoreError> {
    if let Some(name) = name {
        return store.repository_by_name(name).await;
    }
    let mut all = store.repositories().await?;
    match all.len() {
        1 => Ok(all.remove(0)),
        0 => Err(StoreError::not_found("repository (the store is empty)")),
        _ => Err(StoreError::validation(
            "repo",
            format!(
                "there are {} repositories; name one with --repo ({})",
                all.len(),
                all.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}
