//! Commits per author: counts, lines, first and last commit, active days — identities merged
//! through the user's aliases (the stored author is already `.mailmap`-merged), and likely aliases
//! the app can offer to merge.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use repovault_storage::{Identity, Store};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
use crate::filters::{self, LeftOut};
use crate::params::{AnalysisParams, Identities, Scope};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuthorStats {
    pub name: String,
    pub email: String,
    /// Identities (as stored) counted under this one through aliases, itself included.
    pub identities: Vec<Identity>,
    #[ts(type = "number")]
    pub commits: i64,
    /// Lines added and deleted over the author's commits (merges against their first parent).
    #[ts(type = "number")]
    pub additions: i64,
    #[ts(type = "number")]
    pub deletions: i64,
    /// Author times, Unix seconds.
    #[ts(type = "number")]
    pub first_commit: i64,
    #[ts(type = "number")]
    pub last_commit: i64,
    /// Distinct days (in the author's own time zone) with at least one commit.
    #[ts(type = "number")]
    pub active_days: i64,
}

/// Identities that are probably one person: the app offers to merge them as aliases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AliasSuggestion {
    /// `same_name` or `same_email_local_part`.
    pub reason: String,
    pub identities: Vec<Identity>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuthorsReport {
    /// By commits, most first.
    pub authors: Vec<AuthorStats>,
    pub likely_aliases: Vec<AliasSuggestion>,
    #[ts(type = "number")]
    pub total_commits: i64,
    /// Bots and other authors the filters left out, and commits without a kept change.
    pub left_out: LeftOut,
}

type Row = (String, String, i64, i64, i64, i64, i64, i64);

#[derive(Default)]
struct Acc {
    identities: BTreeSet<(String, String)>,
    commits: i64,
    additions: i64,
    deletions: i64,
    first: i64,
    last: i64,
    days: BTreeSet<i64>,
}

pub(crate) async fn authors(store: &dyn Store, scope: &Scope, params: &AnalysisParams) -> Result<AuthorsReport> {
    // One row per (identity, local day): everything else is summed from these.
    let rows: Vec<Row> = store
        .author_days(&scope.history)
        .await?
        .into_iter()
        .map(|d| (d.name, d.email, d.shifted_day, d.commits, d.additions, d.deletions, d.first_time, d.last_time))
        .collect();
    let report = summarise(rows, &Identities::new(&params.aliases));
    let left_out = filters::left_out_commits(store, &scope.history, report.total_commits).await?;
    Ok(AuthorsReport { left_out, ..report })
}

fn summarise(rows: Vec<Row>, identities: &Identities) -> AuthorsReport {
    let mut by_identity: HashMap<(String, String), Acc> = HashMap::new();
    let mut total_commits = 0;
    for (name, email, day, commits, additions, deletions, first, last) in rows {
        let who = identities.resolve(&name, &email);
        let acc = by_identity.entry((who.name, who.email)).or_insert_with(|| Acc {
            first: i64::MAX,
            last: i64::MIN,
            ..Acc::default()
        });
        acc.identities.insert((name, email));
        acc.commits += commits;
        acc.additions += additions;
        acc.deletions += deletions;
        acc.first = acc.first.min(first);
        acc.last = acc.last.max(last);
        acc.days.insert(day);
        total_commits += commits;
    }
    let mut authors: Vec<AuthorStats> = by_identity
        .into_iter()
        .map(|((name, email), acc)| AuthorStats {
            name,
            email,
            identities: acc.identities.into_iter().map(|(name, email)| Identity { name, email }).collect(),
            commits: acc.commits,
            additions: acc.additions,
            deletions: acc.deletions,
            first_commit: acc.first,
            last_commit: acc.last,
            active_days: acc.days.len() as i64,
        })
        .collect();
    authors.sort_by(|a, b| {
        b.commits.cmp(&a.commits).then_with(|| a.name.cmp(&b.name)).then_with(|| a.email.cmp(&b.email))
    });
    let likely_aliases = likely_aliases(&authors);
    AuthorsReport { authors, likely_aliases, total_commits, left_out: LeftOut::default() }
}

/// Local parts too generic to say two addresses belong to one person.
const GENERIC_LOCAL_PARTS: &[&str] = &["root", "admin", "noreply", "no-reply", "git", "dev", "info", "user", "mail"];

fn likely_aliases(authors: &[AuthorStats]) -> Vec<AliasSuggestion> {
    let mut by_name: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    let mut by_local: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for a in authors {
        let key = (a.name.clone(), a.email.clone());
        let name = a.name.trim().to_lowercase();
        if !name.is_empty() {
            by_name.entry(name).or_default().insert(key.clone());
        }
        let local = a.email.split('@').next().unwrap_or_default().trim().to_lowercase();
        if !local.is_empty() && !GENERIC_LOCAL_PARTS.contains(&local.as_str()) {
            by_local.entry(local).or_default().insert(key);
        }
    }
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for (reason, groups) in [("same_name", by_name), ("same_email_local_part", by_local)] {
        for (_, members) in groups {
            let emails: BTreeSet<String> = members.iter().map(|(_, e)| e.to_lowercase()).collect();
            if members.len() < 2 || emails.len() < 2 || !seen.insert(members.clone()) {
                continue;
            }
            out.push(AliasSuggestion {
                reason: reason.to_string(),
                identities: members.into_iter().map(|(name, email)| Identity { name, email }).collect(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, email: &str, day: i64, commits: i64) -> Row {
        (name.into(), email.into(), day, commits, 10 * commits, commits, 1000 + day, 2000 + day)
    }

    #[test]
    fn aliases_merge_and_suggestions_name_the_rest() {
        let rows = vec![
            row("Ann", "ann@a.com", 1, 2),
            row("Ann", "ann@b.com", 1, 1),
            row("Ann", "ann@b.com", 2, 1),
            row("A. Smith", "ann@c.com", 3, 1),
            row("Bob", "bob@a.com", 1, 5),
        ];
        let report = summarise(rows.clone(), &Identities::default());
        assert_eq!(report.total_commits, 10);
        assert_eq!(report.authors[0].name, "Bob");
        let reasons: Vec<_> = report.likely_aliases.iter().map(|s| (s.reason.as_str(), s.identities.len())).collect();
        assert_eq!(reasons, vec![("same_name", 2), ("same_email_local_part", 3)]);

        let mut aliases = BTreeMap::new();
        let ann = Identity { name: "Ann".into(), email: "ann@a.com".into() };
        aliases.insert("ANN@b.com".to_string(), ann.clone());
        aliases.insert("ann@c.com".to_string(), ann);
        let report = summarise(rows, &Identities::new(&aliases));
        let merged = report.authors.iter().find(|a| a.email == "ann@a.com").unwrap();
        assert_eq!((merged.commits, merged.active_days, merged.identities.len()), (5, 3, 3));
        assert_eq!(merged.additions, 50);
        assert!(report.likely_aliases.is_empty());
    }
}
