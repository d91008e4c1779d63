//! Extractors: the text of one file in a document format (PDF, DOCX/ODT,
//! HTML, e-mail, legacy-encoded text), with what the format says about it.
//!
//! Each format is a file here with one entry point,
//! `fn extract(bytes: &[u8]) -> Result<Extracted, String>`; the error is a
//! sentence for the error row (the row names the file). The folder source
//! picks the extractor by extension ([`FileFormat`]).

use serde_json::{Map, Value};

pub mod email;
pub mod html;
pub mod office;
pub mod pdf;
pub mod text;
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
    /// Spans the format marks itself (mail display names).
    pub spans: Vec<crate::doc::Span>,
}

/// The text of a one-document file in `format`.
pub fn extract(bytes: &[u8], format: FileFormat) -> Result<Extracted, String> {
    match format {
        FileFormat::Html => html::extract(bytes),
        FileFormat::Pdf => pdf::extract(bytes),
        FileFormat::Docx => office::extract_docx(bytes),
        FileFormat::Odt => office::extract_odt(bytes),
        FileFormat::Eml => email::extract(bytes),
        FileFormat::Text | FileFormat::Markdown => {
            text::decode(bytes).map(|(text, encoding)| Extracted {
                text,
                encoding: Some(encoding.to_string()),
                ..Extracted::default()
            })
        }
        FileFormat::Image => Err("an image: its text needs OCR (--ocr auto)".to_string()),
        FileFormat::JsonLines | FileFormat::Mbox => Err(format!(
            "a .{} file cannot be a single document",
            format.name()
        )),
    }
}

/// A file carried inside another (a mail attachment).
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    /// Its file name as the container gives it.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The formats a corpus folder reads, by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Text,
    Markdown,
    JsonLines,
    Html,
    Pdf,
    Docx,
    Odt,
    Eml,
    Mbox,
    /// A scan or photo (PNG, JPEG, TIFF, BMP, WebP), read by OCR.
    Image,
}

/// Extension (lower case) → format.
const EXTENSIONS: &[(&str, FileFormat)] = &[
    ("txt", FileFormat::Text),
    ("md", FileFormat::Markdown),
    ("jsonl", FileFormat::JsonLines),
    ("html", FileFormat::Html),
    ("htm", FileFormat::Html),
    ("pdf", FileFormat::Pdf),
    ("docx", FileFormat::Docx),
    ("odt", FileFormat::Odt),
    ("eml", FileFormat::Eml),
    ("mbox", FileFormat::Mbox),
    ("png", FileFormat::Image),
    ("jpg", FileFormat::Image),
    ("jpeg", FileFormat::Image),
    ("tif", FileFormat::Image),
    ("tiff", FileFormat::Image),
    ("bmp", FileFormat::Image),
    ("webp", FileFormat::Image),
];

impl FileFormat {
    /// The format of a file name, by its extension.
    pub fn of_name(name: &str) -> Option<FileFormat> {
        let (_, ext) = name.rsplit_once('.')?;
        let ext = ext.to_ascii_lowercase();
        EXTENSIONS.iter().find(|(e, _)| *e == ext).map(|(_, f)| *f)
    }

    /// The extensions a corpus reads, for messages.
    pub fn extensions() -> String {
        let names: Vec<String> = EXTENSIONS.iter().map(|(e, _)| format!(".{e}")).collect();
        names.join(", ")
    }

    /// The name in documents.csv's `format` column.
    pub fn name(self) -> &'static str {
        match self {
            FileFormat::Text => "txt",
            FileFormat::Markdown => "md",
            FileFormat::JsonLines => "jsonl",
            FileFormat::Html => "html",
            FileFormat::Pdf => "pdf",
            FileFormat::Docx => "docx",
            FileFormat::Odt => "odt",
            FileFormat::Eml => "eml",
            FileFormat::Mbox => "mbox",
            FileFormat::Image => "image",
        }
    }

    /// One file, one document (not a container of many: JSONL, mbox).
    pub fn is_document(self) -> bool {
        !matches!(self, FileFormat::JsonLines | FileFormat::Mbox)
    }
}
