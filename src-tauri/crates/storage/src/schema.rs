//! Schema versions: which migrations this build knows, which a database has, and the rule that a
//! database newer than the app is refused before anything touches it.

use sqlx::migrate::Migrator;
use sqlx::postgres::PgConnection;
use sqlx::sqlite::SqliteConnection;

use crate::error::{Result, StoreError};
use crate::model::MigrationState;
use crate::DatabaseLocation;

const APPLIED_VERSIONS: &str = "SELECT version FROM _sqlx_migrations WHERE success ORDER BY version";

/// The migrations applied to a SQLite database (none when it has no migrations table).
pub async fn sqlite_applied_versions(conn: &mut SqliteConnection) -> Result<Vec<i64>> {
    let table: Option<(String,)> =
        sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'")
            .fetch_optional(&mut *conn)
            .await?;
    if table.is_none() {
        return Ok(Vec::new());
    }
    let rows: Vec<(i64,)> = sqlx::query_as(APPLIED_VERSIONS).fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().map(|(v,)| v).collect())
}

/// The migrations applied to a PostgreSQL database's current schema (none without the table).
pub async fn pg_applied_versions(conn: &mut PgConnection) -> Result<Vec<i64>> {
    let table: Option<(i32,)> = sqlx::query_as(
        "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations'",
    )
    .fetch_optional(&mut *conn)
    .await?;
    if table.is_none() {
        return Ok(Vec::new());
    }
    let rows: Vec<(i64,)> = sqlx::query_as(APPLIED_VERSIONS).fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().map(|(v,)| v).collect())
}

/// Whether a database has data and a migration this build knows but the database has not applied:
/// then a backup should come before migrating. A database that does not exist yet (or has no
/// migration applied) has nothing to protect. Opens its own short connection, read-only on SQLite.
pub async fn migration_pending(database: &DatabaseLocation) -> Result<bool> {
    let (migrator, applied) = match database {
        DatabaseLocation::Sqlite(path) => {
            if !path.exists() {
                return Ok(false);
            }
            let mut conn = crate::snapshot::sqlite::connect(path, true).await?;
            let applied = sqlite_applied_versions(&mut conn).await;
            sqlx::Connection::close(conn).await.ok();
            (&crate::sqlite::MIGRATOR, applied?)
        }
        DatabaseLocation::Postgres(url) => {
            let mut conn = <PgConnection as sqlx::Connection>::connect(url).await?;
            let applied = pg_applied_versions(&mut conn).await;
            sqlx::Connection::close(conn).await.ok();
            (&crate::postgres::MIGRATOR, applied?)
        }
    };
    Ok(!applied.is_empty() && migrator.iter().any(|m| !applied.contains(&m.version)))
}

/// The newest schema version this build can run.
pub fn latest_version(migrator: &Migrator) -> i64 {
    migrator.iter().map(|m| m.version).max().unwrap_or(0)
}

/// Refuses a database that has a migration newer than any this build knows.
pub fn refuse_newer(migrator: &Migrator, applied: &[i64]) -> Result<()> {
    let supported = latest_version(migrator);
    match applied.iter().copied().max() {
        Some(found) if found > supported => Err(StoreError::SchemaTooNew { found, supported }),
        _ => Ok(()),
    }
}

pub fn states(migrator: &Migrator, applied: &[i64]) -> Vec<MigrationState> {
    migrator
        .iter()
        .filter(|m| m.migration_type.is_up_migration() || !m.migration_type.is_down_migration())
        .map(|m| MigrationState {
            version: m.version,
            description: m.description.to_string(),
            applied: applied.contains(&m.version),
        })
        .collect()
}
