//! An import's commit load on SQLite, written with rusqlite on a connection of its own: one
//! prepared statement per table, stepped once per row, for the whole load.
//!
//! Through sqlx each multi-row statement was parsed anew (its text differs with the row count),
//! its bound values copied to the connection's worker thread, and every `RETURNING` row sent back
//! by a channel, one futex wake-up each; the importing task waited for each statement in turn, so
//! the writer, which sets an import's pace, was two threads handing work back and forth on a
//! machine whose cores the diff workers keep busy. `Store::store_commits` (single batches: push
//! events, the tests' fixtures) keeps the shared sqlx statements; the conformance test
//! `a_load_writes_the_rows_store_commits_writes` checks that both write the same rows.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};

use crate::blob::{BlobStore, PreparedDiff};
use crate::change_grams::{sqlite_sql, Gram, GramSegments};
use crate::error::{Result, StoreError};
use crate::model::{StorageResult, StorageStatus};
use crate::sql::batch::{batch_result, prepare_batch, PreparedCommit, COMMIT_COLUMNS, FILE_CHANGE_COLUMNS};
use crate::sql::ChangeRow;
use crate::store::{CommitBatchItem, CommitLoad};

/// foldhash rather than SipHash for the batch's hash-keyed maps: also seeded per process, and
/// SipHash was 2.5 % of the writer's time.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
type FastSet<K> = HashSet<K, foldhash::fast::RandomState>;

/// What the pool's connections set (`SqliteStore::open`), for a connection that writes the same
/// file; WAL mode is the file's own. The page cache is 8 MiB rather than SQLite's 2: on generated
/// 20k, 32 MiB added 25 MiB to the peak for no less CPU time, 8 MiB about 8 MiB and a little less
/// time in the kernel reading pages back.
const SETUP: &str = "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; \
    PRAGMA wal_autocheckpoint = 65536; PRAGMA journal_size_limit = 67108864; PRAGMA cache_size = -8192;";

/// An open write transaction storing an import's batches into one repository.
pub(crate) struct SqliteLoad {
    conn: Connection,
    path: std::path::PathBuf,
    blobs: BlobStore,
    repository_id: i64,
    index_changes: bool,
}

/// Opens a connection to the store's file and begins a write transaction on it (waiting up to 10 s
/// for another writer, as the pool does).
pub(crate) fn begin(path: &Path, blobs: BlobStore, repository_id: i64) -> Result<SqliteLoad> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags).map_err(error)?;
    conn.busy_timeout(Duration::from_secs(10)).map_err(error)?;
    conn.set_prepared_statement_cache_capacity(32);
    conn.execute_batch(SETUP).map_err(error)?;
    conn.execute_batch("BEGIN IMMEDIATE").map_err(error)?;
    let index_changes: Option<bool> = conn
        .query_row("SELECT index_changes FROM repositories WHERE id = $1", [repository_id], |row| row.get(0))
        .optional()
        .map_err(error)?;
    let Some(index_changes) = index_changes else {
        return Err(StoreError::not_found(format!("repository {repository_id}")));
    };
    Ok(SqliteLoad { conn, path: path.to_path_buf(), blobs, repository_id, index_changes })
}

fn error(err: rusqlite::Error) -> StoreError {
    StoreError::Storage(err.to_string())
}

/// Runs blocking work from async code: off the runtime's worker (`block_in_place`) when there is
/// one to leave, directly otherwise (a current-thread runtime, or the thread of `block_on`).
pub(crate) fn blocking<R>(work: impl FnOnce() -> R) -> R {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(work)
        }
        _ => work(),
    }
}

#[async_trait::async_trait]
impl CommitLoad for SqliteLoad {
    async fn store(&mut self, batch: &[CommitBatchItem]) -> Result<Vec<StorageResult>> {
        // Validation, and the upload of large diffs, before anything is written.
        let prepared = prepare_batch(batch, &self.blobs).await?;
        blocking(|| self.write(&prepared))
    }

    async fn commit(self: Box<Self>) -> Result<()> {
        blocking(|| self.conn.execute_batch("COMMIT").map_err(error))
    }

    async fn commit_and_checkpoint(self: Box<Self>) -> Result<()> {
        let path = self.path.clone();
        self.commit().await?;
        crate::sqlite_checkpoint::request(&path);
        Ok(())
    }
}

impl SqliteLoad {
    /// Writes a prepared batch, with its audit line and mirror outbox entry: the rows the shared
    /// `insert_batch` writes, in the same order (so ids come out the same).
    fn write(&mut self, prepared: &[PreparedCommit<'_>]) -> Result<Vec<StorageResult>> {
        let started = std::time::Instant::now();
        let stored_at = chrono::Utc::now().timestamp();
        // The first occurrence of a hash is the one inserted; later ones are duplicates.
        let mut seen = FastSet::default();
        let firsts: Vec<&PreparedCommit<'_>> =
            prepared.iter().filter(|p| seen.insert(p.commit.hash.as_str())).collect();
        let (ids, inserted) = self.insert_commits(&firsts, stored_at)?;
        self.insert_parents(&inserted)?;
        let diff_ids = self.insert_diffs(&inserted)?;
        self.insert_file_changes(&inserted, &diff_ids)?;
        self.insert_search(&inserted)?;
        if self.index_changes {
            self.insert_change_text(&inserted)?;
        }

        let mut emitted = FastSet::default();
        let results: Vec<StorageResult> = prepared
            .iter()
            .map(|p| {
                let hash = p.commit.hash.as_str();
                let (id, new) = ids.get(hash).copied().unwrap_or_default();
                batch_result(p, Some(id), new && emitted.insert(hash))
            })
            .collect();
        let stored: Vec<i64> =
            results.iter().filter(|r| r.status == StorageStatus::Stored).filter_map(|r| r.commit_id).collect();
        if !stored.is_empty() {
            let detail = match results.iter().find(|r| r.status == StorageStatus::Stored) {
                Some(only) if stored.len() == 1 => only.hash.clone(),
                _ => format!("{} commits", stored.len()),
            };
            self.audit(&detail)?;
            // The outbox holds the new commits' ids only; the drainer reads the rows.
            self.enqueue_commits(&serde_json::to_string(&stored).expect("ids serialise"))?;
        }
        tracing::debug!(commits = prepared.len(), written_in = ?started.elapsed(), "batch written");
        Ok(results)
    }

    /// Inserts the commits not stored yet. Returns every hash's id (with whether this batch
    /// inserted it) and the inserted commits with their ids, in batch order.
    #[allow(clippy::type_complexity)]
    fn insert_commits<'p, 'b>(
        &self,
        firsts: &[&'p PreparedCommit<'b>],
        stored_at: i64,
    ) -> Result<(FastMap<&'p str, (i64, bool)>, Vec<(i64, &'p PreparedCommit<'b>)>)> {
        let mut insert = self
            .conn
            .prepare_cached(&format!(
                "INSERT INTO commits ({COMMIT_COLUMNS}) VALUES ({}) \
                 ON CONFLICT (repository_id, hash) DO NOTHING",
                placeholders_for(COMMIT_COLUMNS)
            ))
            .map_err(error)?;
        let mut existing =
            self.conn.prepare_cached("SELECT id FROM commits WHERE repository_id = $1 AND hash = $2").map_err(error)?;
        let (mut ids, mut inserted) = (FastMap::default(), Vec::with_capacity(firsts.len()));
        for &p in firsts {
            let c = &p.commit;
            let raw = |identity: &'p Option<crate::model::Identity>| {
                identity.as_ref().map(|i| (i.name.as_str(), i.email.as_str())).unzip()
            };
            let ((raw_author_name, raw_author_email), (raw_committer_name, raw_committer_email)) =
                (raw(&c.raw_author), raw(&c.raw_committer));
            let changed = insert
                .execute(params![
                    self.repository_id,
                    c.hash,
                    c.author.name,
                    c.author.email,
                    c.author.time,
                    c.author.tz_offset_minutes,
                    c.committer.name,
                    c.committer.email,
                    c.committer.time,
                    c.committer.tz_offset_minutes,
                    c.message,
                    c.pusher,
                    c.commit_count,
                    p.totals.total_additions,
                    p.totals.total_deletions,
                    p.totals.files_changed,
                    c.parents.len() as i64,
                    stored_at,
                    raw_author_name,
                    raw_author_email,
                    raw_committer_name,
                    raw_committer_email,
                    c.message_bytes,
                ])
                .map_err(error)?;
            let entry = match self.inserted_id(changed) {
                Some(id) => {
                    inserted.push((id, p));
                    (id, true)
                }
                None => {
                    let id =
                        existing.query_row(params![self.repository_id, c.hash], |row| row.get(0)).map_err(error)?;
                    (id, false)
                }
            };
            ids.insert(c.hash.as_str(), entry);
        }
        Ok((ids, inserted))
    }

    /// The id of the row an `INSERT … ON CONFLICT DO NOTHING` just wrote, if it wrote one (`changed`
    /// is its row count). From `last_insert_rowid` rather than `RETURNING`: SQLite runs a
    /// `RETURNING` statement like one with a trigger, so it copied every page it changed to a
    /// statement journal first (a third of the writer's time on generated 20k).
    fn inserted_id(&self, changed: usize) -> Option<i64> {
        (changed == 1).then(|| self.conn.last_insert_rowid())
    }

    fn insert_parents(&self, inserted: &[(i64, &PreparedCommit<'_>)]) -> Result<()> {
        let mut insert = self
            .conn
            .prepare_cached("INSERT INTO commit_parents (commit_id, position, parent_hash) VALUES ($1, $2, $3)")
            .map_err(error)?;
        for (id, p) in inserted {
            for (position, parent) in p.commit.parents.iter().enumerate() {
                insert.execute(params![id, position as i64, parent]).map_err(error)?;
            }
        }
        Ok(())
    }

    /// Stores each diff text once per content hash; returns the id of every diff of the batch.
    fn insert_diffs<'p>(&self, inserted: &[(i64, &'p PreparedCommit<'_>)]) -> Result<FastMap<&'p str, i64>> {
        let mut insert = self
            .conn
            .prepare_cached(
                "INSERT INTO diff_blobs (sha256, size, storage, compressed) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (sha256) DO NOTHING",
            )
            .map_err(error)?;
        let mut existing = self.conn.prepare_cached("SELECT id FROM diff_blobs WHERE sha256 = $1").map_err(error)?;
        let mut ids = FastMap::default();
        let diffs = inserted.iter().flat_map(|(_, p)| p.changes.iter().filter_map(|(_, d)| d.as_deref()));
        for diff in diffs {
            let sha = diff.sha256.as_str();
            if ids.contains_key(sha) {
                continue;
            }
            let PreparedDiff { size, compressed, inline, .. } = diff;
            let (storage, compressed) =
                if *inline { ("inline", Some(compressed.as_slice())) } else { ("external", None) };
            let changed = insert.execute(params![sha, size, storage, compressed]).map_err(error)?;
            let id = match self.inserted_id(changed) {
                Some(id) => id,
                None => existing.query_row([sha], |row| row.get(0)).map_err(error)?,
            };
            ids.insert(sha, id);
        }
        Ok(ids)
    }

    fn insert_file_changes(
        &self,
        inserted: &[(i64, &PreparedCommit<'_>)],
        diff_ids: &FastMap<&str, i64>,
    ) -> Result<()> {
        let mut insert = self
            .conn
            .prepare_cached(&format!(
                "INSERT INTO file_changes ({FILE_CHANGE_COLUMNS}) VALUES ({})",
                placeholders_for(FILE_CHANGE_COLUMNS)
            ))
            .map_err(error)?;
        for (id, p) in inserted {
            for (position, (change, diff)) in p.changes.iter().enumerate() {
                let diff_id = diff.as_ref().and_then(|d| diff_ids.get(d.sha256.as_str()));
                insert
                    .execute(params![
                        id,
                        position as i64,
                        change.path,
                        change.old_path,
                        change.kind.as_str(),
                        change.is_binary,
                        change.additions,
                        change.deletions,
                        diff_id,
                        change.path_bytes,
                        change.old_path_bytes,
                        change.is_submodule,
                    ])
                    .map_err(error)?;
            }
        }
        Ok(())
    }

    /// The full-text rows: message and paths as written, and the stems computed in Rust (as
    /// `refresh_search` writes them).
    fn insert_search(&self, inserted: &[(i64, &PreparedCommit<'_>)]) -> Result<()> {
        let mut insert = self
            .conn
            .prepare_cached("INSERT INTO commit_search (rowid, message, paths, stems) VALUES ($1, $2, $3, $4)")
            .map_err(error)?;
        let mut paths = String::new();
        for (id, p) in inserted {
            paths.clear();
            for (i, (change, _)) in p.changes.iter().enumerate() {
                if i > 0 {
                    paths.push(' ');
                }
                paths.push_str(&change.path);
            }
            insert.execute(params![id, p.commit.message, paths, p.index.words.stems]).map_err(error)?;
        }
        Ok(())
    }

    /// The lines the commits add and remove, indexed in the same transaction (`change_grams`) and
    /// taken off the queue their rows' trigger put them on.
    fn insert_change_text(&mut self, inserted: &[(i64, &PreparedCommit<'_>)]) -> Result<()> {
        let rows: Vec<ChangeRow<'_>> = inserted
            .iter()
            .filter_map(|(id, p)| p.index.change_lines.as_ref().map(|l| (*id, l, p.index.grams.as_deref())))
            .collect();
        if rows.is_empty() {
            return Ok(());
        }
        {
            let mut insert = self
                .conn
                .prepare_cached(
                    "INSERT INTO change_text (commit_id, added, removed) VALUES ($1, $2, $3) \
                     ON CONFLICT (commit_id) DO UPDATE SET added = excluded.added, removed = excluded.removed",
                )
                .map_err(error)?;
            for (id, lines, _) in &rows {
                insert.execute(params![id, lines.added, lines.removed]).map_err(error)?;
            }
        }
        // The index's statements are all synchronous here: the future is ready when first polled.
        futures::executor::block_on(crate::change_grams::index_commits(&mut self.conn, 0, &rows))?;
        let mut dequeue =
            self.conn.prepare_cached("DELETE FROM change_index_queue WHERE commit_id = $1").map_err(error)?;
        for (id, _, _) in &rows {
            dequeue.execute([id]).map_err(error)?;
        }
        Ok(())
    }

    fn audit(&self, detail: &str) -> Result<()> {
        self.conn
            .prepare_cached(crate::sql::writes::AUDIT)
            .and_then(|mut insert| {
                let entity_id = self.repository_id.to_string();
                let at = chrono::Utc::now().timestamp();
                insert.execute(params![at, "commit.store", "repository", entity_id, detail])
            })
            .map_err(error)?;
        Ok(())
    }

    /// As `mirror::enqueue!` with `kind::COMMITS`: only while the mirror is enabled.
    fn enqueue_commits(&self, payload: &str) -> Result<()> {
        self.conn
            .prepare_cached(crate::mirror::ENQUEUE)
            .and_then(|mut insert| {
                let at = chrono::Utc::now().timestamp();
                insert.execute(params![at, crate::mirror::kind::COMMITS, None::<&str>, self.repository_id, payload])
            })
            .map_err(error)?;
        Ok(())
    }
}

/// `$1, $2, …, $n`, one parameter per column of a comma-separated column list: a one-row `VALUES`.
fn placeholders_for(columns: &str) -> String {
    (1..=columns.split(',').count()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// What indexing writes into the change index, through the load's connection: the statements the
/// pool's connections run (`GramSegments for SqliteConnection`), one row at a time.
impl GramSegments for Connection {
    async fn insert_segment(&mut self, _scope: i64, bytes: i64) -> Result<i64> {
        self.prepare_cached(sqlite_sql::INSERT_SEGMENT)
            .and_then(|mut insert| insert.query_row([bytes], |row| row.get(0)))
            .map_err(error)
    }

    async fn insert_blocks(&mut self, segment: i64, blocks: &[(Gram, Vec<u8>)]) -> Result<()> {
        let mut insert = self
            .prepare_cached("INSERT INTO change_gram_blocks (segment, first_gram, entries) VALUES ($1, $2, $3)")
            .map_err(error)?;
        for (first, entries) in blocks {
            insert.execute(params![segment, i64::from(*first), entries]).map_err(error)?;
        }
        Ok(())
    }

    async fn small_segments(&mut self, _scope: i64, below: i64) -> Result<Vec<(i64, i64)>> {
        let mut select = self.prepare_cached(sqlite_sql::SMALL_SEGMENTS).map_err(error)?;
        let rows = select.query_map([below], |row| Ok((row.get(0)?, row.get(1)?))).map_err(error)?;
        rows.collect::<rusqlite::Result<_>>().map_err(error)
    }

    async fn blocks_of(&mut self, segments: &[i64]) -> Result<Vec<(i64, Vec<u8>)>> {
        let mut select = self.prepare_cached(sqlite_sql::BLOCKS_OF).map_err(error)?;
        let list = serde_json::to_string(segments).expect("ids serialise");
        let rows = select.query_map([list], |row| Ok((row.get(0)?, row.get(1)?))).map_err(error)?;
        rows.collect::<rusqlite::Result<_>>().map_err(error)
    }

    async fn delete_segments(&mut self, segments: &[i64]) -> Result<()> {
        let list = serde_json::to_string(segments).expect("ids serialise");
        for statement in [sqlite_sql::DELETE_BLOCKS, sqlite_sql::DELETE_SEGMENTS] {
            self.prepare_cached(statement).and_then(|mut delete| delete.execute([&list])).map_err(error)?;
        }
        Ok(())
    }
}
