//! Rule 4: an acronym a document defines is what it stands for. "Savet
//! Evrope (SE)", "Ured za suzbijanje korupcije i organiziranog kriminala
//! (USKOK)": the model tags the long form well and the bare acronym poorly
//! (a place, or nothing). Where
//! a mention is followed by an acronym in parentheses whose capitals are
//! the initials of its words (with or without its function words, so "Bosna
//! i Hercegovina (BiH)" counts), every mention of that acronym in the
//! document takes the long form's label, with votes recording the label it
//! had, and the parenthesised acronym is added where the model left it out
//! (source `consistency`).

use super::labels::surface_key;
use super::words::is_function_word;
use super::{fold_char, is_word_char, relabel, Span, CONSISTENCY_SOURCE};
use crate::doc::Label;
use std::collections::HashMap;
use std::ops::Range;

pub(super) fn apply(text: &str, mut spans: Vec<Span>) -> Vec<Span> {
    // Each defined acronym's key with the label and score of its long form.
    let mut defined: HashMap<String, (Label, f32)> = HashMap::new();
    let mut added: Vec<Span> = Vec::new();
    for s in spans.iter().filter(|s| s.is_name()) {
        let Some(acronym) = parenthesised_word(text, s.bytes.end) else {
            continue;
        };
        if !stands_for(&text[acronym.clone()], &text[s.bytes.clone()]) {
            continue;
        }
        defined
            .entry(surface_key(&text[acronym.clone()]))
            .or_insert((s.label, s.score));
        if !spans.iter().any(|t| t.overlaps(&acronym)) {
            added.push(Span {
                bytes: acronym,
                source: CONSISTENCY_SOURCE.to_string(),
                votes: None,
                amount: None,
                ..s.clone()
            });
        }
    }
    if defined.is_empty() {
        return spans;
    }
    for s in spans.iter_mut().filter(|s| s.is_name()) {
        let Some(&(label, score)) = defined.get(&surface_key(&text[s.bytes.clone()])) else {
            continue;
        };
        if s.label != label {
            relabel(s, label, score);
        }
    }
    spans.extend(added);
    spans.sort_by_key(|s| (s.bytes.start, s.bytes.end));
    spans
}

/// The word in "( WORD )" right after byte `at` (spaces allowed inside and
/// before the parentheses, nothing else).
fn parenthesised_word(text: &str, at: usize) -> Option<Range<usize>> {
    let rest = &text[at..];
    let open = rest.len() - rest.trim_start_matches([' ', '\u{a0}']).len();
    let inner = rest[open..].strip_prefix('(')?;
    let start = at + open + 1 + (inner.len() - inner.trim_start().len());
    let word_len: usize = text[start..]
        .chars()
        .take_while(|c| is_word_char(*c))
        .map(char::len_utf8)
        .sum();
    let end = start + word_len;
    let after = text[end..].trim_start();
    (word_len > 0 && after.starts_with(')')).then_some(start..end)
}

/// Whether the capitals of `acronym` (two or more, and no digit) are the
/// initials of `long`'s words, with or without its function words.
fn stands_for(acronym: &str, long: &str) -> bool {
    let capitals: Vec<char> = acronym
        .chars()
        .filter(|c| c.is_uppercase())
        .map(fold_char)
        .collect();
    if capitals.len() < 2 || acronym.chars().any(|c| c.is_numeric()) {
        return false;
    }
    let words: Vec<&str> = long
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
        .collect();
    let initials = |skip_function_words: bool| -> Vec<char> {
        words
            .iter()
            .filter(|w| !(skip_function_words && is_function_word(w)))
            .filter_map(|w| w.chars().next())
            .map(fold_char)
            .collect()
    };
    capitals == initials(true) || capitals == initials(false)
}

#[cfg(test)]
mod tests {
    use super::{parenthesised_word, stands_for};

    #[test]
    fn acronyms_and_what_they_stand_for() {
        for (acronym, long) in [
            ("SE", "Saveta Evrope"),
            ("BiH", "Bosna i Hercegovina"),
            ("HDZ", "Hrvatska demokratska zajednica"),
            ("СЕ", "Савет Европе"),
            (
                "USKOK",
                "Ured za suzbijanje korupcije i organiziranog kriminala",
            ),
        ] {
            assert!(stands_for(acronym, long), "{acronym} {long}");
        }
        for (acronym, long) in [
            ("HDZ", "Ivo Sanader"),
            ("CoE", "Vijeća Europe"),
            ("S", "Split"),
            ("G7", "Grupa sedam"),
        ] {
            assert!(!stands_for(acronym, long), "{acronym} {long}");
        }
    }

    #[test]
    fn the_word_in_parentheses() {
        let text = "Savet Evrope ( SE ) i Savet Evrope (SE), Savet (SE i";
        assert_eq!(parenthesised_word(text, 12), Some(15..17));
        assert_eq!(&text[36..38], "SE");
        assert_eq!(parenthesised_word(text, 34), Some(36..38));
        assert_eq!(parenthesised_word(text, 46), None);
        assert_eq!(parenthesised_word(text, 3), None);
    }
}
