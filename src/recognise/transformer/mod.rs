//! The transformer recogniser: batches windows across documents, ordered by
//! length to minimise padding, runs BertForTokenClassification and scatters the
//! probabilities back to each sequence's sub-tokens.

pub mod decode;

use crate::model::NerModel;
use crate::segment::batch::{pad, Row};
use crate::segment::{TokenSequence, WindowSpec};
use tch::Kind;

/// Runs a token classifier over token sequences of any length.
pub struct WindowedPredictor<'m> {
    pub network: &'m NerModel,
    pub num_tags: usize,
    /// `[CLS]`/`<s>` and `[SEP]`/`</s>`, framing every window.
    pub start_id: i64,
    pub end_id: i64,
    pub windows: WindowSpec,
    pub batch_size: usize,
}

impl WindowedPredictor<'_> {
    /// Softmax probabilities per sub-token (`len × num_tags`, row-major) for
    /// each sequence. Each token's row comes from the window where it sits
    /// furthest from an edge.
    pub fn predict(&self, sequences: &[&TokenSequence]) -> Vec<Vec<f32>> {
        struct Job {
            seq: usize,
            range: std::ops::Range<usize>,
        }
        let mut jobs = Vec::new();
        let mut owners = Vec::with_capacity(sequences.len());
        for (s, seq) in sequences.iter().enumerate() {
            let windows = self.windows.windows(seq.len());
            owners.push(self.windows.owners(&windows, seq.len()));
            for (w, range) in windows.into_iter().enumerate() {
                jobs.push((w, Job { seq: s, range }));
            }
        }
        // Longest first; ties keep input order, so batches are deterministic.
        jobs.sort_by_key(|job| std::cmp::Reverse(job.1.range.len()));
        let mut out: Vec<Vec<f32>> = sequences
            .iter()
            .map(|s| vec![0.0; s.len() * self.num_tags])
            .collect();
        for batch in jobs.chunks(self.batch_size.max(1)) {
            let rows: Vec<Row> = batch
                .iter()
                .map(|(_, job)| {
                    let seq = sequences[job.seq];
                    Row {
                        ids: &seq.ids[job.range.clone()],
                        shapes: &seq.shapes[job.range.clone()],
                        labels: None,
                    }
                })
                .collect();
            let input = pad(&rows, self.start_id, self.end_id);
            let width = input.width;
            let probs = tch::no_grad(|| {
                let logits = self
                    .network
                    .logits(&input.ids, &input.shapes, &input.mask, false);
                logits.to_kind(Kind::Float).softmax(-1, Kind::Float)
            });
            let flat: Vec<f32> = Vec::<f32>::try_from(probs.flatten(0, -1))
                .expect("a float tensor converts to Vec<f32>");
            for (r, (w, job)) in batch.iter().enumerate() {
                let dest = &mut out[job.seq];
                for (k, t) in job.range.clone().enumerate() {
                    if owners[job.seq][t] != *w {
                        continue;
                    }
                    let src = (r * width + 1 + k) * self.num_tags;
                    dest[t * self.num_tags..(t + 1) * self.num_tags]
                        .copy_from_slice(&flat[src..src + self.num_tags]);
                }
            }
        }
        out
    }
}
