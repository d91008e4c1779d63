//! `nerpipe run`: the whole pipeline over a corpus.
//!
//! ingest → segment → recognise → consistency → resolve → emit, streamed in
//! chunks of documents so the corpus never has to fit in memory. Windows of all the
//! documents in a chunk are batched together, longest first. Each chunk's
//! results are committed to the shard folder (see [`crate::run::store`]); an
//! unsharded run then merges its one shard into the output files (the merge
//! also applies the corpus rule of `--consistency corpus`).

mod chunk;
pub mod counts;
pub mod decide;
pub mod guard;
pub mod merge;
mod overlap;
pub mod plan;
pub mod progress;
pub mod resolve_streams;
pub mod run_json;
pub mod store;
mod stream;

use crate::ingest::shard::Shard;
use crate::ingest::{Corpus, Selection};
use crate::model::LoadedModel;
use crate::recognise::pipeline::{InferenceArgs, Pipeline};
pub use counts::Counts;
use overlap::run_chunks;
use plan::{Mode, RunPlan};
use run_json::write_run_json;
use serde_json::json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;
use store::{Manifest, ShardStore};

#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct RunArgs {
    /// Folder of documents (searched recursively): .txt, .md, .jsonl, .html,
    /// .htm, .pdf, .docx, .odt, .eml and .mbox files, and images (.png,
    /// .jpg, .jpeg, .tif, .tiff, .bmp, .webp) read by OCR.
    #[arg(long, required_unless_present = "jsonl_in")]
    pub corpus: Option<PathBuf>,
    /// Output folder (created if needed).
    #[arg(long, required_unless_present = "jsonl_out")]
    pub out: Option<PathBuf>,
    /// Model folder, or a model's name. Default: NERPIPE_MODEL, else
    /// multilingual-e5-small-ner. A name is searched for in NERPIPE_MODELS
    /// (folders separated by ':'), then PREFIX/share/nerpipe/models beside
    /// an installed binary, then the checkout's models/; `nerpipe models`
    /// lists what it finds.
    #[arg(long, value_name = "FOLDER|NAME")]
    pub model: Option<PathBuf>,
    /// A model for the documents of one language, `LANG=FOLDER` or
    /// `LANG=NAME` (repeatable), e.g. `en=conll03-minilm-l6`; other
    /// languages use --model.
    #[arg(long = "model-for", value_name = "LANG=FOLDER", value_parser = crate::cli::model_for)]
    pub model_for: Vec<(String, PathBuf)>,
    /// Windows per model call. Small batches keep a layer's activations in
    /// the core's cache: 8 ran 1.1× faster than 32 (1 and 2 threads, AMX).
    #[arg(long, default_value_t = 8, value_parser = crate::cli::batch)]
    pub batch_size: usize,
    /// Drop model mentions scoring below this.
    #[arg(long, default_value_t = 0.0, value_parser = crate::cli::probability)]
    pub min_score: f32,
    /// Sub-tokens per model window, [CLS] and [SEP] included.
    #[arg(long, default_value_t = 128, value_parser = crate::cli::window)]
    pub window: usize,
    #[command(flatten)]
    #[serde(flatten)]
    pub inference: InferenceArgs,
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
    /// Seconds one file's text extraction may take (PDF, DOCX, ODT, HTML,
    /// e-mail: each is read in a worker process); past it the file gets an
    /// error row and the run goes on.
    #[arg(long, default_value_t = 60, value_parser = crate::cli::count)]
    pub extract_timeout: usize,
    /// Memory (MiB of heap) a file's extraction may use before it gets an
    /// error row instead.
    #[arg(long, default_value_t = 2048, value_parser = crate::cli::count)]
    pub extract_memory: usize,
    /// Documents per committed chunk: smaller chunks lose less work to a
    /// crash, larger ones batch better.
    #[arg(long, default_value_t = 256, value_parser = crate::cli::count)]
    pub chunk_docs: usize,
    /// Leave the output folder out of the corpus when it lies inside it.
    #[arg(long)]
    pub exclude_out: bool,
    /// OCR: `auto` reads images and PDF pages without a text layer, `force`
    /// every PDF page (a garbage text layer), `off` none (scans become
    /// error rows). Needs `tesseract` and poppler's `pdftoppm`/`pdfinfo`.
    #[arg(long, value_enum, default_value_t = crate::ingest::ocr::OcrMode::Auto)]
    pub ocr: crate::ingest::ocr::OcrMode,
    /// Tesseract's language models, joined with `+`.
    #[arg(long, default_value = crate::ingest::ocr::DEFAULT_LANGUAGES, value_parser = crate::cli::ocr_languages)]
    pub ocr_languages: String,
    /// OCR refuses an image (or a TIFF page) of more pixels than this: an
    /// error row, not gigabytes of decoded pixels.
    #[arg(long, default_value_t = crate::ingest::ocr::MAX_PIXELS)]
    pub ocr_max_pixels: u64,
    /// OCR refuses a file with more pages to read than this (at about 5 s a
    /// page on one core).
    #[arg(long, default_value_t = crate::ingest::ocr::MAX_PAGES)]
    pub ocr_max_pages: usize,
    /// Treat every document as this language (ISO 639-1: hr, sr, bs, en, ...)
    /// instead of detecting it from the text.
    #[arg(long, value_parser = crate::ingest::language::parse_code)]
    pub language: Option<String>,
    /// An analyst's decisions about entities (decisions.csv: same,
    /// different, not-an-entity, label, name), applied to every output.
    #[arg(long, value_name = "FILE")]
    pub decisions: Option<PathBuf>,
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

impl RunArgs {
    /// The bounds `--extract-timeout` and `--extract-memory` set.
    pub fn extraction_limits(&self) -> crate::ingest::isolate::Limits {
        crate::ingest::isolate::Limits {
            seconds: self.extract_timeout as u64,
            memory_mib: self.extract_memory as u64,
        }
    }
}

/// What a run reports at its end and in run.json.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RunSummary {
    #[serde(flatten)]
    pub counts: Counts,
    /// Documents an earlier, interrupted run had already done.
    pub documents_resumed: usize,
    /// Sub-tokens of the documents this process recognised.
    pub tokens: usize,
    /// Token positions the model computed for them (framing, window overlap
    /// and padding included).
    pub model_tokens: usize,
    pub seconds: f64,
    pub tokens_per_second: f64,
    /// Set for one shard of a sharded run (no top-level files).
    pub shard: Option<Shard>,
    /// Corpus entries that are not documents, by reason.
    pub skipped: BTreeMap<String, usize>,
    /// What `--decisions` did.
    pub decisions: Option<crate::resolve::decisions::DecisionsOutcome>,
}

/// From this many documents on, finding no model mention at all is suspect
/// (damaged weights, a model for another language).
const NO_MENTION_WARNING_DOCS: usize = 20;

pub(crate) fn warn_if_no_model_mentions(counts: &Counts) {
    if counts.documents_ok >= NO_MENTION_WARNING_DOCS && counts.model_mentions == 0 {
        eprintln!(
            "nerpipe: warning: the model found no mention in {} documents: its weights may be damaged or the documents not in its language; check the model folder (nerpipe eval) before trusting this run",
            counts.documents_ok
        );
    }
}

/// The models the plan asks for (engine, precision resolved): `--model`
/// first, then each `--model-for` folder in order.
fn load_models(plan: &RunPlan) -> crate::error::Result<Vec<LoadedModel>> {
    let args = &plan.args;
    std::iter::once(&plan.model)
        .chain(plan.model_for.iter())
        .map(|dir| {
            Ok(LoadedModel::load_for(
                dir,
                plan.precision,
                args.inference.engine,
            )?)
        })
        .collect()
}

/// The pipeline over `models` as the plan sets it up.
fn pipeline<'m>(plan: &RunPlan, models: &'m [LoadedModel]) -> crate::error::Result<Pipeline<'m>> {
    let languages: Vec<String> = plan.args.model_for.iter().map(|(l, _)| l.clone()).collect();
    Pipeline::new(models, &languages, plan.pipeline.clone())
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
fn result_options(
    plan: &RunPlan,
    pipeline: &Pipeline,
    models: &[LoadedModel],
) -> serde_json::Value {
    let args = &plan.args;
    json!({
        "model_for": routed_models(args, models),
        "batch_size": args.batch_size,
        "aggregation": args.inference.aggregation,
        "min_score": args.min_score,
        "window": args.window,
        "overlap": args.inference.overlap,
        "window_cuts": pipeline.window_cuts(),
        "decoder": pipeline.decoder(),
        "precision": plan.precision,
        "engine": args.inference.engine,
        "pack_documents": args.pack_documents,
        "max_doc_bytes": args.max_doc_bytes,
        "chunk_docs": args.chunk_docs,
        "threads": args.inference.threads,
        "consistency": args.inference.consistency,
        "ocr": args.ocr,
        "ocr_languages": args.ocr_languages,
        "ocr_max_pixels": args.ocr_max_pixels,
        "ocr_max_pages": args.ocr_max_pages,
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
    let plan = RunPlan::resolve(args, |k| std::env::var(k).ok())?;
    args.inference.warn_if_slow();
    tch::set_num_threads(args.inference.libtorch_threads() as i32);
    let defaults = crate::ingest::ocr::OcrSettings::default();
    crate::ingest::ocr::configure(crate::ingest::ocr::OcrSettings {
        mode: args.ocr,
        languages: args.ocr_languages.clone(),
        max_pixels: args.ocr_max_pixels,
        max_pages: args.ocr_max_pages,
        threads: args.inference.threads.unwrap_or(defaults.threads),
        ..defaults
    });
    match &plan.mode {
        Mode::Stream { input, output } => stream::run_stream(&plan, input, output, started),
        Mode::Folder { corpus, out, shard } => run_folder(&plan, corpus, out, *shard, started),
    }
}

/// A corpus folder into an output folder (the whole corpus, or one shard).
fn run_folder(
    plan: &RunPlan,
    corpus_dir: &Path,
    out: &Path,
    shard: Shard,
    started: Instant,
) -> crate::error::Result<RunSummary> {
    let args = &plan.args;
    let excluded = guard::check_folders(corpus_dir, out, args.exclude_out)?;
    let models = load_models(plan)?;
    let pipeline = pipeline(plan, &models)?;
    let corpus = Corpus::open_excluding(corpus_dir, excluded.as_deref())?;
    let quiet = args.quiet;
    let notify = &mut |message: String| {
        if !quiet {
            eprintln!("nerpipe: {message}");
        }
    };
    // Before the first write: one run at a time per folder, and only into a
    // folder whose files are nerpipe's.
    let work_dir = shard_dir(out, shard);
    guard::check_owned(out)?;
    let _lock = guard::FolderLock::acquire(&work_dir, notify)?;
    let manifest = manifest(plan, &pipeline, &models, &corpus, out, shard);
    let (mut store, resumed) = ShardStore::open(out, &manifest, notify)?;
    let mut summary = RunSummary {
        documents_resumed: resumed.documents,
        shard: (!shard.is_whole()).then_some(shard),
        skipped: corpus.skipped.clone(),
        ..Default::default()
    };
    let mut claimed = resumed.claimed_ids;
    let mut progress = progress::Progress::new(corpus.total_bytes(), args.quiet);
    let corpus_empty = corpus.is_empty();
    let selection = Selection {
        shard,
        done: resumed.done,
        max_doc_bytes: args.max_doc_bytes,
    };
    run_chunks(
        corpus.select(selection),
        args.chunk_docs,
        &pipeline,
        &mut claimed,
        &mut progress,
        &mut summary,
        &mut |results| store.commit(&results),
    )?;
    summary.model_tokens = pipeline.model_tokens();
    store.finish()?;
    finish_folder(plan, out, shard, &manifest, &mut summary, started)?;
    progress.finish(&summary, out);
    check_found_documents(plan, corpus_dir, corpus_empty, shard, &summary)?;
    drop(pipeline);
    free_models(models);
    Ok(summary)
}

/// Frees the models of a finished run. Their tokenizers go on a thread of
/// their own, which the process need not wait for: a large vocabulary's
/// trie is hundreds of thousands of small maps, a third of a second to free.
fn free_models(models: Vec<LoadedModel>) {
    let segmenters: Vec<_> = models.into_iter().map(|m| m.segmenter).collect();
    let _ = std::thread::Builder::new()
        .name("nerpipe-free".into())
        .spawn(move || drop(segmenters));
}

/// The folder a run works in and locks: the output folder of an unsharded
/// run, else its shard's folder.
fn shard_dir(out: &Path, shard: Shard) -> PathBuf {
    if shard.is_whole() {
        out.to_path_buf()
    } else {
        ShardStore::dir_of(out, shard)
    }
}

/// What produced a shard's chunks: model, result options and corpus files.
fn manifest(
    plan: &RunPlan,
    pipeline: &Pipeline,
    models: &[LoadedModel],
    corpus: &Corpus,
    out: &Path,
    shard: Shard,
) -> Manifest {
    let previous = store::previous_stamps(out, shard);
    Manifest {
        nerpipe_version: env!("CARGO_PKG_VERSION").into(),
        model: models[0].name.clone(),
        model_sha256: models[0].weights_sha256.clone(),
        options: result_options(plan, pipeline, models),
        shard,
        corpus_files: corpus
            .files()
            .map(|(rel, path, size)| {
                let stamp = store::stamp(path, size, previous.get(rel));
                (rel.to_string(), stamp)
            })
            .collect(),
    }
}

/// After the chunks: an unsharded run merges its one shard into the output
/// files (whose counts, entities included, are the run's) and writes the
/// downstream files; every run writes its run.json.
fn finish_folder(
    plan: &RunPlan,
    out: &Path,
    shard: Shard,
    manifest: &Manifest,
    summary: &mut RunSummary,
    started: Instant,
) -> crate::error::Result<()> {
    if shard.is_whole() {
        let (merged, _) = merge::merge(out, Some(1), plan.decisions.as_ref())?;
        summary.counts = merged.counts;
        summary.decisions = merged.decisions;
    }
    summary.seconds = started.elapsed().as_secs_f64();
    summary.tokens_per_second = summary.tokens as f64 / summary.seconds.max(1e-9);
    write_run_json(&shard_dir(out, shard), plan, manifest, summary)?;
    if let (Some(file), Some(outcome)) = (&plan.decisions, &summary.decisions) {
        merge::warn_orphans(file, outcome);
    }
    if shard.is_whole() {
        crate::sink::write_downstream(out, !plan.args.no_sqlite, !plan.args.no_report)?;
    }
    Ok(())
}

/// Warns (or with `--strict` fails) when the corpus held no documents, and
/// when the model found no mention in many.
fn check_found_documents(
    plan: &RunPlan,
    corpus_dir: &Path,
    corpus_empty: bool,
    shard: Shard,
    summary: &RunSummary,
) -> crate::error::Result<()> {
    warn_if_no_model_mentions(&summary.counts);
    let counts = &summary.counts;
    let no_documents =
        corpus_empty || (shard.is_whole() && counts.documents_ok + counts.documents_failed == 0);
    if !no_documents {
        return Ok(());
    }
    let message = format!(
        "no documents found in {} (looked for {} files in it and its subfolders{}{})",
        corpus_dir.display(),
        crate::ingest::extract::FileFormat::extensions(),
        if summary.skipped.is_empty() { "" } else { "; " },
        skipped_note(&summary.skipped)
    );
    if plan.args.strict {
        return Err(crate::Error::NoDocuments(message));
    }
    eprintln!("nerpipe: warning: {message}");
    Ok(())
}
