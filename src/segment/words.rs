//! Words of running text for tokenizers that do not split punctuation
//! themselves (SentencePiece): runs of letters, digits and combining marks are
//! words, every other visible character is a word of its own. "Šarić," is
//! "Šarić" and ","; "2020.4" is "2020", "." and "4"; "Bosna-Hercegovina" is
//! three words, as BERT's own pre-tokenizer would have it.

use std::ops::Range;

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c)
}

/// Format characters a reader does not see (soft hyphen, zero-width joiners):
/// part of the word they stand in, never a word of their own.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}'
    )
}

/// Byte ranges of the words of `text`, in order.
pub fn split(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if is_word_char(c) || (start.is_some() && is_invisible(c)) {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            out.push(s..i);
        }
        if !c.is_whitespace() && !is_invisible(c) {
            out.push(i..i + c.len_utf8());
        }
    }
    if let Some(s) = start {
        out.push(s..text.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        split(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn punctuation_and_numbers_split() {
        assert_eq!(
            words("Darko Šarić, u proljeće 2020.4 — „Luka Bar”"),
            [
                "Darko",
                "Šarić",
                ",",
                "u",
                "proljeće",
                "2020",
                ".",
                "4",
                "—",
                "„",
                "Luka",
                "Bar",
                "”"
            ]
        );
        assert_eq!(
            words("Дарко Шарић\u{a0}(SIPA)"),
            ["Дарко", "Шарић", "(", "SIPA", ")"]
        );
        assert_eq!(words("  "), Vec::<&str>::new());
        assert_eq!(
            words("e\u{301}ro soft\u{ad}ware"),
            ["e\u{301}ro", "soft\u{ad}ware"]
        );
    }
}
