//! `nerpipe merge`: puts the shards of a run back together. Documents are
//! merged in corpus order and entities resolved over all of them, so the
//! top-level files are byte-identical to those of an unsharded run (which is
//! itself one shard, merged).

use super::counts::Counts;
use crate::consistency::Consistency;
use crate::ingest::shard::Shard;
use crate::resolve::decisions::{Decisions, DecisionsFile, DecisionsOutcome, Judge};
use crate::resolve::{ClassMerges, ClassVotes, EntityTable, Resolved};
use crate::run::store::{DocResult, Manifest, ShardReader, ShardStore};
use crate::sink::RunWriter;
use anyhow::{bail, Context};
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};
use std::path::Path;

/// Counts of a merged run.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct MergeSummary {
    #[serde(flatten)]
    pub counts: Counts,
    pub shards: usize,
    /// What `--decisions` did, when given.
    pub decisions: Option<DecisionsOutcome>,
}

/// The shard count of the shard folders under `<out>/shards`, or `count`.
fn shard_count(out: &Path, count: Option<usize>) -> anyhow::Result<usize> {
    let dir = out.join("shards");
    let mut counts = BTreeSet::new();
    let entries = std::fs::read_dir(&dir).with_context(|| {
        format!(
            "{}: no shard folders here: run `nerpipe run --shard I/N` first",
            dir.display()
        )
    })?;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some((_, n)) = name.split_once("-of-") {
            if let Ok(n) = n.parse::<usize>() {
                counts.insert(n);
            }
        }
    }
    match (count, counts.len()) {
        (Some(n), _) => Ok(n),
        (None, 1) => Ok(*counts.iter().next().unwrap_or(&1)),
        (None, 0) => bail!(
            "{}: no shard folders here: run `nerpipe run --shard I/N` first",
            dir.display()
        ),
        (None, _) => bail!(
            "{}: shard folders of several runs ({}): pass --shards N or remove the stale ones",
            dir.display(),
            counts
                .iter()
                .map(|c| format!("{c} shards"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Shards that read different versions of the corpus would merge into a
/// corpus that never existed: refused, naming the files that differ.
fn check_same_corpus(out: &Path, first: &Manifest, other: &Manifest) -> anyhow::Result<()> {
    let names: BTreeSet<&String> = first
        .corpus_files
        .keys()
        .chain(other.corpus_files.keys())
        .collect();
    let differing: Vec<String> = names
        .into_iter()
        .filter(|n| first.corpus_files.get(*n) != other.corpus_files.get(*n))
        .map(|n| {
            let what = match (first.corpus_files.get(n), other.corpus_files.get(n)) {
                (None, _) => format!("only in shard {}", other.shard.index),
                (_, None) => format!("only in shard {}", first.shard.index),
                _ => "changed".to_string(),
            };
            format!("{n} ({what})")
        })
        .collect();
    if differing.is_empty() {
        return Ok(());
    }
    let shown = differing
        .iter()
        .take(5)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let more = if differing.len() > 5 {
        format!(" and {} more", differing.len() - 5)
    } else {
        String::new()
    };
    bail!(
        "{}: shards {} and {} ran over different versions of the corpus: {} files differ: {shown}{more}; rerun the shards over the same corpus",
        out.join("shards").display(),
        first.shard.dir_name(),
        other.shard.dir_name(),
        differing.len()
    )
}

/// The readers of the `count` shards of `out`, and shard 0's manifest; every
/// shard must have run over the same corpus with the same model and options.
fn open_shards(out: &Path, count: usize) -> anyhow::Result<(Vec<ShardReader>, Manifest)> {
    let mut readers = Vec::with_capacity(count);
    let mut first_manifest: Option<Manifest> = None;
    for index in 0..count {
        let dir = ShardStore::dir_of(out, Shard::new(index, count)?);
        if !dir.is_dir() {
            bail!(
                "{}: shard {index} of {count} is missing: run it before merging",
                dir.display()
            );
        }
        let (reader, manifest) = ShardReader::open(&dir)?;
        if let Some(first) = &first_manifest {
            check_same_corpus(out, first, &manifest)?;
            let same = first.model_sha256 == manifest.model_sha256
                && first.options == manifest.options
                && first.nerpipe_version == manifest.nerpipe_version;
            if !same {
                bail!(
                    "{}: this shard ran with another model, options or nerpipe version than shard 0; rerun it",
                    dir.display()
                );
            }
        } else {
            first_manifest = Some(manifest);
        }
        readers.push(reader);
    }
    let manifest = first_manifest.context("no shards to merge")?;
    Ok((readers, manifest))
}

/// Merges all shards of `out` into its top-level output files: documents in
/// corpus order (a heap over the shards' next results), each mention's
/// entity id after the corpus rule and the analyst's decisions, the entities
/// over all of them.
pub fn merge(
    out: &Path,
    count: Option<usize>,
    decisions: Option<&DecisionsFile>,
) -> anyhow::Result<(MergeSummary, Manifest)> {
    let count = shard_count(out, count)?;
    let (mut readers, manifest) = open_shards(out, count)?;
    let none = Decisions::default();
    let decided = decisions.map_or(&none, |d| &d.decisions);
    let class_merges = if corpus_consistency(&manifest) {
        class_votes(out, count, decided)?
    } else {
        ClassMerges::default()
    };
    let mut judge = Judge::new(decided);
    let mut writer = RunWriter::create(out)?;
    let mut table = EntityTable::new();
    let mut counts = Counts::default();
    let mut heap = BinaryHeap::new();
    let mut pending = Vec::with_capacity(count);
    for (i, reader) in readers.iter_mut().enumerate() {
        let next = reader.next_result()?;
        if let Some(r) = &next {
            heap.push(Reverse((r.position.clone(), i)));
        }
        pending.push(next);
    }
    let apart = |a: &str, b: &str| decided.are_different(a, b);
    while let Some(Reverse((_, i))) = heap.pop() {
        let Some(mut result) = pending[i].take() else {
            continue;
        };
        let mut kept = Vec::with_capacity(result.mentions.len());
        for (mut m, mut resolved) in rule_resolution(&mut result, decided) {
            class_merges.apply(&mut resolved, &apart);
            match judge.mention(&mut m.mention, &mut resolved) {
                Some(row) => writer.rejected(&m.mention, row)?,
                None => kept.push((m, resolved)),
            }
        }
        result.document.mentions = kept.len();
        writer.document(&result.document)?;
        for (m, resolved) in &kept {
            writer.mention(&m.mention)?;
            table.add(&m.mention, resolved);
        }
        result.mentions = kept.into_iter().map(|(m, _)| m).collect();
        counts.add(&result);
        let next = readers[i].next_result()?;
        if let Some(r) = &next {
            heap.push(Reverse((r.position.clone(), i)));
        }
        pending[i] = next;
    }
    let mut entities = table.finish();
    judge.entities(&mut entities);
    counts.entities = entities.len();
    let candidates = crate::resolve::candidates::candidates(&entities, decided);
    writer.finish(&entities, &candidates)?;
    let summary = MergeSummary {
        counts,
        shards: count,
        decisions: decisions.map(|_| judge.outcome()),
    };
    Ok((summary, manifest))
}

/// A document's mentions with their entities as the rules resolve them:
/// as the run stored them, or resolved again where `different` decisions
/// may undo a link within the document.
fn rule_resolution(
    result: &mut DocResult,
    decided: &Decisions,
) -> Vec<(crate::run::store::ResolvedMention, Resolved)> {
    let mentions = std::mem::take(&mut result.mentions);
    let again = decided.resolve_apart(mentions.iter().map(|m| &m.mention));
    let mut again = again.map(Vec::into_iter);
    mentions
        .into_iter()
        .map(|mut m| {
            let resolved = match again.as_mut().and_then(Iterator::next) {
                Some(r) => r,
                None => Resolved {
                    entity_id: std::mem::take(&mut m.mention.entity_id),
                    key: std::mem::take(&mut m.key),
                    group_label: m.group,
                },
            };
            (m, resolved)
        })
        .collect()
}

/// Whether the run asked for the corpus rule of the consistency stage (runs
/// from before it record no `consistency` option and get none).
fn corpus_consistency(manifest: &Manifest) -> bool {
    manifest
        .options
        .get("consistency")
        .and_then(|v| v.as_str())
        .and_then(Consistency::parse)
        .is_some_and(Consistency::corpus_rules)
}

/// First pass over all shards for the corpus rule: which match keys change
/// class (see [`crate::resolve::ClassVotes`]).
fn class_votes(out: &Path, count: usize, decided: &Decisions) -> anyhow::Result<ClassMerges> {
    let mut votes = ClassVotes::default();
    for index in 0..count {
        let dir = ShardStore::dir_of(out, Shard::new(index, count)?);
        let (mut reader, _) = ShardReader::open(&dir)?;
        while let Some(mut result) = reader.next_result()? {
            for (m, resolved) in rule_resolution(&mut result, decided) {
                votes.add(&m.mention, &resolved);
            }
        }
    }
    Ok(votes.finish())
}

/// `nerpipe merge`: merges the shards, writes the merged run.json, then the
/// downstream files. `None`: the folder holds a finished unsharded run, whose
/// output files are already complete. With `decisions`, a finished
/// unsharded run is merged again under them (its files and run.json
/// brought up to the decisions, no document read again).
pub fn merge_run(
    out: &Path,
    count: Option<usize>,
    sqlite: bool,
    report: bool,
    decisions: Option<&Path>,
) -> crate::error::Result<Option<MergeSummary>> {
    let started = std::time::Instant::now();
    let decisions = decisions.map(read_decisions).transpose()?;
    let _lock = super::guard::FolderLock::acquire(out, &mut |m| eprintln!("nerpipe: {m}"))?;
    let summary = if shard_count(out, count)? == 1 {
        let unsharded = ShardStore::dir_of(out, Shard::WHOLE);
        if !unsharded.join("DONE").is_file() || !out.join("run.json").is_file() {
            return Err(anyhow::anyhow!(
                "{}: holds an unsharded run that has not finished, which needs no merge: run the same `nerpipe run` command again to resume it",
                out.display()
            )
            .into());
        }
        if decisions.is_none() {
            return Ok(None);
        }
        let (summary, _) = merge(out, Some(1), decisions.as_ref())?;
        super::run_json::update_run_json(out, decisions.as_ref(), &summary)?;
        summary
    } else {
        let (summary, _) = merge(out, count, decisions.as_ref())?;
        super::run_json::write_merged_run_json(
            out,
            &summary,
            decisions.as_ref(),
            started.elapsed().as_secs_f64(),
        )?;
        summary
    };
    crate::sink::write_downstream(out, sqlite, report)?;
    super::warn_if_no_model_mentions(&summary.counts);
    if let (Some(file), Some(outcome)) = (&decisions, &summary.decisions) {
        warn_orphans(file, outcome);
    }
    Ok(Some(summary))
}

/// `--decisions` of `load` and `export`: merges `out` again under the
/// decisions of `file`, unless its run.json records that file's sha256
/// already. Whether it merged.
pub fn apply_decisions(out: &Path, file: &Path) -> crate::error::Result<bool> {
    let decisions = read_decisions(file)?;
    let recorded = std::fs::read_to_string(out.join("run.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|run| run["decisions"]["sha256"].as_str().map(str::to_string));
    if recorded.as_deref() == Some(decisions.sha256.as_str()) {
        return Ok(false);
    }
    if !out.join("shards").is_dir() {
        return Err(crate::Error::Usage(format!(
            "{}: holds no shard store to apply decisions to (a folder of `nerpipe resolve`?): give --decisions to the command that wrote it",
            out.display()
        )));
    }
    let sqlite = out.join("nerpipe.sqlite").exists();
    let report = out.join("report").exists();
    merge_run(out, None, sqlite, report, Some(file))?;
    Ok(true)
}

/// `--decisions FILE` read and checked: a bad file is a usage error (exit 2).
pub fn read_decisions(path: &Path) -> crate::error::Result<DecisionsFile> {
    DecisionsFile::read(path).map_err(|e| crate::Error::Usage(format!("{e:#}")))
}

/// Reports, on stderr, decisions naming entities the run does not have.
pub fn warn_orphans(file: &DecisionsFile, outcome: &DecisionsOutcome) {
    if let Some(message) = outcome.orphan_message(&file.path) {
        eprintln!("nerpipe: warning: {message}");
    }
}
