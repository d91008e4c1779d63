//! Reading CoNLL-style NER files: one token per line, the word in the first
//! column and the tag in the last (2 or 4 columns), blank lines between
//! sentences, `-DOCSTART-` lines between documents. IOB1 and IOB2 tags are both
//! read; [`Sentence::tags`] is always IOB2.

use anyhow::{bail, Context};
use std::path::Path;

#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    pub words: Vec<String>,
    /// IOB2 tags, one per word.
    pub tags: Vec<String>,
    /// Index of the `-DOCSTART-` document it belongs to.
    pub document: usize,
}

/// Reads a CoNLL file; errors name the file and line.
pub fn read_conll(path: &Path) -> anyhow::Result<Vec<Sentence>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read the CoNLL file", path.display()))?;
    parse_conll(&text).with_context(|| format!("{}: not a CoNLL NER file", path.display()))
}

pub fn parse_conll(text: &str) -> anyhow::Result<Vec<Sentence>> {
    let mut sentences = Vec::new();
    let mut document = 0;
    let mut words = Vec::new();
    let mut tags: Vec<String> = Vec::new();
    let mut flush = |words: &mut Vec<String>, tags: &mut Vec<String>, document: usize| {
        if !words.is_empty() {
            sentences.push(Sentence {
                words: std::mem::take(words),
                tags: to_iob2(tags),
                document,
            });
            tags.clear();
        }
    };
    for (n, line) in text.lines().enumerate() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.is_empty() {
            flush(&mut words, &mut tags, document);
            continue;
        }
        if cols[0] == "-DOCSTART-" {
            flush(&mut words, &mut tags, document);
            document += 1;
            continue;
        }
        if cols.len() < 2 {
            bail!("line {}: expected `word ... tag`, found {line:?}", n + 1);
        }
        let tag = cols[cols.len() - 1];
        if crate::model::Tag::parse(tag).is_none() {
            bail!("line {}: {tag:?} is not O, B-TYPE or I-TYPE", n + 1);
        }
        words.push(cols[0].to_string());
        tags.push(tag.to_string());
    }
    flush(&mut words, &mut tags, document);
    Ok(sentences)
}

/// IOB1 → IOB2: an I-X that does not continue an X span becomes B-X. IOB2 input
/// passes through unchanged.
pub fn to_iob2(tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    for tag in tags {
        let converted = match tag.strip_prefix("I-") {
            Some(kind) => {
                let continues = out
                    .last()
                    .and_then(|p| p.get(2..))
                    .is_some_and(|prev_kind| prev_kind == kind);
                if continues {
                    tag.clone()
                } else {
                    format!("B-{kind}")
                }
            }
            None => tag.clone(),
        };
        out.push(converted);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_iob1_with_docstart_and_two_columns() {
        let text = "-DOCSTART- -X- O O\n\nEU NNP I-NP I-ORG\nrejects VBZ I-VP O\nGerman JJ I-NP I-MISC\n\nPeter I-PER\nBlackburn I-PER\nMeets O\nB B-PER\n";
        let s = parse_conll(text).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].tags, vec!["B-ORG", "O", "B-MISC"]);
        assert_eq!(s[0].document, 1);
        assert_eq!(s[1].words, vec!["Peter", "Blackburn", "Meets", "B"]);
        assert_eq!(s[1].tags, vec!["B-PER", "I-PER", "O", "B-PER"]);
    }

    #[test]
    fn iob1_adjacent_same_type() {
        let tags: Vec<String> = ["I-LOC", "B-LOC", "I-LOC", "I-PER"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(to_iob2(&tags), vec!["B-LOC", "B-LOC", "I-LOC", "B-PER"]);
    }

    #[test]
    fn bad_line_is_reported() {
        let err = parse_conll("word\n").unwrap_err().to_string();
        assert!(err.contains("line 1"), "{err}");
        let err = parse_conll("word X-FOO\n").unwrap_err().to_string();
        assert!(err.contains("\"X-FOO\""), "{err}");
    }
}
