//! Padded model input: rows of sub-token ids (and word shapes, and training
//! labels) framed by the model's start and end tokens ([CLS]/[SEP] or
//! `<s>`/`</s>`) and padded to the longest row, with the attention mask.

use super::shapes::SPECIAL;
use tch::Tensor;

/// Label id the loss ignores (padding, specials, sub-tokens after a word's first).
pub const IGNORE: i64 = -100;

/// One row's content, without the start and end tokens.
pub struct Row<'a> {
    pub ids: &'a [i64],
    pub shapes: &'a [i64],
    pub labels: Option<&'a [i64]>,
}

/// `[rows, width]` tensors of a batch; `width` counts the start and end tokens.
pub struct Padded {
    pub ids: Tensor,
    pub shapes: Tensor,
    pub mask: Tensor,
    /// [`IGNORE`] where a row has no labels.
    pub labels: Tensor,
    pub width: usize,
}

/// Frames every row as `start ids end` and pads them to the longest.
pub fn pad(rows: &[Row], start: i64, end: i64) -> Padded {
    let width = rows.iter().map(|r| r.ids.len()).max().unwrap_or(0) + 2;
    let n_rows = rows.len();
    let mut ids = vec![0i64; n_rows * width];
    let mut shapes = vec![SPECIAL; n_rows * width];
    let mut mask = vec![0i64; n_rows * width];
    let mut labels = vec![IGNORE; n_rows * width];
    for (r, row) in rows.iter().enumerate() {
        let (at, n) = (r * width, row.ids.len());
        ids[at] = start;
        ids[at + 1..at + 1 + n].copy_from_slice(row.ids);
        ids[at + 1 + n] = end;
        shapes[at + 1..at + 1 + n].copy_from_slice(row.shapes);
        if let Some(l) = row.labels {
            labels[at + 1..at + 1 + n].copy_from_slice(l);
        }
        mask[at..at + n + 2].fill(1);
    }
    let shape = [n_rows as i64, width as i64];
    Padded {
        ids: Tensor::from_slice(&ids).view(shape),
        shapes: Tensor::from_slice(&shapes).view(shape),
        mask: Tensor::from_slice(&mask).view(shape),
        labels: Tensor::from_slice(&labels).view(shape),
        width,
    }
}
