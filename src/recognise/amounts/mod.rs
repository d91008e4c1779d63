//! Rule-based recogniser for AMOUNTS (money, quantities, percentages, counts
//! and durations) in English news text.
//!
//! Design: a hand-written scanner over the bytes of the text. It only stops at
//! digits, currency symbols, ISO codes glued to / followed by digits and at a
//! small set of number words; everything else is skipped a word at a time.
//! Values are kept as exact decimal digit strings (no floating point).
//! Allocation happens only once a candidate has been found.

use crate::doc::{Amount, AmountKind};
use std::borrow::Cow;

/// An amount found in a text: where, and what it is worth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmountMatch {
    /// Byte offsets into the input (char boundaries, end-exclusive).
    pub start: usize,
    pub end: usize,
    pub amount: Amount,
}

/// Reads as the [`Amount`] it holds (`m.kind`, `m.value`, `m.canonical()`).
impl std::ops::Deref for AmountMatch {
    type Target = Amount;
    fn deref(&self) -> &Amount {
        &self.amount
    }
}

/// Finds amounts; results are sorted by `start` and never overlap.
pub fn find_amounts(text: &str) -> Vec<AmountMatch> {
    let mut s = Scanner {
        text,
        b: text.as_bytes(),
        style: None,
        last_end: 0,
        out: Vec::new(),
    };
    s.run();
    s.out
}

// ---------------------------------------------------------------------------
// Exact decimals

/// value = digits × 10^exp (digits ASCII, may carry leading zeros).
#[derive(Debug, Clone)]
struct Dec {
    digits: String,
    exp: i32,
}

impl Dec {
    fn from_parts(int: &str, frac: &str) -> Dec {
        let mut digits = String::with_capacity(int.len() + frac.len());
        digits.push_str(int);
        digits.push_str(frac);
        Dec {
            digits,
            exp: -(frac.len() as i32),
        }
    }

    fn from_u128(v: u128) -> Dec {
        Dec {
            digits: v.to_string(),
            exp: 0,
        }
    }

    fn shifted(mut self, k: i32) -> Dec {
        self.exp += k;
        self
    }

    /// x / 2 computed as x × 5 / 10, exact.
    fn halved(&self) -> Dec {
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

    fn is_integer(&self) -> bool {
        let t = self.digits.trim_end_matches('0');
        t.is_empty() || self.exp + (self.digits.len() - t.len()) as i32 >= 0
    }

    fn render(&self) -> String {
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

const MAXG: usize = 8;

/// A run of digit groups joined by ',', '.' or a space-like separator
/// (recorded as b' '); interpretation is deferred until the unit is known.
#[derive(Debug, Clone, Copy)]
struct RawNum {
    end: usize,
    n: usize,
    g: [(usize, usize); MAXG],
    sep: [u8; MAXG],
}

/// Length of a space-like thousands separator at `p`: ' ', U+00A0, U+202F,
/// U+2009, U+2007.
fn space_sep_len(b: &[u8], p: usize) -> usize {
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

fn lex_number(b: &[u8], s: usize) -> RawNum {
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
fn style_evidence(r: &RawNum) -> u8 {
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
enum Style {
    English,
    European,
    Unknown,
}

// ---------------------------------------------------------------------------
// Number expressions

#[derive(Debug, Clone)]
enum NumVal {
    Raw(RawNum),
    Word(Dec),
}

#[derive(Debug, Clone)]
struct NumExpr {
    end: usize,
    val: NumVal,
    /// Power of ten from a scale word ("million" = 6).
    scale: i32,
    has_scale: bool,
    /// The bare word "one": not enough for a count or a duration.
    lone_one: bool,
    /// Plain 4-digit number 1800..=2100.
    year_like: bool,
    /// Digits without thousands grouping: a following scale may be shared.
    small: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Nw {
    Unit(u32),
    Teen(u32),
    Tens(u32),
    Hundred,
    Scale(i32),
    Dozen,
    A,
    Half,
    And,
}

fn num_word(lw: &[u8]) -> Option<Nw> {
    Some(match lw {
        b"one" => Nw::Unit(1),
        b"two" => Nw::Unit(2),
        b"three" => Nw::Unit(3),
        b"four" => Nw::Unit(4),
        b"five" => Nw::Unit(5),
        b"six" => Nw::Unit(6),
        b"seven" => Nw::Unit(7),
        b"eight" => Nw::Unit(8),
        b"nine" => Nw::Unit(9),
        b"ten" => Nw::Teen(10),
        b"eleven" => Nw::Teen(11),
        b"twelve" => Nw::Teen(12),
        b"thirteen" => Nw::Teen(13),
        b"fourteen" => Nw::Teen(14),
        b"fifteen" => Nw::Teen(15),
        b"sixteen" => Nw::Teen(16),
        b"seventeen" => Nw::Teen(17),
        b"eighteen" => Nw::Teen(18),
        b"nineteen" => Nw::Teen(19),
        b"twenty" => Nw::Tens(20),
        b"thirty" => Nw::Tens(30),
        b"forty" => Nw::Tens(40),
        b"fifty" => Nw::Tens(50),
        b"sixty" => Nw::Tens(60),
        b"seventy" => Nw::Tens(70),
        b"eighty" => Nw::Tens(80),
        b"ninety" => Nw::Tens(90),
        b"hundred" => Nw::Hundred,
        b"thousand" => Nw::Scale(3),
        b"million" => Nw::Scale(6),
        b"billion" => Nw::Scale(9),
        b"trillion" => Nw::Scale(12),
        b"dozen" => Nw::Dozen,
        b"a" | b"an" => Nw::A,
        b"half" => Nw::Half,
        b"and" => Nw::And,
        _ => return None,
    })
}

/// Lower-cases an ASCII word of at most 9 bytes into `buf`.
fn lower9<'b>(w: &[u8], buf: &'b mut [u8; 9]) -> Option<&'b [u8]> {
    if w.len() > 9 {
        return None;
    }
    for (d, c) in buf.iter_mut().zip(w) {
        *d = c.to_ascii_lowercase();
    }
    Some(&buf[..w.len()])
}

/// Words that may start a spelled-out number.
fn word_trigger(w: &[u8]) -> bool {
    let mut buf = [0u8; 9];
    match lower9(w, &mut buf).and_then(num_word) {
        Some(Nw::Unit(_) | Nw::Teen(_) | Nw::Tens(_) | Nw::A | Nw::Half) => true,
        Some(_) | None => false,
    }
}

// ---------------------------------------------------------------------------
// Lexicon

fn lc(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) || !s.is_ascii() {
        Cow::Owned(s.to_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

fn is_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | '\r' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\u{2007}' | '\u{200a}'
    )
}

fn is_hspace(c: char) -> bool {
    is_space(c) && c != '\n' && c != '\r'
}

fn currency_symbol(c: char) -> Option<&'static str> {
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
fn dollar_prefix(w: &str) -> Option<&'static str> {
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
fn iso_code(w: &str) -> Option<&'static str> {
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
fn dot_thousands_currency(code: &str) -> bool {
    matches!(code, "BAM" | "RSD" | "HRK" | "MKD" | "ALL")
}

/// Country adjective + currency family (family = its default code).
fn adj_code(adj: &str, family: &str) -> Option<&'static str> {
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

/// Plural-looking words that are not counted nouns.
fn not_noun(w: &str) -> bool {
    matches!(
        w,
        "is" | "was"
            | "has"
            | "does"
            | "goes"
            | "says"
            | "its"
            | "this"
            | "thus"
            | "plus"
            | "minus"
            | "as"
            | "us"
            | "his"
            | "hers"
            | "ours"
            | "yours"
            | "theirs"
            | "yes"
            | "whereas"
            | "besides"
            | "always"
            | "sometimes"
            | "perhaps"
            | "afterwards"
            | "towards"
            | "across"
            | "nevertheless"
            | "unless"
            | "times"
            | "cents"
            | "others"
            | "thousands"
            | "millions"
            | "billions"
            | "trillions"
            | "hundreds"
            | "dozens"
            | "tens"
            | "seems"
            | "remains"
            | "comes"
            | "includes"
            | "shows"
            | "means"
            | "makes"
            | "takes"
            | "gives"
            | "involves"
            | "represents"
            | "equals"
            | "contains"
            | "accounts"
            | "needs"
            | "wants"
            | "gets"
            | "puts"
            | "sets"
            | "lets"
            | "leads"
            | "holds"
            | "stands"
            | "falls"
            | "rises"
            | "stays"
            | "lies"
            | "tries"
            | "dies"
            | "applies"
            | "becomes"
            | "continues"
            | "allows"
            | "appears"
            | "refers"
            | "exceeds"
            | "vs"
            | "ms"
            | "mrs"
            | "whose"
    )
}

/// Irregular plurals / collectives that are counted without a trailing 's'.
fn irregular_plural(w: &str) -> bool {
    matches!(
        w,
        "people"
            | "police"
            | "men"
            | "women"
            | "children"
            | "staff"
            | "personnel"
            | "cattle"
            | "sheep"
            | "fish"
            | "livestock"
            | "crew"
            | "youth"
            | "feet"
            | "teeth"
            | "mice"
            | "geese"
            | "militia"
    )
}

/// A lower-case word accepted as the counted noun: plural-looking or an
/// irregular plural. Requiring plural morphology keeps verbs ("2 targeted"),
/// function words ("one of") and adjectives out.
fn count_noun_ok(w: &str, singular_ok: bool) -> bool {
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

/// Function words and auxiliaries: never a modifier before a counted noun
/// ("5 of the suspects", "the two were officers").
fn function_word(w: &str) -> bool {
    matches!(
        w,
        "a" | "an"
            | "the"
            | "of"
            | "to"
            | "in"
            | "on"
            | "at"
            | "by"
            | "for"
            | "with"
            | "from"
            | "into"
            | "onto"
            | "over"
            | "under"
            | "about"
            | "after"
            | "before"
            | "than"
            | "then"
            | "and"
            | "or"
            | "but"
            | "nor"
            | "as"
            | "that"
            | "which"
            | "who"
            | "whom"
            | "what"
            | "when"
            | "where"
            | "while"
            | "per"
            | "each"
            | "every"
            | "are"
            | "were"
            | "be"
            | "been"
            | "being"
            | "am"
            | "pm"
            | "have"
            | "had"
            | "do"
            | "did"
            | "done"
            | "will"
            | "would"
            | "shall"
            | "should"
            | "can"
            | "could"
            | "may"
            | "might"
            | "must"
            | "not"
            | "no"
            | "so"
            | "these"
            | "those"
            | "there"
            | "here"
            | "it"
            | "he"
            | "she"
            | "they"
            | "we"
            | "you"
            | "her"
            | "their"
            | "our"
            | "my"
            | "your"
            | "them"
            | "him"
            | "me"
            | "said"
            | "say"
            | "including"
            | "against"
            | "between"
            | "among"
            | "during"
            | "without"
            | "within"
            | "out"
            | "up"
            | "down"
            | "off"
            | "also"
            | "only"
            | "just"
            | "even"
            | "still"
            | "yet"
            | "very"
            | "too"
            | "all"
            | "both"
            | "either"
            | "neither"
            | "less"
            | "least"
            | "most"
            | "some"
            | "any"
            | "another"
            | "same"
            | "via"
            | "like"
            | "since"
            | "until"
            | "if"
            | "whether"
            | "because"
            | "though"
            | "although"
            | "o"
            | "got"
            | "get"
            | "went"
            | "came"
            | "made"
            | "took"
            | "gave"
            | "saw"
            | "left"
            | "won"
            | "lost"
            | "paid"
            | "went-on"
            | "ago"
            | "later"
            | "earlier"
            | "back"
            | "away"
            | "again"
            | "times"
            | "percent"
            | "cent"
    )
}

/// Plural-form nouns used as modifiers ("two customs officers").
fn plural_modifier(w: &str) -> bool {
    matches!(
        w,
        "customs"
            | "arms"
            | "drugs"
            | "narcotics"
            | "goods"
            | "sales"
            | "savings"
            | "operations"
            | "news"
            | "sports"
            | "police"
            | "people"
            | "staff"
            | "security"
            | "border"
    )
}

/// One modifier allowed between number and noun: "20 armed men",
/// "12 Albanian nationals", "20 more people", "12 luxury cars".
fn adjective_ok(w: &str) -> bool {
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
    matches!(
        w,
        "new"
            | "old"
            | "young"
            | "more"
            | "other"
            | "foreign"
            | "local"
            | "small"
            | "large"
            | "big"
            | "major"
            | "senior"
            | "junior"
            | "key"
            | "top"
            | "known"
            | "fake"
            | "false"
            | "illegal"
            | "stolen"
            | "separate"
            | "further"
            | "high-ranking"
            | "low-level"
            | "former"
            | "alleged"
            | "suspected"
    ) || (w.len() >= 5
        && [
            "ed", "al", "ive", "ous", "ful", "ic", "ian", "ish", "ing", "ant", "ent",
        ]
        .iter()
        .any(|s| w.ends_with(s)))
}

/// Capitalised words that may precede an amount without marking it as part
/// of a name ("In 2021", "Only 20 people").
fn cap_ok(lw: &str) -> bool {
    matches!(
        lw,
        "the"
            | "in"
            | "on"
            | "at"
            | "by"
            | "of"
            | "for"
            | "from"
            | "with"
            | "about"
            | "some"
            | "only"
            | "over"
            | "under"
            | "nearly"
            | "almost"
            | "just"
            | "all"
            | "and"
            | "but"
            | "or"
            | "than"
            | "to"
            | "these"
            | "those"
            | "its"
            | "their"
            | "his"
            | "her"
            | "our"
            | "another"
            | "last"
            | "next"
            | "past"
            | "first"
            | "every"
            | "each"
            | "around"
            | "approximately"
            | "roughly"
            | "between"
            | "after"
            | "before"
            | "during"
            | "within"
            | "since"
            | "least"
            | "most"
    )
}

/// Words after which a number is a reference, not an amount ("page 12",
/// "Article 5", "no. 123").
fn reference_word(lw: &str) -> bool {
    matches!(
        lw,
        "page"
            | "pages"
            | "p"
            | "pp"
            | "paragraph"
            | "paragraphs"
            | "para"
            | "paras"
            | "article"
            | "articles"
            | "art"
            | "section"
            | "sec"
            | "chapter"
            | "ch"
            | "no"
            | "nr"
            | "number"
            | "version"
            | "ver"
            | "v"
            | "annex"
            | "footnote"
            | "note"
            | "item"
            | "line"
            | "table"
            | "figure"
            | "fig"
            | "clause"
            | "street"
            | "st"
            | "road"
            | "room"
            | "floor"
            | "level"
            | "phase"
            | "stage"
            | "grade"
            | "episode"
            | "season"
            | "vol"
            | "volume"
            | "issue"
            | "part"
            | "rule"
            | "resolution"
            | "route"
            | "flight"
            | "apartment"
            | "apt"
            | "box"
            | "gate"
            | "platform"
            | "exit"
            | "tier"
            | "category"
            | "step"
            | "verse"
            | "appendix"
            | "schedule"
            | "edition"
            | "bus"
            | "tram"
            | "channel"
            | "highway"
            | "motorway"
            | "lane"
            | "avenue"
            | "ave"
            | "id"
            | "code"
            | "operation"
            | "windows"
            | "iphone"
    )
}

// ---------------------------------------------------------------------------
// Scanner

struct Unit {
    kind: AmountKind,
    unit: String,
    end: usize,
    code: &'static str,
}

struct Cand {
    start: usize,
    end: usize,
    kind: AmountKind,
    unit: String,
    qual: Option<String>,
    dot_thousands: bool,
}

struct Scanner<'a> {
    text: &'a str,
    b: &'a [u8],
    style: Option<Style>,
    last_end: usize,
    out: Vec<AmountMatch>,
}

impl<'a> Scanner<'a> {
    // ----- character helpers (all positions are char boundaries) -----

    fn ch(&self, p: usize) -> Option<char> {
        self.text.get(p..)?.chars().next()
    }

    fn ch_before(&self, p: usize) -> Option<char> {
        self.text.get(..p)?.chars().next_back()
    }

    /// Skips whitespace, crossing at most one line break (a blank line ends
    /// a mention).
    fn skip_ws(&self, mut p: usize) -> usize {
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

    fn skip_hs(&self, mut p: usize) -> usize {
        while let Some(c) = self.ch(p) {
            if !is_hspace(c) {
                break;
            }
            p += c.len_utf8();
        }
        p
    }

    fn skip_ws_back(&self, mut p: usize) -> usize {
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

    fn word_end(&self, mut p: usize) -> usize {
        while let Some(c) = self.ch(p) {
            if !c.is_alphabetic() {
                break;
            }
            p += c.len_utf8();
        }
        p
    }

    fn word_start_back(&self, mut p: usize) -> usize {
        while let Some(c) = self.ch_before(p) {
            if !c.is_alphabetic() {
                break;
            }
            p -= c.len_utf8();
        }
        p
    }

    fn word_at(&self, p: usize) -> Option<(usize, usize)> {
        let e = self.word_end(p);
        (e > p).then_some((p, e))
    }

    /// Word with internal hyphens ("law-enforcement").
    fn hword_at(&self, p: usize) -> Option<(usize, usize)> {
        let (s, mut e) = self.word_at(p)?;
        while self.ch(e) == Some('-') && self.ch(e + 1).is_some_and(|c| c.is_alphabetic()) {
            e = self.word_end(e + 1);
        }
        Some((s, e))
    }

    /// Next word after horizontal whitespace (at least one space).
    fn next_word_h(&self, p: usize) -> Option<(usize, usize)> {
        let q = self.skip_hs(p);
        if q == p {
            return None;
        }
        self.word_at(q)
    }

    fn next_word(&self, p: usize) -> Option<(usize, usize)> {
        let q = self.skip_ws(p);
        if q == p {
            return None;
        }
        self.word_at(q)
    }

    /// The word right before `p`, separated from it by whitespace only.
    fn prev_word(&self, p: usize) -> Option<(usize, usize)> {
        let q = self.skip_ws_back(p);
        if q == p {
            return None;
        }
        let s = self.word_start_back(q);
        (s < q).then_some((s, q))
    }

    fn w(&self, span: (usize, usize)) -> &'a str {
        &self.text[span.0..span.1]
    }

    // ----- main loop -----

    fn run(&mut self) {
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

    fn on_word(&mut self, ws: usize, we: usize) -> usize {
        let w = &self.text[ws..we];
        match self.b.get(we) {
            Some(d) if d.is_ascii_digit() => {
                // "USD34.6m"; anything else glued to digits is a name or code
                // ("G7", "v2", "km2") and is skipped whole.
                if let Some(code) = iso_code(w) {
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
            _ => {}
        }
        if w.len() <= 3 {
            if let Some(code) = iso_code(w) {
                let q = self.skip_hs(we);
                // "ALL" is also an English word in all-caps headlines
                let shouting = w == "ALL"
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
        if w.len() <= 9 && w.is_ascii() && word_trigger(w.as_bytes()) {
            if let Some(e) = self.try_number(ws) {
                return e;
            }
        }
        we
    }

    fn on_digit(&mut self, s: usize) -> usize {
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

    fn on_symbol(&mut self, i: usize, after: usize, code: &'static str) -> usize {
        if self.ch_before(i).is_some_and(|c| c.is_alphanumeric()) {
            return after;
        }
        self.try_prefix(i, after, code).unwrap_or(after)
    }

    /// Skips a rejected alphanumeric token ("2020/21", "14:30", "3rd").
    fn skip_run(&self, mut p: usize) -> usize {
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
    fn skip_phone(&self, mut p: usize) -> usize {
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
    fn left_ok(&self, s: usize) -> bool {
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

    fn reference_before(&self, s: usize) -> bool {
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
    fn name_before(&self, start: usize) -> bool {
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

    /// Looks back from a mention start for "between" or a qualifier.
    /// Returns (start of "between", (start, qualifier)).
    fn lookback(&self, s: usize) -> (Option<usize>, Option<(usize, String)>) {
        let Some(w1) = self.prev_word(s) else {
            return (None, None);
        };
        let l1 = lc(self.w(w1));
        if l1 == "between" {
            return ((w1.0 >= self.last_end).then_some(w1.0), None);
        }
        let q = self.qualifier(w1, &l1);
        (None, q.filter(|(st, _)| *st >= self.last_end))
    }

    fn qualifier(&self, w1: (usize, usize), l1: &str) -> Option<(usize, String)> {
        let w0 = self.prev_word(w1.0);
        let l0 = w0.map(|w| lc(self.w(w)));
        let l0 = l0.as_deref().unwrap_or("");
        let two = || w0.map(|w| (w.0, format!("{l0} {l1}")));
        let three = |first: &[&str]| {
            let wm = self.prev_word(w0?.0)?;
            let lm = lc(self.w(wm));
            first
                .contains(&&*lm)
                .then(|| (wm.0, format!("{lm} {l0} {l1}")))
        };
        match l1 {
            "than" => match l0 {
                "more" | "less" | "fewer" => three(&["no", "not"]).or_else(two),
                _ => None,
            },
            "to" => match l0 {
                "up" | "close" => two(),
                _ => None,
            },
            "least" | "most" => (l0 == "at").then(two).flatten(),
            "as" => match l0 {
                "many" | "much" | "few" | "little" => three(&["as"]),
                _ => None,
            },
            "of" => match l0 {
                "excess" => three(&["in"]),
                "upwards" => two(),
                _ => None,
            },
            "over" | "under" | "above" | "below" => match l0 {
                "well" | "just" | "slightly" => two(),
                _ => Some((w1.0, l1.to_string())),
            },
            "estimated" => match l0 {
                "an" => two(),
                _ => Some((w1.0, l1.to_string())),
            },
            "almost" | "around" | "about" | "nearly" | "some" | "approximately" | "roughly"
            | "circa" | "approx" | "exactly" | "roughy" => Some((w1.0, l1.to_string())),
            _ => None,
        }
    }

    // ----- numbers -----

    fn parse_num_expr(&self, p: usize, money_ctx: bool) -> Option<NumExpr> {
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
        if let Some((k, e)) = self.parse_scale(r.end, money_ctx) {
            ne.scale = k;
            ne.has_scale = true;
            ne.end = e;
            ne.year_like = false;
        }
        Some(ne)
    }

    /// Scale word after digits: "4.5 billion", "5bn", "$5m", "10k".
    /// "m" means million only with money around (a currency prefix or a
    /// following currency word) or before a counted noun ("5m people");
    /// otherwise it is metres.
    fn parse_scale(&self, p: usize, money_ctx: bool) -> Option<(i32, usize)> {
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
        let (ws, we) = self.word_at(q)?;
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
            _ => match &*lc(w) {
                "thousand" => 3,
                "million" | "mln" | "mn" => 6,
                "billion" | "bn" | "bln" => 9,
                "trillion" | "tn" | "trn" => 12,
                _ => return None,
            },
        };
        Some((k, we))
    }

    fn money_follows(&self, p: usize) -> bool {
        let q = self.skip_ws(p);
        if q == p {
            return false;
        }
        if self.ch(q).is_some_and(|c| currency_symbol(c).is_some()) {
            return true;
        }
        self.word_at(q)
            .is_some_and(|(ws, we)| self.currency_word(ws, we, true).is_some())
    }

    fn noun_follows(&self, p: usize) -> bool {
        self.next_word_h(p).is_some_and(|(ws, we)| {
            count_noun_ok(&self.text[ws..we], false) && !self.is_unit_word(ws, we)
        })
    }

    fn is_unit_word(&self, ws: usize, we: usize) -> bool {
        self.percent_word(ws, we).is_some()
            || self.qty_word(ws, we).is_some()
            || self.dur_word(ws, we).is_some()
    }

    /// Spelled-out numbers: "twelve", "two million", "a dozen",
    /// "half a million", "one hundred and fifty", "twenty-five".
    fn parse_words(&self, p: usize) -> Option<NumExpr> {
        #[derive(Clone, Copy, PartialEq, Eq)]
        enum Last {
            None,
            A,
            Half,
            Unit,
            Teen,
            Tens,
            Hundred,
            Scale,
            Dozen,
            And,
        }
        #[derive(Clone, Copy)]
        struct St {
            total: u128,
            cur: u128,
            simple: Option<(u128, i32)>,
            mult: bool,
            ntok: usize,
            end: usize,
        }
        let mut st = St {
            total: 0,
            cur: 0,
            simple: None,
            mult: false,
            ntok: 0,
            end: p,
        };
        let mut last = Last::None;
        let mut half = false;
        let mut prev_scale = i32::MAX;
        let mut best: Option<St> = None;
        let mut pos = p;
        while st.ntok < 16 {
            let Some((ws, we)) = self.word_at(pos) else {
                break;
            };
            let mut buf = [0u8; 9];
            let Some(nw) = lower9(&self.b[ws..we], &mut buf).and_then(num_word) else {
                break;
            };
            use Last as L;
            match nw {
                Nw::A => {
                    if !matches!(last, L::None | L::Half) {
                        break;
                    }
                    st.cur = 1;
                    last = L::A;
                }
                Nw::Half => {
                    if last != L::None {
                        break;
                    }
                    half = true;
                    last = L::Half;
                }
                Nw::Unit(v) => {
                    if half || !matches!(last, L::None | L::Hundred | L::Scale | L::And | L::Tens) {
                        break;
                    }
                    st.cur += v as u128;
                    st.simple = None;
                    last = L::Unit;
                }
                Nw::Teen(v) | Nw::Tens(v) => {
                    if half || !matches!(last, L::None | L::Hundred | L::Scale | L::And) {
                        break;
                    }
                    st.cur += v as u128;
                    st.simple = None;
                    last = if matches!(nw, Nw::Teen(_)) {
                        L::Teen
                    } else {
                        L::Tens
                    };
                }
                Nw::Hundred => {
                    if half || !matches!(last, L::Unit | L::A) || !(1..=9).contains(&st.cur) {
                        break;
                    }
                    st.cur *= 100;
                    st.simple = None;
                    st.mult = true;
                    last = L::Hundred;
                }
                Nw::Scale(k) => {
                    if !matches!(last, L::Unit | L::Teen | L::Tens | L::Hundred | L::A)
                        || k >= prev_scale
                    {
                        break;
                    }
                    st.simple = if st.total == 0 {
                        Some((st.cur, k))
                    } else {
                        None
                    };
                    st.total = st
                        .total
                        .saturating_add(st.cur.saturating_mul(10u128.pow(k as u32)));
                    st.cur = 0;
                    st.mult = true;
                    prev_scale = k;
                    last = L::Scale;
                }
                Nw::Dozen => {
                    if !matches!(last, L::A | L::Unit | L::Teen | L::Tens) {
                        break;
                    }
                    st.cur *= 12;
                    st.simple = None;
                    st.mult = true;
                    last = L::Dozen;
                }
                Nw::And => {
                    if half || !matches!(last, L::Hundred | L::Scale) {
                        break;
                    }
                    last = L::And;
                }
            }
            st.ntok += 1;
            st.end = we;
            let complete = if half {
                matches!(last, L::Scale | L::Dozen)
            } else {
                matches!(
                    last,
                    L::Unit | L::Teen | L::Tens | L::Hundred | L::Scale | L::Dozen
                )
            };
            if complete {
                best = Some(st);
            }
            if last == L::Dozen || (half && last == L::Scale) {
                break;
            }
            pos = match self.ch(we) {
                Some(' ') => we + 1,
                Some('\u{a0}') => we + 2,
                Some('-') if last == L::Tens => we + 1,
                _ => break,
            };
        }
        let st = best?;
        let (base, scale) = match st.simple {
            Some((b, k)) if st.total > 0 && st.cur == 0 => (Dec::from_u128(b), k),
            _ => (Dec::from_u128(st.total.saturating_add(st.cur)), 0),
        };
        let base = if half { base.halved() } else { base };
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

    /// Ranges: "5-10", "5 – 10", "5 to 10", "between 5 and 10",
    /// "€2 million to €3 million".
    fn parse_range(&self, p: usize, between: bool, money: Option<&'static str>) -> Option<NumExpr> {
        let q = self.skip_hs(p);
        let c = self.ch(q)?;
        let (after, dash) = if matches!(c, '-' | '–' | '—' | '‒') {
            (q + c.len_utf8(), true)
        } else {
            let (ws, we) = self.word_at(q)?;
            let w = &self.text[ws..we];
            let ok = if between {
                w.eq_ignore_ascii_case("and")
            } else {
                w == "to"
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

    fn skip_currency_prefix(&self, r: usize, code: &str) -> usize {
        if let Some(c) = self.ch(r) {
            if currency_symbol(c) == Some(code) || (c == '$' && code.ends_with('D')) {
                return self.skip_hs(r + c.len_utf8());
            }
        }
        if let Some((ws, we)) = self.word_at(r) {
            let w = &self.text[ws..we];
            if iso_code(w) == Some(code) {
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
    fn share_scale(first: &mut NumExpr, second: &mut NumExpr) {
        if !first.has_scale && second.scale > 0 && first.small {
            first.scale = second.scale;
            first.has_scale = true;
        } else if !second.has_scale && first.scale > 0 && second.small {
            second.scale = first.scale;
            second.has_scale = true;
        }
    }

    // ----- interpretation of digit groups -----

    fn doc_style(&mut self) -> Style {
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
        let s = match eu.cmp(&en) {
            std::cmp::Ordering::Greater => Style::European,
            std::cmp::Ordering::Less => Style::English,
            std::cmp::Ordering::Equal => Style::Unknown,
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
    ///   document whose other numbers use the decimal comma; ',' is
    ///   thousands (English news) unless the document uses decimal commas.
    fn interpret(&mut self, r: &RawNum, dot_thousands: bool, count: bool) -> Option<Dec> {
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
                let thousands = count
                    || match last {
                        b'.' => dot_thousands || self.doc_style() == Style::European,
                        _ => self.doc_style() != Style::European,
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

    fn value(&mut self, ne: &NumExpr, dot_thousands: bool, count: bool) -> Option<Dec> {
        let base = match &ne.val {
            NumVal::Raw(r) => self.interpret(r, dot_thousands, count)?,
            NumVal::Word(d) => d.clone(),
        };
        Some(base.shifted(ne.scale))
    }

    // ----- units -----

    fn parse_unit(&self, p: usize, has_scale: bool) -> Option<Unit> {
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
    fn currency_word(
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
    fn cur_name(&self, ws: usize, we: usize, has_scale: bool) -> Option<(&'static str, usize)> {
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

    fn percent_word(&self, ws: usize, we: usize) -> Option<(&'static str, usize)> {
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
    fn squared(&self, we: usize, base: &'static str, sq: &'static str) -> (&'static str, usize) {
        match self.ch(we) {
            Some('²') => (sq, we + '²'.len_utf8()),
            Some('2') if !self.ch(we + 1).is_some_and(|c| c.is_alphanumeric()) => (sq, we + 1),
            _ => (base, we),
        }
    }

    fn qty_word(&self, ws: usize, we: usize) -> Option<(&'static str, usize)> {
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
    fn dur_word(&self, ws: usize, we: usize) -> Option<(&'static str, usize)> {
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
    fn is_age(&self, e: usize) -> bool {
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
    fn count_noun(&self, ws: usize) -> Option<(usize, usize)> {
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

    // ----- candidates -----

    /// Money with a leading currency: "€4.5 billion", "USD 34.6 million",
    /// "US$5m", "USD34.6m", "€2-3 million", "KM 100.000".
    fn try_prefix(&mut self, start: usize, after: usize, code: &'static str) -> Option<usize> {
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
        let mut second = self.parse_range(first.end, between.is_some(), Some(code));
        if let Some(s) = second.as_mut() {
            Self::share_scale(&mut first, s);
        }
        let end = second.as_ref().map_or(first.end, |s| s.end);
        if self.ch(end).is_some_and(|c| c.is_alphanumeric()) {
            return None;
        }
        let (start, qual) = match (between, &second) {
            (Some(b), Some(_)) => (b, None),
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
        };
        self.emit(c, &first, second.as_ref())
    }

    /// "14:30", "2020/21", "1/2": times, seasons and fractions.
    fn bad_follower(&self, e: usize) -> bool {
        matches!(self.b.get(e), Some(b':' | b'/'))
            && self.b.get(e + 1).is_some_and(|d| d.is_ascii_digit())
    }

    /// Amounts starting with a number (digits or words) and ending with a
    /// unit, currency, percent sign, duration or counted noun.
    fn try_number(&mut self, s: usize) -> Option<usize> {
        let is_digit = self.b[s].is_ascii_digit();
        if !self.left_ok(s) {
            return None;
        }
        let mut first = self.parse_num_expr(s, false)?;
        if let NumVal::Raw(r) = &first.val {
            if first.end == r.end && self.bad_follower(r.end) {
                return None;
            }
        }
        let (between, qual) = self.lookback(s);
        let mut second = self.parse_range(first.end, between.is_some(), None);
        if let Some(sec) = second.as_mut() {
            Self::share_scale(&mut first, sec);
            // "5-10" must be digits on both sides of a dash
            if is_digit != matches!(sec.val, NumVal::Raw(_)) {
                return None;
            }
        }
        let after = second.as_ref().map_or(first.end, |x| x.end);
        let has_scale = first.has_scale || second.as_ref().is_some_and(|x| x.has_scale);
        let u = self.parse_unit(after, has_scale)?;
        if self.ch(u.end).is_some_and(|c| c.is_alphanumeric()) {
            return None;
        }
        let (start, qual) = match (between, &second) {
            (Some(b), Some(_)) => (b, None),
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
        }
        let c = Cand {
            start,
            end: u.end,
            kind: u.kind,
            unit: u.unit,
            qual,
            dot_thousands: dot_thousands_currency(u.code),
        };
        self.emit(c, &first, second.as_ref())
    }

    fn emit(&mut self, c: Cand, first: &NumExpr, second: Option<&NumExpr>) -> Option<usize> {
        let count = c.kind == AmountKind::Count;
        let v1 = self.value(first, c.dot_thousands, count)?;
        let v2 = match second {
            Some(s) => Some(self.value(s, c.dot_thousands, count)?),
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
            },
        });
        self.last_end = c.end;
        Some(c.end)
    }
}
