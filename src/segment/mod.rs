//! Segment: turns text into the sub-token sequence the model reads, keeping for
//! every sub-token the word it belongs to and for every word its place in the
//! text, then cuts long sequences into overlapping windows.

pub mod batch;
pub mod shapes;
mod windows;
pub mod words;

pub use windows::WindowSpec;

use crate::model::ModelError;
use crate::segment::shapes::word_shape;
use std::ops::Range;
use std::path::Path;
use tokenizers::Tokenizer;

/// The two tokenizer families nerpipe reads, told apart by the model folder's
/// tokenizer.json itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// BERT: `[CLS] … [SEP]`; words are the tokenizer's own pre-tokens
    /// (whitespace and punctuation split), sub-words marked `##`.
    WordPiece,
    /// XLM-R style SentencePiece (Unigram): `<s> … </s>`; the tokenizer only
    /// splits on spaces (a `▁` starts a word), so nerpipe splits words itself
    /// ([`words::split`]) and feeds them pre-split, as in training.
    SentencePiece,
}

/// A model folder's tokenizer with what it takes to frame windows.
pub struct Segmenter {
    pub tokenizer: Tokenizer,
    pub family: Family,
    /// `[CLS]` or `<s>`.
    pub start_id: i64,
    /// `[SEP]` or `</s>`.
    pub end_id: i64,
}

impl Segmenter {
    /// Reads the family off the vocabulary: `[CLS]`/`[SEP]` make WordPiece,
    /// `<s>`/`</s>` SentencePiece. `path` names the file in errors.
    pub fn new(tokenizer: Tokenizer, path: &Path) -> Result<Segmenter, ModelError> {
        let id = |token: &str| tokenizer.token_to_id(token).map(i64::from);
        let (family, start_id, end_id) = match (id("[CLS]"), id("[SEP]"), id("<s>"), id("</s>")) {
            (Some(start), Some(end), _, _) => (Family::WordPiece, start, end),
            (_, _, Some(start), Some(end)) => (Family::SentencePiece, start, end),
            _ => {
                return Err(ModelError {
                    path: path.to_path_buf(),
                    problem: "the vocabulary has neither [CLS]/[SEP] (BERT WordPiece) nor <s>/</s> (SentencePiece)".into(),
                })
            }
        };
        Ok(Segmenter {
            tokenizer,
            family,
            start_id,
            end_id,
        })
    }

    /// The sub-token sequence of running text.
    pub fn text(&self, text: &str) -> anyhow::Result<TokenSequence> {
        match self.family {
            Family::WordPiece => TokenSequence::from_text(&self.tokenizer, text),
            Family::SentencePiece => {
                let spans = words::split(text);
                let pieces: Vec<&str> = spans.iter().map(|r| &text[r.clone()]).collect();
                let mut seq = TokenSequence::from_words(&self.tokenizer, &pieces)?;
                seq.words = spans;
                Ok(seq)
            }
        }
    }

    /// The sub-token sequence of words already split (CoNLL).
    pub fn words(&self, words: &[String]) -> anyhow::Result<TokenSequence> {
        let pieces: Vec<&str> = words.iter().map(String::as_str).collect();
        TokenSequence::from_words(&self.tokenizer, &pieces)
    }
}

/// A document (or a CoNLL sentence) as the model sees it.
#[derive(Debug, Clone, Default)]
pub struct TokenSequence {
    /// Vocabulary ids, without [CLS]/[SEP].
    pub ids: Vec<i64>,
    /// Word-shape class of each sub-token's word.
    pub shapes: Vec<i64>,
    /// Index into `words` of each sub-token.
    pub word_of_token: Vec<usize>,
    /// Byte range of each word in the text (empty ranges for pre-split words).
    pub words: Vec<Range<usize>>,
}

impl TokenSequence {
    /// Tokenises running text; words are the tokenizer's pre-tokens (WordPiece).
    fn from_text(tokenizer: &Tokenizer, text: &str) -> anyhow::Result<TokenSequence> {
        let encoding = tokenizer
            .encode(text, false)
            .map_err(|e| anyhow::anyhow!("tokenizer failed: {e}"))?;
        let mut seq = TokenSequence::default();
        let mut last_word: Option<u32> = None;
        for ((&id, &(start, end)), word) in encoding
            .get_ids()
            .iter()
            .zip(encoding.get_offsets())
            .zip(encoding.get_word_ids())
        {
            let Some(word) = *word else { continue };
            if last_word != Some(word) {
                seq.words.push(start..end);
                last_word = Some(word);
            } else if let Some(span) = seq.words.last_mut() {
                span.end = span.end.max(end);
            }
            seq.ids.push(i64::from(id));
            seq.word_of_token.push(seq.words.len() - 1);
        }
        let word_shapes: Vec<i64> = seq
            .words
            .iter()
            .map(|r| word_shape(text.get(r.clone()).unwrap_or("")))
            .collect();
        seq.shapes = seq.word_of_token.iter().map(|&w| word_shapes[w]).collect();
        Ok(seq)
    }

    /// Tokenises words that are already split (CoNLL). Every input word gets an
    /// entry in `words`, even one that yields no sub-token; `first_token` tells.
    pub fn from_words(tokenizer: &Tokenizer, words: &[&str]) -> anyhow::Result<TokenSequence> {
        let encoding = tokenizer
            .encode(words, false)
            .map_err(|e| anyhow::anyhow!("tokenizer failed: {e}"))?;
        let mut seq = TokenSequence {
            words: vec![0..0; words.len()],
            ..Default::default()
        };
        for (&id, word) in encoding.get_ids().iter().zip(encoding.get_word_ids()) {
            let Some(word) = *word else { continue };
            let word = word as usize;
            seq.ids.push(i64::from(id));
            seq.word_of_token.push(word);
            seq.shapes.push(word_shape(words[word]));
        }
        Ok(seq)
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// First sub-token of each word, `None` for a word without sub-tokens.
    pub fn first_tokens(&self) -> Vec<Option<usize>> {
        let mut first = vec![None; self.words.len()];
        for (t, &w) in self.word_of_token.iter().enumerate() {
            if first[w].is_none() {
                first[w] = Some(t);
            }
        }
        first
    }
}
