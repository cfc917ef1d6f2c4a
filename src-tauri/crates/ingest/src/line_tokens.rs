//! The two sides of a file diff as line tokens, equal token for token to what
//! `InternedInput::new(old, new)` makes, with the lines both sides share at their start and end
//! hashed once instead of twice (issue 13).
//!
//! Interning hashes every line of both sides, unchanged or not, and most of a typical commit's
//! lines are unchanged: on pallets/flask interning was 14 % of an import's CPU, the diff itself 4 %.
//! The shared start and end are found with byte comparisons instead, and the new side reuses the
//! old side's tokens for them. Nothing else changes: the diff still sees every token of both
//! sides, so its occurrence counts (which, as in git, include the shared ends) and its hunks are
//! exactly those of the plain interning.

use gix::diff::blob::sources::byte_lines;
use gix::diff::blob::{InternedInput, Token, TokenSource};

/// Interns `old` then `new` as lines (each with its `\n`, as `byte_lines` splits them).
pub fn intern_lines<'a>(old: &'a [u8], new: &'a [u8]) -> InternedInput<&'a [u8]> {
    let (prefix, suffix) = shared_ends(old, new);
    let middle = &new[prefix..new.len() - suffix];
    let mut input = InternedInput::default();
    input.reserve(byte_lines(old).estimate_tokens(), byte_lines(middle).estimate_tokens());
    input.update_before(byte_lines(old));
    let lines_before = input.before.len();
    let prefix_lines = line_count(&old[..prefix]);
    let suffix_lines = line_count(&old[old.len() - suffix..]);
    let mut after: Vec<Token> = Vec::with_capacity(prefix_lines + suffix_lines + middle.len() / 32);
    after.extend_from_slice(&input.before[..prefix_lines]);
    after.extend(byte_lines(middle).map(|line| input.interner.intern(line)));
    after.extend_from_slice(&input.before[lines_before - suffix_lines..]);
    input.after = after;
    input
}

/// The byte lengths of the whole lines the two sides share at their start, and then (in what is
/// left of both) at their end.
fn shared_ends(old: &[u8], new: &[u8]) -> (usize, usize) {
    let common = common_prefix(old, new);
    let prefix = if common == old.len() && common == new.len() {
        common
    } else {
        // Up to the last line break both sides share; a line is only shared with its break.
        old[..common].iter().rposition(|&b| b == b'\n').map_or(0, |at| at + 1)
    };
    let (old_rest, new_rest) = (&old[prefix..], &new[prefix..]);
    let common = common_suffix(old_rest, new_rest);
    if common == 0 {
        return (prefix, 0);
    }
    let line_start = |rest: &[u8]| {
        let start = rest.len() - common;
        start == 0 || rest[start - 1] == b'\n'
    };
    let suffix = if line_start(old_rest) && line_start(new_rest) {
        common
    } else {
        // The shared bytes begin inside a line: the shared lines begin after its break.
        let tail = &old_rest[old_rest.len() - common..];
        tail.iter().position(|&b| b == b'\n').map_or(0, |at| common - at - 1)
    };
    (prefix, suffix)
}

/// The lines `byte_lines` makes of `bytes`: one per break, and a last one without.
fn line_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count() + usize::from(bytes.last().is_some_and(|&b| b != b'\n'))
}

/// Compared in 64-byte blocks first: a slice comparison is a `memcmp`.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let len = a.len().min(b.len());
    let mut at = 0;
    while at + 64 <= len && a[at..at + 64] == b[at..at + 64] {
        at += 64;
    }
    while at < len && a[at] == b[at] {
        at += 1;
    }
    at
}

fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let len = a.len().min(b.len());
    let (a, b) = (&a[a.len() - len..], &b[b.len() - len..]);
    let mut at = 0;
    while at + 64 <= len && a[len - at - 64..len - at] == b[len - at - 64..len - at] {
        at += 64;
    }
    while at < len && a[len - at - 1] == b[len - at - 1] {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use gix::diff::blob::{Algorithm, Diff};

    /// The same token vectors, the same tokens' lines, and the same diff as plain interning.
    fn assert_same(old: &[u8], new: &[u8]) {
        let plain = InternedInput::new(old, new);
        let shared = intern_lines(old, new);
        let context = format!("old {:?}, new {:?}", String::from_utf8_lossy(old), String::from_utf8_lossy(new));
        assert_eq!(shared.before, plain.before, "before: {context}");
        assert_eq!(shared.after, plain.after, "after: {context}");
        assert_eq!(shared.interner.num_tokens(), plain.interner.num_tokens(), "{context}");
        for token in 0..plain.interner.num_tokens() {
            assert_eq!(shared.interner[Token(token)], plain.interner[Token(token)], "token {token}: {context}");
        }
        let (a, b) = (Diff::compute(Algorithm::Myers, &plain), Diff::compute(Algorithm::Myers, &shared));
        assert_eq!(a.hunks().collect::<Vec<_>>(), b.hunks().collect::<Vec<_>>(), "{context}");
    }

    #[test]
    fn edge_cases_equal_plain_interning() {
        let cases: &[(&str, &str)] = &[
            ("", ""),
            ("", "a\n"),
            ("a\n", ""),
            ("a\nb\n", "a\nb\n"),
            ("a\nb", "a\nb"),
            ("a\nb", "a\nbc"),
            ("a\nb\n", "a\nb\nc\n"),
            ("a\nb\nc\n", "b\nc\n"),
            ("x\n", "y\nx\n"),
            ("a\nb", "a\nb\n"),
            ("a\nb\n", "a\nb"),
            ("ab\ncd\n", "b\ncd\n"),
            ("a\nx\nb\n", "a\nb\n"),
            ("a\nb\n", "a\nx\nb\n"),
            ("a\na\na\n", "a\na\n"),
            ("a\n\n\na\n", "a\n\na\n"),
            ("}\n}\n}\n", "}\n}\nz\n}\n"),
            ("\n", "\n\n"),
            ("abc", "abd"),
            ("same line without break", "same line without break"),
        ];
        for (old, new) in cases {
            assert_same(old.as_bytes(), new.as_bytes());
            assert_same(new.as_bytes(), old.as_bytes());
        }
    }

    #[test]
    fn random_edits_equal_plain_interning() {
        // A small xorshift generator: files of few distinct lines (so lines repeat, as braces and
        // blank lines do), edited in a few places, with and without a final line break.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |below: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % below
        };
        let alphabet = ["}\n", "\n", "a\n", "ab\n", "b\n", "x", "fn f() {\n", "a"];
        for _ in 0..3_000 {
            let old: Vec<&str> = (0..next(40)).map(|_| alphabet[next(alphabet.len() as u64) as usize]).collect();
            let mut new = old.clone();
            for _ in 0..next(4) {
                let at = next(new.len() as u64 + 1) as usize;
                match next(3) {
                    0 => new.insert(at, alphabet[next(alphabet.len() as u64) as usize]),
                    1 if at < new.len() => {
                        new.remove(at);
                    }
                    _ if at < new.len() => new[at] = alphabet[next(alphabet.len() as u64) as usize],
                    _ => {}
                }
            }
            let (old, new) = (old.concat(), new.concat());
            assert_same(old.as_bytes(), new.as_bytes());
        }
    }

    #[test]
    fn lines_are_counted_as_byte_lines_splits_them() {
        for text in ["", "\n", "a", "a\n", "a\nb", "a\n\nb\n"] {
            assert_eq!(line_count(text.as_bytes()), byte_lines(text.as_bytes()).count(), "{text:?}");
        }
    }

    #[test]
    fn long_shared_ends_are_found_past_whole_blocks() {
        let body: String = (0..500).map(|i| format!("line {i}\n")).collect();
        let old = format!("{body}old\n{body}");
        let new = format!("{body}new\nnew\n{body}");
        assert_eq!(shared_ends(old.as_bytes(), new.as_bytes()), (body.len(), body.len()));
        assert_same(old.as_bytes(), new.as_bytes());
    }
}
