//! `nerpipe merge`: puts the shards of a run back together. Documents are
//! merged in corpus order and entities resolved over all of them, so the
//! top-level files are byte-identical to those of an unsharded run (which is
//! itself one shard, merged).

use super::counts::Counts;
use crate::consistency::Consistency;
use crate::ingest::shard::Shard;
use crate::resolve::{ClassMerges, ClassVotes, EntityTable, Resolved};
use crate::run::store::{Manifest, ShardReader, ShardStore};
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
/// entity id after the corpus rule, the entities over all of them.
pub fn merge(out: &Path, count: Option<usize>) -> anyhow::Result<(MergeSummary, Manifest)> {
    let count = shard_count(out, count)?;
    let (mut readers, manifest) = open_shards(out, count)?;
    let class_merges = if corpus_consistency(&manifest) {
        class_votes(out, count)?
    } else {
        ClassMerges::default()
    };
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
    while let Some(Reverse((_, i))) = heap.pop() {
        let Some(mut result) = pending[i].take() else {
            continue;
        };
        writer.document(&result.document)?;
        for m in &mut result.mentions {
            let mut resolved = Resolved {
                entity_id: std::mem::take(&mut m.mention.entity_id),
                key: std::mem::take(&mut m.key),
                group_label: m.group,
            };
            class_merges.apply(&mut resolved);
            m.mention.entity_id = resolved.entity_id.clone();
            writer.mention(&m.mention)?;
            table.add(&m.mention, &resolved);
        }
        counts.add(&result);
        let next = readers[i].next_result()?;
        if let Some(r) = &next {
            heap.push(Reverse((r.position.clone(), i)));
        }
        pending[i] = next;
    }
    let entities = table.finish();
    counts.entities = entities.len();
    writer.finish(&entities)?;
    let summary = MergeSummary {
        counts,
        shards: count,
    };
    Ok((summary, manifest))
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
fn class_votes(out: &Path, count: usize) -> anyhow::Result<ClassMerges> {
    let mut votes = ClassVotes::default();
    for index in 0..count {
        let dir = ShardStore::dir_of(out, Shard::new(index, count)?);
        let (mut reader, _) = ShardReader::open(&dir)?;
        while let Some(result) = reader.next_result()? {
            for m in &result.mentions {
                let resolved = Resolved {
                    entity_id: String::new(),
                    key: m.key.clone(),
                    group_label: m.group,
                };
                votes.add(&m.mention, &resolved);
            }
        }
    }
    Ok(votes.finish())
}

/// `nerpipe merge`: merges the shards, writes the merged run.json, then the
/// downstream files. `None`: the folder holds a finished unsharded run, whose
/// output files are already complete.
pub fn merge_run(
    out: &Path,
    count: Option<usize>,
    sqlite: bool,
    report: bool,
) -> crate::error::Result<Option<MergeSummary>> {
    let started = std::time::Instant::now();
    let _lock = super::guard::FolderLock::acquire(out, &mut |m| eprintln!("nerpipe: {m}"))?;
    if shard_count(out, count)? == 1 {
        let unsharded = ShardStore::dir_of(out, Shard::WHOLE);
        if unsharded.join("DONE").is_file() && out.join("run.json").is_file() {
            return Ok(None);
        }
        return Err(anyhow::anyhow!(
            "{}: holds an unsharded run that has not finished, which needs no merge: run the same `nerpipe run` command again to resume it",
            out.display()
        )
        .into());
    }
    let (summary, _) = merge(out, count)?;
    super::run_json::write_merged_run_json(
        out,
        summary.shards,
        &summary.counts,
        started.elapsed().as_secs_f64(),
    )?;
    crate::sink::write_downstream(out, sqlite, report)?;
    super::warn_if_no_model_mentions(&summary.counts);
    Ok(Some(summary))
}
