//! Line history: the commits that changed some lines of a file, as `git log -L START,END:PATH`
//! finds them. The lines are followed backwards commit by commit (in the list's order): a commit
//! whose change blocks touch the lines is listed, and the lines are mapped into its parent (the
//! touched blocks replaced by their parent side, the rest shifted), renames followed. A merge
//! whose lines one parent already has unchanged passes them to that parent alone and is not
//! listed; otherwise it is listed and every parent carries the mapped lines on. Change blocks
//! against the first parent come from the stored diffs; against another parent, from a line diff
//! of the two replayed files.

use std::collections::HashMap;
use std::rc::Rc;

use crate::error::Result;
use crate::graph::blame::{common_lines, Replay};
use crate::graph::Dag;

/// Half-open line ranges, 0-based, sorted and disjoint.
pub type Ranges = Vec<(i64, i64)>;

/// A change block: parent lines `[p0, p1)` became target lines `[t0, t1)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    pub parent: (i64, i64),
    pub target: (i64, i64),
}

/// The change blocks of a stored unified diff (its context lines separate them).
pub fn blocks_of_diff(diff: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let (mut old, mut new) = (0i64, 0i64);
    let mut open: Option<Block> = None;
    let close = |open: &mut Option<Block>, blocks: &mut Vec<Block>| {
        if let Some(b) = open.take() {
            blocks.push(b);
        }
    };
    for line in diff.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("@@ -") {
            close(&mut open, &mut blocks);
            let mut parts = rest.split([' ', ',', '+']).filter(|p| !p.is_empty());
            let o: i64 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(1);
            let ol: i64 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(1);
            let n: i64 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(1);
            let nl: i64 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(1);
            // An empty side starts at the line before it in git's form, at the line itself in gix's.
            old = if ol == 0 { o.max(1) - 1 } else { o - 1 };
            new = if nl == 0 { n.max(1) - 1 } else { n - 1 };
            continue;
        }
        match line.as_bytes().first() {
            Some(b' ') => {
                close(&mut open, &mut blocks);
                old += 1;
                new += 1;
            }
            Some(b'-') => {
                let b = open.get_or_insert(Block { parent: (old, old), target: (new, new) });
                old += 1;
                b.parent.1 = old;
            }
            Some(b'+') => {
                let b = open.get_or_insert(Block { parent: (old, old), target: (new, new) });
                new += 1;
                b.target.1 = new;
            }
            _ => {}
        }
    }
    close(&mut open, &mut blocks);
    blocks
}

/// The change blocks between two versions of a file, from a longest common subsequence.
pub fn blocks_between(parent: &[Rc<str>], target: &[Rc<str>]) -> Vec<Block> {
    let a: Vec<&str> = parent.iter().map(|l| l.trim_end_matches('\n')).collect();
    let b: Vec<&str> = target.iter().map(|l| l.trim_end_matches('\n')).collect();
    let mut blocks = Vec::new();
    let (mut i, mut j) = (0usize, 0usize);
    for (x, y) in common_lines(&a, &b).into_iter().chain([(a.len(), b.len())]) {
        if x > i || y > j {
            blocks.push(Block { parent: (i as i64, x as i64), target: (j as i64, y as i64) });
        }
        i = x + 1;
        j = y + 1;
    }
    blocks
}

fn overlap(a: (i64, i64), b: (i64, i64)) -> bool {
    !(a.1 <= b.0 || b.1 <= a.0)
}

fn union(mut all: Ranges) -> Ranges {
    all.retain(|r| r.0 < r.1);
    all.sort();
    let mut out: Ranges = Vec::new();
    for r in all {
        match out.last_mut() {
            Some(last) if r.0 <= last.1 => last.1 = last.1.max(r.1),
            _ => out.push(r),
        }
    }
    out
}

/// Maps `ranges` of the target across `blocks` into the parent: whether a block touched them,
/// and the parent's ranges (as git's `range_set_map_across_diff`).
pub fn map_across(ranges: &Ranges, blocks: &[Block]) -> (bool, Ranges) {
    // The blocks that touch a range.
    let mut touched = Vec::new();
    let mut j = 0;
    for block in blocks {
        while j < ranges.len() && block.target.0 > ranges[j].1 {
            j += 1;
        }
        if j == ranges.len() {
            break;
        }
        if overlap(block.target, ranges[j]) {
            touched.push(*block);
        }
    }
    // The ranges without the touched targets, shifted into the parent, plus the touched parents.
    let mut rest: Ranges = Vec::new();
    let mut k = 0;
    for &(mut start, end) in ranges {
        while start < end {
            while k < touched.len() && start >= touched[k].target.1 {
                k += 1;
            }
            if k >= touched.len() || end < touched[k].target.0 {
                rest.push((start, end));
                break;
            }
            if start >= touched[k].target.0 {
                start = touched[k].target.1;
            } else if end > touched[k].target.0 {
                rest.push((start, touched[k].target.0));
                start = touched[k].target.1;
            }
        }
    }
    let mut shifted = Vec::new();
    let (mut b, mut offset) = (0, 0i64);
    for (start, end) in rest {
        while b < blocks.len() && start >= blocks[b].target.0 {
            offset += (blocks[b].parent.1 - blocks[b].parent.0) - (blocks[b].target.1 - blocks[b].target.0);
            b += 1;
        }
        shifted.push((start + offset, end + offset));
    }
    shifted.extend(touched.iter().map(|t| t.parent));
    (!touched.is_empty(), union(shifted))
}

/// The rows of the commits that changed lines `ranges` (0-based, half-open) of `path` at `start`,
/// newest first.
pub fn line_history(
    dag: &Dag,
    replay: &mut Replay<'_>,
    diffs: &HashMap<i64, String>,
    start: usize,
    path: &str,
    ranges: Ranges,
) -> Result<Vec<usize>> {
    let mut pending: HashMap<usize, HashMap<String, Ranges>> = HashMap::new();
    pending.insert(start, HashMap::from([(path.to_string(), union(ranges))]));
    let mut listed = Vec::new();
    // The list's order puts children before their parents (but for clocks that went back).
    for row in start..dag.len() {
        let Some(files) = pending.remove(&row) else { continue };
        let parents = dag.parents[row].clone();
        let mut per_parent: Vec<HashMap<String, Ranges>> = vec![HashMap::new(); parents.len()];
        let mut changed_for = vec![false; parents.len()];
        for (name, ranges) in &files {
            for (k, &parent) in parents.iter().enumerate() {
                let (touched, parent_name, mapped) = if k == 0 {
                    match replay.change_at(row, name) {
                        None => (false, name.clone(), ranges.clone()),
                        Some(change) => {
                            let parent_name = change
                                .old_path
                                .clone()
                                .filter(|_| change.kind != crate::model::ChangeKind::Added)
                                .unwrap_or_else(|| name.clone());
                            let blocks = match diffs.get(&change.file_change_id) {
                                Some(diff) => blocks_of_diff(diff),
                                None => Vec::new(),
                            };
                            let blocks = if change.kind == crate::model::ChangeKind::Added && blocks.is_empty() {
                                vec![Block { parent: (0, 0), target: (0, i64::MAX / 2) }]
                            } else {
                                blocks
                            };
                            let (touched, mapped) = map_across(ranges, &blocks);
                            (touched, parent_name, mapped)
                        }
                    }
                } else {
                    let ours = replay.content(row, name)?.unwrap_or_default();
                    let theirs = replay.content(parent, name)?.unwrap_or_default();
                    let (touched, mapped) = map_across(ranges, &blocks_between(&theirs, &ours));
                    (touched, name.clone(), mapped)
                };
                if touched {
                    changed_for[k] = true;
                }
                if !mapped.is_empty() {
                    per_parent[k].insert(parent_name, mapped);
                }
            }
            if parents.is_empty() {
                // A root commit: the lines were added here.
                changed_for.push(true);
            }
        }
        let blame_one = if parents.len() > 1 { changed_for.iter().position(|c| !c) } else { None };
        match blame_one {
            Some(k) => {
                // One parent has the lines unchanged: it takes them all, the merge is not listed.
                merge_into(&mut pending, parents[k], std::mem::take(&mut per_parent[k]));
            }
            _ => {
                if changed_for.iter().any(|c| *c) {
                    listed.push(row);
                }
                for (k, &parent) in parents.iter().enumerate() {
                    merge_into(&mut pending, parent, std::mem::take(&mut per_parent[k]));
                }
            }
        }
    }
    Ok(listed)
}

fn merge_into(pending: &mut HashMap<usize, HashMap<String, Ranges>>, row: usize, files: HashMap<String, Ranges>) {
    let entry = pending.entry(row).or_default();
    for (name, ranges) in files {
        let merged = entry.remove(&name).map(|old| union([old, ranges.clone()].concat())).unwrap_or(ranges);
        entry.insert(name, merged);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_come_from_the_changed_runs_of_a_hunk() {
        let diff = "@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n-d\n e\n@@ -1,0 +1,0 @@\n";
        assert_eq!(
            blocks_of_diff(diff),
            vec![Block { parent: (1, 2), target: (1, 2) }, Block { parent: (3, 4), target: (3, 3) }]
        );
    }

    #[test]
    fn ranges_map_like_git() {
        // Lines 2..4 of the target; a block replaced line 2 (one line for two) before them.
        let blocks = [Block { parent: (1, 3), target: (1, 2) }];
        assert_eq!(map_across(&vec![(2, 4)], &blocks), (false, vec![(3, 5)]));
        assert_eq!(map_across(&vec![(0, 3)], &blocks), (true, vec![(0, 4)]));
    }
}
