//! Lane columns for a commit graph, from the parents alone: plain code, no database.
//!
//! The commits come in the order the list shows them (newest first). Each lane waits for one
//! commit; a commit takes the leftmost lane waiting for it (or the first free one), the lanes of its
//! other children end in it, its first parent continues in its lane and every other parent gets a
//! lane of its own, unless some lane already waits for that parent, which the commit then joins.
//! Lanes keep their column for their whole length (no shifting), free columns are reused, so every
//! line through a row is vertical and a page of rows can be drawn without its neighbours.

/// One row of the graph: where the commit sits and the lines through its row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LaneRow {
    /// The commit's column.
    pub lane: u32,
    /// Columns at the row's top whose lines end in the commit (its children above).
    pub top: Vec<u32>,
    /// Columns at the row's bottom whose lines start at the commit (towards its parents).
    pub bottom: Vec<u32>,
    /// Columns whose lines pass straight through the row.
    pub pass: Vec<u32>,
}

impl LaneRow {
    /// The compact form stored per row: `TOP|BOTTOM|PASS`, each a comma-separated list.
    pub fn encode_edges(&self) -> String {
        let list = |v: &[u32]| v.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
        format!("{}|{}|{}", list(&self.top), list(&self.bottom), list(&self.pass))
    }

    /// Reads `encode_edges`' form back; `None` when it is malformed.
    pub fn decode_edges(lane: u32, edges: &str) -> Option<LaneRow> {
        let mut parts = edges.split('|');
        let mut list = || -> Option<Vec<u32>> {
            let part = parts.next()?;
            if part.is_empty() {
                return Some(Vec::new());
            }
            part.split(',').map(|n| n.parse().ok()).collect()
        };
        let row = LaneRow { lane, top: list()?, bottom: list()?, pass: list()? };
        parts.next().is_none().then_some(row)
    }

    /// Columns this row draws in: one more than the rightmost.
    pub fn width(&self) -> u32 {
        self.top.iter().chain(&self.bottom).chain(&self.pass).copied().chain([self.lane]).max().unwrap_or(0) + 1
    }
}

/// Lanes for commits in display order. `parents[i]` holds the rows of commit `i`'s parents, in
/// parent order; a parent that is not in the list (outside the scope, beyond a shallow boundary)
/// is left out by the caller. A parent shown above its child (a committer clock that went back)
/// gets no line, since its row has already been drawn.
pub fn compute_lanes(parents: &[Vec<usize>]) -> Vec<LaneRow> {
    let mut lanes: Vec<Option<usize>> = Vec::new();
    let mut rows = Vec::with_capacity(parents.len());
    for (i, commit_parents) in parents.iter().enumerate() {
        let mut row = LaneRow::default();
        for (col, waiting) in lanes.iter().enumerate() {
            match waiting {
                Some(w) if *w == i => row.top.push(col as u32),
                Some(_) => row.pass.push(col as u32),
                None => {}
            }
        }
        let lane = match row.top.first() {
            Some(col) => *col as usize,
            None => free_column(&mut lanes),
        };
        row.lane = lane as u32;
        for col in &row.top {
            lanes[*col as usize] = None;
        }
        for (k, &parent) in commit_parents.iter().enumerate() {
            if parent <= i {
                continue;
            }
            if let Some(col) = lanes.iter().position(|w| *w == Some(parent)) {
                if !row.bottom.contains(&(col as u32)) {
                    row.bottom.push(col as u32);
                }
                continue;
            }
            let col = if k == 0 && lanes[lane].is_none() { lane } else { free_column(&mut lanes) };
            lanes[col] = Some(parent);
            row.bottom.push(col as u32);
        }
        while lanes.last() == Some(&None) {
            lanes.pop();
        }
        rows.push(row);
    }
    rows
}

/// The leftmost free column, a new one when all are taken.
fn free_column(lanes: &mut Vec<Option<usize>>) -> usize {
    match lanes.iter().position(Option::is_none) {
        Some(col) => col,
        None => {
            lanes.push(None);
            lanes.len() - 1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(lane: u32, top: &[u32], bottom: &[u32], pass: &[u32]) -> LaneRow {
        LaneRow { lane, top: top.to_vec(), bottom: bottom.to_vec(), pass: pass.to_vec() }
    }

    #[test]
    fn a_line_is_one_lane() {
        let rows = compute_lanes(&[vec![1], vec![2], vec![]]);
        assert_eq!(rows, vec![row(0, &[], &[0], &[]), row(0, &[0], &[0], &[]), row(0, &[0], &[], &[])]);
    }

    #[test]
    fn a_merge_opens_a_lane_for_its_second_parent_which_joins_back_at_the_fork() {
        // 0 = merge(1, 2); 1 on main; 2 on the branch; 3 = fork point of both.
        let rows = compute_lanes(&[vec![1, 2], vec![3], vec![3], vec![]]);
        assert_eq!(rows[0], row(0, &[], &[0, 1], &[]));
        assert_eq!(rows[1], row(0, &[0], &[0], &[1]));
        // The branch commit sees main's lane already waiting for the fork point and joins it.
        assert_eq!(rows[2], row(1, &[1], &[0], &[0]));
        assert_eq!(rows[3], row(0, &[0], &[], &[]));
    }

    #[test]
    fn an_octopus_merge_gets_a_lane_per_parent() {
        let rows = compute_lanes(&[vec![1, 2, 3], vec![4], vec![4], vec![4], vec![]]);
        assert_eq!(rows[0], row(0, &[], &[0, 1, 2], &[]));
        assert_eq!(rows[3], row(2, &[2], &[0], &[0]));
        assert_eq!(rows[4], row(0, &[0], &[], &[]));
        assert!(rows.iter().all(|r| r.width() <= 3));
    }

    #[test]
    fn two_tips_and_free_columns_are_reused() {
        // Two branch tips (0 and 1) over a common base 2, then 3 and 4 above a root.
        let rows = compute_lanes(&[vec![2], vec![2], vec![3], vec![]]);
        assert_eq!(rows[0], row(0, &[], &[0], &[]));
        assert_eq!(rows[1], row(1, &[], &[0], &[0]));
        assert_eq!(rows[2], row(0, &[0], &[0], &[]));
    }

    #[test]
    fn a_parent_drawn_above_its_child_gets_no_line() {
        let rows = compute_lanes(&[vec![], vec![0]]);
        assert_eq!(rows[1], row(0, &[], &[], &[]));
    }

    #[test]
    fn edges_round_trip_through_their_stored_form() {
        let r = row(2, &[2, 4], &[2, 5], &[0, 1]);
        assert_eq!(r.encode_edges(), "2,4|2,5|0,1");
        assert_eq!(LaneRow::decode_edges(2, &r.encode_edges()), Some(r));
        assert_eq!(LaneRow::decode_edges(0, "||"), Some(row(0, &[], &[], &[])));
        assert_eq!(LaneRow::decode_edges(0, "x||"), None);
        assert_eq!(LaneRow::decode_edges(0, "|"), None);
    }
}
