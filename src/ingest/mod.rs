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

use crate::doc::Document;
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
                    let Some(format) = format_of(e.path()) else {
                        continue;
                    };
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
        Ok(Corpus { entries })
    }

    /// Total size of the corpus files in bytes, for progress and ETA.
    pub fn total_bytes(&self) -> u64 {
        self.entries
            .iter()
            .filter_map(|e| e.as_ref().ok().map(|x| x.3))
            .sum()
    }

    /// The readable corpus files: relative path, absolute path and size.
    pub fn files(&self) -> impl Iterator<Item = (&str, &Path, u64)> {
        self.entries.iter().filter_map(|e| {
            e.as_ref()
                .ok()
                .map(|(r, p, _, s)| (r.as_str(), p.as_path(), *s))
        })
    }

    /// Streams every document, reading each file only when it is reached.
    /// Each item comes with the number of corpus bytes it accounts for.
    pub fn documents(self) -> impl Iterator<Item = (Item, u64)> {
        self.select(Selection::default())
            .filter_map(|i| i.item.map(|item| (item, i.bytes)))
    }

    /// Streams the documents `selection` wants. Documents of other shards and
    /// positions already done yield `item: None` (their bytes still count for
    /// progress); whole files that are not wanted are not read at all.
    pub fn select(self, selection: Selection) -> impl Iterator<Item = Ingested> {
        let selection = std::sync::Arc::new(selection);
        self.entries
            .into_iter()
            .flat_map(move |entry| -> Box<dyn Iterator<Item = Ingested>> {
                let selection = selection.clone();
                match entry {
                    Err(failed) => {
                        let position = Position::new(&failed.source_path, 0);
                        let wanted = selection.wants(&position, &failed.id);
                        Box::new(std::iter::once(Ingested {
                            item: wanted.then_some(Item::Failed(failed)),
                            already_done: selection.done(&position),
                            bytes: 0,
                            position,
                        }))
                    }
                    Ok((relative, path, Format::JsonLines, _)) => {
                        match std::fs::File::open(&path) {
                            Ok(f) => Box::new(read_jsonl(relative, BufReader::new(f), selection)),
                            Err(e) => {
                                let position = Position::new(&relative, 0);
                                let wanted = selection.wants(&position, &relative);
                                let item =
                                    failed(&relative, &relative, format!("cannot read: {e}"));
                                Box::new(std::iter::once(Ingested {
                                    item: wanted.then_some(item),
                                    already_done: selection.done(&position),
                                    bytes: 0,
                                    position,
                                }))
                            }
                        }
                    }
                    Ok((relative, path, format, size)) => {
                        let position = Position::new(&relative, 0);
                        let item = selection.wants(&position, &relative).then(|| {
                            read_text_file(&relative, &path, format, size, selection.max_doc_bytes)
                        });
                        Box::new(std::iter::once(Ingested {
                            item,
                            already_done: selection.done(&position),
                            bytes: size,
                            position,
                        }))
                    }
                }
            })
    }
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
    pub shard: crate::run::shard::Shard,
    /// Positions already processed (resume).
    pub done: std::collections::HashSet<Position>,
    /// Larger documents are refused with an error row.
    pub max_doc_bytes: u64,
}

impl Default for Selection {
    fn default() -> Self {
        Selection {
            shard: crate::run::shard::Shard::WHOLE,
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

fn too_large(size: u64, limit: u64) -> String {
    format!("document too large: {size} bytes (limit {limit}; raise --max-doc-bytes to accept it)")
}

fn read_text_file(relative: &str, path: &Path, format: Format, size: u64, limit: u64) -> Item {
    if size > limit {
        return failed(relative, relative, too_large(size, limit));
    }
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

/// Streams the documents of a JSONL source (a file, or standard input).
pub fn read_jsonl(
    relative: String,
    mut reader: impl BufRead,
    selection: std::sync::Arc<Selection>,
) -> impl Iterator<Item = Ingested> {
    let mut line_no = 0u64;
    let mut buf = Vec::new();
    let mut finished = false;
    std::iter::from_fn(move || {
        if finished {
            return None;
        }
        loop {
            line_no += 1;
            let position = Position::new(&relative, line_no);
            let source = format!("{relative}:{line_no}");
            let (read, complete) =
                match read_line_limited(&mut reader, &mut buf, selection.max_doc_bytes) {
                    Ok((0, _)) => return None,
                    Ok(r) => r,
                    Err(e) => {
                        let item = failed(&source, &source, format!("cannot read: {e}"));
                        let wanted = selection.wants(&position, &source);
                        // An unreadable stream ends here.
                        finished = true;
                        return Some(Ingested {
                            item: wanted.then_some(item),
                            already_done: false,
                            bytes: 0,
                            position,
                        });
                    }
                };
            if selection.done(&position) {
                return Some(Ingested {
                    item: None,
                    already_done: true,
                    bytes: read,
                    position,
                });
            }
            let item = if !complete {
                failed(&source, &source, too_large(read, selection.max_doc_bytes))
            } else {
                match std::str::from_utf8(&buf) {
                    Ok(l) if l.trim().is_empty() => continue,
                    Ok(l) => parse_jsonl_line(l.trim(), &source),
                    Err(e) => failed(
                        &source,
                        &source,
                        format!("invalid UTF-8 at byte {} of the line", e.valid_up_to()),
                    ),
                }
            };
            let id = match &item {
                Item::Document(d) => d.id.as_str(),
                Item::Failed(f) => f.id.as_str(),
            };
            let wanted = selection.shard.owns(id);
            return Some(Ingested {
                item: wanted.then_some(item),
                already_done: false,
                bytes: read,
                position,
            });
        }
    })
}

/// Reads one line into `buf`, keeping at most `limit` bytes: the rest of an
/// over-long line is read and dropped. Returns (bytes read, line fits).
fn read_line_limited(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    limit: u64,
) -> std::io::Result<(u64, bool)> {
    buf.clear();
    let mut total = 0u64;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok((total, total <= limit));
        }
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..=i], true),
            None => (available, false),
        };
        let n = chunk.len();
        if total + (n as u64) <= limit.saturating_add(1) {
            buf.extend_from_slice(chunk);
        }
        total += n as u64;
        reader.consume(n);
        if done {
            let content = total - 1;
            return Ok((total, content <= limit));
        }
    }
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
        _ => {
            return failed(
                source,
                source,
                "JSONL document has no \"id\" (string or number)",
            )
        }
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
    fn markdown_title() {
        assert_eq!(title_of("\n\n# Port of Bar  \ntext", true), "Port of Bar");
    }
}
