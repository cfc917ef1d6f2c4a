//! `store copy`: a whole live store from SQLite to PostgreSQL or back, into an empty target.
//!
//! The target gets its schema from this build's migrations (opening it as a store), then every app
//! table is copied with its ids (into PostgreSQL with its foreign keys set aside until the end,
//! see `pg_load`), one transaction per table that also records
//! the table as done in `_repovault_copy`: an interrupted copy (a lost connection, a cancel) resumes
//! from the first table not done when run again from the same source, and any other non-empty
//! target is refused. PostgreSQL is written with `COPY … FROM STDIN` and its sequences continue
//! after the copied ids; full-text indexes are rebuilt on the target, never copied; large diffs
//! are carried to the target's blob store when it is another one. The copy ends with a
//! verification: per-table row counts, and the canonical digests of `consistency` (the mirror's
//! check) computed in Rust on both sides.

use std::path::Path;
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use serde::{Deserialize, Serialize};
use sqlx::postgres::PgConnection;
use sqlx::sqlite::SqliteConnection;
use sqlx::{Connection, QueryBuilder};
use ts_rs::TS;

use super::copy_reader::{self, Extra, TableRead};
use super::pg_load;
use super::portable::{self, Value};
use super::sqlite::{self as snapshot, quote};
use crate::blob::BlobStore;
use crate::cancel::CancelToken;
use crate::consistency::{self, DigestConn, TableDifference};
use crate::error::{Result, StoreError};
use crate::progress::Progress;
use crate::{DatabaseLocation, StoreConfig};

/// The target's record of a copy under way: the source it comes from and the tables done.
const STATE_TABLE: &str = "_repovault_copy";
/// The pseudo-table recorded once the full-text index was rebuilt.
const SEARCH_STEP: &str = "#search";
/// The pseudo-table recorded once PostgreSQL's change index was built from the copied
/// `change_text` (SQLite's builds itself from the rows its triggers queue, with the full-text step).
const CHANGE_INDEX_STEP: &str = "#change_index";
/// PostgreSQL's tables of that index, which SQLite's copied tables do not include.
const CHANGE_INDEX_TABLES: &[&str] = &["change_index_queue", "change_gram_segments", "change_gram_blocks"];
/// Bytes of COPY data sent to PostgreSQL at a time.
pub(super) const COPY_CHUNK: usize = 1 << 20;
/// SQLite's page cache while a copy writes into it, in KiB.
const COPY_CACHE_KIB: u32 = 128 * 1024;
/// How long connecting to a server may take before it is an error (not a hang).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// What the copy is doing: a table's rows, the full-text index, the blobs, the verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "step", rename_all = "snake_case")]
#[ts(export)]
pub enum CopyPhase {
    Table { table: String },
    SearchIndex,
    Blobs,
    Verify,
}

/// One table of the copy: rows on each side at the end, and whether this run copied it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TableCheck {
    pub table: String,
    #[ts(type = "number")]
    pub source_rows: i64,
    #[ts(type = "number")]
    pub target_rows: i64,
    /// False when an earlier, interrupted run had copied it already.
    pub copied_now: bool,
}

/// How a copy went and what its verification found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CopyReport {
    pub source: String,
    pub target: String,
    pub tables: Vec<TableCheck>,
    /// Tables an earlier run had copied (this run resumed after them).
    pub resumed: Vec<String>,
    #[ts(type = "number")]
    pub blobs_copied: u64,
    /// Canonical digests that differ between source and target (empty when they agree).
    pub differences: Vec<TableDifference>,
    /// Every table's counts agree and no digest differs.
    pub verified: bool,
    #[ts(type = "number")]
    pub seconds: f64,
}

/// The copy's target, whichever backend it is.
enum Side<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

/// Connects to PostgreSQL with a deadline: an unreachable server is an error in seconds, a wrong
/// password the server's own answer.
pub(crate) async fn connect_pg(url: &str) -> Result<PgConnection> {
    let shown = crate::postgres::redact_password(url);
    match tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect(url)).await {
        Ok(Ok(conn)) => Ok(conn),
        Ok(Err(e)) => Err(StoreError::Storage(format!("cannot connect to {shown}: {e}"))),
        Err(_) => Err(StoreError::Storage(format!(
            "cannot connect to {shown}: no answer within {} seconds",
            CONNECT_TIMEOUT.as_secs()
        ))),
    }
}

fn describe(location: &DatabaseLocation) -> String {
    match location {
        DatabaseLocation::Sqlite(path) => format!("sqlite://{}", path.display()),
        DatabaseLocation::Postgres(url) => crate::postgres::redact_password(url),
    }
}

/// Opens (and so migrates, or refuses when newer) a store, then closes it: the target gets its
/// schema from the migrations, the source is brought to this build's schema.
async fn prepare(config: &StoreConfig, role: &str) -> Result<()> {
    let config = StoreConfig { apply_migrations: true, ..config.clone() };
    let open = crate::open_store(&config);
    let store = tokio::time::timeout(CONNECT_TIMEOUT * 3, open).await.map_err(|_| {
        StoreError::Storage(format!("cannot open the {role} {}: no answer in time", describe(&config.database)))
    })??;
    store.close().await;
    Ok(())
}

/// Copies the store `from` into the empty store `to` (the other backend), then verifies it.
pub async fn copy_store(
    from: &StoreConfig,
    to: &StoreConfig,
    progress: &(dyn Fn(Progress<CopyPhase>) + Send + Sync),
    cancel: &CancelToken,
) -> Result<CopyReport> {
    let started = Instant::now();
    let (sqlite_path, pg_url, to_pg) = match (&from.database, &to.database) {
        (DatabaseLocation::Sqlite(p), DatabaseLocation::Postgres(u)) => (p.clone(), u.clone(), true),
        (DatabaseLocation::Postgres(u), DatabaseLocation::Sqlite(p)) => (p.clone(), u.clone(), false),
        _ => {
            return Err(StoreError::validation(
                "to",
                "a store copy goes between SQLite and PostgreSQL; within one backend, use a backup and restore",
            ))
        }
    };
    if !to_pg {
        if let Some(parent) = sqlite_path.parent() {
            std::fs::create_dir_all(parent)?;
        }
    }
    prepare(from, "source").await?;
    prepare(to, "target").await?;
    let source_id = describe(&from.database);
    let mut sqlite = snapshot::connect(&sqlite_path, false).await?;
    if !to_pg {
        // Loading and indexing a whole store through SQLite's default 2 MB page cache re-read
        // the same index pages with a system call each (a third of the copy's CPU was the
        // kernel's); a larger cache for this one connection, gone with it.
        sqlx::query(&format!("PRAGMA cache_size = -{}", COPY_CACHE_KIB)).execute(&mut sqlite).await?;
    }
    let mut pg = connect_pg(&pg_url).await?;
    let tables: Vec<String> =
        snapshot::app_tables(&mut sqlite).await?.into_iter().filter(|t| t != STATE_TABLE).collect();
    // What the target holds already: nothing, or an interrupted copy of this same source.
    let target = if to_pg { Side::Postgres(&mut pg) } else { Side::Sqlite(&mut sqlite) };
    let done = check_target(target, &tables, &source_id).await?;

    let mut report = CopyReport {
        source: source_id.clone(),
        target: describe(&to.database),
        tables: Vec::new(),
        resumed: done.iter().filter(|t| !t.starts_with('#')).cloned().collect(),
        blobs_copied: 0,
        differences: Vec::new(),
        verified: false,
        seconds: 0.0,
    };
    let total = tables.len() as u64;
    // Into PostgreSQL, the full-text columns are filled while `commits` is copied (see
    // `copy_table_to_pg`), from the source's changed paths read beside the commits. (The target
    // has them: `prepare` brought it to this build's schema.)
    let search_copied = done.iter().any(|t| t == SEARCH_STEP);
    let words_with_commits = to_pg && !search_copied && !done.iter().any(|t| t == "commits");
    if to_pg {
        // Set aside for the load (see `pg_load::set_aside_foreign_keys`), so the order is free;
        // also those of the change index, which is built after the load (`CHANGE_INDEX_STEP`).
        let mut loaded = tables.clone();
        loaded.extend(CHANGE_INDEX_TABLES.iter().map(|t| t.to_string()));
        pg_load::set_aside_foreign_keys(&mut pg, &loaded).await?;
    }
    let result: Result<()> = async {
        for (i, table) in tables.iter().enumerate() {
            cancel.check()?;
            if !done.contains(table) {
                progress(Progress::new(CopyPhase::Table { table: table.clone() }, i as u64, total));
                cancel.check()?;
                if to_pg {
                    let words = words_with_commits && table == "commits";
                    copy_table_to_pg(&mut sqlite, &sqlite_path, &mut pg, table, &source_id, words, cancel).await?;
                } else {
                    copy_table_to_sqlite(&mut pg, &mut sqlite, table, &source_id, cancel).await?;
                }
            }
        }
        Ok(())
    }
    .await;
    result?;
    // Every table is copied; `commits` got its full-text columns with it when this run copied it.
    let search_done = search_copied || words_with_commits;
    if !search_done {
        cancel.check()?;
        progress(Progress::new(CopyPhase::SearchIndex, total, total));
        if to_pg {
            let mut tx = pg.begin().await?;
            let indexes = pg_load::drop_indexes(&mut tx, "commits", true).await?;
            portable::rebuild_pg_search(&mut tx).await?;
            pg_load::recreate_indexes(&mut tx, &indexes).await?;
            mark_done_pg(&mut tx, &source_id, SEARCH_STEP).await?;
            tx.commit().await?;
        } else {
            let mut tx = sqlite.begin().await?;
            portable::rebuild_sqlite_search(&mut tx).await?;
            mark_done_sqlite(&mut tx, &source_id, SEARCH_STEP).await?;
            tx.commit().await?;
        }
    }

    if to_pg && !done.iter().any(|t| t == CHANGE_INDEX_STEP) {
        cancel.check()?;
        progress(Progress::new(CopyPhase::SearchIndex, total, total));
        let mut tx = pg.begin().await?;
        portable::index_pg_changes(&mut tx).await?;
        mark_done_pg(&mut tx, &source_id, CHANGE_INDEX_STEP).await?;
        tx.commit().await?;
    }

    progress(Progress::new(CopyPhase::Blobs, 0, 0));
    report.blobs_copied = carry_blobs(from, to, &mut sqlite, cancel).await?;

    progress(Progress::new(CopyPhase::Verify, 0, total));
    for table in &tables {
        let count = format!("SELECT COUNT(*) FROM {}", quote(table));
        let (on_sqlite,): (i64,) = sqlx::query_as(&count).fetch_one(&mut sqlite).await?;
        let (on_pg,): (i64,) = sqlx::query_as(&count).fetch_one(&mut pg).await?;
        let (source_rows, target_rows) = if to_pg { (on_sqlite, on_pg) } else { (on_pg, on_sqlite) };
        report.tables.push(TableCheck {
            table: table.clone(),
            source_rows,
            target_rows,
            copied_now: !done.contains(table),
        });
    }
    let mut source = DigestConn::connect(&from.database).await?;
    let mut target = DigestConn::connect(&to.database).await?;
    let compared = consistency::compare_all(&mut source, &mut target).await;
    source.close().await;
    target.close().await;
    if to_pg {
        pg_load::restore_foreign_keys(&mut pg).await?;
    }
    report.differences = compared?;
    report.verified = report.differences.is_empty() && report.tables.iter().all(|t| t.source_rows == t.target_rows);
    if report.verified {
        // The copy is complete: the target is a store like any other.
        let drop = format!("DROP TABLE IF EXISTS {STATE_TABLE}");
        if to_pg {
            sqlx::query(&drop).execute(&mut pg).await?;
        } else {
            sqlx::query(&drop).execute(&mut sqlite).await?;
        }
    }
    sqlite.close().await.ok();
    pg.close().await.ok();
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// The tables an interrupted copy of `source_id` finished, or a refusal when the target holds
/// anything else. A fresh target holds only the `default` workspace its first migration made.
async fn check_target(mut target: Side<'_>, tables: &[String], source_id: &str) -> Result<Vec<String>> {
    // Read the state table only if it is there: a refused target must be left as it was.
    let exists = match &mut target {
        Side::Sqlite(c) => {
            let found: Option<(String,)> = sqlx::query_as("SELECT name FROM sqlite_master WHERE name = $1")
                .bind(STATE_TABLE)
                .fetch_optional(&mut **c)
                .await?;
            found.is_some()
        }
        Side::Postgres(c) => {
            let (found,): (bool,) =
                sqlx::query_as("SELECT to_regclass($1) IS NOT NULL").bind(STATE_TABLE).fetch_one(&mut **c).await?;
            found
        }
    };
    let read = format!("SELECT source, table_name FROM {STATE_TABLE}");
    let state: Vec<(String, String)> = match (&mut target, exists) {
        (_, false) => Vec::new(),
        (Side::Sqlite(c), true) => sqlx::query_as(&read).fetch_all(&mut **c).await?,
        (Side::Postgres(c), true) => sqlx::query_as(&read).fetch_all(&mut **c).await?,
    };
    if let Some((other, _)) = state.iter().find(|(s, _)| s != source_id) {
        return Err(StoreError::validation(
            "to",
            format!("the target holds an unfinished copy of another store ({other}); use an empty database"),
        ));
    }
    let done: Vec<String> = state.into_iter().map(|(_, t)| t).collect();
    for table in tables.iter().filter(|t| !done.contains(t)) {
        let sql = if table == "workspaces" {
            "SELECT COUNT(*) FROM workspaces WHERE name <> 'default'".to_string()
        } else {
            format!("SELECT COUNT(*) FROM {}", quote(table))
        };
        let (rows,): (i64,) = match &mut target {
            Side::Sqlite(c) => sqlx::query_as(&sql).fetch_one(&mut **c).await?,
            Side::Postgres(c) => sqlx::query_as(&sql).fetch_one(&mut **c).await?,
        };
        if rows > 0 {
            return Err(StoreError::validation(
                "to",
                format!("the target is not empty ({table} has {rows} rows); copy into an empty database"),
            ));
        }
    }
    let create = format!("CREATE TABLE IF NOT EXISTS {STATE_TABLE} (source TEXT NOT NULL, table_name TEXT NOT NULL)");
    match &mut target {
        Side::Sqlite(c) => {
            sqlx::query(&create).execute(&mut **c).await?;
        }
        Side::Postgres(c) => {
            sqlx::query(&create).execute(&mut **c).await?;
        }
    }
    Ok(done)
}

async fn mark_done_pg(conn: &mut PgConnection, source_id: &str, table: &str) -> Result<()> {
    sqlx::query(&format!("INSERT INTO {STATE_TABLE} (source, table_name) VALUES ($1, $2)"))
        .bind(source_id)
        .bind(table)
        .execute(conn)
        .await?;
    Ok(())
}

async fn mark_done_sqlite(conn: &mut SqliteConnection, source_id: &str, table: &str) -> Result<()> {
    sqlx::query(&format!("INSERT INTO {STATE_TABLE} (source, table_name) VALUES ($1, $2)"))
        .bind(source_id)
        .bind(table)
        .execute(conn)
        .await?;
    Ok(())
}

/// Text in COPY's text format: backslash escapes for what the format reads specially.
pub(super) fn copy_text(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    let mut plain_from = 0;
    for (at, &b) in bytes.iter().enumerate() {
        let escaped: &[u8] = match b {
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            _ => continue,
        };
        out.extend_from_slice(&bytes[plain_from..at]);
        out.extend_from_slice(escaped);
        plain_from = at + 1;
    }
    out.extend_from_slice(&bytes[plain_from..]);
}

/// One table from SQLite into PostgreSQL with COPY, in one transaction that also marks it done
/// and moves its sequences past the copied ids. The source is read on a thread of its own
/// (`copy_reader`).
///
/// With `words`, `commits` also gets its full-text columns: each commit's words and stems are
/// computed in Rust as it streams by (from its message and its changed paths, read in the same id
/// order), the rows go through a temporary table and one `INSERT … SELECT` turns the words into
/// `tsvector`s. Writing every commit once is several times faster than the `UPDATE` of every
/// commit a rebuild afterwards costs (a second version of each row and of each of its index
/// entries).
#[allow(clippy::too_many_arguments)]
async fn copy_table_to_pg(
    sqlite: &mut SqliteConnection,
    sqlite_path: &Path,
    pg: &mut PgConnection,
    table: &str,
    source_id: &str,
    words: bool,
    cancel: &CancelToken,
) -> Result<()> {
    let mut tx = pg.begin().await?;
    let columns = portable::columns(sqlite, &mut tx, table).await?;
    let list = portable::column_list(&columns);
    let words = words && columns.iter().any(|c| c.name == "message");
    // What triggers derive from the rows (change_text queues its commits for the change index) is
    // built in one pass after the load instead (`CHANGE_INDEX_STEP`).
    sqlx::query(&format!("ALTER TABLE {} DISABLE TRIGGER USER", quote(table))).execute(&mut *tx).await?;
    // A fresh target's seed rows (the `default` workspace) make way for the source's.
    sqlx::query(&format!("DELETE FROM {}", quote(table))).execute(&mut *tx).await?;
    // The row id names a bad value in errors (tables WITHOUT ROWID have none).
    let (definition,): (String,) = sqlx::query_as("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = $1")
        .bind(table)
        .fetch_one(&mut *sqlite)
        .await?;
    let has_rowid = !definition.to_ascii_uppercase().contains("WITHOUT ROWID");
    let indexes = pg_load::drop_indexes(&mut tx, table, false).await?;
    let copy_into = if words {
        sqlx::query(&format!(
            "CREATE TEMP TABLE copy_stage ON COMMIT DROP AS SELECT {list} FROM {} WITH NO DATA",
            quote(table)
        ))
        .execute(&mut *tx)
        .await?;
        sqlx::query("ALTER TABLE copy_stage ADD COLUMN words__ text, ADD COLUMN stems__ text")
            .execute(&mut *tx)
            .await?;
        format!("copy_stage ({list}, words__, stems__)")
    } else {
        format!("{} ({list})", quote(table))
    };
    let mut copy = tx.copy_in_raw(&format!("COPY {copy_into} FROM STDIN")).await?;
    let extra = if words { Extra::SearchWords } else { Extra::Nothing };
    let read = TableRead { path: sqlite_path.to_path_buf(), table: table.to_string(), columns, has_rowid, extra };
    let mut chunks = copy_reader::spawn(read, cancel.clone());
    let result: Result<()> = async {
        while let Some(chunk) = chunks.recv().await {
            let chunk = chunk?;
            cancel.check()?;
            if !chunk.rows.is_empty() {
                copy.send(chunk.rows).await?;
            }
        }
        Ok(())
    }
    .await;
    drop(chunks);
    if let Err(err) = result {
        copy.abort("copy stopped").await.ok();
        return Err(err);
    }
    copy.finish().await?;
    if words {
        sqlx::query(&format!(
            "INSERT INTO {} ({list}, search, stems) SELECT {list}, to_tsvector('simple', words__), \
             to_tsvector('simple', stems__) FROM copy_stage",
            quote(table)
        ))
        .execute(&mut *tx)
        .await?;
        mark_done_pg(&mut tx, source_id, SEARCH_STEP).await?;
    }
    sqlx::query(&format!("ALTER TABLE {} ENABLE TRIGGER USER", quote(table))).execute(&mut *tx).await?;
    pg_load::recreate_indexes(&mut tx, &indexes).await?;
    portable::reset_sequences(&mut tx, table).await?;
    mark_done_pg(&mut tx, source_id, table).await?;
    tx.commit().await?;
    Ok(())
}

/// One table from PostgreSQL into SQLite with multi-row inserts, in one transaction that also
/// marks it done. (The change-text index follows the copied rows by its triggers.)
async fn copy_table_to_sqlite(
    pg: &mut PgConnection,
    sqlite: &mut SqliteConnection,
    table: &str,
    source_id: &str,
    cancel: &CancelToken,
) -> Result<()> {
    let mut out = sqlite.begin().await?;
    let columns = portable::columns(&mut out, pg, table).await?;
    let list = portable::column_list(&columns);
    sqlx::query(&format!("DELETE FROM {}", quote(table))).execute(&mut *out).await?;
    let per_statement = portable::rows_per_statement(columns.len(), portable::SQLITE_MAX_PARAMS);
    let select = format!("SELECT {list} FROM {}", quote(table));
    let mut rows = sqlx::query(&select).fetch(&mut *pg);
    let mut pending: Vec<Vec<Value>> = Vec::with_capacity(per_statement);
    loop {
        let row = rows.try_next().await?;
        if let Some(row) = &row {
            pending.push(portable::read_pg(row, &columns)?);
        }
        if pending.len() == per_statement || (row.is_none() && !pending.is_empty()) {
            cancel.check()?;
            let mut qb = QueryBuilder::<sqlx::Sqlite>::new(format!("INSERT INTO {} ({list}) ", quote(table)));
            qb.push_values(pending.drain(..), |mut b, values| {
                for v in values {
                    portable::push_sqlite(&mut b, v);
                }
            });
            qb.build().execute(&mut *out).await?;
        }
        if row.is_none() {
            break;
        }
    }
    drop(rows);
    mark_done_sqlite(&mut out, source_id, table).await?;
    out.commit().await?;
    Ok(())
}

/// Large diffs live in the blob store, not the database: when the target has another blob store,
/// every external diff is carried over (one already there is left alone). Returns how many.
async fn carry_blobs(
    from: &StoreConfig,
    to: &StoreConfig,
    sqlite: &mut SqliteConnection,
    cancel: &CancelToken,
) -> Result<u64> {
    if from.blobs == to.blobs {
        return Ok(0);
    }
    let source = BlobStore::open(&from.blobs)?;
    let target = BlobStore::open(&to.blobs)?;
    let hashes: Vec<(String,)> =
        sqlx::query_as("SELECT sha256 FROM diff_blobs WHERE storage = 'external' ORDER BY sha256")
            .fetch_all(&mut *sqlite)
            .await?;
    let mut copied = 0;
    for (sha256,) in hashes {
        cancel.check()?;
        target.put(&sha256, source.get(&sha256).await?).await?;
        copied += 1;
    }
    Ok(copied)
}
