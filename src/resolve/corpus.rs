//! Across the corpus (`--consistency corpus`): one match key, one entity,
//! where the model called a name a person in some documents and an
//! organisation or place in others ("Bijeljina" PERSON here, PLACE there).
//!
//! Resolution keeps PERSON apart from the NAME class (ORGANISATION, PLACE,
//! MISC), so such a name would become two entities. [`ClassVotes`] counts,
//! over the whole corpus, the mentions of each match key in each of the two
//! classes; where a key has PERSON mentions and ORGANISATION or PLACE ones,
//! the class with more mentions (then the higher summed score, then NAME)
//! takes the key's other mentions: they get its group and entity id, and the
//! entity's label is the majority over all of them, the rest in
//! `other_labels`. Only equal match keys meet, so names whose full forms
//! differ stay apart ("Radić" the firm and "Slobodan Radić" the man).

use super::keys::entity_id;
use super::{Class, Resolved};
use crate::doc::{Label, Mention};
use std::collections::HashMap;

/// Per match key: mentions and summed scores in the PERSON and NAME classes,
/// and whether any NAME mention was an ORGANISATION or a PLACE.
#[derive(Default)]
struct Tally {
    person: (u64, f64),
    name: (u64, f64),
    org_or_place: bool,
}

/// First pass of the merge: counts the classes of every key.
#[derive(Default)]
pub struct ClassVotes {
    keys: HashMap<String, Tally>,
}

impl ClassVotes {
    pub fn add(&mut self, mention: &Mention, resolved: &Resolved) {
        let class = Class::of(resolved.group_label);
        if class == Class::Amount {
            return;
        }
        let tally = self.keys.entry(resolved.key.clone()).or_default();
        let side = if class == Class::Person {
            &mut tally.person
        } else {
            &mut tally.name
        };
        side.0 += 1;
        side.1 += f64::from(mention.score);
        tally.org_or_place |= matches!(mention.label, Label::Organisation | Label::Place);
    }

    /// The keys whose classes conflict, with the class that wins each.
    pub fn finish(self) -> ClassMerges {
        let winners = self
            .keys
            .into_iter()
            .filter(|(_, t)| t.person.0 > 0 && t.name.0 > 0 && t.org_or_place)
            .map(|(key, t)| {
                let person_wins = t
                    .person
                    .0
                    .cmp(&t.name.0)
                    .then(t.person.1.total_cmp(&t.name.1))
                    .is_gt();
                let class = if person_wins {
                    Class::Person
                } else {
                    Class::Name
                };
                (key, class)
            })
            .collect();
        ClassMerges { winners }
    }
}

/// Second pass: moves the mentions of conflicting keys into the winning class.
#[derive(Default)]
pub struct ClassMerges {
    winners: HashMap<String, Class>,
}

impl ClassMerges {
    /// `resolved` as the corpus rule has it: for a conflicting key in the
    /// losing class, the winning class's group and entity id, unless
    /// `apart(id, winning_id)` (an analyst's `different`).
    pub fn apply(&self, resolved: &mut Resolved, apart: &dyn Fn(&str, &str) -> bool) {
        let Some(&winner) = self.winners.get(&resolved.key) else {
            return;
        };
        let class = Class::of(resolved.group_label);
        if class == Class::Amount || class == winner {
            return;
        }
        let winning_id = entity_id(winner.group_label(), &resolved.key);
        if apart(&resolved.entity_id, &winning_id) {
            return;
        }
        resolved.group_label = winner.group_label();
        resolved.entity_id = winning_id;
    }

    /// How many keys changed class.
    pub fn len(&self) -> usize {
        self.winners.len()
    }

    pub fn is_empty(&self) -> bool {
        self.winners.is_empty()
    }
}
