//! Times each analysis on an existing store and a repository tree (see `scripts/bench.sh analysis`):
//!
//!     analysis_bench --data-dir DIR [--database-url URL] --repo NAME [--tree PATH] [--runs N]
//!
//! History analyses run against the store (median of N runs, the first run warms the caches) three
//! times: without filters, with the kind's default exclusions, and narrowed to a folder with an
//! author left out (`--include src/** --exclude-author 'bob*'`, the defaults on). The tech spec
//! and code structure read HEAD of the tree folder with gix.

use std::path::PathBuf;
use std::time::Instant;

use repovault_analysis::{
    structure_of_folder, techspec_of_folder, AnalysisKind, AnalysisParams, Analyzer, CancelToken, Progress,
};
use repovault_storage::{open_store, StoreConfig};

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let data_dir = PathBuf::from(arg(&args, "--data-dir").expect("--data-dir DIR"));
    let url = arg(&args, "--database-url");
    let repo = arg(&args, "--repo").unwrap_or_else(|| "bench".into());
    let runs: usize = arg(&args, "--runs").map(|n| n.parse().expect("--runs N")).unwrap_or(3);
    let config = StoreConfig::for_data_dir(&data_dir, url.as_deref()).expect("config");
    let store = open_store(&config).await.expect("open the store");
    let analyzer = Analyzer::new(store.clone());
    let count = store.repository_by_name(&repo).await.expect("repository").commit_count;
    println!("{:?} store, repository {repo}: {count} commits", store.info().backend);
    println!(
        "{:<10} {:>9} {:>9} {:>9} {:>9}  (seconds, median of {runs}; first run without filters)",
        "analysis", "first", "none", "defaults", "folder"
    );
    let none = AnalysisParams { default_excludes: false, ..AnalysisParams::default() };
    let folder = AnalysisParams {
        include: vec!["src/**".into()],
        exclude_authors: vec!["bob*".into()],
        ..AnalysisParams::default()
    };
    for kind in AnalysisKind::ALL.into_iter().filter(|k| k.reads_history()) {
        let mut row = Vec::new();
        let mut first = 0.0;
        for params in [&none, &AnalysisParams::default(), &folder] {
            let mut times = Vec::new();
            for _ in 0..runs.max(1) {
                let start = Instant::now();
                analyzer
                    .compute(&repo, kind, params, &Progress::none(), &CancelToken::default())
                    .await
                    .expect("analysis");
                times.push(start.elapsed().as_secs_f64());
            }
            if row.is_empty() {
                first = times[0];
            }
            row.push(median(times));
        }
        println!("{:<10} {:>9.3} {:>9.3} {:>9.3} {:>9.3}", kind.as_str(), first, row[0], row[1], row[2]);
    }
    if let Some(tree) = arg(&args, "--tree") {
        let tree = PathBuf::from(tree);
        let start = Instant::now();
        let spec = techspec_of_folder(&tree, "HEAD").expect("tech spec");
        let spec_s = start.elapsed().as_secs_f64();
        let start = Instant::now();
        let structure = structure_of_folder(&tree, "HEAD", 100).expect("structure");
        let structure_s = start.elapsed().as_secs_f64();
        println!(
            "tree {}: {} files ({} parsed by tree-sitter, {} with syntax errors or skipped)",
            tree.display(),
            spec.files,
            structure.files_parsed,
            structure.parse_failures
        );
        println!("{:<10} {:>9.3}", "techspec", spec_s);
        println!("{:<10} {:>9.3}", "structure", structure_s);
        println!("{:<10} {:>9.3}", "both", spec_s + structure_s);
    }
    store.close().await;
}
