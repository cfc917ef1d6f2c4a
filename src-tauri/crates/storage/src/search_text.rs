//! What the search indexes hold, computed in Rust so that SQLite and PostgreSQL index the very
//! same tokens and give the same answers:
//! - the words of a commit's message and changed paths (runs of letters and digits, lower-cased),
//!   exact for quoted phrases and `word*` prefixes, and their stems (Snowball English, the
//!   Porter2 stemmer) for bare words, so `segfault` finds "segfaults" and "segfaulted";
//! - the lines a commit adds and removes, for `change:`, `added:` and `removed:`.

use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};

/// A file's diff is searched by `change:` up to this many bytes of diff text (the size up to which
/// diffs are also kept in the database); larger diffs (generated data, lock files, vendored code)
/// and binary files are left out of the change index. Measured on the 20k-commit generated
/// repository: with a 1 MiB limit its 116 commits rewriting 350 KB data files held 58 of the 77 MB
/// of indexed text and made the store six times larger.
pub const CHANGE_TEXT_FILE_LIMIT: usize = crate::blob::INLINE_DIFF_LIMIT;

/// The version of the search index that this build writes; a repository whose `search_version`
/// is lower is re-indexed when the store opens.
pub const SEARCH_VERSION: i64 = 1;

fn stemmer() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::English))
}

/// The words of a text: runs of letters and digits, lower-cased.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// The stem of a lower-cased word.
pub fn stem(word: &str) -> String {
    stemmer().stem(word).into_owned()
}

/// The stems of a text's words, in order.
pub fn stems(text: &str) -> Vec<String> {
    words(text).iter().map(|w| stem(w)).collect()
}

/// What the word indexes hold for one commit: its words and their stems, each space-separated.
use std::collections::HashSet;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedWords {
    pub words: String,
    pub stems: String,
}

impl IndexedWords {
    /// The message, then the changed paths (split into words at `/ . _ -` like any other
    /// non-letter).
    pub fn of<'a>(message: &str, paths: impl IntoIterator<Item = &'a str>) -> IndexedWords {
        let mut all = words(message);
        for path in paths {
            all.extend(words(path));
        }
        let stems: Vec<String> = all.iter().map(|w| stem(w)).collect();
        IndexedWords { words: all.join(" "), stems: stems.join(" ") }
    }
}

/// What a commit gives the search indexes: its words, the lines it adds and removes, and (for
/// SQLite's change index) their distinct three-byte sequences. The writer works it out for a
/// commit that comes without it; an import's diff workers attach it
/// ([`NewCommit::index_parts`](crate::NewCommit::index_parts)) so that the one writer does not:
/// it was a quarter of the writer's time on pallets/flask, and the writer sets an import's pace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitIndexParts {
    pub words: IndexedWords,
    /// Over the commit's text files; `None` when it changes no lines.
    pub change_lines: Option<ChangeLines>,
    /// The distinct sequences of `change_lines`, when worked out.
    pub grams: Option<Vec<crate::change_grams::Gram>>,
}

impl CommitIndexParts {
    /// The parts of `commit` with these changes, each file's lines taken from its `change_lines`
    /// or read from its diff text; with the sequences when `grams` is given.
    pub fn of(
        commit: &crate::NewCommit,
        changes: &[crate::NewFileChange],
        grams: Option<&mut crate::change_grams::GramScratch>,
    ) -> CommitIndexParts {
        let mut files: Vec<std::borrow::Cow<'_, ChangeLines>> = Vec::new();
        for change in changes.iter().filter(|change| !change.is_binary) {
            match (&change.change_lines, &change.diff) {
                (Some(own), _) => files.push(std::borrow::Cow::Borrowed(own)),
                (None, Some(diff)) => files.extend(ChangeLines::of_diff(diff).map(std::borrow::Cow::Owned)),
                (None, None) => {}
            }
        }
        let lines = ChangeLines::merged(files.iter().map(|f| f.as_ref()));
        let change_lines = (!lines.is_empty()).then_some(lines);
        let grams =
            grams.zip(change_lines.as_ref()).map(|(scratch, lines)| scratch.commit_grams(&lines.added, &lines.removed));
        CommitIndexParts {
            words: IndexedWords::of(&commit.message, changes.iter().map(|c| c.path.as_str())),
            change_lines,
            grams,
        }
    }
}

/// The lines a diff adds and removes, without their `+`/`-`, each joined by newlines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeLines {
    pub added: String,
    pub removed: String,
}

impl ChangeLines {
    /// Reads a unified diff: lines after the first hunk header that start with `+` are added, with
    /// `-` removed (context, hunk headers and "\ No newline" markers are skipped). `None` for a
    /// diff over `CHANGE_TEXT_FILE_LIMIT`. NUL characters are dropped (PostgreSQL text has none).
    pub fn of_diff(diff: &[u8]) -> Option<ChangeLines> {
        if diff.len() > CHANGE_TEXT_FILE_LIMIT {
            return None;
        }
        let text = String::from_utf8_lossy(diff);
        let mut lines = ChangeLines::default();
        let mut in_hunk = false;
        for line in text.split('\n') {
            if line.starts_with("@@") {
                in_hunk = true;
                continue;
            }
            if !in_hunk {
                continue;
            }
            let line = line.strip_suffix('\r').unwrap_or(line);
            let target = match line.as_bytes().first() {
                Some(b'+') => &mut lines.added,
                Some(b'-') => &mut lines.removed,
                _ => continue,
            };
            if !target.is_empty() {
                target.push('\n');
            }
            let body = &line[1..];
            // Whole lines at once: pushing char by char was most of this function's time.
            if body.contains('\0') {
                target.extend(body.chars().filter(|&c| c != '\0'));
            } else {
                target.push_str(body);
            }
        }
        Some(lines)
    }

    /// One commit's lines from its files' lines, each distinct line once per side: a line that
    /// appears twice matches the same searches as once, and the index has less to read (a tenth
    /// of the trigrams of a real repository's changes).
    pub fn merged<'a>(files: impl IntoIterator<Item = &'a ChangeLines>) -> ChangeLines {
        let (mut added, mut removed) = (Vec::new(), Vec::new());
        let new_set = || HashSet::with_hasher(foldhash::fast::RandomState::default());
        let (mut seen_added, mut seen_removed) = (new_set(), new_set());
        for file in files {
            for (lines, text, seen) in
                [(&mut added, &file.added, &mut seen_added), (&mut removed, &file.removed, &mut seen_removed)]
            {
                if !text.is_empty() {
                    lines.extend(text.split('\n').filter(|line| seen.insert(*line)));
                }
            }
        }
        ChangeLines { added: added.join("\n"), removed: removed.join("\n") }
    }

    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_forms_share_a_stem() {
        for form in ["segfault", "segfaults", "segfaulting", "segfaulted", "SEGFAULTS"] {
            assert_eq!(stems(form), vec!["segfault".to_string()], "{form}");
        }
        assert_eq!(stems("caching caches cached"), vec!["cach", "cach", "cach"]);
        assert_ne!(stem("unicorn"), stem("unicode"));
    }

    #[test]
    fn indexed_words_cover_message_and_paths() {
        let indexed = IndexedWords::of("Fix the Parsers", ["src/turbo_charger.rs", "docs/READ-ME.md"]);
        assert_eq!(indexed.words, "fix the parsers src turbo charger rs docs read me md");
        assert_eq!(indexed.stems, "fix the parser src turbo charger rs doc read me md");
    }

    #[test]
    fn change_lines_come_from_hunks_only() {
        let diff = b"@@ -1,3 +1,3 @@\n context\n-old line\n+new line\n+--- not a header\n\\ No newline at end of file\n@@ -9 +9 @@\n-gone\x00\n";
        let lines = ChangeLines::of_diff(diff).unwrap();
        assert_eq!(lines.added, "new line\n--- not a header");
        assert_eq!(lines.removed, "old line\ngone");
        let other = ChangeLines { added: "more\nnew line\nmore".into(), removed: String::new() };
        let all = ChangeLines::merged([&lines, &other]);
        assert_eq!(all.added, "new line\n--- not a header\nmore", "each distinct line once, first seen first");
        assert_eq!(all.removed, "old line\ngone");
        assert!(ChangeLines::of_diff(&vec![b'+'; CHANGE_TEXT_FILE_LIMIT + 1]).is_none());
    }
}
