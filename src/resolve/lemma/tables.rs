//! The lemmatiser's tables (`data/*.tsv`), loaded once, with their Serbian
//! Cyrillic rows made from the Latin ones.

use crate::doc::script::latin_to_cyrillic;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// When a rule's candidate is taken (see `data/endings.tsv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum When {
    Always,
    Consonant,
    /// Persons: where the given name agrees; otherwise as `Attested`.
    Agreement,
    Attested,
}

/// Which words a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Paradigm {
    /// Places, organisations: nouns and adjectives.
    Name,
    /// Surnames and given names.
    Person,
    /// Possessive adjectives of surnames.
    Possessive,
    /// Case and possessive endings after a hyphen ("Sky-a").
    Hyphen,
}

pub(super) struct Rule {
    pub paradigm: Paradigm,
    pub ending: String,
    pub replacement: String,
    pub when: When,
}

pub(super) struct Tables {
    pub rules: Vec<Rule>,
    /// Indexes into `rules` by paradigm and the ending's last letter, in
    /// table order.
    pub by_last: HashMap<(Paradigm, char), Vec<usize>>,
    /// Lowercase nominatives (names.tsv, places.tsv), Latin and Cyrillic.
    pub names: HashSet<String>,
    /// Lowercase given names (given_names.tsv), Latin and Cyrillic.
    pub given: HashSet<String>,
    /// Those of them that are men's names ending in -a ("nikola").
    pub masculine_a: HashSet<String>,
}

fn word_set(text: &str, mark: Option<&str>) -> HashSet<String> {
    let mut set = HashSet::new();
    for r in crate::tables::rows(text)
        .filter(|r| mark.is_none_or(|m| r.get(1).is_some_and(|x| x.trim() == m)))
    {
        let w = r[0].trim().to_lowercase();
        set.insert(latin_to_cyrillic(&w));
        set.insert(w);
    }
    set
}

fn rules() -> Vec<Rule> {
    let mut out = Vec::new();
    for r in crate::tables::rows(include_str!("data/endings.tsv")) {
        let paradigm = match r[0] {
            "person" => Paradigm::Person,
            "possessive" => Paradigm::Possessive,
            "hyphen" => Paradigm::Hyphen,
            _ => Paradigm::Name,
        };
        let when = match r.get(3).copied().unwrap_or("attested") {
            "always" => When::Always,
            "consonant" => When::Consonant,
            "agreement" => When::Agreement,
            _ => When::Attested,
        };
        let (ending, replacement) = (r[1].trim(), r.get(2).map_or("", |s| s.trim()));
        for (e, x) in [
            (ending.to_string(), replacement.to_string()),
            (latin_to_cyrillic(ending), latin_to_cyrillic(replacement)),
        ] {
            out.push(Rule {
                paradigm,
                ending: e,
                replacement: x,
                when,
            });
        }
    }
    out
}

pub(super) fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let rules = rules();
        let mut by_last: HashMap<(Paradigm, char), Vec<usize>> = HashMap::new();
        for (i, r) in rules.iter().enumerate() {
            if let Some(c) = r.ending.chars().next_back() {
                by_last.entry((r.paradigm, c)).or_default().push(i);
            }
        }
        Tables {
            rules,
            by_last,
            names: [
                include_str!("data/names.tsv"),
                include_str!("data/places.tsv"),
            ]
            .into_iter()
            .flat_map(|text| word_set(text, None))
            .collect(),
            given: word_set(include_str!("data/given_names.tsv"), None),
            masculine_a: word_set(include_str!("data/given_names.tsv"), Some("m")),
        }
    })
}

/// Consonants of the Latin and Cyrillic alphabets (lowercase).
pub(super) fn is_consonant(c: char) -> bool {
    let c = c.to_lowercase().next().unwrap_or(c);
    c.is_alphabetic() && !"aeiouyаеиоу".contains(c)
}
