//! The SQLite side of a snapshot: a consistent copy with `VACUUM INTO`, its integrity check, its
//! schema version and the row counts of the app's tables.

use std::path::Path;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection};

use super::TableCount;
use crate::cancel::CancelToken;
use crate::error::{Result, StoreError};
use crate::workspaces::{WorkspaceCount, WORKSPACE_COUNTS_SQL};

/// A connection of our own on a SQLite file (never creating it). It changes no setting of the
/// file (journal mode stays what the store chose).
pub async fn connect(path: &Path, read_only: bool) -> Result<SqliteConnection> {
    if !path.exists() {
        return Err(StoreError::NotFound { what: format!("database {}", path.display()) });
    }
    let options = SqliteConnectOptions::new()
        .filename(path)
        .read_only(read_only)
        .foreign_keys(false)
        .busy_timeout(Duration::from_secs(30))
        .disable_statement_logging();
    Ok(options.connect().await?)
}

/// Lets `cancel` interrupt a long statement (VACUUM, integrity_check) on this connection.
async fn interrupt_on_cancel(conn: &mut SqliteConnection, cancel: &CancelToken) -> Result<()> {
    let token = cancel.clone();
    conn.lock_handle().await?.set_progress_handler(100_000, move || !token.is_cancelled());
    Ok(())
}

fn cancelled_or(err: sqlx::Error, cancel: &CancelToken) -> StoreError {
    if cancel.is_cancelled() {
        StoreError::Cancelled
    } else {
        err.into()
    }
}

/// Copies the database at `source` into the new file `target` in one read transaction, so the
/// copy is consistent while other connections keep writing.
pub async fn vacuum_into(source: &Path, target: &Path, cancel: &CancelToken) -> Result<()> {
    let mut conn = connect(source, false).await?;
    interrupt_on_cancel(&mut conn, cancel).await?;
    let result = sqlx::query("VACUUM INTO $1").bind(target.to_string_lossy().as_ref()).execute(&mut conn).await;
    conn.close().await.ok();
    result.map_err(|e| cancelled_or(e, cancel))?;
    Ok(())
}

/// `PRAGMA integrity_check`: an empty list when the file is sound, otherwise SQLite's findings.
pub async fn integrity_problems(path: &Path, cancel: &CancelToken) -> Result<Vec<String>> {
    let mut conn = match connect(path, false).await {
        Ok(conn) => conn,
        Err(err @ StoreError::Storage(_)) => return Ok(vec![format!("the database cannot be opened: {err}")]),
        Err(err) => return Err(err),
    };
    interrupt_on_cancel(&mut conn, cancel).await?;
    let rows: std::result::Result<Vec<(String,)>, _> =
        sqlx::query_as("PRAGMA integrity_check(20)").fetch_all(&mut conn).await;
    conn.close().await.ok();
    match rows {
        Ok(rows) if rows.len() == 1 && rows[0].0 == "ok" => Ok(Vec::new()),
        Ok(rows) => Ok(rows.into_iter().map(|(r,)| format!("integrity check: {r}")).collect()),
        Err(_) if cancel.is_cancelled() => Err(StoreError::Cancelled),
        Err(err) => Ok(vec![format!("integrity check failed: {err}")]),
    }
}

/// The newest successfully applied migration (0 for a database without any).
pub async fn schema_version(conn: &mut SqliteConnection) -> Result<i64> {
    Ok(crate::schema::sqlite_applied_versions(conn).await?.into_iter().max().unwrap_or(0))
}

/// Tables whose rows are derived from others and follow them on any copy: the change index's
/// queue (a copied `change_text` row queues itself) and the index built from it (`change_grams`).
/// PostgreSQL has no such tables.
const DERIVED_TABLES: &[&str] = &["change_index_queue", "change_gram_blocks", "change_gram_segments"];

/// The app's own tables, parents before children (foreign-key order): everything but SQLite's
/// internals, sqlx's migration table, full-text virtual tables with their shadow tables, and the
/// derived tables above.
pub async fn app_tables(conn: &mut SqliteConnection) -> Result<Vec<String>> {
    let rows: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .fetch_all(&mut *conn)
            .await?;
    let virtual_tables: Vec<String> = rows
        .iter()
        .filter(|(_, sql)| sql.as_deref().is_some_and(|s| s.to_ascii_uppercase().starts_with("CREATE VIRTUAL TABLE")))
        .map(|(name, _)| name.clone())
        .collect();
    let tables: Vec<String> = rows
        .into_iter()
        .map(|(name, _)| name)
        .filter(|name| {
            !name.starts_with("sqlite_")
                && name != "_sqlx_migrations"
                && !DERIVED_TABLES.contains(&name.as_str())
                && !virtual_tables.iter().any(|v| name == v || name.starts_with(&format!("{v}_")))
        })
        .collect();
    let mut parents = std::collections::HashMap::new();
    for table in &tables {
        let refs: Vec<(String,)> = sqlx::query_as("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list($1)")
            .bind(table)
            .fetch_all(&mut *conn)
            .await?;
        parents.insert(table.clone(), refs.into_iter().map(|(t,)| t).filter(|t| t != table).collect::<Vec<_>>());
    }
    // Depth-first topological order; the names are sorted, so the order is stable.
    let mut ordered = Vec::with_capacity(tables.len());
    fn visit(
        t: &str,
        parents: &std::collections::HashMap<String, Vec<String>>,
        out: &mut Vec<String>,
        stack: &mut Vec<String>,
    ) {
        if out.iter().any(|o| o == t) || stack.iter().any(|s| s == t) {
            return;
        }
        stack.push(t.to_string());
        for p in parents.get(t).into_iter().flatten() {
            if parents.contains_key(p) {
                visit(p, parents, out, stack);
            }
        }
        stack.pop();
        out.push(t.to_string());
    }
    for table in &tables {
        visit(table, &parents, &mut ordered, &mut Vec::new());
    }
    Ok(ordered)
}

pub async fn row_counts(conn: &mut SqliteConnection, tables: &[String]) -> Result<Vec<TableCount>> {
    let mut counts = Vec::with_capacity(tables.len());
    for table in tables {
        let (rows,): (i64,) =
            sqlx::query_as(&format!("SELECT COUNT(*) FROM {}", quote(table))).fetch_one(&mut *conn).await?;
        counts.push(TableCount { table: table.clone(), rows });
    }
    Ok(counts)
}

/// A SQL identifier in double quotes (table names come from the schema, never from users).
pub fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

/// Rows per workspace in a snapshot, or `None` when its schema predates saved queries belonging
/// to a workspace (migration 20261130000002): its per-workspace counts are not known.
pub async fn workspace_counts(conn: &mut SqliteConnection) -> Result<Option<Vec<WorkspaceCount>>> {
    let (has_column,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM pragma_table_info('saved_queries') WHERE name = 'workspace_id'")
            .fetch_one(&mut *conn)
            .await?;
    if has_column == 0 {
        return Ok(None);
    }
    Ok(Some(sqlx::query_as(WORKSPACE_COUNTS_SQL).fetch_all(&mut *conn).await?))
}

/// What a snapshot file holds, read once for the manifest and again when it is verified.
pub struct SnapshotFacts {
    pub schema_version: i64,
    pub row_counts: Vec<TableCount>,
    pub workspace_counts: Option<Vec<WorkspaceCount>>,
}

pub async fn facts(path: &Path) -> Result<SnapshotFacts> {
    let mut conn = connect(path, false).await?;
    let schema_version = schema_version(&mut conn).await?;
    let tables = app_tables(&mut conn).await?;
    let row_counts = row_counts(&mut conn, &tables).await?;
    let workspace_counts = workspace_counts(&mut conn).await?;
    conn.close().await.ok();
    Ok(SnapshotFacts { schema_version, row_counts, workspace_counts })
}

/// Closes a connection from `connect`, ignoring errors (the file is left as it is either way).
pub async fn close(conn: SqliteConnection) {
    conn.close().await.ok();
}
