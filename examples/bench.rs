//! `make bench`: throughput of `nerpipe run` over a corpus against rust-bert's
//! own TokenClassificationModel pipeline on the same texts, with the same
//! weights and thread count, in one process; prints the ratio.

use clap::Parser;
use nerpipe::ingest::{Corpus, Item};
use nerpipe::recognise::transformer::decode::Aggregation;
use nerpipe::run::{run, RunArgs};
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
    /// Skip the peak-memory runs of the sample corpus ×1 and ×100.
    #[arg(long)]
    no_rss: bool,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    tch::set_num_threads(args.threads as i32);
    if !args.no_rss {
        peak_rss(&args)?;
    }
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
        exclude_out: false,
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
    println!(
        "  nerpipe run (whole pipeline)          {:>9.0} tokens/s",
        tokens as f64 / ours
    );
    println!(
        "  rust-bert TokenClassificationModel    {:>9.0} tokens/s",
        tokens as f64 / theirs
    );
    println!(
        "  ratio nerpipe / rust-bert             {:>9.2}x",
        theirs / ours
    );

    amounts_throughput(&texts);
    Ok(())
}

/// The amounts stage alone, one core, over the corpus texts repeated to 50 MB.
fn amounts_throughput(texts: &[String]) {
    let bytes_per_pass: usize = texts.iter().map(String::len).sum();
    let passes = (50 << 20) / bytes_per_pass.max(1) + 1;
    let started = Instant::now();
    let mut found = 0;
    for _ in 0..passes {
        for t in texts {
            found += nerpipe::recognise::amounts::find_amounts(std::hint::black_box(t)).len();
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let mb = (bytes_per_pass * passes) as f64 / 1e6;
    println!("amounts stage, 1 thread, corpus texts × {passes}:");
    println!(
        "  {mb:.0} MB in {seconds:.2} s = {:.1} MB/s ({found} amounts; target ≥ 20 MB/s)",
        mb / seconds
    );
}

/// Peak RSS of `nerpipe run` over the sample corpus and over 100 copies of it.
fn peak_rss(args: &Args) -> anyhow::Result<()> {
    let big = tempfile::tempdir()?;
    for copy in 0..100 {
        let dest = big.path().join(format!("copy-{copy:03}"));
        for entry in walkdir::WalkDir::new(&args.corpus) {
            let entry = entry?;
            let rel = entry.path().strip_prefix(&args.corpus)?;
            let target = dest.join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target)?;
            } else if rel.extension().is_some_and(|e| e == "jsonl") {
                // JSONL ids must stay unique across copies.
                let text = std::fs::read_to_string(entry.path())?;
                let renamed: Vec<String> = text
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| {
                        let mut v: serde_json::Value =
                            serde_json::from_str(l).expect("sample JSONL");
                        v["id"] = format!("{}-{copy:03}", v["id"].as_str().unwrap_or("doc")).into();
                        v.to_string()
                    })
                    .collect();
                std::fs::write(&target, renamed.join("\n") + "\n")?;
            } else {
                std::fs::copy(entry.path(), &target)?;
            }
        }
    }
    let binary = std::env::current_exe()?
        .parent()
        .and_then(|p| p.parent())
        .map(|p| p.join("nerpipe"))
        .ok_or_else(|| anyhow::anyhow!("cannot locate target/release/nerpipe"))?;
    // Peak memory as the run itself reports it (VmHWM in run.json): a forked
    // child's rusage would also count this benchmark's own pages.
    let measure = |corpus: &std::path::Path| -> anyhow::Result<(f64, f64)> {
        let out = tempfile::tempdir()?;
        let started = Instant::now();
        let status = std::process::Command::new(&binary)
            .args([
                "run",
                "--quiet",
                "--no-report",
                "--no-sqlite",
                "--threads",
                "2",
            ])
            .arg("--corpus")
            .arg(corpus)
            .arg("--out")
            .arg(out.path())
            .arg("--model")
            .arg(&args.model)
            .status()?;
        anyhow::ensure!(
            status.success(),
            "nerpipe run failed on {}",
            corpus.display()
        );
        let run: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.path().join("run.json"))?)?;
        let rss = run["timings"]["peak_rss_mib"]
            .as_f64()
            .ok_or_else(|| anyhow::anyhow!("run.json has no peak_rss_mib (no /proc here?)"))?;
        Ok((rss, started.elapsed().as_secs_f64()))
    };
    let (one, t1) = measure(&args.corpus)?;
    let (hundred, t100) = measure(big.path())?;
    println!("peak RSS of nerpipe run (2 threads):");
    println!("  sample corpus ×1     {one:>8.1} MiB  ({t1:.0} s)");
    println!("  sample corpus ×100   {hundred:>8.1} MiB  ({t100:.0} s)");
    println!(
        "  ratio ×100 / ×1      {:>8.2}   (goal ≤ 1.5)",
        hundred / one
    );
    Ok(())
}
