//! `repovault-cli workspace …` and `team …`: workspaces, and on PostgreSQL the members who may
//! see them (row-level security, see the storage crate's `team.rs`).

use clap::Subcommand;
use repovault_storage::{Store, StoreError};

use crate::confirm;
use crate::output::Output;

#[derive(Subcommand)]
pub enum WorkspaceAction {
    /// Workspaces with their repository and commit counts.
    List,
    Create {
        name: String,
    },
    Rename {
        name: String,
        new_name: String,
    },
    /// Remove a workspace with its repositories (their commits) and saved queries.
    Delete {
        name: String,
        /// Do not ask for confirmation (required when not on a terminal).
        #[arg(long)]
        yes: bool,
    },
    /// Move a repository, with everything stored for it, to another workspace.
    Move {
        repository: String,
        #[arg(long = "to", value_name = "WORKSPACE")]
        to: String,
    },
}

#[derive(Subcommand)]
pub enum TeamAction {
    /// Create the member role and the row-level security policies (PostgreSQL; run as the owner).
    Init,
    /// Let USER see a workspace (and write into it unless --read-only); creates the login role.
    Grant {
        user: String,
        #[arg(long)]
        workspace: String,
        #[arg(long)]
        read_only: bool,
        /// The environment variable holding the new role's password (never on the command line).
        #[arg(long, value_name = "VAR")]
        password_env: Option<String>,
    },
    /// Take a workspace away from USER (the login role stays).
    Revoke {
        user: String,
        #[arg(long)]
        workspace: String,
    },
    /// Every grant, and who this connection is.
    List,
}

pub(crate) async fn workspace(action: &WorkspaceAction, store: &dyn Store, out: &Output) -> Result<(), StoreError> {
    match action {
        WorkspaceAction::List => {
            let all = store.workspaces().await?;
            if out.json() {
                out.print_json(&all);
                return Ok(());
            }
            println!("{:<24} {:>12} {:>9}", "WORKSPACE", "REPOSITORIES", "COMMITS");
            for w in all {
                println!("{:<24} {:>12} {:>9}", w.name, w.repository_count, w.commit_count);
            }
        }
        WorkspaceAction::Create { name } => {
            let created = store.create_workspace(name).await?;
            if out.json() {
                out.print_json(&created);
                return Ok(());
            }
            println!("created workspace {}", created.name);
        }
        WorkspaceAction::Rename { name, new_name } => {
            let renamed = store.rename_workspace(name, new_name).await?;
            if out.json() {
                out.print_json(&renamed);
                return Ok(());
            }
            println!("renamed workspace {name} to {}", renamed.name);
        }
        WorkspaceAction::Delete { name, yes } => {
            let goes = store.workspace_contents(name).await?;
            let question = format!(
                "Delete workspace {name} with {} repositories ({}), {} commits and {} saved queries?",
                goes.repositories.len(),
                if goes.repositories.is_empty() { "none".to_string() } else { goes.repositories.join(", ") },
                goes.commits,
                goes.saved_queries
            );
            confirm(&question, *yes)?;
            let gone = store.delete_workspace(name).await?;
            if out.json() {
                out.print_json(&gone);
                return Ok(());
            }
            println!(
                "deleted workspace {name}: {} repositories, {} commits, {} saved queries",
                gone.repositories.len(),
                gone.commits,
                gone.saved_queries
            );
        }
        WorkspaceAction::Move { repository, to } => {
            let moved = store.move_repository(repository, to).await?;
            if out.json() {
                out.print_json(&moved);
                return Ok(());
            }
            println!("moved {} to workspace {}", moved.name, moved.workspace);
        }
    }
    Ok(())
}

pub(crate) async fn team(action: &TeamAction, store: &dyn Store, out: &Output) -> Result<(), StoreError> {
    match action {
        TeamAction::Init => {
            store.team_init().await?;
            if out.json() {
                out.print_json(&store.team_status().await?);
                return Ok(());
            }
            println!("team mode is set up: grant workspaces with `repovault-cli team grant USER --workspace W`");
        }
        TeamAction::Grant { user, workspace, read_only, password_env } => {
            let password = match password_env {
                Some(var) => Some(std::env::var(var).map_err(|_| {
                    StoreError::validation("password_env", format!("the environment variable {var} is not set"))
                })?),
                None => None,
            };
            let grant = store.team_grant(user, workspace, *read_only, password.as_deref()).await?;
            if out.json() {
                out.print_json(&grant);
                return Ok(());
            }
            let how = if grant.read_only { "read-only" } else { "read-write" };
            println!("{} may now see workspace {} ({how})", grant.role, grant.workspace);
        }
        TeamAction::Revoke { user, workspace } => {
            store.team_revoke(user, workspace).await?;
            if out.json() {
                out.print_json(&serde_json::json!({ "revoked": { "role": user, "workspace": workspace } }));
                return Ok(());
            }
            println!("{user} no longer sees workspace {workspace}");
        }
        TeamAction::List => {
            let status = store.team_status().await?;
            let grants = if status.supported && status.initialised && !status.member {
                store.team_list().await?
            } else if !status.supported {
                return Err(StoreError::validation(
                    "database",
                    "SQLite has no roles: team mode needs a PostgreSQL database",
                ));
            } else {
                Vec::new()
            };
            if out.json() {
                out.print_json(&serde_json::json!({ "status": status, "grants": grants }));
                return Ok(());
            }
            println!("connected as {}{}", status.role, if status.member { " (a member)" } else { "" });
            if !status.initialised {
                println!("team mode is not set up; run `repovault-cli team init`");
            }
            for g in grants {
                println!("{:<24} {:<24} {}", g.role, g.workspace, if g.read_only { "read-only" } else { "read-write" });
            }
        }
    }
    Ok(())
}
