//! Canonical row hashing: the same store on SQLite and on PostgreSQL gives the same digests.
//!
//! The two engines render values as text differently (booleans, integers of several widths,
//! bytes), so nothing is hashed in SQL: every table's rows are read as typed values on either
//! backend, keyed by natural keys (repository and workspace names, commit hashes, positions —
//! never the surrogate ids, which differ between two databases), encoded canonically and hashed
//! in Rust. A table's digest is the wrapping sum of its rows' 128-bit hashes (a multiset hash),
//! so it does not depend on the order rows come back in, and the same sum per bucket (rows
//! grouped by the first hex digit of their commit hash) narrows a difference down to the commits
//! that differ without reading everything twice.
//!
//! Hashed: what a mirror must hold to answer like the primary. Not hashed: caches the store
//! rebuilds (reachability, graph layouts, the full-text tables), the local audit log, and
//! bookkeeping times a replay sets anew (`stored_at`, sync times, schedule run state).

mod tables;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use futures::TryStreamExt;
use rusqlite::types::ValueRef;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::postgres::{PgConnection, PgRow};
use sqlx::{Connection, Row};
use ts_rs::TS;

use crate::bulk_read;
use crate::error::{Result, StoreError};
use crate::DatabaseLocation;
pub use tables::{TableSpec, COMMIT_TABLES, GLOBAL_TABLES, REPOSITORY_TABLES};

/// How many leading hex digits of a commit hash name a bucket (16 buckets).
pub const BUCKET_PREFIX_LEN: usize = 1;
/// The bucket of rows that belong to no commit (a repository's row, its refs, analysis runs).
pub const NO_COMMIT_BUCKET: &str = "-";

/// How a column is read on both backends and encoded for hashing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Any integer width (SQLite INTEGER; PostgreSQL SMALLINT, INTEGER or BIGINT).
    Int,
    /// SQLite 0/1, PostgreSQL BOOLEAN.
    Bool,
    Text,
    Bytes,
}

/// One column value, typed, as both backends read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(i64),
    Bool(bool),
    Text(String),
    Bytes(Vec<u8>),
}

impl Value {
    /// Appends the canonical encoding: a tag byte, then a fixed-width or length-prefixed body,
    /// so no two different rows encode alike.
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Value::Null => out.push(0),
            Value::Int(v) => {
                out.push(1);
                out.extend_from_slice(&v.to_be_bytes());
            }
            Value::Bool(v) => out.extend_from_slice(&[2, u8::from(*v)]),
            Value::Text(v) => {
                out.push(3);
                out.extend_from_slice(&(v.len() as u64).to_be_bytes());
                out.extend_from_slice(v.as_bytes());
            }
            Value::Bytes(v) => {
                out.push(4);
                out.extend_from_slice(&(v.len() as u64).to_be_bytes());
                out.extend_from_slice(v);
            }
        }
    }
}

/// The 128-bit hash of one row of `table`.
pub fn row_hash(table: &str, values: &[Value]) -> u128 {
    let mut bytes = Vec::with_capacity(256);
    bytes.extend_from_slice(table.as_bytes());
    bytes.push(0);
    for v in values {
        v.encode(&mut bytes);
    }
    let digest = Sha256::digest(&bytes);
    u128::from_be_bytes(digest[..16].try_into().expect("16 bytes"))
}

fn hex128(v: u128) -> String {
    format!("{v:032x}")
}

/// Rows and their combined hash.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Sum {
    rows: i64,
    hash: u128,
}

impl Sum {
    fn add(&mut self, hash: u128) {
        self.rows += 1;
        self.hash = self.hash.wrapping_add(hash);
    }
}

/// One bucket of a table: rows whose commit hash starts with `prefix` (or `-`: no commit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BucketDigest {
    pub prefix: String,
    #[ts(type = "number")]
    pub rows: i64,
    /// 32 hex digits.
    pub hash: String,
}

/// One table of a scope: its row count, its digest and its non-empty buckets by prefix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TableDigest {
    pub table: String,
    #[ts(type = "number")]
    pub rows: i64,
    pub hash: String,
    pub buckets: Vec<BucketDigest>,
}

/// The digests of one repository's tables (`repository: Some`) or of the tables that belong to
/// no repository (`None`: workspaces, saved queries, backup schedules).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ScopeDigest {
    pub repository: Option<String>,
    pub tables: Vec<TableDigest>,
}

/// What differs in one table between two stores, narrowed to commits where the table has them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TableDifference {
    pub repository: Option<String>,
    pub table: String,
    #[ts(type = "number")]
    pub primary_rows: i64,
    #[ts(type = "number")]
    pub mirror_rows: i64,
    /// The buckets whose digests differ.
    pub buckets: Vec<String>,
    /// The commits whose rows in this table differ (missing on one side, or different), by hash.
    pub commits: Vec<String>,
}

/// A connection to either backend, for reading digests (opened beside any store). A SQLite file
/// is read with rusqlite on a blocking thread per table (`bulk_read`).
pub enum DigestConn {
    Sqlite(PathBuf),
    Postgres(PgConnection),
}

/// Rows and their hashes cross from the reading thread this many at a time.
const HASH_BATCH: usize = 4096;

impl DigestConn {
    /// A read connection to the database at `location` (a SQLite file is opened read-only).
    pub async fn connect(location: &DatabaseLocation) -> Result<DigestConn> {
        Ok(match location {
            DatabaseLocation::Sqlite(path) => {
                // Opened once now, so that a missing file is an error here rather than later.
                let check = path.clone();
                blocking(move || bulk_read::open(&check).map(drop)).await?;
                DigestConn::Sqlite(path.clone())
            }
            DatabaseLocation::Postgres(url) => DigestConn::Postgres(PgConnection::connect(url).await.map_err(|e| {
                StoreError::Storage(format!("cannot connect to {}: {e}", crate::postgres::redact_password(url)))
            })?),
        })
    }

    pub async fn close(self) {
        match self {
            DigestConn::Sqlite(_) => {}
            DigestConn::Postgres(c) => c.close().await.unwrap_or_default(),
        };
    }

    /// Every repository name, sorted.
    pub async fn repository_names(&mut self) -> Result<Vec<String>> {
        let sql = "SELECT name FROM repositories ORDER BY name";
        let mut names: Vec<String> = match self {
            DigestConn::Sqlite(path) => {
                let path = path.clone();
                blocking(move || {
                    let conn = bulk_read::open(&path)?;
                    let mut statement = conn.prepare(sql).map_err(bulk_read::error)?;
                    let names = statement.query_map([], |row| row.get(0)).map_err(bulk_read::error)?;
                    names.collect::<rusqlite::Result<Vec<String>>>().map_err(bulk_read::error)
                })
                .await?
            }
            DigestConn::Postgres(c) => {
                let names: Vec<(String,)> = sqlx::query_as(sql).fetch_all(c).await?;
                names.into_iter().map(|(n,)| n).collect()
            }
        };
        // Byte order, not the engines' collations, so both sides list alike.
        names.sort();
        Ok(names)
    }

    /// Streams the rows of `spec` (optionally only the commits whose hash starts with `prefix`)
    /// into `each(commit_hash_or_empty, row_hash)`.
    async fn for_each_row(
        &mut self,
        spec: &TableSpec,
        repository: Option<&str>,
        prefix: Option<&str>,
        mut each: impl FnMut(String, u128) + Send,
    ) -> Result<()> {
        let sql = spec.select(repository.is_some(), prefix.map(str::len));
        let binds: Vec<String> = repository.into_iter().chain(prefix).map(str::to_string).collect();
        match self {
            DigestConn::Sqlite(path) => {
                let (tx, mut rx) = tokio::sync::mpsc::channel(4);
                let (path, spec) = (path.clone(), *spec);
                tokio::task::spawn_blocking(move || {
                    if let Err(err) = hash_sqlite_rows(&path, &sql, &binds, &spec, &tx) {
                        tx.blocking_send(Err(err)).ok();
                    }
                });
                while let Some(batch) = rx.recv().await {
                    for (key, hash) in batch? {
                        each(key, hash);
                    }
                }
            }
            DigestConn::Postgres(c) => {
                let mut query = sqlx::query(&sql);
                for value in &binds {
                    query = query.bind(value);
                }
                let mut rows = query.fetch(&mut *c);
                while let Some(row) = rows.try_next().await? {
                    let key: Option<String> = row.try_get(0)?;
                    let values = decode_pg(&row, spec)?;
                    each(key.unwrap_or_default(), row_hash(spec.name, &values));
                }
            }
        }
        Ok(())
    }

    /// The digests of one repository's tables, or (`None`) of the tables outside repositories.
    /// A repository the store does not have gives empty tables.
    pub async fn scope_digest(&mut self, repository: Option<&str>) -> Result<ScopeDigest> {
        let specs: &[TableSpec] = if repository.is_some() { REPOSITORY_TABLES } else { GLOBAL_TABLES };
        let mut tables = Vec::with_capacity(specs.len());
        for spec in specs {
            let mut total = Sum::default();
            let mut buckets: BTreeMap<String, Sum> = BTreeMap::new();
            self.for_each_row(spec, repository, None, |key, hash| {
                total.add(hash);
                buckets.entry(bucket_of(&key)).or_default().add(hash);
            })
            .await?;
            tables.push(TableDigest {
                table: spec.name.to_string(),
                rows: total.rows,
                hash: hex128(total.hash),
                buckets: buckets
                    .into_iter()
                    .map(|(prefix, s)| BucketDigest { prefix, rows: s.rows, hash: hex128(s.hash) })
                    .collect(),
            });
        }
        Ok(ScopeDigest { repository: repository.map(str::to_string), tables })
    }

    /// Per commit whose hash starts with `prefix`: the digest of its rows in `table` (a
    /// commit-keyed table), to narrow a differing bucket to commits.
    pub async fn commit_digests(
        &mut self,
        repository: &str,
        table: &str,
        prefix: &str,
    ) -> Result<BTreeMap<String, String>> {
        let spec = REPOSITORY_TABLES
            .iter()
            .find(|s| s.name == table && s.per_commit)
            .ok_or_else(|| StoreError::validation("table", format!("{table} is not a table of commits")))?;
        if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(StoreError::validation("prefix", "must be hex digits"));
        }
        let mut sums: BTreeMap<String, Sum> = BTreeMap::new();
        self.for_each_row(spec, Some(repository), Some(&prefix.to_ascii_lowercase()), |key, hash| {
            sums.entry(key).or_default().add(hash);
        })
        .await?;
        Ok(sums.into_iter().map(|(k, s)| (k, format!("{}:{}", s.rows, hex128(s.hash)))).collect())
    }
}

fn bucket_of(key: &str) -> String {
    if key.is_empty() {
        NO_COMMIT_BUCKET.to_string()
    } else {
        key.chars().take(BUCKET_PREFIX_LEN).collect::<String>().to_ascii_lowercase()
    }
}

/// Runs a blocking read on its own thread.
async fn blocking<T: Send + 'static>(read: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(read)
        .await
        .map_err(|e| StoreError::Storage(format!("reading the SQLite database stopped: {e}")))?
}

/// The rows of `spec` in a SQLite file, hashed on this (blocking) thread and sent in batches of
/// (commit hash or "", row hash). Values are read as `decode_pg` reads them on PostgreSQL.
fn hash_sqlite_rows(
    path: &Path,
    sql: &str,
    binds: &[String],
    spec: &TableSpec,
    tx: &tokio::sync::mpsc::Sender<Result<Vec<(String, u128)>>>,
) -> Result<()> {
    let conn = bulk_read::open(path)?;
    let mut statement = conn.prepare(sql).map_err(bulk_read::error)?;
    let mut rows = statement.query(rusqlite::params_from_iter(binds)).map_err(bulk_read::error)?;
    let mut batch = Vec::with_capacity(HASH_BATCH);
    let mut values = Vec::with_capacity(spec.columns.len());
    while let Some(row) = rows.next().map_err(bulk_read::error)? {
        let key: Option<String> = row.get(0).map_err(bulk_read::error)?;
        values.clear();
        for (i, (column, kind)) in spec.columns.iter().enumerate() {
            let value = row.get_ref(i + 1).map_err(bulk_read::error)?;
            values.push(match (kind, value) {
                (_, ValueRef::Null) => Value::Null,
                (Kind::Int, ValueRef::Integer(v)) => Value::Int(v),
                (Kind::Bool, ValueRef::Integer(v)) => Value::Bool(v != 0),
                (Kind::Text, ValueRef::Text(text)) => Value::Text(
                    String::from_utf8(text.to_vec())
                        .map_err(|e| StoreError::Storage(format!("{}.{column} is not UTF-8: {e}", spec.name)))?,
                ),
                (Kind::Bytes, ValueRef::Blob(bytes) | ValueRef::Text(bytes)) => Value::Bytes(bytes.to_vec()),
                (kind, other) => {
                    return Err(StoreError::Storage(format!(
                        "{}.{column} holds a {:?} value where {kind:?} belongs",
                        spec.name,
                        other.data_type()
                    )))
                }
            });
        }
        batch.push((key.unwrap_or_default(), row_hash(spec.name, &values)));
        if batch.len() == HASH_BATCH && tx.blocking_send(Ok(std::mem::take(&mut batch))).is_err() {
            return Ok(()); // the reader went away
        }
    }
    if !batch.is_empty() {
        tx.blocking_send(Ok(batch)).ok();
    }
    Ok(())
}

fn decode_pg(row: &PgRow, spec: &TableSpec) -> Result<Vec<Value>> {
    let mut out = Vec::with_capacity(spec.columns.len());
    for (i, (_, kind)) in spec.columns.iter().enumerate() {
        let i = i + 1;
        out.push(match kind {
            Kind::Int => pg_int(row, i)?.map_or(Value::Null, Value::Int),
            Kind::Bool => match row.try_get::<Option<bool>, _>(i) {
                Ok(v) => v.map_or(Value::Null, Value::Bool),
                Err(_) => pg_int(row, i)?.map_or(Value::Null, |v| Value::Bool(v != 0)),
            },
            Kind::Text => row.try_get::<Option<String>, _>(i)?.map_or(Value::Null, Value::Text),
            Kind::Bytes => row.try_get::<Option<Vec<u8>>, _>(i)?.map_or(Value::Null, Value::Bytes),
        });
    }
    Ok(out)
}

/// An integer of whatever width the column has.
fn pg_int(row: &PgRow, i: usize) -> Result<Option<i64>> {
    if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
        return Ok(v);
    }
    if let Ok(v) = row.try_get::<Option<i32>, _>(i) {
        return Ok(v.map(i64::from));
    }
    Ok(row.try_get::<Option<i16>, _>(i)?.map(i64::from))
}

/// What differs between two scope digests (tables compared by name).
pub fn differing_tables(primary: &ScopeDigest, mirror: &ScopeDigest) -> Vec<TableDifference> {
    let mut out = Vec::new();
    for p in &primary.tables {
        let empty = TableDigest { table: p.table.clone(), rows: 0, hash: hex128(0), buckets: Vec::new() };
        let m = mirror.tables.iter().find(|m| m.table == p.table).unwrap_or(&empty);
        if p.rows == m.rows && p.hash == m.hash {
            continue;
        }
        let mut buckets: Vec<String> = Vec::new();
        for b in p.buckets.iter().chain(&m.buckets) {
            let in_p = p.buckets.iter().find(|x| x.prefix == b.prefix);
            let in_m = m.buckets.iter().find(|x| x.prefix == b.prefix);
            if in_p != in_m && !buckets.contains(&b.prefix) {
                buckets.push(b.prefix.clone());
            }
        }
        buckets.sort();
        out.push(TableDifference {
            repository: primary.repository.clone(),
            table: p.table.clone(),
            primary_rows: p.rows,
            mirror_rows: m.rows,
            buckets,
            commits: Vec::new(),
        });
    }
    out
}

/// Compares one scope (a repository, or `None` for the tables outside repositories) on two
/// databases and narrows every differing bucket of a commit table to the differing commits.
pub async fn compare_scope(
    primary: &mut DigestConn,
    mirror: &mut DigestConn,
    repository: Option<&str>,
) -> Result<Vec<TableDifference>> {
    // The two databases read and hash at once: a check costs the slower side, not both.
    let (a, b) = futures::future::try_join(primary.scope_digest(repository), mirror.scope_digest(repository)).await?;
    let mut differences = differing_tables(&a, &b);
    if let Some(repository) = repository {
        for difference in &mut differences {
            let per_commit = REPOSITORY_TABLES.iter().any(|s| s.name == difference.table && s.per_commit);
            if !per_commit {
                continue;
            }
            for prefix in difference.buckets.clone() {
                if prefix == NO_COMMIT_BUCKET {
                    continue;
                }
                let left = primary.commit_digests(repository, &difference.table, &prefix).await?;
                let right = mirror.commit_digests(repository, &difference.table, &prefix).await?;
                for hash in left.keys().chain(right.keys()) {
                    if left.get(hash) != right.get(hash) && !difference.commits.contains(hash) {
                        difference.commits.push(hash.clone());
                    }
                }
            }
            difference.commits.sort();
        }
    }
    Ok(differences)
}

/// Compares every repository either database has, and the tables outside repositories.
pub async fn compare_all(primary: &mut DigestConn, mirror: &mut DigestConn) -> Result<Vec<TableDifference>> {
    let mut names = primary.repository_names().await?;
    for name in mirror.repository_names().await? {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names.sort();
    let mut out = compare_scope(primary, mirror, None).await?;
    for name in &names {
        out.extend(compare_scope(primary, mirror, Some(name)).await?);
    }
    Ok(out)
}
