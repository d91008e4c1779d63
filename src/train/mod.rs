//! `nerpipe train`: fine-tunes a BERT encoder (WordPiece or SentencePiece)
//! for token classification on CoNLL and UNER files with tch — AdamW over fp32
//! master weights (the network itself in bf16 or fp32), linear warm-up then
//! decay, gradient clipping, dropout, length-bucketed batches and a fixed
//! seed. After every epoch it scores each dev file, keeps the best epoch (by
//! the mean dev F1) as a model folder, and saves a checkpoint that
//! `--resume` continues from.

mod card;
mod data;
mod optim;

use crate::eval::conll::{read_conll, types_of, Sentence, TypeMap};
use crate::eval::{evaluate_types, Scores, SENTENCE_WINDOWS};
use crate::model::{
    encoder_name_to_classifier, load_tokenizer, Decoder, ModelConfig, NerModel, Precision, Tag,
};
use crate::recognise::transformer::decode::Aggregation;
use crate::recognise::transformer::WindowedPredictor;
use crate::segment::batch::{pad, Row, IGNORE};
use crate::segment::{Segmenter, WindowCuts, WindowSpec};
use anyhow::{bail, Context};
use data::{Example, Rng};
use optim::MasterAdamW;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Instant;
use tch::{Kind, Reduction, Tensor};

#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct TrainArgs {
    /// Training files: CoNLL-2003 (IOB1/IOB2, 2 or 4 columns) or UNER.
    #[arg(long, required = true, num_args = 1..)]
    pub train: Vec<PathBuf>,
    /// Dev files scored after every epoch; the epoch with the best mean F1 is kept.
    #[arg(long, required = true, num_args = 1..)]
    pub dev: Vec<PathBuf>,
    /// Languages of the training data (ISO 639-1, comma-separated), written
    /// to config.json for `nerpipe models`.
    #[arg(long, value_delimiter = ',', value_name = "LANG,...")]
    pub languages: Vec<String>,
    /// Dev files (Serbian Latin) also scored transliterated to Cyrillic.
    #[arg(long, num_args = 1..)]
    pub cyrillic_dev: Vec<PathBuf>,
    /// Base encoder folder (config.json, tokenizer.json, model.safetensors).
    #[arg(long)]
    pub base: PathBuf,
    /// Output model folder.
    #[arg(long)]
    pub out: PathBuf,
    /// Start from a model folder `nerpipe train` made from the same base
    /// (encoder and classifier, same tags) instead of a new classifier:
    /// continues a shipped model on other data or settings. A word
    /// embedding the model does not ship (trained frozen) comes from
    /// `--base`, and is trained unless `--freeze-word-embeddings`.
    #[arg(long, value_name = "MODEL_DIR")]
    pub init: Option<PathBuf>,
    /// Entity types renamed or dropped in every file, `FROM=TO` (`OTH=O`).
    #[arg(long = "map-type", value_name = "FROM=TO")]
    pub map_type: Vec<String>,
    /// Like --map-type, for the training files only, before it: with
    /// `--map-type OTH=O --train-map-type OTH=MISC` UNER's OTH trains as
    /// MISC while its dev files are still scored on PER/ORG/LOC.
    #[arg(long = "train-map-type", value_name = "FROM=TO")]
    // Left out of checkpoints made without it, which stay resumable.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub train_map_type: Vec<String>,
    /// Training files (Serbian Latin) whose sentences also train in Cyrillic.
    #[arg(long, num_args = 1..)]
    pub cyrillic_copies: Vec<PathBuf>,
    /// Share of training sentences with č ć đ š ž that also train without
    /// the diacritics (Saric, Djuric).
    #[arg(long, default_value_t = 0.0, value_parser = crate::cli::probability_f64)]
    pub ascii_copies: f64,
    #[arg(long, default_value_t = 8, value_parser = crate::cli::count)]
    pub epochs: usize,
    /// Peak learning rate (AdamW), reached after the warm-up.
    #[arg(long, default_value_t = 1e-4, value_parser = crate::cli::learning_rate)]
    pub lr: f64,
    #[arg(long, default_value_t = 32, value_parser = crate::cli::batch)]
    pub batch_size: usize,
    /// Longest training sequence in sub-tokens, start and end tokens included.
    #[arg(long, default_value_t = 128, value_parser = crate::cli::window)]
    pub max_len: usize,
    /// Train on the sentences of a document packed together up to
    /// --max-len, as `nerpipe run` reads documents with `--window-cuts
    /// sentences`, instead of each sentence alone; the model's config then
    /// names that reading, and dev files are scored by document.
    #[arg(long)]
    // Left out of checkpoints made without it, which stay resumable.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub pack_sentences: bool,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Intra-op threads for libtorch (default: all cores).
    #[arg(long, value_parser = crate::cli::threads)]
    pub threads: Option<usize>,
    /// Fraction of the steps spent warming up the learning rate.
    #[arg(long, default_value_t = 0.1, value_parser = crate::cli::probability_f64)]
    pub warmup: f64,
    #[arg(long, default_value_t = 0.01, value_parser = crate::cli::non_negative)]
    pub weight_decay: f64,
    /// Label smoothing of the cross-entropy loss (0 = off; only where every
    /// training file annotates every type).
    #[arg(long, default_value_t = 0.0, value_parser = crate::cli::fraction_below_one)]
    pub label_smoothing: f64,
    /// Train without the word-shape embedding (a plain HF token classifier).
    #[arg(long)]
    pub no_word_shapes: bool,
    /// Keep the word-embedding matrix as the base has it (no gradient, no
    /// optimiser state); the model folder then ships without it.
    #[arg(long)]
    pub freeze_word_embeddings: bool,
    /// With --freeze-word-embeddings: also train a correction to the word
    /// embeddings of the pieces the training data uses, stored in
    /// model.safetensors (those rows only, fp16); loading adds it to the
    /// frozen table.
    #[arg(long, requires = "freeze_word_embeddings")]
    // Left out of checkpoints made without it, which stay resumable.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub embedding_delta: bool,
    /// Precision of the network's forward and backward passes; the optimiser
    /// keeps fp32 masters either way.
    #[arg(long, value_enum, default_value = "fp32")]
    pub precision: Precision,
    /// Decoder written into the model (default: Viterbi with word shapes,
    /// greedy without).
    #[arg(long, value_enum)]
    pub decoder: Option<Decoder>,
    /// Continue an interrupted run from its last checkpoint.
    #[arg(long)]
    pub resume: bool,
    /// Checkpoint folder (default: `$NERPIPE_CACHE/checkpoints/<out name>`).
    #[arg(long)]
    pub checkpoint: Option<PathBuf>,
    /// Also save a checkpoint within an epoch after this many minutes of
    /// training since the last one (0: after every step), so a run stopped
    /// mid-epoch loses at most that much; `--resume` continues from the
    /// next batch.
    #[arg(long, default_value_t = 20)]
    pub checkpoint_minutes: u64,
    /// Save a checkpoint and stop after this many steps (tests of resume).
    #[arg(long, hide = true)]
    pub stop_after_steps: Option<i64>,
    /// After the last epoch, also score the mean of the last K epochs'
    /// weights (K ≥ 2; 1 is off) and keep it where its mean dev F1 beats
    /// every single epoch. Each epoch's state stays in the checkpoint folder
    /// as `epoch-N.safetensors` (the size of a checkpoint) for this. With
    /// `--resume` after the last epoch, only the average is made.
    #[arg(long, default_value_t = 1, value_parser = crate::cli::count)]
    pub average_last: usize,
    /// Stop after this many batches per epoch (quick checks and tests).
    #[arg(long, hide = true, value_parser = crate::cli::count)]
    pub max_steps_per_epoch: Option<usize>,
    #[arg(long)]
    pub quiet: bool,
}

impl TrainArgs {
    fn decoder(&self) -> Decoder {
        self.decoder.unwrap_or(if self.no_word_shapes {
            Decoder::Greedy
        } else {
            Decoder::Viterbi
        })
    }

    /// The windows dev files are read in: each sentence alone, or with
    /// --pack-sentences whole sentences up to --max-len, as `nerpipe run`
    /// reads documents with `--window-cuts sentences`.
    fn dev_windows(&self) -> WindowSpec {
        if !self.pack_sentences {
            return SENTENCE_WINDOWS;
        }
        let content = self.max_len.saturating_sub(2);
        WindowSpec {
            content,
            overlap: 32.min(content.saturating_sub(1) / 2),
            cuts: WindowCuts::Sentences,
        }
    }

    fn dev_grouping(&self) -> crate::eval::Grouping {
        if self.pack_sentences {
            crate::eval::Grouping::Documents
        } else {
            crate::eval::Grouping::Sentences
        }
    }

    /// How `nerpipe run` should cut documents for this model.
    pub fn window_cuts(&self) -> WindowCuts {
        if self.pack_sentences {
            WindowCuts::Sentences
        } else {
            WindowCuts::EachSentence
        }
    }

    fn checkpoint_dir(&self) -> PathBuf {
        self.checkpoint.clone().unwrap_or_else(|| {
            let cache = std::env::var_os("NERPIPE_CACHE")
                .map(PathBuf::from)
                .unwrap_or_else(|| std::env::temp_dir().join("nerpipe"));
            let name = self.out.file_name().unwrap_or_default();
            cache.join("checkpoints").join(name)
        })
    }

    /// What a checkpoint must agree on to be resumed.
    fn fingerprint(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        for volatile in [
            "resume",
            "quiet",
            "threads",
            "epochs",
            "checkpoint",
            "checkpoint_minutes",
            "stop_after_steps",
            // Made after training, from the epochs' saved states.
            "average_last",
        ] {
            if let Some(o) = v.as_object_mut() {
                o.remove(volatile);
            }
        }
        v
    }
}

/// One dev file and how its scores go into the model card.
pub struct DevSet {
    pub name: String,
    pub sentences: Vec<Sentence>,
    /// The types its annotation knows, the only ones scored: UNER has no
    /// MISC, so a MISC the model finds there is neither right nor wrong.
    pub types: Vec<String>,
}

/// The state of a run after an epoch, or within one, saved beside the
/// optimiser state.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Progress {
    fingerprint: serde_json::Value,
    /// Epochs completed.
    epoch: usize,
    steps: i64,
    rng: Rng,
    /// Within epoch `epoch + 1`: the batches done (0 at an epoch's end),
    /// the shuffling state that ordered its batches, and its loss so far.
    #[serde(default)]
    epoch_step: usize,
    #[serde(default)]
    epoch_order: Option<Rng>,
    #[serde(default)]
    epoch_loss: f64,
    /// (epoch, mean dev F1) of the best epoch.
    best: Option<(usize, f64)>,
    /// The average of the last epochs, once made (`--average-last`).
    #[serde(default)]
    averaged: Option<Averaged>,
    /// Markdown table rows, one per epoch.
    log: Vec<String>,
    seconds: f64,
}

/// The mean of the last epochs' weights, scored on dev.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Averaged {
    first: usize,
    last: usize,
    mean: f64,
    /// Whether it beat every single epoch, and so is the model saved.
    kept: bool,
}

impl Progress {
    /// What the model folder holds, in words for the model card.
    fn kept(&self) -> String {
        match &self.averaged {
            Some(a) if a.kept => format!("the average of epochs {}–{}", a.first, a.last),
            _ => format!("epoch {}", self.best.map_or(0, |(e, _)| e)),
        }
    }
}

/// Sets up the run and trains epoch by epoch.
pub fn train(args: &TrainArgs, command_line: &str) -> crate::error::Result<()> {
    let started = Instant::now();
    if args.precision == Precision::Int8 {
        return Err(crate::Error::Usage(
            "--precision int8 is for inference (run, eval); train with fp32 or bf16".into(),
        ));
    }
    if args.average_last > args.epochs {
        return Err(crate::Error::Usage(format!(
            "--average-last {} needs at least as many --epochs (given {})",
            args.average_last, args.epochs
        )));
    }
    args.precision.warn_if_slow();
    if let Some(t) = args.threads {
        tch::set_num_threads(t as i32);
    }
    let data = training_data(args)?;
    let with_shapes = !args.no_word_shapes;
    let mut network = base_network(args, &data.base_config, &data.tags, with_shapes)?;
    if args.embedding_delta {
        let framing = [data.segmenter.start_id, data.segmenter.end_id];
        network.add_word_delta(&data::pieces_used(&data.examples, framing));
    }
    network.set_precision(args.precision);
    let trainable = trainable_variables(&network, args.freeze_word_embeddings);
    let mut optimizer = MasterAdamW::new(trainable, args.weight_decay);
    let run = Run {
        args,
        segmenter: &data.segmenter,
        tags: &data.tags,
        dev: &data.dev,
        examples: &data.examples,
    };
    let mut write_folder = folder_writer(args, command_line, &data);
    let (progress, folder_written) =
        run.epochs(&mut network, &mut optimizer, started, &mut write_folder)?;
    progress.best.context("no epoch was trained")?;
    if !folder_written {
        // Every epoch was done before this resume: finish the folder.
        write_folder(&progress)?;
    }
    Ok(())
}

/// What a run trains and scores on, read and checked before any network is
/// built, so that bad data or arguments fail in seconds, not after loading.
struct TrainingData {
    files: Vec<data::TrainFile>,
    dev: Vec<DevSet>,
    tags: Vec<String>,
    base_config: ModelConfig,
    segmenter: Segmenter,
    examples: Vec<Example>,
    /// Training sentences cut at `--max-len` (the model card says how many).
    truncated: usize,
}

/// Reads the training files (augmented with the seed's own random stream,
/// so a run is reproducible), the dev sets and the base's tokenizer, and
/// makes the training examples.
fn training_data(args: &TrainArgs) -> crate::error::Result<TrainingData> {
    let usage = |e: anyhow::Error| crate::Error::Usage(e.to_string());
    let map = TypeMap::parse(&args.map_type).map_err(usage)?;
    let train_only = TypeMap::parse(&args.train_map_type).map_err(|e| {
        crate::Error::Usage(e.to_string().replacen("--map-type", "--train-map-type", 1))
    })?;
    let train_map = TypeMap([train_only.0, map.0.clone()].concat());
    let options = data::DataOptions {
        map: &train_map,
        cyrillic: &args.cyrillic_copies,
        ascii_share: args.ascii_copies,
    };
    let mut augment_rng = Rng(args.seed ^ 0xA5A5_A5A5);
    let files = data::read_train_files(&args.train, &options, &mut augment_rng)?;
    if files.iter().all(|f| f.sentences.is_empty()) {
        return Err(anyhow::anyhow!("the training files hold no sentences").into());
    }
    let dev = dev_sets(args, &map)?;
    let tags = data::tag_set(&files);
    let base_config = ModelConfig::load(&args.base.join("config.json"), false)?;
    let tokenizer_path = args.base.join("tokenizer.json");
    let segmenter = Segmenter::new(load_tokenizer(&tokenizer_path)?, &tokenizer_path)?;
    let (examples, truncated) =
        data::examples(&segmenter, &files, &tags, args.max_len, args.pack_sentences)?;
    if args.label_smoothing > 0.0 && examples.iter().any(|e| !e.open.is_empty()) {
        return Err(crate::Error::Usage(
            "--label-smoothing needs training files that all annotate the same types".into(),
        ));
    }
    Ok(TrainingData {
        files,
        dev,
        tags,
        base_config,
        segmenter,
        examples,
        truncated,
    })
}

/// What is written after every epoch. The model folder is complete from the
/// first epoch on (weights of the best epoch so far, MODEL.md with every
/// epoch), so an interrupted run leaves a usable model; its fixed files are
/// written at the first call only.
fn folder_writer<'a>(
    args: &'a TrainArgs,
    command_line: &'a str,
    data: &'a TrainingData,
) -> impl FnMut(&Progress) -> anyhow::Result<()> + 'a {
    let with_shapes = !args.no_word_shapes;
    let mut folder_written = false;
    move |progress: &Progress| -> anyhow::Result<()> {
        if !folder_written {
            card::write_model_folder(args, &data.base_config, &data.tags, with_shapes)?;
            folder_written = true;
        }
        let card = card::model_card(&card::CardFacts {
            args,
            command_line,
            files: &data.files,
            dev: &data.dev,
            truncated: data.truncated,
            log: &progress.log,
            kept: progress.kept(),
            seconds: progress.seconds,
        });
        crate::atomic::write_atomic(&args.out.join("MODEL.md"), card.as_bytes())
    }
}

fn dev_sets(args: &TrainArgs, map: &TypeMap) -> anyhow::Result<Vec<DevSet>> {
    let mut dev = Vec::new();
    for path in &args.dev {
        let mut sentences = read_conll(path)?;
        map.apply(&mut sentences);
        dev.push(DevSet {
            name: display_name(path),
            types: types_of(&sentences),
            sentences,
        });
    }
    for path in &args.cyrillic_dev {
        let mut sentences = read_conll(path)?;
        map.apply(&mut sentences);
        for s in &mut sentences {
            s.words = s
                .words
                .iter()
                .map(|w| crate::doc::script::latin_to_cyrillic(w))
                .collect();
        }
        dev.push(DevSet {
            name: format!("{} (Cyrillic)", display_name(path)),
            types: types_of(&sentences),
            sentences,
        });
    }
    Ok(dev)
}

fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// The variables the optimiser updates: all but the word embeddings when
/// those are frozen (they then get no gradient at all).
fn trainable_variables(network: &NerModel, freeze_words: bool) -> Vec<(String, Tensor)> {
    let mut vars: Vec<(String, Tensor)> = network.vs.variables().into_iter().collect();
    vars.sort_by(|a, b| a.0.cmp(&b.0));
    vars.into_iter()
        .filter_map(|(name, var)| {
            if freeze_words && name == crate::model::WORD_EMBEDDINGS {
                let _ = var.set_requires_grad(false);
                None
            } else {
                Some((name, var))
            }
        })
        .collect()
}

/// The network to fine-tune: the base encoder's weights, a new classifier
/// for `tags` (and a word-shape embedding).
fn base_network(
    args: &TrainArgs,
    base_config: &ModelConfig,
    tags: &[String],
    with_shapes: bool,
) -> anyhow::Result<NerModel> {
    if let Some(init) = &args.init {
        check_init_tags(init, tags)?;
    }
    tch::manual_seed(args.seed as i64);
    let mut config = base_config.clone();
    config.bert.id2label = Some(
        tags.iter()
            .enumerate()
            .map(|(i, t)| (i as i64, t.clone()))
            .collect(),
    );
    let mut network = NerModel::new(&config, with_shapes)?;
    let weights = args.base.join("model.safetensors");
    let missing = network.load_tensors(&weights, encoder_name_to_classifier)?;
    let unexpected: Vec<&String> = missing
        .iter()
        .filter(|n| !n.starts_with("classifier.") && !n.starts_with("nerpipe."))
        .collect();
    if let Some(first) = unexpected.first() {
        bail!(
            "{}: the base encoder lacks {} tensors, e.g. {first}",
            weights.display(),
            unexpected.len()
        );
    }
    if let Some(init) = &args.init {
        init_from_model(&mut network, &config, init)?;
    }
    Ok(network)
}

/// `--init` continues a classifier only for the tags it was trained for.
fn check_init_tags(init: &Path, tags: &[String]) -> anyhow::Result<()> {
    let config = ModelConfig::load(&init.join("config.json"), true)?;
    if config.tags != tags {
        bail!(
            "{}: the model was trained for the tags {} but this training data has {}; \
             --init needs the same tag set (check --map-type)",
            init.display(),
            config.tags.join(" "),
            tags.join(" ")
        );
    }
    Ok(())
}

/// Overwrites the base's weights and the new classifier with those of a
/// fine-tuned model folder (its tags checked by [`check_init_tags`]). A
/// model trained with frozen word embeddings ships none: the base's stay,
/// frozen again or now trained.
fn init_from_model(
    network: &mut NerModel,
    config: &ModelConfig,
    init: &Path,
) -> anyhow::Result<()> {
    let weights = init.join("model.safetensors");
    let mut tensors: std::collections::HashMap<String, Tensor> =
        crate::model::read_safetensors(&weights)?
            .into_iter()
            .collect();
    // The model's own correction becomes part of the frozen table here.
    let table = (config.bert.vocab_size, config.bert.hidden_size);
    let delta = crate::model::WordDelta::take(&mut tensors, table, &weights)?;
    let missing = network.load_named(tensors, &weights, |n| n.to_string())?;
    if let Some(delta) = delta {
        network.fold_word_delta(&delta);
    }
    let missing: Vec<&String> = missing
        .iter()
        .filter(|n| n.as_str() != crate::model::WORD_EMBEDDINGS)
        .collect();
    if let Some(first) = missing.first() {
        bail!(
            "{}: {} tensors of the network are not in the model, e.g. {first} \
             (was it trained with other settings, e.g. word shapes?)",
            weights.display(),
            missing.len()
        );
    }
    Ok(())
}

/// What every epoch of one run shares.
struct Run<'a> {
    args: &'a TrainArgs,
    segmenter: &'a Segmenter,
    tags: &'a [String],
    dev: &'a [DevSet],
    examples: &'a [Example],
}

impl Run<'_> {
    /// Trains the remaining epochs (all, or those after a checkpoint), then
    /// averages the last ones if asked. Returns the final state and whether
    /// `on_epoch` ran: it runs after every epoch (the weights of the best one
    /// saved) and after the average.
    fn epochs(
        &self,
        network: &mut NerModel,
        optimizer: &mut MasterAdamW,
        started: Instant,
        on_epoch: &mut dyn FnMut(&Progress) -> anyhow::Result<()>,
    ) -> anyhow::Result<(Progress, bool)> {
        let mut ran = false;
        let args = self.args;
        let steps_per_epoch = {
            let n = self.examples.len().div_ceil(args.batch_size);
            args.max_steps_per_epoch.map_or(n, |m| m.min(n))
        };
        let total_steps = steps_per_epoch * args.epochs;
        let warmup_steps = ((total_steps as f64) * args.warmup).round() as usize;
        let checkpoint = args.checkpoint_dir();
        let mut state = self.start_or_resume(optimizer, &checkpoint)?;
        let bar = step_bar(total_steps, state.steps as u64, args.quiet);
        let earlier = state.seconds;
        let mut last_save = Instant::now();
        for epoch in state.epoch + 1..=args.epochs {
            let epoch_started = Instant::now();
            // A resumed epoch orders its batches as it did before the stop.
            let order_rng = match state.epoch_order.take() {
                Some(rng) if state.epoch_step > 0 => rng,
                _ => state.rng,
            };
            state.rng = order_rng;
            let order = data::batches(self.examples, args.batch_size, &mut state.rng);
            let skip = std::mem::take(&mut state.epoch_step);
            let mut loss_sum = if skip > 0 { state.epoch_loss } else { 0.0 };
            for (done, batch) in order.iter().take(steps_per_epoch).enumerate().skip(skip) {
                // Dropout drawn per step: a resumed run trains as an
                // uninterrupted one.
                tch::manual_seed((args.seed as i64).wrapping_mul(1_000_003) + state.steps);
                let lr = schedule(state.steps as usize, total_steps, warmup_steps, args.lr);
                let value = self.step(network, optimizer, batch, lr);
                loss_sum += value;
                state.steps += 1;
                bar.set_message(format!("epoch {epoch} loss {value:.4}"));
                bar.inc(1);
                let stop = args.stop_after_steps.is_some_and(|n| state.steps >= n);
                let due = last_save.elapsed().as_secs() >= args.checkpoint_minutes * 60;
                if done + 1 < steps_per_epoch && (due || stop) {
                    state.epoch_step = done + 1;
                    state.epoch_order = Some(order_rng);
                    state.epoch_loss = loss_sum;
                    state.seconds = earlier + started.elapsed().as_secs_f64();
                    save_checkpoint(&checkpoint, optimizer, &state)?;
                    state.epoch_step = 0;
                    state.epoch_order = None;
                    last_save = Instant::now();
                }
                if stop {
                    bar.finish_and_clear();
                    bail!(
                        "stopped after {} steps as asked (--stop-after-steps): continue with --resume",
                        state.steps
                    );
                }
            }
            let scores = self.score_all(network)?;
            let mean = mean_f1(&scores);
            let loss = loss_sum / steps_per_epoch.max(1) as f64;
            let line = table_row(&format!("{epoch} | {loss:.4}"), &scores, epoch_started);
            if !args.quiet {
                crate::terminal::println(&bar, &format!("epoch {epoch}: {line}"));
            }
            state.log.push(line);
            state.epoch = epoch;
            state.seconds = earlier + started.elapsed().as_secs_f64();
            if state.best.is_none_or(|(_, b)| mean > b) {
                save_weights(network, optimizer, args)?;
                state.best = Some((epoch, mean));
            }
            on_epoch(&state)?;
            ran = true;
            save_checkpoint(&checkpoint, optimizer, &state)?;
            if args.average_last > 1 {
                keep_epoch_state(&checkpoint, epoch, args.average_last)?;
            }
        }
        bar.finish_and_clear();
        if self.average_last_epochs(network, optimizer, &mut state)? {
            on_epoch(&state)?;
            ran = true;
            write_progress(&checkpoint, &state)?;
        }
        Ok((state, ran))
    }

    /// With `--average-last K` after the last epoch: sets the weights to
    /// the mean of the last K epochs' (from their saved states), scores
    /// them, and saves them as the model where their mean dev F1 beats the
    /// best epoch's. Returns whether it made the average (not before the
    /// last epoch, nor twice).
    fn average_last_epochs(
        &self,
        network: &NerModel,
        optimizer: &mut MasterAdamW,
        state: &mut Progress,
    ) -> anyhow::Result<bool> {
        let args = self.args;
        let k = args.average_last;
        if k < 2 || state.averaged.is_some() || state.epoch < args.epochs {
            return Ok(false);
        }
        let started = Instant::now();
        let (first, last) = (state.epoch + 1 - k, state.epoch);
        let checkpoint = args.checkpoint_dir();
        let paths: Vec<PathBuf> = (first..=last)
            .map(|e| epoch_state_path(&checkpoint, e))
            .collect();
        if let Some(missing) = paths.iter().find(|p| !p.is_file()) {
            bail!(
                "{}: missing, so epochs {first}–{last} cannot be averaged (each epoch's state is kept only by runs given --average-last); rerun with a smaller --average-last",
                missing.display()
            );
        }
        optimizer.set_masters_to_mean(&paths)?;
        let scores = self.score_all(network)?;
        let mean = mean_f1(&scores);
        let line = table_row(&format!("{first}–{last} averaged | –"), &scores, started);
        if !args.quiet {
            eprintln!("average of epochs {first}–{last}: {line}");
        }
        state.log.push(line);
        let kept = state.best.is_none_or(|(_, b)| mean > b);
        if kept {
            save_weights(network, optimizer, args)?;
        }
        state.averaged = Some(Averaged {
            first,
            last,
            mean,
            kept,
        });
        Ok(true)
    }

    fn start_or_resume(
        &self,
        optimizer: &mut MasterAdamW,
        checkpoint: &Path,
    ) -> anyhow::Result<Progress> {
        let fresh = Progress {
            fingerprint: self.args.fingerprint(),
            epoch: 0,
            steps: 0,
            rng: Rng(self.args.seed),
            epoch_step: 0,
            epoch_order: None,
            epoch_loss: 0.0,
            best: None,
            averaged: None,
            log: Vec::new(),
            seconds: 0.0,
        };
        if !self.args.resume {
            return Ok(fresh);
        }
        let path = checkpoint.join("progress.json");
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!(
                "nerpipe: no checkpoint in {}: starting from the base",
                checkpoint.display()
            );
            return Ok(fresh);
        };
        let state: Progress = serde_json::from_str(&text)
            .with_context(|| format!("{}: not a nerpipe training checkpoint", path.display()))?;
        if state.fingerprint != fresh.fingerprint {
            bail!(
                "{}: the checkpoint was made with other data or settings; rerun without --resume or give the same options",
                path.display()
            );
        }
        optimizer.load(&checkpoint.join("state.safetensors"), state.steps)?;
        if state.epoch_step > 0 {
            eprintln!(
                "nerpipe: resuming within epoch {}, after its batch {} ({} steps)",
                state.epoch + 1,
                state.epoch_step,
                state.steps
            );
        } else {
            eprintln!(
                "nerpipe: resuming after epoch {} ({} steps)",
                state.epoch, state.steps
            );
        }
        Ok(state)
    }

    /// One optimiser step on one batch; returns the loss.
    fn step(
        &self,
        network: &NerModel,
        optimizer: &mut MasterAdamW,
        batch: &[usize],
        lr: f64,
    ) -> f64 {
        let rows: Vec<Row> = batch
            .iter()
            .map(|&i| {
                let e = &self.examples[i];
                Row {
                    ids: &e.ids,
                    shapes: &e.shapes,
                    labels: Some(&e.labels),
                }
            })
            .collect();
        let input = pad(&rows, self.segmenter.start_id, self.segmenter.end_id);
        let logits = network
            .logits(&input.ids, &input.shapes, &input.mask, true)
            .to_kind(Kind::Float);
        let num_tags = self.tags.len() as i64;
        let open: Vec<&[i64]> = batch
            .iter()
            .map(|&i| self.examples[i].open.as_slice())
            .collect();
        let loss = if open.iter().all(|o| o.is_empty()) {
            logits.view([-1, num_tags]).cross_entropy_loss::<Tensor>(
                &input.labels.view([-1]),
                None,
                Reduction::Mean,
                IGNORE,
                self.args.label_smoothing,
            )
        } else {
            partial_label_loss(&logits, &input.labels, &open, self.tags.len())
        };
        optimizer.zero_grad();
        loss.backward();
        optimizer.step(lr, 1.0);
        loss.double_value(&[])
    }

    /// Micro F1 on every dev set, decoded as the model folder will say.
    fn score_all(&self, network: &NerModel) -> anyhow::Result<Vec<(String, Scores)>> {
        let predictor = WindowedPredictor {
            network: crate::recognise::transformer::Classifier::RustBert(network),
            num_tags: self.tags.len(),
            start_id: self.segmenter.start_id,
            end_id: self.segmenter.end_id,
            windows: self.args.dev_windows(),
            batch_size: 64,
            model_tokens: Default::default(),
            pack_documents: false,
            forward_threads: 1,
        };
        let parsed: Vec<Tag> = self.tags.iter().filter_map(|t| Tag::parse(t)).collect();
        self.dev
            .iter()
            .map(|d| {
                let tagger = crate::eval::Tagger {
                    predictor: &predictor,
                    segmenter: self.segmenter,
                    tags: &parsed,
                    tag_names: self.tags,
                    aggregation: Aggregation::First,
                    decoder: self.args.decoder(),
                    grouping: self.args.dev_grouping(),
                    // Training scores the model itself.
                    consistency: crate::consistency::Consistency::Off,
                    label_map: &std::collections::BTreeMap::new(),
                    read_cyrillic: crate::segment::Reading::AsWritten,
                };
                let mut sentences = d.sentences.clone();
                let (_, scores) = evaluate_types(&tagger, &mut sentences, &d.types)?;
                Ok((d.name.clone(), scores))
            })
            .collect()
    }
}

/// Cross-entropy where a token may have several right tags: −log of the
/// probability mass on the allowed tags. A labelled token allows its tag; an
/// O token of an open sentence also allows that sentence's open tags.
fn partial_label_loss(
    logits: &Tensor,
    labels: &Tensor,
    open: &[&[i64]],
    num_tags: usize,
) -> Tensor {
    let size = labels.size();
    let (rows, width) = (size[0] as usize, size[1] as usize);
    let labels_v: Vec<i64> = Vec::try_from(labels.flatten(0, -1)).unwrap_or_default();
    let mut allowed = vec![0f32; rows * width * num_tags];
    for (r, open_tags) in open.iter().enumerate().take(rows) {
        for t in 0..width {
            let at = r * width + t;
            let l = labels_v[at];
            if l == IGNORE {
                continue;
            }
            allowed[at * num_tags + l as usize] = 1.0;
            if l == 0 {
                for &o in *open_tags {
                    allowed[at * num_tags + o as usize] = 1.0;
                }
            }
        }
    }
    let allowed = Tensor::from_slice(&allowed).view([rows as i64, width as i64, num_tags as i64]);
    let masked = logits + (allowed.ones_like() - &allowed) * -1e9;
    let per_token = logits.logsumexp([-1], false) - masked.logsumexp([-1], false);
    let valid = labels.ne(IGNORE).to_kind(Kind::Float);
    (per_token * &valid).sum(Kind::Float) / valid.sum(Kind::Float).clamp_min(1.0)
}

/// model.safetensors of the best epoch: the fp32 masters as fp16, frozen
/// word embeddings left out (the model folder points at them instead).
fn save_weights(
    network: &NerModel,
    optimizer: &MasterAdamW,
    args: &TrainArgs,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("{}: cannot create the model folder", args.out.display()))?;
    let masters: std::collections::HashMap<&str, &Tensor> = optimizer.masters().collect();
    let mut named: Vec<(String, Tensor)> = network
        .vs
        .variables()
        .into_iter()
        .filter(|(name, _)| !(args.freeze_word_embeddings && name == crate::model::WORD_EMBEDDINGS))
        .map(|(name, var)| {
            let t = masters
                .get(name.as_str())
                .map_or(var, |m| m.shallow_clone());
            (name, t.to_kind(Kind::Half))
        })
        .collect();
    if let Some(ids) = network.word_delta_ids() {
        named.push((crate::model::WORD_DELTA_IDS.into(), ids.shallow_clone()));
    }
    named.sort_by(|a, b| a.0.cmp(&b.0));
    let path = args.out.join("model.safetensors");
    let tmp = crate::atomic::TempPath::beside(&path)?;
    Tensor::write_safetensors(&named, tmp.path())?;
    tmp.commit()?;
    // Recorded beside the weights so that loading detects damage in place.
    crate::model::write_weights_sha256(&args.out)?;
    Ok(())
}

fn save_checkpoint(dir: &Path, optimizer: &MasterAdamW, state: &Progress) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{}: cannot create the checkpoint folder", dir.display()))?;
    optimizer.save(&dir.join("state.safetensors"))?;
    write_progress(dir, state)
}

fn write_progress(dir: &Path, state: &Progress) -> anyhow::Result<()> {
    crate::atomic::write_atomic(
        &dir.join("progress.json"),
        serde_json::to_string_pretty(state)?.as_bytes(),
    )
}

/// A row of MODEL.md's dev table: `lead` (the epoch and its loss), each dev
/// file's F1, the mean, and the seconds since `started`.
fn table_row(lead: &str, scores: &[(String, Scores)], started: Instant) -> String {
    let mut line = format!("| {lead} |");
    for (_, s) in scores {
        line.push_str(&format!(" {:.4} |", s.micro.f1));
    }
    line.push_str(&format!(
        " {:.4} | {:.0} s |",
        mean_f1(scores),
        started.elapsed().as_secs_f64()
    ));
    line
}

/// Mean of the dev files' micro F1: what picks the kept epoch.
fn mean_f1(scores: &[(String, Scores)]) -> f64 {
    scores.iter().map(|(_, s)| s.micro.f1).sum::<f64>() / scores.len().max(1) as f64
}

/// Where `--average-last` keeps epoch `epoch`'s state.
fn epoch_state_path(checkpoint: &Path, epoch: usize) -> PathBuf {
    checkpoint.join(format!("epoch-{epoch}.safetensors"))
}

/// Keeps the state just saved at the end of `epoch` as its own file (a
/// hard link: the next checkpoint replaces state.safetensors, not its
/// content), and drops the one that fell out of the last `keep`.
fn keep_epoch_state(checkpoint: &Path, epoch: usize, keep: usize) -> anyhow::Result<()> {
    let state = checkpoint.join("state.safetensors");
    let kept = epoch_state_path(checkpoint, epoch);
    let _ = std::fs::remove_file(&kept);
    if std::fs::hard_link(&state, &kept).is_err() {
        std::fs::copy(&state, &kept)
            .with_context(|| format!("{}: cannot keep the epoch's state", kept.display()))?;
    }
    if epoch > keep {
        let _ = std::fs::remove_file(epoch_state_path(checkpoint, epoch - keep));
    }
    Ok(())
}

fn step_bar(total_steps: usize, done: u64, quiet: bool) -> indicatif::ProgressBar {
    let bar = if quiet {
        indicatif::ProgressBar::hidden()
    } else {
        crate::terminal::bar(
            total_steps as u64,
            "{elapsed_precise} [{bar:30}] {pos}/{len} steps  {msg}  eta {eta}",
        )
    };
    bar.set_position(done);
    bar
}

/// Learning rate at `step` of `total`: linear warm-up, then linear decay to 0.
fn schedule(step: usize, total: usize, warmup: usize, peak: f64) -> f64 {
    if step < warmup {
        peak * (step + 1) as f64 / warmup as f64
    } else {
        peak * (total - step) as f64 / (total - warmup).max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_warms_up_then_decays() {
        assert!((schedule(0, 100, 10, 1.0) - 0.1).abs() < 1e-9);
        assert!((schedule(9, 100, 10, 1.0) - 1.0).abs() < 1e-9);
        assert!((schedule(10, 100, 10, 1.0) - 1.0).abs() < 1e-9);
        assert!((schedule(55, 100, 10, 1.0) - 0.5).abs() < 1e-9);
    }

    #[test]
    fn partial_labels_accept_open_tags() {
        // One row, two tokens, tags O, B-X, I-X; token 0 is O in an open
        // sentence (X not annotated), token 1 is B-X.
        let logits = Tensor::from_slice(&[0.0f32, 2.0, 0.0, 0.0, 3.0, 0.0]).view([1, 2, 3]);
        let labels = Tensor::from_slice(&[0i64, 1]).view([1, 2]);
        let closed = partial_label_loss(&logits, &labels, &[&[]], 3).double_value(&[]);
        let ce = logits
            .view([-1, 3])
            .cross_entropy_loss::<Tensor>(&labels.view([-1]), None, Reduction::Mean, IGNORE, 0.0)
            .double_value(&[]);
        assert!((closed - ce).abs() < 1e-5, "{closed} vs {ce}");
        let open = partial_label_loss(&logits, &labels, &[&[1, 2]], 3).double_value(&[]);
        // Token 0 then costs nothing: every tag is allowed.
        let token1 = ce * 2.0 - (-(1.0f64 / (1.0 + 2.0f64.exp() + 1.0)).ln());
        assert!(
            (open - token1 / 2.0).abs() < 1e-5,
            "{open} vs {}",
            token1 / 2.0
        );
    }
}
