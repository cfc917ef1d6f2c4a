//! Backups of real stores: create, list, verify, restore (in place and into another folder),
//! damaged and hostile archives, concurrent writers, encryption, destinations, schedules, and
//! PostgreSQL <-> SQLite in both directions.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use repovault_backup::{
    create, list, no_progress, restore, restore_into, schedule, verify, BackupError, BackupKind, BackupRequest,
    CancelToken, Destination, NewSchedule, RestoreOptions, ScheduleSpec,
};
use repovault_storage::{open_store, DatabaseLocation, StoreConfig};
use repovault_testkit::{raw_execute, sqlite_at_schema_version, sqlite_config, TestStore};

async fn backup_of(config: &StoreConfig, dest: &Path, kind: BackupKind) -> PathBuf {
    let report = create(
        config,
        &BackupRequest::new(kind, "test", vec![Destination::new(dest)]),
        no_progress(),
        CancelToken::new(),
    )
    .await
    .expect("backup");
    PathBuf::from(&report.written()[0].path)
}

fn options(ts: &TestStore) -> RestoreOptions {
    RestoreOptions { password: None, safety_destinations: vec![Destination::new(ts.dir.path().join("safety"))] }
}

/// Every file below `dir` with its size and sha256, to prove nothing changed. Call `settle` first.
/// Folds a closed store's write-ahead log into its database file. SQLite does that when the last
/// read-write connection closes, so whether the `-wal` file is still there after `close` depends
/// on which connection closed last; any later open and close (a refused restore reading the
/// schema version) would then change the bytes without changing the data.
async fn settle(dir: &Path) {
    let db = dir.join("repovault.db");
    if db.exists() {
        raw_execute(&DatabaseLocation::Sqlite(db), "PRAGMA wal_checkpoint(TRUNCATE)").await;
    }
}

fn tree(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.to_string_lossy().ends_with("-shm") {
                // SQLite's shared-memory WAL index, not data: any connection that begins a write
                // transaction (BEGIN IMMEDIATE) rewrites its header, also when nothing is written.
                continue;
            } else {
                let bytes = std::fs::read(&p).unwrap();
                out.push((
                    p.strip_prefix(dir).unwrap().display().to_string(),
                    hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes)),
                ));
            }
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn sqlite_round_trip_restores_the_old_data_after_a_safety_backup() {
    let ts = sqlite_store().await;
    add_commits(ts.store.as_ref(), "alpha", 0, 60).await;
    let before = content(ts.store.as_ref()).await;
    assert!(before.len() > 200);
    let backup = backup_of(&ts.config, &ts.backups(), BackupKind::Manual).await;
    assert!(backup.file_name().unwrap().to_string_lossy().starts_with("repovault-"));
    assert!(backup.to_string_lossy().ends_with("-manual.zip"));

    let listed = list(&[ts.backups()]).unwrap();
    assert_eq!(listed.len(), 1);
    let manifest = listed[0].manifest.clone().expect("manifest readable");
    assert_eq!(manifest.rows("commits"), Some(60));
    assert_eq!(manifest.rows("repositories"), Some(1));
    assert_eq!(manifest.kind, BackupKind::Manual);
    assert!(manifest.blobs_included);
    assert!(manifest.entries.iter().any(|e| e.name.starts_with("blobs/diffs/")), "large diffs are in the blob folder");
    assert_eq!(
        manifest.schema_version,
        repovault_storage::schema::latest_version(&repovault_storage::sqlite::MIGRATOR)
    );
    let report = verify(&backup, None, no_progress(), CancelToken::new()).await.unwrap();
    assert!(report.ok, "{:?}", report.problems);

    // Change the data: more commits, another repository, a removed one.
    add_commits(ts.store.as_ref(), "beta", 1000, 1030).await;
    add_commits(ts.store.as_ref(), "alpha", 60, 90).await;
    assert_ne!(content(ts.store.as_ref()).await, before);
    ts.store.close().await;

    let restored = restore(&backup, &ts.config, &options(&ts), no_progress(), CancelToken::new()).await.unwrap();
    assert!(restored.migrated.is_empty());
    let safety = PathBuf::from(restored.safety_backup.expect("a safety backup was taken"));
    let safety_info = repovault_backup::catalog::describe(&safety);
    assert_eq!(safety_info.kind, Some(BackupKind::Automatic));
    assert_eq!(safety_info.trigger.as_deref(), Some("before restore"));
    assert_eq!(safety_info.manifest.unwrap().rows("commits"), Some(120));

    let store = open_store(&ts.config).await.unwrap();
    assert_eq!(content(store.as_ref()).await, before);
    // New writes after a restore work (ids and full-text index intact).
    add_commits(store.as_ref(), "alpha", 60, 62).await;
    assert_eq!(commit_count(store.as_ref()).await, 62);
    let found = store
        .query_commits(&repovault_storage::query::CommitQuery {
            filter: Some(repovault_storage::query::parse_search("\"number 61\"").unwrap()),
            options: Default::default(),
        })
        .await
        .unwrap();
    assert_eq!(found.commits.len(), 1);
    store.close().await;
    // No staging folder is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(ts.data_dir())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".repovault-"))
        .collect();
    assert!(leftovers.is_empty());
}

#[tokio::test]
async fn restore_into_another_folder_leaves_the_current_data_alone() {
    let ts = sqlite_store().await;
    add_commits(ts.store.as_ref(), "alpha", 0, 30).await;
    let backup = backup_of(&ts.config, &ts.backups(), BackupKind::Manual).await;
    add_commits(ts.store.as_ref(), "alpha", 30, 40).await;
    let other = ts.dir.path().join("elsewhere");
    let report =
        restore_into(&backup, &other, &RestoreOptions::default(), no_progress(), CancelToken::new()).await.unwrap();
    assert!(report.safety_backup.is_none());
    let there = open_store(&sqlite_config(&other)).await.unwrap();
    assert_eq!(commit_count(there.as_ref()).await, 30);
    assert_eq!(commit_count(ts.store.as_ref()).await, 40);
    there.close().await;
    // A folder that already holds a database is refused.
    let err =
        restore_into(&backup, &other, &RestoreOptions::default(), no_progress(), CancelToken::new()).await.unwrap_err();
    assert_eq!(err.code(), "validation");
}

#[tokio::test]
async fn every_flipped_byte_is_detected_and_refused() {
    let ts = sqlite_store().await;
    add_commits(ts.store.as_ref(), "alpha", 1, 12).await;
    let backup = backup_of(&ts.config, &ts.backups(), BackupKind::Manual).await;
    ts.store.close().await;
    let original = std::fs::read(&backup).unwrap();
    settle(&ts.data_dir()).await;
    let data_before = tree(&ts.data_dir());
    let mut rng = fastrand::Rng::with_seed(0x5eed_b4c0);
    let trials = 120;
    let work = ts.dir.path().join("flips");
    std::fs::create_dir_all(&work).unwrap();
    for trial in 0..trials {
        let position = rng.usize(..original.len());
        let mut bytes = original.clone();
        bytes[position] ^= 1 << rng.u8(..8);
        let damaged = work.join(backup.file_name().unwrap());
        std::fs::write(&damaged, &bytes).unwrap();
        let report = verify(&damaged, None, no_progress(), CancelToken::new()).await.unwrap();
        assert!(!report.ok, "trial {trial}: a flip at byte {position} of {} went unnoticed", original.len());
        if trial % 10 == 0 {
            let err =
                restore(&damaged, &ts.config, &options(&ts), no_progress(), CancelToken::new()).await.unwrap_err();
            assert!(matches!(err, BackupError::Damaged { .. } | BackupError::Hostile { .. }), "trial {trial}: {err}");
        }
    }
    settle(&ts.data_dir()).await;
    assert_eq!(tree(&ts.data_dir()), data_before, "refused restores changed nothing");
    assert!(!ts.dir.path().join("safety").exists(), "no safety backup before a refused restore");
}

/// Writes a ZIP with the given entries (name, bytes, unix mode; 0o120777 makes a symbolic link to
/// the bytes as a path) and a manifest listing `manifest_entries`, sealed like a real backup so only the entry checks can refuse it.
fn hostile_zip(path: &Path, entries: &[(&str, Vec<u8>, u32)], manifest_entries: serde_json::Value) {
    use zip::write::SimpleFileOptions;
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    for (name, bytes, mode) in entries {
        if *mode == 0o120777 {
            zip.add_symlink(*name, std::str::from_utf8(bytes).unwrap(), SimpleFileOptions::default()).unwrap();
            continue;
        }
        zip.start_file(*name, SimpleFileOptions::default().unix_permissions(*mode)).unwrap();
        zip.write_all(bytes).unwrap();
    }
    let manifest = serde_json::json!({
        "format_version": 1, "app_version": "0.1.0", "schema_version": 20261122000004i64, "kind": "manual",
        "trigger": "test", "source_backend": "sqlite", "created_at": "2026-11-22T10:15:00.000Z", "duration_ms": 1,
        "blobs_included": true, "row_counts": [], "entries": manifest_entries,
    });
    zip.start_file("manifest.json", SimpleFileOptions::default()).unwrap();
    zip.write_all(manifest.to_string().as_bytes()).unwrap();
    zip.set_comment("0".repeat(64)).unwrap();
    zip.finish().unwrap();
    seal(path);
}

fn seal(path: &Path) {
    let mut bytes = std::fs::read(path).unwrap();
    let body = bytes.len() - 64;
    let digest = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes[..body]));
    bytes[body..].copy_from_slice(digest.as_bytes());
    std::fs::write(path, bytes).unwrap();
}

fn entry(name: &str, bytes: &[u8]) -> serde_json::Value {
    serde_json::json!({"name": name, "size": bytes.len(), "sha256": hex::encode(<sha2::Sha256 as sha2::Digest>::digest(bytes))})
}

#[tokio::test]
async fn hostile_archives_are_refused_and_nothing_escapes_staging() {
    let ts = sqlite_store().await;
    add_commits(ts.store.as_ref(), "alpha", 1, 5).await;
    ts.store.close().await;
    settle(&ts.data_dir()).await;
    let data_before = tree(&ts.data_dir());
    let sandbox = ts.dir.path().to_path_buf();
    let hostile_dir = sandbox.join("hostile");
    std::fs::create_dir_all(&hostile_dir).unwrap();
    let payload = b"owned".to_vec();
    type Case<'a> = (&'a str, Vec<(&'a str, Vec<u8>, u32)>, serde_json::Value);
    let cases: Vec<Case> = vec![
        ("parent", vec![("../evil", payload.clone(), 0o644)], serde_json::json!([entry("../evil", &payload)])),
        (
            "blob-parent",
            vec![("blobs/../../evil", payload.clone(), 0o644)],
            serde_json::json!([entry("blobs/../../evil", &payload)]),
        ),
        ("absolute", vec![("/tmp/evil", payload.clone(), 0o644)], serde_json::json!([entry("/tmp/evil", &payload)])),
        ("unexpected", vec![("evil.sh", payload.clone(), 0o755)], serde_json::json!([entry("evil.sh", &payload)])),
        (
            "symlink",
            vec![("blobs/link", b"/etc/passwd".to_vec(), 0o120777)],
            serde_json::json!([entry("blobs/link", b"/etc/passwd")]),
        ),
    ];
    for (label, entries, manifest) in cases {
        let path = hostile_dir.join(format!("repovault-20261122T101500Z-manual-{label}.zip"));
        hostile_zip(&path, &entries, manifest);
        let err = restore(&path, &ts.config, &options(&ts), no_progress(), CancelToken::new()).await.unwrap_err();
        assert_eq!(err.code(), "backup_refused", "{label}: {err}");
        let report = verify(&path, None, no_progress(), CancelToken::new()).await.unwrap();
        assert!(!report.ok, "{label}");
    }

    // A bomb: 256 MiB of zeros (about 256 KiB compressed) whose manifest and headers claim 1,000 bytes.
    let bomb = hostile_dir.join("repovault-20261122T101500Z-manual-bomb.zip");
    {
        use zip::write::SimpleFileOptions;
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&bomb).unwrap());
        zip.start_file("database.sqlite", SimpleFileOptions::default().compression_level(Some(1))).unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..256 {
            zip.write_all(&zeros).unwrap();
        }
        let claimed = vec![0u8; 1000];
        let manifest = serde_json::json!({
            "format_version": 1, "app_version": "0.1.0", "schema_version": 20261122000004i64, "kind": "manual",
            "trigger": "test", "source_backend": "sqlite", "created_at": "2026-11-22T10:15:00.000Z", "duration_ms": 1,
            "blobs_included": true, "row_counts": [], "entries": [entry("database.sqlite", &claimed)],
        });
        zip.start_file("manifest.json", SimpleFileOptions::default()).unwrap();
        zip.write_all(manifest.to_string().as_bytes()).unwrap();
        zip.set_comment("0".repeat(64)).unwrap();
        zip.finish().unwrap();
    }
    // Make the ZIP headers lie too (local and central uncompressed size = 1,000), then seal.
    let mut bytes = std::fs::read(&bomb).unwrap();
    let real = (256u32 << 20).to_le_bytes();
    let mut patched = 0;
    for i in 0..bytes.len() - 4 {
        if bytes[i..i + 4] == real {
            bytes[i..i + 4].copy_from_slice(&1000u32.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "local and central headers");
    std::fs::write(&bomb, bytes).unwrap();
    seal(&bomb);
    let started = Instant::now();
    let err = restore(&bomb, &ts.config, &options(&ts), no_progress(), CancelToken::new()).await.unwrap_err();
    assert!(matches!(err, BackupError::Hostile { .. } | BackupError::Damaged { .. }), "{err}");
    assert!(err.to_string().contains("database.sqlite"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(20));
    // The unpatched form (headers honest, manifest small) is refused before inflating anything.

    // Nothing was written outside staging, and the current data is untouched.
    let mut stack = vec![sandbox.parent().unwrap().to_path_buf()];
    let mut seen = 0;
    while let Some(d) = stack.pop() {
        if seen > 10_000 {
            break;
        }
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            seen += 1;
            let name = e.file_name().to_string_lossy().to_string();
            assert!(name != "evil" && name != "evil.sh", "{} escaped", e.path().display());
            if e.path().is_dir() && e.path().starts_with(&sandbox) {
                stack.push(e.path());
            }
        }
    }
    settle(&ts.data_dir()).await;
    assert_eq!(tree(&ts.data_dir()), data_before);
    let staging: Vec<_> = std::fs::read_dir(ts.data_dir())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".repovault-"))
        .collect();
    assert!(staging.is_empty(), "staging folders are removed");
}

#[tokio::test]
async fn a_backup_of_a_newer_schema_is_refused() {
    let ts = sqlite_store().await;
    add_commits(ts.store.as_ref(), "alpha", 1, 4).await;
    ts.store.close().await;
    let other = sqlite_store().await;
    other.store.close().await;
    raw_execute(
        &other.config.database,
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) \
         VALUES (29991231000000, 'future', CURRENT_TIMESTAMP, 1, x'00', 0)",
    )
    .await;
    let backup = backup_of(&other.config, &other.backups(), BackupKind::Manual).await;
    settle(&ts.data_dir()).await;
    let before = tree(&ts.data_dir());
    let err = restore(&backup, &ts.config, &options(&ts), no_progress(), CancelToken::new()).await.unwrap_err();
    assert_eq!(err.code(), "schema_too_new", "{err}");
    settle(&ts.data_dir()).await;
    assert_eq!(tree(&ts.data_dir()), before);
}

#[tokio::test]
async fn an_older_schema_is_migrated_forward_on_restore() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old");
    // A store at schema version 4 (before the backup schedules), made with the storage migrations.
    let config = sqlite_at_schema_version(&old, 20261122000004).await;
    raw_execute(&config.database, "INSERT INTO repositories (workspace_id, name, created_at) VALUES (1, 'legacy', 0)")
        .await;
    let backup = backup_of(&config, &dir.path().join("backups"), BackupKind::Automatic).await;
    assert_eq!(repovault_backup::catalog::describe(&backup).manifest.unwrap().schema_version, 20261122000004);
    let target = dir.path().join("new");
    let report =
        restore_into(&backup, &target, &RestoreOptions::default(), no_progress(), CancelToken::new()).await.unwrap();
    assert!(report.migrated.contains(&20261122000006), "{:?}", report.migrated);
    let store = open_store(&sqlite_config(&target)).await.unwrap();
    assert_eq!(store.repositories().await.unwrap()[0].name, "legacy");
    store.close().await;
}

#[tokio::test]
async fn backups_taken_while_a_writer_inserts_all_restore_with_growing_counts() {
    let ts = sqlite_store().await;
    add_commits(ts.store.as_ref(), "alpha", 0, 50).await;
    let store = ts.store.clone();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop2 = stop.clone();
    let writer = tokio::spawn(async move {
        let mut n = 50;
        let repo = store.ensure_repository("default", "alpha", None).await.unwrap();
        while !stop2.load(std::sync::atomic::Ordering::SeqCst) {
            let batch: Vec<_> = (n..n + 10).map(commit_item).collect();
            store.store_commits(repo.id, &batch).await.unwrap();
            n += 10;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        n
    });
    let mut backups = Vec::new();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(8) {
        backups.push(backup_of(&ts.config, &ts.backups(), BackupKind::Scheduled).await);
        tokio::time::sleep(Duration::from_millis(1000)).await;
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let written = writer.await.unwrap();
    assert!(backups.len() >= 4, "{} backups", backups.len());
    let mut last = 0;
    for (i, backup) in backups.iter().enumerate() {
        let report = verify(backup, None, no_progress(), CancelToken::new()).await.unwrap();
        assert!(report.ok, "{}: {:?}", backup.display(), report.problems);
        let commits = report.manifest.unwrap().rows("commits").unwrap();
        assert!(commits >= last, "backup {i} has {commits} commits, the one before {last}");
        last = commits;
        let into = ts.dir.path().join(format!("restored-{i}"));
        let restored =
            restore_into(backup, &into, &RestoreOptions::default(), no_progress(), CancelToken::new()).await.unwrap();
        let store = open_store(&sqlite_config(&into)).await.unwrap();
        assert_eq!(commit_count(store.as_ref()).await, commits);
        assert_eq!(restored.row_counts.iter().find(|c| c.table == "commits").unwrap().rows, commits);
        store.close().await;
    }
    assert!(last > 50 && last <= written as i64, "{last} of {written}");
}

#[tokio::test]
async fn cancelling_a_backup_leaves_nothing() {
    let ts = sqlite_store().await;
    add_commits(ts.store.as_ref(), "alpha", 0, 100).await;
    let cancel = CancelToken::new();
    let trip = cancel.clone();
    let progress: repovault_backup::ProgressFn = Arc::new(move |p: repovault_backup::BackupProgress| {
        if p.phase == repovault_backup::BackupPhase::Archive && p.done > 0 {
            trip.cancel();
        }
    });
    let err = create(&ts.config, &BackupRequest::new(BackupKind::Manual, "test", ts.destination()), progress, cancel)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "cancelled");
    let left: Vec<_> = std::fs::read_dir(ts.backups()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(left.is_empty(), "{left:?}");
}

#[tokio::test]
async fn a_failing_destination_is_reported_and_emergency_backups_go_everywhere() {
    let ts = sqlite_store().await;
    add_commits(ts.store.as_ref(), "alpha", 0, 10).await;
    let blocked = ts.dir.path().join("not-a-folder");
    std::fs::write(&blocked, b"a file where a folder should be").unwrap();
    let good = ts.dir.path().join("good");
    let disabled = ts.dir.path().join("archive");
    let destinations = vec![
        Destination::new(&blocked),
        Destination::new(&good),
        Destination { path: disabled.display().to_string(), enabled: false },
    ];
    let report = create(
        &ts.config,
        &BackupRequest::new(BackupKind::Manual, "test", destinations.clone()),
        no_progress(),
        CancelToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(report.results.len(), 2);
    assert!(report.results[0].error.is_some() && report.results[0].backup.is_none());
    assert!(report.results[1].backup.is_some());
    assert!(!disabled.exists(), "a disabled destination gets nothing");

    let report = create(
        &ts.config,
        &BackupRequest::new(BackupKind::Emergency, "emergency", destinations),
        no_progress(),
        CancelToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(report.written().len(), 2);
    assert_eq!(
        list(std::slice::from_ref(&disabled)).unwrap().len(),
        1,
        "emergency backups reach disabled destinations too"
    );
    let copy = &list(&[disabled]).unwrap()[0];
    assert!(verify(Path::new(&copy.path), None, no_progress(), CancelToken::new()).await.unwrap().ok);
    // Two backups in the same second get distinct names.
    assert_eq!(list(&[good]).unwrap().len(), 2);
}

#[tokio::test]
async fn encrypted_backups_need_the_right_password() {
    let ts = sqlite_store().await;
    add_commits(ts.store.as_ref(), "alpha", 0, 10).await;
    let mut request = BackupRequest::new(BackupKind::Manual, "test", ts.destination());
    request.password = Some("correct horse".into());
    let report = create(&ts.config, &request, no_progress(), CancelToken::new()).await.unwrap();
    let path = PathBuf::from(&report.written()[0].path);
    assert!(path.to_string_lossy().ends_with(".zip.age"));
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1"));
    let listed = list(&[ts.backups()]).unwrap();
    assert!(listed[0].encrypted && listed[0].manifest.is_none() && listed[0].damaged.is_none());

    let err = verify(&path, Some("wrong"), no_progress(), CancelToken::new()).await.unwrap_err();
    assert_eq!(err.code(), "wrong_password");
    let err = verify(&path, None, no_progress(), CancelToken::new()).await.unwrap_err();
    assert_eq!(err.code(), "password_required");
    assert!(verify(&path, Some("correct horse"), no_progress(), CancelToken::new()).await.unwrap().ok);

    add_commits(ts.store.as_ref(), "alpha", 10, 20).await;
    ts.store.close().await;
    let mut opts = options(&ts);
    opts.password = Some("wrong".into());
    let err = restore(&path, &ts.config, &opts, no_progress(), CancelToken::new()).await.unwrap_err();
    assert_eq!(err.code(), "wrong_password");
    opts.password = Some("correct horse".into());
    restore(&path, &ts.config, &opts, no_progress(), CancelToken::new()).await.unwrap();
    let store = open_store(&ts.config).await.unwrap();
    assert_eq!(commit_count(store.as_ref()).await, 10);
    store.close().await;
}

#[tokio::test]
async fn damaged_archives_are_listed_as_damaged() {
    let ts = sqlite_store().await;
    add_commits(ts.store.as_ref(), "alpha", 0, 5).await;
    backup_of(&ts.config, &ts.backups(), BackupKind::Manual).await;
    std::fs::write(ts.backups().join("repovault-20200101T000000Z-manual.zip"), b"not a zip").unwrap();
    std::fs::write(ts.backups().join("repovault-20200101T000001Z-manual.zip.partial"), b"half").unwrap();
    let listed = list(&[ts.backups(), ts.dir.path().join("missing")]).unwrap();
    assert_eq!(listed.len(), 2, "partials are never listed");
    assert!(listed[0].damaged.is_none());
    assert!(listed[1].damaged.is_some());
    let removed = repovault_backup::cleanup_partials(&ts.backups()).unwrap();
    assert_eq!(removed.len(), 1);
    repovault_backup::delete(Path::new(&listed[1].path)).unwrap();
    assert_eq!(list(&[ts.backups()]).unwrap().len(), 1);
}

#[tokio::test]
async fn schedules_run_when_due_catch_up_once_and_survive_a_restore() {
    let ts = sqlite_store().await;
    add_commits(ts.store.as_ref(), "alpha", 0, 5).await;
    let now = chrono::Utc::now();
    let spec = ScheduleSpec::Interval { seconds: 3600 };
    let added = schedule::add_at(
        ts.store.as_ref(),
        &NewSchedule {
            name: "hourly".into(),
            spec: spec.clone(),
            destinations: ts.destination(),
            retention: Some(repovault_backup::RetentionPolicy { keep_last: Some(2), ..Default::default() }),
            enabled: true,
        },
        now,
    )
    .await
    .unwrap();
    let first = chrono::DateTime::parse_from_rfc3339(added.next_run_at.as_deref().unwrap()).unwrap().timestamp();
    assert_eq!(first, now.timestamp() + 3600);
    assert!(
        schedule::run_due(ts.store.as_ref(), &ts.config, now, CancelToken::new()).await.unwrap().is_empty(),
        "not due yet"
    );
    // Five hours later (four runs missed): one run, then the next is an hour after "now".
    let later = now + chrono::Duration::hours(5);
    let runs = schedule::run_due(ts.store.as_ref(), &ts.config, later, CancelToken::new()).await.unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].result, "ok", "{:?}", runs[0].error);
    assert!(
        schedule::run_due(ts.store.as_ref(), &ts.config, later, CancelToken::new()).await.unwrap().is_empty(),
        "caught up once"
    );
    let stored = &schedule::list(ts.store.as_ref()).await.unwrap()[0];
    assert_eq!(stored.last_result.as_deref(), Some("ok"));
    let expected_next = (later + chrono::Duration::hours(1)).timestamp();
    let next = chrono::DateTime::parse_from_rfc3339(stored.next_run_at.as_deref().unwrap()).unwrap().timestamp();
    assert_eq!(next, expected_next);
    for hour in 6..9 {
        schedule::run_due(
            ts.store.as_ref(),
            &ts.config,
            now + chrono::Duration::hours(hour) + chrono::Duration::seconds(1),
            CancelToken::new(),
        )
        .await
        .unwrap();
    }
    let kept = list(&[ts.backups()]).unwrap();
    assert_eq!(kept.len(), 2, "retention keep_last 2 ran after each backup");
    assert!(kept.iter().all(|b| b.kind == Some(BackupKind::Scheduled)));

    // Restoring a backup keeps this installation's schedules.
    schedule::remove(ts.store.as_ref(), "hourly").await.unwrap();
    ts.store.close().await;
    restore(Path::new(&kept[0].path), &ts.config, &options(&ts), no_progress(), CancelToken::new()).await.unwrap();
    let reopened = repovault_storage::open_store(&ts.config).await.unwrap();
    assert!(schedule::list(reopened.as_ref()).await.unwrap().is_empty());
    reopened.close().await;
}

#[tokio::test]
async fn postgres_and_sqlite_backups_restore_into_each_other() {
    // PostgreSQL -> SQLite.
    let pg = postgres_store().await;
    add_commits(pg.store.as_ref(), "alpha", 0, 40).await;
    add_commits(pg.store.as_ref(), "beta", 500, 520).await;
    let pg_content = content(pg.store.as_ref()).await;
    let backup = backup_of(&pg.config, &pg.backups(), BackupKind::Manual).await;
    let manifest = repovault_backup::catalog::describe(&backup).manifest.unwrap();
    assert_eq!(manifest.source_backend, repovault_backup::SourceBackend::Postgres);
    assert_eq!(manifest.rows("commits"), Some(60));
    assert!(verify(&backup, None, no_progress(), CancelToken::new()).await.unwrap().ok);
    let into = pg.dir.path().join("as-sqlite");
    restore_into(&backup, &into, &RestoreOptions::default(), no_progress(), CancelToken::new()).await.unwrap();
    let sqlite = open_store(&sqlite_config(&into)).await.unwrap();
    assert_eq!(content(sqlite.as_ref()).await, pg_content);
    // Full-text search was rebuilt from the copied rows.
    let hits = sqlite
        .query_commits(&repovault_storage::query::CommitQuery {
            filter: Some(repovault_storage::query::parse_search("\"number 7\"").unwrap()),
            options: Default::default(),
        })
        .await
        .unwrap();
    assert_eq!(hits.commits.len(), 1);
    sqlite.close().await;

    // SQLite -> PostgreSQL (over a PostgreSQL store that has other data).
    let lite = sqlite_store().await;
    add_commits(lite.store.as_ref(), "gamma", 100, 145).await;
    let lite_content = content(lite.store.as_ref()).await;
    let backup = backup_of(&lite.config, &lite.backups(), BackupKind::Manual).await;
    pg.store.close().await;
    let report = restore(&backup, &pg.config, &options(&pg), no_progress(), CancelToken::new()).await.unwrap();
    assert!(report.safety_backup.is_some());
    // The report counts what is now in PostgreSQL (it said nothing for a PostgreSQL target).
    let rows = |table: &str| report.row_counts.iter().find(|c| c.table == table).map(|c| c.rows);
    assert_eq!(rows("commits"), Some(45));
    assert_eq!(rows("repositories"), report.manifest.rows("repositories"));
    let pg_again = open_store(&pg.config).await.unwrap();
    assert_eq!(content(pg_again.as_ref()).await, lite_content);
    // Sequences continue after the copied ids: new commits can be stored.
    add_commits(pg_again.as_ref(), "gamma", 145, 150).await;
    assert_eq!(commit_count(pg_again.as_ref()).await, 50);
    let hits = pg_again
        .query_commits(&repovault_storage::query::CommitQuery {
            filter: Some(repovault_storage::query::parse_search("\"number 120\"").unwrap()),
            options: Default::default(),
        })
        .await
        .unwrap();
    assert_eq!(hits.commits.len(), 1, "the search column was refreshed");
    pg_again.close().await;

    // The safety backup of the PostgreSQL data restores the PostgreSQL content.
    let safety = PathBuf::from(report.safety_backup.unwrap());
    let back = pg.dir.path().join("pg-safety");
    restore_into(&safety, &back, &RestoreOptions::default(), no_progress(), CancelToken::new()).await.unwrap();
    let restored = open_store(&sqlite_config(&back)).await.unwrap();
    assert_eq!(content(restored.as_ref()).await, pg_content);
    restored.close().await;
}

/// Three workspaces with different amounts of data: `default` (alpha 40 commits, beta 15; two
/// refs; one saved query; one analysis run), `team` (gamma 25 commits; one ref; one saved query)
/// and `empty`. Every commit has three file changes.
async fn two_workspaces(ts: &TestStore) {
    use repovault_storage::{GitRef, NewAnalysisRun, RefKind};
    let s = ts.store.as_ref();
    add_commits(s, "alpha", 0, 40).await;
    add_commits(s, "beta", 100, 115).await;
    s.create_workspace("team").await.unwrap();
    s.create_workspace("empty").await.unwrap();
    let gamma = s.ensure_repository("team", "gamma", None).await.unwrap();
    let batch: Vec<_> = (200..225).map(commit_item).collect();
    s.store_commits(gamma.id, &batch).await.unwrap();
    let alpha = s.repository_by_name("alpha").await.unwrap();
    let branch =
        |name: &str, n: u64| GitRef { name: name.into(), kind: RefKind::Branch, target: repovault_testkit::hash_of(n) };
    s.finish_sync(alpha.id, &[branch("refs/heads/main", 39), branch("refs/heads/old", 10)], false).await.unwrap();
    s.finish_sync(gamma.id, &[branch("refs/heads/main", 224)], false).await.unwrap();
    let filter = repovault_storage::query::Filter::condition("author", "eq", "Alice");
    s.save_query("mine", &filter).await.unwrap();
    s.save_query("theirs", &filter).await.unwrap();
    ts.raw_execute(
        "UPDATE saved_queries SET workspace_id = (SELECT id FROM workspaces WHERE name = 'team') WHERE name = 'theirs'",
    )
    .await;
    s.insert_analysis_run(&NewAnalysisRun {
        repository_id: alpha.id,
        kind: "authors".into(),
        parameters: "{}".into(),
        revision: "{}".into(),
        run_key: "k".into(),
        created_at: 1_700_000_000,
    })
    .await
    .unwrap();
}

/// What `two_workspaces` stored, as (workspace, repositories, commits, file changes, refs,
/// analysis runs, saved queries), by name.
const TWO_WORKSPACES: [(&str, i64, i64, i64, i64, i64, i64); 3] =
    [("default", 2, 55, 165, 2, 1, 1), ("empty", 0, 0, 0, 0, 0, 0), ("team", 1, 25, 75, 1, 0, 1)];

fn workspace_rows(manifest: &repovault_backup::Manifest) -> Vec<(&str, i64, i64, i64, i64, i64, i64)> {
    let counts = manifest.workspace_counts.as_ref().expect("a new backup counts its rows per workspace");
    counts
        .iter()
        .map(|c| {
            (c.workspace.as_str(), c.repositories, c.commits, c.file_changes, c.refs, c.analysis_runs, c.saved_queries)
        })
        .collect()
}

async fn check_workspace_counts(ts: TestStore) {
    two_workspaces(&ts).await;
    let backup = backup_of(&ts.config, &ts.backups(), BackupKind::Manual).await;
    let manifest = repovault_backup::catalog::describe(&backup).manifest.unwrap();
    assert_eq!(workspace_rows(&manifest), TWO_WORKSPACES);
    // The whole-store counts agree with the sum over the workspaces.
    assert_eq!(manifest.rows("commits"), Some(80));
    assert_eq!(manifest.rows("file_changes"), Some(240));
    assert_eq!(manifest.workspace("team").unwrap().unwrap().commits, 25);
    assert_eq!(manifest.workspace("nowhere"), Some(None), "known: the backup has no such workspace");
    // The live store counts alike.
    let live = ts.store.workspace_counts().await.unwrap();
    assert_eq!(Some(&live), manifest.workspace_counts.as_ref());
    // Verify recomputes them from the snapshot.
    let report = verify(&backup, None, no_progress(), CancelToken::new()).await.unwrap();
    assert!(report.ok, "{:?}", report.problems);
}

#[tokio::test]
async fn manifests_count_rows_per_workspace_on_sqlite() {
    check_workspace_counts(sqlite_store().await).await;
}

#[tokio::test]
async fn manifests_count_rows_per_workspace_on_postgres() {
    let pg = postgres_store().await;
    check_workspace_counts(pg).await;
}

/// Rewrites a real backup's manifest (every other entry copied as it is) and seals it again.
fn rewrite_manifest(path: &Path, change: impl FnOnce(&mut serde_json::Value)) {
    use zip::write::SimpleFileOptions;
    let bytes = std::fs::read(path).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut manifest: serde_json::Value = {
        let file = archive.by_name("manifest.json").unwrap();
        serde_json::from_reader(file).unwrap()
    };
    change(&mut manifest);
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for i in 0..archive.len() {
        let file = archive.by_index_raw(i).unwrap();
        if file.name().unwrap() != "manifest.json" {
            zip.raw_copy_file(file).unwrap();
        }
    }
    zip.start_file("manifest.json", SimpleFileOptions::default()).unwrap();
    zip.write_all(manifest.to_string().as_bytes()).unwrap();
    zip.set_comment("0".repeat(64)).unwrap();
    zip.finish().unwrap();
    seal(path);
}

#[tokio::test]
async fn a_manifest_without_workspace_counts_reads_as_unknown_and_still_verifies_and_restores() {
    let ts = sqlite_store().await;
    two_workspaces(&ts).await;
    let backup = backup_of(&ts.config, &ts.backups(), BackupKind::Manual).await;
    // A backup written before manifests counted per workspace.
    rewrite_manifest(&backup, |m| {
        m.as_object_mut().unwrap().remove("workspace_counts").unwrap();
    });
    let manifest = repovault_backup::catalog::describe(&backup).manifest.expect("an older manifest still reads");
    assert_eq!(manifest.workspace_counts, None, "unknown, not zeros");
    assert_eq!(manifest.workspace("team"), None);
    assert_eq!(manifest.rows("commits"), Some(80));
    let report = verify(&backup, None, no_progress(), CancelToken::new()).await.unwrap();
    assert!(report.ok, "{:?}", report.problems);
    let into = ts.dir.path().join("restored");
    restore_into(&backup, &into, &RestoreOptions::default(), no_progress(), CancelToken::new()).await.unwrap();
    let restored = open_store(&sqlite_config(&into)).await.unwrap();
    assert_eq!(restored.workspace_counts().await.unwrap(), ts.store.workspace_counts().await.unwrap());
    restored.close().await;
}

#[tokio::test]
async fn verify_reports_workspace_counts_that_disagree_with_the_snapshot() {
    let ts = sqlite_store().await;
    two_workspaces(&ts).await;
    let backup = backup_of(&ts.config, &ts.backups(), BackupKind::Manual).await;
    rewrite_manifest(&backup, |m| {
        let team = m["workspace_counts"].as_array_mut().unwrap().iter_mut().find(|c| c["workspace"] == "team").unwrap();
        team["commits"] = serde_json::json!(26);
    });
    let report = verify(&backup, None, no_progress(), CancelToken::new()).await.unwrap();
    assert!(!report.ok);
    assert_eq!(report.problems, vec![r#"workspace "team" has 25 commits but the manifest says 26"#.to_string()]);
}
