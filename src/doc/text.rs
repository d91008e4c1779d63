//! Text helpers shared by the stages: byte ↔ code-point offsets and the
//! sentence around a mention.

use std::collections::HashMap;

/// Code-point offsets of a set of byte offsets, found in one pass over the text.
pub struct CharOffsets {
    map: HashMap<usize, usize>,
}

impl CharOffsets {
    /// `bytes` must lie on char boundaries of `text`.
    pub fn of(text: &str, bytes: &[usize]) -> CharOffsets {
        let mut wanted: Vec<usize> = bytes.to_vec();
        wanted.sort_unstable();
        wanted.dedup();
        let mut map = HashMap::with_capacity(wanted.len());
        let mut next = wanted.iter().peekable();
        let ends = text
            .char_indices()
            .map(|(b, _)| b)
            .chain(std::iter::once(text.len()));
        for (chars, b) in ends.enumerate() {
            while let Some(&&w) = next.peek() {
                if w > b {
                    break;
                }
                map.insert(w, chars);
                next.next();
            }
        }
        CharOffsets { map }
    }

    /// The code-point offset of byte offset `byte` (given to [`CharOffsets::of`]).
    pub fn get(&self, byte: usize) -> usize {
        self.map.get(&byte).copied().unwrap_or(0)
    }
}

/// Largest char boundary ≤ `i`.
pub fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Smallest char boundary ≥ `i`.
pub fn ceil_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Longest context written, in characters.
const CONTEXT_CHARS: usize = 200;
/// How far to look for a sentence boundary, in bytes.
const SEARCH_BYTES: usize = 600;

fn is_sentence_end(text: &[u8], i: usize) -> bool {
    // ". " ends a sentence; "2020.4" (a footnote) and "4.5" do not.
    matches!(text[i], b'.' | b'!' | b'?') && text.get(i + 1).is_none_or(|c| c.is_ascii_whitespace())
}

/// The sentence around bytes `start..end`, whitespace collapsed, cut to about
/// 200 characters around the mention (with `…` where cut).
pub fn sentence_context(text: &str, start: usize, end: usize) -> String {
    let bytes = text.as_bytes();
    let lo = floor_boundary(text, start.saturating_sub(SEARCH_BYTES));
    let mut left = lo;
    for i in (lo..start).rev() {
        if is_sentence_end(bytes, i) || (bytes[i] == b'\n' && i > 0 && bytes[i - 1] == b'\n') {
            left = i + 1;
            break;
        }
    }
    let hi = ceil_boundary(text, end + SEARCH_BYTES);
    let mut right = hi;
    for i in end..hi {
        if is_sentence_end(bytes, i) {
            right = i + 1;
            break;
        }
        if bytes[i] == b'\n' && bytes.get(i + 1) == Some(&b'\n') {
            right = i;
            break;
        }
    }
    let sentence = &text[left..right];
    let collapsed = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let whole = collapsed(sentence);
    if whole.chars().count() <= CONTEXT_CHARS {
        return whole;
    }
    // Too long: keep the mention and as much on each side as fits.
    let mention_chars = text[start..end].chars().count();
    let side = CONTEXT_CHARS.saturating_sub(mention_chars) / 2;
    let before: String = {
        let b: Vec<char> = text[left..start].chars().collect();
        b[b.len().saturating_sub(side)..].iter().collect()
    };
    let after: String = text[end..right].chars().take(side).collect();
    format!(
        "…{}…",
        collapsed(&format!("{before}{}{after}", &text[start..end]))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_offsets() {
        let text = "Šarić met Đurić.";
        let offsets = CharOffsets::of(text, &[0, 8, text.len()]);
        assert_eq!(offsets.get(0), 0);
        assert_eq!(&text[8..], "met Đurić.");
        assert_eq!(offsets.get(8), 6);
        assert_eq!(offsets.get(text.len()), 16);
    }

    #[test]
    fn context_is_the_sentence() {
        let text = "First one. In spring 2020.4 police seized 90 tonnes. Last.";
        let start = text.find("police").unwrap();
        assert_eq!(
            sentence_context(text, start, start + 6),
            "In spring 2020.4 police seized 90 tonnes."
        );
    }
}
