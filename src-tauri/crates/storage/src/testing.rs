//! Direct SQL beside a store, for tests and their fixtures only (the `repovault-testkit` crate):
//! a fresh PostgreSQL database, raw statements and rows on either backend, and a SQLite file at an
//! older schema version. Nothing in the app or the CLI calls it; it lives here because storage is
//! the one crate that talks to databases.

use std::path::Path;

use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{Connection, FromRow};

use crate::error::Result;
use crate::DatabaseLocation;

/// Rows both drivers can decode (tuples of integers and strings, for example).
pub trait RawRow: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}
impl<T> RawRow for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}

/// Creates the database `name` on the PostgreSQL server at `admin_url`; returns its URL.
pub async fn create_postgres_database(admin_url: &str, name: &str) -> Result<String> {
    let mut admin = sqlx::PgConnection::connect(admin_url).await?;
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await?;
    admin.close().await.ok();
    let base = admin_url.rsplit_once('/').map(|(base, _)| base).unwrap_or(admin_url);
    Ok(format!("{base}/{name}"))
}

enum RawConnection {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

async fn connect(database: &DatabaseLocation) -> Result<RawConnection> {
    Ok(match database {
        // sqlx's defaults (foreign keys on), as a plain client would open the file.
        DatabaseLocation::Sqlite(path) => {
            RawConnection::Sqlite(sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display())).await?)
        }
        DatabaseLocation::Postgres(url) => RawConnection::Postgres(sqlx::PgConnection::connect(url).await?),
    })
}

/// Runs raw SQL (one or more statements) on a database, outside any store.
pub async fn raw_execute(database: &DatabaseLocation, sql: &str) -> Result<()> {
    match connect(database).await? {
        RawConnection::Sqlite(mut conn) => {
            sqlx::raw_sql(sql).execute(&mut conn).await?;
            conn.close().await?;
        }
        RawConnection::Postgres(mut conn) => {
            sqlx::raw_sql(sql).execute(&mut conn).await?;
            conn.close().await?;
        }
    }
    Ok(())
}

/// Every row of a raw query on a database, read as `T`.
pub async fn raw_rows<T: RawRow>(database: &DatabaseLocation, sql: &str) -> Result<Vec<T>> {
    Ok(match connect(database).await? {
        RawConnection::Sqlite(mut conn) => {
            let rows = sqlx::query_as(sql).fetch_all(&mut conn).await?;
            conn.close().await?;
            rows
        }
        RawConnection::Postgres(mut conn) => {
            let rows = sqlx::query_as(sql).fetch_all(&mut conn).await?;
            conn.close().await?;
            rows
        }
    })
}

/// Creates the SQLite file `path` with this build's migrations up to `version` only: the database
/// of an older RepoVault (the same schema a backup of an older PostgreSQL store gets).
pub async fn sqlite_at_schema_version(path: &Path, version: i64) -> Result<()> {
    let conn = crate::snapshot::portable::create_sqlite_schema(path, version).await?;
    conn.close().await?;
    Ok(())
}
