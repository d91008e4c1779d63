//! Rule 4: an acronym a document defines is what it stands for. "Savet
//! Evrope (SE)", "Ured za suzbijanje korupcije i organiziranog kriminala
//! (USKOK)": the model tags the long form well and the bare acronym poorly
//! (a place, or nothing). A mention followed by an acronym in parentheses
//! defines it where
//! - the acronym's capitals are the initials of the mention's words, with
//!   or without its function words ("Bosna i Hercegovina (BiH)"), or
//! - the mention is an organisation of two words or more and the word in
//!   parentheses is shaped like an acronym (two capitals or more, no more
//!   lowercase letters than capitals, no digit): Balkan reporting gives the
//!   acronym of another language, "Vijeće Europe (CoE)", "the Office for
//!   Organised Crime (USKOK)". Not where it is the initials of the
//!   mention's last words ("Predsjedništvo Bosne i Hercegovine (BiH)" names
//!   the place), nor after a person or a place, whose bracket is usually
//!   something else: "Ivo Sanader (HDZ)", "ZAGREB (HINA)".
//!
//! Every mention of a defined acronym in the document, as written or with a
//! case ending after a hyphen ("USKOK-a"), takes the long form's label, with
//! votes recording the label it had; every other occurrence is added (source
//! `consistency`), unless it stands among other all-caps words, where it may
//! be a word of a headline ("ON SE VRATIO").

use super::labels::surface_key;
use super::words::{is_function_word, MAX_CASE_ENDING_CHARS};
use super::{
    added_like, char_at, fold_char, is_word_char, relabel, whole_word, Span, Taken, WordIndex,
};
use crate::doc::Label;
use std::collections::HashMap;
use std::ops::Range;

pub(super) fn apply(text: &str, words: &WordIndex<'_>, mut spans: Vec<Span>) -> Vec<Span> {
    // Each defined acronym, as written, with its (first) long form; a long
    // form whose initials it is wins over one it merely follows.
    let mut defined: HashMap<&str, Span> = HashMap::new();
    for initials_only in [true, false] {
        for s in spans.iter().filter(|s| s.is_name()) {
            let Some(acronym) = parenthesised_word(text, s.bytes.end) else {
                continue;
            };
            let acronym = &text[acronym];
            let long = &text[s.bytes.clone()];
            let defines = if initials_only {
                stands_for(acronym, long)
            } else {
                follows_an_organisation(acronym, long, s.label)
            };
            if defines {
                defined.entry(acronym).or_insert_with(|| s.clone());
            }
        }
    }
    if defined.is_empty() {
        return spans;
    }
    let by_key: HashMap<String, &Span> = defined
        .iter()
        .map(|(acronym, long)| (surface_key(acronym), long))
        .collect();
    for s in spans.iter_mut().filter(|s| s.is_name()) {
        let surface = without_case_ending(&text[s.bytes.clone()]);
        if let Some(long) = by_key.get(&surface_key(surface)) {
            if s.label != long.label {
                relabel(s, long.label, long.score);
            }
        }
    }
    let mut taken = Taken::of(&spans);
    let mut added: Vec<Span> = Vec::new();
    for (acronym, long) in &defined {
        for &at in words.get(acronym).into_iter().flatten() {
            let end = at + acronym.len() + case_ending_len(&text[at + acronym.len()..]);
            if !whole_word(text, at..end)
                || among_capitals(text, at..end, &defined)
                || !taken.claim(at..end)
            {
                continue;
            }
            added.push(added_like(long, at..end));
        }
    }
    spans.extend(added);
    spans.sort_by_key(|s| (s.bytes.start, s.bytes.end));
    spans
}

/// Whether `acronym`, in parentheses after the mention `long` labelled
/// `label`, is the acronym of an organisation in another language: `long` is
/// an organisation of two words or more, and the acronym is not the initials
/// of its last words ("Predsedništvo Bosne i Hercegovine (BiH)" defines the
/// place, not the presidency).
fn follows_an_organisation(acronym: &str, long: &str, label: Label) -> bool {
    let mut tails = long
        .match_indices(char::is_whitespace)
        .map(|(at, _)| long[at..].trim_start());
    label == Label::Organisation
        && long.split_whitespace().nth(1).is_some()
        && shaped_like_an_acronym(acronym)
        && !tails.any(|tail| stands_for(acronym, tail))
}

/// Two capitals or more, no more lowercase letters than capitals, no digit.
fn shaped_like_an_acronym(word: &str) -> bool {
    let capitals = word.chars().filter(|c| c.is_uppercase()).count();
    let lowercase = word.chars().filter(|c| c.is_lowercase()).count();
    capitals >= 2
        && lowercase <= capitals
        && word.chars().next().is_some_and(char::is_uppercase)
        && !word.chars().any(char::is_numeric)
}

/// Bytes of a case ending after a hyphen at the start of `rest` ("-a",
/// "-om" in "USKOK-a", "USKOK-om"), or 0.
fn case_ending_len(rest: &str) -> usize {
    let Some(after) = rest.strip_prefix('-') else {
        return 0;
    };
    let ending: usize = after
        .chars()
        .take_while(|c| c.is_lowercase())
        .map(char::len_utf8)
        .sum();
    let letters = after[..ending].chars().count();
    let word_goes_on = char_at(after, ending).is_some_and(is_word_char);
    if (1..=MAX_CASE_ENDING_CHARS).contains(&letters) && !word_goes_on {
        1 + ending
    } else {
        0
    }
}

/// `surface` less a case ending after a hyphen ("USKOK-a" → "USKOK").
fn without_case_ending(surface: &str) -> &str {
    match surface.rfind('-') {
        Some(hyphen) if case_ending_len(&surface[hyphen..]) == surface.len() - hyphen => {
            &surface[..hyphen]
        }
        _ => surface,
    }
}

/// Whether the word before or after `r` on its line is all capitals (two
/// letters or more) and not itself a defined acronym: `r` is then likely a
/// word of an all-caps headline.
fn among_capitals(text: &str, r: Range<usize>, defined: &HashMap<&str, Span>) -> bool {
    let all_caps = |word: &str| {
        word.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && !word.chars().any(char::is_lowercase)
            && !defined.contains_key(word)
    };
    // Only the gap to the neighbouring word is read, so a document of one
    // long line costs no more than one of many.
    let head = &text[..r.start];
    let gap_end = head.trim_end_matches(|c: char| !is_word_char(c) && c != '\n');
    let before = Some(gap_end.trim_end_matches(is_word_char))
        .map(|start| &gap_end[start.len()..])
        .filter(|w| !w.is_empty());
    let tail = &text[r.end..];
    let gap_start = tail.trim_start_matches(|c: char| !is_word_char(c) && c != '\n');
    let after = Some(gap_start.trim_start_matches(is_word_char))
        .map(|rest| &gap_start[..gap_start.len() - rest.len()])
        .filter(|w| !w.is_empty());
    before.is_some_and(all_caps) || after.is_some_and(all_caps)
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
    use super::{follows_an_organisation, parenthesised_word, stands_for, without_case_ending};
    use crate::doc::Label::{Organisation, Person, Place};

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

    #[test]
    fn acronyms_of_organisations_in_another_language() {
        for (acronym, long, label, defines) in [
            ("CoE", "Vijeća Europe", Organisation, true),
            ("USKOK", "Office for Organised Crime", Organisation, true),
            (
                "SIPA",
                "State Investigation and Protection Agency",
                Organisation,
                true,
            ),
            ("EUROPOL", "Europol", Organisation, false),
            (
                "BiH",
                "Predsjedništvo Bosne i Hercegovine",
                Organisation,
                false,
            ),
            ("HDZ", "Ivo Sanader", Person, false),
            ("HINA", "Novi Sad", Place, false),
            ("Eurimages", "Vijeća Europe", Organisation, false),
            ("Ltd", "Acme Holdings", Organisation, false),
            ("G7", "Grupa sedam", Organisation, false),
        ] {
            assert_eq!(
                follows_an_organisation(acronym, long, label),
                defines,
                "{acronym} {long}"
            );
        }
    }

    #[test]
    fn hyphenated_case_endings() {
        for (surface, acronym) in [
            ("USKOK-a", "USKOK"),
            ("USKOK-om", "USKOK"),
            ("SE-u", "SE"),
            ("USKOK", "USKOK"),
            ("USKOK-ovih", "USKOK-ovih"),
            ("Sarajevo-based", "Sarajevo-based"),
            ("USKOK-", "USKOK-"),
            ("USKOK-A", "USKOK-A"),
        ] {
            assert_eq!(without_case_ending(surface), acronym, "{surface}");
        }
    }
}
