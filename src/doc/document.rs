use serde::{Deserialize, Serialize};
use std::fmt;

/// One input document, as read by the ingest stage.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Path relative to the corpus root, or the JSONL `id`.
    pub id: String,
    /// File the document came from, relative to the corpus root (for JSONL,
    /// `file.jsonl:LINE`).
    pub source_path: String,
    pub title: String,
    pub text: String,
    /// Facts of the source kept as they were: extra JSONL fields, a page's
    /// publication date, a mail's From/To, a PDF's page starts.
    pub metadata: serde_json::Map<String, serde_json::Value>,
    /// What the text was extracted from: `txt`, `md`, `jsonl`, `html`, `pdf`,
    /// `docx`, `odt`, `eml` or `mbox`.
    pub format: &'static str,
    /// The language the source declares (a JSONL `language` field) or the
    /// run forces (`--language`); `None` leaves it to detection.
    pub language: Option<String>,
    /// The character encoding a plain-text file was decoded from.
    pub encoding: Option<String>,
    /// Code-point offset in `text` where each page starts (PDF), so a
    /// mention's page is the last start at or before its offset.
    pub page_starts: Vec<usize>,
    /// Spans the source marks itself (a mail's sender and recipients,
    /// source [`super::span::MARKED_SOURCE`], score 1).
    pub marked_spans: Vec<super::Span>,
}

impl Document {
    /// A document with no metadata, of `format`.
    pub fn new(
        id: &str,
        source_path: &str,
        title: String,
        text: String,
        format: &'static str,
    ) -> Document {
        Document {
            id: id.to_string(),
            source_path: source_path.to_string(),
            title,
            text,
            metadata: serde_json::Map::new(),
            format,
            language: None,
            encoding: None,
            page_starts: Vec::new(),
            marked_spans: Vec::new(),
        }
    }
}

/// Whether a document went through the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocStatus {
    Ok,
    /// It could not be read or processed; `error` says why.
    Error,
}

impl DocStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DocStatus::Ok => "ok",
            DocStatus::Error => "error",
        }
    }
}

impl fmt::Display for DocStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a run records of one document (documents.csv/jsonl, a database row).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentOutcome {
    pub doc_id: String,
    pub source_path: String,
    pub title: String,
    /// The source format (see [`Document::format`]); empty for a file that
    /// could not be read.
    #[serde(default)]
    pub format: String,
    /// ISO 639-1 code of the text's language (declared, forced or detected);
    /// empty when undetermined.
    #[serde(default)]
    pub language: String,
    /// ISO 15924 code of the text's main script (`Latn`, `Cyrl`, ...).
    #[serde(default)]
    pub script: String,
    /// How the language was set: `detected`, `declared` (JSONL) or `forced`
    /// (`--language`).
    #[serde(default)]
    pub language_source: String,
    /// Page count (PDF).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<usize>,
    /// Encoding of a plain-text file that was not UTF-8 (`windows-1250`, ...).
    #[serde(default)]
    pub encoding: String,
    /// Length in code points.
    pub chars: usize,
    /// Sub-tokens the model read.
    pub tokens: usize,
    pub mentions: usize,
    pub status: DocStatus,
    /// Empty when `status` is ok.
    pub error: String,
    /// The text every mention offset refers to (empty for a failed document).
    #[serde(default)]
    pub text: String,
    /// The document's metadata (see [`Document::metadata`]).
    #[serde(default)]
    pub metadata: serde_json::Map<String, serde_json::Value>,
    /// Pages read by OCR (an image's pages, a PDF's pages without text or,
    /// with `--ocr force`, all of them); `None` where OCR read none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocr_pages: Option<usize>,
    /// The mean of those pages' mean word confidences (0–100, Tesseract's);
    /// each page's is in `metadata.ocr.confidence`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocr_confidence: Option<f64>,
}

impl DocumentOutcome {
    /// The outcome of a document that failed before recognition.
    pub fn failed(doc_id: &str, source_path: &str, format: &str, error: &str) -> DocumentOutcome {
        DocumentOutcome {
            doc_id: doc_id.to_string(),
            source_path: source_path.to_string(),
            title: String::new(),
            format: format.to_string(),
            language: String::new(),
            script: String::new(),
            language_source: String::new(),
            pages: None,
            encoding: String::new(),
            chars: 0,
            tokens: 0,
            mentions: 0,
            status: DocStatus::Error,
            error: error.to_string(),
            text: String::new(),
            metadata: serde_json::Map::new(),
            ocr_pages: None,
            ocr_confidence: None,
        }
    }

    pub fn is_ok(&self) -> bool {
        self.status == DocStatus::Ok
    }
}
