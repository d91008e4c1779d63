//! `nerpipe load --postgres URL <out>`: loads a run into PostgreSQL.
//!
//! The schema ([`crate::sink::schema::postgres_ddl`], tables in schema `nerpipe`) is
//! created if needed. One database holds many runs, every row keyed by its
//! run ([`super::schema`]): a run whose id is already there is not loaded
//! again (nothing changes); otherwise its files are streamed with binary COPY
//! into temporary staging tables and inserted, all in one transaction.
//!
//! Credentials come from the URL or the standard PG* environment variables
//! (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE), never from files. The
//! connection is unencrypted (NoTls): use a local server or a tunnel.

pub use super::schema::LoadCounts;
use super::schema::{
    alias_rows, document_error_row, document_row, entity_row, mention_row, postgres_ddl, Dialect,
    SqlType, SqlValue, Table, DOCUMENTS, DOCUMENT_ERRORS, ENTITIES, ENTITY_ALIASES, GROWING_TABLES,
    MENTIONS,
};
use crate::sink::read::{read_documents, read_entities, read_mentions, run_id, RunInfo};
use anyhow::Context;
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{IsNull, ToSql, Type};
use postgres::{Client, Config, NoTls, Transaction};
use std::path::Path;

/// Connection settings: the URL's, with anything it leaves out taken from the
/// PG* environment variables as libpq does, then libpq's defaults.
pub fn config(url: Option<&str>) -> anyhow::Result<Config> {
    let mut config = match url {
        // The URL is not echoed: it may hold a password.
        Some(u) => u
            .parse::<Config>()
            .map_err(|e| anyhow::anyhow!("the PostgreSQL URL is not valid: {e}"))?,
        None => Config::new(),
    };
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if config.get_hosts().is_empty() {
        for host in env("PGHOST")
            .unwrap_or_else(|| "localhost".into())
            .split(',')
        {
            config.host(host);
        }
    }
    if config.get_ports().is_empty() {
        if let Some(port) = env("PGPORT") {
            let port: u16 = port
                .parse()
                .map_err(|_| anyhow::anyhow!("PGPORT={port:?} is not a port number"))?;
            config.port(port);
        }
    }
    if config.get_user().is_none() {
        let user = env("PGUSER")
            .or_else(|| env("USER"))
            .unwrap_or_else(|| "postgres".into());
        config.user(&user);
    }
    if config.get_password().is_none() {
        if let Some(password) = env("PGPASSWORD") {
            config.password(password);
        }
    }
    if config.get_dbname().is_none() {
        if let Some(db) = env("PGDATABASE") {
            config.dbname(&db);
        }
    }
    config.application_name("nerpipe");
    Ok(config)
}

/// "user@host:port/db" for messages, without the password.
fn describe(config: &Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            postgres::config::Host::Tcp(name) => name.clone(),
            #[cfg(unix)]
            postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let user = config.get_user().unwrap_or("");
    format!(
        "{user}@{}:{}/{}",
        hosts.join(","),
        config.get_ports().first().copied().unwrap_or(5432),
        config.get_dbname().unwrap_or(user)
    )
}

pub fn connect(url: Option<&str>) -> anyhow::Result<Client> {
    let config = config(url)?;
    config
        .connect(NoTls)
        .with_context(|| format!("cannot connect to PostgreSQL at {}", describe(&config)))
}

/// Loads the run in `out` into the database at `url` (or the PG* variables).
pub fn load(url: Option<&str>, out: &Path) -> anyhow::Result<LoadCounts> {
    let mut client = connect(url)?;
    load_into(&mut client, out)
}

/// [`load`] over an open connection.
pub fn load_into(client: &mut Client, out: &Path) -> anyhow::Result<LoadCounts> {
    let run = RunInfo::read(out)?;
    let run_id = run_id(out, &run)?;
    let mut tx = client.transaction()?;
    // Concurrent loads would race on the same run; let them take turns.
    tx.execute("SELECT pg_advisory_xact_lock(7471524)", &[])?;
    check_schema(&mut tx)?;
    tx.batch_execute(&postgres_ddl())
        .context("cannot create the nerpipe schema")?;
    let mut counts = LoadCounts::default();
    let known = tx.query_opt("SELECT 1 FROM nerpipe.runs WHERE run_id = $1", &[&run_id])?;
    if known.is_some() {
        counts.already_loaded = true;
        for (table, n) in [
            ("documents", &mut counts.documents),
            ("mentions", &mut counts.mentions),
            ("entities", &mut counts.entities),
            ("entity_aliases", &mut counts.entity_aliases),
        ] {
            let sql = format!("SELECT count(*) FROM nerpipe.{table} WHERE run_id = $1");
            *n = tx.query_one(&sql, &[&run_id])?.get::<_, i64>(0) as u64;
        }
        return Ok(counts);
    }
    stage(&mut tx, out, &run_id, &mut counts)?;
    insert(&mut tx, &run, &run_id, &mut counts)
        .with_context(|| format!("{}: cannot insert the run into PostgreSQL", out.display()))?;
    tx.commit().context("cannot commit the load")?;
    Ok(counts)
}

/// Refuses a schema whose tables predate run-scoped keys.
fn check_schema(tx: &mut Transaction<'_>) -> anyhow::Result<()> {
    let row = tx.query_one(
        "SELECT count(*) FILTER (WHERE true), count(*) FILTER (WHERE column_name = 'run_id')
         FROM information_schema.columns
         WHERE table_schema = 'nerpipe' AND table_name = 'entity_aliases'",
        &[],
    )?;
    let (columns, scoped): (i64, i64) = (row.get(0), row.get(1));
    if columns > 0 && scoped == 0 {
        anyhow::bail!("{}", Dialect::Postgres.old_schema_hint());
    }
    // Tables made by an earlier nerpipe gain the columns added since.
    for table in GROWING_TABLES {
        let existing: Vec<String> = tx
            .query(
                "SELECT column_name::text FROM information_schema.columns
                 WHERE table_schema = 'nerpipe' AND table_name = $1",
                &[&table.name],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect();
        if !existing.is_empty() {
            for alter in Dialect::Postgres.added_columns_ddl(table, &existing) {
                tx.batch_execute(&alter)?;
            }
        }
    }
    Ok(())
}

/// The staged tables: the schema's columns, JSON as text and the sort number
/// as float8 (the NUMERIC is cast from the exact text when merging).
fn staging_ddl() -> String {
    [
        &DOCUMENTS,
        &DOCUMENT_ERRORS,
        &ENTITIES,
        &ENTITY_ALIASES,
        &MENTIONS,
    ]
    .iter()
    .map(|table| {
        let columns: Vec<String> = table
            .columns
            .iter()
            .map(|c| format!("{} {}", c.name, staging_type(c.ty)))
            .collect();
        format!(
            "CREATE TEMP TABLE stage_{} ({}) ON COMMIT DROP;\n",
            table.name,
            columns.join(", ")
        )
    })
    .collect()
}

fn staging_type(ty: SqlType) -> &'static str {
    match ty {
        SqlType::Text | SqlType::Json => "text",
        SqlType::Int => "int8",
        SqlType::Real | SqlType::ValueNumber(_) => "float8",
    }
}

fn copy_types(table: &Table) -> Vec<Type> {
    table
        .columns
        .iter()
        .map(|c| match c.ty {
            SqlType::Text | SqlType::Json => Type::TEXT,
            SqlType::Int => Type::INT8,
            SqlType::Real | SqlType::ValueNumber(_) => Type::FLOAT8,
        })
        .collect()
}

/// Binary COPY of `rows` into `stage_<table>`; returns the row count.
fn copy_rows(
    tx: &mut Transaction<'_>,
    table: &Table,
    rows: impl Iterator<Item = anyhow::Result<Vec<SqlValue>>>,
) -> anyhow::Result<u64> {
    let sink = tx.copy_in(&format!(
        "COPY stage_{} FROM STDIN (FORMAT binary)",
        table.name
    ))?;
    let mut w = BinaryCopyInWriter::new(sink, &copy_types(table));
    for row in rows {
        let mut row = row?;
        for (cell, column) in row.iter_mut().zip(table.columns.iter()) {
            without_nul(cell, column.ty);
        }
        let cells: Vec<&(dyn ToSql + Sync)> =
            row.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
        w.write(&cells)
            .with_context(|| format!("cannot copy a row of {}", table.name))?;
    }
    Ok(w.finish()?)
}

fn stage(
    tx: &mut Transaction<'_>,
    out: &Path,
    run_id: &str,
    counts: &mut LoadCounts,
) -> anyhow::Result<()> {
    tx.batch_execute(&staging_ddl())?;
    // Failed documents are few: keep their rows to copy after.
    let mut errors = Vec::new();
    let documents = read_documents(out)?.enumerate().map(|(position, d)| {
        let d = d?;
        errors.extend(document_error_row(run_id, position, &d));
        Ok(document_row(run_id, position, &d))
    });
    counts.documents = copy_rows(tx, &DOCUMENTS, documents)?;
    copy_rows(tx, &DOCUMENT_ERRORS, errors.into_iter().map(Ok))?;

    // Aliases are small next to mentions; keep them to copy after.
    let mut aliases = Vec::new();
    let entities = read_entities(out)?.map(|e| {
        let e = e?;
        aliases.extend(alias_rows(run_id, &e));
        entity_row(run_id, &e)
    });
    counts.entities = copy_rows(tx, &ENTITIES, entities)?;
    counts.entity_aliases = copy_rows(tx, &ENTITY_ALIASES, aliases.into_iter().map(Ok))?;

    let mentions = read_mentions(out)?.map(|m| Ok(mention_row(run_id, &m?)));
    counts.mentions = copy_rows(tx, &MENTIONS, mentions)?;
    Ok(())
}

/// PostgreSQL stores no NUL character, in text or in jsonb (`\u0000`): each
/// becomes U+FFFD, so one document's NUL never fails the load (SQLite, CSV
/// and JSONL keep it as it is).
fn without_nul(cell: &mut SqlValue, ty: SqlType) {
    let SqlValue::Text(s) = cell else {
        return;
    };
    match ty {
        SqlType::Json if s.contains("\\u0000") => {
            if let Ok(mut v) = serde_json::from_str::<serde_json::Value>(s) {
                replace_nul_in_json(&mut v);
                *s = v.to_string();
            }
        }
        _ if s.contains('\0') => *s = s.replace('\0', "\u{FFFD}"),
        _ => {}
    }
}

fn replace_nul_in_json(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::String(s) => *s = s.replace('\0', "\u{FFFD}"),
        Value::Array(items) => items.iter_mut().for_each(replace_nul_in_json),
        Value::Object(map) => {
            let entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
            for (k, mut value) in entries {
                replace_nul_in_json(&mut value);
                map.insert(k.replace('\0', "\u{FFFD}"), value);
            }
        }
        _ => {}
    }
}

impl ToSql for SqlValue {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            SqlValue::Text(s) => s.to_sql(ty, out),
            SqlValue::Int(i) => i.to_sql(ty, out),
            SqlValue::Real(r) => r.to_sql(ty, out),
            SqlValue::Null => Ok(IsNull::Yes),
        }
    }

    fn accepts(ty: &Type) -> bool {
        [Type::TEXT, Type::INT8, Type::FLOAT8].contains(ty)
    }

    postgres::types::to_sql_checked!();
}

/// `INSERT INTO nerpipe.<table> SELECT ... FROM stage_<table>`, the columns
/// as the schema lists them: NUMERIC cast from the exact text beside it (NULL
/// when it is not a plain decimal), JSON cast to jsonb.
fn insert_from_stage(table: &Table, tail: &str) -> String {
    let mut names = Vec::new();
    let mut cells = Vec::new();
    for c in table.columns {
        names.push(Dialect::Postgres.column(c).0.to_string());
        cells.push(match c.ty {
            SqlType::ValueNumber(_) => {
                let text = c.name.strip_suffix("_real").unwrap_or(c.name);
                format!("CASE WHEN s.{text} ~ '^-?[0-9]+(\\.[0-9]+)?$' THEN s.{text}::numeric END")
            }
            SqlType::Json => format!("s.{}::jsonb", c.name),
            _ => format!("s.{}", c.name),
        });
    }
    format!(
        "INSERT INTO nerpipe.{0} ({1}) SELECT {2} FROM stage_{0} s{tail}",
        table.name,
        names.join(", "),
        cells.join(", ")
    )
}

fn insert(
    tx: &mut Transaction<'_>,
    run: &RunInfo,
    run_id: &str,
    counts: &mut LoadCounts,
) -> anyhow::Result<()> {
    let corpus = run.corpus.as_ref().map(|c| c.display().to_string());
    counts.inserted += tx.execute(
        "INSERT INTO nerpipe.runs (run_id, nerpipe_version, model_name, weights_sha256, corpus, run_json)
         VALUES ($1, $2, $3, $4, $5, $6::text::jsonb)",
        &[&run_id, &run.nerpipe_version, &run.model_name, &run.weights_sha256, &corpus, &run.raw],
    )?;
    // A later documents row for a seen doc_id is the run's "duplicate doc_id"
    // error row: the first row keeps the key, as in SQLite.
    let sql = insert_from_stage(&DOCUMENTS, " ORDER BY s.doc_id, s.position").replacen(
        "SELECT s.",
        "SELECT DISTINCT ON (s.doc_id) s.",
        1,
    );
    let documents = tx.execute(&sql, &[])?;
    counts.documents = documents;
    counts.inserted += documents;
    // Failed documents' rows, addressable by source position (not counted
    // in `inserted`, as in SQLite: they repeat documents rows).
    tx.execute(&insert_from_stage(&DOCUMENT_ERRORS, ""), &[])
        .context("cannot insert the document errors")?;
    for table in [&ENTITIES, &ENTITY_ALIASES, &MENTIONS] {
        let tail = if table.name == ENTITY_ALIASES.name {
            " ON CONFLICT DO NOTHING"
        } else {
            ""
        };
        counts.inserted += tx
            .execute(&insert_from_stage(table, tail), &[])
            .with_context(|| format!("cannot insert the {}", table.name))?;
    }
    Ok(())
}

/// Rows per table, for checks and the closing summary.
pub fn table_counts(client: &mut Client) -> anyhow::Result<Vec<(String, i64)>> {
    let mut counts = Vec::new();
    for table in [
        "runs",
        "documents",
        "document_errors",
        "entities",
        "entity_aliases",
        "mentions",
    ] {
        let row = client.query_one(&format!("SELECT count(*) FROM nerpipe.{table}"), &[])?;
        counts.push((table.to_string(), row.get(0)));
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_characters_become_replacement_characters() {
        let mut text = SqlValue::Text("Ša\0rić".into());
        without_nul(&mut text, SqlType::Text);
        assert_eq!(text, SqlValue::Text("Ša\u{FFFD}rić".into()));
        let mut json = SqlValue::Text(r#"{"k\u0000":["a\u0000b",1],"x":"\\u0000"}"#.into());
        without_nul(&mut json, SqlType::Json);
        assert_eq!(
            json,
            SqlValue::Text("{\"k\u{FFFD}\":[\"a\u{FFFD}b\",1],\"x\":\"\\\\u0000\"}".into())
        );
        let mut clean = SqlValue::Text("Darko".into());
        without_nul(&mut clean, SqlType::Json);
        assert_eq!(clean, SqlValue::Text("Darko".into()));
    }
}
