//! `nerpipe decide`: adds one decision to a decisions file without a
//! spreadsheet. The ids must be entities of the run (or ids it merged or
//! rejected), and the file with the new row must still pass every check of
//! [`Decisions::parse`]; only then is the row appended.

use crate::resolve::decisions::Decisions;
use crate::Error;
use anyhow::Context;
use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, clap::Args)]
pub struct DecideArgs {
    /// The output folder of the run the decision is about.
    pub out: PathBuf,
    /// same, different, not-an-entity, label or name.
    pub decision: String,
    /// The entity id, then the other id (same, different), the label
    /// (label) or the name (name).
    #[arg(num_args = 1..=2, required = true)]
    pub values: Vec<String>,
    /// A note kept with the decision (who, why).
    #[arg(long, default_value = "")]
    pub note: String,
    /// The decisions file to add to (created with its header if missing).
    /// Default: OUT/decisions.csv.
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
}

/// Appends the decision; says what was added and how to apply it.
pub fn decide(args: &DecideArgs) -> crate::error::Result<String> {
    let file = args
        .file
        .clone()
        .unwrap_or_else(|| args.out.join("decisions.csv"));
    let ids_needed = match args.decision.as_str() {
        "same" | "different" => 2,
        "not-an-entity" | "label" | "name" => 1,
        other => {
            return Err(Error::Usage(format!(
                "unknown decision {other:?} (same, different, not-an-entity, label or name)"
            )))
        }
    };
    let values_needed = if args.decision == "not-an-entity" {
        1
    } else {
        2
    };
    if args.values.len() != values_needed {
        let what = match args.decision.as_str() {
            "same" | "different" => "two entity ids",
            "label" => "an entity id and a label (PERSON, ORGANISATION, PLACE or MISC)",
            "name" => "an entity id and the name",
            _ => "one entity id",
        };
        return Err(Error::Usage(format!("`{}` needs {what}", args.decision)));
    }
    let known = run_entity_ids(&args.out)?;
    for id in &args.values[..ids_needed] {
        if !known.contains(id) {
            return Err(Error::Usage(format!(
                "{id}: no entity of the run in {} has this id (see its entities.csv, or candidates.csv)",
                args.out.display()
            )));
        }
    }
    let existing = match std::fs::read_to_string(&file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(anyhow::anyhow!("{}: cannot read: {e}", file.display()).into()),
    };
    let mut addition = String::new();
    if existing.is_empty() {
        addition.push_str("entity_id,decision,other,note\n");
    } else if !existing.ends_with('\n') {
        addition.push('\n');
    }
    addition.push_str(&csv_line(&[
        &args.values[0],
        &args.decision,
        args.values.get(1).map_or("", String::as_str),
        &args.note,
    ])?);
    let name = file.display().to_string();
    let checked =
        Decisions::parse(&format!("{existing}{addition}"), &name).map_err(Error::Usage)?;
    let line = checked.rows.last().map_or(0, |r| r.line);
    append(&file, &addition)?;
    Ok(format!(
        "{name}: line {line}: {} {}; apply it with `nerpipe merge {} --decisions {name}`",
        args.decision,
        args.values.join(" "),
        args.out.display()
    ))
}

/// Every id the run knows: its entities, the ids merged into them, and the
/// entities its decisions rejected.
fn run_entity_ids(out: &Path) -> crate::error::Result<HashSet<String>> {
    let mut ids = HashSet::new();
    for entity in crate::sink::read::read_entities(out)? {
        let entity = entity?;
        ids.extend(entity.merged_ids);
        ids.insert(entity.id);
    }
    let rejected = out.join("rejected.csv");
    if rejected.is_file() {
        let mut reader = csv::Reader::from_path(&rejected)
            .with_context(|| format!("{}: cannot read", rejected.display()))?;
        for record in reader.records() {
            let record = record.with_context(|| format!("{}: not CSV", rejected.display()))?;
            if let Some(id) = record.get(2) {
                ids.insert(id.trim_start_matches('\'').to_string());
            }
        }
    }
    Ok(ids)
}

/// One CSV line of `fields`, quoted where needed.
fn csv_line(fields: &[&str]) -> anyhow::Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(fields)?;
    let bytes = writer
        .into_inner()
        .map_err(|e| anyhow::anyhow!("cannot write a CSV line: {}", e.error()))?;
    Ok(String::from_utf8(bytes)?)
}

/// Appends `text` to `file` (created if missing): the analyst's own rows
/// stay as they are.
fn append(file: &Path, text: &str) -> anyhow::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
        .with_context(|| format!("{}: cannot open to add the decision", file.display()))?;
    f.write_all(text.as_bytes())
        .with_context(|| format!("{}: cannot add the decision", file.display()))
}
