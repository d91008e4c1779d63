//! JSONL input: one document per line, `id` (string or number) and `text`
//! required, `title` optional, other fields kept as metadata.

use super::folder::title_of;
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

pub(super) fn parse_jsonl_line(line: &str, source: &str) -> Item {
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

/// A JSONL file or standard input (`-`), as a [`Source`].
pub struct JsonlSource {
    pub name: String,
    pub reader: Box<dyn BufRead>,
}

impl Source for JsonlSource {
    fn total_bytes(&self) -> u64 {
        0
    }

    fn select(self: Box<Self>, selection: Selection) -> Box<dyn Iterator<Item = Ingested>> {
        Box::new(read_jsonl(
            self.name,
            self.reader,
            std::sync::Arc::new(selection),
        ))
    }
}
