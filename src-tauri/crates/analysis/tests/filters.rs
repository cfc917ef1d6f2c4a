//! Path and author filters checked against git on a generated repository (merges, renames, authors
//! with aliases joined by a .mailmap) with bots, lock files and a vendored folder added on top, on
//! SQLite and on PostgreSQL: churn per file with exclusions equals the sums of
//! `git log --numstat -- . ':(exclude,glob)…'`, authors with `exclude_authors` equal
//! `git shortlog -sne` without those authors, and path-filtered authors and activity count the
//! commits git lists for the same pathspecs.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::*;
use repovault_analysis::{
    AnalysisKind, AnalysisParams, CancelToken, Progress, DEFAULT_AUTHOR_EXCLUDES, DEFAULT_PATH_EXCLUDES,
};
use repovault_testkit::{commit_files, git_bytes, git_numstat_of, init_repo, make_repo, Engine};

const DEPENDABOT: (&str, &str) = ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com");
const RENOVATE: (&str, &str) = ("renovate[bot]", "bot@renovateapp.com");

/// A generated history, then what the defaults are for: bots bumping lock files and vendoring
/// code, a person's commit that only touches a lock file, and one that touches a lock file and code.
fn repo_with_bots(dir: &Path) -> PathBuf {
    let repo = dir.join("repo");
    make_repo(&repo, 500);
    let bob = ("Bob Lee", "bob@example.com");
    let lock = "[[package]]\nname = \"serde\"\n";
    commit_files(
        &repo,
        &[("Cargo.lock", lock), ("web/package-lock.json", "{}\n")],
        DEPENDABOT,
        "2030-01-01T10:00:00Z",
        "Bump",
    );
    commit_files(
        &repo,
        &[("vendor/lib/x.go", "package x\n"), ("src/core/dep.rs", "1\n2\n")],
        RENOVATE,
        "2030-01-02T10:00:00Z",
        "Vendor",
    );
    commit_files(
        &repo,
        &[("Cargo.lock", &format!("{lock}version = \"1\"\n"))],
        bob,
        "2030-01-03T10:00:00Z",
        "Lock only",
    );
    commit_files(
        &repo,
        &[("Cargo.lock", lock), ("src/core/dep.rs", "1\n")],
        bob,
        "2030-01-04T10:00:00Z",
        "Lock and code",
    );
    commit_files(
        &repo,
        &[("web/node_modules/a/index.js", "x\n"), ("web/app.min.js", "y\n")],
        DEPENDABOT,
        "2030-01-05T10:00:00Z",
        "Build",
    );
    repo
}

/// Git pathspecs meaning what one of our globs means (`filters.rs`): `P` and everything below it,
/// from the root when `P` has a `/`, else at any depth; with a trailing `/` only what is below.
fn pathspecs(glob: &str, exclude: bool) -> Vec<String> {
    let magic = if exclude { "exclude,glob" } else { "glob" };
    let folders_only = glob.ends_with('/');
    let body = glob.trim_end_matches('/');
    let body = if body.contains('/') { body.trim_start_matches('/').to_string() } else { format!("**/{body}") };
    let mut specs = vec![format!(":({magic}){body}/**")];
    if !folders_only {
        specs.push(format!(":({magic}){body}"));
    }
    specs
}

/// The pathspecs for a run's include and exclude lists (`.` when nothing is included).
fn pathspecs_of(params: &AnalysisParams) -> Vec<String> {
    let mut specs: Vec<String> = params.include.iter().flat_map(|g| pathspecs(g, false)).collect();
    if specs.is_empty() {
        specs.push(".".into());
    }
    specs.extend(params.exclude.iter().flat_map(|g| pathspecs(g, true)));
    specs
}

/// The commits `git log` lists for pathspecs with at least one changed file (merges: against their
/// first parent), as (name, e-mail, author day), mailmap applied.
fn commits_touching(repo: &Path, specs: &[String]) -> Vec<(String, String, String)> {
    let mut args = vec![
        "log",
        "--branches",
        "--tags",
        "--full-history",
        "--diff-merges=first-parent",
        "-M",
        "--name-only",
        "-z",
        "--format=%x01%aN%x00%aE%x00%ad",
        "--date=format:%Y-%m-%d",
        "--",
    ];
    args.extend(specs.iter().map(String::as_str));
    let out = git_bytes(repo, &args);
    let mut commits = Vec::new();
    for record in out.split(|b| *b == 1).filter(|r| !r.is_empty()) {
        let fields: Vec<String> = record.split(|b| *b == 0).map(|f| String::from_utf8_lossy(f).into_owned()).collect();
        let files = fields[3..].iter().filter(|f| !f.trim().is_empty()).count();
        if files > 0 {
            commits.push((fields[0].clone(), fields[1].clone(), fields[2].clone()));
        }
    }
    commits
}

fn all(params: AnalysisParams) -> AnalysisParams {
    AnalysisParams { limit: Some(0), ..params }
}

async fn filters_equal_git(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let repo = repo_with_bots(dir.path());
    let t = fresh_store(engine).await;
    t.import(&repo, "demo").await;
    let everything = numstat_sums(git_numstat_of(&repo, &[]));

    // Churn per file: the sums of `git log --numstat` over the same pathspecs, the defaults (lock
    // files, node_modules, vendor, minified files) included; what is left out is counted.
    let cases = [
        AnalysisParams { exclude: vec!["*.md".into(), "web/core".into(), "assets/".into()], ..Default::default() },
        AnalysisParams {
            include: vec!["src/**".into(), "py".into()],
            exclude: vec!["*/util/*".into()],
            ..Default::default()
        },
        AnalysisParams { exclude: vec!["docs/**".into()], default_excludes: false, ..Default::default() },
    ];
    for params in cases {
        let params = all(params);
        let resolved = params.for_kind(AnalysisKind::Churn);
        let specs = pathspecs_of(&resolved);
        let spec_refs: Vec<&str> = specs.iter().map(String::as_str).collect();
        let expected = numstat_sums(git_numstat_of(&repo, &spec_refs));
        let churn = t.analyzer.churn("demo", &params).await.unwrap();
        let ours: BTreeMap<String, (i64, i64, i64)> =
            churn.files.iter().map(|f| (f.path.clone(), (f.commits, f.additions, f.deletions))).collect();
        let differing: Vec<_> = expected.iter().filter(|(p, v)| ours.get(*p) != Some(v)).take(5).collect();
        assert!(
            differing.is_empty() && ours.len() == expected.len(),
            "{specs:?}: {} vs {}: {differing:?}",
            ours.len(),
            expected.len()
        );
        let left: Vec<&String> = everything.keys().filter(|p| !expected.contains_key(*p)).collect();
        assert_eq!(churn.left_out.files, left.len() as i64, "{specs:?}");
        assert_eq!(churn.left_out.lines, left.iter().map(|p| everything[*p].1 + everything[*p].2).sum::<i64>());
        assert!(churn.left_out.authors.is_empty(), "churn leaves out no author by default");
    }
    let churn = t.analyzer.churn("demo", &all(AnalysisParams::default())).await.unwrap();
    for gone in
        ["Cargo.lock", "web/package-lock.json", "vendor/lib/x.go", "web/node_modules/a/index.js", "web/app.min.js"]
    {
        assert!(churn.files.iter().all(|f| f.path != gone), "{gone} is left out by default");
    }
    let root = churn.folders.iter().find(|f| f.path.is_empty()).unwrap();
    assert_eq!(root.files, churn.total_files);

    // Authors: `git shortlog -sne` without the authors left out; bots by default.
    let shortlog = shortlog(&repo, &["--branches", "--tags"]);
    let by_identity = |report: &repovault_analysis::AuthorsReport| -> BTreeMap<(String, String), i64> {
        report.authors.iter().map(|a| ((a.name.clone(), a.email.clone()), a.commits)).collect()
    };
    let unfiltered = t
        .analyzer
        .authors("demo", &all(AnalysisParams { default_excludes: false, ..Default::default() }))
        .await
        .unwrap();
    assert_eq!(by_identity(&unfiltered), shortlog);
    let is_bot = |(name, _): &(String, String)| name.ends_with("[bot]");
    let defaults = t.analyzer.authors("demo", &all(AnalysisParams::default())).await.unwrap();
    let humans: BTreeMap<_, _> =
        shortlog.iter().filter(|(who, _)| !is_bot(who)).map(|(k, v)| (k.clone(), *v)).collect();
    assert_eq!(by_identity(&defaults), humans);
    let bots: Vec<(&str, i64)> = defaults.left_out.authors.iter().map(|a| (a.name.as_str(), a.commits)).collect();
    assert_eq!(bots, vec![("dependabot[bot]", 2), ("renovate[bot]", 1)]);
    assert_eq!(defaults.left_out.author_commits, 3);
    assert_eq!(defaults.total_commits + 3, unfiltered.total_commits);

    // Names, e-mails and `*` patterns, in any case.
    let params =
        all(AnalysisParams { exclude_authors: vec!["BOB*".into(), "*@example.org".into()], ..Default::default() });
    let ours = by_identity(&t.analyzer.authors("demo", &params).await.unwrap());
    let expected: BTreeMap<_, _> = humans
        .iter()
        .filter(|((name, email), _)| !name.starts_with("Bob") && !email.ends_with("@example.org"))
        .map(|(k, v)| (k.clone(), *v))
        .collect();
    assert_eq!(ours, expected);
    assert!(expected.len() + 2 == humans.len(), "Bob Lee and Chloé Martin left out: {expected:?}");

    // Path-filtered authors and activity count the commits git lists with such a change; the
    // others are counted as left out.
    let params =
        all(AnalysisParams { include: vec!["src/**".into()], exclude: vec!["src/util".into()], ..Default::default() });
    let listed: Vec<_> = commits_touching(&repo, &pathspecs_of(&params.for_kind(AnalysisKind::Authors)))
        .into_iter()
        .filter(|(name, email, _)| !is_bot(&(name.clone(), email.clone())))
        .collect();
    let mut expected: BTreeMap<(String, String), i64> = BTreeMap::new();
    for (name, email, _) in &listed {
        *expected.entry((name.clone(), email.clone())).or_default() += 1;
    }
    let authors = t.analyzer.authors("demo", &params).await.unwrap();
    assert_eq!(by_identity(&authors), expected);
    let human_commits: i64 = humans.values().sum();
    assert_eq!(authors.left_out.commits, human_commits - listed.len() as i64);
    let activity = t
        .analyzer
        .activity(
            "demo",
            &AnalysisParams {
                exclude_authors: DEFAULT_AUTHOR_EXCLUDES.iter().map(|p| p.to_string()).collect(),
                ..params.clone()
            },
        )
        .await
        .unwrap();
    let mut per_day: BTreeMap<String, i64> = BTreeMap::new();
    for (_, _, day) in &listed {
        *per_day.entry(day.clone()).or_default() += 1;
    }
    let ours: BTreeMap<String, i64> = activity.days.iter().map(|d| (d.period.clone(), d.commits)).collect();
    assert_eq!(ours, per_day);
    assert_eq!(
        activity.total_commits + activity.left_out.commits + activity.left_out.author_commits,
        unfiltered.total_commits
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_filters_equal_git() {
    filters_equal_git(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_filters_equal_git() {
    filters_equal_git(Engine::Postgres).await;
}

/// Hotspots, coupling and ownership on a small history with a lock file that changes with the code
/// and a bot: the defaults leave both out, and say so.
async fn file_kinds_leave_out_what_the_filters_name(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let repo = init_repo(dir.path(), "small");
    let ann = ("Ann", "ann@example.com");
    for (n, day) in ["01", "02", "03"].iter().enumerate() {
        let body = "x\n".repeat(n + 1);
        let files = [("src/a.rs", body.as_str()), ("src/b.rs", body.as_str()), ("Cargo.lock", body.as_str())];
        commit_files(&repo, &files, ann, &format!("2024-01-{day}T10:00:00Z"), "change");
    }
    commit_files(&repo, &[("src/a.rs", "bot\n"), ("Cargo.lock", "bot\n")], DEPENDABOT, "2024-01-04T10:00:00Z", "bump");
    commit_files(&repo, &[("docs/r.md", "a\nb\n")], ann, "2024-01-05T10:00:00Z", "docs");
    let t = fresh_store(engine).await;
    t.import(&repo, "small").await;

    // Coupling: the lock file pairs with nothing, and commits of three files count as two.
    let params = AnalysisParams { min_shared: Some(2), max_files_per_commit: Some(2), ..Default::default() };
    let coupling = t.analyzer.coupling("small", &params).await.unwrap();
    let pairs: Vec<_> = coupling.pairs.iter().map(|p| (p.a.as_str(), p.b.as_str(), p.shared)).collect();
    assert_eq!(pairs, vec![("src/a.rs", "src/b.rs", 3)]);
    assert_eq!((coupling.commits_skipped, coupling.left_out.files), (0, 1));
    let raw =
        t.analyzer.coupling("small", &AnalysisParams { default_excludes: false, ..params.clone() }).await.unwrap();
    assert_eq!((raw.commits_skipped, raw.pairs.len(), raw.left_out.files), (3, 0, 0), "three files each: skipped");

    // Hotspots: sizes of the files kept only.
    let hotspots = t
        .analyzer
        .hotspots("small", &AnalysisParams::default(), &Progress::none(), &CancelToken::default())
        .await
        .unwrap();
    let paths: BTreeSet<_> = hotspots.hotspots.iter().map(|h| h.path.as_str()).collect();
    assert_eq!(paths, BTreeSet::from(["docs/r.md", "src/a.rs", "src/b.rs"]));
    assert_eq!(hotspots.left_out.files, 1);
    let narrowed = AnalysisParams { include: vec!["src/**".into()], ..Default::default() };
    let hotspots = t.analyzer.hotspots("small", &narrowed, &Progress::none(), &CancelToken::default()).await.unwrap();
    assert_eq!(hotspots.hotspots.len(), 2);
    assert_eq!(hotspots.left_out.files, 2, "Cargo.lock and docs/r.md");

    // Ownership: the bot is left out by default (lock files are not), narrowed to a folder on request.
    let ownership = t.analyzer.ownership("small", &AnalysisParams::default()).await.unwrap();
    let root = &ownership.folders[0];
    assert_eq!((root.path.as_str(), root.authors, root.owners[0].name.as_str()), ("", 1, "Ann"));
    assert_eq!((ownership.left_out.authors.len(), ownership.left_out.author_commits), (1, 1));
    assert_eq!(ownership.left_out.files, 0);
    let ownership = t.analyzer.ownership("small", &narrowed).await.unwrap();
    let folders: Vec<_> = ownership.folders.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(folders, ["", "src"]);
    assert_eq!(
        (ownership.left_out.files, ownership.left_out.lines),
        (2, 3 + 2),
        "Ann's Cargo.lock and docs/r.md lines"
    );

    // A glob that names nothing, or climbs out of the repository, is a validation error.
    for bad in ["/", "a//b", "../x"] {
        let params = AnalysisParams { exclude: vec![bad.into()], ..Default::default() };
        let err = t.analyzer.churn("small", &params).await.unwrap_err();
        assert_eq!(err.code(), "validation", "{bad}");
        assert!(err.to_string().contains("exclude"), "{err}");
    }
    assert!(DEFAULT_PATH_EXCLUDES.contains(&"*.lock"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_file_kinds_leave_out_what_the_filters_name() {
    file_kinds_leave_out_what_the_filters_name(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_file_kinds_leave_out_what_the_filters_name() {
    file_kinds_leave_out_what_the_filters_name(Engine::Postgres).await;
}
