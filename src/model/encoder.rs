//! The network: a BERT token classifier (rust-bert) with an optional
//! word-shape embedding added to the input embeddings.

use super::{model_error, ModelConfig, ModelError, Precision};
use crate::segment::shapes::WORD_SHAPES;
use rust_bert::bert::BertForTokenClassification;
use std::path::Path;
use tch::{nn, Device, Kind, Tensor};

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
        let word_embeddings = lookup(&vs, super::WORD_EMBEDDINGS);
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

    /// rust-bert's forward in `precision` (int8 is the own forward's only:
    /// fp32 here, refused earlier by the model loader).
    pub fn set_precision(&mut self, precision: Precision) {
        match precision {
            Precision::Fp32 | Precision::Int8 => self.vs.float(),
            Precision::Bf16 => self.vs.bfloat16(),
        }
        // set_kind swaps the variables' data: take the embedding table again.
        self.word_embeddings = lookup(&self.vs, super::WORD_EMBEDDINGS);
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
}

fn lookup(vs: &nn::VarStore, name: &str) -> Tensor {
    vs.variables()
        .remove(name)
        .unwrap_or_else(|| panic!("rust-bert no longer names a variable {name}"))
}

/// Reads a safetensors file as fp32 tensors, restoring fp16/bf16 weights.
pub fn read_safetensors(path: &Path) -> Result<Vec<(String, Tensor)>, ModelError> {
    Ok(read_stored(path)?
        .into_iter()
        .map(|(name, t)| match t.kind() {
            Kind::Half | Kind::BFloat16 => (name, t.to_kind(Kind::Float)),
            _ => (name, t),
        })
        .collect())
}

/// Reads a safetensors file's tensors in the kinds it stores them.
pub(super) fn read_stored(path: &Path) -> Result<Vec<(String, Tensor)>, ModelError> {
    if !path.is_file() {
        return Err(model_error(path, "missing weights file"));
    }
    Tensor::read_safetensors(path)
        .map_err(|e| model_error(path, format!("corrupt safetensors file: {e}")))
}
