//! Training data: CoNLL and UNER files read with their type maps, augmented
//! with the region's other spellings, turned into sub-token examples and
//! length-bucketed batches.
//!
//! Label sets differ between datasets (UNER has no MISC). A sentence from a
//! file that lacks a type the others have is *open* for it: its O tokens may
//! really be that type, so the loss accepts either there (see
//! [`Example::open`]) instead of teaching the model that every MISC-like span
//! in UNER is O.

use crate::doc::script::{has_diacritics, latin_to_cyrillic, without_diacritics};
use crate::eval::conll::{read_conll, types_of, Sentence, TypeMap};
use crate::segment::batch::IGNORE;
use crate::segment::Segmenter;
use std::path::PathBuf;

/// Deterministic shuffling without an extra dependency (SplitMix64).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

/// The sentences of one training file, with the types its annotation knows.
pub struct TrainFile {
    pub path: PathBuf,
    pub sentences: Vec<Sentence>,
    pub types: Vec<String>,
    /// Copies added by augmentation (Cyrillic, without diacritics).
    pub added: usize,
}

/// How the training files are read and augmented.
pub struct DataOptions<'a> {
    pub map: &'a TypeMap,
    /// Files whose sentences get a Cyrillic copy (Serbian Latin).
    pub cyrillic: &'a [PathBuf],
    /// Share of sentences with diacritics that get a copy without them.
    pub ascii_share: f64,
}

/// Reads the training files. Augmented copies keep their original's tags.
pub fn read_train_files(
    paths: &[PathBuf],
    options: &DataOptions,
    rng: &mut Rng,
) -> anyhow::Result<Vec<TrainFile>> {
    let mut files = Vec::new();
    for path in paths {
        let mut sentences = read_conll(path)?;
        options.map.apply(&mut sentences);
        let types = types_of(&sentences);
        let originals = sentences.len();
        if options.cyrillic.contains(path) {
            let copies: Vec<Sentence> = sentences[..originals]
                .iter()
                .map(|s| with_words(s, latin_to_cyrillic))
                .collect();
            sentences.extend(copies);
        }
        if options.ascii_share > 0.0 {
            let copies: Vec<Sentence> = sentences[..originals]
                .iter()
                .filter(|s| s.words.iter().any(|w| has_diacritics(w)))
                .filter(|_| rng.chance(options.ascii_share))
                .map(|s| with_words(s, without_diacritics))
                .collect();
            sentences.extend(copies);
        }
        files.push(TrainFile {
            path: path.clone(),
            added: sentences.len() - originals,
            sentences,
            types,
        });
    }
    Ok(files)
}

fn with_words(s: &Sentence, f: fn(&str) -> String) -> Sentence {
    Sentence {
        words: s.words.iter().map(|w| f(w)).collect(),
        ..s.clone()
    }
}

/// The IOB2 tag set: O, then B-/I- per type of any file, sorted.
pub fn tag_set(files: &[TrainFile]) -> Vec<String> {
    let mut kinds: Vec<String> = files.iter().flat_map(|f| f.types.clone()).collect();
    kinds.sort();
    kinds.dedup();
    let mut tags = vec!["O".to_string()];
    for k in kinds {
        tags.push(format!("B-{k}"));
        tags.push(format!("I-{k}"));
    }
    tags
}

pub struct Example {
    pub ids: Vec<i64>,
    pub shapes: Vec<i64>,
    /// Tag id of each word's first sub-token, [`IGNORE`] elsewhere.
    pub labels: Vec<i64>,
    /// Tag ids an O token of this sentence may also be (the B-/I- tags of
    /// types its file does not annotate); empty for fully annotated data.
    pub open: std::sync::Arc<Vec<i64>>,
}

/// Sub-token examples of every file; returns them and how many were cut to
/// `max_len`.
pub fn examples(
    segmenter: &Segmenter,
    files: &[TrainFile],
    tags: &[String],
    max_len: usize,
) -> anyhow::Result<(Vec<Example>, usize)> {
    let mut out = Vec::new();
    let mut truncated = 0;
    for file in files {
        let open: Vec<i64> = tags
            .iter()
            .enumerate()
            .filter(|(_, t)| {
                t.get(2..)
                    .is_some_and(|k| !file.types.iter().any(|x| x == k))
            })
            .map(|(i, _)| i as i64)
            .collect();
        let open = std::sync::Arc::new(open);
        for s in &file.sentences {
            let seq = segmenter.words(&s.words, crate::segment::Reading::AsWritten)?;
            let mut labels = vec![IGNORE; seq.len()];
            for (word, first) in seq.first_tokens().into_iter().enumerate() {
                if let Some(t) = first {
                    labels[t] = tags.iter().position(|x| *x == s.tags[word]).unwrap_or(0) as i64;
                }
            }
            let keep = seq.len().min(max_len.saturating_sub(2));
            truncated += usize::from(keep < seq.len());
            if keep == 0 {
                continue;
            }
            out.push(Example {
                ids: seq.ids[..keep].to_vec(),
                shapes: seq.shapes[..keep].to_vec(),
                labels: labels[..keep].to_vec(),
                open: open.clone(),
            });
        }
    }
    Ok((out, truncated))
}

/// The piece ids the examples use, with the `framing` ones every row has
/// (start and end), ascending: the rows `--embedding-delta` trains.
pub fn pieces_used(examples: &[Example], framing: [i64; 2]) -> Vec<i64> {
    let used: std::collections::BTreeSet<i64> = examples
        .iter()
        .flat_map(|e| e.ids.iter().copied())
        .chain(framing)
        .collect();
    used.into_iter().collect()
}

/// Length-bucketed batches in a seeded random order: shuffle, sort by length
/// inside pools of 50 batches, cut into batches, shuffle the batches.
pub fn batches(examples: &[Example], batch_size: usize, rng: &mut Rng) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..examples.len()).collect();
    rng.shuffle(&mut order);
    let mut out = Vec::new();
    for pool in order.chunks_mut(batch_size * 50) {
        pool.sort_by_key(|&i| examples[i].ids.len());
        out.extend(pool.chunks(batch_size).map(<[usize]>::to_vec));
    }
    rng.shuffle(&mut out);
    out
}
