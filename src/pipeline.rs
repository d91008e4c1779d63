//! `nerpipe run`: the whole pipeline over a corpus.
//!
//! ingest → segment → recognise → resolve → emit, streamed in chunks of
//! documents so the corpus never has to fit in memory. Windows of all the
//! documents in a chunk are batched together, longest first. Each chunk's
//! results are committed to the shard folder (see [`crate::store`]); an
//! unsharded run then merges its one shard into the output files.

use crate::document::{Amount, Document, Label, Mention};
use crate::emit::{DocumentRecord, MentionJson};
use crate::ingest::{Corpus, Failed, Ingested, Item, Position, Selection};
use crate::model::{Decoder, LoadedModel, Precision};
use crate::recognise::amounts::{find_amounts, AmountMatch};
use crate::recognise::decode::{decode_spans, Aggregation};
use crate::recognise::transformer::{special_ids, WindowedPredictor};
use crate::recognise::{merge_with_amounts, Found};
use crate::resolve::resolve_document;
use crate::segment::{TokenSequence, WindowSpec};
use crate::shard::Shard;
use crate::store::{DocResult, Manifest, ResolvedMention, ShardStore};
use crate::text::{sentence_context, CharOffsets};
use anyhow::{bail, Context};
use rayon::prelude::*;
use serde_json::json;
use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct RunArgs {
    /// Folder of .txt, .md and .jsonl documents (searched recursively).
    #[arg(long, required_unless_present = "jsonl_in")]
    pub corpus: Option<PathBuf>,
    /// Output folder (created if needed).
    #[arg(long, required_unless_present = "jsonl_out")]
    pub out: Option<PathBuf>,
    /// Model folder.
    #[arg(long, default_value = crate::DEFAULT_MODEL)]
    pub model: PathBuf,
    /// Windows per model call.
    #[arg(long, default_value_t = 32)]
    pub batch_size: usize,
    /// Threads for tokenisation and libtorch (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// How sub-token predictions become word predictions.
    #[arg(long, value_enum, default_value = "first")]
    pub aggregation: Aggregation,
    /// Drop model mentions scoring below this.
    #[arg(long, default_value_t = 0.0)]
    pub min_score: f32,
    /// Sub-tokens per model window, [CLS] and [SEP] included.
    #[arg(long, default_value_t = 128)]
    pub window: usize,
    /// Sub-tokens shared by neighbouring windows.
    #[arg(long, default_value_t = 32)]
    pub overlap: usize,
    /// Tag decoder (default: the one the model's config names).
    #[arg(long, value_enum)]
    pub decoder: Option<Decoder>,
    /// Inference precision; bf16 is faster on CPUs with AMX.
    #[arg(long, value_enum, default_value = "fp32")]
    pub precision: Precision,
    /// Process only shard I of N (`I/N`, 0-based). Default: from
    /// JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID or AWS_BATCH_JOB_ARRAY_INDEX.
    #[arg(long)]
    pub shard: Option<String>,
    /// Number of shards, for schedulers that only publish the index.
    #[arg(long)]
    pub shard_count: Option<usize>,
    /// Read documents as JSON lines from this file, or `-` for standard input.
    #[arg(long, conflicts_with = "corpus")]
    pub jsonl_in: Option<String>,
    /// Write mentions as JSON lines to this file, or `-` for standard output,
    /// instead of an output folder.
    #[arg(long, conflicts_with = "out")]
    pub jsonl_out: Option<String>,
    /// Refuse documents larger than this many bytes (error row).
    #[arg(long, default_value_t = crate::ingest::DEFAULT_MAX_DOC_BYTES)]
    pub max_doc_bytes: u64,
    /// Documents per committed chunk: smaller chunks lose less work to a
    /// crash, larger ones batch better.
    #[arg(long, default_value_t = 256)]
    pub chunk_docs: usize,
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
    /// Sub-tokens run through the model by this process.
    pub tokens: usize,
    pub seconds: f64,
    pub tokens_per_second: f64,
    /// Set for one shard of a sharded run (no top-level files).
    pub shard: Option<Shard>,
}

/// Characters per chunk: with `--chunk-docs`, bounds the memory of a chunk.
const CHUNK_CHARS: usize = 1 << 20;

/// The recognition stages with their settings, applied a chunk at a time.
pub struct Recognisers<'m> {
    pub model: &'m LoadedModel,
    predictor: WindowedPredictor<'m>,
    aggregation: Aggregation,
    decoder: Decoder,
    min_score: f32,
    pool: rayon::ThreadPool,
}

impl<'m> Recognisers<'m> {
    pub fn new(model: &'m LoadedModel, args: &RunArgs) -> anyhow::Result<Recognisers<'m>> {
        if args.window < 8 || args.overlap * 2 >= args.window - 2 {
            bail!("--window must be at least 8 and more than twice --overlap plus 2");
        }
        let (cls, sep) = special_ids(&model.tokenizer, &model.dir.join("tokenizer.json"))?;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(args.threads.unwrap_or(0))
            .build()
            .context("cannot start worker threads")?;
        Ok(Recognisers {
            model,
            predictor: WindowedPredictor {
                network: &model.network,
                num_tags: model.config.tags.len(),
                cls_id: cls,
                sep_id: sep,
                windows: WindowSpec {
                    content: args.window - 2,
                    overlap: args.overlap,
                },
                batch_size: args.batch_size,
            },
            aggregation: args.aggregation,
            decoder: args.decoder.unwrap_or(model.config.decoder),
            min_score: args.min_score,
            pool,
        })
    }

    /// Recognises and resolves the documents of one chunk, in order.
    pub fn process(&self, items: Vec<(Item, Position, bool)>) -> Vec<DocResult> {
        let tokenizer = &self.model.tokenizer;
        let sequences: Vec<Option<anyhow::Result<TokenSequence>>> = self.pool.install(|| {
            items
                .par_iter()
                .map(|(item, _, _)| match item {
                    Item::Document(d) => Some(TokenSequence::from_text(tokenizer, &d.text)),
                    Item::Failed(_) => None,
                })
                .collect()
        });
        let ok: Vec<&TokenSequence> = sequences
            .iter()
            .flatten()
            .filter_map(|s| s.as_ref().ok())
            .collect();
        let mut probs = self.predictor.predict(&ok).into_iter();
        items
            .into_iter()
            .zip(sequences)
            .map(|((item, position, claimed_id), seq)| {
                let (doc, seq) = match (item, seq) {
                    (Item::Document(doc), Some(Ok(seq))) => (doc, seq),
                    (Item::Document(doc), Some(Err(e))) => {
                        return failed_result(
                            &failed_doc(&doc, e.to_string()),
                            position,
                            claimed_id,
                        )
                    }
                    (Item::Failed(f), _) => return failed_result(&f, position, claimed_id),
                    (Item::Document(doc), None) => {
                        return failed_result(
                            &failed_doc(&doc, "not tokenised".into()),
                            position,
                            claimed_id,
                        )
                    }
                };
                let p = probs.next().unwrap_or_default();
                let mentions = self.mentions(&doc, &seq, &p);
                let resolved = resolve_document(&mentions);
                let mentions: Vec<ResolvedMention> = mentions
                    .iter()
                    .zip(resolved)
                    .enumerate()
                    .map(|(i, (m, r))| ResolvedMention {
                        mention: MentionJson::new(m, i, &r.entity_id),
                        key: r.key,
                        group: r.group_label,
                    })
                    .collect();
                DocResult {
                    position,
                    claimed_id,
                    document: DocumentRecord {
                        doc_id: doc.id.clone(),
                        source_path: doc.source_path.clone(),
                        title: doc.title.clone(),
                        chars: doc.text.chars().count(),
                        tokens: seq.len(),
                        mentions: mentions.len(),
                        status: "ok".into(),
                        error: String::new(),
                    },
                    mentions,
                }
            })
            .collect()
    }

    /// Mentions of one document: the transformer's spans merged with the
    /// amounts recogniser's, sorted by start.
    fn mentions(&self, doc: &Document, seq: &TokenSequence, probs: &[f32]) -> Vec<Mention> {
        let config = &self.model.config;
        let (_, spans) = decode_spans(
            probs,
            &config.parsed_tags,
            &seq.word_of_token,
            seq.words.len(),
            self.aggregation,
            self.decoder,
        );
        let model_spans: Vec<Found<(Label, f32)>> = spans
            .into_iter()
            .filter(|s| s.score >= self.min_score)
            .filter_map(|s| {
                let label = *config.label_map.get(&s.kind)?;
                let bytes = seq.words[s.words.start].start..seq.words[s.words.end - 1].end;
                Some(Found {
                    bytes,
                    what: (label, s.score),
                })
            })
            .collect();
        let amount_spans: Vec<Found<AmountMatch>> = find_amounts(&doc.text)
            .into_iter()
            .map(|a| Found {
                bytes: a.start..a.end,
                what: a,
            })
            .collect();
        let merged = merge_with_amounts(&doc.text, model_spans, amount_spans);
        let byte_offsets: Vec<usize> = merged
            .iter()
            .flat_map(|f| [f.bytes.start, f.bytes.end])
            .collect();
        let chars = CharOffsets::of(&doc.text, &byte_offsets);
        merged
            .into_iter()
            .map(|f| {
                let (label, score, source, amount) = match f.what {
                    Ok((label, score)) => (label, score, self.model.name.clone(), None),
                    Err(a) => (
                        Label::Amount,
                        1.0,
                        AMOUNTS_SOURCE.to_string(),
                        Some(Amount {
                            kind: a.kind.as_str().to_string(),
                            value: a.value,
                            unit: a.unit,
                            qualifier: a.qualifier,
                            value_max: a.value_max,
                        }),
                    ),
                };
                Mention {
                    doc_id: doc.id.clone(),
                    start: chars.get(f.bytes.start),
                    end: chars.get(f.bytes.end),
                    text: doc.text[f.bytes.clone()].to_string(),
                    label,
                    score,
                    source,
                    context: sentence_context(&doc.text, f.bytes.start, f.bytes.end),
                    amount,
                }
            })
            .collect()
    }
}

/// `source` of the rule-based amount mentions.
pub const AMOUNTS_SOURCE: &str = "amounts";

fn failed_doc(doc: &Document, error: String) -> Failed {
    Failed {
        id: doc.id.clone(),
        source_path: doc.source_path.clone(),
        error,
    }
}

fn failed_result(f: &Failed, position: Position, claimed_id: bool) -> DocResult {
    DocResult {
        position,
        claimed_id,
        document: DocumentRecord {
            doc_id: f.id.clone(),
            source_path: f.source_path.clone(),
            title: String::new(),
            chars: 0,
            tokens: 0,
            mentions: 0,
            status: "error".into(),
            error: f.error.clone(),
        },
        mentions: Vec::new(),
    }
}

/// Groups the ingest stream into chunks, refusing duplicate doc_ids, and hands
/// each chunk's results to `sink`. A chunk also ends where the stream skips
/// documents already done, so chunks always hold consecutive documents.
fn run_chunks(
    stream: impl Iterator<Item = Ingested>,
    chunk_docs: usize,
    recognisers: &Recognisers,
    claimed: &mut HashSet<String>,
    progress: &mut crate::progress::Progress,
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
                if r.document.status == "ok" {
                    summary.documents_ok += 1;
                } else {
                    summary.documents_failed += 1;
                }
                summary.tokens += r.document.tokens;
                summary.mentions += r.mentions.len();
                for m in &r.mentions {
                    *summary
                        .mentions_per_label
                        .entry(m.mention.record.label.to_string())
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

/// The options that change results, recorded in manifests.
fn result_options(args: &RunArgs, decoder: Decoder) -> serde_json::Value {
    json!({
        "batch_size": args.batch_size,
        "aggregation": args.aggregation,
        "min_score": args.min_score,
        "window": args.window,
        "overlap": args.overlap,
        "decoder": decoder,
        "precision": args.precision,
        "max_doc_bytes": args.max_doc_bytes,
        "chunk_docs": args.chunk_docs,
        "threads": args.threads,
    })
}

pub fn run(args: &RunArgs) -> anyhow::Result<RunSummary> {
    let started = Instant::now();
    if let Some(t) = args.threads {
        tch::set_num_threads(t as i32);
    }
    if args.jsonl_out.is_some() || args.jsonl_in.is_some() {
        return run_stream(args, started);
    }
    let (Some(corpus_dir), Some(out)) = (&args.corpus, &args.out) else {
        bail!("give --corpus and --out, or --jsonl-in and --jsonl-out");
    };
    let shard = match &args.shard {
        Some(s) => Shard::parse(s)?,
        None => {
            Shard::from_env(|k| std::env::var(k).ok(), args.shard_count)?.unwrap_or(Shard::WHOLE)
        }
    };
    let model = LoadedModel::load(&args.model, args.precision)?;
    let recognisers = Recognisers::new(&model, args)?;
    let corpus = Corpus::open(corpus_dir)?;
    let manifest = Manifest {
        nerpipe_version: env!("CARGO_PKG_VERSION").into(),
        model: model.name.clone(),
        model_sha256: model.weights_sha256.clone(),
        options: result_options(args, recognisers.decoder),
        shard,
        corpus_files: corpus
            .files()
            .map(|(rel, path, size)| (rel.to_string(), crate::store::stamp(path, size)))
            .collect(),
    };
    let quiet = args.quiet;
    let (mut store, resumed) = ShardStore::open(out, &manifest, &mut |message| {
        if !quiet {
            eprintln!("nerpipe: {message}");
        }
    })?;
    let mut summary = RunSummary {
        documents_resumed: resumed.documents,
        shard: (shard.count > 1).then_some(shard),
        ..Default::default()
    };
    let mut claimed = resumed.claimed_ids;
    let mut progress = crate::progress::Progress::new(corpus.total_bytes(), args.quiet);
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
    store.finish()?;
    if shard.count == 1 {
        let (merged, _) = crate::merge::merge(out, Some(1))?;
        summary.documents_ok = merged.documents_ok;
        summary.documents_failed = merged.documents_failed;
        summary.mentions = merged.mentions;
        summary.mentions_per_label = merged.mentions_per_label;
        summary.entities = merged.entities;
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
        write_downstream(out, !args.no_sqlite, !args.no_report)?;
    }
    progress.finish(&summary, out);
    Ok(summary)
}

/// `--jsonl-in` / `--jsonl-out`: documents in, mention lines out, for pipes
/// (Spark's `RDD.pipe`, shell pipelines). Entity ids are the same as in a run
/// with an output folder.
fn run_stream(args: &RunArgs, started: Instant) -> anyhow::Result<RunSummary> {
    let model = LoadedModel::load(&args.model, args.precision)?;
    let recognisers = Recognisers::new(&model, args)?;
    let selection = Selection {
        max_doc_bytes: args.max_doc_bytes,
        ..Default::default()
    };
    let stream: Box<dyn Iterator<Item = Ingested>> = match (&args.jsonl_in, &args.corpus) {
        (Some(path), _) if path == "-" => Box::new(crate::ingest::read_jsonl(
            "-".into(),
            std::io::stdin().lock(),
            std::sync::Arc::new(selection),
        )),
        (Some(path), _) => {
            let file = std::fs::File::open(path)
                .with_context(|| format!("{path}: cannot read the JSONL input"))?;
            Box::new(crate::ingest::read_jsonl(
                path.clone(),
                std::io::BufReader::new(file),
                std::sync::Arc::new(selection),
            ))
        }
        (None, Some(corpus)) => Box::new(Corpus::open(corpus)?.select(selection)),
        (None, None) => bail!("give --corpus or --jsonl-in"),
    };
    let mut sink: Box<dyn Write> = match args.jsonl_out.as_deref() {
        Some("-") | None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
        Some(path) => Box::new(crate::emit::AtomicFile::create(Path::new(path))?),
    };
    let mut summary = RunSummary::default();
    let mut progress = crate::progress::Progress::new(0, true);
    let quiet = args.quiet;
    run_chunks(
        stream,
        args.chunk_docs,
        &recognisers,
        &mut HashSet::new(),
        &mut progress,
        &mut summary,
        &mut |results, _| {
            for r in results {
                if r.document.status != "ok" && !quiet {
                    eprintln!("nerpipe: {}: {}", r.document.source_path, r.document.error);
                }
                for m in r.mentions {
                    serde_json::to_writer(&mut sink, &m.mention)?;
                    sink.write_all(b"\n")?;
                }
            }
            sink.flush().context("cannot write the mention stream")
        },
    )?;
    sink.flush()?;
    drop(sink);
    summary.seconds = started.elapsed().as_secs_f64();
    summary.tokens_per_second = summary.tokens as f64 / summary.seconds.max(1e-9);
    Ok(summary)
}

/// The files made from a finished output folder: nerpipe.sqlite and the HTML
/// review report (whose document pages re-read the corpus named in run.json).
pub fn write_downstream(out: &Path, sqlite: bool, report: bool) -> anyhow::Result<()> {
    if sqlite {
        crate::sqlite::write_sqlite(out)?;
    }
    if report {
        let info = crate::run_output::RunInfo::read(out)?;
        let corpus = info
            .corpus
            .with_context(|| format!("{}: run.json names no corpus", out.display()))?;
        crate::report::write_report(out, &corpus)?;
    }
    Ok(())
}

/// Top-level run.json of a merged sharded run: shard 0's options and model,
/// the merged counts.
pub fn write_merged_run_json(
    out: &Path,
    shards: usize,
    summary: &crate::merge::MergeSummary,
    seconds: f64,
) -> anyhow::Result<()> {
    let shard0 = ShardStore::dir_of(out, Shard::new(0, shards)?).join("run.json");
    let text = std::fs::read_to_string(&shard0)
        .with_context(|| format!("{}: cannot read", shard0.display()))?;
    let mut run: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{}: not valid JSON", shard0.display()))?;
    run["options"]["shard"] = serde_json::Value::Null;
    run["options"]["out"] = json!(out);
    run["counts"] = json!({
        "documents_ok": summary.documents_ok,
        "documents_failed": summary.documents_failed,
        "mentions": summary.mentions,
        "mentions_per_label": summary.mentions_per_label,
        "entities": summary.entities,
        "shards": shards,
    });
    run["timings"] = json!({ "merge_seconds": seconds });
    crate::emit::write_atomic(
        &out.join("run.json"),
        serde_json::to_string_pretty(&run)?.as_bytes(),
    )
}

fn write_run_json(
    dir: &Path,
    args: &RunArgs,
    manifest: &Manifest,
    summary: &RunSummary,
) -> anyhow::Result<()> {
    let run = json!({
        "nerpipe_version": env!("CARGO_PKG_VERSION"),
        "model": {
            "name": manifest.model,
            "path": args.model,
            "weights_sha256": manifest.model_sha256,
        },
        "options": args,
        "counts": {
            "documents_ok": summary.documents_ok,
            "documents_failed": summary.documents_failed,
            "documents_resumed": summary.documents_resumed,
            "mentions": summary.mentions,
            "mentions_per_label": summary.mentions_per_label,
            "entities": summary.entities,
            "tokens": summary.tokens,
        },
        "timings": {
            "seconds": summary.seconds,
            "tokens_per_second": summary.tokens_per_second,
            "peak_rss_mib": peak_rss_mib(),
        },
    });
    crate::emit::write_atomic(
        &dir.join("run.json"),
        serde_json::to_string_pretty(&run)?.as_bytes(),
    )
}

/// This process's peak resident memory (VmHWM), where /proc tells it.
pub fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
