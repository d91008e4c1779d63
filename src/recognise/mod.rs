//! Recognise: the stages that find spans in a document, each a
//! [`Recogniser`] in a file of its own: the transformer model
//! ([`transformer`]: people, organisations, places, MISC), the amounts rules
//! ([`amounts`]: money, quantities, percentages, counts, durations) and the
//! names a mail's headers mark ([`mail`]). [`document_spans`] puts one
//! document's spans together (marked names over the model's, amounts over
//! both, then the consistency rules), and [`pipeline`] is the per-document
//! pipeline `nerpipe run` and `nerpipe eval` share: language → segment →
//! recognise → consistency → resolve.

pub mod amounts;
pub mod mail;
pub mod pipeline;
pub mod transformer;

use crate::consistency::{apply_document, Consistency};
use crate::doc::{Document, Span};
use crate::segment::TokenSequence;
use std::ops::Range;

/// A document as the recognisers see it: its text, the language it is read
/// in (ISO 639-1, "" when unknown) and its sub-tokens for the model of its
/// route.
pub struct Segmented<'a> {
    pub document: &'a Document,
    pub language: &'a str,
    pub tokens: &'a TokenSequence,
}

/// Finds spans in documents, a batch at a time (the transformer batches its
/// windows over the whole batch): for each document its spans, in byte
/// offsets of its text, sorted by start.
pub trait Recogniser {
    fn recognise(&self, documents: &[Segmented<'_>]) -> Vec<Vec<Span>>;
}

/// `source` of the rule-based amount spans.
pub const AMOUNTS_SOURCE: &str = "amounts";

pub use crate::doc::MARKED_SOURCE;

/// One document's spans from its recognisers: the names its source marks
/// replace the model's spans they overlap; where the amounts rules ran
/// (`amounts` is `Some`), an amount takes its characters from any name span
/// overlapping it ([`merge_with_amounts`]); then the consistency rules run,
/// unless `consistency` is off. Sorted by start.
pub fn document_spans(
    text: &str,
    model: Vec<Span>,
    marked: Vec<Span>,
    amounts: Option<Vec<Span>>,
    consistency: Consistency,
) -> Vec<Span> {
    let mut names: Vec<Span> = model
        .into_iter()
        .filter(|s| !marked.iter().any(|m| m.overlaps(&s.bytes)))
        .collect();
    names.extend(marked);
    names.sort_by_key(|s| s.bytes.start);
    let merged = match amounts {
        Some(amounts) => merge_with_amounts(text, names, amounts),
        None => names,
    };
    if consistency.document_rules() {
        apply_document(text, merged)
    } else {
        merged
    }
}

/// Merges name spans with amount spans (both sorted by start). An amount
/// takes its characters from any name span overlapping it; what is left of
/// that span survives if it still holds a letter or digit (trimmed of spaces
/// and punctuation, the larger side kept), else it is dropped. The result is
/// sorted by start.
pub fn merge_with_amounts(text: &str, names: Vec<Span>, amounts: Vec<Span>) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::with_capacity(names.len() + amounts.len());
    let mut next_amount = 0;
    for mut span in names {
        let mut keep = span.bytes.clone();
        // Amounts are sorted and disjoint: skip those ending before this span.
        while next_amount < amounts.len() && amounts[next_amount].bytes.end <= span.bytes.start {
            next_amount += 1;
        }
        let mut k = next_amount;
        while k < amounts.len() && amounts[k].bytes.start < span.bytes.end {
            let a = &amounts[k].bytes;
            let left = keep.start..keep.end.min(a.start);
            let right = keep.start.max(a.end)..keep.end;
            keep = if trimmed_len(text, &left) >= trimmed_len(text, &right) {
                left
            } else {
                right
            };
            k += 1;
        }
        if let Some(trimmed) = trim_span(text, keep) {
            span.bytes = trimmed;
            out.push(span);
        }
    }
    out.extend(amounts);
    out.sort_by_key(|s| (s.bytes.start, s.bytes.end));
    out
}

fn trimmed_len(text: &str, r: &Range<usize>) -> usize {
    trim_span(text, r.clone()).map_or(0, |t| t.len())
}

/// The span without leading/trailing spaces and punctuation; `None` if no
/// letter or digit is left. A final period the last word keeps as the
/// training data writes it ("d.o.o.", "W.") stays.
fn trim_span(text: &str, r: Range<usize>) -> Option<Range<usize>> {
    if r.start >= r.end {
        return None;
    }
    let s = text.get(r.clone())?;
    let start = s.find(|c: char| c.is_alphanumeric())?;
    let mut end = s
        .rfind(|c: char| c.is_alphanumeric())
        .map(|i| r.start + i + s[i..].chars().next().map_or(1, char::len_utf8))?;
    if end < r.end && period_belongs_to_word(text, end) {
        end += 1;
    }
    Some(r.start + start..end)
}

/// Whether the period at byte `end` ends the word before it, as
/// [`crate::segment::words::split`] reads the text around.
fn period_belongs_to_word(text: &str, end: usize) -> bool {
    if text.as_bytes().get(end) != Some(&b'.') {
        return false;
    }
    let from = text[..end]
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let to = crate::doc::text::ceil_boundary(text, end + 32);
    crate::segment::words::split(&text[from..to])
        .iter()
        .any(|w| from + w.start < end && from + w.end == end + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{Amount, AmountKind, Label};

    fn found(text: &str, part: &str, label: Label) -> Span {
        let start = text.find(part).unwrap();
        Span::new(start..start + part.len(), label, 0.9, "model")
    }

    fn amount(text: &str, part: &str) -> Span {
        let start = text.find(part).unwrap();
        let value = Amount {
            kind: AmountKind::Money,
            value: "60000000".into(),
            unit: "EUR".into(),
            qualifier: None,
            value_max: None,
            lemma: None,
        };
        Span::amount(start..start + part.len(), value, AMOUNTS_SOURCE)
    }

    #[test]
    fn amounts_win_overlaps() {
        let text = "Police seized €60 million from Sky ECC users in Antwerp.";
        let model = vec![
            found(text, "€60 million", Label::Misc),
            found(text, "Sky ECC", Label::Organisation),
            found(text, "Antwerp", Label::Place),
        ];
        let merged = merge_with_amounts(text, model, vec![amount(text, "€60 million")]);
        let got: Vec<(&str, Label)> = merged
            .iter()
            .map(|s| (&text[s.bytes.clone()], s.label))
            .collect();
        assert_eq!(
            got,
            vec![
                ("€60 million", Label::Amount),
                ("Sky ECC", Label::Organisation),
                ("Antwerp", Label::Place),
            ]
        );
        // A model span reaching into an amount keeps its own part.
        let text = "Adriatic Freight 2,000 kilograms";
        let merged = merge_with_amounts(
            text,
            vec![found(text, "Adriatic Freight 2,000", Label::Organisation)],
            vec![amount(text, "2,000 kilograms")],
        );
        assert_eq!(&text[merged[0].bytes.clone()], "Adriatic Freight");
        assert_eq!(&text[merged[1].bytes.clone()], "2,000 kilograms");
        // A company's "d.o.o." keeps its period; a sentence's end does not.
        let text = "Adriatic Bulk Services d.o.o. paid Sava Petrol.";
        let merged = merge_with_amounts(
            text,
            vec![
                found(text, "Adriatic Bulk Services d.o.o.", Label::Organisation),
                found(text, "Sava Petrol.", Label::Organisation),
            ],
            Vec::new(),
        );
        let got: Vec<&str> = merged.iter().map(|s| &text[s.bytes.clone()]).collect();
        assert_eq!(got, ["Adriatic Bulk Services d.o.o.", "Sava Petrol"]);
    }

    #[test]
    fn marked_names_replace_the_model_spans_they_overlap() {
        let text = "From: Zoran Đurić <z@example.ba>";
        let model = vec![found(text, "Zoran", Label::Place)];
        let marked = vec![Span::new(
            found(text, "Zoran Đurić", Label::Person).bytes,
            Label::Person,
            1.0,
            MARKED_SOURCE,
        )];
        let spans = document_spans(text, model, marked, None, Consistency::Off);
        assert_eq!(spans.len(), 1);
        assert_eq!(&text[spans[0].bytes.clone()], "Zoran Đurić");
        assert_eq!(spans[0].source, MARKED_SOURCE);
    }
}
