//! Printing: the same values as a human-readable table or as JSON (`--json`).

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use repovault_storage::{
    Commit, CommitWithChanges, ErrorPayload, MigrationState, Repository, Signature, StorageResult, StorageStatus,
};
use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};
use repovault_ingest::{ImportPhase, ImportProgress, ImportReport};
use repovault_storage::query::{CommitPage, SavedQuery, Snippet};
use serde::Serialize;

pub struct Output {
    json: bool,
}

impl Output {
    pub fn new(json: bool) -> Output {
        Output { json }
    }

    pub fn json(&self) -> bool {
        self.json
    }

    pub(crate) fn print_json<T: Serialize + ?Sized>(&self, value: &T) {
        println!("{}", serde_json::to_string_pretty(value).expect("values serialise"));
    }

    /// One line on stderr; with `--json` also the `{code, message}` payload on stdout.
    pub fn error(&self, err: &ErrorPayload) {
        if self.json {
            // Not `println!`: a closed pipe must not turn the failure into the quiet exit 0.
            use std::io::Write;
            let json = serde_json::to_string_pretty(&serde_json::json!({ "error": err })).expect("values serialise");
            let _ = writeln!(std::io::stdout(), "{json}");
        }
        eprintln!("error [{}]: {}", err.code, err.message.replace('\n', " "));
    }

    /// A progress bar on stderr when it is a terminal and output is for humans; hidden otherwise.
    pub fn progress_bar(&self) -> ProgressBar {
        if self.json || !std::io::stderr().is_terminal() {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} commits ({per_sec}, eta {eta})")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar
    }

    pub fn saved_queries(&self, saved: &[SavedQuery]) {
        if self.json {
            return self.print_json(saved);
        }
        if saved.is_empty() {
            println!("no saved queries; save one with `repovault-cli saved save NAME --search TEXT`");
            return;
        }
        for query in saved {
            let filter = serde_json::to_string(&query.filter).expect("filters serialise");
            println!("{:<24} {:<20} {filter}", query.name, format_utc(query.updated_at));
        }
    }

    pub fn saved_query(&self, query: &SavedQuery) {
        if self.json {
            return self.print_json(query);
        }
        println!("saved {}", query.name);
    }

    pub fn removed(&self, name: &str, commits: i64) {
        if self.json {
            return self.print_json(&serde_json::json!({ "removed": name, "commits": commits }));
        }
        println!("removed {name} and its {commits} commits");
    }

    pub fn exported(&self, count: u64, file: &std::path::Path) {
        if self.json {
            return self.print_json(&serde_json::json!({ "exported": count, "file": file }));
        }
        println!("exported {count} commits to {}", file.display());
    }

    pub fn imported_export(&self, stored: u64, duplicates: u64) {
        if self.json {
            return self.print_json(&serde_json::json!({ "stored": stored, "duplicates": duplicates }));
        }
        println!("{stored} commits stored, {duplicates} already there");
    }

    pub fn import_report(&self, report: &ImportReport) {
        if self.json {
            return self.print_json(report);
        }
        let r = &report.repository;
        if report.up_to_date {
            println!("{}: up to date ({} commits, {} refs)", r.name, r.commit_count, report.refs);
        } else {
            println!(
                "{}: {} new commits in {:.1}s; {} commits and {} refs stored",
                r.name, report.new_commits, report.seconds, r.commit_count, report.refs
            );
            if report.index_seconds >= 0.05 {
                println!("  of which {:.1}s indexing the changed lines for change: searches", report.index_seconds);
            }
        }
        if report.is_shallow {
            println!("note: {} is a shallow clone; history before its boundary is not there to import", r.name);
        }
    }

    pub fn repositories(&self, repositories: &[Repository]) {
        if self.json {
            return self.print_json(repositories);
        }
        if repositories.is_empty() {
            println!("No repositories yet.");
            return;
        }
        println!("{:<24} {:<12} {:>9}  {:<20} {:<7} PATH", "NAME", "WORKSPACE", "COMMITS", "LAST SYNC", "CHANGES");
        for r in repositories {
            let synced = r.last_synced_at.map(format_utc).unwrap_or_else(|| "never".into());
            println!(
                "{:<24} {:<12} {:>9}  {:<20} {:<7} {}",
                r.name,
                r.workspace,
                r.commit_count,
                synced,
                if r.index_changes { "indexed" } else { "off" },
                r.remote_url.as_deref().or(r.path.as_deref()).unwrap_or("-")
            );
            if let Some(error) = &r.last_sync_error {
                println!("  last sync failed: {error}");
            }
        }
    }

    /// One background sync of `sync --watch`, as one line.
    pub fn watch_line(&self, r: &Repository, result: &Result<ImportReport, ErrorPayload>) {
        let at = format_utc(chrono::Utc::now().timestamp());
        if self.json {
            let line = match result {
                Ok(report) => serde_json::json!({ "at": at, "repository": r.name, "new_commits": report.new_commits }),
                Err(err) => serde_json::json!({ "at": at, "repository": r.name, "error": err }),
            };
            return println!("{line}");
        }
        match result {
            Ok(report) => println!("{at} {}: {} new commits", r.name, report.new_commits),
            Err(err) => println!("{at} {}: sync failed: [{}] {}", r.name, err.code, err.message.replace('\n', " ")),
        }
    }

    pub fn keep_in_sync(&self, r: &Repository) {
        if self.json {
            return self.print_json(r);
        }
        match r.sync_interval_secs {
            Some(secs) => println!("{}: kept in sync every {secs} s (by the app and `sync --watch`)", r.name),
            None => println!("{}: not kept in sync in the background", r.name),
        }
    }

    pub fn token_saved(&self, server: &str, keeper: repovault_app::tokens::Keeper) {
        let kept = match keeper {
            repovault_app::tokens::Keeper::Persistent => "the OS keyring",
            repovault_app::tokens::Keeper::Session => {
                "the kernel keyring (no Secret Service is running: it is gone after logout or reboot)"
            }
        };
        if self.json {
            return self.print_json(&serde_json::json!({ "server": server, "kept_in": kept }));
        }
        println!("token for {server} kept in {kept}");
    }

    pub fn token_deleted(&self, server: &str, deleted: bool) {
        if self.json {
            return self.print_json(&serde_json::json!({ "server": server, "deleted": deleted }));
        }
        println!("{}", if deleted { format!("token for {server} deleted") } else { format!("no token for {server}") });
    }

    pub fn commits(&self, commits: &[Commit]) {
        if self.json {
            return self.print_json(commits);
        }
        self.commit_rows(commits, &[]);
    }

    /// One line per commit; under it, for a full-text search, the message around the found words
    /// (marked with « »).
    fn commit_rows(&self, commits: &[Commit], snippets: &[Snippet]) {
        for c in commits {
            let summary = c.message.lines().next().unwrap_or_default();
            println!(
                "{}  {}  {:<20}  {:>6} {:>6}  {summary}",
                &c.hash[..12],
                format_signature_time(&c.author),
                truncate(&c.author.name, 20),
                counted("+", c.totals.total_additions),
                counted("-", c.totals.total_deletions),
            );
            if let Some(snippet) = snippets.iter().find(|s| s.commit_id == c.id) {
                let text: String = snippet
                    .parts
                    .iter()
                    .map(|p| if p.hit { format!("«{}»", p.text) } else { p.text.clone() })
                    .collect();
                println!("              {text}");
            }
        }
    }

    pub fn page(&self, page: &CommitPage) {
        if self.json {
            return self.print_json(page);
        }
        self.commit_rows(&page.commits, &page.snippets);
        let plus = if page.total_is_lower_bound { "+" } else { "" };
        println!("{} of {}{plus} matching commits", page.commits.len(), page.total);
        if let Some(cursor) = &page.next_cursor {
            println!("more: --cursor {cursor}");
        }
    }

    pub fn commit(&self, found: &CommitWithChanges, with_diffs: bool) {
        if self.json {
            if with_diffs {
                return self.print_json(found);
            }
            let mut without = found.clone();
            without.changes.iter_mut().for_each(|c| c.diff = None);
            return self.print_json(&without);
        }
        let c = &found.commit;
        println!("commit {}", c.hash);
        for parent in &c.parents {
            println!("parent {parent}");
        }
        println!("Author: {} <{}>  {}", c.author.name, c.author.email, format_signature_time(&c.author));
        println!("Commit: {} <{}>  {}", c.committer.name, c.committer.email, format_signature_time(&c.committer));
        if let Some(pusher) = &c.pusher {
            println!("Pushed by: {pusher}");
        }
        println!();
        for line in c.message.lines() {
            println!("    {line}");
        }
        println!();
        for change in &found.changes {
            let binary = if change.is_binary { " (binary)" } else { "" };
            let from = change.old_path.as_deref().map(|p| format!("{p} -> ")).unwrap_or_default();
            println!(
                "{:>6} {:>6}  {:<9} {from}{}{binary}",
                counted("+", change.additions),
                counted("-", change.deletions),
                change.kind.as_str(),
                change.path
            );
        }
        if with_diffs {
            for diff in found.changes.iter().filter_map(|c| c.diff.as_deref()) {
                println!();
                print!("{diff}");
            }
        }
    }

    pub fn migrations(&self, states: &[MigrationState], applied_now: &[i64]) {
        if self.json {
            return self.print_json(&serde_json::json!({ "migrations": states, "applied_now": applied_now }));
        }
        for m in states {
            let state = match (m.applied, applied_now.contains(&m.version)) {
                (true, true) => "applied now",
                (true, false) => "applied",
                (false, _) => "pending",
            };
            println!("{:<16} {:<12} {}", m.version, state, m.description);
        }
        let pending = states.iter().filter(|m| !m.applied).count();
        println!("{} applied, {pending} pending", states.len() - pending);
    }

    pub fn storage_results(&self, repository: &str, results: &[StorageResult]) {
        if self.json {
            return self.print_json(results);
        }
        let count = |status| results.iter().filter(|r| r.status == status).count();
        println!(
            "{repository}: {} stored, {} already there",
            count(StorageStatus::Stored),
            count(StorageStatus::Duplicate)
        );
    }
}

fn counted(sign: &str, n: Option<i64>) -> String {
    n.map(|n| format!("{sign}{n}")).unwrap_or_else(|| format!("{sign}?"))
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(max - 1).collect();
        cut.push('…');
        cut
    }
}

fn format_utc(seconds: i64) -> String {
    DateTime::<Utc>::from_timestamp(seconds, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| seconds.to_string())
}

/// A signature's time in its own offset, as git shows it.
fn format_signature_time(sig: &Signature) -> String {
    FixedOffset::east_opt(sig.tz_offset_minutes * 60)
        .and_then(|offset| offset.timestamp_opt(sig.time, 0).single())
        .map(|t| t.format("%Y-%m-%d %H:%M %z").to_string())
        .unwrap_or_else(|| format_utc(sig.time))
}

pub fn show_progress(bar: &ProgressBar, progress: &ImportProgress) {
    let phase = match progress.phase {
        ImportPhase::Fetching => "fetching",
        ImportPhase::Scanning => "scanning",
        ImportPhase::BackingUp => "backing up",
        ImportPhase::Importing => "importing",
        ImportPhase::Finishing => "finishing",
        ImportPhase::Indexing => "indexing changes",
        ImportPhase::Done => "done",
    };
    bar.set_message(phase);
    bar.set_length(progress.total);
    bar.set_position(progress.done);
}
