//! Reading a repository's files at a revision with gix: the list of blobs in its tree, and their
//! contents, in parallel on a few threads (each with its own repository handle and object cache).

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use gix::prelude::FindExt;

use crate::error::{AnalysisError, Result};
use crate::progress::{CancelToken, Progress};

/// One file of the tree: a regular or executable blob (symlinks and submodules are left out).
#[derive(Debug, Clone)]
pub(crate) struct TreeFile {
    pub path: String,
    pub id: gix::ObjectId,
}

/// A repository opened for reading files at one revision.
pub(crate) struct RevisionTree {
    repo: gix::ThreadSafeRepository,
    /// The commit the revision names (full hash).
    pub commit: String,
    pub files: Vec<TreeFile>,
}

impl RevisionTree {
    /// Opens the repository at `path` and lists the files of `rev` (a branch, tag, hash, `HEAD`…).
    pub(crate) fn open(path: &Path, rev: &str) -> Result<RevisionTree> {
        if !path.exists() {
            return Err(AnalysisError::Git(format!("the repository folder {} does not exist", path.display())));
        }
        let repo = gix::open(path)
            .map_err(|e| AnalysisError::Git(format!("{} is not a readable git repository: {e}", path.display())))?;
        // The commit and tree borrow the repository; they are done with before it moves.
        let (commit, files) = {
            let commit = repo
                .rev_parse_single(rev)
                .map_err(|e| AnalysisError::validation("rev", format!("{rev:?} names no revision here: {e}")))?
                .object()
                .map_err(AnalysisError::git)?
                .peel_to_commit()
                .map_err(|e| AnalysisError::validation("rev", format!("{rev:?} does not name a commit: {e}")))?;
            let tree = commit.tree().map_err(AnalysisError::git)?;
            let mut recorder = gix::traverse::tree::Recorder::default();
            tree.traverse().breadthfirst(&mut recorder).map_err(AnalysisError::git)?;
            let mut files: Vec<TreeFile> = recorder
                .records
                .into_iter()
                .filter(|e| e.mode.is_blob())
                .map(|e| TreeFile { path: e.filepath.to_string(), id: e.oid })
                .collect();
            files.sort_by(|a, b| a.path.cmp(&b.path));
            (commit.id.to_string(), files)
        };
        Ok(RevisionTree { commit, files, repo: repo.into_sync() })
    }

    /// Calls `visit` with each selected file's bytes on `threads` threads; results keep the order of
    /// `files`. Stops early (with `Cancelled`) when the token is set.
    pub(crate) fn map_files<T, F>(
        &self,
        files: &[&TreeFile],
        threads: usize,
        progress: &Progress,
        cancel: &CancelToken,
        visit: F,
    ) -> Result<Vec<T>>
    where
        T: Send,
        F: Fn(&TreeFile, &[u8]) -> T + Sync,
    {
        let next = AtomicUsize::new(0);
        let done = AtomicUsize::new(0);
        let total = files.len() as u64;
        let threads = threads.clamp(1, 16).min(files.len().max(1));
        let results: Vec<Result<Vec<(usize, T)>>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        let mut repo = self.repo.to_thread_local();
                        repo.object_cache_size_if_unset(16 * 1024 * 1024);
                        let mut out = Vec::new();
                        let mut buf = Vec::new();
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            if i >= files.len() {
                                break;
                            }
                            if cancel.is_cancelled() {
                                return Err(AnalysisError::Cancelled);
                            }
                            let file = files[i];
                            let data = match repo.objects.find_blob(&file.id, &mut buf) {
                                Ok(blob) => blob.data,
                                Err(err) => {
                                    return Err(AnalysisError::Git(format!("cannot read {}: {err}", file.path)))
                                }
                            };
                            out.push((i, visit(file, data)));
                            let n = done.fetch_add(1, Ordering::Relaxed) as u64 + 1;
                            if n.is_multiple_of(256) || n == total {
                                progress.report("reading files", n, total);
                            }
                        }
                        Ok(out)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("a file worker panicked")).collect()
        });
        let mut all = Vec::with_capacity(files.len());
        for part in results {
            all.extend(part?);
        }
        all.sort_by_key(|(i, _)| *i);
        Ok(all.into_iter().map(|(_, t)| t).collect())
    }
}

/// Whether bytes look binary the way git decides: a NUL in the first 8000 bytes.
pub(crate) fn is_binary(data: &[u8]) -> bool {
    data[..data.len().min(8000)].contains(&0)
}

/// Lines in a text: newlines, plus one for a last line without one.
pub(crate) fn line_count(data: &[u8]) -> i64 {
    let newlines = data.iter().filter(|b| **b == b'\n').count() as i64;
    newlines + i64::from(!data.is_empty() && !data.ends_with(b"\n"))
}

/// The full hash of the commit `rev` names in the repository at `path`.
pub(crate) fn resolve_commit(path: &Path, rev: &str) -> Result<String> {
    let repo = gix::open(path).map_err(AnalysisError::git)?;
    let id = repo
        .rev_parse_single(rev)
        .map_err(AnalysisError::git)?
        .object()
        .map_err(AnalysisError::git)?
        .peel_to_commit()
        .map_err(AnalysisError::git)?
        .id;
    Ok(id.to_string())
}
