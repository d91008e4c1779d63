//! Word lists the scanner consults: which words can be counted, which are
//! modifiers, references or function words. The words are data, one table in
//! `data/word_lists.tsv` (word, language, list); the rules that use them are
//! here.

use super::numbers::*;
use super::tables::Fnv;
use crate::doc::script::latin_to_cyrillic;
use crate::tables::rows;
use std::collections::HashSet;
use std::hash::BuildHasherDefault;
use std::sync::LazyLock;

type WordSet = HashSet<String, BuildHasherDefault<Fnv>>;

/// The lists of `data/word_lists.tsv`; a regional (`sh`) word is also listed
/// in its Serbian Cyrillic spelling.
#[derive(Default)]
struct WordLists {
    not_noun: WordSet,
    irregular_plural: WordSet,
    function: WordSet,
    plural_modifier: WordSet,
    modifier: WordSet,
    cap_ok: WordSet,
    reference: WordSet,
    regional_stop: WordSet,
    english_marker: WordSet,
    regional_marker: WordSet,
}

static WORD_LISTS: LazyLock<WordLists> = LazyLock::new(|| {
    let mut l = WordLists::default();
    for r in rows(include_str!("data/word_lists.tsv")) {
        let list = match r[2] {
            "not_noun" => &mut l.not_noun,
            "irregular_plural" => &mut l.irregular_plural,
            "function" => &mut l.function,
            "plural_modifier" => &mut l.plural_modifier,
            "modifier" => &mut l.modifier,
            "cap_ok" => &mut l.cap_ok,
            "reference" => &mut l.reference,
            "regional_stop" => &mut l.regional_stop,
            "english_marker" => &mut l.english_marker,
            "regional_marker" => &mut l.regional_marker,
            other => panic!("data/word_lists.tsv: unknown list {other:?}"),
        };
        list.insert(r[0].to_string());
        if r[1] == "sh" {
            list.insert(latin_to_cyrillic(r[0]));
        }
    }
    l
});

/// Plural-looking words that are not counted nouns.
pub(super) fn not_noun(w: &str) -> bool {
    WORD_LISTS.not_noun.contains(w)
}

/// Irregular plurals / collectives that are counted without a trailing 's'.
pub(super) fn irregular_plural(w: &str) -> bool {
    WORD_LISTS.irregular_plural.contains(w)
}

/// A lower-case word accepted as the counted noun: plural-looking or an
/// irregular plural. Requiring plural morphology keeps verbs ("2 targeted"),
/// function words ("one of") and adjectives out.
pub(super) fn count_noun_ok(w: &str, singular_ok: bool) -> bool {
    if w.len() < 2 || !w.chars().all(|c| c.is_lowercase() || c == '-') || w.ends_with('-') {
        return false;
    }
    if not_noun(w) {
        return false;
    }
    if irregular_plural(w) {
        return true;
    }
    let plural = w.len() >= 3
        && w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("is");
    plural || (singular_ok && w.len() >= 3 && w.chars().all(|c| c.is_ascii_lowercase()))
}

/// Function words and auxiliaries: never the counted noun, never a modifier
/// before it ("5 of the suspects", "the two were officers").
pub(super) fn function_word(w: &str) -> bool {
    WORD_LISTS.function.contains(w)
}

/// Plural-form nouns used as modifiers ("two customs officers").
pub(super) fn plural_modifier(w: &str) -> bool {
    WORD_LISTS.plural_modifier.contains(w)
}

/// One modifier allowed between number and noun: "20 armed men",
/// "12 Albanian nationals", "20 more people", "12 luxury cars".
pub(super) fn adjective_ok(w: &str) -> bool {
    let Some(c) = w.chars().next() else {
        return false;
    };
    if c.is_uppercase() {
        // nationality adjectives
        return w.len() >= 4
            && w.chars().skip(1).all(|c| c.is_lowercase())
            && ["ian", "ish", "ese", "an", "i"]
                .iter()
                .any(|s| w.ends_with(s));
    }
    if !w.chars().all(|c| c.is_lowercase() || c == '-') || function_word(w) || not_noun(w) {
        return false;
    }
    // any other lower-case word except adverbs: noun modifiers ("luxury")
    if w.len() >= 3 && !w.ends_with("ly") && !word_trigger(w.as_bytes()) {
        return true;
    }
    WORD_LISTS.modifier.contains(w)
        || (w.len() >= 5
            && [
                "ed", "al", "ive", "ous", "ful", "ic", "ian", "ish", "ing", "ant", "ent",
            ]
            .iter()
            .any(|s| w.ends_with(s)))
}

/// Capitalised words (lower-cased) that may precede an amount without
/// marking it as part of a name ("In 2021", "Only 20 people", "Oko 70.000
/// telefona").
pub(super) fn cap_ok(lw: &str) -> bool {
    WORD_LISTS.cap_ok.contains(lw)
}

/// Words after which a number is a reference, not an amount ("page 12",
/// "Article 5", "no. 123", "članak 5").
pub(super) fn reference_word(lw: &str) -> bool {
    WORD_LISTS.reference.contains(lw)
}

/// A regional adjective before the counted noun ("5 novih telefona",
/// "19 uhapšenih osoba"): the genitive plural ending -ih.
pub(super) fn regional_adjective(w: &str) -> bool {
    w.chars().count() >= 4 && (w.ends_with("ih") || w.ends_with("их"))
}

/// A lower-case word ending like a noun in the case a number governs
/// (genitive -a/-i/-e: "telefona", "osoba", "ljudi", "osobe"), not a word
/// the region never counts, not an infinitive (-ti, -ći).
pub(super) fn regional_noun_like(w: &str) -> bool {
    if w.chars().count() < 4 || WORD_LISTS.regional_stop.contains(w) {
        return false;
    }
    if ["ti", "ći", "ти", "ћи"].iter().any(|s| w.ends_with(s)) {
        return false;
    }
    matches!(
        w.chars().next_back(),
        Some('a' | 'e' | 'i' | 'а' | 'е' | 'и')
    )
}

/// Frequent English words: evidence that the text around is English.
pub(super) fn english_marker(lw: &str) -> bool {
    WORD_LISTS.english_marker.contains(lw)
}

/// Frequent words of the region's languages (Latin; Cyrillic words count
/// by their script).
pub(super) fn regional_marker(lw: &str) -> bool {
    WORD_LISTS.regional_marker.contains(lw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_lists_load() {
        assert!(not_noun("degrees") && !not_noun("tonnes"));
        assert!(irregular_plural("people"));
        assert!(function_word("the") && function_word("went-on"));
        assert!(plural_modifier("customs"));
        assert!(adjective_ok("new") && adjective_ok("armed") && !adjective_ok("the"));
        assert!(cap_ok("only") && cap_ok("oko") && cap_ok("око"));
        assert!(reference_word("article") && reference_word("članak"));
        assert!(reference_word("члан") && !reference_word("tonnes"));
        assert!(!regional_noun_like("siječnja") && !regional_noun_like("сијечња"));
        assert!(regional_noun_like("telefona"));
        assert!(english_marker("said") && !english_marker("je"));
        assert!(regional_marker("između") && !regional_marker("said"));
        // every list is in the table: nothing fell out of the move
        let lists: std::collections::BTreeMap<&str, usize> =
            rows(include_str!("data/word_lists.tsv")).fold(Default::default(), |mut m, r| {
                *m.entry(r[2]).or_insert(0) += 1;
                m
            });
        assert_eq!(
            lists.into_iter().collect::<Vec<_>>(),
            [
                ("cap_ok", 84),
                ("english_marker", 30),
                ("function", 143),
                ("irregular_plural", 18),
                ("modifier", 27),
                ("not_noun", 81),
                ("plural_modifier", 15),
                ("reference", 103),
                ("regional_marker", 37),
                ("regional_stop", 188),
            ]
        );
    }
}
