//! The counts a run or a merge reports (stderr summary, run.json).

use crate::doc::Label;
use crate::recognise::AMOUNTS_SOURCE;
use crate::run::store::DocResult;
use std::collections::BTreeMap;

/// Documents, mentions and entities of a run or of a merge.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Counts {
    pub documents_ok: usize,
    pub documents_failed: usize,
    pub mentions: usize,
    pub mentions_per_label: BTreeMap<String, usize>,
    pub entities: usize,
    /// Mentions the model (not the amounts rules) found.
    pub model_mentions: usize,
}

impl Counts {
    /// Counts one document's result in.
    pub fn add(&mut self, result: &DocResult) {
        if result.document.is_ok() {
            self.documents_ok += 1;
        } else {
            self.documents_failed += 1;
        }
        self.mentions += result.mentions.len();
        for m in &result.mentions {
            self.add_mention(m.mention.label, &m.mention.source);
        }
    }

    /// Counts one mention in (not its document).
    pub fn add_mention(&mut self, label: Label, source: &str) {
        *self
            .mentions_per_label
            .entry(label.to_string())
            .or_default() += 1;
        if source != AMOUNTS_SOURCE {
            self.model_mentions += 1;
        }
    }
}
