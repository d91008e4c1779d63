//! Lemmas of names: the nominative a mention's name has in the dictionary,
//! so that case forms of one name meet under one match key and the entity is
//! named in the nominative ("u Beogradu" → Beograd, "Darka Šarića" → Darko
//! Šarić, "NATO-a" → NATO, "Tužilaštvu BiH" → Tužilaštvo BiH).
//!
//! Only for documents in Croatian, Serbian (both scripts), Bosnian and
//! Montenegrin; elsewhere a mention's lemma is its core form (titles,
//! leading article and English possessive removed: "Šarić's" → "Šarić").
//!
//! Rules over the declension endings of names (`data/endings.tsv`) propose
//! candidate nominatives for each word; the document decides between them:
//! 1. a word listed in `data/names.tsv` (places, organisation head nouns) or
//!    `data/places.tsv` (countries and cities) is its own lemma;
//! 2. a candidate written as a word of another mention of the document
//!    ("Beograd" beside "Beogradu") or listed there wins;
//! 3. else the rule marked as the default reading ("-iji" → "-ija",
//!    "-u" after a consonant → nothing, "-ića" → "-ić");
//! 4. else a candidate that is another word's default lemma in the document;
//! 5. else the word as written (it may well be a nominative: "Ivana").
//!
//! How names inflect decides which words are lemmatised: a person's every
//! word, but a given name only in agreement with its surname (so that
//! "Ivana Horvat", a woman, stays apart from "Ivana Horvata", Ivan Horvat's
//! genitive); a place's every capitalised word ("Bosne i Hercegovine");
//! an organisation's head, with the adjective before it ("Europske
//! komisije" → "Europska komisija", "Uprave za indirektno oporezivanje" →
//! "Uprava za indirektno oporezivanje"). Possessive adjectives of surnames
//! ("Đurićev", "Šarićeva") are attached to their person: their lemma is the
//! surname, so they join the person's entity. Single-word persons take a
//! candidate only from the "-ić" rules or from a surname written in the
//! document, never from a given name.

mod tables;
#[cfg(test)]
mod tests;

use super::keys::core_form;
use super::Class;
use crate::doc::{Label, Mention};
use std::collections::{HashMap, HashSet};
use tables::{is_consonant, tables, Paradigm, When};

/// Languages (ISO 639-1/3) whose names are lemmatised.
const INFLECTING: &[&str] = &["hr", "sr", "bs", "sh", "hbs", "cnr", "me"];

/// Sets each mention's `lemma` (amounts keep theirs in `amount.lemma`).
/// `language` is the document's (ISO 639-1); all mentions are of one document.
pub fn lemmatise(mentions: &mut [Mention], language: &str) {
    // A document repeats its names: each (label, text) is read once.
    let mut distinct: Vec<(Label, String)> = Vec::new();
    let mut of_mention: Vec<Option<usize>> = Vec::with_capacity(mentions.len());
    {
        let mut index: HashMap<(Label, &str), usize> = HashMap::new();
        for m in mentions.iter() {
            if m.label == Label::Amount {
                of_mention.push(None);
                continue;
            }
            let i = *index.entry((m.label, m.text.as_str())).or_insert_with(|| {
                distinct.push((m.label, core_form(&m.text, Class::of(m.label)).0));
                distinct.len() - 1
            });
            of_mention.push(Some(i));
        }
    }
    let lemmas = if INFLECTING.contains(&language) {
        lemmas_of(&distinct)
    } else {
        distinct.into_iter().map(|(_, core)| core).collect()
    };
    for (m, i) in mentions.iter_mut().zip(of_mention) {
        if let Some(i) = i {
            m.lemma = lemmas[i].clone();
        }
    }
}

/// The lemma of each distinct (label, core form) of a document.
fn lemmas_of(distinct: &[(Label, String)]) -> Vec<String> {
    let doc = DocWords::of(distinct);
    let mut order: Vec<usize> = (0..distinct.len()).collect();
    // Multi-word persons first: their surnames decide one-word mentions.
    order.sort_by_key(|&i| !distinct[i].1.contains(' '));
    let mut surnames = doc.surnames.clone();
    let mut out = vec![String::new(); distinct.len()];
    for i in order {
        let (label, core) = &distinct[i];
        let words: Vec<&str> = core.split_whitespace().collect();
        let lemma = match label {
            Label::Person => person(&words, &doc, &surnames),
            Label::Place => words.iter().map(|w| name_word(w, &doc, true)).collect(),
            _ => organisation(&words, &doc),
        };
        if *label == Label::Person && lemma.len() > 1 {
            surnames.insert(lemma[lemma.len() - 1].to_lowercase());
        }
        out[i] = lemma.join(" ");
    }
    out
}

/// What the document's mentions write, lowercase.
struct DocWords {
    /// Words of place, organisation and other names.
    names: HashSet<String>,
    /// Default lemmas (rules 3) of those words, each with a word it is the
    /// default of.
    defaults: HashMap<String, String>,
    /// Words of person names.
    person: HashSet<String>,
    /// Last words of multi-word person names.
    surnames: HashSet<String>,
}

impl DocWords {
    fn of(distinct: &[(Label, String)]) -> DocWords {
        let mut d = DocWords {
            names: HashSet::new(),
            defaults: HashMap::new(),
            person: HashSet::new(),
            surnames: HashSet::new(),
        };
        for (label, core) in distinct {
            let words: Vec<&str> = core.split_whitespace().collect();
            match label {
                Label::Amount => {}
                Label::Person => {
                    d.person.extend(words.iter().map(|w| w.to_lowercase()));
                    if words.len() > 1 {
                        d.surnames.insert(words[words.len() - 1].to_lowercase());
                    }
                }
                _ => d.names.extend(words.iter().map(|w| w.to_lowercase())),
            }
        }
        let mut names: Vec<&String> = d.names.iter().collect();
        names.sort();
        let defaults: HashMap<String, String> = names
            .into_iter()
            .filter_map(|w| Some((default_reading(w, Paradigm::Name)?, w.clone())))
            .collect();
        d.defaults = defaults;
        d
    }
}

/// "NATO-a" → "NATO", "UN-u" → "UN": an acronym with a case ending.
fn acronym_stem(word: &str) -> Option<&str> {
    let (stem, ending) = word.rsplit_once(['-', '\u{2010}', '\u{2011}'])?;
    let upper = stem.chars().filter(|c| c.is_uppercase()).count();
    let ending_ok = (1..=3).contains(&ending.chars().count())
        && ending
            .chars()
            .all(|c| c.is_lowercase() && c.is_alphabetic());
    let stem_ok = upper >= 2 && stem.chars().all(|c| !c.is_lowercase() || c.is_alphabetic());
    (ending_ok && stem_ok && upper * 2 >= stem.chars().count()).then_some(stem)
}

/// "Sky-a" → "Sky", "IDC-ovih" → "IDC": a capitalised name with a case or
/// possessive ending after a hyphen.
fn hyphen_stem(word: &str) -> Option<String> {
    let (stem, _) = candidates(word, Paradigm::Hyphen)
        .into_iter()
        .find(|(_, w)| *w == When::Always)?;
    let mut chars = stem.chars();
    (chars.next().is_some_and(char::is_uppercase) && chars.next().is_some()).then_some(stem)
}

/// A candidate: the word with `ending` replaced, in the word's case.
fn replace_ending(word: &str, ending_chars: usize, replacement: &str) -> String {
    let n = word.chars().count();
    let stem: String = word.chars().take(n - ending_chars).collect();
    let shout = word
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(char::is_uppercase);
    if shout {
        stem + &replacement.to_uppercase()
    } else {
        stem + replacement
    }
}

/// "Kipr" → "Kipar": a stem ending in two consonants, with the a that the
/// nominative has between them.
fn fleeting_a(stem: &str) -> Option<String> {
    let chars: Vec<char> = stem.chars().collect();
    let n = chars.len();
    if n < 3 || !is_consonant(chars[n - 1]) || !is_consonant(chars[n - 2]) {
        return None;
    }
    let cyrillic = ('\u{400}'..='\u{4ff}').contains(&chars[n - 1]);
    let a = if cyrillic { 'а' } else { 'a' };
    let mut out: String = chars[..n - 1].iter().collect();
    out.push(a);
    out.push(chars[n - 1]);
    Some(out)
}

/// The candidates of `word` under `paradigm`'s rules, in table order.
fn candidates(word: &str, paradigm: Paradigm) -> Vec<(String, When)> {
    let lower = word.to_lowercase();
    let n = lower.chars().count();
    let mut out: Vec<(String, When)> = Vec::new();
    let t = tables();
    let Some(last) = lower.chars().next_back() else {
        return Vec::new();
    };
    let rows = t
        .by_last
        .get(&(paradigm, last))
        .map_or(&[][..], Vec::as_slice);
    for r in rows.iter().map(|&i| &t.rules[i]) {
        let e = r.ending.chars().count();
        if n < e + 2 || !lower.ends_with(r.ending.as_str()) {
            continue;
        }
        let stem_last = lower.chars().nth(n - e - 1).unwrap_or('a');
        let when = match r.when {
            When::Consonant if !is_consonant(stem_last) || matches!(stem_last, 'j' | 'ј') => {
                When::Attested
            }
            w => w,
        };
        let c = replace_ending(word, e, &r.replacement);
        if r.replacement.is_empty() {
            // A fleeting a: "Kipru" → Kipar, "Zadra" → Zadar.
            if let Some(f) = fleeting_a(&c) {
                if !out.iter().any(|(x, _)| *x == f) {
                    out.push((f, When::Attested));
                }
            }
        }
        if !out.iter().any(|(x, _)| *x == c) {
            out.push((c, when));
        }
    }
    out
}

/// Rule 3: the first candidate that is a default reading, lowercase.
fn default_reading(word: &str, paradigm: Paradigm) -> Option<String> {
    candidates(word, paradigm)
        .into_iter()
        .find(|(_, w)| *w != When::Attested)
        .map(|(c, _)| c.to_lowercase())
}

/// Whether a word read as a nominative has an oblique reading by default
/// ("Tužilaštva" → Tužilaštvo): then it attests nothing.
fn oblique(lower: &str) -> bool {
    candidates(lower, Paradigm::Name)
        .iter()
        .any(|(_, w)| *w == When::Always)
}

/// The lemma of one word of a place or organisation name (rules 1–5).
/// `vowel_defaults`: whether "-e"/"-i" → "-a" are default readings (places:
/// "Tuzli" → Tuzla); organisation heads may be plural ("Narodne novine").
fn name_word(word: &str, doc: &DocWords, vowel_defaults: bool) -> String {
    if let Some(stem) = acronym_stem(word) {
        return stem.to_string();
    }
    if let Some(stem) = hyphen_stem(word) {
        return stem;
    }
    // An acronym ("YUCOM", "CEFTA") is no shouted case form.
    let shouted = word.chars().all(|c| !c.is_alphabetic() || c.is_uppercase());
    if shouted && word.chars().count() <= 5 {
        return word.to_string();
    }
    let lower = word.to_lowercase();
    let t = tables();
    if t.names.contains(&lower) || !word.chars().any(char::is_alphabetic) {
        return word.to_string();
    }
    let cands = candidates(word, Paradigm::Name);
    let listed = |c: &str| t.names.contains(&c.to_lowercase());
    let written = |c: &str| {
        let l = c.to_lowercase();
        doc.names.contains(&l) && !oblique(&l)
    };
    let pick = cands
        .iter()
        .find(|(c, _)| listed(c))
        .or_else(|| cands.iter().find(|(_, w)| *w == When::Always))
        .or_else(|| cands.iter().find(|(c, _)| written(c)))
        .or_else(|| {
            cands.iter().find(|(c, w)| {
                *w == When::Consonant
                    && (vowel_defaults || c.chars().count() < word.chars().count())
            })
        })
        .or_else(|| {
            // Another word's default reading ("Beograda" beside "Beogradu").
            cands.iter().find(|(c, _)| {
                doc.defaults
                    .get(&c.to_lowercase())
                    .is_some_and(|source| *source != lower)
            })
        });
    pick.map_or_else(|| word.to_string(), |(c, _)| c.clone())
}

/// "Appleova" → "Apple": a possessive adjective made from a name that the
/// document writes or names.tsv lists.
fn possessive_owner(word: &str, doc: &DocWords) -> Option<String> {
    let lower = word.to_lowercase();
    candidates(word, Paradigm::Possessive)
        .into_iter()
        .map(|(c, _)| c)
        .find(|c| {
            let l = c.to_lowercase();
            l != lower && (doc.names.contains(&l) || tables().names.contains(&l))
        })
}

/// An organisation's head (its first word) and the adjective's noun after it;
/// a one-word possessive adjective is its owner's name.
fn organisation(words: &[&str], doc: &DocWords) -> Vec<String> {
    if let [word] = words {
        if let Some(owner) = possessive_owner(word, doc) {
            return vec![owner];
        }
    }
    let mut out: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    if let Some(first) = words.first() {
        out[0] = name_word(first, doc, false);
        let adjective = ["sk", "čk", "ck", "ск", "чк", "цк"]
            .iter()
            .any(|a| out[0].to_lowercase().contains(a))
            && out[0] != *first;
        if adjective && words.len() > 1 {
            out[1] = name_word(words[1], doc, false);
        }
    }
    out
}

/// Endings of one case of a masculine name: the surname's and its given
/// names' agree ("Darka Šarića", "Nenadom Jurićem").
const AGREEING: &[&[&str]] = &[&["a", "а"], &["u", "у"], &["om", "em", "ом", "ем"]];

fn case_of(word: &str) -> Option<usize> {
    let lower = word.to_lowercase();
    AGREEING
        .iter()
        .position(|endings| endings.iter().any(|e| lower.ends_with(e)))
}

/// The surname's lemma where the name is in an oblique masculine case.
fn surname(words: &[&str], doc: &DocWords, surnames: &HashSet<String>) -> Option<String> {
    let s = words[words.len() - 1];
    let cands = candidates(s, Paradigm::Person);
    if let Some((c, _)) = cands.iter().find(|(_, w)| *w == When::Always) {
        return Some(c.clone());
    }
    if let Some((c, _)) = cands.iter().find(|(c, _)| {
        let l = c.to_lowercase();
        surnames.contains(&l) || doc.person.contains(&l)
    }) {
        return Some(c.clone());
    }
    let g = words[words.len() - 2];
    if let Some(a_stem) = a_stem_surname(s, g, doc) {
        return Some(a_stem);
    }
    let agree = case_of(s).is_some() && case_of(s) == case_of(g);
    if !agree || tables().masculine_a.contains(&g.to_lowercase()) {
        return None;
    }
    cands
        .iter()
        .find(|(_, w)| matches!(w, When::Consonant | When::Agreement))
        .map(|(c, _)| c.clone())
}

/// A man's given name and a surname in -a in the same oblique case: the
/// given name's ending, then the surname's ("Diega Maradone", "Diegu
/// Maradoni"). The instrumental (-om, -om) reads either way and is left.
const A_STEM_AGREEING: &[(&[&str], &[&str])] =
    &[(&["a", "а"], &["e", "е"]), (&["u", "у"], &["i", "и"])];

/// "Diega Maradone" → Maradona: a surname in -e (-i) after a man's given
/// name in the genitive (dative) is a man's a-stem surname in that case.
/// The given name must read as a man's: its nominative written in the
/// document or listed, or a stem in -k/-g taking -o ("Diega" → Diego), so
/// that "Condoleezza Rice" stays as written.
fn a_stem_surname(s: &str, g: &str, doc: &DocWords) -> Option<String> {
    let (given, surname) = (g.to_lowercase(), s.to_lowercase());
    // A regnal number or an acronym is not a surname ("Benedictu XVI").
    if surname.chars().count() < 4 || s.chars().filter(|c| c.is_uppercase()).count() > 1 {
        return None;
    }
    let ends = |word: &str, endings: &[&str]| endings.iter().any(|e| word.ends_with(e));
    A_STEM_AGREEING
        .iter()
        .find(|(g_end, s_end)| ends(&given, g_end) && ends(&surname, s_end))?;
    let man = given_name(g, true, doc).to_lowercase();
    let t = tables();
    let attested = doc.person.contains(&man) || t.given.contains(&man);
    let velar_o = ["ko", "go", "ко", "го"].iter().any(|e| man.ends_with(e));
    if man == given || t.masculine_a.contains(&given) || !(attested || velar_o) {
        return None;
    }
    let last = s.chars().next_back()?;
    let a = if ('\u{400}'..='\u{4ff}').contains(&last) {
        "а"
    } else {
        "a"
    };
    Some(replace_ending(s, 1, a))
}

/// A given name in an oblique case: `masculine` after a masculine surname in
/// the same case; otherwise a woman's ("Dijani Hrkalović" → Dijana), taken
/// only where the nominative is written in the document or listed.
fn given_name(g: &str, masculine: bool, doc: &DocWords) -> String {
    let lower = g.to_lowercase();
    let endings: &[&str] = if masculine {
        &["om", "em", "a", "u", "e", "ом", "ем", "а", "у", "е"]
    } else {
        &["om", "i", "u", "e", "ом", "и", "у", "е"]
    };
    let Some(e) = endings.iter().find(|e| lower.ends_with(*e)) else {
        return g.to_string();
    };
    let e_chars = e.chars().count();
    if lower.chars().count() < e_chars + 2 {
        return g.to_string();
    }
    let cyrillic = e.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c));
    let (o, a) = if cyrillic { ("о", "а") } else { ("o", "a") };
    let stem = replace_ending(g, e_chars, "");
    // A man's name in -a ("Nikola") has no dative in -u: "Diegu" is not
    // a form of "Diega".
    let dative = matches!(*e, "u" | "у");
    let options: Vec<String> = if masculine && dative {
        vec![format!("{stem}{o}"), stem.clone()]
    } else if masculine {
        vec![format!("{stem}{o}"), stem.clone(), format!("{stem}{a}")]
    } else {
        vec![format!("{stem}{a}")]
    };
    let t = tables();
    let attested = |c: &String| {
        let l = c.to_lowercase();
        l != lower && (doc.person.contains(&l) || t.given.contains(&l))
    };
    if let Some(c) = options.iter().find(|c| attested(c)) {
        return c.clone();
    }
    if !masculine {
        return g.to_string();
    }
    let velar = stem.ends_with(['k', 'g', 'к', 'г', 'K', 'G', 'К', 'Г']);
    match (*e, velar) {
        ("e" | "е", _) => options[2].clone(),
        (_, true) => options[0].clone(),
        _ => stem,
    }
}

/// The lemma of a one-word person: a surname rule ("-ića" → "-ić"), the
/// a-stem the document shows, a surname of the document, else the consonant
/// stem ("Račanom" → Račan).
fn one_word_person(word: &str, doc: &DocWords, surnames: &HashSet<String>) -> String {
    let poss = candidates(word, Paradigm::Possessive);
    let cands = candidates(word, Paradigm::Person);
    let lower = word.to_lowercase();
    // Romanian surnames keep their -u ("Basescu", "Basesku", "Басеску").
    let romanian = ["scu", "sku", "ску"].iter().any(|e| lower.ends_with(e));
    let both = || poss.iter().chain(cands.iter());
    both()
        .find(|(_, w)| *w == When::Always)
        .map(|(c, _)| c.clone())
        .or_else(|| a_stem(word, &cands, doc))
        .or_else(|| {
            both()
                .find(|(c, _)| surnames.contains(&c.to_lowercase()))
                .map(|(c, _)| c.clone())
        })
        .or_else(|| {
            cands
                .iter()
                .find(|(_, w)| *w == When::Consonant && !romanian)
                .map(|(c, _)| c.clone())
        })
        .unwrap_or_else(|| word.to_string())
}

/// "Budišu" → "Budiša" where the document writes the name in two or more
/// of the a-stem's forms, one of them "Budiše" or "Budiši" (endings that
/// only a name in -a takes in the singular, a woman's or a man's), and
/// never "Budiš". One form alone proves nothing ("Marije").
fn a_stem(word: &str, cands: &[(String, When)], doc: &DocWords) -> Option<String> {
    let ends_in_a = |w: &str| w.ends_with(['a', 'а', 'A', 'А']);
    let nominative = if ends_in_a(word) {
        word.to_string()
    } else {
        cands.iter().map(|(c, _)| c).find(|c| ends_in_a(c))?.clone()
    };
    let lower = nominative.to_lowercase();
    let a = lower.chars().next_back()?;
    let stem = &lower[..lower.len() - a.len_utf8()];
    let endings: [&str; 5] = if a == 'а' {
        ["е", "и", "а", "у", "ом"]
    } else {
        ["e", "i", "a", "u", "om"]
    };
    let written: Vec<&str> = endings
        .into_iter()
        .filter(|x| doc.person.contains(&format!("{stem}{x}")))
        .collect();
    let shown = written.len() >= 2 && endings[..2].iter().any(|x| written.contains(x));
    (shown && !doc.person.contains(stem)).then_some(nominative)
}

/// The lemma of each word of a person's name.
fn person(words: &[&str], doc: &DocWords, surnames: &HashSet<String>) -> Vec<String> {
    let mut out: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    let Some(last) = words.last() else {
        return out;
    };
    if words.len() == 1 {
        out[0] = one_word_person(last, doc, surnames);
        return out;
    }
    let n = words.len();
    match surname(words, doc, surnames) {
        Some(s) => {
            out[n - 1] = s;
            for i in 0..n - 1 {
                out[i] = given_name(words[i], true, doc);
            }
        }
        None if last.chars().last().is_some_and(is_consonant) => {
            for i in 0..n - 1 {
                out[i] = given_name(words[i], false, doc);
            }
        }
        None => {}
    }
    out
}
