//! `<out>/nerpipe.sqlite`: a run's output as an embedded database (rusqlite,
//! bundled SQLite), built from the output files after the run.
//!
//! Tables `runs`, `documents`, `entities`, `entity_aliases`, `mentions`, with
//! foreign keys, as [`super::schema`] defines them.
//!
//! The file is written under a temporary name in one transaction and renamed
//! into place, so a reader never sees a half-built database.

use super::atomic::TempPath;
use super::schema::{
    alias_rows, document_error_row, document_row, entity_row, mention_row, Dialect, SqlValue,
    Table, DOCUMENTS, DOCUMENT_ERRORS, ENTITIES, ENTITY_ALIASES, MENTIONS, RUNS,
};
use crate::run::output::{read_documents, read_entities, read_mentions, RunInfo};
use anyhow::Context;
use rusqlite::types::{ToSql, ToSqlOutput, Value, ValueRef};
use rusqlite::{params, params_from_iter, Connection};
use std::path::Path;

/// Builds `<out>/nerpipe.sqlite` from the output files of a run.
pub fn write_sqlite(out: &Path) -> anyhow::Result<()> {
    let dest = out.join("nerpipe.sqlite");
    let tmp = TempPath::beside(&dest)?;
    let mut conn = Connection::open(tmp.path())
        .with_context(|| format!("{}: cannot create", tmp.path().display()))?;
    fill(&mut conn, out)
        .with_context(|| format!("{}: cannot build the database", dest.display()))?;
    conn.close().map_err(|(_, e)| {
        anyhow::anyhow!("{}: cannot close the database: {e}", tmp.path().display())
    })?;
    tmp.commit()
}

fn fill(conn: &mut Connection, out: &Path) -> anyhow::Result<()> {
    // The file is private until renamed, so no rollback journal is needed; the
    // transaction still makes the build all-or-nothing and fast.
    conn.execute_batch(
        "PRAGMA foreign_keys = ON; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;",
    )?;
    let run = RunInfo::read(out)?;
    let tx = conn.transaction()?;
    tx.execute_batch(&Dialect::Sqlite.ddl())?;
    tx.execute(
        &insert_sql(&RUNS, ""),
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
        let mut insert = tx.prepare(&insert_sql(&DOCUMENTS, " ON CONFLICT(doc_id) DO NOTHING"))?;
        let mut error = tx.prepare(&insert_sql(&DOCUMENT_ERRORS, ""))?;
        for (position, d) in read_documents(out)?.enumerate() {
            let d = d?;
            insert.execute(params_from_iter(document_row(&run.run_id, position, &d)))?;
            if let Some(row) = document_error_row(&run.run_id, position, &d) {
                error.execute(params_from_iter(row))?;
            }
        }
    }
    {
        let mut entity = tx.prepare(&insert_sql(&ENTITIES, ""))?;
        let mut alias = tx.prepare(&insert_sql(&ENTITY_ALIASES, " ON CONFLICT DO NOTHING"))?;
        let path = out.join("entities.jsonl");
        for e in read_entities(out)? {
            let e = e?;
            entity
                .execute(params_from_iter(entity_row(&run.run_id, &e)?))
                .with_context(|| format!("{}: entity {}", path.display(), e.id))?;
            for row in alias_rows(&e) {
                alias.execute(params_from_iter(row))?;
            }
        }
    }
    {
        let mut insert = tx.prepare(&insert_sql(&MENTIONS, ""))?;
        let path = out.join("mentions.jsonl");
        for m in read_mentions(out)? {
            let m = m?;
            insert
                .execute(params_from_iter(mention_row(&run.run_id, &m)))
                .with_context(|| {
                    format!("{}: cannot store mention {}", path.display(), m.mention_id)
                })?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// `INSERT INTO table (columns) VALUES (?1, ...)` plus `tail`.
fn insert_sql(table: &Table, tail: &str) -> String {
    let names: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
    let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
    format!(
        "INSERT INTO {} ({}) VALUES ({}){tail}",
        table.name,
        names.join(", "),
        marks.join(", ")
    )
}

impl ToSql for SqlValue {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            SqlValue::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            SqlValue::Int(i) => ToSqlOutput::Owned(Value::Integer(*i)),
            SqlValue::Real(r) => ToSqlOutput::Owned(Value::Real(*r)),
            SqlValue::Null => ToSqlOutput::Owned(Value::Null),
        })
    }
}
