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
