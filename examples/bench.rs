//! `make bench`: throughput of `nerpipe run` over a corpus against rust-bert's
//! own TokenClassificationModel pipeline on the same texts, with the same
//! weights and thread count, in one process; prints the ratio.

use clap::Parser;
use nerpipe::ingest::{Corpus, Item};
use nerpipe::pipeline::{run, RunArgs};
use nerpipe::recognise::decode::Aggregation;
use rust_bert::pipelines::common::{ModelResource, ModelType};
use rust_bert::pipelines::token_classification::{
    LabelAggregationOption, TokenClassificationConfig, TokenClassificationModel,
};
use rust_bert::resources::LocalResource;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value = "corpus")]
    corpus: PathBuf,
    #[arg(long, default_value = nerpipe::DEFAULT_MODEL)]
    model: PathBuf,
    /// Threads for both pipelines.
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Timed repetitions of each pipeline (the best is reported).
    #[arg(long, default_value_t = 2)]
    repeat: usize,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    tch::set_num_threads(args.threads as i32);
    let out = std::env::temp_dir().join(format!("nerpipe-bench-{}", std::process::id()));
    let run_args = RunArgs {
        corpus: Some(args.corpus.clone()),
        out: Some(out.clone()),
        model: args.model.clone(),
        batch_size: 32,
        threads: Some(args.threads),
        aggregation: Aggregation::First,
        min_score: 0.0,
        window: 128,
        overlap: 32,
        decoder: None,
        precision: nerpipe::model::Precision::Fp32,
        shard: None,
        shard_count: None,
        jsonl_in: None,
        jsonl_out: None,
        max_doc_bytes: nerpipe::ingest::DEFAULT_MAX_DOC_BYTES,
        strict: false,
        chunk_docs: 256,
        no_sqlite: true,
        no_report: true,
        quiet: true,
    };
    let texts: Vec<String> = Corpus::open(&args.corpus)?
        .documents()
        .filter_map(|(item, _)| match item {
            Item::Document(d) => Some(d.text),
            Item::Failed(_) => None,
        })
        .collect();

    let mut ours = f64::MAX;
    let mut tokens = 0;
    for _ in 0..args.repeat {
        // A fresh folder each time: an existing one would resume, not rerun.
        let _ = std::fs::remove_dir_all(&out);
        let summary = run(&run_args)?;
        ours = ours.min(summary.seconds);
        tokens = summary.tokens;
    }
    let _ = std::fs::remove_dir_all(&out);

    let resource = |file: &str| LocalResource {
        local_path: args.model.join(file),
    };
    let mut config = TokenClassificationConfig::new(
        ModelType::Bert,
        ModelResource::Torch(Box::new(resource("model.safetensors"))),
        resource("config.json"),
        resource("vocab.txt"),
        None,
        true,
        None,
        None,
        LabelAggregationOption::First,
    );
    config.device = tch::Device::Cpu;
    config.batch_size = 32;
    let baseline = TokenClassificationModel::new(config)?;
    let mut theirs = f64::MAX;
    for _ in 0..args.repeat {
        let started = Instant::now();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let output = baseline.predict(&refs, true, false);
        std::hint::black_box(output);
        theirs = theirs.min(started.elapsed().as_secs_f64());
    }
    println!(
        "model stage, {} documents, {tokens} sub-tokens, {} thread(s), best of {}:",
        texts.len(),
        args.threads,
        args.repeat
    );
    println!("  nerpipe run (whole pipeline)          {:>9.0} tokens/s", tokens as f64 / ours);
    println!("  rust-bert TokenClassificationModel    {:>9.0} tokens/s", tokens as f64 / theirs);
    println!("  ratio nerpipe / rust-bert             {:>9.2}x", theirs / ours);
    Ok(())
}
