//! Ingest: walks a corpus folder and streams its documents.
//!
//! - `.txt` and `.md` files are one document each; the title is the first
//!   non-empty line (without Markdown `#`s); doc_id is the path relative to the
//!   corpus root, with `/` separators.
//! - `.jsonl` files hold one document per line: `id` (string or number) and
//!   `text` are required, `title` is optional, other fields are kept as
//!   metadata.
//! - Other files are skipped. Files are visited in sorted path order, so runs
//!   are deterministic.
//!
//! A document that cannot be read becomes a [`Failed`] item naming the file and
//! the problem; it never stops the walk.

use crate::document::Document;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

/// A document that could not be ingested.
#[derive(Debug, Clone, PartialEq)]
pub struct Failed {
    pub id: String,
    pub source_path: String,
    pub error: String,
}

/// What the ingest stage yields.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Document(Document),
    Failed(Failed),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Markdown,
    JsonLines,
}

fn format_of(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "txt" => Some(Format::Text),
        "md" => Some(Format::Markdown),
        "jsonl" => Some(Format::JsonLines),
        _ => None,
    }
}

/// The files of a corpus, found up front (paths only, so memory stays small).
pub struct Corpus {
    root: PathBuf,
    /// (relative path, absolute path, format, size in bytes) or a walk error.
    entries: Vec<Result<(String, PathBuf, Format, u64), Failed>>,
}

impl Corpus {
    /// Lists the corpus files under `root`. Fails only if `root` itself is unusable.
    pub fn open(root: &Path) -> anyhow::Result<Corpus> {
        if !root.is_dir() {
            anyhow::bail!(
                "{}: corpus folder not found (give a folder of .txt, .md and .jsonl files)",
                root.display()
            );
        }
        let mut entries = Vec::new();
        let walker = walkdir::WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name();
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_file() => {
                    let Some(format) = format_of(e.path()) else { continue };
                    let relative = relative_id(root, e.path());
                    let size = e.metadata().map(|m| m.len()).unwrap_or(0);
                    entries.push(Ok((relative, e.path().to_path_buf(), format, size)));
                }
                Ok(_) => {}
                Err(err) => {
                    let path = err
                        .path()
                        .map(|p| relative_id(root, p))
                        .unwrap_or_else(|| root.display().to_string());
                    let problem = if err.loop_ancestor().is_some() {
                        "symbolic link loop".to_string()
                    } else {
                        err.io_error()
                            .map(|e| e.to_string())
                            .unwrap_or_else(|| err.to_string())
                    };
                    entries.push(Err(Failed {
                        id: path.clone(),
                        source_path: path,
                        error: format!("cannot read: {problem}"),
                    }));
                }
            }
        }
        Ok(Corpus {
            root: root.to_path_buf(),
            entries,
        })
    }

    /// Total size of the corpus files in bytes, for progress and ETA.
    pub fn total_bytes(&self) -> u64 {
        self.entries
            .iter()
            .filter_map(|e| e.as_ref().ok().map(|x| x.3))
            .sum()
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Streams the documents, reading each file only when it is reached.
    /// Each item comes with the number of corpus bytes it accounts for.
    pub fn documents(self) -> impl Iterator<Item = (Item, u64)> {
        self.entries.into_iter().flat_map(|entry| -> Box<dyn Iterator<Item = (Item, u64)>> {
            match entry {
                Err(failed) => Box::new(std::iter::once((Item::Failed(failed), 0))),
                Ok((relative, path, Format::JsonLines, _)) => Box::new(read_jsonl(relative, path)),
                Ok((relative, path, format, size)) => {
                    Box::new(std::iter::once((read_text_file(&relative, &path, format), size)))
                }
            }
        })
    }
}

fn relative_id(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn failed(id: &str, source: &str, error: impl Into<String>) -> Item {
    Item::Failed(Failed {
        id: id.to_string(),
        source_path: source.to_string(),
        error: error.into(),
    })
}

/// Checks text from a file: valid UTF-8 was checked by the caller; here we
/// refuse empty documents and binary content.
fn check_text(text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err("empty document".into());
    }
    if let Some(pos) = text.find('\0') {
        return Err(format!("binary content: NUL byte at byte {pos}"));
    }
    Ok(())
}

fn read_text_file(relative: &str, path: &Path, format: Format) -> Item {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return failed(relative, relative, format!("cannot read: {e}")),
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            return failed(
                relative,
                relative,
                format!("invalid UTF-8 at byte {}", e.utf8_error().valid_up_to()),
            )
        }
    };
    if let Err(problem) = check_text(&text) {
        return failed(relative, relative, problem);
    }
    let title = title_of(&text, format == Format::Markdown);
    Item::Document(Document {
        id: relative.to_string(),
        source_path: relative.to_string(),
        title,
        text,
        metadata: serde_json::Map::new(),
    })
}

/// The first non-empty line, trimmed (Markdown heading marks removed).
pub fn title_of(text: &str, markdown: bool) -> String {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    if markdown {
        line.trim_start_matches('#').trim().to_string()
    } else {
        line.to_string()
    }
}

fn read_jsonl(relative: String, path: PathBuf) -> impl Iterator<Item = (Item, u64)> {
    let (mut reader, mut open_error) = match std::fs::File::open(&path) {
        Ok(f) => (Some(BufReader::new(f)), None),
        Err(e) => (None, Some(failed(&relative, &relative, format!("cannot read: {e}")))),
    };
    let mut line_no = 0usize;
    let mut buf = Vec::new();
    std::iter::from_fn(move || {
        if let Some(item) = open_error.take() {
            return Some((item, 0));
        }
        let reader = reader.as_mut()?;
        loop {
            buf.clear();
            line_no += 1;
            let read = match reader.read_until(b'\n', &mut buf) {
                Ok(0) => return None,
                Ok(n) => n as u64,
                Err(e) => {
                    let source = format!("{relative}:{line_no}");
                    return Some((failed(&source, &source, format!("cannot read: {e}")), 0));
                }
            };
            let source = format!("{relative}:{line_no}");
            let line = match std::str::from_utf8(&buf) {
                Ok(l) => l.trim(),
                Err(e) => {
                    let msg = format!("invalid UTF-8 at byte {} of the line", e.valid_up_to());
                    return Some((failed(&source, &source, msg), read));
                }
            };
            if line.is_empty() {
                continue;
            }
            return Some((parse_jsonl_line(line, &source), read));
        }
    })
}

fn parse_jsonl_line(line: &str, source: &str) -> Item {
    let mut object = match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(o)) => o,
        Ok(_) => return failed(source, source, "malformed JSONL line: not a JSON object"),
        Err(e) => return failed(source, source, format!("malformed JSONL line: {e}")),
    };
    let id = match object.remove("id") {
        Some(Value::String(s)) if !s.trim().is_empty() => s,
        Some(Value::Number(n)) => n.to_string(),
        _ => return failed(source, source, "JSONL document has no \"id\" (string or number)"),
    };
    let text = match object.remove("text") {
        Some(Value::String(s)) => s,
        _ => return failed(&id, source, "JSONL document has no \"text\" string"),
    };
    if let Err(problem) = check_text(&text) {
        return failed(&id, source, problem);
    }
    let title = match object.remove("title") {
        Some(Value::String(s)) => s,
        _ => title_of(&text, false),
    };
    Item::Document(Document {
        id,
        source_path: source.to_string(),
        title,
        text,
        metadata: object,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonl_lines() {
        let doc = parse_jsonl_line(r#"{"id": 7, "text": "Hi there", "lang": "en"}"#, "a.jsonl:1");
        match doc {
            Item::Document(d) => {
                assert_eq!(d.id, "7");
                assert_eq!(d.title, "Hi there");
                assert_eq!(d.metadata.get("lang"), Some(&Value::String("en".into())));
            }
            other => panic!("{other:?}"),
        }
        let bad = parse_jsonl_line("{\"id\": \"x\", ", "a.jsonl:2");
        assert!(matches!(bad, Item::Failed(f) if f.error.starts_with("malformed JSONL line") && f.id == "a.jsonl:2"));
    }

    #[test]
    fn markdown_title() {
        assert_eq!(title_of("\n\n# Port of Bar  \ntext", true), "Port of Bar");
    }
}
