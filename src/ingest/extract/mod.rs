//! Extractors: the text of one file in a document format (PDF, DOCX/ODT,
//! HTML, e-mail, legacy-encoded text), with what the format says about it.
//!
//! Each format is a file here with one entry point,
//! `fn extract(bytes: &[u8]) -> Result<Extracted, String>`; the error is a
//! sentence for the error row (the row names the file). The folder source
//! picks the extractor by extension ([`FileFormat`]).

use serde_json::{Map, Value};

pub mod office;
pub mod pdf;
pub mod wraps;

#[cfg(test)]
mod tests;

/// What an extractor read out of a file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extracted {
    /// The document's own title (`<title>`, PDF Title, DOCX core title, mail
    /// subject); `None` falls back to the first non-empty line.
    pub title: Option<String>,
    /// The text every mention offset refers to: paragraphs separated by a
    /// blank line, no markup.
    pub text: String,
    /// Byte offset in `text` where each page starts (PDF; empty elsewhere).
    pub page_starts: Vec<usize>,
    /// Facts of the file (author, publication date, From/To, ...), kept in
    /// the document's metadata as they are.
    pub metadata: Map<String, Value>,
    /// Files inside (mail attachments), each becoming its own document.
    pub attachments: Vec<Attachment>,
    /// The character encoding the text was decoded from, where the format
    /// leaves it open (plain text, mail bodies).
    pub encoding: Option<String>,
}

/// A file carried inside another (a mail attachment).
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    /// Its file name as the container gives it.
    pub name: String,
    pub bytes: Vec<u8>,
}
