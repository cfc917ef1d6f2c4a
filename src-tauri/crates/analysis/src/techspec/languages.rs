//! Languages by files and lines: tokei decides the language (file name, extension, shebang) and
//! counts code, comment and blank lines.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use tokei::LanguageType;
use ts_rs::TS;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LanguageStats {
    pub language: String,
    #[ts(type = "number")]
    pub files: i64,
    #[ts(type = "number")]
    pub code: i64,
    #[ts(type = "number")]
    pub comments: i64,
    #[ts(type = "number")]
    pub blanks: i64,
    /// code + comments + blanks.
    #[ts(type = "number")]
    pub lines: i64,
}

/// The language of a file from its path, or for a file without an extension from its shebang line.
pub(crate) fn detect(path: &str, data: &[u8]) -> Option<LanguageType> {
    let p = Path::new(path);
    if p.extension().is_some() {
        return LanguageType::from_path(p, &tokei::Config::default());
    }
    // tokei's own shebang check opens the path on disk; the blob is in memory instead.
    if let Some(lang) = by_file_name(p) {
        return Some(lang);
    }
    shebang(data)
}

fn by_file_name(path: &Path) -> Option<LanguageType> {
    let name = path.file_name()?.to_str()?;
    match name {
        "Dockerfile" | "Containerfile" => Some(LanguageType::Dockerfile),
        "Makefile" | "makefile" | "GNUmakefile" => Some(LanguageType::Makefile),
        "CMakeLists.txt" => Some(LanguageType::CMake),
        "Gemfile" | "Rakefile" => Some(LanguageType::Ruby),
        "Jenkinsfile" => Some(LanguageType::Groovy),
        _ => None,
    }
}

fn shebang(data: &[u8]) -> Option<LanguageType> {
    let line = data.strip_prefix(b"#!")?;
    let line = &line[..line.iter().position(|b| *b == b'\n').unwrap_or(line.len())];
    let line = std::str::from_utf8(line).ok()?;
    let mut words = line.split_whitespace();
    let mut program = words.next()?.rsplit('/').next()?;
    if program == "env" {
        program = words.find(|w| !w.starts_with('-'))?;
    }
    let program = program.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    match program {
        "python" => Some(LanguageType::Python),
        "bash" | "sh" | "dash" | "ksh" => Some(LanguageType::Sh),
        "zsh" => Some(LanguageType::Zsh),
        "node" | "nodejs" => Some(LanguageType::JavaScript),
        "ruby" => Some(LanguageType::Ruby),
        "perl" => Some(LanguageType::Perl),
        "php" => Some(LanguageType::Php),
        _ => None,
    }
}

#[derive(Default)]
pub(crate) struct Totals(HashMap<&'static str, LanguageStats>);

impl Totals {
    pub(crate) fn add(&mut self, name: &'static str, stats: &tokei::CodeStats) {
        let stats = stats.summarise();
        let entry =
            self.0.entry(name).or_insert_with(|| LanguageStats { language: name.to_string(), ..Default::default() });
        entry.files += 1;
        entry.code += stats.code as i64;
        entry.comments += stats.comments as i64;
        entry.blanks += stats.blanks as i64;
        entry.lines += (stats.code + stats.comments + stats.blanks) as i64;
    }

    pub(crate) fn into_sorted(self) -> Vec<LanguageStats> {
        let mut all: Vec<_> = self.0.into_values().collect();
        all.sort_by(|a, b| b.code.cmp(&a.code).then_with(|| a.language.cmp(&b.language)));
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_names_and_shebangs() {
        assert_eq!(detect("src/main.rs", b"fn main() {}"), Some(LanguageType::Rust));
        assert_eq!(detect("web/app.tsx", b""), Some(LanguageType::Tsx));
        assert_eq!(detect("bin/tool", b"#!/usr/bin/env python3\nprint(1)\n"), Some(LanguageType::Python));
        assert_eq!(detect("Dockerfile", b"FROM rust\n"), Some(LanguageType::Dockerfile));
        assert_eq!(detect("LICENSE", b"MIT"), None);
    }
}
