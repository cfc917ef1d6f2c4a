//! Code structure at a revision, parsed with tree-sitter grammars (Rust, Python, JavaScript,
//! TypeScript/TSX, Go, Java): functions, methods and types per file with their line spans and
//! nesting, totals per language, and the largest and most nested functions. A file with syntax
//! errors is still measured (tree-sitter recovers) and is named among the failures.

mod languages;

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
use crate::progress::{CancelToken, Progress};
use crate::techspec::ParseFailure;
use crate::tree::RevisionTree;
use languages::{name_of, Lang};

/// Files larger than this are not parsed (generated or minified code); they are named as failures.
pub const MAX_PARSE_BYTES: usize = 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum DefinitionKind {
    Function,
    Method,
    Class,
    Struct,
    Interface,
    Enum,
}

impl DefinitionKind {
    pub fn is_function(self) -> bool {
        matches!(self, DefinitionKind::Function | DefinitionKind::Method)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Definition {
    pub kind: DefinitionKind,
    pub name: String,
    /// 1-based, inclusive.
    pub start_line: u32,
    pub end_line: u32,
    /// Definitions it sits in (0: top level; a method in a class: 1).
    pub level: u32,
    /// For functions and methods: the deepest nesting of control flow (if, loops, match/switch,
    /// try) inside; 0 for straight-line code.
    pub depth: u32,
}

impl Definition {
    pub fn lines(&self) -> u32 {
        self.end_line - self.start_line + 1
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FileStructure {
    pub path: String,
    pub language: String,
    pub lines: u32,
    pub functions: u32,
    pub methods: u32,
    /// Classes, structs, interfaces and enums.
    pub types: u32,
    /// The deepest control-flow nesting in the file's functions.
    pub max_depth: u32,
    pub has_errors: bool,
    /// The first line with a syntax error, when there is one.
    pub first_error_line: Option<u32>,
    pub definitions: Vec<Definition>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LanguageStructure {
    pub language: String,
    #[ts(type = "number")]
    pub files: i64,
    #[ts(type = "number")]
    pub lines: i64,
    #[ts(type = "number")]
    pub functions: i64,
    #[ts(type = "number")]
    pub methods: i64,
    #[ts(type = "number")]
    pub types: i64,
}

/// A function or method in a ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FunctionRef {
    pub path: String,
    pub name: String,
    pub kind: DefinitionKind,
    pub start_line: u32,
    pub end_line: u32,
    pub lines: u32,
    pub depth: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StructureReport {
    pub revision: String,
    /// Files in a supported language that were parsed.
    #[ts(type = "number")]
    pub files_parsed: i64,
    pub languages: Vec<LanguageStructure>,
    /// By path.
    pub files: Vec<FileStructure>,
    /// Most lines first, at most `limit`.
    pub largest_functions: Vec<FunctionRef>,
    /// Deepest nesting first, at most `limit`.
    pub most_nested_functions: Vec<FunctionRef>,
    /// Files with syntax errors, too large to parse, or not UTF-8.
    #[ts(type = "number")]
    pub parse_failures: i64,
    pub failures: Vec<ParseFailure>,
}

thread_local! {
    // One parser per grammar per thread: parsers are reusable but not shareable.
    static PARSERS: RefCell<HashMap<Lang, tree_sitter::Parser>> = RefCell::new(HashMap::new());
}

/// One file's structure, or why it could not be parsed at all.
pub(crate) fn parse_file(lang: Lang, path: &str, source: &[u8]) -> std::result::Result<FileStructure, String> {
    if source.len() > MAX_PARSE_BYTES {
        return Err(format!("{} bytes, larger than the {MAX_PARSE_BYTES}-byte parse limit", source.len()));
    }
    let tree = PARSERS.with(|parsers| {
        let mut parsers = parsers.borrow_mut();
        let parser = match parsers.entry(lang) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let mut parser = tree_sitter::Parser::new();
                parser.set_language(&lang.grammar()).map_err(|e| format!("grammar: {e}"))?;
                e.insert(parser)
            }
        };
        parser.parse(source, None).ok_or_else(|| "the parser gave up".to_string())
    })?;
    let root = tree.root_node();
    let mut file = FileStructure {
        path: path.to_string(),
        language: lang.name().to_string(),
        lines: crate::tree::line_count(source) as u32,
        functions: 0,
        methods: 0,
        types: 0,
        max_depth: 0,
        has_errors: root.has_error(),
        first_error_line: if root.has_error() { first_error(root) } else { None },
        definitions: Vec::new(),
    };
    walk(lang, root, source, &mut file.definitions);
    for def in &file.definitions {
        match def.kind {
            DefinitionKind::Function => file.functions += 1,
            DefinitionKind::Method => file.methods += 1,
            _ => file.types += 1,
        }
        if def.kind.is_function() {
            file.max_depth = file.max_depth.max(def.depth);
        }
    }
    Ok(file)
}

/// What entering a node pushed, undone when leaving it.
enum Entered {
    Nothing,
    Definition { index: usize, control_base: u32 },
    MethodContainer,
    Control,
}

/// Walks the tree with one cursor (no recursion: deep trees do not grow the stack).
fn walk(lang: Lang, root: tree_sitter::Node, source: &[u8], defs: &mut Vec<Definition>) {
    // Enclosing scopes: Some(index of a definition) or None for a method container.
    let mut scopes: Vec<Option<usize>> = Vec::new();
    // Innermost function definitions with the control depth where they started.
    let mut functions: Vec<(usize, u32)> = Vec::new();
    let mut control: u32 = 0;
    let mut entered: Vec<Entered> = Vec::new();
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        let in_type = match scopes.last() {
            Some(Some(i)) => !defs[*i].kind.is_function(),
            Some(None) => true,
            None => false,
        };
        // Keyword tokens share names with node kinds (`class`, `function`): only named nodes count.
        let action = if !node.is_named() {
            Entered::Nothing
        } else if let Some(kind) = lang.definition(&node, in_type) {
            let level = scopes.iter().filter(|s| s.is_some()).count() as u32;
            defs.push(Definition {
                kind,
                name: name_of(&node, source),
                start_line: node.start_position().row as u32 + 1,
                end_line: node.end_position().row as u32 + 1,
                level,
                depth: 0,
            });
            let index = defs.len() - 1;
            scopes.push(Some(index));
            if kind.is_function() {
                functions.push((index, control));
            }
            Entered::Definition { index, control_base: control }
        } else if lang.is_method_container(&node) {
            scopes.push(None);
            Entered::MethodContainer
        } else if lang.is_control(node.kind()) {
            control += 1;
            if let Some((index, base)) = functions.last() {
                let depth = &mut defs[*index].depth;
                *depth = (*depth).max(control - base);
            }
            Entered::Control
        } else {
            Entered::Nothing
        };
        entered.push(action);
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            match entered.pop().expect("one entry per node on the path") {
                Entered::Definition { index, control_base } => {
                    scopes.pop();
                    if functions.last().is_some_and(|(i, _)| *i == index) {
                        functions.pop();
                    }
                    debug_assert_eq!(control, control_base);
                }
                Entered::MethodContainer => {
                    scopes.pop();
                }
                Entered::Control => control -= 1,
                Entered::Nothing => {}
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

pub(crate) fn structure_at(
    path: &Path,
    rev: &str,
    limit: usize,
    progress: &Progress,
    cancel: &CancelToken,
) -> Result<StructureReport> {
    let tree = RevisionTree::open(path, rev)?;
    let files: Vec<_> = tree.files.iter().filter(|f| Lang::of_path(&f.path).is_some()).collect();
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    let parsed = tree.map_files(&files, threads, progress, cancel, |file, data| {
        let lang = Lang::of_path(&file.path).expect("filtered by language");
        parse_file(lang, &file.path, data)
    })?;
    Ok(summarise(tree.commit.clone(), files.iter().map(|f| f.path.clone()).zip(parsed).collect(), limit))
}

fn summarise(
    revision: String,
    parsed: Vec<(String, std::result::Result<FileStructure, String>)>,
    limit: usize,
) -> StructureReport {
    let mut languages: HashMap<String, LanguageStructure> = HashMap::new();
    let mut files = Vec::new();
    let mut failures = Vec::new();
    let mut functions: Vec<FunctionRef> = Vec::new();
    for (path, result) in parsed {
        let file = match result {
            Ok(file) => file,
            Err(error) => {
                failures.push(ParseFailure { path, error });
                continue;
            }
        };
        if file.has_errors {
            let line = file.first_error_line.unwrap_or(0);
            failures.push(ParseFailure {
                path: path.clone(),
                error: format!("syntax error at line {line}; the rest was measured as the parser recovered it"),
            });
        }
        let lang = languages
            .entry(file.language.clone())
            .or_insert_with(|| LanguageStructure { language: file.language.clone(), ..Default::default() });
        lang.files += 1;
        lang.lines += i64::from(file.lines);
        lang.functions += i64::from(file.functions);
        lang.methods += i64::from(file.methods);
        lang.types += i64::from(file.types);
        functions.extend(file.definitions.iter().filter(|d| d.kind.is_function()).map(|d| FunctionRef {
            path: path.clone(),
            name: d.name.clone(),
            kind: d.kind,
            start_line: d.start_line,
            end_line: d.end_line,
            lines: d.lines(),
            depth: d.depth,
        }));
        files.push(file);
    }
    let key = |f: &FunctionRef| (f.path.clone(), f.start_line);
    let mut largest = functions.clone();
    largest.sort_by(|a, b| b.lines.cmp(&a.lines).then_with(|| key(a).cmp(&key(b))));
    largest.truncate(limit);
    let mut nested = functions;
    nested.sort_by(|a, b| b.depth.cmp(&a.depth).then_with(|| b.lines.cmp(&a.lines)).then_with(|| key(a).cmp(&key(b))));
    nested.truncate(limit);
    let mut languages: Vec<_> = languages.into_values().collect();
    languages.sort_by(|a, b| b.lines.cmp(&a.lines).then_with(|| a.language.cmp(&b.language)));
    StructureReport {
        revision,
        files_parsed: files.len() as i64,
        languages,
        files,
        largest_functions: largest,
        most_nested_functions: nested,
        parse_failures: failures.len() as i64,
        failures,
    }
}

/// The line of the first error or missing node, descending only into subtrees that have one.
fn first_error(root: tree_sitter::Node) -> Option<u32> {
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            return Some(node.start_position().row as u32 + 1);
        }
        if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return None;
            }
        }
    }
}

#[cfg(test)]
mod tests;
