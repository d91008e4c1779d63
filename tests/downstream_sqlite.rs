mod fake_run;
mod services;

use std::collections::BTreeMap;
use std::process::Command;

/// `label -> count` from entities.csv.
fn csv_label_counts(out: &std::path::Path) -> BTreeMap<String, i64> {
    let mut counts = BTreeMap::new();
    let mut reader = csv::Reader::from_path(out.join("entities.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let label = headers.iter().position(|h| h == "label").unwrap();
    for row in reader.records() {
        *counts.entry(row.unwrap()[label].to_string()).or_insert(0) += 1;
    }
    counts
}

#[test]
fn sqlite_matches_the_output_files() {
    let run = fake_run::fake_run();
    nerpipe::sink::sqlite::write_sqlite(&run.out).unwrap();
    // Written again over the old file: still one file, no leftovers.
    nerpipe::sink::sqlite::write_sqlite(&run.out).unwrap();
    let db = run.out.join("nerpipe.sqlite");
    let leftovers: Vec<_> = std::fs::read_dir(&run.out)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let conn = rusqlite::Connection::open(&db).unwrap();
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(
        count("SELECT count(*) FROM mentions"),
        run.mentions.len() as i64
    );
    assert_eq!(
        count("SELECT count(*) FROM entities"),
        run.entities.len() as i64
    );
    assert_eq!(count("SELECT count(*) FROM documents"), 4);
    assert_eq!(
        count("SELECT count(*) FROM documents WHERE status = 'error'"),
        1
    );
    assert_eq!(count("SELECT count(*) FROM runs"), 1);
    let aliases: usize = run.entities.iter().map(|e| e.aliases.len()).sum();
    assert_eq!(count("SELECT count(*) FROM entity_aliases"), aliases as i64);
    // Exact decimal text plus a REAL for sorting.
    let (value, real): (String, f64) = conn
        .query_row(
            "SELECT value, value_real FROM mentions WHERE amount_kind = 'money'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((value.as_str(), real), ("4500000000", 4.5e9));
    let by_value: Vec<String> = conn
        .prepare("SELECT text FROM mentions WHERE value IS NOT NULL ORDER BY value_real")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        by_value,
        ["12%", "90 tonnes", "70\u{a0}000", "€4.5 billion"]
    );
    let text: String = conn
        .query_row(
            "SELECT text FROM mentions WHERE mention_id = 'c/notes.md#3'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(text, "ŠARIĆ");
    assert_eq!(count("SELECT count(*) FROM pragma_foreign_key_check"), 0);
    let plan: String = conn
        .query_row(
            "EXPLAIN QUERY PLAN SELECT * FROM mentions WHERE entity_id = 'x'",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(plan.contains("mentions_entity_id"), "{plan}");

    let Some(sqlite3) = services::sqlite3() else {
        return;
    };
    let output = Command::new(&sqlite3)
        .arg("-readonly")
        .arg(&db)
        .arg("SELECT label, count(*) FROM entities GROUP BY label ORDER BY label;")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let cli: BTreeMap<String, i64> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let (label, n) = l.split_once('|').unwrap();
            (label.to_string(), n.parse().unwrap())
        })
        .collect();
    assert_eq!(cli, csv_label_counts(&run.out));
    let check = Command::new(&sqlite3)
        .arg(&db)
        .arg("PRAGMA integrity_check;")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&check.stdout).trim(), "ok");
}

#[test]
fn broken_input_names_the_file() {
    let run = fake_run::fake_run();
    std::fs::write(run.out.join("entities.jsonl"), "{\"entity_id\": 3}\n").unwrap();
    let err = format!(
        "{:#}",
        nerpipe::sink::sqlite::write_sqlite(&run.out).unwrap_err()
    );
    assert!(err.contains("entities.jsonl:1"), "{err}");
    assert!(!run.out.join("nerpipe.sqlite").exists());
}

#[test]
fn a_database_made_before_the_lemma_column_gains_it() {
    let run = fake_run::fake_run();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("older.sqlite");
    // The schema as nerpipe made it before mentions had a lemma.
    let ddl = nerpipe::sink::schema::Dialect::Sqlite
        .ddl()
        .replace("    lemma TEXT,\n", "");
    assert!(!ddl.contains("lemma"), "{ddl}");
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch(&ddl)
        .unwrap();
    nerpipe::sink::sqlite::load(&db, &run.out).unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    let columns: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('mentions')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(columns.last().map(String::as_str), Some("lemma"));
    let loaded: i64 = conn
        .query_row("SELECT count(*) FROM mentions", [], |r| r.get(0))
        .unwrap();
    let written = std::fs::read_to_string(run.out.join("mentions.jsonl"))
        .unwrap()
        .lines()
        .count() as i64;
    assert_eq!(loaded, written);
}
