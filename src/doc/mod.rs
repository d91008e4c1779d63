//! The data model every stage shares, and the one the chunk store and the
//! writers serialise as it is: a [`Document`] goes in, [`Mention`]s are found
//! in it, mentions are grouped into [`Entity`] records, and each document ends
//! with a [`DocumentOutcome`].
//!
//! Between recognition and resolution a document's findings are [`Span`]s in
//! byte offsets of its text; [`Mention::from_spans`] makes them mentions,
//! whose offsets are Unicode code points into the original text,
//! end-exclusive, as in Python `str` slicing and Label Studio
//! ([`text::OffsetMap`] converts, both ways).

mod amount;
mod document;
mod entity;
mod label;
mod mention;
pub mod script;
pub mod span;
pub mod text;

pub use amount::{Amount, AmountKind};
pub use document::{DocStatus, Document, DocumentOutcome};
pub use entity::Entity;
pub use label::Label;
pub use mention::{round_score, Mention};
pub use span::{Span, MARKED_SOURCE};
