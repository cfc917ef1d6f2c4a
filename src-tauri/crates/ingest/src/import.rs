//! The import pipeline: reader (refs and history walk), diff workers, one batching writer.

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use gix::ObjectId;
use repovault_storage::search_text::CommitIndexParts;
use repovault_storage::{CommitBatchItem, CommitLoad, ErrorPayload, GitRef, Repository, Store};
use serde::Serialize;
use ts_rs::TS;

use crate::commit_diff::CommitDiffer;
use crate::error::IngestError;
use crate::repo::{self, RefFilter};

/// How much of each commit to import. Anything but `Full` is for measuring: a commit stored
/// without its changes is not revisited by a later sync.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ImportDetail {
    /// Header, file changes with line counts, and diff text.
    #[default]
    Full,
    /// Header and file changes with line counts, no diff text (like `git log --numstat`).
    LineCounts,
    /// Header only (like `git log --format=...`).
    Metadata,
}

/// Imports that store at least this many commits refresh the planner's statistics.
const ANALYZE_AFTER: u64 = 1_000;

#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub detail: ImportDetail,
    pub refs: RefFilter,
    /// Only commits made at or after this time (Unix seconds).
    pub since: Option<i64>,
    /// Commits per transaction (the checkpoint an interrupted import resumes from), give or take
    /// a batch: a transaction also ends after `LOAD_OPEN_AT_FIRST`, doubling up to
    /// `LOAD_OPEN_AT_MOST`. Batches, the rows written at once, are smaller: 32 commits at first,
    /// doubling up to this, and at most `BATCH_BYTES`.
    pub batch_size: usize,
    /// Diff workers; by default one per core.
    pub workers: usize,
    /// The workspace a new repository goes into.
    pub workspace: String,
    /// Index the lines commits add and remove (`change:` searches): `Some` sets the repository's
    /// switch (see `SearchIndex::set_change_index`), `None` keeps it (on for a new repository).
    pub index_changes: Option<bool>,
}

/// Commits per transaction unless told otherwise. Each transaction rewrites every page of the
/// hash-keyed indexes it touches (diff blobs, commit and parent hashes, paths), however few rows
/// land on each: with 500-commit transactions a 100k-commit import wrote 4.6 GB for a 415 MB store
/// and took 36-42 s; with 5,000 1.9 GB and 29-30 s. Since a transaction holds several batches
/// (see `CommitLoad`), its size no longer costs memory; `LOAD_OPEN_AT_MOST` bounds it in time.
pub const DEFAULT_BATCH_SIZE: usize = 20_000;

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            detail: ImportDetail::Full,
            refs: RefFilter::default(),
            since: None,
            batch_size: DEFAULT_BATCH_SIZE,
            workers: std::thread::available_parallelism().map(usize::from).unwrap_or(2),
            workspace: "default".into(),
            index_changes: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ImportPhase {
    /// Cloning or fetching a repository added by URL: objects received of the total.
    Fetching,
    Scanning,
    /// The caller's work before anything is written (see [`BeforeWrite`]): the app's automatic
    /// backup before a large import. `total` is the number of commits that will be imported.
    BackingUp,
    Importing,
    Finishing,
    /// Building the change index (`change:` searches) for the stored commits: done of total
    /// commits. The repository is complete and browsable by then.
    Indexing,
    Done,
}

/// An import's progress: commits done of total, with the commit rate while importing.
pub type ImportProgress = repovault_storage::Progress<ImportPhase>;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ImportReport {
    pub repository: Repository,
    /// Commits stored by this run.
    #[ts(type = "number")]
    pub new_commits: u64,
    pub refs: usize,
    /// Nothing had changed since the last sync; no history was read.
    pub up_to_date: bool,
    /// The repository is a shallow clone: history before its boundary is missing.
    pub is_shallow: bool,
    /// The whole import, the change index included.
    pub seconds: f64,
    /// The part of `seconds` spent building the change index after the commits were stored.
    pub index_seconds: f64,
}

/// Cancels an import from another task or thread; takes effect between commits.
pub use repovault_storage::CancelToken;

/// The future a [`BeforeWrite`] hook returns.
pub type BeforeWriteFuture<'a> = Pin<Box<dyn Future<Output = Result<(), ErrorPayload>> + Send + 'a>>;

/// Work that must happen once the history walk knows how many commits are coming and before the
/// first one is written: the app and the CLI take an automatic backup before a large import here
/// (this crate knows nothing of backups). An error stops the import before it writes a commit.
pub trait BeforeWrite: Sync {
    fn before_write(&self, incoming: u64) -> BeforeWriteFuture<'_>;
}

/// The hook that does nothing, for [`import_repository`].
pub struct NoHook;

impl BeforeWrite for NoHook {
    fn before_write(&self, _incoming: u64) -> BeforeWriteFuture<'_> {
        Box::pin(async { Ok(()) })
    }
}

/// Imports (or syncs) the repository at `path` into the repository called `name`.
pub async fn import_repository(
    store: &dyn Store,
    path: &Path,
    name: &str,
    options: &ImportOptions,
    progress: &(dyn Fn(&ImportProgress) + Send + Sync),
    cancel: &CancelToken,
) -> Result<ImportReport, IngestError> {
    import_repository_with_hook(store, path, name, options, progress, cancel, &NoHook).await
}

/// [`import_repository`] with `before_write` run after the history walk, with the number of
/// commits to import, and before the first batch is written; its error ends the import (as
/// [`IngestError::Stopped`]) with no commit written. Not run when nothing changed since the last
/// sync.
pub async fn import_repository_with_hook(
    store: &dyn Store,
    path: &Path,
    name: &str,
    options: &ImportOptions,
    progress: &(dyn Fn(&ImportProgress) + Send + Sync),
    cancel: &CancelToken,
    before_write: &dyn BeforeWrite,
) -> Result<ImportReport, IngestError> {
    let started = Instant::now();
    let shared = repo::open(path)?;
    let local = shared.to_thread_local();
    let refs = repo::list_refs(&local, &options.refs)?;
    let is_shallow = local.is_shallow().map_err(|e| IngestError::git("cannot read the shallow file", e))?;
    let location = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let mut repository = store.ensure_repository(&options.workspace, name, Some(&location.to_string_lossy())).await?;
    if let Some(index_changes) = options.index_changes.filter(|&on| on != repository.index_changes) {
        repository = store.set_change_index(&repository.name, index_changes).await?;
    }

    // Nothing moved since the last completed sync: done without reading history.
    let stored_refs = store.refs(repository.id).await?;
    if repository.last_synced_at.is_some() && stored_refs == refs && repository.is_shallow == is_shallow {
        // An earlier run may have stopped while indexing: finish that first.
        let index_seconds = index_queued_changes(store, progress, cancel).await?;
        progress(&ImportProgress::new(ImportPhase::Done, 0, 0));
        return Ok(ImportReport {
            repository,
            new_commits: 0,
            refs: refs.len(),
            up_to_date: true,
            is_shallow,
            seconds: started.elapsed().as_secs_f64(),
            index_seconds,
        });
    }

    progress(&ImportProgress::new(ImportPhase::Scanning, 0, 0));
    // From the history walk, which reads every new commit, to the last diff; not for a sync with
    // nothing new, nor for what follows the diffs.
    let pack_pages = crate::memory::ReleaseWhileRunning::start();
    crate::memory::return_freed_memory_sooner();
    let known = store.commit_hashes(repository.id).await?;
    let tips = object_ids(&refs)?;
    let closed = match repository.last_synced_at {
        // A clock behind the last sync cannot tell what was stored after it.
        Some(synced_at) if synced_at <= unix_now() => {
            // Every commit of that sync was stored before it finished, in its second or earlier:
            // checking from that second on sees all that came after (and that sync's last batch).
            let unstored = store.unstored_parents(repository.id, synced_at).await?;
            history_is_closed(&unstored, &local)
        }
        _ => false,
    };
    // Otherwise the tips of the last completed sync have their whole history stored: hidden.
    let hidden: Option<Vec<ObjectId>> = if closed {
        None
    } else {
        Some(object_ids(&stored_refs)?.into_iter().filter(|id| local.has_object(id)).collect())
    };
    let walk_repo = shared.clone();
    let since = options.since;
    let ids = tokio::task::spawn_blocking(move || {
        let stored = match &hidden {
            None => repo::StoredHistory::Closed,
            Some(hidden) => repo::StoredHistory::HiddenBehind(hidden),
        };
        repo::commits_to_import(&walk_repo.to_thread_local(), &tips, stored, &known, since)
    })
    .await
    .map_err(|e| IngestError::Git(format!("the history walk stopped: {e}")))??;

    let walked = started.elapsed();
    before_write.before_write(ids.len() as u64).await.map_err(IngestError::Stopped)?;
    if cancel.is_cancelled() {
        return Err(IngestError::Cancelled);
    }
    let new_commits = write_commits(store, &repository, &shared, ids, options, progress, cancel).await?;
    drop(pack_pages);
    let written = started.elapsed();

    progress(&ImportProgress::new(ImportPhase::Finishing, new_commits, new_commits));
    store.finish_sync(repository.id, &refs, is_shallow).await?;
    let finished = started.elapsed();
    if new_commits >= ANALYZE_AFTER {
        // A bulk load changes the data's shape; let the query planner see it.
        store.analyze().await?;
    }
    let analyzed = started.elapsed();
    let index_seconds = index_queued_changes(store, progress, cancel).await?;
    // Each phase's end, from the start of the import.
    tracing::debug!(?walked, ?written, ?finished, ?analyzed, indexed = ?started.elapsed(), "import phases");
    let repository = store.repository_by_name(name).await?;
    progress(&ImportProgress::new(ImportPhase::Done, new_commits, new_commits));
    Ok(ImportReport {
        repository,
        new_commits,
        refs: refs.len(),
        up_to_date: false,
        is_shallow,
        seconds: started.elapsed().as_secs_f64(),
        index_seconds,
    })
}

/// Commits indexed per transaction while indexing what is queued.
const INDEX_CHUNK: u64 = 1_000;

/// Builds the change index for every commit queued for it: on SQLite a batch indexes its own
/// commits, so this is what was stored some other way (a copy, a migration) or left by a run that
/// stopped. Stops quietly on cancel: what is left stays queued for the next import or sync, and
/// searches scan it meanwhile. Returns the seconds it took.
async fn index_queued_changes(
    store: &dyn Store,
    progress: &(dyn Fn(&ImportProgress) + Send + Sync),
    cancel: &CancelToken,
) -> Result<f64, IngestError> {
    let started = Instant::now();
    let total = store.queued_changes().await?;
    let mut done = 0;
    while done < total && !cancel.is_cancelled() {
        progress(&ImportProgress::new(ImportPhase::Indexing, done, total));
        let indexed = store.index_queued_changes(INDEX_CHUNK, u64::MAX).await?;
        if indexed == 0 {
            break;
        }
        done += indexed;
    }
    Ok(started.elapsed().as_secs_f64())
}

/// Seconds since 1970 by the system clock, as the store's `stored_at` and sync times are written.
/// (A clock set back after a sync and forward again past it could hide what an interrupted import
/// stored meanwhile from the check below; checking commits stored earlier than the sync as well
/// cost a whole scan after every large import: 0.6 s on 100k commits.)
fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// Whether an incremental walk may stop at the first stored commit of each line: after a
/// completed sync (which stored every ancestor of its tips), when no commit stored since has a
/// parent the repository holds but the store lacks (`unstored`), as an interrupted import can
/// leave (its batches are not written strictly parents first), stored history is closed under
/// ancestry. (Parents the repository lacks are a shallow clone's boundary.)
fn history_is_closed(unstored: &[String], repo: &gix::Repository) -> bool {
    !unstored.iter().any(|hash| ObjectId::from_hex(hash.as_bytes()).is_ok_and(|id| repo.has_object(id)))
}

fn object_ids(refs: &[GitRef]) -> Result<Vec<ObjectId>, IngestError> {
    refs.iter()
        .map(|r| ObjectId::from_hex(r.target.as_bytes()).map_err(|e| IngestError::git(format!("ref {}", r.name), e)))
        .collect()
}

/// Bytes of diffed commits (compressed diffs, changed lines, messages) in flight between the
/// workers and the writer, and the most a batch holds before it is written whatever its count:
/// memory stays bounded however large the commits of a history are. The live heap is mostly
/// these (heaptrack, generated 100k): 16 and 8 MiB rather than 32 and 16 took the import's
/// anonymous peak from 144-175 to 116-119 MiB, and a batch of a large history from ~3,000
/// commits to ~1,500, with no change in wall time within the noise.
const IN_FLIGHT_BYTES: usize = 16 * 1024 * 1024;
const BATCH_BYTES: usize = 8 * 1024 * 1024;
// The writer holds a partial batch's bytes (less than `BATCH_BYTES`) while it waits for more, and
// a worker waits while the next item would pass the limit: below twice a batch they wait forever.
const _: () = assert!(IN_FLIGHT_BYTES >= 2 * BATCH_BYTES);

/// The longest an import's transaction stays open before it is committed (after the batch being
/// written): other writers wait for it, up to SQLite's 10 s busy timeout.
const LOAD_OPEN_AT_MOST: Duration = Duration::from_secs(4);

/// How long an import's first transaction stays open; each next one may stay twice as long, up
/// to `LOAD_OPEN_AT_MOST`. These first transactions and the last are checkpointed into the
/// database file in the background while the import goes on (`CommitLoad::commit_and_checkpoint`),
/// so a short import commits a few times instead of once and closing the store has little left
/// to copy: pallets/flask 1.15-1.20 s against 1.22-1.26 (four alternating runs each); a long one
/// soon commits every 4 s, as before (generated 100k within the noise).
const LOAD_OPEN_AT_FIRST: Duration = Duration::from_millis(250);

/// Commits in the first batch of an import; each next batch doubles, up to the batch size.
const FIRST_BATCH: usize = 32;

/// Diff workers feed one writer that stores full batches, one transaction each. Returns the number
/// of commits stored.
async fn write_commits(
    store: &dyn Store,
    repository: &repovault_storage::Repository,
    shared: &gix::ThreadSafeRepository,
    ids: Vec<ObjectId>,
    options: &ImportOptions,
    progress: &(dyn Fn(&ImportProgress) + Send + Sync),
    cancel: &CancelToken,
) -> Result<u64, IngestError> {
    let total = ids.len() as u64;
    if total == 0 {
        return Ok(0);
    }
    let batch_size = options.batch_size.max(1);
    // The first batches are small and grow to `batch_size`: the writer, which sets the pace, starts
    // after a few dozen commits instead of idling while the workers diff a whole batch.
    let mut batch_target = batch_size.min(FIRST_BATCH);
    let ids = Arc::new(ids);
    let next = Arc::new(AtomicUsize::new(0));
    // Workers stop taking commits when the writer fails or the import is cancelled.
    let stop = CancelToken::default();
    let budget = Arc::new(ByteBudget::new(IN_FLIGHT_BYTES));
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
    let detail = options.detail;
    let (repository_id, change_lines) = (repository.id, repository.index_changes);
    let mut workers = Vec::new();
    for _ in 0..options.workers.max(1) {
        let (ids, next, sender, shared, stop, cancel, budget) =
            (ids.clone(), next.clone(), sender.clone(), shared.clone(), stop.clone(), cancel.clone(), budget.clone());
        // Named, so profiles and thread lists tell the diff workers from the writer.
        let worker = std::thread::Builder::new().name("diff-worker".into()).spawn(move || {
            let mut differ = match CommitDiffer::new(&shared, detail) {
                Ok(differ) => differ,
                Err(err) => return drop(sender.send(Err(err))),
            };
            differ.change_lines = change_lines;
            // Each commit's distinct sequences for the change index, worked out here in parallel.
            let mut grams = change_lines.then(repovault_storage::GramScratch::default);
            while !stop.is_cancelled() && !cancel.is_cancelled() {
                let Some(id) = ids.get(next.fetch_add(1, Ordering::SeqCst)) else { break };
                let item = differ.commit(*id).map(|(mut commit, mut changes)| {
                    // Worked out here, in parallel, rather than by the writer, which sets the pace;
                    // each file's lines are in the commit's now.
                    let parts = CommitIndexParts::of(&commit, &changes, grams.as_mut());
                    commit.index_parts = Some(Arc::new(parts));
                    changes.iter_mut().for_each(|change| change.change_lines = None);
                    let commit = (commit, changes);
                    let bytes = item_bytes(&commit);
                    budget.acquire(bytes, &stop);
                    (commit, bytes)
                });
                if sender.send(item).is_err() {
                    break;
                }
            }
        });
        workers.push(worker.map_err(|e| IngestError::Git(format!("cannot start a diff worker: {e}")))?);
    }
    drop(sender);

    let started = Instant::now();
    let mut stored = 0u64;
    let mut batch: Vec<CommitBatchItem> = Vec::with_capacity(batch_size);
    let mut batch_bytes = 0usize;
    // The open transaction, the commits written in it and when it began.
    let mut load: Option<(Box<dyn CommitLoad>, usize, Instant)> = None;
    let mut load_open_at_most = LOAD_OPEN_AT_FIRST;
    // Where the writer's time goes: waiting for diffed commits, or storing them.
    let (mut waiting, mut writing) = (Duration::ZERO, Duration::ZERO);
    let outcome = loop {
        if cancel.is_cancelled() {
            break Err(IngestError::Cancelled);
        }
        let wait_started = Instant::now();
        let item = receiver.recv().await;
        waiting += wait_started.elapsed();
        let finished = item.is_none();
        match item {
            Some(Ok((commit, bytes))) => {
                batch.push(commit);
                batch_bytes += bytes;
            }
            Some(Err(err)) => break Err(err),
            None => {}
        }
        let full = batch.len() >= batch_target || batch_bytes >= BATCH_BYTES;
        if full || (finished && !batch.is_empty()) {
            let write_started = Instant::now();
            if load.is_none() {
                match store.begin_commit_load(repository_id).await {
                    Ok(opened) => load = Some((opened, 0, Instant::now())),
                    Err(err) => break Err(err.into()),
                }
            }
            let (open, in_load, opened_at) = load.as_mut().expect("a load is open");
            if let Err(err) = open.store(&batch).await {
                // The load's earlier batches go with it: a failed statement leaves the
                // transaction in no state to commit.
                load = None;
                break Err(err.into());
            }
            *in_load += batch.len();
            if finished || *in_load >= batch_size || opened_at.elapsed() >= load_open_at_most {
                // A long import's later transactions leave their pages to the store's own
                // checkpoints: copied in the background after every commit, git/git took 1-3 s
                // more CPU for the pages its indexes rewrite from one transaction to the next.
                let in_background = finished || load_open_at_most < LOAD_OPEN_AT_MOST;
                load_open_at_most = (load_open_at_most * 2).min(LOAD_OPEN_AT_MOST);
                let (open, _, _) = load.take().expect("a load is open");
                let committed = if in_background { open.commit_and_checkpoint().await } else { open.commit().await };
                if let Err(err) = committed {
                    break Err(err.into());
                }
            }
            writing += write_started.elapsed();
            stored += batch.len() as u64;
            batch_target = (batch_target * 2).min(batch_size);
            batch.clear();
            budget.release(std::mem::take(&mut batch_bytes));
            let rate = stored as f64 / started.elapsed().as_secs_f64().max(1e-9);
            progress(&ImportProgress::new(ImportPhase::Importing, stored, total).with_rate(rate));
        }
        if finished {
            break Ok(stored);
        }
    };
    tracing::debug!(?waiting, ?writing, stored, "the writer's time");
    stop.cancel();
    budget.wake_all();
    drop(receiver);
    for worker in workers {
        let _ = worker.join();
    }
    // Stopped by a cancel or by git, not by the store: what was written is kept.
    if let Some((open, _, _)) = load {
        if let Err(err) = open.commit().await {
            tracing::warn!(%err, "the commits written before the import stopped could not be kept");
        }
    }
    outcome
}

/// The memory a diffed commit holds until it is stored, roughly: what grows with big commits.
fn item_bytes((commit, changes): &CommitBatchItem) -> usize {
    let change_bytes: usize = changes
        .iter()
        .map(|c| {
            let diff = c.prepared_diff.as_ref().map_or(0, |d| d.compressed.len() + d.sha256.len());
            c.path.len() + c.old_path.as_ref().map_or(0, String::len) + diff + 128
        })
        .sum();
    // The changed lines are the commit's, in its index parts (the workers drop each file's own).
    let index_bytes = commit.index_parts.as_ref().map_or(0, |parts| {
        let lines = parts.change_lines.as_ref().map_or(0, |l| l.added.len() + l.removed.len());
        parts.words.words.len() + parts.words.stems.len() + lines + parts.grams.as_ref().map_or(0, |g| g.len() * 4)
    });
    // Counted at most one batch's worth, so a single huge commit never waits for room that cannot
    // come (the writer waits for it to complete a batch).
    (commit.message.len() + change_bytes + index_bytes + 512).min(BATCH_BYTES)
}

/// Bytes the workers may have in flight: a worker waits before sending a commit that would go over
/// the limit, until the writer has stored a batch (one commit larger than the limit still passes
/// alone, so nothing waits forever).
struct ByteBudget {
    used: std::sync::Mutex<usize>,
    freed: std::sync::Condvar,
    limit: usize,
}

impl ByteBudget {
    fn new(limit: usize) -> ByteBudget {
        ByteBudget { used: std::sync::Mutex::new(0), freed: std::sync::Condvar::new(), limit }
    }

    fn acquire(&self, bytes: usize, stop: &CancelToken) {
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        while *used > 0 && *used + bytes > self.limit && !stop.is_cancelled() {
            used = self.freed.wait(used).unwrap_or_else(|e| e.into_inner());
        }
        *used += bytes;
    }

    fn release(&self, bytes: usize) {
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        *used = used.saturating_sub(bytes);
        self.freed.notify_all();
    }

    /// Lets waiting workers see that the import stopped.
    fn wake_all(&self) {
        let _guard = self.used.lock().unwrap_or_else(|e| e.into_inner());
        self.freed.notify_all();
    }
}
