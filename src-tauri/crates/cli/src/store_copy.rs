//! `repovault-cli store copy`: move a whole store between SQLite and PostgreSQL, verified.

use std::path::PathBuf;

use clap::Subcommand;
use repovault_storage::snapshot::copy::{copy_store, CopyPhase, CopyReport};
use repovault_storage::{BlobConfig, CancelToken, Progress, StoreConfig, StoreError};

use crate::output::Output;

#[derive(Subcommand)]
pub enum StoreAction {
    /// Copy every table (ids kept) and the large diffs into an empty database of the other
    /// backend, then verify it with row counts and canonical hashes. Run again after an
    /// interruption: it resumes after the tables already copied.
    Copy {
        /// The empty target: postgres://USER@HOST/DB or sqlite://PATH.
        #[arg(long, value_name = "URL")]
        to: String,
        /// The source (default: the configured store, see --database-url).
        #[arg(long, value_name = "URL")]
        from: Option<String>,
        /// A folder for the target's large diffs (default: the source's blob store, shared).
        #[arg(long, value_name = "DIR")]
        to_blobs: Option<PathBuf>,
    },
}

pub(crate) async fn run(
    action: &StoreAction,
    data_dir: &std::path::Path,
    database_url: Option<&str>,
    out: &Output,
) -> Result<(), StoreError> {
    let StoreAction::Copy { to, from, to_blobs } = action;
    let source = StoreConfig::for_data_dir(data_dir, from.as_deref().or(database_url))?;
    let mut target = StoreConfig::for_data_dir(data_dir, Some(to))?;
    target.blobs = match to_blobs {
        Some(dir) => BlobConfig::Local(dir.clone()),
        None => source.blobs.clone(),
    };
    let cancel = CancelToken::default();
    let on_signal = cancel.clone();
    let signal = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_signal.cancel();
        }
    });
    let human = !out.json();
    let progress = move |p: Progress<CopyPhase>| {
        if human {
            let what = match &p.phase {
                CopyPhase::Table { table } => format!("copying {table}"),
                CopyPhase::SearchIndex => "rebuilding the full-text index".into(),
                CopyPhase::Blobs => "carrying large diffs".into(),
                CopyPhase::Verify => "verifying".into(),
            };
            eprintln!("[{}/{}] {what}", p.done, p.total);
        }
    };
    let report = copy_store(&source, &target, &progress, &cancel).await;
    signal.abort();
    let report = report?;
    print(&report, out);
    if !report.verified {
        return Err(StoreError::Storage(format!(
            "the copy into {} does not match its source ({} tables differ); the target is kept for inspection",
            report.target,
            report.differences.len() + report.tables.iter().filter(|t| t.source_rows != t.target_rows).count()
        )));
    }
    Ok(())
}

fn print(report: &CopyReport, out: &Output) {
    if out.json() {
        out.print_json(report);
        return;
    }
    println!("{:<20} {:>12} {:>12}", "TABLE", "SOURCE", "TARGET");
    for t in &report.tables {
        let note = if t.copied_now { "" } else { "  (copied before, resumed after it)" };
        println!("{:<20} {:>12} {:>12}{note}", t.table, t.source_rows, t.target_rows);
    }
    for d in &report.differences {
        println!(
            "differs: {} {} ({} vs {} rows; commits {})",
            d.repository.as_deref().unwrap_or("-"),
            d.table,
            d.primary_rows,
            d.mirror_rows,
            d.commits.join(", ")
        );
    }
    println!(
        "{} -> {}: {} in {:.1} s, {} large diffs carried",
        report.source,
        report.target,
        if report.verified { "verified (row counts and canonical hashes agree)" } else { "NOT verified" },
        report.seconds,
        report.blobs_copied
    );
}
