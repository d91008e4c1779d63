//! Rule 2: fragments of names become the whole name.
//!
//! - Prefixes: a mention whose words are the first words of another mention
//!   of the document (case- and diacritic-insensitive, so the all-caps form
//!   counts too), standing where the text goes on with the rest of that
//!   longer form, is extended to it (a longer form only of capitalised
//!   words, numbers, function words and punctuation): the title's "Novi" before "Sad", the
//!   dateline's "NOVI" before "SAD". The longest such form wins; mentions
//!   inside the extension are taken in.
//! - Function-word ends: a mention ending in a function word ("Port of",
//!   "Office for the Suppression of") takes in the next mention where only
//!   spaces separate them and that mention starts with a capital ("Port of"
//!   and "Bar"); otherwise it is dropped. The joined mention keeps the
//!   fragment's label (the head of "Port of Bar" says what it is) and the
//!   lower score of the two.

use super::words::is_function_word;
use super::{char_at, fold_char, has_paragraph_break, is_word_char, match_at, Span};
use std::collections::HashMap;

pub(super) fn apply(text: &str, spans: Vec<Span>) -> Vec<Span> {
    let spans = extend_prefixes(text, spans);
    join_function_word_ends(text, spans)
}

/// Folded words of a surface form.
fn folded_words(s: &str) -> Vec<String> {
    s.split_whitespace()
        .map(|w| w.chars().map(fold_char).collect())
        .collect()
}

fn extend_prefixes(text: &str, mut spans: Vec<Span>) -> Vec<Span> {
    // Longer forms of two or more words, by their folded first word.
    let mut forms: HashMap<String, Vec<(Vec<String>, &str)>> = HashMap::new();
    for s in spans.iter().filter(|s| s.is_name()) {
        let surface = &text[s.bytes.clone()];
        let words = folded_words(surface);
        if words.len() < 2 || !name_like(surface) {
            continue;
        }
        let list = forms.entry(words[0].clone()).or_default();
        if !list.iter().any(|(w, _)| *w == words) {
            list.push((words, surface));
        }
    }
    if forms.is_empty() {
        return spans;
    }
    let mut removed = vec![false; spans.len()];
    for i in 0..spans.len() {
        if removed[i] || !spans[i].is_name() {
            continue;
        }
        let r = spans[i].bytes.clone();
        let words = folded_words(&text[r.clone()]);
        let Some(candidates) = words.first().and_then(|w| forms.get(w)) else {
            continue;
        };
        // The end of the longest longer form the text goes on with.
        let best = candidates
            .iter()
            .filter(|(long, _)| long.len() > words.len() && long[..words.len()] == words[..])
            .filter_map(|(_, surface)| continuation_end(text, r.end, surface, words.len()))
            // "English" before "county championship" in the body is not the
            // headline's "ENGLISH COUNTY CHAMPIONSHIP".
            .filter(|&end| name_like(&text[r.end..end]))
            .max();
        let Some(end) = best else { continue };
        // Mentions the extension covers are taken in; one reaching past it,
        // or an amount, stops it.
        let mut covered = Vec::new();
        let mut blocked = false;
        for (j, other) in spans.iter().enumerate().skip(i + 1) {
            if other.bytes.start >= end {
                break;
            }
            if removed[j] {
                continue;
            }
            if other.bytes.end > end || !other.is_name() {
                blocked = true;
                break;
            }
            covered.push(j);
        }
        if blocked {
            continue;
        }
        for j in covered {
            removed[j] = true;
        }
        spans[i].bytes = r.start..end;
    }
    let mut keep = removed.iter().map(|r| !r);
    spans.retain(|_| keep.next().unwrap_or(true));
    spans
}

/// Whether every word of a longer form could belong to a name: capitalised,
/// a number, a function word or punctuation. "English county championship"
/// (a MISC mention the model made) must not turn every "English" into it.
fn name_like(surface: &str) -> bool {
    surface.split_whitespace().all(|w| {
        is_function_word(w)
            || w.chars()
                .find(|c| c.is_alphanumeric())
                .is_none_or(|c| c.is_uppercase() || c.is_numeric())
    })
}

/// Where the text after byte `at` goes on with the words of `surface` after
/// its first `skip` words (whitespace first, then those words, then a word
/// edge): the byte where they end.
fn continuation_end(text: &str, at: usize, surface: &str, skip: usize) -> Option<usize> {
    // The rest of the surface form, from the whitespace after its skip-th word.
    let mut seen = 0;
    let mut in_word = false;
    let mut rest_at = None;
    for (i, c) in surface.char_indices() {
        if c.is_whitespace() {
            if in_word {
                seen += 1;
                if seen == skip {
                    rest_at = Some(i);
                    break;
                }
            }
            in_word = false;
        } else {
            in_word = true;
        }
    }
    let rest = &surface[rest_at?..];
    let end = match_at(text, at, rest, |p, c| fold_char(p) == fold_char(c))?;
    let at_word_edge = char_at(text, end).is_none_or(|c| !is_word_char(c));
    at_word_edge.then_some(end)
}

/// Whether a mention ends in a function word: as written inside names
/// ("Port of"), or in capitals in an all-caps mention ("PORT OF"; one-letter
/// words excepted there, for "WORLD WAR I").
fn ends_in_function_word(surface: &str) -> bool {
    let Some(last) = surface.split_whitespace().last() else {
        return false;
    };
    if is_function_word(last) {
        return true;
    }
    let all_caps =
        surface.chars().any(char::is_uppercase) && !surface.chars().any(char::is_lowercase);
    all_caps && last.chars().count() > 1 && is_function_word(&last.to_lowercase())
}

fn join_function_word_ends(text: &str, spans: Vec<Span>) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    let mut iter = spans.into_iter().peekable();
    while let Some(mut span) = iter.next() {
        if !span.is_name() {
            out.push(span);
            continue;
        }
        // Joins as long as the joined mention still ends in a function word.
        while ends_in_function_word(&text[span.bytes.clone()]) {
            let joinable = iter.peek().is_some_and(|next| {
                let gap = span.bytes.end..next.bytes.start;
                next.is_name()
                    && next.bytes.start > span.bytes.end
                    && text[gap.clone()].chars().all(char::is_whitespace)
                    && !has_paragraph_break(text, gap)
                    && char_at(text, next.bytes.start).is_some_and(char::is_uppercase)
            });
            if !joinable {
                break;
            }
            if let Some(next) = iter.next() {
                span.bytes = span.bytes.start..next.bytes.end;
                span.score = span.score.min(next.score);
            }
        }
        if !ends_in_function_word(&text[span.bytes.clone()]) {
            out.push(span);
        }
    }
    out
}
