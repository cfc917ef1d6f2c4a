//! Highlighted snippets of commit messages for full-text results. Built here rather than by each
//! database's snippet function so both backends show the same words highlighted the same way.
//! Words are runs of letters and digits compared case-insensitively, as the search index splits
//! them (`search_text::words`); a bare word marks its other forms too (same stem), a prefix the
//! words it begins.

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

/// A searched-for term as the snippet marks it: words (lower-cased) of a full-text condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchTerm {
    /// Any form of these words (compared by stem).
    Stems(Vec<String>),
    /// Exactly these words.
    Words(Vec<String>),
    /// These words, the last one as a prefix.
    Prefix(Vec<String>),
}

impl SearchTerm {
    /// Whether a lower-cased word of a message is one this term looks for.
    fn marks(&self, word: &str) -> bool {
        match self {
            SearchTerm::Stems(stems) => stems.iter().any(|s| *s == crate::search_text::stem(word)),
            SearchTerm::Words(words) => words.iter().any(|w| w == word),
            SearchTerm::Prefix(words) => match words.split_last() {
                Some((last, rest)) => word.starts_with(last.as_str()) || rest.iter().any(|w| w == word),
                None => false,
            },
        }
    }
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
pub fn snippet(message: &str, terms: &[SearchTerm]) -> Vec<SnippetPart> {
    let spans = words(message);
    let is_hit = |&(a, b): &(usize, usize)| {
        let word = message[a..b].to_lowercase();
        terms.iter().any(|t| t.marks(&word))
    };
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

    fn exact(text: &str) -> SearchTerm {
        SearchTerm::Words(crate::search_text::words(text))
    }

    #[test]
    fn hits_are_marked_whole_words_any_case() {
        let parts = snippet("Fix the crash in the parser; crashes no more", &[exact("CRASH")]);
        assert_eq!(render(&parts), "Fix the [crash] in the parser; crashes no more");
        let forms = SearchTerm::Stems(crate::search_text::stems("crash"));
        assert_eq!(render(&snippet("Fix the crash; crashes no more", &[forms])), "Fix the [crash]; [crashes] no more");
        let prefix = SearchTerm::Prefix(vec!["pars".into()]);
        assert_eq!(render(&snippet("The parser parses", &[prefix])), "The [parser] [parses]");
    }

    #[test]
    fn long_messages_are_cut_around_the_first_hit() {
        let message = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen \
                       sixteen seventeen eighteen nineteen twenty twenty-one twenty-two";
        let parts = snippet(message, &[exact("nine")]);
        assert_eq!(render(&parts), "… three four five six seven eight [nine] ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty twenty …");
    }

    #[test]
    fn phrases_line_breaks_and_no_hit() {
        let parts = snippet("Subject\n\nBody about  the cache\nlayer", &[exact("cache layer")]);
        assert_eq!(render(&parts), "Subject Body about the [cache] [layer]");
        assert!(snippet("nothing here", &[exact("elsewhere")]).is_empty());
        assert_eq!(render(&snippet("Größe ändern", &[exact("GRÖSSE"), exact("ändern")])), "Größe [ändern]");
    }
}
