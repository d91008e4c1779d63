//! Candidates for judgement (candidates.csv): pairs of a run's entities
//! that the rules did not join but that are likely one, best first, for an
//! analyst to write into decisions.csv as `same` or `different`.
//!
//! Entities pair only within a class (people with people; organisations,
//! places and other names with each other; never amounts), are compared on
//! their canonical names folded as match keys ("Šarić" = "Saric"), and only
//! within blocks that share a name part, or a name part's first or last
//! three letters, so the search is not quadratic in the entities. A pair
//! judged `different` is never listed; a pair judged `same` is one entity.
//! Each pair gets the best of the [`REASONS`] it meets.

use super::decisions::Decisions;
use super::keys::normalise_key;
use super::Class;
use crate::doc::{Entity, Label};
use std::collections::{HashMap, HashSet};

/// One row of candidates.csv: `entity_id` < `other` in byte order.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub entity_id: String,
    pub other: String,
    pub score: f32,
    pub reason: String,
    pub canonical: String,
    pub other_canonical: String,
}

/// Why two names may be one, with the score it gives, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reason {
    /// "Belivuk Veljko" / "Veljko Belivuk".
    OtherOrder,
    /// "V. Belivuk" / "Veljko Belivuk".
    Initials,
    /// "Hercegovina" / "Herzegovina", one edit apart after folding.
    OneEdit,
    /// Two edits apart, in names of at least [`TWO_EDITS_FROM`] letters.
    TwoEdits,
    /// A person's surname alone ("Belivuk") and the one full name with it.
    SurnameAlone,
    /// One name's parts, in order, inside a longer one ("Darko Šarić" /
    /// "Darko Šarić Mija").
    Contained,
}

/// The reasons' scores and the words candidates.csv gives them.
const REASONS: [(Reason, f32, &str); 6] = [
    (Reason::OtherOrder, 0.95, "same name parts in another order"),
    (Reason::Initials, 0.9, "initials of the same name"),
    (Reason::OneEdit, 0.85, "spelling variant (1 edit)"),
    (Reason::TwoEdits, 0.75, "spelling variant (2 edits)"),
    (
        Reason::SurnameAlone,
        0.7,
        "surname alone, one full name has it",
    ),
    (Reason::Contained, 0.6, "name parts inside a longer name"),
];

/// Shortest folded name a one-edit variant may have ("Ivan"/"Ivana" are two people).
const ONE_EDIT_FROM: usize = 5;
/// Shortest folded name a two-edit variant may have.
const TWO_EDITS_FROM: usize = 9;
/// Blocks larger than this (a very common name part) are left out.
const MAX_BLOCK: usize = 300;

struct Name<'e> {
    entity: &'e Entity,
    class: Class,
    key: String,
}

impl Name<'_> {
    fn tokens(&self) -> Vec<&str> {
        self.key.split(' ').collect()
    }
}

/// The candidates among `entities` (a finished run's, after `decisions`),
/// best first; ties by the ids.
pub fn candidates(entities: &[Entity], decisions: &Decisions) -> Vec<Candidate> {
    let names: Vec<Name> = entities
        .iter()
        .filter_map(|e| {
            let class = Class::of(e.label);
            let key = normalise_key(&e.canonical);
            (class != Class::Amount && !key.is_empty()).then_some(Name {
                entity: e,
                class,
                key,
            })
        })
        .collect();
    let full_names_by_surname = full_names_by_surname(&names);
    let mut out = Vec::new();
    for (a, b) in blocked_pairs(&names) {
        let (a, b) = (&names[a], &names[b]);
        if a.key == b.key || decisions.are_different(&a.entity.id, &b.entity.id) {
            continue;
        }
        let Some(reason) = reason(a, b, &full_names_by_surname)
            .filter(|r| labels_fit(a.entity.label, b.entity.label, *r))
        else {
            continue;
        };
        let (score, words) = REASONS
            .iter()
            .find(|(r, _, _)| *r == reason)
            .map(|(_, s, w)| (*s, *w))
            .unwrap_or((0.0, ""));
        let (a, b) = if a.entity.id <= b.entity.id {
            (a, b)
        } else {
            (b, a)
        };
        out.push(Candidate {
            entity_id: a.entity.id.clone(),
            other: b.entity.id.clone(),
            score,
            reason: words.to_string(),
            canonical: a.entity.canonical.clone(),
            other_canonical: b.entity.canonical.clone(),
        });
    }
    out.sort_by(|x, y| {
        y.score
            .total_cmp(&x.score)
            .then_with(|| (&x.entity_id, &x.other).cmp(&(&y.entity_id, &y.other)))
    });
    out
}

/// Whether entities of these labels may be one for `reason`. The
/// recogniser swaps ORGANISATION and PLACE for one name ("Kosovo"), so those
/// pair where the names are nearly equal; MISC holds nationalities and
/// events ("Albanian" is not "Albania"), so it pairs only with MISC; a
/// name inside a longer one pairs only within one label ("Bosnia and
/// Herzegovina" is not the "Court of Bosnia and Herzegovina").
fn labels_fit(a: Label, b: Label, reason: Reason) -> bool {
    if a == b {
        return true;
    }
    let misc = a == Label::Misc || b == Label::Misc;
    !misc
        && matches!(
            reason,
            Reason::OtherOrder | Reason::Initials | Reason::OneEdit
        )
}

/// How many multi-part person names end in each surname.
fn full_names_by_surname<'n>(names: &'n [Name]) -> HashMap<&'n str, usize> {
    let mut counts = HashMap::new();
    for n in names.iter().filter(|n| n.class == Class::Person) {
        let tokens = n.tokens();
        if let [_, .., last] = tokens.as_slice() {
            *counts.entry(*last).or_insert(0) += 1;
        }
    }
    counts
}

/// Pairs (i < j) of one class sharing a block: a name part, or the first
/// or last three letters of a part of four or more.
fn blocked_pairs(names: &[Name]) -> Vec<(usize, usize)> {
    let mut blocks: HashMap<(Class, String), Vec<usize>> = HashMap::new();
    for (i, n) in names.iter().enumerate() {
        let mut keys: HashSet<String> = HashSet::new();
        for t in n.tokens() {
            let chars: Vec<char> = t.chars().collect();
            if chars.len() >= 2 {
                keys.insert(format!("={t}"));
            }
            if chars.len() >= 4 {
                keys.insert(format!("<{}", chars[..3].iter().collect::<String>()));
                keys.insert(format!(
                    ">{}",
                    chars[chars.len() - 3..].iter().collect::<String>()
                ));
            }
        }
        for k in keys {
            blocks.entry((n.class, k)).or_default().push(i);
        }
    }
    let mut pairs = HashSet::new();
    for members in blocks.values().filter(|m| m.len() <= MAX_BLOCK) {
        for (x, &i) in members.iter().enumerate() {
            for &j in &members[x + 1..] {
                pairs.insert((i.min(j), i.max(j)));
            }
        }
    }
    let mut pairs: Vec<(usize, usize)> = pairs.into_iter().collect();
    pairs.sort_unstable();
    pairs
}

/// The best reason `a` and `b` may be one entity, if any.
fn reason(a: &Name, b: &Name, full_names_by_surname: &HashMap<&str, usize>) -> Option<Reason> {
    let (ta, tb) = (a.tokens(), b.tokens());
    if ta.len() >= 2 && ta.len() == tb.len() {
        let (mut sa, mut sb) = (ta.clone(), tb.clone());
        sa.sort_unstable();
        sb.sort_unstable();
        if sa == sb {
            return Some(Reason::OtherOrder);
        }
        if initials_match(&ta, &tb) {
            return Some(Reason::Initials);
        }
    }
    let shortest = a.key.chars().count().min(b.key.chars().count());
    match edit_distance(&a.key, &b.key, 2) {
        Some(1) if shortest >= ONE_EDIT_FROM => return Some(Reason::OneEdit),
        Some(2) if shortest >= TWO_EDITS_FROM => return Some(Reason::TwoEdits),
        _ => {}
    }
    let (short, long) = if ta.len() <= tb.len() {
        (&ta, &tb)
    } else {
        (&tb, &ta)
    };
    if a.class == Class::Person && short.len() == 1 && long.len() >= 2 {
        let surname = short[0];
        let alone = surname.chars().count() >= 3
            && long.last() == Some(&surname)
            && full_names_by_surname.get(surname) == Some(&1);
        return alone.then_some(Reason::SurnameAlone);
    }
    (short.len() >= 2 && short.len() < long.len() && in_order(short, long))
        .then_some(Reason::Contained)
}

/// Same parts in the same order, where at least one part of one is the
/// other's initial ("v" / "veljko") and every other part is equal.
fn initials_match(a: &[&str], b: &[&str]) -> bool {
    let mut initial = false;
    for (x, y) in a.iter().zip(b) {
        if x == y {
            continue;
        }
        let (short, long) = if x.len() <= y.len() { (x, y) } else { (y, x) };
        if short.chars().count() == 1 && long.chars().count() > 1 && long.starts_with(short) {
            initial = true;
        } else {
            return false;
        }
    }
    initial
}

/// `short`'s parts appear in `long` in the same order.
fn in_order(short: &[&str], long: &[&str]) -> bool {
    let mut rest = long.iter();
    short.iter().all(|s| rest.by_ref().any(|l| l == s))
}

/// Levenshtein distance of `a` and `b` in characters, `None` above `limit`.
fn edit_distance(a: &str, b: &str, limit: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        if current.iter().min().is_some_and(|&m| m > limit) {
            return None;
        }
        std::mem::swap(&mut previous, &mut current);
    }
    Some(previous[b.len()]).filter(|&d| d <= limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(id: &str, label: Label, canonical: &str) -> Entity {
        Entity {
            id: id.into(),
            label,
            canonical: canonical.into(),
            aliases: vec![canonical.into()],
            mention_count: 1,
            document_count: 1,
            documents: vec!["d".into()],
            score: 0.9,
            amount: None,
            other_labels: Vec::new(),
            merged_ids: Vec::new(),
        }
    }

    fn rows(entities: &[Entity], decisions: &Decisions) -> Vec<(String, String, f32, String)> {
        candidates(entities, decisions)
            .into_iter()
            .map(|c| (c.entity_id, c.other, c.score, c.reason))
            .collect()
    }

    #[test]
    fn planted_variants_rank_above_unrelated_names() {
        let entities = [
            entity("per-a", Label::Person, "Veljko Belivuk"),
            entity("per-b", Label::Person, "Belivuk Veljko"),
            entity("per-c", Label::Person, "V. Belivuk"),
            entity("per-d", Label::Person, "Darko Šarić"),
            entity("per-e", Label::Person, "Šarić"),
            entity("per-f", Label::Person, "Milan Kovačević"),
            entity("per-g", Label::Person, "Ivan"),
            entity("per-h", Label::Person, "Ivana"),
            entity("ent-a", Label::Place, "Bosnia and Herzegovina"),
            entity("ent-b", Label::Place, "Bosnia and Hercegovina"),
            entity("ent-c", Label::Organisation, "Bosnia"),
            entity("ent-s", Label::Place, "Saric"),
            entity("ent-d", Label::Misc, "Albanian"),
            entity("ent-e", Label::Place, "Albania"),
            entity(
                "ent-f",
                Label::Organisation,
                "Court of Bosnia and Herzegovina",
            ),
            entity("ent-g", Label::Organisation, "Kosova"),
            entity("ent-h", Label::Place, "Kosovo"),
        ];
        let found = rows(&entities, &Decisions::default());
        assert_eq!(
            found,
            [
                (
                    "per-a".into(),
                    "per-b".into(),
                    0.95,
                    "same name parts in another order".into()
                ),
                (
                    "per-a".into(),
                    "per-c".into(),
                    0.9,
                    "initials of the same name".into()
                ),
                (
                    "ent-a".into(),
                    "ent-b".into(),
                    0.85,
                    "spelling variant (1 edit)".into()
                ),
                (
                    "ent-g".into(),
                    "ent-h".into(),
                    0.85,
                    "spelling variant (1 edit)".into()
                ),
                (
                    "per-d".into(),
                    "per-e".into(),
                    0.7,
                    "surname alone, one full name has it".into()
                ),
            ]
        );
    }

    #[test]
    fn judged_pairs_are_not_listed() {
        let entities = [
            entity("per-a", Label::Person, "Veljko Belivuk"),
            entity("per-b", Label::Person, "Belivuk Veljko"),
        ];
        let decisions = Decisions::parse(
            "entity_id,decision,other,note\nper-b,different,per-a,\n",
            "d.csv",
        )
        .unwrap();
        assert!(rows(&entities, &decisions).is_empty());
    }

    #[test]
    fn a_surname_shared_by_two_full_names_is_no_candidate() {
        let entities = [
            entity("per-a", Label::Person, "Veljko Belivuk"),
            entity("per-b", Label::Person, "Milan Belivuk"),
            entity("per-c", Label::Person, "Belivuk"),
        ];
        assert!(rows(&entities, &Decisions::default()).is_empty());
    }

    #[test]
    fn edit_distance_stops_at_its_limit() {
        assert_eq!(edit_distance("hercegovina", "herzegovina", 2), Some(1));
        assert_eq!(edit_distance("kitten", "sitting", 2), None);
        assert_eq!(edit_distance("kitten", "sitting", 3), Some(3));
        assert_eq!(edit_distance("", "ab", 2), Some(2));
    }
}
