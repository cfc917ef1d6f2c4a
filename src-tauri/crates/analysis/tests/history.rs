//! History analyses checked against git itself on a generated repository (authors with aliases
//! joined by a .mailmap, merges, renames, binaries), on SQLite and on PostgreSQL.

mod common;

use std::collections::BTreeMap;

use common::*;
use repovault_analysis::{AnalysisParams, CancelToken, Progress, SizeSource};
use repovault_testkit::{commit_files, git, git_numstat, init_repo, make_repo, Engine};

fn all() -> AnalysisParams {
    AnalysisParams { limit: Some(0), ..AnalysisParams::default() }
}

async fn history_equals_git(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    make_repo(&repo, 1200);
    let t = fresh_store(engine).await;
    t.import(&repo, "demo").await;

    // Authors: `git shortlog -sne` over the refs the import read, mailmap applied.
    let authors = t.analyzer.authors("demo", &all()).await.unwrap();
    let ours: BTreeMap<(String, String), i64> =
        authors.authors.iter().map(|a| ((a.name.clone(), a.email.clone()), a.commits)).collect();
    let expected = shortlog(&repo, &["--branches", "--tags"]);
    assert_eq!(ours, expected);
    assert!(ours.keys().any(|(_, e)| e == "alice@example.com"), "the mailmap joined Alice's aliases");
    assert!(!ours.keys().any(|(_, e)| e == "alice.kim@work.example"));
    let total: i64 = expected.values().sum();
    assert_eq!(authors.total_commits, total);

    // Limited to one branch, and to a date range (the fixture's author and commit times agree).
    let main = AnalysisParams { refs: vec!["main".into()], ..all() };
    let on_main: BTreeMap<_, _> = t
        .analyzer
        .authors("demo", &main)
        .await
        .unwrap()
        .authors
        .into_iter()
        .map(|a| ((a.name, a.email), a.commits))
        .collect();
    assert_eq!(on_main, shortlog(&repo, &["main"]));
    let since: i64 = git(&repo, &["log", "-1", "--skip=300", "--format=%at", "main"]).trim().parse().unwrap();
    let recent = AnalysisParams { since: Some(since), ..all() };
    let ours: BTreeMap<_, _> = t
        .analyzer
        .authors("demo", &recent)
        .await
        .unwrap()
        .authors
        .into_iter()
        .map(|a| ((a.name, a.email), a.commits))
        .collect();
    assert_eq!(ours, shortlog(&repo, &["--branches", "--tags", &format!("--since=@{since}")]));

    // Churn per file: the sums of `git log --numstat`.
    let churn = t.analyzer.churn("demo", &all()).await.unwrap();
    let ours: BTreeMap<String, (i64, i64, i64)> =
        churn.files.iter().map(|f| (f.path.clone(), (f.commits, f.additions, f.deletions))).collect();
    let expected = numstat_sums(git_numstat(&repo));
    let differing: Vec<_> = expected.iter().filter(|(p, v)| ours.get(*p) != Some(v)).take(5).collect();
    assert!(
        differing.is_empty() && ours.len() == expected.len(),
        "{} vs {}: {differing:?}",
        ours.len(),
        expected.len()
    );
    let root = churn.folders.iter().find(|f| f.path.is_empty()).unwrap();
    assert_eq!(root.churn, expected.values().map(|v| v.1 + v.2).sum::<i64>());
    assert_eq!(root.files, expected.len() as i64);

    // Activity: commits per author-local day, as git formats author dates in their own zone.
    let activity = t.analyzer.activity("demo", &all()).await.unwrap();
    let mut per_day: BTreeMap<String, i64> = BTreeMap::new();
    for day in git(&repo, &["log", "--branches", "--tags", "--format=%ad", "--date=format:%Y-%m-%d"]).lines() {
        *per_day.entry(day.to_string()).or_default() += 1;
    }
    let ours: BTreeMap<String, i64> = activity.days.iter().map(|d| (d.period.clone(), d.commits)).collect();
    assert_eq!(ours, per_day);
    assert_eq!(activity.heatmap.iter().flatten().sum::<i64>(), total);
    assert_eq!(activity.weeks.iter().map(|w| w.commits).sum::<i64>(), total);

    // Hotspots: sizes are the files' lines at HEAD.
    let hotspots = t.analyzer.hotspots("demo", &all(), &Progress::none(), &CancelToken::default()).await.unwrap();
    assert_eq!(hotspots.size_source, SizeSource::Revision);
    let top = &hotspots.hotspots[0];
    let lines = git(&repo, &["show", &format!("HEAD:{}", top.path)]).lines().count() as i64;
    assert_eq!(top.lines, lines);
    assert_eq!(top.commits, expected[&top.path].0);
    assert_eq!(top.score, top.commits * top.lines);

    // Coupling and ownership answer on both backends alike (their numbers are checked on a small
    // repository below and in unit tests).
    let coupling = t.analyzer.coupling("demo", &AnalysisParams::default()).await.unwrap();
    assert!(coupling.commits_considered > 0);
    let ownership = t.analyzer.ownership("demo", &all()).await.unwrap();
    assert_eq!(ownership.folders[0].path, "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_history_equals_git() {
    history_equals_git(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_history_equals_git() {
    history_equals_git(Engine::Postgres).await;
}

/// A small history with known answers: time zones, coupling, ownership, aliases, hotspots without
/// the folder.
async fn small_history(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let repo = init_repo(dir.path(), "small");
    let ann = ("Ann", "ann@example.com");
    let ann2 = ("Ann", "ann@home.example");
    let bob = ("Bob", "bob@example.com");
    // Monday 2024-01-01 09:30 in Seoul and in New York: both 9 am Monday where the author was.
    commit_files(&repo, &[("src/a.rs", "1\n2\n3\n"), ("src/b.rs", "1\n")], ann, "2024-01-01T09:30:00+09:00", "one");
    commit_files(&repo, &[("src/a.rs", "1\n2\n"), ("src/b.rs", "2\n")], ann2, "2024-01-01T09:30:00-05:00", "two");
    commit_files(&repo, &[("src/a.rs", "x\n"), ("src/b.rs", "3\n")], bob, "2024-01-07T23:10:00+01:00", "three");
    commit_files(&repo, &[("docs/r.md", "a\nb\nc\nd\n")], bob, "2024-01-08T10:00:00+00:00", "four");
    let t = fresh_store(engine).await;
    t.import(&repo, "small").await;

    let activity = t.analyzer.activity("small", &AnalysisParams::default()).await.unwrap();
    assert_eq!(activity.heatmap[0][9], 2, "{:?}", activity.heatmap);
    assert_eq!(activity.heatmap[6][23], 1, "Sunday 23:10 in the author's zone, Monday in UTC");
    assert_eq!(activity.heatmap[0][10], 1);
    let days: Vec<_> = activity.days.iter().map(|d| (d.period.as_str(), d.commits)).collect();
    assert_eq!(days, vec![("2024-01-01", 2), ("2024-01-07", 1), ("2024-01-08", 1)]);

    let authors = t.analyzer.authors("small", &AnalysisParams::default()).await.unwrap();
    assert_eq!(authors.likely_aliases.len(), 1);
    assert_eq!(authors.likely_aliases[0].reason, "same_name");
    let mut params = AnalysisParams::default();
    params
        .aliases
        .insert("ann@home.example".into(), repovault_storage::Identity { name: ann.0.into(), email: ann.1.into() });
    let merged = t.analyzer.authors("small", &params).await.unwrap();
    let ann_stats = merged.authors.iter().find(|a| a.email == ann.1).unwrap();
    assert_eq!((ann_stats.commits, ann_stats.active_days, ann_stats.identities.len()), (2, 1, 2));
    assert!(merged.likely_aliases.is_empty());

    let coupling = t
        .analyzer
        .coupling("small", &AnalysisParams { min_shared: Some(2), ..AnalysisParams::default() })
        .await
        .unwrap();
    assert_eq!(coupling.pairs.len(), 1);
    let pair = &coupling.pairs[0];
    assert_eq!((pair.a.as_str(), pair.b.as_str(), pair.shared, pair.degree), ("src/a.rs", "src/b.rs", 3, 1.0));
    let skipping = t
        .analyzer
        .coupling("small", &AnalysisParams { max_files_per_commit: Some(1), min_shared: Some(1), ..Default::default() })
        .await
        .unwrap();
    assert_eq!((skipping.commits_skipped, skipping.pairs.len()), (3, 0));

    // Lines changed in src/: Ann 4 + 3 (as ann@home, merged by the alias), Bob 5.
    let ownership = t.analyzer.ownership("small", &params).await.unwrap();
    let src = ownership.folders.iter().find(|f| f.path == "src").unwrap();
    assert_eq!(src.owners[0].name, "Ann");
    assert_eq!(src.bus_factor, 1);
    let docs = ownership.folders.iter().find(|f| f.path == "docs").unwrap();
    assert_eq!((docs.bus_factor, docs.owners[0].name.as_str(), docs.lines), (1, "Bob", 4));

    // Without the folder, hotspot sizes fall back to the history's net lines, and say so.
    std::fs::rename(&repo, dir.path().join("moved")).unwrap();
    let hotspots = t
        .analyzer
        .hotspots("small", &AnalysisParams::default(), &Progress::none(), &CancelToken::default())
        .await
        .unwrap();
    assert_eq!(hotspots.size_source, SizeSource::History);
    assert!(hotspots.size_note.is_some());
    let docs = hotspots.hotspots.iter().find(|h| h.path == "docs/r.md").unwrap();
    assert_eq!((docs.lines, docs.commits), (4, 1));
    let a = hotspots.hotspots.iter().find(|h| h.path == "src/a.rs").unwrap();
    assert_eq!((a.lines, a.commits), (1, 3));

    // Unknown refs and bad ranges are validation errors.
    let err = t.analyzer.authors("small", &AnalysisParams { refs: vec!["nope".into()], ..Default::default() }).await;
    assert_eq!(err.unwrap_err().code(), "validation");
    let err =
        t.analyzer.authors("small", &AnalysisParams { since: Some(5), until: Some(5), ..Default::default() }).await;
    assert_eq!(err.unwrap_err().code(), "validation");
    assert_eq!(t.analyzer.authors("missing", &AnalysisParams::default()).await.unwrap_err().code(), "not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_small_history() {
    small_history(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_small_history() {
    small_history(Engine::Postgres).await;
}
