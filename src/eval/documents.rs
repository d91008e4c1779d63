//! The consistency stage in `nerpipe eval`: each `-DOCSTART-` document is
//! read as `nerpipe run` would see it (words joined by spaces, sentences by
//! blank lines, so no rule joins two sentences), its predicted spans become
//! mentions, [`crate::consistency::apply_document`] runs, and the mentions
//! are written back as IOB2 tags. A mention that does not start and end on
//! CoNLL word edges (a repeat inside "Japan-based" would) has no tags and is
//! left out.

use crate::consistency::apply_document;
use crate::doc::{round_score, Label, Mention};
use crate::eval::conll::Sentence;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

/// A predicted span of one sentence: its words, entity type and score.
#[derive(Debug, Clone, PartialEq)]
pub struct SentenceSpan {
    pub words: Range<usize>,
    pub kind: String,
    pub score: f32,
}

/// Rewrites `tags` (IOB2, one list per sentence) of every document of
/// `sentences` from its `spans` after the consistency rules. `label_map`
/// maps the model's entity types to labels (and back, for the tags).
pub fn apply_consistency(
    sentences: &[Sentence],
    spans: &[Vec<SentenceSpan>],
    tags: &mut [Vec<String>],
    label_map: &BTreeMap<String, Label>,
) {
    let mut kind_of: HashMap<Label, &str> = HashMap::new();
    for (kind, label) in label_map {
        kind_of.entry(*label).or_insert(kind);
    }
    let mut start = 0;
    while start < sentences.len() {
        let mut end = start + 1;
        while end < sentences.len() && sentences[end].document == sentences[start].document {
            end += 1;
        }
        rewrite_document(
            &sentences[start..end],
            &spans[start..end],
            &mut tags[start..end],
            label_map,
            &kind_of,
        );
        start = end;
    }
}

fn rewrite_document(
    sentences: &[Sentence],
    spans: &[Vec<SentenceSpan>],
    tags: &mut [Vec<String>],
    label_map: &BTreeMap<String, Label>,
    kind_of: &HashMap<Label, &str>,
) {
    // The text, and each word's code-point range with its (sentence, word).
    let mut text = String::new();
    let mut chars = 0;
    let mut word_at_start: HashMap<usize, (usize, usize)> = HashMap::new();
    let mut word_at_end: HashMap<usize, (usize, usize)> = HashMap::new();
    let mut word_start: Vec<Vec<usize>> = Vec::with_capacity(sentences.len());
    for (s, sentence) in sentences.iter().enumerate() {
        if s > 0 {
            text.push_str("\n\n");
            chars += 2;
        }
        let mut starts = Vec::with_capacity(sentence.words.len());
        for (w, word) in sentence.words.iter().enumerate() {
            if w > 0 {
                text.push(' ');
                chars += 1;
            }
            starts.push(chars);
            word_at_start.insert(chars, (s, w));
            text.push_str(word);
            chars += word.chars().count();
            word_at_end.insert(chars, (s, w));
        }
        word_start.push(starts);
    }
    let mut mentions = Vec::new();
    for (s, sentence_spans) in spans.iter().enumerate() {
        for span in sentence_spans {
            let Some(&label) = label_map.get(&span.kind) else {
                continue;
            };
            let last = span.words.end - 1;
            let start = word_start[s][span.words.start];
            let end = word_start[s][last] + sentences[s].words[last].chars().count();
            mentions.push(Mention {
                doc_id: String::new(),
                mention_id: String::new(),
                entity_id: String::new(),
                label,
                // apply_document takes texts from the offsets.
                text: String::new(),
                start,
                end,
                score: round_score(span.score),
                source: "model".into(),
                context: String::new(),
                amount: None,
                label_votes: None,
                lemma: String::new(),
            });
        }
    }
    let mentions = apply_document("", &text, mentions);
    for sentence_tags in tags.iter_mut() {
        sentence_tags.iter_mut().for_each(|t| *t = "O".into());
    }
    for m in mentions {
        let (Some(&(s, first)), Some(&(s_end, last)), Some(kind)) = (
            word_at_start.get(&m.start),
            word_at_end.get(&m.end),
            kind_of.get(&m.label),
        ) else {
            continue;
        };
        if s != s_end || last < first {
            continue;
        }
        for (w, tag) in tags[s].iter_mut().enumerate().take(last + 1).skip(first) {
            let prefix = if w == first { "B" } else { "I" };
            *tag = format!("{prefix}-{kind}");
        }
    }
}
