//! Stored runs on both backends: status and result stored, reuse while history and parameters are
//! unchanged, a new run after a sync, cancellation and failure recorded.

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use repovault_analysis::{
    AnalysisKind, AnalysisParams, AnalysisRequest, AnalysisResult, CancelToken, Progress, RunStatus,
};
use repovault_testkit::{commit_files, git, init_repo, Engine};

async fn runs_are_stored_and_reused(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let repo = init_repo(dir.path(), "demo");
    let who = ("Ann", "ann@example.com");
    commit_files(&repo, &[("src/main.rs", "fn main() {}\n")], who, "2024-01-01T10:00:00+00:00", "one");
    commit_files(&repo, &[("src/lib.rs", "pub fn f() {}\n")], who, "2024-01-02T10:00:00+00:00", "two");
    let t = fresh_store(engine).await;
    t.import(&repo, "demo").await;

    let request = AnalysisRequest {
        repository: "demo".into(),
        kind: AnalysisKind::Authors,
        params: AnalysisParams::default(),
        force: false,
    };
    let seen = Arc::new(Mutex::new(Vec::new()));
    let progress = {
        let seen = seen.clone();
        Progress::new(move |p| seen.lock().unwrap().push(p))
    };
    let first = t.analyzer.run(&request, &progress, &CancelToken::default()).await.unwrap();
    assert_eq!(first.status, RunStatus::Done);
    assert!(!first.reused);
    assert!(first.started_at.is_some() && first.finished_at.is_some() && first.duration_ms.is_some());
    assert_eq!(first.result_version, Some(repovault_analysis::RESULT_VERSION));
    assert_eq!(first.revision.commit_count, 2);
    assert_eq!(first.revision.refs.len(), 1);
    let Some(AnalysisResult::Authors(report)) = &first.result else { panic!("an authors result: {first:?}") };
    assert_eq!(report.total_commits, 2);
    assert!(!seen.lock().unwrap().is_empty(), "progress was reported");

    // Same question, same history: the stored result.
    let again = t.analyzer.run(&request, &Progress::none(), &CancelToken::default()).await.unwrap();
    assert!(again.reused);
    assert_eq!(again.id, first.id);
    assert_eq!(again.result, first.result);

    // Other parameters: a new run.
    let other = AnalysisRequest { params: AnalysisParams { limit: Some(5), ..Default::default() }, ..request.clone() };
    let third = t.analyzer.run(&other, &Progress::none(), &CancelToken::default()).await.unwrap();
    assert!(!third.reused);
    assert_ne!(third.id, first.id);

    // New history after a sync: a new run with the new count.
    commit_files(&repo, &[("README.md", "hi\n")], who, "2024-01-03T10:00:00+00:00", "three");
    t.import(&repo, "demo").await;
    let fourth = t.analyzer.run(&request, &Progress::none(), &CancelToken::default()).await.unwrap();
    assert!(!fourth.reused);
    assert_eq!(fourth.revision.commit_count, 3);
    let Some(AnalysisResult::Authors(report)) = &fourth.result else { panic!() };
    assert_eq!(report.total_commits, 3);

    // `force` computes again.
    let forced = t
        .analyzer
        .run(&AnalysisRequest { force: true, ..request.clone() }, &Progress::none(), &CancelToken::default())
        .await
        .unwrap();
    assert!(!forced.reused);

    // Cancelled before it ran: stored as cancelled, never reused.
    let cancel = CancelToken::default();
    cancel.cancel();
    let churn = AnalysisRequest { kind: AnalysisKind::Churn, ..request.clone() };
    let cancelled = t.analyzer.run(&churn, &Progress::none(), &cancel).await.unwrap();
    assert_eq!(cancelled.status, RunStatus::Cancelled);
    assert_eq!(cancelled.error.as_ref().unwrap().code, "cancelled");
    let done = t.analyzer.run(&churn, &Progress::none(), &CancelToken::default()).await.unwrap();
    assert_eq!(done.status, RunStatus::Done);
    assert!(!done.reused);

    // A failure is stored with its code: a revision the repository does not have.
    let bad = AnalysisRequest {
        kind: AnalysisKind::Techspec,
        params: AnalysisParams { rev: Some("no-such-branch".into()), ..Default::default() },
        ..request.clone()
    };
    let failed = t.analyzer.run(&bad, &Progress::none(), &CancelToken::default()).await.unwrap();
    assert_eq!(failed.status, RunStatus::Failed);
    assert_eq!(failed.error.as_ref().unwrap().code, "validation");

    // A tech spec run reads the folder and records the commit it read.
    let techspec = AnalysisRequest { kind: AnalysisKind::Techspec, ..request.clone() };
    let spec = t.analyzer.run(&techspec, &Progress::none(), &CancelToken::default()).await.unwrap();
    assert_eq!(spec.status, RunStatus::Done, "{:?}", spec.error);
    let head = git(&repo, &["rev-parse", "HEAD"]).trim().to_string();
    assert_eq!(spec.revision.commit.as_deref(), Some(head.as_str()));
    let Some(AnalysisResult::Techspec(report)) = &spec.result else { panic!() };
    assert_eq!(report.languages[0].language, "Rust");
    assert_eq!(report.languages[0].files, 2);

    // Listing: newest first, without results; a run by id has its result.
    let listed = t.analyzer.runs("demo", 100).await.unwrap();
    assert_eq!(listed.len(), 8);
    assert!(listed.windows(2).all(|w| w[0].id > w[1].id));
    assert!(listed.iter().all(|r| r.result.is_none()));
    assert_eq!(t.analyzer.get_run(first.id).await.unwrap().result, first.result);
    assert_eq!(t.analyzer.get_run(999_999).await.unwrap_err().code(), "not_found");

    // A queued run runs once.
    let queued = t.analyzer.enqueue(&AnalysisRequest { force: true, ..request.clone() }).await.unwrap();
    assert_eq!(queued.status, RunStatus::Queued);
    let ran = t.analyzer.execute(queued.id, &Progress::none(), &CancelToken::default()).await.unwrap();
    assert_eq!(ran.status, RunStatus::Done);
    assert_eq!(
        t.analyzer.execute(queued.id, &Progress::none(), &CancelToken::default()).await.unwrap_err().code(),
        "validation"
    );

    // The filters are stored with the defaults written out, and a result is reused only for the
    // same filters: switching the defaults off, or adding a pattern, computes again.
    let churn = AnalysisRequest { kind: AnalysisKind::Churn, ..request.clone() };
    let with_defaults = t.analyzer.run(&churn, &Progress::none(), &CancelToken::default()).await.unwrap();
    assert_eq!(with_defaults.params.exclude, repovault_analysis::DEFAULT_PATH_EXCLUDES);
    assert!(with_defaults.params.exclude_authors.is_empty(), "churn leaves out no author by default");
    let again = t.analyzer.run(&churn, &Progress::none(), &CancelToken::default()).await.unwrap();
    assert!(again.reused && again.id == with_defaults.id);
    // The stored parameters, run again, are the same question.
    let rerun = AnalysisRequest { params: with_defaults.params.clone(), ..churn.clone() };
    assert_eq!(t.analyzer.run(&rerun, &Progress::none(), &CancelToken::default()).await.unwrap().id, with_defaults.id);
    let mut without = churn.clone();
    without.params.default_excludes = false;
    let raw = t.analyzer.run(&without, &Progress::none(), &CancelToken::default()).await.unwrap();
    assert!(!raw.reused && raw.params.exclude.is_empty());
    let mut narrowed = churn.clone();
    narrowed.params.include = vec![" src/** ".into(), "src/**".into()];
    let src = t.analyzer.run(&narrowed, &Progress::none(), &CancelToken::default()).await.unwrap();
    assert!(!src.reused);
    assert_eq!(src.params.include, ["src/**"], "trimmed, each once");
    let Some(AnalysisResult::Churn(report)) = &src.result else { panic!() };
    assert_eq!((report.total_files, report.left_out.files), (2, 1), "README.md left out");
    let authors = t.analyzer.run(&request, &Progress::none(), &CancelToken::default()).await.unwrap();
    assert_eq!(authors.params.exclude_authors, repovault_analysis::DEFAULT_AUTHOR_EXCLUDES);
    // Kinds that read a revision's files take no history filters.
    let spec = AnalysisRequest { kind: AnalysisKind::Techspec, ..narrowed.clone() };
    let spec = t.analyzer.run(&spec, &Progress::none(), &CancelToken::default()).await.unwrap();
    assert!(spec.params.include.is_empty() && spec.params.exclude.is_empty());

    // Removing the repository removes its runs.
    t.store.delete_repository("demo").await.unwrap();
    assert_eq!(t.analyzer.get_run(first.id).await.unwrap_err().code(), "not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_runs_are_stored_and_reused() {
    runs_are_stored_and_reused(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_runs_are_stored_and_reused() {
    runs_are_stored_and_reused(Engine::Postgres).await;
}
