use super::text::{sentence_context, OffsetMap};
use super::{Amount, Label, Span};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One occurrence of an entity in a document. Serialised as it is into the
/// chunk store and mentions.jsonl.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    pub doc_id: String,
    /// `doc_id#n`, n counting the document's mentions from 0 in text order.
    pub mention_id: String,
    /// Set by the resolve stage; empty before.
    pub entity_id: String,
    pub label: Label,
    pub text: String,
    /// Code-point offsets, end-exclusive.
    pub start: usize,
    pub end: usize,
    /// Rounded to 4 decimals where it is made ([`round_score`]), so every
    /// output and every later computation sees the same number.
    pub score: f32,
    /// The recogniser that found it: the model name, or `amounts`.
    pub source: String,
    /// The sentence around the mention, at most about 200 characters.
    pub context: String,
    #[serde(flatten, with = "super::amount::columns")]
    pub amount: Option<Amount>,
    /// The name in the nominative, as the resolve stage's lemmatiser reads it
    /// ("Darka Šarića" → "Darko Šarić", "NATO-a" → "NATO"); empty before
    /// resolution and for amounts, whose lemma (the counted noun's) is
    /// `amount.lemma`. Both are written as one `lemma` field (right after
    /// the amount columns, where the amount's was): [`Mention::lemma`].
    /// A record read back puts an amount's lemma here.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub lemma: String,
    /// Where the consistency stage voted on this mention's surface form
    /// because its mentions disagreed: each label with the summed score of
    /// the mentions that had it (the highest won). JSONL and the chunk store
    /// only; absent where no vote was needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_votes: Option<BTreeMap<Label, f32>>,
}

/// Scores keep 4 decimals so outputs are stable and readable.
pub fn round_score(score: f32) -> f32 {
    ((f64::from(score) * 10_000.0).round() / 10_000.0) as f32
}

impl Mention {
    /// The mention's lemma: the name's, or for an amount its counted noun's
    /// (empty where there is none).
    pub fn lemma(&self) -> &str {
        if !self.lemma.is_empty() {
            return &self.lemma;
        }
        self.amount
            .as_ref()
            .and_then(|a| a.lemma.as_deref())
            .unwrap_or("")
    }

    /// The mention id of the `index`-th mention of `doc_id`.
    pub fn id_of(doc_id: &str, index: usize) -> String {
        format!("{doc_id}#{index}")
    }

    /// The mentions of one document's spans (byte offsets into `text`),
    /// sorted by start and numbered `doc_id#0`, …: where code points, texts
    /// and contexts are computed, once. Lemmas and entity ids are left to
    /// resolve.
    pub fn from_spans(doc_id: &str, text: &str, mut spans: Vec<Span>) -> Vec<Mention> {
        spans.sort_by_key(|s| (s.bytes.start, s.bytes.end));
        let bytes: Vec<usize> = spans
            .iter()
            .flat_map(|s| [s.bytes.start, s.bytes.end])
            .collect();
        let chars = OffsetMap::bytes_to_chars(text, &bytes);
        let char_of = |byte: usize| chars.get(byte).unwrap_or(0);
        spans
            .into_iter()
            .enumerate()
            .map(|(index, s)| Mention {
                doc_id: doc_id.to_string(),
                mention_id: Mention::id_of(doc_id, index),
                entity_id: String::new(),
                label: s.label,
                text: text[s.bytes.clone()].to_string(),
                start: char_of(s.bytes.start),
                end: char_of(s.bytes.end),
                score: s.score,
                source: s.source,
                context: sentence_context(text, s.bytes.start, s.bytes.end),
                amount: s.amount,
                lemma: String::new(),
                label_votes: s.votes,
            })
            .collect()
    }
}
