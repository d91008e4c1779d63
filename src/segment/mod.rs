//! Segment: turns text into the sub-token sequence the model reads, keeping for
//! every sub-token the word it belongs to and for every word its place in the
//! text, then cuts long sequences into overlapping windows.

pub mod shapes;

use crate::segment::shapes::word_shape;
use std::ops::Range;
use tokenizers::Tokenizer;

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
    /// Tokenises running text; words are the tokenizer's pre-tokens.
    pub fn from_text(tokenizer: &Tokenizer, text: &str) -> anyhow::Result<TokenSequence> {
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
    pub fn from_words(tokenizer: &Tokenizer, words: &[String]) -> anyhow::Result<TokenSequence> {
        let pieces: Vec<&str> = words.iter().map(String::as_str).collect();
        let encoding = tokenizer
            .encode(pieces.as_slice(), false)
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
            seq.shapes.push(word_shape(&words[word]));
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

/// How sequences are cut: `content` sub-tokens per window (special tokens not
/// counted) and `overlap` shared between neighbours.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct WindowSpec {
    pub content: usize,
    pub overlap: usize,
}

impl WindowSpec {
    /// Token ranges of the windows covering `len` tokens. The last window is
    /// aligned to the end so that it is full.
    pub fn windows(&self, len: usize) -> Vec<Range<usize>> {
        if len <= self.content {
            return std::iter::once(0..len).collect();
        }
        let step = self.content.saturating_sub(self.overlap).max(1);
        let mut out = Vec::new();
        let mut start = 0;
        while start + self.content < len {
            out.push(start..start + self.content);
            start += step;
        }
        out.push(len - self.content..len);
        out
    }

    /// For every token, the window it is predicted from: the one where it sits
    /// furthest from an edge (the earlier window on ties).
    pub fn owners(&self, windows: &[Range<usize>], len: usize) -> Vec<usize> {
        let mut owner = vec![0usize; len];
        let mut best = vec![-1i64; len];
        for (w, range) in windows.iter().enumerate() {
            for t in range.clone() {
                let distance = (t - range.start).min(range.end - 1 - t) as i64;
                if distance > best[t] {
                    best[t] = distance;
                    owner[t] = w;
                }
            }
        }
        owner
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_cover_everything_and_overlap() {
        let spec = WindowSpec {
            content: 10,
            overlap: 4,
        };
        assert_eq!(spec.windows(7), vec![0..7]);
        assert_eq!(spec.windows(10), vec![0..10]);
        assert_eq!(spec.windows(20), vec![0..10, 6..16, 10..20]);
        let owners = spec.owners(&spec.windows(20), 20);
        // token 7: distances 2 (in 0..10) and 1 (in 6..16) → window 0;
        // token 8: 1 vs 2 → window 1; token 13: 2 (6..16) vs 3 (10..20) → window 2.
        assert_eq!(owners[7], 0);
        assert_eq!(owners[8], 1);
        assert_eq!(owners[13], 2);
        assert_eq!(owners[19], 2);
    }
}
