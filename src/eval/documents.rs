//! The consistency stage in `nerpipe eval`: each document (`-DOCSTART-` or `# newdoc`) is
//! read as `nerpipe run` would see it (words joined by spaces, sentences by
//! blank lines, so no rule joins two sentences), its predicted spans go
//! through the run's [`document_spans`] (the consistency rules; eval has no
//! amounts and no marked names), and the spans are written back as IOB2
//! tags. A span that does not start and end on CoNLL word edges (a repeat
//! inside "Japan-based" would) has no tags and is left out.

use crate::consistency::Consistency;
use crate::doc::{round_score, Label, Span};
use crate::eval::conll::Sentence;
use crate::recognise::document_spans;
use crate::recognise::transformer::decode::WordSpan;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

/// Rewrites `tags` (IOB2, one list per sentence) of every document of
/// `sentences` from its `spans` after the consistency rules. `label_map`
/// maps the model's entity types to labels (and back, for the tags).
pub fn apply_consistency(
    sentences: &[Sentence],
    spans: &[Vec<WordSpan>],
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
    spans: &[Vec<WordSpan>],
    tags: &mut [Vec<String>],
    label_map: &BTreeMap<String, Label>,
    kind_of: &HashMap<Label, &str>,
) {
    // The text, and each word's byte range with its (sentence, word).
    let mut text = String::new();
    let mut word_at_start: HashMap<usize, (usize, usize)> = HashMap::new();
    let mut word_at_end: HashMap<usize, (usize, usize)> = HashMap::new();
    let mut word_bytes: Vec<Vec<Range<usize>>> = Vec::with_capacity(sentences.len());
    for (s, sentence) in sentences.iter().enumerate() {
        if s > 0 {
            text.push_str("\n\n");
        }
        let mut ranges = Vec::with_capacity(sentence.words.len());
        for (w, word) in sentence.words.iter().enumerate() {
            if w > 0 {
                text.push(' ');
            }
            let start = text.len();
            text.push_str(word);
            word_at_start.insert(start, (s, w));
            word_at_end.insert(text.len(), (s, w));
            ranges.push(start..text.len());
        }
        word_bytes.push(ranges);
    }
    let mut model_spans = Vec::new();
    for (s, sentence_spans) in spans.iter().enumerate() {
        for span in sentence_spans {
            let Some(&label) = label_map.get(&span.kind) else {
                continue;
            };
            let bytes =
                word_bytes[s][span.words.start].start..word_bytes[s][span.words.end - 1].end;
            model_spans.push(Span::new(bytes, label, round_score(span.score), "model"));
        }
    }
    let found = document_spans(&text, model_spans, Vec::new(), None, Consistency::Document);
    for sentence_tags in tags.iter_mut() {
        sentence_tags.iter_mut().for_each(|t| *t = "O".into());
    }
    for span in found {
        let (Some(&(s, first)), Some(&(s_end, last)), Some(kind)) = (
            word_at_start.get(&span.bytes.start),
            word_at_end.get(&span.bytes.end),
            kind_of.get(&span.label),
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
