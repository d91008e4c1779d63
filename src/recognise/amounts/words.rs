//! Spelled-out numbers, read word by word.

use super::numbers::Nw;

/// The last number word read ([`WordNumber`]).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Last {
    None,
    A,
    Half,
    Unit,
    Teen,
    Tens,
    Hundred,
    Scale,
    Dozen,
    And,
}

/// The value of the number words read so far.
#[derive(Clone, Copy)]
pub(super) struct WordsSoFar {
    pub(super) total: u128,
    pub(super) cur: u128,
    /// "two million": (2, 6) while nothing else is added, so the value keeps
    /// its written scale.
    pub(super) simple: Option<(u128, i32)>,
    pub(super) mult: bool,
    pub(super) ntok: usize,
    pub(super) end: usize,
}

/// A spelled-out number read word by word ("two hundred and fifty thousand",
/// "half a million", "a dozen").
pub(super) struct WordNumber {
    pub(super) st: WordsSoFar,
    pub(super) last: Last,
    pub(super) half: bool,
    prev_scale: i32,
}

impl WordNumber {
    pub(super) fn new(p: usize) -> WordNumber {
        WordNumber {
            st: WordsSoFar {
                total: 0,
                cur: 0,
                simple: None,
                mult: false,
                ntok: 0,
                end: p,
            },
            last: Last::None,
            half: false,
            prev_scale: i32::MAX,
        }
    }

    /// Reads the next word (ending at `end`); false when it cannot continue
    /// the number.
    pub(super) fn push(&mut self, nw: Nw, end: usize) -> bool {
        use Last as L;
        let (st, last, half) = (&mut self.st, self.last, self.half);
        match nw {
            Nw::A => {
                if !matches!(last, L::None | L::Half) {
                    return false;
                }
                st.cur = 1;
                self.last = L::A;
            }
            Nw::Half => {
                if last != L::None {
                    return false;
                }
                self.half = true;
                self.last = L::Half;
            }
            Nw::Unit(v) => {
                if half || !matches!(last, L::None | L::Hundred | L::Scale | L::And | L::Tens) {
                    return false;
                }
                st.cur += v as u128;
                st.simple = None;
                self.last = L::Unit;
            }
            Nw::Teen(v) | Nw::Tens(v) => {
                if half || !matches!(last, L::None | L::Hundred | L::Scale | L::And) {
                    return false;
                }
                st.cur += v as u128;
                st.simple = None;
                self.last = if matches!(nw, Nw::Teen(_)) {
                    L::Teen
                } else {
                    L::Tens
                };
            }
            Nw::Hundreds(v) => {
                if half || !matches!(last, L::None | L::Scale | L::And) {
                    return false;
                }
                st.cur += v as u128;
                st.simple = None;
                st.mult = true;
                self.last = L::Hundred;
            }
            Nw::ScaleOne(k) if last == L::None => {
                // "milijun", "tisuću": one of the scale
                st.cur = 1;
                self.last = L::A;
                return self.push(Nw::Scale(k), end);
            }
            Nw::ScaleOne(k) => return self.push(Nw::Scale(k), end),
            Nw::Abbr(_) | Nw::Quarter => return false,
            Nw::Hundred => {
                if half || !matches!(last, L::Unit | L::A) || !(1..=9).contains(&st.cur) {
                    return false;
                }
                st.cur *= 100;
                st.simple = None;
                st.mult = true;
                self.last = L::Hundred;
            }
            Nw::Scale(k) => {
                if !matches!(
                    last,
                    L::Unit | L::Teen | L::Tens | L::Hundred | L::A | L::Half
                ) || k >= self.prev_scale
                {
                    return false;
                }
                if last == L::Half {
                    // "pola milijuna", "half million"
                    st.cur = 1;
                }
                st.simple = if st.total == 0 {
                    Some((st.cur, k))
                } else {
                    None
                };
                st.total = st
                    .total
                    .saturating_add(st.cur.saturating_mul(10u128.pow(k as u32)));
                st.cur = 0;
                st.mult = true;
                self.prev_scale = k;
                self.last = L::Scale;
            }
            Nw::Dozen => {
                if !matches!(last, L::A | L::Unit | L::Teen | L::Tens) {
                    return false;
                }
                st.cur *= 12;
                st.simple = None;
                st.mult = true;
                self.last = L::Dozen;
            }
            Nw::And => {
                if half || !matches!(last, L::Hundred | L::Scale) {
                    return false;
                }
                self.last = L::And;
            }
        }
        self.st.ntok += 1;
        self.st.end = end;
        true
    }

    /// Whether the words read so far make a whole number.
    pub(super) fn complete(&self) -> bool {
        use Last as L;
        if self.half {
            matches!(self.last, L::Scale | L::Dozen)
        } else {
            matches!(
                self.last,
                L::Unit | L::Teen | L::Tens | L::Hundred | L::Scale | L::Dozen
            )
        }
    }
}
