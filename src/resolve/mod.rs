//! Entity resolution: groups mentions into entities.
//!
//! Streaming: [`resolve_document`] fixes every mention's entity id from its own
//! document alone (so `mentions.csv` can be written document by document), and
//! [`EntityTable`] folds the resolved mentions into [`Entity`] records for
//! `entities.csv` at the end.
//!
//! Choices:
//! - Mentions are grouped in three classes: PERSON; NAME (ORGANISATION, PLACE and
//!   MISC together, because the recogniser often swaps these labels for the same
//!   name: "Kosovo" the place and "Kosovo" the state); AMOUNT. The group label
//!   is `Person`, `Misc` (standing for the NAME class) or `Amount`; the entity's
//!   reported label is the majority label of its mentions.
//! - Ids depend only on (group label, match key), so they are the same in every
//!   run and shard: `per-`/`ent-`/`amt-` + slug of the key (≤ 40 chars) + first
//!   8 hex digits of sha256("LABEL|key").
//! - Within-document links are order-independent: a short form links to a longer
//!   name anywhere in its document, and only when exactly one candidate exists.
//! - Across documents only equal match keys join; a bare surname alone in a
//!   document keeps its own key and never joins a full name.
//! - Serbian Cyrillic folds to Latin and "Đ" to "dj", as English-language and
//!   web sources write these names: "Зоран Ђурић" = "Zoran Đurić" = "Zoran
//!   Djuric" (but not "Duric", which is another spelling of another name).
//!
//! - With `--consistency corpus`, a match key with PERSON mentions in some
//!   documents and ORGANISATION/PLACE ones in others is one entity, in the
//!   class most of its mentions have ([`ClassVotes`], a first pass of the merge).
//!
//! - A mention's match key is made from its lemma where [`lemmatise`] set
//!   one: case forms of a name in Croatian, Serbian, Bosnian and
//!   Montenegrin meet ("Beogradu" = "Beograd", "Darka Šarića" = "Darko
//!   Šarić"), and the entity's canonical name is its most frequent lemma,
//!   the nominative in the script the documents use most.
//!
//! [`keys`] makes match keys and ids, [`document`] links within a document,
//! [`table`] accumulates entities across documents, [`corpus`] joins classes.

pub mod candidates;
mod corpus;
pub mod decisions;
mod document;
mod keys;
mod lemma;
mod table;
#[cfg(test)]
mod tests;

pub use corpus::{ClassMerges, ClassVotes};
pub use document::{resolve_document, resolve_document_apart};
pub use keys::{entity_id, group_of_id, normalise_key};
pub use lemma::lemmatise;
pub use table::EntityTable;

use crate::doc::Label;

/// Per-mention result of [`resolve_document`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub entity_id: String,
    /// Canonical match key of the entity (see [`normalise_key`]).
    pub key: String,
    /// The label the key was grouped under: `Person`, `Misc` (ORGANISATION,
    /// PLACE and MISC together) or `Amount`.
    pub group_label: Label,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Class {
    Person,
    Name,
    Amount,
}

impl Class {
    fn of(label: Label) -> Class {
        match label {
            Label::Person => Class::Person,
            Label::Amount => Class::Amount,
            Label::Organisation | Label::Place | Label::Misc => Class::Name,
        }
    }

    fn group_label(self) -> Label {
        match self {
            Class::Person => Label::Person,
            Class::Name => Label::Misc,
            Class::Amount => Label::Amount,
        }
    }
}
