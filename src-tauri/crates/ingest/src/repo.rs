//! Opening a repository, choosing its refs, and walking the commits reachable from them.

use std::collections::HashSet;
use std::path::Path;

use gix::ObjectId;
use repovault_storage::{GitRef, RefKind};

use crate::error::IngestError;

/// Which refs to import: full names matched against `*` patterns (a `*` matches any run of
/// characters, `/` included). `refs/pull/*` is left out unless an include pattern names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefFilter {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
}

impl Default for RefFilter {
    fn default() -> Self {
        RefFilter { include: vec!["refs/heads/*".into(), "refs/tags/*".into()], exclude: Vec::new() }
    }
}

impl RefFilter {
    pub fn accepts(&self, name: &str) -> bool {
        let included = self.include.iter().any(|p| glob_match(p, name));
        let pull = name.starts_with("refs/pull/") && !self.include.iter().any(|p| p.starts_with("refs/pull/"));
        included && !pull && !self.exclude.iter().any(|p| glob_match(p, name))
    }
}

/// `*` matches any run of characters; everything else matches itself.
fn glob_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || !text[first.len()..].ends_with(last) || text.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

/// The name a repository gets from its folder: `/src/demo`, `/src/demo/.git` and `/src/demo.git`
/// all give `demo`.
pub fn default_repository_name(path: &Path) -> Option<String> {
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let mut name = path.file_name()?.to_string_lossy().into_owned();
    if name == ".git" {
        name = path.parent()?.file_name()?.to_string_lossy().into_owned();
    }
    let name = name.strip_suffix(".git").filter(|n| !n.is_empty()).unwrap_or(&name);
    Some(name.to_string())
}

pub fn open(path: &Path) -> Result<gix::ThreadSafeRepository, IngestError> {
    if !path.exists() {
        return Err(IngestError::NotARepository {
            path: path.display().to_string(),
            reason: "no such file or folder".into(),
        });
    }
    gix::open(path)
        .map(|repo| repo.into_sync())
        .map_err(|e| IngestError::NotARepository { path: path.display().to_string(), reason: e.to_string() })
}

/// The refs the filter accepts, each peeled to the commit it names. Refs that name no commit
/// (a tag of a tree, say) are skipped; a ref whose object is missing is an error naming both.
pub fn list_refs(repo: &gix::Repository, filter: &RefFilter) -> Result<Vec<GitRef>, IngestError> {
    let platform = repo.references().map_err(|e| IngestError::git("cannot read refs", e))?;
    let mut refs = Vec::new();
    for reference in platform.all().map_err(|e| IngestError::git("cannot read refs", e))? {
        let mut reference = reference.map_err(|e| IngestError::git("cannot read a ref", e))?;
        let name = reference.name().as_bstr().to_string();
        if !filter.accepts(&name) {
            continue;
        }
        let id = reference.peel_to_id().map_err(|e| IngestError::git(format!("cannot resolve {name}"), e))?.detach();
        let header = repo
            .find_header(id)
            .map_err(|e| IngestError::git(format!("{name} points at object {id}, which cannot be read"), e))?;
        if header.kind() != gix::object::Kind::Commit {
            tracing::debug!(%name, kind = ?header.kind(), "skipping a ref that names no commit");
            continue;
        }
        let kind = if name.starts_with("refs/heads/") {
            RefKind::Branch
        } else if name.starts_with("refs/tags/") {
            RefKind::Tag
        } else {
            RefKind::Other
        };
        refs.push(GitRef { name, kind, target: id.to_string() });
    }
    refs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(refs)
}

/// Where an incremental walk may stop.
pub enum StoredHistory<'a> {
    /// Every ancestor of a stored commit that the repository has is stored too: the walk stops at
    /// the first stored commit of each line, so it reads only the new commits.
    Closed,
    /// Not known to be closed (an interrupted import): the walk hides everything reachable from
    /// these tips of the last completed sync. Exact, but gix paints the hidden side down to the
    /// root commit (the whole history read again: ~0.7 s on 100k commits).
    HiddenBehind(&'a [ObjectId]),
}

/// Commits reachable from `tips` and not stored (`known`, or hidden behind stored history),
/// oldest first.
pub fn commits_to_import(
    repo: &gix::Repository,
    tips: &[ObjectId],
    stored: StoredHistory<'_>,
    known: &HashSet<String>,
    since: Option<i64>,
) -> Result<Vec<ObjectId>, IngestError> {
    if tips.is_empty() {
        return Ok(Vec::new());
    }
    let platform = repo.rev_walk(tips.iter().copied());
    let walk = match stored {
        StoredHistory::Closed => platform.selected(|id| !known.contains(&id.to_string())),
        StoredHistory::HiddenBehind(hidden) => platform.with_hidden(hidden.iter().copied()).all(),
    }
    .map_err(|e| IngestError::git("cannot walk history", e))?;
    let mut ids = Vec::new();
    for info in walk {
        let info = info.map_err(|e| IngestError::git("cannot walk history (a commit is missing or corrupt)", e))?;
        if let Some(since) = since {
            if info.commit_time() < since {
                continue;
            }
        }
        let id = info.id;
        if !known.contains(&id.to_string()) {
            ids.push(id);
        }
    }
    ids.reverse();
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_name_is_the_folder_name() {
        assert_eq!(default_repository_name(Path::new("/nonexistent/src/demo")).as_deref(), Some("demo"));
        assert_eq!(default_repository_name(Path::new("/nonexistent/src/demo/")).as_deref(), Some("demo"));
        assert_eq!(default_repository_name(Path::new("/nonexistent/src/demo/.git")).as_deref(), Some("demo"));
        assert_eq!(default_repository_name(Path::new("/nonexistent/src/demo.git")).as_deref(), Some("demo"));
        assert_eq!(default_repository_name(Path::new("/nonexistent/.git.git")).as_deref(), Some(".git"));
        assert_eq!(default_repository_name(Path::new("/")), None);
    }

    #[test]
    fn globs_match_like_ref_patterns() {
        assert!(glob_match("refs/heads/*", "refs/heads/main"));
        assert!(glob_match("refs/heads/*", "refs/heads/feature/x"));
        assert!(!glob_match("refs/heads/*", "refs/tags/v1"));
        assert!(glob_match("refs/*/release-*", "refs/heads/release-1.2"));
        assert!(!glob_match("refs/heads/main", "refs/heads/main2"));
        assert!(glob_match("*", "anything"));
    }

    #[test]
    fn pull_refs_need_to_be_asked_for() {
        let default = RefFilter::default();
        assert!(default.accepts("refs/heads/main"));
        assert!(default.accepts("refs/tags/v1.0"));
        assert!(!default.accepts("refs/remotes/origin/main"));
        let all = RefFilter { include: vec!["refs/*".into()], exclude: vec!["refs/remotes/*".into()] };
        assert!(!all.accepts("refs/pull/1/head"));
        assert!(!all.accepts("refs/remotes/origin/main"));
        assert!(all.accepts("refs/notes/x"));
        let pulls = RefFilter { include: vec!["refs/pull/*".into()], exclude: vec![] };
        assert!(pulls.accepts("refs/pull/1/head"));
    }
}
