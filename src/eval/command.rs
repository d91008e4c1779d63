//! `nerpipe eval`: scores a model folder on a CoNLL file.

use crate::doc::script::latin_to_cyrillic;
use crate::eval::conll::{read_conll, TypeMap};
use crate::eval::{evaluate_types, Grouping, Scores, Tagger, SENTENCE_WINDOWS};
use crate::model::{Decoder, LoadedModel, Precision};
use crate::recognise::pipeline::InferenceArgs;
use crate::recognise::transformer::{Classifier, WindowedPredictor};
use crate::segment::WindowSpec;
use anyhow::Context;
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Debug, Clone, clap::Args)]
pub struct EvalArgs {
    /// CoNLL file with gold tags (IOB1 or IOB2).
    #[arg(long)]
    pub data: PathBuf,
    /// Model folder, or a model's name (looked up as `nerpipe run --model`).
    #[arg(long, value_name = "FOLDER|NAME")]
    pub model: Option<PathBuf>,
    /// Write the scores as JSON here.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Write `word gold predicted` lines (IOB2) for conlleval here.
    #[arg(long)]
    pub predictions: Option<PathBuf>,
    #[arg(long, default_value_t = 64, value_parser = crate::cli::batch)]
    pub batch_size: usize,
    /// Entity types renamed or dropped in the data, `FROM=TO` (UNER: `OTH=O`).
    #[arg(long = "map-type", value_name = "FROM=TO")]
    pub map_type: Vec<String>,
    /// Score only these types (comma-separated, e.g. PER,ORG,LOC); others
    /// count as O in gold and prediction alike.
    #[arg(long, value_delimiter = ',')]
    pub types: Vec<String>,
    /// Read each document (-DOCSTART- or `# newdoc`) as one sequence cut into windows of this
    /// many sub-tokens (as `nerpipe run` reads documents), instead of each
    /// sentence alone.
    #[arg(long)]
    pub window: Option<usize>,
    /// Transliterate the data's words from Serbian Latin to Cyrillic first.
    #[arg(long)]
    pub cyrillic: bool,
    /// The flags `nerpipe run` has too (`--overlap` and `--window-cuts` apply
    /// with `--window`).
    #[command(flatten)]
    pub inference: InferenceArgs,
}

pub fn run(args: &EvalArgs) -> crate::error::Result<()> {
    let inference = &args.inference;
    tch::set_num_threads(inference.libtorch_threads() as i32);
    let mut sentences = read_conll(&args.data)?;
    TypeMap::parse(&args.map_type)
        .map_err(|e| crate::Error::Usage(e.to_string()))?
        .apply(&mut sentences);
    if args.cyrillic {
        for s in &mut sentences {
            s.words = s.words.iter().map(|w| latin_to_cyrillic(w)).collect();
        }
    }
    let (precision, _) = inference.precision();
    inference.warn_if_slow();
    let dir = crate::model::lookup::locate(
        args.model.as_deref(),
        &crate::model::lookup::SearchContext::of_process(),
    )?;
    let model = LoadedModel::load_for(&dir, precision, inference.engine)?;
    let windows = match args.window {
        Some(w) => WindowSpec {
            cuts: inference.window_cuts.unwrap_or(model.config.window_cuts),
            ..inference.windows(w)?
        },
        None => SENTENCE_WINDOWS,
    };
    let predictor = WindowedPredictor {
        network: Classifier::of(&model),
        num_tags: model.config.tags.len(),
        start_id: model.segmenter.start_id,
        end_id: model.segmenter.end_id,
        windows,
        batch_size: args.batch_size,
        model_tokens: Default::default(),
        pack_documents: false,
        forward_threads: inference.forward_threads(),
    };
    let decoder = inference.decoder.unwrap_or(model.config.decoder);
    let tagger = Tagger {
        predictor: &predictor,
        segmenter: &model.segmenter,
        tags: &model.config.parsed_tags,
        tag_names: &model.config.tags,
        aggregation: inference.aggregation,
        decoder,
        grouping: if args.window.is_some() {
            Grouping::Documents
        } else {
            Grouping::Sentences
        },
        consistency: inference.consistency,
        label_map: &model.config.label_map,
        read_cyrillic: inference.read_cyrillic,
    };
    let (predicted, scores) = evaluate_types(&tagger, &mut sentences, &args.types)?;
    crate::terminal::print_stdout(&report(args, sentences.len(), decoder, precision, &scores))
        .context("cannot write the scores to standard output")?;
    if let Some(path) = &args.json {
        let json = serde_json::to_string_pretty(&scores).context("cannot serialise the scores")?;
        crate::atomic::write_atomic(path, json.as_bytes())
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
        crate::atomic::write_atomic(path, out.as_bytes())?;
    }
    Ok(())
}

/// The scores as `nerpipe eval` prints them: one line of totals, one per type.
fn report(
    args: &EvalArgs,
    sentences: usize,
    decoder: Decoder,
    precision: Precision,
    scores: &Scores,
) -> String {
    let mut report = format!(
        "{}: {} sentences, {} tokens, decoder {:?}, precision {:?}, consistency {}\naccuracy {:.2}%; micro P {:.2}% R {:.2}% F1 {:.2}\n",
        args.data.display(),
        sentences,
        scores.tokens,
        decoder,
        precision,
        args.inference.consistency.as_str(),
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
    report
}
