//! Units: currency symbols, ISO codes and currency names, percent words,
//! quantity and duration units, and counted nouns after a number.

use super::lexicon::*;
use super::scanner::*;
use crate::doc::AmountKind;
use std::borrow::Cow;

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

/// Upper-case ISO 4217 codes (case-sensitive, so "all"/"try" are words) and
/// "KM" for Bosnian convertible marks.
pub(super) fn iso_code(w: &str) -> Option<&'static str> {
    Some(match w {
        "EUR" => "EUR",
        "USD" => "USD",
        "GBP" => "GBP",
        "CHF" => "CHF",
        "JPY" => "JPY",
        "CNY" => "CNY",
        "RUB" => "RUB",
        "TRY" => "TRY",
        "UAH" => "UAH",
        "INR" => "INR",
        "BAM" | "KM" => "BAM",
        "RSD" => "RSD",
        "HRK" => "HRK",
        "ALL" => "ALL",
        "MKD" => "MKD",
        "CAD" => "CAD",
        "AUD" => "AUD",
        "NZD" => "NZD",
        "HKD" => "HKD",
        "SGD" => "SGD",
        "SEK" => "SEK",
        "NOK" => "NOK",
        "DKK" => "DKK",
        "PLN" => "PLN",
        "CZK" => "CZK",
        "HUF" => "HUF",
        "RON" => "RON",
        "BGN" => "BGN",
        "KWD" => "KWD",
        "AED" => "AED",
        "SAR" => "SAR",
        "QAR" => "QAR",
        "BRL" => "BRL",
        "MXN" => "MXN",
        "ZAR" => "ZAR",
        "KRW" => "KRW",
        "ILS" => "ILS",
        _ => return None,
    })
}

/// Currencies whose own convention writes '.' as the thousands separator
/// ("100.000 KM"): an ambiguous "d.ddd" next to them is read as thousands.
pub(super) fn dot_thousands_currency(code: &str) -> bool {
    matches!(code, "BAM" | "RSD" | "HRK" | "MKD" | "ALL")
}

/// Country adjective + currency family (family = its default code).
pub(super) fn adj_code(adj: &str, family: &str) -> Option<&'static str> {
    Some(match (adj, family) {
        ("us" | "american", "USD") => "USD",
        ("canadian", "USD") => "CAD",
        ("australian", "USD") => "AUD",
        ("singapore", "USD") => "SGD",
        ("hong kong", "USD") => "HKD",
        ("new zealand", "USD") => "NZD",
        ("taiwan" | "taiwanese", "USD") => "TWD",
        ("kuwaiti", "RSD") => "KWD",
        ("iraqi", "RSD") => "IQD",
        ("jordanian", "RSD") => "JOD",
        ("bahraini", "RSD") => "BHD",
        ("libyan", "RSD") => "LYD",
        ("tunisian", "RSD") => "TND",
        ("algerian", "RSD") => "DZD",
        ("serbian", "RSD") => "RSD",
        ("german" | "deutsche", "BAM") => "DEM",
        ("bosnian" | "convertible", "BAM") => "BAM",
        ("swiss", "CHF") => "CHF",
        ("french", "CHF") => "FRF",
        ("cfa", "CHF") => "XOF",
        ("british", "GBP") => "GBP",
        ("egyptian", "GBP") => "EGP",
        ("lebanese", "GBP") => "LBP",
        ("turkish", "TRY") => "TRY",
        ("italian", "TRY") => "ITL",
        _ => return None,
    })
}

pub(super) struct Unit {
    pub(super) kind: AmountKind,
    pub(super) unit: String,
    pub(super) end: usize,
    pub(super) code: &'static str,
}

impl Scanner<'_> {
    // ----- units -----
    pub(super) fn parse_unit(&self, p: usize, has_scale: bool) -> Option<Unit> {
        let mk = |kind, unit: &str, end, code| {
            Some(Unit {
                kind,
                unit: unit.to_string(),
                end,
                code,
            })
        };
        let c0 = self.ch(p)?;
        if c0 == '%' {
            return mk(AmountKind::Percent, "%", p + 1, "");
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
                return mk(AmountKind::Percent, "%", q + 1, "");
            }
            // suffix symbol: "5€", "200 $"
            if let Some(code) = currency_symbol(c) {
                let e = q + c.len_utf8();
                return if self.ch(e).is_some_and(|x| x.is_alphanumeric()) {
                    None
                } else {
                    mk(AmountKind::Money, code, e, code)
                };
            }
            if q == p {
                return None;
            }
            q
        };
        let (ws, we) = self.word_at(q)?;
        if !hyph {
            if let Some((code, e)) = self.currency_word(ws, we, has_scale) {
                return mk(AmountKind::Money, code, e, code);
            }
        }
        if !glued && !hyph {
            if let Some((u, e)) = self.percent_word(ws, we) {
                return mk(AmountKind::Percent, u, e, "");
            }
        }
        if let Some((u, e)) = self.qty_word(ws, we) {
            return mk(AmountKind::Quantity, u, e, "");
        }
        if let Some((u, e)) = self.dur_word(ws, we) {
            if self.is_age(e) {
                return None;
            }
            return mk(AmountKind::Duration, u, e, "");
        }
        if glued || hyph {
            return None;
        }
        let (ns, ne) = self.count_noun(ws)?;
        Some(Unit {
            kind: AmountKind::Count,
            unit: self.text[ns..ne].to_lowercase(),
            end: ne,
            code: "",
        })
    }

    /// Currency names and codes after a number, with an optional country
    /// adjective ("Kuwaiti dinars", "US dollars", "U.S. dollars").
    pub(super) fn currency_word(
        &self,
        ws: usize,
        we: usize,
        has_scale: bool,
    ) -> Option<(&'static str, usize)> {
        let w = &self.text[ws..we];
        if let Some(code) = iso_code(w) {
            return Some((code, we));
        }
        if let Some(r) = self.cur_name(ws, we, has_scale) {
            return Some(r);
        }
        let lw = lc(w);
        if !w.chars().next()?.is_uppercase() && lw != "convertible" {
            return None;
        }
        let mut adj = lw;
        let mut e = we;
        if w == "U" && self.text[we..].starts_with(".S.") {
            adj = Cow::Borrowed("us");
            e = we + 3;
        } else if w == "Hong" || w == "New" {
            let (a, b) = self.next_word_h(we)?;
            let w2 = &self.text[a..b];
            if (w == "Hong" && w2 == "Kong") || (w == "New" && w2 == "Zealand") {
                adj = Cow::Owned(format!("{} {}", lc(w), lc(w2)));
                e = b;
            }
        }
        let (a, b) = self.next_word_h(e)?;
        let (family, end) = self.cur_name(a, b, has_scale)?;
        Some((adj_code(&adj, family).unwrap_or(family), end))
    }

    /// Currency names; returns the default ISO code. Dinars are Serbian
    /// unless another country is named; "pounds of" without a scale word is
    /// a weight ("5 pounds of cocaine").
    pub(super) fn cur_name(
        &self,
        ws: usize,
        we: usize,
        has_scale: bool,
    ) -> Option<(&'static str, usize)> {
        let lw = lc(&self.text[ws..we]);
        let code = match &*lw {
            "euro" | "euros" => "EUR",
            "dollar" | "dollars" => "USD",
            "pound" | "pounds" => {
                if let Some((a, b)) = self.next_word_h(we) {
                    let n = &self.text[a..b];
                    if n.eq_ignore_ascii_case("sterling") {
                        return Some(("GBP", b));
                    }
                    if n == "of" && !has_scale {
                        return None;
                    }
                }
                "GBP"
            }
            "sterling" => "GBP",
            "dinar" | "dinars" | "din" => "RSD",
            "kuna" | "kunas" | "kune" | "kn" => "HRK",
            "lek" | "lekë" | "leke" | "leks" => "ALL",
            "denar" | "denars" | "denari" | "den" => "MKD",
            "mark" | "marks" => "BAM",
            "deutschmark" | "deutschmarks" => "DEM",
            "franc" | "francs" => "CHF",
            "rouble" | "roubles" | "ruble" | "rubles" => "RUB",
            "lira" | "liras" | "lire" => "TRY",
            "yuan" | "renminbi" => "CNY",
            "yen" => "JPY",
            "rupee" | "rupees" => "INR",
            "hryvnia" | "hryvnias" => "UAH",
            _ => return None,
        };
        Some((code, we))
    }

    pub(super) fn percent_word(&self, ws: usize, we: usize) -> Option<(&'static str, usize)> {
        match &*lc(&self.text[ws..we]) {
            "percent" | "pct" => Some(("%", we)),
            "per" => {
                let e = if self.ch(we) == Some('-') {
                    we + 1
                } else {
                    let q = self.skip_hs(we);
                    if q == we {
                        return None;
                    }
                    q
                };
                let (a, b) = self.word_at(e)?;
                self.text[a..b]
                    .eq_ignore_ascii_case("cent")
                    .then_some(("%", b))
            }
            "percentage" => {
                let (a, b) = self.next_word_h(we)?;
                matches!(&*lc(&self.text[a..b]), "point" | "points").then_some(("pp", b))
            }
            _ => None,
        }
    }

    /// "km2", "km²", "m²".
    pub(super) fn squared(
        &self,
        we: usize,
        base: &'static str,
        sq: &'static str,
    ) -> (&'static str, usize) {
        match self.ch(we) {
            Some('²') => (sq, we + '²'.len_utf8()),
            Some('2') if !self.ch(we + 1).is_some_and(|c| c.is_alphanumeric()) => (sq, we + 1),
            _ => (base, we),
        }
    }

    pub(super) fn qty_word(&self, ws: usize, we: usize) -> Option<(&'static str, usize)> {
        let w = &self.text[ws..we];
        // single letters are case-sensitive symbols
        match w {
            "t" => return Some(("t", we)),
            "g" => return Some(("g", we)),
            "l" | "L" => return Some(("l", we)),
            "m" => return Some(self.squared(we, "m", "m2")),
            _ if w.chars().nth(1).is_none() => return None,
            _ => {}
        }
        let lw = lc(w);
        let u = match &*lw {
            "tonne" | "tonnes" | "ton" | "tons" => "t",
            "kg" | "kgs" | "kilogram" | "kilograms" | "kilogramme" | "kilogrammes" | "kilo"
            | "kilos" => "kg",
            "gram" | "grams" | "gramme" | "grammes" => "g",
            "lb" | "lbs" | "pound" | "pounds" => "lb",
            "litre" | "litres" | "liter" | "liters" => "l",
            "ml" | "millilitre" | "millilitres" | "milliliter" | "milliliters" => "ml",
            "km" => return Some(self.squared(we, "km", "km2")),
            "kilometre" | "kilometres" | "kilometer" | "kilometers" => "km",
            "metre" | "metres" | "meter" | "meters" => "m",
            "hectare" | "hectares" | "ha" => "ha",
            "mile" | "miles" => "mi",
            "metric" => {
                let (a, b) = self.next_word_h(we)?;
                return match &*lc(&self.text[a..b]) {
                    "ton" | "tons" | "tonne" | "tonnes" => Some(("t", b)),
                    _ => None,
                };
            }
            "square" | "sq" => {
                let e = if lw == "sq" && self.ch(we) == Some('.') {
                    we + 1
                } else {
                    we
                };
                let (a, b) = self.next_word_h(e)?;
                return match &*lc(&self.text[a..b]) {
                    "km" | "kilometre" | "kilometres" | "kilometer" | "kilometers" => {
                        Some(("km2", b))
                    }
                    "m" | "metre" | "metres" | "meter" | "meters" => Some(("m2", b)),
                    _ => None,
                };
            }
            _ => return None,
        };
        Some((u, we))
    }

    /// Durations; unit is the singular name ("48 hour").
    pub(super) fn dur_word(&self, ws: usize, we: usize) -> Option<(&'static str, usize)> {
        let w = &self.text[ws..we];
        if w == "h" {
            return Some(("hour", we));
        }
        let u = match &*lc(w) {
            "second" | "seconds" | "sec" | "secs" => "second",
            "minute" | "minutes" | "min" | "mins" => "minute",
            "hour" | "hours" | "hr" | "hrs" => "hour",
            "day" | "days" => "day",
            "week" | "weeks" => "week",
            "month" | "months" => "month",
            "year" | "years" | "yr" | "yrs" => "year",
            "decade" | "decades" => "decade",
            _ => return None,
        };
        Some((u, we))
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
    /// Returns the noun's span.
    pub(super) fn count_noun(&self, ws: usize) -> Option<(usize, usize)> {
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
}
