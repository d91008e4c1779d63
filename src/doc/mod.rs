//! The data model every stage shares, and the one the chunk store and the
//! writers serialise as it is: a [`Document`] goes in, [`Mention`]s are found
//! in it, mentions are grouped into [`Entity`] records, and each document ends
//! with a [`DocumentOutcome`].
//!
//! Offsets are Unicode code points into the original text, end-exclusive, as in
//! Python `str` slicing and Label Studio.

mod amount;
mod document;
mod entity;
mod label;
mod mention;
pub mod script;
pub mod text;

pub use amount::{Amount, AmountKind};
pub use document::{DocStatus, Document, DocumentOutcome, MarkedSpan};
pub use entity::Entity;
pub use label::Label;
pub use mention::{round_score, Mention};
