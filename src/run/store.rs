//! The work folder of one shard, `<out>/shards/<i>-of-<N>/`: results are
//! committed in chunks (each written under a temporary name and renamed) next
//! to a manifest of what produced them. A rerun after a crash keeps the chunks
//! that are still valid and skips their documents; a changed model, option or
//! nerpipe version invalidates them all, a changed corpus file the chunks that
//! hold its documents.

use crate::atomic::{write_atomic, AtomicFile};
use crate::doc::{DocumentOutcome, Label, Mention};
use crate::ingest::shard::Shard;
use crate::ingest::Position;
use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

/// Size and sha256 of a corpus file. Two stamps are equal when size and
/// hash are: the modification time only saves rehashing an unchanged file
/// (as make and rsync trust it), and differs between copies of a corpus.
#[derive(Debug, Clone, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    pub size: u64,
    pub sha256: String,
    /// Nanoseconds since the Unix epoch, where the file system tells.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified_ns: Option<u64>,
}

impl PartialEq for FileStamp {
    fn eq(&self, other: &FileStamp) -> bool {
        self.size == other.size && self.sha256 == other.sha256
    }
}

/// What produced a shard's chunks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub nerpipe_version: String,
    pub model: String,
    pub model_sha256: String,
    /// The options that change results.
    pub options: serde_json::Value,
    pub shard: Shard,
    pub corpus_files: BTreeMap<String, FileStamp>,
}

impl Manifest {
    /// Why chunks written under `self` cannot be reused under `new`, if so.
    fn incompatibility(&self, new: &Manifest) -> Option<String> {
        if self.nerpipe_version != new.nerpipe_version {
            return Some(format!(
                "nerpipe changed from {} to {}",
                self.nerpipe_version, new.nerpipe_version
            ));
        }
        if self.model_sha256 != new.model_sha256 {
            return Some(format!(
                "the model changed (weights sha256 {}… → {}…)",
                &self.model_sha256[..12.min(self.model_sha256.len())],
                &new.model_sha256[..12.min(new.model_sha256.len())]
            ));
        }
        if self.options != new.options {
            return Some(format!(
                "the options changed ({} → {})",
                self.options, new.options
            ));
        }
        None
    }
}

/// One document's results, as committed in a chunk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocResult {
    pub position: Position,
    /// Whether this document took its doc_id (later duplicates are refused).
    pub claimed_id: bool,
    pub document: DocumentOutcome,
    pub mentions: Vec<ResolvedMention>,
}

/// A mention with what resolution decided for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResolvedMention {
    #[serde(flatten)]
    pub mention: Mention,
    pub key: String,
    pub group: Label,
}

/// What a resumed shard already has.
#[derive(Debug, Default)]
pub struct Resumed {
    pub done: HashSet<Position>,
    pub claimed_ids: HashSet<String>,
    pub documents: usize,
}

pub struct ShardStore {
    dir: PathBuf,
    next_chunk: usize,
}

const MANIFEST: &str = "manifest.json";
const DONE: &str = "DONE";

impl ShardStore {
    pub fn dir_of(out: &Path, shard: Shard) -> PathBuf {
        out.join("shards").join(shard.dir_name())
    }

    /// Opens (or starts) the shard folder for `manifest`, keeping the chunks
    /// that are still valid. Messages about discarded work go to `notify`.
    pub fn open(
        out: &Path,
        manifest: &Manifest,
        notify: &mut dyn FnMut(String),
    ) -> anyhow::Result<(ShardStore, Resumed)> {
        let dir = Self::dir_of(out, manifest.shard);
        let chunks = dir.join("chunks");
        std::fs::create_dir_all(&chunks)
            .with_context(|| format!("{}: cannot create the shard folder", chunks.display()))?;
        remove_temporaries(&chunks);
        let _ = std::fs::remove_file(dir.join(DONE));
        let files = chunk_files(&chunks)?;
        let old = read_old_manifest(&dir.join(MANIFEST), files.len(), notify);
        let (resumed, next_chunk) = match old {
            Some(old) if old.incompatibility(manifest).is_none() => {
                Self::keep_chunks(&dir, &old, manifest, files, notify)?
            }
            Some(old) => {
                let why = old.incompatibility(manifest).unwrap_or_default();
                notify(format!(
                    "{}: {why} since its {} chunks were written; starting this shard again",
                    dir.display(),
                    files.len()
                ));
                remove_chunks(files, "a stale chunk")?;
                (Resumed::default(), 0)
            }
            None => {
                remove_chunks(files, "a chunk without manifest")?;
                (Resumed::default(), 0)
            }
        };
        write_atomic(
            &dir.join(MANIFEST),
            serde_json::to_string_pretty(manifest)?.as_bytes(),
        )?;
        Ok((ShardStore { dir, next_chunk }, resumed))
    }

    /// The chunks of a run `old` whose options `manifest` shares: keeps those
    /// whose corpus files are unchanged (their documents are not redone) and
    /// removes the others. Returns what they hold and the next chunk number.
    fn keep_chunks(
        dir: &Path,
        old: &Manifest,
        manifest: &Manifest,
        files: Vec<(usize, PathBuf)>,
        notify: &mut dyn FnMut(String),
    ) -> anyhow::Result<(Resumed, usize)> {
        let mut resumed = Resumed::default();
        let mut next_chunk = 0;
        let mut stale = 0;
        for (number, path) in files {
            let results = read_chunk(&path)?;
            let changed = results.iter().any(|r| {
                old.corpus_files.get(&r.position.file)
                    != manifest.corpus_files.get(&r.position.file)
            });
            if changed {
                stale += 1;
                remove_chunk(&path, "a stale chunk")?;
                continue;
            }
            next_chunk = next_chunk.max(number + 1);
            for r in results {
                if r.claimed_id {
                    resumed.claimed_ids.insert(r.document.doc_id.clone());
                }
                resumed.done.insert(r.position);
                resumed.documents += 1;
            }
        }
        if stale > 0 {
            notify(format!(
                "{}: {stale} chunks hold documents of corpus files that changed; redoing them",
                dir.display()
            ));
        }
        if resumed.documents > 0 {
            notify(format!(
                "{}: resuming, {} documents already done",
                dir.display(),
                resumed.documents
            ));
        }
        Ok((resumed, next_chunk))
    }

    /// Commits one chunk of results atomically.
    pub fn commit(&mut self, results: &[DocResult]) -> anyhow::Result<()> {
        if results.is_empty() {
            return Ok(());
        }
        let path = self
            .dir
            .join("chunks")
            .join(format!("{:08}.jsonl", self.next_chunk));
        let mut file = AtomicFile::create(&path)?;
        for r in results {
            serde_json::to_writer(&mut file, r)?;
            file.write_all(b"\n")?;
        }
        file.commit()?;
        self.next_chunk += 1;
        Ok(())
    }

    /// Marks the shard complete: `nerpipe merge` only takes complete shards.
    pub fn finish(self) -> anyhow::Result<()> {
        write_atomic(&self.dir.join(DONE), b"complete\n")
    }
}

/// The manifest of earlier chunks. One that cannot be read or parsed cannot
/// vouch for them: they are discarded, and the user is told why.
fn read_old_manifest(
    path: &Path,
    chunks: usize,
    notify: &mut dyn FnMut(String),
) -> Option<Manifest> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            notify(format!(
                "{}: cannot read ({e}); discarding the {chunks} chunks it describes and starting this shard again",
                path.display()
            ));
            return None;
        }
    };
    match serde_json::from_str(&text) {
        Ok(m) => Some(m),
        Err(e) => {
            notify(format!(
                "{}: not a nerpipe manifest ({e}); discarding the {chunks} chunks it describes and starting this shard again",
                path.display()
            ));
            None
        }
    }
}

/// Removes files left under temporary names by a killed run.
pub fn remove_temporaries(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') && name.contains(".tmp-") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// Chunk files of a shard folder, by number.
/// Removes a chunk file whose documents must be redone; `what` says in an
/// error which kind of chunk could not go ("a stale chunk").
fn remove_chunk(path: &Path, what: &str) -> anyhow::Result<()> {
    std::fs::remove_file(path).with_context(|| format!("{}: cannot remove {what}", path.display()))
}

/// [`remove_chunk`] for every file of a shard that starts again.
fn remove_chunks(files: Vec<(usize, PathBuf)>, what: &str) -> anyhow::Result<()> {
    for (_, path) in files {
        remove_chunk(&path, what)?;
    }
    Ok(())
}

fn chunk_files(chunks: &Path) -> anyhow::Result<Vec<(usize, PathBuf)>> {
    let mut out = Vec::new();
    for e in
        std::fs::read_dir(chunks).with_context(|| format!("{}: cannot list", chunks.display()))?
    {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some(n) = name
            .strip_suffix(".jsonl")
            .and_then(|n| n.parse::<usize>().ok())
        {
            out.push((n, e.path()));
        }
    }
    out.sort();
    Ok(out)
}

pub fn read_chunk(path: &Path) -> anyhow::Result<Vec<DocResult>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("{}: cannot read", path.display()))?;
    BufReader::new(file)
        .lines()
        .enumerate()
        .map(|(n, line)| {
            let line = line.with_context(|| format!("{}: cannot read", path.display()))?;
            serde_json::from_str(&line)
                .with_context(|| format!("{}:{}: not a nerpipe chunk line", path.display(), n + 1))
        })
        .collect()
}

/// A complete shard's results, chunk by chunk in corpus order.
pub struct ShardReader {
    chunks: std::vec::IntoIter<PathBuf>,
    current: std::vec::IntoIter<DocResult>,
    last: Option<Position>,
}

impl ShardReader {
    pub fn open(dir: &Path) -> anyhow::Result<(ShardReader, Manifest)> {
        if !dir.join(DONE).is_file() {
            bail!(
                "{}: this shard has not finished: run it (again) before merging",
                dir.display()
            );
        }
        let manifest_path = dir.join(MANIFEST);
        let manifest: Manifest = serde_json::from_str(
            &std::fs::read_to_string(&manifest_path)
                .with_context(|| format!("{}: cannot read", manifest_path.display()))?,
        )
        .with_context(|| format!("{}: not a nerpipe manifest", manifest_path.display()))?;
        // Chunks hold disjoint runs of the corpus: order them by first document.
        let mut firsts = Vec::new();
        for (_, path) in chunk_files(&dir.join("chunks"))? {
            let first = read_first_position(&path)?;
            firsts.push((first, path));
        }
        firsts.sort();
        let chunks: Vec<PathBuf> = firsts.into_iter().map(|(_, p)| p).collect();
        Ok((
            ShardReader {
                chunks: chunks.into_iter(),
                current: Vec::new().into_iter(),
                last: None,
            },
            manifest,
        ))
    }

    pub fn next_result(&mut self) -> anyhow::Result<Option<DocResult>> {
        loop {
            if let Some(r) = self.current.next() {
                if let Some(last) = &self.last {
                    if r.position <= *last {
                        bail!(
                            "shard chunks overlap at {}:{}; rerun the shard",
                            r.position.file,
                            r.position.line
                        );
                    }
                }
                self.last = Some(r.position.clone());
                return Ok(Some(r));
            }
            match self.chunks.next() {
                Some(path) => self.current = read_chunk(&path)?.into_iter(),
                None => return Ok(None),
            }
        }
    }
}

fn read_first_position(path: &Path) -> anyhow::Result<Position> {
    let file =
        std::fs::File::open(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let mut line = String::new();
    BufReader::new(file)
        .read_line(&mut line)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let first: DocResult = serde_json::from_str(&line)
        .with_context(|| format!("{}:1: not a nerpipe chunk line", path.display()))?;
    Ok(first.position)
}

/// Stamps a corpus file: the hash of `previous` when size and modification
/// time are unchanged, else its sha256, streamed. A rerun over a large corpus
/// then starts without reading it all first.
pub fn stamp(path: &Path, size: u64, previous: Option<&FileStamp>) -> FileStamp {
    let modified_ns = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .and_then(|d| u64::try_from(d.as_nanos()).ok());
    if let Some(old) = previous {
        if old.size == size && modified_ns.is_some() && old.modified_ns == modified_ns {
            return old.clone();
        }
    }
    let sha256 = crate::model::sha256_file(path).unwrap_or_else(|_| "unreadable".into());
    FileStamp {
        size,
        sha256,
        modified_ns,
    }
}

/// The corpus stamps of the shard's last run, to reuse in [`stamp`].
pub fn previous_stamps(out: &Path, shard: Shard) -> BTreeMap<String, FileStamp> {
    let path = ShardStore::dir_of(out, shard).join(MANIFEST);
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| serde_json::from_str::<Manifest>(&text).ok())
        .map(|m| m.corpus_files)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unchanged_size_and_time_reuse_the_hash_and_a_change_rehashes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, "Darko Šarić").unwrap();
        let size = std::fs::metadata(&path).unwrap().len();
        let first = stamp(&path, size, None);
        assert_eq!(first.sha256, crate::model::sha256_file(&path).unwrap());
        assert!(first.modified_ns.is_some());
        // A stamp with the same size and time is trusted without reading.
        let trusted = FileStamp {
            sha256: "from-the-last-run".into(),
            ..first.clone()
        };
        assert_eq!(
            stamp(&path, size, Some(&trusted)).sha256,
            "from-the-last-run"
        );
        // Other contents of the same size, written later: hashed again.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&path, "Darko Šarič").unwrap();
        let again = stamp(&path, size, Some(&trusted));
        assert_eq!(again.sha256, crate::model::sha256_file(&path).unwrap());
        assert_ne!(again, first);
        // Equality ignores the time: copies of a corpus compare equal.
        let copy = FileStamp {
            modified_ns: None,
            ..first.clone()
        };
        assert_eq!(copy, first);
    }
}
