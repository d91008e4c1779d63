//! Padded model input: rows of sub-token ids (and word shapes, and training
//! labels) framed by the model's start and end tokens ([CLS]/[SEP] or
//! `<s>`/`</s>`) and padded to the longest row, with the attention mask.

use super::shapes::SPECIAL;
use tch::Tensor;

/// Tokens of a packed row: its pieces with their start and end tokens.
pub fn row_len(row: &[&Row]) -> usize {
    row.iter().map(|p| p.ids.len() + 2).sum()
}

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
    /// Position ids, restarting at 0 for every piece of a packed row.
    pub positions: Tensor,
    /// Piece number of each token within its row, -1 for padding: tokens
    /// attend only to tokens of their own piece.
    pub segments: Tensor,
    pub width: usize,
    /// (row, offset of the piece's start token) of every piece, in input order.
    pub pieces: Vec<(usize, usize)>,
}

/// Frames every row as `start ids end` and pads them to the longest.
pub fn pad(rows: &[Row], start: i64, end: i64) -> Padded {
    let packed: Vec<Vec<&Row>> = rows.iter().map(|r| vec![r]).collect();
    pack(&packed, start, end, 0)
}

/// Frames every piece as `start ids end`, lays the pieces of a row one after
/// another and pads the rows to the longest, or to `min_width` if wider.
pub fn pack(rows: &[Vec<&Row>], start: i64, end: i64, min_width: usize) -> Padded {
    let width = rows
        .iter()
        .map(|r| row_len(r))
        .max()
        .unwrap_or(0)
        .max(2)
        .max(min_width);
    let n_rows = rows.len();
    let cells = n_rows * width;
    let mut ids = vec![0i64; cells];
    let mut shapes = vec![SPECIAL; cells];
    let mut mask = vec![0i64; cells];
    let mut labels = vec![IGNORE; cells];
    let mut positions = vec![0i64; cells];
    let mut segments = vec![-1i64; cells];
    let mut pieces = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        let mut at = r * width;
        for (k, piece) in row.iter().enumerate() {
            let n = piece.ids.len();
            pieces.push((r, at - r * width));
            ids[at] = start;
            ids[at + 1..at + 1 + n].copy_from_slice(piece.ids);
            ids[at + 1 + n] = end;
            shapes[at + 1..at + 1 + n].copy_from_slice(piece.shapes);
            if let Some(l) = piece.labels {
                labels[at + 1..at + 1 + n].copy_from_slice(l);
            }
            mask[at..at + n + 2].fill(1);
            for (p, pos) in positions[at..at + n + 2].iter_mut().enumerate() {
                *pos = p as i64;
            }
            segments[at..at + n + 2].fill(k as i64);
            at += n + 2;
        }
    }
    let shape = [n_rows as i64, width as i64];
    let tensor = |v: &[i64]| Tensor::from_slice(v).view(shape);
    Padded {
        ids: tensor(&ids),
        shapes: tensor(&shapes),
        mask: tensor(&mask),
        labels: tensor(&labels),
        positions: tensor(&positions),
        segments: tensor(&segments),
        width,
        pieces,
    }
}
