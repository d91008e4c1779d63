//! Rule 6: a name the model tagged somewhere in the document and missed
//! elsewhere is added there, with source `consistency` and the label and
//! score of the name's first tagged mention.
//!
//! Headlines and datelines come before the body, so an occurrence counts
//! before or after the tagged one. To stay safe:
//! - the occurrence is the name exactly as tagged, or its all-caps form
//!   ("NOVI SAD" for "Novi Sad"; never "bar" for "Bar");
//! - it is a whole word: no letter or digit on either side, and no hyphen
//!   joining it to one ("Sarajevo-based" is not "Sarajevo");
//! - it overlaps no mention (longer names are added first, so "Novi" is
//!   never added inside "Novi Sad");
//! - the name has at least [`MIN_REPEAT_CHARS`] characters, starts with a
//!   capital, has a lowercase letter (an all-caps tag is most often a
//!   headline word, "BASEBALL", "WORLD MARKETS", and is not spread further),
//!   and is neither a function word nor in [`NEVER_REPEATED`].

use super::surnames::surname_of;
use super::words::{is_function_word, MIN_REPEAT_CHARS, NEVER_REPEATED};
use super::{added_like, is_word_char, match_at, whole_word, Span, Taken, WordIndex};
use crate::doc::Label;
use std::collections::HashMap;

pub(super) fn apply(text: &str, words: &WordIndex<'_>, mut spans: Vec<Span>) -> Vec<Span> {
    // Distinct tagged names with their first mention, longest first.
    let mut names: Vec<(&str, usize)> = Vec::new();
    let mut seen: HashMap<&str, ()> = HashMap::new();
    for (i, s) in spans.iter().enumerate() {
        let surface = &text[s.bytes.clone()];
        if s.is_name() && eligible(surface) && seen.insert(surface, ()).is_none() {
            names.push((surface, i));
        }
    }
    // A person named in full is named by the surname alone elsewhere.
    for (i, s) in spans.iter().enumerate() {
        if s.label != Label::Person {
            continue;
        }
        let Some(surname) = surname_of(&text[s.bytes.clone()]) else {
            continue;
        };
        if eligible(surname) && seen.insert(surname, ()).is_none() {
            names.push((surname, i));
        }
    }
    if names.is_empty() {
        return spans;
    }
    names.sort_by_key(|(n, i)| (std::cmp::Reverse(n.len()), *i));
    let mut taken = Taken::of(&spans);
    let mut added: Vec<Span> = Vec::new();
    for (name, first) in names {
        let upper = name.to_uppercase();
        let forms: Vec<&str> = if upper != name {
            vec![name, upper.as_str()]
        } else {
            vec![name]
        };
        for form in forms {
            let Some(first_word) = leading_word(form) else {
                continue;
            };
            for &at in words.get(first_word).into_iter().flatten() {
                let Some(end) = match_at(text, at, form, |p, c| p == c) else {
                    continue;
                };
                if !whole_word(text, at..end) || !taken.claim(at..end) {
                    continue;
                }
                added.push(added_like(&spans[first], at..end));
            }
        }
    }
    spans.extend(added);
    spans.sort_by_key(|s| (s.bytes.start, s.bytes.end));
    spans
}

/// Names long and specific enough to be added again.
fn eligible(surface: &str) -> bool {
    let lower = surface.to_lowercase();
    surface.chars().count() >= MIN_REPEAT_CHARS
        && surface.chars().next().is_some_and(char::is_uppercase)
        && surface.chars().any(char::is_lowercase)
        && leading_word(surface).is_some()
        && !is_function_word(&lower)
        && !NEVER_REPEATED.contains(&lower.as_str())
}

/// The run of word characters a name starts with.
fn leading_word(s: &str) -> Option<&str> {
    let end = s
        .char_indices()
        .find(|(_, c)| !is_word_char(*c))
        .map_or(s.len(), |(i, _)| i);
    (end > 0).then_some(&s[..end])
}
