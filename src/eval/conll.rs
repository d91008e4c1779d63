//! Reading CoNLL-style NER files: one token per line, blank lines between
//! sentences, `-DOCSTART-` lines (CoNLL-2003) or `# newdoc` comments (UNER,
//! as in CoNLL-U) between documents. IOB1 and IOB2 tags are both
//! read; [`Sentence::tags`] is always IOB2. Two layouts:
//! - CoNLL-2003: the word in the first column, the tag in the last (2 or 4
//!   columns);
//! - UNER (Universal NER): `# ` comment lines, then `index token tag alt -`
//!   (a line whose first column is a number and that has 5 columns).
//!
//! [`TypeMap`] maps or drops entity types afterwards (UNER's `OTH` → O).

use anyhow::{bail, Context};
use std::path::Path;

#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    pub words: Vec<String>,
    /// IOB2 tags, one per word.
    pub tags: Vec<String>,
    /// Index of the document (`-DOCSTART-` or `# newdoc`) it belongs to.
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
        let new_document = line == "# newdoc" || line.starts_with("# newdoc ");
        if (line.starts_with("# ") || line == "#") && !new_document {
            continue;
        }
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.is_empty() {
            flush(&mut words, &mut tags, document);
            continue;
        }
        if cols[0] == "-DOCSTART-" || new_document {
            flush(&mut words, &mut tags, document);
            document += 1;
            continue;
        }
        if cols.len() < 2 {
            bail!("line {}: expected `word ... tag`, found {line:?}", n + 1);
        }
        let uner = cols.len() == 5 && cols[0].bytes().all(|b| b.is_ascii_digit());
        let (word, tag) = if uner {
            (cols[1], cols[2])
        } else {
            (cols[0], cols[cols.len() - 1])
        };
        if crate::model::Tag::parse(tag).is_none() {
            bail!("line {}: {tag:?} is not O, B-TYPE or I-TYPE", n + 1);
        }
        words.push(word.to_string());
        tags.push(tag.to_string());
    }
    flush(&mut words, &mut tags, document);
    Ok(sentences)
}

/// Entity types renamed or dropped: `OTH=O` drops UNER's OTH, `PER=PERSON`
/// renames. Parsed from `FROM=TO` options.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TypeMap(pub Vec<(String, Option<String>)>);

impl TypeMap {
    /// Parses `FROM=TO` items (`TO` = `O` drops the type).
    pub fn parse(items: &[String]) -> anyhow::Result<TypeMap> {
        items
            .iter()
            .map(|item| match item.split_once('=') {
                Some((from, to)) if !from.is_empty() && !to.is_empty() => {
                    Ok((from.to_string(), (to != "O").then(|| to.to_string())))
                }
                _ => bail!("--map-type {item:?}: expected FROM=TO, e.g. OTH=O"),
            })
            .collect::<anyhow::Result<_>>()
            .map(TypeMap)
    }

    /// Applies the map to every tag of `sentences`.
    pub fn apply(&self, sentences: &mut [Sentence]) {
        if self.0.is_empty() {
            return;
        }
        for s in sentences {
            for tag in &mut s.tags {
                let Some((prefix, kind)) = tag.split_once('-') else {
                    continue;
                };
                if let Some((_, to)) = self.0.iter().find(|(from, _)| from == kind) {
                    *tag = match to {
                        Some(to) => format!("{prefix}-{to}"),
                        None => "O".to_string(),
                    };
                }
            }
            s.tags = to_iob2(&s.tags);
        }
    }
}

/// The entity types a set of sentences uses, sorted.
pub fn types_of(sentences: &[Sentence]) -> Vec<String> {
    let mut kinds: Vec<String> = sentences
        .iter()
        .flat_map(|s| s.tags.iter())
        .filter_map(|t| t.get(2..).filter(|_| t != "O").map(str::to_string))
        .collect();
    kinds.sort();
    kinds.dedup();
    kinds
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
    fn reads_uner_with_comments_and_maps_types() {
        let text = "# sent_id = set.hr-s1\n# text = Ivo u Zagrebu i EU\n1\tIvo\tB-PER\tB-PER\t-\n2\tu\tO\tO\t-\n3\tZagrebu\tB-LOC\tB-LOC\t-\n4\ti\tO\tO\t-\n5\tEU\tB-OTH\tB-OTH\t-\n\n";
        let mut s = parse_conll(text).unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].words, ["Ivo", "u", "Zagrebu", "i", "EU"]);
        assert_eq!(s[0].tags, ["B-PER", "O", "B-LOC", "O", "B-OTH"]);
        TypeMap::parse(&["OTH=O".into(), "LOC=PLACE".into()])
            .unwrap()
            .apply(&mut s);
        assert_eq!(s[0].tags, ["B-PER", "O", "B-PLACE", "O", "O"]);
        assert_eq!(types_of(&s), ["PER", "PLACE"]);
        assert!(TypeMap::parse(&["OTH".into()]).is_err());
    }

    #[test]
    fn uner_newdoc_starts_a_document() {
        let text = "# newdoc id =set.hr.1\n# sent_id = set.hr-s1\n1\tIvo\tB-PER\tB-PER\t-\n\n# sent_id = set.hr-s2\n1\tAna\tB-PER\tB-PER\t-\n\n# newdoc id =set.hr.2\n# sent_id = set.hr-s3\n1\tSplit\tB-LOC\tB-LOC\t-\n\n# newdocs are not a thing\n1\tx\tO\tO\t-\n";
        let s = parse_conll(text).unwrap();
        let documents: Vec<usize> = s.iter().map(|s| s.document).collect();
        assert_eq!(documents, [1, 1, 2, 2]);
        assert_eq!(s[2].words, ["Split"]);
    }

    #[test]
    fn bad_line_is_reported() {
        let err = parse_conll("word\n").unwrap_err().to_string();
        assert!(err.contains("line 1"), "{err}");
        let err = parse_conll("word X-FOO\n").unwrap_err().to_string();
        assert!(err.contains("\"X-FOO\""), "{err}");
    }
}
