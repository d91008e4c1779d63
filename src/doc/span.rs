use super::{Amount, Label};
use std::collections::BTreeMap;
use std::ops::Range;

/// `source` of the spans a document's source marks itself (a mail's
/// From/To/Cc display names).
pub const MARKED_SOURCE: &str = "mail-header";

/// A stretch of a document's text and what a stage says it is: the one span
/// shape every stage between recognition and the writers reads and
/// transforms (spaCy's `Span`). Offsets are bytes into the document's text;
/// code points are computed once, where a [`super::Mention`] is made.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub bytes: Range<usize>,
    pub label: Label,
    /// The recogniser's confidence, in [0, 1] (1 for rules and marked
    /// spans), rounded to 4 decimals where it is made ([`super::round_score`]).
    pub score: f32,
    /// The recogniser that found it: the model name, `amounts`,
    /// `mail-header` or `consistency`.
    pub source: String,
    /// The value of an amount span.
    pub amount: Option<Amount>,
    /// Where the consistency stage voted on the span's surface form: each
    /// label with the summed score of the spans that had it.
    pub votes: Option<BTreeMap<Label, f32>>,
}

impl Span {
    /// A span with no amount and no votes.
    pub fn new(bytes: Range<usize>, label: Label, score: f32, source: &str) -> Span {
        Span {
            bytes,
            label,
            score,
            source: source.to_string(),
            amount: None,
            votes: None,
        }
    }

    /// A name the document's source marks itself.
    pub fn marked(bytes: Range<usize>, label: Label) -> Span {
        Span::new(bytes, label, 1.0, MARKED_SOURCE)
    }

    /// An amount span found by the rules of `source`.
    pub fn amount(bytes: Range<usize>, amount: Amount, source: &str) -> Span {
        Span {
            amount: Some(amount),
            ..Span::new(bytes, Label::Amount, 1.0, source)
        }
    }

    /// Amounts come from rules of their own; the name stages leave them be.
    pub fn is_name(&self) -> bool {
        self.label != Label::Amount
    }

    pub fn overlaps(&self, other: &Range<usize>) -> bool {
        self.bytes.start < other.end && other.start < self.bytes.end
    }
}
