//! Rule 5: a person named in full is named by the surname alone further on
//! ("Ismet Haraqija" … "Haraqija kazao", "Darko Šarić" … "Šarića"), and the
//! model, seeing the surname without its given name, may call it a place or
//! an organisation. A one-word mention that is the surname of a person the
//! document names in full (two words or more), as written or in another
//! case, becomes PERSON; its votes record the label it had and the person's
//! score, so a reviewer sees what was changed. A place in a dateline
//! ("KOPER – …") is left a place.
//!
//! The word and the surname are compared folded as match keys are (case,
//! diacritics, Cyrillic). Another case of the surname is the surname less a
//! final vowel ("Morina" → "Morin") followed by at most
//! [`MAX_CASE_ENDING_CHARS`] letters ("Morinu", "Barrosa", "Šarića"); the
//! surname must have at least [`MIN_SURNAME_CHARS`] letters, so that short
//! words are compared only as written.

use super::labels::surface_key;
use super::words::{MAX_CASE_ENDING_CHARS, MIN_SURNAME_CHARS};
use super::{relabel, Span};
use crate::doc::Label;
use std::collections::BTreeMap;

pub(super) fn apply(text: &str, mut spans: Vec<Span>) -> Vec<Span> {
    // Each surname's key with the highest score of a person named by it.
    let mut surnames: BTreeMap<String, f32> = BTreeMap::new();
    for s in spans.iter().filter(|s| s.label == Label::Person) {
        let Some(last) = surname_of(&text[s.bytes.clone()]) else {
            continue;
        };
        let key = surface_key(last);
        if !key.is_empty() {
            let best = surnames.entry(key).or_insert(s.score);
            *best = best.max(s.score);
        }
    }
    if surnames.is_empty() {
        return spans;
    }
    for s in spans.iter_mut() {
        let surface = &text[s.bytes.clone()];
        if !s.is_name() || s.label == Label::Person || surface.contains(char::is_whitespace) {
            continue;
        }
        let word = surface_key(surface);
        let Some(score) = surnames
            .iter()
            .filter(|(surname, _)| is_case_of(&word, surname))
            .map(|(_, score)| *score)
            .reduce(f32::max)
        else {
            continue;
        };
        if s.label == Label::Place && is_dateline(text, &s.bytes) {
            continue;
        }
        relabel(s, Label::Person, score);
    }
    spans
}

/// The surname of a person named in full: the last of two or more words,
/// if it starts with a capital.
pub(super) fn surname_of(surface: &str) -> Option<&str> {
    let mut words = surface.split_whitespace();
    let (Some(_), Some(last)) = (words.next(), words.next_back()) else {
        return None;
    };
    last.chars()
        .next()
        .is_some_and(char::is_uppercase)
        .then_some(last)
}

/// Whether `bytes` is a dateline: all capitals, first on its line, and
/// followed by a dash, a comma or a parenthesis ("KOPER – Slovenian police",
/// "ZAGREB, 5. lipnja", "SARAJEVO (HINA)"). A dateline names a place, even
/// where the model took the place for a person's surname ("Luka Koper", the
/// port, tagged as a person named Luka).
fn is_dateline(text: &str, bytes: &std::ops::Range<usize>) -> bool {
    let surface = &text[bytes.clone()];
    let before = text[..bytes.start].trim_end_matches(|c: char| c.is_whitespace() && c != '\n');
    let after = text[bytes.end..].trim_start_matches([' ', '\u{a0}']);
    (before.is_empty() || before.ends_with('\n'))
        && surface.chars().any(char::is_uppercase)
        && !surface.chars().any(char::is_lowercase)
        && after.starts_with(['\u{2013}', '\u{2014}', '-', ',', '('])
}

/// Whether the folded `word` is the folded `surname` or another case of it.
fn is_case_of(word: &str, surname: &str) -> bool {
    if word == surname {
        return true;
    }
    if surname.chars().count() < MIN_SURNAME_CHARS {
        return false;
    }
    let stem = surname
        .strip_suffix(['a', 'e', 'i', 'o', 'u'])
        .unwrap_or(surname);
    word.strip_prefix(stem).is_some_and(|ending| {
        let n = ending.chars().count();
        n > 0 && n <= MAX_CASE_ENDING_CHARS && ending.chars().all(char::is_alphabetic)
    })
}

#[cfg(test)]
mod tests {
    use super::is_case_of;

    #[test]
    fn cases_of_a_surname() {
        for (word, surname) in [
            ("morinu", "morina"),
            ("haraqija", "haraqija"),
            ("barrosa", "barroso"),
            ("sarica", "saric"),
            ("sariceva", "saric"),
        ] {
            assert!(is_case_of(word, surname), "{word} {surname}");
        }
        for (word, surname) in [
            ("saricevima", "saric"),
            ("titograd", "tito"),
            ("ane", "ana"),
            ("sari", "saric"),
            ("morina haraqija", "morina"),
        ] {
            assert!(!is_case_of(word, surname), "{word} {surname}");
        }
    }
}
