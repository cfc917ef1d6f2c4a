//! The tech spec of a revision: languages by files and lines (tokei's language table and line
//! counter, run on blobs read with gix) and dependencies and frameworks read from manifests with
//! real parsers. A file that fails to parse is counted and named, never fatal.

mod frameworks;
mod languages;
mod manifests;

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use languages::LanguageStats;
pub use manifests::Dependency;

use crate::error::Result;
use crate::progress::{CancelToken, Progress};
use crate::tree::{is_binary, RevisionTree};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Framework {
    pub name: String,
    /// cargo, npm, pypi, go, maven, gradle, rubygems, composer or docker.
    pub ecosystem: String,
    /// The manifest that names it.
    pub manifest: String,
}

/// A file that could not be read as what its name says (a manifest that does not parse).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ParseFailure {
    pub path: String,
    pub error: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TechSpecReport {
    /// The commit read.
    pub revision: String,
    #[ts(type = "number")]
    pub files: i64,
    #[ts(type = "number")]
    pub binary_files: i64,
    /// Text files no language was recognised for.
    #[ts(type = "number")]
    pub unrecognised_files: i64,
    /// Most lines of code first.
    pub languages: Vec<LanguageStats>,
    /// Manifests read (paths), sorted.
    pub manifests: Vec<String>,
    pub dependencies: Vec<Dependency>,
    pub frameworks: Vec<Framework>,
    #[ts(type = "number")]
    pub parse_failures: i64,
    pub failures: Vec<ParseFailure>,
}

/// What reading one file gave.
enum FileResult {
    Binary,
    Text { language: Option<(&'static str, tokei::CodeStats)>, manifest: Option<Result<Vec<Dependency>, String>> },
}

pub(crate) fn techspec_at(path: &Path, rev: &str, progress: &Progress, cancel: &CancelToken) -> Result<TechSpecReport> {
    let tree = RevisionTree::open(path, rev)?;
    let files: Vec<_> = tree.files.iter().collect();
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    let config = tokei::Config::default();
    let results = tree.map_files(&files, threads, progress, cancel, |file, data| {
        if is_binary(data) {
            return FileResult::Binary;
        }
        let language =
            languages::detect(&file.path, data).map(|lang| (lang.name(), lang.parse_from_slice(data, &config)));
        let manifest = manifests::kind_of(&file.path).map(|kind| manifests::parse(kind, &file.path, data));
        FileResult::Text { language, manifest }
    })?;

    let mut report = TechSpecReport {
        revision: tree.commit.clone(),
        files: files.len() as i64,
        binary_files: 0,
        unrecognised_files: 0,
        languages: Vec::new(),
        manifests: Vec::new(),
        dependencies: Vec::new(),
        frameworks: Vec::new(),
        parse_failures: 0,
        failures: Vec::new(),
    };
    let mut by_language = languages::Totals::default();
    for (file, result) in files.iter().zip(results) {
        match result {
            FileResult::Binary => report.binary_files += 1,
            FileResult::Text { language, manifest } => {
                match language {
                    Some((name, stats)) => by_language.add(name, &stats),
                    None => report.unrecognised_files += 1,
                }
                match manifest {
                    Some(Ok(deps)) => {
                        report.manifests.push(file.path.clone());
                        report.dependencies.extend(deps);
                    }
                    Some(Err(error)) => report.failures.push(ParseFailure { path: file.path.clone(), error }),
                    None => {}
                }
            }
        }
    }
    report.languages = by_language.into_sorted();
    report.frameworks = frameworks::detect(&report.dependencies);
    report.parse_failures = report.failures.len() as i64;
    Ok(report)
}
