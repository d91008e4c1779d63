//! Rule 1: a span never crosses a paragraph break and never starts or ends
//! inside a word, and a piece of an e-mail or web address is not a name.
//!
//! A span over a blank line ("Guayaquil\n\nZoran Đurić") is cut there; each
//! part that still looks like a name (it has a letter or digit, and its first
//! letter is a capital) is kept with the span's label and score, the others
//! dropped. A span edge inside a word moves out to the word's edge, or, where
//! that would overlap a neighbouring mention, in to the next word edge.
//! A span within an address ("amra.begovic" and "example.ba" of
//! "amra.begovic@example.ba", "index.hr" of "https://www.index.hr/vijesti")
//! is dropped: the model reads the address's words as names, but a reader
//! does not, and a mail's own names come from its headers.

use super::{char_at, char_before, has_paragraph_break, is_word_char, paragraph_break_at, Span};
use std::ops::Range;

pub(super) fn apply(text: &str, spans: Vec<Span>) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans {
        if span.is_name() && inside_address(text, span.bytes.clone()) {
            continue;
        }
        if !span.is_name() || !has_paragraph_break(text, span.bytes.clone()) {
            out.push(span);
            continue;
        }
        for part in split_at_breaks(text, span.bytes.clone()) {
            if looks_like_name(&text[part.clone()]) {
                out.push(Span {
                    bytes: part,
                    ..span.clone()
                });
            }
        }
    }
    snap_to_words(text, out)
}

/// The pieces of `range` between paragraph breaks, trimmed of whitespace.
fn split_at_breaks(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let mut parts = Vec::new();
    let mut piece_start = range.start;
    let mut i = range.start;
    while i < range.end {
        let len = paragraph_break_at(&text[..range.end], i);
        if len > 0 {
            parts.push(piece_start..i);
            i += len;
            piece_start = i;
        } else {
            i += char_at(text, i).map_or(1, char::len_utf8);
        }
    }
    parts.push(piece_start..range.end);
    parts
        .into_iter()
        .filter_map(|p| {
            let s = &text[p.clone()];
            let start = p.start + (s.len() - s.trim_start().len());
            let end = p.start + s.trim_end().len();
            (start < end).then_some(start..end)
        })
        .collect()
}

/// Longest address looked for around a span, in bytes each way: a longer
/// run of text without a space is not read as one.
const ADDRESS_REACH: usize = 256;

/// Whether `range` lies within an e-mail or web address: the run of text
/// without whitespace around it has an "@" between two letters or digits,
/// or "://", or begins with "www.".
fn inside_address(text: &str, range: Range<usize>) -> bool {
    let span = &text[range.clone()];
    if span.is_empty() || span.contains(char::is_whitespace) {
        return false;
    }
    let before = &text[..range.start];
    let start = before
        .char_indices()
        .rev()
        .take_while(|&(i, c)| !c.is_whitespace() && range.start - i <= ADDRESS_REACH)
        .last()
        .map_or(range.start, |(i, _)| i);
    let after = &text[range.end..];
    let end = range.end
        + after
            .char_indices()
            .take_while(|&(i, c)| !c.is_whitespace() && i < ADDRESS_REACH)
            .last()
            .map_or(0, |(i, c)| i + c.len_utf8());
    let run = text[start..end].trim_matches(|c: char| !c.is_alphanumeric());
    let mail = run.char_indices().any(|(i, c)| {
        c == '@'
            && run[..i]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
            && run[i + 1..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric)
    });
    mail || run.contains("://") || run.get(..4).is_some_and(|w| w.eq_ignore_ascii_case("www."))
}

/// A piece of a cut span is kept if it has a letter or digit and its first
/// letter is a capital (or it starts with a digit: "3 Maj").
fn looks_like_name(s: &str) -> bool {
    match s.chars().find(|c| c.is_alphanumeric()) {
        Some(c) => c.is_uppercase() || c.is_numeric(),
        None => false,
    }
}

/// Moves span edges that fall inside a word to the word's edges. `spans` is
/// sorted by start.
fn snap_to_words(text: &str, mut spans: Vec<Span>) -> Vec<Span> {
    for i in 0..spans.len() {
        if !spans[i].is_name() {
            continue;
        }
        let r = spans[i].bytes.clone();
        let start_inside = inside_word(text, r.start);
        let end_inside = inside_word(text, r.end);
        if !start_inside && !end_inside {
            continue;
        }
        let outward = word_start(text, r.start, start_inside)..word_end(text, r.end, end_inside);
        let prev_end = i
            .checked_sub(1)
            .map_or(0, |p| spans[p].bytes.end.min(r.start));
        let next_start = spans
            .get(i + 1)
            .map_or(text.len(), |n| n.bytes.start.max(r.end));
        spans[i].bytes = if outward.start >= prev_end && outward.end <= next_start {
            outward
        } else {
            // Growing would overlap a neighbour: shrink to whole words instead.
            let start = if start_inside {
                word_end(text, r.start, true)
            } else {
                r.start
            };
            let end = if end_inside {
                word_start(text, r.end, true)
            } else {
                r.end
            };
            start..end.max(start)
        };
    }
    spans.retain(|s| !s.is_name() || text[s.bytes.clone()].chars().any(|c| c.is_alphanumeric()));
    spans
}

/// Whether byte `i` lies between two characters of one word.
fn inside_word(text: &str, i: usize) -> bool {
    char_before(text, i).is_some_and(is_word_char) && char_at(text, i).is_some_and(is_word_char)
}

/// The start of the word around byte `i` (or `i` itself when `inside` is false).
fn word_start(text: &str, mut i: usize, inside: bool) -> usize {
    if !inside {
        return i;
    }
    while let Some(c) = char_before(text, i).filter(|&c| is_word_char(c)) {
        i -= c.len_utf8();
    }
    i
}

/// The end of the word around byte `i` (or `i` itself when `inside` is false).
fn word_end(text: &str, mut i: usize, inside: bool) -> usize {
    if !inside {
        return i;
    }
    while let Some(c) = char_at(text, i).filter(|&c| is_word_char(c)) {
        i += c.len_utf8();
    }
    i
}
