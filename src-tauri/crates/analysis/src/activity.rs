//! Activity over time: commits per day, ISO week and month, and an hour × weekday heatmap — all in
//! the author's own time zone (the stored `author_tz_offset`), so 9 am means 9 am where they were.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use repovault_storage::Store;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
use crate::filters::{self, LeftOut};
use crate::params::{Scope, SHIFT_DAYS};

/// Commits and lines in one period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ActivityBucket {
    /// `2024-03-01` (day), `2024-W09` (ISO week), `2024-03` (month).
    pub period: String,
    #[ts(type = "number")]
    pub commits: i64,
    #[ts(type = "number")]
    pub additions: i64,
    #[ts(type = "number")]
    pub deletions: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ActivityReport {
    /// Days with at least one commit, oldest first (empty days are left out).
    pub days: Vec<ActivityBucket>,
    pub weeks: Vec<ActivityBucket>,
    pub months: Vec<ActivityBucket>,
    /// `heatmap[weekday][hour]`: commits by local weekday (0 = Monday … 6 = Sunday) and hour (0–23).
    #[ts(type = "Array<Array<number>>")]
    pub heatmap: Vec<Vec<i64>>,
    #[ts(type = "number")]
    pub total_commits: i64,
    /// Authors the filters left out, and commits without a kept change.
    pub left_out: LeftOut,
}

pub(crate) async fn activity(store: &dyn Store, scope: &Scope) -> Result<ActivityReport> {
    let hours = store.hour_totals(&scope.history).await?;
    let report = summarise(hours.into_iter().map(|h| (h.shifted_hour, h.commits, h.additions, h.deletions)));
    let left_out = filters::left_out_commits(store, &scope.history, report.total_commits).await?;
    Ok(ActivityReport { left_out, ..report })
}

fn date_of(shifted_day: i64) -> NaiveDate {
    let days_since_epoch = shifted_day - SHIFT_DAYS;
    NaiveDate::from_num_days_from_ce_opt(719_163 + days_since_epoch as i32).unwrap_or_default()
}

/// From (shifted local hour, commits, additions, deletions) rows, oldest first.
fn summarise(hours: impl Iterator<Item = (i64, i64, i64, i64)>) -> ActivityReport {
    let mut heatmap = vec![vec![0i64; 24]; 7];
    let mut days: Vec<(i64, i64, i64, i64)> = Vec::new();
    for (hour, commits, additions, deletions) in hours {
        // The shift is whole weeks and 1970-01-01 was a Thursday: +72 hours counts from a Monday.
        let h = (hour + 72).rem_euclid(168) as usize;
        heatmap[h / 24][h % 24] += commits;
        match days.last_mut() {
            Some(last) if last.0 == hour.div_euclid(24) => {
                (last.1, last.2, last.3) = (last.1 + commits, last.2 + additions, last.3 + deletions);
            }
            _ => days.push((hour.div_euclid(24), commits, additions, deletions)),
        }
    }
    let mut weeks: BTreeMap<(i32, u32), ActivityBucket> = BTreeMap::new();
    let mut months: BTreeMap<(i32, u32), ActivityBucket> = BTreeMap::new();
    let mut out_days = Vec::with_capacity(days.len());
    let mut total_commits = 0;
    for (day, commits, additions, deletions) in days {
        let date = date_of(day);
        total_commits += commits;
        let add = |bucket: &mut ActivityBucket| {
            bucket.commits += commits;
            bucket.additions += additions;
            bucket.deletions += deletions;
        };
        let mut bucket = ActivityBucket { period: date.format("%Y-%m-%d").to_string(), ..Default::default() };
        add(&mut bucket);
        out_days.push(bucket);
        let week = date.iso_week();
        add(weeks.entry((week.year(), week.week())).or_insert_with(|| ActivityBucket {
            period: format!("{}-W{:02}", week.year(), week.week()),
            ..Default::default()
        }));
        add(months.entry((date.year(), date.month())).or_insert_with(|| ActivityBucket {
            period: format!("{}-{:02}", date.year(), date.month()),
            ..Default::default()
        }));
    }
    ActivityReport {
        days: out_days,
        weeks: weeks.into_values().collect(),
        months: months.into_values().collect(),
        heatmap,
        total_commits,
        left_out: LeftOut::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use repovault_storage::history::TIME_SHIFT;

    fn shifted_day(unix: i64) -> i64 {
        (unix + TIME_SHIFT) / 86_400
    }

    fn shifted_hour(unix: i64) -> i64 {
        (unix + TIME_SHIFT) / 3600
    }

    #[test]
    fn days_map_back_to_dates_before_and_after_1970() {
        // 2024-03-01T12:00:00Z and 1969-12-31T23:00:00Z.
        assert_eq!(date_of(shifted_day(1_709_294_400)).to_string(), "2024-03-01");
        assert_eq!(date_of(shifted_day(-3_600)).to_string(), "1969-12-31");
        assert_eq!(date_of(shifted_day(0)).to_string(), "1970-01-01");
    }

    #[test]
    fn weeks_months_and_heatmap() {
        // 2024-01-01 was a Monday (ISO week 1), 2023-12-31 a Sunday (ISO week 52 of 2023): Sunday
        // 23:00, and Monday 09:00 twice (one hour, then another commit in the same hour).
        let monday = shifted_hour(1_704_067_200);
        let rows = [(monday - 1, 1, 5, 0), (monday + 9, 1, 1, 0), (monday + 9, 1, 0, 1)];
        let report = summarise(rows.into_iter());
        let weeks: Vec<_> = report.weeks.iter().map(|w| (w.period.as_str(), w.commits)).collect();
        assert_eq!(weeks, vec![("2023-W52", 1), ("2024-W01", 2)]);
        let months: Vec<_> = report.months.iter().map(|w| (w.period.as_str(), w.additions)).collect();
        assert_eq!(months, vec![("2023-12", 5), ("2024-01", 1)]);
        assert_eq!(report.heatmap[0][9], 2);
        assert_eq!(report.heatmap[6][23], 1);
        assert_eq!(report.total_commits, 3);
    }
}
