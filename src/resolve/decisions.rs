//! An analyst's decisions about entities (`decisions.csv`, issue 26): read,
//! checked for contradictions, and asked by the resolve stage which id a
//! mention's entity ends under, whether it is rejected, and its label and
//! name.
//!
//! The file is UTF-8 CSV with the header `entity_id,decision,other,note`
//! (columns after these are the analyst's own and are kept as they are).
//! One decision a row:
//! - `same` + `other` = another entity id: one entity (transitive). The
//!   merged entity keeps the smallest id of its set in byte order, so the
//!   id depends neither on the order of the rows nor on which of the
//!   entities a run finds.
//! - `different` + `other`: the two are never merged.
//! - `not-an-entity`: the entity's mentions leave every output.
//! - `label` + `other` = PERSON, ORGANISATION, PLACE or MISC.
//! - `name` + `other` = the canonical name.
//!
//! Contradictions are refused, naming the rows: `same` and `different` on
//! one pair (directly or through other `same` rows), `same` with a rejected
//! entity, two different `label`s or `name`s for one (merged) entity.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::doc::Label;

/// What one row decides about its entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Same(String),
    Different(String),
    NotAnEntity,
    Label(Label),
    Name(String),
}

/// One row of the file; `line` counts the header as line 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRow {
    pub line: usize,
    pub entity_id: String,
    pub decision: Decision,
    pub note: String,
}

/// The labels a `label` decision may give.
const LABELS: [Label; 4] = [
    Label::Person,
    Label::Organisation,
    Label::Place,
    Label::Misc,
];

/// The checked decisions of one file.
#[derive(Debug, Default)]
pub struct Decisions {
    pub rows: Vec<DecisionRow>,
    /// Every id named in a `same` row → the id its set keeps.
    kept: HashMap<String, String>,
    rejected: BTreeMap<String, usize>,
    /// By kept id: the label or name and the line that gave it.
    labels: HashMap<String, (Label, usize)>,
    names: HashMap<String, (String, usize)>,
    /// Pairs of kept ids (smaller first) never to merge.
    different: BTreeSet<(String, String)>,
}

impl Decisions {
    /// Reads and checks the text of `file` (its name is for messages).
    pub fn parse(text: &str, file: &str) -> Result<Decisions, String> {
        let rows = read_rows(text, file)?;
        let mut decisions = Decisions {
            rows,
            ..Decisions::default()
        };
        decisions.join_same(file)?;
        decisions.check(file)?;
        Ok(decisions)
    }

    /// The id `entity_id`'s entity ends under (itself unless merged).
    pub fn kept_id<'a>(&'a self, entity_id: &'a str) -> &'a str {
        self.kept.get(entity_id).map_or(entity_id, String::as_str)
    }

    /// Whether the analyst rejected the entity (`not-an-entity`).
    pub fn is_rejected(&self, entity_id: &str) -> bool {
        self.rejected.contains_key(self.kept_id(entity_id))
    }

    /// The label decided for a kept id.
    pub fn label(&self, kept_id: &str) -> Option<Label> {
        self.labels.get(kept_id).map(|(label, _)| *label)
    }

    /// The canonical name decided for a kept id.
    pub fn name(&self, kept_id: &str) -> Option<&str> {
        self.names.get(kept_id).map(|(name, _)| name.as_str())
    }

    /// Whether the analyst said the two entities are different.
    pub fn are_different(&self, a: &str, b: &str) -> bool {
        self.different
            .contains(&ordered(self.kept_id(a), self.kept_id(b)))
    }

    /// The ids merged into `kept_id` (itself excluded), sorted.
    pub fn merged_into(&self, kept_id: &str) -> Vec<&str> {
        let mut ids: Vec<&str> = self
            .kept
            .iter()
            .filter(|(id, kept)| kept.as_str() == kept_id && id.as_str() != kept_id)
            .map(|(id, _)| id.as_str())
            .collect();
        ids.sort_unstable();
        ids
    }

    /// Every entity id the rows name, for reporting those a run lacks.
    pub fn named_ids(&self) -> BTreeSet<&str> {
        let mut ids = BTreeSet::new();
        for row in &self.rows {
            ids.insert(row.entity_id.as_str());
            if let Decision::Same(other) | Decision::Different(other) = &row.decision {
                ids.insert(other.as_str());
            }
        }
        ids
    }

    /// Union of the `same` rows: every set keeps its smallest id.
    fn join_same(&mut self, file: &str) -> Result<(), String> {
        let mut parent: HashMap<String, String> = HashMap::new();
        fn root(parent: &HashMap<String, String>, id: &str) -> String {
            let mut id = id.to_string();
            while let Some(p) = parent.get(&id).filter(|p| **p != id) {
                id = p.clone();
            }
            id
        }
        for row in &self.rows {
            if let Decision::Same(other) = &row.decision {
                if *other == row.entity_id {
                    return Err(format!(
                        "{file}: line {}: an entity is `same` as itself ({other})",
                        row.line
                    ));
                }
                let (a, b) = (root(&parent, &row.entity_id), root(&parent, other));
                let (keep, absorb) = if a <= b { (a, b) } else { (b, a) };
                parent.insert(absorb, keep.clone());
                parent.entry(keep.clone()).or_insert(keep);
            }
        }
        let ids: Vec<String> = parent.keys().cloned().collect();
        for id in ids {
            let kept = root(&parent, &id);
            self.kept.insert(id, kept);
        }
        Ok(())
    }

    /// The other decisions, under kept ids, checked against each other.
    fn check(&mut self, file: &str) -> Result<(), String> {
        let mut different_lines: BTreeMap<(String, String), usize> = BTreeMap::new();
        for row in &self.rows {
            let kept = self.kept_id(&row.entity_id).to_string();
            match &row.decision {
                Decision::Same(_) => {}
                Decision::Different(other) => {
                    let pair = ordered(&kept, self.kept_id(other));
                    if pair.0 == pair.1 {
                        return Err(format!(
                            "{file}: line {}: {} and {other} are `different`, but `same` rows ({}) join them",
                            row.line,
                            row.entity_id,
                            self.same_lines(&kept)
                        ));
                    }
                    different_lines.entry(pair).or_insert(row.line);
                }
                Decision::NotAnEntity => {
                    if self.kept.contains_key(&row.entity_id) {
                        return Err(format!(
                            "{file}: line {}: {} is `not-an-entity`, but `same` rows ({}) merge it with other entities",
                            row.line,
                            row.entity_id,
                            self.same_lines(&kept)
                        ));
                    }
                    self.rejected.entry(kept).or_insert(row.line);
                }
                Decision::Label(label) => {
                    if let Some((earlier, line)) = self.labels.get(&kept) {
                        if earlier != label {
                            return Err(format!(
                                "{file}: lines {line} and {}: two labels for the entity {kept} ({earlier}, {label})",
                                row.line
                            ));
                        }
                    }
                    self.labels.insert(kept, (*label, row.line));
                }
                Decision::Name(name) => {
                    if let Some((earlier, line)) = self.names.get(&kept) {
                        if earlier != name {
                            return Err(format!(
                                "{file}: lines {line} and {}: two names for the entity {kept} ({earlier:?}, {name:?})",
                                row.line
                            ));
                        }
                    }
                    self.names.insert(kept, (name.clone(), row.line));
                }
            }
        }
        self.different = different_lines.into_keys().collect();
        Ok(())
    }

    /// The lines of the `same` rows that touch the set kept under `kept`.
    fn same_lines(&self, kept: &str) -> String {
        let lines: Vec<String> = self
            .rows
            .iter()
            .filter(|r| {
                matches!(r.decision, Decision::Same(_)) && self.kept_id(&r.entity_id) == kept
            })
            .map(|r| format!("line {}", r.line))
            .collect();
        lines.join(", ")
    }
}

fn ordered(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    }
}

/// The rows of the file, each checked on its own.
fn read_rows(text: &str, file: &str) -> Result<Vec<DecisionRow>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| format!("{file}: {e}"))?
        .clone();
    let expected = ["entity_id", "decision", "other", "note"];
    if header.len() < 3 || header.iter().zip(expected).any(|(h, e)| h.trim() != e) {
        return Err(format!(
            "{file}: line 1: the header must start with entity_id,decision,other,note (found {})",
            header.iter().collect::<Vec<_>>().join(",")
        ));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("{file}: {e}"))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let (entity_id, kind, other) = (field(0), field(1), field(2));
        let bad = |why: String| format!("{file}: line {line}: {why}");
        if entity_id.is_empty() {
            return Err(bad("no entity_id".to_string()));
        }
        let needs_other = |what: &str| {
            if other.is_empty() {
                Err(bad(format!("`{kind}` needs {what} in the column other")))
            } else {
                Ok(other.to_string())
            }
        };
        let decision = match kind {
            "same" => Decision::Same(needs_other("another entity id")?),
            "different" => Decision::Different(needs_other("another entity id")?),
            "not-an-entity" => Decision::NotAnEntity,
            "label" => {
                let name = needs_other("a label")?;
                let label = LABELS
                    .into_iter()
                    .find(|l| l.as_str() == name)
                    .ok_or_else(|| {
                        bad(format!(
                            "unknown label {name:?} (PERSON, ORGANISATION, PLACE or MISC)"
                        ))
                    })?;
                Decision::Label(label)
            }
            "name" => Decision::Name(needs_other("the name")?),
            other => {
                return Err(bad(format!(
                    "unknown decision {other:?} (same, different, not-an-entity, label or name)"
                )))
            }
        };
        rows.push(DecisionRow {
            line,
            entity_id: entity_id.to_string(),
            decision,
            note: field(3).to_string(),
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "entity_id,decision,other,note\n";

    fn parse(rows: &str) -> Result<Decisions, String> {
        Decisions::parse(&format!("{HEADER}{rows}"), "decisions.csv")
    }

    #[test]
    fn same_is_transitive_and_keeps_the_smallest_id() {
        let d = parse("per-c,same,per-b,\nper-b,same,per-a,spelling\nper-x,name,X Y,\n").unwrap();
        assert_eq!(d.kept_id("per-c"), "per-a");
        assert_eq!(d.kept_id("per-b"), "per-a");
        assert_eq!(d.kept_id("per-a"), "per-a");
        assert_eq!(d.kept_id("per-z"), "per-z");
        assert_eq!(d.merged_into("per-a"), ["per-b", "per-c"]);
        assert_eq!(d.name("per-x"), Some("X Y"));
        assert_eq!(d.rows[1].note, "spelling");
    }

    #[test]
    fn label_name_reject_and_different() {
        let d = parse(
            "ent-novi-sad,label,PLACE,\nper-a,same,per-b,\nper-b,name,Veljko Belivuk,\n\
             ent-postovani,not-an-entity,,salutation\nper-a,different,per-q,\n",
        )
        .unwrap();
        assert_eq!(d.label("ent-novi-sad"), Some(Label::Place));
        assert_eq!(d.name("per-a"), Some("Veljko Belivuk"));
        assert!(d.is_rejected("ent-postovani"));
        assert!(!d.is_rejected("per-a"));
        assert!(d.are_different("per-b", "per-q"));
        assert!(!d.are_different("per-a", "per-b"));
    }

    #[test]
    fn contradictions_and_bad_rows_name_their_lines() {
        let cases = [
            (
                "a,same,b,\nb,same,c,\na,different,c,\n",
                "decisions.csv: line 4: a and c are `different`, but `same` rows (line 2, line 3) join them",
            ),
            (
                "a,same,b,\nb,not-an-entity,,\n",
                "decisions.csv: line 3: b is `not-an-entity`, but `same` rows (line 2) merge it with other entities",
            ),
            (
                "a,same,b,\na,name,A,\nb,name,B,\n",
                "decisions.csv: lines 3 and 4: two names for the entity a (\"A\", \"B\")",
            ),
            (
                "a,label,PLACE,\na,label,PERSON,\n",
                "decisions.csv: lines 2 and 3: two labels for the entity a (PLACE, PERSON)",
            ),
            (
                "a,label,AMOUNT,\n",
                "decisions.csv: line 2: unknown label \"AMOUNT\" (PERSON, ORGANISATION, PLACE or MISC)",
            ),
            (
                "a,merge,b,\n",
                "decisions.csv: line 2: unknown decision \"merge\" (same, different, not-an-entity, label or name)",
            ),
            ("a,same,,\n", "decisions.csv: line 2: `same` needs another entity id in the column other"),
            (",same,b,\n", "decisions.csv: line 2: no entity_id"),
            ("a,same,a,\n", "decisions.csv: line 2: an entity is `same` as itself (a)"),
        ];
        for (rows, message) in cases {
            assert_eq!(parse(rows).unwrap_err(), message, "{rows}");
        }
        assert_eq!(
            Decisions::parse("id,what\n", "d.csv").unwrap_err(),
            "d.csv: line 1: the header must start with entity_id,decision,other,note (found id,what)"
        );
    }
}
