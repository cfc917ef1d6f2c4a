//! Verifying a backup without restoring it: the seal, every entry's sha256 against the manifest,
//! `PRAGMA integrity_check` on the extracted snapshot, and its row counts against the manifest.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::archive;
use crate::catalog::{Leftovers, ENCRYPTED_SUFFIX, PARTIAL_SUFFIX};
use crate::crypto;
use crate::error::{BackupError, Result};
use crate::manifest::{Manifest, WorkspaceCount, DATABASE_NAME};
use crate::progress::{CancelToken, ProgressFn};
use repovault_storage::snapshot::sqlite as snapshot;

/// Every problem found in one backup (none: it can be trusted).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VerifyReport {
    pub path: String,
    pub ok: bool,
    pub problems: Vec<String>,
    pub manifest: Option<Manifest>,
    #[ts(type = "number")]
    pub duration_ms: u64,
}

/// Checks one backup; problems are reported, not raised. Errors are for what prevents checking at
/// all: a missing file, a missing or wrong password, cancellation.
pub async fn verify(
    path: &Path,
    password: Option<&str>,
    progress: ProgressFn,
    cancel: CancelToken,
) -> Result<VerifyReport> {
    let started = Instant::now();
    if !path.is_file() {
        return Err(BackupError::NotFound { what: format!("backup {}", path.display()) });
    }
    let work = tempfile::Builder::new()
        .prefix(".repovault-verify-")
        .tempdir_in(path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")))
        .map_err(|e| BackupError::Io(format!("cannot make a work folder: {e}")))?;
    let (file, password, workdir, progress2, cancel2) =
        (path.to_path_buf(), password.map(str::to_string), work.path().to_path_buf(), progress.clone(), cancel.clone());
    let (mut problems, manifest) =
        tokio::task::spawn_blocking(move || check_archive(&file, password.as_deref(), &workdir, &progress2, &cancel2))
            .await
            .map_err(|e| BackupError::Io(format!("the check stopped: {e}")))??;
    if let Some(manifest) = &manifest {
        let database = work.path().join(DATABASE_NAME);
        if problems.is_empty() && database.is_file() {
            problems.extend(check_snapshot(&database, manifest, &cancel).await?);
        }
    }
    Ok(VerifyReport {
        path: path.display().to_string(),
        ok: problems.is_empty(),
        problems,
        manifest,
        duration_ms: started.elapsed().as_millis() as u64,
    })
}

/// Seal and entries; the database is extracted into `workdir` for the snapshot checks.
pub(crate) fn check_archive(
    path: &Path,
    password: Option<&str>,
    workdir: &Path,
    progress: &ProgressFn,
    cancel: &CancelToken,
) -> Result<(Vec<String>, Option<Manifest>)> {
    let mut leftovers = Leftovers::default();
    let plain = if path.to_string_lossy().ends_with(ENCRYPTED_SUFFIX) {
        let password = password.ok_or(BackupError::PasswordRequired)?;
        let plain = workdir.join(format!("decrypted.zip{PARTIAL_SUFFIX}"));
        leftovers.add(plain.clone());
        match crypto::decrypt(path, &plain, password, cancel) {
            Ok(()) => plain,
            Err(BackupError::Damaged { reason, .. }) => return Ok((vec![reason], None)),
            Err(err) => return Err(err),
        }
    } else {
        path.to_path_buf()
    };
    let mut problems = Vec::new();
    match archive::check_seal(&plain, progress, cancel) {
        Ok(()) => {}
        Err(BackupError::Damaged { reason, .. }) => problems.push(reason),
        Err(err) => return Err(err),
    }
    let mut open = match archive::open(&plain) {
        Ok(open) => open,
        Err(err @ (BackupError::Damaged { .. } | BackupError::Hostile { .. })) => {
            problems.push(err.to_string());
            return Ok((problems, None));
        }
        Err(err) => return Err(err),
    };
    problems.extend(open.check_entries(Some(workdir), false, progress, cancel)?);
    Ok((problems, Some(open.manifest)))
}

/// Integrity check of an extracted snapshot and its row counts and schema version against the
/// manifest.
pub(crate) async fn check_snapshot(database: &Path, manifest: &Manifest, cancel: &CancelToken) -> Result<Vec<String>> {
    let mut problems = snapshot::integrity_problems(database, cancel).await?;
    if !problems.is_empty() {
        return Ok(problems);
    }
    let facts = match snapshot::facts(database).await {
        Ok(facts) => facts,
        Err(err) => return Ok(vec![format!("the snapshot cannot be read: {err}")]),
    };
    if facts.schema_version != manifest.schema_version {
        problems.push(format!(
            "the snapshot has schema version {} but the manifest says {}",
            facts.schema_version, manifest.schema_version
        ));
    }
    for expected in &manifest.row_counts {
        match facts.row_counts.iter().find(|c| c.table == expected.table) {
            Some(found) if found.rows == expected.rows => {}
            Some(found) => problems.push(format!(
                "table {} has {} rows but the manifest says {}",
                expected.table, found.rows, expected.rows
            )),
            None => problems.push(format!("table {} is missing from the snapshot", expected.table)),
        }
    }
    for found in &facts.row_counts {
        if manifest.rows(&found.table).is_none() {
            problems.push(format!("table {} is not in the manifest", found.table));
        }
    }
    // An older manifest has no per-workspace counts: nothing to hold the snapshot to.
    if let Some(expected) = &manifest.workspace_counts {
        problems.extend(workspace_differences(facts.workspace_counts.as_deref(), expected));
    }
    Ok(problems)
}

/// A staging or work folder path next to `anchor`, unique for this process and time.
pub(crate) fn sibling_work_dir(anchor: &Path, label: &str) -> PathBuf {
    let parent = anchor.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    parent.join(format!(
        ".repovault-{label}-{}-{}{PARTIAL_SUFFIX}",
        std::process::id(),
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
    ))
}

/// Each count of `expected` (the manifest's) that the snapshot's `found` does not match.
fn workspace_differences(found: Option<&[WorkspaceCount]>, expected: &[WorkspaceCount]) -> Vec<String> {
    let Some(found) = found else {
        return vec!["the manifest counts rows per workspace but the snapshot's schema has no such counts".into()];
    };
    let fields = |c: &WorkspaceCount| {
        [
            ("repositories", c.repositories),
            ("commits", c.commits),
            ("file changes", c.file_changes),
            ("refs", c.refs),
            ("analysis runs", c.analysis_runs),
            ("saved queries", c.saved_queries),
        ]
    };
    let mut problems = Vec::new();
    for want in expected {
        let Some(have) = found.iter().find(|c| c.workspace == want.workspace) else {
            problems.push(format!("workspace {:?} is in the manifest but not in the snapshot", want.workspace));
            continue;
        };
        for ((label, have), (_, want_n)) in fields(have).into_iter().zip(fields(want)) {
            if have != want_n {
                problems
                    .push(format!("workspace {:?} has {have} {label} but the manifest says {want_n}", want.workspace));
            }
        }
    }
    for have in found {
        if !expected.iter().any(|c| c.workspace == have.workspace) {
            problems.push(format!("workspace {:?} is not in the manifest", have.workspace));
        }
    }
    problems
}
