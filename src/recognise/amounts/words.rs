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
        match nw {
            Nw::ScaleOne(k) if self.last == Last::None => {
                // "milijun", "tisuću": one of the scale
                self.st.cur = 1;
                self.last = Last::A;
                return self.push(Nw::Scale(k), end);
            }
            Nw::ScaleOne(k) => return self.push(Nw::Scale(k), end),
            _ => {}
        }
        if !self.follows(nw) {
            return false;
        }
        self.add(nw);
        self.st.ntok += 1;
        self.st.end = end;
        true
    }

    /// Whether `nw` may follow the words read so far: the grammar of
    /// spelled-out numbers ("two hundred and five", not "five two"), kept
    /// apart from the arithmetic of [`Self::add`] so each reads as a table.
    /// A scale-with-one is read by [`Self::push`] as its scale.
    fn follows(&self, nw: Nw) -> bool {
        use Last as L;
        let (last, half) = (self.last, self.half);
        match nw {
            Nw::A => matches!(last, L::None | L::Half),
            Nw::Half => last == L::None,
            Nw::Unit(_) => {
                !half && matches!(last, L::None | L::Hundred | L::Scale | L::And | L::Tens)
            }
            Nw::Teen(_) | Nw::Tens(_) => {
                !half && matches!(last, L::None | L::Hundred | L::Scale | L::And)
            }
            Nw::Hundreds(_) => !half && matches!(last, L::None | L::Scale | L::And),
            Nw::Hundred => {
                !half && matches!(last, L::Unit | L::A) && (1..=9).contains(&self.st.cur)
            }
            Nw::Scale(k) => {
                matches!(
                    last,
                    L::Unit | L::Teen | L::Tens | L::Hundred | L::A | L::Half
                ) && k < self.prev_scale
            }
            Nw::Dozen => matches!(last, L::A | L::Unit | L::Teen | L::Tens),
            Nw::And => !half && matches!(last, L::Hundred | L::Scale),
            Nw::ScaleOne(_) | Nw::Abbr(_) | Nw::Quarter => false,
        }
    }

    /// Adds `nw`, which [`Self::follows`] allowed, to the value read so far.
    fn add(&mut self, nw: Nw) {
        use Last as L;
        let st = &mut self.st;
        match nw {
            Nw::A => {
                st.cur = 1;
                self.last = L::A;
            }
            Nw::Half => {
                self.half = true;
                self.last = L::Half;
            }
            Nw::Unit(v) | Nw::Teen(v) | Nw::Tens(v) => {
                st.cur += v as u128;
                st.simple = None;
                self.last = match nw {
                    Nw::Unit(_) => L::Unit,
                    Nw::Teen(_) => L::Teen,
                    _ => L::Tens,
                };
            }
            Nw::Hundreds(v) => {
                st.cur += v as u128;
                st.simple = None;
                st.mult = true;
                self.last = L::Hundred;
            }
            Nw::Hundred => {
                st.cur *= 100;
                st.simple = None;
                st.mult = true;
                self.last = L::Hundred;
            }
            Nw::Scale(k) => {
                if self.last == L::Half {
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
                st.cur *= 12;
                st.simple = None;
                st.mult = true;
                self.last = L::Dozen;
            }
            Nw::And => self.last = L::And,
            // Never allowed by `follows`.
            Nw::ScaleOne(_) | Nw::Abbr(_) | Nw::Quarter => {}
        }
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
