//! Consistency: one document, one reading. A stage between recognition and
//! resolution that makes a document's mentions agree with each other, as
//! non-local NER systems have done since the CoNLL era. The model reads a
//! document in windows and tags each occurrence of a name on its own; a
//! reader sees the whole document, so the headline "NOVI" is the body's
//! "Novi Sad" and "Dunav Pekara" has one label.
//!
//! The rules, in the order [`apply_document`] runs them (one file each):
//! 1. [`boundaries`]: spans never cross a paragraph break (a blank line) and
//!    never start or end inside a word; a span within an e-mail or web
//!    address is dropped.
//! 2. [`fragments`]: a mention that is a strict prefix (or the all-caps form
//!    of one) of another mention of the document, where the text goes on with
//!    the rest of that longer form, becomes the longer form ("NOVI" + " SAD");
//!    a fragment ending in a function word ("Port of") takes in the tagged
//!    capitalised name that follows it, or is dropped.
//! 3. [`labels`]: repeated surface forms (case- and diacritic-insensitive,
//!    possessive stripped) get one label, the one with the highest summed
//!    score; the votes are kept on the spans ([`Span::votes`]).
//! 4. [`acronyms`]: an acronym the document defines ("Savet Evrope (SE)",
//!    "Vijeće Europe (CoE)") takes its long form's label wherever it is a
//!    mention, and is added where the model missed it.
//! 5. [`surnames`]: a one-word mention that is the surname, in any case,
//!    of a person the document names in full becomes PERSON ("Haraqija",
//!    "Šarića" after "Darko Šarić").
//! 6. [`repeats`]: an untagged occurrence of a name tagged elsewhere in the
//!    document (typically an all-caps dateline or headline) is added with
//!    source [`CONSISTENCY_SOURCE`] and that name's label.
//!
//! Across the corpus ([`Consistency::Corpus`]) the merge makes a PERSON /
//! ORGANISATION / PLACE conflict on one match key one entity (see
//! `run/merge.rs`). Amount mentions are left as they are by every rule.
//! Word lists (function words per language, words never added as repeats)
//! are data, in [`words`].

mod acronyms;
mod boundaries;
mod fragments;
mod labels;
mod repeats;
mod surnames;
#[cfg(test)]
mod tests;
mod words;

use crate::doc::Span;
use std::collections::HashMap;
use std::ops::Range;

/// `source` of the mentions rules 4 and 6 add.
pub const CONSISTENCY_SOURCE: &str = "consistency";

/// Which consistency rules a run applies (`--consistency`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Consistency {
    /// The model's mentions as they are.
    Off,
    /// The rules within each document.
    Document,
    /// The document rules, and one entity per match key across the corpus
    /// where PERSON, ORGANISATION and PLACE disagree.
    #[default]
    Corpus,
}

impl Consistency {
    pub fn as_str(self) -> &'static str {
        match self {
            Consistency::Off => "off",
            Consistency::Document => "document",
            Consistency::Corpus => "corpus",
        }
    }

    /// Parses [`Consistency::as_str`]'s names (as recorded in manifests).
    pub fn parse(name: &str) -> Option<Consistency> {
        [Consistency::Off, Consistency::Document, Consistency::Corpus]
            .into_iter()
            .find(|c| c.as_str() == name)
    }

    /// Whether the within-document rules run.
    pub fn document_rules(self) -> bool {
        self != Consistency::Off
    }

    /// Whether the corpus rule runs in the merge.
    pub fn corpus_rules(self) -> bool {
        self == Consistency::Corpus
    }
}

/// Applies the within-document rules to the spans of one document (byte
/// offsets into `text`). The result is sorted by start. Spans that do not lie
/// on char boundaries of `text`, or are empty, are left out.
pub fn apply_document(text: &str, mut spans: Vec<Span>) -> Vec<Span> {
    spans.retain(|s| {
        s.bytes.start < s.bytes.end
            && text.is_char_boundary(s.bytes.start)
            && text.is_char_boundary(s.bytes.end)
    });
    spans.sort_by_key(|s| (s.bytes.start, s.bytes.end));
    let spans = boundaries::apply(text, spans);
    let spans = fragments::apply(text, spans);
    let spans = labels::apply(text, spans);
    let words = word_index(text);
    let spans = acronyms::apply(text, &words, spans);
    let spans = surnames::apply(text, spans);
    let mut spans = repeats::apply(text, &words, spans);
    spans.sort_by_key(|s| (s.bytes.start, s.bytes.end));
    spans
}

/// Gives `span` the `label` a rule decided on, which `score` speaks for;
/// its votes keep the label it had, so a reviewer sees what was changed.
fn relabel(span: &mut Span, label: crate::doc::Label, score: f32) {
    let mut votes = span
        .votes
        .take()
        .unwrap_or_else(|| std::collections::BTreeMap::from([(span.label, span.score)]));
    let vote = votes.entry(label).or_insert(0.0);
    *vote = vote.max(score);
    span.votes = Some(votes);
    span.label = label;
}

/// A mention a rule adds at `bytes` with the label and score of `like`, the
/// mention that speaks for it.
fn added_like(like: &Span, bytes: Range<usize>) -> Span {
    Span {
        bytes,
        source: CONSISTENCY_SOURCE.to_string(),
        votes: None,
        amount: None,
        ..like.clone()
    }
}

/// Letters, digits and combining marks: what a word is made of.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c)
}

/// The char just before byte `i`, if any.
fn char_before(text: &str, i: usize) -> Option<char> {
    text[..i].chars().next_back()
}

/// The char at byte `i`, if any.
fn char_at(text: &str, i: usize) -> Option<char> {
    text[i..].chars().next()
}

/// Length in bytes of the paragraph break starting at byte `i` (a newline,
/// blank space, and another newline; a table's tab or row end), or 0 if
/// there is none.
fn paragraph_break_at(text: &str, i: usize) -> usize {
    let rest = &text.as_bytes()[i..];
    // Table cells (tab-separated, from DOCX, ODT and HTML tables) and their
    // rows are blocks of their own.
    if rest.first() == Some(&b'\t') {
        return 1;
    }
    if rest.first() != Some(&b'\n') {
        return 0;
    }
    let line_before = text[..i].rsplit('\n').next().unwrap_or("");
    let line_after = text[i + 1..].split('\n').next().unwrap_or("");
    if line_before.contains('\t') || line_after.contains('\t') {
        return 1;
    }
    let mut j = 1;
    while j < rest.len() && matches!(rest[j], b' ' | b'\t' | b'\r') {
        j += 1;
    }
    if rest.get(j) == Some(&b'\n') {
        j + 1
    } else {
        0
    }
}

/// Whether `text[range]` holds a paragraph break.
fn has_paragraph_break(text: &str, range: Range<usize>) -> bool {
    let slice = &text[range.clone()];
    slice
        .match_indices(['\n', '\t'])
        .any(|(i, _)| paragraph_break_at(&text[..range.end], range.start + i) > 0)
}

/// A char folded for comparison: lowercase, without diacritics.
fn fold_char(c: char) -> char {
    let lower = c.to_lowercase().next().unwrap_or(c);
    let mut base = lower;
    let mut first = true;
    unicode_normalization::char::decompose_canonical(lower, |d| {
        if first {
            base = d;
            first = false;
        }
    });
    match base {
        'đ' => 'd',
        other => other,
    }
}

/// Where `pattern` occurs in `text` at byte `at`, compared char by char with
/// `same`, any run of whitespace in `pattern` matching a run of whitespace in
/// the text that holds no paragraph break: the byte where the occurrence ends.
fn match_at(
    text: &str,
    at: usize,
    pattern: &str,
    same: impl Fn(char, char) -> bool,
) -> Option<usize> {
    let mut pos = at;
    let mut pat = pattern.chars().peekable();
    while let Some(p) = pat.next() {
        if p.is_whitespace() {
            while pat.peek().is_some_and(|c| c.is_whitespace()) {
                pat.next();
            }
            let start = pos;
            while let Some(c) = char_at(text, pos).filter(|c| c.is_whitespace()) {
                if paragraph_break_at(text, pos) > 0 {
                    return None;
                }
                pos += c.len_utf8();
            }
            if pos == start {
                return None;
            }
            continue;
        }
        let c = char_at(text, pos)?;
        if !same(p, c) {
            return None;
        }
        pos += c.len_utf8();
    }
    Some(pos)
}

/// Start bytes of every word (run of word characters) of a document, by the
/// word: built once, for the rules that add mentions.
type WordIndex<'t> = HashMap<&'t str, Vec<usize>>;

/// The [`WordIndex`] of `text`.
fn word_index(text: &str) -> WordIndex<'_> {
    let mut index: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut start: Option<usize> = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (start, is_word_char(c) && i < text.len()) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                index.entry(&text[s..i]).or_default().push(s);
                start = None;
            }
            _ => {}
        }
    }
    index
}

/// No word character, and no hyphen joined to one, on either side.
fn whole_word(text: &str, r: Range<usize>) -> bool {
    let before = char_before(text, r.start);
    let after = char_at(text, r.end);
    if before.is_some_and(is_word_char) || after.is_some_and(is_word_char) {
        return false;
    }
    let hyphen_before =
        before == Some('-') && char_before(text, r.start - 1).is_some_and(is_word_char);
    let hyphen_after = after == Some('-') && char_at(text, r.end + 1).is_some_and(is_word_char);
    !hyphen_before && !hyphen_after
}

/// The byte ranges of a document's mentions, sorted by start, into which a
/// rule adds mentions only where the text is free.
struct Taken(Vec<Range<usize>>);

impl Taken {
    fn of(spans: &[Span]) -> Taken {
        let mut taken: Vec<Range<usize>> = spans.iter().map(|s| s.bytes.clone()).collect();
        taken.sort_by_key(|r| r.start);
        Taken(taken)
    }

    /// Takes `r` if it overlaps no range taken: whether it did. Only the last
    /// few ranges starting before `r` ends can reach it (mentions seldom nest).
    fn claim(&mut self, r: Range<usize>) -> bool {
        let upto = self.0.partition_point(|t| t.start < r.end);
        if self.0[..upto].iter().rev().take(4).any(|t| t.end > r.start) {
            return false;
        }
        let at = self.0.partition_point(|t| t.start < r.start);
        self.0.insert(at, r);
        true
    }
}
