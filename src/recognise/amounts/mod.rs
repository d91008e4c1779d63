//! Rule-based recogniser for AMOUNTS (money, quantities, percentages, counts
//! and durations) in English news text.
//!
//! Design: a hand-written scanner over the bytes of the text. It only stops at
//! digits, currency symbols, ISO codes glued to / followed by digits and at a
//! small set of number words; everything else is skipped a word at a time.
//! Values are kept as exact decimal digit strings (no floating point).
//! Allocation happens only once a candidate has been found.

mod lexicon;
mod numbers;
mod scanner;
mod units;
mod words;

use crate::doc::Amount;
use scanner::Scanner;

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
