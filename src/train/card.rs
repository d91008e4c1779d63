//! The model folder around the weights: config.json, the tokenizer, the frozen
//! word embeddings when there are any, and MODEL.md.

use super::data::TrainFile;
use super::{DevSet, TrainArgs};
use crate::model::{id2label_json, ModelConfig};
use crate::segment::shapes::WORD_SHAPES;
use anyhow::Context;
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::Path;

/// config.json (the base config plus the label set and nerpipe's section),
/// the tokenizer files and the frozen embeddings, beside the saved weights.
pub fn write_model_folder(
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
        "decoder": args.decoder(),
        "window_cuts": args.window_cuts(),
    });
    if with_shapes {
        section["word_shapes"] = json!(WORD_SHAPES);
    }
    if !args.languages.is_empty() {
        section["languages"] = json!(args.languages);
    }
    if args.freeze_word_embeddings {
        let sha256 = crate::model::write_frozen_embeddings(&args.base, &args.out)?;
        section["frozen_embeddings"] = json!({
            "sha256": sha256,
            "base": base_name(&args.base),
        });
    }
    raw.insert("nerpipe".into(), section);
    crate::atomic::write_atomic(
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

/// What MODEL.md reports.
pub struct CardFacts<'a> {
    pub args: &'a TrainArgs,
    pub command_line: &'a str,
    pub files: &'a [TrainFile],
    pub dev: &'a [DevSet],
    pub truncated: usize,
    pub log: &'a [String],
    /// What the folder holds: `epoch N` or the average of some.
    pub kept: String,
    pub seconds: f64,
}

/// `text` with this machine's cache folder written `$NERPIPE_CACHE`, so a
/// committed card names no path of the machine that trained it.
fn portable(text: &str, cache: Option<&str>) -> String {
    match cache.map(|c| c.trim_end_matches('/')) {
        Some(cache) if !cache.is_empty() => text.replace(cache, "$NERPIPE_CACHE"),
        _ => text.to_string(),
    }
}

/// The training command as a reader reruns it: the binary as `nerpipe`
/// (wherever this one was), paths under the cache as `$NERPIPE_CACHE/…`.
fn portable_command(command_line: &str, cache: Option<&str>) -> String {
    let args = command_line.split_once(' ').map_or("", |(_, rest)| rest);
    portable(&format!("nerpipe {args}"), cache)
}

pub fn model_card(f: &CardFacts) -> String {
    let args = f.args;
    let cache = std::env::var("NERPIPE_CACHE").ok();
    let cache = cache.as_deref();
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
        portable(&args.base.display().to_string(), cache),
        base_name(&args.base)
    );
    let _ = writeln!(
        s,
        "- Word-shape embedding: {}; decoder: {:?}; word embeddings {}; training precision {:?} (fp32 master weights)",
        if args.no_word_shapes { "no" } else { "yes (7 classes, see config.json)" },
        args.decoder(),
        match (args.freeze_word_embeddings, args.embedding_delta) {
            (true, true) => "frozen (rebuilt from the base by `make models`), with a trained correction to the rows of the pieces the training data uses (in model.safetensors)",
            (true, false) => "frozen (rebuilt from the base by `make models`)",
            _ => "trained",
        },
        args.precision,
    );
    for file in f.files {
        let _ = writeln!(
            s,
            "- Training data: {} ({} sentences, {} of them added copies; types {})",
            file.path.display(),
            file.sentences.len(),
            file.added,
            file.types.join(", ")
        );
    }
    let _ = writeln!(
        s,
        "- {} training sentences truncated to {} sub-tokens",
        f.truncated, args.max_len
    );
    if args.pack_sentences {
        let _ = writeln!(
            s,
            "- Sentences of a document packed into sequences of up to {} sub-tokens (`--pack-sentences`); dev files scored by document in those windows, as `nerpipe run` reads with `--window-cuts sentences` (config.json's `window_cuts`)",
            args.max_len
        );
    }
    if !args.map_type.is_empty() {
        let _ = writeln!(s, "- Type map: {}", args.map_type.join(", "));
    }
    if !args.train_map_type.is_empty() {
        let _ = writeln!(
            s,
            "- Type map of the training files (before the one above): {}",
            args.train_map_type.join(", ")
        );
    }
    let _ = writeln!(s, "- Settings: epochs {}, lr {}, batch {}, warm-up {}, weight decay {}, label smoothing {}, seed {}, threads {}", args.epochs, args.lr, args.batch_size, args.warmup, args.weight_decay, args.label_smoothing, args.seed, args.threads.map_or("all".to_string(), |t| t.to_string()));
    let _ = writeln!(
        s,
        "- Wall time: {:.1} min on CPU ({} cores available)",
        f.seconds / 60.0,
        crate::cli::cores()
    );
    let _ = writeln!(s, "- Weights stored as fp16; loading restores fp32.\n");
    let _ = writeln!(
        s,
        "Command:\n\n```\n{}\n```\n",
        portable_command(f.command_line, cache)
    );
    let names: Vec<String> = f
        .dev
        .iter()
        .map(|d| format!("{} ({} sent.)", d.name, d.sentences.len()))
        .collect();
    let _ = writeln!(
        s,
        "## Dev F1 per epoch (entity-level micro F1, conlleval; each dev file scored on the types it annotates)\n\n| epoch | mean loss | {} | mean | time |\n|{}",
        names.join(" | "),
        "---|".repeat(names.len() + 4)
    );
    for line in f.log {
        let _ = writeln!(s, "{line}");
    }
    let _ = writeln!(s, "\nKept {}.", f.kept);
    s
}

/// The base's `_name_or_path`, else its folder name.
fn base_name(base: &Path) -> String {
    std::fs::read_to_string(base.join("config.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .and_then(|v| {
            v.get("_name_or_path")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .or_else(|| base.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cards_name_no_path_of_the_training_machine() {
        let line = "/tmp/x/nerpipe-train train --base /root/.cache/nerpipe/base/e5 --out models/m";
        assert_eq!(
            portable_command(line, Some("/root/.cache/nerpipe/")),
            "nerpipe train --base $NERPIPE_CACHE/base/e5 --out models/m"
        );
        assert_eq!(portable("/data/e5", None), "/data/e5");
    }
}
