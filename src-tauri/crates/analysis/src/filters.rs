//! What the history analyses leave out: path globs (`include`, `exclude`) and author patterns
//! (`exclude_authors`), the defaults per kind, the regular expressions storage applies in SQL, and
//! the counts of what was left out.
//!
//! A path glob is matched against the path as recorded (relative to the repository root, `/`
//! between folders), like a line of a `.gitignore`:
//! - `*` matches any text within one folder or file name, `?` one character of it;
//! - `**` as a whole segment matches any number of folders (`docs/**`, `**/test`, `a/**/b`);
//!   elsewhere it is a `*`;
//! - a pattern without a `/` (a trailing one aside) matches a file or folder name at any depth
//!   (`*.lock`, `CHANGELOG.md`, `node_modules`); with one, it starts at the root (`src/runtime`,
//!   `/Makefile`);
//! - a pattern matches a path when it matches the path or one of its folders, so `docs`, `docs/`
//!   and `docs/**` all take everything under `docs`; with a trailing `/` only folders match;
//! - every other character matches itself, `[` and `]` included (`pages/[id].tsx`); there are no
//!   character classes and no escapes.
//!
//! So `P` means what git's pathspecs `:(glob)**/P` and `:(glob)**/P/**` mean together when `P`
//! has no `/`, and `:(glob)P` and `:(glob)P/**` when it has one.
//!
//! An author pattern matches a whole name or a whole e-mail, in any case; `*` matches any text
//! (`*[bot]*`, `dependabot*`, `ann@example.com`). It is checked against the stored identity (after
//! `.mailmap`) and against the identity the user's aliases make of it.

use std::collections::BTreeSet;

use repovault_storage::{HistoryFilter, HistoryScope, Identity, Store};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{AnalysisError, Result};
use crate::params::AnalysisParams;
use crate::AnalysisKind;

/// Lock files and folders of generated or vendored code: left out of churn, hotspots and coupling
/// unless `default_excludes` is off.
pub const DEFAULT_PATH_EXCLUDES: &[&str] = &[
    "*.lock",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "pnpm-lock.yaml",
    "go.sum",
    "node_modules/",
    "bower_components/",
    "vendor/",
    "dist/",
    "*.min.js",
    "*.min.css",
];

/// Bots: left out of authors and ownership unless `default_excludes` is off.
pub const DEFAULT_AUTHOR_EXCLUDES: &[&str] = &["*[bot]*", "dependabot*"];

/// Most patterns in one list, and the longest pattern.
const MAX_PATTERNS: usize = 200;
const MAX_PATTERN_LEN: usize = 1000;

/// What the filters left out of a history analysis (the filters are the run's parameters).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LeftOut {
    /// Identities the author patterns matched, with their commits, most first.
    pub authors: Vec<LeftOutAuthor>,
    /// All the commits of those identities in the history analysed.
    #[ts(type = "number")]
    pub author_commits: i64,
    /// Churn, hotspots, coupling, ownership: paths the path filters left out (of the commits of
    /// the authors kept), and the lines added + deleted in them (not counted by coupling).
    #[ts(type = "number")]
    pub files: i64,
    #[ts(type = "number")]
    pub lines: i64,
    /// Authors, activity: commits of the authors kept none of whose changes the path filters keep.
    /// With `author_commits` and the commits counted, this adds up to every commit analysed.
    #[ts(type = "number")]
    pub commits: i64,
}

/// One identity (as stored) the author patterns left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LeftOutAuthor {
    pub name: String,
    pub email: String,
    #[ts(type = "number")]
    pub commits: i64,
}

impl AnalysisKind {
    /// The kinds that read the stored history, and so take path and author filters.
    pub fn reads_history(self) -> bool {
        !matches!(self, AnalysisKind::Techspec | AnalysisKind::Structure)
    }

    /// The path globs a kind leaves out by default.
    pub fn default_excludes(self) -> &'static [&'static str] {
        match self {
            AnalysisKind::Churn | AnalysisKind::Hotspots | AnalysisKind::Coupling => DEFAULT_PATH_EXCLUDES,
            _ => &[],
        }
    }

    /// The author patterns a kind leaves out by default.
    pub fn default_author_excludes(self) -> &'static [&'static str] {
        match self {
            AnalysisKind::Authors | AnalysisKind::Ownership => DEFAULT_AUTHOR_EXCLUDES,
            _ => &[],
        }
    }
}

/// Patterns trimmed, blanks dropped, each once in the order given, then `defaults` not given yet.
pub(crate) fn merged(given: &[String], defaults: &[&str]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    given
        .iter()
        .map(|p| p.trim())
        .chain(defaults.iter().copied())
        .filter(|p| !p.is_empty() && seen.insert(p.to_string()))
        .map(str::to_string)
        .collect()
}

/// Checks every pattern of the parameters (each path glob must translate).
pub(crate) fn validate(params: &AnalysisParams) -> Result<()> {
    for (field, patterns) in
        [("include", &params.include), ("exclude", &params.exclude), ("exclude_authors", &params.exclude_authors)]
    {
        if patterns.len() > MAX_PATTERNS {
            return Err(AnalysisError::validation(field, format!("at most {MAX_PATTERNS} patterns")));
        }
        for pattern in patterns {
            if pattern.len() > MAX_PATTERN_LEN || pattern.contains('\0') {
                return Err(AnalysisError::validation(
                    field,
                    format!("{pattern:?} is not a pattern (at most {MAX_PATTERN_LEN} characters, no NUL)"),
                ));
            }
            if field != "exclude_authors" && !pattern.trim().is_empty() {
                glob_regex(pattern.trim()).map_err(|reason| AnalysisError::validation(field, reason))?;
            }
        }
    }
    Ok(())
}

/// The storage filter for (resolved) parameters: one regular expression per pattern.
pub(crate) fn history_filter(params: &AnalysisParams) -> Result<HistoryFilter> {
    Ok(HistoryFilter {
        include_paths: paths_regexes("include", &params.include)?,
        exclude_paths: paths_regexes("exclude", &params.exclude)?,
        exclude_authors: authors_regexes(&params.exclude_authors, params.aliases.iter())?,
    })
}

/// The authors the filters of `scope` left out, with their commits.
pub(crate) async fn left_out_authors(store: &dyn Store, scope: &HistoryScope) -> Result<LeftOut> {
    let authors = store.left_out_authors(scope).await?;
    Ok(LeftOut {
        author_commits: authors.iter().map(|a| a.commits).sum(),
        authors: authors
            .into_iter()
            .map(|a| LeftOutAuthor { name: a.name, email: a.email, commits: a.commits })
            .collect(),
        ..LeftOut::default()
    })
}

/// The authors left out, and the commits of the others that the path filters left out whole:
/// every commit in scope but the `counted` ones (for authors and activity).
pub(crate) async fn left_out_commits(store: &dyn Store, scope: &HistoryScope, counted: i64) -> Result<LeftOut> {
    let mut out = left_out_authors(store, scope).await?;
    if scope.filter.filters_paths() {
        out.commits = store.commits_in_scope(scope).await? - counted;
    }
    Ok(out)
}

/// Adds a path the path filters left out (seen once per row; a path counts once).
pub(crate) fn count_left_out_path<'a>(
    seen: &mut std::collections::HashSet<&'a str>,
    out: &mut LeftOut,
    path: &'a str,
    lines: i64,
) {
    if seen.insert(path) {
        out.files += 1;
    }
    out.lines += lines;
}

/// The path globs as regular expressions.
fn paths_regexes(field: &str, globs: &[String]) -> Result<Vec<String>> {
    globs.iter().map(|g| glob_regex(g.trim()).map_err(|reason| AnalysisError::validation(field, reason))).collect()
}

/// The author patterns as case-insensitive regular expressions over a whole name or e-mail, and
/// the e-mails the user aliased to an identity they match (so an alias goes with its person).
fn authors_regexes<'a>(
    patterns: &[String],
    aliases: impl Iterator<Item = (&'a String, &'a Identity)>,
) -> Result<Vec<String>> {
    let mut regexes: Vec<String> = patterns
        .iter()
        .map(|p| format!("(?i)^{}$", p.trim().split('*').map(escaped).collect::<Vec<_>>().join(".*")))
        .collect();
    if regexes.is_empty() {
        return Ok(regexes);
    }
    let matcher =
        regex::RegexSet::new(&regexes).map_err(|e| AnalysisError::validation("exclude_authors", e.to_string()))?;
    let aliased: Vec<String> = aliases
        .filter(|(_, who)| matcher.is_match(&who.name) || matcher.is_match(&who.email))
        .map(|(email, _)| format!("(?i)^{}$", escaped(email.trim())))
        .collect();
    regexes.extend(aliased);
    Ok(regexes)
}

/// One path glob as a regular expression matching the whole path (see the module's rules).
fn glob_regex(glob: &str) -> std::result::Result<String, String> {
    let folders_only = glob.ends_with('/');
    let body = glob.trim_end_matches('/');
    let rooted = body.starts_with('/');
    let body = body.trim_start_matches('/');
    if body.is_empty() {
        return Err(format!("{glob:?} names no file or folder"));
    }
    let segments: Vec<&str> = body.split('/').collect();
    if let Some(bad) = segments.iter().find(|s| s.is_empty() || **s == "." || **s == "..") {
        return Err(format!("{glob:?} has an empty, `.` or `..` part ({bad:?}); write paths from the repository root"));
    }
    let mut regex = String::from("^");
    if !rooted && segments.len() == 1 {
        regex.push_str("(?:.*/)?");
    }
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        if *segment == "**" {
            regex.push_str(if last { ".*" } else { "(?:.*/)?" });
            continue;
        }
        let mut star = false;
        for c in segment.chars() {
            match c {
                '*' if star => {}
                '*' => regex.push_str("[^/]*"),
                '?' => regex.push_str("[^/]"),
                c => regex.push_str(&escaped(&c.to_string())),
            }
            star = c == '*';
        }
        if !last {
            regex.push('/');
        }
    }
    regex.push_str(if folders_only { "/.*$" } else { "(?:/.*)?$" });
    Ok(regex)
}

/// Text as a regular expression matching itself, escaping only what is special to Rust's regex
/// crate or PostgreSQL's engine.
fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(glob: &str, path: &str) -> bool {
        regex::Regex::new(&glob_regex(glob).unwrap()).unwrap().is_match(path)
    }

    #[test]
    fn a_name_matches_at_any_depth_and_a_path_from_the_root() {
        for path in ["Cargo.lock", "web/yarn.lock", "a/b/c/poetry.lock"] {
            assert!(matches("*.lock", path), "{path}");
        }
        assert!(!matches("*.lock", "lockfile.txt"));
        assert!(!matches("*.lock", "Cargo.lock.bak"));
        assert!(matches("CHANGELOG.md", "CHANGELOG.md") && matches("CHANGELOG.md", "docs/CHANGELOG.md"));
        assert!(!matches("CHANGELOG.md", "OLD_CHANGELOG.md"));
        assert!(matches("src/runtime", "src/runtime/gc.rs") && matches("src/runtime", "src/runtime"));
        assert!(!matches("src/runtime", "lib/src/runtime/gc.rs"));
        assert!(!matches("src/runtime", "src/runtimes/x.rs"));
        assert!(matches("/Makefile", "Makefile") && !matches("/Makefile", "sub/Makefile"));
    }

    #[test]
    fn stars_stay_in_a_segment_and_double_stars_cross_folders() {
        assert!(matches("src/*.rs", "src/main.rs"));
        assert!(!matches("src/*.rs", "src/bin/main.rs"));
        assert!(matches("src/**/*.rs", "src/main.rs") && matches("src/**/*.rs", "src/a/b/main.rs"));
        assert!(matches("docs/**", "docs/a/b.md") && !matches("docs/**", "docs"));
        assert!(matches("**/test", "test/a.rs") && matches("**/test", "a/b/test/c.rs"));
        assert!(matches("a/**/b", "a/b") && matches("a/**/b", "a/x/y/b/z"));
        assert!(matches("file_?.rs", "src/file_1.rs") && !matches("file_?.rs", "src/file_10.rs"));
        assert!(matches("a**b", "axxb") && !matches("a**b", "ax/xb"), "`**` inside a name is `*`");
    }

    #[test]
    fn a_pattern_takes_the_folders_it_names_and_a_slash_only_folders() {
        assert!(matches("node_modules/", "web/node_modules/react/index.js"));
        assert!(!matches("node_modules/", "node_modules"), "a file of that name is not a folder");
        assert!(matches("vendor", "vendor") && matches("vendor", "go/vendor/x.go"));
        assert!(matches("src/*", "src/a/b.rs"), "src/a is matched, so is what is in it");
    }

    #[test]
    fn other_characters_match_themselves() {
        assert!(matches("pages/[id].tsx", "pages/[id].tsx") && !matches("pages/[id].tsx", "pages/i.tsx"));
        assert!(matches("a+b (1).txt", "a+b (1).txt") && !matches("a.b", "axb"));
        assert!(!matches("한글/*.md", "docs/한글/설명.md") && matches("docs/한글/*", "docs/한글/설명.md"));
        assert!(matches("$x^{y}|z", "$x^{y}|z"));
    }

    #[test]
    fn bad_globs_are_named() {
        for bad in ["/", "", "a//b", "../x", "a/./b"] {
            assert!(glob_regex(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn author_patterns_match_whole_names_or_emails_in_any_case() {
        let alias = ("old@home.example".to_string(), Identity { name: "Ann".into(), email: "ann@example.com".into() });
        let patterns = ["*[BOT]*".into(), "dependabot*".into(), "ann".into()];
        let regexes = authors_regexes(&patterns, [(&alias.0, &alias.1)].into_iter()).unwrap();
        assert_eq!(regexes.len(), 4, "Ann's alias is a fourth");
        // As SQLite gets them: joined into one.
        let joined: Vec<String> = regexes.iter().map(|r| format!("(?:{r})")).collect();
        let regex = regex::Regex::new(&joined.join("|")).unwrap();
        for yes in [
            "dependabot[bot]",
            "renovate[bot]",
            "49699333+dependabot[bot]@users.noreply.github.com",
            "Dependabot",
            "ANN",
            "old@home.example",
        ] {
            assert!(regex.is_match(yes), "{yes}");
        }
        for no in ["Anna", "robot", "bot", "ann@example.com.au"] {
            assert!(!regex.is_match(no), "{no}");
        }
        assert!(authors_regexes(&[], std::iter::empty()).unwrap().is_empty());
    }

    /// Writes `analysisDefaults.ts` beside the ts-rs bindings (`TS_RS_EXPORT_DIR`): the app shows
    /// each kind's defaults beside its filter fields; the test script fails when it is out of date.
    #[test]
    fn writes_the_defaults_for_the_ui() {
        let defaults: serde_json::Map<String, serde_json::Value> = AnalysisKind::ALL
            .iter()
            .map(|k| {
                let value = serde_json::json!({"exclude": k.default_excludes(), "exclude_authors": k.default_author_excludes()});
                (k.as_str().to_string(), value)
            })
            .collect();
        let Ok(dir) = std::env::var("TS_RS_EXPORT_DIR") else { return };
        let json = serde_json::to_string_pretty(&defaults).unwrap();
        let text = format!(
            "// Generated from the default exclusions in src-tauri/crates/analysis/src/filters.rs; do not\n\
             // edit (`cargo test` rewrites it).\n\
             import type {{ AnalysisKind }} from \"./AnalysisKind\";\n\n\
             /** What each kind leaves out unless `default_excludes` is off. */\n\
             export const DEFAULT_EXCLUDES: Record<AnalysisKind, {{ exclude: readonly string[]; exclude_authors: readonly string[] }}> = {json};\n"
        );
        std::fs::write(std::path::Path::new(&dir).join("analysisDefaults.ts"), text).unwrap();
    }

    #[test]
    fn defaults_come_after_the_given_patterns_once() {
        let given = vec![" go.sum ".to_string(), "docs/**".to_string(), String::new(), "docs/**".to_string()];
        let all = merged(&given, DEFAULT_PATH_EXCLUDES);
        assert_eq!(&all[..2], ["go.sum", "docs/**"]);
        assert_eq!(all.len(), 1 + DEFAULT_PATH_EXCLUDES.len());
        assert!(DEFAULT_PATH_EXCLUDES.iter().all(|g| glob_regex(g).is_ok()));
    }
}
