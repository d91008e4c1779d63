//! Segment: turns text into the sub-token sequence the model reads, keeping for
//! every sub-token the word it belongs to and for every word its place in the
//! text, then cuts long sequences into model-sized windows: by default at
//! sentence starts with no overlap, overlapping only through a sentence longer
//! than half a window (`--window-cuts fixed`: always overlapping).

pub mod batch;
pub mod sentences;
pub mod shapes;
mod windows;
pub mod words;

pub use windows::{WindowCuts, WindowSpec};

use crate::doc::script::{serbian_cyrillic_to_latin, READ_IN_LATIN};
use crate::error::ModelError;
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

/// How the model reads a document's letters (`--read-cyrillic`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reading {
    /// As they are written.
    AsWritten,
    /// Words in Serbian Cyrillic transliterated to Latin: the region's
    /// training data is mostly Latin, and the multilingual model scores
    /// higher on the Latin spelling of the same sentences.
    #[value(name = "latin")]
    #[serde(rename = "latin")]
    CyrillicInLatin,
}

impl Reading {
    /// How a document in `language` (ISO 639-1) is read: Cyrillic in Latin
    /// only for the languages of [`READ_IN_LATIN`].
    pub fn for_language(self, language: &str) -> Reading {
        if READ_IN_LATIN.contains(&language) {
            self
        } else {
            Reading::AsWritten
        }
    }
}

/// A model folder's tokenizer with what it takes to frame windows.
pub struct Segmenter {
    pub tokenizer: Tokenizer,
    pub family: Family,
    /// `[CLS]` or `<s>`.
    pub start_id: i64,
    /// `[SEP]` or `</s>`.
    pub end_id: i64,
    /// `[UNK]` or `<unk>`, where the vocabulary has it.
    pub unk_id: Option<i64>,
}

/// Longer words are one unknown token, as BERT's WordPiece treats words over
/// 100 characters, in both families: a pathological "word" (a run of 200 000
/// letters) then costs one token instead of thousands of windows.
pub const LONGEST_WORD_CHARS: usize = 100;

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
        let unk_id = match family {
            Family::WordPiece => id("[UNK]"),
            Family::SentencePiece => id("<unk>"),
        };
        Ok(Segmenter {
            tokenizer,
            family,
            start_id,
            end_id,
            unk_id,
        })
    }

    /// The sub-token sequence of running text, read as `reading` says;
    /// word ranges are always ranges of `text`.
    pub fn text(&self, text: &str, reading: Reading) -> anyhow::Result<TokenSequence> {
        let in_latin = match reading {
            Reading::AsWritten => None,
            Reading::CyrillicInLatin => serbian_cyrillic_to_latin(text),
        };
        let Some(in_latin) = in_latin else {
            return self.text_as_written(text);
        };
        let mut seq = self.text_as_written(&in_latin.text)?;
        for word in &mut seq.words {
            *word = in_latin.original(word.clone());
        }
        Ok(seq)
    }

    fn text_as_written(&self, text: &str) -> anyhow::Result<TokenSequence> {
        match self.family {
            Family::WordPiece => TokenSequence::from_text(&self.tokenizer, text),
            Family::SentencePiece => {
                let spans = words::split(text);
                let pieces: Vec<&str> = spans.iter().map(|r| &text[r.clone()]).collect();
                let mut seq = TokenSequence::from_words(&self.tokenizer, &pieces, self.unk_id)?;
                seq.breaks = sentences::breaks(text, &spans, &pieces, &seq.word_of_token);
                seq.words = spans;
                Ok(seq)
            }
        }
    }

    /// The sub-token sequence of words already split (CoNLL), read as
    /// `reading` says.
    pub fn words(&self, words: &[String], reading: Reading) -> anyhow::Result<TokenSequence> {
        let in_latin: Vec<Option<String>> = words
            .iter()
            .map(|w| match reading {
                Reading::AsWritten => None,
                Reading::CyrillicInLatin => serbian_cyrillic_to_latin(w).map(|l| l.text),
            })
            .collect();
        let pieces: Vec<&str> = words
            .iter()
            .zip(&in_latin)
            .map(|(w, latin)| latin.as_deref().unwrap_or(w))
            .collect();
        let mut seq = TokenSequence::from_words(&self.tokenizer, &pieces, self.unk_id)?;
        seq.breaks = sentences::breaks("", &seq.words, &pieces, &seq.word_of_token);
        Ok(seq)
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
    /// Sub-tokens (ascending, never 0) that start a sentence or a line:
    /// windows are cut there without overlap ([`sentences`]).
    pub breaks: Vec<usize>,
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
        let words: Vec<&str> = seq
            .words
            .iter()
            .map(|r| text.get(r.clone()).unwrap_or(""))
            .collect();
        seq.breaks = sentences::breaks(text, &seq.words, &words, &seq.word_of_token);
        Ok(seq)
    }

    /// Tokenises words that are already split (CoNLL). Every input word gets an
    /// entry in `words`, even one that yields no sub-token; `first_token` tells.
    /// Words over [`LONGEST_WORD_CHARS`] become the one token `unk`.
    pub fn from_words(
        tokenizer: &Tokenizer,
        words: &[&str],
        unk: Option<i64>,
    ) -> anyhow::Result<TokenSequence> {
        let too_long: Vec<bool> = words
            .iter()
            .map(|w| unk.is_some() && w.chars().nth(LONGEST_WORD_CHARS).is_some())
            .collect();
        // A one-letter stand-in keeps the word's place; its token becomes unk.
        let inputs: Vec<&str> = words
            .iter()
            .zip(&too_long)
            .map(|(&w, &long)| if long { "x" } else { w })
            .collect();
        let encoding = tokenizer
            .encode(inputs, false)
            .map_err(|e| anyhow::anyhow!("tokenizer failed: {e}"))?;
        let mut seq = TokenSequence {
            words: vec![0..0; words.len()],
            ..Default::default()
        };
        for (&id, word) in encoding.get_ids().iter().zip(encoding.get_word_ids()) {
            let Some(word) = *word else { continue };
            let word = word as usize;
            let id = match unk {
                Some(unk) if too_long[word] => {
                    if seq.word_of_token.last() == Some(&word) {
                        continue;
                    }
                    unk
                }
                _ => i64::from(id),
            };
            seq.ids.push(id);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn segmenter(model: &str) -> Segmenter {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("models")
            .join(model)
            .join("tokenizer.json");
        Segmenter::new(Tokenizer::from_file(&path).unwrap(), &path).unwrap()
    }

    #[test]
    fn an_overlong_word_is_one_unknown_token_in_both_families() {
        let long = "Š".repeat(5_000);
        let text = format!("Police in {long} Bar.");
        for model in ["conll03-minilm-l6", "multilingual-e5-small-ner"] {
            let seg = segmenter(model);
            let seq = seg.text(&text, Reading::AsWritten).unwrap();
            let long_word = seq
                .words
                .iter()
                .position(|r| text[r.clone()] == long)
                .unwrap_or_else(|| panic!("{model}: {:?}", seq.words));
            let tokens: Vec<i64> = (0..seq.len())
                .filter(|&t| seq.word_of_token[t] == long_word)
                .map(|t| seq.ids[t])
                .collect();
            assert_eq!(tokens, vec![seg.unk_id.unwrap()], "{model}");
            // The words after it keep their places.
            let bar = seq.words.iter().find(|r| text[(*r).clone()] == *"Bar");
            assert!(bar.is_some(), "{model}: {:?}", seq.words);
            // At the limit a word is still read as it is.
            let edge = "Š".repeat(LONGEST_WORD_CHARS);
            let seq = seg.text(&edge, Reading::AsWritten).unwrap();
            assert!(!seq.ids.contains(&seg.unk_id.unwrap()), "{model}");
        }
    }
}
