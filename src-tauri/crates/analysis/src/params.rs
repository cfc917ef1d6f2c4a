//! What an analysis is asked: the repository's history it covers (refs, author-date range), the
//! user's identity aliases, and per-kind knobs. Also the SQL that limits a query to that history.

use std::collections::BTreeMap;

use repovault_storage::{Identity, Repository};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::db::{Bind, Db};
use crate::error::{AnalysisError, Result};

/// Parameters of an analysis run. Every field is optional; each kind reads the ones it uses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct AnalysisParams {
    /// Branch or tag names (`main`, `v1.0` or full `refs/...`): only commits reachable from them.
    /// Empty: every stored commit of the repository (the refs the import read).
    pub refs: Vec<String>,
    /// Only commits authored at or after this time (Unix seconds).
    #[ts(type = "number | null")]
    pub since: Option<i64>,
    /// Only commits authored before this time (Unix seconds).
    #[ts(type = "number | null")]
    pub until: Option<i64>,
    /// The user's aliases: an e-mail (any case) → the identity it belongs to. Applied after
    /// `.mailmap`, which the import already applied to the stored authors.
    pub aliases: BTreeMap<String, Identity>,
    /// Most rows in ranked lists (files, folders, pairs, functions). Default 100; 0 = all.
    pub limit: Option<u32>,
    /// Coupling: commits touching more files than this are ignored (default 50).
    pub max_files_per_commit: Option<u32>,
    /// Coupling: pairs changed together fewer times are left out (default 3).
    pub min_shared: Option<u32>,
    /// Tech spec, structure and hotspot sizes: the revision to read (default `HEAD`).
    pub rev: Option<String>,
}

pub const DEFAULT_LIMIT: u32 = 100;

impl AnalysisParams {
    /// `limit` as a count of rows to keep (`usize::MAX` for 0).
    pub(crate) fn row_limit(&self) -> usize {
        match self.limit.unwrap_or(DEFAULT_LIMIT) {
            0 => usize::MAX,
            n => n as usize,
        }
    }

    pub(crate) fn validate(&self) -> Result<()> {
        if let (Some(since), Some(until)) = (self.since, self.until) {
            if since >= until {
                return Err(AnalysisError::validation("since", "must be before until"));
            }
        }
        if self.max_files_per_commit == Some(0) {
            return Err(AnalysisError::validation("max_files_per_commit", "must be at least 1"));
        }
        if let Some(rev) = &self.rev {
            if rev.trim().is_empty() || rev.contains('\0') {
                return Err(AnalysisError::validation("rev", "must be a revision such as HEAD, main or a hash"));
            }
        }
        Ok(())
    }
}

/// Seconds added before dividing times into days and hours, so integer division (which truncates
/// toward zero on both backends) floors for times before 1970 too (back to year 1, the oldest the
/// store accepts). A whole number of weeks, so weekdays stay where they were.
pub(crate) const TIME_SHIFT: i64 = 110_000 * 604_800;
pub(crate) const SHIFT_DAYS: i64 = TIME_SHIFT / 86_400;

/// The author's local time of a commit as shifted seconds (see `TIME_SHIFT`), in SQL.
pub(crate) fn local_time_sql() -> String {
    format!("(c.author_time + CAST(c.author_tz_offset AS BIGINT) * 60 + {TIME_SHIFT})")
}

/// The history a query covers, as SQL over `commits c`: put `cte` before the `SELECT` and
/// `where_sql` in its `WHERE`; `binds` are `$1..`.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    pub repository: Repository,
    pub cte: String,
    pub where_sql: String,
    pub binds: Vec<Bind>,
}

impl Scope {
    pub(crate) async fn build(db: &Db, repository: Repository, params: &AnalysisParams) -> Result<Scope> {
        params.validate()?;
        let mut binds = vec![Bind::Int(repository.id)];
        let mut conditions = vec!["c.repository_id = $1".to_string()];
        if let Some(since) = params.since {
            binds.push(Bind::Int(since));
            conditions.push(format!("c.author_time >= ${}", binds.len()));
        }
        if let Some(until) = params.until {
            binds.push(Bind::Int(until));
            conditions.push(format!("c.author_time < ${}", binds.len()));
        }
        let mut cte = String::new();
        if !params.refs.is_empty() {
            let full = resolve_refs(db, repository.id, &params.refs).await?;
            let mut placeholders = Vec::new();
            for name in full {
                binds.push(Bind::Text(name));
                placeholders.push(format!("${}", binds.len()));
            }
            // Reachability walked over the stored parents, inside the statement.
            cte = format!(
                "WITH RECURSIVE reach(id) AS ( \
                   SELECT id FROM commits WHERE repository_id = $1 AND hash IN \
                     (SELECT target_hash FROM refs WHERE repository_id = $1 AND name IN ({})) \
                   UNION \
                   SELECT pc.id FROM reach JOIN commit_parents p ON p.commit_id = reach.id \
                   JOIN commits pc ON pc.repository_id = $1 AND pc.hash = p.parent_hash) ",
                placeholders.join(", ")
            );
            conditions.push("c.id IN (SELECT id FROM reach)".to_string());
        }
        Ok(Scope { repository, cte, where_sql: conditions.join(" AND "), binds })
    }

    /// A statement over the scoped commits: `{cte}SELECT {select} FROM commits c {joins} WHERE {scope} {rest}`.
    pub(crate) fn sql(&self, select: &str, joins: &str, extra_where: &str, rest: &str) -> String {
        let extra = if extra_where.is_empty() { String::new() } else { format!(" AND {extra_where}") };
        format!("{}SELECT {select} FROM commits c {joins} WHERE {}{extra} {rest}", self.cte, self.where_sql)
    }
}

/// Full ref names for the names asked (`main` → `refs/heads/main` or `refs/tags/main`); a name the
/// repository does not have is an error that lists what it has.
async fn resolve_refs(db: &Db, repository_id: i64, names: &[String]) -> Result<Vec<String>> {
    let stored: Vec<(String,)> = db
        .fetch_all("SELECT name FROM refs WHERE repository_id = $1 ORDER BY name", &[Bind::Int(repository_id)])
        .await?;
    let stored: Vec<String> = stored.into_iter().map(|(n,)| n).collect();
    let mut full = Vec::new();
    for name in names {
        let candidates = if name.starts_with("refs/") {
            vec![name.clone()]
        } else {
            vec![format!("refs/heads/{name}"), format!("refs/tags/{name}"), format!("refs/remotes/{name}")]
        };
        let found: Vec<String> = candidates.into_iter().filter(|c| stored.contains(c)).collect();
        if found.is_empty() {
            let sample: Vec<&str> = stored.iter().take(10).map(String::as_str).collect();
            return Err(AnalysisError::validation(
                "refs",
                format!("no branch or tag named {name:?} in this repository (it has: {})", sample.join(", ")),
            ));
        }
        full.extend(found);
    }
    Ok(full)
}

/// Who an author is after the user's aliases: the canonical identity for an aliased e-mail.
#[derive(Debug, Clone, Default)]
pub(crate) struct Identities {
    aliases: BTreeMap<String, Identity>,
}

impl Identities {
    pub(crate) fn new(aliases: &BTreeMap<String, Identity>) -> Identities {
        Identities { aliases: aliases.iter().map(|(k, v)| (k.trim().to_lowercase(), v.clone())).collect() }
    }

    pub(crate) fn resolve(&self, name: &str, email: &str) -> Identity {
        match self.aliases.get(&email.trim().to_lowercase()) {
            Some(canonical) => canonical.clone(),
            None => Identity { name: name.to_string(), email: email.to_string() },
        }
    }
}

/// Every folder a path is in, from the root (`""`) down to its parent (`a/b/c.rs` → "", "a", "a/b").
pub(crate) fn folders_of(path: &str) -> impl Iterator<Item = &str> {
    std::iter::once("").chain(path.match_indices('/').map(move |(i, _)| &path[..i]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_of_a_path() {
        assert_eq!(folders_of("a/b/c.rs").collect::<Vec<_>>(), vec!["", "a", "a/b"]);
        assert_eq!(folders_of("top.txt").collect::<Vec<_>>(), vec![""]);
    }

    #[test]
    fn aliases_ignore_case() {
        let mut map = BTreeMap::new();
        map.insert("Old@Example.com".to_string(), Identity { name: "New".into(), email: "new@example.com".into() });
        let ids = Identities::new(&map);
        assert_eq!(ids.resolve("Old", "old@example.COM").email, "new@example.com");
        assert_eq!(ids.resolve("Other", "o@example.com").name, "Other");
    }
}
