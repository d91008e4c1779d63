//! The transformer recogniser: batches windows across documents, ordered by
//! length to minimise padding, runs the network ([`Classifier`]: nerpipe's own
//! forward by default, which packs short windows several to a row, or
//! rust-bert's BertForTokenClassification with `--engine rust-bert`),
//! scatters the probabilities back to each sequence's sub-tokens and decodes
//! them into spans ([`decode`]).

pub mod decode;

use super::{Recogniser, Segmented};
use crate::doc::{round_score, Span};
use crate::model::{Decoder, FastEncoder, LoadedModel, NerModel, Network};
use crate::segment::batch::{pack, Padded, Row};
use crate::segment::{TokenSequence, WindowSpec};
use decode::{decode_spans, Aggregation};
use std::ops::Range;
use tch::{Kind, Tensor};

/// One model as a recogniser: its windowed predictor, tag decoder and the
/// settings that turn word tags into spans.
pub struct Transformer<'m> {
    pub model: &'m LoadedModel,
    pub predictor: WindowedPredictor<'m>,
    pub decoder: Decoder,
    pub aggregation: Aggregation,
    /// Spans scoring below this are dropped.
    pub min_score: f32,
}

impl Recogniser for Transformer<'_> {
    fn recognise(&self, documents: &[Segmented<'_>]) -> Vec<Vec<Span>> {
        let sequences: Vec<&TokenSequence> = documents.iter().map(|d| d.tokens).collect();
        self.predictor
            .predict(&sequences)
            .iter()
            .zip(sequences)
            .map(|(probs, seq)| self.spans(seq, probs))
            .collect()
    }
}

impl Transformer<'_> {
    /// The spans of one sequence's probabilities, in bytes of its text,
    /// under the labels the model's `label_map` gives its entity types.
    fn spans(&self, seq: &TokenSequence, probs: &[f32]) -> Vec<Span> {
        let config = &self.model.config;
        let (_, spans) = decode_spans(
            probs,
            &config.parsed_tags,
            &seq.word_of_token,
            seq.words.len(),
            self.aggregation,
            self.decoder,
        );
        spans
            .into_iter()
            .filter(|s| s.score >= self.min_score)
            .filter_map(|s| {
                let label = *config.label_map.get(&s.kind)?;
                let bytes = seq.words[s.words.start].start..seq.words[s.words.end - 1].end;
                Some(Span::new(
                    bytes,
                    label,
                    round_score(s.score),
                    &self.model.name,
                ))
            })
            .collect()
    }
}

/// The network that scores a batch.
#[derive(Clone, Copy)]
pub enum Classifier<'m> {
    /// rust-bert's BertForTokenClassification (training, and `--engine rust-bert`).
    RustBert(&'m NerModel),
    /// nerpipe's own forward, which also runs packed rows.
    Own(&'m FastEncoder),
}

impl<'m> Classifier<'m> {
    /// The loaded network as the predictor calls it.
    pub fn of(model: &'m LoadedModel) -> Classifier<'m> {
        match &model.network {
            Network::RustBert(n) => Classifier::RustBert(n.as_ref()),
            Network::Own(e) => Classifier::Own(e),
        }
    }

    fn packs(&self) -> bool {
        matches!(self, Classifier::Own(_))
    }

    /// Whether a row's scores depend on how many rows its batch has: bf16
    /// matrix kernels (AMX) block by the batch's size, so the last bits of
    /// a row move with it. Such batches are filled to `batch_size` rows,
    /// which keeps sharded, chunked and whole runs identical.
    fn needs_full_batches(&self) -> bool {
        match self {
            Classifier::RustBert(_) => false,
            Classifier::Own(encoder) => encoder.multiplies_in_bf16(),
        }
    }

    fn logits(&self, input: &Padded) -> Tensor {
        match self {
            Classifier::RustBert(network) => tch::no_grad(|| {
                network
                    .logits(&input.ids, &input.shapes, &input.mask, false)
                    .to_kind(Kind::Float)
            }),
            Classifier::Own(encoder) => encoder.logits(input),
        }
    }
}

/// Runs a token classifier over token sequences of any length.
pub struct WindowedPredictor<'m> {
    pub network: Classifier<'m>,
    pub num_tags: usize,
    /// `[CLS]`/`<s>` and `[SEP]`/`</s>`, framing every window.
    pub start_id: i64,
    pub end_id: i64,
    pub windows: WindowSpec,
    /// Rows per model call.
    pub batch_size: usize,
    /// Token positions run through the model so far (framing, overlap and
    /// padding included), for run.json.
    pub model_tokens: std::cell::Cell<usize>,
    /// Let windows of different documents share a row (nerpipe's own forward
    /// only). Faster on short documents, but a window's scores then depend
    /// on its row neighbours in the last bits, so a sharded run may differ
    /// from an unsharded one in the fourth decimal. Without it every window
    /// is computed alone in a row of a width fixed by its own length, and
    /// the result depends on the document alone.
    pub pack_documents: bool,
    /// Threads that run whole batches at once (nerpipe's own forward).
    pub forward_threads: usize,
}

/// Rows are padded to a multiple of this, and batched with rows of the same
/// width, so that a row's width depends on its own content only.
const WIDTH_STEP: usize = 16;

/// One window of one sequence.
struct Job {
    seq: usize,
    /// Its index among the sequence's windows (for ownership).
    window: usize,
    range: Range<usize>,
}

impl WindowedPredictor<'_> {
    /// Softmax probabilities per sub-token (`len × num_tags`, row-major) for
    /// each sequence. Each token's row comes from the window where it sits
    /// furthest from an edge. Windows are batched longest first; with nerpipe's
    /// own forward, short windows share rows (up to a full window's length).
    pub fn predict(&self, sequences: &[&TokenSequence]) -> Vec<Vec<f32>> {
        let (mut jobs, owners) = self.jobs(sequences);
        // Longest first; ties keep input order, so batches are deterministic.
        jobs.sort_by_key(|job| std::cmp::Reverse(job.range.len()));
        let capacity = if self.network.packs() && self.pack_documents {
            self.windows.content + 2
        } else {
            0
        };
        let mut rows = pack_rows(&jobs, capacity);
        let mut out: Vec<Vec<f32>> = sequences
            .iter()
            .map(|s| vec![0.0; s.len() * self.num_tags])
            .collect();
        // Rows of one width bucket batch together (stable: order kept within).
        rows.sort_by_key(|r| std::cmp::Reverse(row_width(&jobs, r)));
        let batches = self.batches(&jobs, &rows);
        let scored = self.run_batches(sequences, &jobs, &batches);
        for (batch, scored) in batches.into_iter().zip(scored) {
            self.place((&jobs, &owners), batch, scored, &mut out);
        }
        out
    }

    /// The windows of every sequence as jobs (in sequence order), and per
    /// sequence which window owns each token: the window where it sits
    /// furthest from an edge, whose scores it keeps.
    fn jobs(&self, sequences: &[&TokenSequence]) -> (Vec<Job>, Vec<Vec<usize>>) {
        let mut jobs = Vec::new();
        let mut owners = Vec::with_capacity(sequences.len());
        for (s, seq) in sequences.iter().enumerate() {
            let windows = self.windows.windows(seq.len(), &seq.breaks);
            owners.push(self.windows.owners(&windows, seq.len()));
            for (window, range) in windows.into_iter().enumerate() {
                jobs.push(Job {
                    seq: s,
                    window,
                    range,
                });
            }
        }
        (jobs, owners)
    }

    /// Cuts `rows` (sorted by width bucket) into batches of at most
    /// `batch_size` rows of one bucket each, so that no row is padded past
    /// its own bucket's width.
    fn batches<'r>(&self, jobs: &[Job], rows: &'r [Vec<usize>]) -> Vec<&'r [Vec<usize>]> {
        let mut batches: Vec<&[Vec<usize>]> = Vec::new();
        let mut from = 0;
        for to in 1..=rows.len() {
            let boundary =
                to == rows.len() || row_width(jobs, &rows[to]) != row_width(jobs, &rows[from]);
            if boundary || to - from == self.batch_size.max(1) {
                batches.push(&rows[from..to]);
                from = to;
            }
        }
        batches
    }

    /// Runs every batch through the network: on this thread, or spread
    /// over `forward_threads` threads, each with a replica of the network
    /// (the same weights) running one batch at a time on one core. Small
    /// batches leave libtorch's own threads idle at every layer's joins, so
    /// whole batches in parallel keep the cores busier. Answers in batch
    /// order; a batch's result does not depend on the thread that ran it.
    fn run_batches(
        &self,
        sequences: &[&TokenSequence],
        jobs: &[Job],
        batches: &[&[Vec<usize>]],
    ) -> Vec<Scored> {
        let threads = self.forward_threads.min(batches.len());
        let framing = Framing {
            start_id: self.start_id,
            end_id: self.end_id,
            batch_size: self.batch_size,
        };
        let encoder = match self.network {
            Classifier::Own(encoder) if threads > 1 => encoder,
            network => {
                return batches
                    .iter()
                    .map(|b| score(&network, framing, sequences, jobs, b))
                    .collect()
            }
        };
        let next = std::sync::atomic::AtomicUsize::new(0);
        let mut scored: Vec<Option<Scored>> = (0..batches.len()).map(|_| None).collect();
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    let replica = encoder.replica();
                    let next = &next;
                    scope.spawn(move || {
                        let network = Classifier::Own(&replica);
                        let mut done = Vec::new();
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(batch) = batches.get(i) else {
                                return done;
                            };
                            done.push((i, score(&network, framing, sequences, jobs, batch)));
                        }
                    })
                })
                .collect();
            for worker in workers {
                for (i, s) in crate::model::joined(worker) {
                    scored[i] = Some(s);
                }
            }
        });
        scored
            .into_iter()
            .map(|s| s.expect("every batch was scored"))
            .collect()
    }

    /// Copies each token's probabilities from a scored batch into `out`
    /// where the token's window owns it.
    fn place(
        &self,
        (jobs, owners): (&[Job], &[Vec<usize>]),
        batch: &[Vec<usize>],
        scored: Scored,
        out: &mut [Vec<f32>],
    ) {
        self.model_tokens
            .set(self.model_tokens.get() + scored.model_tokens);
        let flat = &scored.probs;
        let placed = batch.iter().flatten().zip(&scored.pieces);
        for (&j, &(r, offset)) in placed {
            let job = &jobs[j];
            let dest = &mut out[job.seq];
            for (k, t) in job.range.clone().enumerate() {
                if owners[job.seq][t] != job.window {
                    continue;
                }
                let src = (r * scored.width + offset + 1 + k) * self.num_tags;
                dest[t * self.num_tags..(t + 1) * self.num_tags]
                    .copy_from_slice(&flat[src..src + self.num_tags]);
            }
        }
    }
}

/// How a batch's rows are framed and filled.
#[derive(Clone, Copy)]
struct Framing {
    start_id: i64,
    end_id: i64,
    batch_size: usize,
}

/// One batch of rows through `network`: its probabilities.
fn score(
    network: &Classifier,
    framing: Framing,
    sequences: &[&TokenSequence],
    jobs: &[Job],
    batch: &[Vec<usize>],
) -> Scored {
    let pieces: Vec<Vec<Row>> = batch
        .iter()
        .map(|row| {
            row.iter()
                .map(|&j| {
                    let (seq, range) = (sequences[jobs[j].seq], jobs[j].range.clone());
                    Row {
                        ids: &seq.ids[range.clone()],
                        shapes: &seq.shapes[range],
                        labels: None,
                    }
                })
                .collect()
        })
        .collect();
    let mut refs: Vec<Vec<&Row>> = pieces.iter().map(|r| r.iter().collect()).collect();
    let empty = Row {
        ids: &[],
        shapes: &[],
        labels: None,
    };
    if network.needs_full_batches() {
        refs.resize_with(framing.batch_size.max(refs.len()), || vec![&empty]);
    }
    let input = pack(
        &refs,
        framing.start_id,
        framing.end_id,
        row_width(jobs, &batch[0]),
    );
    let probs = network.logits(&input).softmax(-1, Kind::Float);
    Scored {
        probs: Vec::<f32>::try_from(probs.flatten(0, -1))
            .expect("a float tensor converts to Vec<f32>"),
        model_tokens: refs.len() * input.width,
        width: input.width,
        pieces: input.pieces,
    }
}

/// A batch's probabilities, `rows × width × tags`, and where its pieces sit.
struct Scored {
    probs: Vec<f32>,
    /// Token positions computed (framing, padding included).
    model_tokens: usize,
    width: usize,
    /// (row, offset of the piece's start token) of every piece, in input order.
    pieces: Vec<(usize, usize)>,
}

/// A row's padded width: its windows with their start and end tokens,
/// rounded up to [`WIDTH_STEP`] (so it depends on the row's content only).
fn row_width(jobs: &[Job], row: &[usize]) -> usize {
    let len: usize = row.iter().map(|&j| jobs[j].range.len() + 2).sum();
    len.div_ceil(WIDTH_STEP) * WIDTH_STEP
}

/// Rows of job indices: each job alone (`capacity` 0), or first-fit packing
/// of the jobs (longest first) into rows of `capacity` tokens, framing
/// included. Only the last few open rows are searched, which keeps packing
/// linear and loses little: the jobs come longest first.
fn pack_rows(jobs: &[Job], capacity: usize) -> Vec<Vec<usize>> {
    if capacity == 0 {
        return (0..jobs.len()).map(|j| vec![j]).collect();
    }
    const SEARCHED: usize = 64;
    let mut rows: Vec<(Vec<usize>, usize)> = Vec::new();
    for (j, job) in jobs.iter().enumerate() {
        let need = job.range.len() + 2;
        let from = rows.len().saturating_sub(SEARCHED);
        match rows[from..]
            .iter_mut()
            .find(|(_, used)| used + need <= capacity)
        {
            Some((row, used)) => {
                row.push(j);
                *used += need;
            }
            None => rows.push((vec![j], need)),
        }
    }
    rows.into_iter().map(|(row, _)| row).collect()
}
