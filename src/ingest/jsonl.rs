//! JSONL input: one document per line, `id` (string or number) and `text`
//! required, `title` optional, other fields kept as metadata.

use super::title_of;
use super::{check_text, failed, too_large, Ingested, Item, Position, Selection, Source};
use crate::doc::Document;
use serde_json::Value;
use std::io::BufRead;

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
                        return Some(not_done(wanted.then_some(item), 0, position));
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
            if line_no == 1 {
                if let Some(problem) = first_line_encoding(&mut buf) {
                    // The rest of the file is not UTF-8 lines either.
                    finished = true;
                    let wanted = selection.shard.owns(&source);
                    let item = wanted.then(|| failed(&source, &source, problem));
                    return Some(not_done(item, read, position));
                }
            }
            let Some(item) = line_item(&buf, (read, complete), &source, selection.max_doc_bytes)
            else {
                continue;
            };
            let id = match &item {
                Item::Document(d) => d.id.as_str(),
                Item::Failed(f) => f.id.as_str(),
            };
            let wanted = selection.shard.owns(id);
            return Some(not_done(wanted.then_some(item), read, position));
        }
    })
}

/// What a line read as `(bytes read, line fits)` holds: its document, or
/// its error row (too long, not UTF-8, not a document object); `None` for a
/// blank line, which is no document.
fn line_item(buf: &[u8], (read, complete): (u64, bool), source: &str, limit: u64) -> Option<Item> {
    if !complete {
        return Some(failed(source, source, too_large(read, limit)));
    }
    Some(match std::str::from_utf8(buf) {
        Ok(l) if l.trim().is_empty() => return None,
        Ok(l) => parse_jsonl_line(l.trim(), source),
        Err(e) => failed(
            source,
            source,
            format!("invalid UTF-8 at byte {} of the line", e.valid_up_to()),
        ),
    })
}

/// A line this run reads (not one an interrupted run already processed);
/// `item` is `None` where the line belongs to another shard.
fn not_done(item: Option<Item>, bytes: u64, position: Position) -> Ingested {
    Ingested {
        item,
        already_done: false,
        bytes,
        position,
    }
}

/// Checks the first line's encoding: the problem when the file is UTF-16
/// (none of its lines can be read then), else drops a UTF-8 byte-order mark
/// (Windows editors write one), which is no text.
fn first_line_encoding(buf: &mut Vec<u8>) -> Option<String> {
    if let Some(problem) = utf16_start(buf) {
        return Some(problem);
    }
    if buf.starts_with(UTF8_BOM) {
        buf.drain(..UTF8_BOM.len());
    }
    None
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

fn utf16_start(line: &[u8]) -> Option<String> {
    (line.starts_with(b"\xFF\xFE") || line.starts_with(b"\xFE\xFF"))
        .then(|| "UTF-16 text: convert the file to UTF-8 (JSON lines must be UTF-8)".to_string())
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

/// The longest JSONL id accepted, in bytes.
pub const MAX_ID_BYTES: usize = 1024;

pub(super) fn parse_jsonl_line(line: &str, source: &str) -> Item {
    let mut object = match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(o)) => o,
        Ok(_) => return failed(source, source, "malformed JSONL line: not a JSON object"),
        Err(e) => return failed(source, source, malformed(line, &e)),
    };
    let id = match object.remove("id") {
        Some(Value::String(s)) if s.chars().any(char::is_control) => {
            return failed(source, source, control_in_id(&s))
        }
        // Every mention row repeats its document's id: a huge one is refused,
        // not copied thousands of times.
        Some(Value::String(s)) if s.len() > MAX_ID_BYTES => {
            return failed(
                source,
                source,
                format!(
                    "JSONL \"id\" is {} bytes long (limit {MAX_ID_BYTES}): give the document a shorter id",
                    s.len()
                ),
            )
        }
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
    let language = match object.get("language") {
        None | Some(Value::Null) => None,
        Some(Value::String(code)) => match crate::ingest::language::parse_code(code) {
            Ok(code) => Some(code),
            Err(problem) => return failed(&id, source, format!("JSONL \"language\": {problem}")),
        },
        Some(_) => {
            return failed(
                &id,
                source,
                "JSONL \"language\" must be a string (an ISO 639-1 code such as \"hr\")",
            )
        }
    };
    let mut doc = Document::new(&id, source, title, text, "jsonl");
    doc.metadata = object;
    doc.language = language;
    Item::Document(doc)
}

/// The problem of a line serde_json refused, by column (the line number is
/// in the row's source_path); a lone surrogate escape is named as such.
fn malformed(line: &str, e: &serde_json::Error) -> String {
    if let Some((column, escape)) = lone_surrogate(line) {
        return format!(
            "malformed JSONL line: lone UTF-16 surrogate escape {escape} at column {column}: JSON text must be valid Unicode (a pair \\udXXX\\udXXX, or the character itself); fix the producer of the file"
        );
    }
    let text = e.to_string();
    let problem = text
        .rsplit_once(" at line ")
        .map(|(p, _)| p)
        .unwrap_or(&text);
    format!("malformed JSONL line: {problem} at column {}", e.column())
}

/// Column (1-based, in characters) and text of the first `\uD800`–`\uDFFF`
/// escape that is not half of a surrogate pair.
fn lone_surrogate(line: &str) -> Option<(usize, String)> {
    let chars: Vec<char> = line.chars().collect();
    let unit_at = |i: usize| -> Option<u32> {
        if chars.get(i) != Some(&'\\') || chars.get(i + 1) != Some(&'u') {
            return None;
        }
        let hex: String = chars.get(i + 2..i + 6)?.iter().collect();
        u32::from_str_radix(&hex, 16).ok()
    };
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' {
            match unit_at(i) {
                Some(0xD800..=0xDBFF) if matches!(unit_at(i + 6), Some(0xDC00..=0xDFFF)) => i += 12,
                Some(u @ 0xD800..=0xDFFF) => return Some((i + 1, format!("\\u{u:04x}"))),
                Some(_) => i += 6,
                None => i += 2,
            }
        } else {
            i += 1;
        }
    }
    None
}

/// Control characters (NUL, tab, newline, …) in an id break CSV cells and
/// PostgreSQL; the document gets an error row instead.
fn control_in_id(id: &str) -> String {
    let (at, c) = id
        .chars()
        .enumerate()
        .find(|(_, c)| c.is_control())
        .unwrap_or((0, '\0'));
    format!(
        "JSONL \"id\" holds the control character U+{:04X} at character {}: ids must be printable text; fix the id",
        c as u32,
        at + 1
    )
}

/// A JSONL file or standard input (`-`), as a [`Source`].
pub struct JsonlSource {
    pub name: String,
    pub reader: Box<dyn BufRead + Send>,
}

impl Source for JsonlSource {
    fn total_bytes(&self) -> u64 {
        0
    }

    fn select(self: Box<Self>, selection: Selection) -> Box<dyn Iterator<Item = Ingested> + Send> {
        Box::new(read_jsonl(
            self.name,
            self.reader,
            std::sync::Arc::new(selection),
        ))
    }
}
