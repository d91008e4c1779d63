//! Rule 3: one label per surface form within a document.
//!
//! Mentions are grouped by their surface form, folded as the resolver folds
//! match keys (case, diacritics, Cyrillic) after a possessive "'s" is taken
//! off. A group whose mentions disagree takes the label with the highest
//! summed score (ties: more mentions, then the label order of
//! [`Label::ALL`]); every mention of such a group records the sums in
//! `label_votes`, so a reviewer sees the label was voted on and why. Groups
//! that agree record nothing.

use super::Span;
use crate::doc::{round_score, Label};
use crate::resolve::normalise_key;
use std::collections::{BTreeMap, HashMap};

pub(super) fn apply(text: &str, mut spans: Vec<Span>) -> Vec<Span> {
    let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, s) in spans.iter().enumerate().filter(|(_, s)| s.is_name()) {
        let key = surface_key(&text[s.bytes.clone()]);
        if !key.is_empty() {
            groups.entry(key).or_default().push(i);
        }
    }
    for members in groups.values() {
        let first = spans[members[0]].label;
        if members.iter().all(|&i| spans[i].label == first) {
            continue;
        }
        let mut sums: BTreeMap<Label, (f64, usize)> = BTreeMap::new();
        for &i in members {
            let e = sums.entry(spans[i].label).or_default();
            e.0 += f64::from(spans[i].score);
            e.1 += 1;
        }
        let winner = sums
            .iter()
            .max_by(|a, b| {
                a.1 .0
                    .total_cmp(&b.1 .0)
                    .then(a.1 .1.cmp(&b.1 .1))
                    .then(b.0.cmp(a.0))
            })
            .map(|(l, _)| *l)
            .unwrap_or(first);
        let votes: BTreeMap<Label, f32> = sums
            .iter()
            .map(|(l, (sum, _))| (*l, round_score(*sum as f32)))
            .collect();
        for &i in members {
            spans[i].label = winner;
            spans[i].votes = Some(votes.clone());
        }
    }
    spans
}

/// The form under which mentions count as the same name: possessive
/// removed, then folded as match keys are ("Radić's" = "RADIC").
pub(super) fn surface_key(surface: &str) -> String {
    normalise_key(strip_possessive(surface))
}

/// "Radić's" → "Radić" (straight or curly apostrophe).
fn strip_possessive(s: &str) -> &str {
    for suffix in ["'s", "\u{2019}s", "'S", "\u{2019}S"] {
        if let Some(stem) = s.strip_suffix(suffix) {
            if stem.chars().next_back().is_some_and(char::is_alphanumeric) {
                return stem;
            }
        }
    }
    s
}
