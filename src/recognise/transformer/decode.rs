//! From sub-token probabilities to labelled word spans: aggregate sub-tokens to
//! words (Hugging Face's first / average / max strategies), choose a tag per
//! word (greedy, or BIO-constrained Viterbi), and read spans off the tags.

use crate::model::{Decoder, Tag};
use std::ops::Range;

/// How sub-token predictions become a word's prediction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Aggregation {
    /// The word takes its first sub-token's distribution.
    First,
    /// The mean of its sub-tokens' distributions.
    Average,
    /// The distribution of its most confident sub-token.
    Max,
}

/// A decoded span over words `words`, of model entity type `kind`.
#[derive(Debug, Clone, PartialEq)]
pub struct WordSpan {
    pub words: Range<usize>,
    pub kind: String,
    /// Mean probability of the chosen tags over the span's words.
    pub score: f32,
}

/// Per-word distributions (`num_tags` each); `None` for words without sub-tokens.
pub fn aggregate(
    probs: &[f32],
    num_tags: usize,
    word_of_token: &[usize],
    num_words: usize,
    aggregation: Aggregation,
) -> Vec<Option<Vec<f32>>> {
    let mut out: Vec<Option<Vec<f32>>> = vec![None; num_words];
    let mut counts = vec![0usize; num_words];
    for (t, &w) in word_of_token.iter().enumerate() {
        let p = &probs[t * num_tags..(t + 1) * num_tags];
        counts[w] += 1;
        match (&mut out[w], aggregation) {
            (slot @ None, _) => *slot = Some(p.to_vec()),
            (Some(_), Aggregation::First) => {}
            (Some(acc), Aggregation::Average) => acc.iter_mut().zip(p).for_each(|(a, b)| *a += b),
            (Some(acc), Aggregation::Max) => {
                if max_of(p) > max_of(acc) {
                    acc.copy_from_slice(p);
                }
            }
        }
    }
    if aggregation == Aggregation::Average {
        for (slot, &n) in out.iter_mut().zip(&counts) {
            if let Some(acc) = slot {
                acc.iter_mut().for_each(|a| *a /= n as f32);
            }
        }
    }
    out
}

fn max_of(p: &[f32]) -> f32 {
    p.iter().copied().fold(f32::MIN, f32::max)
}

fn argmax(p: &[f32]) -> usize {
    let mut best = 0;
    for (i, &v) in p.iter().enumerate() {
        if v > p[best] {
            best = i;
        }
    }
    best
}

/// Whether tag `to` may follow tag `from` (`None` = sequence start) in BIO.
fn allowed(from: Option<&Tag>, to: &Tag) -> bool {
    match to {
        Tag::Inside(kind) => match from {
            Some(Tag::Begin(k)) | Some(Tag::Inside(k)) => k == kind,
            _ => false,
        },
        _ => true,
    }
}

/// Chooses a tag id per word. Words without a distribution are tagged `O`.
pub fn decode_tags(words: &[Option<Vec<f32>>], tags: &[Tag], decoder: Decoder) -> Vec<usize> {
    let outside = tags.iter().position(|t| *t == Tag::Outside).unwrap_or(0);
    match decoder {
        Decoder::Greedy => words
            .iter()
            .map(|w| w.as_deref().map_or(outside, argmax))
            .collect(),
        Decoder::Viterbi => viterbi(words, tags, outside),
    }
}

fn viterbi(words: &[Option<Vec<f32>>], tags: &[Tag], outside: usize) -> Vec<usize> {
    let n = tags.len();
    let emission = |w: &Option<Vec<f32>>, j: usize| -> f32 {
        match w {
            Some(p) => p[j].max(1e-12).ln(),
            // A word the model never saw: only O, at no cost.
            None if j == outside => 0.0,
            None => f32::NEG_INFINITY,
        }
    };
    let mut score: Vec<f32> = (0..n)
        .map(|j| {
            if allowed(None, &tags[j]) {
                words.first().map_or(0.0, |w| emission(w, j))
            } else {
                f32::NEG_INFINITY
            }
        })
        .collect();
    let mut back: Vec<Vec<usize>> = Vec::with_capacity(words.len());
    for w in words.iter().skip(1) {
        let mut next = vec![f32::NEG_INFINITY; n];
        let mut from = vec![outside; n];
        for j in 0..n {
            for i in 0..n {
                if score[i] > f32::NEG_INFINITY
                    && allowed(Some(&tags[i]), &tags[j])
                    && score[i] > next[j]
                {
                    next[j] = score[i];
                    from[j] = i;
                }
            }
            next[j] += emission(w, j);
        }
        back.push(from);
        score = next;
    }
    if words.is_empty() {
        return Vec::new();
    }
    let mut best = argmax(&score);
    let mut path = vec![best; words.len()];
    for (k, from) in back.iter().enumerate().rev() {
        best = from[best];
        path[k] = best;
    }
    path
}

/// Reads spans off a tag sequence; an I- that does not continue a span of its
/// type starts one (tolerates IOB1 and broken BIO).
pub fn spans(tag_ids: &[usize], tags: &[Tag], scores: &[f32]) -> Vec<WordSpan> {
    let mut out = Vec::new();
    let mut open: Option<(usize, String)> = None;
    let close = |open: &mut Option<(usize, String)>, end: usize, out: &mut Vec<WordSpan>| {
        if let Some((start, kind)) = open.take() {
            let s = &scores[start..end];
            out.push(WordSpan {
                words: start..end,
                kind,
                score: s.iter().sum::<f32>() / s.len() as f32,
            });
        }
    };
    for (i, &t) in tag_ids.iter().enumerate() {
        match &tags[t] {
            Tag::Outside => close(&mut open, i, &mut out),
            Tag::Begin(kind) => {
                close(&mut open, i, &mut out);
                open = Some((i, kind.clone()));
            }
            Tag::Inside(kind) => {
                if open.as_ref().map(|(_, k)| k != kind).unwrap_or(true) {
                    close(&mut open, i, &mut out);
                    open = Some((i, kind.clone()));
                }
            }
        }
    }
    close(&mut open, tag_ids.len(), &mut out);
    out
}

/// Aggregation, tagging and span reading in one step.
pub fn decode_spans(
    probs: &[f32],
    tags: &[Tag],
    word_of_token: &[usize],
    num_words: usize,
    aggregation: Aggregation,
    decoder: Decoder,
) -> (Vec<usize>, Vec<WordSpan>) {
    let words = aggregate(probs, tags.len(), word_of_token, num_words, aggregation);
    let tag_ids = decode_tags(&words, tags, decoder);
    let scores: Vec<f32> = words
        .iter()
        .zip(&tag_ids)
        .map(|(w, &t)| w.as_ref().map_or(1.0, |p| p[t]))
        .collect();
    let found = spans(&tag_ids, tags, &scores);
    (tag_ids, found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags() -> Vec<Tag> {
        ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
            .iter()
            .map(|t| Tag::parse(t).unwrap())
            .collect()
    }

    #[test]
    fn aggregation_strategies() {
        // two tags; word 0 = tokens 0,1; word 1 = token 2
        let probs = [0.6, 0.4, 0.1, 0.9, 0.3, 0.7];
        let words = [0, 0, 1];
        let first = aggregate(&probs, 2, &words, 2, Aggregation::First);
        assert_eq!(first[0].as_deref(), Some(&[0.6f32, 0.4][..]));
        let avg = aggregate(&probs, 2, &words, 2, Aggregation::Average);
        let a = avg[0].as_deref().unwrap();
        assert!((a[0] - 0.35).abs() < 1e-6 && (a[1] - 0.65).abs() < 1e-6);
        let max = aggregate(&probs, 2, &words, 2, Aggregation::Max);
        assert_eq!(max[0].as_deref(), Some(&[0.1f32, 0.9][..]));
    }

    #[test]
    fn inside_without_begin_starts_a_span() {
        let t = tags();
        // O I-PER I-PER I-LOC O B-PER
        let found = spans(&[0, 2, 2, 4, 0, 1], &t, &[1.0, 0.8, 0.6, 0.5, 1.0, 0.9]);
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].words, 1..3);
        assert_eq!(found[0].kind, "PER");
        assert!((found[0].score - 0.7).abs() < 1e-6);
        assert_eq!(found[1].words, 3..4);
        assert_eq!(found[1].kind, "LOC");
        assert_eq!(found[2].words, 5..6);
    }

    #[test]
    fn viterbi_forbids_outside_to_inside() {
        let t = tags();
        // Greedy would say O, I-PER; Viterbi must pick a legal path.
        let words = vec![
            Some(vec![0.9, 0.05, 0.0, 0.05, 0.0]),
            Some(vec![0.3, 0.1, 0.6, 0.0, 0.0]),
        ];
        assert_eq!(decode_tags(&words, &t, Decoder::Greedy), vec![0, 2]);
        let path = decode_tags(&words, &t, Decoder::Viterbi);
        // O→O scores ln .9 + ln .3 = -1.31; B-PER→I-PER ln .05 + ln .6 = -3.5; O→B-PER worse.
        assert_eq!(path, vec![0, 0]);
        // B-LOC then I-PER is illegal too.
        let words = vec![
            Some(vec![0.0, 0.2, 0.0, 0.8, 0.0]),
            Some(vec![0.1, 0.0, 0.5, 0.0, 0.4]),
        ];
        assert_eq!(decode_tags(&words, &t, Decoder::Viterbi), vec![3, 4]);
    }
}
