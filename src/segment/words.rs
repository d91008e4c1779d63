//! Words of running text for tokenizers that do not split punctuation
//! themselves (SentencePiece), split as the training data (UD/UNER SETimes,
//! CoNLL-2003) split them, so the model reads at run time the words it was
//! trained on:
//! - runs of letters, digits and combining marks are words, every other
//!   visible character a word of its own ("Šarić," is "Šarić" and ",");
//! - a hyphen between two such runs joins them: "NATO-a", "UN-u",
//!   "al-Qaeda", "Bosna-Hercegovina", "Pop-Lazić" (a spaced " - " stays a
//!   word of its own);
//! - an apostrophe between letters joins them ("O'Brien", "D'Alema"), except
//!   before an English clitic, which is a word with its apostrophe: "Šarić's"
//!   is "Šarić" and "'s", as CoNLL-2003 has it;
//! - a period stays with single capital initials ("W.", "Dž."), letter-dot
//!   chains ("U.S.", "d.o.o.", "a.m."), the abbreviations of
//!   `data/abbreviations.tsv` ("dr.", "tzv.", "St.", "Inc.") and Croatian and
//!   Serbian ordinals before a lower-case word ("14. svibnja", "2009.
//!   godine"); a sentence's final period stays a word of its own;
//! - a period between a word and lower-case letters or digits, with no space,
//!   stays inside: web addresses and file names ("Index.hr", "Vlast.net",
//!   "www.blogger.ba", "Setup.exe"), as the training data has them;
//! - digits with a decimal comma or a thousands dot stay one word ("4,5",
//!   "5.000"), but "2020.4" (a footnote after a year) is three words.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::OnceLock;

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c)
}

/// Format characters a reader does not see (soft hyphen, zero-width joiners):
/// part of the word they stand in, never a word of their own.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}'
    )
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02bc}')
}

/// English clitics written after an apostrophe: words of their own.
const CLITICS: &[&str] = &["s", "t", "d", "m", "ll", "re", "ve"];

fn abbreviations() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        crate::tables::rows(include_str!("data/abbreviations.tsv"))
            .map(|row| row[0])
            .collect()
    })
}

/// The text as characters with their byte offsets, for look-ahead.
struct Scan<'a> {
    text: &'a str,
    chars: Vec<(usize, char)>,
}

impl Scan<'_> {
    fn char(&self, i: usize) -> Option<char> {
        self.chars.get(i).map(|c| c.1)
    }

    fn byte(&self, i: usize) -> usize {
        self.chars.get(i).map_or(self.text.len(), |c| c.0)
    }

    fn is(&self, i: usize, f: impl Fn(char) -> bool) -> bool {
        self.char(i).is_some_and(f)
    }

    /// End of the run of word characters (and invisible ones inside) from `i`.
    fn run_end(&self, mut i: usize) -> usize {
        while self.is(i, |c| is_word_char(c) || is_invisible(c)) {
            i += 1;
        }
        i
    }

    fn slice(&self, from: usize, to: usize) -> &str {
        &self.text[self.byte(from)..self.byte(to)]
    }

    /// The clitic after an apostrophe at `i` ("'s" in "Šarić's"): its end.
    fn clitic_end(&self, i: usize) -> Option<usize> {
        let end = self.run_end(i + 1);
        let tail = self.slice(i + 1, end).to_lowercase();
        (end > i + 1 && CLITICS.contains(&tail.as_str())).then_some(end)
    }
}

/// Byte ranges of the words of `text`, in order.
pub fn split(text: &str) -> Vec<Range<usize>> {
    let scan = Scan {
        text,
        chars: text.char_indices().collect(),
    };
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(c) = scan.char(i) {
        if is_word_char(c) {
            let end = word_end(&scan, i);
            out.push(scan.byte(i)..scan.byte(end));
            i = end;
            continue;
        }
        if is_apostrophe(c) && i > 0 && scan.is(i - 1, char::is_alphabetic) {
            if let Some(end) = scan.clitic_end(i) {
                out.push(scan.byte(i)..scan.byte(end));
                i = end;
                continue;
            }
        }
        if !c.is_whitespace() && !is_invisible(c) {
            out.push(scan.byte(i)..scan.byte(i + 1));
        }
        i += 1;
    }
    out
}

/// The end of the word starting at `start`: runs joined by hyphens and
/// apostrophes, then a period where the word keeps it.
fn word_end(scan: &Scan, start: usize) -> usize {
    let mut end = scan.run_end(start);
    loop {
        let joins = match scan.char(end) {
            Some(c) if is_hyphen(c) => scan.is(end + 1, is_word_char),
            Some(c) if is_apostrophe(c) => {
                scan.is(end - 1, char::is_alphabetic)
                    && scan.is(end + 1, char::is_alphabetic)
                    && scan.clitic_end(end).is_none()
            }
            Some(',') => numeric(scan, start, end) && scan.is(end + 1, |c| c.is_ascii_digit()),
            Some('.') => {
                (numeric(scan, start, end) && thousands(scan, end + 1))
                    || address_dot(scan, start, end)
            }
            _ => false,
        };
        if !joins {
            break;
        }
        end = scan.run_end(end + 1);
    }
    if scan.char(end) == Some('.') && keeps_period(scan, start, end) {
        return period_chain(scan, end + 1);
    }
    end
}

/// A period inside a web address or file name: after two or more word
/// characters, before ASCII lower-case letters or digits ("Index.hr").
fn address_dot(scan: &Scan, start: usize, end: usize) -> bool {
    let before = scan.slice(start, end);
    before.chars().count() >= 2
        && !numeric(scan, start, end)
        && scan.is(end + 1, |c| c.is_ascii_lowercase())
        && scan
            .slice(end + 1, scan.run_end(end + 1))
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
}

fn numeric(scan: &Scan, start: usize, end: usize) -> bool {
    scan.slice(start, end)
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
}

/// Exactly three digits from `i`, no digit after: a thousands group.
fn thousands(scan: &Scan, i: usize) -> bool {
    (i..i + 3).all(|j| scan.is(j, |c| c.is_ascii_digit())) && !scan.is(i + 3, char::is_alphanumeric)
}

/// Whether the word `start..end`, followed by a period, keeps it.
fn keeps_period(scan: &Scan, start: usize, end: usize) -> bool {
    let word = scan.slice(start, end);
    if word.chars().all(|c| c.is_ascii_digit()) {
        // An ordinal: "14. svibnja", "2009. godine".
        let mut j = end + 1;
        if !scan.is(j, char::is_whitespace) {
            return false;
        }
        while scan.is(j, char::is_whitespace) {
            j += 1;
        }
        return scan.is(j, char::is_lowercase);
    }
    if !word.chars().all(char::is_alphabetic) {
        return false;
    }
    let initial = matches!(word.chars().count(), 1)
        || matches!(word, "Dž" | "Lj" | "Nj" | "DŽ" | "LJ" | "NJ");
    if initial && word.starts_with(char::is_uppercase) {
        return true;
    }
    // A letter-dot chain: "U.S.", "d.o.o.", "a.m.".
    let next = scan.run_end(end + 1);
    if word.chars().count() <= 3
        && next > end + 1
        && next - end - 1 <= 3
        && scan.char(next) == Some('.')
        && scan.slice(end + 1, next).chars().all(char::is_alphabetic)
    {
        return true;
    }
    abbreviations().contains(word.to_lowercase().as_str())
}

/// After a kept period at `i - 1`: further "x." links of a chain ("U.S.",
/// "d.o.o.") are part of the word.
fn period_chain(scan: &Scan, mut i: usize) -> usize {
    loop {
        let next = scan.run_end(i);
        let short = next > i && next - i <= 3;
        if short
            && scan.char(next) == Some('.')
            && scan.slice(i, next).chars().all(char::is_alphabetic)
        {
            i = next + 1;
        } else {
            return i;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        split(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn punctuation_and_numbers_split() {
        assert_eq!(
            words("Darko Šarić, u proljeće 2020.4 — „Luka Bar”"),
            [
                "Darko",
                "Šarić",
                ",",
                "u",
                "proljeće",
                "2020",
                ".",
                "4",
                "—",
                "„",
                "Luka",
                "Bar",
                "”"
            ]
        );
        assert_eq!(
            words("Дарко Шарић\u{a0}(SIPA)"),
            ["Дарко", "Шарић", "(", "SIPA", ")"]
        );
        assert_eq!(words("  "), Vec::<&str>::new());
        assert_eq!(
            words("e\u{301}ro soft\u{ad}ware"),
            ["e\u{301}ro", "soft\u{ad}ware"]
        );
    }

    #[test]
    fn hyphens_and_apostrophes_join_as_in_training() {
        assert_eq!(
            words("Izaslanik UN-a i NATO-u, al-Qaeda; Bosna-Hercegovina - Srbija"),
            [
                "Izaslanik",
                "UN-a",
                "i",
                "NATO-u",
                ",",
                "al-Qaeda",
                ";",
                "Bosna-Hercegovina",
                "-",
                "Srbija"
            ]
        );
        assert_eq!(
            words("O'Brien met D’Alema at Šarić's house; it isn't -x"),
            [
                "O'Brien",
                "met",
                "D’Alema",
                "at",
                "Šarić",
                "'s",
                "house",
                ";",
                "it",
                "isn",
                "'t",
                "-",
                "x"
            ]
        );
        assert_eq!(words("NATO-"), ["NATO", "-"]);
    }

    #[test]
    fn periods_of_initials_and_abbreviations_stay() {
        assert_eq!(
            words("George W. Bush i dr. Ivan Horvat (Dž. Smith) iz Luka d.o.o. u St. Louisu."),
            [
                "George", "W.", "Bush", "i", "dr.", "Ivan", "Horvat", "(", "Dž.", "Smith", ")",
                "iz", "Luka", "d.o.o.", "u", "St.", "Louisu", "."
            ]
        );
        assert_eq!(
            words("the U.S. Army at 9 a.m. Tzv. vlada."),
            ["the", "U.S.", "Army", "at", "9", "a.m.", "Tzv.", "vlada", "."]
        );
        assert_eq!(
            words("14. svibnja 2009. godine, 5.000 ili 4,5 eura u 2009. Zatim"),
            [
                "14.", "svibnja", "2009.", "godine", ",", "5.000", "ili", "4,5", "eura", "u",
                "2009", ".", "Zatim"
            ]
        );
        assert_eq!(words("Bio je tu."), ["Bio", "je", "tu", "."]);
        assert_eq!(
            words("Portal Index.hr i www.blogger.ba, Sarajevo-x.com. Kraj.Novi"),
            [
                "Portal",
                "Index.hr",
                "i",
                "www.blogger.ba",
                ",",
                "Sarajevo-x.com",
                ".",
                "Kraj",
                ".",
                "Novi"
            ]
        );
        assert_eq!(words("Plan B"), ["Plan", "B"]);
    }
}
