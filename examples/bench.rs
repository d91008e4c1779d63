//! `make bench`: the CPU's kind, the matrix multiplications alone (int8
//! against fp32), then for each model (multilingual and
//! English) the throughput of `nerpipe run` on the sample corpus ×20 with
//! its defaults, fp32 and int8 at one thread and its defaults at two,
//! against the rust-bert fp32 path of the same binary, all in this one
//! command; the CoNLL dev F1 of each precision; peak memory ×1 and ×100;
//! extraction, OCR and the amounts stage alone.

use clap::Parser;
use nerpipe::ingest::{Corpus, Item};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value = "corpus")]
    corpus: PathBuf,
    #[arg(long, default_value = "models/multilingual-e5-small-ner")]
    model: PathBuf,
    /// The multilingual model, also measured when it is not `--model`.
    #[arg(long, default_value = "models/multilingual-e5-small-ner")]
    multilingual: PathBuf,
    /// CoNLL-2003 dev file for the F1 comparison.
    #[arg(long, default_value = "../shared/datasets/conll2003/eng.testa")]
    conll_dev: PathBuf,
    /// Timed repetitions of each pipeline (the best is reported).
    #[arg(long, default_value_t = 2)]
    repeat: usize,
    /// Skip the peak-memory runs of the sample corpus ×1 and ×100.
    #[arg(long)]
    no_rss: bool,
    /// Only the stages without a model: extraction per format and amounts.
    #[arg(long)]
    stages_only: bool,
    /// Only the matrix multiplications alone, fp32 against int8.
    #[arg(long)]
    matmul_only: bool,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let texts: Vec<String> = Corpus::open(&args.corpus)?
        .documents()
        .filter_map(|(item, _)| match item {
            Item::Document(d) => Some(d.text),
            Item::Failed(_) => None,
        })
        .collect();
    if args.matmul_only {
        println!("CPU: {}", cpu_kind());
        matmul_ratio();
        return Ok(());
    }
    if args.stages_only {
        extraction_throughput(&args.corpus)?;
        ocr_throughput(&args.corpus)?;
        amounts_throughput(&texts);
        reading_throughput(&args.multilingual, &texts)?;
        return Ok(());
    }
    let x20 = tempfile::tempdir()?;
    copy_corpus(&args.corpus, x20.path(), 20)?;
    println!("CPU: {}", cpu_kind());
    matmul_ratio();
    println!(
        "nerpipe run over the sample corpus ×20, document sub-tokens/s (best of {}); each model's rows against its baseline in this command:",
        args.repeat
    );
    let mut models = vec![&args.multilingual, &args.model];
    models.dedup();
    for model in models {
        if model.join("config.json").is_file() {
            model_rows(&args, x20.path(), model)?;
        }
    }
    if args.conll_dev.is_file() {
        let base_f1 = dev_f1(&args, &["--engine", "rust-bert", "--precision", "fp32"])?;
        let f1 = dev_f1(&args, &[])?;
        let fp32_f1 = dev_f1(&args, &["--precision", "fp32"])?;
        let int8_f1 = dev_f1(&args, &["--precision", "int8"])?;
        println!(
            "CoNLL-2003 dev F1 ({}): rust-bert fp32 {base_f1:.2}, nerpipe defaults {f1:.2} (difference {:+.2}, goal within 0.3 of fp32), fp32 {fp32_f1:.2} ({:+.2}), int8 {int8_f1:.2} ({:+.2})",
            args.model.display(),
            f1 - base_f1,
            fp32_f1 - base_f1,
            int8_f1 - base_f1
        );
    } else {
        println!(
            "CoNLL-2003 dev F1: {} not found, not measured",
            args.conll_dev.display()
        );
    }
    if !args.no_rss {
        peak_rss(&args)?;
    }
    extraction_throughput(&args.corpus)?;
    ocr_throughput(&args.corpus)?;
    amounts_throughput(&texts);
    reading_throughput(&args.multilingual, &texts)?;
    Ok(())
}

/// Text extraction alone, one core, per format: each sample file of that
/// format in the corpus extracted again and again for about a second, in
/// this process and then through `nerpipe run`'s extraction worker (the
/// overhead of isolating parsers in a process of their own).
fn extraction_throughput(corpus: &Path) -> anyhow::Result<()> {
    use nerpipe::ingest::extract::{extract, FileFormat};
    use nerpipe::ingest::isolate;
    let mut by_format: std::collections::BTreeMap<&str, (FileFormat, Vec<Vec<u8>>)> =
        Default::default();
    for entry in walkdir::WalkDir::new(corpus).sort_by_file_name() {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().to_string();
        if let Some(format) = FileFormat::of_name(&name).filter(|f| f.is_document()) {
            by_format
                .entry(format.name())
                .or_insert((format, Vec::new()))
                .1
                .push(std::fs::read(entry.path())?);
        }
    }
    let throughput = |files: &[Vec<u8>], run: &dyn Fn(&[u8])| {
        let bytes: usize = files.iter().map(Vec::len).sum();
        let started = Instant::now();
        let mut passes = 0usize;
        while started.elapsed().as_secs_f64() < 1.0 {
            for f in files {
                run(std::hint::black_box(f));
            }
            passes += 1;
        }
        (
            passes,
            (bytes * passes) as f64 / 1e6 / started.elapsed().as_secs_f64(),
        )
    };
    let in_process: Vec<(usize, f64)> = by_format
        .values()
        .map(|(format, files)| {
            throughput(files, &|f| {
                let _ = std::hint::black_box(extract(f, *format));
            })
        })
        .collect();
    isolate::enable(
        binary()?,
        isolate::Limits {
            seconds: 60,
            memory_mib: 2048,
        },
    );
    println!("text extraction, 1 thread, the corpus's files of each format (in this process; through the worker, as nerpipe run does):");
    for ((name, (format, files)), (passes, mbs)) in by_format.iter().zip(in_process) {
        let (_, isolated) = throughput(files, &|f| {
            let _ = std::hint::black_box(isolate::extract(f, *format));
        });
        let bytes: usize = files.iter().map(Vec::len).sum();
        println!(
            "  {name:<5} {:>3} files, {:>8} bytes × {passes:>5}: {mbs:>8.1} MB/s; worker {isolated:>8.1} MB/s ({:.2}×)",
            files.len(),
            bytes,
            isolated / mbs
        );
        if *format == FileFormat::Pdf {
            let (passes, before) = throughput(files, &|f| {
                let _ =
                    std::hint::black_box(nerpipe::ingest::extract::pdf::extract_without_poppler(f));
            });
            println!(
                "  pdf by pdf-extract (the reader before poppler's pdftotext, kept for machines without poppler-utils) × {passes:>5}: {before:>8.1} MB/s; pdftotext {:.2}× that",
                mbs / before
            );
        }
    }
    // Per document: the sample corpus ×20, every file once per copy.
    let documents: Vec<(FileFormat, &[u8])> = by_format
        .values()
        .flat_map(|(format, files)| files.iter().map(move |f| (*format, f.as_slice())))
        .collect();
    let per_second = |run: &dyn Fn(FileFormat, &[u8])| {
        let started = Instant::now();
        for _ in 0..20 {
            for (format, bytes) in &documents {
                run(*format, std::hint::black_box(bytes));
            }
        }
        (20 * documents.len()) as f64 / started.elapsed().as_secs_f64()
    };
    let before = per_second(&|format, f| {
        let _ = std::hint::black_box(extract(f, format));
    });
    let after = per_second(&|format, f| {
        let _ = std::hint::black_box(isolate::extract(f, format));
    });
    println!(
        "  all {} documents ×20: {before:>8.0} documents/s in this process; worker {after:>8.0} documents/s ({:.2}×, {:.2} ms more per document)",
        documents.len(),
        after / before,
        1e3 / after - 1e3 / before
    );
    Ok(())
}

/// OCR, one core: the corpus's PDFs rendered at 300 dpi by pdftoppm and
/// read by Tesseract with the default languages, page by page (no cache):
/// pages per second, and the share of rendering. Skipped, saying why, where
/// the tools are missing.
fn ocr_throughput(corpus: &Path) -> anyhow::Result<()> {
    use nerpipe::ingest::extract::FileFormat;
    use nerpipe::ingest::ocr::{self, OcrMode, OcrSettings, DEFAULT_LANGUAGES};
    let scratch = tempfile::tempdir()?;
    let mut pages = Vec::new();
    let mut render_seconds = 0.0;
    for entry in walkdir::WalkDir::new(corpus).sort_by_file_name() {
        let entry = entry?;
        if FileFormat::of_name(&entry.file_name().to_string_lossy()) != Some(FileFormat::Pdf) {
            continue;
        }
        let root = scratch.path().join(format!("p{}", pages.len()));
        let started = Instant::now();
        let status = Command::new("pdftoppm")
            .args(["-r", "300", "-gray", "-png"])
            .arg(entry.path())
            .arg(&root)
            .status();
        render_seconds += started.elapsed().as_secs_f64();
        if !status.is_ok_and(|s| s.success()) {
            println!("OCR: skipped (poppler's pdftoppm is missing: bash scripts/ci-install.sh installs it)");
            return Ok(());
        }
        let mut rendered: Vec<PathBuf> = std::fs::read_dir(scratch.path())?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name().is_some_and(|n| {
                    n.to_string_lossy()
                        .starts_with(&format!("p{}-", pages.len()))
                })
            })
            .collect();
        rendered.sort();
        for page in rendered {
            pages.push(std::fs::read(page)?);
        }
    }
    if pages.is_empty() {
        println!("OCR: skipped (no PDF in the corpus to render)");
        return Ok(());
    }
    ocr::configure(OcrSettings {
        mode: OcrMode::Auto,
        languages: DEFAULT_LANGUAGES.to_string(),
        cache: None,
        threads: 1,
        ..OcrSettings::default()
    });
    let started = Instant::now();
    for page in &pages {
        if let Err(e) = ocr::extract(page, FileFormat::Image) {
            println!("OCR: skipped ({e})");
            return Ok(());
        }
    }
    let ocr_seconds = started.elapsed().as_secs_f64();
    let n = pages.len() as f64;
    println!(
        "OCR, 1 core, {} pages of the corpus's PDFs at 300 dpi ({DEFAULT_LANGUAGES}): {:.2} pages/s ({:.2} s a page: rendering {:.2} s, Tesseract {:.2} s)",
        pages.len(),
        n / (ocr_seconds + render_seconds),
        (ocr_seconds + render_seconds) / n,
        render_seconds / n,
        ocr_seconds / n
    );
    Ok(())
}

/// What one `nerpipe run` reported in its run.json.
struct Measured {
    per_core: f64,
    threads: usize,
    tokens: f64,
    model_tokens: f64,
    /// Of the own forward: fp32, bf16 or int8.
    precision: String,
}

fn binary() -> anyhow::Result<PathBuf> {
    std::env::current_exe()?
        .parent()
        .and_then(|p| p.parent())
        .map(|p| p.join("nerpipe"))
        .ok_or_else(|| anyhow::anyhow!("cannot locate target/release/nerpipe"))
}

/// The pipeline before nerpipe's own forward: the baseline of every row.
const BASELINE: [&str; 8] = [
    "--engine",
    "rust-bert",
    "--precision",
    "fp32",
    "--batch-size",
    "32",
    "--window-cuts",
    "fixed",
];

/// One model's rows: the baseline, the defaults at one and two threads, and
/// fp32 and int8 at one thread, each against the baseline.
fn model_rows(args: &Args, corpus: &Path, model: &Path) -> anyhow::Result<()> {
    let baseline = best_run(args, corpus, model, &BASELINE, 1)?;
    let one = best_run(args, corpus, model, &[], 1)?;
    let two = best_run(args, corpus, model, &[], 2)?;
    let fp32 = best_run(args, corpus, model, &["--precision", "fp32"], 1)?;
    let int8 = best_run(args, corpus, model, &["--precision", "int8"], 1)?;
    let row = |what: &str, m: &Measured| {
        println!(
            "    {what:<62} {:>8.0}   {:.2}× the baseline",
            m.per_core * m.threads as f64,
            m.per_core * m.threads as f64 / baseline.per_core
        );
    };
    println!("  {}:", model.display());
    row(
        "baseline: --engine rust-bert --precision fp32 --batch-size 32 --window-cuts fixed, 1 thread",
        &baseline,
    );
    row(
        &format!("defaults (precision {}), 1 thread", one.precision),
        &one,
    );
    row("--precision fp32, 1 thread", &fp32);
    row("--precision int8, 1 thread", &int8);
    row("defaults, 2 threads", &two);
    println!(
        "    defaults: {:.2}× fp32 at 1 thread; threads-2 / threads-1 {:.2} (goal ≥ 1.8); model tokens / document tokens {:.2}",
        one.per_core / fp32.per_core,
        two.per_core * 2.0 / one.per_core,
        one.model_tokens / one.tokens
    );
    Ok(())
}

/// The four matrix multiplications of a layer of the multilingual model
/// (384 wide, 1536 inside) on 512 token rows, one thread, alone: libtorch's
/// fp32 `linear` (MKL) against fbgemm's int8 one (what `--precision int8`
/// calls, its quantizing of the input included). This ratio bounds what int8
/// can gain end to end, where attention, LayerNorm and GELU cost the same.
fn matmul_ratio() {
    tch::set_num_threads(1);
    tch::manual_seed(1);
    let shapes = [(384, 1152), (384, 384), (384, 1536), (1536, 384)];
    let layers: Vec<_> = shapes
        .iter()
        .map(|&(inputs, outputs)| {
            let w = tch::Tensor::randn([outputs, inputs], tch::kind::FLOAT_CPU) * 0.05;
            let b = tch::Tensor::zeros([outputs], tch::kind::FLOAT_CPU);
            let x = tch::Tensor::rand([512, inputs], tch::kind::FLOAT_CPU);
            // Symmetric onto -64..=64 with zero point 0, as the own forward's
            // 7-bit weights are (the kernel's speed does not depend on values).
            let scale = f64::try_from(w.abs().max()).unwrap_or(1.0) / 64.0;
            let q = (&w / scale).round().clamp(-64, 64).to_kind(tch::Kind::Int8);
            let col_offsets =
                q.to_kind(tch::Kind::Int)
                    .sum_dim_intlist([1].as_slice(), false, tch::Kind::Int);
            let zero_point = 0i64;
            let packed = q.fbgemm_pack_quantized_matrix();
            (w, b, x, q, col_offsets, scale, zero_point, packed)
        })
        .collect();
    let macs: f64 = shapes.iter().map(|&(i, o)| 512.0 * (i * o) as f64).sum();
    let time = |f: &dyn Fn()| {
        f();
        let started = Instant::now();
        let mut rounds = 0;
        while started.elapsed().as_secs_f64() < 2.0 {
            f();
            rounds += 1;
        }
        started.elapsed().as_secs_f64() / rounds as f64
    };
    let fp32 = time(&|| {
        for (w, b, x, ..) in &layers {
            let _ = x.linear(w, Some(b));
        }
    });
    let int8 = time(&|| {
        for (_, b, x, q, col_offsets, scale, zero_point, packed) in &layers {
            let _ = x.fbgemm_linear_int8_weight_fp32_activation(
                q,
                packed,
                col_offsets,
                tch::Scalar::from(*scale),
                tch::Scalar::from(*zero_point),
                b,
            );
        }
    });
    println!(
        "matrix multiplications alone (a layer's four, 512 rows, 1 thread): fp32 {:.1} GMAC/s, int8 {:.1} GMAC/s: int8 {:.2}× fp32",
        macs / fp32 / 1e9,
        macs / int8 / 1e9,
        fp32 / int8
    );
}

/// The CPU's name and the features nerpipe's precisions depend on.
fn cpu_kind() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |name: &str| {
        info.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_once(':'))
            .map_or("", |(_, v)| v.trim())
            .to_string()
    };
    let flags = field("flags");
    let flags: Vec<&str> = flags.split_whitespace().collect();
    let features: Vec<&str> = [
        "avx2",
        "avx512f",
        "avx512_vnni",
        "avx512_bf16",
        "amx_tile",
        "amx_bf16",
        "amx_int8",
    ]
    .into_iter()
    .filter(|f| flags.contains(f))
    .collect();
    format!(
        "{}; {}; {} cores",
        field("model name"),
        if features.is_empty() {
            "no AVX2".to_string()
        } else {
            features.join(" ")
        },
        nerpipe::cli::cores()
    )
}

/// Best of `args.repeat` runs of `nerpipe run` with `extra` options.
fn best_run(
    args: &Args,
    corpus: &Path,
    model: &Path,
    extra: &[&str],
    threads: usize,
) -> anyhow::Result<Measured> {
    let mut best: Option<Measured> = None;
    for _ in 0..args.repeat {
        let out = tempfile::tempdir()?;
        let status = Command::new(binary()?)
            .args([
                "run",
                "--quiet",
                "--no-report",
                "--no-sqlite",
                "--threads",
                &threads.to_string(),
            ])
            .arg("--corpus")
            .arg(corpus)
            .arg("--out")
            .arg(out.path())
            .arg("--model")
            .arg(model)
            .args(extra)
            .status()?;
        anyhow::ensure!(status.success(), "nerpipe run {extra:?} failed");
        let run: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.path().join("run.json"))?)?;
        let tokens = run["counts"]["tokens"].as_f64().unwrap_or(0.0);
        let seconds = run["timings"]["seconds"].as_f64().unwrap_or(f64::MAX);
        let m = Measured {
            per_core: tokens / seconds / threads as f64,
            threads,
            tokens,
            model_tokens: run["counts"]["model_tokens"].as_f64().unwrap_or(0.0),
            precision: run["inference"]["precision"]
                .as_str()
                .unwrap_or("?")
                .to_string(),
        };
        if best.as_ref().is_none_or(|b| m.per_core > b.per_core) {
            best = Some(m);
        }
    }
    best.ok_or_else(|| anyhow::anyhow!("--repeat must be at least 1"))
}

/// Micro F1 (percent) of `nerpipe eval` on the CoNLL dev file.
fn dev_f1(args: &Args, extra: &[&str]) -> anyhow::Result<f64> {
    let json = tempfile::NamedTempFile::new()?;
    let status = Command::new(binary()?)
        .args(["eval", "--threads", "2"])
        .arg("--data")
        .arg(&args.conll_dev)
        .arg("--model")
        .arg(&args.model)
        .arg("--json")
        .arg(json.path())
        .args(extra)
        .stdout(std::process::Stdio::null())
        .status()?;
    anyhow::ensure!(status.success(), "nerpipe eval {extra:?} failed");
    let scores: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(json.path())?)?;
    Ok(scores["micro"]["f1"].as_f64().unwrap_or(0.0) * 100.0)
}

/// `n` copies of `corpus` under `dest`, JSONL ids renamed so they stay unique.
fn copy_corpus(corpus: &Path, dest: &Path, n: usize) -> anyhow::Result<()> {
    for copy in 0..n {
        let dest = dest.join(format!("copy-{copy:03}"));
        for entry in walkdir::WalkDir::new(corpus) {
            let entry = entry?;
            let rel = entry.path().strip_prefix(corpus)?;
            let target = dest.join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target)?;
            } else if rel.extension().is_some_and(|e| e == "jsonl") {
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
        "  {mb:.0} MB in {seconds:.2} s = {:.1} MB/s ({found} amounts; target ≥ 50 MB/s)",
        mb / seconds
    );
}

/// Segmentation alone, one core, of the corpus's Cyrillic texts with the
/// multilingual tokenizer: read in Latin (`--read-cyrillic latin`, which
/// transliterates first) against read as written.
fn reading_throughput(model: &Path, texts: &[String]) -> anyhow::Result<()> {
    use nerpipe::segment::{Reading, Segmenter};
    let path = model.join("tokenizer.json");
    let tokenizer = tokenizers::Tokenizer::from_file(&path).map_err(anyhow::Error::msg)?;
    let segmenter = Segmenter::new(tokenizer, &path)?;
    let cyrillic: Vec<&String> = texts
        .iter()
        .filter(|t| nerpipe::ingest::language::main_script(t) == "Cyrl")
        .collect();
    if cyrillic.is_empty() {
        println!("reading Cyrillic in Latin: no Cyrillic text in the corpus, not measured");
        return Ok(());
    }
    let seconds = |reading: Reading| -> anyhow::Result<f64> {
        let started = Instant::now();
        for _ in 0..200 {
            for t in &cyrillic {
                std::hint::black_box(segmenter.text(std::hint::black_box(t), reading)?);
            }
        }
        Ok(started.elapsed().as_secs_f64())
    };
    // Alternated, best of three each: the machine is shared.
    let (mut latin, mut written) = (f64::MAX, f64::MAX);
    for _ in 0..3 {
        latin = latin.min(seconds(Reading::CyrillicInLatin)?);
        written = written.min(seconds(Reading::AsWritten)?);
    }
    // Sub-tokens are what the model's time grows with.
    let tokens = |reading: Reading| -> anyhow::Result<usize> {
        cyrillic
            .iter()
            .map(|t| Ok(segmenter.text(t, reading)?.len()))
            .sum()
    };
    println!(
        "segmenting the corpus's {} Cyrillic texts ×200, 1 thread: read in Latin {latin:.2} s, as written {written:.2} s, ratio {:.2}; sub-tokens {} in Latin, {} as written",
        cyrillic.len(),
        latin / written,
        tokens(Reading::CyrillicInLatin)?,
        tokens(Reading::AsWritten)?
    );
    Ok(())
}

/// Peak RSS of `nerpipe run` over the sample corpus and over 100 copies of it.
fn peak_rss(args: &Args) -> anyhow::Result<()> {
    let big = tempfile::tempdir()?;
    copy_corpus(&args.corpus, big.path(), 100)?;
    let binary = binary()?;
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
