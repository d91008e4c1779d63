//! `nerpipe resolve --mentions-in`: the entities of mention streams that
//! `nerpipe run --jsonl-out` wrote in pieces, e.g. the partitions of a Spark
//! `RDD.pipe`. Entity ids are fixed within each document (they depend only on
//! the group label and the match key), so mentions from different processes
//! already agree; what a stream lacks is the corpus-level table, entities.csv
//! and entities.jsonl, which this builds. Given the streams in corpus order,
//! the files are byte-identical to those of a `nerpipe run --out` over the
//! same documents.

use crate::atomic::AtomicFile;
use crate::doc::{Label, Mention};
use crate::resolve::candidates::candidates;
use crate::resolve::decisions::{Decisions, DecisionsFile, DecisionsOutcome, Judge};
use crate::resolve::{group_of_id, EntityTable, Resolved};
use crate::sink::csv::{entity_row, mention_row, ReviewFiles, ENTITY_COLUMNS, MENTION_COLUMNS};
use crate::sink::jsonl::write_line;
use anyhow::{bail, Context};
use std::collections::HashSet;
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// Counts of a `nerpipe resolve` run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResolveSummary {
    pub inputs: usize,
    pub documents: usize,
    pub mentions: usize,
    pub entities: usize,
    pub decisions: Option<DecisionsOutcome>,
}

/// The files named by `inputs`, in order: a file as it is; a folder, its
/// visible files in name order (Spark's `part-00000`, `part-00001`, …, or
/// `*.jsonl`), skipping Spark's `_SUCCESS` and `.crc` files; `-` stays `-`
/// (standard input).
pub fn input_files(inputs: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for input in inputs {
        if input.as_os_str() == "-" || !input.is_dir() {
            files.push(input.clone());
            continue;
        }
        let mut parts: Vec<PathBuf> = std::fs::read_dir(input)
            .with_context(|| format!("{}: cannot list the folder", input.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default();
                p.is_file() && !name.starts_with('_') && !name.starts_with('.')
            })
            .collect();
        parts.sort();
        if parts.is_empty() {
            bail!(
                "{}: the folder holds no mention files (part-* or *.jsonl)",
                input.display()
            );
        }
        files.extend(parts);
    }
    Ok(files)
}

/// Reads the mention streams `inputs` (see [`input_files`]) in order and
/// writes mentions.jsonl, mentions.csv, entities.jsonl, entities.csv and the
/// review files (rejected.csv, candidates.csv) into `out`, after the
/// analyst's `decisions` if given. A document's mentions must be
/// consecutive and each document must come once: a document split over two
/// places means the streams overlap (a partition written twice), which is
/// refused rather than counted twice.
pub fn resolve_streams(
    inputs: &[PathBuf],
    out: &Path,
    decisions: Option<&DecisionsFile>,
) -> anyhow::Result<ResolveSummary> {
    let files = input_files(inputs)?;
    std::fs::create_dir_all(out)
        .with_context(|| format!("{}: cannot create the output folder", out.display()))?;
    let none = Decisions::default();
    let decided = decisions.map_or(&none, |d| &d.decisions);
    let mut writer = StreamWriter {
        jsonl: AtomicFile::create(&out.join("mentions.jsonl"))?,
        csv: csv::Writer::from_writer(AtomicFile::create(&out.join("mentions.csv"))?),
        review: ReviewFiles::create(out)?,
        table: EntityTable::new(),
        judge: Judge::new(decided),
        mentions: 0,
    };
    let mut summary = ResolveSummary {
        inputs: files.len(),
        ..Default::default()
    };
    let mut order = DocumentOrder::default();
    let mut document: Vec<(Mention, Label)> = Vec::new();
    for file in &files {
        let name = file.display().to_string();
        for (n, line) in open_stream(file, &name)?.lines().enumerate() {
            let at = format!("{name}:{}", n + 1);
            let line = line.with_context(|| format!("{at}: cannot read"))?;
            if line.trim().is_empty() {
                continue;
            }
            let (mention, group_label) = parse_line(&line, &at)?;
            if order.enter(&mention.doc_id, &at)? {
                summary.documents += 1;
                writer.document(std::mem::take(&mut document), decided)?;
            }
            document.push((mention, group_label));
        }
    }
    writer.document(document, decided)?;
    summary.mentions = writer.mentions;
    let outcome = writer.finish(out, decided)?;
    summary.entities = outcome.0;
    summary.decisions = decisions.map(|_| outcome.1);
    Ok(summary)
}

/// The files of `nerpipe resolve` as documents' mentions come in.
struct StreamWriter<'d> {
    jsonl: AtomicFile,
    csv: csv::Writer<AtomicFile>,
    review: ReviewFiles,
    table: EntityTable,
    judge: Judge<'d>,
    mentions: usize,
}

impl StreamWriter<'_> {
    /// One document's mentions: resolved again where `different` decisions
    /// may undo a link within it, then judged.
    fn document(
        &mut self,
        mentions: Vec<(Mention, Label)>,
        decided: &Decisions,
    ) -> anyhow::Result<()> {
        let again = decided.resolve_apart(mentions.iter().map(|(m, _)| m));
        let mut again = again.map(Vec::into_iter);
        for (mut mention, group_label) in mentions {
            // The id stands for its (group label, key): the table only needs
            // equal keys for equal entities.
            let mut resolved = match again.as_mut().and_then(Iterator::next) {
                Some(r) => r,
                None => Resolved {
                    entity_id: mention.entity_id.clone(),
                    key: mention.entity_id.clone(),
                    group_label,
                },
            };
            if let Some(row) = self.judge.mention(&mut mention, &mut resolved) {
                self.review.rejected(&mention, row)?;
                continue;
            }
            self.table.add(&mention, &resolved);
            write_line(&mut self.jsonl, &mention)?;
            self.csv.serialize(mention_row(&mention))?;
            self.mentions += 1;
        }
        Ok(())
    }

    /// Entities, candidates and every file committed: the entity count and
    /// what the decisions did.
    fn finish(
        mut self,
        out: &Path,
        decided: &Decisions,
    ) -> anyhow::Result<(usize, DecisionsOutcome)> {
        if self.mentions == 0 {
            self.csv.write_record(MENTION_COLUMNS)?;
        }
        let mut entities = self.table.finish();
        self.judge.entities(&mut entities);
        write_entities(out, &entities)?;
        self.review.finish(&candidates(&entities, decided))?;
        self.jsonl.commit()?;
        commit_csv(self.csv)?;
        Ok((entities.len(), self.judge.outcome()))
    }
}

/// A mention stream: a file, or `-` for standard input.
fn open_stream(file: &Path, name: &str) -> anyhow::Result<Box<dyn BufRead>> {
    Ok(if file.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::io::BufReader::new(
            std::fs::File::open(file)
                .with_context(|| format!("{name}: cannot read the mention stream"))?,
        ))
    })
}

/// A mention line and the group label its entity id stands for; `at`
/// (`file:line`) names the line in errors.
fn parse_line(line: &str, at: &str) -> anyhow::Result<(Mention, Label)> {
    let mention: Mention = serde_json::from_str(line)
        .with_context(|| format!("{at}: not a mention line of `nerpipe run --jsonl-out`"))?;
    let group_label = group_of_id(&mention.entity_id).with_context(|| {
        format!(
            "{at}: entity_id {:?} is not one nerpipe makes (per-, ent- or amt-)",
            mention.entity_id
        )
    })?;
    Ok((mention, group_label))
}

/// The documents seen so far: each document's mentions must be consecutive.
#[derive(Default)]
struct DocumentOrder {
    finished: HashSet<String>,
    current: Option<String>,
}

impl DocumentOrder {
    /// Enters a mention of `doc_id`: whether it starts a new document; an
    /// error where the document came before, other documents in between.
    fn enter(&mut self, doc_id: &str, at: &str) -> anyhow::Result<bool> {
        if self.current.as_deref() == Some(doc_id) {
            return Ok(false);
        }
        if let Some(done) = self.current.take() {
            self.finished.insert(done);
        }
        if self.finished.contains(doc_id) {
            bail!(
                "{at}: document {doc_id:?} appears a second time after other documents: the streams overlap (a partition read twice?) or were not written by `nerpipe run --jsonl-out`"
            );
        }
        self.current = Some(doc_id.to_string());
        Ok(true)
    }
}

/// entities.jsonl and entities.csv of `entities`, committed.
fn write_entities(out: &Path, entities: &[crate::doc::Entity]) -> anyhow::Result<()> {
    let mut jsonl = AtomicFile::create(&out.join("entities.jsonl"))?;
    let mut csv = csv::Writer::from_writer(AtomicFile::create(&out.join("entities.csv"))?);
    for e in entities {
        write_line(&mut jsonl, e)?;
        csv.serialize(entity_row(e))?;
    }
    if entities.is_empty() {
        csv.write_record(ENTITY_COLUMNS)?;
    }
    jsonl.commit()?;
    commit_csv(csv)
}

fn commit_csv(w: csv::Writer<AtomicFile>) -> anyhow::Result<()> {
    w.into_inner()
        .map_err(|e| anyhow::anyhow!("cannot write a CSV file: {}", e.error()))?
        .commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_labels_from_ids() {
        use crate::resolve::entity_id;
        for label in [Label::Person, Label::Misc, Label::Amount] {
            assert_eq!(group_of_id(&entity_id(label, "darko saric")), Some(label));
        }
        assert_eq!(
            group_of_id(&entity_id(Label::Place, "bar")),
            Some(Label::Misc)
        );
        assert_eq!(group_of_id("xyz-1"), None);
        assert_eq!(group_of_id(""), None);
    }

    #[test]
    fn folders_list_their_parts_in_name_order() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["part-00001", "part-00000", "_SUCCESS", ".part-00000.crc"] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        let files = input_files(&[dir.path().to_path_buf(), PathBuf::from("-")]).unwrap();
        let names: Vec<String> = files
            .iter()
            .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["part-00000", "part-00001", "-"]);
        let empty = tempfile::tempdir().unwrap();
        let err = input_files(&[empty.path().to_path_buf()]).unwrap_err();
        assert!(err.to_string().contains("no mention files"), "{err}");
    }
}
