//! Ownership and bus factor per folder: who changed how many lines there, and the smallest number
//! of authors who together changed more than half of them. Merges are left out: their
//! first-parent diff repeats lines their branch's authors wrote.

use std::collections::{HashMap, HashSet};

use repovault_storage::Store;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
use crate::filters::{self, LeftOut};
use crate::params::{folders_of, AnalysisParams, Identities, Scope};

/// How many owners each folder lists.
pub const OWNERS_PER_FOLDER: usize = 5;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Owner {
    pub name: String,
    pub email: String,
    /// Lines added + deleted in the folder.
    #[ts(type = "number")]
    pub lines: i64,
    /// Share of the folder's changed lines, 0–1.
    pub share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FolderOwnership {
    /// `""` is the whole repository.
    pub path: String,
    #[ts(type = "number")]
    pub lines: i64,
    #[ts(type = "number")]
    pub authors: i64,
    /// The fewest authors covering more than 50 % of the changed lines (0 when none changed).
    #[ts(type = "number")]
    pub bus_factor: i64,
    /// The biggest owners, most lines first.
    pub owners: Vec<Owner>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OwnershipReport {
    /// The root first, then the folders with the lowest bus factor and most lines, at most `limit`.
    pub folders: Vec<FolderOwnership>,
    #[ts(type = "number")]
    pub total_folders: i64,
    /// Bots and other authors, and paths, the filters left out.
    pub left_out: LeftOut,
}

pub(crate) async fn ownership(store: &dyn Store, scope: &Scope, params: &AnalysisParams) -> Result<OwnershipReport> {
    let rows = store.author_path_lines(&scope.history).await?;
    let mut left_out = filters::left_out_authors(store, &scope.history).await?;
    let mut seen = HashSet::new();
    for row in rows.iter().filter(|r| !r.kept) {
        filters::count_left_out_path(&mut seen, &mut left_out, &row.path, row.lines);
    }
    let rows = rows.into_iter().filter(|r| r.kept).map(|r| (r.name, r.email, r.path, r.lines)).collect();
    Ok(OwnershipReport { left_out, ..summarise(rows, &Identities::new(&params.aliases), params.row_limit()) })
}

fn summarise(rows: Vec<(String, String, String, i64)>, identities: &Identities, limit: usize) -> OwnershipReport {
    let mut people: HashMap<(String, String), u32> = HashMap::new();
    let mut who: Vec<(String, String)> = Vec::new();
    let mut folders: HashMap<&str, HashMap<u32, i64>> = HashMap::new();
    for (name, email, path, lines) in &rows {
        let identity = identities.resolve(name, email);
        let key = (identity.name, identity.email);
        let id = *people.entry(key.clone()).or_insert_with(|| {
            who.push(key);
            (who.len() - 1) as u32
        });
        for folder in folders_of(path) {
            *folders.entry(folder).or_default().entry(id).or_default() += lines;
        }
    }
    let total_folders = folders.len() as i64;
    let mut out: Vec<FolderOwnership> = folders
        .into_iter()
        .map(|(path, by_author)| {
            let mut owners: Vec<(u32, i64)> = by_author.into_iter().collect();
            owners.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| who[a.0 as usize].cmp(&who[b.0 as usize])));
            let lines: i64 = owners.iter().map(|o| o.1).sum();
            FolderOwnership {
                path: path.to_string(),
                lines,
                authors: owners.len() as i64,
                bus_factor: bus_factor(owners.iter().map(|o| o.1), lines),
                owners: owners
                    .iter()
                    .take(OWNERS_PER_FOLDER)
                    .map(|(id, n)| Owner {
                        name: who[*id as usize].0.clone(),
                        email: who[*id as usize].1.clone(),
                        lines: *n,
                        share: if lines > 0 { *n as f64 / lines as f64 } else { 0.0 },
                    })
                    .collect(),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (!a.path.is_empty())
            .cmp(&!b.path.is_empty())
            .then_with(|| a.bus_factor.cmp(&b.bus_factor))
            .then_with(|| b.lines.cmp(&a.lines))
            .then_with(|| a.path.cmp(&b.path))
    });
    out.truncate(limit);
    OwnershipReport { folders: out, total_folders, left_out: LeftOut::default() }
}

/// The fewest of `lines` (sorted, largest first) whose sum is more than half of `total`.
fn bus_factor(lines: impl Iterator<Item = i64>, total: i64) -> i64 {
    if total <= 0 {
        return 0;
    }
    let mut covered = 0;
    for (k, n) in lines.enumerate() {
        covered += n;
        if covered * 2 > total {
            return k as i64 + 1;
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bus_factor_needs_more_than_half() {
        assert_eq!(bus_factor([60, 40].into_iter(), 100), 1);
        assert_eq!(bus_factor([50, 50].into_iter(), 100), 2);
        assert_eq!(bus_factor([30, 30, 20, 20].into_iter(), 100), 2);
        assert_eq!(bus_factor(std::iter::empty(), 0), 0);
    }

    #[test]
    fn folders_collect_their_subfolders() {
        let row = |n: &str, p: &str, l: i64| (n.to_string(), format!("{n}@x"), p.to_string(), l);
        let rows = vec![row("a", "src/x.rs", 70), row("b", "src/y.rs", 30), row("b", "docs/r.md", 100)];
        let report = summarise(rows, &Identities::default(), 10);
        let root = &report.folders[0];
        assert_eq!((root.path.as_str(), root.lines, root.bus_factor), ("", 200, 1), "b has 130 of 200");
        let src = report.folders.iter().find(|f| f.path == "src").unwrap();
        assert_eq!((src.bus_factor, src.owners[0].name.as_str(), src.owners[0].lines), (1, "a", 70));
        assert_eq!(report.total_folders, 3);
    }
}
