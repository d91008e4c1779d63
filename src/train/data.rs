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
    /// For each sentence, the index of the original it is (or copies): two
    /// sentences follow each other in their document where these do.
    pub origins: Vec<usize>,
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
        let mut origins: Vec<usize> = (0..originals).collect();
        if options.cyrillic.contains(path) {
            let copies: Vec<Sentence> = sentences[..originals]
                .iter()
                .map(|s| with_words(s, latin_to_cyrillic))
                .collect();
            sentences.extend(copies);
            origins.extend(0..originals);
        }
        if options.ascii_share > 0.0 {
            let (copied, copies): (Vec<usize>, Vec<Sentence>) = sentences[..originals]
                .iter()
                .enumerate()
                .filter(|(_, s)| s.words.iter().any(|w| has_diacritics(w)))
                .filter(|_| rng.chance(options.ascii_share))
                .map(|(i, s)| (i, with_words(s, without_diacritics)))
                .unzip();
            sentences.extend(copies);
            origins.extend(copied);
        }
        files.push(TrainFile {
            path: path.clone(),
            added: sentences.len() - originals,
            sentences,
            types,
            origins,
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

/// Sub-token examples of every file; returns them and how many sentences were
/// cut to `max_len`. With `pack`, sentences that follow each other in a
/// document share an example while they fit in `max_len`, as `nerpipe run`
/// reads a document in windows cut at sentence starts (`--window-cuts
/// sentences`): the model learns from the neighbouring sentences it will see.
pub fn examples(
    segmenter: &Segmenter,
    files: &[TrainFile],
    tags: &[String],
    max_len: usize,
    pack: bool,
) -> anyhow::Result<(Vec<Example>, usize)> {
    let mut out: Vec<Example> = Vec::new();
    let mut truncated = 0;
    // Sub-tokens of an example between its start and end tokens.
    let room = max_len.saturating_sub(2);
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
        // The sentence the last example ends with, while more may join it.
        let mut open_end: Option<usize> = None;
        for (i, s) in file.sentences.iter().enumerate() {
            let seq = segmenter.words(&s.words, crate::segment::Reading::AsWritten)?;
            let mut labels = vec![IGNORE; seq.len()];
            for (word, first) in seq.first_tokens().into_iter().enumerate() {
                if let Some(t) = first {
                    labels[t] = tags.iter().position(|x| *x == s.tags[word]).unwrap_or(0) as i64;
                }
            }
            let keep = seq.len().min(room);
            truncated += usize::from(keep < seq.len());
            if keep == 0 {
                open_end = None;
                continue;
            }
            let follows = open_end.is_some_and(|j| {
                file.sentences[j].document == s.document && file.origins[j] + 1 == file.origins[i]
            });
            open_end = Some(i);
            if let Some(last) = out
                .last_mut()
                .filter(|last| pack && follows && last.ids.len() + keep <= room)
            {
                last.ids.extend_from_slice(&seq.ids[..keep]);
                last.shapes.extend_from_slice(&seq.shapes[..keep]);
                last.labels.extend_from_slice(&labels[..keep]);
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn segmenter() -> Segmenter {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("models/conll03-minilm-l6/tokenizer.json");
        Segmenter::new(crate::model::load_tokenizer(&path).unwrap(), &path).unwrap()
    }

    fn sentence(words: &str, document: usize) -> Sentence {
        let words: Vec<String> = words.split(' ').map(String::from).collect();
        let tags = words
            .iter()
            .map(|w| if w == "Split" { "B-LOC" } else { "O" }.to_string())
            .collect();
        Sentence {
            words,
            tags,
            document,
        }
    }

    #[test]
    fn packing_joins_the_sentences_that_follow_each_other_in_a_document() {
        let sentences = vec![
            sentence("Police came to Split .", 1),
            sentence("They left .", 1),
            sentence("Split again .", 2),
            // A copy of the first sentence: it follows the last one in the
            // list, not in any document.
            sentence("Police came to Split .", 1),
            sentence("They left .", 1),
        ];
        let file = TrainFile {
            path: PathBuf::from("train.iob2"),
            sentences,
            types: vec!["LOC".into()],
            origins: vec![0, 1, 2, 0, 1],
            added: 2,
        };
        let tags: Vec<String> = ["O", "B-LOC", "I-LOC"].map(String::from).to_vec();
        let segmenter = segmenter();
        let single = |i: usize| {
            segmenter
                .words(&file.sentences[i].words, crate::segment::Reading::AsWritten)
                .unwrap()
                .ids
        };
        let files = std::slice::from_ref(&file);
        let (alone, _) = examples(&segmenter, files, &tags, 128, false).unwrap();
        assert_eq!(alone.len(), 5);
        let (packed, truncated) = examples(&segmenter, files, &tags, 128, true).unwrap();
        assert_eq!(truncated, 0);
        let lengths: Vec<usize> = packed.iter().map(|e| e.ids.len()).collect();
        let (a, b, c) = (single(0).len(), single(1).len(), single(2).len());
        assert_eq!(lengths, [a + b, c, a + b]);
        assert_eq!(packed[0].ids, [single(0), single(1)].concat());
        // "Split" keeps its label in the second sentence of a pack.
        let labelled: Vec<i64> = packed[0]
            .labels
            .iter()
            .copied()
            .filter(|&l| l >= 0)
            .collect();
        assert_eq!(labelled, [0, 0, 0, 1, 0, 0, 0, 0]);
        // Sentences that do not fit together stay apart.
        let (short, _) = examples(&segmenter, files, &tags, a + b + 1, true).unwrap();
        assert_eq!(short.len(), 5);
    }
}
