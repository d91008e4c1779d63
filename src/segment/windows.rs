//! Windows: long sequences cut into model-sized pieces (at sentence starts,
//! or overlapping), and which window owns (predicts) each sub-token.

use std::ops::Range;

/// How sequences are cut: `content` sub-tokens per window (special tokens not
/// counted) and `overlap` shared between neighbours.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct WindowSpec {
    pub content: usize,
    pub overlap: usize,
    pub cuts: WindowCuts,
}

/// Where windows of a long sequence end.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum WindowCuts {
    /// At a sentence start in the window's second half, with no overlap;
    /// full overlapping windows only through sentences longer than that.
    Sentences,
    /// Always full windows overlapping by `overlap` (the only cut before;
    /// `make bench`'s baseline).
    Fixed,
    /// One sentence per window, as the models read sentences in training;
    /// full overlapping windows only through a sentence longer than one.
    EachSentence,
}

impl WindowSpec {
    /// Token ranges of the windows covering `len` tokens. With
    /// [`WindowCuts::Sentences`] a window ends at the last sentence start
    /// (`breaks`, ascending) in its second half and the next begins there,
    /// sharing nothing; where no sentence starts there, it is full and the
    /// next overlaps it by `overlap`. The last window ends where the
    /// sequence does and may be shorter. With [`WindowCuts::EachSentence`]
    /// every sentence is cut on its own as `Fixed` cuts a sequence.
    pub fn windows(&self, len: usize, breaks: &[usize]) -> Vec<Range<usize>> {
        if self.cuts == WindowCuts::EachSentence {
            let mut out = Vec::new();
            let mut start = 0;
            for &end in breaks.iter().chain([len].iter()) {
                if end > start && end <= len {
                    let spec = WindowSpec {
                        cuts: WindowCuts::Fixed,
                        ..*self
                    };
                    out.extend(
                        spec.windows(end - start, &[])
                            .into_iter()
                            .map(|w| w.start + start..w.end + start),
                    );
                    start = end;
                }
            }
            if out.is_empty() {
                out.push(0..len);
            }
            return out;
        }
        if len <= self.content {
            return std::iter::once(0..len).collect();
        }
        let breaks = match self.cuts {
            WindowCuts::Sentences => breaks,
            WindowCuts::Fixed | WindowCuts::EachSentence => &[],
        };
        let step = self.content.saturating_sub(self.overlap).max(1);
        let mut out = Vec::new();
        let mut start = 0;
        while start + self.content < len {
            let end = start + self.content;
            let before_end = breaks.partition_point(|&b| b <= end);
            match breaks[..before_end].last() {
                Some(&b) if b > start + self.content / 2 => {
                    out.push(start..b);
                    start = b;
                }
                _ => {
                    out.push(start..end);
                    start += step;
                }
            }
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
    fn each_sentence_is_a_window_and_only_a_long_one_overlaps() {
        let spec = WindowSpec {
            content: 10,
            overlap: 4,
            cuts: WindowCuts::EachSentence,
        };
        assert_eq!(spec.windows(0, &[]), vec![0..0]);
        assert_eq!(spec.windows(7, &[]), vec![0..7]);
        assert_eq!(spec.windows(9, &[3, 5]), vec![0..3, 3..5, 5..9]);
        // The second sentence (4..18) is longer than a window.
        assert_eq!(
            spec.windows(20, &[4, 18]),
            vec![0..4, 4..14, 10..18, 18..20]
        );
    }

    #[test]
    fn windows_cover_everything_and_overlap() {
        let spec = WindowSpec {
            content: 10,
            overlap: 4,
            cuts: WindowCuts::Sentences,
        };
        assert_eq!(spec.windows(7, &[]), vec![0..7]);
        assert_eq!(spec.windows(10, &[]), vec![0..10]);
        assert_eq!(spec.windows(20, &[]), vec![0..10, 6..16, 12..20]);
        assert_eq!(spec.windows(11, &[]), vec![0..10, 6..11]);
        let owners = spec.owners(&spec.windows(20, &[]), 20);
        // token 7: distances 2 (in 0..10) and 1 (in 6..16) → window 0;
        // token 8: 1 vs 2 → window 1; token 13: 2 (6..16) vs 1 (12..20) → window 1;
        // token 15: 0 vs 3 → window 2.
        assert_eq!(owners[7], 0);
        assert_eq!(owners[8], 1);
        assert_eq!(owners[13], 1);
        assert_eq!(owners[15], 2);
        assert_eq!(owners[19], 2);
    }

    #[test]
    fn windows_end_at_sentence_starts_in_their_second_half() {
        let spec = WindowSpec {
            content: 10,
            overlap: 4,
            cuts: WindowCuts::Sentences,
        };
        // Sentences start at 3, 8, 14 and 17: the first window ends at 8 (3
        // is in its first half), the next runs 8..17, the last 17..25.
        assert_eq!(spec.windows(25, &[3, 8, 14, 17]), vec![0..8, 8..17, 17..25]);
        // No sentence start in 13..=18 (the second half of 8..18): full, overlapping.
        assert_eq!(
            spec.windows(25, &[8, 21]),
            vec![0..8, 8..18, 14..21, 21..25]
        );
        // Breaks beyond a short sequence change nothing.
        assert_eq!(spec.windows(10, &[5]), vec![0..10]);
        // Windows that share nothing each own their tokens.
        let windows = spec.windows(25, &[3, 8, 14, 17]);
        let owners = spec.owners(&windows, 25);
        assert_eq!(owners[7], 0);
        assert_eq!(owners[8], 1);
        assert_eq!(owners[16], 1);
        assert_eq!(owners[17], 2);
        let fixed = WindowSpec {
            cuts: WindowCuts::Fixed,
            ..spec
        };
        assert_eq!(fixed.windows(20, &[3, 8, 14]), spec.windows(20, &[]));
    }
}
