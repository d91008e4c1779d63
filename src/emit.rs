//! Emit: the output files of a run. Every file is written to a temporary name
//! beside its destination and renamed, so readers never see half a file.

use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically (temporary file + rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes)
        .with_context(|| format!("{}: cannot write", path.display()))?;
    file.commit()
}

/// A file being written under a temporary name; [`AtomicFile::commit`] renames
/// it into place, dropping it uncommitted removes it.
pub struct AtomicFile {
    tmp: PathBuf,
    dest: PathBuf,
    writer: Option<std::io::BufWriter<std::fs::File>>,
}

impl AtomicFile {
    pub fn create(dest: &Path) -> anyhow::Result<AtomicFile> {
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dest.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
        let file = std::fs::File::create(&tmp)
            .with_context(|| format!("{}: cannot create", tmp.display()))?;
        Ok(AtomicFile {
            tmp,
            dest: dest.to_path_buf(),
            writer: Some(std::io::BufWriter::new(file)),
        })
    }

    pub fn commit(mut self) -> anyhow::Result<()> {
        if let Some(writer) = self.writer.take() {
            let file = writer.into_inner().map_err(|e| {
                anyhow::anyhow!("{}: cannot write: {}", self.dest.display(), e.error())
            })?;
            file.sync_all()
                .with_context(|| format!("{}: cannot write", self.dest.display()))?;
        }
        std::fs::rename(&self.tmp, &self.dest)
            .with_context(|| format!("{}: cannot rename into place", self.dest.display()))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.writer {
            Some(w) => w.write(buf),
            None => Err(std::io::Error::other("file already committed")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.writer {
            Some(w) => w.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.writer.is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

use crate::document::{Entity, Label, Mention};
use serde::{Deserialize, Serialize};

/// Joins list cells (aliases, documents) in CSV output.
pub const LIST_SEPARATOR: &str = " | ";

/// Scores are written with 4 decimals so outputs are stable and readable.
pub fn round_score(score: f32) -> f64 {
    (f64::from(score) * 10_000.0).round() / 10_000.0
}

/// One row of mentions.csv; mentions.jsonl holds the same fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MentionRecord {
    pub doc_id: String,
    pub mention_id: String,
    pub entity_id: String,
    pub label: Label,
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub score: f64,
    pub source: String,
    pub context: String,
    pub amount_kind: Option<String>,
    pub value: Option<String>,
    pub unit: Option<String>,
}

impl MentionRecord {
    pub fn new(mention: &Mention, index: usize, entity_id: &str) -> MentionRecord {
        MentionRecord {
            doc_id: mention.doc_id.clone(),
            mention_id: format!("{}#{}", mention.doc_id, index),
            entity_id: entity_id.to_string(),
            label: mention.label,
            text: mention.text.clone(),
            start: mention.start,
            end: mention.end,
            score: round_score(mention.score),
            source: mention.source.clone(),
            context: mention.context.clone(),
            amount_kind: mention.amount.as_ref().map(|a| a.kind.clone()),
            value: mention.amount.as_ref().map(|a| a.value.clone()),
            unit: mention.amount.as_ref().map(|a| a.unit.clone()),
        }
    }
}

/// A mention as written to mentions.jsonl: the CSV columns plus the amount
/// details that have no CSV column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MentionJson {
    #[serde(flatten)]
    pub record: MentionRecord,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_max: Option<String>,
}

impl MentionJson {
    pub fn new(mention: &Mention, index: usize, entity_id: &str) -> MentionJson {
        MentionJson {
            record: MentionRecord::new(mention, index, entity_id),
            qualifier: mention.amount.as_ref().and_then(|a| a.qualifier.clone()),
            value_max: mention.amount.as_ref().and_then(|a| a.value_max.clone()),
        }
    }

    /// The mention back in the data model (scores as written, rounded).
    pub fn to_mention(&self) -> Mention {
        let r = &self.record;
        Mention {
            doc_id: r.doc_id.clone(),
            start: r.start,
            end: r.end,
            text: r.text.clone(),
            label: r.label,
            score: r.score as f32,
            source: r.source.clone(),
            context: r.context.clone(),
            amount: match (&r.amount_kind, &r.value, &r.unit) {
                (Some(kind), Some(value), Some(unit)) => Some(crate::document::Amount {
                    kind: kind.clone(),
                    value: value.clone(),
                    unit: unit.clone(),
                    qualifier: self.qualifier.clone(),
                    value_max: self.value_max.clone(),
                }),
                _ => None,
            },
        }
    }
}

/// Spreadsheets run a cell that starts with `=`, `+`, `-`, `@`, tab or
/// carriage return as a formula; CSV cells that do get a leading `'`. JSONL
/// keeps the raw text.
pub fn csv_safe(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

fn csv_safe_opt(cell: &Option<String>) -> Option<String> {
    cell.as_deref().map(csv_safe)
}

impl MentionRecord {
    /// The record with every text cell made safe for spreadsheets.
    pub fn csv_safe(&self) -> MentionRecord {
        MentionRecord {
            doc_id: csv_safe(&self.doc_id),
            mention_id: csv_safe(&self.mention_id),
            entity_id: csv_safe(&self.entity_id),
            label: self.label,
            text: csv_safe(&self.text),
            start: self.start,
            end: self.end,
            score: self.score,
            source: csv_safe(&self.source),
            context: csv_safe(&self.context),
            amount_kind: csv_safe_opt(&self.amount_kind),
            value: csv_safe_opt(&self.value),
            unit: csv_safe_opt(&self.unit),
        }
    }
}

impl EntityRecord {
    pub fn csv_safe(&self) -> EntityRecord {
        EntityRecord {
            entity_id: csv_safe(&self.entity_id),
            label: self.label,
            canonical: csv_safe(&self.canonical),
            aliases: csv_safe(&self.aliases),
            mention_count: self.mention_count,
            document_count: self.document_count,
            documents: csv_safe(&self.documents),
            score: self.score,
            amount_kind: csv_safe_opt(&self.amount_kind),
            value: csv_safe_opt(&self.value),
            unit: csv_safe_opt(&self.unit),
        }
    }
}

impl DocumentRecord {
    pub fn csv_safe(&self) -> DocumentRecord {
        DocumentRecord {
            doc_id: csv_safe(&self.doc_id),
            source_path: csv_safe(&self.source_path),
            title: csv_safe(&self.title),
            error: csv_safe(&self.error),
            status: self.status.clone(),
            ..*self
        }
    }
}

/// One row of entities.csv. In entities.jsonl, `aliases` and `documents` are
/// arrays and the labels its mentions had besides `label` are listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityRecord {
    pub entity_id: String,
    pub label: Label,
    pub canonical: String,
    pub aliases: String,
    pub mention_count: usize,
    pub document_count: usize,
    pub documents: String,
    pub score: f64,
    pub amount_kind: Option<String>,
    pub value: Option<String>,
    pub unit: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityJson {
    pub entity_id: String,
    pub label: Label,
    pub canonical: String,
    pub aliases: Vec<String>,
    pub mention_count: usize,
    pub document_count: usize,
    pub documents: Vec<String>,
    pub score: f64,
    pub amount_kind: Option<String>,
    pub value: Option<String>,
    pub unit: Option<String>,
    /// Labels other mentions of this entity had, with their counts.
    pub other_labels: Vec<(Label, usize)>,
}

impl EntityJson {
    pub fn new(entity: &Entity, other_labels: Vec<(Label, usize)>) -> EntityJson {
        EntityJson {
            entity_id: entity.id.clone(),
            label: entity.label,
            canonical: entity.canonical.clone(),
            aliases: entity.aliases.clone(),
            mention_count: entity.mention_count,
            document_count: entity.documents.len(),
            documents: entity.documents.clone(),
            score: round_score(entity.score),
            amount_kind: entity.amount.as_ref().map(|a| a.kind.clone()),
            value: entity.amount.as_ref().map(|a| a.value.clone()),
            unit: entity.amount.as_ref().map(|a| a.unit.clone()),
            other_labels,
        }
    }

    pub fn to_csv_record(&self) -> EntityRecord {
        EntityRecord {
            entity_id: self.entity_id.clone(),
            label: self.label,
            canonical: self.canonical.clone(),
            aliases: self.aliases.join(LIST_SEPARATOR),
            mention_count: self.mention_count,
            document_count: self.document_count,
            documents: self.documents.join(LIST_SEPARATOR),
            score: self.score,
            amount_kind: self.amount_kind.clone(),
            value: self.value.clone(),
            unit: self.unit.clone(),
        }
    }
}

/// One row of documents.csv.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentRecord {
    pub doc_id: String,
    pub source_path: String,
    pub title: String,
    pub chars: usize,
    pub tokens: usize,
    pub mentions: usize,
    /// `ok` or `error`.
    pub status: String,
    pub error: String,
}

/// The streaming part of a run's output: mentions and documents are written as
/// documents finish; entities are written by [`RunWriter::finish`].
pub struct RunWriter {
    out: PathBuf,
    mentions_csv: csv::Writer<AtomicFile>,
    mentions_jsonl: AtomicFile,
    documents_csv: csv::Writer<AtomicFile>,
    documents_jsonl: AtomicFile,
    errors_jsonl: AtomicFile,
    mentions_written: usize,
    documents_written: usize,
}

impl RunWriter {
    pub fn create(out: &Path) -> anyhow::Result<RunWriter> {
        std::fs::create_dir_all(out)
            .with_context(|| format!("{}: cannot create the output folder", out.display()))?;
        Ok(RunWriter {
            out: out.to_path_buf(),
            mentions_csv: csv::Writer::from_writer(AtomicFile::create(&out.join("mentions.csv"))?),
            mentions_jsonl: AtomicFile::create(&out.join("mentions.jsonl"))?,
            documents_csv: csv::Writer::from_writer(AtomicFile::create(
                &out.join("documents.csv"),
            )?),
            documents_jsonl: AtomicFile::create(&out.join("documents.jsonl"))?,
            errors_jsonl: AtomicFile::create(&out.join("errors.jsonl"))?,
            mentions_written: 0,
            documents_written: 0,
        })
    }

    pub fn mention(&mut self, mention: &MentionJson) -> anyhow::Result<()> {
        self.mentions_csv.serialize(mention.record.csv_safe())?;
        self.mentions_written += 1;
        serde_json::to_writer(&mut self.mentions_jsonl, mention)?;
        self.mentions_jsonl.write_all(b"\n")?;
        Ok(())
    }

    pub fn document(&mut self, record: &DocumentRecord) -> anyhow::Result<()> {
        self.documents_csv.serialize(record.csv_safe())?;
        serde_json::to_writer(&mut self.documents_jsonl, record)?;
        self.documents_jsonl.write_all(b"\n")?;
        if record.status != "ok" {
            let line = serde_json::json!({
                "doc_id": record.doc_id,
                "source_path": record.source_path,
                "error": record.error,
            });
            serde_json::to_writer(&mut self.errors_jsonl, &line)?;
            self.errors_jsonl.write_all(b"\n")?;
        }
        self.documents_written += 1;
        Ok(())
    }

    /// Writes entities.csv and entities.jsonl, then renames every file into place.
    pub fn finish(mut self, entities: &[EntityJson]) -> anyhow::Result<()> {
        if self.mentions_written == 0 {
            self.mentions_csv.write_record(MENTION_COLUMNS)?;
        }
        if self.documents_written == 0 {
            self.documents_csv.write_record(DOCUMENT_COLUMNS)?;
        }
        let mut csv_out =
            csv::Writer::from_writer(AtomicFile::create(&self.out.join("entities.csv"))?);
        let mut jsonl = AtomicFile::create(&self.out.join("entities.jsonl"))?;
        for e in entities {
            csv_out.serialize(e.to_csv_record().csv_safe())?;
            serde_json::to_writer(&mut jsonl, e)?;
            jsonl.write_all(b"\n")?;
        }
        if entities.is_empty() {
            // Keep the header so that an empty result is still a valid table.
            csv_out.write_record(ENTITY_COLUMNS)?;
        }
        commit_csv(csv_out)?;
        jsonl.commit()?;
        commit_csv(self.mentions_csv)?;
        self.mentions_jsonl.commit()?;
        commit_csv(self.documents_csv)?;
        self.documents_jsonl.commit()?;
        self.errors_jsonl.commit()?;
        Ok(())
    }
}

pub const MENTION_COLUMNS: [&str; 13] = [
    "doc_id",
    "mention_id",
    "entity_id",
    "label",
    "text",
    "start",
    "end",
    "score",
    "source",
    "context",
    "amount_kind",
    "value",
    "unit",
];

pub const DOCUMENT_COLUMNS: [&str; 8] = [
    "doc_id",
    "source_path",
    "title",
    "chars",
    "tokens",
    "mentions",
    "status",
    "error",
];

pub const ENTITY_COLUMNS: [&str; 11] = [
    "entity_id",
    "label",
    "canonical",
    "aliases",
    "mention_count",
    "document_count",
    "documents",
    "score",
    "amount_kind",
    "value",
    "unit",
];

fn commit_csv(writer: csv::Writer<AtomicFile>) -> anyhow::Result<()> {
    writer
        .into_inner()
        .map_err(|e| anyhow::anyhow!("cannot write a CSV file: {}", e.error()))?
        .commit()
}
