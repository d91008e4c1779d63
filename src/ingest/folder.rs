//! A corpus folder: `.txt` and `.md` files are one document each (title: the
//! first non-empty line, without Markdown `#`s; doc_id: the path relative to
//! the corpus root, with `/` separators); `.jsonl` files hold one document a
//! line. Other files are skipped. Files are visited in sorted path order.

use super::jsonl::read_jsonl;
use super::{check_text, failed, too_large, Failed, Ingested, Item, Position, Selection, Source};
use crate::doc::Document;
use std::io::BufReader;
use std::path::{Path, PathBuf};

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
            Skip::OtherExtension => "files without a .txt, .md or .jsonl extension",
            Skip::SymlinkToFolder => "symlinks to folders",
            Skip::SymlinkOutside => "symlinks to files outside the corpus",
            Skip::BrokenSymlink => "broken symlinks",
            Skip::NotRegular => "FIFOs, sockets and devices",
        }
    }
}

/// What a walk entry is: a document file (format, size) or a skip.
fn classify(entry: &walkdir::DirEntry, root: &Path) -> Option<Result<(Format, u64), Skip>> {
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
                "{}: corpus folder not found (give a folder of .txt, .md and .jsonl files)",
                root.display()
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
            let key = |e: &Result<(String, PathBuf, Format, u64), Failed>| match e {
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

fn read_text_file(relative: &str, path: &Path, format: Format, size: u64, limit: u64) -> Item {
    if size > limit {
        return failed(relative, relative, too_large(size, limit));
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return failed(relative, relative, format!("cannot read: {e}")),
    };
    let text = match decode_text(bytes) {
        Ok(t) => t,
        Err(problem) => return failed(relative, relative, problem),
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

/// Text of a file: UTF-8 (a byte-order mark is dropped) or UTF-16 with a
/// byte-order mark (as Windows Notepad saves "Unicode").
pub(crate) fn decode_text(bytes: Vec<u8>) -> Result<String, String> {
    let utf16 = |units: Vec<u16>| {
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map_err(|_| {
                "invalid UTF-16 text (unpaired surrogate): convert the file to UTF-8".to_string()
            })
    };
    match bytes.as_slice() {
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8(rest.to_vec())
            .map_err(|e| format!("invalid UTF-8 at byte {}", e.utf8_error().valid_up_to() + 3)),
        [0xFF, 0xFE, rest @ ..] | [0xFE, 0xFF, rest @ ..] if rest.len() % 2 == 0 => {
            let little = bytes[0] == 0xFF;
            utf16(
                rest.chunks_exact(2)
                    .map(|p| {
                        if little {
                            u16::from_le_bytes([p[0], p[1]])
                        } else {
                            u16::from_be_bytes([p[0], p[1]])
                        }
                    })
                    .collect(),
            )
        }
        [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..] => {
            Err("UTF-16 text with an odd number of bytes: convert the file to UTF-8".into())
        }
        _ => String::from_utf8(bytes)
            .map_err(|e| format!("invalid UTF-8 at byte {}", e.utf8_error().valid_up_to())),
    }
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

impl Source for Corpus {
    fn total_bytes(&self) -> u64 {
        Corpus::total_bytes(self)
    }

    fn select(self: Box<Self>, selection: Selection) -> Box<dyn Iterator<Item = Ingested>> {
        Box::new(Corpus::select(*self, selection))
    }
}
