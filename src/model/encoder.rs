//! The network: a BERT token classifier (rust-bert) with an optional
//! word-shape embedding added to the input embeddings.

use super::{model_error, ModelConfig, ModelError, Precision, WordDelta};
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
    word_delta: Option<TrainedDelta>,
}

/// Trainable rows added to the frozen word embeddings of some pieces
/// (`nerpipe train --embedding-delta`).
struct TrainedDelta {
    /// The pieces' ids, ascending.
    ids: Tensor,
    /// Per piece id of the vocabulary, its row in `rows`, or -1.
    row_of: Tensor,
    /// The variable `nerpipe.word_embedding_delta`, `[pieces, hidden]`.
    rows: Tensor,
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
            word_delta: None,
        })
    }

    /// Adds a trainable correction (zero to start with) to the frozen word
    /// embeddings of the pieces `ids` (ascending, without repeats).
    pub fn add_word_delta(&mut self, ids: &[i64]) {
        let (vocab, hidden) = (
            self.word_embeddings.size()[0],
            self.word_embeddings.size()[1],
        );
        let rows = (self.vs.root() / "nerpipe").zeros(
            super::WORD_DELTA.trim_start_matches("nerpipe."),
            &[ids.len() as i64, hidden],
        );
        let mut row_of = vec![-1i64; vocab as usize];
        for (row, &id) in ids.iter().enumerate() {
            row_of[id as usize] = row as i64;
        }
        self.word_delta = Some(TrainedDelta {
            ids: Tensor::from_slice(ids),
            row_of: Tensor::from_slice(&row_of),
            rows,
        });
    }

    /// The pieces of the trainable correction, as model.safetensors stores them.
    pub fn word_delta_ids(&self) -> Option<&Tensor> {
        self.word_delta.as_ref().map(|d| &d.ids)
    }

    /// Adds a stored correction into the word-embedding table.
    pub fn fold_word_delta(&mut self, delta: &WordDelta) {
        let folded = delta.folded(&self.word_embeddings);
        tch::no_grad(|| self.word_embeddings.copy_(&folded));
    }

    /// Copies tensors into the model's variables. `rename` maps file names to
    /// variable names (e.g. adds the `bert.` prefix of a bare encoder). Returns
    /// the variables that received no tensor.
    pub fn load_tensors(
        &mut self,
        path: &Path,
        rename: impl Fn(&str) -> String,
    ) -> Result<Vec<String>, ModelError> {
        self.load_named(read_safetensors(path)?, path, rename)
    }

    /// [`NerModel::load_tensors`] of tensors already read from `path`.
    pub fn load_named(
        &mut self,
        tensors: impl IntoIterator<Item = (String, Tensor)>,
        path: &Path,
        rename: impl Fn(&str) -> String,
    ) -> Result<Vec<String>, ModelError> {
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
        if let Some(delta) = &mut self.word_delta {
            delta.rows = lookup(&self.vs, super::WORD_DELTA);
        }
    }

    /// Logits `[batch, len, tags]` for padded `ids`, `shapes` and `mask`.
    pub fn logits(&self, ids: &Tensor, shapes: &Tensor, mask: &Tensor, train: bool) -> Tensor {
        if self.shape_embedding.is_none() && self.word_delta.is_none() {
            let output = self
                .bert
                .forward_t(Some(ids), Some(mask), None, None, None, train);
            return output.logits;
        }
        let words = Tensor::embedding(&self.word_embeddings, ids, -1, false, false);
        let words = match &self.word_delta {
            Some(delta) => {
                // Pieces without a row (-1) take row 0, then masked to nothing.
                let row = delta
                    .row_of
                    .index_select(0, &ids.flatten(0, -1))
                    .view_as(ids);
                let has_row = row.ge(0).unsqueeze(-1).to_kind(words.kind());
                let rows = Tensor::embedding(&delta.rows, &row.clamp_min(0), -1, false, false);
                words + rows * has_row
            }
            None => words,
        };
        let embeds = match &self.shape_embedding {
            Some(shape_embedding) => words + shapes.apply(shape_embedding),
            None => words,
        };
        self.bert
            .forward_t(None, Some(mask), None, None, Some(&embeds), train)
            .logits
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
