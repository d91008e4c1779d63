//! `nerpipe eval`: scores a model folder on a CoNLL file.

use crate::eval::conll::read_conll;
use crate::eval::{evaluate, SENTENCE_WINDOWS};
use crate::model::{Decoder, LoadedModel, Precision};
use crate::recognise::transformer::decode::Aggregation;
use crate::recognise::transformer::{special_ids, WindowedPredictor};
use anyhow::Context;
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Debug, Clone, clap::Args)]
pub struct EvalArgs {
    /// CoNLL file with gold tags (IOB1 or IOB2).
    #[arg(long)]
    pub data: PathBuf,
    /// Model folder.
    #[arg(long, default_value = crate::DEFAULT_MODEL)]
    pub model: PathBuf,
    /// Write the scores as JSON here.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Write `word gold predicted` lines (IOB2) for conlleval here.
    #[arg(long)]
    pub predictions: Option<PathBuf>,
    /// Decoder (default: the one the model's config names).
    #[arg(long, value_enum)]
    pub decoder: Option<Decoder>,
    #[arg(long, value_enum, default_value = "fp32")]
    pub precision: Precision,
    #[arg(long, value_enum, default_value = "first")]
    pub aggregation: Aggregation,
    #[arg(long, default_value_t = 64)]
    pub batch_size: usize,
    #[arg(long)]
    pub threads: Option<usize>,
}

pub fn run(args: &EvalArgs) -> anyhow::Result<()> {
    if let Some(t) = args.threads {
        tch::set_num_threads(t as i32);
    }
    let sentences = read_conll(&args.data)?;
    let model = LoadedModel::load(&args.model, args.precision)?;
    let (cls, sep) = special_ids(&model.tokenizer, &model.dir.join("tokenizer.json"))?;
    let predictor = WindowedPredictor {
        network: &model.network,
        num_tags: model.config.tags.len(),
        cls_id: cls,
        sep_id: sep,
        windows: SENTENCE_WINDOWS,
        batch_size: args.batch_size,
    };
    let decoder = args.decoder.unwrap_or(model.config.decoder);
    let (predicted, scores) = evaluate(
        &predictor,
        &model.tokenizer,
        &model.config.parsed_tags,
        &model.config.tags,
        &sentences,
        args.aggregation,
        decoder,
    )?;
    let mut report = format!(
        "{}: {} sentences, {} tokens, decoder {:?}, precision {:?}\naccuracy {:.2}%; micro P {:.2}% R {:.2}% F1 {:.2}\n",
        args.data.display(),
        sentences.len(),
        scores.tokens,
        decoder,
        args.precision,
        scores.accuracy * 100.0,
        scores.micro.precision * 100.0,
        scores.micro.recall * 100.0,
        scores.micro.f1 * 100.0
    );
    for (kind, prf) in &scores.per_type {
        let _ = writeln!(
            report,
            "{kind:>8}: P {:.2}% R {:.2}% F1 {:.2}  ({} gold, {} predicted)",
            prf.precision * 100.0,
            prf.recall * 100.0,
            prf.f1 * 100.0,
            prf.gold,
            prf.predicted
        );
    }
    print!("{report}");
    if let Some(path) = &args.json {
        crate::sink::atomic::write_atomic(path, serde_json::to_string_pretty(&scores)?.as_bytes())
            .with_context(|| format!("{}: cannot write the scores", path.display()))?;
    }
    if let Some(path) = &args.predictions {
        let mut out = String::new();
        for (s, p) in sentences.iter().zip(&predicted) {
            for ((w, g), t) in s.words.iter().zip(&s.tags).zip(p) {
                let _ = writeln!(out, "{w} {g} {t}");
            }
            out.push('\n');
        }
        crate::sink::atomic::write_atomic(path, out.as_bytes())?;
    }
    Ok(())
}
