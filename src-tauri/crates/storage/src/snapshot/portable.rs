//! The portable form between backends: every backup holds a SQLite snapshot. A PostgreSQL store is
//! copied into one table by table (generic per-column copy in foreign-key order); a snapshot is
//! copied back into PostgreSQL the same way. Both schemas come from the storage crate's migrations,
//! which have the same versions on both backends, so the tables and columns correspond.

use std::borrow::Cow;
use std::path::Path;

use futures::TryStreamExt;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnection, PgRow};
use sqlx::query_builder::Separated;
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use sqlx::{Connection, QueryBuilder, Row};

use super::sqlite::{self as snapshot, quote};
use super::TableCount;
use crate::cancel::CancelToken;
use crate::error::{Result, StoreError};

/// Tables a restore leaves as they are: schedules belong to this installation, not to the data.
pub const KEPT_ON_RESTORE: &[&str] = &["backup_schedules", "mirror_config", "mirror_outbox"];
/// Rows per multi-row INSERT (bounded further by the parameter limits below).
const BATCH_ROWS: usize = 500;
const PG_MAX_PARAMS: usize = 65_000;
pub(crate) const SQLITE_MAX_PARAMS: usize = 30_000;

/// How a PostgreSQL column is read and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ColumnType {
    I16,
    I32,
    I64,
    Bool,
    Text,
    Bytes,
    F64,
}

#[derive(Debug, Clone)]
pub(crate) enum Value {
    I16(Option<i16>),
    I32(Option<i32>),
    I64(Option<i64>),
    Bool(Option<bool>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
    F64(Option<f64>),
}

#[derive(Debug, Clone)]
pub(crate) struct Column {
    pub(crate) name: String,
    pub(crate) kind: ColumnType,
}

/// Columns derived from others (full-text vectors) are rebuilt after a copy, never copied.
fn pg_column_type(table: &str, column: &str, data_type: &str) -> Result<Option<ColumnType>> {
    Ok(Some(match data_type {
        "smallint" => ColumnType::I16,
        "integer" => ColumnType::I32,
        "bigint" => ColumnType::I64,
        "boolean" => ColumnType::Bool,
        "text" | "character varying" | "character" => ColumnType::Text,
        "bytea" => ColumnType::Bytes,
        "double precision" | "real" => ColumnType::F64,
        "tsvector" => return Ok(None),
        other => {
            return Err(StoreError::validation(
                "schema",
                format!("column {table}.{column} has type {other}, which backups cannot copy yet"),
            ))
        }
    }))
}

/// The copied columns of a table: the SQLite snapshot's columns, typed by PostgreSQL.
pub(crate) async fn columns(sqlite: &mut SqliteConnection, pg: &mut PgConnection, table: &str) -> Result<Vec<Column>> {
    let pg_columns: Vec<(String, String)> = sqlx::query_as(
        "SELECT column_name::text, data_type::text FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(&mut *pg)
    .await?;
    let sqlite_columns: Vec<(String,)> = sqlx::query_as("SELECT name FROM pragma_table_info($1) ORDER BY cid")
        .bind(table)
        .fetch_all(&mut *sqlite)
        .await?;
    if pg_columns.is_empty() {
        return Err(StoreError::validation("schema", format!("PostgreSQL has no table {table}")));
    }
    let mut out = Vec::new();
    for (name,) in sqlite_columns {
        let (_, data_type) = pg_columns.iter().find(|(n, _)| *n == name).ok_or_else(|| {
            StoreError::validation("schema", format!("PostgreSQL table {table} has no column {name}"))
        })?;
        if let Some(kind) = pg_column_type(table, &name, data_type)? {
            out.push(Column { name, kind });
        }
    }
    for (name, data_type) in &pg_columns {
        if data_type != "tsvector" && !out.iter().any(|c| &c.name == name) {
            return Err(StoreError::validation("schema", format!("the snapshot's table {table} has no column {name}")));
        }
    }
    Ok(out)
}

pub(crate) fn column_list(columns: &[Column]) -> String {
    columns.iter().map(|c| quote(&c.name)).collect::<Vec<_>>().join(", ")
}

pub(crate) fn read_pg(row: &PgRow, columns: &[Column]) -> Result<Vec<Value>> {
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            Ok(match c.kind {
                ColumnType::I16 => Value::I16(row.try_get(i)?),
                ColumnType::I32 => Value::I32(row.try_get(i)?),
                ColumnType::I64 => Value::I64(row.try_get(i)?),
                ColumnType::Bool => Value::Bool(row.try_get(i)?),
                ColumnType::Text => Value::Text(row.try_get(i)?),
                ColumnType::Bytes => Value::Bytes(row.try_get(i)?),
                ColumnType::F64 => Value::F64(row.try_get(i)?),
            })
        })
        .collect()
}

fn read_sqlite(row: &SqliteRow, columns: &[Column]) -> Result<Vec<Value>> {
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let int = || -> Result<Option<i64>> { Ok(row.try_get::<Option<i64>, _>(i)?) };
            Ok(match c.kind {
                ColumnType::I16 => Value::I16(int()?.map(|v| v as i16)),
                ColumnType::I32 => Value::I32(int()?.map(|v| v as i32)),
                ColumnType::I64 => Value::I64(int()?),
                ColumnType::Bool => Value::Bool(int()?.map(|v| v != 0)),
                ColumnType::Text => Value::Text(row.try_get(i)?),
                ColumnType::Bytes => Value::Bytes(row.try_get(i)?),
                ColumnType::F64 => Value::F64(row.try_get(i)?),
            })
        })
        .collect()
}

fn push_pg<Sep: std::fmt::Display>(b: &mut Separated<'_, '_, sqlx::Postgres, Sep>, value: Value) {
    match value {
        Value::I16(v) => b.push_bind(v),
        Value::I32(v) => b.push_bind(v),
        Value::I64(v) => b.push_bind(v),
        Value::Bool(v) => b.push_bind(v),
        Value::Text(v) => b.push_bind(v),
        Value::Bytes(v) => b.push_bind(v),
        Value::F64(v) => b.push_bind(v),
    };
}

pub(crate) fn push_sqlite<Sep: std::fmt::Display>(b: &mut Separated<'_, '_, sqlx::Sqlite, Sep>, value: Value) {
    match value {
        Value::I16(v) => b.push_bind(v.map(i64::from)),
        Value::I32(v) => b.push_bind(v.map(i64::from)),
        Value::I64(v) => b.push_bind(v),
        Value::Bool(v) => b.push_bind(v.map(i64::from)),
        Value::Text(v) => b.push_bind(v),
        Value::Bytes(v) => b.push_bind(v),
        Value::F64(v) => b.push_bind(v),
    };
}

pub(crate) fn rows_per_statement(columns: usize, max_params: usize) -> usize {
    (max_params / columns.max(1)).clamp(1, BATCH_ROWS)
}

/// The newest applied migration of a PostgreSQL database (0 without any).
pub async fn pg_schema_version(pg: &mut PgConnection) -> Result<i64> {
    Ok(crate::schema::pg_applied_versions(pg).await?.into_iter().max().unwrap_or(0))
}

/// Creates an empty SQLite database at `path` with this build's SQLite migrations up to
/// `version`, so a snapshot of an older PostgreSQL schema has exactly that schema.
pub(crate) async fn create_sqlite_schema(path: &Path, version: i64) -> Result<SqliteConnection> {
    let latest = crate::schema::latest_version(&crate::sqlite::MIGRATOR);
    if version > latest {
        return Err(StoreError::SchemaTooNew { found: version, supported: latest });
    }
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .foreign_keys(false)
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Delete);
    let mut conn = sqlx::ConnectOptions::connect(&options).await?;
    // The migrator's fields are public (sqlx builds it in a const context); keeping only the
    // migrations up to `version` reproduces the source's schema.
    let migrations: Vec<_> = crate::sqlite::MIGRATOR.iter().filter(|m| m.version <= version).cloned().collect();
    let migrator = Migrator { migrations: Cow::Owned(migrations), ignore_missing: false, locking: false, no_tx: false };
    migrator.run(&mut conn).await?;
    Ok(conn)
}

/// Copies every app table of the PostgreSQL database at `url` into a new SQLite file `target`,
/// inside one repeatable-read transaction (a consistent view while the store keeps writing).
/// Returns the source's schema version.
pub async fn pg_to_sqlite(url: &str, target: &Path, cancel: &CancelToken) -> Result<i64> {
    let mut pg = PgConnection::connect(url).await.map_err(|e| {
        StoreError::Storage(format!("cannot connect to {}: {e}", crate::postgres::redact_password(url)))
    })?;
    let mut tx = pg.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute(&mut *tx).await?;
    let version = pg_schema_version(&mut tx).await?;
    let mut sqlite = create_sqlite_schema(target, version).await?;
    let tables = snapshot::app_tables(&mut sqlite).await?;
    let mut out = sqlite.begin().await?;
    for table in tables.iter().rev() {
        sqlx::query(&format!("DELETE FROM {}", quote(table))).execute(&mut *out).await?;
    }
    for table in &tables {
        cancel.check()?;
        let columns = columns(&mut out, &mut tx, table).await?;
        let list = column_list(&columns);
        let per_statement = rows_per_statement(columns.len(), SQLITE_MAX_PARAMS);
        let select = format!("SELECT {list} FROM {}", quote(table));
        let mut rows = sqlx::query(&select).fetch(&mut *tx);
        let mut pending: Vec<Vec<Value>> = Vec::with_capacity(per_statement);
        let mut copied = 0i64;
        loop {
            let row = rows.try_next().await?;
            if let Some(row) = &row {
                pending.push(read_pg(row, &columns)?);
            }
            if pending.len() == per_statement || (row.is_none() && !pending.is_empty()) {
                cancel.check()?;
                copied += pending.len() as i64;
                let mut qb = QueryBuilder::<sqlx::Sqlite>::new(format!("INSERT INTO {} ({list}) ", quote(table)));
                qb.push_values(pending.drain(..), |mut b, values| {
                    for v in values {
                        push_sqlite(&mut b, v);
                    }
                });
                qb.build().execute(&mut *out).await?;
            }
            if row.is_none() {
                break;
            }
        }
        drop(rows);
        let (source_rows,): (i64,) =
            sqlx::query_as(&format!("SELECT COUNT(*) FROM {}", quote(table))).fetch_one(&mut *tx).await?;
        if source_rows != copied {
            return Err(StoreError::Storage(format!(
                "{table}: read {copied} rows but PostgreSQL counts {source_rows}"
            )));
        }
    }
    rebuild_sqlite_search(&mut out).await?;
    out.commit().await?;
    tx.rollback().await.ok();
    sqlite.close().await.ok();
    pg.close().await.ok();
    Ok(version)
}

/// Fills the FTS5 table from the copied rows, as the storage crate's `refresh_search` (sqlite.rs)
/// does, or migration 3 for a snapshot from before the stemmed index; and the change index from
/// the copied `change_text` rows that its triggers queued.
pub(crate) async fn rebuild_sqlite_search(conn: &mut SqliteConnection) -> Result<()> {
    let exists: Option<(String,)> = sqlx::query_as("SELECT name FROM sqlite_master WHERE name = 'commit_search'")
        .fetch_optional(&mut *conn)
        .await?;
    if exists.is_none() {
        return Ok(());
    }
    sqlx::query("DELETE FROM commit_search").execute(&mut *conn).await?;
    let queue: Option<(String,)> = sqlx::query_as("SELECT name FROM sqlite_master WHERE name = 'change_index_queue'")
        .fetch_optional(&mut *conn)
        .await?;
    if queue.is_some() {
        // The store's own indexing step, a bounded piece at a time (each piece's lines and their
        // sequences are held in memory while it is indexed).
        while <crate::sqlite::SqliteStore as crate::sql::Dialect>::index_queued_changes(
            &mut *conn,
            crate::search_index::REINDEX_CHUNK,
            crate::change_grams::INDEX_PIECE_BYTES,
        )
        .await?
            > 0
        {}
    }
    let stemmed: Option<(String,)> =
        sqlx::query_as("SELECT name FROM pragma_table_info('commit_search') WHERE name = 'stems'")
            .fetch_optional(&mut *conn)
            .await?;
    if stemmed.is_none() {
        sqlx::query(
            "INSERT INTO commit_search (rowid, message, paths) SELECT c.id, c.message, \
             COALESCE((SELECT group_concat(f.path, ' ') FROM file_changes f WHERE f.commit_id = c.id), '') \
             FROM commits c",
        )
        .execute(&mut *conn)
        .await?;
        return Ok(());
    }
    rebuild_words!(sqlx::Sqlite, crate::sqlite::SqliteStore, conn);
    Ok(())
}

/// Recomputes the words and stems of every copied commit in chunks, through the backend's
/// `refresh_search` (the words are computed in Rust, see `search_text`).
macro_rules! rebuild_words {
    ($db:ty, $store:ty, $conn:expr) => {{
        use crate::sql::Dialect;
        let mut after = 0i64;
        loop {
            let commits: Vec<(i64, String)> =
                sqlx::query_as("SELECT id, message FROM commits WHERE id > $1 ORDER BY id LIMIT 1000")
                    .bind(after)
                    .fetch_all(&mut *$conn)
                    .await?;
            let Some(last) = commits.last() else { break };
            let (low, high) = (commits[0].0, last.0);
            after = high;
            let paths: Vec<(i64, String)> = sqlx::query_as(
                "SELECT commit_id, path FROM file_changes WHERE commit_id BETWEEN $1 AND $2 ORDER BY commit_id, position",
            )
            .bind(low)
            .bind(high)
            .fetch_all(&mut *$conn)
            .await?;
            let mut by_commit: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
            for (id, path) in paths {
                by_commit.entry(id).or_default().push(path);
            }
            let rows: Vec<crate::sql::SearchRow<'_>> = commits
                .iter()
                .map(|(id, message)| {
                    let paths = by_commit.get(id).map(Vec::as_slice).unwrap_or_default();
                    crate::sql::SearchRow {
                        id: *id,
                        message: message.as_str(),
                        paths: paths.join(" "),
                        words: crate::search_text::IndexedWords::of(message, paths.iter().map(String::as_str)),
                    }
                })
                .collect();
            <$store as Dialect>::refresh_search(&mut *$conn, &rows, false).await?;
        }
    }};
}
use rebuild_words;

/// Replaces the rows of every app table of the PostgreSQL database at `url` (except
/// `KEPT_ON_RESTORE`) with those of the SQLite snapshot, in one transaction: on any error nothing
/// changes. Both must have the same schema version (the caller migrates both first). Identity
/// sequences continue after the copied ids; the full-text column is recomputed.
pub async fn sqlite_to_pg(snapshot: &Path, url: &str, cancel: &CancelToken) -> Result<Vec<TableCount>> {
    let mut sqlite = snapshot::connect(snapshot, true).await?;
    let mut pg = PgConnection::connect(url).await?;
    let source_version = snapshot::schema_version(&mut sqlite).await?;
    let target_version = pg_schema_version(&mut pg).await?;
    if source_version != target_version {
        return Err(StoreError::validation(
            "schema",
            format!("the snapshot has schema {source_version} and PostgreSQL {target_version}; migrate both first"),
        ));
    }
    let tables: Vec<String> = snapshot::app_tables(&mut sqlite)
        .await?
        .into_iter()
        .filter(|t| !KEPT_ON_RESTORE.contains(&t.as_str()))
        .collect();
    let mut tx = pg.begin().await?;
    if !tables.is_empty() {
        // The change index is derived from copied tables (built again below) and must be emptied
        // with them (TRUNCATE refuses a table that another, not truncated, references).
        let derived: Vec<(String,)> = sqlx::query_as(
            "SELECT t FROM unnest(ARRAY['change_index_queue', 'change_gram_blocks', 'change_gram_segments']) t \
             WHERE to_regclass(t) IS NOT NULL",
        )
        .fetch_all(&mut *tx)
        .await?;
        let list = tables.iter().chain(derived.iter().map(|(t,)| t)).map(|t| quote(t)).collect::<Vec<_>>().join(", ");
        sqlx::query(&format!("TRUNCATE {list} RESTART IDENTITY")).execute(&mut *tx).await?;
    }
    let mut counts = Vec::new();
    for table in &tables {
        cancel.check()?;
        let columns = columns(&mut sqlite, &mut tx, table).await?;
        let list = column_list(&columns);
        let per_statement = rows_per_statement(columns.len(), PG_MAX_PARAMS);
        let select = format!("SELECT {list} FROM {}", quote(table));
        let mut rows = sqlx::query(&select).fetch(&mut sqlite);
        let mut pending: Vec<Vec<Value>> = Vec::with_capacity(per_statement);
        let mut copied = 0i64;
        loop {
            let row = rows.try_next().await?;
            if let Some(row) = &row {
                pending.push(read_sqlite(row, &columns)?);
            }
            if pending.len() == per_statement || (row.is_none() && !pending.is_empty()) {
                cancel.check()?;
                copied += pending.len() as i64;
                let mut qb = QueryBuilder::<sqlx::Postgres>::new(format!("INSERT INTO {} ({list}) ", quote(table)));
                qb.push_values(pending.drain(..), |mut b, values| {
                    for v in values {
                        push_pg(&mut b, v);
                    }
                });
                qb.build().execute(&mut *tx).await?;
            }
            if row.is_none() {
                break;
            }
        }
        drop(rows);
        counts.push(TableCount { table: table.clone(), rows: copied });
        // Serial and identity columns continue after the highest copied id.
        reset_sequences(&mut tx, table).await?;
    }
    rebuild_pg_search(&mut tx).await?;
    index_pg_changes(&mut tx).await?;
    tx.commit().await?;
    sqlite.close().await.ok();
    pg.close().await.ok();
    Ok(counts)
}

/// Recomputes the commits' search vectors, as the storage crate's `refresh_search`
/// (postgres.rs) does, or migration 3 for a schema from before the stemmed index.
pub(crate) async fn rebuild_pg_search(pg: &mut PgConnection) -> Result<()> {
    let columns: Vec<(String,)> = sqlx::query_as(
        "SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() \
         AND table_name = 'commits' AND column_name IN ('search', 'stems')",
    )
    .fetch_all(&mut *pg)
    .await?;
    if columns.iter().any(|(c,)| c == "stems") {
        rebuild_words!(sqlx::Postgres, crate::postgres::PgStore, pg);
    } else if !columns.is_empty() {
        sqlx::query(
            "UPDATE commits c SET search = to_tsvector('simple', c.message || ' ' || translate( \
             COALESCE((SELECT string_agg(f.path, ' ') FROM file_changes f WHERE f.commit_id = c.id), ''), '/._-', '    '))",
        )
        .execute(&mut *pg)
        .await?;
    }
    Ok(())
}

/// Commits per step of [`index_pg_changes`] (each step is also bounded by 16 MiB of lines): fewer,
/// larger segments than an import's steps, as the whole store is indexed at once.
const BULK_INDEX_COMMITS: i64 = 5_000;

/// Builds PostgreSQL's change index again from every stored change text (rows loaded with their
/// triggers off queued nothing), a bounded piece at a time, as an import's last step does.
pub(crate) async fn index_pg_changes(pg: &mut PgConnection) -> Result<()> {
    let (exists,): (bool,) =
        sqlx::query_as("SELECT to_regclass('change_index_queue') IS NOT NULL").fetch_one(&mut *pg).await?;
    if !exists {
        return Ok(());
    }
    // (Blocks first: a store copy sets the foreign keys aside meanwhile, so nothing cascades.)
    sqlx::query("DELETE FROM change_gram_blocks").execute(&mut *pg).await?;
    sqlx::query("DELETE FROM change_gram_segments").execute(&mut *pg).await?;
    sqlx::query("INSERT INTO change_index_queue (commit_id) SELECT commit_id FROM change_text ON CONFLICT DO NOTHING")
        .execute(&mut *pg)
        .await?;
    // Freshly loaded tables have no statistics: without them each step's look-up of the queue
    // was planned as a scan of everything.
    sqlx::query("ANALYZE change_index_queue, change_text, commits, repositories").execute(&mut *pg).await?;
    while <crate::postgres::PgStore as crate::sql::Dialect>::index_queued_changes(
        &mut *pg,
        BULK_INDEX_COMMITS,
        crate::change_grams::INDEX_PIECE_BYTES,
    )
    .await?
        > 0
    {}
    Ok(())
}

/// Serial and identity columns continue after the highest copied id (an empty table's start at 1).
pub(super) async fn reset_sequences(pg: &mut PgConnection, table: &str) -> Result<()> {
    let serials: Vec<(String,)> = sqlx::query_as(
        "SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() \
         AND table_name = $1 AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')",
    )
    .bind(table)
    .fetch_all(&mut *pg)
    .await?;
    for (column,) in serials {
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(MAX({c}), 1), MAX({c}) IS NOT NULL) FROM {t}",
            c = quote(&column),
            t = quote(table)
        ))
        .bind(quote(table))
        .bind(&column)
        .execute(&mut *pg)
        .await?;
    }
    Ok(())
}
