//! Highlighted snippets of commit messages for full-text results. Built here rather than by each
//! database's snippet function so both backends show the same words highlighted the same way.
//! Words are runs of letters and digits compared case-insensitively, as the search index splits
//! them (FTS5 `unicode61`, PostgreSQL `simple`).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A stretch of a snippet; `hit` marks a searched-for word.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SnippetPart {
    pub text: String,
    pub hit: bool,
}

/// The part of a commit's message around the first searched-for word.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Snippet {
    #[ts(type = "number")]
    pub commit_id: i64,
    pub parts: Vec<SnippetPart>,
}

/// Words shown before the first hit; twice as many follow it.
const CONTEXT_WORDS: usize = 6;

fn words(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, ch) in text.char_indices() {
        match (ch.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                spans.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, text.len()));
    }
    spans
}

/// Line breaks and runs of spaces read as one space in a one-line snippet.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if !ch.is_whitespace() {
            out.push(ch);
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out
}

/// The snippet of `message` for the search `terms` (words or phrases); empty when no term's word
/// is in the message (the commit matched by a changed path).
pub fn snippet(message: &str, terms: &[String]) -> Vec<SnippetPart> {
    let wanted: HashSet<String> = terms
        .iter()
        .flat_map(|t| words(t).into_iter().map(|(a, b)| t[a..b].to_lowercase()).collect::<Vec<_>>())
        .collect();
    let spans = words(message);
    let is_hit = |&(a, b): &(usize, usize)| wanted.contains(&message[a..b].to_lowercase());
    let Some(first) = spans.iter().position(is_hit) else { return Vec::new() };
    let from = first.saturating_sub(CONTEXT_WORDS);
    let to = (first + 2 * CONTEXT_WORDS).min(spans.len() - 1);
    let mut parts: Vec<SnippetPart> = Vec::new();
    let mut push = |text: &str, hit: bool| {
        let text = one_line(text);
        match parts.last_mut() {
            Some(last) if !last.hit && !hit => last.text.push_str(&text),
            _ => parts.push(SnippetPart { text, hit }),
        }
    };
    if from > 0 {
        push("… ", false);
    }
    let mut at = spans[from].0;
    for span in &spans[from..=to] {
        if span.0 > at {
            push(&message[at..span.0], false);
        }
        push(&message[span.0..span.1], is_hit(span));
        at = span.1;
    }
    if to + 1 < spans.len() {
        push(" …", false);
    } else if !message[at..].trim_end().is_empty() {
        // Closing punctuation after the last word.
        push(message[at..].trim_end(), false);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(parts: &[SnippetPart]) -> String {
        parts.iter().map(|p| if p.hit { format!("[{}]", p.text) } else { p.text.clone() }).collect()
    }

    #[test]
    fn hits_are_marked_whole_words_any_case() {
        let parts = snippet("Fix the crash in the parser; crashes no more", &["CRASH".into()]);
        assert_eq!(render(&parts), "Fix the [crash] in the parser; crashes no more");
    }

    #[test]
    fn long_messages_are_cut_around_the_first_hit() {
        let message = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen \
                       sixteen seventeen eighteen nineteen twenty twenty-one twenty-two";
        let parts = snippet(message, &["nine".into()]);
        assert_eq!(render(&parts), "… three four five six seven eight [nine] ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty twenty …");
    }

    #[test]
    fn phrases_line_breaks_and_no_hit() {
        let parts = snippet("Subject\n\nBody about  the cache\nlayer", &["\"cache layer\"".into()]);
        assert_eq!(render(&parts), "Subject Body about the [cache] [layer]");
        assert!(snippet("nothing here", &["elsewhere".into()]).is_empty());
        assert_eq!(render(&snippet("Größe ändern", &["GRÖSSE".into(), "ändern".into()])), "Größe [ändern]");
    }
}
