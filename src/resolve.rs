//! Resolve: groups mentions into entities. Placeholder until the resolution
//! stage lands: one entity per distinct (label, text).

use crate::document::{Entity, Label, Mention};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

pub struct Resolved {
    pub entity_id: String,
    pub key: String,
    pub group_label: Label,
}

pub fn resolve_document(mentions: &[Mention]) -> Vec<Resolved> {
    mentions
        .iter()
        .map(|m| {
            let key = m.text.clone();
            let hash = Sha256::digest(format!("{}|{}", m.label, key));
            Resolved {
                entity_id: format!("{}-{:x}", &m.label.as_str()[..3].to_lowercase(), hash)[..12].to_string(),
                key,
                group_label: m.label,
            }
        })
        .collect()
}

#[derive(Default)]
pub struct EntityTable {
    entities: HashMap<String, Entity>,
}

impl EntityTable {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, mention: &Mention, resolved: &Resolved) {
        let e = self.entities.entry(resolved.entity_id.clone()).or_insert_with(|| Entity {
            id: resolved.entity_id.clone(),
            label: mention.label,
            canonical: mention.text.clone(),
            aliases: vec![mention.text.clone()],
            mention_count: 0,
            documents: Vec::new(),
            score: 0.0,
            amount: mention.amount.clone(),
        });
        e.score = (e.score * e.mention_count as f32 + mention.score) / (e.mention_count + 1) as f32;
        e.mention_count += 1;
        if e.documents.last() != Some(&mention.doc_id) && !e.documents.contains(&mention.doc_id) {
            e.documents.push(mention.doc_id.clone());
        }
    }

    pub fn finish(self) -> Vec<(Entity, Vec<(Label, usize)>)> {
        let mut out: Vec<(Entity, Vec<(Label, usize)>)> =
            self.entities.into_values().map(|e| (e, Vec::new())).collect();
        out.sort_by(|a, b| (a.0.label, &a.0.canonical, &a.0.id).cmp(&(b.0.label, &b.0.canonical, &b.0.id)));
        out
    }
}
