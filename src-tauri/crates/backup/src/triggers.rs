//! Automatic backups on triggers: before a restore (done by `restore` itself), before a schema
//! migration, before a large import, on exit. The app and the CLI decide when; these helpers say
//! whether and make the request.

use repovault_storage::{DatabaseLocation, StoreConfig};

use crate::create::BackupRequest;
use crate::destinations::Destination;
use crate::error::Result;
use crate::manifest::BackupKind;
use crate::portable;
use crate::snapshot;

/// Imports of more than this many commits get a backup first, unless the caller sets its own.
pub const DEFAULT_LARGE_IMPORT_THRESHOLD: u64 = 10_000;

/// An automatic backup request with a trigger text such as "before migration".
pub fn automatic(trigger: &str, destinations: Vec<Destination>) -> BackupRequest {
    BackupRequest::new(BackupKind::Automatic, trigger, destinations)
}

/// Whether an import of `incoming` commits is large enough to back up first. A store with no
/// commits yet has nothing to protect.
pub fn before_large_import(incoming: u64, stored: u64, threshold: u64) -> bool {
    stored > 0 && incoming > threshold
}

/// Whether the store has data and a migration this build knows but the database has not applied:
/// then a backup should come before migrating. A database that does not exist yet has nothing to
/// protect.
pub async fn migration_pending(config: &StoreConfig) -> Result<bool> {
    let migrator = match &config.database {
        DatabaseLocation::Sqlite(_) => &repovault_storage::sqlite::MIGRATOR,
        DatabaseLocation::Postgres(_) => &repovault_storage::postgres::MIGRATOR,
    };
    let query = "SELECT version FROM _sqlx_migrations WHERE success";
    let applied: Vec<i64> = match &config.database {
        DatabaseLocation::Sqlite(path) => {
            if !path.exists() {
                return Ok(false);
            }
            let mut conn = snapshot::connect(path, true).await?;
            if snapshot::schema_version(&mut conn).await? == 0 {
                return Ok(false);
            }
            let rows: Vec<(i64,)> = sqlx::query_as(query).fetch_all(&mut conn).await?;
            sqlx::Connection::close(conn).await.ok();
            rows.into_iter().map(|(v,)| v).collect()
        }
        DatabaseLocation::Postgres(url) => {
            let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(url).await?;
            if portable::pg_schema_version(&mut conn).await? == 0 {
                return Ok(false);
            }
            let rows: Vec<(i64,)> = sqlx::query_as(query).fetch_all(&mut conn).await?;
            sqlx::Connection::close(conn).await.ok();
            rows.into_iter().map(|(v,)| v).collect()
        }
    };
    Ok(migrator.iter().any(|m| !applied.contains(&m.version)))
}
