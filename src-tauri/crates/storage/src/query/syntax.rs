//! The search-box syntax, compiled to the same filter model:
//!
//! `author:alice path:src/*.rs after:2024-01-01 -author:bot "fix crash"`
//!
//! - `key:value` conditions (`key:"two words"` for spaces); a leading `-` negates one.
//! - keys: `author`, `committer` (name or e-mail contains the value, any case), `message`
//!   (contains), `path` (a glob when it has `*`, `?` or `[`, otherwise a prefix), `repo`, `hash`
//!   (prefix), `after`/`since` and `before`/`until` (commit date), `merge` (`yes`/`no`),
//!   `branch` (reachable from that branch or tag), `change` (a line added or removed contains
//!   the text, like `git log -G` with literal text; any ASCII case unless the text has capitals),
//!   `added`, `removed` (only that side).
//! - bare words and quoted phrases go to full-text search over messages and changed paths, in any
//!   case: a bare word also finds its other forms (`segfault` finds "segfaults"), `word*` the
//!   words it begins, and a quoted phrase exactly its words in order.

use super::model::Filter;
use crate::error::{Result, StoreError};

pub const KEYS: &[&str] = &[
    "author",
    "committer",
    "message",
    "path",
    "repo",
    "hash",
    "after",
    "since",
    "before",
    "until",
    "merge",
    "branch",
    "change",
    "added",
    "removed",
];

pub fn parse_search(input: &str) -> Result<Filter> {
    let mut conditions = Vec::new();
    for token in tokenize(input)? {
        let (negated, body) = match token.text.strip_prefix('-') {
            Some(rest) if !token.quoted && !rest.is_empty() => (true, rest.to_string()),
            _ => (token.negated, token.text.clone()),
        };
        let filter = match (token.quoted, body.split_once(':')) {
            (false, Some((key, value))) if !key.is_empty() => key_condition(key, value)?,
            _ if token.quoted => Filter::condition("text", "phrase", body.as_str()),
            _ => text_condition(&body),
        };
        conditions.push(if negated { Filter::Not(Box::new(filter)) } else { filter });
    }
    Ok(Filter::And(conditions))
}

fn key_condition(key: &str, value: &str) -> Result<Filter> {
    if value.is_empty() {
        return Err(StoreError::Query(format!("{key}: needs a value")));
    }
    let contains = format!("%{value}%");
    Ok(match key {
        "author" | "committer" | "message" => Filter::condition(key, "like", contains),
        "path" if value.contains(['*', '?', '[']) => Filter::condition("path", "glob", value),
        "path" => Filter::condition("path", "like", format!("{value}%")),
        "repo" => Filter::condition("repository", "eq", value),
        "hash" => Filter::condition("hash", "eq", value),
        "branch" => Filter::condition("branch", "eq", value),
        "change" | "added" | "removed" => Filter::condition(key, "contains", value),
        "after" | "since" => Filter::condition("date", "gte", value),
        "before" | "until" => Filter::condition("date", "lt", value),
        "merge" => match value {
            "yes" | "true" => Filter::condition("merge", "eq", true),
            "no" | "false" => Filter::condition("merge", "eq", false),
            other => return Err(StoreError::Query(format!("merge:{other} — use merge:yes or merge:no"))),
        },
        other => {
            return Err(StoreError::Query(format!("unknown search key {other:?}; valid keys: {}", KEYS.join(", "))))
        }
    })
}

/// A bare word in the message or the changed paths, by the full-text index: any of its forms, or
/// the words it begins when it ends in `*`.
fn text_condition(text: &str) -> Filter {
    match text.strip_suffix('*') {
        Some(prefix) if !prefix.is_empty() => Filter::condition("text", "prefix", prefix),
        _ => Filter::condition("text", "match", text),
    }
}

struct Token {
    text: String,
    quoted: bool,
    /// A quoted phrase with a `-` in front: `-"fix crash"`.
    negated: bool,
}

/// Splits on whitespace; double quotes group (also after `key:`), and a quoted token is text.
fn tokenize(input: &str) -> Result<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut chars = input.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut text = String::new();
        let mut quoted = false;
        let mut negated = false;
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                break;
            }
            chars.next();
            if c == '"' {
                // The whole token is a phrase only when it starts with the quote.
                quoted = text.is_empty() || text == "-";
                if text == "-" {
                    negated = true;
                    text.clear();
                }
                let mut closed = false;
                for q in chars.by_ref() {
                    if q == '"' {
                        closed = true;
                        break;
                    }
                    text.push(q);
                }
                if !closed {
                    return Err(StoreError::Query(format!("unclosed quote in {input:?}")));
                }
            } else {
                text.push(c);
            }
        }
        if !text.is_empty() {
            tokens.push(Token { text, quoted, negated });
        }
    }
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minus_before_a_quoted_phrase_negates_it() {
        let filter = parse_search(r#"-"fix crash" "-literal" a-b"#).unwrap();
        let expected = Filter::And(vec![
            Filter::Not(Box::new(Filter::condition("text", "phrase", "fix crash"))),
            Filter::condition("text", "phrase", "-literal"),
            text_condition("a-b"),
        ]);
        assert_eq!(filter, expected);
    }

    #[test]
    fn the_example_from_the_brief() {
        let filter = parse_search(r#"author:alice path:src/*.rs after:2024-01-01 -author:bot "fix crash""#).unwrap();
        let expected = Filter::And(vec![
            Filter::condition("author", "like", "%alice%"),
            Filter::condition("path", "glob", "src/*.rs"),
            Filter::condition("date", "gte", "2024-01-01"),
            Filter::Not(Box::new(Filter::condition("author", "like", "%bot%"))),
            Filter::condition("text", "phrase", "fix crash"),
        ]);
        assert_eq!(filter, expected);
    }

    #[test]
    fn quoted_values_and_errors() {
        let filter = parse_search(r#"author:"Alice Kim" merge:no path:docs/"#).unwrap();
        assert_eq!(
            filter,
            Filter::And(vec![
                Filter::condition("author", "like", "%Alice Kim%"),
                Filter::condition("merge", "eq", false),
                Filter::condition("path", "like", "docs/%"),
            ])
        );
        assert!(parse_search("colour:red").unwrap_err().to_string().contains("valid keys: author"));
        assert!(parse_search("\"open").unwrap_err().to_string().contains("unclosed quote"));
        assert!(parse_search("merge:maybe").is_err());
        assert_eq!(parse_search("   ").unwrap(), Filter::And(vec![]));
    }

    #[test]
    fn word_forms_prefixes_and_changed_lines() {
        let filter = parse_search(r#"segfault cach* change:unwrap() added:"TODO: x" -removed:dbg!"#).unwrap();
        assert_eq!(
            filter,
            Filter::And(vec![
                Filter::condition("text", "match", "segfault"),
                Filter::condition("text", "prefix", "cach"),
                Filter::condition("change", "contains", "unwrap()"),
                Filter::condition("added", "contains", "TODO: x"),
                Filter::Not(Box::new(Filter::condition("removed", "contains", "dbg!"))),
            ])
        );
        assert_eq!(parse_search("*").unwrap(), Filter::And(vec![text_condition("*")]));
    }
}
