//! Churn per file and per folder (lines added + deleted, commits touching), and hotspots: files
//! that change often *and* are big (change count × current size).

use std::collections::HashMap;
use std::path::PathBuf;

use repovault_storage::history::CommitPaths;
use repovault_storage::Store;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
use crate::filters::{self, LeftOut};
use crate::params::{folders_of, AnalysisParams, Scope};
use crate::progress::{CancelToken, Progress};
use crate::tree::{is_binary, line_count, RevisionTree};

/// One path as the history records it (a renamed file's history before the rename stays under
/// its old path, as in `git log --numstat`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FileChurn {
    pub path: String,
    /// Commits that changed the file (merges count with their first-parent diff).
    #[ts(type = "number")]
    pub commits: i64,
    #[ts(type = "number")]
    pub additions: i64,
    #[ts(type = "number")]
    pub deletions: i64,
    /// additions + deletions.
    #[ts(type = "number")]
    pub churn: i64,
    /// Author time of the newest change, Unix seconds.
    #[ts(type = "number")]
    pub last_changed: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FolderChurn {
    /// `""` is the repository's root; `src/app` a folder (files directly in it and below).
    pub path: String,
    /// Distinct commits that changed anything in the folder.
    #[ts(type = "number")]
    pub commits: i64,
    #[ts(type = "number")]
    pub files: i64,
    #[ts(type = "number")]
    pub additions: i64,
    #[ts(type = "number")]
    pub deletions: i64,
    #[ts(type = "number")]
    pub churn: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChurnReport {
    /// Most churn first, at most `limit`.
    pub files: Vec<FileChurn>,
    pub folders: Vec<FolderChurn>,
    #[ts(type = "number")]
    pub total_files: i64,
    #[ts(type = "number")]
    pub total_folders: i64,
    /// Paths and authors the filters left out.
    pub left_out: LeftOut,
}

/// Where a hotspot's size comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SizeSource {
    /// Lines of the file at the revision, read from the repository folder.
    Revision,
    /// The folder is not readable: additions − deletions over the stored history (an estimate;
    /// files that no longer exist may be listed).
    History,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Hotspot {
    pub path: String,
    #[ts(type = "number")]
    pub commits: i64,
    #[ts(type = "number")]
    pub churn: i64,
    /// Current size in lines.
    #[ts(type = "number")]
    pub lines: i64,
    /// commits × lines.
    #[ts(type = "number")]
    pub score: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HotspotsReport {
    /// Highest score first, at most `limit`.
    pub hotspots: Vec<Hotspot>,
    pub size_source: SizeSource,
    /// The commit whose files were measured (with `SizeSource::Revision`).
    pub revision: Option<String>,
    /// Why the folder could not be read (with `SizeSource::History`).
    pub size_note: Option<String>,
    /// Paths and authors the filters left out.
    pub left_out: LeftOut,
}

/// Per-file sums of the paths kept, straight from a GROUP BY, and what the filters left out.
async fn file_churn(store: &dyn Store, scope: &Scope) -> Result<(Vec<FileChurn>, LeftOut)> {
    let rows = store.path_totals(&scope.history).await?;
    let mut left_out = filters::left_out_authors(store, &scope.history).await?;
    let mut files = Vec::with_capacity(rows.len());
    for t in rows {
        if !t.kept {
            left_out.files += 1;
            left_out.lines += t.additions + t.deletions;
            continue;
        }
        files.push(FileChurn {
            path: t.path,
            commits: t.commits,
            additions: t.additions,
            deletions: t.deletions,
            churn: t.additions + t.deletions,
            last_changed: t.last_changed,
        });
    }
    Ok((files, left_out))
}

pub(crate) async fn churn(store: &dyn Store, scope: &Scope, params: &AnalysisParams) -> Result<ChurnReport> {
    let (mut files, left_out) = file_churn(store, scope).await?;
    // Distinct commits per folder cannot be summed from per-file counts (one commit touches many
    // files): walk (commit, path) rows in commit order and count each folder once per commit.
    let rows = store.commit_paths(&scope.history, CommitPaths::All).await?;
    let mut folders: HashMap<String, (FolderChurn, i64)> = HashMap::new();
    let new_folder = |path: &str| {
        let churn = FolderChurn { path: path.to_string(), commits: 0, files: 0, additions: 0, deletions: 0, churn: 0 };
        (churn, i64::MIN)
    };
    for row in rows.iter().filter(|r| r.kept) {
        for folder in folders_of(&row.path) {
            let entry = folders.entry(folder.to_string()).or_insert_with(|| new_folder(folder));
            if entry.1 != row.commit_id {
                entry.1 = row.commit_id;
                entry.0.commits += 1;
            }
        }
    }
    for file in &files {
        for folder in folders_of(&file.path) {
            let entry = folders.entry(folder.to_string()).or_insert_with(|| new_folder(folder));
            entry.0.files += 1;
            entry.0.additions += file.additions;
            entry.0.deletions += file.deletions;
            entry.0.churn += file.churn;
        }
    }
    let mut folders: Vec<FolderChurn> = folders.into_values().map(|(f, _)| f).collect();
    let (total_files, total_folders) = (files.len() as i64, folders.len() as i64);
    files.sort_by(|a, b| {
        b.churn.cmp(&a.churn).then_with(|| b.commits.cmp(&a.commits)).then_with(|| a.path.cmp(&b.path))
    });
    files.truncate(params.row_limit());
    folders.sort_by(|a, b| b.churn.cmp(&a.churn).then_with(|| a.path.cmp(&b.path)));
    folders.truncate(params.row_limit());
    Ok(ChurnReport { files, folders, total_files, total_folders, left_out })
}

pub(crate) async fn hotspots(
    store: &dyn Store,
    scope: &Scope,
    params: &AnalysisParams,
    progress: &Progress,
    cancel: &CancelToken,
) -> Result<HotspotsReport> {
    let (files, left_out) = file_churn(store, scope).await?;
    let rev = params.rev.clone().unwrap_or_else(|| "HEAD".to_string());
    let sizes = match scope.repository.path.clone() {
        Some(path) => {
            let wanted: HashMap<String, ()> = files.iter().map(|f| (f.path.clone(), ())).collect();
            let (progress, cancel) = (progress.clone(), cancel.clone());
            tokio::task::spawn_blocking(move || sizes_at(PathBuf::from(path), &rev, &wanted, &progress, &cancel))
                .await
                .expect("the size reader panicked")
        }
        None => Err(crate::error::AnalysisError::NoRepositoryPath("the repository has no folder".into())),
    };
    let (mut hotspots, size_source, revision, size_note) = match sizes {
        Ok((commit, sizes)) => {
            let list =
                files.iter().filter_map(|f| sizes.get(&f.path).map(|lines| hotspot(f, *lines))).collect::<Vec<_>>();
            (list, SizeSource::Revision, Some(commit), None)
        }
        Err(crate::error::AnalysisError::Cancelled) => return Err(crate::error::AnalysisError::Cancelled),
        Err(err) => {
            let list = files.iter().map(|f| hotspot(f, (f.additions - f.deletions).max(0))).collect::<Vec<_>>();
            (list, SizeSource::History, None, Some(err.to_string()))
        }
    };
    hotspots.retain(|h| h.lines > 0);
    hotspots.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.path.cmp(&b.path)));
    hotspots.truncate(params.row_limit());
    Ok(HotspotsReport { hotspots, size_source, revision, size_note, left_out })
}

fn hotspot(file: &FileChurn, lines: i64) -> Hotspot {
    Hotspot { path: file.path.clone(), commits: file.commits, churn: file.churn, lines, score: file.commits * lines }
}

/// Lines of each wanted text file at the revision (binary files are left out).
fn sizes_at(
    path: PathBuf,
    rev: &str,
    wanted: &HashMap<String, ()>,
    progress: &Progress,
    cancel: &CancelToken,
) -> Result<(String, HashMap<String, i64>)> {
    let tree = RevisionTree::open(&path, rev)?;
    let selected: Vec<_> = tree.files.iter().filter(|f| wanted.contains_key(&f.path)).collect();
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    let lines =
        tree.map_files(
            &selected,
            threads,
            progress,
            cancel,
            |_, data| {
                if is_binary(data) {
                    0
                } else {
                    line_count(data)
                }
            },
        )?;
    let sizes = selected.iter().zip(lines).map(|(f, n)| (f.path.clone(), n)).collect();
    Ok((tree.commit, sizes))
}
