//! Sink: where a run's results go. Every file is written under a temporary
//! name and renamed into place ([`crate::atomic`]), so readers never see half a file.
//!
//! Two kinds of sink:
//! - streaming sinks ([`Sink`]: [`csv::CsvSink`], [`jsonl::JsonlSink`]) take
//!   documents and mentions as the merge produces them, then the entities;
//! - downstream sinks build from a finished output folder: [`sqlite`] and
//!   [`postgres`] (one [`schema`] for both), the HTML [`report`] and the
//!   [`labelstudio`] export and import, the FollowTheMoney export ([`ftm`]);
//!   [`read`] reads an output folder back for them.

pub mod csv;
pub mod ftm;
pub mod jsonl;
pub mod labelstudio;
pub mod postgres;
pub mod read;
pub mod report;
pub mod schema;
pub mod sqlite;

use crate::doc::{DocumentOutcome, Entity, Mention};
use crate::resolve::candidates::Candidate;
use crate::resolve::decisions::DecisionRow;
use std::path::Path;

/// Joins list cells (aliases, documents) in CSV output.
pub const LIST_SEPARATOR: &str = " | ";

/// A destination for a run's records, fed in corpus order.
pub trait Sink {
    fn document(&mut self, outcome: &DocumentOutcome) -> anyhow::Result<()>;
    fn mention(&mut self, mention: &Mention) -> anyhow::Result<()>;
    /// Writes the entities and commits every file of the sink.
    fn finish(self: Box<Self>, entities: &[Entity]) -> anyhow::Result<()>;
}

/// The output files of a run folder: the CSV and JSONL sinks together, and
/// the review files (rejected.csv, candidates.csv).
pub struct RunWriter {
    sinks: Vec<Box<dyn Sink>>,
    review: csv::ReviewFiles,
}

impl RunWriter {
    pub fn create(out: &Path) -> anyhow::Result<RunWriter> {
        use anyhow::Context;
        std::fs::create_dir_all(out)
            .with_context(|| format!("{}: cannot create the output folder", out.display()))?;
        Ok(RunWriter {
            sinks: vec![
                Box::new(csv::CsvSink::create(out)?),
                Box::new(jsonl::JsonlSink::create(out)?),
            ],
            review: csv::ReviewFiles::create(out)?,
        })
    }

    /// A mention an analyst's `row` rejected: it goes to rejected.csv only.
    pub fn rejected(&mut self, mention: &Mention, row: &DecisionRow) -> anyhow::Result<()> {
        self.review.rejected(mention, row)
    }

    pub fn document(&mut self, outcome: &DocumentOutcome) -> anyhow::Result<()> {
        self.sinks.iter_mut().try_for_each(|s| s.document(outcome))
    }

    pub fn mention(&mut self, mention: &Mention) -> anyhow::Result<()> {
        self.sinks.iter_mut().try_for_each(|s| s.mention(mention))
    }

    pub fn finish(self, entities: &[Entity], candidates: &[Candidate]) -> anyhow::Result<()> {
        self.review.finish(candidates)?;
        self.sinks.into_iter().try_for_each(|s| s.finish(entities))
    }
}

/// The downstream files of a finished output folder: nerpipe.sqlite and the
/// HTML review report.
pub fn write_downstream(out: &Path, sqlite: bool, report: bool) -> anyhow::Result<()> {
    if sqlite {
        sqlite::write_sqlite(out)?;
    }
    if report {
        report::write_report(out)?;
    }
    Ok(())
}
