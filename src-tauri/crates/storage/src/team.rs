//! Team mode on PostgreSQL: login roles for members and row-level security so that a member's
//! connection sees and writes only the rows of the workspaces granted to it.
//!
//! `team_init` is plain SQL run by the owner, not a migration: migrations run on every store,
//! including PostgreSQL databases whose owner may not create roles, and SQLite has no roles at
//! all. It is idempotent (run it again after a RepoVault upgrade added tables). What it creates
//! lives in its own schema, `repovault_team`, so backups and store copies (which copy the app's
//! schema) leave grants, which name server roles, behind.
//!
//! The owner (the tables' owner) and superusers bypass row-level security and see everything.
//! Members belong to the group role `repovault_member`, which holds the table privileges; the
//! policies read the member's rows of `repovault_team.grants` (`role_name = current_user`).

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use sqlx::{Connection, PgConnection};
use ts_rs::TS;

use crate::error::{Result, StoreError};

/// The group role every member belongs to; it holds the table privileges.
pub const MEMBER_ROLE: &str = "repovault_member";

/// One workspace granted to one member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, sqlx::FromRow)]
#[ts(export)]
pub struct TeamGrant {
    pub role: String,
    pub workspace: String,
    pub read_only: bool,
}

/// What the connection is, for the app's Settings: SQLite has no roles; on PostgreSQL team mode is
/// set up or not, and the connection is its owner or a member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TeamStatus {
    /// False on SQLite: it has no roles, so every workspace is visible to whoever opens the file.
    pub supported: bool,
    pub initialised: bool,
    /// The role the store connects as (empty on SQLite).
    pub role: String,
    /// The connection sees only the workspaces granted to it.
    pub member: bool,
}

#[async_trait]
pub trait TeamAccess {
    async fn team_status(&self) -> Result<TeamStatus>;
    /// Creates the member group role, the grants table and the row-level security policies.
    async fn team_init(&self) -> Result<()>;
    /// Grants a workspace to `user` (read-write unless `read_only`), creating the login role (with
    /// `password`, if given) when it does not exist. Granting again changes `read_only`.
    async fn team_grant(
        &self,
        user: &str,
        workspace: &str,
        read_only: bool,
        password: Option<&str>,
    ) -> Result<TeamGrant>;
    /// Takes a workspace away from `user`; `NotFound` when it was not granted. The role stays.
    async fn team_revoke(&self, user: &str, workspace: &str) -> Result<()>;
    /// Every grant, by role then workspace.
    async fn team_list(&self) -> Result<Vec<TeamGrant>>;
}

fn no_roles() -> StoreError {
    StoreError::validation(
        "database",
        "SQLite has no roles: team mode (members, grants, row-level security) needs a PostgreSQL database",
    )
}

#[async_trait]
impl TeamAccess for crate::sqlite::SqliteStore {
    async fn team_status(&self) -> Result<TeamStatus> {
        Ok(TeamStatus { supported: false, initialised: false, role: String::new(), member: false })
    }
    async fn team_init(&self) -> Result<()> {
        Err(no_roles())
    }
    async fn team_grant(&self, _: &str, _: &str, _: bool, _: Option<&str>) -> Result<TeamGrant> {
        Err(no_roles())
    }
    async fn team_revoke(&self, _: &str, _: &str) -> Result<()> {
        Err(no_roles())
    }
    async fn team_list(&self) -> Result<Vec<TeamGrant>> {
        Err(no_roles())
    }
}

/// How a table's rows reach a workspace: a condition on the row, given a set of workspace ids
/// (`{ws}` is replaced by `repovault_team.readable()` or `repovault_team.writable()`).
const ROW_WORKSPACE: &[(&str, &str)] = &[
    ("workspaces", "id IN (SELECT {ws})"),
    ("repositories", "workspace_id IN (SELECT {ws})"),
    ("saved_queries", "workspace_id IN (SELECT {ws})"),
    ("refs", "repository_id IN (SELECT r.id FROM repositories r WHERE r.workspace_id IN (SELECT {ws}))"),
    ("commits", "repository_id IN (SELECT r.id FROM repositories r WHERE r.workspace_id IN (SELECT {ws}))"),
    ("analysis_runs", "repository_id IN (SELECT r.id FROM repositories r WHERE r.workspace_id IN (SELECT {ws}))"),
    ("graph_scopes", "repository_id IN (SELECT r.id FROM repositories r WHERE r.workspace_id IN (SELECT {ws}))"),
    ("commit_parents", COMMIT_IN),
    ("file_changes", COMMIT_IN),
    ("change_text", COMMIT_IN),
    // The change index: its queue is written by change_text's trigger as the member; its segments
    // each hold one workspace's commits, so a member reads only its workspaces' lists.
    ("change_index_queue", COMMIT_IN),
    ("change_gram_segments", "workspace_id IN (SELECT {ws})"),
    (
        "change_gram_blocks",
        "segment IN (SELECT s.id FROM change_gram_segments s WHERE s.workspace_id IN (SELECT {ws}))",
    ),
    (
        "ref_reach",
        "ref_id IN (SELECT f.id FROM refs f JOIN repositories r ON r.id = f.repository_id \
         WHERE r.workspace_id IN (SELECT {ws}))",
    ),
    (
        "graph_rows",
        "scope_id IN (SELECT s.id FROM graph_scopes s JOIN repositories r ON r.id = s.repository_id \
         WHERE r.workspace_id IN (SELECT {ws}))",
    ),
];

const COMMIT_IN: &str = "commit_id IN (SELECT c.id FROM commits c JOIN repositories r ON r.id = c.repository_id \
     WHERE r.workspace_id IN (SELECT {ws}))";

/// Tables members may not write at all (workspaces are the owner's to make, rename and delete);
/// `ensure_repository` inserts a workspace only when it does not see one by that name.
const READ_ONLY_TABLES: &[&str] = &["workspaces"];

/// The statements of `team_init`, in order, for the schema the store's tables live in.
fn init_statements(schema: &str) -> Vec<String> {
    let s = quote_ident(schema);
    let mut sql = vec![
        "CREATE SCHEMA IF NOT EXISTS repovault_team".to_string(),
        format!(
            "CREATE TABLE IF NOT EXISTS repovault_team.grants (\
             role_name TEXT NOT NULL, \
             workspace_id BIGINT NOT NULL REFERENCES {s}.workspaces (id) ON DELETE CASCADE, \
             read_only BOOLEAN NOT NULL DEFAULT FALSE, \
             granted_at BIGINT NOT NULL, \
             PRIMARY KEY (role_name, workspace_id))"
        ),
        "ALTER TABLE repovault_team.grants ENABLE ROW LEVEL SECURITY".into(),
        "DROP POLICY IF EXISTS own_grants ON repovault_team.grants".into(),
        "CREATE POLICY own_grants ON repovault_team.grants FOR SELECT USING (role_name = current_user)".into(),
        // Roles are server-wide: another database's `team init` may have made it (or be making it).
        format!(
            "DO $$ BEGIN CREATE ROLE {MEMBER_ROLE} NOLOGIN; \
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        ),
        "CREATE OR REPLACE FUNCTION repovault_team.readable() RETURNS SETOF BIGINT LANGUAGE sql STABLE AS \
         $$ SELECT workspace_id FROM repovault_team.grants WHERE role_name = current_user $$"
            .into(),
        "CREATE OR REPLACE FUNCTION repovault_team.writable() RETURNS SETOF BIGINT LANGUAGE sql STABLE AS \
         $$ SELECT workspace_id FROM repovault_team.grants WHERE role_name = current_user AND NOT read_only $$"
            .into(),
        // Diff texts are shared by every commit with the same text, so a blob's workspace is that
        // of the file changes using it; these look past the member's own policies (SECURITY
        // DEFINER, run as the owner) to see whether any other file change uses it.
        format!(
            "CREATE OR REPLACE FUNCTION repovault_team.blob_readable(blob BIGINT, who NAME) RETURNS BOOLEAN \
             LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {s}, pg_temp AS $$ \
             SELECT NOT EXISTS (SELECT 1 FROM file_changes f WHERE f.diff_blob_id = blob) \
             OR EXISTS (SELECT 1 FROM file_changes f JOIN commits c ON c.id = f.commit_id \
             JOIN repositories r ON r.id = c.repository_id \
             JOIN repovault_team.grants g ON g.workspace_id = r.workspace_id \
             WHERE f.diff_blob_id = blob AND g.role_name = who) $$"
        ),
        format!(
            "CREATE OR REPLACE FUNCTION repovault_team.blob_unused(blob BIGINT) RETURNS BOOLEAN \
             LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {s}, pg_temp AS $$ \
             SELECT NOT EXISTS (SELECT 1 FROM file_changes f WHERE f.diff_blob_id = blob) $$"
        ),
        format!("GRANT USAGE ON SCHEMA repovault_team TO {MEMBER_ROLE}"),
        format!("GRANT SELECT ON repovault_team.grants TO {MEMBER_ROLE}"),
        format!("GRANT USAGE ON SCHEMA {s} TO {MEMBER_ROLE}"),
        format!("GRANT SELECT ON {s}._sqlx_migrations TO {MEMBER_ROLE}"),
        format!("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {MEMBER_ROLE}"),
        // Every write appends to the mirror's outbox when a mirror is enabled, which the statement
        // asks `mirror_config.enabled`: members may see that one column (not the mirror's URL)
        // and append entries (not read them).
        format!("GRANT SELECT (enabled) ON {s}.mirror_config TO {MEMBER_ROLE}"),
        format!("GRANT INSERT ON {s}.mirror_outbox TO {MEMBER_ROLE}"),
    ];
    let mut tables: Vec<&str> = ROW_WORKSPACE.iter().map(|(t, _)| *t).collect();
    tables.extend(["diff_blobs", "audit_log"]);
    for table in &tables {
        let t = format!("{s}.{}", quote_ident(table));
        sql.push(format!("ALTER TABLE {t} ENABLE ROW LEVEL SECURITY"));
        for policy in ["member_read", "member_insert", "member_update", "member_delete"] {
            sql.push(format!("DROP POLICY IF EXISTS {policy} ON {t}"));
        }
        let privileges =
            if READ_ONLY_TABLES.contains(table) { "SELECT, INSERT" } else { "SELECT, INSERT, UPDATE, DELETE" };
        sql.push(format!("GRANT {privileges} ON {t} TO {MEMBER_ROLE}"));
    }
    for (table, condition) in ROW_WORKSPACE {
        let t = format!("{s}.{}", quote_ident(table));
        let read = condition.replace("{ws}", "repovault_team.readable()");
        let write = condition.replace("{ws}", "repovault_team.writable()");
        sql.push(format!("CREATE POLICY member_read ON {t} FOR SELECT TO {MEMBER_ROLE} USING ({read})"));
        if READ_ONLY_TABLES.contains(table) {
            continue;
        }
        sql.push(format!("CREATE POLICY member_insert ON {t} FOR INSERT TO {MEMBER_ROLE} WITH CHECK ({write})"));
        sql.push(format!(
            "CREATE POLICY member_update ON {t} FOR UPDATE TO {MEMBER_ROLE} USING ({write}) WITH CHECK ({write})"
        ));
        sql.push(format!("CREATE POLICY member_delete ON {t} FOR DELETE TO {MEMBER_ROLE} USING ({write})"));
    }
    let blobs = format!("{s}.\"diff_blobs\"");
    let can_write = "EXISTS (SELECT repovault_team.writable())";
    sql.extend([
        format!(
            "CREATE POLICY member_read ON {blobs} FOR SELECT TO {MEMBER_ROLE} \
             USING (repovault_team.blob_readable(id, current_user))"
        ),
        format!("CREATE POLICY member_insert ON {blobs} FOR INSERT TO {MEMBER_ROLE} WITH CHECK ({can_write})"),
        format!(
            "CREATE POLICY member_delete ON {blobs} FOR DELETE TO {MEMBER_ROLE} \
             USING ({can_write} AND repovault_team.blob_unused(id))"
        ),
    ]);
    // The audit log has no workspace: members append to it and read none of it.
    let audit = format!("{s}.\"audit_log\"");
    sql.push(format!("CREATE POLICY member_insert ON {audit} FOR INSERT TO {MEMBER_ROLE} WITH CHECK (true)"));
    sql.push(format!("REVOKE ALL ON {s}.backup_schedules FROM {MEMBER_ROLE}"));
    sql
}

/// `"name"` with inner quotes doubled: an identifier PostgreSQL reads back unchanged.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A role name members log in with: what PostgreSQL accepts as an identifier (at most 63 bytes)
/// and nothing that could be mistaken for a built-in role.
fn check_user(user: &str) -> Result<()> {
    crate::validate::non_empty_text("user", user)?;
    if user.len() > 63 || user.chars().any(char::is_control) || user.starts_with("pg_") || user == MEMBER_ROLE {
        return Err(StoreError::validation(
            "user",
            "a member's role name has at most 63 bytes, no control characters, and does not start with pg_",
        ));
    }
    Ok(())
}

async fn initialised(conn: &mut PgConnection) -> Result<bool> {
    let (found,): (bool,) =
        sqlx::query_as("SELECT to_regclass('repovault_team.grants') IS NOT NULL").fetch_one(&mut *conn).await?;
    Ok(found)
}

fn not_initialised() -> StoreError {
    StoreError::validation("team", "team mode is not set up on this database; run `repovault-cli team init` first")
}

/// A permission error from the server as a validation error that says who may do it.
fn owner_only(err: sqlx::Error) -> StoreError {
    match &err {
        sqlx::Error::Database(db) if db.code().as_deref() == Some("42501") => StoreError::validation(
            "team",
            format!(
                "{}: managing team members needs the store's owner (or a role that may create roles)",
                db.message()
            ),
        ),
        _ => err.into(),
    }
}

#[async_trait]
impl TeamAccess for crate::postgres::PgStore {
    async fn team_status(&self) -> Result<TeamStatus> {
        let mut conn = crate::sql::Dialect::pool(self).acquire().await?;
        let initialised = initialised(&mut conn).await?;
        let (role, member): (String, bool) = sqlx::query_as(
            "SELECT current_user::text, \
             EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AND pg_has_role(current_user, $1, 'MEMBER') \
             AND NOT (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user) \
             AND NOT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'commits' \
             AND tableowner = current_user)",
        )
        .bind(MEMBER_ROLE)
        .fetch_one(&mut *conn)
        .await?;
        Ok(TeamStatus { supported: true, initialised, role, member })
    }

    async fn team_init(&self) -> Result<()> {
        let mut conn = crate::sql::Dialect::pool(self).acquire().await?;
        let (schema,): (String,) = sqlx::query_as("SELECT current_schema()::text").fetch_one(&mut *conn).await?;
        let mut tx = conn.begin().await?;
        for statement in init_statements(&schema) {
            sqlx::query(&statement).execute(&mut *tx).await.map_err(owner_only)?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn team_grant(
        &self,
        user: &str,
        workspace: &str,
        read_only: bool,
        password: Option<&str>,
    ) -> Result<TeamGrant> {
        check_user(user)?;
        let mut conn = crate::sql::Dialect::pool(self).acquire().await?;
        if !initialised(&mut conn).await? {
            return Err(not_initialised());
        }
        let ws: Option<(i64,)> = sqlx::query_as("SELECT id FROM workspaces WHERE name = $1")
            .bind(workspace)
            .fetch_optional(&mut *conn)
            .await?;
        let (workspace_id,) = ws.ok_or_else(|| StoreError::not_found(format!("workspace {workspace:?}")))?;
        let existing: Option<(bool, bool)> =
            sqlx::query_as("SELECT rolsuper OR rolbypassrls, rolname = current_user FROM pg_roles WHERE rolname = $1")
                .bind(user)
                .fetch_optional(&mut *conn)
                .await?;
        if let Some((privileged, is_self)) = existing {
            if privileged || is_self {
                return Err(StoreError::validation(
                    "user",
                    format!("{user} is the store's owner or a superuser: it sees every workspace already"),
                ));
            }
        }
        let mut tx = conn.begin().await?;
        if existing.is_none() {
            // Role names and passwords cannot be bound parameters; the server quotes them.
            let (create,): (String,) = match password {
                Some(p) => sqlx::query_as("SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', $1::text, $2::text)")
                    .bind(user)
                    .bind(p),
                None => sqlx::query_as("SELECT format('CREATE ROLE %I LOGIN', $1::text)").bind(user),
            }
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(&create).execute(&mut *tx).await.map_err(owner_only)?;
        } else if let Some(p) = password {
            let (alter,): (String,) = sqlx::query_as("SELECT format('ALTER ROLE %I PASSWORD %L', $1::text, $2::text)")
                .bind(user)
                .bind(p)
                .fetch_one(&mut *tx)
                .await?;
            sqlx::query(&alter).execute(&mut *tx).await.map_err(owner_only)?;
        }
        sqlx::query(&format!("GRANT {MEMBER_ROLE} TO {}", quote_ident(user)))
            .execute(&mut *tx)
            .await
            .map_err(owner_only)?;
        sqlx::query(
            "INSERT INTO repovault_team.grants (role_name, workspace_id, read_only, granted_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (role_name, workspace_id) DO UPDATE SET read_only = excluded.read_only",
        )
        .bind(user)
        .bind(workspace_id)
        .bind(read_only)
        .bind(chrono::Utc::now().timestamp())
        .execute(&mut *tx)
        .await?;
        let detail = format!("{user} on {workspace}{}", if read_only { " (read-only)" } else { "" });
        sqlx::query("INSERT INTO audit_log (at, action, entity, entity_id, detail) VALUES ($1, 'team.grant', 'workspace', $2, $3)")
            .bind(chrono::Utc::now().timestamp())
            .bind(workspace_id.to_string())
            .bind(detail)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(TeamGrant { role: user.to_string(), workspace: workspace.to_string(), read_only })
    }

    async fn team_revoke(&self, user: &str, workspace: &str) -> Result<()> {
        let mut conn = crate::sql::Dialect::pool(self).acquire().await?;
        if !initialised(&mut conn).await? {
            return Err(not_initialised());
        }
        let mut tx = conn.begin().await?;
        let removed: Option<(i64,)> = sqlx::query_as(
            "DELETE FROM repovault_team.grants g USING workspaces w \
             WHERE g.workspace_id = w.id AND g.role_name = $1 AND w.name = $2 RETURNING w.id",
        )
        .bind(user)
        .bind(workspace)
        .fetch_optional(&mut *tx)
        .await
        .map_err(owner_only)?;
        let Some((workspace_id,)) = removed else {
            return Err(StoreError::not_found(format!("a grant of workspace {workspace:?} to {user:?}")));
        };
        sqlx::query("INSERT INTO audit_log (at, action, entity, entity_id, detail) VALUES ($1, 'team.revoke', 'workspace', $2, $3)")
            .bind(chrono::Utc::now().timestamp())
            .bind(workspace_id.to_string())
            .bind(format!("{user} on {workspace}"))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn team_list(&self) -> Result<Vec<TeamGrant>> {
        let mut conn = crate::sql::Dialect::pool(self).acquire().await?;
        if !initialised(&mut conn).await? {
            return Err(not_initialised());
        }
        Ok(sqlx::query_as(
            "SELECT g.role_name AS role, w.name AS workspace, g.read_only FROM repovault_team.grants g \
             JOIN workspaces w ON w.id = g.workspace_id ORDER BY g.role_name, w.name",
        )
        .fetch_all(&mut *conn)
        .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_with_rows_of_a_workspace_has_a_policy() {
        let sql = init_statements("public").join(";\n");
        for table in [
            "commits",
            "file_changes",
            "diff_blobs",
            "refs",
            "analysis_runs",
            "saved_queries",
            "change_text",
            "change_index_queue",
            "change_gram_segments",
            "change_gram_blocks",
        ] {
            assert!(sql.contains(&format!("CREATE POLICY member_read ON \"public\".\"{table}\"")), "{table}");
        }
        assert!(sql.contains("REVOKE ALL ON \"public\".backup_schedules"));
    }

    #[test]
    fn hostile_role_names_are_refused() {
        assert!(check_user("alice").is_ok());
        assert!(check_user("pg_read_all_data").is_err());
        assert!(check_user(MEMBER_ROLE).is_err());
        assert!(check_user(&"x".repeat(64)).is_err());
        assert!(check_user("a\nb").is_err());
        assert_eq!(quote_ident("a\"; DROP TABLE commits; --"), "\"a\"\"; DROP TABLE commits; --\"");
    }
}
