//! Match keys: the folded, normalised form under which spellings of one name
//! meet, and the stable entity ids made from them. The word lists are data.

use super::Class;
use crate::doc::{Label, Mention};
use sha2::{Digest, Sha256};
use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// Titles dropped from the front of PERSON names: news prose puts rank before
/// the name, and the same person appears with and without it. Lowercase, no dot.
const HONORIFICS: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "lord",
    "lady",
    "minister",
    "president",
    "premier",
    "chancellor",
    "prosecutor",
    "judge",
    "general",
    "gen",
    "colonel",
    "col",
    "lieutenant",
    "lt",
    "major",
    "maj",
    "captain",
    "capt",
    "sergeant",
    "sgt",
    "commander",
    "inspector",
    "detective",
    "director",
    "commissioner",
    "governor",
    "mayor",
    "ambassador",
    "senator",
    "mp",
    "speaker",
];

/// Words that qualify a following title ("Prime Minister", "former Interior
/// Minister"); dropped only when a title from [`HONORIFICS`] follows them.
const TITLE_MODIFIERS: &[&str] = &[
    "former",
    "ex",
    "acting",
    "deputy",
    "vice",
    "chief",
    "prime",
    "state",
    "special",
    "public",
    "senior",
    "assistant",
    "police",
    "interior",
    "justice",
    "foreign",
    "finance",
    "defence",
    "defense",
    "security",
    "health",
    "economy",
    "trade",
    "transport",
    "then",
    "late",
];

/// Leading articles dropped for matching ("the Brussels Times").
const ARTICLES: &[&str] = &["the"];

/// Names whose article is part of the name (lowercase, as written).
const ARTICLE_KEPT: &[&str] = &["the hague"];

/// Words acronyms usually skip ("State Investigation and Protection Agency" →
/// SIPA); includes the common Balkan-language ones.
const FUNCTION_WORDS: &[&str] = &[
    "of", "and", "for", "the", "in", "on", "at", "to", "a", "an", "de", "la", "le", "du", "des",
    "del", "der", "und", "fur", "i", "za", "na", "u", "od", "&",
];

/// Apostrophes seen in possessives and names.
const APOSTROPHES: &[char] = &['\'', '\u{2019}', '\u{02BC}'];

/// Letters NFKD leaves alone but readers treat as plain Latin ones, plus Serbian
/// and Macedonian Cyrillic (one-to-one with Gaj's Latin, so "Шарић" = "Šarić").
/// Input is already lowercase.
fn fold_special(c: char) -> Option<&'static str> {
    Some(match c {
        // Đ is written "Dj" where diacritics are lost (Djuric, Djukanovic).
        'đ' | 'ђ' => "dj",
        'д' => "d",
        'ß' => "ss",
        'ø' => "o",
        'ł' => "l",
        'æ' => "ae",
        'œ' => "oe",
        'þ' => "th",
        'ı' => "i",
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'ѓ' => "gj",
        'е' => "e",
        'ж' => "z",
        'з' => "z",
        'ѕ' => "dz",
        'и' => "i",
        'ј' => "j",
        'к' => "k",
        'ќ' => "kj",
        'л' => "l",
        'љ' => "lj",
        'м' => "m",
        'н' => "n",
        'њ' => "nj",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'ћ' => "c",
        'у' => "u",
        'ф' => "f",
        'х' => "h",
        'ц' => "c",
        'ч' => "c",
        'џ' => "dz",
        'ш' => "s",
        _ => return None,
    })
}

/// Appends folded text, inserting at most one space between words.
struct KeyWriter {
    out: String,
    space: bool,
}

impl KeyWriter {
    fn word_char(&mut self, c: char) {
        if self.space && !self.out.is_empty() {
            self.out.push(' ');
        }
        self.space = false;
        self.out.push(c);
    }

    fn push(&mut self, c: char) {
        if c.is_ascii() {
            match c {
                'a'..='z' | '0'..='9' => self.word_char(c),
                'A'..='Z' => self.word_char(c.to_ascii_lowercase()),
                // Dots and apostrophes join: "U.S." = "US", "O'Brien" = "OBrien".
                '.' | '\'' | '`' => {}
                '&' => {
                    self.space = true;
                    self.word_char('a');
                    self.out.push_str("nd");
                    self.space = true;
                }
                _ => self.space = true,
            }
            return;
        }
        if APOSTROPHES.contains(&c) || c == '\u{00B4}' {
            return;
        }
        for lc in c.to_lowercase() {
            if let Some(s) = fold_special(lc) {
                s.chars().for_each(|d| self.word_char(d));
                continue;
            }
            decompose_compatible(lc, |d| {
                if is_combining_mark(d) {
                    // Accents go: "Š" → "S".
                } else if d.is_ascii() {
                    if d.is_ascii_alphanumeric() {
                        self.word_char(d.to_ascii_lowercase());
                    } else if d != '.' && d != '\'' {
                        self.space = true;
                    }
                } else if d.is_alphanumeric() {
                    for e in d.to_lowercase() {
                        let folded = fold_special(e);
                        match folded {
                            Some(s) => s.chars().for_each(|x| self.word_char(x)),
                            None => self.word_char(e),
                        }
                    }
                } else {
                    self.space = true;
                }
            });
        }
    }
}

/// Cross-document match key: NFKD, combining marks removed, lowercase, Đ→dj
/// (and ß, ø, ł, æ, Cyrillic), "&"→"and", dots and apostrophes removed, other
/// punctuation and whitespace → single spaces.
/// "Šarić" = "Saric" = "ŠARIĆ"; "Bosnia & Herzegovina" = "Bosnia and Herzegovina".
pub fn normalise_key(s: &str) -> String {
    let mut w = KeyWriter {
        out: String::with_capacity(s.len()),
        space: false,
    };
    s.chars().for_each(|c| w.push(c));
    w.out
}

/// How a surface form ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Possessive {
    None,
    /// "Belivuk's": stripped.
    ApostropheS,
    /// "Belivuks'": only the apostrophe is stripped ("Davis'" → "Davis"); the
    /// form without the final s is tried as a fallback within the document.
    SApostrophe,
}

fn strip_possessive(s: &str) -> (&str, Possessive) {
    let mut rev = s.char_indices().rev();
    let last = rev.next();
    let prev = rev.next();
    let before = rev.next();
    match (last, prev, before) {
        (Some((_, 's' | 'S')), Some((i, a)), Some((_, b)))
            if APOSTROPHES.contains(&a) && (b.is_alphanumeric() || b == '.') =>
        {
            (&s[..i], Possessive::ApostropheS)
        }
        (Some((i, a)), Some((_, 's' | 'S')), Some(_)) if APOSTROPHES.contains(&a) => {
            (&s[..i], Possessive::SApostrophe)
        }
        _ => (s, Possessive::None),
    }
}

fn title_word(tok: &str) -> String {
    tok.trim_end_matches('.').to_lowercase()
}

/// The name as it should be displayed and matched: possessive, leading
/// article and (for people) leading titles removed; diacritics kept.
pub(super) fn core_form(text: &str, class: Class) -> (String, Possessive) {
    let text = text.trim();
    if class == Class::Amount {
        return (text.to_string(), Possessive::None);
    }
    let (text, poss) = strip_possessive(text);
    let toks: Vec<&str> = text.split_whitespace().collect();
    let mut i = 0;
    if toks.len() > 1
        && ARTICLES.contains(&title_word(toks[0]).as_str())
        && !ARTICLE_KEPT.contains(&text.to_lowercase().as_str())
    {
        i = 1;
    }
    if class == Class::Person {
        loop {
            let mut j = i;
            while j < toks.len() && TITLE_MODIFIERS.contains(&title_word(toks[j]).as_str()) {
                j += 1;
            }
            // Keep at least one token: "the Minister" alone stays as written.
            if j + 1 < toks.len() && HONORIFICS.contains(&title_word(toks[j]).as_str()) {
                i = j + 1;
            } else {
                break;
            }
        }
    }
    (toks[i..].join(" "), poss)
}

/// True for "SIPA", "S.I.P.A.", "BiH": a single word, mostly capitals.
pub(super) fn acronym_shaped(core: &str) -> bool {
    if core.contains(char::is_whitespace) {
        return false;
    }
    let letters: Vec<char> = core.chars().filter(|c| *c != '.').collect();
    let upper = letters.iter().filter(|c| c.is_uppercase()).count();
    let lower = letters.iter().filter(|c| c.is_lowercase()).count();
    (2..=10).contains(&letters.len())
        && letters.iter().all(|c| c.is_alphabetic())
        && letters[0].is_uppercase()
        && upper >= 2
        && upper >= lower
}

/// Acronyms a multi-word name could have: initials of its capitalised content
/// words, and initials of all its words ("Department of Justice" → DOJ).
pub(super) fn initials(core: &str) -> Vec<String> {
    let words: Vec<&str> = core
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
        .collect();
    let first = |w: &str| normalise_key(&w.chars().take(1).collect::<String>());
    let content: String = words
        .iter()
        .filter(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && !FUNCTION_WORDS.contains(&normalise_key(w).as_str())
        })
        .map(|w| first(w))
        .collect();
    let all: String = words.iter().map(|w| first(w)).collect();
    let mut out = Vec::with_capacity(2);
    for s in [content, all] {
        if s.len() >= 2 && !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// Stable id for an entity key.
pub fn entity_id(group_label: Label, key: &str) -> String {
    let prefix = match Class::of(group_label) {
        Class::Person => "per",
        Class::Name => "ent",
        Class::Amount => "amt",
    };
    let mut slug = String::with_capacity(40);
    for c in key.chars() {
        if slug.len() >= 40 {
            break;
        }
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    let mut h = Sha256::new();
    h.update(group_label.as_str().as_bytes());
    h.update(b"|");
    h.update(key.as_bytes());
    let digest = h.finalize();
    let hex: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    if slug.is_empty() {
        format!("{prefix}-{hex}")
    } else {
        format!("{prefix}-{slug}-{hex}")
    }
}

/// The group label an entity id was made under, from its prefix (see
/// [`entity_id`]).
pub fn group_of_id(entity_id: &str) -> Option<Label> {
    match entity_id.split_once('-')?.0 {
        "per" => Some(Label::Person),
        "ent" => Some(Label::Misc),
        "amt" => Some(Label::Amount),
        _ => None,
    }
}

pub(super) fn amount_key(m: &Mention) -> String {
    match &m.amount {
        // The range is part of the key: "€2-3 million" is not "€2 million".
        Some(a) => format!("{}|{}|{}", a.kind, a.value_or_range(), a.unit),
        None => normalise_key(&m.text),
    }
}
