//! Sentence starts: where a window may begin without overlapping its
//! neighbour. The models were trained on single sentences, so a window of
//! whole sentences reads as in training and borrows no context; only a
//! sentence longer than half a window needs overlapping windows.

use std::ops::Range;

/// Words that end a sentence.
const SENTENCE_ENDS: &[&str] = &[".", "!", "?", "…", "。"];

/// Words that may stand between a sentence's end and the next sentence:
/// closing quotes and brackets (`… sold.” Police said`).
const CLOSERS: &[&str] = &["\"", "'", "”", "’", "»", "«", ")", "]"];

/// Whether the sentence ends after word `w` (its closers skipped back over).
fn ends_sentence(words: &[&str], w: usize) -> bool {
    let mut w = w;
    loop {
        let text = words[w];
        if SENTENCE_ENDS.contains(&text) {
            return true;
        }
        if !CLOSERS.contains(&text) || w == 0 {
            return false;
        }
        w -= 1;
    }
}

/// Which words start a sentence or a line, word 0 excepted. `spans` are the
/// words' byte ranges in `text`; empty ranges (pre-split words) carry no gap,
/// and then only punctuation tells.
fn starting_words(text: &str, spans: &[Range<usize>], words: &[&str]) -> Vec<bool> {
    let mut starts = vec![false; words.len()];
    for w in 1..words.len() {
        let (before, here) = (&spans[w - 1], &spans[w]);
        let gap = if before.end <= here.start {
            text.get(before.end..here.start).unwrap_or("")
        } else {
            ""
        };
        let pre_split = before.is_empty() && here.is_empty();
        let spaced = pre_split || gap.chars().any(char::is_whitespace);
        // Pre-split, a quote after a full stop is taken as closing.
        let closing = pre_split && CLOSERS.contains(&words[w]);
        starts[w] = gap.contains('\n') || (spaced && !closing && ends_sentence(words, w - 1));
    }
    starts
}

/// Sub-tokens (ascending, never 0) that begin a word starting a sentence or
/// a line: [`starting_words`] mapped through `word_of_token`.
pub fn breaks(
    text: &str,
    spans: &[Range<usize>],
    words: &[&str],
    word_of_token: &[usize],
) -> Vec<usize> {
    starting_tokens(word_of_token, &starting_words(text, spans, words))
}

/// Token indices (ascending, never 0) whose word starts a sentence and which
/// are that word's first token.
fn starting_tokens(word_of_token: &[usize], starting_words: &[bool]) -> Vec<usize> {
    (1..word_of_token.len())
        .filter(|&t| {
            let w = word_of_token[t];
            w != word_of_token[t - 1] && starting_words[w]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::words::split;

    fn starts(text: &str) -> Vec<&str> {
        let spans = split(text);
        let words: Vec<&str> = spans.iter().map(|r| &text[r.clone()]).collect();
        let flags = starting_words(text, &spans, &words);
        words
            .iter()
            .zip(flags)
            .filter_map(|(w, s)| s.then_some(*w))
            .collect()
    }

    #[test]
    fn sentences_start_after_an_end_and_a_space_or_on_a_new_line() {
        assert_eq!(
            starts("Šarić fled. Police said “he sold it.” Then USKOK came!\nSIPA"),
            ["Police", "Then", "SIPA"]
        );
        // A footnote digit, a decimal and a date are not sentence ends.
        assert_eq!(
            starts("in spring 2020.4 the €4.5 billion of 1.3.2020 was"),
            Vec::<&str>::new()
        );
        // A heading on its own line starts a sentence without a full stop.
        assert_eq!(starts("Luka Bar\nDarko Šarić"), ["Darko"]);
    }

    #[test]
    fn pre_split_words_start_after_sentence_punctuation() {
        let words = ["EU", "rejects", ".", "\"", "Germany", "calls", "?", "No"];
        let spans = vec![0..0; words.len()];
        let flags = starting_words("", &spans, &words);
        let picked: Vec<&str> = words
            .iter()
            .zip(&flags)
            .filter_map(|(w, s)| s.then_some(*w))
            .collect();
        assert_eq!(picked, ["Germany", "No"]);
        // Tokens: the first sub-token of a starting word only.
        let word_of_token = [0, 1, 1, 2, 3, 4, 4, 5, 6, 7];
        assert_eq!(starting_tokens(&word_of_token, &flags), vec![5, 9]);
    }
}
