//! Backup schedules, kept in the store's own database (table `backup_schedules`): a cron expression
//! evaluated in a time zone (the machine's local zone unless one is named) or a fixed interval.
//! Next runs are stored in UTC and recomputed after every run, so a change of the machine's zone
//! or a daylight-saving change moves the next run the way a wall clock would. Runs missed while
//! nothing was running are caught up once: `run_due` runs a due job one time and schedules it from
//! now, however many runs it missed.

use std::str::FromStr;
use std::time::Instant;

use chrono::{DateTime, TimeZone, Utc};
use repovault_storage::{ScheduleRow, ScheduleRunRecord, Store, StoreConfig, StoreError};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::catalog;
use crate::create::{create, BackupRequest};
use crate::destinations::{self, Destination};
use crate::error::{BackupError, Result};
use crate::manifest::BackupKind;
use crate::progress::{no_progress, CancelToken};
use crate::retention::{self, RetentionPolicy};

/// When a schedule runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "lowercase")]
#[ts(export)]
pub enum ScheduleSpec {
    /// Five (or six, with seconds) cron fields, e.g. `0 3 * * *`, in `timezone` (an IANA name such
    /// as `Europe/Berlin`) or the machine's local zone.
    Cron { expression: String, timezone: Option<String> },
    /// Every so many seconds, counted from the last run.
    Interval {
        #[ts(type = "number")]
        seconds: u64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewSchedule {
    pub name: String,
    pub spec: ScheduleSpec,
    pub destinations: Vec<Destination>,
    /// Applied to the destinations after each successful run.
    pub retention: Option<RetentionPolicy>,
    pub enabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Schedule {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub spec: ScheduleSpec,
    pub destinations: Vec<Destination>,
    pub retention: Option<RetentionPolicy>,
    pub enabled: bool,
    /// RFC 3339 UTC.
    pub next_run_at: Option<String>,
    pub last_run_at: Option<String>,
    /// `ok`, `partial` (a destination failed) or `failed`.
    pub last_result: Option<String>,
    #[ts(type = "number | null")]
    pub last_duration_ms: Option<i64>,
    pub last_error: Option<String>,
    /// The file the last run wrote (its first destination).
    pub last_backup: Option<String>,
    pub created_at: String,
}

/// The outcome of one scheduled run.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ScheduleRun {
    pub schedule: String,
    pub result: String,
    pub backup: Option<String>,
    pub error: Option<String>,
    #[ts(type = "number")]
    pub duration_ms: u64,
    /// Backups the schedule's retention removed after the run.
    pub pruned: Vec<String>,
    pub next_run_at: Option<String>,
}

/// Checks a spec (a cron expression that parses, a known time zone, a positive interval).
pub fn validate(spec: &ScheduleSpec) -> Result<()> {
    next_run(spec, Utc::now()).map(|_| ())
}

/// The first run strictly after `after`, in UTC.
pub fn next_run(spec: &ScheduleSpec, after: DateTime<Utc>) -> Result<DateTime<Utc>> {
    match spec {
        ScheduleSpec::Interval { seconds } => {
            if *seconds == 0 {
                return Err(BackupError::validation("interval", "an interval must be at least one second"));
            }
            Ok(after + chrono::Duration::seconds(*seconds as i64))
        }
        ScheduleSpec::Cron { expression, timezone } => {
            let cron = croner::Cron::from_str(expression).map_err(|e| {
                BackupError::validation("cron", format!("{expression:?} is not a cron expression: {e}"))
            })?;
            match timezone.as_deref().filter(|z| !z.is_empty()) {
                Some(name) => {
                    let zone = chrono_tz::Tz::from_str(name).map_err(|_| {
                        BackupError::validation("timezone", format!("{name:?} is not a known time zone"))
                    })?;
                    next_in_zone(&cron, after, &zone)
                }
                None => next_in_zone(&cron, after, &chrono::Local),
            }
        }
    }
}

fn next_in_zone<Z: TimeZone>(cron: &croner::Cron, after: DateTime<Utc>, zone: &Z) -> Result<DateTime<Utc>>
where
    DateTime<Z>: croner::time::CronDateTime,
{
    let local = after.with_timezone(zone);
    let next = cron
        .find_next_occurrence(&local, false)
        .map_err(|e| BackupError::validation("cron", format!("no next run: {e}")))?;
    Ok(next.with_timezone(&Utc))
}

/// The next `count` runs after `after` (the UI previews five).
pub fn preview(spec: &ScheduleSpec, after: DateTime<Utc>, count: usize) -> Result<Vec<String>> {
    let mut out = Vec::with_capacity(count);
    let mut at = after;
    for _ in 0..count {
        at = next_run(spec, at)?;
        out.push(catalog::rfc3339(at));
    }
    Ok(out)
}

fn time(seconds: Option<i64>) -> Option<String> {
    seconds.and_then(|s| Utc.timestamp_opt(s, 0).single()).map(catalog::rfc3339)
}

fn schedule_of(row: ScheduleRow) -> Result<Schedule> {
    let spec = match row.kind.as_str() {
        "interval" => ScheduleSpec::Interval { seconds: row.interval_seconds.unwrap_or(0).max(0) as u64 },
        _ => ScheduleSpec::Cron { expression: row.cron.unwrap_or_default(), timezone: row.timezone },
    };
    let bad = |what: &str, e: serde_json::Error| BackupError::validation(what, format!("stored value unreadable: {e}"));
    Ok(Schedule {
        id: row.id,
        name: row.name,
        spec,
        destinations: serde_json::from_str(&row.destinations).map_err(|e| bad("destinations", e))?,
        retention: match row.retention {
            Some(json) => Some(serde_json::from_str(&json).map_err(|e| bad("retention", e))?),
            None => None,
        },
        enabled: row.enabled,
        next_run_at: time(row.next_run_at),
        last_run_at: time(row.last_run_at),
        last_result: row.last_result,
        last_duration_ms: row.last_duration_ms,
        last_error: row.last_error,
        last_backup: row.last_backup,
        created_at: time(Some(row.created_at)).unwrap_or_default(),
    })
}

/// Adds a schedule; its first run is computed from now.
pub async fn add(store: &dyn Store, new: &NewSchedule) -> Result<Schedule> {
    add_at(store, new, Utc::now()).await
}

/// `add` with a fixed "now" (for tests and for previews).
pub async fn add_at(store: &dyn Store, new: &NewSchedule, now: DateTime<Utc>) -> Result<Schedule> {
    if new.name.trim().is_empty() {
        return Err(BackupError::validation("name", "a schedule needs a name"));
    }
    destinations::targets(&new.destinations, BackupKind::Scheduled)?;
    if let Some(policy) = &new.retention {
        if policy.is_empty() {
            return Err(BackupError::validation("retention", "the policy keeps nothing"));
        }
    }
    let next = next_run(&new.spec, now)?.timestamp();
    let (kind, cron, timezone, interval) = match &new.spec {
        ScheduleSpec::Cron { expression, timezone } => ("cron", Some(expression.clone()), timezone.clone(), None),
        ScheduleSpec::Interval { seconds } => ("interval", None, None, Some(*seconds as i64)),
    };
    let row = ScheduleRow {
        id: 0,
        name: new.name.clone(),
        kind: kind.to_string(),
        cron,
        timezone,
        interval_seconds: interval,
        destinations: serde_json::to_string(&new.destinations).expect("serialises"),
        retention: new.retention.as_ref().map(|r| serde_json::to_string(r).expect("serialises")),
        enabled: new.enabled,
        next_run_at: Some(next),
        last_run_at: None,
        last_result: None,
        last_duration_ms: None,
        last_error: None,
        last_backup: None,
        created_at: now.timestamp(),
    };
    match store.insert_schedule(&row).await {
        Err(StoreError::Duplicate(message)) => return Err(BackupError::validation("name", message)),
        other => other?,
    }
    list(store)
        .await?
        .into_iter()
        .find(|s| s.name == new.name)
        .ok_or_else(|| BackupError::NotFound { what: format!("schedule {}", new.name) })
}

/// Every schedule, by name.
pub async fn list(store: &dyn Store) -> Result<Vec<Schedule>> {
    store.schedules().await?.into_iter().map(schedule_of).collect()
}

pub async fn remove(store: &dyn Store, name: &str) -> Result<()> {
    match store.delete_schedule(name).await? {
        false => Err(BackupError::NotFound { what: format!("schedule {name}") }),
        true => Ok(()),
    }
}

/// Runs every enabled schedule whose next run is at or before `now`, once each, and stores its
/// outcome and its next run (the first after `now`: missed runs are caught up once). Call it at
/// start (to catch up) and then on a timer; each run is a `Scheduled` backup, followed by the
/// schedule's retention. A failing run is recorded, not raised.
/// `config` is the one `store` was opened with (a backup reads the database and blobs it names).
pub async fn run_due(
    store: &dyn Store,
    config: &StoreConfig,
    now: DateTime<Utc>,
    cancel: CancelToken,
) -> Result<Vec<ScheduleRun>> {
    let due: Vec<Schedule> =
        store.due_schedules(now.timestamp()).await?.into_iter().map(schedule_of).collect::<Result<_>>()?;
    let mut runs = Vec::new();
    for schedule in due {
        cancel.check()?;
        runs.push(run_one(store, config, &schedule, now, &cancel).await?);
    }
    Ok(runs)
}

async fn run_one(
    store: &dyn Store,
    config: &StoreConfig,
    schedule: &Schedule,
    now: DateTime<Utc>,
    cancel: &CancelToken,
) -> Result<ScheduleRun> {
    let started = Instant::now();
    let request =
        BackupRequest::new(BackupKind::Scheduled, format!("schedule {}", schedule.name), schedule.destinations.clone());
    let outcome = create(config, &request, no_progress(), cancel.clone()).await;
    let mut pruned = Vec::new();
    let (result, backup, error) = match outcome {
        Ok(report) => {
            let failures: Vec<String> = report
                .results
                .iter()
                .filter_map(|r| r.error.as_ref().map(|e| format!("{}: {}", r.destination, e.message)))
                .collect();
            let mut error = (!failures.is_empty()).then(|| failures.join("; "));
            if let Some(policy) = &schedule.retention {
                match retention::prune(&destinations::folders(&schedule.destinations), policy, false) {
                    Ok(decisions) => {
                        pruned = decisions.into_iter().filter(|d| !d.keep).map(|d| d.backup.path).collect()
                    }
                    Err(err) => error = Some(format!("retention: {err}")),
                }
            }
            let result = if error.is_some() { "partial" } else { "ok" };
            (result, report.written().first().map(|b| b.path.clone()), error)
        }
        Err(BackupError::Cancelled) => return Err(BackupError::Cancelled),
        Err(err) => ("failed", None, Some(err.to_string())),
    };
    let duration_ms = started.elapsed().as_millis() as u64;
    let next = next_run(&schedule.spec, now).ok();
    let record = ScheduleRunRecord {
        ran_at: now.timestamp(),
        result: result.to_string(),
        duration_ms: duration_ms as i64,
        error: error.clone(),
        backup: backup.clone(),
        next_run_at: next.map(|t| t.timestamp()),
    };
    store.record_schedule_run(schedule.id, &record).await?;
    if let Some(err) = &error {
        tracing::warn!(schedule = %schedule.name, error = %err, "scheduled backup did not fully succeed");
    }
    Ok(ScheduleRun {
        schedule: schedule.name.clone(),
        result: result.to_string(),
        backup,
        error,
        duration_ms,
        pruned,
        next_run_at: next.map(catalog::rfc3339),
    })
}

/// The earliest next run of the enabled schedules (for a loop to sleep until).
pub async fn earliest_next_run(store: &dyn Store) -> Result<Option<DateTime<Utc>>> {
    Ok(list(store)
        .await?
        .into_iter()
        .filter(|s| s.enabled)
        .filter_map(|s| s.next_run_at.and_then(|t| DateTime::parse_from_rfc3339(&t).ok()))
        .map(|t| t.with_timezone(&Utc))
        .min())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    fn berlin(expression: &str) -> ScheduleSpec {
        ScheduleSpec::Cron { expression: expression.into(), timezone: Some("Europe/Berlin".into()) }
    }

    #[test]
    fn intervals_count_from_the_given_time() {
        let spec = ScheduleSpec::Interval { seconds: 90 };
        assert_eq!(next_run(&spec, utc("2026-11-22T10:00:00Z")).unwrap(), utc("2026-11-22T10:01:30Z"));
        assert!(next_run(&ScheduleSpec::Interval { seconds: 0 }, Utc::now()).is_err());
    }

    #[test]
    fn cron_runs_at_local_wall_clock_time_across_daylight_saving_changes() {
        let daily = berlin("0 3 * * *");
        // Winter (CET, UTC+1), then the spring-forward night of 29 March 2026 (CEST, UTC+2).
        assert_eq!(next_run(&daily, utc("2026-03-27T12:00:00Z")).unwrap(), utc("2026-03-28T02:00:00Z"));
        assert_eq!(next_run(&daily, utc("2026-03-28T02:00:00Z")).unwrap(), utc("2026-03-29T01:00:00Z"));
        // Fall back on 25 October 2026: 03:00 local is 02:00 UTC again.
        assert_eq!(next_run(&daily, utc("2026-10-24T12:00:00Z")).unwrap(), utc("2026-10-25T02:00:00Z"));
        assert_eq!(
            preview(&daily, utc("2026-03-27T12:00:00Z"), 3).unwrap(),
            ["2026-03-28T02:00:00.000Z", "2026-03-29T01:00:00.000Z", "2026-03-30T01:00:00.000Z"]
        );
    }

    #[test]
    fn a_time_skipped_by_spring_forward_runs_once_right_after_the_gap() {
        let spec = berlin("30 2 * * *");
        let first = next_run(&spec, utc("2026-03-28T12:00:00Z")).unwrap();
        assert_eq!(
            first,
            utc("2026-03-29T01:00:00Z"),
            "02:30 does not exist that night; 03:00 CEST is the first instant after"
        );
        assert_eq!(next_run(&spec, first).unwrap(), utc("2026-03-30T00:30:00Z"));
    }

    #[test]
    fn a_time_repeated_by_fall_back_runs_once() {
        let spec = berlin("30 2 * * *");
        let first = next_run(&spec, utc("2026-10-24T12:00:00Z")).unwrap();
        assert_eq!(first, utc("2026-10-25T00:30:00Z"), "the first 02:30 (CEST)");
        assert_eq!(next_run(&spec, first).unwrap(), utc("2026-10-26T01:30:00Z"), "not again at the second 02:30");
    }

    #[test]
    fn bad_expressions_and_zones_are_validation_errors() {
        assert_eq!(validate(&berlin("61 * * * *")).unwrap_err().code(), "validation");
        let spec = ScheduleSpec::Cron { expression: "0 3 * * *".into(), timezone: Some("Mars/Olympus".into()) };
        assert_eq!(validate(&spec).unwrap_err().code(), "validation");
        assert!(validate(&ScheduleSpec::Cron { expression: "@daily".into(), timezone: None }).is_ok());
    }
}
