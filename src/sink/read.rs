//! Reading a finished run's output folder back: the streaming readers the
//! downstream steps (SQLite, PostgreSQL, report, Label Studio, FtM) share.
//! documents.jsonl keeps each document's text, so nothing here re-reads the
//! corpus.

use crate::doc::{DocumentOutcome, Entity, Mention};
use anyhow::Context;
use serde::de::DeserializeOwned;
use std::io::{BufRead, BufReader};
use std::iter::Peekable;
use std::path::{Path, PathBuf};

/// What the downstream steps need from run.json.
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub nerpipe_version: String,
    pub model_name: String,
    pub weights_sha256: String,
    /// `options.corpus`, as written by `nerpipe run` (the runs table).
    pub corpus: Option<PathBuf>,
    /// run.json as it is on disk.
    pub raw: String,
}

impl RunInfo {
    pub fn read(out: &Path) -> anyhow::Result<RunInfo> {
        let path = out.join("run.json");
        let raw = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "{}: cannot read (is this a nerpipe output folder?)",
                path.display()
            )
        })?;
        let json: serde_json::Value = serde_json::from_str(&raw)
            .with_context(|| format!("{}: not valid JSON", path.display()))?;
        let text = |ptr: &str| {
            json.pointer(ptr)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string()
        };
        Ok(RunInfo {
            nerpipe_version: text("/nerpipe_version"),
            model_name: text("/model/name"),
            weights_sha256: text("/model/weights_sha256"),
            corpus: json
                .pointer("/options/corpus")
                .and_then(|v| v.as_str())
                .map(PathBuf::from),
            raw,
        })
    }
}

/// The files whose bytes make a run's identity in a database.
const RESULT_FILES: [&str; 3] = ["documents.jsonl", "entities.jsonl", "mentions.jsonl"];

/// The database key of the run in `out`: a hash of its model's weights and its
/// result files, so that loading the same results again (the same folder, a
/// rerun or a merge that gave the same bytes) finds the same key, while
/// run.json's timings do not matter. 16 hex digits.
pub fn run_id(out: &Path, run: &RunInfo) -> anyhow::Result<String> {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    hash.update(b"nerpipe-run-v1\0");
    hash.update(run.weights_sha256.as_bytes());
    for name in RESULT_FILES {
        let path = out.join(name);
        let mut file = std::fs::File::open(&path)
            .with_context(|| format!("{}: cannot open (is the run finished?)", path.display()))?;
        hash.update(b"\0");
        std::io::copy(&mut file, &mut hash)
            .with_context(|| format!("{}: cannot read", path.display()))?;
    }
    let digest = hash.finalize();
    Ok(digest[..8].iter().map(|b| format!("{b:02x}")).collect())
}

/// Streams a JSON-lines file of `T`; errors name the file and line.
pub fn read_jsonl<T: DeserializeOwned>(
    path: &Path,
) -> anyhow::Result<impl Iterator<Item = anyhow::Result<T>>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("{}: cannot open", path.display()))?;
    let path = path.to_path_buf();
    let mut lines = BufReader::new(file).lines().enumerate();
    Ok(std::iter::from_fn(move || loop {
        let (n, line) = lines.next()?;
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                return Some(Err(anyhow::anyhow!(
                    "{}:{}: cannot read: {e}",
                    path.display(),
                    n + 1
                )))
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        return Some(
            serde_json::from_str(&line)
                .with_context(|| format!("{}:{}: not a valid record", path.display(), n + 1)),
        );
    }))
}

pub fn read_mentions(out: &Path) -> anyhow::Result<impl Iterator<Item = anyhow::Result<Mention>>> {
    read_jsonl(&out.join("mentions.jsonl"))
}

pub fn read_entities(out: &Path) -> anyhow::Result<impl Iterator<Item = anyhow::Result<Entity>>> {
    read_jsonl(&out.join("entities.jsonl"))
}

/// Streams documents.jsonl (the raw twin of documents.csv, whose cells may be
/// made spreadsheet-safe); errors name the file and line.
pub fn read_documents(
    out: &Path,
) -> anyhow::Result<impl Iterator<Item = anyhow::Result<DocumentOutcome>>> {
    read_jsonl(&out.join("documents.jsonl"))
}

/// The code-point slice `[start, end)` of `text`, or None when out of range.
pub fn char_slice(text: &str, start: usize, end: usize) -> Option<&str> {
    if start > end {
        return None;
    }
    let mut indices = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()));
    let bs = indices.nth(start)?;
    let be = if end == start {
        bs
    } else {
        indices.nth(end - start - 1)?
    };
    Some(&text[bs..be])
}

/// One ok document of the run with its mentions, in corpus order.
pub struct DocumentMentions {
    pub document: DocumentOutcome,
    pub mentions: Vec<Mention>,
}

/// Merge-joins documents.jsonl (which keeps each document's text) with
/// mentions.jsonl by doc_id; both are in corpus order, so neither has to fit
/// in memory. Documents that failed in the run (a later duplicate of a doc_id
/// among them) have no mentions and are skipped.
pub struct DocumentsWithMentions {
    documents: Box<dyn Iterator<Item = anyhow::Result<DocumentOutcome>>>,
    mentions: Peekable<Box<dyn Iterator<Item = anyhow::Result<Mention>>>>,
    mentions_path: PathBuf,
    done: bool,
}

impl DocumentsWithMentions {
    pub fn open(out: &Path) -> anyhow::Result<DocumentsWithMentions> {
        let mentions: Box<dyn Iterator<Item = anyhow::Result<Mention>>> =
            Box::new(read_mentions(out)?);
        Ok(DocumentsWithMentions {
            documents: Box::new(read_documents(out)?),
            mentions: mentions.peekable(),
            mentions_path: out.join("mentions.jsonl"),
            done: false,
        })
    }

    fn step(&mut self) -> anyhow::Result<Option<DocumentMentions>> {
        for document in self.documents.by_ref() {
            let document = document?;
            if !document.is_ok() {
                continue;
            }
            let mut mentions = Vec::new();
            while let Some(next) = self
                .mentions
                .next_if(|m| m.as_ref().map_or(true, |m| m.doc_id == document.doc_id))
            {
                mentions.push(next?);
            }
            return Ok(Some(DocumentMentions { document, mentions }));
        }
        if let Some(left) = self.mentions.next() {
            let left = left?;
            anyhow::bail!(
                "{}: mention {} is for document {:?}, which documents.jsonl does not have at that point \
                 (are the two files from different runs?)",
                self.mentions_path.display(),
                left.mention_id,
                left.doc_id,
            );
        }
        Ok(None)
    }
}

impl Iterator for DocumentsWithMentions {
    type Item = anyhow::Result<DocumentMentions>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let result = self.step().transpose();
        if !matches!(result, Some(Ok(_))) {
            self.done = true;
        }
        result
    }
}

/// Checks that a mention's offsets still select its text in `text`.
pub fn check_offsets(text: &str, m: &Mention) -> Result<(), String> {
    match char_slice(text, m.start, m.end) {
        Some(s) if s == m.text => Ok(()),
        Some(s) => Err(format!(
            "mention {} says {:?} at {}..{}, but the document text there is {:?} (are mentions.jsonl and documents.jsonl from different runs?)",
            m.mention_id, m.text, m.start, m.end, s
        )),
        None => Err(format!(
            "mention {} at {}..{} is beyond the end of the document (are mentions.jsonl and documents.jsonl from different runs?)",
            m.mention_id, m.start, m.end
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_slices_are_code_points() {
        let t = "Šarić met Đukić";
        assert_eq!(char_slice(t, 0, 5), Some("Šarić"));
        assert_eq!(char_slice(t, 10, 15), Some("Đukić"));
        assert_eq!(char_slice(t, 15, 15), Some(""));
        assert_eq!(char_slice(t, 10, 16), None);
        assert_eq!(char_slice(t, 3, 2), None);
    }
}
