//! The run's stages on threads of their own, handing batches of documents
//! on through queues that hold none waiting (a sender waits for its
//! receiver), so the model never waits for a file's extraction (OCR above
//! all), for language detection and tokenising, or for the rules after it:
//!
//! ```text
//! ingest: files, extraction, OCR → batches      (a thread)
//!   → prepare: language, sub-tokens             (a thread, the stages' pool)
//!   → the model                                 (the calling thread)
//!   → finish: rules, consistency, resolution    (a thread, the stages' pool)
//!   → sink: the chunk store or the stream       (the calling thread)
//! ```
//!
//! Batches stay in corpus order through every stage, so a run's files are
//! the same as one stage after the other would write; the sink gets whole
//! chunks (the unit the store commits). At most one batch is at each stage
//! and one waits at each hand-over, which bounds memory.

use super::chunk::{self, Entry, Places};
use super::store::DocResult;
use super::{progress, RunSummary};
use crate::doc::Span;
use crate::ingest::{Ingested, Item};
use crate::recognise::pipeline::{Pipeline, Prepared};
use std::collections::HashSet;
use std::sync::mpsc::{channel, sync_channel, SyncSender};

/// Characters per chunk: with `--chunk-docs`, bounds the memory of a chunk.
const CHUNK_CHARS: usize = 1 << 20;

/// Documents per batch through the stages: a chunk (the unit the store
/// commits) goes through in batches, small enough that the model starts on
/// the first documents while ingest reads on, and that neither stage around
/// it waits for long; large enough to sort windows by length into full
/// model batches.
const BATCH_DOCS: usize = 16;

/// Characters per batch, for corpora of long documents.
const BATCH_CHARS: usize = 64 << 10;

/// A batch of a chunk on its way through the stages: first its entries as
/// ingest made them, at last its results.
#[derive(Default)]
struct Batch<T> {
    work: T,
    /// Corpus bytes it accounts for (progress).
    bytes: u64,
    /// The last batch of its chunk: its results complete the chunk.
    ends_chunk: bool,
}

impl<T> Batch<T> {
    /// The same batch, `step` done.
    fn then<U>(self, step: impl FnOnce(T) -> U) -> Batch<U> {
        Batch {
            work: step(self.work),
            bytes: self.bytes,
            ends_chunk: self.ends_chunk,
        }
    }
}

/// Groups the ingest stream into chunks, refusing duplicate doc_ids, runs
/// each chunk through the pipeline (in batches) and hands its results to
/// `sink`, in corpus order. A chunk also ends where the stream skips
/// documents already done, so chunks always hold consecutive documents.
pub(super) fn run_chunks(
    stream: impl Iterator<Item = Ingested> + Send,
    chunk_docs: usize,
    pipeline: &Pipeline,
    claimed: &mut HashSet<String>,
    progress: &mut progress::Progress,
    summary: &mut RunSummary,
    sink: &mut dyn FnMut(Vec<DocResult>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let stages = pipeline.stages();
    std::thread::scope(|scope| {
        let (batches, to_prepare) = sync_channel::<Batch<Vec<Entry>>>(0);
        let (prepared, to_model) = sync_channel::<Batch<(Places, Prepared)>>(0);
        let (modelled, to_finish) = sync_channel::<Batch<(Places, Prepared, Vec<Vec<Span>>)>>(0);
        // Unbounded, yet never more than two batches long: finish gets a
        // batch only from this thread, which takes the results first.
        let (finished, results) = channel::<Batch<Vec<DocResult>>>();
        spawn(scope, "ingest", move || {
            ingest(stream, chunk_docs, claimed, batches)
        })?;
        spawn(scope, "prepare", move || {
            for batch in to_prepare {
                let next = batch.then(|entries| {
                    let (places, documents) = chunk::split(entries);
                    (places, stages.prepare(documents))
                });
                if prepared.send(next).is_err() {
                    return;
                }
            }
        })?;
        spawn(scope, "finish", move || {
            for batch in to_finish {
                let next = batch.then(|(places, prepared, spans)| {
                    chunk::results(places, stages.finish(prepared, spans))
                });
                if finished.send(next).is_err() {
                    return;
                }
            }
        })?;

        // A chunk's results so far: the sink takes whole chunks.
        let mut chunk: Vec<DocResult> = Vec::new();
        let mut take = |done: Batch<Vec<DocResult>>| -> anyhow::Result<()> {
            for r in &done.work {
                summary.counts.add(r);
                summary.tokens += r.document.tokens;
            }
            chunk.extend(done.work);
            if done.ends_chunk {
                sink(std::mem::take(&mut chunk))?;
            }
            progress.advance(done.bytes, summary);
            Ok(())
        };
        for batch in to_model {
            let spans = pipeline.recognise(&batch.work.1);
            for done in results.try_iter() {
                take(done)?;
            }
            let next = batch.then(|(places, prepared)| (places, prepared, spans));
            if modelled.send(next).is_err() {
                break;
            }
        }
        drop(modelled);
        for done in results {
            take(done)?;
        }
        Ok(())
    })
}

/// The ingest thread: reads the stream into batches and sends them on,
/// until the stream ends or nobody takes them any more.
fn ingest(
    stream: impl Iterator<Item = Ingested>,
    chunk_docs: usize,
    claimed: &mut HashSet<String>,
    batches: SyncSender<Batch<Vec<Entry>>>,
) {
    let mut batch = Batch::<Vec<Entry>>::default();
    let mut batch_chars = 0;
    // The chunk the batch belongs to, so far.
    let mut chunk_entries = 0;
    let mut chunk_chars = 0;
    for ingested in stream {
        batch.bytes += ingested.bytes;
        let entry = match ingested.item {
            None if ingested.already_done => {
                // Chunks hold consecutive documents.
                if chunk_entries > 0 {
                    batch.ends_chunk = true;
                }
                None
            }
            None => None,
            Some(Item::Document(doc)) if !claimed.insert(doc.id.clone()) => {
                let error = format!("duplicate doc_id {:?}: an earlier document has it", doc.id);
                let failed = Item::Failed(chunk::failed_doc(&doc, error));
                Some((failed, ingested.position, false))
            }
            Some(Item::Document(doc)) => {
                batch_chars += doc.text.len();
                chunk_chars += doc.text.len();
                Some((Item::Document(doc), ingested.position, true))
            }
            Some(failed) => Some((failed, ingested.position, false)),
        };
        if let Some(entry) = entry {
            batch.work.push(entry);
            chunk_entries += 1;
        }
        if chunk_entries >= chunk_docs.max(1) || chunk_chars >= CHUNK_CHARS {
            batch.ends_chunk = true;
        }
        if batch.ends_chunk || batch.work.len() >= BATCH_DOCS || batch_chars >= BATCH_CHARS {
            if batch.ends_chunk {
                chunk_entries = 0;
                chunk_chars = 0;
            }
            batch_chars = 0;
            if batches.send(std::mem::take(&mut batch)).is_err() {
                return;
            }
        }
    }
    if chunk_entries > 0 {
        batch.ends_chunk = true;
        let _ = batches.send(batch);
    }
}

/// Starts a stage's thread in `scope`, named for `ps` and panic messages.
fn spawn<'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    name: &str,
    work: impl FnOnce() + Send + 'scope,
) -> anyhow::Result<()> {
    std::thread::Builder::new()
        .name(format!("nerpipe-{name}"))
        .spawn_scoped(scope, work)
        .map_err(|e| anyhow::anyhow!("cannot start the {name} thread: {e}"))?;
    Ok(())
}
