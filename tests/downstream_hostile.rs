//! A real run over a corpus with hostile doc_ids (`=HYPERLINK(...)`, `+plus`,
//! `-minus`, `@x`), a range, a qualifier and a 20-digit value: ids read the
//! same in every CSV column and list, ranges and qualifiers reach the CSVs and
//! both databases, and the databases keep the exact decimal.
mod common;
mod services;

use common::*;
use nerpipe::sink::csv::{ENTITY_COLUMNS, MENTION_COLUMNS};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::OnceLock;

const HYPERLINK: &str = "=HYPERLINK(\"http://evil.example\",\"x\")";

const CORPUS: &str = r#"{"id": "=HYPERLINK(\"http://evil.example\",\"x\")", "title": "Hyperlink", "text": "Darko Šarić met Dijana Hrkalović in Belgrade. Police seized between 5 and 10 tonnes of cocaine.", "language": "en", "published_at": "2024-03-05"}
{"id": "+plus", "text": "Darko Šarić was seen in Bar. The account held 12345678901234567890.5 euros."}
{"id": "-minus", "text": "Veljko Belivuk paid more than 90 tonnes worth €4.5 billion to Darko Šarić."}
{"id": "@x", "text": "Europol and SIPA arrested Darko Šarić in Sarajevo."}
"#;

/// The run, made once for every test of this file.
fn out() -> &'static PathBuf {
    static RUN: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &RUN.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir_all(&corpus).unwrap();
        std::fs::write(corpus.join("hostile.jsonl"), CORPUS).unwrap();
        let out = dir.path().join("out");
        run_corpus(&corpus, &out, &["--no-report"]);
        (dir, out)
    })
    .1
}

fn records(name: &str) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut r = csv::Reader::from_path(out().join(name)).unwrap();
    let headers = r.headers().unwrap().iter().map(str::to_string).collect();
    (headers, r.records().map(Result::unwrap).collect())
}

fn column(headers: &[String], name: &str) -> usize {
    headers.iter().position(|h| h == name).unwrap()
}

#[test]
fn ids_read_the_same_in_every_column_and_list() {
    let guarded = [
        format!("'{HYPERLINK}"),
        "'+plus".to_string(),
        "'-minus".to_string(),
        "'@x".to_string(),
    ];
    let (h, docs) = records("documents.csv");
    let doc_ids: Vec<&str> = docs.iter().map(|r| &r[column(&h, "doc_id")]).collect();
    assert_eq!(
        doc_ids,
        guarded.iter().map(String::as_str).collect::<Vec<_>>()
    );
    let doc_set: BTreeSet<&str> = doc_ids.iter().copied().collect();

    let (h, mentions) = records("mentions.csv");
    for m in &mentions {
        let doc = &m[column(&h, "doc_id")];
        assert!(doc_set.contains(doc), "{doc}");
        let mention = &m[column(&h, "mention_id")];
        assert!(
            mention.starts_with(&format!("{doc}#")),
            "{mention} is not of {doc}"
        );
    }
    let (h, entities) = records("entities.csv");
    let mut listed = BTreeSet::new();
    for e in &entities {
        listed.extend(e[column(&h, "documents")].split(" | ").map(str::to_string));
    }
    assert_eq!(listed, doc_set.iter().map(|s| s.to_string()).collect());
    let saric = entities
        .iter()
        .find(|e| {
            &e[column(&h, "canonical")] == "Darko Šarić" && &e[column(&h, "label")] == "PERSON"
        })
        .unwrap();
    // All four: the model calls the "-minus" mention an ORGANISATION, and the
    // corpus consistency rule joins it to the PERSON entity.
    assert_eq!(
        &saric[column(&h, "documents")],
        format!("'{HYPERLINK} | '+plus | '-minus | '@x")
    );
    // The rule undone: one leading ' dropped gives the JSONL ids back.
    let raw: Vec<nerpipe::doc::DocumentOutcome> = read_jsonl(&out().join("documents.jsonl"));
    let undone: Vec<&str> = doc_ids
        .iter()
        .map(|d| d.strip_prefix('\'').unwrap_or(d))
        .collect();
    assert_eq!(
        undone,
        raw.iter().map(|d| d.doc_id.as_str()).collect::<Vec<_>>()
    );
    assert_eq!(nerpipe::sink::csv::csv_safe("'quoted"), "''quoted");
}

#[test]
fn ranges_and_qualifiers_reach_the_csvs() {
    let (h, mentions) = records("mentions.csv");
    assert_eq!(h, MENTION_COLUMNS);
    // Columns are only ever added at the end: value_max, qualifier, lemma.
    assert_eq!(&h[h.len() - 3..], ["value_max", "qualifier", "lemma"]);
    let amounts: Vec<(String, String, String, String)> = mentions
        .iter()
        .filter(|m| !m[column(&h, "value")].is_empty())
        .map(|m| {
            let c = |n: &str| m[column(&h, n)].to_string();
            (c("text"), c("value"), c("value_max"), c("qualifier"))
        })
        .collect();
    let s = |a: &str, b: &str, c: &str, d: &str| (a.into(), b.into(), c.into(), d.into());
    assert_eq!(
        amounts,
        [
            s("between 5 and 10 tonnes", "5", "10", ""),
            s(
                "12345678901234567890.5 euros",
                "12345678901234567890.5",
                "",
                ""
            ),
            s("more than 90 tonnes", "90", "", "more than"),
            s("€4.5 billion", "4500000000", "", ""),
        ]
    );
    let (h, entities) = records("entities.csv");
    assert_eq!(h, ENTITY_COLUMNS);
    let range = entities
        .iter()
        .find(|e| &e[column(&h, "canonical")] == "5-10 t")
        .unwrap();
    assert_eq!(
        (&range[column(&h, "value")], &range[column(&h, "value_max")]),
        ("5", "10")
    );
}

#[test]
fn sqlite_keeps_ranges_qualifiers_and_exact_values() {
    let conn = rusqlite::Connection::open(out().join("nerpipe.sqlite")).unwrap();
    let row = |sql: &str| {
        conn.query_row(sql, [], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<f64>>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })
        .unwrap()
    };
    let cols = "value, value_max, value_max_real, qualifier";
    assert_eq!(
        row(&format!(
            "SELECT {cols} FROM mentions WHERE text = 'between 5 and 10 tonnes'"
        )),
        ("5".into(), Some("10".into()), Some(10.0), None)
    );
    assert_eq!(
        row(&format!(
            "SELECT {cols} FROM mentions WHERE text = 'more than 90 tonnes'"
        )),
        ("90".into(), None, None, Some("more than".into()))
    );
    assert_eq!(
        row(&format!(
            "SELECT {cols} FROM entities WHERE canonical = '5-10 t'"
        )),
        ("5".into(), Some("10".into()), Some(10.0), None)
    );
    let exact: (String, f64) = conn
        .query_row(
            "SELECT value, value_real FROM mentions WHERE unit = 'EUR' ORDER BY value_real DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        exact,
        ("12345678901234567890.5".into(), 1.2345678901234567e19)
    );
}

#[test]
fn postgres_keeps_the_exact_value_as_numeric() {
    let Some(url) = services::postgres_url() else {
        return;
    };
    nerpipe::sink::postgres::load(Some(&url), out()).unwrap();
    let info = nerpipe::sink::read::RunInfo::read(out()).unwrap();
    let run = nerpipe::sink::read::run_id(out(), &info).unwrap();
    let mut client = nerpipe::sink::postgres::connect(Some(&url)).unwrap();
    let rows = client
        .query(
            "SELECT value, value_numeric::text AS exact, value_max_numeric::text AS exact_max, qualifier FROM nerpipe.mentions
             WHERE run_id = $1 AND value IS NOT NULL ORDER BY value_numeric",
            &[&run],
        )
        .unwrap();
    let got: Vec<(String, String, Option<String>, Option<String>)> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    let s = |a: &str, b: Option<&str>, c: Option<&str>| {
        (
            a.to_string(),
            a.to_string(),
            b.map(Into::into),
            c.map(Into::into),
        )
    };
    assert_eq!(
        got,
        [
            s("5", Some("10"), None),
            s("90", None, Some("more than")),
            s("4500000000", None, None),
            s("12345678901234567890.5", None, None),
        ]
    );
}
