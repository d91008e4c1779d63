//! Rule-based recogniser for AMOUNTS (money, quantities, percentages, counts
//! and durations) in English and Croatian/Serbian/Bosnian (Latin and
//! Cyrillic) news text.
//!
//! Design: a hand-written scanner over the bytes of the text. It only stops at
//! digits, currency symbols, ISO codes glued to / followed by digits and at a
//! small set of number words; everything else is skipped a word at a time.
//! Values are kept as exact decimal digit strings (no floating point).
//! Allocation happens only once a candidate has been found. The words
//! (number words, currencies, units, qualifiers, count-noun lemmas, and the
//! word lists of `lexicon`) are data: `data/*.tsv`, loaded once by `tables`
//! and `lexicon`.

mod lexicon;
mod numbers;
mod scanner;
mod tables;
mod units;
mod words;

use super::{Recogniser, Segmented, AMOUNTS_SOURCE};
use crate::doc::{Amount, Span};
use scanner::Scanner;

/// The amounts rules as a recogniser: each document read in its language.
pub struct AmountRules;

impl Recogniser for AmountRules {
    fn recognise(&self, documents: &[Segmented<'_>]) -> Vec<Vec<Span>> {
        documents
            .iter()
            .map(|d| {
                let language = Some(d.language).filter(|l| !l.is_empty());
                find_amounts_in(&d.document.text, language)
                    .into_iter()
                    .map(|a| Span::amount(a.start..a.end, a.amount, AMOUNTS_SOURCE))
                    .collect()
            })
            .collect()
    }
}

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

/// Finds amounts; results are sorted by `start` and never overlap. The
/// language is guessed from the text around each amount
/// ([`find_amounts_in`] with `None`).
pub fn find_amounts(text: &str) -> Vec<AmountMatch> {
    find_amounts_in(text, None)
}

/// Finds amounts in a text of the given language (ISO 639-1: "en", "hr",
/// "sr", "bs"; `None` or another language: guessed from the text around).
/// The language decides which number words, units and qualifiers apply and
/// how an ambiguous "1.500" / "1,500" reads when the document's other
/// numbers do not say (the region writes decimal commas and dot-grouped
/// thousands).
pub fn find_amounts_in(text: &str, language: Option<&str>) -> Vec<AmountMatch> {
    let mut s = Scanner {
        text,
        b: text.as_bytes(),
        style: None,
        last_end: 0,
        out: Vec::new(),
        lang: tables::Lang::of(language),
        near: std::cell::Cell::new(None),
    };
    s.run();
    s.out
}
