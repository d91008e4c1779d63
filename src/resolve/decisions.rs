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

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::{group_of_id, resolve_document_apart, Resolved};
use crate::doc::{Entity, Label, Mention};

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
#[derive(Debug, Clone, Default)]
pub struct Decisions {
    pub rows: Vec<DecisionRow>,
    /// Every id named in a `same` row → the id its set keeps.
    kept: HashMap<String, String>,
    /// Kept id → the ids merged into it (itself excluded), sorted.
    merged: HashMap<String, Vec<String>>,
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
    pub fn merged_into(&self, kept_id: &str) -> &[String] {
        self.merged.get(kept_id).map_or(&[], Vec::as_slice)
    }

    /// Whether the file has `different` rows (which undo links within
    /// documents, so documents are resolved again).
    pub fn has_different(&self) -> bool {
        !self.different.is_empty()
    }

    /// One document's mentions resolved again by the rules, no link joining
    /// entities judged `different`; `None` when no row is `different` (the
    /// run's own resolution stands).
    pub fn resolve_apart<'m>(
        &self,
        mentions: impl Iterator<Item = &'m Mention>,
    ) -> Option<Vec<Resolved>> {
        if !self.has_different() {
            return None;
        }
        let mentions: Vec<Mention> = mentions.cloned().collect();
        Some(resolve_document_apart(&mentions, &|a, b| {
            self.are_different(a, b)
        }))
    }

    /// The row that rejected `entity_id`'s entity.
    pub fn rejecting_row(&self, entity_id: &str) -> Option<&DecisionRow> {
        let line = *self.rejected.get(self.kept_id(entity_id))?;
        // Rows are in line order.
        let at = self.rows.binary_search_by_key(&line, |r| r.line).ok()?;
        self.rows.get(at)
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
                if is_amount(&row.entity_id) != is_amount(other) {
                    return Err(format!(
                        "{file}: line {}: an amount and a name cannot be `same` ({} and {other})",
                        row.line, row.entity_id
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
            if kept != id {
                self.merged
                    .entry(kept.clone())
                    .or_default()
                    .push(id.clone());
            }
            self.kept.insert(id, kept);
        }
        self.merged.values_mut().for_each(|ids| ids.sort_unstable());
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
                    if *other == row.entity_id {
                        return Err(format!(
                            "{file}: line {}: an entity is `different` from itself ({other})",
                            row.line
                        ));
                    }
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
                    if is_amount(&row.entity_id) {
                        return Err(format!(
                            "{file}: line {}: {} is an amount, whose label stays AMOUNT",
                            row.line, row.entity_id
                        ));
                    }
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

/// A decisions file as a run applies it: where it is, its sha256 (for
/// run.json) and its checked rows.
#[derive(Debug, Clone)]
pub struct DecisionsFile {
    pub path: PathBuf,
    pub sha256: String,
    pub decisions: Decisions,
}

impl DecisionsFile {
    /// Reads and checks `path`; every error names the file (and the line).
    pub fn read(path: &Path) -> anyhow::Result<DecisionsFile> {
        let bytes = std::fs::read(path).map_err(|e| {
            anyhow::anyhow!("{}: cannot read the decisions file: {e}", path.display())
        })?;
        let name = path.display().to_string();
        let text = String::from_utf8(bytes).map_err(|_| {
            anyhow::anyhow!("{name}: the decisions file is not UTF-8 text; save it as CSV UTF-8")
        })?;
        let sha256 = crate::digest::sha256_hex(text.as_bytes());
        // A spreadsheet may save UTF-8 with a byte-order mark.
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let decisions = Decisions::parse(text, &name).map_err(anyhow::Error::msg)?;
        Ok(DecisionsFile {
            path: path.to_path_buf(),
            sha256,
            decisions,
        })
    }
}

/// What applying a decisions file did in one run (run.json, messages).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DecisionsOutcome {
    /// Rows in the file.
    pub rows: usize,
    /// Rows whose every entity id the run has.
    pub applied: usize,
    /// Mentions the `not-an-entity` rows moved to rejected.csv.
    pub rejected_mentions: usize,
    /// Ids the rows name that no mention of the run has, with how many rows
    /// name each: kept in the file for later runs, reported here.
    pub orphaned: BTreeMap<String, usize>,
}

impl DecisionsOutcome {
    /// "3 decisions name entities this run does not have: per-x (2 rows), …",
    /// or `None` when every decision found its entities.
    pub fn orphan_message(&self, file: &Path) -> Option<String> {
        if self.orphaned.is_empty() {
            return None;
        }
        let rows = self.rows - self.applied;
        let ids: Vec<String> = self
            .orphaned
            .iter()
            .map(|(id, n)| format!("{id} ({n} row{})", if *n == 1 { "" } else { "s" }))
            .collect();
        Some(format!(
            "{}: {rows} decision{} name{} {} entit{} this run does not have (kept for later runs): {}",
            file.display(),
            if rows == 1 { "" } else { "s" },
            if rows == 1 { "s" } else { "" },
            self.orphaned.len(),
            if self.orphaned.len() == 1 { "y" } else { "ies" },
            ids.join(", ")
        ))
    }
}

/// The decisions applied in the resolve stage, after the rules: each
/// mention's entity id, label or rejection, then the entities' names,
/// labels and merged ids. It notes which named ids the run has.
pub struct Judge<'d> {
    decisions: &'d Decisions,
    named: BTreeSet<&'d str>,
    seen: HashSet<&'d str>,
    rejected_mentions: usize,
}

impl<'d> Judge<'d> {
    pub fn new(decisions: &'d Decisions) -> Judge<'d> {
        Judge {
            decisions,
            named: decisions.named_ids(),
            seen: HashSet::new(),
            rejected_mentions: 0,
        }
    }

    /// One mention as the rules resolved it. `None`: kept, under the id,
    /// group and label the decisions give it; `Some(row)`: rejected by that
    /// row (the mention leaves every output but rejected.csv).
    pub fn mention(
        &mut self,
        mention: &mut Mention,
        resolved: &mut Resolved,
    ) -> Option<&'d DecisionRow> {
        if let Some(id) = self.named.get(resolved.entity_id.as_str()) {
            self.seen.insert(id);
        }
        mention.entity_id.clone_from(&resolved.entity_id);
        if let Some(row) = self.decisions.rejecting_row(&resolved.entity_id) {
            self.rejected_mentions += 1;
            return Some(row);
        }
        let kept = self.decisions.kept_id(&resolved.entity_id);
        if kept != resolved.entity_id {
            resolved.group_label = group_of_id(kept).unwrap_or(resolved.group_label);
            resolved.entity_id = kept.to_string();
            mention.entity_id.clone_from(&resolved.entity_id);
        }
        if let Some(label) = self.decisions.label(&resolved.entity_id) {
            mention.label = label;
        }
        None
    }

    /// The decided names, labels and merged ids on the run's entities, in
    /// the table's order again.
    pub fn entities(&self, entities: &mut [Entity]) {
        for e in entities.iter_mut() {
            if let Some(label) = self.decisions.label(&e.id) {
                e.label = label;
                e.other_labels.retain(|(l, _)| *l != label);
            }
            if let Some(name) = self.decisions.name(&e.id) {
                e.canonical = name.to_string();
            }
            e.merged_ids = self.decisions.merged_into(&e.id).to_vec();
        }
        super::table::sort_entities(entities);
    }

    /// What the decisions did in this run.
    pub fn outcome(&self) -> DecisionsOutcome {
        let mut orphaned = BTreeMap::new();
        let mut applied = 0;
        for row in &self.decisions.rows {
            let mut ids = vec![row.entity_id.as_str()];
            if let Decision::Same(other) | Decision::Different(other) = &row.decision {
                ids.push(other);
            }
            let missing: Vec<&str> = ids
                .into_iter()
                .filter(|id| !self.seen.contains(id))
                .collect();
            if missing.is_empty() {
                applied += 1;
            }
            for id in missing {
                *orphaned.entry(id.to_string()).or_insert(0) += 1;
            }
        }
        DecisionsOutcome {
            rows: self.decisions.rows.len(),
            applied,
            rejected_mentions: self.rejected_mentions,
            orphaned,
        }
    }
}

fn is_amount(entity_id: &str) -> bool {
    group_of_id(entity_id) == Some(Label::Amount)
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
            ("a,different,a,\n", "decisions.csv: line 2: an entity is `different` from itself (a)"),
            (
                "per-a,same,amt-5-t,\n",
                "decisions.csv: line 2: an amount and a name cannot be `same` (per-a and amt-5-t)",
            ),
            (
                "amt-5-t,label,PLACE,\n",
                "decisions.csv: line 2: amt-5-t is an amount, whose label stays AMOUNT",
            ),
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
