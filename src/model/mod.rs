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
//!   restored to fp32 when loading. A model trained with frozen word
//!   embeddings may add a correction to some of their rows
//!   ([`WordDelta`]).
//! - `MODEL.md`: how the model was made and how it scores.
//!
//! Everything is validated on load; a problem is reported as a [`ModelError`]
//! naming the file.

mod config;
pub mod e5s1;
mod encoder;
mod fast;
pub mod lookup;
mod token_rows;
mod word_delta;

pub use config::{cpu_has, id2label_json, Decoder, Engine, ModelConfig, Precision, Tag};
pub use encoder::{read_safetensors, NerModel};
pub use fast::{FastEncoder, Int8Bits};
pub use word_delta::{WordDelta, WORD_DELTA, WORD_DELTA_IDS};

pub(crate) use crate::error::model_error;
pub use crate::error::ModelError;
use crate::segment::Segmenter;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Name of the word-shape embedding in the var store and weight files.
pub const SHAPE_EMBEDDING: &str = "nerpipe.word_shape_embeddings";
const WEIGHTS_FILE: &str = "model.safetensors";

extern "C" {
    /// c10's logging threshold (0 info, 1 warning, 2 error): a global of
    /// libc10 with C linkage, as `TORCH_CPP_LOG_LEVEL` sets it at start-up.
    static mut FLAGS_caffe2_log_level: i32;
}

/// Keeps libtorch's warnings (the fbgemm int8 calls are "deprecated") off
/// the user's terminal; its errors still reach nerpipe as errors.
fn quiet_libtorch_warnings() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: a plain int c10 reads before each log line, written once
        // here before any model runs.
        unsafe { FLAGS_caffe2_log_level = 2 };
    });
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

/// A loaded, validated model folder ready for inference.
pub struct LoadedModel {
    pub name: String,
    pub dir: PathBuf,
    pub config: ModelConfig,
    pub segmenter: Segmenter,
    pub network: Network,
    /// sha256 of the weights file, for run.json and resume manifests.
    pub weights_sha256: String,
}

impl LoadedModel {
    pub fn load(dir: &Path, precision: Precision) -> Result<LoadedModel, ModelError> {
        LoadedModel::load_for(dir, precision, Engine::RustBert)
    }

    /// Loads `dir` for inference with `engine` in `precision`.
    pub fn load_for(
        dir: &Path,
        precision: Precision,
        engine: Engine,
    ) -> Result<LoadedModel, ModelError> {
        quiet_libtorch_warnings();
        if !dir.is_dir() {
            return Err(model_error(dir, "model folder not found"));
        }
        let config = ModelConfig::load(&dir.join("config.json"), true)?;
        let tokenizer_path = dir.join("tokenizer.json");
        let weights = dir.join(WEIGHTS_FILE);
        // The tokenizer (for a large vocabulary, JSON and a trie of every
        // piece: most of a second) loads beside the weights.
        let (segmenter, network) = std::thread::scope(|scope| {
            let segmenter =
                scope.spawn(|| Segmenter::new(load_tokenizer(&tokenizer_path)?, &tokenizer_path));
            let network = load_network(dir, &config, &weights, precision, engine);
            (joined(segmenter), network)
        });
        let (segmenter, network) = (segmenter?, network?);
        let weights_sha256 = sha256_file(&weights)?;
        check_weights_sha256(dir, &config, &weights_sha256)?;
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "model".into());
        Ok(LoadedModel {
            name,
            dir: dir.to_path_buf(),
            config,
            segmenter,
            network,
            weights_sha256,
        })
    }
}

/// The network of the model folder `dir` for `engine` in `precision`.
fn load_network(
    dir: &Path,
    config: &ModelConfig,
    weights: &Path,
    precision: Precision,
    engine: Engine,
) -> Result<Network, ModelError> {
    let frozen = FrozenEmbeddings::of(config, dir)?;
    let table = (config.bert.vocab_size, config.bert.hidden_size);
    match engine {
        Engine::RustBert => {
            if precision == Precision::Int8 {
                return Err(model_error(
                    dir,
                    "--precision int8 runs only on nerpipe's own forward: drop --engine rust-bert",
                ));
            }
            let mut network = NerModel::new(config, config.has_word_shapes)?;
            let mut tensors: HashMap<String, tch::Tensor> =
                read_safetensors(weights)?.into_iter().collect();
            let delta = WordDelta::take(&mut tensors, table, weights)?;
            let mut missing = network.load_named(tensors, weights, |n| n.to_string())?;
            if let Some(frozen) = frozen {
                frozen.check()?;
                let still = network.load_tensors(&frozen.path, |n| n.to_string())?;
                missing.retain(|n| still.contains(n));
            }
            if let Some(first) = missing.first() {
                return Err(missing_tensors(weights, missing.len(), first));
            }
            if let Some(delta) = delta {
                network.fold_word_delta(&delta);
            }
            network.set_precision(precision);
            Ok(Network::RustBert(Box::new(network)))
        }
        // Straight from the files: building rust-bert's network first would
        // fill every variable with random numbers only to overwrite them
        // (0.8 s at start-up for the multilingual model).
        Engine::Nerpipe => {
            let expected: HashMap<String, Vec<i64>> =
                expected_tensors(config).into_iter().collect();
            let mut tensors = stored_tensors(weights, &expected)?;
            let delta = WordDelta::take(&mut tensors, table, weights)?;
            if let Some(frozen) = frozen {
                // Its sha256 (a large file) is checked while it is read.
                let (checked, read) = std::thread::scope(|scope| {
                    let checked = scope.spawn(|| frozen.check());
                    let read = stored_tensors(&frozen.path, &expected);
                    (joined(checked), read)
                });
                checked?;
                tensors.extend(read?);
            }
            let mut missing: Vec<&String> = expected
                .keys()
                .filter(|n| !tensors.contains_key(*n))
                .collect();
            missing.sort();
            if let Some(first) = missing.first() {
                return Err(missing_tensors(weights, missing.len(), first));
            }
            if let (Some(delta), Some(word)) = (delta, tensors.get(WORD_EMBEDDINGS)) {
                let folded = delta.folded(word);
                tensors.insert(WORD_EMBEDDINGS.into(), folded);
            }
            let encoder = FastEncoder::new(&tensors, config, precision)
                .map_err(|e| model_error(weights, e.to_string()))?;
            Ok(Network::Own(encoder))
        }
    }
}

/// A scoped thread's result; its panic goes on in this thread.
pub(crate) fn joined<T>(thread: std::thread::ScopedJoinHandle<'_, T>) -> T {
    thread
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

fn missing_tensors(weights: &Path, count: usize, first: &str) -> ModelError {
    model_error(
        weights,
        format!("{count} tensors the config needs are missing, e.g. {first}"),
    )
}

/// The tensors of a safetensors file in the kinds it stores them, each that
/// `expected` names checked against the shape given there.
fn stored_tensors(
    path: &Path,
    expected: &HashMap<String, Vec<i64>>,
) -> Result<HashMap<String, tch::Tensor>, ModelError> {
    let tensors = encoder::read_stored(path)?;
    for (name, tensor) in &tensors {
        match expected.get(name) {
            Some(shape) if *shape != tensor.size() => {
                return Err(model_error(
                    path,
                    format!(
                        "tensor {name} has shape {:?}, the config implies {shape:?}",
                        tensor.size()
                    ),
                ))
            }
            _ => {}
        }
    }
    Ok(tensors.into_iter().collect())
}

/// Every tensor a model with `config` has, under its Hugging Face name, with
/// its shape: rust-bert's BertForTokenClassification (no pooler) and the
/// word-shape embedding where the config has one.
pub fn expected_tensors(config: &ModelConfig) -> Vec<(String, Vec<i64>)> {
    let b = &config.bert;
    let (hidden, inner) = (b.hidden_size, b.intermediate_size);
    let e = "bert.embeddings";
    let mut out: Vec<(String, Vec<i64>)> = vec![
        (WORD_EMBEDDINGS.into(), vec![b.vocab_size, hidden]),
        (
            format!("{e}.position_embeddings.weight"),
            vec![b.max_position_embeddings, hidden],
        ),
        (
            format!("{e}.token_type_embeddings.weight"),
            vec![b.type_vocab_size, hidden],
        ),
    ];
    // A weight and a bias: a matrix `[outputs, inputs]`, or for a
    // LayerNorm (no inputs) a vector.
    let mut pair = |name: String, outputs: i64, inputs: Option<i64>| {
        let weight = match inputs {
            Some(inputs) => vec![outputs, inputs],
            None => vec![outputs],
        };
        out.push((format!("{name}.weight"), weight));
        out.push((format!("{name}.bias"), vec![outputs]));
    };
    pair(format!("{e}.LayerNorm"), hidden, None);
    for l in 0..b.num_hidden_layers {
        let p = format!("bert.encoder.layer.{l}");
        for part in ["query", "key", "value"] {
            pair(format!("{p}.attention.self.{part}"), hidden, Some(hidden));
        }
        pair(format!("{p}.attention.output.dense"), hidden, Some(hidden));
        pair(format!("{p}.attention.output.LayerNorm"), hidden, None);
        pair(format!("{p}.intermediate.dense"), inner, Some(hidden));
        pair(format!("{p}.output.dense"), hidden, Some(inner));
        pair(format!("{p}.output.LayerNorm"), hidden, None);
    }
    pair("classifier".into(), config.tags.len() as i64, Some(hidden));
    if config.has_word_shapes {
        out.push((
            format!("{SHAPE_EMBEDDING}.weight"),
            vec![crate::segment::shapes::WORD_SHAPES.len() as i64, hidden],
        ));
    }
    out
}

/// File beside the weights with their sha256, in `sha256sum` format (so
/// `sha256sum -c model.safetensors.sha256` checks it too).
pub const WEIGHTS_SHA256_FILE: &str = "model.safetensors.sha256";

/// The sha256 the model folder declares for its weights: `nerpipe.weights_sha256`
/// in config.json, or the `model.safetensors.sha256` file.
fn declared_weights_sha256(
    dir: &Path,
    config: &ModelConfig,
) -> Result<Option<(String, PathBuf)>, ModelError> {
    if let Some(v) = config
        .raw
        .get("nerpipe")
        .and_then(|n| n.get("weights_sha256"))
    {
        let sha = v.as_str().ok_or_else(|| {
            model_error(
                &dir.join("config.json"),
                "nerpipe.weights_sha256 must be a hex string",
            )
        })?;
        return Ok(Some((sha.to_ascii_lowercase(), dir.join("config.json"))));
    }
    let path = dir.join(WEIGHTS_SHA256_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let sha = text.split_whitespace().next().unwrap_or("");
            if sha.len() != 64 || !sha.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(model_error(
                    &path,
                    "not a sha256 line (HEX  model.safetensors)",
                ));
            }
            Ok(Some((sha.to_ascii_lowercase(), path)))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(model_error(&path, format!("cannot read: {e}"))),
    }
}

fn check_weights_sha256(dir: &Path, config: &ModelConfig, got: &str) -> Result<(), ModelError> {
    match declared_weights_sha256(dir, config)? {
        Some((want, source)) if want != got => Err(model_error(
            &dir.join(WEIGHTS_FILE),
            format!(
                "sha256 {got} differs from the {want} that {} records: the weights are damaged or were replaced; copy the model folder again",
                source.display()
            ),
        )),
        _ => Ok(()),
    }
}

/// Writes `dir/model.safetensors.sha256` for the weights now in `dir`.
pub fn write_weights_sha256(dir: &Path) -> Result<(), ModelError> {
    let sha = sha256_file(&dir.join(WEIGHTS_FILE))?;
    let path = dir.join(WEIGHTS_SHA256_FILE);
    crate::atomic::write_atomic(&path, format!("{sha}  {WEIGHTS_FILE}\n").as_bytes())
        .map_err(|e| model_error(&path, format!("cannot write: {e:#}")))
}

/// The word-embedding matrix of a model trained with it frozen: not in
/// model.safetensors (it is the base encoder's, unchanged) but in a file
/// `make` builds from the base, named with its sha256 in config.json
/// (`nerpipe.frozen_embeddings`).
pub struct FrozenEmbeddings {
    pub path: PathBuf,
    pub sha256: String,
}

/// The loaded network, as the engine wants it.
pub enum Network {
    RustBert(Box<NerModel>),
    Own(FastEncoder),
}

/// The word-embedding matrix under its Hugging Face name.
pub const WORD_EMBEDDINGS: &str = "bert.embeddings.word_embeddings.weight";

/// Writes `model_dir/word_embeddings.safetensors` (fp16) from the base
/// encoder's word embeddings; returns its sha256.
pub fn write_frozen_embeddings(base: &Path, model_dir: &Path) -> Result<String, ModelError> {
    let weights = base.join(WEIGHTS_FILE);
    let matrix = read_safetensors(&weights)?
        .into_iter()
        .find(|(name, _)| encoder_name_to_classifier(name) == WORD_EMBEDDINGS)
        .map(|(_, t)| t)
        .ok_or_else(|| model_error(&weights, format!("no {WORD_EMBEDDINGS} tensor")))?;
    let dest = model_dir.join(FROZEN_EMBEDDINGS_FILE);
    let named = [(WORD_EMBEDDINGS.to_string(), matrix.to_kind(tch::Kind::Half))];
    tch::Tensor::write_safetensors(&named, &dest)
        .map_err(|e| model_error(&dest, format!("cannot write: {e}")))?;
    sha256_file(&dest)
}

/// Rebuilds `model_dir`'s frozen word embeddings from `base` and checks them
/// against the sha256 in its config.json.
pub fn rebuild_frozen_embeddings(base: &Path, model_dir: &Path) -> Result<(), ModelError> {
    let config = ModelConfig::load(&model_dir.join("config.json"), true)?;
    let frozen = FrozenEmbeddings::of(&config, model_dir)?.ok_or_else(|| {
        model_error(
            &model_dir.join("config.json"),
            "this model has no nerpipe.frozen_embeddings: nothing to rebuild",
        )
    })?;
    write_frozen_embeddings(base, model_dir)?;
    frozen.check()
}

/// File name of the frozen word embeddings in a model folder.
pub const FROZEN_EMBEDDINGS_FILE: &str = "word_embeddings.safetensors";

impl FrozenEmbeddings {
    fn of(config: &ModelConfig, dir: &Path) -> Result<Option<FrozenEmbeddings>, ModelError> {
        let Some(section) = config
            .raw
            .get("nerpipe")
            .and_then(|n| n.get("frozen_embeddings"))
        else {
            return Ok(None);
        };
        let sha256 = section
            .get("sha256")
            .and_then(|v| v.as_str())
            .ok_or_else(|| {
                model_error(
                    &dir.join("config.json"),
                    "nerpipe.frozen_embeddings has no sha256",
                )
            })?;
        Ok(Some(FrozenEmbeddings {
            path: dir.join(FROZEN_EMBEDDINGS_FILE),
            sha256: sha256.to_string(),
        }))
    }

    fn check(&self) -> Result<(), ModelError> {
        if !self.path.is_file() {
            return Err(model_error(
                &self.path,
                "missing: this model keeps its word embeddings frozen and they are built from the base encoder (run `make models`)",
            ));
        }
        let got = sha256_file(&self.path)?;
        if got != self.sha256 {
            return Err(model_error(
                &self.path,
                format!("sha256 {got} differs from the {} config.json names (rebuild it: `make models`)", self.sha256),
            ));
        }
        Ok(())
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
