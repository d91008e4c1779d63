//! The database schema, defined once for SQLite (`nerpipe.sqlite`) and
//! PostgreSQL (`nerpipe load`, `nerpipe schema --postgres`): the tables and
//! their columns, the DDL of each dialect made from them, and the rows of a
//! run's output folder in column order, which both databases take as they are.
//!
//! Offsets are code points (`start_char`, `end_char`; `end` is a reserved word
//! in SQL). Amount values are kept as the exact decimal text (`value`) plus a
//! number for sorting and range queries: REAL `value_real` in SQLite, NUMERIC
//! `value_numeric` in PostgreSQL (staged as the REAL and cast from the text).

use crate::doc::{DocumentOutcome, Entity, Mention};

/// A column's logical type, rendered per dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlType {
    Text,
    Int,
    Real,
    /// JSON text: TEXT in SQLite, jsonb in PostgreSQL.
    Json,
    /// The number beside an exact decimal `value`: `value_real REAL` in
    /// SQLite, `value_numeric numeric` in PostgreSQL.
    ValueNumber,
}

pub struct Column {
    pub name: &'static str,
    pub ty: SqlType,
    pub not_null: bool,
    /// `PRIMARY KEY`, `REFERENCES table(column)`, `CHECK (...)`.
    pub constraint: &'static str,
}

pub struct Table {
    pub name: &'static str,
    pub columns: &'static [Column],
    /// A composite primary key, if any.
    pub primary_key: &'static [&'static str],
}

const fn col(name: &'static str, ty: SqlType, constraint: &'static str) -> Column {
    Column {
        name,
        ty,
        not_null: true,
        constraint,
    }
}

const fn nullable(name: &'static str, ty: SqlType) -> Column {
    Column {
        name,
        ty,
        not_null: false,
        constraint: "",
    }
}

use SqlType::{Int, Json, Real, Text, ValueNumber};

const LABEL_CHECK: &str = "CHECK (label IN ('PERSON', 'ORGANISATION', 'PLACE', 'AMOUNT', 'MISC'))";

pub const RUNS: Table = Table {
    name: "runs",
    columns: &[
        col("run_id", Text, "PRIMARY KEY"),
        col("nerpipe_version", Text, ""),
        col("model_name", Text, ""),
        col("weights_sha256", Text, ""),
        nullable("corpus", Text),
        col("run_json", Json, ""),
    ],
    primary_key: &[],
};

pub const DOCUMENTS: Table = Table {
    name: "documents",
    columns: &[
        col("doc_id", Text, "PRIMARY KEY"),
        col("run_id", Text, "REFERENCES runs(run_id)"),
        col("position", Int, ""),
        col("source_path", Text, ""),
        col("title", Text, ""),
        col("chars", Int, ""),
        col("tokens", Int, ""),
        col("mentions", Int, ""),
        col("status", Text, "CHECK (status IN ('ok', 'error'))"),
        col("error", Text, ""),
    ],
    primary_key: &[],
};

/// Every failed document, one row per source position (its source_path: a
/// file, or `file:line` in a JSONL file), so that a failed row whose doc_id
/// another document already holds (a duplicate id) is in the database too.
pub const DOCUMENT_ERRORS: Table = Table {
    name: "document_errors",
    columns: &[
        col("source_path", Text, "PRIMARY KEY"),
        col("run_id", Text, "REFERENCES runs(run_id)"),
        col("position", Int, ""),
        col("doc_id", Text, ""),
        col("error", Text, ""),
    ],
    primary_key: &[],
};

pub const ENTITIES: Table = Table {
    name: "entities",
    columns: &[
        col("entity_id", Text, "PRIMARY KEY"),
        col("run_id", Text, "REFERENCES runs(run_id)"),
        col("label", Text, LABEL_CHECK),
        col("canonical", Text, ""),
        col("mention_count", Int, ""),
        col("document_count", Int, ""),
        col("score", Real, ""),
        nullable("amount_kind", Text),
        nullable("value", Text),
        nullable("value_real", ValueNumber),
        nullable("unit", Text),
        col("other_labels", Json, ""),
    ],
    primary_key: &[],
};

pub const ENTITY_ALIASES: Table = Table {
    name: "entity_aliases",
    columns: &[
        col(
            "entity_id",
            Text,
            "REFERENCES entities(entity_id) ON DELETE CASCADE",
        ),
        col("alias", Text, ""),
    ],
    primary_key: &["entity_id", "alias"],
};

pub const MENTIONS: Table = Table {
    name: "mentions",
    columns: &[
        col("mention_id", Text, "PRIMARY KEY"),
        col("run_id", Text, "REFERENCES runs(run_id)"),
        col("doc_id", Text, "REFERENCES documents(doc_id)"),
        col("entity_id", Text, "REFERENCES entities(entity_id)"),
        col("label", Text, LABEL_CHECK),
        col("text", Text, ""),
        col("start_char", Int, ""),
        col("end_char", Int, ""),
        col("score", Real, ""),
        col("source", Text, ""),
        col("context", Text, ""),
        nullable("amount_kind", Text),
        nullable("value", Text),
        nullable("value_real", ValueNumber),
        nullable("unit", Text),
    ],
    primary_key: &[],
};

pub const TABLES: [&Table; 6] = [
    &RUNS,
    &DOCUMENTS,
    &DOCUMENT_ERRORS,
    &ENTITIES,
    &ENTITY_ALIASES,
    &MENTIONS,
];

/// (index name, table, columns).
pub const INDEXES: [(&str, &str, &str); 7] = [
    ("mentions_doc_id", "mentions", "doc_id"),
    ("mentions_entity_id", "mentions", "entity_id"),
    ("mentions_label", "mentions", "label"),
    (
        "mentions_amount",
        "mentions",
        "amount_kind, unit, value_real",
    ),
    ("entities_label", "entities", "label"),
    (
        "entities_amount",
        "entities",
        "amount_kind, unit, value_real",
    ),
    ("entity_aliases_alias", "entity_aliases", "alias"),
];

/// The SQL dialects nerpipe writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// Where the tables live: PostgreSQL keeps them in schema `nerpipe`.
    fn prefix(self) -> &'static str {
        match self {
            Dialect::Sqlite => "",
            Dialect::Postgres => "nerpipe.",
        }
    }

    /// The name and type of `column` in this dialect.
    pub fn column(self, column: &Column) -> (&'static str, &'static str) {
        match (self, column.ty) {
            (Dialect::Sqlite, Text | Json) => (column.name, "TEXT"),
            (Dialect::Sqlite, Int) => (column.name, "INTEGER"),
            (Dialect::Sqlite, Real | ValueNumber) => (column.name, "REAL"),
            (Dialect::Postgres, Text) => (column.name, "text"),
            (Dialect::Postgres, Json) => (column.name, "jsonb"),
            (Dialect::Postgres, Int) => (column.name, "bigint"),
            (Dialect::Postgres, Real) => (column.name, "double precision"),
            (Dialect::Postgres, ValueNumber) => ("value_numeric", "numeric"),
        }
    }

    fn ddl_of(self, table: &Table) -> String {
        let prefix = self.prefix();
        let mut lines: Vec<String> = table
            .columns
            .iter()
            .map(|c| {
                let (name, ty) = self.column(c);
                let constraint = c
                    .constraint
                    .replace("REFERENCES ", &format!("REFERENCES {prefix}"));
                let mut line = format!("    {name} {ty}");
                if c.not_null && !constraint.starts_with("PRIMARY KEY") {
                    line.push_str(" NOT NULL");
                }
                if !constraint.is_empty() {
                    line.push(' ');
                    line.push_str(&constraint);
                }
                line
            })
            .collect();
        if self == Dialect::Postgres && table.name == RUNS.name {
            lines.push("    loaded_at timestamptz NOT NULL DEFAULT now()".into());
        }
        if !table.primary_key.is_empty() {
            lines.push(format!(
                "    PRIMARY KEY ({})",
                table.primary_key.join(", ")
            ));
        }
        let exists = if self == Dialect::Postgres {
            "IF NOT EXISTS "
        } else {
            ""
        };
        format!(
            "CREATE TABLE {exists}{prefix}{} (\n{}\n);\n",
            table.name,
            lines.join(",\n")
        )
    }

    /// The whole schema: tables, then indexes. PostgreSQL's is idempotent.
    pub fn ddl(self) -> String {
        let mut ddl = String::new();
        let exists = if self == Dialect::Postgres {
            "IF NOT EXISTS "
        } else {
            ""
        };
        if self == Dialect::Postgres {
            ddl.push_str("CREATE SCHEMA IF NOT EXISTS nerpipe;\n");
        }
        for table in TABLES {
            ddl.push_str(&self.ddl_of(table));
        }
        for (name, table, columns) in INDEXES {
            let columns = match self {
                Dialect::Sqlite => columns.to_string(),
                Dialect::Postgres => columns.replace("value_real", "value_numeric"),
            };
            ddl.push_str(&format!(
                "CREATE INDEX {exists}{name} ON {}{table}({columns});\n",
                self.prefix()
            ));
        }
        ddl
    }
}

/// `nerpipe schema --postgres`.
pub fn postgres_ddl() -> String {
    Dialect::Postgres.ddl()
}

/// One cell of a row, typed as its column is.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    Text(String),
    Int(i64),
    Real(f64),
    Null,
}

impl From<&str> for SqlValue {
    fn from(s: &str) -> Self {
        SqlValue::Text(s.to_string())
    }
}

impl From<Option<&str>> for SqlValue {
    fn from(s: Option<&str>) -> Self {
        s.map_or(SqlValue::Null, SqlValue::from)
    }
}

impl From<usize> for SqlValue {
    fn from(n: usize) -> Self {
        SqlValue::Int(n as i64)
    }
}

impl From<Option<f64>> for SqlValue {
    fn from(x: Option<f64>) -> Self {
        x.map_or(SqlValue::Null, SqlValue::Real)
    }
}

/// A decimal amount as a float for sorting; None when it does not parse.
pub fn value_real(value: Option<&str>) -> Option<f64> {
    value
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|v| v.is_finite())
}

/// The row of [`DOCUMENTS`] for the `position`-th line of documents.jsonl.
pub fn document_row(run_id: &str, position: usize, d: &DocumentOutcome) -> Vec<SqlValue> {
    vec![
        d.doc_id.as_str().into(),
        run_id.into(),
        position.into(),
        d.source_path.as_str().into(),
        d.title.as_str().into(),
        d.chars.into(),
        d.tokens.into(),
        d.mentions.into(),
        d.status.as_str().into(),
        d.error.as_str().into(),
    ]
}

/// The row of [`DOCUMENT_ERRORS`] of a failed document, `None` for one that is ok.
pub fn document_error_row(
    run_id: &str,
    position: usize,
    d: &DocumentOutcome,
) -> Option<Vec<SqlValue>> {
    (!d.is_ok()).then(|| {
        vec![
            d.source_path.as_str().into(),
            run_id.into(),
            position.into(),
            d.doc_id.as_str().into(),
            d.error.as_str().into(),
        ]
    })
}

/// The row of [`ENTITIES`].
pub fn entity_row(run_id: &str, e: &Entity) -> anyhow::Result<Vec<SqlValue>> {
    let amount = e.amount.as_ref();
    let value = amount.map(|a| a.value.as_str());
    Ok(vec![
        e.id.as_str().into(),
        run_id.into(),
        e.label.as_str().into(),
        e.canonical.as_str().into(),
        e.mention_count.into(),
        e.document_count.into(),
        SqlValue::Real(f64::from(e.score)),
        amount.map(|a| a.kind.as_str()).into(),
        value.into(),
        value_real(value).into(),
        amount.map(|a| a.unit.as_str()).into(),
        SqlValue::Text(serde_json::to_string(&e.other_labels)?),
    ])
}

/// The rows of [`ENTITY_ALIASES`] of one entity.
pub fn alias_rows(e: &Entity) -> impl Iterator<Item = Vec<SqlValue>> + '_ {
    e.aliases
        .iter()
        .map(|a| vec![e.id.as_str().into(), a.as_str().into()])
}

/// The row of [`MENTIONS`].
pub fn mention_row(run_id: &str, m: &Mention) -> Vec<SqlValue> {
    let amount = m.amount.as_ref();
    let value = amount.map(|a| a.value.as_str());
    vec![
        m.mention_id.as_str().into(),
        run_id.into(),
        m.doc_id.as_str().into(),
        m.entity_id.as_str().into(),
        m.label.as_str().into(),
        m.text.as_str().into(),
        m.start.into(),
        m.end.into(),
        SqlValue::Real(f64::from(m.score)),
        m.source.as_str().into(),
        m.context.as_str().into(),
        amount.map(|a| a.kind.as_str()).into(),
        value.into(),
        value_real(value).into(),
        amount.map(|a| a.unit.as_str()).into(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_dialects_have_every_column() {
        let sqlite = Dialect::Sqlite.ddl();
        let pg = Dialect::Postgres.ddl();
        assert!(sqlite.contains("CREATE TABLE mentions (\n    mention_id TEXT PRIMARY KEY,\n    run_id TEXT NOT NULL REFERENCES runs(run_id),"));
        assert!(pg.contains("CREATE TABLE IF NOT EXISTS nerpipe.entity_aliases (\n    entity_id text NOT NULL REFERENCES nerpipe.entities(entity_id) ON DELETE CASCADE,\n    alias text NOT NULL,\n    PRIMARY KEY (entity_id, alias)\n);"));
        assert!(pg.contains("value_numeric numeric,"));
        assert!(pg.contains("CREATE INDEX IF NOT EXISTS mentions_amount ON nerpipe.mentions(amount_kind, unit, value_numeric);"));
        assert!(pg.contains("loaded_at timestamptz NOT NULL DEFAULT now()"));
        assert!(sqlite.contains("    value_real REAL,\n"));
    }
}
