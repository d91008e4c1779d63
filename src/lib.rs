//! nerpipe: batch named-entity extraction over news corpora.
//!
//! The crate reads as the pipeline it runs, around one data model
//! ([`document`]: Document, Mention, Entity):
//!
//! ingest → segment → recognise (transformer model) → resolve → emit
//!
//! plus [`train`] and [`eval`] for making and scoring models.

pub mod conll;
pub mod document;
pub mod emit;
pub mod eval;
pub mod eval_cmd;
pub mod ingest;
pub mod labelstudio;
pub mod merge;
pub mod model;
pub mod pipeline;
pub mod postgres;
pub mod progress;
pub mod recognise;
pub mod report;
pub mod resolve;
pub mod run_output;
pub mod segment;
pub mod shape;
pub mod shard;
pub mod sqlite;
pub mod store;
pub mod text;
pub mod train;

/// The model `nerpipe run` and `nerpipe eval` use when `--model` is not given.
pub const DEFAULT_MODEL: &str = "models/conll03-minilm-l6";
