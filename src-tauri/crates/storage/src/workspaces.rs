//! Workspaces: named groups of repositories (a team's, a client's). Every write that changes them
//! goes through `WorkspaceStore`, in one transaction with its audit line, so a mirror's outbox can
//! hook them in one place. On PostgreSQL with team mode (`team.rs`) a member's connection sees
//! only the workspaces granted to it, and these same queries then answer for those only.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
use crate::model::Repository;

/// The workspace new repositories go to unless told otherwise; it cannot be deleted.
pub const DEFAULT_WORKSPACE: &str = "default";

/// A workspace with what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, sqlx::FromRow)]
#[ts(export)]
pub struct Workspace {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number")]
    pub repository_count: i64,
    #[ts(type = "number")]
    pub commit_count: i64,
}

/// What deleting a workspace removes (or removed): its repositories with their commits, and its
/// saved queries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WorkspaceDeletion {
    pub workspace: String,
    /// Repository names, sorted.
    pub repositories: Vec<String>,
    #[ts(type = "number")]
    pub commits: i64,
    #[ts(type = "number")]
    pub saved_queries: i64,
}

/// One workspace's rows in the tables a user sees scoped by the workspace selector: its
/// repositories, their commits, file changes, refs and analysis runs, and its saved queries.
/// Backups record one per workspace (from the snapshot) beside their whole-store counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, sqlx::FromRow)]
#[ts(export)]
pub struct WorkspaceCount {
    pub workspace: String,
    #[ts(type = "number")]
    pub repositories: i64,
    #[ts(type = "number")]
    pub commits: i64,
    #[ts(type = "number")]
    pub file_changes: i64,
    #[ts(type = "number")]
    pub refs: i64,
    #[ts(type = "number")]
    pub analysis_runs: i64,
    #[ts(type = "number")]
    pub saved_queries: i64,
}

/// Per-workspace counts, by workspace name; the same SQL answers on both backends and on a
/// backup's SQLite snapshot, so a manifest and the live store count alike.
pub const WORKSPACE_COUNTS_SQL: &str = "SELECT w.name AS workspace, \
    (SELECT COUNT(*) FROM repositories r WHERE r.workspace_id = w.id) AS repositories, \
    (SELECT COUNT(*) FROM commits c JOIN repositories r ON r.id = c.repository_id \
     WHERE r.workspace_id = w.id) AS commits, \
    (SELECT COUNT(*) FROM file_changes f JOIN commits c ON c.id = f.commit_id \
     JOIN repositories r ON r.id = c.repository_id WHERE r.workspace_id = w.id) AS file_changes, \
    (SELECT COUNT(*) FROM refs x JOIN repositories r ON r.id = x.repository_id \
     WHERE r.workspace_id = w.id) AS refs, \
    (SELECT COUNT(*) FROM analysis_runs a JOIN repositories r ON r.id = a.repository_id \
     WHERE r.workspace_id = w.id) AS analysis_runs, \
    (SELECT COUNT(*) FROM saved_queries s WHERE s.workspace_id = w.id) AS saved_queries \
    FROM workspaces w ORDER BY w.name";

#[async_trait]
pub trait WorkspaceStore {
    /// Every workspace the connection may see, by name, with repository and commit counts.
    async fn workspaces(&self) -> Result<Vec<Workspace>>;
    async fn workspace(&self, name: &str) -> Result<Workspace>;
    /// Rows per workspace the connection may see (repositories, commits, file changes, refs,
    /// analysis runs, saved queries), by name.
    async fn workspace_counts(&self) -> Result<Vec<WorkspaceCount>>;
    /// A new, empty workspace; a taken name is `Duplicate`.
    async fn create_workspace(&self, name: &str) -> Result<Workspace>;
    /// Renames a workspace; `NotFound` when there is none by that name, `Duplicate` when the new
    /// name is taken. The default workspace keeps its name.
    async fn rename_workspace(&self, name: &str, new_name: &str) -> Result<Workspace>;
    /// What `delete_workspace` would remove, without removing anything.
    async fn workspace_contents(&self, name: &str) -> Result<WorkspaceDeletion>;
    /// Removes a workspace with its repositories (their commits, refs, analyses, the diff texts no
    /// other commit uses) and saved queries, in one transaction. The default workspace stays.
    async fn delete_workspace(&self, name: &str) -> Result<WorkspaceDeletion>;
    /// Moves a repository, with everything stored for it, to another existing workspace.
    async fn move_repository(&self, repository: &str, workspace: &str) -> Result<Repository>;
    /// Moves a saved query to another existing workspace (`NotFound` for either name).
    async fn move_saved_query(&self, name: &str, workspace: &str) -> Result<()>;
}

pub(crate) const WORKSPACE_SELECT: &str = "SELECT w.id, w.name, w.created_at, \
    (SELECT COUNT(*) FROM repositories r WHERE r.workspace_id = w.id) AS repository_count, \
    (SELECT COUNT(*) FROM commits c JOIN repositories r ON r.id = c.repository_id WHERE r.workspace_id = w.id) \
    AS commit_count FROM workspaces w";

/// A workspace name: non-empty, no surrounding spaces or control characters, at most 200 characters.
pub(crate) fn check_name(field: &str, name: &str) -> Result<()> {
    crate::validate::non_empty_text(field, name)?;
    if name.trim() != name || name.chars().any(char::is_control) || name.chars().count() > 200 {
        return Err(crate::error::StoreError::validation(
            field,
            "a workspace name has no leading or trailing spaces or control characters and at most 200 characters",
        ));
    }
    Ok(())
}

/// `WorkspaceStore` for a backend; instantiated inside `impl_sql_store!` so it shares the private
/// helpers (`audit`, `repository_by_name`) of the store's module.
macro_rules! sql_workspaces {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::workspaces::WorkspaceStore for $store {
            async fn workspaces(&self) -> $crate::error::Result<Vec<$crate::workspaces::Workspace>> {
                let sql = format!("{} ORDER BY w.name", $crate::workspaces::WORKSPACE_SELECT);
                Ok(sqlx::query_as(&sql).fetch_all($crate::sql::Dialect::pool(self)).await?)
            }

            async fn workspace(&self, name: &str) -> $crate::error::Result<$crate::workspaces::Workspace> {
                let sql = format!("{} WHERE w.name = $1", $crate::workspaces::WORKSPACE_SELECT);
                let row: Option<$crate::workspaces::Workspace> =
                    sqlx::query_as(&sql).bind(name).fetch_optional($crate::sql::Dialect::pool(self)).await?;
                row.ok_or_else(|| $crate::error::StoreError::not_found(format!("workspace {name:?}")))
            }

            async fn workspace_counts(&self) -> $crate::error::Result<Vec<$crate::workspaces::WorkspaceCount>> {
                Ok(sqlx::query_as($crate::workspaces::WORKSPACE_COUNTS_SQL)
                    .fetch_all($crate::sql::Dialect::pool(self))
                    .await?)
            }

            async fn create_workspace(&self, name: &str) -> $crate::error::Result<$crate::workspaces::Workspace> {
                $crate::workspaces::check_name("name", name)?;
                if self.workspace(name).await.is_ok() {
                    return Err($crate::error::StoreError::Duplicate(format!(
                        "a workspace is already called {name:?}"
                    )));
                }
                let mut tx =
                    $crate::sql::Dialect::pool(self).begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await?;
                let (id,): (i64,) =
                    sqlx::query_as("INSERT INTO workspaces (name, created_at) VALUES ($1, $2) RETURNING id")
                        .bind(name)
                        .bind(chrono::Utc::now().timestamp())
                        .fetch_one(&mut *tx)
                        .await?;
                Self::audit(&mut *tx, "workspace.create", "workspace", Some(&id.to_string()), Some(name)).await?;
                $crate::mirror::enqueue!(tx, $crate::mirror::kind::WORKSPACES, None::<&str>, None::<i64>, "")?;
                tx.commit().await?;
                self.workspace(name).await
            }

            async fn rename_workspace(
                &self,
                name: &str,
                new_name: &str,
            ) -> $crate::error::Result<$crate::workspaces::Workspace> {
                $crate::workspaces::check_name("new_name", new_name)?;
                let found = self.workspace(name).await?;
                if name == $crate::workspaces::DEFAULT_WORKSPACE {
                    return Err($crate::error::StoreError::validation(
                        "name",
                        "the default workspace keeps its name (new repositories go there)",
                    ));
                }
                if name != new_name && self.workspace(new_name).await.is_ok() {
                    return Err($crate::error::StoreError::Duplicate(format!(
                        "a workspace is already called {new_name:?}"
                    )));
                }
                let mut tx =
                    $crate::sql::Dialect::pool(self).begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await?;
                sqlx::query("UPDATE workspaces SET name = $1 WHERE id = $2")
                    .bind(new_name)
                    .bind(found.id)
                    .execute(&mut *tx)
                    .await?;
                let detail = format!("{name} -> {new_name}");
                Self::audit(&mut *tx, "workspace.rename", "workspace", Some(&found.id.to_string()), Some(&detail))
                    .await?;
                $crate::mirror::enqueue!(tx, $crate::mirror::kind::WORKSPACES, None::<&str>, None::<i64>, "")?;
                tx.commit().await?;
                self.workspace(new_name).await
            }

            async fn workspace_contents(
                &self,
                name: &str,
            ) -> $crate::error::Result<$crate::workspaces::WorkspaceDeletion> {
                let found = self.workspace(name).await?;
                let pool = $crate::sql::Dialect::pool(self);
                let repositories: Vec<(String,)> =
                    sqlx::query_as("SELECT name FROM repositories WHERE workspace_id = $1 ORDER BY name")
                        .bind(found.id)
                        .fetch_all(pool)
                        .await?;
                let (saved_queries,): (i64,) =
                    sqlx::query_as("SELECT COUNT(*) FROM saved_queries WHERE workspace_id = $1")
                        .bind(found.id)
                        .fetch_one(pool)
                        .await?;
                Ok($crate::workspaces::WorkspaceDeletion {
                    workspace: found.name,
                    repositories: repositories.into_iter().map(|(n,)| n).collect(),
                    commits: found.commit_count,
                    saved_queries,
                })
            }

            async fn delete_workspace(
                &self,
                name: &str,
            ) -> $crate::error::Result<$crate::workspaces::WorkspaceDeletion> {
                if name == $crate::workspaces::DEFAULT_WORKSPACE {
                    return Err($crate::error::StoreError::validation(
                        "name",
                        "the default workspace cannot be deleted; move or remove its repositories instead",
                    ));
                }
                let contents = self.workspace_contents(name).await?;
                let found = self.workspace(name).await?;
                let mut tx =
                    $crate::sql::Dialect::pool(self).begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await?;
                let ids: Vec<(i64,)> = sqlx::query_as("SELECT id FROM repositories WHERE workspace_id = $1")
                    .bind(found.id)
                    .fetch_all(&mut *tx)
                    .await?;
                for (id,) in &ids {
                    <Self as $crate::sql::Dialect>::forget_search(&mut *tx, *id).await?;
                }
                sqlx::query("DELETE FROM repositories WHERE workspace_id = $1")
                    .bind(found.id)
                    .execute(&mut *tx)
                    .await?;
                <Self as $crate::sql::Dialect>::forget_changes(&mut *tx).await?;
                sqlx::query("DELETE FROM saved_queries WHERE workspace_id = $1")
                    .bind(found.id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "DELETE FROM diff_blobs WHERE NOT EXISTS \
                     (SELECT 1 FROM file_changes f WHERE f.diff_blob_id = diff_blobs.id)",
                )
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM workspaces WHERE id = $1").bind(found.id).execute(&mut *tx).await?;
                let detail = format!(
                    "{name} ({} repositories, {} commits, {} saved queries)",
                    contents.repositories.len(),
                    contents.commits,
                    contents.saved_queries
                );
                Self::audit(&mut *tx, "workspace.delete", "workspace", Some(&found.id.to_string()), Some(&detail))
                    .await?;
                $crate::mirror::enqueue!(tx, $crate::mirror::kind::WORKSPACES, None::<&str>, None::<i64>, "")?;
                tx.commit().await?;
                Ok(contents)
            }

            async fn move_repository(
                &self,
                repository: &str,
                workspace: &str,
            ) -> $crate::error::Result<$crate::model::Repository> {
                let repo = Self::repository_by_name(self, repository).await?;
                let target = self.workspace(workspace).await?;
                if repo.workspace == target.name {
                    return Ok(repo);
                }
                let mut tx =
                    $crate::sql::Dialect::pool(self).begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await?;
                sqlx::query("UPDATE repositories SET workspace_id = $1 WHERE id = $2")
                    .bind(target.id)
                    .bind(repo.id)
                    .execute(&mut *tx)
                    .await?;
                let detail = format!("{repository}: {} -> {}", repo.workspace, target.name);
                Self::audit(&mut *tx, "repository.move", "repository", Some(&repo.id.to_string()), Some(&detail))
                    .await?;
                $crate::mirror::enqueue!(tx, $crate::mirror::kind::WORKSPACES, None::<&str>, None::<i64>, "")?;
                tx.commit().await?;
                Self::repository_by_name(self, repository).await
            }

            async fn move_saved_query(&self, name: &str, workspace: &str) -> $crate::error::Result<()> {
                let target = self.workspace(workspace).await?;
                let mut tx =
                    $crate::sql::Dialect::pool(self).begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await?;
                let moved = sqlx::query("UPDATE saved_queries SET workspace_id = $1, updated_at = $2 WHERE name = $3")
                    .bind(target.id)
                    .bind(chrono::Utc::now().timestamp())
                    .bind(name)
                    .execute(&mut *tx)
                    .await?;
                if moved.rows_affected() == 0 {
                    return Err($crate::error::StoreError::not_found(format!("saved query {name:?}")));
                }
                let detail = format!("{name} -> {}", target.name);
                Self::audit(&mut *tx, "saved_query.move", "saved_query", None, Some(&detail)).await?;
                $crate::mirror::enqueue!(tx, $crate::mirror::kind::SAVED_QUERIES, None::<&str>, None::<i64>, "")?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}
pub(crate) use sql_workspaces;
