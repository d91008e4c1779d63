//! Ingest: the sources documents come from, streamed in a fixed order.
//!
//! [`Source`] is the seam; [`folder::Corpus`] (a folder of files) and
//! [`jsonl::JsonlSource`] (a JSONL file or standard input) implement it.
//!
//! - Every file in a format [`extract`] reads (`.txt`, `.md`, `.html`/`.htm`,
//!   `.pdf`, `.docx`, `.odt`, `.eml`) is one document, plus one per readable
//!   attachment of a mail; an `.mbox` holds one per message. The title comes
//!   from the format (first non-empty line without Markdown `#`s, `og:title`,
//!   PDF Info, Subject, ...); doc_id is the path relative to the corpus root,
//!   with `/` separators.
//! - `.jsonl` files hold one document per line: `id` (string or number) and
//!   `text` are required, `title` is optional, other fields are kept as
//!   metadata.
//! - Files in other formats, symlinks to folders, to files outside the corpus
//!   or to nothing, and FIFOs, sockets and devices are skipped and counted by
//!   reason ([`folder::Corpus::skipped`], run.json `counts.skipped`). Files are
//!   visited in sorted path order, so runs are deterministic.
//!
//! A document that cannot be read becomes a [`Failed`] item naming the file and
//! the problem; it never stops the walk.

use crate::doc::Document;

/// A document that could not be ingested.
#[derive(Debug, Clone, PartialEq)]
pub struct Failed {
    pub id: String,
    pub source_path: String,
    /// The format of the file, by its extension (`""` when unknown).
    pub format: &'static str,
    pub error: String,
}

/// What the ingest stage yields.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Document(Document),
    Failed(Failed),
}

pub mod extract;
pub mod folder;
pub mod isolate;
pub mod jsonl;
pub mod language;
pub mod ocr;
pub mod shard;
pub mod tool;

pub use folder::Corpus;
pub use jsonl::{read_jsonl, JsonlSource};

/// Where documents come from. A source streams the documents `selection`
/// wants, in an order every run of the same input repeats.
pub trait Source {
    /// Total input size in bytes, for progress (0 when unknown: a stream).
    fn total_bytes(&self) -> u64;
    fn select(self: Box<Self>, selection: Selection) -> Box<dyn Iterator<Item = Ingested> + Send>;
}

/// Where a document sits in the corpus: its file and, in a JSONL file, its
/// line (0 for a whole file). Ordered as the corpus is walked.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Position {
    pub file: String,
    pub line: u64,
}

impl Position {
    pub fn new(file: &str, line: u64) -> Position {
        Position {
            file: file.to_string(),
            line,
        }
    }
}

impl Ord for Position {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // Component-wise, as the walk sorts siblings by name ("a/b" < "a-c").
        self.file
            .split('/')
            .cmp(other.file.split('/'))
            .then(self.line.cmp(&other.line))
    }
}

impl PartialOrd for Position {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// One step of the ingest stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Ingested {
    /// `None` when the document belongs to another shard or is already done.
    pub item: Option<Item>,
    /// The document was processed by an earlier, interrupted run.
    pub already_done: bool,
    /// Corpus bytes this step accounts for (progress).
    pub bytes: u64,
    pub position: Position,
}

/// Which documents a run wants.
#[derive(Debug, Clone)]
pub struct Selection {
    pub shard: crate::ingest::shard::Shard,
    /// Positions already processed (resume).
    pub done: std::collections::HashSet<Position>,
    /// Larger documents are refused with an error row.
    pub max_doc_bytes: u64,
}

impl Default for Selection {
    fn default() -> Self {
        Selection {
            shard: crate::ingest::shard::Shard::WHOLE,
            done: Default::default(),
            max_doc_bytes: DEFAULT_MAX_DOC_BYTES,
        }
    }
}

impl Selection {
    fn done(&self, position: &Position) -> bool {
        self.done.contains(position)
    }

    fn wants(&self, position: &Position, doc_id: &str) -> bool {
        self.shard.owns(doc_id) && !self.done.contains(position)
    }
}

/// Default document size limit: larger texts are almost always dumps or
/// binary files, and would hold the model for hours.
pub const DEFAULT_MAX_DOC_BYTES: u64 = 10 * 1024 * 1024;

/// The format of a source path (`file.pdf`, `feed.jsonl:3`), by extension.
pub(crate) fn format_of_source(source: &str) -> &'static str {
    let file = source
        .rsplit_once(':')
        .filter(|(_, n)| n.parse::<u64>().is_ok())
        .map_or(source, |(f, _)| f);
    extract::FileFormat::of_name(file).map_or("", |f| f.name())
}

pub(crate) fn failed(id: &str, source: &str, error: impl Into<String>) -> Item {
    Item::Failed(Failed {
        id: id.to_string(),
        source_path: source.to_string(),
        format: format_of_source(source),
        error: error.into(),
    })
}

/// Checks text from a file: valid UTF-8 was checked by the caller; here we
/// refuse empty documents and binary content.
pub(crate) fn check_text(text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err("empty document".into());
    }
    if let Some(pos) = text.find('\0') {
        return Err(format!("binary content: NUL byte at byte {pos}"));
    }
    Ok(())
}

pub(crate) fn too_large(size: u64, limit: u64) -> String {
    format!("document too large: {size} bytes (limit {limit}; raise --max-doc-bytes to accept it)")
}

/// The extracted text of a file over `limit`: a small file can hold a great
/// deal of text (a compressed DOCX), and the model's time grows with it.
pub(crate) fn text_too_large(bytes: usize, limit: u64) -> Option<String> {
    (bytes as u64 > limit).then(|| {
        format!("extracted text too large: {bytes} bytes (limit {limit}; raise --max-doc-bytes to accept it)")
    })
}

/// The first non-empty line, trimmed (Markdown heading marks removed).
pub fn title_of(text: &str, markdown: bool) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if markdown {
        line.trim_start_matches('#').trim().to_string()
    } else {
        line.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::jsonl::*;
    use super::*;
    use serde_json::Value;

    #[test]
    fn jsonl_lines() {
        let doc = parse_jsonl_line(
            r#"{"id": 7, "text": "Hi there", "lang": "en"}"#,
            "a.jsonl:1",
        );
        match doc {
            Item::Document(d) => {
                assert_eq!(d.id, "7");
                assert_eq!(d.title, "Hi there");
                assert_eq!(d.metadata.get("lang"), Some(&Value::String("en".into())));
            }
            other => panic!("{other:?}"),
        }
        let bad = parse_jsonl_line("{\"id\": \"x\", ", "a.jsonl:2");
        assert!(
            matches!(bad, Item::Failed(f) if f.error.starts_with("malformed JSONL line") && f.id == "a.jsonl:2")
        );
    }

    #[test]
    fn a_huge_jsonl_id_is_refused_not_copied() {
        let id = "x".repeat(1_000_000);
        let line = format!(r#"{{"id": "{id}", "text": "Darko Šarić"}}"#);
        match parse_jsonl_line(&line, "a.jsonl:3") {
            Item::Failed(f) => {
                assert_eq!(f.id, "a.jsonl:3");
                assert_eq!(
                    f.error,
                    "JSONL \"id\" is 1000000 bytes long (limit 1024): give the document a shorter id"
                );
            }
            other => panic!("{other:?}"),
        }
        let fine = format!(r#"{{"id": "{}", "text": "Darko Šarić"}}"#, "x".repeat(1024));
        assert!(
            matches!(parse_jsonl_line(&fine, "a.jsonl:4"), Item::Document(d) if d.id.len() == 1024)
        );
    }

    #[test]
    fn markdown_title() {
        assert_eq!(title_of("\n\n# Port of Bar  \ntext", true), "Port of Bar");
    }
}
