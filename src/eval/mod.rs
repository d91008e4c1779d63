//! Entity-level scoring, identical to conlleval: chunks are read off gold and
//! predicted tags with conlleval's start/end rules, and a prediction counts
//! only when its span and type both match a gold chunk.

pub mod command;
pub mod conll;
pub mod documents;

use crate::recognise::transformer::decode::WordSpan;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

/// Precision, recall and F1 of one type or of all (micro-averaged).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub gold: usize,
    pub predicted: usize,
    pub correct: usize,
}

impl Prf {
    fn from_counts(gold: usize, predicted: usize, correct: usize) -> Prf {
        let precision = if predicted > 0 {
            correct as f64 / predicted as f64
        } else {
            0.0
        };
        let recall = if gold > 0 {
            correct as f64 / gold as f64
        } else {
            0.0
        };
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Prf {
            precision,
            recall,
            f1,
            gold,
            predicted,
            correct,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Scores {
    pub micro: Prf,
    pub per_type: BTreeMap<String, Prf>,
    /// Token accuracy, as conlleval prints it.
    pub accuracy: f64,
    pub tokens: usize,
}

fn split(tag: &str) -> (&str, &str) {
    match tag.split_once('-') {
        Some((prefix, kind)) => (prefix, kind),
        None => (tag, ""),
    }
}

// conlleval's endOfChunk.
fn end_of_chunk(prev_tag: &str, tag: &str, prev_type: &str, kind: &str) -> bool {
    matches!(
        (prev_tag, tag),
        ("B", "B")
            | ("B", "S")
            | ("B", "O")
            | ("I", "B")
            | ("I", "S")
            | ("I", "O")
            | ("E", "E")
            | ("E", "I")
            | ("E", "O")
            | ("E", "S")
            | ("S", "E")
            | ("S", "I")
            | ("S", "O")
            | ("S", "S")
    ) || (prev_tag != "O" && prev_tag != "." && prev_type != kind)
}

// conlleval's startOfChunk.
fn start_of_chunk(prev_tag: &str, tag: &str, prev_type: &str, kind: &str) -> bool {
    matches!(
        (prev_tag, tag),
        ("B", "B")
            | ("I", "B")
            | ("O", "B")
            | ("O", "I")
            | ("E", "E")
            | ("E", "I")
            | ("O", "E")
            | ("S", "E")
            | ("S", "I")
            | ("O", "S")
            | ("B", "S")
            | ("I", "S")
            | ("E", "S")
            | ("S", "S")
    ) || (tag != "O" && tag != "." && prev_type != kind)
}

/// Chunks `(start, end, type)` of one sentence, read as conlleval reads them.
pub fn chunks(tags: &[String]) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, &str)> = None;
    let (mut prev_tag, mut prev_type) = ("O", "");
    for (i, tag) in tags.iter().enumerate() {
        let (t, kind) = split(tag);
        if end_of_chunk(prev_tag, t, prev_type, kind) {
            if let Some((s, k)) = open.take() {
                out.push((s, i, k.to_string()));
            }
        }
        if start_of_chunk(prev_tag, t, prev_type, kind) {
            open = Some((i, kind));
        }
        prev_tag = t;
        prev_type = kind;
    }
    if let Some((s, k)) = open {
        out.push((s, tags.len(), k.to_string()));
    }
    out
}

/// Scores predicted against gold tag sequences (one pair per sentence).
pub fn score<'a>(pairs: impl IntoIterator<Item = (&'a [String], &'a [String])>) -> Scores {
    let mut counts: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let (mut tokens, mut right) = (0usize, 0usize);
    for (gold, predicted) in pairs {
        tokens += gold.len();
        right += gold.iter().zip(predicted).filter(|(g, p)| g == p).count();
        let g = chunks(gold);
        let p = chunks(predicted);
        let gold_set: HashSet<&(usize, usize, String)> = g.iter().collect();
        for c in &g {
            counts.entry(c.2.clone()).or_default().0 += 1;
        }
        for c in &p {
            let entry = counts.entry(c.2.clone()).or_default();
            entry.1 += 1;
            if gold_set.contains(c) {
                entry.2 += 1;
            }
        }
    }
    let (mut g, mut p, mut c) = (0, 0, 0);
    let per_type = counts
        .into_iter()
        .map(|(k, (gold, predicted, correct))| {
            g += gold;
            p += predicted;
            c += correct;
            (k, Prf::from_counts(gold, predicted, correct))
        })
        .collect();
    Scores {
        micro: Prf::from_counts(g, p, c),
        per_type,
        accuracy: if tokens > 0 {
            right as f64 / tokens as f64
        } else {
            0.0
        },
        tokens,
    }
}

/// Windows for scoring CoNLL sentences: a sentence is one sequence, cut only
/// if longer than BERT's 512 positions.
pub const SENTENCE_WINDOWS: crate::segment::WindowSpec = crate::segment::WindowSpec {
    content: 510,
    overlap: 128,
    cuts: crate::segment::WindowCuts::Sentences,
};

/// How sentences are grouped into the sequences the model reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    /// Each sentence alone (CoNLL evaluation as usually reported).
    Sentences,
    /// The sentences of a document (`-DOCSTART-` or `# newdoc`) as one sequence, cut into
    /// the predictor's windows as `nerpipe run` cuts documents.
    Documents,
}

/// What [`evaluate`] runs: the predictor with its segmenter, tags and decoding.
pub struct Tagger<'a> {
    pub predictor: &'a crate::recognise::transformer::WindowedPredictor<'a>,
    pub segmenter: &'a crate::segment::Segmenter,
    pub tags: &'a [crate::model::Tag],
    pub tag_names: &'a [String],
    pub aggregation: crate::recognise::transformer::decode::Aggregation,
    pub decoder: crate::model::Decoder,
    pub grouping: Grouping,
    /// With document rules, the consistency stage runs over each
    /// document, whatever the grouping (see [`documents`]).
    pub consistency: crate::consistency::Consistency,
    /// The model's entity types as labels (for the consistency stage).
    pub label_map: &'a BTreeMap<String, crate::doc::Label>,
    /// `--read-cyrillic`: applied by each document's language,
    /// detected from its opening as `nerpipe run` detects a document's.
    pub read_cyrillic: crate::segment::Reading,
}

/// Tags `sentences` with a model and scores them against their gold tags.
pub fn evaluate(
    tagger: &Tagger,
    sentences: &[crate::eval::conll::Sentence],
) -> anyhow::Result<(Vec<Vec<String>>, Scores)> {
    let predicted = tagger.tag(sentences)?;
    let scores = score_tagged(sentences, &predicted);
    Ok((predicted, scores))
}

/// Scores predicted tags against the sentences' gold tags.
fn score_tagged(sentences: &[crate::eval::conll::Sentence], predicted: &[Vec<String>]) -> Scores {
    score(
        sentences
            .iter()
            .zip(predicted)
            .map(|(s, p)| (s.tags.as_slice(), p.as_slice())),
    )
}

/// [`evaluate`] over `types` only (every type when empty): tags of other
/// types become O in gold (`sentences`) and prediction alike, as UNER is
/// scored on PER/ORG/LOC.
pub fn evaluate_types(
    tagger: &Tagger,
    sentences: &mut [crate::eval::conll::Sentence],
    types: &[String],
) -> anyhow::Result<(Vec<Vec<String>>, Scores)> {
    let (mut predicted, scores) = evaluate(tagger, sentences)?;
    if types.is_empty() {
        return Ok((predicted, scores));
    }
    for s in sentences.iter_mut() {
        keep_types_in_tags(std::slice::from_mut(&mut s.tags), types);
    }
    keep_types_in_tags(&mut predicted, types);
    let scores = score_tagged(sentences, &predicted);
    Ok((predicted, scores))
}

/// Tags of types outside `types` become O.
fn keep_types_in_tags(tags: &mut [Vec<String>], types: &[String]) {
    for sentence in tags {
        for tag in sentence.iter_mut() {
            if tag.get(2..).is_some_and(|k| !types.iter().any(|t| t == k)) {
                *tag = "O".into();
            }
        }
    }
}

impl Tagger<'_> {
    /// How each sentence is read: by its document's language, which is
    /// detected from the document's first [`SAMPLE_BYTES`] of words.
    ///
    /// [`SAMPLE_BYTES`]: crate::ingest::language::SAMPLE_BYTES
    fn readings(&self, sentences: &[crate::eval::conll::Sentence]) -> Vec<crate::segment::Reading> {
        use crate::ingest::language::{detect, SAMPLE_BYTES};
        let mut openings: BTreeMap<usize, String> = BTreeMap::new();
        if self.read_cyrillic != crate::segment::Reading::AsWritten {
            for s in sentences {
                let opening = openings.entry(s.document).or_default();
                for word in &s.words {
                    if opening.len() < SAMPLE_BYTES {
                        opening.push_str(word);
                        opening.push(' ');
                    }
                }
            }
        }
        let by_document: BTreeMap<usize, crate::segment::Reading> = openings
            .into_iter()
            .map(|(d, text)| (d, self.read_cyrillic.for_language(&detect(&text).language)))
            .collect();
        sentences
            .iter()
            .map(|s| {
                by_document
                    .get(&s.document)
                    .copied()
                    .unwrap_or(crate::segment::Reading::AsWritten)
            })
            .collect()
    }

    /// IOB2 tags per sentence; words are the CoNLL words.
    pub fn tag(
        &self,
        sentences: &[crate::eval::conll::Sentence],
    ) -> anyhow::Result<Vec<Vec<String>>> {
        // Groups of consecutive sentences read as one sequence.
        let mut groups: Vec<std::ops::Range<usize>> = Vec::new();
        for (i, s) in sentences.iter().enumerate() {
            match groups.last_mut() {
                Some(g)
                    if self.grouping == Grouping::Documents
                        && sentences[g.start].document == s.document =>
                {
                    g.end = i + 1
                }
                _ => groups.push(i..i + 1),
            }
        }
        let readings = self.readings(sentences);
        let sequences: Vec<crate::segment::TokenSequence> = groups
            .iter()
            .map(|g| {
                let words: Vec<String> = sentences[g.clone()]
                    .iter()
                    .flat_map(|s| s.words.clone())
                    .collect();
                self.segmenter.words(&words, readings[g.start])
            })
            .collect::<anyhow::Result<_>>()?;
        let mut out = Vec::with_capacity(sentences.len());
        let mut spans: Vec<Vec<WordSpan>> = Vec::with_capacity(sentences.len());
        // Chunks bound the memory of the probability buffers.
        for (chunk, group_chunk) in sequences.chunks(2048).zip(groups.chunks(2048)) {
            let refs: Vec<&crate::segment::TokenSequence> = chunk.iter().collect();
            let probs = self.predictor.predict(&refs);
            for ((seq, p), g) in chunk.iter().zip(&probs).zip(group_chunk) {
                let (tag_ids, group_spans) = crate::recognise::transformer::decode::decode_spans(
                    p,
                    self.tags,
                    &seq.word_of_token,
                    seq.words.len(),
                    self.aggregation,
                    self.decoder,
                );
                let mut names = tag_ids.iter().map(|&t| self.tag_names[t].clone());
                let mut first_word = 0;
                for s in &sentences[g.clone()] {
                    let iob2: Vec<String> = names.by_ref().take(s.words.len()).collect();
                    out.push(crate::eval::conll::to_iob2(&iob2));
                    // The group's spans cut to this sentence's words.
                    let words = first_word..first_word + s.words.len();
                    spans.push(
                        group_spans
                            .iter()
                            .filter_map(|span| {
                                let start = span.words.start.max(words.start);
                                let end = span.words.end.min(words.end);
                                (start < end).then(|| WordSpan {
                                    words: start - words.start..end - words.start,
                                    kind: span.kind.clone(),
                                    score: span.score,
                                })
                            })
                            .collect(),
                    );
                    first_word = words.end;
                }
            }
        }
        if self.consistency.document_rules() {
            documents::apply_consistency(sentences, &spans, &mut out, self.label_map);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(tags: &str) -> Vec<String> {
        tags.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn iob1_chunks() {
        // IOB1: B- only between adjacent same-type entities.
        assert_eq!(
            chunks(&v("I-LOC B-LOC I-LOC O I-PER")),
            vec![
                (0, 1, "LOC".into()),
                (1, 3, "LOC".into()),
                (4, 5, "PER".into())
            ]
        );
        // I- after another type starts a new chunk; I- without B- starts one.
        assert_eq!(
            chunks(&v("B-ORG I-PER I-PER O I-MISC")),
            vec![
                (0, 1, "ORG".into()),
                (1, 3, "PER".into()),
                (4, 5, "MISC".into())
            ]
        );
    }

    #[test]
    fn hand_computed_scores() {
        // gold: PER(0..2) LOC(3..4) ORG(5..6); predicted: PER(0..2) LOC(3..5) ORG(5..6)?
        let gold = v("B-PER I-PER O B-LOC O B-ORG");
        let pred = v("B-PER I-PER O B-LOC I-LOC B-ORG");
        let s = score([(gold.as_slice(), pred.as_slice())]);
        // predicted chunks: PER 0..2 (right), LOC 3..5 (wrong span), ORG 5..6 (right)
        assert_eq!(
            (s.micro.gold, s.micro.predicted, s.micro.correct),
            (3, 3, 2)
        );
        assert!((s.micro.f1 - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(s.per_type["LOC"].correct, 0);
        assert_eq!(s.per_type["PER"].f1, 1.0);
        assert!((s.accuracy - 5.0 / 6.0).abs() < 1e-12);
        // IOB1 gold against the same entities in IOB2 scores perfectly.
        let iob1 = v("I-PER I-PER O I-LOC B-LOC");
        let iob2 = v("B-PER I-PER O B-LOC B-LOC");
        let s = score([(iob1.as_slice(), iob2.as_slice())]);
        assert_eq!((s.micro.gold, s.micro.correct), (3, 3));
    }
}
