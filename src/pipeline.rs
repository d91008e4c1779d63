//! `nerpipe run`: the whole pipeline over a corpus.
//!
//! ingest → segment → recognise → resolve → emit, streamed in chunks of
//! documents so the corpus never has to fit in memory. Windows of all the
//! documents in a chunk are batched together, longest first.

use crate::document::{Document, Mention};
use crate::emit::{DocumentRecord, EntityJson, MentionRecord, RunWriter};
use crate::ingest::{Corpus, Failed, Item};
use crate::model::{Decoder, LoadedModel, Precision};
use crate::recognise::decode::{decode_spans, Aggregation};
use crate::recognise::transformer::{special_ids, WindowedPredictor};
use crate::resolve::{resolve_document, EntityTable};
use crate::segment::{TokenSequence, WindowSpec};
use crate::text::{sentence_context, CharOffsets};
use anyhow::Context;
use rayon::prelude::*;
use serde_json::json;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct RunArgs {
    /// Folder of .txt, .md and .jsonl documents (searched recursively).
    #[arg(long)]
    pub corpus: PathBuf,
    /// Output folder (created if needed).
    #[arg(long)]
    pub out: PathBuf,
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
    /// No progress and no summary on stderr.
    #[arg(long)]
    pub quiet: bool,
}

/// Counts reported at the end of a run and in run.json.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RunSummary {
    pub documents_ok: usize,
    pub documents_failed: usize,
    pub mentions: usize,
    pub mentions_per_label: BTreeMap<String, usize>,
    pub entities: usize,
    pub tokens: usize,
    pub seconds: f64,
    pub tokens_per_second: f64,
}

/// Documents per chunk, and characters per chunk: the unit of batching and of
/// memory.
const CHUNK_DOCUMENTS: usize = 256;
const CHUNK_CHARS: usize = 1 << 20;

pub fn run(args: &RunArgs) -> anyhow::Result<RunSummary> {
    let started = Instant::now();
    if let Some(t) = args.threads {
        tch::set_num_threads(t as i32);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .context("cannot start worker threads")?;
    if args.window < 8 || args.overlap * 2 >= args.window - 2 {
        anyhow::bail!("--window must be at least 8 and more than twice --overlap plus 2");
    }
    let model = LoadedModel::load(&args.model, args.precision)?;
    let corpus = Corpus::open(&args.corpus)?;
    let mut writer = RunWriter::create(&args.out)?;
    let (cls, sep) = special_ids(&model.tokenizer, &model.dir.join("tokenizer.json"))?;
    let predictor = WindowedPredictor {
        network: &model.network,
        num_tags: model.config.tags.len(),
        cls_id: cls,
        sep_id: sep,
        windows: WindowSpec {
            content: args.window - 2,
            overlap: args.overlap,
        },
        batch_size: args.batch_size,
    };
    let decoder = args.decoder.unwrap_or(model.config.decoder);
    let mut progress = crate::progress::Progress::new(corpus.total_bytes(), args.quiet);
    let mut summary = RunSummary::default();
    let mut table = EntityTable::new();
    let mut seen_ids = HashSet::new();
    // Items in corpus order; failures wait in the chunk so rows keep that order.
    let mut chunk: Vec<Item> = Vec::new();
    let mut chunk_chars = 0;

    let process = |chunk: &mut Vec<Item>,
                       writer: &mut RunWriter,
                       summary: &mut RunSummary,
                       table: &mut EntityTable|
     -> anyhow::Result<()> {
        let items = std::mem::take(chunk);
        let sequences: Vec<Option<anyhow::Result<TokenSequence>>> = pool.install(|| {
            items
                .par_iter()
                .map(|item| match item {
                    Item::Document(d) => Some(TokenSequence::from_text(&model.tokenizer, &d.text)),
                    Item::Failed(_) => None,
                })
                .collect()
        });
        let ok: Vec<&TokenSequence> = sequences.iter().flatten().filter_map(|s| s.as_ref().ok()).collect();
        let mut probs = predictor.predict(&ok).into_iter();
        for (item, seq) in items.iter().zip(&sequences) {
            let (doc, seq) = match (item, seq) {
                (Item::Document(doc), Some(seq)) => (doc, seq),
                (Item::Failed(f), _) => {
                    record_failure(writer, summary, f)?;
                    continue;
                }
                (Item::Document(_), None) => continue,
            };
            let seq = match seq {
                Ok(s) => s,
                Err(e) => {
                    record_failure(writer, summary, &failed_doc(doc, e.to_string()))?;
                    continue;
                }
            };
            let p = probs.next().unwrap_or_default();
            let mentions = model_mentions(doc, seq, &p, &model, args, decoder);
            let resolved = resolve_document(&mentions);
            for (i, (m, r)) in mentions.iter().zip(&resolved).enumerate() {
                writer.mention(&MentionRecord::new(m, i, &r.entity_id))?;
                table.add(m, r);
                *summary.mentions_per_label.entry(m.label.to_string()).or_default() += 1;
            }
            summary.mentions += mentions.len();
            summary.tokens += seq.len();
            summary.documents_ok += 1;
            writer.document(&DocumentRecord {
                doc_id: doc.id.clone(),
                source_path: doc.source_path.clone(),
                title: doc.title.clone(),
                chars: doc.text.chars().count(),
                tokens: seq.len(),
                mentions: mentions.len(),
                status: "ok".into(),
                error: String::new(),
            })?;
        }
        Ok(())
    };

    for (item, bytes) in corpus.documents() {
        match item {
            Item::Document(doc) if !seen_ids.insert(doc.id.clone()) => {
                let error = format!("duplicate doc_id {:?}: an earlier document has it", doc.id);
                chunk.push(Item::Failed(failed_doc(&doc, error)));
            }
            Item::Document(doc) => {
                chunk_chars += doc.text.len();
                chunk.push(Item::Document(doc));
            }
            failed => chunk.push(failed),
        }
        if chunk.len() >= CHUNK_DOCUMENTS || chunk_chars >= CHUNK_CHARS {
            process(&mut chunk, &mut writer, &mut summary, &mut table)?;
            chunk_chars = 0;
        }
        progress.advance(bytes, &summary);
    }
    process(&mut chunk, &mut writer, &mut summary, &mut table)?;

    let entities: Vec<EntityJson> = table
        .finish()
        .into_iter()
        .map(|(e, other)| EntityJson::new(&e, other))
        .collect();
    summary.entities = entities.len();
    writer.finish(&entities)?;
    summary.seconds = started.elapsed().as_secs_f64();
    summary.tokens_per_second = summary.tokens as f64 / summary.seconds.max(1e-9);
    write_run_json(args, &model, &summary)?;
    progress.finish(&summary, &args.out);
    Ok(summary)
}

fn failed_doc(doc: &Document, error: String) -> Failed {
    Failed {
        id: doc.id.clone(),
        source_path: doc.source_path.clone(),
        error,
    }
}

fn record_failure(writer: &mut RunWriter, summary: &mut RunSummary, f: &Failed) -> anyhow::Result<()> {
    summary.documents_failed += 1;
    writer.document(&DocumentRecord {
        doc_id: f.id.clone(),
        source_path: f.source_path.clone(),
        title: String::new(),
        chars: 0,
        tokens: 0,
        mentions: 0,
        status: "error".into(),
        error: f.error.clone(),
    })
}

/// Mentions found by the transformer in one document.
fn model_mentions(
    doc: &Document,
    seq: &TokenSequence,
    probs: &[f32],
    model: &LoadedModel,
    args: &RunArgs,
    decoder: Decoder,
) -> Vec<Mention> {
    let (_, spans) = decode_spans(
        probs,
        &model.config.parsed_tags,
        &seq.word_of_token,
        seq.words.len(),
        args.aggregation,
        decoder,
    );
    let spans: Vec<_> = spans.into_iter().filter(|s| s.score >= args.min_score).collect();
    let byte_offsets: Vec<usize> = spans
        .iter()
        .flat_map(|s| [seq.words[s.words.start].start, seq.words[s.words.end - 1].end])
        .collect();
    let chars = CharOffsets::of(&doc.text, &byte_offsets);
    spans
        .iter()
        .filter_map(|span| {
            let (bs, be) = (seq.words[span.words.start].start, seq.words[span.words.end - 1].end);
            let label = *model.config.label_map.get(&span.kind)?;
            Some(Mention {
                doc_id: doc.id.clone(),
                start: chars.get(bs),
                end: chars.get(be),
                text: doc.text[bs..be].to_string(),
                label,
                score: span.score,
                source: model.name.clone(),
                context: sentence_context(&doc.text, bs, be),
                amount: None,
            })
        })
        .collect()
}

fn write_run_json(args: &RunArgs, model: &LoadedModel, summary: &RunSummary) -> anyhow::Result<()> {
    let run = json!({
        "nerpipe_version": env!("CARGO_PKG_VERSION"),
        "model": {
            "name": model.name,
            "path": model.dir,
            "weights_sha256": model.weights_sha256,
        },
        "options": args,
        "counts": {
            "documents_ok": summary.documents_ok,
            "documents_failed": summary.documents_failed,
            "mentions": summary.mentions,
            "mentions_per_label": summary.mentions_per_label,
            "entities": summary.entities,
            "tokens": summary.tokens,
        },
        "timings": {
            "seconds": summary.seconds,
            "tokens_per_second": summary.tokens_per_second,
        },
    });
    crate::emit::write_atomic(&args.out.join("run.json"), serde_json::to_string_pretty(&run)?.as_bytes())
}

