//! mentions.jsonl, documents.jsonl, errors.jsonl and entities.jsonl: the data
//! model serialised as it is, one record a line, texts raw.

use super::Sink;
use crate::atomic::AtomicFile;
use crate::doc::{DocumentOutcome, Entity, Mention};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

pub struct JsonlSink {
    out: PathBuf,
    mentions: AtomicFile,
    documents: AtomicFile,
    errors: AtomicFile,
}

impl JsonlSink {
    pub fn create(out: &Path) -> anyhow::Result<JsonlSink> {
        Ok(JsonlSink {
            out: out.to_path_buf(),
            mentions: AtomicFile::create(&out.join("mentions.jsonl"))?,
            documents: AtomicFile::create(&out.join("documents.jsonl"))?,
            errors: AtomicFile::create(&out.join("errors.jsonl"))?,
        })
    }
}

/// Writes `record` as one JSON line.
pub fn write_line(w: &mut impl Write, record: &impl Serialize) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *w, record)?;
    w.write_all(b"\n")?;
    Ok(())
}

impl Sink for JsonlSink {
    fn document(&mut self, outcome: &DocumentOutcome) -> anyhow::Result<()> {
        write_line(&mut self.documents, outcome)?;
        if !outcome.is_ok() {
            let line = serde_json::json!({
                "doc_id": outcome.doc_id,
                "source_path": outcome.source_path,
                "error": outcome.error,
            });
            write_line(&mut self.errors, &line)?;
        }
        Ok(())
    }

    fn mention(&mut self, mention: &Mention) -> anyhow::Result<()> {
        write_line(&mut self.mentions, mention)
    }

    fn finish(self: Box<Self>, entities: &[Entity]) -> anyhow::Result<()> {
        let mut file = AtomicFile::create(&self.out.join("entities.jsonl"))?;
        for e in entities {
            write_line(&mut file, e)?;
        }
        file.commit()?;
        self.mentions.commit()?;
        self.documents.commit()?;
        self.errors.commit()
    }
}
