use super::{Amount, Label};
use serde::{Deserialize, Serialize};

/// One real-world entity: the mentions that refer to it, grouped. Serialised
/// as it is into entities.jsonl.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    #[serde(rename = "entity_id")]
    pub id: String,
    /// The label most of its mentions have.
    pub label: Label,
    pub canonical: String,
    /// Every distinct surface form, sorted.
    pub aliases: Vec<String>,
    pub mention_count: usize,
    /// `documents.len()`, kept as a column for spreadsheets and databases.
    pub document_count: usize,
    /// Ids of the documents it occurs in, in corpus order.
    pub documents: Vec<String>,
    /// Mean score of its mentions, rounded to 4 decimals.
    pub score: f32,
    /// The value of an amount entity (no qualifier: that belongs to mentions).
    #[serde(flatten, with = "super::amount::columns")]
    pub amount: Option<Amount>,
    /// Labels other mentions of this entity had, with their counts.
    pub other_labels: Vec<(Label, usize)>,
    /// Ids an analyst's `same` decisions merged into this one (sorted), so
    /// that a database holding an old id can follow it.
    #[serde(default)]
    pub merged_ids: Vec<String>,
}
