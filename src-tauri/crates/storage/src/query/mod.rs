//! Querying stored commits: the filter model, its compilation to bound SQL, and the search-box
//! syntax that compiles to the same model.

pub mod compile;
pub mod model;
pub mod snippet;
pub mod syntax;

pub use compile::{field_names, filter_fields, parse_date, Bind, CompiledQuery, FilterField, Kind as FieldKind};
pub use model::{CommitPage, CommitQuery, Condition, Filter, QueryOptions, SavedQuery};
pub use snippet::{SearchTerm, Snippet, SnippetPart};
pub use syntax::parse_search;

use crate::model::Commit;

/// The sort value of a commit as the cursor records it (mirrors `compile`'s sort expressions).
pub(crate) fn sort_value(sort_by: Option<&str>, commit: &Commit) -> Bind {
    match sort_by.unwrap_or("date") {
        "author_date" => Bind::Int(commit.author.time),
        "additions" => Bind::Int(commit.totals.total_additions.unwrap_or(-1)),
        "deletions" => Bind::Int(commit.totals.total_deletions.unwrap_or(-1)),
        "files_changed" => Bind::Int(commit.totals.files_changed),
        "author" => Bind::Text(commit.author.name.clone()),
        "hash" => Bind::Text(commit.hash.clone()),
        _ => Bind::Int(commit.committer.time),
    }
}
