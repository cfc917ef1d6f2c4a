//! A connection pool of our own beside the store (the `Store` trait does not expose its pool), and
//! one way to run the same portable SQL (`$N` placeholders) on either backend.

use std::time::Duration;

use repovault_storage::{DatabaseLocation, StoreConfig, StoreError};
use sqlx::postgres::{PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow};
use sqlx::FromRow;

use crate::error::Result;

/// A bound value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Bind {
    Int(i64),
    Text(String),
    OptInt(Option<i64>),
    OptText(Option<String>),
}

#[derive(Debug, Clone)]
pub(crate) enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Rows both drivers can decode.
pub(crate) trait AnyRow: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}
impl<T> AnyRow for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}

macro_rules! bind_all {
    ($query:expr, $binds:expr) => {{
        let mut q = $query;
        for bind in $binds {
            q = match bind {
                Bind::Int(v) => q.bind(*v),
                Bind::Text(v) => q.bind(v.as_str()),
                Bind::OptInt(v) => q.bind(*v),
                Bind::OptText(v) => q.bind(v.as_deref()),
            };
        }
        q
    }};
}

impl Db {
    /// Opens a pool on the store's database. The store has applied the migrations already.
    pub(crate) async fn open(config: &StoreConfig) -> Result<Db> {
        Ok(match &config.database {
            DatabaseLocation::Sqlite(path) => {
                let options = SqliteConnectOptions::new()
                    .filename(path)
                    .journal_mode(SqliteJournalMode::Wal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10));
                Db::Sqlite(SqlitePoolOptions::new().max_connections(4).connect_with(options).await?)
            }
            DatabaseLocation::Postgres(url) => {
                let pool = PgPoolOptions::new()
                    .max_connections(4)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(url)
                    .await
                    .map_err(|e| StoreError::Storage(format!("cannot connect to PostgreSQL: {e}")))?;
                Db::Postgres(pool)
            }
        })
    }

    pub(crate) async fn fetch_all<R: AnyRow>(&self, sql: &str, binds: &[Bind]) -> Result<Vec<R>> {
        Ok(match self {
            Db::Sqlite(pool) => bind_all!(sqlx::query_as::<_, R>(sql), binds).fetch_all(pool).await?,
            Db::Postgres(pool) => bind_all!(sqlx::query_as::<_, R>(sql), binds).fetch_all(pool).await?,
        })
    }

    pub(crate) async fn fetch_optional<R: AnyRow>(&self, sql: &str, binds: &[Bind]) -> Result<Option<R>> {
        Ok(match self {
            Db::Sqlite(pool) => bind_all!(sqlx::query_as::<_, R>(sql), binds).fetch_optional(pool).await?,
            Db::Postgres(pool) => bind_all!(sqlx::query_as::<_, R>(sql), binds).fetch_optional(pool).await?,
        })
    }

    pub(crate) async fn execute(&self, sql: &str, binds: &[Bind]) -> Result<u64> {
        Ok(match self {
            Db::Sqlite(pool) => bind_all!(sqlx::query(sql), binds).execute(pool).await?.rows_affected(),
            Db::Postgres(pool) => bind_all!(sqlx::query(sql), binds).execute(pool).await?.rows_affected(),
        })
    }

    pub(crate) async fn close(&self) {
        match self {
            Db::Sqlite(pool) => pool.close().await,
            Db::Postgres(pool) => pool.close().await,
        }
    }
}
