//! Windows: long sequences cut into overlapping model-sized pieces, and which
//! window owns (predicts) each sub-token.

use std::ops::Range;

/// How sequences are cut: `content` sub-tokens per window (special tokens not
/// counted) and `overlap` shared between neighbours.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct WindowSpec {
    pub content: usize,
    pub overlap: usize,
}

impl WindowSpec {
    /// Token ranges of the windows covering `len` tokens. The last window ends
    /// where the sequence does and may be shorter (packing fills the row).
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
        out.push(start..len);
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
        assert_eq!(spec.windows(20), vec![0..10, 6..16, 12..20]);
        assert_eq!(spec.windows(11), vec![0..10, 6..11]);
        let owners = spec.owners(&spec.windows(20), 20);
        // token 7: distances 2 (in 0..10) and 1 (in 6..16) → window 0;
        // token 8: 1 vs 2 → window 1; token 13: 2 (6..16) vs 1 (12..20) → window 1;
        // token 15: 0 vs 3 → window 2.
        assert_eq!(owners[7], 0);
        assert_eq!(owners[8], 1);
        assert_eq!(owners[13], 1);
        assert_eq!(owners[15], 2);
        assert_eq!(owners[19], 2);
    }
}
