//! `repovault-cli saved …`: filters kept under a name, shared with the app's History screen.

use clap::Subcommand;
use repovault_storage::query::{parse_search, Filter};
use repovault_storage::{Store, StoreError};

use crate::output::Output;
use crate::{confirm, PageArgs};

#[derive(Subcommand)]
pub enum SavedAction {
    /// List the saved queries.
    List,
    /// Save a filter (JSON, see `query`) or a search (the search-box syntax) under a name,
    /// replacing a saved query of that name.
    Save {
        name: String,
        #[arg(long, conflicts_with = "search", required_unless_present = "search")]
        filter: Option<String>,
        #[arg(long)]
        search: Option<String>,
    },
    Rename {
        name: String,
        new_name: String,
    },
    /// Move a saved query to another workspace.
    Move {
        name: String,
        #[arg(long)]
        to: String,
    },
    Delete {
        name: String,
        /// Do not ask for confirmation (required when not on a terminal).
        #[arg(long)]
        yes: bool,
    },
    /// The commits a saved query matches.
    Run {
        name: String,
        #[command(flatten)]
        page: PageArgs,
    },
}

pub async fn run(action: &SavedAction, store: &dyn Store, out: &Output) -> Result<(), StoreError> {
    match action {
        SavedAction::List => out.saved_queries(&store.saved_queries().await?),
        SavedAction::Save { name, filter, search } => {
            let filter = match (filter, search) {
                (Some(json), _) => serde_json::from_str::<Filter>(json).map_err(|e| {
                    StoreError::Query(format!("the filter is not valid JSON for the filter model: {e}"))
                })?,
                (None, Some(text)) => parse_search(text)?,
                (None, None) => unreachable!("clap requires --filter or --search"),
            };
            out.saved_query(&store.save_query(name, &filter).await?);
        }
        SavedAction::Rename { name, new_name } => out.saved_query(&store.rename_saved_query(name, new_name).await?),
        SavedAction::Move { name, to } => {
            store.move_saved_query(name, to).await?;
            out.saved_queries(&store.saved_queries().await?);
        }
        SavedAction::Delete { name, yes } => {
            let saved = store.saved_queries().await?;
            if !saved.iter().any(|q| &q.name == name) {
                return Err(StoreError::not_found(format!("saved query {name:?}")));
            }
            confirm(&format!("Delete the saved query {name:?}?"), *yes)?;
            store.delete_saved_query(name).await?;
            out.saved_queries(&store.saved_queries().await?);
        }
        SavedAction::Run { name, page } => {
            let saved = store.saved_queries().await?;
            let query = saved
                .into_iter()
                .find(|q| &q.name == name)
                .ok_or_else(|| StoreError::not_found(format!("saved query {name:?}")))?;
            out.page(&store.query_commits(&page.query(query.filter)).await?);
        }
    }
    Ok(())
}
