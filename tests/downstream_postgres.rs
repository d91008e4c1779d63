//! Runs against a real PostgreSQL only when NERPIPE_PG_URL is set
//! (scripts/ci-postgres.sh starts one and prints it).
mod fake_run;

use nerpipe::sink::postgres::{connect, load, table_counts};

fn counts_for_run(client: &mut postgres::Client, doc_ids: &[String]) -> (i64, i64, i64) {
    let docs: i64 = client
        .query_one(
            "SELECT count(*) FROM nerpipe.documents WHERE doc_id = ANY($1)",
            &[&doc_ids],
        )
        .unwrap()
        .get(0);
    let mentions: i64 = client
        .query_one(
            "SELECT count(*) FROM nerpipe.mentions WHERE doc_id = ANY($1)",
            &[&doc_ids],
        )
        .unwrap()
        .get(0);
    let entities: i64 = client
        .query_one(
            "SELECT count(DISTINCT entity_id) FROM nerpipe.mentions WHERE doc_id = ANY($1)",
            &[&doc_ids],
        )
        .unwrap()
        .get(0);
    (docs, mentions, entities)
}

#[test]
fn loading_twice_is_idempotent_and_reruns_update() {
    let Ok(url) = std::env::var("NERPIPE_PG_URL") else {
        println!("skipped: NERPIPE_PG_URL not set");
        return;
    };
    let run = fake_run::fake_run();
    let mut doc_ids: Vec<String> = run.documents.iter().map(|(id, _)| id.clone()).collect();
    doc_ids.push("d-empty.txt".into());

    let first = load(Some(&url), &run.out).unwrap();
    let mut client = connect(Some(&url)).unwrap();
    let after_first = table_counts(&mut client).unwrap();
    let second = load(Some(&url), &run.out).unwrap();
    let after_second = table_counts(&mut client).unwrap();
    println!("first load: {first:?}\nsecond load: {second:?}\nrows: {after_second:?}");
    assert_eq!(after_first, after_second);
    assert_eq!(second.changed, 0, "the same run loaded again rewrote rows");
    assert_eq!(second.deleted, 0);
    assert_eq!(
        (first.documents, first.mentions, first.entities),
        (4, run.mentions.len() as u64, run.entities.len() as u64)
    );
    assert_eq!(
        counts_for_run(&mut client, &doc_ids),
        (4, run.mentions.len() as i64, run.entities.len() as i64)
    );
    let value: (String, String) = {
        let row = client
            .query_one(
                "SELECT value, value_numeric::text FROM nerpipe.entities WHERE entity_id = 'amount-4500000000-eur-1e2f'",
                &[],
            )
            .unwrap();
        (row.get(0), row.get(1))
    };
    assert_eq!(value, ("4500000000".into(), "4500000000".into()));

    // A re-run over a changed corpus: doc c lost its last mention ("12%"),
    // and an entity's canonical changed. Rows are updated, never duplicated.
    let changed = run.dir.path().join("out2");
    fake_run::copy_out(&run.out, &changed);
    let mentions: Vec<String> = std::fs::read_to_string(run.out.join("mentions.jsonl"))
        .unwrap()
        .lines()
        .filter(|l| !l.contains("c/notes.md#4"))
        .map(str::to_string)
        .collect();
    std::fs::write(changed.join("mentions.jsonl"), mentions.join("\n") + "\n").unwrap();
    let entities: Vec<String> = std::fs::read_to_string(run.out.join("entities.jsonl"))
        .unwrap()
        .lines()
        .filter(|l| !l.contains("amount-12-percent-5a6b"))
        .map(|l| l.replace("\"canonical\":\"Beograd\"", "\"canonical\":\"Belgrade\""))
        .collect();
    std::fs::write(changed.join("entities.jsonl"), entities.join("\n") + "\n").unwrap();
    let mut run_json = std::fs::read_to_string(run.out.join("run.json")).unwrap();
    run_json = run_json.replace("\"batch_size\": 32", "\"batch_size\": 16");
    std::fs::write(changed.join("run.json"), run_json).unwrap();

    let third = load(Some(&url), &changed).unwrap();
    println!("changed run: {third:?}");
    assert_eq!(
        third.deleted, 2,
        "one stale mention and its now empty entity"
    );
    assert_eq!(
        counts_for_run(&mut client, &doc_ids),
        (
            4,
            run.mentions.len() as i64 - 1,
            run.entities.len() as i64 - 1
        )
    );
    let canonical: String = client
        .query_one(
            "SELECT canonical FROM nerpipe.entities WHERE entity_id = 'beograd-5e6f'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(canonical, "Belgrade");

    // Back to the first run: restored, and loading it again is a no-op.
    load(Some(&url), &run.out).unwrap();
    assert_eq!(
        counts_for_run(&mut client, &doc_ids),
        (4, run.mentions.len() as i64, run.entities.len() as i64)
    );
    assert_eq!(load(Some(&url), &run.out).unwrap().changed, 0);
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
