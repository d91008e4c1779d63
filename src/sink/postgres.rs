//! `nerpipe load --postgres URL <out>`: loads a run into PostgreSQL.
//!
//! The schema ([`crate::sink::schema::postgres_ddl`], tables in schema `nerpipe`) is
//! created if needed. The run's files are streamed with binary COPY into
//! temporary staging tables, then merged with `INSERT ... ON CONFLICT` on the
//! stable ids (doc_id, mention_id, entity_id), all in one transaction:
//!
//! - loading the same run twice changes nothing (unchanged rows are not even
//!   rewritten);
//! - a re-run of a changed corpus updates rows in place; mentions of the run's
//!   documents that the new run no longer has are deleted, and so are entities
//!   left without mentions. Rows of documents not in this run (other shards)
//!   are left alone.
//!
//! Credentials come from the URL or the standard PG* environment variables
//! (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE), never from files. The
//! connection is unencrypted (NoTls): use a local server or a tunnel.

use super::schema::{
    alias_rows, document_error_row, document_row, entity_row, mention_row, postgres_ddl, SqlType,
    SqlValue, Table, DOCUMENTS, DOCUMENT_ERRORS, ENTITIES, ENTITY_ALIASES, MENTIONS,
};
use crate::run::output::{read_documents, read_entities, read_mentions, RunInfo};
use anyhow::Context;
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{IsNull, ToSql, Type};
use postgres::{Client, Config, NoTls, Transaction};
use std::path::Path;

/// What a load did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadCounts {
    /// Rows of the run that were loaded (staged) per table.
    pub documents: u64,
    pub mentions: u64,
    pub entities: u64,
    pub entity_aliases: u64,
    /// Rows inserted or updated (0 when the same run is loaded again).
    pub changed: u64,
    /// Stale rows deleted (mentions, aliases and entities the run no longer has).
    pub deleted: u64,
}

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
    let mut tx = client.transaction()?;
    // Concurrent loads would race on the same keys; let them take turns.
    tx.execute("SELECT pg_advisory_xact_lock(7471524)", &[])?;
    tx.batch_execute(&postgres_ddl())
        .context("cannot create the nerpipe schema")?;
    let mut counts = LoadCounts::default();
    stage(&mut tx, out, &run.run_id, &mut counts)?;
    merge(&mut tx, &run, &mut counts)
        .with_context(|| format!("{}: cannot merge the run into PostgreSQL", out.display()))?;
    tx.commit().context("cannot commit the load")?;
    Ok(counts)
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
        SqlType::Real | SqlType::ValueNumber => "float8",
    }
}

fn copy_types(table: &Table) -> Vec<Type> {
    table
        .columns
        .iter()
        .map(|c| match c.ty {
            SqlType::Text | SqlType::Json => Type::TEXT,
            SqlType::Int => Type::INT8,
            SqlType::Real | SqlType::ValueNumber => Type::FLOAT8,
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
        let row = row?;
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
        aliases.extend(alias_rows(&e));
        entity_row(run_id, &e)
    });
    counts.entities = copy_rows(tx, &ENTITIES, entities)?;
    counts.entity_aliases = copy_rows(tx, &ENTITY_ALIASES, aliases.into_iter().map(Ok))?;

    let mentions = read_mentions(out)?.map(|m| Ok(mention_row(run_id, &m?)));
    counts.mentions = copy_rows(tx, &MENTIONS, mentions)?;
    Ok(())
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

/// The numeric form of an exact decimal text column, NULL when it is not one.
const NUMERIC: &str = "CASE WHEN s.value ~ '^-?[0-9]+(\\.[0-9]+)?$' THEN s.value::numeric END";

fn merge(tx: &mut Transaction<'_>, run: &RunInfo, counts: &mut LoadCounts) -> anyhow::Result<()> {
    let corpus = run.corpus.as_ref().map(|c| c.display().to_string());
    counts.changed += tx.execute(
        "INSERT INTO nerpipe.runs AS t (run_id, nerpipe_version, model_name, weights_sha256, corpus, run_json)
         VALUES ($1, $2, $3, $4, $5, $6::text::jsonb)
         ON CONFLICT (run_id) DO NOTHING",
        &[&run.run_id, &run.nerpipe_version, &run.model_name, &run.weights_sha256, &corpus, &run.raw],
    )?;

    // A later documents.csv row for a seen doc_id is the run's "duplicate
    // doc_id" error row: the first row keeps the key, as in SQLite.
    counts.changed += tx.execute(
        "INSERT INTO nerpipe.documents AS t
             (doc_id, run_id, position, source_path, title, chars, tokens, mentions, status, error)
         SELECT DISTINCT ON (doc_id) doc_id, $1, position, source_path, title, chars, tokens, mentions, status, error
         FROM stage_documents ORDER BY doc_id, position
         ON CONFLICT (doc_id) DO UPDATE SET
             run_id = EXCLUDED.run_id, position = EXCLUDED.position, source_path = EXCLUDED.source_path,
             title = EXCLUDED.title, chars = EXCLUDED.chars, tokens = EXCLUDED.tokens,
             mentions = EXCLUDED.mentions, status = EXCLUDED.status, error = EXCLUDED.error
         WHERE (t.run_id, t.position, t.source_path, t.title, t.chars, t.tokens, t.mentions, t.status, t.error)
               IS DISTINCT FROM (EXCLUDED.run_id, EXCLUDED.position, EXCLUDED.source_path, EXCLUDED.title,
               EXCLUDED.chars, EXCLUDED.tokens, EXCLUDED.mentions, EXCLUDED.status, EXCLUDED.error)",
        &[&run.run_id],
    )?;

    // Failed rows by source position; a position this run read fine again
    // (or failed differently) replaces what an earlier load said.
    counts.deleted += tx.execute(
        "DELETE FROM nerpipe.document_errors e USING stage_documents d
         WHERE e.source_path = d.source_path AND d.status = 'ok'",
        &[],
    )?;
    counts.changed += tx.execute(
        "INSERT INTO nerpipe.document_errors AS t (source_path, run_id, position, doc_id, error)
         SELECT source_path, $1, position, doc_id, error FROM stage_document_errors
         ON CONFLICT (source_path) DO UPDATE SET
             run_id = EXCLUDED.run_id, position = EXCLUDED.position, doc_id = EXCLUDED.doc_id, error = EXCLUDED.error
         WHERE (t.run_id, t.position, t.doc_id, t.error)
               IS DISTINCT FROM (EXCLUDED.run_id, EXCLUDED.position, EXCLUDED.doc_id, EXCLUDED.error)",
        &[&run.run_id],
    )?;

    counts.changed += tx.execute(
        &format!(
            "INSERT INTO nerpipe.entities AS t
                 (entity_id, run_id, label, canonical, mention_count, document_count, score,
                  amount_kind, value, value_numeric, unit, other_labels)
             SELECT s.entity_id, $1, s.label, s.canonical, s.mention_count, s.document_count, s.score,
                    s.amount_kind, s.value, {NUMERIC}, s.unit, s.other_labels::jsonb
             FROM stage_entities s
             ON CONFLICT (entity_id) DO UPDATE SET
                 run_id = EXCLUDED.run_id, label = EXCLUDED.label, canonical = EXCLUDED.canonical,
                 mention_count = EXCLUDED.mention_count, document_count = EXCLUDED.document_count,
                 score = EXCLUDED.score, amount_kind = EXCLUDED.amount_kind, value = EXCLUDED.value,
                 value_numeric = EXCLUDED.value_numeric, unit = EXCLUDED.unit, other_labels = EXCLUDED.other_labels
             WHERE (t.run_id, t.label, t.canonical, t.mention_count, t.document_count, t.score,
                    t.amount_kind, t.value, t.unit, t.other_labels)
                   IS DISTINCT FROM (EXCLUDED.run_id, EXCLUDED.label, EXCLUDED.canonical, EXCLUDED.mention_count,
                    EXCLUDED.document_count, EXCLUDED.score, EXCLUDED.amount_kind, EXCLUDED.value,
                    EXCLUDED.unit, EXCLUDED.other_labels)"
        ),
        &[&run.run_id],
    )?;

    counts.deleted += tx.execute(
        "DELETE FROM nerpipe.entity_aliases a USING stage_entities e
         WHERE a.entity_id = e.entity_id
           AND NOT EXISTS (SELECT 1 FROM stage_aliases s WHERE s.entity_id = a.entity_id AND s.alias = a.alias)",
        &[],
    )?;
    counts.changed += tx.execute(
        "INSERT INTO nerpipe.entity_aliases (entity_id, alias)
         SELECT DISTINCT entity_id, alias FROM stage_aliases
         ON CONFLICT DO NOTHING",
        &[],
    )?;

    counts.changed += tx.execute(
        &format!(
            "INSERT INTO nerpipe.mentions AS t
                 (mention_id, run_id, doc_id, entity_id, label, text, start_char, end_char, score, source,
                  context, amount_kind, value, value_numeric, unit)
             SELECT s.mention_id, $1, s.doc_id, s.entity_id, s.label, s.text, s.start_char, s.end_char, s.score,
                    s.source, s.context, s.amount_kind, s.value, {NUMERIC}, s.unit
             FROM stage_mentions s
             ON CONFLICT (mention_id) DO UPDATE SET
                 run_id = EXCLUDED.run_id, doc_id = EXCLUDED.doc_id, entity_id = EXCLUDED.entity_id,
                 label = EXCLUDED.label, text = EXCLUDED.text, start_char = EXCLUDED.start_char,
                 end_char = EXCLUDED.end_char, score = EXCLUDED.score, source = EXCLUDED.source,
                 context = EXCLUDED.context, amount_kind = EXCLUDED.amount_kind, value = EXCLUDED.value,
                 value_numeric = EXCLUDED.value_numeric, unit = EXCLUDED.unit
             WHERE (t.run_id, t.doc_id, t.entity_id, t.label, t.text, t.start_char, t.end_char, t.score,
                    t.source, t.context, t.amount_kind, t.value, t.unit)
                   IS DISTINCT FROM (EXCLUDED.run_id, EXCLUDED.doc_id, EXCLUDED.entity_id, EXCLUDED.label,
                    EXCLUDED.text, EXCLUDED.start_char, EXCLUDED.end_char, EXCLUDED.score, EXCLUDED.source,
                    EXCLUDED.context, EXCLUDED.amount_kind, EXCLUDED.value, EXCLUDED.unit)"
        ),
        &[&run.run_id],
    )?;

    // This run is authoritative for its documents: their mentions it no longer
    // has are stale.
    let stale = tx.query(
        "DELETE FROM nerpipe.mentions m USING stage_documents d
         WHERE m.doc_id = d.doc_id
           AND NOT EXISTS (SELECT 1 FROM stage_mentions s WHERE s.mention_id = m.mention_id)
         RETURNING m.entity_id",
        &[],
    )?;
    counts.deleted += stale.len() as u64;
    let mut orphans: Vec<String> = stale.iter().map(|r| r.get(0)).collect();
    orphans.sort();
    orphans.dedup();
    if !orphans.is_empty() {
        // Only entities that just lost mentions, and now have none anywhere.
        counts.deleted += tx.execute(
            "DELETE FROM nerpipe.entities e
             WHERE e.entity_id = ANY($1)
               AND NOT EXISTS (SELECT 1 FROM nerpipe.mentions m WHERE m.entity_id = e.entity_id)",
            &[&orphans],
        )?;
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
