//! `nerpipe train`: fine-tunes a BERT encoder for token classification on
//! CoNLL files with tch — AdamW, linear warm-up then decay, gradient clipping,
//! dropout, length-bucketed batches and a fixed seed — evaluating dev after
//! every epoch and keeping the best epoch as a model folder.

use crate::eval::conll::{read_conll, Sentence};
use crate::eval::{evaluate, Scores, SENTENCE_WINDOWS};
use crate::model::{
    encoder_name_to_classifier, id2label_json, load_tokenizer, Decoder, ModelConfig, NerModel, Tag,
};
use crate::recognise::transformer::decode::Aggregation;
use crate::recognise::transformer::{special_ids, WindowedPredictor};
use crate::segment::batch::{pad, Row, IGNORE};
use crate::segment::shapes::WORD_SHAPES;
use crate::segment::TokenSequence;
use anyhow::{bail, Context};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;
use tch::nn::OptimizerConfig;
use tch::{Reduction, Tensor};

#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct TrainArgs {
    /// CoNLL training files (IOB1 or IOB2, 2 or 4 columns).
    #[arg(long, required = true, num_args = 1..)]
    pub train: Vec<PathBuf>,
    /// CoNLL file scored after every epoch; the best epoch is kept.
    #[arg(long)]
    pub dev: PathBuf,
    /// Base encoder folder (config.json, tokenizer.json, model.safetensors).
    #[arg(long)]
    pub base: PathBuf,
    /// Output model folder.
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long, default_value_t = 8)]
    pub epochs: usize,
    /// Peak learning rate (AdamW), reached after the warm-up.
    #[arg(long, default_value_t = 1e-4)]
    pub lr: f64,
    #[arg(long, default_value_t = 32)]
    pub batch_size: usize,
    /// Longest training sequence in sub-tokens, [CLS] and [SEP] included.
    #[arg(long, default_value_t = 128)]
    pub max_len: usize,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Intra-op threads for libtorch (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Fraction of the steps spent warming up the learning rate.
    #[arg(long, default_value_t = 0.1)]
    pub warmup: f64,
    #[arg(long, default_value_t = 0.01)]
    pub weight_decay: f64,
    /// Label smoothing of the cross-entropy loss (0 = off).
    #[arg(long, default_value_t = 0.0)]
    pub label_smoothing: f64,
    /// Train without the word-shape embedding (a plain HF token classifier).
    #[arg(long)]
    pub no_word_shapes: bool,
    /// Stop after this many batches per epoch (quick checks and tests).
    #[arg(long, hide = true)]
    pub max_steps_per_epoch: Option<usize>,
    #[arg(long)]
    pub quiet: bool,
}

/// Deterministic shuffling without an extra dependency (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

struct Example {
    ids: Vec<i64>,
    shapes: Vec<i64>,
    labels: Vec<i64>,
}

/// The IOB2 tag set of the training data: O, then B-/I- per type, sorted.
fn tag_set(sentences: &[Sentence]) -> Vec<String> {
    let mut kinds: Vec<String> = sentences
        .iter()
        .flat_map(|s| s.tags.iter())
        .filter_map(|t| t.get(2..).filter(|_| t != "O").map(str::to_string))
        .collect();
    kinds.sort();
    kinds.dedup();
    let mut tags = vec!["O".to_string()];
    for k in kinds {
        tags.push(format!("B-{k}"));
        tags.push(format!("I-{k}"));
    }
    tags
}

fn examples(
    tokenizer: &tokenizers::Tokenizer,
    sentences: &[Sentence],
    tags: &[String],
    max_len: usize,
) -> anyhow::Result<(Vec<Example>, usize)> {
    let mut out = Vec::with_capacity(sentences.len());
    let mut truncated = 0;
    for s in sentences {
        let seq = TokenSequence::from_words(tokenizer, &s.words)?;
        let mut labels = vec![IGNORE; seq.len()];
        for (word, first) in seq.first_tokens().into_iter().enumerate() {
            if let Some(t) = first {
                labels[t] = tags.iter().position(|x| *x == s.tags[word]).unwrap_or(0) as i64;
            }
        }
        let keep = seq.len().min(max_len.saturating_sub(2));
        truncated += usize::from(keep < seq.len());
        if keep == 0 {
            continue;
        }
        out.push(Example {
            ids: seq.ids[..keep].to_vec(),
            shapes: seq.shapes[..keep].to_vec(),
            labels: labels[..keep].to_vec(),
        });
    }
    Ok((out, truncated))
}

/// Length-bucketed batches in a seeded random order: shuffle, sort by length
/// inside pools of 50 batches, cut into batches, shuffle the batches.
fn batches(examples: &[Example], batch_size: usize, rng: &mut Rng) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..examples.len()).collect();
    rng.shuffle(&mut order);
    let mut out = Vec::new();
    for pool in order.chunks_mut(batch_size * 50) {
        pool.sort_by_key(|&i| examples[i].ids.len());
        out.extend(pool.chunks(batch_size).map(<[usize]>::to_vec));
    }
    rng.shuffle(&mut out);
    out
}

/// The network to fine-tune: the base encoder's weights, a new classifier
/// for `tags` (and a word-shape embedding).
fn base_network(
    args: &TrainArgs,
    base_config: &ModelConfig,
    tags: &[String],
    with_shapes: bool,
) -> anyhow::Result<NerModel> {
    let mut config = base_config.clone();
    config.bert.id2label = Some(
        tags.iter()
            .enumerate()
            .map(|(i, t)| (i as i64, t.clone()))
            .collect(),
    );
    let mut network = NerModel::new(&config, with_shapes)?;
    let missing = network.load_tensors(
        &args.base.join("model.safetensors"),
        encoder_name_to_classifier,
    )?;
    let unexpected: Vec<&String> = missing
        .iter()
        .filter(|n| !n.starts_with("classifier.") && !n.starts_with("nerpipe."))
        .collect();
    if !unexpected.is_empty() {
        bail!(
            "{}: the base encoder lacks {} tensors, e.g. {}",
            args.base.join("model.safetensors").display(),
            unexpected.len(),
            unexpected[0]
        );
    }

    Ok(network)
}

/// Dev scores of the network as it is now, decoded as the model folder will
/// say (Viterbi with word shapes, greedy without).
fn score_dev(
    network: &NerModel,
    tokenizer: &tokenizers::Tokenizer,
    (cls, sep): (i64, i64),
    tags: &[String],
    dev_sentences: &[Sentence],
    with_shapes: bool,
) -> anyhow::Result<Scores> {
    let parsed_tags: Vec<Tag> = tags.iter().filter_map(|t| Tag::parse(t)).collect();
    let predictor = WindowedPredictor {
        network,
        num_tags: tags.len(),
        cls_id: cls,
        sep_id: sep,
        windows: SENTENCE_WINDOWS,
        batch_size: 64,
    };
    let decoder = if with_shapes {
        Decoder::Viterbi
    } else {
        Decoder::Greedy
    };
    let (_, scores) = evaluate(
        &predictor,
        tokenizer,
        &parsed_tags,
        tags,
        dev_sentences,
        Aggregation::First,
        decoder,
    )?;
    Ok(scores)
}

fn step_bar(total_steps: usize, quiet: bool) -> indicatif::ProgressBar {
    if quiet {
        indicatif::ProgressBar::hidden()
    } else {
        crate::run::progress::bar(
            total_steps as u64,
            "{elapsed_precise} [{bar:30}] {pos}/{len} steps  {msg}  eta {eta}",
        )
    }
}

/// One optimiser step on one batch; returns the loss.
fn train_step(
    network: &NerModel,
    optimizer: &mut tch::nn::Optimizer,
    examples: &[Example],
    batch: &[usize],
    (start, end): (i64, i64),
    num_tags: usize,
    label_smoothing: f64,
) -> f64 {
    let rows: Vec<Row> = batch
        .iter()
        .map(|&i| {
            let e = &examples[i];
            Row {
                ids: &e.ids,
                shapes: &e.shapes,
                labels: Some(&e.labels),
            }
        })
        .collect();
    let input = pad(&rows, start, end);
    let logits = network.logits(&input.ids, &input.shapes, &input.mask, true);
    let loss = logits
        .view([-1, num_tags as i64])
        .cross_entropy_loss::<Tensor>(
            &input.labels.view([-1]),
            None,
            Reduction::Mean,
            IGNORE,
            label_smoothing,
        );
    optimizer.zero_grad();
    loss.backward();
    optimizer.clip_grad_norm(1.0);
    optimizer.step();
    loss.double_value(&[])
}

/// Learning rate at `step` of `total`: linear warm-up, then linear decay to 0.
fn schedule(step: usize, total: usize, warmup: usize, peak: f64) -> f64 {
    if step < warmup {
        peak * (step + 1) as f64 / warmup as f64
    } else {
        peak * (total - step) as f64 / (total - warmup).max(1) as f64
    }
}

pub fn train(args: &TrainArgs, command_line: &str) -> anyhow::Result<Scores> {
    let started = Instant::now();
    if let Some(t) = args.threads {
        tch::set_num_threads(t as i32);
    }
    tch::manual_seed(args.seed as i64);
    let train_sentences: Vec<Sentence> = args
        .train
        .iter()
        .map(|p| read_conll(p))
        .collect::<anyhow::Result<Vec<_>>>()?
        .concat();
    let dev_sentences = read_conll(&args.dev)?;
    if train_sentences.is_empty() {
        bail!("the training files hold no sentences");
    }
    let tags = tag_set(&train_sentences);
    let base_config = ModelConfig::load(&args.base.join("config.json"), false)?;
    let tokenizer_path = args.base.join("tokenizer.json");
    let tokenizer = load_tokenizer(&tokenizer_path)?;
    let (cls, sep) = special_ids(&tokenizer, &tokenizer_path)?;
    let with_shapes = !args.no_word_shapes;
    let network = base_network(args, &base_config, &tags, with_shapes)?;

    let (train_examples, truncated) = examples(&tokenizer, &train_sentences, &tags, args.max_len)?;
    let mut rng = Rng(args.seed);
    let steps_per_epoch = {
        let n = train_examples.len().div_ceil(args.batch_size);
        args.max_steps_per_epoch.map_or(n, |m| m.min(n))
    };
    let total_steps = steps_per_epoch * args.epochs;
    let warmup_steps = ((total_steps as f64) * args.warmup).round() as usize;
    let mut optimizer = tch::nn::AdamW {
        wd: args.weight_decay,
        ..Default::default()
    }
    .build(&network.vs, args.lr)?;

    let progress = step_bar(total_steps, args.quiet);
    let mut log = String::new();
    let mut best: Option<(usize, Scores)> = None;
    let mut step = 0;
    for epoch in 1..=args.epochs {
        let epoch_started = Instant::now();
        let mut loss_sum = 0.0;
        let order = batches(&train_examples, args.batch_size, &mut rng);
        for batch in order.iter().take(steps_per_epoch) {
            optimizer.set_lr(schedule(step, total_steps, warmup_steps, args.lr));
            let value = train_step(
                &network,
                &mut optimizer,
                &train_examples,
                batch,
                (cls, sep),
                tags.len(),
                args.label_smoothing,
            );
            loss_sum += value;
            step += 1;
            progress.set_message(format!("epoch {epoch} loss {value:.4}"));
            progress.inc(1);
        }
        let scores = score_dev(
            &network,
            &tokenizer,
            (cls, sep),
            &tags,
            &dev_sentences,
            with_shapes,
        )?;
        let line = format!(
            "| {epoch} | {:.4} | {:.4} | {:.4} | {:.4} | {:.0} s |",
            loss_sum / steps_per_epoch.max(1) as f64,
            scores.micro.precision,
            scores.micro.recall,
            scores.micro.f1,
            epoch_started.elapsed().as_secs_f64()
        );
        if !args.quiet {
            crate::run::progress::println(
                &progress,
                &format!("epoch {epoch}: dev F1 {:.4}", scores.micro.f1),
            );
        }
        log.push_str(&line);
        log.push('\n');
        if best
            .as_ref()
            .is_none_or(|(_, b)| scores.micro.f1 > b.micro.f1)
        {
            std::fs::create_dir_all(&args.out).with_context(|| {
                format!("{}: cannot create the model folder", args.out.display())
            })?;
            network.save_fp16(&args.out.join("model.safetensors"))?;
            best = Some((epoch, scores));
        }
    }
    progress.finish_and_clear();
    let (best_epoch, best_scores) = best.context("no epoch was trained")?;

    write_model_folder(args, &base_config, &tags, with_shapes)?;
    let card = model_card(
        args,
        command_line,
        &train_sentences,
        &dev_sentences,
        truncated,
        &log,
        best_epoch,
        &best_scores,
        started.elapsed().as_secs_f64(),
    );
    crate::sink::atomic::write_atomic(&args.out.join("MODEL.md"), card.as_bytes())?;
    Ok(best_scores)
}

/// config.json (the base config plus the label set and nerpipe's section) and
/// the tokenizer files, beside the weights already saved.
fn write_model_folder(
    args: &TrainArgs,
    base_config: &ModelConfig,
    tags: &[String],
    with_shapes: bool,
) -> anyhow::Result<()> {
    let mut raw = base_config.raw.clone();
    let (id2label, label2id) = id2label_json(tags);
    raw.insert(
        "architectures".into(),
        json!(["BertForTokenClassification"]),
    );
    raw.insert("id2label".into(), id2label);
    raw.insert("label2id".into(), label2id);
    let mut section = json!({
        "label_map": {"PER": "PERSON", "ORG": "ORGANISATION", "LOC": "PLACE", "MISC": "MISC"},
        "decoder": if with_shapes { "viterbi" } else { "greedy" },
    });
    if with_shapes {
        section["word_shapes"] = json!(WORD_SHAPES);
    }
    raw.insert("nerpipe".into(), section);
    crate::sink::atomic::write_atomic(
        &args.out.join("config.json"),
        serde_json::to_string_pretty(&Value::Object(raw))?.as_bytes(),
    )?;
    for file in ["tokenizer.json", "vocab.txt"] {
        let src = args.base.join(file);
        if src.is_file() {
            std::fs::copy(&src, args.out.join(file))
                .with_context(|| format!("{}: cannot copy", src.display()))?;
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn model_card(
    args: &TrainArgs,
    command_line: &str,
    train: &[Sentence],
    dev: &[Sentence],
    truncated: usize,
    log: &str,
    best_epoch: usize,
    best: &Scores,
    seconds: f64,
) -> String {
    let mut s = String::new();
    let name = args
        .out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let _ = writeln!(s, "# {name}\n");
    let _ = writeln!(s, "BERT token classifier for PERSON / ORGANISATION / PLACE / MISC, fine-tuned by `nerpipe train`.\n");
    let _ = writeln!(
        s,
        "- Base encoder: `{}` ({})",
        args.base.display(),
        base_name(&args.base)
    );
    let _ = writeln!(
        s,
        "- Word-shape embedding: {}; decoder: {}",
        if args.no_word_shapes {
            "no"
        } else {
            "yes (7 classes, see config.json)"
        },
        if args.no_word_shapes {
            "greedy"
        } else {
            "BIO-constrained Viterbi"
        }
    );
    let files: Vec<String> = args.train.iter().map(|p| p.display().to_string()).collect();
    let _ = writeln!(
        s,
        "- Training data: {} ({} sentences, {} truncated to {} sub-tokens)",
        files.join(", "),
        train.len(),
        truncated,
        args.max_len
    );
    let _ = writeln!(
        s,
        "- Dev data: {} ({} sentences)",
        args.dev.display(),
        dev.len()
    );
    let _ = writeln!(s, "- Settings: epochs {}, lr {}, batch {}, warm-up {}, weight decay {}, label smoothing {}, seed {}, threads {}", args.epochs, args.lr, args.batch_size, args.warmup, args.weight_decay, args.label_smoothing, args.seed, args.threads.map_or("all".to_string(), |t| t.to_string()));
    let _ = writeln!(
        s,
        "- Wall time: {:.1} min on CPU ({} cores available)",
        seconds / 60.0,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let _ = writeln!(s, "- Weights stored as fp16; loading restores fp32.\n");
    let _ = writeln!(s, "Command:\n\n```\n{command_line}\n```\n");
    let _ = writeln!(s, "## Dev scores per epoch (entity-level, conlleval)\n\n| epoch | mean loss | P | R | F1 | time |\n|---|---|---|---|---|---|\n{log}");
    let _ = writeln!(
        s,
        "Kept epoch {best_epoch}: micro F1 {:.4}.\n\n| type | P | R | F1 |\n|---|---|---|---|",
        best.micro.f1
    );
    for (kind, prf) in &best.per_type {
        let _ = writeln!(
            s,
            "| {kind} | {:.4} | {:.4} | {:.4} |",
            prf.precision, prf.recall, prf.f1
        );
    }
    s
}

fn base_name(base: &Path) -> String {
    std::fs::read_to_string(base.join("config.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .and_then(|v| {
            v.get("_name_or_path")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .unwrap_or_else(|| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_warms_up_then_decays() {
        assert!((schedule(0, 100, 10, 1.0) - 0.1).abs() < 1e-12);
        assert!((schedule(9, 100, 10, 1.0) - 1.0).abs() < 1e-12);
        assert!((schedule(10, 100, 10, 1.0) - 1.0).abs() < 1e-12);
        assert!((schedule(55, 100, 10, 1.0) - 0.5).abs() < 1e-12);
        assert!(schedule(99, 100, 10, 1.0) > 0.0);
    }
}
