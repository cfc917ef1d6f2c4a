//! What an analysis is asked: the repository's history it covers (refs, author-date range), the
//! user's identity aliases, and per-kind knobs, and the storage scope that limits aggregates to it.

use std::collections::BTreeMap;

use repovault_storage::{HistoryScope, Identity, Repository, Store};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{AnalysisError, Result};
use crate::filters;
use crate::AnalysisKind;

/// Parameters of an analysis run. Every field is optional; each kind reads the ones it uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
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
    /// History kinds: path globs (see `filters`); when any is given, only changes to matching paths
    /// count, and commits without one are left out (as `git log -- PATHSPEC`).
    pub include: Vec<String>,
    /// History kinds: path globs whose changes are left out (`vendor/**`, `*.lock`, `CHANGELOG.md`).
    pub exclude: Vec<String>,
    /// History kinds: authors whose commits are left out, by name or e-mail in any case, `*` for
    /// any text (`*[bot]*`, `ann@example.com`).
    pub exclude_authors: Vec<String>,
    /// Add the kind's default exclusions to `exclude` and `exclude_authors` (default true): lock
    /// files and generated folders for churn, hotspots and coupling; bots for authors and ownership.
    pub default_excludes: bool,
}

impl Default for AnalysisParams {
    fn default() -> Self {
        AnalysisParams {
            refs: Vec::new(),
            since: None,
            until: None,
            aliases: BTreeMap::new(),
            limit: None,
            max_files_per_commit: None,
            min_shared: None,
            rev: None,
            include: Vec::new(),
            exclude: Vec::new(),
            exclude_authors: Vec::new(),
            default_excludes: true,
        }
    }
}

pub const DEFAULT_LIMIT: u32 = 100;

impl AnalysisParams {
    /// The parameters a run of `kind` is stored and computed with: filter patterns trimmed and each
    /// once, the kind's defaults added (when `default_excludes`), no filters for kinds that read a
    /// revision's files. Applying it again changes nothing, so stored parameters rerun alike.
    pub fn for_kind(&self, kind: AnalysisKind) -> AnalysisParams {
        let mut params = self.clone();
        if !kind.reads_history() {
            (params.include, params.exclude, params.exclude_authors) = (Vec::new(), Vec::new(), Vec::new());
            return params;
        }
        let (paths, authors): (&[&str], &[&str]) =
            if self.default_excludes { (kind.default_excludes(), kind.default_author_excludes()) } else { (&[], &[]) };
        params.include = filters::merged(&self.include, &[]);
        params.exclude = filters::merged(&self.exclude, paths);
        params.exclude_authors = filters::merged(&self.exclude_authors, authors);
        params
    }

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
        filters::validate(self)
    }
}

pub(crate) use repovault_storage::history::SHIFT_DAYS;

/// The history an analysis covers: the repository and the storage scope its aggregates read,
/// with the kind's filters.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    pub repository: Repository,
    pub history: HistoryScope,
}

impl Scope {
    pub(crate) async fn build(
        store: &dyn Store,
        repository: Repository,
        kind: AnalysisKind,
        params: &AnalysisParams,
    ) -> Result<Scope> {
        params.validate()?;
        let refs =
            if params.refs.is_empty() { Vec::new() } else { resolve_refs(store, repository.id, &params.refs).await? };
        let history = HistoryScope {
            repository_id: repository.id,
            since: params.since,
            until: params.until,
            refs,
            filter: filters::history_filter(&params.for_kind(kind))?,
        };
        Ok(Scope { repository, history })
    }
}

/// Full ref names for the names asked (`main` → `refs/heads/main` or `refs/tags/main`); a name the
/// repository does not have is an error that lists what it has.
async fn resolve_refs(store: &dyn Store, repository_id: i64, names: &[String]) -> Result<Vec<String>> {
    let mut stored: Vec<String> = store.refs(repository_id).await?.into_iter().map(|r| r.name).collect();
    stored.sort();
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
