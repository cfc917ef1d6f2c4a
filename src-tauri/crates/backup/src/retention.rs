//! Retention with the usual semantics of restic and borg: `keep_last` keeps the N newest backups;
//! `keep_daily`/`keep_weekly`/`keep_monthly` keep, for each of the last N distinct days / ISO weeks /
//! months that have backups, the newest backup of that period. A backup kept by any rule is kept.
//! Periods are UTC calendar periods. Every kind (manual, scheduled, automatic, emergency) counts.

use std::path::PathBuf;

use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::catalog::{self, BackupInfo};
use crate::error::{BackupError, Result};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RetentionPolicy {
    #[serde(default)]
    pub keep_last: Option<u32>,
    #[serde(default)]
    pub keep_daily: Option<u32>,
    #[serde(default)]
    pub keep_weekly: Option<u32>,
    #[serde(default)]
    pub keep_monthly: Option<u32>,
}

impl RetentionPolicy {
    /// A policy that keeps nothing would delete every backup; it is refused.
    pub fn is_empty(&self) -> bool {
        [self.keep_last, self.keep_daily, self.keep_weekly, self.keep_monthly].iter().all(|n| n.unwrap_or(0) == 0)
    }
}

/// One backup and what the policy does with it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RetentionDecision {
    pub backup: BackupInfo,
    pub keep: bool,
    /// Why it is kept ("last 1/3", "daily 2026-11-22", …), or why it goes.
    pub reasons: Vec<String>,
}

/// Decides for each backup (of one folder) whether the policy keeps it; newest first.
pub fn plan(backups: &[BackupInfo], policy: &RetentionPolicy) -> Vec<RetentionDecision> {
    let mut sorted: Vec<(Option<DateTime<Utc>>, &BackupInfo)> = backups.iter().map(|b| (b.created(), b)).collect();
    sorted.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.name.cmp(&a.1.name)));
    let mut reasons: Vec<Vec<String>> = vec![Vec::new(); sorted.len()];
    // A backup whose time cannot be told is never removed by a rule about time.
    for (i, (time, _)) in sorted.iter().enumerate() {
        if time.is_none() {
            reasons[i].push("time unknown".to_string());
        }
    }
    let dated: Vec<(usize, DateTime<Utc>)> =
        sorted.iter().enumerate().filter_map(|(i, (t, _))| t.map(|t| (i, t))).collect();
    if let Some(n) = policy.keep_last.filter(|n| *n > 0) {
        for (rank, (i, _)) in dated.iter().take(n as usize).enumerate() {
            reasons[*i].push(format!("last {}/{n}", rank + 1));
        }
    }
    let mut by_period = |n: Option<u32>, label: &str, period: &dyn Fn(DateTime<Utc>) -> String| {
        let Some(n) = n.filter(|n| *n > 0) else { return };
        let mut seen: Vec<String> = Vec::new();
        for (i, time) in &dated {
            let key = period(*time);
            if seen.contains(&key) {
                continue;
            }
            if seen.len() == n as usize {
                break;
            }
            seen.push(key.clone());
            reasons[*i].push(format!("{label} {key}"));
        }
    };
    by_period(policy.keep_daily, "daily", &|t| t.format("%Y-%m-%d").to_string());
    by_period(policy.keep_weekly, "weekly", &|t| {
        let week = t.iso_week();
        format!("{}-W{:02}", week.year(), week.week())
    });
    by_period(policy.keep_monthly, "monthly", &|t| t.format("%Y-%m").to_string());
    sorted
        .into_iter()
        .zip(reasons)
        .map(|((_, backup), reasons)| {
            let keep = !reasons.is_empty();
            RetentionDecision {
                backup: backup.clone(),
                keep,
                reasons: if keep { reasons } else { vec!["no rule keeps it".to_string()] },
            }
        })
        .collect()
}

/// Applies the policy to each folder on its own (a backup copied to two folders is judged in each).
/// With `dry_run` nothing is deleted. Returns every decision.
pub fn prune(folders: &[PathBuf], policy: &RetentionPolicy, dry_run: bool) -> Result<Vec<RetentionDecision>> {
    if policy.is_empty() {
        return Err(BackupError::validation(
            "retention",
            "the policy keeps nothing; give at least one of keep_last, keep_daily, keep_weekly, keep_monthly",
        ));
    }
    let mut all = Vec::new();
    for folder in folders {
        let backups = catalog::list(std::slice::from_ref(folder))?;
        let decisions = plan(&backups, policy);
        if !dry_run {
            for decision in decisions.iter().filter(|d| !d.keep) {
                catalog::delete(std::path::Path::new(&decision.backup.path))?;
            }
        }
        all.extend(decisions);
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ten backups, newest first: two on Sun 22 Nov, two on the 21st, one on the 20th, one on Mon
    /// 16 Nov (same ISO week as the 22nd), one on Sun 15 Nov (the week before), then 1 Nov, 31 Oct,
    /// 15 Sep.
    const TIMES: [&str; 10] = [
        "2026-11-22T10:00:00Z",
        "2026-11-22T08:00:00Z",
        "2026-11-21T23:00:00Z",
        "2026-11-21T01:00:00Z",
        "2026-11-20T12:00:00Z",
        "2026-11-16T12:00:00Z",
        "2026-11-15T12:00:00Z",
        "2026-11-01T12:00:00Z",
        "2026-10-31T12:00:00Z",
        "2026-09-15T12:00:00Z",
    ];

    fn backups() -> Vec<BackupInfo> {
        // Shuffled on purpose: the plan sorts by time.
        [3, 0, 9, 5, 1, 7, 2, 8, 4, 6]
            .iter()
            .map(|&i| BackupInfo {
                path: format!("/b/{i}.zip"),
                name: format!("b{i}.zip"),
                destination: "/b".into(),
                size: 1,
                encrypted: false,
                created_at: TIMES[i].to_string(),
                kind: Some(if i % 3 == 0 { BackupKind::Automatic } else { BackupKind::Scheduled }),
                trigger: None,
                manifest: None,
                damaged: None,
            })
            .collect()
    }

    fn kept(policy: RetentionPolicy) -> Vec<usize> {
        plan(&backups(), &policy)
            .iter()
            .filter(|d| d.keep)
            .map(|d| TIMES.iter().position(|t| *t == d.backup.created_at).unwrap())
            .collect()
    }

    use crate::manifest::BackupKind;

    #[test]
    fn keep_last_keeps_the_newest_n() {
        assert_eq!(kept(RetentionPolicy { keep_last: Some(3), ..Default::default() }), [0, 1, 2]);
    }

    #[test]
    fn keep_daily_keeps_the_newest_of_each_of_the_last_n_days() {
        assert_eq!(kept(RetentionPolicy { keep_daily: Some(3), ..Default::default() }), [0, 2, 4]);
        assert_eq!(kept(RetentionPolicy { keep_daily: Some(100), ..Default::default() }), [0, 2, 4, 5, 6, 7, 8, 9]);
    }

    #[test]
    fn keep_weekly_uses_iso_weeks() {
        assert_eq!(kept(RetentionPolicy { keep_weekly: Some(2), ..Default::default() }), [0, 6]);
        assert_eq!(kept(RetentionPolicy { keep_weekly: Some(4), ..Default::default() }), [0, 6, 7, 9]);
    }

    #[test]
    fn keep_monthly_keeps_the_newest_of_each_month() {
        assert_eq!(kept(RetentionPolicy { keep_monthly: Some(3), ..Default::default() }), [0, 8, 9]);
        assert_eq!(kept(RetentionPolicy { keep_monthly: Some(1), ..Default::default() }), [0]);
    }

    #[test]
    fn rules_combine_and_say_why() {
        let policy =
            RetentionPolicy { keep_last: Some(1), keep_daily: Some(2), keep_monthly: Some(2), ..Default::default() };
        assert_eq!(kept(policy.clone()), [0, 2, 8]);
        let decisions = plan(&backups(), &policy);
        assert_eq!(decisions[0].reasons, ["last 1/1", "daily 2026-11-22", "monthly 2026-11"]);
        assert_eq!(decisions[2].reasons, ["daily 2026-11-21"]);
        assert_eq!(decisions[8].reasons, ["monthly 2026-10"]);
        assert_eq!(decisions[1].reasons, ["no rule keeps it"]);
        assert!(!decisions[1].keep);
        assert!(RetentionPolicy::default().is_empty());
    }

    #[test]
    fn a_backup_of_unknown_time_is_kept() {
        let mut all = backups();
        all[0].created_at = String::new();
        let decisions = plan(&all, &RetentionPolicy { keep_last: Some(1), ..Default::default() });
        let unknown = decisions.iter().find(|d| d.backup.created_at.is_empty()).unwrap();
        assert!(unknown.keep);
        assert_eq!(decisions.iter().filter(|d| d.keep).count(), 2);
    }
}
