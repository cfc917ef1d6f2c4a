//! `store_commit` throughput on both backends: commits with 5 file changes (each with a small diff)
//! stored one per call and in batches. Not a timed test: it prints figures for the README.
//!
//!     scripts/bench.sh store [--commits N] [--batch B]

use std::time::Instant;

use repovault_testkit::*;

struct Args {
    commits: usize,
    batch: usize,
}

fn args() -> Args {
    let mut args = Args { commits: 20_000, batch: 1_000 };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--commits" => args.commits = it.next().and_then(|v| v.parse().ok()).expect("--commits N"),
            "--batch" => args.batch = it.next().and_then(|v| v.parse().ok()).expect("--batch B"),
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    args
}

fn main() {
    let args = args();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    println!("store_commit benchmark: {} commits, 5 file changes each, batches of {}", args.commits, args.batch);
    println!("{:<10} {:<22} {:>10} {:>14} {:>16}", "backend", "mode", "seconds", "commits/s", "file changes/s");
    for engine in [Engine::Sqlite, Engine::Postgres] {
        runtime.block_on(run(engine, &args));
    }
}

async fn run(engine: Engine, args: &Args) {
    let items: Vec<_> = (0..args.commits as u64)
        .map(|i| {
            let parent = hash_of(i.wrapping_sub(1));
            let parents: Vec<&str> = if i == 0 { vec![] } else { vec![parent.as_str()] };
            (
                commit(&hash_of(i), &parents, 1_600_000_000 + i as i64 * 60, &format!("commit {i}\n\nbody")),
                changes(i, 5),
            )
        })
        .collect();
    let name = format!("{engine:?}").to_lowercase();

    // One call per commit, on a fresh store (a fifth of the commits: it is the slow path).
    let single = fresh_store(engine, Blobs::Local).await;
    let repo = single.store.ensure_repository("default", "bench", None).await.unwrap().id;
    let n = (args.commits / 5).max(1);
    let started = Instant::now();
    for (commit, changes) in &items[..n] {
        let result = single.store.store_commit(repo, commit, changes).await;
        assert!(result.success, "{}", result.message);
    }
    report(&name, "store_commit (1/call)", n, started.elapsed().as_secs_f64());

    // Batches in one transaction each, on another fresh store.
    let batched = fresh_store(engine, Blobs::Local).await;
    let repo = batched.store.ensure_repository("default", "bench", None).await.unwrap().id;
    let started = Instant::now();
    for chunk in items.chunks(args.batch) {
        batched.store.store_commits(repo, chunk).await.unwrap();
    }
    report(&name, &format!("store_commits ({}/tx)", args.batch), items.len(), started.elapsed().as_secs_f64());
    let stored = batched.raw_count("SELECT COUNT(*) FROM file_changes").await;
    assert_eq!(stored, items.len() as i64 * 5);
}

fn report(backend: &str, mode: &str, commits: usize, seconds: f64) {
    println!(
        "{backend:<10} {mode:<22} {seconds:>10.2} {:>14.0} {:>16.0}",
        commits as f64 / seconds,
        commits as f64 * 5.0 / seconds
    );
}
