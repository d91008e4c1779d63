//! The scanner: walks the text, stops at candidate starts (digits, currency
//! symbols, number words) and turns what it finds into [`AmountMatch`]es.

use super::lexicon::*;
use super::numbers::*;
use super::tables::*;
use super::units::*;
use super::AmountMatch;
use crate::doc::{Amount, AmountKind};
use std::borrow::Cow;
use std::cell::Cell;

pub(super) fn lc(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) || !s.is_ascii() {
        Cow::Owned(s.to_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

pub(super) fn is_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | '\r' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\u{2007}' | '\u{200a}'
    )
}

pub(super) fn is_hspace(c: char) -> bool {
    is_space(c) && c != '\n' && c != '\r'
}

// ---------------------------------------------------------------------------
// Scanner

/// A word that opens a range, and the words that may join it.
pub(super) type Between = (usize, &'static [&'static str]);

pub(super) struct Cand {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) kind: AmountKind,
    pub(super) unit: String,
    pub(super) qual: Option<String>,
    pub(super) dot_thousands: bool,
    /// Power of ten of the written unit in the stored one ("cents": -2).
    pub(super) shift: i32,
    pub(super) lemma: Option<String>,
}

pub(super) struct Scanner<'a> {
    pub(super) text: &'a str,
    pub(super) b: &'a [u8],
    pub(super) style: Option<Style>,
    pub(super) last_end: usize,
    pub(super) out: Vec<AmountMatch>,
    pub(super) lang: Lang,
    /// The last [`Scanner::regional_near`] window (start, end, answer).
    pub(super) near: Cell<Option<(usize, usize, bool)>>,
}

impl<'a> Scanner<'a> {
    // ----- character helpers (all positions are char boundaries) -----

    pub(super) fn ch(&self, p: usize) -> Option<char> {
        self.text.get(p..)?.chars().next()
    }

    pub(super) fn ch_before(&self, p: usize) -> Option<char> {
        self.text.get(..p)?.chars().next_back()
    }

    /// Skips whitespace, crossing at most one line break (a blank line ends
    /// a mention).
    pub(super) fn skip_ws(&self, mut p: usize) -> usize {
        let mut nl = 0;
        while let Some(c) = self.ch(p) {
            if !is_space(c) {
                break;
            }
            if c == '\n' {
                nl += 1;
                if nl > 1 {
                    break;
                }
            }
            p += c.len_utf8();
        }
        p
    }

    pub(super) fn skip_hs(&self, mut p: usize) -> usize {
        while let Some(c) = self.ch(p) {
            if !is_hspace(c) {
                break;
            }
            p += c.len_utf8();
        }
        p
    }

    pub(super) fn skip_ws_back(&self, mut p: usize) -> usize {
        let mut nl = 0;
        while let Some(c) = self.ch_before(p) {
            if !is_space(c) {
                break;
            }
            if c == '\n' {
                nl += 1;
                if nl > 1 {
                    break;
                }
            }
            p -= c.len_utf8();
        }
        p
    }

    pub(super) fn word_end(&self, mut p: usize) -> usize {
        while let Some(c) = self.ch(p) {
            if !c.is_alphabetic() {
                break;
            }
            p += c.len_utf8();
        }
        p
    }

    pub(super) fn word_start_back(&self, mut p: usize) -> usize {
        while let Some(c) = self.ch_before(p) {
            if !c.is_alphabetic() {
                break;
            }
            p -= c.len_utf8();
        }
        p
    }

    pub(super) fn word_at(&self, p: usize) -> Option<(usize, usize)> {
        let e = self.word_end(p);
        (e > p).then_some((p, e))
    }

    /// Word with internal hyphens ("law-enforcement").
    pub(super) fn hword_at(&self, p: usize) -> Option<(usize, usize)> {
        let (s, mut e) = self.word_at(p)?;
        while self.ch(e) == Some('-') && self.ch(e + 1).is_some_and(|c| c.is_alphabetic()) {
            e = self.word_end(e + 1);
        }
        Some((s, e))
    }

    /// Next word after horizontal whitespace (at least one space).
    pub(super) fn next_word_h(&self, p: usize) -> Option<(usize, usize)> {
        let q = self.skip_hs(p);
        if q == p {
            return None;
        }
        self.word_at(q)
    }

    pub(super) fn next_word(&self, p: usize) -> Option<(usize, usize)> {
        let q = self.skip_ws(p);
        if q == p {
            return None;
        }
        self.word_at(q)
    }

    /// The word right before `p`, separated from it by whitespace only.
    pub(super) fn prev_word(&self, p: usize) -> Option<(usize, usize)> {
        let q = self.skip_ws_back(p);
        if q == p {
            return None;
        }
        let s = self.word_start_back(q);
        (s < q).then_some((s, q))
    }

    pub(super) fn w(&self, span: (usize, usize)) -> &'a str {
        &self.text[span.0..span.1]
    }

    // ----- language -----

    /// Whether a table row of `tag` applies at `pos`.
    pub(super) fn fits(&self, tag: Tag, pos: usize) -> bool {
        match fit(tag, self.lang) {
            Fit::Yes => true,
            Fit::IfRegional => self.regional_near(pos),
            Fit::IfNotRegional => !self.regional_near(pos),
        }
    }

    /// Without a known language: whether the text around `pos` (±300
    /// bytes) has more words of the region's languages (Cyrillic, č ć š ž
    /// đ, frequent words) than frequent English words.
    pub(super) fn regional_near(&self, pos: usize) -> bool {
        const R: usize = 300;
        if let Some((lo, hi, v)) = self.near.get() {
            let inner_lo = if lo == 0 { 0 } else { lo + R / 2 };
            let inner_hi = if hi == self.text.len() {
                hi
            } else {
                hi - R / 2
            };
            if (inner_lo..=inner_hi).contains(&pos) {
                return v;
            }
        }
        let mut lo = pos.saturating_sub(R);
        while !self.text.is_char_boundary(lo) {
            lo -= 1;
        }
        let mut hi = (pos + R).min(self.text.len());
        while !self.text.is_char_boundary(hi) {
            hi += 1;
        }
        let (mut en, mut rg) = (0u32, 0u32);
        for w in self.text[lo..hi].split(|c: char| !c.is_alphabetic()) {
            if w.is_empty() {
                continue;
            }
            if !w.is_ascii() {
                if w.chars().any(|c| {
                    matches!(c, 'č' | 'ć' | 'š' | 'ž' | 'đ' | 'Č' | 'Ć' | 'Š' | 'Ž' | 'Đ')
                        || ('\u{400}'..='\u{4ff}').contains(&c)
                }) {
                    rg += 1;
                }
                continue;
            }
            let mut buf = [0u8; 48];
            let Some(l) = lower_into(w, &mut buf) else {
                continue;
            };
            if english_marker(l) {
                en += 1;
            } else if regional_marker(l) {
                rg += 1;
            }
        }
        let v = rg > en;
        self.near.set(Some((lo, hi, v)));
        v
    }

    // ----- main loop -----

    pub(super) fn run(&mut self) {
        let b = self.b;
        let n = b.len();
        let mut i = 0;
        while i < n {
            let c = b[i];
            if c.is_ascii_alphabetic() {
                let mut e = i + 1;
                while e < n && b[e].is_ascii_alphabetic() {
                    e += 1;
                }
                if e < n && b[e] >= 0x80 {
                    e = self.word_end(e);
                }
                i = self.on_word(i, e);
            } else if c.is_ascii_digit() {
                i = self.on_digit(i);
            } else if c < 0x80 {
                i = if c == b'$' {
                    self.on_symbol(i, i + 1, "USD")
                } else {
                    i + 1
                };
            } else {
                let Some(ch) = self.ch(i) else {
                    i += 1;
                    continue;
                };
                let l = ch.len_utf8();
                i = if let Some(code) = currency_symbol(ch) {
                    self.on_symbol(i, i + l, code)
                } else if ch.is_alphabetic() {
                    let e = self.word_end(i);
                    self.on_word(i, e)
                } else {
                    i + l
                };
            }
        }
    }

    pub(super) fn on_word(&mut self, ws: usize, we: usize) -> usize {
        let w = &self.text[ws..we];
        match self.b.get(we) {
            Some(d) if d.is_ascii_digit() => {
                // "USD34.6m"; anything else glued to digits is a name or code
                // ("G7", "v2", "km2") and is skipped whole.
                if let Some((code, false)) = iso_code(w) {
                    if let Some(e) = self.try_prefix(ws, we, code) {
                        return e;
                    }
                }
                return self.skip_run(we);
            }
            Some(b'$') => {
                if let Some(code) = dollar_prefix(w) {
                    if let Some(e) = self.try_prefix(ws, we + 1, code) {
                        return e;
                    }
                }
                return we + 1;
            }
            // "hk $ 10.05 billion", "c $ 16.4 million"
            Some(b' ') if self.b.get(we + 1) == Some(&b'$') => {
                if let Some(code) = dollar_prefix_spaced(w) {
                    if !self.ch_before(ws).is_some_and(|c| c.is_alphanumeric()) {
                        if let Some(e) = self.try_prefix(ws, we + 2, code) {
                            return e;
                        }
                    }
                }
            }
            _ => {}
        }
        if w.len() <= 3 {
            if let Some((code, word)) = iso_code(w) {
                let q = self.skip_hs(we);
                // "ALL" is also an English word in all-caps headlines
                let shouting = word
                    && self.prev_word(ws).is_some_and(|p| {
                        self.w(p).len() > 1 && !self.w(p).bytes().any(|c| c.is_ascii_lowercase())
                    });
                if q > we && self.b.get(q).is_some_and(|d| d.is_ascii_digit()) && !shouting {
                    if let Some(e) = self.try_prefix(ws, we, code) {
                        return e;
                    }
                }
            }
        }
        if w.len() <= 24 && self.num_word_at(ws, we).is_some_and(starts_number) {
            if let Some(e) = self.try_number(ws) {
                return e;
            }
        }
        we
    }

    pub(super) fn on_digit(&mut self, s: usize) -> usize {
        if let Some(e) = self.try_number(s) {
            return e;
        }
        let b = self.b;
        let phone = self.ch_before(s) == Some('+')
            || (b[s] == b'0' && b.get(s + 1).is_some_and(|c| c.is_ascii_digit()));
        if phone {
            self.skip_phone(s)
        } else {
            self.skip_run(s)
        }
    }

    pub(super) fn on_symbol(&mut self, i: usize, after: usize, code: &'static str) -> usize {
        if self.ch_before(i).is_some_and(|c| c.is_alphanumeric()) {
            return after;
        }
        self.try_prefix(i, after, code).unwrap_or(after)
    }

    /// Skips a rejected alphanumeric token ("2020/21", "14:30", "3rd").
    pub(super) fn skip_run(&self, mut p: usize) -> usize {
        let start = p;
        while let Some(c) = self.ch(p) {
            let joiner = matches!(c, '.' | ',' | ':' | '/' | '-' | '–')
                && self
                    .ch(p + c.len_utf8())
                    .is_some_and(|d| d.is_alphanumeric());
            if !(c.is_alphanumeric() || joiner) {
                break;
            }
            p += c.len_utf8();
        }
        p.max(start + 1)
    }

    /// Skips a phone-number-like run: digits joined by spaces, '-', '/', '.',
    /// parentheses.
    pub(super) fn skip_phone(&self, mut p: usize) -> usize {
        let b = self.b;
        let start = p;
        loop {
            while p < b.len() && b[p].is_ascii_digit() {
                p += 1;
            }
            let l = match b.get(p) {
                Some(b' ' | b'-' | b'/' | b'.' | b'(' | b')') => 1,
                _ => space_sep_len(b, p),
            };
            if l > 0 && b.get(p + l).is_some_and(|c| c.is_ascii_digit()) {
                p += l;
            } else {
                break;
            }
        }
        p.max(start + 1)
    }

    // ----- context checks -----

    /// What may stand right before a number. Footnote markers glued to words
    /// or punctuation ("said.12", "impenetrable,1"), parts of codes
    /// ("COVID-19", "011/123"), phone numbers ("+381") are rejected.
    pub(super) fn left_ok(&self, s: usize) -> bool {
        let Some(c) = self.ch_before(s) else {
            return true;
        };
        if is_space(c) {
            return !self.reference_before(s);
        }
        let before = self.ch_before(s - c.len_utf8());
        match c {
            '(' | '[' | '{' | '“' | '‘' | '«' | '„' | '~' | '≈' | '>' | '<' | '•' | '*' => {
                true
            }
            '"' | '\'' | '-' | '–' | '—' => before.is_none_or(|b| !b.is_alphanumeric()),
            _ => false,
        }
    }

    pub(super) fn reference_before(&self, s: usize) -> bool {
        let q = self.skip_ws_back(s);
        if q == s {
            return false;
        }
        let we = if self.ch_before(q) == Some('.') {
            q - 1
        } else {
            q
        };
        let ws = self.word_start_back(we);
        ws < we && reference_word(&lc(&self.text[ws..we]))
    }

    /// A capitalised word right before the amount that does not start a
    /// sentence marks a name with a number ("operation Storage 2",
    /// "Windows 10 users"); used for counts and durations.
    pub(super) fn name_before(&self, start: usize) -> bool {
        let Some(span) = self.prev_word(start) else {
            return false;
        };
        let w = self.w(span);
        if !w.chars().next().is_some_and(|c| c.is_uppercase()) || cap_ok(&lc(w)) {
            return false;
        }
        let q = self.skip_ws_back(span.0);
        match self.ch_before(q) {
            None => false,
            Some(c) => !matches!(
                c,
                '.' | '!'
                    | '?'
                    | ':'
                    | ';'
                    | '"'
                    | '“'
                    | '”'
                    | '\''
                    | '‘'
                    | '’'
                    | '('
                    | '['
                    | '—'
                    | '–'
                    | '-'
                    | '•'
                    | '*'
                    | '#'
                    | '|'
                    | '>'
                    | '\n'
            ),
        }
    }

    /// Looks back from a mention start for a qualifier or a word that opens
    /// a range ("between", "između", "od"). Returns (start of that word and
    /// the words that may join the range, (start, qualifier)).
    pub(super) fn lookback(&self, s: usize) -> (Option<Between>, Option<(usize, String)>) {
        let Some(w1) = self.prev_word(s) else {
            return (None, None);
        };
        if let Some(q) = self.qualifier(w1) {
            return (None, (q.0 >= self.last_end).then_some(q));
        }
        let l1 = lc(self.w(w1));
        let conn: Option<&'static [&'static str]> = match &*l1 {
            "between" => Some(&["and"]),
            "između" | "izmedju" | "између" => Some(&["i", "и"]),
            "od" | "од" => Some(&["do", "до"]),
            _ => None,
        };
        match conn {
            Some(c) if self.fits(if l1 == "between" { Tag::En } else { Tag::Sh }, w1.0) => {
                let b = (w1.0 >= self.last_end).then_some((w1.0, c));
                (b, None)
            }
            _ => (None, None),
        }
    }

    /// The longest qualifier phrase (`data/qualifiers.tsv`, up to three
    /// words) that ends with the word `w1`.
    pub(super) fn qualifier(&self, w1: (usize, usize)) -> Option<(usize, String)> {
        let mut spans = vec![w1];
        while spans.len() < 3 {
            match self.prev_word(spans[spans.len() - 1].0) {
                Some(w) => spans.push(w),
                None => break,
            }
        }
        for n in (1..=spans.len()).rev() {
            let phrase = spans[..n]
                .iter()
                .rev()
                .map(|&w| lc(self.w(w)).into_owned())
                .collect::<Vec<_>>()
                .join(" ");
            if let Some(&((), tag)) = QUALIFIERS.get(&phrase) {
                let st = spans[n - 1].0;
                if self.fits(tag, st) {
                    return Some((st, phrase));
                }
            }
        }
        None
    }

    // ----- candidates -----
    /// Money with a leading currency: "€4.5 billion", "USD 34.6 million",
    /// "US$5m", "USD34.6m", "€2-3 million", "KM 100.000", "hk $ 10.05
    /// billion". A code that is also an English word ("ALL", "TOP") needs a
    /// money-shaped number (grouped, decimal or with a scale) that no
    /// counted noun follows: "ALL 95,000" is lek, "ALL 5 solutions" is not.
    pub(super) fn try_prefix(
        &mut self,
        start: usize,
        after: usize,
        code: &'static str,
    ) -> Option<usize> {
        let p = self.skip_hs(after);
        if !self.b.get(p)?.is_ascii_digit() || !self.left_ok(start) {
            return None;
        }
        let (between, qual) = self.lookback(start);
        let mut first = self.parse_num_expr(p, true)?;
        if let NumVal::Raw(r) = &first.val {
            if first.end == r.end && self.bad_follower(r.end) {
                return None;
            }
        }
        let word_code = iso_code(&self.text[start..after]).is_some_and(|c| c.1);
        if word_code {
            let grouped = matches!(&first.val, NumVal::Raw(r) if r.n >= 2);
            let counted = || {
                self.parse_unit(first.end, first.has_scale, false)
                    .is_some_and(|u| u.kind != AmountKind::Money)
            };
            if !(grouped || first.has_scale) || counted() {
                return None;
            }
        }
        let mut second = self.parse_range(first.end, between.map(|b| b.1), Some(code));
        // "€640,000 to three consulting firms": a range needs a second
        // number of the same form and no other unit after it.
        if let Some(sec) = &second {
            let same_form =
                matches!(first.val, NumVal::Raw(_)) == matches!(sec.val, NumVal::Raw(_));
            let other_unit = self
                .parse_unit(sec.end, sec.has_scale, true)
                .is_some_and(|u| u.kind != AmountKind::Money || u.code != code);
            if !same_form || other_unit {
                second = None;
            }
        }
        if let Some(s) = second.as_mut() {
            Self::share_scale(&mut first, s);
        }
        let end = second.as_ref().map_or(first.end, |s| s.end);
        if self.ch(end).is_some_and(|c| c.is_alphanumeric()) {
            return None;
        }
        let (start, qual) = match (between, &second) {
            (Some(b), Some(_)) => (b.0, None),
            (Some(_), None) => (start, None),
            _ => (qual.as_ref().map_or(start, |q| q.0), qual.map(|q| q.1)),
        };
        let c = Cand {
            start,
            end,
            kind: AmountKind::Money,
            unit: code.to_string(),
            qual,
            dot_thousands: dot_thousands_currency(code),
            shift: 0,
            lemma: None,
        };
        self.emit(c, &first, second.as_ref())
    }

    /// "14:30", "2020/21", "1/2": times, seasons and fractions.
    pub(super) fn bad_follower(&self, e: usize) -> bool {
        matches!(self.b.get(e), Some(b':' | b'/'))
            && self.b.get(e + 1).is_some_and(|d| d.is_ascii_digit())
    }

    /// "a penny", "a cent", "a satoshi": the article as one subunit.
    fn article_subunit(&self, s: usize) -> Option<NumExpr> {
        let (ws, we) = self.word_at(s)?;
        if !matches!(&*lc(self.w((ws, we))), "a" | "an") || self.lang == Lang::Sh {
            return None;
        }
        let (a, b) = self.next_word_h(we)?;
        let (c, _) = self.cur_name(a, b, false)?;
        if c.shift == 0
            || !matches!(
                &*lc(self.w((a, b))),
                "penny" | "cent" | "satoshi" | "kopeck"
            )
        {
            return None;
        }
        Some(NumExpr {
            end: we,
            val: NumVal::Word(Dec::from_u128(1)),
            scale: 0,
            has_scale: false,
            lone_one: false,
            year_like: false,
            small: true,
        })
    }

    /// A sentence-initial "All"/"all" right before `s`: "All seventeen
    /// tests were successful" quantifies, it does not count.
    fn all_quantifier_before(&self, s: usize) -> bool {
        let Some(w) = self.prev_word(s) else {
            return false;
        };
        if !self.w(w).eq_ignore_ascii_case("all") {
            return false;
        }
        let q = self.skip_ws_back(w.0);
        self.ch_before(q).is_none_or(|c| {
            matches!(
                c,
                '.' | '!' | '?' | ':' | ';' | '"' | '“' | '\n' | '(' | '•' | '*'
            )
        })
    }

    /// A form of "weigh" right before `s` ("weighed 200 pounds").
    fn weighs_before(&self, s: usize) -> bool {
        self.prev_word(s)
            .is_some_and(|w| lc(self.w(w)).starts_with("weigh"))
    }

    /// Amounts starting with a number (digits or words) and ending with a
    /// unit, currency, percent sign, duration or counted noun.
    pub(super) fn try_number(&mut self, s: usize) -> Option<usize> {
        let is_digit = self.b[s].is_ascii_digit();
        if !self.left_ok(s) {
            return None;
        }
        let mut first = self
            .parse_num_expr(s, false)
            .or_else(|| self.article_subunit(s))?;
        if let NumVal::Raw(r) = &first.val {
            if first.end == r.end && self.bad_follower(r.end) {
                return None;
            }
        }
        let (between, qual) = self.lookback(s);
        let mut second = self.parse_range(first.end, between.map(|b| b.1), None);
        if let Some(sec) = second.as_mut() {
            Self::share_scale(&mut first, sec);
            // "5-10" must be digits on both sides of a dash
            if is_digit != matches!(sec.val, NumVal::Raw(_)) {
                return None;
            }
        }
        let after = second.as_ref().map_or(first.end, |x| x.end);
        let has_scale = first.has_scale || second.as_ref().is_some_and(|x| x.has_scale);
        let shaped = has_scale || matches!(&first.val, NumVal::Raw(r) if r.n >= 2);
        let mut u = self.parse_unit(after, has_scale, shaped)?;
        if self.ch(u.end).is_some_and(|c| c.is_alphanumeric()) {
            return None;
        }
        if u.code == "GBP" && !has_scale && self.weighs_before(s) {
            // "weighed 200 pounds": a mass
            u.kind = AmountKind::Quantity;
            u.unit = "lb".to_string();
            u.code = "";
        }
        let (start, qual) = match (between, &second) {
            (Some(b), Some(_)) => (b.0, None),
            (Some(_), None) => (s, None),
            _ => (qual.as_ref().map_or(s, |q| q.0), qual.map(|q| q.1)),
        };
        if matches!(u.kind, AmountKind::Count | AmountKind::Duration) {
            if first.lone_one && second.is_none() {
                return None;
            }
            // Years are not counts ("in 2021 police ...") unless qualified.
            let year = first.year_like || second.as_ref().is_some_and(|x| x.year_like);
            if year && (u.kind == AmountKind::Duration || qual.is_none()) {
                return None;
            }
            if self.name_before(start) {
                return None;
            }
            if u.kind == AmountKind::Count && self.all_quantifier_before(start) {
                return None;
            }
        }
        let c = Cand {
            start,
            end: u.end,
            kind: u.kind,
            unit: u.unit,
            qual,
            dot_thousands: dot_thousands_currency(u.code),
            shift: u.shift,
            lemma: u.lemma,
        };
        self.emit(c, &first, second.as_ref())
    }

    pub(super) fn emit(
        &mut self,
        c: Cand,
        first: &NumExpr,
        second: Option<&NumExpr>,
    ) -> Option<usize> {
        let count = c.kind == AmountKind::Count;
        let v1 = self.value(first, c.dot_thousands, count)?.shifted(c.shift);
        let v2 = match second {
            Some(s) => Some(self.value(s, c.dot_thousands, count)?.shifted(c.shift)),
            None => None,
        };
        if count && (!v1.is_integer() || v2.as_ref().is_some_and(|v| !v.is_integer())) {
            return None;
        }
        if c.start >= c.end || c.start < self.last_end {
            return None;
        }
        self.out.push(AmountMatch {
            start: c.start,
            end: c.end,
            amount: Amount {
                kind: c.kind,
                value: v1.render(),
                value_max: v2.map(|v| v.render()),
                unit: c.unit,
                qualifier: c.qual,
                lemma: c.lemma,
            },
        });
        self.last_end = c.end;
        Some(c.end)
    }
}
