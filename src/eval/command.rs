//! `nerpipe eval`: scores a model folder on a CoNLL file.

use crate::doc::script::latin_to_cyrillic;
use crate::eval::conll::{read_conll, Sentence, TypeMap};
use crate::eval::{evaluate, score, SENTENCE_WINDOWS};
use crate::model::{Decoder, LoadedModel, Precision};
use crate::recognise::transformer::decode::Aggregation;
use crate::recognise::transformer::WindowedPredictor;
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
    #[arg(long, default_value_t = 64, value_parser = crate::cli::batch)]
    pub batch_size: usize,
    #[arg(long, value_parser = crate::cli::threads)]
    pub threads: Option<usize>,
    /// Entity types renamed or dropped in the data, `FROM=TO` (UNER: `OTH=O`).
    #[arg(long = "map-type", value_name = "FROM=TO")]
    pub map_type: Vec<String>,
    /// Score only these types (comma-separated, e.g. PER,ORG,LOC); others
    /// count as O in gold and prediction alike.
    #[arg(long, value_delimiter = ',')]
    pub types: Vec<String>,
    /// Transliterate the data's words from Serbian Latin to Cyrillic first.
    #[arg(long)]
    pub cyrillic: bool,
}

pub fn run(args: &EvalArgs) -> crate::error::Result<()> {
    if let Some(t) = args.threads {
        tch::set_num_threads(t as i32);
    }
    let mut sentences = read_conll(&args.data)?;
    TypeMap::parse(&args.map_type)
        .map_err(|e| crate::Error::Usage(e.to_string()))?
        .apply(&mut sentences);
    if args.cyrillic {
        for s in &mut sentences {
            s.words = s.words.iter().map(|w| latin_to_cyrillic(w)).collect();
        }
    }
    let model = LoadedModel::load(&args.model, args.precision)?;
    let predictor = WindowedPredictor {
        network: &model.network,
        num_tags: model.config.tags.len(),
        start_id: model.segmenter.start_id,
        end_id: model.segmenter.end_id,
        windows: SENTENCE_WINDOWS,
        batch_size: args.batch_size,
    };
    let decoder = args.decoder.unwrap_or(model.config.decoder);
    let (mut predicted, mut scores) = evaluate(
        &predictor,
        &model.segmenter,
        &model.config.parsed_tags,
        &model.config.tags,
        &sentences,
        args.aggregation,
        decoder,
    )?;
    if !args.types.is_empty() {
        keep_types(&mut sentences, &args.types);
        keep_types_in_tags(&mut predicted, &args.types);
        scores = score(
            sentences
                .iter()
                .zip(&predicted)
                .map(|(s, p)| (s.tags.as_slice(), p.as_slice())),
        );
    }
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
        let json = serde_json::to_string_pretty(&scores).context("cannot serialise the scores")?;
        crate::sink::atomic::write_atomic(path, json.as_bytes())
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

/// Tags of types outside `types` become O.
fn keep_types_in_tags(tags: &mut [Vec<String>], types: &[String]) {
    for sentence in tags {
        for tag in sentence.iter_mut() {
            if tag.get(2..).is_some_and(|k| !types.iter().any(|t| t == k)) {
                *tag = "O".into();
            }
        }
    }
}

fn keep_types(sentences: &mut [Sentence], types: &[String]) {
    for s in sentences.iter_mut() {
        keep_types_in_tags(std::slice::from_mut(&mut s.tags), types);
    }
}
