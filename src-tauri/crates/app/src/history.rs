//! Two revisions of a repository compared, as `git rev-list --left-right A...B`, `git merge-base`
//! and `git diff --numstat A..B` / `A...B` answer: the counts, merge bases and commits come from
//! the stored parents (no repository folder needed); the file list is a tree diff read from the
//! repository folder with gix, when it is there.

use std::path::Path;

use repovault_storage::{ChangeKind, Commit, ErrorCode, ErrorPayload, FileChange, Store};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Most commits listed per side (the counts are always exact).
pub const MAX_COMPARE_COMMITS: usize = 500;

/// One file of a comparison, as `git diff --numstat` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CompareFile {
    pub path: String,
    pub old_path: Option<String>,
    pub kind: ChangeKind,
    pub is_binary: bool,
    #[ts(type = "number | null")]
    pub additions: Option<i64>,
    #[ts(type = "number | null")]
    pub deletions: Option<i64>,
}

/// Two revisions compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Comparison {
    pub left: String,
    pub right: String,
    pub left_hash: String,
    pub right_hash: String,
    /// Commits the left side reaches and the right does not (`git rev-list --left-right --count`'s first number).
    #[ts(type = "number")]
    pub left_only: i64,
    /// Commits the right side reaches and the left does not (its second number).
    #[ts(type = "number")]
    pub right_only: i64,
    /// The best common ancestors (`git merge-base --all`), newest first; the first is the one a
    /// three-dot diff starts from.
    pub merge_bases: Vec<String>,
    /// Newest first, at most `MAX_COMPARE_COMMITS` per side.
    pub left_commits: Vec<Commit>,
    pub right_commits: Vec<Commit>,
    /// Three-dot (`A...B`: from the merge base to the right) or two-dot (`A..B`: left to right).
    pub three_dot: bool,
    /// The files changed, when the repository folder could be read; otherwise `files_note` says why.
    pub files: Option<Vec<CompareFile>>,
    pub files_note: Option<String>,
}

/// Compares `left` and `right` (refs, hashes, `REV~N`, `REV^N`) of the repository `name`.
pub async fn compare(
    store: &dyn Store,
    repository: &str,
    left: &str,
    right: &str,
    three_dot: bool,
) -> Result<Comparison, ErrorPayload> {
    let repo = store.repository_by_name(repository).await?;
    let left_hash = store.resolve_revision(repo.id, left).await?;
    let right_hash = store.resolve_revision(repo.id, right).await?;
    let started = std::time::Instant::now();
    let dag = store.commit_dag(repo.id).await?;
    tracing::debug!(elapsed_ms = started.elapsed().as_millis() as u64, commits = dag.len(), "compare: graph read");
    let c = dag.compare(dag.row(&left_hash)?, dag.row(&right_hash)?);
    let ids = |rows: &[usize]| rows.iter().take(MAX_COMPARE_COMMITS).map(|r| dag.ids[*r]).collect::<Vec<_>>();
    let left_commits = store.commits_by_id(&ids(&c.left_only)).await?;
    let right_commits = store.commits_by_id(&ids(&c.right_only)).await?;
    let merge_bases: Vec<String> = c.merge_bases.iter().map(|r| dag.hashes[*r].clone()).collect();
    let from = if three_dot { merge_bases.first().cloned() } else { Some(left_hash.clone()) };
    tracing::debug!(elapsed_ms = started.elapsed().as_millis() as u64, "compare: sides and commits");
    let (files, files_note) = match (from, repo.path.as_deref()) {
        (None, _) => (None, Some(format!("{left} and {right} have no common ancestor, so there is no three-dot diff"))),
        (Some(_), None) => {
            (None, Some("the repository was stored without a folder, so the file list is not available".into()))
        }
        (Some(from), Some(path)) => {
            let (path, to) = (path.to_string(), right_hash.clone());
            match in_folder(move || repovault_ingest::diff_commits(Path::new(&path), &from, &to)).await? {
                Ok(changes) => (Some(changes.into_iter().map(file_of).collect()), None),
                Err(err) => (None, Some(format!("the file list needs the repository folder: {err}"))),
            }
        }
    };
    tracing::debug!(elapsed_ms = started.elapsed().as_millis() as u64, "compare: files");
    Ok(Comparison {
        left: left.to_string(),
        right: right.to_string(),
        left_hash,
        right_hash,
        left_only: c.left_only.len() as i64,
        right_only: c.right_only.len() as i64,
        merge_bases,
        left_commits,
        right_commits,
        three_dot,
        files,
        files_note,
    })
}

/// One file of a comparison with its diff text, as `git diff FROM TO -- PATH` shows it: `from` is
/// the left side (two-dot) or the merge base (three-dot), as [`Comparison`] gives them. Read from
/// the repository folder; `id` is 0 (the change is not stored).
pub async fn compare_file_diff(
    store: &dyn Store,
    repository: &str,
    from: &str,
    to: &str,
    path: &str,
) -> Result<FileChange, ErrorPayload> {
    let repo = store.repository_by_name(repository).await?;
    let from = store.resolve_revision(repo.id, from).await?;
    let to = store.resolve_revision(repo.id, to).await?;
    let Some(folder) = repo.path.clone() else {
        return Err(ErrorPayload::new(
            ErrorCode::NoRepositoryPath,
            format!("{repository} was stored without a folder, so the diff of {path} cannot be read"),
        ));
    };
    let file = path.to_string();
    let change = in_folder(move || repovault_ingest::diff_commits_file(Path::new(&folder), &from, &to, &file))
        .await??
        .ok_or_else(|| ErrorPayload::new(ErrorCode::NotFound, format!("{path} did not change between the two")))?;
    let diff = change.diff.map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
    Ok(FileChange {
        id: 0,
        path: change.path,
        old_path: change.old_path,
        kind: change.kind,
        is_binary: change.is_binary,
        is_submodule: change.is_submodule,
        additions: change.additions,
        deletions: change.deletions,
        diff_size: diff.as_ref().map(|d| d.len() as i64),
        diff,
    })
}

/// Runs blocking git work (gix reading the repository folder) off the async runtime.
async fn in_folder<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, ErrorPayload> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ErrorPayload::new(ErrorCode::Storage, format!("reading the repository folder failed: {e}")))
}

fn file_of(change: repovault_storage::NewFileChange) -> CompareFile {
    CompareFile {
        path: change.path,
        old_path: change.old_path,
        kind: change.kind,
        is_binary: change.is_binary,
        additions: change.additions,
        deletions: change.deletions,
    }
}

/// One line of a blamed file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BlameLine {
    /// 1-based.
    pub line: u32,
    pub text: String,
    /// The commit that last changed the line.
    pub commit: String,
}

/// A file's lines at a commit, each with the commit that last changed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Blame {
    pub path: String,
    pub rev: String,
    /// The commit blamed at.
    pub hash: String,
    /// The file is binary there: no lines.
    pub binary: bool,
    /// Where the lines come from: "stored diffs" (the repository folder is not needed).
    pub source: String,
    pub lines: Vec<BlameLine>,
    /// The commits the lines name, each once, newest first.
    pub commits: Vec<Commit>,
}

/// The blame of `path` at `rev` (default `HEAD`: the `main` or `master` branch), replayed from the
/// stored diffs of the file's history (renames followed), as `git blame` attributes lines.
pub async fn blame(store: &dyn Store, repository: &str, path: &str, rev: Option<&str>) -> Result<Blame, ErrorPayload> {
    use std::collections::{BTreeSet, HashMap};
    repovault_storage::validate::non_empty_text("path", path)?;
    let repo = store.repository_by_name(repository).await?;
    let rev = rev.unwrap_or("HEAD").to_string();
    let hash = store.resolve_revision(repo.id, &rev).await?;
    let started = std::time::Instant::now();
    let dag = store.commit_dag(repo.id).await?;
    tracing::debug!(elapsed_ms = started.elapsed().as_millis() as u64, commits = dag.len(), "blame: graph read");
    let changes = changes_under_every_name(store, repo.id, path).await?;
    let row = dag.row(&hash)?;
    let needed = needed_diffs(&dag, row, path, &changes);
    tracing::debug!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        changes = changes.len(),
        diffs = needed.len(),
        "blame: changes"
    );
    let mut diffs = HashMap::new();
    for change in changes.iter().filter(|c| c.has_diff && needed.binary_search(&c.file_change_id).is_ok()) {
        if let Some(bytes) = store.diff_bytes(change.file_change_id).await? {
            diffs.insert(change.file_change_id, String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    tracing::debug!(elapsed_ms = started.elapsed().as_millis() as u64, "blame: diffs read");
    let Some((binary, lines)) = replay(&dag, row, path, &changes, &diffs)? else {
        return Err(repovault_storage::StoreError::not_found(format!("{path} at {rev} ({})", &hash[..12])).into());
    };
    let mut origins: Vec<usize> = lines.iter().map(|(_, _, o)| *o).collect::<BTreeSet<_>>().into_iter().collect();
    origins.sort();
    tracing::debug!(elapsed_ms = started.elapsed().as_millis() as u64, "blame: replayed");
    let commits = store.commits_by_id(&origins.iter().map(|o| dag.ids[*o]).collect::<Vec<_>>()).await?;
    Ok(Blame {
        path: path.to_string(),
        rev,
        hash,
        binary,
        source: "stored diffs".to_string(),
        lines: lines
            .into_iter()
            .map(|(line, text, origin)| BlameLine { line, text, commit: dag.hashes[origin].clone() })
            .collect(),
        commits,
    })
}

/// The stored changes of `path` under every name the file had: the old paths of the renames (and
/// copies) into any name found so far, asked for until no new name turns up; ordered by change.
async fn changes_under_every_name(
    store: &dyn Store,
    repository_id: i64,
    path: &str,
) -> Result<Vec<repovault_storage::PathChange>, ErrorPayload> {
    use std::collections::BTreeSet;
    let mut names: BTreeSet<String> = BTreeSet::from([path.to_string()]);
    let mut asked: Vec<String> = vec![path.to_string()];
    let mut changes = Vec::new();
    while !asked.is_empty() {
        let found = store.changes_of_paths(repository_id, &asked).await?;
        asked = found
            .iter()
            .filter(|c| matches!(c.kind, ChangeKind::Renamed | ChangeKind::Copied) && names.contains(&c.path))
            .filter_map(|c| c.old_path.clone())
            .filter(|old| !names.contains(old))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        names.extend(asked.iter().cloned());
        changes.extend(found);
    }
    changes.sort_by_key(|c| c.file_change_id);
    changes.dedup_by_key(|c| c.file_change_id);
    Ok(changes)
}

/// The diff texts the replay will read (sorted), found from the line counts alone: the history
/// back to the file's newest full rewrite, and what merges bring from their other parents.
fn needed_diffs(
    dag: &repovault_storage::graph::Dag,
    row: usize,
    path: &str,
    changes: &[repovault_storage::PathChange],
) -> Vec<i64> {
    let none = std::collections::HashMap::new();
    repovault_storage::graph::blame::Replay::new(dag, changes, &none).needed_diffs(row, path)
}

/// The replay itself, off the async path (its lines share text through `Rc`): binary or not, and
/// (line number, text, origin row) per line; `None` when the file is not at that commit.
type ReplayedLines = (bool, Vec<(u32, String, usize)>);

fn replay(
    dag: &repovault_storage::graph::Dag,
    row: usize,
    path: &str,
    changes: &[repovault_storage::PathChange],
    diffs: &std::collections::HashMap<i64, String>,
) -> Result<Option<ReplayedLines>, ErrorPayload> {
    use repovault_storage::graph::blame::{BlameOutcome, Replay};
    Ok(match Replay::new(dag, changes, diffs).blame(row, path)? {
        None => None,
        Some(BlameOutcome::Binary) => Some((true, Vec::new())),
        Some(BlameOutcome::Lines(lines)) => Some((
            false,
            lines
                .into_iter()
                .enumerate()
                .map(|(i, l)| (i as u32 + 1, l.text.trim_end_matches('\n').to_string(), l.origin))
                .collect(),
        )),
    })
}

/// The commits that changed some lines of a file, as `git log -L START,END:PATH REV` lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LineHistory {
    pub path: String,
    pub rev: String,
    pub hash: String,
    /// 1-based, inclusive.
    pub start: u32,
    pub end: u32,
    /// Newest first.
    pub commits: Vec<Commit>,
}

/// Lines `start..=end` (1-based) of `path` at `rev` (default HEAD) followed back through the
/// stored history: every commit that changed them (see `repovault_storage::graph::linelog`).
pub async fn line_history(
    store: &dyn Store,
    repository: &str,
    path: &str,
    start: u32,
    end: u32,
    rev: Option<&str>,
) -> Result<LineHistory, ErrorPayload> {
    use std::collections::HashMap;
    repovault_storage::validate::non_empty_text("path", path)?;
    if start == 0 || end < start {
        return Err(repovault_storage::StoreError::validation(
            "lines",
            format!("{start},{end} is not a range of lines (1-based, start <= end)"),
        )
        .into());
    }
    let repo = store.repository_by_name(repository).await?;
    let rev = rev.unwrap_or("HEAD").to_string();
    let hash = store.resolve_revision(repo.id, &rev).await?;
    let dag = store.commit_dag(repo.id).await?;
    let changes = changes_under_every_name(store, repo.id, path).await?;
    let mut diffs = HashMap::new();
    for change in changes.iter().filter(|c| c.has_diff) {
        if let Some(bytes) = store.diff_bytes(change.file_change_id).await? {
            diffs.insert(change.file_change_id, String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    let row = dag.row(&hash)?;
    let rows = trace_lines(&dag, row, path, start, end, &changes, &diffs)?;
    let commits = store.commits_by_id(&rows.iter().map(|r| dag.ids[*r]).collect::<Vec<_>>()).await?;
    Ok(LineHistory { path: path.to_string(), rev, hash, start, end, commits })
}

fn trace_lines(
    dag: &repovault_storage::graph::Dag,
    row: usize,
    path: &str,
    start: u32,
    end: u32,
    changes: &[repovault_storage::PathChange],
    diffs: &std::collections::HashMap<i64, String>,
) -> Result<Vec<usize>, ErrorPayload> {
    use repovault_storage::graph::blame::Replay;
    let mut replay = Replay::new(dag, changes, diffs);
    let Some(lines) = replay.content(row, path)? else {
        return Err(repovault_storage::StoreError::not_found(format!("{path} at {}", &dag.hashes[row][..12])).into());
    };
    if end as usize > lines.len() {
        return Err(repovault_storage::StoreError::validation(
            "lines",
            format!("{path} has only {} lines at {}", lines.len(), &dag.hashes[row][..12]),
        )
        .into());
    }
    let ranges = vec![(i64::from(start) - 1, i64::from(end))];
    Ok(repovault_storage::graph::linelog::line_history(dag, &mut replay, diffs, row, path, ranges)?)
}
