//! Across documents: resolved mentions accumulate into entities, in corpus
//! order, in memory proportional to the distinct entities.

use super::keys::core_form;
use super::{Class, Resolved};
use crate::doc::{round_score, Amount, Entity, Label, Mention};
use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

/// Distinct surface forms of one entity with counts and first-seen order.
#[derive(Default)]
struct Forms {
    list: Vec<(Box<str>, u32, u64)>,
    /// Built once an entity has many forms, to keep `add` O(1).
    index: Option<HashMap<Box<str>, usize>>,
}

impl Forms {
    const INDEX_FROM: usize = 8;

    fn add(&mut self, text: &str, seq: u64) {
        let pos = match &self.index {
            Some(ix) => ix.get(text).copied(),
            None => self.list.iter().position(|f| &*f.0 == text),
        };
        match pos {
            Some(p) => self.list[p].1 += 1,
            None => {
                self.list.push((text.into(), 1, seq));
                if let Some(ix) = &mut self.index {
                    ix.insert(text.into(), self.list.len() - 1);
                } else if self.list.len() > Self::INDEX_FROM {
                    self.index = Some(
                        self.list
                            .iter()
                            .enumerate()
                            .map(|(i, f)| (f.0.clone(), i))
                            .collect(),
                    );
                }
            }
        }
    }
}

struct Acc {
    id: String,
    class: Class,
    forms: Forms,
    /// The mentions' lemmas (their text where they have none): the canonical.
    lemmas: Forms,
    label_counts: [u32; 5],
    label_scores: [f64; 5],
    count: usize,
    score_sum: f64,
    docs: Vec<u32>,
    amount: Option<Amount>,
}

/// Corpus-level accumulator: memory proportional to distinct entities (plus
/// their distinct surface forms and documents).
pub struct EntityTable {
    /// Entity id → its accumulator (an id stands for its group and key).
    index: HashMap<String, usize>,
    entities: Vec<Acc>,
    doc_index: HashMap<String, u32>,
    doc_names: Vec<String>,
    seq: u64,
}

impl Default for EntityTable {
    fn default() -> Self {
        Self::new()
    }
}

impl EntityTable {
    pub fn new() -> Self {
        EntityTable {
            index: Default::default(),
            entities: Vec::new(),
            doc_index: HashMap::new(),
            doc_names: Vec::new(),
            seq: 0,
        }
    }

    /// Adds one resolved mention; call in corpus order.
    pub fn add(&mut self, mention: &Mention, resolved: &Resolved) {
        let class = Class::of(resolved.group_label);
        let doc = match self.doc_index.get(&mention.doc_id) {
            Some(&d) => d,
            None => {
                let d = self.doc_names.len() as u32;
                self.doc_names.push(mention.doc_id.clone());
                self.doc_index.insert(mention.doc_id.clone(), d);
                d
            }
        };
        let e = match self.index.get(&resolved.entity_id) {
            Some(&e) => e,
            None => {
                self.entities.push(Acc {
                    id: resolved.entity_id.clone(),
                    class,
                    forms: Forms::default(),
                    lemmas: Forms::default(),
                    label_counts: [0; 5],
                    label_scores: [0.0; 5],
                    count: 0,
                    score_sum: 0.0,
                    docs: Vec::new(),
                    amount: None,
                });
                self.index
                    .insert(resolved.entity_id.clone(), self.entities.len() - 1);
                self.entities.len() - 1
            }
        };
        let acc = &mut self.entities[e];
        acc.forms.add(&mention.text, self.seq);
        let lemma = if mention.lemma.is_empty() {
            &mention.text
        } else {
            &mention.lemma
        };
        acc.lemmas.add(lemma, self.seq);
        self.seq += 1;
        let li = mention.label.index();
        acc.label_counts[li] += 1;
        acc.label_scores[li] += f64::from(mention.score);
        acc.count += 1;
        acc.score_sum += f64::from(mention.score);
        // Mentions of a document arrive together, so checking the last is enough
        // (finish removes repeats if they do not).
        if acc.docs.last() != Some(&doc) {
            acc.docs.push(doc);
        }
        if acc.amount.is_none() && mention.label == Label::Amount {
            // A qualifier ("more than") belongs to a mention, not to the entity.
            // A record read back has the amount's lemma on the mention.
            acc.amount = mention.amount.clone().map(|a| Amount {
                qualifier: None,
                lemma: a
                    .lemma
                    .or_else(|| (!mention.lemma.is_empty()).then(|| mention.lemma.clone())),
                ..a
            });
        }
    }

    /// Entities sorted by (label, canonical, id), each with the counts of the
    /// labels its mentions had other than the winning one.
    pub fn finish(self) -> Vec<Entity> {
        let doc_names = self.doc_names;
        let mut out: Vec<Entity> = self
            .entities
            .into_iter()
            .map(|acc| {
                // Majority label; ties by higher total score, then Label order.
                let win = (0..5)
                    .max_by(|&a, &b| {
                        acc.label_counts[a]
                            .cmp(&acc.label_counts[b])
                            .then(acc.label_scores[a].total_cmp(&acc.label_scores[b]))
                            .then(b.cmp(&a))
                    })
                    .unwrap_or(0);
                let other_labels = (0..5)
                    .filter(|&i| i != win && acc.label_counts[i] > 0)
                    .map(|i| (Label::ALL[i], acc.label_counts[i] as usize))
                    .collect();
                let documents: Vec<String> = {
                    let mut seen = HashSet::new();
                    acc.docs
                        .iter()
                        .filter(|d| seen.insert(**d))
                        .map(|&d| doc_names[d as usize].clone())
                        .collect()
                };
                Entity {
                    id: acc.id,
                    label: Label::ALL[win],
                    canonical: match &acc.amount {
                        Some(amount) if acc.class == Class::Amount => amount.canonical(),
                        _ => canonical(&acc.lemmas, acc.class),
                    },
                    aliases: {
                        let mut a: Vec<String> =
                            acc.forms.list.iter().map(|f| f.0.to_string()).collect();
                        a.sort();
                        a
                    },
                    mention_count: acc.count,
                    document_count: documents.len(),
                    documents,
                    score: round_score((acc.score_sum / acc.count.max(1) as f64) as f32),
                    amount: acc.amount,
                    other_labels,
                    merged_ids: Vec::new(),
                }
            })
            .collect();
        sort_entities(&mut out);
        out
    }
}

/// The order of entities.csv: by label, canonical name, id.
pub fn sort_entities(entities: &mut [Entity]) {
    entities.sort_by(|a, b| (a.label, &a.canonical, &a.id).cmp(&(b.label, &b.canonical, &b.id)));
}

/// Most frequent multi-word lemma (titles, article and possessive removed),
/// else most frequent lemma; ties to the first seen. Forms differing only in
/// letter case count together ("BEOGRAD" for "Beograd"), shown as written
/// in a form that is not all capitals where there is one.
fn canonical(forms: &Forms, class: Class) -> String {
    let shouting = |s: &str| !s.chars().any(char::is_lowercase);
    let mut agg: Vec<(String, u32, u64)> = Vec::new();
    let mut pos: HashMap<String, usize> = HashMap::new();
    for (text, count, first) in &forms.list {
        let (core, _) = core_form(text, class);
        match pos.get(&core.to_lowercase()) {
            Some(&p) => {
                let a = &mut agg[p];
                a.1 += count;
                a.2 = a.2.min(*first);
                if shouting(&a.0) && !shouting(&core) {
                    a.0 = core;
                }
            }
            None => {
                pos.insert(core.to_lowercase(), agg.len());
                agg.push((core, *count, *first));
            }
        }
    }
    agg.into_iter()
        .max_by_key(|(core, count, first)| {
            (
                class != Class::Amount && core.contains(' '),
                *count,
                Reverse(*first),
            )
        })
        .map(|f| f.0)
        .unwrap_or_default()
}
