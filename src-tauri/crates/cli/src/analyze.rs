//! `repovault-cli analyze NAME --kind K`: runs an analysis (or reuses the stored result when
//! neither the history nor the parameters changed), stores it, and prints it as tables or, with
//! `--json`, as the stored run with its result.

use std::sync::Arc;

use repovault_analysis::{
    ActivityReport, AnalysisError, AnalysisKind, AnalysisParams, AnalysisRequest, AnalysisResult, AnalysisRun,
    Analyzer, AuthorsReport, CancelToken, ChurnReport, CouplingReport, HotspotsReport, LeftOut, OwnershipReport,
    Progress, RunStatus, SizeSource, StructureReport, TechSpecReport,
};
use repovault_storage::{Identity, Store};

#[derive(clap::Args)]
pub struct AnalyzeArgs {
    /// The repository to analyse.
    pub name: String,
    #[arg(long, value_enum)]
    pub kind: Kind,
    /// Revision for techspec, structure and hotspot sizes (default HEAD).
    #[arg(long)]
    pub rev: Option<String>,
    /// Only commits reachable from this branch or tag (repeatable).
    #[arg(long = "ref", value_name = "REF")]
    pub refs: Vec<String>,
    /// Only commits authored on or after this date (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "DATE")]
    pub since: Option<chrono::NaiveDate>,
    /// Only commits authored before this date (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "DATE")]
    pub until: Option<chrono::NaiveDate>,
    /// Rows kept in ranked lists (default 100; 0 keeps all).
    #[arg(long)]
    pub limit: Option<u32>,
    /// Coupling: ignore commits touching more files than this (default 50).
    #[arg(long)]
    pub max_files_per_commit: Option<u32>,
    /// Coupling: leave out pairs changed together fewer times (default 3).
    #[arg(long)]
    pub min_shared: Option<u32>,
    /// Count an e-mail as another identity: `old@example.com=Ann Lee <ann@example.com>` (repeatable).
    #[arg(long = "alias", value_name = "EMAIL=NAME <EMAIL>")]
    pub aliases: Vec<String>,
    /// Only changes to paths matching this glob (repeatable): `src/runtime/**`. `*` stays within a
    /// name, `**` crosses folders, a glob without `/` matches a name at any depth.
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Leave out changes to paths matching this glob (repeatable): `vendor/**`, `*.lock`, `CHANGELOG.md`.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Leave out commits whose author name or e-mail matches, any case, `*` for any text (repeatable):
    /// `*[bot]*`, `ann@example.com`.
    #[arg(long = "exclude-author", value_name = "PATTERN")]
    pub exclude_authors: Vec<String>,
    /// Do not leave out lock files and generated folders (churn, hotspots, coupling) or bots
    /// (authors, ownership) by default.
    #[arg(long)]
    pub no_default_excludes: bool,
    /// Compute again even when a stored result could be reused.
    #[arg(long)]
    pub force: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Kind {
    Authors,
    Activity,
    Churn,
    Hotspots,
    Coupling,
    Ownership,
    Techspec,
    Structure,
}

impl Kind {
    fn kind(self) -> AnalysisKind {
        match self {
            Kind::Authors => AnalysisKind::Authors,
            Kind::Activity => AnalysisKind::Activity,
            Kind::Churn => AnalysisKind::Churn,
            Kind::Hotspots => AnalysisKind::Hotspots,
            Kind::Coupling => AnalysisKind::Coupling,
            Kind::Ownership => AnalysisKind::Ownership,
            Kind::Techspec => AnalysisKind::Techspec,
            Kind::Structure => AnalysisKind::Structure,
        }
    }
}

/// Rows printed per table for people; `--json` prints everything the run kept.
const SHOWN: usize = 20;

impl AnalyzeArgs {
    fn params(&self) -> Result<AnalysisParams, AnalysisError> {
        let midnight = |d: chrono::NaiveDate| d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc().timestamp();
        let mut params = AnalysisParams {
            refs: self.refs.clone(),
            since: self.since.map(midnight),
            until: self.until.map(midnight),
            limit: self.limit,
            max_files_per_commit: self.max_files_per_commit,
            min_shared: self.min_shared,
            rev: self.rev.clone(),
            include: self.include.clone(),
            exclude: self.exclude.clone(),
            exclude_authors: self.exclude_authors.clone(),
            default_excludes: !self.no_default_excludes,
            ..AnalysisParams::default()
        };
        for alias in &self.aliases {
            let (email, identity) = parse_alias(alias)?;
            params.aliases.insert(email, identity);
        }
        Ok(params)
    }
}

/// `old@x=Name <new@x>`.
fn parse_alias(text: &str) -> Result<(String, Identity), AnalysisError> {
    let bad = || AnalysisError::validation("alias", format!("{text:?} is not EMAIL=NAME <EMAIL>"));
    let (email, who) = text.split_once('=').ok_or_else(bad)?;
    let (name, rest) = who.split_once('<').ok_or_else(bad)?;
    let target = rest.strip_suffix('>').ok_or_else(bad)?;
    if email.trim().is_empty() || target.trim().is_empty() {
        return Err(bad());
    }
    Ok((email.trim().to_string(), Identity { name: name.trim().to_string(), email: target.trim().to_string() }))
}

/// Runs the request (Ctrl-C cancels it), prints the run.
pub async fn run(store: Arc<dyn Store>, args: &AnalyzeArgs, json: bool) -> Result<(), AnalysisError> {
    let analyzer = Analyzer::new(store);
    let request = AnalysisRequest {
        repository: args.name.clone(),
        kind: args.kind.kind(),
        params: args.params()?,
        force: args.force,
    };
    let cancel = CancelToken::default();
    let on_signal = cancel.clone();
    let signal = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_signal.cancel();
        }
    });
    let outcome = analyzer.run(&request, &Progress::none(), &cancel).await;
    signal.abort();
    let run = outcome?;
    if let Some(error) = &run.error {
        if run.status != RunStatus::Done {
            return Err(AnalysisError::RunFailed { code: error.code, message: error.message.clone() });
        }
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&run).expect("runs serialise"));
    } else {
        print_run(&run);
    }
    Ok(())
}

fn print_run(run: &AnalysisRun) {
    let ms = run.duration_ms.map(|ms| format!(" in {ms} ms")).unwrap_or_default();
    let how = if run.reused { format!("stored result reused, computed{ms}") } else { format!("computed{ms}") };
    println!("{} analysis, run {} ({how}; {} commits)", run.kind.as_str(), run.id, run.revision.commit_count);
    match &run.result {
        Some(AnalysisResult::Authors(r)) => authors(r),
        Some(AnalysisResult::Activity(r)) => activity(r),
        Some(AnalysisResult::Churn(r)) => churn(r),
        Some(AnalysisResult::Hotspots(r)) => hotspots(r),
        Some(AnalysisResult::Coupling(r)) => coupling(r),
        Some(AnalysisResult::Ownership(r)) => ownership(r),
        Some(AnalysisResult::Techspec(r)) => techspec(r),
        Some(AnalysisResult::Structure(r)) => structure(r),
        None => println!("(no result)"),
    }
    if let Some(left_out) = run.result.as_ref().and_then(AnalysisResult::left_out) {
        print_filters(&run.params, left_out);
    }
}

/// The filters the run applied (defaults written out) and what they left out.
fn print_filters(params: &AnalysisParams, left_out: &LeftOut) {
    for (label, patterns) in
        [("only", &params.include), ("left out", &params.exclude), ("authors left out", &params.exclude_authors)]
    {
        if !patterns.is_empty() {
            println!("{label}: {}", patterns.join(", "));
        }
    }
    let plural = |n: i64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut counts = Vec::new();
    if !left_out.authors.is_empty() {
        let names: Vec<&str> = left_out.authors.iter().take(3).map(|a| a.name.as_str()).collect();
        let more = if left_out.authors.len() > names.len() { ", …" } else { "" };
        counts.push(format!(
            "{} ({}{more}) with {}",
            plural(left_out.authors.len() as i64, "author", "authors"),
            names.join(", "),
            plural(left_out.author_commits, "commit", "commits")
        ));
    }
    if left_out.files > 0 {
        let lines = if left_out.lines > 0 { format!(" ({} lines)", left_out.lines) } else { String::new() };
        counts.push(format!("{}{lines}", plural(left_out.files, "file", "files")));
    }
    if left_out.commits > 0 {
        counts.push(format!("{} without a kept change", plural(left_out.commits, "commit", "commits")));
    }
    if !counts.is_empty() {
        println!("left out by the filters: {}", counts.join("; "));
    }
}

fn date(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0).map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

fn more(total: usize) {
    if total > SHOWN {
        println!("… {} more (--json for all)", total - SHOWN);
    }
}

fn authors(r: &AuthorsReport) {
    println!(
        "\n{:>8} {:>9} {:>9} {:>6}  {:<10} {:<10}  AUTHOR",
        "COMMITS", "ADDED", "DELETED", "DAYS", "FIRST", "LAST"
    );
    for a in r.authors.iter().take(SHOWN) {
        println!(
            "{:>8} {:>9} {:>9} {:>6}  {:<10} {:<10}  {} <{}>",
            a.commits,
            a.additions,
            a.deletions,
            a.active_days,
            date(a.first_commit),
            date(a.last_commit),
            a.name,
            a.email
        );
    }
    more(r.authors.len());
    println!("{} commits by {} authors", r.total_commits, r.authors.len());
    for s in &r.likely_aliases {
        let who: Vec<String> = s.identities.iter().map(|i| format!("{} <{}>", i.name, i.email)).collect();
        println!("likely the same person ({}): {}", s.reason.replace('_', " "), who.join(", "));
    }
}

fn activity(r: &ActivityReport) {
    println!("\n{:<8} {:>8} {:>9} {:>9}", "MONTH", "COMMITS", "ADDED", "DELETED");
    let skip = r.months.len().saturating_sub(SHOWN);
    if skip > 0 {
        println!("… {skip} earlier months (--json for all)");
    }
    for m in r.months.iter().skip(skip) {
        println!("{:<8} {:>8} {:>9} {:>9}", m.period, m.commits, m.additions, m.deletions);
    }
    println!("\ncommits by hour (author's local time)");
    println!("     {}", (0..24).map(|h| format!("{h:>4}")).collect::<String>());
    for (day, row) in ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].iter().zip(&r.heatmap) {
        println!("{day}  {}", row.iter().map(|n| format!("{n:>4}")).collect::<String>());
    }
    println!("{} commits on {} days", r.total_commits, r.days.len());
}

fn churn(r: &ChurnReport) {
    println!("\n{:>9} {:>8} {:>9} {:>9}  FILE", "CHURN", "COMMITS", "ADDED", "DELETED");
    for f in r.files.iter().take(SHOWN) {
        println!("{:>9} {:>8} {:>9} {:>9}  {}", f.churn, f.commits, f.additions, f.deletions, f.path);
    }
    more(r.files.len());
    println!("\n{:>9} {:>8} {:>7}  FOLDER", "CHURN", "COMMITS", "FILES");
    for f in r.folders.iter().take(SHOWN) {
        let path = if f.path.is_empty() { "(root)" } else { &f.path };
        println!("{:>9} {:>8} {:>7}  {path}", f.churn, f.commits, f.files);
    }
    println!("{} files, {} folders", r.total_files, r.total_folders);
}

fn hotspots(r: &HotspotsReport) {
    println!("\n{:>10} {:>8} {:>7}  FILE", "SCORE", "COMMITS", "LINES");
    for h in r.hotspots.iter().take(SHOWN) {
        println!("{:>10} {:>8} {:>7}  {}", h.score, h.commits, h.lines, h.path);
    }
    more(r.hotspots.len());
    match r.size_source {
        SizeSource::Revision => println!("sizes: lines at {}", r.revision.as_deref().unwrap_or("?")),
        SizeSource::History => println!(
            "sizes: estimated from the history (added - deleted lines): {}",
            r.size_note.as_deref().unwrap_or("the folder could not be read")
        ),
    }
}

fn coupling(r: &CouplingReport) {
    println!("\n{:>6} {:>7}  FILES", "DEGREE", "SHARED");
    for p in r.pairs.iter().take(SHOWN) {
        println!("{:>6.2} {:>7}  {} <-> {}", p.degree, p.shared, p.a, p.b);
    }
    more(r.pairs.len());
    println!(
        "{} commits considered, {} skipped (more than {} files); pairs changed together at least {} times",
        r.commits_considered, r.commits_skipped, r.max_files_per_commit, r.min_shared
    );
}

fn ownership(r: &OwnershipReport) {
    println!("\n{:>4} {:>9} {:>7}  {:<40} TOP OWNER", "BUS", "LINES", "AUTHORS", "FOLDER");
    for f in r.folders.iter().take(SHOWN) {
        let path = if f.path.is_empty() { "(root)" } else { &f.path };
        let top = f.owners.first().map(|o| format!("{} ({:.0} %)", o.name, o.share * 100.0)).unwrap_or_default();
        println!("{:>4} {:>9} {:>7}  {path:<40} {top}", f.bus_factor, f.lines, f.authors);
    }
    more(r.folders.len());
    println!("bus factor: the fewest authors who changed more than half of a folder's lines");
}

fn techspec(r: &TechSpecReport) {
    println!(
        "\nat {}: {} files ({} binary, {} unrecognised)",
        r.revision, r.files, r.binary_files, r.unrecognised_files
    );
    println!("\n{:<20} {:>6} {:>9} {:>9} {:>8}", "LANGUAGE", "FILES", "CODE", "COMMENTS", "BLANKS");
    for l in r.languages.iter().take(SHOWN) {
        println!("{:<20} {:>6} {:>9} {:>9} {:>8}", l.language, l.files, l.code, l.comments, l.blanks);
    }
    more(r.languages.len());
    if !r.frameworks.is_empty() {
        let names: Vec<String> = r.frameworks.iter().map(|f| format!("{} ({})", f.name, f.manifest)).collect();
        println!("\nframeworks: {}", names.join(", "));
    }
    println!("\n{:<10} {:<40} {:<16} {:<10} MANIFEST", "ECOSYSTEM", "DEPENDENCY", "VERSION", "KIND");
    for d in r.dependencies.iter().take(SHOWN * 2) {
        let version = d.version.as_deref().unwrap_or("-");
        println!("{:<10} {:<40} {:<16} {:<10} {}", d.ecosystem, d.name, version, d.kind, d.manifest);
    }
    if r.dependencies.len() > SHOWN * 2 {
        println!("… {} more (--json for all)", r.dependencies.len() - SHOWN * 2);
    }
    println!("{} manifests, {} dependencies", r.manifests.len(), r.dependencies.len());
    for f in &r.failures {
        println!("could not parse {}: {}", f.path, f.error);
    }
}

fn structure(r: &StructureReport) {
    println!("\nat {}: {} files parsed", r.revision, r.files_parsed);
    println!("\n{:<12} {:>6} {:>9} {:>9} {:>8} {:>6}", "LANGUAGE", "FILES", "LINES", "FUNCTIONS", "METHODS", "TYPES");
    for l in &r.languages {
        println!("{:<12} {:>6} {:>9} {:>9} {:>8} {:>6}", l.language, l.files, l.lines, l.functions, l.methods, l.types);
    }
    println!("\nlargest functions\n{:>6} {:>5}  FUNCTION", "LINES", "DEPTH");
    for f in r.largest_functions.iter().take(10) {
        println!("{:>6} {:>5}  {} ({}:{})", f.lines, f.depth, f.name, f.path, f.start_line);
    }
    println!("\nmost nested functions\n{:>6} {:>5}  FUNCTION", "LINES", "DEPTH");
    for f in r.most_nested_functions.iter().take(10) {
        println!("{:>6} {:>5}  {} ({}:{})", f.lines, f.depth, f.name, f.path, f.start_line);
    }
    println!("{} files could not be parsed cleanly", r.parse_failures);
    for f in r.failures.iter().take(SHOWN) {
        println!("  {}: {}", f.path, f.error);
    }
    more(r.failures.len());
}
