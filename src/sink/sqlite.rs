//! SQLite: `<out>/nerpipe.sqlite` (a run's output as an embedded database,
//! rusqlite with bundled SQLite, built after the run) and `nerpipe load
//! --sqlite DB OUT` (one database for many runs).
//!
//! Tables `runs`, `documents`, `entities`, `entity_aliases`, `mentions`, with
//! foreign keys, as [`super::schema`] defines them: every row is run-scoped.
//!
//! nerpipe.sqlite is written under a temporary name in one transaction and
//! renamed into place, so a reader never sees a half-built database. A load
//! into a shared database is one transaction.

use super::schema::{
    alias_rows, document_error_row, document_row, entity_row, mention_row, Dialect, LoadCounts,
    SqlValue, Table, DOCUMENTS, DOCUMENT_ERRORS, ENTITIES, ENTITY_ALIASES, GROWING_TABLES,
    MENTIONS, RUNS,
};
use crate::atomic::TempPath;
use crate::sink::read::{read_documents, read_entities, read_mentions, run_id, RunInfo};
use anyhow::Context;
use rusqlite::types::{ToSql, ToSqlOutput, Value, ValueRef};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use std::path::Path;

/// Builds `<out>/nerpipe.sqlite` from the output files of a run.
pub fn write_sqlite(out: &Path) -> anyhow::Result<()> {
    let dest = out.join("nerpipe.sqlite");
    let tmp = TempPath::beside(&dest)?;
    let mut conn = Connection::open(tmp.path())
        .with_context(|| format!("{}: cannot create", tmp.path().display()))?;
    // The file is private until renamed, so no rollback journal is needed; the
    // transaction still makes the build all-or-nothing and fast.
    conn.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")?;
    fill(&mut conn, out)
        .with_context(|| format!("{}: cannot build the database", dest.display()))?;
    conn.close().map_err(|(_, e)| {
        anyhow::anyhow!("{}: cannot close the database: {e}", tmp.path().display())
    })?;
    tmp.commit()
}

/// `nerpipe load --sqlite DB OUT`: adds the run in `out` to the database file
/// `db` (created if needed). Loading a run that is already there changes
/// nothing.
pub fn load(db: &Path, out: &Path) -> anyhow::Result<LoadCounts> {
    let mut conn =
        Connection::open(db).with_context(|| format!("{}: cannot open", db.display()))?;
    conn.busy_timeout(std::time::Duration::from_secs(60))?;
    fill(&mut conn, out).with_context(|| {
        format!(
            "{}: cannot load the run {} into it",
            db.display(),
            out.display()
        )
    })
}

fn fill(conn: &mut Connection, out: &Path) -> anyhow::Result<LoadCounts> {
    conn.execute_batch("PRAGMA foreign_keys = ON;")?;
    let run = RunInfo::read(out)?;
    let run_id = run_id(out, &run)?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    check_schema(&tx)?;
    tx.execute_batch(&Dialect::Sqlite.ddl())?;
    let mut counts = LoadCounts::default();
    let known: Option<i64> = tx
        .query_row("SELECT 1 FROM runs WHERE run_id = ?1", [&run_id], |r| {
            r.get(0)
        })
        .optional()?;
    if known.is_some() {
        counts.already_loaded = true;
        for (table, n) in [
            ("documents", &mut counts.documents),
            ("mentions", &mut counts.mentions),
            ("entities", &mut counts.entities),
            ("entity_aliases", &mut counts.entity_aliases),
        ] {
            let sql = format!("SELECT count(*) FROM {table} WHERE run_id = ?1");
            *n = tx.query_row(&sql, [&run_id], |r| r.get::<_, i64>(0))? as u64;
        }
        return Ok(counts);
    }
    tx.execute(
        &insert_sql(&RUNS, ""),
        params![
            run_id,
            run.nerpipe_version,
            run.model_name,
            run.weights_sha256,
            run.corpus.as_ref().map(|c| c.display().to_string()),
            run.raw
        ],
    )?;
    insert_rows(&tx, out, &run_id, &mut counts)?;
    tx.commit()?;
    counts.inserted =
        1 + counts.documents + counts.mentions + counts.entities + counts.entity_aliases;
    Ok(counts)
}

/// Refuses a database whose tables predate run-scoped keys.
fn check_schema(tx: &rusqlite::Transaction<'_>) -> anyhow::Result<()> {
    let tables: i64 = tx.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'entity_aliases'",
        [],
        |r| r.get(0),
    )?;
    let scoped: i64 = tx.query_row(
        "SELECT count(*) FROM pragma_table_info('entity_aliases') WHERE name = 'run_id'",
        [],
        |r| r.get(0),
    )?;
    if tables > 0 && scoped == 0 {
        anyhow::bail!("{}", Dialect::Sqlite.old_schema_hint());
    }
    // Tables made by an earlier nerpipe gain the columns added since.
    for table in GROWING_TABLES {
        let mut columns = tx.prepare("SELECT name FROM pragma_table_info(?1)")?;
        let existing = columns
            .query_map([table.name], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<String>, _>>()?;
        if !existing.is_empty() {
            for alter in Dialect::Sqlite.added_columns_ddl(table, &existing) {
                tx.execute(&alter, [])?;
            }
        }
    }
    Ok(())
}

fn insert_rows(
    tx: &rusqlite::Transaction<'_>,
    out: &Path,
    run_id: &str,
    counts: &mut LoadCounts,
) -> anyhow::Result<()> {
    {
        // A later row for an already-seen doc_id is the run's "duplicate doc_id"
        // error row; the first row keeps the key.
        let mut insert = tx.prepare(&insert_sql(&DOCUMENTS, " ON CONFLICT DO NOTHING"))?;
        let mut error = tx.prepare(&insert_sql(&DOCUMENT_ERRORS, ""))?;
        for (position, d) in read_documents(out)?.enumerate() {
            let d = d?;
            let n = insert.execute(params_from_iter(document_row(run_id, position, &d)))?;
            counts.documents += n as u64;
            if let Some(row) = document_error_row(run_id, position, &d) {
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
                .execute(params_from_iter(entity_row(run_id, &e)?))
                .with_context(|| format!("{}: entity {}", path.display(), e.id))?;
            counts.entities += 1;
            for row in alias_rows(run_id, &e) {
                counts.entity_aliases += alias.execute(params_from_iter(row))? as u64;
            }
        }
    }
    let mut insert = tx.prepare(&insert_sql(&MENTIONS, ""))?;
    let path = out.join("mentions.jsonl");
    for m in read_mentions(out)? {
        let m = m?;
        insert
            .execute(params_from_iter(mention_row(run_id, &m)))
            .with_context(|| {
                format!("{}: cannot store mention {}", path.display(), m.mention_id)
            })?;
        counts.mentions += 1;
    }
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
