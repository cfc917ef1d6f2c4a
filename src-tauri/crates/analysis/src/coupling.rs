//! Temporal coupling: pairs of files changed in the same commits. Degree = shared commits /
//! min(commits of a, commits of b), so 1.0 means the rarer file never changed without the other.
//! Large commits (mass renames, formatting) say nothing about coupling and are skipped, as are
//! merges, whose first-parent diff repeats their branch's commits. Files are counted after the path
//! filters: a commit of 40 source files and 300 vendored ones is a commit of 40 files.

use std::collections::{HashMap, HashSet};

use repovault_storage::history::CommitPaths;
use repovault_storage::Store;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
use crate::filters::{self, LeftOut};
use crate::params::{AnalysisParams, Scope};

pub const DEFAULT_MAX_FILES_PER_COMMIT: u32 = 50;
pub const DEFAULT_MIN_SHARED: u32 = 3;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CoupledPair {
    pub a: String,
    pub b: String,
    /// Commits that changed both.
    #[ts(type = "number")]
    pub shared: i64,
    #[ts(type = "number")]
    pub commits_a: i64,
    #[ts(type = "number")]
    pub commits_b: i64,
    /// shared / min(commits_a, commits_b), 0–1.
    pub degree: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CouplingReport {
    /// Highest degree first (then most shared), at most `limit`.
    pub pairs: Vec<CoupledPair>,
    /// Commits considered and skipped for touching more than `max_files_per_commit` kept files.
    #[ts(type = "number")]
    pub commits_considered: i64,
    #[ts(type = "number")]
    pub commits_skipped: i64,
    pub max_files_per_commit: u32,
    pub min_shared: u32,
    /// Paths and authors the filters left out.
    pub left_out: LeftOut,
}

pub(crate) async fn coupling(store: &dyn Store, scope: &Scope, params: &AnalysisParams) -> Result<CouplingReport> {
    let max_files = params.max_files_per_commit.unwrap_or(DEFAULT_MAX_FILES_PER_COMMIT);
    let min_shared = params.min_shared.unwrap_or(DEFAULT_MIN_SHARED).max(1);
    let rows = store.commit_paths(&scope.history, CommitPaths::NonMerge).await?;
    let mut left_out = filters::left_out_authors(store, &scope.history).await?;
    let mut seen = HashSet::new();
    for row in rows.iter().filter(|r| !r.kept) {
        filters::count_left_out_path(&mut seen, &mut left_out, &row.path, 0);
    }
    let rows: Vec<(i64, &str)> = rows.iter().filter(|r| r.kept).map(|r| (r.commit_id, r.path.as_str())).collect();
    Ok(CouplingReport { left_out, ..pairs_of(&rows, max_files, min_shared, params.row_limit()) })
}

/// Counts pairs from (commit, path) rows sorted by commit; commits of more than `max_files` files
/// are skipped.
fn pairs_of(rows: &[(i64, &str)], max_files: u32, min_shared: u32, limit: usize) -> CouplingReport {
    let mut ids: HashMap<&str, u32> = HashMap::new();
    let mut names: Vec<&str> = Vec::new();
    let mut revisions: Vec<i64> = Vec::new();
    let mut shared: HashMap<(u32, u32), u32> = HashMap::new();
    let (mut commits, mut skipped) = (0i64, 0i64);
    let mut i = 0;
    let mut in_commit: Vec<u32> = Vec::new();
    while i < rows.len() {
        let commit = rows[i].0;
        in_commit.clear();
        while i < rows.len() && rows[i].0 == commit {
            let path = rows[i].1;
            let id = *ids.entry(path).or_insert_with(|| {
                names.push(path);
                revisions.push(0);
                (names.len() - 1) as u32
            });
            in_commit.push(id);
            i += 1;
        }
        in_commit.sort_unstable();
        in_commit.dedup();
        if in_commit.len() > max_files as usize {
            skipped += 1;
            continue;
        }
        commits += 1;
        for (k, &a) in in_commit.iter().enumerate() {
            revisions[a as usize] += 1;
            for &b in &in_commit[k + 1..] {
                *shared.entry((a, b)).or_default() += 1;
            }
        }
    }
    let mut pairs: Vec<CoupledPair> = shared
        .into_iter()
        .filter(|(_, n)| *n >= min_shared)
        .map(|((a, b), n)| {
            let (ra, rb) = (revisions[a as usize], revisions[b as usize]);
            let (mut pa, mut pb) = (names[a as usize], names[b as usize]);
            let (mut ca, mut cb) = (ra, rb);
            if pa > pb {
                std::mem::swap(&mut pa, &mut pb);
                std::mem::swap(&mut ca, &mut cb);
            }
            CoupledPair {
                a: pa.to_string(),
                b: pb.to_string(),
                shared: i64::from(n),
                commits_a: ca,
                commits_b: cb,
                degree: f64::from(n) / ra.min(rb) as f64,
            }
        })
        .collect();
    pairs.sort_by(|x, y| {
        y.degree
            .total_cmp(&x.degree)
            .then_with(|| y.shared.cmp(&x.shared))
            .then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b)))
    });
    pairs.truncate(limit);
    CouplingReport {
        pairs,
        commits_considered: commits,
        commits_skipped: skipped,
        max_files_per_commit: max_files,
        min_shared,
        left_out: LeftOut::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degree_is_shared_over_the_rarer_file() {
        let rows = [(1, "a"), (1, "b"), (2, "a"), (2, "b"), (2, "c"), (3, "a"), (4, "c")];
        let report = pairs_of(&rows, 50, 1, 10);
        assert_eq!(report.commits_considered, 4);
        let got: Vec<_> = report.pairs.iter().map(|p| (p.a.as_str(), p.b.as_str(), p.shared, p.degree)).collect();
        // a: 3 commits, b: 2, c: 2. (a,b) shared 2 → 2/2; (a,c), (b,c) shared 1 → 1/2.
        assert_eq!(got, vec![("a", "b", 2, 1.0), ("a", "c", 1, 0.5), ("b", "c", 1, 0.5)]);
        assert_eq!(pairs_of(&rows, 50, 2, 10).pairs.len(), 1);
        // Commit 2 has three files: with at most two it is skipped, (a,b) then shares one commit.
        let narrow = pairs_of(&rows, 2, 1, 10);
        assert_eq!((narrow.commits_considered, narrow.commits_skipped), (3, 1));
        assert_eq!(narrow.pairs[0].shared, 1);
    }
}
