//! Temporal coupling: pairs of files changed in the same commits. Degree = shared commits /
//! min(commits of a, commits of b), so 1.0 means the rarer file never changed without the other.
//! Large commits (mass renames, formatting) say nothing about coupling and are skipped, as are
//! merges, whose first-parent diff repeats their branch's commits.

use std::collections::HashMap;

use repovault_storage::history::CommitPaths;
use repovault_storage::Store;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
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
    /// Commits considered and skipped for touching more than `max_files_per_commit` files.
    #[ts(type = "number")]
    pub commits_considered: i64,
    #[ts(type = "number")]
    pub commits_skipped: i64,
    pub max_files_per_commit: u32,
    pub min_shared: u32,
}

pub(crate) async fn coupling(store: &dyn Store, scope: &Scope, params: &AnalysisParams) -> Result<CouplingReport> {
    let max_files = params.max_files_per_commit.unwrap_or(DEFAULT_MAX_FILES_PER_COMMIT);
    let min_shared = params.min_shared.unwrap_or(DEFAULT_MIN_SHARED).max(1);
    let rows = store.commit_paths(&scope.history, CommitPaths::NonMergeUpTo(max_files)).await?;
    let skipped = store.count_wide_commits(&scope.history, max_files).await?;
    let mut report = pairs_of(&rows, min_shared, params.row_limit());
    report.commits_skipped = skipped;
    report.max_files_per_commit = max_files;
    Ok(report)
}

/// Counts pairs from (commit, path) rows sorted by commit.
fn pairs_of(rows: &[(i64, String)], min_shared: u32, limit: usize) -> CouplingReport {
    let mut ids: HashMap<&str, u32> = HashMap::new();
    let mut names: Vec<&str> = Vec::new();
    let mut revisions: Vec<i64> = Vec::new();
    let mut shared: HashMap<(u32, u32), u32> = HashMap::new();
    let mut commits = 0i64;
    let mut i = 0;
    let mut in_commit: Vec<u32> = Vec::new();
    while i < rows.len() {
        let commit = rows[i].0;
        in_commit.clear();
        while i < rows.len() && rows[i].0 == commit {
            let path = rows[i].1.as_str();
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
        commits_skipped: 0,
        max_files_per_commit: DEFAULT_MAX_FILES_PER_COMMIT,
        min_shared,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degree_is_shared_over_the_rarer_file() {
        let rows: Vec<(i64, String)> = [(1, "a"), (1, "b"), (2, "a"), (2, "b"), (2, "c"), (3, "a"), (4, "c")]
            .into_iter()
            .map(|(c, p)| (c, p.to_string()))
            .collect();
        let report = pairs_of(&rows, 1, 10);
        assert_eq!(report.commits_considered, 4);
        let got: Vec<_> = report.pairs.iter().map(|p| (p.a.as_str(), p.b.as_str(), p.shared, p.degree)).collect();
        // a: 3 commits, b: 2, c: 2. (a,b) shared 2 → 2/2; (a,c), (b,c) shared 1 → 1/2.
        assert_eq!(got, vec![("a", "b", 2, 1.0), ("a", "c", 1, 0.5), ("b", "c", 1, 0.5)]);
        assert_eq!(pairs_of(&rows, 2, 10).pairs.len(), 1);
    }
}
