//! mentions.csv, documents.csv and entities.csv, for spreadsheets: the same
//! records as the JSONL files, amounts as flat columns, lists joined with
//! [`LIST_SEPARATOR`](super::LIST_SEPARATOR), and every text cell guarded
//! against formula injection ([`csv_safe`]).

use super::atomic::AtomicFile;
use super::{Sink, LIST_SEPARATOR};
use crate::doc::{AmountKind, DocStatus, DocumentOutcome, Entity, Label, Mention};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// The header contract: columns are only ever added at the end.
pub const MENTION_COLUMNS: [&str; 15] = [
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
    "value_max",
    "qualifier",
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

pub const ENTITY_COLUMNS: [&str; 13] = [
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
    "value_max",
    "qualifier",
];

/// Spreadsheets run a cell that starts with `=`, `+`, `-`, `@`, tab or
/// carriage return as a formula; CSV cells that do get a leading `'`. A cell
/// that already starts with `'` gets one too, so the rule is reversible: drop
/// one leading `'` and the raw value is back. The guard depends on the value
/// alone, so an id reads the same in every column. JSONL keeps the raw text.
pub fn csv_safe(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\'') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// A list cell: every element guarded on its own, then joined, so that
/// splitting on [`LIST_SEPARATOR`] gives each id as its own column shows it.
pub fn csv_list(items: &[String]) -> String {
    let guarded: Vec<Cow<'_, str>> = items.iter().map(|i| csv_safe(i)).collect();
    guarded.join(LIST_SEPARATOR)
}

/// A row of mentions.csv ([`MENTION_COLUMNS`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MentionRow<'a> {
    pub doc_id: Cow<'a, str>,
    pub mention_id: Cow<'a, str>,
    pub entity_id: Cow<'a, str>,
    pub label: Label,
    pub text: Cow<'a, str>,
    pub start: usize,
    pub end: usize,
    pub score: f32,
    pub source: Cow<'a, str>,
    pub context: Cow<'a, str>,
    pub amount_kind: Option<AmountKind>,
    pub value: Option<Cow<'a, str>>,
    pub unit: Option<Cow<'a, str>>,
    pub value_max: Option<Cow<'a, str>>,
    pub qualifier: Option<Cow<'a, str>>,
}

/// A row of documents.csv ([`DOCUMENT_COLUMNS`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentRow<'a> {
    pub doc_id: Cow<'a, str>,
    pub source_path: Cow<'a, str>,
    pub title: Cow<'a, str>,
    pub chars: usize,
    pub tokens: usize,
    pub mentions: usize,
    pub status: DocStatus,
    pub error: Cow<'a, str>,
}

/// A row of entities.csv ([`ENTITY_COLUMNS`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityRow<'a> {
    pub entity_id: Cow<'a, str>,
    pub label: Label,
    pub canonical: Cow<'a, str>,
    pub aliases: String,
    pub mention_count: usize,
    pub document_count: usize,
    pub documents: String,
    pub score: f32,
    pub amount_kind: Option<AmountKind>,
    pub value: Option<Cow<'a, str>>,
    pub unit: Option<Cow<'a, str>>,
    pub value_max: Option<Cow<'a, str>>,
    pub qualifier: Option<Cow<'a, str>>,
}

pub fn mention_row(m: &Mention) -> MentionRow<'_> {
    MentionRow {
        doc_id: csv_safe(&m.doc_id),
        mention_id: csv_safe(&m.mention_id),
        entity_id: csv_safe(&m.entity_id),
        label: m.label,
        text: csv_safe(&m.text),
        start: m.start,
        end: m.end,
        score: m.score,
        source: csv_safe(&m.source),
        context: csv_safe(&m.context),
        amount_kind: m.amount.as_ref().map(|a| a.kind),
        value: m.amount.as_ref().map(|a| csv_safe(&a.value)),
        unit: m.amount.as_ref().map(|a| csv_safe(&a.unit)),
        value_max: m
            .amount
            .as_ref()
            .and_then(|a| a.value_max.as_deref().map(csv_safe)),
        qualifier: m
            .amount
            .as_ref()
            .and_then(|a| a.qualifier.as_deref().map(csv_safe)),
    }
}

pub fn document_row(d: &DocumentOutcome) -> DocumentRow<'_> {
    DocumentRow {
        doc_id: csv_safe(&d.doc_id),
        source_path: csv_safe(&d.source_path),
        title: csv_safe(&d.title),
        chars: d.chars,
        tokens: d.tokens,
        mentions: d.mentions,
        status: d.status,
        error: csv_safe(&d.error),
    }
}

pub fn entity_row(e: &Entity) -> EntityRow<'_> {
    EntityRow {
        entity_id: csv_safe(&e.id),
        label: e.label,
        canonical: csv_safe(&e.canonical),
        aliases: csv_list(&e.aliases),
        mention_count: e.mention_count,
        document_count: e.document_count,
        documents: csv_list(&e.documents),
        score: e.score,
        amount_kind: e.amount.as_ref().map(|a| a.kind),
        value: e.amount.as_ref().map(|a| csv_safe(&a.value)),
        unit: e.amount.as_ref().map(|a| csv_safe(&a.unit)),
        value_max: e
            .amount
            .as_ref()
            .and_then(|a| a.value_max.as_deref().map(csv_safe)),
        qualifier: e
            .amount
            .as_ref()
            .and_then(|a| a.qualifier.as_deref().map(csv_safe)),
    }
}

pub struct CsvSink {
    out: PathBuf,
    mentions: csv::Writer<AtomicFile>,
    documents: csv::Writer<AtomicFile>,
    mentions_written: usize,
    documents_written: usize,
}

impl CsvSink {
    pub fn create(out: &Path) -> anyhow::Result<CsvSink> {
        Ok(CsvSink {
            out: out.to_path_buf(),
            mentions: csv::Writer::from_writer(AtomicFile::create(&out.join("mentions.csv"))?),
            documents: csv::Writer::from_writer(AtomicFile::create(&out.join("documents.csv"))?),
            mentions_written: 0,
            documents_written: 0,
        })
    }
}

impl Sink for CsvSink {
    fn document(&mut self, outcome: &DocumentOutcome) -> anyhow::Result<()> {
        self.documents.serialize(document_row(outcome))?;
        self.documents_written += 1;
        Ok(())
    }

    fn mention(&mut self, mention: &Mention) -> anyhow::Result<()> {
        self.mentions.serialize(mention_row(mention))?;
        self.mentions_written += 1;
        Ok(())
    }

    fn finish(mut self: Box<Self>, entities: &[Entity]) -> anyhow::Result<()> {
        // An empty table still gets its header.
        if self.mentions_written == 0 {
            self.mentions.write_record(MENTION_COLUMNS)?;
        }
        if self.documents_written == 0 {
            self.documents.write_record(DOCUMENT_COLUMNS)?;
        }
        let mut out = csv::Writer::from_writer(AtomicFile::create(&self.out.join("entities.csv"))?);
        for e in entities {
            out.serialize(entity_row(e))?;
        }
        if entities.is_empty() {
            out.write_record(ENTITY_COLUMNS)?;
        }
        commit(out)?;
        commit(self.mentions)?;
        commit(self.documents)
    }
}

fn commit(writer: csv::Writer<AtomicFile>) -> anyhow::Result<()> {
    writer
        .into_inner()
        .map_err(|e| anyhow::anyhow!("cannot write a CSV file: {}", e.error()))?
        .commit()
}
