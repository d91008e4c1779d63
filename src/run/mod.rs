//! `nerpipe run`: the whole pipeline over a corpus.
//!
//! ingest → segment → recognise → consistency → resolve → emit, streamed in
//! chunks of documents so the corpus never has to fit in memory. Windows of all the
//! documents in a chunk are batched together, longest first. Each chunk's
//! results are committed to the shard folder (see [`crate::run::store`]); an
//! unsharded run then merges its one shard into the output files (the merge
//! also applies the corpus rule of `--consistency corpus`).

pub mod guard;
pub mod merge;
pub mod progress;
mod recognisers;
pub mod resolve_streams;
pub mod run_json;
pub mod store;
mod stream;

use crate::ingest::shard::Shard;
use crate::ingest::{Corpus, Ingested, Item, Position, Selection};
use crate::model::{Decoder, Engine, LoadedModel, Precision};
use crate::recognise::transformer::decode::Aggregation;
use crate::segment::WindowCuts;
use recognisers::{failed_doc, Recognisers};
use run_json::write_run_json;
use serde_json::json;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::time::Instant;
use store::{DocResult, Manifest, ShardStore};

#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct RunArgs {
    /// Folder of documents (searched recursively): .txt, .md, .jsonl, .html,
    /// .htm, .pdf, .docx, .odt, .eml and .mbox files.
    #[arg(long, required_unless_present = "jsonl_in")]
    pub corpus: Option<PathBuf>,
    /// Output folder (created if needed).
    #[arg(long, required_unless_present = "jsonl_out")]
    pub out: Option<PathBuf>,
    /// Model folder.
    #[arg(long, default_value = crate::DEFAULT_MODEL)]
    pub model: PathBuf,
    /// A model for the documents of one language, `LANG=FOLDER` (repeatable),
    /// e.g. `en=models/conll03-minilm-l6`; other languages use --model.
    #[arg(long = "model-for", value_name = "LANG=FOLDER", value_parser = crate::cli::model_for)]
    pub model_for: Vec<(String, PathBuf)>,
    /// Windows per model call. Small batches keep a layer's activations in
    /// the core's cache: 8 ran 1.1× faster than 32 (1 and 2 threads, AMX).
    #[arg(long, default_value_t = 8, value_parser = crate::cli::batch)]
    pub batch_size: usize,
    /// Threads for tokenisation and libtorch (default: all cores).
    #[arg(long, value_parser = crate::cli::threads)]
    pub threads: Option<usize>,
    /// How sub-token predictions become word predictions.
    #[arg(long, value_enum, default_value = "first")]
    pub aggregation: Aggregation,
    /// Drop model mentions scoring below this.
    #[arg(long, default_value_t = 0.0, value_parser = crate::cli::probability)]
    pub min_score: f32,
    /// Sub-tokens per model window, [CLS] and [SEP] included.
    #[arg(long, default_value_t = 128, value_parser = crate::cli::window)]
    pub window: usize,
    /// Sub-tokens shared by neighbouring windows.
    #[arg(long, default_value_t = 32, value_parser = crate::cli::overlap)]
    pub overlap: usize,
    /// Where windows of a long document end: at sentence starts without
    /// overlap (the models read single sentences in training), or `fixed`
    /// full windows overlapping by --overlap.
    #[arg(long, value_enum, default_value = "sentences")]
    pub window_cuts: WindowCuts,
    /// Tag decoder (default: the one the model's config names).
    #[arg(long, value_enum)]
    pub decoder: Option<Decoder>,
    /// Inference precision (default: bf16 with AMX, int8 with AVX512-VNNI but
    /// no AMX, bf16 with AVX512-BF16, else fp32; run.json says which and why).
    #[arg(long, value_enum)]
    pub precision: Option<Precision>,
    /// Forward pass: nerpipe's own, or rust-bert's.
    #[arg(long, value_enum, default_value = "nerpipe")]
    pub engine: Engine,
    /// Let windows of different documents share a model row (own engine):
    /// faster on short documents, but scores may then differ in the fourth
    /// decimal between differently sharded or chunked runs.
    #[arg(long)]
    pub pack_documents: bool,
    /// Process only shard I of N (`I/N`, 0-based). Default: from
    /// JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID or AWS_BATCH_JOB_ARRAY_INDEX.
    #[arg(long)]
    pub shard: Option<String>,
    /// Number of shards, for schedulers that only publish the index.
    #[arg(long, value_parser = crate::cli::count)]
    pub shard_count: Option<usize>,
    /// Read documents as JSON lines from this file, or `-` for standard input.
    #[arg(long, conflicts_with = "corpus")]
    pub jsonl_in: Option<String>,
    /// Write mentions as JSON lines to this file, or `-` for standard output,
    /// instead of an output folder.
    #[arg(long, conflicts_with = "out")]
    pub jsonl_out: Option<String>,
    /// Refuse documents larger than this many bytes (error row).
    #[arg(long, default_value_t = crate::ingest::DEFAULT_MAX_DOC_BYTES, value_parser = crate::cli::bytes)]
    pub max_doc_bytes: u64,
    /// Documents per committed chunk: smaller chunks lose less work to a
    /// crash, larger ones batch better.
    #[arg(long, default_value_t = 256, value_parser = crate::cli::count)]
    pub chunk_docs: usize,
    /// Leave the output folder out of the corpus when it lies inside it.
    #[arg(long)]
    pub exclude_out: bool,
    /// Consistency rules: `document` makes each document's mentions agree
    /// (spans, fragments, one label per name, missed repeats); `corpus` also
    /// makes a PERSON/ORGANISATION/PLACE conflict on one name one entity.
    #[arg(long, value_enum, default_value = "corpus")]
    pub consistency: crate::consistency::Consistency,
    /// Treat every document as this language (ISO 639-1: hr, sr, bs, en, ...)
    /// instead of detecting it from the text.
    #[arg(long, value_parser = crate::ingest::language::parse_code)]
    pub language: Option<String>,
    /// Do not write nerpipe.sqlite.
    #[arg(long)]
    pub no_sqlite: bool,
    /// Do not write the HTML review report.
    #[arg(long)]
    pub no_report: bool,
    /// Exit with code 3 when any document failed.
    #[arg(long)]
    pub strict: bool,
    /// No progress and no summary on stderr.
    #[arg(long)]
    pub quiet: bool,
}

/// Counts reported at the end of a run and in run.json.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RunSummary {
    pub documents_ok: usize,
    pub documents_failed: usize,
    /// Documents an earlier, interrupted run had already done.
    pub documents_resumed: usize,
    pub mentions: usize,
    pub mentions_per_label: BTreeMap<String, usize>,
    pub entities: usize,
    /// Sub-tokens of the documents this process recognised.
    pub tokens: usize,
    /// Token positions the model computed for them (framing, window overlap
    /// and padding included).
    pub model_tokens: usize,
    pub seconds: f64,
    pub tokens_per_second: f64,
    /// Set for one shard of a sharded run (no top-level files).
    pub shard: Option<Shard>,
    /// Mentions the model (not the amounts rules) found.
    pub model_mentions: usize,
    /// Corpus entries that are not documents, by reason.
    pub skipped: BTreeMap<String, usize>,
}

/// From this many documents on, finding no model mention at all is suspect
/// (damaged weights, a model for another language).
const NO_MENTION_WARNING_DOCS: usize = 20;

pub(crate) fn warn_if_no_model_mentions(documents_ok: usize, model_mentions: usize) {
    if documents_ok >= NO_MENTION_WARNING_DOCS && model_mentions == 0 {
        eprintln!(
            "nerpipe: warning: the model found no mention in {documents_ok} documents: its weights may be damaged or the documents not in its language; check the model folder (nerpipe eval) before trusting this run"
        );
    }
}

/// Characters per chunk: with `--chunk-docs`, bounds the memory of a chunk.
const CHUNK_CHARS: usize = 1 << 20;

/// Groups the ingest stream into chunks, refusing duplicate doc_ids, and hands
/// each chunk's results to `sink`. A chunk also ends where the stream skips
/// documents already done, so chunks always hold consecutive documents.
fn run_chunks(
    stream: impl Iterator<Item = Ingested>,
    chunk_docs: usize,
    recognisers: &Recognisers,
    claimed: &mut HashSet<String>,
    progress: &mut progress::Progress,
    summary: &mut RunSummary,
    sink: &mut dyn FnMut(Vec<DocResult>, &mut RunSummary) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut chunk: Vec<(Item, Position, bool)> = Vec::new();
    let mut chunk_chars = 0;
    let mut flush =
        |chunk: &mut Vec<(Item, Position, bool)>, summary: &mut RunSummary| -> anyhow::Result<()> {
            if chunk.is_empty() {
                return Ok(());
            }
            let results = recognisers.process(std::mem::take(chunk));
            for r in &results {
                if r.document.is_ok() {
                    summary.documents_ok += 1;
                } else {
                    summary.documents_failed += 1;
                }
                summary.tokens += r.document.tokens;
                summary.mentions += r.mentions.len();
                summary.model_mentions += r
                    .mentions
                    .iter()
                    .filter(|m| m.mention.source != recognisers::AMOUNTS_SOURCE)
                    .count();
                for m in &r.mentions {
                    *summary
                        .mentions_per_label
                        .entry(m.mention.label.to_string())
                        .or_default() += 1;
                }
            }
            sink(results, summary)
        };
    for ingested in stream {
        match ingested.item {
            None if ingested.already_done => {
                flush(&mut chunk, summary)?;
                chunk_chars = 0;
            }
            None => {}
            Some(Item::Document(doc)) if !claimed.insert(doc.id.clone()) => {
                let error = format!("duplicate doc_id {:?}: an earlier document has it", doc.id);
                chunk.push((
                    Item::Failed(failed_doc(&doc, error)),
                    ingested.position,
                    false,
                ));
            }
            Some(Item::Document(doc)) => {
                chunk_chars += doc.text.len();
                chunk.push((Item::Document(doc), ingested.position, true));
            }
            Some(failed) => chunk.push((failed, ingested.position, false)),
        }
        if chunk.len() >= chunk_docs.max(1) || chunk_chars >= CHUNK_CHARS {
            flush(&mut chunk, summary)?;
            chunk_chars = 0;
        }
        progress.advance(ingested.bytes, summary);
    }
    flush(&mut chunk, summary)
}

/// The models as `args` ask for them (engine, precision resolved):
/// `--model` first, then each `--model-for` folder in order.
pub(super) fn load_models(args: &RunArgs) -> crate::error::Result<Vec<LoadedModel>> {
    let (precision, _) = Precision::resolve(args.precision, args.engine);
    let mut seen = BTreeMap::new();
    for (language, dir) in &args.model_for {
        if let Some(other) = seen.insert(language, dir) {
            return Err(crate::Error::Usage(format!(
                "--model-for gives two models for {language} ({} and {}): keep one",
                other.display(),
                dir.display()
            )));
        }
    }
    std::iter::once(&args.model)
        .chain(args.model_for.iter().map(|(_, dir)| dir))
        .map(|dir| Ok(LoadedModel::load_for(dir, precision, args.engine)?))
        .collect()
}

/// `--model-for` as manifests and run.json record it: language, model
/// name and weights, so a resumed run cannot mix routings.
fn routed_models(args: &RunArgs, models: &[LoadedModel]) -> serde_json::Value {
    args.model_for
        .iter()
        .zip(models.iter().skip(1))
        .map(|((language, dir), model)| {
            json!({
                "language": language,
                "name": model.name,
                "path": dir,
                "weights_sha256": model.weights_sha256,
            })
        })
        .collect()
}

/// The options that change results, recorded in manifests.
fn result_options(args: &RunArgs, decoder: Decoder, models: &[LoadedModel]) -> serde_json::Value {
    json!({
        "model_for": routed_models(args, models),
        "batch_size": args.batch_size,
        "aggregation": args.aggregation,
        "min_score": args.min_score,
        "window": args.window,
        "overlap": args.overlap,
        "window_cuts": args.window_cuts,
        "decoder": decoder,
        "precision": Precision::resolve(args.precision, args.engine).0,
        "engine": args.engine,
        "pack_documents": args.pack_documents,
        "max_doc_bytes": args.max_doc_bytes,
        "chunk_docs": args.chunk_docs,
        "threads": args.threads,
        "consistency": args.consistency,
    })
}

/// "skipped 2 symlinks to folders, …" for messages ("" when none).
pub(crate) fn skipped_note(skipped: &BTreeMap<String, usize>) -> String {
    if skipped.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = skipped
        .iter()
        .map(|(why, n)| format!("{n} {why}"))
        .collect();
    format!("skipped {}", parts.join(", "))
}

/// `nerpipe run`: the whole pipeline over a corpus (or a JSONL stream).
pub fn run(args: &RunArgs) -> crate::error::Result<RunSummary> {
    let started = Instant::now();
    if let Some(t) = args.threads {
        tch::set_num_threads(t as i32);
    }
    if args.jsonl_out.is_some() || args.jsonl_in.is_some() {
        return stream::run_stream(args, started);
    }
    let (Some(corpus_dir), Some(out)) = (&args.corpus, &args.out) else {
        return Err(crate::Error::Usage(
            "give --corpus and --out, or --jsonl-in and --jsonl-out".into(),
        ));
    };
    let shard = Shard::of_run(args.shard.as_deref(), args.shard_count, |k| {
        std::env::var(k).ok()
    })?;
    let excluded = guard::check_folders(corpus_dir, out, args.exclude_out)?;
    let models = load_models(args)?;
    let model = &models[0];
    let recognisers = Recognisers::new(&models, args)?;
    let corpus = Corpus::open_excluding(corpus_dir, excluded.as_deref())?;
    let quiet = args.quiet;
    let notify = &mut |message: String| {
        if !quiet {
            eprintln!("nerpipe: {message}");
        }
    };
    // Before the first write: one run at a time per folder, and only into a
    // folder whose files are nerpipe's.
    let lock_dir = if shard.count == 1 {
        out.clone()
    } else {
        ShardStore::dir_of(out, shard)
    };
    guard::check_owned(out)?;
    let _lock = guard::FolderLock::acquire(&lock_dir, notify)?;
    let corpus_empty = corpus.is_empty();
    let skipped = corpus.skipped.clone();
    let previous = store::previous_stamps(out, shard);
    let manifest = Manifest {
        nerpipe_version: env!("CARGO_PKG_VERSION").into(),
        model: model.name.clone(),
        model_sha256: model.weights_sha256.clone(),
        options: result_options(args, recognisers.decoder, &models),
        shard,
        corpus_files: corpus
            .files()
            .map(|(rel, path, size)| {
                let stamp = store::stamp(path, size, previous.get(rel));
                (rel.to_string(), stamp)
            })
            .collect(),
    };
    let (mut store, resumed) = ShardStore::open(out, &manifest, notify)?;
    let mut summary = RunSummary {
        documents_resumed: resumed.documents,
        shard: (shard.count > 1).then_some(shard),
        skipped,
        ..Default::default()
    };
    let mut claimed = resumed.claimed_ids;
    let mut progress = progress::Progress::new(corpus.total_bytes(), args.quiet);
    let selection = Selection {
        shard,
        done: resumed.done,
        max_doc_bytes: args.max_doc_bytes,
    };
    run_chunks(
        corpus.select(selection),
        args.chunk_docs,
        &recognisers,
        &mut claimed,
        &mut progress,
        &mut summary,
        &mut |results, _| store.commit(&results),
    )?;
    summary.model_tokens = recognisers.model_tokens();
    store.finish()?;
    if shard.count == 1 {
        let (merged, _) = merge::merge(out, Some(1))?;
        summary.documents_ok = merged.documents_ok;
        summary.documents_failed = merged.documents_failed;
        summary.mentions = merged.mentions;
        summary.mentions_per_label = merged.mentions_per_label;
        summary.entities = merged.entities;
        summary.model_mentions = merged.model_mentions;
    }
    summary.seconds = started.elapsed().as_secs_f64();
    summary.tokens_per_second = summary.tokens as f64 / summary.seconds.max(1e-9);
    let run_json_dir = if shard.count == 1 {
        out.clone()
    } else {
        ShardStore::dir_of(out, shard)
    };
    write_run_json(&run_json_dir, args, &manifest, &summary)?;
    if shard.count == 1 {
        crate::sink::write_downstream(out, !args.no_sqlite, !args.no_report)?;
    }
    progress.finish(&summary, out);
    warn_if_no_model_mentions(summary.documents_ok, summary.model_mentions);
    let no_documents =
        corpus_empty || (shard.count == 1 && summary.documents_ok + summary.documents_failed == 0);
    if no_documents {
        let message = format!(
            "no documents found in {} (looked for {} files in it and its subfolders{}{})",
            corpus_dir.display(),
            crate::ingest::extract::FileFormat::extensions(),
            if summary.skipped.is_empty() { "" } else { "; " },
            skipped_note(&summary.skipped)
        );
        if args.strict {
            return Err(crate::Error::NoDocuments(message));
        }
        eprintln!("nerpipe: warning: {message}");
    }
    Ok(summary)
}
