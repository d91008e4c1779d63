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

mod config;
pub mod e5s1;
mod encoder;

pub use config::{id2label_json, Decoder, ModelConfig, Precision, Tag};
pub use encoder::{read_safetensors, NerModel};

use sha2::{Digest, Sha256};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

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

pub(crate) fn model_error(path: &Path, problem: impl Into<String>) -> ModelError {
    ModelError {
        path: path.to_path_buf(),
        problem: problem.into(),
    }
}

/// Name of the word-shape embedding in the var store and weight files.
pub const SHAPE_EMBEDDING: &str = "nerpipe.word_shape_embeddings";
const WEIGHTS_FILE: &str = "model.safetensors";

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
