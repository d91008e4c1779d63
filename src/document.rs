//! The data model every stage shares: a [`Document`] goes in, [`Mention`]s are
//! found in it, and mentions are grouped into [`Entity`] records.
//!
//! Offsets are Unicode code points into the original text, end-exclusive, as in
//! Python `str` slicing and Label Studio.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One input document, as read by the ingest stage.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Path relative to the corpus root, or the JSONL `id`.
    pub id: String,
    /// File the document came from, relative to the corpus root (for JSONL,
    /// `file.jsonl:LINE`).
    pub source_path: String,
    pub title: String,
    pub text: String,
    /// Extra JSONL fields, kept as they were.
    pub metadata: serde_json::Map<String, serde_json::Value>,
}

/// The kinds of mention nerpipe emits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Label {
    Person,
    Organisation,
    Place,
    Amount,
    Misc,
}

impl Label {
    pub const ALL: [Label; 5] = [
        Label::Person,
        Label::Organisation,
        Label::Place,
        Label::Amount,
        Label::Misc,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Label::Person => "PERSON",
            Label::Organisation => "ORGANISATION",
            Label::Place => "PLACE",
            Label::Amount => "AMOUNT",
            Label::Misc => "MISC",
        }
    }

    /// Parses an output label name (`PERSON`, `ORGANISATION`, ...).
    pub fn parse(name: &str) -> Option<Label> {
        Label::ALL.into_iter().find(|l| l.as_str() == name)
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an amount mention measures; filled by the amounts recogniser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amount {
    /// `money`, `quantity`, `percent`, `count` or `duration`.
    pub kind: String,
    /// Exact decimal, never in exponent notation.
    pub value: String,
    pub unit: String,
    /// "more than", "almost", ... as written, lower-cased.
    pub qualifier: Option<String>,
    /// Upper bound of a range ("between 5 and 10 tonnes").
    pub value_max: Option<String>,
}

impl Amount {
    /// Normalised rendering, the canonical name of an amount entity:
    /// `EUR 4500000000`, `90 t`, `30 %`, `888 suspects`.
    pub fn canonical(&self) -> String {
        if self.kind == "money" {
            format!("{} {}", self.unit, self.value)
        } else {
            format!("{} {}", self.value, self.unit)
        }
    }
}

/// One occurrence of an entity in a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub doc_id: String,
    /// Code-point offsets, end-exclusive.
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub label: Label,
    pub score: f32,
    /// The recogniser that found it: the model name, or `amounts`.
    pub source: String,
    /// The sentence around the mention, at most about 200 characters.
    pub context: String,
    pub amount: Option<Amount>,
}

/// One real-world entity: the mentions that refer to it, grouped.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub id: String,
    pub label: Label,
    pub canonical: String,
    /// Every distinct surface form, sorted.
    pub aliases: Vec<String>,
    pub mention_count: usize,
    /// Ids of the documents it occurs in, in corpus order.
    pub documents: Vec<String>,
    /// Mean score of its mentions.
    pub score: f32,
    pub amount: Option<Amount>,
}
