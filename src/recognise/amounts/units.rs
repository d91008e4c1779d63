//! Units: currency symbols, ISO codes and currency names, percent words,
//! quantity and duration units, and counted nouns after a number.

use super::lexicon::*;
use super::scanner::*;
use super::tables::*;
use crate::doc::AmountKind;

pub(super) fn currency_symbol(c: char) -> Option<&'static str> {
    Some(match c {
        '$' => "USD",
        '€' => "EUR",
        '£' => "GBP",
        '¥' => "JPY",
        '₽' => "RUB",
        '₺' => "TRY",
        '₴' => "UAH",
        '₹' => "INR",
        '₩' => "KRW",
        '₪' => "ILS",
        '₦' => "NGN",
        '₱' => "PHP",
        '₫' => "VND",
        '₸' => "KZT",
        '₼' => "AZN",
        '₾' => "GEL",
        '₿' => "BTC",
        '₭' => "LAK",
        '₡' => "CRC",
        _ => return None,
    })
}

/// Letters glued before '$': "US$", "C$", "A$", "NZ$", "HK$", ...
pub(super) fn dollar_prefix(w: &str) -> Option<&'static str> {
    Some(match w {
        "US" => "USD",
        "C" | "CA" | "Can" => "CAD",
        "A" | "AU" => "AUD",
        "NZ" => "NZD",
        "HK" => "HKD",
        "S" | "SG" => "SGD",
        "R" => "BRL",
        "NT" => "TWD",
        _ => return None,
    })
}

/// Letters before " $" (with a space): "hk $ 10.05 billion", "c $ 16.4
/// million". Not "A"/"a" (the article: "a $5 bill"), "S" or "R".
pub(super) fn dollar_prefix_spaced(w: &str) -> Option<&'static str> {
    let mut buf = [0u8; 48];
    Some(match lower_into(w, &mut buf)? {
        "us" => "USD",
        "c" | "ca" | "can" => "CAD",
        "au" => "AUD",
        "nz" => "NZD",
        "hk" => "HKD",
        "sg" => "SGD",
        "nt" => "TWD",
        _ => return None,
    })
}

/// Currency codes (`data/iso_codes.tsv`, case-sensitive, so "all"/"try" are
/// words; "KM" for Bosnian convertible marks): the ISO code, and whether the
/// code is also an English word ("ALL", "TOP", "CUP").
pub(super) fn iso_code(w: &str) -> Option<(&'static str, bool)> {
    // every code starts with a capital: most words are not looked up
    if w.len() > 3
        || !w.as_bytes().first().is_some_and(u8::is_ascii_uppercase)
        || !w.bytes().all(|b| b.is_ascii_alphabetic())
    {
        return None;
    }
    ISO_CODES.get(w).copied()
}

/// Currencies whose own convention writes '.' as the thousands separator
/// ("100.000 KM"): an ambiguous "d.ddd" next to them is read as thousands.
pub(super) fn dot_thousands_currency(code: &str) -> bool {
    matches!(code, "BAM" | "RSD" | "HRK" | "MKD" | "ALL")
}

/// Country adjective + currency family (family = its default code).
pub(super) fn adj_code(adj: &str, family: &'static str) -> Option<&'static str> {
    CURRENCY_ADJECTIVES.get(&(adj.to_string(), family)).copied()
}

pub(super) struct Unit {
    pub(super) kind: AmountKind,
    pub(super) unit: String,
    pub(super) end: usize,
    pub(super) code: &'static str,
    /// Power of ten of the written unit in the stored one ("cents": -2).
    pub(super) shift: i32,
    /// Lemma of a regional counted noun ("telefona" → "telefon").
    pub(super) lemma: Option<String>,
}

/// Two-word adjectives before a currency name.
const TWO_WORD_ADJECTIVES: &[(&str, &str)] = &[
    ("hong", "kong"),
    ("new", "zealand"),
    ("sri", "lankan"),
    ("costa", "rican"),
    ("south", "african"),
];

impl Scanner<'_> {
    // ----- units -----

    /// The unit after a number ending at `p`. `has_scale`: the number had a
    /// scale word; `shaped`: it looks like money (scale, grouping or
    /// decimals), which codes that are also English words need.
    pub(super) fn parse_unit(&self, p: usize, has_scale: bool, shaped: bool) -> Option<Unit> {
        let mk = |kind, unit: &str, end, code, shift| {
            Some(Unit {
                kind,
                unit: unit.to_string(),
                end,
                code,
                shift,
                lemma: None,
            })
        };
        let c0 = self.ch(p)?;
        if c0 == '%' {
            return mk(AmountKind::Percent, "%", p + 1, "", 0);
        }
        let glued = c0.is_alphabetic();
        let hyph = c0 == '-' && self.ch(p + 1).is_some_and(|c| c.is_alphabetic());
        let q = if glued {
            p
        } else if hyph {
            p + 1
        } else {
            let q = self.skip_ws(p);
            let c = self.ch(q)?;
            if c == '%' {
                return mk(AmountKind::Percent, "%", q + 1, "", 0);
            }
            // suffix symbol: "5€", "200 $"
            if let Some(code) = currency_symbol(c) {
                let e = q + c.len_utf8();
                return if self.ch(e).is_some_and(|x| x.is_alphanumeric()) {
                    None
                } else {
                    mk(AmountKind::Money, code, e, code, 0)
                };
            }
            if q == p {
                return None;
            }
            q
        };
        let (ws, we) = self.word_at(q)?;
        if !hyph {
            if let Some((code, e, shift)) = self.currency_word(ws, we, has_scale, shaped) {
                return mk(AmountKind::Money, code, e, code, shift);
            }
        }
        if let Some((u, e)) = self.unit_word(ws, we, glued || hyph) {
            // a code, not a unit: "24703 L-202"
            if self.ch(e) == Some('-') && self.ch(e + 1).is_some_and(|c| c.is_ascii_digit()) {
                return None;
            }
            if u.kind == AmountKind::Duration && self.is_age(e) {
                return None;
            }
            return mk(u.kind, u.unit, e, "", 0);
        }
        if glued || hyph {
            return None;
        }
        let (ns, ne, lemma) = self.count_noun(ws)?;
        Some(Unit {
            kind: AmountKind::Count,
            unit: self.text[ns..ne].to_lowercase(),
            end: ne,
            code: "",
            shift: 0,
            lemma,
        })
    }

    /// Currency names and codes after a number, with an optional country
    /// adjective ("Kuwaiti dinars", "US dollars", "U.S. dollars", "euro
    /// cents", "konvertibilnih maraka"). Returns (code, end, shift).
    pub(super) fn currency_word(
        &self,
        ws: usize,
        we: usize,
        has_scale: bool,
        shaped: bool,
    ) -> Option<(&'static str, usize, i32)> {
        let w = &self.text[ws..we];
        if let Some((code, word)) = iso_code(w) {
            return (!word || shaped).then_some((code, we, 0));
        }
        if let Some(r) = self.adjective_currency(ws, we, has_scale) {
            return Some(r);
        }
        let (c, e) = self.cur_name(ws, we, has_scale)?;
        Some((c.code, e, c.shift))
    }

    /// A country (or other) adjective and a currency name.
    fn adjective_currency(
        &self,
        ws: usize,
        we: usize,
        has_scale: bool,
    ) -> Option<(&'static str, usize, i32)> {
        let w = &self.text[ws..we];
        let capital = w.chars().next()?.is_uppercase();
        let mut adj = lc(w).into_owned();
        let mut e = we;
        if w == "U" && self.text[we..].starts_with(".S.") {
            adj = "us".to_string();
            e = we + 3;
        } else if let Some((a, b)) = self.next_word_h(we) {
            let w2 = lc(&self.text[a..b]);
            if TWO_WORD_ADJECTIVES.contains(&(adj.as_str(), &*w2)) {
                adj = format!("{adj} {w2}");
                e = b;
            }
        }
        let (a, b) = self.next_word_h(e)?;
        let (family, end) = self.cur_name(a, b, has_scale)?;
        match adj_code(&adj, family.code) {
            Some(code) => Some((code, end, family.shift)),
            // "300 Mexican pesos": a capitalised word names the country
            None if capital && adj.len() > 2 => Some((family.code, end, family.shift)),
            None => None,
        }
    }

    /// Currency names (`data/currency_names.tsv`); returns the default ISO
    /// code. Dinars are Serbian unless another country is named; "pounds
    /// of" without a scale word is a weight ("5 pounds of cocaine").
    pub(super) fn cur_name(
        &self,
        ws: usize,
        we: usize,
        has_scale: bool,
    ) -> Option<(CurName, usize)> {
        let mut buf = [0u8; 48];
        let lw = lower_into(&self.text[ws..we], &mut buf)?;
        if lw == "pound" || lw == "pounds" {
            if let Some((a, b)) = self.next_word_h(we) {
                let n = &self.text[a..b];
                if n.eq_ignore_ascii_case("sterling") {
                    let c = CurName {
                        code: "GBP",
                        shift: 0,
                    };
                    return Some((c, b));
                }
                if n == "of" && !has_scale {
                    return None;
                }
            }
        }
        let &(c, tag) = CURRENCY_NAMES.get(lw)?;
        self.fits(tag, ws).then_some((c, we))
    }

    /// Quantity, percent and duration words and phrases
    /// (`data/units.tsv`); `attached`: glued or hyphenated to the number
    /// ("5kg", "3-inch"), where percent words do not go.
    pub(super) fn unit_word(
        &self,
        ws: usize,
        we: usize,
        attached: bool,
    ) -> Option<(UnitWord, usize)> {
        let w = &self.text[ws..we];
        let q = |unit| UnitWord {
            kind: AmountKind::Quantity,
            unit,
        };
        // single letters are case-sensitive symbols
        match w {
            "t" => return Some((q("t"), we)),
            "g" => return Some((q("g"), we)),
            "l" | "L" => return Some((q("l"), we)),
            "m" => return Some(self.powered(q("m"), we)),
            "h" => {
                let d = UnitWord {
                    kind: AmountKind::Duration,
                    unit: "hour",
                };
                return Some((d, we));
            }
            _ if w.chars().nth(1).is_none() => return None,
            _ => {}
        }
        let mut buf = [0u8; 48];
        let lw = lower_into(w, &mut buf)?;
        let units = &*UNITS;
        if units.phrase_heads.contains(lw) {
            let mut e = we;
            if lw == "sq" && self.ch(e) == Some('.') {
                e += 1;
            }
            let next = if self.ch(e) == Some('-') && !attached {
                self.word_at(e + 1)
            } else {
                self.next_word_h(e)
            };
            if let Some((a, b)) = next {
                let key = format!("{lw} {}", lc(&self.text[a..b]));
                if let Some(&(u, tag)) = units.words.get(&key) {
                    if self.fits(tag, ws) && !(attached && u.kind == AmountKind::Percent) {
                        return Some((u, b));
                    }
                }
            }
        }
        let &(u, tag) = units.words.get(lw)?;
        if !self.fits(tag, ws) || (attached && u.kind == AmountKind::Percent) {
            return None;
        }
        Some(self.powered(u, we))
    }

    /// "km2", "km²", "m²", "m³": squares and cubes of length symbols.
    fn powered(&self, u: UnitWord, we: usize) -> (UnitWord, usize) {
        let p = match self.ch(we) {
            Some('²') => Some((2, we + '²'.len_utf8())),
            Some('³') => Some((3, we + '³'.len_utf8())),
            Some(c @ ('2' | '3')) if !self.ch(we + 1).is_some_and(|c| c.is_alphanumeric()) => {
                Some((if c == '2' { 2 } else { 3 }, we + 1))
            }
            _ => None,
        };
        let unit = match (u.unit, p) {
            ("km", Some((2, _))) => "km2",
            ("m", Some((2, _))) => "m2",
            ("m", Some((3, _))) => "m3",
            ("cm", Some((2, _))) => "cm2",
            ("cm", Some((3, _))) => "cm3",
            _ => return (u, we),
        };
        let e = p.map_or(we, |x| x.1);
        (UnitWord { kind: u.kind, unit }, e)
    }

    /// Ages are not durations: "25-year-old", "25 years old", "40 years of age".
    pub(super) fn is_age(&self, e: usize) -> bool {
        if self.text[e..].starts_with("-old") {
            return true;
        }
        match self.next_word(e) {
            Some(span) => match self.w(span) {
                "old" => true,
                "of" => self.next_word(span.1).is_some_and(|s| self.w(s) == "age"),
                _ => false,
            },
            None => false,
        }
    }

    /// The counted noun right after the number, or after one modifier.
    /// Returns the noun's span and, for the region's languages, its lemma
    /// where the table has it.
    pub(super) fn count_noun(&self, ws: usize) -> Option<(usize, usize, Option<String>)> {
        if let Some((a, b)) = self.english_count_noun(ws) {
            return Some((a, b, None));
        }
        // the word first: the text around is read only for a likely noun
        let r = self.regional_count_noun(ws)?;
        self.fits(Tag::Sh, ws).then_some(r)
    }

    fn english_count_noun(&self, ws: usize) -> Option<(usize, usize)> {
        let (a, ae) = self.hword_at(ws)?;
        let w1 = &self.text[a..ae];
        let second = || {
            let (b, _) = self.next_word_h(ae)?;
            let (b, be) = self.hword_at(b)?;
            count_noun_ok(&self.text[b..be], false).then_some((b, be))
        };
        if count_noun_ok(w1, false) {
            // "20 police officers", "two customs officers": the head noun is
            // the second word
            if plural_modifier(w1) {
                if let Some((b, be)) = second() {
                    if !irregular_plural(&self.text[b..be]) {
                        return Some((b, be));
                    }
                }
            }
            return Some((a, ae));
        }
        if adjective_ok(w1) && !self.is_unit_word(a, ae) {
            return second();
        }
        None
    }

    /// "19 osoba", "70.000 telefona", "5 novih kamiona": a lower-case noun
    /// in the case a number governs (the table's forms, or a word ending
    /// like one), after at most one adjective.
    fn regional_count_noun(&self, ws: usize) -> Option<(usize, usize, Option<String>)> {
        let (a, ae) = self.hword_at(ws)?;
        let w1 = &self.text[a..ae];
        if !w1.chars().all(|c| c.is_lowercase() || c == '-') {
            return None;
        }
        if let Some(l) = COUNT_LEMMAS.get(w1) {
            return Some((a, ae, Some(l.clone())));
        }
        if regional_adjective(w1) {
            let (b, _) = self.next_word_h(ae)?;
            let (b, be) = self.hword_at(b)?;
            let w2 = &self.text[b..be];
            if let Some(l) = COUNT_LEMMAS.get(w2) {
                return Some((b, be, Some(l.clone())));
            }
            if regional_noun_like(w2) && !self.is_unit_word(b, be) {
                return Some((b, be, None));
            }
            return None;
        }
        regional_noun_like(w1).then_some((a, ae, None))
    }
}
