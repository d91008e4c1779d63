//! Numbers: exact decimals, digit groups and their styles, number words
//! ("two million", "a dozen", "half a billion"), scales and ranges.

use super::lexicon::*;
use super::scanner::*;
use super::tables::*;
use super::units::*;
use super::words::{Last, WordNumber, WordsSoFar};

// ---------------------------------------------------------------------------
// Exact decimals

/// value = digits × 10^exp (digits ASCII, may carry leading zeros).
#[derive(Debug, Clone)]
pub(super) struct Dec {
    pub(super) digits: String,
    pub(super) exp: i32,
}

impl Dec {
    pub(super) fn from_parts(int: &str, frac: &str) -> Dec {
        let mut digits = String::with_capacity(int.len() + frac.len());
        digits.push_str(int);
        digits.push_str(frac);
        Dec {
            digits,
            exp: -(frac.len() as i32),
        }
    }

    pub(super) fn from_u128(v: u128) -> Dec {
        Dec {
            digits: v.to_string(),
            exp: 0,
        }
    }

    pub(super) fn shifted(mut self, k: i32) -> Dec {
        self.exp += k;
        self
    }

    /// x / 2 computed as x × 5 / 10, exact.
    pub(super) fn halved(&self) -> Dec {
        let mut out = Vec::with_capacity(self.digits.len() + 1);
        let mut carry = 0u8;
        for d in self.digits.bytes().rev() {
            let v = (d - b'0') * 5 + carry;
            out.push(b'0' + v % 10);
            carry = v / 10;
        }
        if carry > 0 {
            out.push(b'0' + carry);
        }
        out.reverse();
        Dec {
            digits: String::from_utf8(out).unwrap_or_default(),
            exp: self.exp - 1,
        }
    }

    pub(super) fn is_integer(&self) -> bool {
        let t = self.digits.trim_end_matches('0');
        t.is_empty() || self.exp + (self.digits.len() - t.len()) as i32 >= 0
    }

    pub(super) fn render(&self) -> String {
        let d = self.digits.trim_start_matches('0');
        if d.is_empty() {
            return "0".to_string();
        }
        if self.exp >= 0 {
            let mut s = String::with_capacity(d.len() + self.exp as usize);
            s.push_str(d);
            for _ in 0..self.exp {
                s.push('0');
            }
            return s;
        }
        let k = (-self.exp) as usize;
        let (int, frac) = if d.len() > k {
            (d[..d.len() - k].to_string(), d[d.len() - k..].to_string())
        } else {
            ("0".to_string(), "0".repeat(k - d.len()) + d)
        };
        let frac = frac.trim_end_matches('0');
        if frac.is_empty() {
            int
        } else {
            format!("{int}.{frac}")
        }
    }
}

// ---------------------------------------------------------------------------
// Raw digit groups

pub(super) const MAXG: usize = 8;

/// A run of digit groups joined by ',', '.' or a space-like separator
/// (recorded as b' '); interpretation is deferred until the unit is known.
#[derive(Debug, Clone, Copy)]
pub(super) struct RawNum {
    pub(super) end: usize,
    pub(super) n: usize,
    pub(super) g: [(usize, usize); MAXG],
    pub(super) sep: [u8; MAXG],
}

/// Length of a space-like thousands separator at `p`: ' ', U+00A0, U+202F,
/// U+2009, U+2007.
pub(super) fn space_sep_len(b: &[u8], p: usize) -> usize {
    match b.get(p) {
        Some(b' ') => 1,
        Some(0xC2) if b.get(p + 1) == Some(&0xA0) => 2,
        Some(0xE2)
            if b.get(p + 1) == Some(&0x80)
                && matches!(b.get(p + 2), Some(0xAF) | Some(0x89) | Some(0x87)) =>
        {
            3
        }
        _ => 0,
    }
}

pub(super) fn lex_number(b: &[u8], s: usize) -> RawNum {
    let n = b.len();
    let mut p = s;
    while p < n && b[p].is_ascii_digit() {
        p += 1;
    }
    let mut r = RawNum {
        end: p,
        n: 1,
        g: [(0, 0); MAXG],
        sep: [0; MAXG],
    };
    r.g[0] = (s, p);
    while r.n < MAXG {
        let (sep, slen) = match b.get(p) {
            Some(b',') => (b',', 1),
            Some(b'.') => (b'.', 1),
            _ => match space_sep_len(b, p) {
                0 => break,
                l => (b' ', l),
            },
        };
        let ds = p + slen;
        let mut de = ds;
        while de < n && b[de].is_ascii_digit() {
            de += 1;
        }
        if de == ds {
            break;
        }
        // Space grouping ("70 000") only as exact 3-digit groups after a head
        // of at most three digits, and never after a ',' or '.'.
        if sep == b' '
            && (de - ds != 3 || r.g[0].1 - r.g[0].0 > 3 || r.sep[1..r.n].iter().any(|&x| x != b' '))
        {
            break;
        }
        r.g[r.n] = (ds, de);
        r.sep[r.n] = sep;
        r.n += 1;
        p = de;
    }
    r.end = p;
    r
}

/// Document-level evidence for the decimal separator: 1 = European
/// (decimal comma), 2 = English (decimal point), 0 = none.
pub(super) fn style_evidence(r: &RawNum) -> u8 {
    let glen = |k: usize| r.g[k].1 - r.g[k].0;
    let mut k = 1;
    while k < r.n && r.sep[k] == b' ' {
        k += 1;
    }
    let m = r.n - k;
    if m == 0 || k > 1 {
        return 0;
    }
    let last = r.sep[r.n - 1];
    if m == 1 {
        if glen(1) > 2 {
            return 0;
        }
        return match last {
            b',' => 1,
            // "spring 2020.4": a year with a footnote marker is no evidence
            _ if glen(0) == 4 => 0,
            _ => 2,
        };
    }
    if glen(0) > 3 {
        return 0;
    }
    let inner = &r.sep[1..r.n - 1];
    if inner.iter().all(|&x| x == last) {
        if (1..r.n).all(|j| glen(j) == 3) {
            return if last == b',' { 2 } else { 1 };
        }
        return 0;
    }
    if inner.iter().all(|&x| x != last) && (1..r.n - 1).all(|j| glen(j) == 3) {
        return if last == b'.' { 2 } else { 1 };
    }
    0
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    English,
    European,
    Unknown,
}

// ---------------------------------------------------------------------------
// Number expressions

#[derive(Debug, Clone)]
pub(super) enum NumVal {
    Raw(RawNum),
    Word(Dec),
}

#[derive(Debug, Clone)]
pub(super) struct NumExpr {
    pub(super) end: usize,
    pub(super) val: NumVal,
    /// Power of ten from a scale word ("million" = 6).
    pub(super) scale: i32,
    pub(super) has_scale: bool,
    /// The bare word "one": not enough for a count or a duration.
    pub(super) lone_one: bool,
    /// Plain 4-digit number 1800..=2100.
    pub(super) year_like: bool,
    /// Digits without thousands grouping: a following scale may be shared.
    pub(super) small: bool,
}

/// A number word's part in a spelled-out number (`data/numwords.tsv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Nw {
    Unit(u32),
    Teen(u32),
    Tens(u32),
    /// A whole hundreds value ("sto", "petsto").
    Hundreds(u32),
    Hundred,
    Scale(i32),
    /// A scale with "one" implied ("milijun", "tisuću").
    ScaleOne(i32),
    /// A scale only right after digits ("bn", "mlrd").
    Abbr(i32),
    Dozen,
    A,
    Half,
    And,
    Quarter,
}

/// Words that may start a spelled-out number.
pub(super) fn starts_number(nw: Nw) -> bool {
    matches!(
        nw,
        Nw::Unit(_)
            | Nw::Teen(_)
            | Nw::Tens(_)
            | Nw::Hundreds(_)
            | Nw::ScaleOne(_)
            | Nw::A
            | Nw::Half
    )
}

/// An English word that may start a spelled-out number (no context needed).
pub(super) fn word_trigger(w: &[u8]) -> bool {
    let mut buf = [0u8; 48];
    let Ok(w) = std::str::from_utf8(w) else {
        return false;
    };
    lower_into(w, &mut buf)
        .and_then(|l| NUM_WORDS.get(l))
        .is_some_and(|&(nw, tag)| tag != Tag::Sh && starts_number(nw))
}

/// Exact value of a fraction whose denominator divides a power of ten
/// (halves, quarters, eighths, fifths ...): (numerator × 10^k / den, k).
fn exact_fraction(num: u64, den: u64) -> Option<(u64, i32)> {
    if den == 0 || num >= den {
        return None;
    }
    let mut p = 1u64;
    for k in 0..=6 {
        if p.is_multiple_of(den) {
            return Some((num * (p / den), k));
        }
        p *= 10;
    }
    None
}

/// Unicode vulgar fractions with exact decimals.
fn vulgar_fraction(c: char) -> Option<(u64, u64)> {
    Some(match c {
        '½' => (1, 2),
        '¼' => (1, 4),
        '¾' => (3, 4),
        '⅛' => (1, 8),
        '⅜' => (3, 8),
        '⅝' => (5, 8),
        '⅞' => (7, 8),
        '⅕' => (1, 5),
        '⅖' => (2, 5),
        '⅗' => (3, 5),
        '⅘' => (4, 5),
        _ => return None,
    })
}

/// `int` + num/den as a decimal.
fn mixed(int: &str, num: u64, den: u64) -> Option<Dec> {
    let (f, k) = exact_fraction(num, den)?;
    let mut digits = String::with_capacity(int.len() + k as usize);
    digits.push_str(int);
    let fs = f.to_string();
    for _ in fs.len()..k as usize {
        digits.push('0');
    }
    digits.push_str(&fs);
    Some(Dec { digits, exp: -k })
}

impl Scanner<'_> {
    /// The number word spelled `ws..we`, where the language allows it.
    pub(super) fn num_word_at(&self, ws: usize, we: usize) -> Option<Nw> {
        let mut buf = [0u8; 48];
        let l = lower_into(&self.text[ws..we], &mut buf)?;
        let &(nw, tag) = NUM_WORDS.get(l)?;
        self.fits(tag, ws).then_some(nw)
    }

    pub(super) fn parse_num_expr(&self, p: usize, money_ctx: bool) -> Option<NumExpr> {
        if !self.b.get(p)?.is_ascii_digit() {
            return self.parse_words(p);
        }
        let r = lex_number(self.b, p);
        let g0 = &self.text[r.g[0].0..r.g[0].1];
        let year_like = r.n == 1 && g0.len() == 4 && ("1800"..="2100").contains(&g0);
        let small = g0.len() <= 3 && (r.n == 1 || (r.n == 2 && r.g[1].1 - r.g[1].0 != 3));
        let mut ne = NumExpr {
            end: r.end,
            val: NumVal::Raw(r),
            scale: 0,
            has_scale: false,
            lone_one: false,
            year_like,
            small,
        };
        if r.n == 1 && g0.len() <= 6 && !(g0.len() > 1 && g0.starts_with('0')) {
            if let Some((d, e)) = self.fraction_after(r.end, g0) {
                ne.val = NumVal::Word(d);
                ne.end = e;
                ne.year_like = false;
                ne.small = false;
            }
        }
        if let Some((k, e)) = self.parse_scale(ne.end, money_ctx) {
            ne.scale = k;
            ne.has_scale = true;
            ne.end = e;
            ne.year_like = false;
        }
        Some(ne)
    }

    /// A fraction after whole digits: "2½", "10 1/2" (denominators with an
    /// exact decimal only). Returns the mixed number and its end.
    fn fraction_after(&self, e: usize, int: &str) -> Option<(Dec, usize)> {
        let c = self.ch(e)?;
        if let Some((n, d)) = vulgar_fraction(c) {
            return Some((mixed(int, n, d)?, e + c.len_utf8()));
        }
        if c != ' ' {
            return None;
        }
        let b = self.b;
        let ns = e + 1;
        let mut p = ns;
        while p < b.len() && b[p].is_ascii_digit() {
            p += 1;
        }
        if p == ns || p - ns > 2 || b.get(p) != Some(&b'/') {
            return None;
        }
        let ds = p + 1;
        let mut q = ds;
        while q < b.len() && b[q].is_ascii_digit() {
            q += 1;
        }
        if q == ds || q - ds > 2 || self.ch(q).is_some_and(|c| c.is_alphanumeric() || c == '/') {
            return None;
        }
        let num: u64 = self.text[ns..p].parse().ok()?;
        let den: u64 = self.text[ds..q].parse().ok()?;
        Some((mixed(int, num, den)?, q))
    }

    /// Scale word after digits: "4.5 billion", "5bn", "$5m", "10k",
    /// "4,5 milijardi".
    /// "m" means million only with money around (a currency prefix or a
    /// following currency word) or before a counted noun ("5m people");
    /// otherwise it is metres.
    pub(super) fn parse_scale(&self, p: usize, money_ctx: bool) -> Option<(i32, usize)> {
        let glued = self.ch(p)?.is_alphabetic();
        let q = if glued {
            p
        } else {
            let q = self.skip_hs(p);
            if q == p {
                return None;
            }
            q
        };
        let (ws, mut we) = self.word_at(q)?;
        let w = &self.text[ws..we];
        if matches!(self.ch(we), Some('²')) || self.ch(we).is_some_and(|c| c.is_ascii_digit()) {
            return None;
        }
        let k = match w {
            "k" | "K" if glued => 3,
            "m" | "M" | "b" | "B" => {
                let k = if w.eq_ignore_ascii_case("b") { 9 } else { 6 };
                if money_ctx || self.money_follows(we) || (glued && self.noun_follows(we)) {
                    k
                } else {
                    return None;
                }
            }
            _ => match self.num_word_at(ws, we)? {
                Nw::Scale(k) | Nw::ScaleOne(k) => k,
                Nw::Abbr(k) => {
                    // "4,5 mlrd. eura": the abbreviation's dot, when a
                    // lower-case word goes on
                    if self.ch(we) == Some('.')
                        && self.next_word_h(we + 1).is_some_and(|x| {
                            self.w(x).chars().next().is_some_and(char::is_lowercase)
                        })
                    {
                        we += 1;
                    }
                    k
                }
                _ => return None,
            },
        };
        Some((k, we))
    }

    pub(super) fn money_follows(&self, p: usize) -> bool {
        let q = self.skip_ws(p);
        if q == p {
            return false;
        }
        if self.ch(q).is_some_and(|c| currency_symbol(c).is_some()) {
            return true;
        }
        self.word_at(q)
            .is_some_and(|(ws, we)| self.currency_word(ws, we, true, true).is_some())
    }

    pub(super) fn noun_follows(&self, p: usize) -> bool {
        self.next_word_h(p).is_some_and(|(ws, we)| {
            count_noun_ok(&self.text[ws..we], false) && !self.is_unit_word(ws, we)
        })
    }

    pub(super) fn is_unit_word(&self, ws: usize, we: usize) -> bool {
        self.unit_word(ws, we, false).is_some()
    }

    /// Spelled-out numbers: "twelve", "two million", "a dozen",
    /// "half a million", "one hundred and fifty", "twenty-five",
    /// "three quarters of a million", "dvije tisuće", "milijun", "pola
    /// milijuna".
    pub(super) fn parse_words(&self, p: usize) -> Option<NumExpr> {
        let mut words = WordNumber::new(p);
        let mut best: Option<WordsSoFar> = None;
        let mut pos = p;
        let mut quarter = None;
        while words.st.ntok < 16 {
            let Some((ws, we)) = self.word_at(pos) else {
                break;
            };
            let Some(nw) = self.num_word_at(ws, we) else {
                break;
            };
            if nw == Nw::Quarter {
                quarter = self.quarters(&words, we);
                break;
            }
            if !words.push(nw, we) {
                break;
            }
            if words.complete() {
                best = Some(words.st);
            }
            if words.last == Last::Dozen || (words.half && words.last == Last::Scale) {
                break;
            }
            pos = match self.ch(we) {
                Some(' ') => we + 1,
                Some('\u{a0}') => we + 2,
                Some('-') if words.last == Last::Tens => we + 1,
                _ => break,
            };
        }
        if let Some((val, scale, end)) = quarter {
            return Some(NumExpr {
                end,
                val: NumVal::Word(val),
                scale,
                has_scale: true,
                lone_one: false,
                year_like: false,
                small: false,
            });
        }
        let st = best?;
        let (base, scale) = match st.simple {
            Some((b, k)) if st.total > 0 && st.cur == 0 => (Dec::from_u128(b), k),
            _ => (Dec::from_u128(st.total.saturating_add(st.cur)), 0),
        };
        let base = if words.half { base.halved() } else { base };
        Some(NumExpr {
            end: st.end,
            val: NumVal::Word(base),
            scale,
            has_scale: st.mult,
            lone_one: st.ntok == 1 && st.total == 0 && st.cur == 1,
            year_like: false,
            small: scale == 0 && !st.mult,
        })
    }

    /// "three quarters of a million", "a quarter of a billion": n/4 of a
    /// scale (`words` holds "three" / "a", `we` ends "quarter(s)").
    fn quarters(&self, words: &WordNumber, we: usize) -> Option<(Dec, i32, usize)> {
        let st = &words.st;
        if words.half || st.total != 0 || st.mult || !(1..=3).contains(&st.cur) {
            return None;
        }
        if !matches!(words.last, Last::Unit | Last::A) {
            return None;
        }
        let of = self.next_word_h(we)?;
        if !self.w(of).eq_ignore_ascii_case("of") {
            return None;
        }
        let mut nx = self.next_word_h(of.1)?;
        if matches!(self.w(nx), "a" | "an") {
            nx = self.next_word_h(nx.1)?;
        }
        match self.num_word_at(nx.0, nx.1)? {
            Nw::Scale(k) => Some((Dec::from_u128(st.cur * 25), k - 2, nx.1)),
            _ => None,
        }
    }

    /// Ranges: "5-10", "5 – 10", "5 to 10", "between 5 and 10",
    /// "€2 million to €3 million", "između 5 i 10", "od 5 do 10".
    /// `conn`: the words that join the range after a "between" word.
    pub(super) fn parse_range(
        &self,
        p: usize,
        conn: Option<&[&str]>,
        money: Option<&'static str>,
    ) -> Option<NumExpr> {
        let q = self.skip_hs(p);
        let c = self.ch(q)?;
        let (after, dash) = if matches!(c, '-' | '–' | '—' | '‒') {
            (q + c.len_utf8(), true)
        } else {
            let (ws, we) = self.word_at(q)?;
            let w = &self.text[ws..we];
            let ok = match conn {
                Some(conn) => conn.iter().any(|c| lc(w) == *c),
                None => w == "to" && self.lang != Lang::Sh,
            };
            if q == p || !ok || self.skip_hs(we) == we {
                return None;
            }
            (we, false)
        };
        let mut r = self.skip_hs(after);
        if let Some(code) = money {
            r = self.skip_currency_prefix(r, code);
        }
        if dash && !self.b.get(r).is_some_and(|d| d.is_ascii_digit()) {
            return None;
        }
        self.parse_num_expr(r, money.is_some())
    }

    pub(super) fn skip_currency_prefix(&self, r: usize, code: &str) -> usize {
        if let Some(c) = self.ch(r) {
            if currency_symbol(c) == Some(code) || (c == '$' && code.ends_with('D')) {
                return self.skip_hs(r + c.len_utf8());
            }
        }
        if let Some((ws, we)) = self.word_at(r) {
            let w = &self.text[ws..we];
            if iso_code(w).map(|x| x.0) == Some(code) {
                return self.skip_hs(we);
            }
            if self.ch(we) == Some('$') && dollar_prefix(w) == Some(code) {
                return self.skip_hs(we + 1);
            }
        }
        r
    }

    /// Shares a scale word across a range ("€2-3 million"), only onto a
    /// plain small number ("1,000 to 2 million" keeps its own scale).
    pub(super) fn share_scale(first: &mut NumExpr, second: &mut NumExpr) {
        if !first.has_scale && second.scale > 0 && first.small {
            first.scale = second.scale;
            first.has_scale = true;
        } else if !second.has_scale && first.scale > 0 && second.small {
            second.scale = first.scale;
            second.has_scale = true;
        }
    }

    // ----- interpretation of digit groups -----

    pub(super) fn doc_style(&mut self) -> Style {
        if let Some(s) = self.style {
            return s;
        }
        let b = self.b;
        let (mut eu, mut en) = (0u32, 0u32);
        let mut i = 0;
        while i < b.len() {
            if b[i].is_ascii_digit() {
                let prev_ok = i == 0
                    || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'.' || b[i - 1] == b',');
                let r = lex_number(b, i);
                if prev_ok && r.n >= 2 {
                    match style_evidence(&r) {
                        1 => eu += 1,
                        2 => en += 1,
                        _ => {}
                    }
                }
                i = r.end.max(i + 1);
            } else {
                i += 1;
            }
        }
        // The document's language decides a tie: the region writes decimal
        // commas and dot-grouped thousands.
        let s = match eu.cmp(&en) {
            std::cmp::Ordering::Greater => Style::European,
            std::cmp::Ordering::Less => Style::English,
            std::cmp::Ordering::Equal => match self.lang {
                Lang::Sh => Style::European,
                Lang::En => Style::English,
                Lang::Any => Style::Unknown,
            },
        };
        self.style = Some(s);
        s
    }

    /// Decides which separators are thousands and which (if any) is the
    /// decimal mark:
    /// - space-like separators are always thousands ("70 000");
    /// - two or more identical marks are thousands ("1,234,567", "1.234.567");
    /// - with both marks, the last one is the decimal ("1,234.5", "1.234,5");
    /// - a single mark not followed by exactly three digits is decimal
    ///   ("2.5", "2,5"), as is one after "0" or after more than 3 digits;
    /// - a single mark followed by exactly three digits is ambiguous:
    ///   counts cannot be fractional, so thousands; '.' is thousands next to
    ///   currencies that write it so (KM, dinars, kuna, denars, lek) or in a
    ///   document whose other numbers use the decimal comma (or, without
    ///   such numbers, in Croatian/Serbian/Bosnian); ',' is thousands
    ///   (English news) unless the document uses decimal commas.
    pub(super) fn interpret(
        &mut self,
        r: &RawNum,
        dot_thousands: bool,
        count: bool,
    ) -> Option<Dec> {
        let t = self.text;
        let g = |k: usize| &t[r.g[k].0..r.g[k].1];
        let n = r.n;
        let mut k = 1;
        while k < n && r.sep[k] == b' ' {
            k += 1;
        }
        let m = n - k;
        let dec_idx = if m == 0 {
            None
        } else if k > 1 {
            if m == 1 {
                Some(k)
            } else {
                return None;
            }
        } else {
            let last = r.sep[n - 1];
            let g0len = g(0).len();
            if m >= 2 {
                let mixed = r.sep[1..n - 1].iter().any(|&s| s != last);
                if !mixed {
                    if g0len > 3 || (1..n).any(|j| g(j).len() != 3) {
                        return None;
                    }
                    None
                } else {
                    if g0len > 3
                        || r.sep[1..n - 1].contains(&last)
                        || (1..n - 1).any(|j| g(j).len() != 3)
                    {
                        return None;
                    }
                    Some(n - 1)
                }
            } else if g(1).len() != 3 || g0len > 3 || g(0) == "0" {
                Some(1)
            } else {
                // No evidence and no language: the text around decides.
                let style = match self.doc_style() {
                    Style::Unknown if self.regional_near(r.g[0].0) => Style::European,
                    s => s,
                };
                let thousands = count
                    || match last {
                        b'.' => dot_thousands || style == Style::European,
                        _ => style != Style::European,
                    };
                if thousands {
                    None
                } else {
                    Some(1)
                }
            }
        };
        // Leading zeros mark codes and phone numbers, not amounts.
        if g(0).len() > 1 && g(0).starts_with('0') {
            return None;
        }
        let int_end = dec_idx.unwrap_or(n);
        let mut int = String::new();
        for j in 0..int_end {
            int.push_str(g(j));
        }
        let frac = dec_idx.map_or("", g);
        if int.len() + frac.len() > 40 {
            return None;
        }
        Some(Dec::from_parts(&int, frac))
    }

    pub(super) fn value(&mut self, ne: &NumExpr, dot_thousands: bool, count: bool) -> Option<Dec> {
        let base = match &ne.val {
            NumVal::Raw(r) => self.interpret(r, dot_thousands, count)?,
            NumVal::Word(d) => d.clone(),
        };
        Some(base.shifted(ne.scale))
    }
}
