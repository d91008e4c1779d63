use serde::{Deserialize, Serialize};
use std::fmt;

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

    /// Position in [`Label::ALL`], for per-label tallies.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
