//! nerpipe: batch named-entity extraction over news corpora.
//!
//! The crate reads as the pipeline it runs, around one data model ([`doc`]:
//! Document, Mention, Entity, Amount), each stage a folder with its seam in
//! `mod.rs` and one file per implementation:
//!
//! [`ingest`] (sources) → [`segment`] (sub-tokens, windows, word shapes) →
//! [`recognise`] (transformer, amounts, their merge) → [`consistency`] (one
//! reading per document) → [`resolve`] (entities)
//! → [`sink`] (CSV, JSONL, SQLite, PostgreSQL, report, Label Studio)
//!
//! [`run`] orchestrates a run (chunk store, shards, merge, run.json,
//! progress); [`model`] loads model folders; [`train`] and [`eval`] make and
//! score models. Errors that decide the exit code are [`Error`].

pub mod atomic;
pub mod cli;
pub mod consistency;
pub mod digest;
pub mod doc;
pub mod error;
pub mod eval;
pub mod ingest;
pub mod model;
pub mod recognise;
pub mod resolve;
pub mod run;
pub mod segment;
pub mod sink;
pub mod tables;
pub mod terminal;
pub mod train;

pub use error::Error;

/// The model `nerpipe run` and `nerpipe eval` use when neither `--model`
/// nor `NERPIPE_MODEL` names one (see [`model::lookup`]).
pub use model::lookup::DEFAULT_MODEL_NAME;
