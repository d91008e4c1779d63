//! Text helpers shared by the stages: byte ↔ code-point offsets and the
//! sentence around a mention.

use std::collections::HashMap;

/// Byte ↔ code-point offsets of one text, for the offsets asked for, found in
/// one pass over the text: bytes are what the stages work in, code points
/// what the outputs give (Python `str` slicing, Label Studio).
pub struct OffsetMap {
    map: HashMap<usize, usize>,
}

impl OffsetMap {
    /// Code-point offsets of `bytes`, which must lie on char boundaries.
    pub fn bytes_to_chars(text: &str, bytes: &[usize]) -> OffsetMap {
        OffsetMap::walk(text, bytes, |chars, byte| (byte, chars))
    }

    /// Byte offsets of the code-point offsets `chars`; those past the end of
    /// the text are missing from the map.
    pub fn chars_to_bytes(text: &str, chars: &[usize]) -> OffsetMap {
        OffsetMap::walk(text, chars, |chars, byte| (chars, byte))
    }

    /// One walk over the text's char boundaries (the end included), each
    /// boundary seen as (code points, bytes); `key_value` says which of the
    /// two is looked up and which is found.
    fn walk(
        text: &str,
        wanted: &[usize],
        key_value: impl Fn(usize, usize) -> (usize, usize),
    ) -> OffsetMap {
        let mut wanted: Vec<usize> = wanted.to_vec();
        wanted.sort_unstable();
        wanted.dedup();
        let mut map = HashMap::with_capacity(wanted.len());
        let mut next = wanted.iter().peekable();
        let boundaries = text
            .char_indices()
            .map(|(b, _)| b)
            .chain(std::iter::once(text.len()));
        for (chars, byte) in boundaries.enumerate() {
            let (key, value) = key_value(chars, byte);
            while let Some(&&w) = next.peek() {
                if w > key {
                    break;
                }
                if w == key {
                    map.insert(w, value);
                }
                next.next();
            }
            if next.peek().is_none() {
                break;
            }
        }
        OffsetMap { map }
    }

    /// The offset mapped from `from` (one asked for), if it was found.
    pub fn get(&self, from: usize) -> Option<usize> {
        self.map.get(&from).copied()
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
    fn offsets_map_both_ways() {
        let text = "Šarić met Đurić.";
        let chars = OffsetMap::bytes_to_chars(text, &[0, 8, text.len()]);
        assert_eq!(chars.get(0), Some(0));
        assert_eq!(&text[8..], "met Đurić.");
        assert_eq!(chars.get(8), Some(6));
        assert_eq!(chars.get(text.len()), Some(16));
        let bytes = OffsetMap::chars_to_bytes(text, &[16, 6, 0, 17]);
        assert_eq!(bytes.get(6), Some(8));
        assert_eq!(bytes.get(16), Some(text.len()));
        assert_eq!(bytes.get(0), Some(0));
        assert_eq!(bytes.get(17), None, "past the end");
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
