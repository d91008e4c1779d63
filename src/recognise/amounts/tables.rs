//! The recogniser's word tables, loaded once from the TSV files in `data/`:
//! number words, currency names, codes and adjectives, unit words,
//! qualifiers and count-noun lemmas, per language. Serbian Cyrillic forms of
//! the region's words are made from the Latin ones here, so each table lists
//! a word once.

use super::numbers::Nw;
use crate::doc::script::latin_to_cyrillic;
use crate::doc::AmountKind;
use crate::tables::rows;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

/// The languages the recogniser reads: English, the region's
/// Croatian/Serbian/Bosnian (one grammar for amounts), or not known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lang {
    En,
    Sh,
    /// Not given or another language: both tables, the region's words only
    /// where the text around is not plainly English.
    Any,
}

impl Lang {
    /// From an ISO 639-1 code.
    pub(super) fn of(code: Option<&str>) -> Lang {
        match code.map(|c| c.trim().to_ascii_lowercase()).as_deref() {
            Some("en") => Lang::En,
            Some("hr" | "sr" | "bs" | "sh" | "cnr" | "me") => Lang::Sh,
            _ => Lang::Any,
        }
    }
}

/// Which language a table row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tag {
    En,
    Sh,
    Both,
}

impl Tag {
    fn parse(s: &str) -> Tag {
        match s {
            "en" => Tag::En,
            "sh" => Tag::Sh,
            _ => Tag::Both,
        }
    }
}

/// Whether a row of `tag` applies in `lang`: yes, or only where the text
/// around is in the row's language. A document's language is its majority's:
/// the English page of a Croatian report writes "€12.8 million", and the
/// text around decides there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fit {
    Yes,
    IfRegional,
    IfNotRegional,
}

pub(super) fn fit(tag: Tag, lang: Lang) -> Fit {
    match (tag, lang) {
        (Tag::Both, _) | (Tag::En, Lang::En | Lang::Any) | (Tag::Sh, Lang::Sh) => Fit::Yes,
        (Tag::Sh, Lang::Any | Lang::En) => Fit::IfRegional,
        (Tag::En, Lang::Sh) => Fit::IfNotRegional,
    }
}

/// FNV-1a: the keys are short words, looked up once per word of the text.
#[derive(Default)]
pub(super) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type Map<V> = HashMap<String, V, BuildHasherDefault<Fnv>>;

/// Inserts `key`, and its Cyrillic spelling when `cyr` (a regional row).
/// A word listed for both languages with the same meaning applies to both.
fn put<V: Clone + PartialEq>(map: &mut Map<(V, Tag)>, key: &str, v: V, tag: Tag, cyr: bool) {
    let mut keys = vec![key.to_string()];
    if cyr {
        let c = latin_to_cyrillic(key);
        if c != key {
            keys.push(c);
        }
    }
    for k in keys {
        match map.get_mut(&k) {
            Some((old, t)) if *old == v && *t != tag => *t = Tag::Both,
            Some(_) => {}
            None => {
                map.insert(k, (v.clone(), tag));
            }
        }
    }
}

pub(super) static NUM_WORDS: LazyLock<Map<(Nw, Tag)>> = LazyLock::new(|| {
    let mut m = Map::default();
    for r in rows(include_str!("data/numwords.tsv")) {
        let v: i64 = r[3].parse().unwrap_or(0);
        let nw = match r[2] {
            "unit" => Nw::Unit(v as u32),
            "teen" => Nw::Teen(v as u32),
            "tens" => Nw::Tens(v as u32),
            "hundreds" => Nw::Hundreds(v as u32),
            "hundred" => Nw::Hundred,
            "scale" => Nw::Scale(v as i32),
            "scale1" => Nw::ScaleOne(v as i32),
            "abbr" => Nw::Abbr(v as i32),
            "dozen" => Nw::Dozen,
            "a" => Nw::A,
            "half" => Nw::Half,
            "and" => Nw::And,
            "quarter" => Nw::Quarter,
            _ => continue,
        };
        let tag = Tag::parse(r[1]);
        put(&mut m, r[0], nw, tag, tag != Tag::En);
    }
    m
});

/// A currency name: ISO code and the power of ten of the named unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct CurName {
    pub(super) code: &'static str,
    pub(super) shift: i32,
}

pub(super) static CURRENCY_NAMES: LazyLock<Map<(CurName, Tag)>> = LazyLock::new(|| {
    let mut m = Map::default();
    for r in rows(include_str!("data/currency_names.tsv")) {
        let tag = Tag::parse(r[1]);
        let c = CurName {
            code: r[2],
            shift: r[3].parse().unwrap_or(0),
        };
        put(&mut m, r[0], c, tag, tag != Tag::En);
    }
    m
});

/// (adjective, family code) → code.
pub(super) static CURRENCY_ADJECTIVES: LazyLock<HashMap<(String, &'static str), &'static str>> =
    LazyLock::new(|| {
        let mut m = HashMap::new();
        for r in rows(include_str!("data/currency_adjectives.tsv")) {
            m.insert((r[0].to_string(), r[1]), r[2]);
            let c = latin_to_cyrillic(r[0]);
            if c != r[0] && !r[0].is_ascii() {
                m.insert((c, r[1]), r[2]);
            }
        }
        m
    });

/// Currency code → (ISO code, is also an English word).
pub(super) static ISO_CODES: LazyLock<HashMap<&'static str, (&'static str, bool)>> =
    LazyLock::new(|| {
        rows(include_str!("data/iso_codes.tsv"))
            .map(|r| (r[0], (r[1], r.get(2) == Some(&"word"))))
            .collect()
    });

/// A unit word: kind and unit as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct UnitWord {
    pub(super) kind: AmountKind,
    pub(super) unit: &'static str,
}

/// Unit words and phrases, and the first words of the phrases.
pub(super) struct Units {
    pub(super) words: Map<(UnitWord, Tag)>,
    pub(super) phrase_heads: HashSet<String, BuildHasherDefault<Fnv>>,
}

pub(super) static UNITS: LazyLock<Units> = LazyLock::new(|| {
    let mut words = Map::default();
    let mut phrase_heads = HashSet::default();
    for r in rows(include_str!("data/units.tsv")) {
        let kind = match r[2] {
            "quantity" => AmountKind::Quantity,
            "percent" => AmountKind::Percent,
            "duration" => AmountKind::Duration,
            _ => continue,
        };
        let tag = Tag::parse(r[1]);
        let cyr = tag != Tag::En;
        if let Some((head, _)) = r[0].split_once(' ') {
            phrase_heads.insert(head.to_string());
            if cyr {
                phrase_heads.insert(latin_to_cyrillic(head));
            }
        }
        put(&mut words, r[0], UnitWord { kind, unit: r[3] }, tag, cyr);
    }
    Units {
        words,
        phrase_heads,
    }
});

/// Qualifier phrases and their language; the longest phrase has this many
/// words.
pub(super) static QUALIFIERS: LazyLock<Map<((), Tag)>> = LazyLock::new(|| {
    let mut m = Map::default();
    for r in rows(include_str!("data/qualifiers.tsv")) {
        let tag = Tag::parse(r[1]);
        put(&mut m, r[0], (), tag, tag != Tag::En);
    }
    m
});

/// Regional counted noun as written → lemma.
pub(super) static COUNT_LEMMAS: LazyLock<Map<String>> = LazyLock::new(|| {
    let mut m = Map::default();
    for r in rows(include_str!("data/count_lemmas.tsv")) {
        let lemma = if r[1] == "-" { r[0] } else { r[1] };
        m.insert(r[0].to_string(), lemma.to_string());
        let c = latin_to_cyrillic(r[0]);
        if c != r[0] {
            m.insert(c, latin_to_cyrillic(lemma));
        }
    }
    m
});

/// Lower-cases a word into `buf` without allocating; None when it does not
/// fit (no table word is that long).
pub(super) fn lower_into<'b>(w: &'b str, buf: &'b mut [u8; 48]) -> Option<&'b str> {
    if w.len() > buf.len() {
        return None;
    }
    // most words are lower case already: no copy
    if !w.chars().any(char::is_uppercase) {
        return Some(w);
    }
    if w.is_ascii() {
        if w.len() > buf.len() {
            return None;
        }
        for (d, c) in buf.iter_mut().zip(w.bytes()) {
            *d = c.to_ascii_lowercase();
        }
        return std::str::from_utf8(&buf[..w.len()]).ok();
    }
    let mut n = 0;
    for c in w.chars().flat_map(char::to_lowercase) {
        let l = c.len_utf8();
        if n + l > buf.len() {
            return None;
        }
        c.encode_utf8(&mut buf[n..n + l]);
        n += l;
    }
    std::str::from_utf8(&buf[..n]).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_load() {
        assert_eq!(NUM_WORDS.get("pet").map(|x| x.0), Some(Nw::Unit(5)));
        assert_eq!(NUM_WORDS.get("пет").map(|x| x.0), Some(Nw::Unit(5)));
        assert_eq!(NUM_WORDS.get("хиљаду").map(|x| x.0), Some(Nw::ScaleOne(3)));
        assert_eq!(CURRENCY_NAMES.get("евра").map(|x| x.0.code), Some("EUR"));
        assert_eq!(CURRENCY_NAMES.get("euro").map(|x| x.1), Some(Tag::Both));
        assert_eq!(UNITS.words.get("одсто").map(|x| x.0.unit), Some("%"));
        assert!(UNITS.phrase_heads.contains("square"));
        assert_eq!(
            COUNT_LEMMAS.get("телефона").map(String::as_str),
            Some("телефон")
        );
        assert_eq!(ISO_CODES.get("ALL"), Some(&("ALL", true)));
        assert!(QUALIFIERS.contains_key("више од"));
        let mut b = [0u8; 48];
        assert_eq!(lower_into("МИЛИОНА", &mut b), Some("милиона"));
    }
}
