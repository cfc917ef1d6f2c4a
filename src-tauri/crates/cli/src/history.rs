//! `graph`, `file-log` and `compare`: the history walks over the stored parents.

use repovault_storage::{ErrorCode, ErrorPayload, GraphPage, PathChange, Store};

use crate::{pick_repository, CliError};

#[derive(clap::Args)]
pub(crate) struct GraphArgs {
    #[arg(long)]
    repo: Option<String>,
    /// Only the commits this branch or tag reaches (default: every stored commit).
    #[arg(long)]
    branch: Option<String>,
    #[arg(long, default_value_t = 0)]
    offset: i64,
    #[arg(long, default_value_t = 50)]
    limit: u32,
}

#[derive(clap::Args)]
pub(crate) struct FileLogArgs {
    /// The file's path at the newest revision.
    path: String,
    #[arg(long)]
    repo: Option<String>,
    /// Only commits this branch, tag or commit reaches (default: every stored commit).
    #[arg(long)]
    rev: Option<String>,
}

#[derive(clap::Args)]
pub(crate) struct CompareArgs {
    /// The left revision (branch, tag, hash, REV~N, REV^N).
    left: String,
    /// The right revision.
    right: String,
    #[arg(long)]
    repo: Option<String>,
    /// Files from the merge base to the right (`A...B`) rather than from the left (`A..B`).
    #[arg(long)]
    three_dot: bool,
    /// Print only this file's diff (`git diff A..B -- PATH`, or `A...B` with --three-dot).
    #[arg(long, value_name = "PATH")]
    diff: Option<String>,
}

#[derive(clap::Args)]
pub(crate) struct BlameArgs {
    /// The file's path at the revision.
    path: String,
    #[arg(long)]
    repo: Option<String>,
    /// The revision (branch, tag, hash, REV~N, REV^N); default HEAD (main or master).
    #[arg(long)]
    rev: Option<String>,
}

pub(crate) async fn blame(store: &dyn Store, args: &BlameArgs, json: bool) -> Result<(), CliError> {
    let repo = pick_repository(store, args.repo.as_deref()).await?;
    let b = repovault_app::history::blame(store, &repo.name, &args.path, args.rev.as_deref())
        .await
        .map_err(CliError::Payload)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&b).expect("values serialise"));
        return Ok(());
    }
    if b.binary {
        println!("{} is a binary file at {}", b.path, &b.hash[..12]);
        return Ok(());
    }
    let by_hash: std::collections::HashMap<&str, &repovault_storage::Commit> =
        b.commits.iter().map(|c| (c.hash.as_str(), c)).collect();
    for line in &b.lines {
        let (author, date) = by_hash
            .get(line.commit.as_str())
            .map(|c| {
                let date = chrono::DateTime::from_timestamp(c.author.time, 0).map(|d| d.format("%Y-%m-%d").to_string());
                (c.author.name.as_str(), date.unwrap_or_default())
            })
            .unwrap_or(("?", String::new()));
        println!("{} ({author:<16.16} {date} {:>5}) {}", &line.commit[..12], line.line, line.text);
    }
    Ok(())
}

#[derive(clap::Args)]
pub(crate) struct LineLogArgs {
    /// PATH:START,END (1-based, inclusive), as `git log -L START,END:PATH` takes it reversed.
    spec: String,
    #[arg(long)]
    repo: Option<String>,
    /// The revision the lines are numbered at; default HEAD (main or master).
    #[arg(long)]
    rev: Option<String>,
}

/// `PATH:START,END` split; the path may itself hold ':'.
fn parse_line_spec(spec: &str) -> Result<(String, u32, u32), repovault_storage::StoreError> {
    let bad = || repovault_storage::StoreError::validation("lines", format!("{spec:?} is not PATH:START,END"));
    let (path, range) = spec.rsplit_once(':').ok_or_else(bad)?;
    let (start, end) = range.split_once(',').ok_or_else(bad)?;
    let start: u32 = start.trim().parse().map_err(|_| bad())?;
    let end: u32 = end.trim().parse().map_err(|_| bad())?;
    if path.is_empty() {
        return Err(bad());
    }
    Ok((path.to_string(), start, end))
}

pub(crate) async fn line_log(store: &dyn Store, args: &LineLogArgs, json: bool) -> Result<(), CliError> {
    let repo = pick_repository(store, args.repo.as_deref()).await?;
    let (path, start, end) = parse_line_spec(&args.spec)?;
    let h = repovault_app::history::line_history(store, &repo.name, &path, start, end, args.rev.as_deref())
        .await
        .map_err(CliError::Payload)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&h).expect("values serialise"));
        return Ok(());
    }
    for commit in &h.commits {
        let summary = commit.message.lines().next().unwrap_or("");
        println!("{} {:<16.16} {summary}", &commit.hash[..12], commit.author.name);
    }
    Ok(())
}

pub(crate) async fn graph(store: &dyn Store, args: &GraphArgs, json: bool) -> Result<(), CliError> {
    let repo = pick_repository(store, args.repo.as_deref()).await?;
    let page = store.graph_page(repo.id, args.branch.as_deref(), args.offset, args.limit).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&page).expect("values serialise"));
        return Ok(());
    }
    print!("{}", draw(&page));
    Ok(())
}

/// The graph as text, one line per commit: `*` the commit, `|` a lane passing by.
pub(crate) fn draw(page: &GraphPage) -> String {
    let mut out = String::new();
    for row in &page.rows {
        let mut cells = vec![' '; page.width as usize];
        for lane in &row.pass {
            cells[*lane as usize] = '|';
        }
        cells[row.lane as usize] = '*';
        let merge = if row.bottom.len() > 1 { "  (merge)" } else { "" };
        out.push_str(&format!("{} {}{merge}\n", cells.iter().collect::<String>().trim_end_matches(' '), row.hash));
    }
    out
}

pub(crate) async fn file_log(store: &dyn Store, args: &FileLogArgs, json: bool) -> Result<(), CliError> {
    let repo = pick_repository(store, args.repo.as_deref()).await?;
    let changes = store.file_history(repo.id, &args.path, args.rev.as_deref()).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&changes).expect("values serialise"));
        return Ok(());
    }
    if changes.is_empty() {
        println!("no stored commit changed {}", args.path);
    }
    for change in &changes {
        println!("{}", file_line(change));
    }
    Ok(())
}

fn file_line(change: &PathChange) -> String {
    let count = |n: Option<i64>| n.map_or("-".to_string(), |n| n.to_string());
    let path = match &change.old_path {
        Some(old) => format!("{old} => {}", change.path),
        None => change.path.clone(),
    };
    let lines = if change.is_binary {
        "binary".to_string()
    } else {
        format!("+{} -{}", count(change.additions), count(change.deletions))
    };
    format!("{} {:<11} {lines:<12} {path}", &change.hash[..12.min(change.hash.len())], change.kind.as_str())
}

pub(crate) async fn compare(store: &dyn Store, args: &CompareArgs, json: bool) -> Result<(), CliError> {
    let repo = pick_repository(store, args.repo.as_deref()).await?;
    let c = repovault_app::history::compare(store, &repo.name, &args.left, &args.right, args.three_dot)
        .await
        .map_err(CliError::Payload)?;
    if let Some(path) = &args.diff {
        let from = if c.three_dot { c.merge_bases.first().cloned() } else { Some(c.left_hash.clone()) };
        let Some(from) = from else {
            return Err(CliError::Payload(ErrorPayload::new(
                ErrorCode::NotFound,
                format!("{} and {} have no common ancestor, so there is no three-dot diff", c.left, c.right),
            )));
        };
        let change = repovault_app::history::compare_file_diff(store, &repo.name, &from, &c.right_hash, path)
            .await
            .map_err(CliError::Payload)?;
        if json {
            println!("{}", serde_json::to_string_pretty(&change).expect("values serialise"));
        } else if change.is_binary {
            println!("{path}: binary file changed");
        } else {
            print!("{}", change.diff.as_deref().unwrap_or(""));
        }
        return Ok(());
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&c).expect("values serialise"));
        return Ok(());
    }
    println!("{}...{}: {} only in {}, {} only in {}", c.left, c.right, c.left_only, c.left, c.right_only, c.right);
    println!("merge base: {}", if c.merge_bases.is_empty() { "none".to_string() } else { c.merge_bases.join(" ") });
    for (side, commits) in [(&c.left, &c.left_commits), (&c.right, &c.right_commits)] {
        for commit in commits {
            let summary = commit.message.lines().next().unwrap_or("");
            println!("{side:>12} {} {summary}", &commit.hash[..12]);
        }
    }
    match &c.files {
        Some(files) => {
            let dots = if c.three_dot { "..." } else { ".." };
            println!("files ({}{dots}{}):", c.left, c.right);
            for f in files {
                let count = |n: Option<i64>| n.map_or("-".to_string(), |n| n.to_string());
                let path = match &f.old_path {
                    Some(old) => format!("{old} => {}", f.path),
                    None => f.path.clone(),
                };
                println!("{}\t{}\t{path}", count(f.additions), count(f.deletions));
            }
        }
        None => println!("files: {}", c.files_note.as_deref().unwrap_or("not available")),
    }
    Ok(())
}
