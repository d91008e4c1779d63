//! A corpus folder: every file in a format of [`FileFormat`] goes to its
//! extractor (one document a file; `.jsonl` one a line, `.mbox` one a message,
//! mail attachments one each; doc_id: the path relative to the corpus root,
//! with `/` separators). A document file that cannot be used becomes an error
//! row; files in other formats, and symlinks and special files that are not
//! documents (`Skip`), are skipped and counted by reason. Files are visited
//! in sorted path order.

use super::extract::{self, Extracted, FileFormat};
use super::isolate;
use super::jsonl::read_jsonl;
use super::{
    check_text, failed, text_too_large, title_of, too_large, Failed, Ingested, Item, Position,
    Selection, Source,
};
use crate::doc::Document;
use std::io::BufReader;
use std::path::{Path, PathBuf};

fn format_of(path: &Path) -> Option<FileFormat> {
    FileFormat::of_name(&path.file_name()?.to_string_lossy())
}

/// The files of a corpus, found up front (paths only, so memory stays small).
pub struct Corpus {
    /// (relative path, absolute path, format, size in bytes) or a walk error.
    entries: Vec<Result<(String, PathBuf, FileFormat, u64), Failed>>,
    /// Entries that are not documents, by reason (see [`Skip`]).
    pub skipped: std::collections::BTreeMap<String, usize>,
}

/// Why a corpus entry is not read. The one rule: regular files with a corpus
/// extension, and symlinks to such files inside the corpus, are documents;
/// everything else is skipped and counted in the run summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Skip {
    OtherExtension,
    SymlinkToFolder,
    SymlinkOutside,
    BrokenSymlink,
    NotRegular,
}

impl Skip {
    fn reason(self) -> &'static str {
        match self {
            Skip::OtherExtension => "files in formats nerpipe does not read",
            Skip::SymlinkToFolder => "symlinks to folders",
            Skip::SymlinkOutside => "symlinks to files outside the corpus",
            Skip::BrokenSymlink => "broken symlinks",
            Skip::NotRegular => "FIFOs, sockets and devices",
        }
    }
}

/// What a walk entry is: a document file (format, size) or a skip.
fn classify(entry: &walkdir::DirEntry, root: &Path) -> Option<Result<(FileFormat, u64), Skip>> {
    let file_type = entry.file_type();
    if file_type.is_dir() {
        return None;
    }
    let format = format_of(entry.path());
    if file_type.is_file() {
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        return Some(format.map(|f| (f, size)).ok_or(Skip::OtherExtension));
    }
    if !file_type.is_symlink() {
        return Some(Err(Skip::NotRegular));
    }
    let target = match std::fs::metadata(entry.path()) {
        Ok(m) => m,
        Err(_) => return Some(Err(Skip::BrokenSymlink)),
    };
    if target.is_dir() {
        return Some(Err(Skip::SymlinkToFolder));
    }
    if !target.is_file() {
        return Some(Err(Skip::NotRegular));
    }
    let inside = entry
        .path()
        .canonicalize()
        .is_ok_and(|t| t.starts_with(root));
    if !inside {
        return Some(Err(Skip::SymlinkOutside));
    }
    Some(
        format
            .map(|f| (f, target.len()))
            .ok_or(Skip::OtherExtension),
    )
}

impl Corpus {
    /// Lists the corpus files under `root`. Fails only if `root` itself is unusable.
    pub fn open(root: &Path) -> anyhow::Result<Corpus> {
        Corpus::open_excluding(root, None)
    }

    /// As [`Corpus::open`], leaving out the folder `exclude` (an absolute path:
    /// the run's own output folder inside the corpus).
    pub fn open_excluding(root: &Path, exclude: Option<&Path>) -> anyhow::Result<Corpus> {
        if !root.is_dir() {
            anyhow::bail!(
                "{}: corpus folder not found (give a folder of documents: {} files)",
                root.display(),
                FileFormat::extensions()
            );
        }
        let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let mut entries = Vec::new();
        let mut skipped = std::collections::BTreeMap::new();
        let walker = walkdir::WalkDir::new(root)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                exclude.is_none_or(|x| e.path().canonicalize().map_or(true, |p| p != x))
            });
        for entry in walker {
            match entry {
                Ok(e) => match classify(&e, &canonical_root) {
                    None => {}
                    Some(Ok((format, size))) => {
                        let relative = relative_id(root, e.path());
                        entries.push(Ok((relative, e.path().to_path_buf(), format, size)));
                    }
                    Some(Err(skip)) => *skipped.entry(skip.reason().to_string()).or_insert(0) += 1,
                },
                Err(err) => {
                    let path = err
                        .path()
                        .map(|p| relative_id(root, p))
                        .unwrap_or_else(|| root.display().to_string());
                    let problem = err
                        .io_error()
                        .map(|e| e.to_string())
                        .unwrap_or_else(|| err.to_string());
                    entries.push(Err(Failed {
                        format: super::format_of_source(&path),
                        id: path.clone(),
                        source_path: path,
                        error: format!("cannot read: {problem}"),
                    }));
                }
            }
        }
        // Escaped ids (see relative_id) need not sort as the raw names do:
        // documents go in the order of their positions, which merge checks.
        entries.sort_by(|a, b| {
            let key = |e: &Result<(String, PathBuf, FileFormat, u64), Failed>| match e {
                Ok(x) => x.0.clone(),
                Err(f) => f.source_path.clone(),
            };
            Position::new(&key(a), 0).cmp(&Position::new(&key(b), 0))
        });
        Ok(Corpus { entries, skipped })
    }

    /// No documents and no unreadable entries at all.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
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
        self.entries.into_iter().flat_map(
            move |entry| -> Box<dyn Iterator<Item = Ingested> + Send> {
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
                    Ok((relative, path, FileFormat::JsonLines, _)) => {
                        match std::fs::File::open(&path) {
                            Ok(f) => Box::new(read_jsonl(relative, BufReader::new(f), selection)),
                            Err(e) => Box::new(std::iter::once(unreadable(
                                &relative,
                                format!("cannot read: {e}"),
                                &selection,
                            ))),
                        }
                    }
                    Ok((relative, path, format @ (FileFormat::Eml | FileFormat::Mbox), size)) => {
                        // The ids of a mail's documents are in the file.
                        let documents = read_mail(relative, &path, format, size, selection.clone());
                        Box::new(select_items(documents, size, selection))
                    }
                    Ok((relative, path, format, size)) => {
                        let position = Position::new(&relative, 0);
                        let item = selection.wants(&position, &relative).then(|| {
                            read_file(&relative, &path, format, size, selection.max_doc_bytes)
                        });
                        Box::new(std::iter::once(Ingested {
                            item,
                            already_done: selection.done(&position),
                            bytes: size,
                            position,
                        }))
                    }
                }
            },
        )
    }
}

/// The step of a file that cannot be opened.
fn unreadable(relative: &str, problem: String, selection: &Selection) -> Ingested {
    let position = Position::new(relative, 0);
    let wanted = selection.wants(&position, relative);
    Ingested {
        item: wanted.then(|| failed(relative, relative, problem)),
        already_done: selection.done(&position),
        bytes: 0,
        position,
    }
}

/// The steps of a container's documents (positions given), the file's bytes
/// counted on the first.
fn select_items(
    documents: impl IntoIterator<Item = (Position, Item)>,
    size: u64,
    selection: std::sync::Arc<Selection>,
) -> impl Iterator<Item = Ingested> {
    documents
        .into_iter()
        .enumerate()
        .map(move |(i, (position, item))| {
            let id = match &item {
                Item::Document(d) => d.id.clone(),
                Item::Failed(f) => f.id.clone(),
            };
            Ingested {
                already_done: selection.done(&position),
                item: selection.wants(&position, &id).then_some(item),
                bytes: if i == 0 { size } else { 0 },
                position,
            }
        })
}

/// The documents of an `.eml` file (the message, then its attachments) or of
/// an `.mbox` file (each message, each followed by its attachments). Their
/// positions number them from 0 (an `.eml`'s message) or 1 (an mbox's first
/// message) in that order; a message's id is the file's path (`.eml`) or
/// `path:N` (the N-th message of an mbox), an attachment's
/// `path/<Message-ID>/<file name>` (`.eml`) or `path/N/<Message-ID>/<file
/// name>` (mbox; `-` for a message without Message-ID), the Message-ID and
/// name escaped as file names are, `/` too: under the mail file's own path,
/// no mail can give a part the id of a corpus file.
fn read_mail(
    relative: String,
    path: &Path,
    format: FileFormat,
    size: u64,
    selection: std::sync::Arc<Selection>,
) -> Box<dyn Iterator<Item = (Position, Item)> + Send> {
    let whole_file_fails = |problem: String| -> Box<dyn Iterator<Item = (Position, Item)> + Send> {
        Box::new(std::iter::once((
            Position::new(&relative, 0),
            failed(&relative, &relative, problem),
        )))
    };
    let mut messages = match mail_messages(&relative, path, format, size, &selection) {
        Ok(messages) => messages.peekable(),
        Err(problem) => return whole_file_fails(problem),
    };
    if messages.peek().is_none() {
        return whole_file_fails(
            "no messages in the mbox file (none starts with a \"From \" line)".into(),
        );
    }
    let mut ordinal = u64::from(format == FileFormat::Mbox);
    Box::new(messages.flat_map(move |(id, message)| {
        let source = if format == FileFormat::Eml {
            relative.clone()
        } else {
            id.clone()
        };
        let mut out = Vec::new();
        read_message(
            &relative,
            (&id, &source),
            &message,
            &selection,
            &mut ordinal,
            &mut out,
        );
        out
    }))
}

/// A mail file's messages: (id, raw bytes).
type Messages = Box<dyn Iterator<Item = (String, Vec<u8>)> + Send>;

/// The messages of a mail file with their ids: the file itself (`.eml`) or
/// each message of an mbox (`path:N`), read one at a time, so an mbox of
/// gigabytes holds one message in memory, not all. `Err` is a problem that
/// makes the whole file one error row (unreadable, an `.eml` over the size
/// limit); an mbox's messages are held to the limit one by one instead, so
/// one huge message does not lose the others.
fn mail_messages(
    relative: &str,
    path: &Path,
    format: FileFormat,
    size: u64,
    selection: &Selection,
) -> Result<Messages, String> {
    if format == FileFormat::Eml {
        if size > selection.max_doc_bytes {
            return Err(too_large(size, selection.max_doc_bytes));
        }
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
        return Ok(Box::new(std::iter::once((relative.to_string(), bytes))));
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let relative = relative.to_string();
    Ok(Box::new(
        extract::email::mbox_messages(BufReader::new(file))
            .enumerate()
            .map(move |(i, m)| (format!("{relative}:{}", i + 1), m)),
    ))
}

/// Appends one message's document (or error row) to `out`, then its
/// attachments', at the positions from `*ordinal` on. A message's `(id,
/// source)` are its own; its attachments are ids under the mail file's path
/// ([`read_mail`]) and sources `path:ordinal`, so each stays addressable.
fn read_message(
    relative: &str,
    (id, source): (&str, &str),
    message: &[u8],
    selection: &Selection,
    ordinal: &mut u64,
    out: &mut Vec<(Position, Item)>,
) {
    let position = Position::new(relative, *ordinal);
    *ordinal += 1;
    if message.len() as u64 > selection.max_doc_bytes {
        let problem = too_large(message.len() as u64, selection.max_doc_bytes);
        out.push((position, failed(id, source, problem)));
        return;
    }
    let mut extracted = match isolate::extract(message, FileFormat::Eml) {
        Ok(e) => e,
        Err(problem) => {
            out.push((position, failed(id, source, problem)));
            return;
        }
    };
    let message_id = extracted
        .metadata
        .get("message_id")
        .and_then(|v| v.as_str());
    let parent = message_id.unwrap_or(id).to_string();
    // "box.mbox:3" → "box.mbox/3": the mail file's path, then the message.
    let mail_root = match id.strip_prefix(relative).and_then(|n| n.strip_prefix(':')) {
        Some(n) => format!("{relative}/{n}"),
        None => relative.to_string(),
    };
    let namespace = format!("{mail_root}/{}", message_id.map_or("-".into(), escape_part));
    let attachments = std::mem::take(&mut extracted.attachments);
    out.push((position, document(id, source, FileFormat::Eml, extracted)));
    for attachment in attachments {
        let source = format!("{relative}:{}", *ordinal);
        let position = Position::new(relative, *ordinal);
        *ordinal += 1;
        let id = format!("{namespace}/{}", escape_part(&attachment.name));
        let ids = (id.as_str(), parent.as_str(), source.as_str());
        if let Some(item) = read_attachment(ids, attachment, selection.max_doc_bytes) {
            out.push((position, item));
        }
    }
}

/// An attachment's document, marked `attached_to` its message, or its error
/// row (with the attachment's format, not the mail's); `None` for a name of
/// no known format (the message keeps only those that have one).
fn read_attachment(
    (id, parent, source): (&str, &str, &str),
    attachment: extract::Attachment,
    limit: u64,
) -> Option<Item> {
    let format = FileFormat::of_name(&attachment.name)?;
    let item = extract_within(&attachment.bytes, format, limit)
        .map(|mut e| {
            e.metadata.insert(
                "attached_to".into(),
                serde_json::Value::String(parent.to_string()),
            );
            // A mail attached to a mail: its own attachments are not read
            // (one level only), and say so.
            let nested: Vec<serde_json::Value> = std::mem::take(&mut e.attachments)
                .into_iter()
                .map(|a| serde_json::Value::String(a.name))
                .collect();
            if !nested.is_empty() {
                let listed = e
                    .metadata
                    .entry("attachments_not_read")
                    .or_insert_with(|| serde_json::Value::Array(Vec::new()));
                if let serde_json::Value::Array(names) = listed {
                    names.extend(nested);
                }
            }
            e
        })
        .map_or_else(
            |problem| match failed(id, source, problem) {
                Item::Failed(f) => Item::Failed(Failed {
                    format: format.name(),
                    ..f
                }),
                other => other,
            },
            |e| document(id, source, format, e),
        );
    Some(item)
}

/// The document of an extraction, or its error row when the text is empty or
/// binary. Page starts and source spans become code-point offsets.
fn document(id: &str, source: &str, format: FileFormat, e: Extracted) -> Item {
    if let Err(problem) = check_text(&e.text) {
        return failed(id, source, problem);
    }
    let title = e
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| title_of(&e.text, format == FileFormat::Markdown));
    let bytes: Vec<usize> = e.page_starts.to_vec();
    let chars = crate::doc::text::OffsetMap::bytes_to_chars(&e.text, &bytes);
    let mut doc = Document::new(id, source, title, String::new(), format.name());
    doc.page_starts = e
        .page_starts
        .iter()
        .map(|&b| chars.get(b).unwrap_or(0))
        .collect();
    doc.marked_spans = e.spans;
    doc.metadata = e.metadata;
    doc.encoding = e.encoding;
    doc.text = e.text;
    Item::Document(doc)
}

/// doc_id of a corpus path: its components joined with `/`. Names are kept
/// as they are except that `%`, control characters and bytes that are not
/// UTF-8 (names from old archives in cp1250) are percent-encoded, so that
/// distinct paths keep distinct, stable, printable ids.
fn relative_id(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| escape_name(c.as_os_str()))
        .collect::<Vec<_>>()
        .join("/")
}

/// A part of an id taken from inside a file (a Message-ID, an attachment's
/// name): escaped as a file name, and `/`, `\\` and a lone `.` or `..` too,
/// so it stays one component.
fn escape_part(part: &str) -> String {
    match part {
        "." => "%2E".into(),
        ".." => "%2E%2E".into(),
        _ => escape_name(std::ffi::OsStr::new(part))
            .replace('/', "%2F")
            .replace('\\', "%5C"),
    }
}

pub(crate) fn escape_name(name: &std::ffi::OsStr) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut bytes = name.as_bytes();
    let mut out = String::with_capacity(bytes.len());
    while !bytes.is_empty() {
        let (valid, rest) = match std::str::from_utf8(bytes) {
            Ok(v) => (v, &[][..]),
            Err(e) => {
                let (v, r) = bytes.split_at(e.valid_up_to());
                (std::str::from_utf8(v).unwrap_or_default(), r)
            }
        };
        for c in valid.chars() {
            if c == '%' || c.is_control() {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            } else {
                out.push(c);
            }
        }
        if let Some((&bad, rest)) = rest.split_first() {
            out.push_str(&format!("%{bad:02X}"));
            bytes = rest;
        } else {
            bytes = rest;
        }
    }
    out
}

fn read_file(relative: &str, path: &Path, format: FileFormat, size: u64, limit: u64) -> Item {
    if size > limit {
        return failed(relative, relative, too_large(size, limit));
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return failed(relative, relative, format!("cannot read: {e}")),
    };
    match extract_within(&bytes, format, limit) {
        Ok(e) => document(relative, relative, format, e),
        Err(problem) => failed(relative, relative, problem),
    }
}

/// A file's text (in a worker where extraction is isolated, scans read by
/// OCR), refused when it is longer than `limit`.
fn extract_within(bytes: &[u8], format: FileFormat, limit: u64) -> Result<Extracted, String> {
    let extracted = super::ocr::extract(bytes, format)?;
    match text_too_large(extracted.text.len(), limit) {
        Some(problem) => Err(problem),
        None => Ok(extracted),
    }
}

impl Source for Corpus {
    fn total_bytes(&self) -> u64 {
        Corpus::total_bytes(self)
    }

    fn select(self: Box<Self>, selection: Selection) -> Box<dyn Iterator<Item = Ingested> + Send> {
        Box::new(Corpus::select(*self, selection))
    }
}
