//! `<out>/nerpipe.sqlite`: a run's output as an embedded database (rusqlite,
//! bundled SQLite), built from the output files after the run.
//!
//! Tables `runs`, `documents`, `entities`, `entity_aliases`, `mentions`, with
//! foreign keys. Offsets are code points (`start_char`, `end_char`; `end` is a
//! reserved word in SQL). Amount values are kept as the exact decimal text
//! (`value`) plus a REAL copy (`value_real`) for sorting and range queries.
//!
//! The file is written under a temporary name in one transaction and renamed
//! into place, so a reader never sees a half-built database.

use crate::emit::{EntityJson, MentionRecord};
use crate::run_output::{read_documents, read_entities, read_mentions, RunInfo};
use anyhow::Context;
use rusqlite::{params, Connection};
use std::path::{Path, PathBuf};

/// The SQLite schema; the same tables as [`postgres_ddl`].
pub const SQLITE_DDL: &str = r#"
CREATE TABLE runs (
    run_id          TEXT PRIMARY KEY,
    nerpipe_version TEXT NOT NULL,
    model_name      TEXT NOT NULL,
    weights_sha256  TEXT NOT NULL,
    corpus          TEXT,
    run_json        TEXT NOT NULL
);
CREATE TABLE documents (
    doc_id      TEXT PRIMARY KEY,
    run_id      TEXT NOT NULL REFERENCES runs(run_id),
    position    INTEGER NOT NULL,
    source_path TEXT NOT NULL,
    title       TEXT NOT NULL,
    chars       INTEGER NOT NULL,
    tokens      INTEGER NOT NULL,
    mentions    INTEGER NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('ok', 'error')),
    error       TEXT NOT NULL
);
CREATE TABLE entities (
    entity_id      TEXT PRIMARY KEY,
    run_id         TEXT NOT NULL REFERENCES runs(run_id),
    label          TEXT NOT NULL CHECK (label IN ('PERSON', 'ORGANISATION', 'PLACE', 'AMOUNT', 'MISC')),
    canonical      TEXT NOT NULL,
    mention_count  INTEGER NOT NULL,
    document_count INTEGER NOT NULL,
    score          REAL NOT NULL,
    amount_kind    TEXT,
    value          TEXT,
    value_real     REAL,
    unit           TEXT,
    other_labels   TEXT NOT NULL
);
CREATE TABLE entity_aliases (
    entity_id TEXT NOT NULL REFERENCES entities(entity_id) ON DELETE CASCADE,
    alias     TEXT NOT NULL,
    PRIMARY KEY (entity_id, alias)
);
CREATE TABLE mentions (
    mention_id  TEXT PRIMARY KEY,
    run_id      TEXT NOT NULL REFERENCES runs(run_id),
    doc_id      TEXT NOT NULL REFERENCES documents(doc_id),
    entity_id   TEXT NOT NULL REFERENCES entities(entity_id),
    label       TEXT NOT NULL CHECK (label IN ('PERSON', 'ORGANISATION', 'PLACE', 'AMOUNT', 'MISC')),
    text        TEXT NOT NULL,
    start_char  INTEGER NOT NULL,
    end_char    INTEGER NOT NULL,
    score       REAL NOT NULL,
    source      TEXT NOT NULL,
    context     TEXT NOT NULL,
    amount_kind TEXT,
    value       TEXT,
    value_real  REAL,
    unit        TEXT
);
CREATE INDEX mentions_doc_id ON mentions(doc_id);
CREATE INDEX mentions_entity_id ON mentions(entity_id);
CREATE INDEX mentions_label ON mentions(label);
CREATE INDEX mentions_amount ON mentions(amount_kind, unit, value_real);
CREATE INDEX entities_label ON entities(label);
CREATE INDEX entities_amount ON entities(amount_kind, unit, value_real);
CREATE INDEX entity_aliases_alias ON entity_aliases(alias);
"#;

/// The PostgreSQL schema (`nerpipe schema --postgres`): the same tables in a
/// `nerpipe` schema, idempotent (`IF NOT EXISTS`). Amount values are NUMERIC
/// beside the exact text; `loaded_at` records when a run was first loaded.
pub fn postgres_ddl() -> &'static str {
    r#"CREATE SCHEMA IF NOT EXISTS nerpipe;
CREATE TABLE IF NOT EXISTS nerpipe.runs (
    run_id          text PRIMARY KEY,
    nerpipe_version text NOT NULL,
    model_name      text NOT NULL,
    weights_sha256  text NOT NULL,
    corpus          text,
    run_json        jsonb NOT NULL,
    loaded_at       timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS nerpipe.documents (
    doc_id      text PRIMARY KEY,
    run_id      text NOT NULL REFERENCES nerpipe.runs(run_id),
    position    bigint NOT NULL,
    source_path text NOT NULL,
    title       text NOT NULL,
    chars       bigint NOT NULL,
    tokens      bigint NOT NULL,
    mentions    bigint NOT NULL,
    status      text NOT NULL CHECK (status IN ('ok', 'error')),
    error       text NOT NULL
);
CREATE TABLE IF NOT EXISTS nerpipe.entities (
    entity_id      text PRIMARY KEY,
    run_id         text NOT NULL REFERENCES nerpipe.runs(run_id),
    label          text NOT NULL CHECK (label IN ('PERSON', 'ORGANISATION', 'PLACE', 'AMOUNT', 'MISC')),
    canonical      text NOT NULL,
    mention_count  bigint NOT NULL,
    document_count bigint NOT NULL,
    score          double precision NOT NULL,
    amount_kind    text,
    value          text,
    value_numeric  numeric,
    unit           text,
    other_labels   jsonb NOT NULL
);
CREATE TABLE IF NOT EXISTS nerpipe.entity_aliases (
    entity_id text NOT NULL REFERENCES nerpipe.entities(entity_id) ON DELETE CASCADE,
    alias     text NOT NULL,
    PRIMARY KEY (entity_id, alias)
);
CREATE TABLE IF NOT EXISTS nerpipe.mentions (
    mention_id    text PRIMARY KEY,
    run_id        text NOT NULL REFERENCES nerpipe.runs(run_id),
    doc_id        text NOT NULL REFERENCES nerpipe.documents(doc_id),
    entity_id     text NOT NULL REFERENCES nerpipe.entities(entity_id),
    label         text NOT NULL CHECK (label IN ('PERSON', 'ORGANISATION', 'PLACE', 'AMOUNT', 'MISC')),
    text          text NOT NULL,
    start_char    bigint NOT NULL,
    end_char      bigint NOT NULL,
    score         double precision NOT NULL,
    source        text NOT NULL,
    context       text NOT NULL,
    amount_kind   text,
    value         text,
    value_numeric numeric,
    unit          text
);
CREATE INDEX IF NOT EXISTS mentions_doc_id ON nerpipe.mentions(doc_id);
CREATE INDEX IF NOT EXISTS mentions_entity_id ON nerpipe.mentions(entity_id);
CREATE INDEX IF NOT EXISTS mentions_label ON nerpipe.mentions(label);
CREATE INDEX IF NOT EXISTS mentions_amount ON nerpipe.mentions(amount_kind, unit, value_numeric);
CREATE INDEX IF NOT EXISTS entities_label ON nerpipe.entities(label);
CREATE INDEX IF NOT EXISTS entities_amount ON nerpipe.entities(amount_kind, unit, value_numeric);
CREATE INDEX IF NOT EXISTS entity_aliases_alias ON nerpipe.entity_aliases(alias);
"#
}

/// A decimal amount as a float for sorting; None when it does not parse.
pub fn value_real(value: Option<&str>) -> Option<f64> {
    value
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|v| v.is_finite())
}

/// Removes the temporary file unless the build succeeded.
struct TempFile(PathBuf, bool);

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.1 {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

/// Builds `<out>/nerpipe.sqlite` from the output files of a run.
pub fn write_sqlite(out: &Path) -> anyhow::Result<()> {
    let dest = out.join("nerpipe.sqlite");
    let mut tmp = TempFile(
        out.join(format!(".nerpipe.sqlite.tmp-{}", std::process::id())),
        false,
    );
    if tmp.0.exists() {
        std::fs::remove_file(&tmp.0)
            .with_context(|| format!("{}: cannot remove", tmp.0.display()))?;
    }
    let mut conn =
        Connection::open(&tmp.0).with_context(|| format!("{}: cannot create", tmp.0.display()))?;
    fill(&mut conn, out)
        .with_context(|| format!("{}: cannot build the database", dest.display()))?;
    conn.close()
        .map_err(|(_, e)| anyhow::anyhow!("{}: cannot close the database: {e}", tmp.0.display()))?;
    std::fs::rename(&tmp.0, &dest)
        .with_context(|| format!("{}: cannot rename into place", dest.display()))?;
    tmp.1 = true;
    Ok(())
}

fn fill(conn: &mut Connection, out: &Path) -> anyhow::Result<()> {
    // The file is private until renamed, so no rollback journal is needed; the
    // transaction still makes the build all-or-nothing and fast.
    conn.execute_batch(
        "PRAGMA foreign_keys = ON; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;",
    )?;
    let run = RunInfo::read(out)?;
    let tx = conn.transaction()?;
    tx.execute_batch(SQLITE_DDL)?;
    tx.execute(
        "INSERT INTO runs VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            run.run_id,
            run.nerpipe_version,
            run.model_name,
            run.weights_sha256,
            run.corpus.as_ref().map(|c| c.display().to_string()),
            run.raw
        ],
    )?;
    {
        // A later row for an already-seen doc_id is the run's "duplicate doc_id"
        // error row; the first row keeps the key.
        let mut insert = tx.prepare(
            "INSERT INTO documents VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(doc_id) DO NOTHING",
        )?;
        for (position, d) in read_documents(out)?.enumerate() {
            let d = d?;
            insert.execute(params![
                d.doc_id,
                run.run_id,
                position as i64,
                d.source_path,
                d.title,
                d.chars as i64,
                d.tokens as i64,
                d.mentions as i64,
                d.status,
                d.error
            ])?;
        }
    }
    {
        let mut entity = tx.prepare(
            "INSERT INTO entities VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?;
        let mut alias = tx.prepare("INSERT OR IGNORE INTO entity_aliases VALUES (?1, ?2)")?;
        let path = out.join("entities.jsonl");
        for e in read_entities(out)? {
            let e: EntityJson = e?;
            entity
                .execute(params![
                    e.entity_id,
                    run.run_id,
                    e.label.as_str(),
                    e.canonical,
                    e.mention_count as i64,
                    e.document_count as i64,
                    e.score,
                    e.amount_kind,
                    e.value,
                    value_real(e.value.as_deref()),
                    e.unit,
                    serde_json::to_string(&e.other_labels)?
                ])
                .with_context(|| format!("{}: entity {}", path.display(), e.entity_id))?;
            for a in &e.aliases {
                alias.execute(params![e.entity_id, a])?;
            }
        }
    }
    {
        let mut insert =
            tx.prepare("INSERT INTO mentions VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)")?;
        let path = out.join("mentions.jsonl");
        for m in read_mentions(out)? {
            let m: MentionRecord = m?;
            insert
                .execute(params![
                    m.mention_id,
                    run.run_id,
                    m.doc_id,
                    m.entity_id,
                    m.label.as_str(),
                    m.text,
                    m.start as i64,
                    m.end as i64,
                    m.score,
                    m.source,
                    m.context,
                    m.amount_kind,
                    m.value,
                    value_real(m.value.as_deref()),
                    m.unit
                ])
                .with_context(|| {
                    format!("{}: cannot store mention {}", path.display(), m.mention_id)
                })?;
        }
    }
    tx.commit()?;
    Ok(())
}
