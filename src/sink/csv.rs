//! mentions.csv, documents.csv and entities.csv, for spreadsheets: the same
//! records as the JSONL files, amounts as flat columns, lists joined with
//! [`LIST_SEPARATOR`](super::LIST_SEPARATOR), and every text cell guarded
//! against formula injection ([`csv_safe`]) and capped in length
//! ([`csv_text`]).

use super::{Sink, LIST_SEPARATOR};
use crate::atomic::AtomicFile;
use crate::doc::{AmountKind, DocStatus, DocumentOutcome, Entity, Label, Mention};
use crate::resolve::candidates::Candidate;
use crate::resolve::decisions::DecisionRow;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// The header contract: columns are only ever added at the end, never
/// renamed or moved (`tests/csv_headers.rs` pins each released header).
pub const MENTION_COLUMNS: [&str; 16] = [
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
    "lemma",
];

pub const DOCUMENT_COLUMNS: [&str; 15] = [
    "doc_id",
    "source_path",
    "title",
    "chars",
    "tokens",
    "mentions",
    "status",
    "error",
    "format",
    "language",
    "script",
    "pages",
    "encoding",
    "ocr_pages",
    "ocr_confidence",
];

pub const ENTITY_COLUMNS: [&str; 14] = [
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
    "merged_ids",
];

/// rejected.csv: the columns of mentions.csv, then the decision that
/// rejected the mention's entity, its line in the decisions file and its note.
pub const REJECTED_EXTRA_COLUMNS: [&str; 3] = ["decision", "decision_line", "decision_note"];

/// candidates.csv: pairs of entities the rules did not join that may be one.
pub const CANDIDATE_COLUMNS: [&str; 6] = [
    "entity_id",
    "other",
    "score",
    "reason",
    "canonical",
    "other_canonical",
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

/// Longest title cell in documents.csv, in characters, the ellipsis included:
/// a title is a line, and a 200 000-character "first line" is a dump.
pub const TITLE_CELL_CHARS: usize = 1_000;
/// Longest other text cell, in characters: under Excel's 32 767-character
/// cell limit and Python csv's 131 072-character field limit.
pub const TEXT_CELL_CHARS: usize = 32_000;

/// A text cell as CSV writes it: at most `limit` characters (longer text is
/// cut, ending in `…`; the JSONL files keep it whole), then [`csv_safe`].
pub fn csv_text(cell: &str, limit: usize) -> Cow<'_, str> {
    match cell.char_indices().nth(limit) {
        None => csv_safe(cell),
        Some(_) => {
            let cut = cell
                .char_indices()
                .nth(limit - 1)
                .map_or(cell.len(), |(i, _)| i);
            Cow::Owned(csv_safe(&format!("{}…", &cell[..cut])).into_owned())
        }
    }
}

fn cell(text: &str) -> Cow<'_, str> {
    csv_text(text, TEXT_CELL_CHARS)
}

/// A list cell: every element guarded on its own, then joined, so that
/// splitting on [`LIST_SEPARATOR`] gives each id as its own column shows it.
pub fn csv_list(items: &[String]) -> String {
    let guarded: Vec<Cow<'_, str>> = items.iter().map(|i| csv_safe(i)).collect();
    guarded.join(LIST_SEPARATOR)
}

/// A list cell cut, like any text cell, at [`TEXT_CELL_CHARS`] (whole in JSONL).
fn list_cell(items: &[String]) -> String {
    let joined = csv_list(items);
    match joined.char_indices().nth(TEXT_CELL_CHARS - 1) {
        Some((cut, _)) => format!("{}…", &joined[..cut]),
        None => joined,
    }
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
    /// The name's nominative ([`Mention::lemma`]); for amounts the counted
    /// noun's lemma. Added after `qualifier` (the header contract).
    #[serde(default)]
    pub lemma: Option<Cow<'a, str>>,
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
    pub format: Cow<'a, str>,
    pub language: Cow<'a, str>,
    pub script: Cow<'a, str>,
    pub pages: Option<usize>,
    pub encoding: Cow<'a, str>,
    /// Added with OCR, after `encoding` (the header contract).
    #[serde(default)]
    pub ocr_pages: Option<usize>,
    #[serde(default)]
    pub ocr_confidence: Option<f64>,
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
    /// Ids an analyst's `same` decisions merged into this one. Added after
    /// `qualifier` (the header contract).
    #[serde(default)]
    pub merged_ids: String,
}

pub fn mention_row(m: &Mention) -> MentionRow<'_> {
    MentionRow {
        doc_id: cell(&m.doc_id),
        mention_id: cell(&m.mention_id),
        entity_id: cell(&m.entity_id),
        label: m.label,
        text: cell(&m.text),
        start: m.start,
        end: m.end,
        score: m.score,
        source: cell(&m.source),
        context: cell(&m.context),
        amount_kind: m.amount.as_ref().map(|a| a.kind),
        value: m.amount.as_ref().map(|a| cell(&a.value)),
        unit: m.amount.as_ref().map(|a| cell(&a.unit)),
        value_max: m
            .amount
            .as_ref()
            .and_then(|a| a.value_max.as_deref().map(cell)),
        qualifier: m
            .amount
            .as_ref()
            .and_then(|a| a.qualifier.as_deref().map(cell)),
        lemma: Some(m.lemma()).filter(|l| !l.is_empty()).map(cell),
    }
}

pub fn document_row(d: &DocumentOutcome) -> DocumentRow<'_> {
    DocumentRow {
        doc_id: cell(&d.doc_id),
        source_path: cell(&d.source_path),
        title: csv_text(&d.title, TITLE_CELL_CHARS),
        chars: d.chars,
        tokens: d.tokens,
        mentions: d.mentions,
        status: d.status,
        error: cell(&d.error),
        format: cell(&d.format),
        language: cell(&d.language),
        script: cell(&d.script),
        pages: d.pages,
        encoding: cell(&d.encoding),
        ocr_pages: d.ocr_pages,
        ocr_confidence: d.ocr_confidence,
    }
}

pub fn entity_row(e: &Entity) -> EntityRow<'_> {
    EntityRow {
        entity_id: cell(&e.id),
        label: e.label,
        canonical: cell(&e.canonical),
        aliases: list_cell(&e.aliases),
        mention_count: e.mention_count,
        document_count: e.document_count,
        documents: list_cell(&e.documents),
        score: e.score,
        amount_kind: e.amount.as_ref().map(|a| a.kind),
        value: e.amount.as_ref().map(|a| cell(&a.value)),
        unit: e.amount.as_ref().map(|a| cell(&a.unit)),
        value_max: e
            .amount
            .as_ref()
            .and_then(|a| a.value_max.as_deref().map(cell)),
        qualifier: e
            .amount
            .as_ref()
            .and_then(|a| a.qualifier.as_deref().map(cell)),
        merged_ids: list_cell(&e.merged_ids),
    }
}

/// The files of a run for the analyst's review: rejected.csv (mentions of
/// rejected entities, as they come) and candidates.csv (at the end).
pub struct ReviewFiles {
    out: PathBuf,
    rejected: csv::Writer<AtomicFile>,
}

impl ReviewFiles {
    pub fn create(out: &Path) -> anyhow::Result<ReviewFiles> {
        let mut rejected = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(AtomicFile::create(&out.join("rejected.csv"))?);
        rejected.write_record(MENTION_COLUMNS.iter().chain(&REJECTED_EXTRA_COLUMNS))?;
        Ok(ReviewFiles {
            out: out.to_path_buf(),
            rejected,
        })
    }

    /// A mention whose entity `row` rejected.
    pub fn rejected(&mut self, mention: &Mention, row: &DecisionRow) -> anyhow::Result<()> {
        self.rejected.serialize((
            mention_row(mention),
            "not-an-entity",
            row.line,
            cell(&row.note),
        ))?;
        Ok(())
    }

    /// Writes candidates.csv and commits both files.
    pub fn finish(self, candidates: &[Candidate]) -> anyhow::Result<()> {
        let mut out = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(AtomicFile::create(&self.out.join("candidates.csv"))?);
        out.write_record(CANDIDATE_COLUMNS)?;
        for c in candidates {
            out.serialize((
                cell(&c.entity_id),
                cell(&c.other),
                c.score,
                cell(&c.reason),
                cell(&c.canonical),
                cell(&c.other_canonical),
            ))?;
        }
        commit(out)?;
        commit(self.rejected)
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
