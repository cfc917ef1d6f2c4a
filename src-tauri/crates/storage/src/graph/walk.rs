//! Walks over a repository's commit graph held in memory: reachability, ahead/behind and merge
//! bases, as `git rev-list --left-right A...B` and `git merge-base --all A B` answer them.

use std::collections::HashMap;

use crate::error::{Result, StoreError};

/// A repository's commits and their parents, newest first (committer time, then hash, then id,
/// descending: the History list's order). Parents not stored (beyond a shallow boundary) are left out.
#[derive(Debug, Clone, Default)]
pub struct Dag {
    pub ids: Vec<i64>,
    pub hashes: Vec<String>,
    pub times: Vec<i64>,
    /// Rows of each commit's stored parents, in parent order.
    pub parents: Vec<Vec<usize>>,
    index: HashMap<String, usize>,
}

/// Two revisions compared: the commits only the left reaches, those only the right reaches, and
/// their best common ancestors, each as rows of the `Dag`, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub left_only: Vec<usize>,
    pub right_only: Vec<usize>,
    pub merge_bases: Vec<usize>,
}

impl Dag {
    /// Builds the graph from commits in display order and their parent hashes.
    pub fn new(commits: Vec<(i64, String, i64)>, parent_hashes: Vec<Vec<String>>) -> Dag {
        let mut dag = Dag {
            index: commits.iter().enumerate().map(|(row, (_, hash, _))| (hash.clone(), row)).collect(),
            ..Dag::default()
        };
        for (id, hash, time) in commits {
            dag.ids.push(id);
            dag.hashes.push(hash);
            dag.times.push(time);
        }
        dag.parents = parent_hashes
            .into_iter()
            .map(|hashes| hashes.iter().filter_map(|h| dag.index.get(h).copied()).collect())
            .collect();
        dag
    }

    /// The compact form kept in `graph_scopes.dag`: per commit its id, time, hash and parent rows.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.len() * 64 + 4);
        out.extend_from_slice(&(self.len() as u32).to_le_bytes());
        for row in 0..self.len() {
            out.extend_from_slice(&self.ids[row].to_le_bytes());
            out.extend_from_slice(&self.times[row].to_le_bytes());
            out.push(self.hashes[row].len() as u8);
            out.extend_from_slice(self.hashes[row].as_bytes());
            out.push(self.parents[row].len() as u8);
            for parent in &self.parents[row] {
                out.extend_from_slice(&(*parent as u32).to_le_bytes());
            }
        }
        out
    }

    /// Reads `encode`'s form back; `None` when it is damaged.
    pub fn decode(bytes: &[u8]) -> Option<Dag> {
        let mut at = 0usize;
        let mut take = |n: usize| -> Option<&[u8]> {
            let slice = bytes.get(at..at + n)?;
            at += n;
            Some(slice)
        };
        let n = u32::from_le_bytes(take(4)?.try_into().ok()?) as usize;
        let mut dag = Dag {
            ids: Vec::with_capacity(n),
            hashes: Vec::with_capacity(n),
            times: Vec::with_capacity(n),
            parents: Vec::with_capacity(n),
            index: HashMap::with_capacity(n),
        };
        for row in 0..n {
            dag.ids.push(i64::from_le_bytes(take(8)?.try_into().ok()?));
            dag.times.push(i64::from_le_bytes(take(8)?.try_into().ok()?));
            let len = take(1)?[0] as usize;
            let hash = std::str::from_utf8(take(len)?).ok()?.to_string();
            dag.index.insert(hash.clone(), row);
            dag.hashes.push(hash);
            let count = take(1)?[0] as usize;
            let mut parents = Vec::with_capacity(count);
            for _ in 0..count {
                let parent = u32::from_le_bytes(take(4)?.try_into().ok()?) as usize;
                if parent >= n {
                    return None;
                }
                parents.push(parent);
            }
            dag.parents.push(parents);
        }
        (at == bytes.len()).then_some(dag)
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The row of a stored commit by full hash.
    pub fn row(&self, hash: &str) -> Result<usize> {
        self.index.get(hash).copied().ok_or_else(|| StoreError::not_found(format!("commit {hash}")))
    }

    /// Which rows the tips reach (themselves included).
    pub fn reach(&self, tips: &[usize]) -> Vec<bool> {
        let mut seen = vec![false; self.len()];
        let mut stack: Vec<usize> = tips.to_vec();
        while let Some(row) = stack.pop() {
            if std::mem::replace(&mut seen[row], true) {
                continue;
            }
            stack.extend(self.parents[row].iter().copied().filter(|p| !seen[*p]));
        }
        seen
    }

    /// `A...B`: what each side reaches that the other does not, and the merge bases (the common
    /// ancestors no other common ancestor descends from).
    pub fn compare(&self, left: usize, right: usize) -> Comparison {
        let a = self.reach(&[left]);
        let b = self.reach(&[right]);
        let common: Vec<usize> = (0..self.len()).filter(|r| a[*r] && b[*r]).collect();
        // Every strict ancestor of a common commit is common too; what none of them reaches is a base.
        let strict: Vec<usize> = common.iter().flat_map(|c| self.parents[*c].iter().copied()).collect();
        let below = self.reach(&strict);
        Comparison {
            left_only: (0..self.len()).filter(|r| a[*r] && !b[*r]).collect(),
            right_only: (0..self.len()).filter(|r| b[*r] && !a[*r]).collect(),
            merge_bases: common.into_iter().filter(|c| !below[*c]).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// rows: 0 = merge(1, 2), 1 main, 2 topic, 3 fork, 4 root.
    fn dag() -> Dag {
        let commits = (0..5).map(|i| (i as i64 + 10, format!("h{i}"), 100 - i as i64)).collect();
        let parents =
            vec![vec!["h1".into(), "h2".into()], vec!["h3".into()], vec!["h3".into()], vec!["h4".into()], vec![]];
        Dag::new(commits, parents)
    }

    #[test]
    fn compare_counts_each_side_and_finds_the_fork_point() {
        let d = dag();
        let c = d.compare(1, 2);
        assert_eq!((c.left_only, c.right_only, c.merge_bases), (vec![1], vec![2], vec![3]));
        let c = d.compare(0, 2);
        assert_eq!((c.left_only, c.right_only, c.merge_bases), (vec![0, 1], vec![], vec![2]));
    }

    #[test]
    fn criss_cross_merges_have_two_bases() {
        // 0 = merge(2, 3), 1 = merge(3, 2); 2 and 3 both on root 4.
        let commits = (0..5).map(|i| (i as i64, format!("h{i}"), 100 - i as i64)).collect();
        let parents = vec![
            vec!["h2".into(), "h3".into()],
            vec!["h3".into(), "h2".into()],
            vec!["h4".into()],
            vec!["h4".into()],
            vec![],
        ];
        let c = Dag::new(commits, parents).compare(0, 1);
        assert_eq!(c.merge_bases, vec![2, 3]);
    }

    #[test]
    fn the_stored_form_reads_back_and_damage_is_noticed() {
        let d = dag();
        let bytes = d.encode();
        let back = Dag::decode(&bytes).unwrap();
        assert_eq!((&back.ids, &back.hashes, &back.times, &back.parents), (&d.ids, &d.hashes, &d.times, &d.parents));
        assert_eq!(back.row("h3").unwrap(), 3);
        assert!(Dag::decode(&bytes[..bytes.len() - 1]).is_none());
        assert!(Dag::decode(&[bytes.as_slice(), &[0]].concat()).is_none());
    }

    #[test]
    fn unknown_parents_are_left_out_and_unknown_hashes_are_not_found() {
        let d = Dag::new(vec![(1, "a".into(), 1)], vec![vec!["missing".into()]]);
        assert!(d.parents[0].is_empty());
        assert_eq!(d.row("zzz").unwrap_err().code(), crate::error::ErrorCode::NotFound);
    }
}
