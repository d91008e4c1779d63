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
    /// Extra JSONL fields, kept as they were.
    pub metadata: serde_json::Map<String, serde_json::Value>,
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
    /// Length in code points.
    pub chars: usize,
    /// Sub-tokens the model read.
    pub tokens: usize,
    pub mentions: usize,
    pub status: DocStatus,
    /// Empty when `status` is ok.
    pub error: String,
}

impl DocumentOutcome {
    /// The outcome of a document that failed before recognition.
    pub fn failed(doc_id: &str, source_path: &str, error: &str) -> DocumentOutcome {
        DocumentOutcome {
            doc_id: doc_id.to_string(),
            source_path: source_path.to_string(),
            title: String::new(),
            chars: 0,
            tokens: 0,
            mentions: 0,
            status: DocStatus::Error,
            error: error.to_string(),
        }
    }

    pub fn is_ok(&self) -> bool {
        self.status == DocStatus::Ok
    }
}
