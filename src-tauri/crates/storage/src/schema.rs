//! Schema versions: which migrations this build knows, which a database has, and the rule that a
//! database newer than the app is refused before anything touches it.

use sqlx::migrate::Migrator;

use crate::error::{Result, StoreError};
use crate::model::MigrationState;

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
