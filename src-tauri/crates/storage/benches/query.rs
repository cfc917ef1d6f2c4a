//! Query latency on a large store against git answering the same question, in one run. Not a
//! timed test: it prints p50/p95 per question and the ratio to `git log`.
//!
//!     scripts/bench.sh query      (imports a generated 100,000-commit repository once, into
//!                                  SQLite and PostgreSQL, then runs this)
//!
//! Arguments: --repo PATH --sqlite DB_FILE [--postgres URL] [--runs N]

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use repovault_storage::query::{parse_search, CommitQuery, Filter, QueryOptions};
use repovault_storage::{open_store, BlobConfig, DatabaseLocation, Store, StoreConfig};

struct Args {
    repo: PathBuf,
    sqlite: PathBuf,
    postgres: Option<String>,
    runs: usize,
}

fn args() -> Args {
    let (mut repo, mut sqlite, mut postgres, mut runs) = (None, None, None, 30);
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--repo" => repo = it.next().map(PathBuf::from),
            "--sqlite" => sqlite = it.next().map(PathBuf::from),
            "--postgres" => postgres = it.next(),
            "--runs" => runs = it.next().and_then(|v| v.parse().ok()).expect("--runs N"),
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    Args { repo: repo.expect("--repo PATH"), sqlite: sqlite.expect("--sqlite FILE"), postgres, runs }
}

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    samples[((samples.len() - 1) as f64 * p).round() as usize].as_secs_f64() * 1000.0
}

fn page(filter: Filter) -> CommitQuery {
    CommitQuery { filter: Some(filter), options: QueryOptions { limit: Some(50), ..QueryOptions::default() } }
}

fn main() {
    let args = args();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let questions: Vec<(&str, CommitQuery, Vec<&str>)> = vec![
        ("author contains alice", page(Filter::condition("author", "like", "%alice%")), vec!["-i", "--author=alice"]),
        (
            "path under src/, no merges",
            page(Filter::And(vec![
                Filter::condition("path", "like", "src/%"),
                Filter::condition("merge", "eq", false),
            ])),
            vec!["--no-merges", "--full-history", "--", "src/"],
        ),
        (
            "one month",
            page(Filter::And(vec![
                Filter::condition("date", "gte", "2018-06-01"),
                Filter::condition("date", "lt", "2018-07-01"),
            ])),
            vec!["--since=2018-06-01T00:00:00Z", "--until=2018-06-30T23:59:59Z"],
        ),
        ("full text: cache", page(parse_search("cache").unwrap()), vec!["-i", "--grep=\\bcache\\b"]),
        (
            "search: author:bob fix",
            page(parse_search("author:bob fix").unwrap()),
            vec!["-i", "--author=bob", "--grep=\\bfix\\b"],
        ),
        (
            "full text: cache, by relevance",
            {
                let mut q = page(parse_search("cache").unwrap());
                q.options.sort_by = Some("relevance".into());
                q
            },
            vec![],
        ),
        ("branch main, author alice", page(parse_search("branch:main author:alice").unwrap()), vec![]),
        (
            "words: caching (any form)",
            page(parse_search("caching").unwrap()),
            vec!["-i", "-E", "--grep=\\bcach(e|es|ed|ing)\\b"],
        ),
        ("words: cach* (prefix)", page(parse_search("cach*").unwrap()), vec!["-i", "--grep=\\bcach"]),
        (
            "change: lazy dog (common)",
            page(parse_search("change:\"lazy dog\"").unwrap()),
            vec!["-s", "--diff-merges=first-parent", "-i", "-G", "lazy dog"],
        ),
        (
            "change: return 4242 (rare)",
            page(parse_search("change:\"return 4242\"").unwrap()),
            vec!["-s", "--diff-merges=first-parent", "-i", "-G", "return 4242"],
        ),
        (
            "change: Item77 (capitals)",
            page(parse_search("change:Item77").unwrap()),
            vec!["-s", "--diff-merges=first-parent", "-G", "Item77"],
        ),
        ("added: 42 (short, scanned)", page(parse_search("added:42").unwrap()), vec![]),
        (
            "additions > 100, by additions",
            {
                let mut q = page(Filter::condition("additions", "gt", 100));
                q.options.sort_by = Some("additions".into());
                q
            },
            vec![],
        ),
    ];
    let mut stores: Vec<(&str, std::sync::Arc<dyn Store>)> = Vec::new();
    let blobs = BlobConfig::Local(args.sqlite.with_file_name("blobs"));
    let open = |database| StoreConfig { database, blobs: blobs.clone(), apply_migrations: true };
    stores
        .push(("sqlite", runtime.block_on(open_store(&open(DatabaseLocation::Sqlite(args.sqlite.clone())))).unwrap()));
    if let Some(url) = &args.postgres {
        stores
            .push(("postgres", runtime.block_on(open_store(&open(DatabaseLocation::Postgres(url.clone())))).unwrap()));
    }
    let commits = runtime.block_on(stores[0].1.repositories()).unwrap().iter().map(|r| r.commit_count).sum::<i64>();
    println!("query benchmark: {commits} commits, first page of 50, {} runs each (p50 / p95 in ms)", args.runs);
    print!("{:<32}", "question");
    for (name, _) in &stores {
        print!(" {:>16}", name);
    }
    println!(" {:>10} {:>8}", "git log", "ratio");
    for (label, query, git_args) in &questions {
        print!("{label:<32}");
        let mut sqlite_p50 = 0.0;
        for (i, (_, store)) in stores.iter().enumerate() {
            let mut samples = Vec::with_capacity(args.runs);
            for _ in 0..args.runs {
                let started = Instant::now();
                let result = runtime.block_on(store.query_commits(query)).unwrap();
                samples.push(started.elapsed());
                assert!(result.commits.len() <= 50);
            }
            let p50 = percentile(&mut samples, 0.5);
            if i == 0 {
                sqlite_p50 = p50;
            }
            print!(" {:>7.1} / {:>6.1}", p50, percentile(&mut samples, 0.95));
        }
        if git_args.is_empty() {
            println!(" {:>10} {:>8}", "-", "-");
            continue;
        }
        let mut git = Vec::new();
        for _ in 0..3 {
            let started = Instant::now();
            let out = Command::new("git")
                .current_dir(&args.repo)
                .env("TZ", "UTC")
                .args(["log", "--branches", "--tags", "-n", "50", "--format=%H"])
                .args(git_args)
                .output()
                .unwrap();
            assert!(out.status.success());
            git.push(started.elapsed());
        }
        let git_p50 = percentile(&mut git, 0.5);
        println!(" {:>10.1} {:>8.3}", git_p50, sqlite_p50 / git_p50);
    }
}
