//! The typed filter model shared by the UI, the CLI and the search box: conditions
//! `field op value` combined with `and`, `or` and `not`, plus paging and sorting options.
//! Fields and operators are plain strings here so that a wrong one gets an error that lists the
//! valid ones (see `compile.rs`), not a serde message.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::Commit;

/// `{"and": [...]}`, `{"or": [...]}`, `{"not": {...}}` or `{"field": "author", "op": "eq", "value": "alice"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Filter {
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Not(Box<Filter>),
    #[serde(untagged)]
    Condition(Condition),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Condition {
    pub field: String,
    pub op: String,
    /// A string, number, boolean, or (for `in`/`not_in`) a list of them.
    #[ts(type = "string | number | boolean | Array<string | number | boolean>")]
    pub value: serde_json::Value,
}

impl Filter {
    pub fn condition(field: &str, op: &str, value: impl Into<serde_json::Value>) -> Filter {
        Filter::Condition(Condition { field: field.into(), op: op.into(), value: value.into() })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export, optional_fields)]
pub struct QueryOptions {
    /// Rows per page (default 50, at most `MAX_LIMIT`).
    pub limit: Option<u32>,
    pub offset: Option<u32>,
    /// Continue after the last row of a previous page (keyset paging: stable under inserts).
    pub cursor: Option<String>,
    /// `date` (default), `author_date`, `additions`, `deletions`, `files_changed`, `author`, `hash`,
    /// or `relevance` (best full-text match first; needs a full-text condition).
    pub sort_by: Option<String>,
    /// `desc` (default) or `asc`.
    pub sort_order: Option<String>,
}

/// A question about commits: a filter and how to page through the answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export, optional_fields)]
pub struct CommitQuery {
    pub filter: Option<Filter>,
    pub options: QueryOptions,
}

/// One page of answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CommitPage {
    pub commits: Vec<Commit>,
    /// How many commits match in all — or, when `total_is_lower_bound`, at least this many
    /// (counting stops past `COUNT_CAP` = 1,000 so a page stays fast on a large store).
    #[ts(type = "number")]
    pub total: i64,
    pub total_is_lower_bound: bool,
    /// Pass as `options.cursor` for the next page; `None` on the last page.
    pub next_cursor: Option<String>,
    /// For full-text searches: the message around the searched-for words, per commit on the page
    /// (none for a commit that matched by a changed path only).
    #[serde(default)]
    pub snippets: Vec<super::snippet::Snippet>,
}

pub const DEFAULT_LIMIT: u32 = 50;
/// Counting matches stops here; beyond it the total is reported as a lower bound.
pub const COUNT_CAP: i64 = 1_000;
pub const MAX_LIMIT: u32 = 1000;
pub const MAX_DEPTH: usize = 16;
pub const MAX_IN_VALUES: usize = 1000;

/// A filter kept under a name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SavedQuery {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub filter: Filter,
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number")]
    pub updated_at: i64,
}
