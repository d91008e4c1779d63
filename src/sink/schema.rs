//! The database schema, defined once for SQLite (`nerpipe.sqlite`, `nerpipe
//! load --sqlite`) and PostgreSQL (`nerpipe load --postgres`, `nerpipe schema
//! --postgres`): the tables and their columns, the DDL of each dialect made
//! from them, and the rows of a run's output folder in column order, which
//! both databases take as they are.
//!
//! One database holds many runs: every row is run-scoped (`run_id` leads each
//! key), because a run's entities are resolved over that run's corpus, so its
//! counts and aliases are only true together. `run_id` is a hash of the run's
//! results ([`crate::sink::read::run_id`]): loading the same results again
//! (the same run, or a rerun that gave the same bytes) finds its key and
//! changes nothing. Deleting a row of `runs` deletes the run's rows.
//!
//! Offsets are code points (`start_char`, `end_char`; `end` is a reserved word
//! in SQL). Amount values are kept as the exact decimal text (`value`,
//! `value_max`) plus a number for sorting and range queries: REAL
//! `value_real` in SQLite, NUMERIC `value_numeric` (exact) in PostgreSQL.

use crate::doc::{DocumentOutcome, Entity, Mention};

/// A column's logical type, rendered per dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlType {
    Text,
    Int,
    Real,
    /// JSON text: TEXT in SQLite, jsonb in PostgreSQL.
    Json,
    /// The number beside an exact decimal column: REAL under the column's
    /// name in SQLite, `numeric` under the name given here in PostgreSQL.
    ValueNumber(&'static str),
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
    /// Table constraints: `(columns) REFERENCES table(columns) ...`.
    pub foreign_keys: &'static [&'static str],
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
const RUN_FK: &str = "REFERENCES runs(run_id) ON DELETE CASCADE";

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
    foreign_keys: &[],
};

pub const DOCUMENTS: Table = Table {
    name: "documents",
    columns: &[
        col("doc_id", Text, ""),
        col("run_id", Text, RUN_FK),
        col("position", Int, ""),
        col("source_path", Text, ""),
        col("title", Text, ""),
        col("chars", Int, ""),
        col("tokens", Int, ""),
        col("mentions", Int, ""),
        col("status", Text, "CHECK (status IN ('ok', 'error'))"),
        col("error", Text, ""),
        // Added with the document formats: nullable, so that a database
        // made before them gains them (see `added_columns_ddl`).
        nullable("format", Text),
        nullable("language", Text),
        nullable("script", Text),
        nullable("language_source", Text),
        nullable("pages", Int),
        nullable("encoding", Text),
        nullable("text", Text),
        nullable("metadata", Json),
        // Added with OCR.
        nullable("ocr_pages", Int),
        nullable("ocr_confidence", Real),
    ],
    primary_key: &["run_id", "doc_id"],
    foreign_keys: &[],
};

/// Every failed document, one row per source position (its source_path: a
/// file, or `file:line` in a JSONL file), so that a failed row whose doc_id
/// another document already holds (a duplicate id) is in the database too.
pub const DOCUMENT_ERRORS: Table = Table {
    name: "document_errors",
    columns: &[
        col("source_path", Text, ""),
        col("run_id", Text, RUN_FK),
        col("position", Int, ""),
        col("doc_id", Text, ""),
        col("error", Text, ""),
    ],
    primary_key: &["run_id", "source_path"],
    foreign_keys: &[],
};

pub const ENTITIES: Table = Table {
    name: "entities",
    columns: &[
        col("entity_id", Text, ""),
        col("run_id", Text, RUN_FK),
        col("label", Text, LABEL_CHECK),
        col("canonical", Text, ""),
        col("mention_count", Int, ""),
        col("document_count", Int, ""),
        col("score", Real, ""),
        nullable("amount_kind", Text),
        nullable("value", Text),
        nullable("value_real", ValueNumber("value_numeric")),
        nullable("unit", Text),
        col("other_labels", Json, ""),
        nullable("value_max", Text),
        nullable("value_max_real", ValueNumber("value_max_numeric")),
        nullable("qualifier", Text),
        // Ids merged into this one by an analyst's `same` decisions (a JSON
        // array), NULL where none: a database holding an old id follows it.
        nullable("merged_ids", Json),
    ],
    primary_key: &["run_id", "entity_id"],
    foreign_keys: &[],
};

/// The tables that gain nullable columns in later releases: a database an
/// earlier nerpipe made gets them added when a run is loaded.
pub const GROWING_TABLES: [&Table; 3] = [&DOCUMENTS, &MENTIONS, &ENTITIES];

pub const ENTITY_ALIASES: Table = Table {
    name: "entity_aliases",
    columns: &[
        col("run_id", Text, ""),
        col("entity_id", Text, ""),
        col("alias", Text, ""),
    ],
    primary_key: &["run_id", "entity_id", "alias"],
    foreign_keys: &["(run_id, entity_id) REFERENCES entities(run_id, entity_id) ON DELETE CASCADE"],
};

pub const MENTIONS: Table = Table {
    name: "mentions",
    columns: &[
        col("mention_id", Text, ""),
        col("run_id", Text, RUN_FK),
        col("doc_id", Text, ""),
        col("entity_id", Text, ""),
        col("label", Text, LABEL_CHECK),
        col("text", Text, ""),
        col("start_char", Int, ""),
        col("end_char", Int, ""),
        col("score", Real, ""),
        col("source", Text, ""),
        col("context", Text, ""),
        nullable("amount_kind", Text),
        nullable("value", Text),
        nullable("value_real", ValueNumber("value_numeric")),
        nullable("unit", Text),
        nullable("value_max", Text),
        nullable("value_max_real", ValueNumber("value_max_numeric")),
        nullable("qualifier", Text),
        nullable("lemma", Text),
    ],
    primary_key: &["run_id", "mention_id"],
    foreign_keys: &[
        "(run_id, doc_id) REFERENCES documents(run_id, doc_id) ON DELETE CASCADE",
        "(run_id, entity_id) REFERENCES entities(run_id, entity_id) ON DELETE CASCADE",
    ],
};

pub const TABLES: [&Table; 6] = [
    &RUNS,
    &DOCUMENTS,
    &DOCUMENT_ERRORS,
    &ENTITIES,
    &ENTITY_ALIASES,
    &MENTIONS,
];

/// (index name, table, columns). The id columns lead so that one id is found
/// across runs; `run_id` follows for the foreign keys' cascades.
pub const INDEXES: [(&str, &str, &str); 9] = [
    ("documents_doc_id", "documents", "doc_id, run_id"),
    ("mentions_doc_id", "mentions", "doc_id, run_id"),
    ("mentions_entity_id", "mentions", "entity_id, run_id"),
    ("mentions_label", "mentions", "label"),
    (
        "mentions_amount",
        "mentions",
        "amount_kind, unit, value_real",
    ),
    ("entities_entity_id", "entities", "entity_id, run_id"),
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
            (Dialect::Sqlite, Real | ValueNumber(_)) => (column.name, "REAL"),
            (Dialect::Postgres, Text) => (column.name, "text"),
            (Dialect::Postgres, Json) => (column.name, "jsonb"),
            (Dialect::Postgres, Int) => (column.name, "bigint"),
            (Dialect::Postgres, Real) => (column.name, "double precision"),
            (Dialect::Postgres, ValueNumber(name)) => (name, "numeric"),
        }
    }

    /// When a run was loaded, for "the latest run of a document" queries.
    fn loaded_at(self) -> &'static str {
        match self {
            Dialect::Sqlite => {
                "    loaded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"
            }
            Dialect::Postgres => "    loaded_at timestamptz NOT NULL DEFAULT now()",
        }
    }

    fn ddl_of(self, table: &Table) -> String {
        let prefix = self.prefix();
        let references = |c: &str| c.replace("REFERENCES ", &format!("REFERENCES {prefix}"));
        let mut lines: Vec<String> = table
            .columns
            .iter()
            .map(|c| {
                let (name, ty) = self.column(c);
                let constraint = references(c.constraint);
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
        if table.name == RUNS.name {
            lines.push(self.loaded_at().into());
        }
        if !table.primary_key.is_empty() {
            lines.push(format!(
                "    PRIMARY KEY ({})",
                table.primary_key.join(", ")
            ));
        }
        for fk in table.foreign_keys {
            lines.push(format!("    FOREIGN KEY {}", references(fk)));
        }
        format!(
            "CREATE TABLE IF NOT EXISTS {prefix}{} (\n{}\n);\n",
            table.name,
            lines.join(",\n")
        )
    }

    /// The whole schema: tables, then indexes; idempotent in both dialects.
    pub fn ddl(self) -> String {
        let mut ddl = String::new();
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
                "CREATE INDEX IF NOT EXISTS {name} ON {}{table}({columns});\n",
                self.prefix()
            ));
        }
        ddl
    }

    /// `ALTER TABLE` statements adding the nullable columns of `table` that a
    /// database made by an earlier nerpipe lacks (`existing`: its columns).
    pub fn added_columns_ddl(self, table: &Table, existing: &[String]) -> Vec<String> {
        table
            .columns
            .iter()
            .filter(|c| !c.not_null)
            // Compared under the dialect's own name (PostgreSQL keeps a
            // value's exact number as `value_numeric`).
            .map(|c| self.column(c))
            .filter(|(name, _)| !existing.iter().any(|e| e == name))
            .map(|(name, ty)| {
                format!(
                    "ALTER TABLE {}{} ADD COLUMN {name} {ty}",
                    self.prefix(),
                    table.name
                )
            })
            .collect()
    }

    /// The schema of a database made by an older nerpipe (one run per
    /// database, no run in the keys) cannot take a second run; say so.
    pub fn old_schema_hint(self) -> &'static str {
        match self {
            Dialect::Sqlite => "the database was made by an older nerpipe (one run per database): load into a new file",
            Dialect::Postgres => "schema nerpipe was made by an older nerpipe (one run per database): rename it (ALTER SCHEMA nerpipe RENAME TO nerpipe_old) and load again",
        }
    }
}

/// What loading a run into a database did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadCounts {
    /// Rows of the run per table (inserted, or found when already loaded).
    pub documents: u64,
    pub mentions: u64,
    pub entities: u64,
    pub entity_aliases: u64,
    /// Rows inserted, over all tables (0 when the run was already loaded).
    pub inserted: u64,
    /// The run's id was already in the database: nothing was written.
    pub already_loaded: bool,
}

/// `nerpipe schema`.
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
        d.format.as_str().into(),
        d.language.as_str().into(),
        d.script.as_str().into(),
        d.language_source.as_str().into(),
        d.pages.map_or(SqlValue::Null, SqlValue::from),
        d.encoding.as_str().into(),
        d.text.as_str().into(),
        SqlValue::Text(serde_json::Value::Object(d.metadata.clone()).to_string()),
        d.ocr_pages.map_or(SqlValue::Null, SqlValue::from),
        d.ocr_confidence.into(),
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
    let value_max = amount.and_then(|a| a.value_max.as_deref());
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
        value_max.into(),
        value_real(value_max).into(),
        amount.and_then(|a| a.qualifier.as_deref()).into(),
        match e.merged_ids.as_slice() {
            [] => SqlValue::Null,
            ids => SqlValue::Text(serde_json::to_string(ids)?),
        },
    ])
}

/// The rows of [`ENTITY_ALIASES`] of one entity.
pub fn alias_rows<'a>(run_id: &'a str, e: &'a Entity) -> impl Iterator<Item = Vec<SqlValue>> + 'a {
    e.aliases
        .iter()
        .map(move |a| vec![run_id.into(), e.id.as_str().into(), a.as_str().into()])
}

/// The row of [`MENTIONS`].
pub fn mention_row(run_id: &str, m: &Mention) -> Vec<SqlValue> {
    let amount = m.amount.as_ref();
    let value = amount.map(|a| a.value.as_str());
    let value_max = amount.and_then(|a| a.value_max.as_deref());
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
        value_max.into(),
        value_real(value_max).into(),
        amount.and_then(|a| a.qualifier.as_deref()).into(),
        Some(m.lemma()).filter(|l| !l.is_empty()).into(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_dialects_have_every_column() {
        let sqlite = Dialect::Sqlite.ddl();
        let pg = Dialect::Postgres.ddl();
        assert!(sqlite.contains("CREATE TABLE IF NOT EXISTS mentions (\n    mention_id TEXT NOT NULL,\n    run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,"), "{sqlite}");
        assert!(pg.contains("CREATE TABLE IF NOT EXISTS nerpipe.entity_aliases (\n    run_id text NOT NULL,\n    entity_id text NOT NULL,\n    alias text NOT NULL,\n    PRIMARY KEY (run_id, entity_id, alias),\n    FOREIGN KEY (run_id, entity_id) REFERENCES nerpipe.entities(run_id, entity_id) ON DELETE CASCADE\n);"), "{pg}");
        assert!(pg.contains("value_numeric numeric,"));
        assert!(pg.contains("value_max_numeric numeric,"));
        assert!(pg.contains("CREATE INDEX IF NOT EXISTS mentions_amount ON nerpipe.mentions(amount_kind, unit, value_numeric);"));
        assert!(pg.contains("loaded_at timestamptz NOT NULL DEFAULT now()"));
        assert!(sqlite.contains("    value_real REAL,\n"));
        assert!(sqlite.contains(
            "    value_max_real REAL,\n    qualifier TEXT,\n    lemma TEXT,\n    PRIMARY KEY (run_id, mention_id),"
        ));
    }

    #[test]
    fn row_builders_follow_the_columns() {
        let e = Entity {
            id: "x".into(),
            label: crate::doc::Label::Amount,
            canonical: "5-10 t".into(),
            aliases: vec!["a".into()],
            mention_count: 1,
            document_count: 1,
            documents: vec!["d".into()],
            score: 1.0,
            amount: None,
            other_labels: Vec::new(),
            merged_ids: Vec::new(),
        };
        assert_eq!(entity_row("r", &e).unwrap().len(), ENTITIES.columns.len());
        assert_eq!(
            alias_rows("r", &e).next().unwrap().len(),
            ENTITY_ALIASES.columns.len()
        );
    }

    #[test]
    fn added_columns_are_only_the_missing_ones_under_their_dialect_names() {
        let columns = |d: Dialect| -> Vec<String> {
            MENTIONS
                .columns
                .iter()
                .map(|c| d.column(c).0.to_string())
                .filter(|n| n != "lemma")
                .collect()
        };
        for dialect in [Dialect::Sqlite, Dialect::Postgres] {
            let alters = dialect.added_columns_ddl(&MENTIONS, &columns(dialect));
            assert_eq!(alters.len(), 1, "{alters:?}");
            assert!(
                alters[0].ends_with("mentions ADD COLUMN lemma TEXT")
                    || alters[0].ends_with("mentions ADD COLUMN lemma text"),
                "{alters:?}"
            );
        }
    }
}
