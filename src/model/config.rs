//! config.json of a model folder: the BERT config, the tag set, and nerpipe's
//! section (label map, word shapes, decoder).

use super::{model_error, ModelError};
use crate::segment::shapes::WORD_SHAPES;
use crate::segment::WindowCuts;
use rust_bert::bert::BertConfig;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// How a model's tags are decoded into spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decoder {
    /// Best tag per word, then BIO repair (I- without B- starts a span).
    Greedy,
    /// Best tag sequence under BIO constraints (no O→I-X, no B-X/I-X→I-Y).
    Viterbi,
}

/// Numeric precision used for inference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    Fp32,
    Bf16,
    /// Own engine only: weights quantized to int8 per output row at load
    /// time, activations per token (fbgemm, x86), LayerNorm and softmax in fp32.
    Int8,
}

impl Precision {
    /// The fastest precision that keeps fp32's F1 on this CPU (`make bench`,
    /// CoNLL-2003 dev), with the reason, for run.json: bf16 where the CPU has
    /// AMX; int8 (own engine) where it has AVX512-VNNI but no AMX,
    /// 1.22× bf16 on AVX512-BF16 there; bf16 with AVX512-BF16 alone; int8
    /// (own engine, 7-bit weights: [`super::Int8Bits`]) with AVX2, 1.5× fp32
    /// on an AVX2-only EPYC; else fp32. rust-bert's forward cannot run int8
    /// and gets bf16 or fp32.
    pub fn native(engine: Engine) -> (Precision, &'static str) {
        // fbgemm's VNNI kernels are AVX512 ones; its AVX2 path sums byte
        // products in saturating 16-bit pairs, so AVX-VNNI alone is not enough.
        let vnni = cpu_has("avx512_vnni");
        if cpu_has("amx_bf16") {
            (Precision::Bf16, "the CPU has AMX-BF16")
        } else if vnni && engine == Engine::Nerpipe {
            (
                Precision::Int8,
                "the CPU has AVX512-VNNI int8 dot products but no AMX: int8 is faster than bf16 there",
            )
        } else if cpu_has("avx512_bf16") {
            (Precision::Bf16, "the CPU has AVX512-BF16")
        } else if cpu_has("avx2") && engine == Engine::Nerpipe {
            (
                Precision::Int8,
                "the CPU has AVX2 but neither AMX, AVX512-VNNI nor AVX512-BF16: int8 with 7-bit weights (fbgemm's AVX2 kernels) is faster than fp32 there at the same F1",
            )
        } else {
            (
                Precision::Fp32,
                "the CPU has neither AMX, AVX512-VNNI, AVX512-BF16 nor AVX2 (or the engine is rust-bert): int8 and bf16 would be slow, emulated or unavailable",
            )
        }
    }

    /// Why `self` runs many times slower than fp32 on a CPU whose
    /// /proc/cpuinfo flags `has` tells, where it does: the warning for a
    /// `--precision` given by hand (the native one never is).
    pub fn slow_on(self, has: impl Fn(&str) -> bool) -> Option<&'static str> {
        // Without bf16 instructions libtorch converts every operand to
        // fp32 and back: 17 UNER sentences took 171 s in bf16 against 3.5 s
        // in fp32 on an AVX2-only EPYC.
        (self == Precision::Bf16 && !has("avx512_bf16") && !has("amx_bf16")).then_some(
            "this CPU has neither AVX512-BF16 nor AMX-BF16, so bf16 is emulated, about 50× slower than fp32; use --precision fp32, or leave --precision out for the CPU's fastest",
        )
    }

    /// Prints [`Precision::slow_on`]'s warning for this CPU, if any.
    pub fn warn_if_slow(self) {
        if let Some(why) = self.slow_on(cpu_has) {
            let name = clap::ValueEnum::to_possible_value(&self).map(|v| v.get_name().to_owned());
            eprintln!(
                "nerpipe: warning: --precision {}: {why}",
                name.unwrap_or_default()
            );
        }
    }

    /// `chosen`, or the CPU's native precision for `engine`.
    pub fn resolve(chosen: Option<Precision>, engine: Engine) -> (Precision, &'static str) {
        match chosen {
            Some(p) => (p, "chosen with --precision"),
            None => Precision::native(engine),
        }
    }
}

/// Whether the CPU has `flag` (as /proc/cpuinfo names it; false where it
/// cannot be read).
pub fn cpu_has(flag: &str) -> bool {
    // Read once: run, manifests, run.json and each int8 layer ask.
    static FLAGS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let flags = FLAGS.get_or_init(|| std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default());
    flags.split_whitespace().any(|f| f == flag)
}

/// Which forward pass runs inference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Engine {
    /// nerpipe's own forward ([`super::FastEncoder`]): fused QKV, packed rows.
    Nerpipe,
    /// rust-bert's BertForTokenClassification, one window per row (the
    /// baseline of `make bench`).
    RustBert,
}

/// A tag of the model's label set, split into its BIO prefix and entity type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tag {
    Outside,
    Begin(String),
    Inside(String),
}

impl Tag {
    /// Parses `O`, `B-X`, `I-X` (also `S-`/`E-` as B-/I-, `U-`/`L-` likewise).
    pub fn parse(name: &str) -> Option<Tag> {
        if name == "O" {
            return Some(Tag::Outside);
        }
        let (prefix, kind) = name.split_once('-')?;
        if kind.is_empty() {
            return None;
        }
        match prefix {
            "B" | "S" | "U" => Some(Tag::Begin(kind.to_string())),
            "I" | "E" | "L" => Some(Tag::Inside(kind.to_string())),
            _ => None,
        }
    }

    pub fn kind(&self) -> Option<&str> {
        match self {
            Tag::Outside => None,
            Tag::Begin(k) | Tag::Inside(k) => Some(k),
        }
    }
}

/// The parsed `config.json` of a model folder.
#[derive(Debug, Clone)]
pub struct ModelConfig {
    pub bert: BertConfig,
    /// Tag names by id.
    pub tags: Vec<String>,
    pub parsed_tags: Vec<Tag>,
    /// Model entity type → output label.
    pub label_map: BTreeMap<String, crate::doc::Label>,
    pub has_word_shapes: bool,
    pub decoder: Decoder,
    /// How documents are cut into windows for this model: as it read text
    /// in training (`nerpipe.window_cuts`; each sentence alone when absent).
    pub window_cuts: WindowCuts,
    /// The whole JSON, kept so that training can write it back extended.
    pub raw: serde_json::Map<String, Value>,
}

impl ModelConfig {
    /// `hidden_act` as config.json writes it (`gelu` where it is absent).
    pub fn hidden_act(&self) -> &str {
        self.raw
            .get("hidden_act")
            .and_then(|v| v.as_str())
            .unwrap_or("gelu")
    }

    /// `layer_norm_eps` of config.json (BERT's 1e-12 when absent).
    pub fn layer_norm_eps(&self) -> f64 {
        self.raw
            .get("layer_norm_eps")
            .and_then(Value::as_f64)
            .unwrap_or(1e-12)
    }
}

impl ModelConfig {
    /// Reads and validates `config.json`. `require_labels` is false for a base
    /// encoder, which has no classification head yet.
    pub fn load(path: &Path, require_labels: bool) -> Result<ModelConfig, ModelError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| model_error(path, format!("cannot read the model config: {e}")))?;
        let raw: serde_json::Map<String, Value> = serde_json::from_str(&text)
            .map_err(|e| model_error(path, format!("not a valid JSON config: {e}")))?;
        let mut bert: BertConfig = serde_json::from_value(Value::Object(raw.clone()))
            .map_err(|e| model_error(path, format!("not a BERT config: {e}")))?;
        let section = raw.get("nerpipe").cloned().unwrap_or(Value::Null);
        let has_word_shapes = word_shapes_of(path, &section)?;
        let decoder = decoder_of(path, &section)?;
        let window_cuts = window_cuts_of(path, &section)?;
        let mut config = ModelConfig {
            tags: Vec::new(),
            parsed_tags: Vec::new(),
            label_map: BTreeMap::new(),
            has_word_shapes,
            decoder,
            window_cuts,
            raw,
            bert: bert.clone(),
        };
        let Some(id2label) = bert.id2label.clone() else {
            if require_labels {
                return Err(model_error(
                    path,
                    "no id2label: this is not a token-classification model",
                ));
            }
            return Ok(config);
        };
        let (tags, parsed) = tags_of(path, &id2label)?;
        config.label_map = label_map_of(path, &section, &parsed)?;
        bert.label2id = None;
        config.bert = bert;
        config.tags = tags;
        config.parsed_tags = parsed;
        Ok(config)
    }
}

/// Whether the model was trained with word-shape features
/// (`nerpipe.word_shapes`). The list must be the shapes this nerpipe computes,
/// in order: a model fed other shapes than it learnt would tag silently worse.
fn word_shapes_of(path: &Path, section: &Value) -> Result<bool, ModelError> {
    let Some(shapes) = section.get("word_shapes") else {
        return Ok(false);
    };
    let names: Vec<String> = serde_json::from_value(shapes.clone())
        .map_err(|_| model_error(path, "nerpipe.word_shapes must be a list of shape names"))?;
    if names != WORD_SHAPES {
        return Err(model_error(
            path,
            format!(
                "nerpipe.word_shapes {names:?} differs from the shapes this nerpipe computes {WORD_SHAPES:?}"
            ),
        ));
    }
    Ok(true)
}

/// The model's decoder (`nerpipe.decoder`, greedy when absent); anything
/// else is refused rather than decoded greedily unnoticed.
fn decoder_of(path: &Path, section: &Value) -> Result<Decoder, ModelError> {
    match section.get("decoder").and_then(Value::as_str) {
        None | Some("greedy") => Ok(Decoder::Greedy),
        Some("viterbi") => Ok(Decoder::Viterbi),
        Some(other) => Err(model_error(
            path,
            format!("nerpipe.decoder is {other:?}; use \"viterbi\" or \"greedy\""),
        )),
    }
}

/// How the model reads documents (`nerpipe.window_cuts`): `sentences` for a
/// model trained on a document's sentences packed together, each sentence
/// alone when absent (what every model read in training before).
fn window_cuts_of(path: &Path, section: &Value) -> Result<WindowCuts, ModelError> {
    let Some(value) = section.get("window_cuts") else {
        return Ok(WindowCuts::EachSentence);
    };
    serde_json::from_value(value.clone()).map_err(|_| {
        model_error(
            path,
            format!(
                "nerpipe.window_cuts is {value}; use \"sentences\", \"each-sentence\" or \"fixed\""
            ),
        )
    })
}

/// The tag names by id, and parsed: ids must number the classifier's outputs
/// 0..n without gaps, and every name must be a BIO tag the decoders know.
fn tags_of(
    path: &Path,
    id2label: &std::collections::HashMap<i64, String>,
) -> Result<(Vec<String>, Vec<Tag>), ModelError> {
    let mut tags = vec![String::new(); id2label.len()];
    for (id, name) in id2label {
        let slot = usize::try_from(*id)
            .ok()
            .and_then(|i| tags.get_mut(i))
            .ok_or_else(|| {
                model_error(
                    path,
                    format!("id2label ids must be 0..{} without gaps", id2label.len()),
                )
            })?;
        *slot = name.clone();
    }
    let parsed: Vec<Tag> = tags
        .iter()
        .map(|t| {
            Tag::parse(t)
                .ok_or_else(|| model_error(path, format!("label {t:?} is not O, B-TYPE or I-TYPE")))
        })
        .collect::<Result<_, _>>()?;
    Ok((tags, parsed))
}

/// The output label of every entity type the tags name: `nerpipe.label_map`'s
/// where it maps the type, else the type itself, which must then be a label
/// name. A type with neither is refused at load, not dropped at run time.
fn label_map_of(
    path: &Path,
    section: &Value,
    parsed: &[Tag],
) -> Result<BTreeMap<String, crate::doc::Label>, ModelError> {
    let map: BTreeMap<String, String> = match section.get("label_map") {
        Some(v) => serde_json::from_value(v.clone()).map_err(|_| {
            model_error(
                path,
                "nerpipe.label_map must map entity types to label names",
            )
        })?,
        None => BTreeMap::new(),
    };
    let mut label_map = BTreeMap::new();
    for kind in parsed.iter().filter_map(Tag::kind) {
        if label_map.contains_key(kind) {
            continue;
        }
        let target = map.get(kind).map(String::as_str).unwrap_or(kind);
        let label = crate::doc::Label::parse(target).ok_or_else(|| {
            model_error(
                path,
                format!(
                    "entity type {kind:?} has no output label: add it to \"nerpipe\": {{\"label_map\": {{\"{kind}\": \"PERSON|ORGANISATION|PLACE|MISC\"}}}}"
                ),
            )
        })?;
        label_map.insert(kind.to_string(), label);
    }
    Ok(label_map)
}

/// Id → tag map as written into config.json.
pub fn id2label_json(tags: &[String]) -> (Value, Value) {
    let id2label: serde_json::Map<String, Value> = tags
        .iter()
        .enumerate()
        .map(|(i, t)| (i.to_string(), Value::String(t.clone())))
        .collect();
    let label2id: serde_json::Map<String, Value> = tags
        .iter()
        .enumerate()
        .map(|(i, t)| (t.clone(), Value::from(i)))
        .collect();
    (Value::Object(id2label), Value::Object(label2id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bf16_without_bf16_instructions_is_slow() {
        let flags = |list: &'static str| move |flag: &str| list.split(' ').any(|f| f == flag);
        assert!(Precision::Bf16.slow_on(flags("avx2 fma")).is_some());
        assert!(Precision::Bf16.slow_on(flags("avx2 avx512_bf16")).is_none());
        assert!(Precision::Bf16.slow_on(flags("avx2 amx_bf16")).is_none());
        assert!(Precision::Fp32.slow_on(flags("")).is_none());
        assert!(Precision::Int8.slow_on(flags("avx2")).is_none());
    }
}
