//! Recognise: the stages that find mentions in a document. The transformer
//! model finds people, organisations, places and MISC; the amounts recogniser
//! finds money, quantities, percentages, counts and durations. Their mentions
//! are merged: where they overlap, the amount wins for those characters.

pub mod amounts;

pub mod transformer;

use std::ops::Range;

/// A span found by some recogniser, in byte offsets of the document text.
#[derive(Debug, Clone, PartialEq)]
pub struct Found<T> {
    pub bytes: Range<usize>,
    pub what: T,
}

/// Merges model spans with amount spans. An amount takes its characters from
/// any model span overlapping it; what is left of that model span survives if
/// it still holds a letter or digit (trimmed of spaces and punctuation, the
/// larger side kept), else it is dropped. The result is sorted by start.
pub fn merge_with_amounts<M: Clone, A: Clone>(
    text: &str,
    model: Vec<Found<M>>,
    amounts: Vec<Found<A>>,
) -> Vec<Found<Result<M, A>>> {
    let mut out: Vec<Found<Result<M, A>>> = Vec::with_capacity(model.len() + amounts.len());
    let mut next_amount = 0;
    for span in model {
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
            out.push(Found {
                bytes: trimmed,
                what: Ok(span.what),
            });
        }
    }
    out.extend(amounts.into_iter().map(|a| Found {
        bytes: a.bytes,
        what: Err(a.what),
    }));
    out.sort_by_key(|f| (f.bytes.start, f.bytes.end));
    out
}

fn trimmed_len(text: &str, r: &Range<usize>) -> usize {
    trim_span(text, r.clone()).map_or(0, |t| t.len())
}

/// The span without leading/trailing spaces and punctuation; `None` if no
/// letter or digit is left.
fn trim_span(text: &str, r: Range<usize>) -> Option<Range<usize>> {
    if r.start >= r.end {
        return None;
    }
    let s = text.get(r.clone())?;
    let start = s.find(|c: char| c.is_alphanumeric())?;
    let end = s
        .rfind(|c: char| c.is_alphanumeric())
        .map(|i| i + s[i..].chars().next().map_or(1, char::len_utf8))?;
    Some(r.start + start..r.start + end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found<T>(text: &str, part: &str, what: T) -> Found<T> {
        let start = text.find(part).unwrap();
        Found {
            bytes: start..start + part.len(),
            what,
        }
    }

    #[test]
    fn amounts_win_overlaps() {
        let text = "Police seized €60 million from Sky ECC users in Antwerp.";
        let model = vec![
            found(text, "€60 million", "MISC"),
            found(text, "Sky ECC", "ORG"),
            found(text, "Antwerp", "LOC"),
        ];
        let amounts = vec![found(text, "€60 million", "money")];
        let merged = merge_with_amounts(text, model, amounts);
        let got: Vec<(&str, String)> = merged
            .iter()
            .map(|f| (&text[f.bytes.clone()], format!("{:?}", f.what)))
            .collect();
        assert_eq!(
            got,
            vec![
                ("€60 million", "Err(\"money\")".to_string()),
                ("Sky ECC", "Ok(\"ORG\")".to_string()),
                ("Antwerp", "Ok(\"LOC\")".to_string()),
            ]
        );
        // A model span reaching into an amount keeps its own part.
        let text = "Adriatic Freight 2,000 kilograms";
        let merged = merge_with_amounts(
            text,
            vec![found(text, "Adriatic Freight 2,000", "ORG")],
            vec![found(text, "2,000 kilograms", "quantity")],
        );
        assert_eq!(&text[merged[0].bytes.clone()], "Adriatic Freight");
        assert_eq!(&text[merged[1].bytes.clone()], "2,000 kilograms");
    }
}
