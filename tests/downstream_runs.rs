//! Many runs in one database (SQLite and a real PostgreSQL): two different
//! runs loaded one after the other, then a rerun of the first. Rows are
//! run-scoped; a run whose results are already there is not loaded again.
mod fake_run;
mod services;

use nerpipe::sink::schema::LoadCounts;
use std::path::{Path, PathBuf};

/// The database under test: SQL is written with `{p}` before table names.
trait Db {
    fn load(&mut self, out: &Path) -> LoadCounts;
    fn count(&mut self, sql: &str) -> i64;
    fn text(&mut self, sql: &str) -> String;
}

struct Sqlite(PathBuf);

impl Db for Sqlite {
    fn load(&mut self, out: &Path) -> LoadCounts {
        nerpipe::sink::sqlite::load(&self.0, out).unwrap()
    }
    fn count(&mut self, sql: &str) -> i64 {
        let conn = rusqlite::Connection::open(&self.0).unwrap();
        conn.query_row(&sql.replace("{p}", ""), [], |r| r.get(0))
            .unwrap()
    }
    fn text(&mut self, sql: &str) -> String {
        let conn = rusqlite::Connection::open(&self.0).unwrap();
        conn.query_row(&sql.replace("{p}", ""), [], |r| r.get(0))
            .unwrap()
    }
}

struct Postgres(String, postgres::Client);

impl Db for Postgres {
    fn load(&mut self, out: &Path) -> LoadCounts {
        nerpipe::sink::postgres::load(Some(&self.0), out).unwrap()
    }
    fn count(&mut self, sql: &str) -> i64 {
        let sql = sql.replace("{p}", "nerpipe.");
        self.1.query_one(&sql, &[]).unwrap().get(0)
    }
    fn text(&mut self, sql: &str) -> String {
        let sql = sql.replace("{p}", "nerpipe.");
        self.1.query_one(&sql, &[]).unwrap().get(0)
    }
}

/// Run A (the fake run), run B (next week's: the same doc ids, but doc c lost
/// its "12%" and an entity's canonical changed), and A' (a rerun of A: the
/// same results, a different run.json).
struct Runs {
    a: fake_run::FakeRun,
    b: PathBuf,
    rerun: PathBuf,
}

fn runs() -> Runs {
    let a = fake_run::fake_run();
    let b = a.dir.path().join("out-b");
    fake_run::copy_out(&a.out, &b);
    let filter = |name: &str, drop: &str, from: &str, to: &str| {
        let kept: Vec<String> = std::fs::read_to_string(a.out.join(name))
            .unwrap()
            .lines()
            .filter(|l| !l.contains(drop))
            .map(|l| l.replace(from, to))
            .collect();
        std::fs::write(b.join(name), kept.join("\n") + "\n").unwrap();
    };
    filter("mentions.jsonl", "c/notes.md#4", "", "");
    filter(
        "entities.jsonl",
        "amount-12-percent-5a6b",
        "\"canonical\":\"Beograd\"",
        "\"canonical\":\"Belgrade\"",
    );
    let run_json = std::fs::read_to_string(a.out.join("run.json")).unwrap();
    std::fs::write(
        b.join("run.json"),
        run_json.replace("\"batch_size\": 32", "\"batch_size\": 16"),
    )
    .unwrap();
    let rerun = a.dir.path().join("out-rerun");
    fake_run::copy_out(&a.out, &rerun);
    std::fs::write(
        rerun.join("run.json"),
        run_json.replace("\"batch_size\": 32", "\"batch_size\": 8"),
    )
    .unwrap();
    Runs { a, b, rerun }
}

fn run_id(out: &Path) -> String {
    let info = nerpipe::sink::read::RunInfo::read(out).unwrap();
    nerpipe::sink::read::run_id(out, &info).unwrap()
}

/// Rows of one run per table: documents, mentions, entities, aliases.
fn rows(db: &mut dyn Db, run: &str) -> [i64; 4] {
    ["documents", "mentions", "entities", "entity_aliases"].map(|t| {
        db.count(&format!(
            "SELECT count(*) FROM {{p}}{t} WHERE run_id = '{run}'"
        ))
    })
}

fn two_runs_then_a_rerun(db: &mut dyn Db) {
    let r = runs();
    let (a, b) = (run_id(&r.a.out), run_id(&r.b));
    assert_ne!(a, b);
    assert_eq!(
        run_id(&r.rerun),
        a,
        "a rerun with the same results is the same run"
    );
    let aliases: usize = r.a.entities.iter().map(|e| e.aliases.len()).sum();
    let (m, e, al) = (
        r.a.mentions.len() as i64,
        r.a.entities.len() as i64,
        aliases as i64,
    );

    let first = db.load(&r.a.out);
    assert!(!first.already_loaded);
    assert_eq!(
        (
            first.documents,
            first.mentions,
            first.entities,
            first.entity_aliases
        ),
        (4, m as u64, e as u64, al as u64)
    );
    assert_eq!(first.inserted, 1 + 4 + (m + e + al) as u64);
    assert_eq!(rows(db, &a), [4, m, e, al]);

    // Run B: its own rows beside A's; A is untouched.
    let second = db.load(&r.b);
    assert!(!second.already_loaded);
    assert_eq!(rows(db, &b), [4, m - 1, e - 1, al - 1]);
    assert_eq!(rows(db, &a), [4, m, e, al]);
    let runs = format!("run_id IN ('{a}', '{b}')");
    assert_eq!(
        db.count(&format!("SELECT count(*) FROM {{p}}runs WHERE {runs}")),
        2
    );
    assert_eq!(
        db.count(&format!(
            "SELECT count(*) FROM {{p}}documents WHERE doc_id = 'c/notes.md' AND {runs}"
        )),
        2
    );
    let canonical = |db: &mut dyn Db, run: &str| {
        db.text(&format!(
            "SELECT canonical FROM {{p}}entities WHERE entity_id = 'beograd-5e6f' AND run_id = '{run}'"
        ))
    };
    assert_eq!(
        (canonical(db, &a), canonical(db, &b)),
        ("Beograd".into(), "Belgrade".into())
    );
    assert_eq!(
        db.count(&format!(
            "SELECT count(*) FROM {{p}}mentions WHERE mention_id = 'c/notes.md#4' AND {runs}"
        )),
        1
    );

    // The rerun of A, and A itself again: nothing changes.
    for out in [&r.rerun, &r.a.out] {
        let again = db.load(out);
        assert!(again.already_loaded);
        assert_eq!(again.inserted, 0);
        assert_eq!((again.documents, again.mentions), (4, m as u64));
    }
    assert_eq!(rows(db, &a), [4, m, e, al]);
    assert_eq!(rows(db, &b), [4, m - 1, e - 1, al - 1]);
    assert_eq!(
        db.count(&format!("SELECT count(*) FROM {{p}}runs WHERE {runs}")),
        2
    );

    // The exact decimal beside the number for sorting.
    let money = format!("FROM {{p}}mentions WHERE run_id = '{a}' AND amount_kind = 'money'");
    assert_eq!(db.text(&format!("SELECT value {money}")), "4500000000");
}

#[test]
fn sqlite_holds_many_runs() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Sqlite(dir.path().join("all.sqlite"));
    two_runs_then_a_rerun(&mut db);
    // Deleting a run deletes its rows (foreign keys cascade).
    let conn = rusqlite::Connection::open(&db.0).unwrap();
    conn.execute_batch(
        "PRAGMA foreign_keys = ON; DELETE FROM runs WHERE run_id = (SELECT min(run_id) FROM runs);",
    )
    .unwrap();
    let left: i64 = conn
        .query_row("SELECT count(DISTINCT run_id) FROM mentions", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(left, 1);
    assert_eq!(
        conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r
            .get::<_, i64>(
            0
        ))
        .unwrap(),
        0
    );
}

#[test]
fn postgres_holds_many_runs() {
    let Some(url) = services::postgres_url() else {
        return;
    };
    let mut client = nerpipe::sink::postgres::connect(Some(&url)).unwrap();
    // The shared test database may hold these runs from an earlier test run:
    // deleting a run deletes its rows.
    let r = runs();
    let (a, b) = (run_id(&r.a.out), run_id(&r.b));
    client
        .batch_execute(&format!(
            "DO $$ BEGIN IF to_regclass('nerpipe.runs') IS NOT NULL THEN \
             DELETE FROM nerpipe.runs WHERE run_id IN ('{a}', '{b}'); END IF; END $$"
        ))
        .unwrap();
    let mut db = Postgres(url, client);
    two_runs_then_a_rerun(&mut db);
}

#[test]
fn an_old_single_run_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.sqlite");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("CREATE TABLE entity_aliases (entity_id TEXT, alias TEXT);")
        .unwrap();
    drop(conn);
    let run = fake_run::fake_run();
    let err = format!(
        "{:#}",
        nerpipe::sink::sqlite::load(&db, &run.out).unwrap_err()
    );
    assert!(
        err.contains("old.sqlite") && err.contains("older nerpipe"),
        "{err}"
    );
}

/// A database made before entities.merged_ids (issue 26) gains the column
/// when the next run is loaded.
#[test]
fn a_database_of_an_earlier_release_gains_the_new_columns() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.sqlite");
    let run = fake_run::fake_run();
    nerpipe::sink::sqlite::load(&db, &run.out).unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("DELETE FROM runs; ALTER TABLE entities DROP COLUMN merged_ids;")
        .unwrap();
    drop(conn);
    let counts = nerpipe::sink::sqlite::load(&db, &run.out).unwrap();
    assert!(!counts.already_loaded);
    let mut sqlite = Sqlite(db);
    assert_eq!(
        sqlite
            .count("SELECT count(*) FROM pragma_table_info('entities') WHERE name = 'merged_ids'"),
        1
    );
    assert_eq!(
        sqlite.count("SELECT count(*) FROM {p}entities WHERE merged_ids IS NULL"),
        run.entities.len() as i64
    );
}

#[test]
fn config_comes_from_pg_variables() {
    // Only the URL path is checked here: environment variables are process-wide.
    let config =
        nerpipe::sink::postgres::config(Some("postgresql://u:secret@db.example:5433/x")).unwrap();
    assert_eq!(config.get_user(), Some("u"));
    assert_eq!(config.get_ports(), &[5433]);
    assert_eq!(config.get_dbname(), Some("x"));
    let err = nerpipe::sink::postgres::config(Some("postgresql://u:secret@db.example:notaport/x"))
        .unwrap_err();
    assert!(!err.to_string().contains("secret"), "{err}");
}
