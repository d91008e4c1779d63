//! A trained correction to some rows of frozen word embeddings (`nerpipe
//! train --embedding-delta`): the base's 250k-row table stays as it is (and
//! out of the model folder), while the rows of the pieces the training data
//! uses learn. model.safetensors holds the rows' piece ids and what is added
//! to each; loading adds them to the table, for either engine.

use super::{model_error, ModelError};
use std::collections::HashMap;
use std::path::Path;
use tch::{Kind, Tensor};

/// What is added to each corrected row, `[rows, hidden]`.
pub const WORD_DELTA: &str = "nerpipe.word_embedding_delta";
/// The piece id of each corrected row, `[rows]`, int64, ascending.
pub const WORD_DELTA_IDS: &str = "nerpipe.word_embedding_delta_ids";

/// The correction as stored: piece ids and fp32 rows.
pub struct WordDelta {
    ids: Tensor,
    rows: Tensor,
}

impl WordDelta {
    /// Takes the correction out of a weights file's `tensors` (None when it
    /// has none), checked against a table of `vocab × hidden`.
    pub fn take(
        tensors: &mut HashMap<String, Tensor>,
        (vocab, hidden): (i64, i64),
        path: &Path,
    ) -> Result<Option<WordDelta>, ModelError> {
        let (ids, rows) = match (tensors.remove(WORD_DELTA_IDS), tensors.remove(WORD_DELTA)) {
            (None, None) => return Ok(None),
            (Some(ids), Some(rows)) => (ids, rows),
            (Some(_), None) => {
                return Err(model_error(
                    path,
                    format!("{WORD_DELTA_IDS} without {WORD_DELTA}"),
                ))
            }
            (None, Some(_)) => {
                return Err(model_error(
                    path,
                    format!("{WORD_DELTA} without {WORD_DELTA_IDS}"),
                ))
            }
        };
        let n = ids.size().first().copied().unwrap_or(0);
        if ids.kind() != Kind::Int64 || ids.dim() != 1 {
            return Err(model_error(
                path,
                format!("tensor {WORD_DELTA_IDS} must be a vector of int64 piece ids"),
            ));
        }
        if rows.size() != [n, hidden] {
            return Err(model_error(
                path,
                format!(
                    "tensor {WORD_DELTA} has shape {:?}, {WORD_DELTA_IDS} and the config imply {:?}",
                    rows.size(),
                    [n, hidden]
                ),
            ));
        }
        let ids_vec = Vec::<i64>::try_from(&ids).unwrap_or_default();
        if let Some(bad) = ids_vec.iter().find(|&&id| id < 0 || id >= vocab) {
            return Err(model_error(
                path,
                format!(
                    "tensor {WORD_DELTA_IDS} names piece {bad}, outside the vocabulary of {vocab}"
                ),
            ));
        }
        if ids_vec.windows(2).any(|w| w[0] >= w[1]) {
            return Err(model_error(
                path,
                format!("tensor {WORD_DELTA_IDS} must be ascending without repeats"),
            ));
        }
        Ok(Some(WordDelta {
            ids,
            rows: rows.to_kind(Kind::Float),
        }))
    }

    /// `table` with the correction added to its rows (in fp32, then stored
    /// in the table's kind).
    pub fn folded(&self, table: &Tensor) -> Tensor {
        tch::no_grad(|| {
            let rows = table.index_select(0, &self.ids).to_kind(Kind::Float) + &self.rows;
            table.index_copy(0, &self.ids, &rows.to_kind(table.kind()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(ids: &[i64], rows: Tensor) -> HashMap<String, Tensor> {
        HashMap::from([
            (WORD_DELTA_IDS.to_string(), Tensor::from_slice(ids)),
            (WORD_DELTA.to_string(), rows),
        ])
    }

    #[test]
    fn folding_adds_the_rows_of_the_named_pieces() {
        let mut tensors = file(
            &[1, 3],
            Tensor::from_slice(&[0.5f32, -1.0, 2.0, 0.25]).view([2, 2]),
        );
        let delta = WordDelta::take(&mut tensors, (4, 2), Path::new("m.safetensors"))
            .unwrap()
            .unwrap();
        assert!(tensors.is_empty(), "both tensors are taken out");
        let table = Tensor::from_slice(&[1.0f32, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0])
            .view([4, 2])
            .to_kind(Kind::Half);
        let folded = delta.folded(&table);
        assert_eq!(folded.kind(), Kind::Half);
        let values = Vec::<f32>::try_from(folded.to_kind(Kind::Float).view([-1])).unwrap();
        assert_eq!(values, [1.0, 1.0, 2.5, 1.0, 3.0, 3.0, 6.0, 4.25]);
    }

    #[test]
    fn a_bad_delta_is_named() {
        let err = |ids: &[i64], rows: Tensor| {
            let mut tensors = file(ids, rows);
            match WordDelta::take(&mut tensors, (4, 2), Path::new("m.safetensors")) {
                Err(e) => e.to_string(),
                Ok(_) => panic!("{ids:?} was accepted"),
            }
        };
        assert!(err(&[1, 9], Tensor::zeros([2, 2], tch::kind::FLOAT_CPU))
            .contains("names piece 9, outside the vocabulary of 4"));
        assert!(err(&[2, 1], Tensor::zeros([2, 2], tch::kind::FLOAT_CPU))
            .contains("must be ascending without repeats"));
        assert!(
            err(&[1], Tensor::zeros([2, 2], tch::kind::FLOAT_CPU)).contains(
                "has shape [2, 2], nerpipe.word_embedding_delta_ids and the config imply [1, 2]"
            )
        );
        let mut alone = HashMap::from([(
            WORD_DELTA.to_string(),
            Tensor::zeros([1, 2], tch::kind::FLOAT_CPU),
        )]);
        let e = WordDelta::take(&mut alone, (4, 2), Path::new("m.safetensors"))
            .err()
            .unwrap();
        assert!(
            e.to_string()
                .contains("without nerpipe.word_embedding_delta_ids"),
            "{e}"
        );
    }
}
