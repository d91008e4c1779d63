//! The model folder format and the transformer it holds.
//!
//! A model folder contains:
//! - `config.json`: a Hugging Face BERT config with `id2label`, plus an optional
//!   `nerpipe` section: `label_map` (model entity type → output label, e.g.
//!   `PER` → `PERSON`), `word_shapes` (the shape classes, when the model has a
//!   word-shape embedding) and `decoder` (`viterbi` or `greedy`).
//! - `tokenizer.json`: a Hugging Face tokenizers file.
//! - `model.safetensors`: the weights, under Hugging Face names
//!   (`bert.embeddings...`, `classifier.weight`). fp16 or bf16 on disk is
//!   restored to fp32 when loading.
//! - `MODEL.md`: how the model was made and how it scores.
//!
//! Everything is validated on load; a problem is reported as a [`ModelError`]
//! naming the file.

use crate::segment::shapes::WORD_SHAPES;
use rust_bert::bert::{BertConfig, BertForTokenClassification};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use tch::{nn, Device, Kind, Tensor};

/// A model folder that cannot be used; main turns it into exit code 2.
#[derive(Debug)]
pub struct ModelError {
    pub path: PathBuf,
    pub problem: String,
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.problem)
    }
}

impl std::error::Error for ModelError {}

fn model_error(path: &Path, problem: impl Into<String>) -> ModelError {
    ModelError {
        path: path.to_path_buf(),
        problem: problem.into(),
    }
}

/// Name of the word-shape embedding in the var store and weight files.
pub const SHAPE_EMBEDDING: &str = "nerpipe.word_shape_embeddings";
const WEIGHTS_FILE: &str = "model.safetensors";

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
    /// The whole JSON, kept so that training can write it back extended.
    pub raw: serde_json::Map<String, Value>,
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
        let mut config = ModelConfig {
            tags: Vec::new(),
            parsed_tags: Vec::new(),
            label_map: BTreeMap::new(),
            has_word_shapes: false,
            decoder: Decoder::Greedy,
            raw,
            bert: bert.clone(),
        };
        if let Some(shapes) = section.get("word_shapes") {
            let names: Vec<String> = serde_json::from_value(shapes.clone()).map_err(|_| {
                model_error(path, "nerpipe.word_shapes must be a list of shape names")
            })?;
            if names != WORD_SHAPES {
                return Err(model_error(
                    path,
                    format!(
                        "nerpipe.word_shapes {names:?} differs from the shapes this nerpipe computes {WORD_SHAPES:?}"
                    ),
                ));
            }
            config.has_word_shapes = true;
        }
        match section.get("decoder").and_then(Value::as_str) {
            None | Some("greedy") => {}
            Some("viterbi") => config.decoder = Decoder::Viterbi,
            Some(other) => {
                return Err(model_error(
                    path,
                    format!("nerpipe.decoder is {other:?}; use \"viterbi\" or \"greedy\""),
                ))
            }
        }
        let Some(id2label) = bert.id2label.clone() else {
            if require_labels {
                return Err(model_error(
                    path,
                    "no id2label: this is not a token-classification model",
                ));
            }
            return Ok(config);
        };
        let mut tags = vec![String::new(); id2label.len()];
        for (id, name) in &id2label {
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
                Tag::parse(t).ok_or_else(|| {
                    model_error(path, format!("label {t:?} is not O, B-TYPE or I-TYPE"))
                })
            })
            .collect::<Result<_, _>>()?;
        let map: BTreeMap<String, String> = match section.get("label_map") {
            Some(v) => serde_json::from_value(v.clone()).map_err(|_| {
                model_error(
                    path,
                    "nerpipe.label_map must map entity types to label names",
                )
            })?,
            None => BTreeMap::new(),
        };
        for kind in parsed.iter().filter_map(Tag::kind) {
            if config.label_map.contains_key(kind) {
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
            config.label_map.insert(kind.to_string(), label);
        }
        bert.label2id = None;
        config.bert = bert;
        config.tags = tags;
        config.parsed_tags = parsed;
        Ok(config)
    }
}

/// Loads a tokenizer.json with padding and truncation switched off: nerpipe
/// cuts documents into windows itself and pads each batch to its longest window.
pub fn load_tokenizer(path: &Path) -> Result<tokenizers::Tokenizer, ModelError> {
    if !path.is_file() {
        return Err(model_error(path, "missing tokenizer file"));
    }
    let mut tokenizer = tokenizers::Tokenizer::from_file(path)
        .map_err(|e| model_error(path, format!("not a valid tokenizers file: {e}")))?;
    tokenizer.with_padding(None);
    tokenizer
        .with_truncation(None)
        .map_err(|e| model_error(path, format!("cannot disable truncation: {e}")))?;
    Ok(tokenizer)
}

/// BERT token classifier with an optional word-shape embedding.
pub struct NerModel {
    pub vs: nn::VarStore,
    pub bert: BertForTokenClassification,
    pub shape_embedding: Option<nn::Embedding>,
    word_embeddings: Tensor,
}

impl NerModel {
    /// Builds the network described by `config`, randomly initialised.
    pub fn new(config: &ModelConfig, with_shapes: bool) -> Result<NerModel, ModelError> {
        // HF names start at the root (`bert.`, `classifier.`), as rust-bert expects.
        let vs = nn::VarStore::new(Device::Cpu);
        let bert = BertForTokenClassification::new(vs.root(), &config.bert)
            .map_err(|e| model_error(Path::new("config.json"), e.to_string()))?;
        let shape_embedding = with_shapes.then(|| {
            nn::embedding(
                vs.root() / "nerpipe" / "word_shape_embeddings",
                WORD_SHAPES.len() as i64,
                config.bert.hidden_size,
                nn::EmbeddingConfig {
                    ws_init: nn::Init::Const(0.0),
                    ..Default::default()
                },
            )
        });
        let word_embeddings = lookup(&vs, "bert.embeddings.word_embeddings.weight");
        Ok(NerModel {
            vs,
            bert,
            shape_embedding,
            word_embeddings,
        })
    }

    /// Copies tensors into the model's variables. `rename` maps file names to
    /// variable names (e.g. adds the `bert.` prefix of a bare encoder). Returns
    /// the variables that received no tensor.
    pub fn load_tensors(
        &mut self,
        path: &Path,
        rename: impl Fn(&str) -> String,
    ) -> Result<Vec<String>, ModelError> {
        let tensors = read_safetensors(path)?;
        let mut vars = self.vs.variables();
        tch::no_grad(|| -> Result<(), ModelError> {
            for (name, tensor) in tensors {
                let name = rename(&name);
                if let Some(var) = vars.get_mut(&name) {
                    if var.size() != tensor.size() {
                        return Err(model_error(
                            path,
                            format!(
                                "tensor {name} has shape {:?}, the config implies {:?}",
                                tensor.size(),
                                var.size()
                            ),
                        ));
                    }
                    var.copy_(&tensor);
                    vars.remove(&name);
                }
            }
            Ok(())
        })?;
        let mut missing: Vec<String> = vars.into_keys().collect();
        missing.sort();
        Ok(missing)
    }

    pub fn set_precision(&mut self, precision: Precision) {
        match precision {
            Precision::Fp32 => self.vs.float(),
            Precision::Bf16 => self.vs.bfloat16(),
        }
        // set_kind swaps the variables' data: take the embedding table again.
        self.word_embeddings = lookup(&self.vs, "bert.embeddings.word_embeddings.weight");
    }

    /// Logits `[batch, len, tags]` for padded `ids`, `shapes` and `mask`.
    pub fn logits(&self, ids: &Tensor, shapes: &Tensor, mask: &Tensor, train: bool) -> Tensor {
        let output = match &self.shape_embedding {
            Some(shape_embedding) => {
                let embeds = Tensor::embedding(&self.word_embeddings, ids, -1, false, false)
                    + shapes.apply(shape_embedding);
                self.bert
                    .forward_t(None, Some(mask), None, None, Some(&embeds), train)
            }
            None => self
                .bert
                .forward_t(Some(ids), Some(mask), None, None, None, train),
        };
        output.logits
    }

    /// Writes the weights as fp16 safetensors.
    pub fn save_fp16(&self, path: &Path) -> anyhow::Result<()> {
        let mut named: Vec<(String, Tensor)> = self
            .vs
            .variables()
            .into_iter()
            .map(|(name, t)| (name, t.to_kind(Kind::Half)))
            .collect();
        named.sort_by(|a, b| a.0.cmp(&b.0));
        let tmp = crate::sink::atomic::TempPath::beside(path)?;
        Tensor::write_safetensors(&named, tmp.path())?;
        tmp.commit()
    }
}

fn lookup(vs: &nn::VarStore, name: &str) -> Tensor {
    vs.variables()
        .remove(name)
        .unwrap_or_else(|| panic!("rust-bert no longer names a variable {name}"))
}

/// Reads a safetensors file as fp32 tensors, restoring fp16/bf16 weights.
pub fn read_safetensors(path: &Path) -> Result<Vec<(String, Tensor)>, ModelError> {
    if !path.is_file() {
        return Err(model_error(path, "missing weights file"));
    }
    let tensors = Tensor::read_safetensors(path)
        .map_err(|e| model_error(path, format!("corrupt safetensors file: {e}")))?;
    Ok(tensors
        .into_iter()
        .map(|(name, t)| match t.kind() {
            Kind::Half | Kind::BFloat16 => (name, t.to_kind(Kind::Float)),
            _ => (name, t),
        })
        .collect())
}

/// A loaded, validated model folder ready for inference.
pub struct LoadedModel {
    pub name: String,
    pub dir: PathBuf,
    pub config: ModelConfig,
    pub tokenizer: tokenizers::Tokenizer,
    pub network: NerModel,
    /// sha256 of the weights file, for run.json and resume manifests.
    pub weights_sha256: String,
}

impl LoadedModel {
    pub fn load(dir: &Path, precision: Precision) -> Result<LoadedModel, ModelError> {
        if !dir.is_dir() {
            return Err(model_error(dir, "model folder not found"));
        }
        let config = ModelConfig::load(&dir.join("config.json"), true)?;
        let tokenizer = load_tokenizer(&dir.join("tokenizer.json"))?;
        let weights = dir.join(WEIGHTS_FILE);
        let mut network = NerModel::new(&config, config.has_word_shapes)?;
        let missing = network.load_tensors(&weights, |n| n.to_string())?;
        if !missing.is_empty() {
            return Err(model_error(
                &weights,
                format!(
                    "{} tensors the config needs are missing, e.g. {}",
                    missing.len(),
                    missing[0]
                ),
            ));
        }
        network.set_precision(precision);
        let weights_sha256 = sha256_file(&weights)?;
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "model".into());
        Ok(LoadedModel {
            name,
            dir: dir.to_path_buf(),
            config,
            tokenizer,
            network,
            weights_sha256,
        })
    }
}

pub fn sha256_file(path: &Path) -> Result<String, ModelError> {
    let mut file =
        std::fs::File::open(path).map_err(|e| model_error(path, format!("cannot read: {e}")))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| model_error(path, format!("cannot read: {e}")))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(format!("{:x}", hasher.finalize()))
}

/// Adds a `bert.` prefix to bare encoder names (`embeddings.`, `encoder.`), as
/// published for sentence-transformers checkpoints like all-MiniLM-L6-v2.
pub fn encoder_name_to_classifier(name: &str) -> String {
    if name.starts_with("bert.") || name.starts_with("classifier.") || name.starts_with("nerpipe.")
    {
        name.to_string()
    } else {
        format!("bert.{name}")
    }
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
