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

fn relative_id(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
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

impl Source for Corpus {
    fn total_bytes(&self) -> u64 {
        Corpus::total_bytes(self)
    }

    fn select(self: Box<Self>, selection: Selection) -> Box<dyn Iterator<Item = Ingested>> {
        Box::new(Corpus::select(*self, selection))
    }
}
