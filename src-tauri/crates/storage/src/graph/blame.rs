//! Blame from the stored diffs, without the repository folder: a file's content at a commit is
//! its first-parent history replayed hunk by hunk (each commit's diff against its first parent is
//! stored complete), and each line remembers the commit that added it. Lines a merge added
//! against its first parent are passed to its other parents where they appear there unchanged
//! (a line diff against that parent's replayed content), as `git blame` does. Renames are
//! followed through the stored old paths.

use std::collections::HashMap;
use std::rc::Rc;

use crate::error::{Result, StoreError};
use crate::graph::{Dag, PathChange};
use crate::model::ChangeKind;

/// One line of a file and the `Dag` row of the commit it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub text: Rc<str>,
    pub origin: usize,
}

/// What the blame of a file at a commit found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlameOutcome {
    Lines(Vec<Line>),
    /// The file is binary at that commit (git's NUL probe at import).
    Binary,
}

/// Applies one stored unified diff (`@@ -a,b +c,d @@` hunks, ` `/`-`/`+` lines) to `base`; added
/// lines come from `origin`. Context and removed lines must match the base, or the stored diff
/// does not belong to it (an error, never a silent guess).
pub fn apply_diff(base: &[Line], diff: &str, origin: usize) -> Result<Vec<Line>> {
    let broken = |why: String| StoreError::Query(format!("a stored diff does not replay: {why}"));
    let mut out = Vec::with_capacity(base.len() + 16);
    let mut next = 0usize;
    let mut lines = diff.split_inclusive('\n').peekable();
    while let Some(header) = lines.next() {
        let header = header.trim_end_matches('\n');
        if header.is_empty() {
            continue;
        }
        let Some(ranges) = header.strip_prefix("@@ -") else {
            return Err(broken(format!("expected a hunk header, found {header:?}")));
        };
        let old = ranges.split([' ', ',']).next().unwrap_or("");
        let start: usize = old.parse().map_err(|_| broken(format!("bad hunk header {header:?}")))?;
        // 1-based; an empty side counts from 1 in gix's output and from 0 in git's, both meaning the start.
        let start = start.saturating_sub(1);
        if start < next || start > base.len() {
            return Err(broken(format!("hunk at line {} out of order", start + 1)));
        }
        out.extend_from_slice(&base[next..start]);
        next = start;
        while let Some(line) = lines.peek() {
            if line.starts_with("@@ -") {
                break;
            }
            let line = lines.next().expect("peeked");
            let (kind, text) = line.split_at(line.len().min(1));
            match kind {
                " " | "-" => {
                    let Some(old) = base.get(next) else {
                        return Err(broken(format!("line {} is past the end of the file", next + 1)));
                    };
                    if old.text.trim_end_matches('\n') != text.trim_end_matches('\n') {
                        return Err(broken(format!("line {} differs from the replayed file", next + 1)));
                    }
                    if kind == " " {
                        out.push(old.clone());
                    }
                    next += 1;
                }
                "+" => out.push(Line { text: Rc::from(text), origin }),
                "\\" => {}
                _ => return Err(broken(format!("unexpected diff line {line:?}"))),
            }
        }
    }
    out.extend_from_slice(&base[next..]);
    Ok(out)
}

/// The added lines of a diff that deletes every line of the file before it.
fn added_lines(diff: &str, origin: usize) -> Vec<Line> {
    diff.split_inclusive('\n')
        .filter_map(|line| line.strip_prefix('+'))
        .map(|text| Line { text: Rc::from(text), origin })
        .collect()
}

/// Pairs of equal lines `(i in a, j in b)` of a longest common subsequence, in order (Myers).
pub fn common_lines(a: &[&str], b: &[&str]) -> Vec<(usize, usize)> {
    // Equal prefix and suffix first: most merges change a little of a long file.
    let mut pairs = Vec::new();
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..].iter().rev().zip(b[prefix..].iter().rev()).take_while(|(x, y)| x == y).count();
    pairs.extend((0..prefix).map(|i| (i, i)));
    let (a_mid, b_mid) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    pairs.extend(myers(a_mid, b_mid).into_iter().map(|(i, j)| (i + prefix, j + prefix)));
    pairs.extend((0..suffix).map(|k| (a.len() - suffix + k, b.len() - suffix + k)));
    pairs
}

/// Most differences the line diff looks for; beyond it (two versions of a file with nothing much
/// in common) the middle is taken as all different, so time and memory stay bounded.
const MAX_EDITS: isize = 2_000;

fn myers(a: &[&str], b: &[&str]) -> Vec<(usize, usize)> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = (n + m) as usize;
    if max == 0 {
        return Vec::new();
    }
    let offset = max as isize;
    let mut v = vec![0isize; 2 * max + 2];
    // The frontier before each step d, only its diagonals -d..=d (the ones the walk back reads).
    let mut trace: Vec<Vec<isize>> = Vec::new();
    let mut done = false;
    'outer: for d in 0..=(max as isize).min(MAX_EDITS) {
        trace.push(v[(offset - d) as usize..=(offset + d) as usize].to_vec());
        let mut k = -d;
        while k <= d {
            let idx = (k + offset) as usize;
            let mut x = if k == -d || (k != d && v[idx - 1] < v[idx + 1]) { v[idx + 1] } else { v[idx - 1] + 1 };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[idx] = x;
            if x >= n && y >= m {
                done = true;
                break 'outer;
            }
            k += 2;
        }
    }
    if !done {
        return Vec::new();
    }
    // Walk back through the saved frontiers.
    let at = |d: isize, k: isize| trace[d as usize][(k + d) as usize];
    let mut pairs = Vec::new();
    let (mut x, mut y) = (n, m);
    for d in (1..trace.len() as isize).rev() {
        let k = x - y;
        let prev_k = if k == -d || (k != d && at(d, k - 1) < at(d, k + 1)) { k + 1 } else { k - 1 };
        let prev_x = at(d, prev_k);
        let prev_y = prev_x - prev_k;
        while x > prev_x && y > prev_y {
            x -= 1;
            y -= 1;
            pairs.push((x as usize, y as usize));
        }
        x = prev_x;
        y = prev_y;
    }
    while x > 0 && y > 0 {
        x -= 1;
        y -= 1;
        pairs.push((x as usize, y as usize));
    }
    pairs.reverse();
    pairs
}

/// The replay: every stored change of the file's names by (row, path), their diff texts by file
/// change id, and the states computed so far.
pub struct Replay<'a> {
    dag: &'a Dag,
    changes: HashMap<(usize, &'a str), &'a PathChange>,
    /// (row, path) of commits after which the path is gone: deleted or renamed away.
    gone: std::collections::HashSet<(usize, &'a str)>,
    diffs: &'a HashMap<i64, String>,
    memo: HashMap<(usize, String), Option<Rc<Vec<Line>>>>,
}

impl<'a> Replay<'a> {
    pub fn new(dag: &'a Dag, changes: &'a [PathChange], diffs: &'a HashMap<i64, String>) -> Replay<'a> {
        let mut by_commit = HashMap::new();
        let mut gone = std::collections::HashSet::new();
        for change in changes {
            if let Ok(row) = dag.row(&change.hash) {
                match (change.kind, change.old_path.as_deref()) {
                    (ChangeKind::Deleted, _) => {
                        gone.insert((row, change.path.as_str()));
                    }
                    (ChangeKind::Renamed, Some(old)) => {
                        gone.insert((row, old));
                    }
                    _ => {}
                }
            }
        }
        for change in changes {
            if let Ok(row) = dag.row(&change.hash) {
                if change.kind != ChangeKind::Deleted {
                    by_commit.insert((row, change.path.as_str()), change);
                }
            }
        }
        Replay { dag, changes: by_commit, gone, diffs, memo: HashMap::new() }
    }

    /// The lines of `path` at the commit in `row`, each with the row of its commit; `None` when
    /// the file is not there.
    pub fn blame(&mut self, row: usize, path: &str) -> Result<Option<BlameOutcome>> {
        if let Some(change) = self.touching(row, path) {
            if change.is_binary {
                return Ok(Some(BlameOutcome::Binary));
            }
        }
        Ok(self.state(row, path)?.map(|lines| BlameOutcome::Lines(lines.as_ref().clone())))
    }

    /// The change that set `path` at the newest commit at or below `row` on the first-parent line.
    fn touching(&self, mut row: usize, path: &str) -> Option<&'a PathChange> {
        loop {
            if let Some(change) = self.changes.get(&(row, path)) {
                return Some(change);
            }
            if self.gone.contains(&(row, path)) {
                return None;
            }
            row = *self.dag.parents[row].first()?;
        }
    }

    /// The changes that made `path` what it is at `row`, newest first: down the first parents to
    /// the file's creation, a state already replayed (returned as the base), or the newest full
    /// rewrite (every line of the file before it deleted, told by the line counts alone), before
    /// which nothing can survive.
    #[allow(clippy::type_complexity)]
    fn steps(&self, row: usize, path: &str) -> (Vec<(usize, String, &'a PathChange)>, Option<Rc<Vec<Line>>>) {
        let mut steps: Vec<(usize, String, &'a PathChange)> = Vec::new();
        let (mut at, mut name) = (Some(row), path.to_string());
        let mut base: Option<Rc<Vec<Line>>> = None;
        while let Some(r) = at {
            if let Some(known) = self.memo.get(&(r, name.clone())) {
                base = known.clone();
                break;
            }
            if let Some(change) = self.changes.get(&(r, name.as_str())).copied() {
                steps.push((r, name.clone(), change));
                match change.kind {
                    ChangeKind::Added => break,
                    ChangeKind::Renamed | ChangeKind::Copied => {
                        name = change.old_path.clone().unwrap_or(name);
                    }
                    _ => {}
                }
            } else if self.gone.contains(&(r, name.as_str())) {
                // Deleted or renamed away here, and not created again since.
                break;
            }
            at = self.dag.parents[r].first().copied();
        }
        // Line counts forward from the oldest step: a step deleting every line is a rewrite.
        let mut len = match (&base, steps.last()) {
            (Some(lines), _) => Some(lines.len() as i64),
            (None, Some((_, _, c))) if c.kind == ChangeKind::Added => Some(0),
            _ => None,
        };
        let mut cut = None;
        for (i, (_, _, change)) in steps.iter().enumerate().rev() {
            if change.kind == ChangeKind::Added {
                len = Some(0);
            }
            let (Some(before), Some(add), Some(del)) = (len, change.additions, change.deletions) else {
                len = None;
                continue;
            };
            if del > 0 && del == before && change.has_diff {
                cut = Some(i);
            }
            len = Some(before - del + add);
        }
        if let Some(i) = cut {
            steps.truncate(i + 1);
            base = None;
        }
        (steps, base)
    }

    /// The file changes whose diff texts a blame of `path` at `row` reads (what to load first).
    pub fn needed_diffs(&self, row: usize, path: &str) -> Vec<i64> {
        let mut needed = std::collections::BTreeSet::new();
        let mut seen = std::collections::HashSet::new();
        let mut todo = vec![(row, path.to_string())];
        while let Some((row, path)) = todo.pop() {
            for (r, name, change) in self.steps(row, &path).0 {
                if !seen.insert((r, name.clone())) {
                    break;
                }
                if change.has_diff {
                    needed.insert(change.file_change_id);
                }
                for parent in self.dag.parents[r].iter().skip(1) {
                    todo.push((*parent, name.clone()));
                }
            }
        }
        needed.into_iter().collect()
    }

    /// The change a commit made to `path` against its first parent, if it changed it.
    pub fn change_at(&self, row: usize, path: &str) -> Option<&'a PathChange> {
        self.changes.get(&(row, path)).copied()
    }

    /// The lines of `path` at `row` (without origins), `None` when the file is not there.
    pub fn content(&mut self, row: usize, path: &str) -> Result<Option<Vec<Rc<str>>>> {
        Ok(self.state(row, path)?.map(|lines| lines.iter().map(|l| l.text.clone()).collect()))
    }

    fn state(&mut self, row: usize, path: &str) -> Result<Option<Rc<Vec<Line>>>> {
        // Down the first parents to where the file starts (or a state already known), then forward.
        let (steps, mut base) = self.steps(row, path);
        if steps.is_empty() && base.is_none() {
            return Ok(None);
        }
        let first = steps.len().saturating_sub(1);
        let rewrite_at = if base.is_none() && steps.last().is_some_and(|(_, _, c)| c.kind != ChangeKind::Added) {
            Some(first)
        } else {
            None
        };
        for (i, (r, name, change)) in steps.into_iter().enumerate().rev() {
            let start: &[Line] = match (&base, change.kind) {
                (_, ChangeKind::Added) => &[],
                (Some(lines), _) => lines,
                (None, _) => &[],
            };
            let mut lines = match (change.has_diff, self.diffs.get(&change.file_change_id)) {
                // A rewrite keeps nothing of the file before it: its added lines are the file.
                (true, Some(diff)) if rewrite_at == Some(i) => added_lines(diff, r),
                (true, Some(diff)) => apply_diff(start, diff, r)?,
                (true, None) => {
                    return Err(StoreError::Query(format!("the diff of {} in {} was not read", name, change.hash)))
                }
                (false, _) if change.is_binary => Vec::new(),
                (false, _) if change.additions.unwrap_or(0) + change.deletions.unwrap_or(0) > 0 => {
                    return Err(StoreError::validation(
                        "path",
                        format!(
                            "{name} in {} was stored without its diff text (a line-count import), so it cannot be \
                             blamed from the store",
                            change.hash
                        ),
                    ));
                }
                (false, _) => start.to_vec(),
            };
            let others: Vec<usize> = self.dag.parents[r].iter().skip(1).copied().collect();
            for parent in others {
                if !lines.iter().any(|l| l.origin == r) {
                    break;
                }
                if let Some(theirs) = self.state(parent, &name)? {
                    let ours_text: Vec<&str> = lines.iter().map(|l| l.text.trim_end_matches('\n')).collect();
                    let their_text: Vec<&str> = theirs.iter().map(|l| l.text.trim_end_matches('\n')).collect();
                    let pairs = common_lines(&ours_text, &their_text);
                    let origins: Vec<(usize, usize)> = pairs
                        .into_iter()
                        .filter(|(i, _)| lines[*i].origin == r)
                        .map(|(i, j)| (i, theirs[j].origin))
                        .collect();
                    for (i, origin) in origins {
                        lines[i].origin = origin;
                    }
                }
            }
            let lines = Rc::new(lines);
            self.memo.insert((r, name), Some(lines.clone()));
            base = Some(lines);
        }
        Ok(base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(texts: &[&str], origin: usize) -> Vec<Line> {
        texts.iter().map(|t| Line { text: Rc::from(format!("{t}\n")), origin }).collect()
    }

    #[test]
    fn hunks_replay_onto_the_base() {
        let base = lines(&["a", "b", "c", "d"], 1);
        let out = apply_diff(&base, "@@ -1,4 +1,4 @@\n a\n-b\n+B\n c\n d\n", 0).unwrap();
        let texts: Vec<(&str, usize)> = out.iter().map(|l| (l.text.as_ref(), l.origin)).collect();
        assert_eq!(texts, vec![("a\n", 1), ("B\n", 0), ("c\n", 1), ("d\n", 1)]);
        // A new file, in gix's and in git's header form.
        for header in ["@@ -1,0 +1,2 @@", "@@ -0,0 +1,2 @@"] {
            let out = apply_diff(&[], &format!("{header}\n+x\n+y\n"), 3).unwrap();
            assert_eq!(out.len(), 2);
        }
        assert!(apply_diff(&base, "@@ -1,1 +1,1 @@\n-z\n+y\n", 0).is_err(), "a diff of other content");
    }

    #[test]
    fn a_full_rewrite_ends_the_replay_so_older_diffs_are_not_read() {
        // Rows newest first: 0 edits line 1, 1 rewrites both lines, 2 edits, 3 creates.
        let commits = (0..4).map(|i| (i as i64, format!("h{i}"), 100 - i as i64)).collect();
        let parents = vec![vec!["h1".into()], vec!["h2".into()], vec!["h3".into()], vec![]];
        let dag = Dag::new(commits, parents);
        let change = |row: usize, kind, add, del| PathChange {
            commit_id: row as i64,
            hash: format!("h{row}"),
            committer_time: 0,
            file_change_id: 10 + row as i64,
            path: "f".into(),
            old_path: None,
            kind,
            is_binary: false,
            additions: Some(add),
            deletions: Some(del),
            has_diff: true,
        };
        let changes = vec![
            change(0, ChangeKind::Modified, 1, 1),
            change(1, ChangeKind::Modified, 2, 2),
            change(2, ChangeKind::Modified, 1, 1),
            change(3, ChangeKind::Added, 2, 0),
        ];
        let diffs: HashMap<i64, String> =
            [(10, "@@ -1,2 +1,2 @@\n-x\n+X\n y\n".to_string()), (11, "@@ -1,2 +1,2 @@\n-a\n-B\n+x\n+y\n".to_string())]
                .into();
        let mut replay = Replay::new(&dag, &changes, &diffs);
        assert_eq!(replay.needed_diffs(0, "f"), vec![10, 11]);
        let Some(BlameOutcome::Lines(lines)) = replay.blame(0, "f").unwrap() else { panic!("lines") };
        let got: Vec<(&str, usize)> = lines.iter().map(|l| (l.text.as_ref(), l.origin)).collect();
        assert_eq!(got, vec![("X\n", 0), ("y\n", 1)]);
    }

    #[test]
    fn common_lines_is_a_longest_common_subsequence() {
        let a = ["x", "a", "b", "c", "y"];
        let b = ["a", "q", "b", "c", "z"];
        assert_eq!(common_lines(&a, &b), vec![(1, 0), (2, 2), (3, 3)]);
        assert_eq!(common_lines(&["a"], &[]), vec![]);
        assert_eq!(common_lines(&["a", "b"], &["a", "b"]), vec![(0, 0), (1, 1)]);
        assert_eq!(common_lines(&["a", "x", "b", "c"], &["q", "a", "b", "y", "c"]), vec![(0, 1), (2, 2), (3, 4)]);
        // Two long files with nothing in common: no pairs, found without a quadratic frontier.
        let left: Vec<String> = (0..30_000).map(|i| format!("l{i}")).collect();
        let right: Vec<String> = (0..30_000).map(|i| format!("r{i}")).collect();
        let (l, r): (Vec<&str>, Vec<&str>) =
            (left.iter().map(String::as_str).collect(), right.iter().map(String::as_str).collect());
        assert!(common_lines(&l, &r).is_empty());
    }
}
