//! An analyst's decisions (decisions.csv, issue 26) on real runs of
//! tests/data/decisions with the committed model: each decision kind changes
//! exactly its rows in every output; decisions hold through shards + merge,
//! added documents and removed ones (reported, kept); contradictions are
//! refused; candidates.csv lists the planted near-duplicates; `nerpipe
//! decide` appends checked rows; the report's buttons, clicked in headless
//! Chromium, save a decisions.csv that a run applies.
mod common;
mod services;

use common::{nerpipe, repo, run_corpus};
use nerpipe::doc::Label;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

type Row = BTreeMap<String, String>;

fn corpus() -> PathBuf {
    repo().join("tests/data/decisions")
}

/// A copy of the test corpus, to add or remove documents.
fn corpus_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(corpus()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    dir
}

fn rows(path: &Path) -> Vec<Row> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

fn by(rows: Vec<Row>, column: &str) -> BTreeMap<String, Row> {
    rows.into_iter().map(|r| (r[column].clone(), r)).collect()
}

/// The id of the entity whose canonical name is `canonical`.
fn id_of(entities: &BTreeMap<String, Row>, canonical: &str) -> String {
    entities
        .values()
        .find(|r| r["canonical"] == canonical)
        .unwrap_or_else(|| panic!("no entity {canonical:?} in {:?}", entities.keys()))["entity_id"]
        .clone()
}

struct Ids {
    veljko: String,
    reversed: String,
    initial: String,
    surname: String,
    novac: String,
    europol: String,
    bih_c: String,
    bih_z: String,
    marko: String,
    miljkovic: String,
}

fn ids(entities: &BTreeMap<String, Row>) -> Ids {
    Ids {
        veljko: id_of(entities, "Veljko Belivuk"),
        reversed: id_of(entities, "Belivuk Veljko"),
        initial: id_of(entities, "V. Belivuk"),
        // Linked to Veljko Belivuk within its document: no entity of its own yet.
        surname: nerpipe::resolve::entity_id(Label::Person, "belivuk"),
        novac: id_of(entities, "Novac"),
        europol: id_of(entities, "Europol"),
        bih_c: id_of(entities, "Bosnia and Hercegovina"),
        bih_z: id_of(entities, "Bosnia and Herzegovina"),
        marko: id_of(entities, "Marko Miljković"),
        miljkovic: id_of(entities, "Miljković"),
    }
}

/// One decision of every kind, `different` undoing a link within a document.
fn decisions_text(i: &Ids) -> String {
    format!(
        "entity_id,decision,other,note\n\
         {},same,{},reversed order\n\
         {},same,{},initial\n\
         {},not-an-entity,,\"money, not a person\"\n\
         {},label,ORGANISATION,\n\
         {},same,{},\n\
         {},name,Bosnia and Herzegovina,\n\
         {},different,{},two people\n\
         {},different,{},\n",
        i.veljko,
        i.reversed,
        i.initial,
        i.veljko,
        i.novac,
        i.europol,
        i.bih_z,
        i.bih_c,
        i.bih_c,
        i.marko,
        i.miljkovic,
        i.surname,
        i.veljko
    )
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn every_decision_kind_changes_exactly_its_rows_in_every_output() {
    let base = tempfile::tempdir().unwrap();
    run_corpus(&corpus(), base.path(), &[]);
    let before = by(rows(&base.path().join("entities.csv")), "entity_id");
    let i = ids(&before);

    // Without decisions: the planted near-duplicates are the candidates,
    // best first, and nothing else.
    let candidates: Vec<(String, String, String, String)> =
        rows(&base.path().join("candidates.csv"))
            .into_iter()
            .map(|r| {
                (
                    r["entity_id"].clone(),
                    r["other"].clone(),
                    r["score"].clone(),
                    r["reason"].clone(),
                )
            })
            .collect();
    assert_eq!(
        candidates,
        [
            (
                i.reversed.clone(),
                i.veljko.clone(),
                "0.95".into(),
                "same name parts in another order".into()
            ),
            (
                i.initial.clone(),
                i.veljko.clone(),
                "0.9".into(),
                "initials of the same name".into()
            ),
            (
                i.bih_c.clone(),
                i.bih_z.clone(),
                "0.85".into(),
                "spelling variant (1 edit)".into()
            ),
            (
                i.marko.clone(),
                i.miljkovic.clone(),
                "0.7".into(),
                "surname alone, one full name has it".into()
            ),
        ]
    );
    assert_eq!(rows(&base.path().join("rejected.csv")), Vec::<Row>::new());

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("decisions.csv");
    let text = decisions_text(&i);
    std::fs::write(&file, &text).unwrap();
    let out = tempfile::tempdir().unwrap();
    run_corpus(
        &corpus(),
        out.path(),
        &["--decisions", file.to_str().unwrap()],
    );
    let after = by(rows(&out.path().join("entities.csv")), "entity_id");

    // Belivuk: three ids merged under the smallest; the bare surname linked
    // within its document is now its own entity (`different`).
    let kept = i.reversed.clone();
    let mut absorbed = vec![i.initial.clone(), i.veljko.clone()];
    absorbed.sort();
    assert!(kept < absorbed[0]);
    let merged = &after[&kept];
    assert_eq!(merged["canonical"], "Veljko Belivuk");
    assert_eq!(merged["mention_count"], "3");
    assert_eq!(merged["document_count"], "3");
    assert_eq!(
        merged["aliases"],
        "Belivuk Veljko | V. Belivuk | Veljko Belivuk"
    );
    assert_eq!(merged["merged_ids"], absorbed.join(" | "));
    let surname = &after[&i.surname];
    assert_eq!(
        (
            surname["canonical"].as_str(),
            surname["mention_count"].as_str()
        ),
        ("Belivuk", "1")
    );
    // Rejected, relabelled, merged and renamed.
    assert!(!after.contains_key(&i.novac));
    assert_eq!(after[&i.europol]["label"], "ORGANISATION");
    assert!(!after.contains_key(&i.bih_z));
    let bih = &after[&i.bih_c];
    assert_eq!(bih["canonical"], "Bosnia and Herzegovina");
    assert_eq!(bih["mention_count"], "2");
    assert_eq!(bih["merged_ids"], i.bih_z);
    // Every other row is as it was.
    let touched = [
        &i.veljko,
        &i.reversed,
        &i.initial,
        &i.surname,
        &i.novac,
        &i.europol,
        &i.bih_c,
        &i.bih_z,
    ];
    for (id, row) in &before {
        if touched.contains(&id) {
            continue;
        }
        let mut expected = row.clone();
        expected.insert("merged_ids".into(), String::new());
        assert_eq!(after.get(id), Some(&expected), "{id}");
    }
    assert_eq!(after.len(), before.len() - 4 + 1);

    // mentions.csv: the same rows less Novac's, ids and labels as decided.
    let m_before = by(rows(&base.path().join("mentions.csv")), "mention_id");
    let m_after = by(rows(&out.path().join("mentions.csv")), "mention_id");
    for (id, row) in &m_before {
        let mut expected = row.clone();
        let entity = row["entity_id"].clone();
        if entity == i.novac {
            assert!(!m_after.contains_key(id));
            continue;
        }
        if row["text"] == "Belivuk" {
            expected.insert("entity_id".into(), i.surname.clone());
        } else if [&i.veljko, &i.initial].contains(&&entity) {
            expected.insert("entity_id".into(), kept.clone());
        } else if entity == i.bih_z {
            expected.insert("entity_id".into(), i.bih_c.clone());
        } else if entity == i.europol {
            expected.insert("label".into(), "ORGANISATION".into());
        }
        assert_eq!(m_after.get(id), Some(&expected), "{id}");
    }
    assert_eq!(m_after.len(), m_before.len() - 1);
    // documents.csv counts the mentions that are left.
    let docs = by(rows(&out.path().join("documents.csv")), "doc_id");
    assert_eq!(docs["pismo.txt"]["mentions"], "3");
    let docs_before = by(rows(&base.path().join("documents.csv")), "doc_id");
    assert_eq!(docs_before["pismo.txt"]["mentions"], "4");

    // rejected.csv keeps Novac's mention with its decision.
    let rejected = rows(&out.path().join("rejected.csv"));
    assert_eq!(rejected.len(), 1);
    let novac_mention = m_before
        .values()
        .find(|m| m["entity_id"] == i.novac)
        .unwrap();
    let mut expected = novac_mention.clone();
    expected.insert("decision".into(), "not-an-entity".into());
    expected.insert("decision_line".into(), "4".into());
    expected.insert("decision_note".into(), "money, not a person".into());
    assert_eq!(rejected[0], expected);

    // JSONL agrees with the CSV files.
    let entities: Vec<serde_json::Value> = common::read_jsonl(&out.path().join("entities.jsonl"));
    let merged_json = entities
        .iter()
        .find(|e| e["entity_id"] == kept.as_str())
        .unwrap();
    assert_eq!(merged_json["merged_ids"], serde_json::json!(absorbed));
    assert!(entities.iter().all(|e| e["entity_id"] != i.novac.as_str()));
    let mentions: Vec<serde_json::Value> = common::read_jsonl(&out.path().join("mentions.jsonl"));
    assert_eq!(mentions.len(), m_after.len());
    assert!(mentions.iter().all(|m| m["entity_id"] != i.novac.as_str()));

    // SQLite: the same entities, merged ids as JSON.
    let db = rusqlite::Connection::open(out.path().join("nerpipe.sqlite")).unwrap();
    let sql: BTreeMap<String, (String, String, Option<String>)> = db
        .prepare("SELECT entity_id, label, canonical, merged_ids FROM entities")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let csv_view: BTreeMap<String, (String, String, Option<String>)> = after
        .iter()
        .map(|(id, r)| {
            let merged = (!r["merged_ids"].is_empty()).then(|| {
                serde_json::to_string(&r["merged_ids"].split(" | ").collect::<Vec<_>>()).unwrap()
            });
            (
                id.clone(),
                (r["label"].clone(), r["canonical"].clone(), merged),
            )
        })
        .collect();
    assert_eq!(sql, csv_view);
    let novac_mentions: i64 = db
        .query_row(
            "SELECT count(*) FROM mentions WHERE entity_id = ?1",
            [&i.novac],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(novac_mentions, 0);

    // FollowTheMoney: Europol an Organization, no Novac, one Belivuk.
    let ftm = dir.path().join("ftm.jsonl");
    let output = nerpipe(&[
        "export",
        "--ftm",
        out.path().to_str().unwrap(),
        "--dest",
        ftm.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let ftm: Vec<serde_json::Value> = common::read_jsonl(&ftm);
    let schema_of = |id: &str| {
        ftm.iter()
            .find(|e| e["id"] == format!("nerpipe-{id}").as_str())
            .map(|e| e["schema"].as_str().unwrap().to_string())
    };
    assert_eq!(schema_of(&i.europol).as_deref(), Some("Organization"));
    assert_eq!(schema_of(&i.novac), None);
    assert_eq!(schema_of(&i.veljko), None);
    assert_eq!(schema_of(&kept).as_deref(), Some("Person"));
    assert!(!ftm
        .iter()
        .any(|e| e["properties"]["name"] == serde_json::json!(["Novac"])));

    // run.json: the file, its sha256, what it did; candidates: no judged pair.
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("run.json")).unwrap())
            .unwrap();
    assert_eq!(
        run["decisions"]["sha256"],
        sha256_hex(text.as_bytes()).as_str()
    );
    assert_eq!(run["decisions"]["rows"], 8);
    // The `different` row names the bare surname, which the run did not
    // have before the decision undid its link: it counts as found now.
    assert_eq!(run["decisions"]["applied"], 8);
    assert_eq!(run["decisions"]["rejected_mentions"], 1);
    assert_eq!(run["decisions"]["orphaned"], serde_json::json!({}));
    assert_eq!(rows(&out.path().join("candidates.csv")), Vec::<Row>::new());

    // Label Studio tasks carry the decided labels and no rejected mention.
    let tasks = dir.path().join("tasks.json");
    let output = nerpipe(&[
        "export",
        "--label-studio",
        out.path().to_str().unwrap(),
        "--dest",
        tasks.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let tasks = std::fs::read_to_string(&tasks).unwrap();
    assert!(
        !tasks.contains("\"Novac\""),
        "a rejected mention was pre-annotated"
    );
}

#[test]
fn decisions_hold_through_shards_added_and_removed_documents() {
    let base = tempfile::tempdir().unwrap();
    run_corpus(&corpus(), base.path(), &[]);
    let i = ids(&by(rows(&base.path().join("entities.csv")), "entity_id"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("decisions.csv");
    let text = decisions_text(&i);
    std::fs::write(&file, &text).unwrap();
    let file_arg = file.to_str().unwrap();

    // The whole run's decisions, applied afterwards by `merge`.
    let output = nerpipe(&[
        "merge",
        base.path().to_str().unwrap(),
        "--decisions",
        file_arg,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("8 of 8 decisions applied, 1 mentions rejected"),
        "{}",
        stderr(&output)
    );

    // `load` and `export` bring a folder up to the decisions first: here a
    // file with one more row, which run.json does not name yet.
    let more = dir.path().join("more.csv");
    std::fs::write(
        &more,
        format!("{text}{},name,Marko Miljković (defendant),\n", i.marko),
    )
    .unwrap();
    let db = dir.path().join("runs.sqlite");
    let output = nerpipe(&[
        "load",
        "--sqlite",
        db.to_str().unwrap(),
        base.path().to_str().unwrap(),
        "--decisions",
        more.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("brought up to the decisions of"));
    let name: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT canonical FROM entities WHERE entity_id = ?1",
            [&i.marko],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(name, "Marko Miljković (defendant)");
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(base.path().join("run.json")).unwrap())
            .unwrap();
    let more_sha = sha256_hex(&std::fs::read(&more).unwrap());
    assert_eq!(run["decisions"]["sha256"], more_sha.as_str());
    // Already applied: export leaves the files as they are.
    let entities = std::fs::read(base.path().join("entities.csv")).unwrap();
    let output = nerpipe(&[
        "export",
        "--ftm",
        base.path().to_str().unwrap(),
        "--dest",
        dir.path().join("ftm.jsonl").to_str().unwrap(),
        "--decisions",
        more.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!stderr(&output).contains("brought up"));
    assert_eq!(
        std::fs::read(base.path().join("entities.csv")).unwrap(),
        entities
    );
    // Back to the first file for the comparisons below.
    let output = nerpipe(&[
        "merge",
        base.path().to_str().unwrap(),
        "--decisions",
        file_arg,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));

    // Sharded and merged = unsharded, byte for byte.
    let sharded = tempfile::tempdir().unwrap();
    for shard in ["0/2", "1/2"] {
        run_corpus(&corpus(), sharded.path(), &["--shard", shard]);
    }
    let output = nerpipe(&[
        "merge",
        sharded.path().to_str().unwrap(),
        "--decisions",
        file_arg,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    for name in [
        "entities.csv",
        "entities.jsonl",
        "mentions.csv",
        "mentions.jsonl",
        "documents.csv",
        "rejected.csv",
        "candidates.csv",
    ] {
        let a = std::fs::read(base.path().join(name)).unwrap();
        let b = std::fs::read(sharded.path().join(name)).unwrap();
        assert!(a == b, "{name} differs between sharded and unsharded runs");
    }
    // A shard's own run refuses them: they apply where entities are merged.
    let output = nerpipe(&[
        "run",
        "--corpus",
        corpus().to_str().unwrap(),
        "--out",
        dir.path().join("x").to_str().unwrap(),
        "--shard",
        "0/2",
        "--decisions",
        file_arg,
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--decisions apply when the shards are merged"));

    // A document added: the rerun keeps every decision.
    let grown = corpus_copy();
    std::fs::write(
        grown.path().join("transfer.txt"),
        "Belivuk Veljko was moved to the prison in Požarevac on Friday.\n",
    )
    .unwrap();
    run_corpus(grown.path(), base.path(), &["--decisions", file_arg]);
    let after = by(rows(&base.path().join("entities.csv")), "entity_id");
    assert_eq!(after[&i.reversed]["mention_count"], "4");
    // Its name is now the most frequent form (no `name` row pins it).
    assert_eq!(after[&i.reversed]["canonical"], "Belivuk Veljko");
    assert!(!after.contains_key(&i.novac) && !after.contains_key(&i.veljko));
    assert_eq!(after[&i.europol]["label"], "ORGANISATION");
    assert_eq!(after[&i.bih_c]["canonical"], "Bosnia and Herzegovina");

    // A document removed: its entity's decision is reported, by id and
    // count, and the file is left as it was.
    let shrunk = corpus_copy();
    std::fs::remove_file(shrunk.path().join("special-court.txt")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let output = run_corpus(shrunk.path(), out.path(), &["--decisions", file_arg]);
    assert!(
        stderr(&output).contains(&format!(
            "1 decision names 1 entity this run does not have (kept for later runs): {} (1 row)",
            i.initial
        )),
        "{}",
        stderr(&output)
    );
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("run.json")).unwrap())
            .unwrap();
    assert_eq!(
        run["decisions"]["orphaned"],
        serde_json::json!({ i.initial.clone(): 1 })
    );
    assert_eq!(run["decisions"]["applied"], 7);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    // The merged entity keeps its id and names the absent one among its merged ids.
    let after = by(rows(&out.path().join("entities.csv")), "entity_id");
    let mut absorbed = [i.initial.clone(), i.veljko.clone()];
    absorbed.sort();
    assert_eq!(after[&i.reversed]["merged_ids"], absorbed.join(" | "));
}

#[test]
fn contradictions_are_refused_and_decide_appends_checked_rows() {
    let out = tempfile::tempdir().unwrap();
    run_corpus(&corpus(), out.path(), &["--no-report", "--no-sqlite"]);
    let i = ids(&by(rows(&out.path().join("entities.csv")), "entity_id"));
    let entities_before = std::fs::read(out.path().join("entities.csv")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    let cases = [
        (
            format!("{},same,{},\n{},different,{},\n", i.veljko, i.reversed, i.reversed, i.veljko),
            format!(
                "line 3: {} and {} are `different`, but `same` rows (line 2) join them",
                i.reversed, i.veljko
            ),
        ),
        (
            format!("{},same,{},\n{},not-an-entity,,\n", i.veljko, i.reversed, i.reversed),
            format!(
                "line 3: {} is `not-an-entity`, but `same` rows (line 2) merge it with other entities",
                i.reversed
            ),
        ),
        (
            format!("{},name,A,\n{},name,B,\n", i.europol, i.europol),
            format!("lines 2 and 3: two names for the entity {} (\"A\", \"B\")", i.europol),
        ),
        (
            format!("{},label,PERSN,\n", i.europol),
            "line 2: unknown label \"PERSN\" (PERSON, ORGANISATION, PLACE or MISC)".to_string(),
        ),
    ];
    for (body, message) in cases {
        std::fs::write(&bad, format!("entity_id,decision,other,note\n{body}")).unwrap();
        let output = nerpipe(&[
            "merge",
            out.path().to_str().unwrap(),
            "--decisions",
            bad.to_str().unwrap(),
        ]);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert_eq!(
            stderr(&output),
            format!("nerpipe: error: {}: {message}\n", bad.display())
        );
    }
    assert_eq!(
        std::fs::read(out.path().join("entities.csv")).unwrap(),
        entities_before
    );

    // `nerpipe decide`: creates the file with its header, appends, refuses
    // a contradiction and an id the run does not have, leaving the file.
    let o = out.path().to_str().unwrap();
    let file = out.path().join("decisions.csv");
    let output = nerpipe(&[
        "decide",
        o,
        "same",
        &i.veljko,
        &i.reversed,
        "--note",
        "one man, two orders",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        format!(
            "nerpipe: {}: line 2: same {} {}; apply it with `nerpipe merge {o} --decisions {}`\n",
            file.display(),
            i.veljko,
            i.reversed,
            file.display()
        )
    );
    let output = nerpipe(&["decide", o, "name", &i.bih_c, "Bosnia and Herzegovina, BiH"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let expected = format!(
        "entity_id,decision,other,note\n{},same,{},\"one man, two orders\"\n{},name,\"Bosnia and Herzegovina, BiH\",\n",
        i.veljko, i.reversed, i.bih_c
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), expected);
    let output = nerpipe(&["decide", o, "different", &i.reversed, &i.veljko]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("line 4"), "{}", stderr(&output));
    let output = nerpipe(&["decide", o, "not-an-entity", "per-nobody-00000000"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("per-nobody-00000000: no entity of the run"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), expected);
    // `nerpipe resolve` applies it to mention streams too.
    let stream = dir.path().join("mentions.jsonl");
    let output = nerpipe(&[
        "run",
        "--corpus",
        corpus().to_str().unwrap(),
        "--jsonl-out",
        stream.to_str().unwrap(),
        "--model",
        common::default_model().to_str().unwrap(),
        "--quiet",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let resolved = dir.path().join("resolved");
    let output = nerpipe(&[
        "resolve",
        "--mentions-in",
        stream.to_str().unwrap(),
        "--out",
        resolved.to_str().unwrap(),
        "--decisions",
        file.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let streamed = by(rows(&resolved.join("entities.csv")), "entity_id");
    assert_eq!(streamed[&i.reversed]["merged_ids"], i.veljko);
    assert_eq!(streamed[&i.reversed]["mention_count"], "3");
    assert!(!streamed.contains_key(&i.veljko));
    assert_eq!(
        streamed[&i.bih_c]["canonical"],
        "Bosnia and Herzegovina, BiH"
    );
    assert!(rows(&resolved.join("rejected.csv")).is_empty());

    // The file applies as it is.
    let output = nerpipe(&["merge", o, "--decisions", file.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let after = by(rows(&out.path().join("entities.csv")), "entity_id");
    assert_eq!(after[&i.bih_c]["canonical"], "Bosnia and Herzegovina, BiH");
    assert_eq!(after[&i.reversed]["merged_ids"], i.veljko);
}

/// Clicks through the report's review buttons in headless Chromium: a
/// merge (two clicks), a rejection, a relabel and a rename. The page's save
/// link holds the file (a data: URL); fed to `nerpipe run --decisions`, it
/// changes the outputs as the clicks said.
#[test]
fn report_buttons_save_decisions_a_run_applies() {
    let Some(bin) = services::chromium() else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    run_corpus(&corpus(), out.path(), &[]);
    let i = ids(&by(rows(&out.path().join("entities.csv")), "entity_id"));
    let index = std::fs::read_to_string(out.path().join("report/index.html")).unwrap();
    // The clicks, as a user makes them, after the page's own scripts.
    let clicks = format!(
        r#"<script>
(function () {{
  function control(id, act) {{ return document.querySelector('td[data-id="' + id + '"] [data-act="' + act + '"]'); }}
  control("{veljko}", "same").click();
  control("{reversed}", "same").click();
  control("{novac}", "not-an-entity").click();
  var label = control("{europol}", "label"); label.value = "ORGANISATION"; label.dispatchEvent(new Event("change"));
  control("{bih}", "rename").click();
  control("{bih}", "name").value = "Bosnia and Herzegovina (BiH)";
  control("{bih}", "name-ok").click();
}})();
</script></body>"#,
        veljko = i.veljko,
        reversed = i.reversed,
        novac = i.novac,
        europol = i.europol,
        bih = i.bih_c,
    );
    let page = out.path().join("report/review-clicks.html");
    std::fs::write(&page, index.replace("</body>", &clicks)).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let dom = services::run_chromium(&bin, profile.path(), &["--dump-dom"], &page);
    std::fs::remove_file(&page).unwrap();

    let list: Vec<&str> = dom
        .split("<li data-decision=\"")
        .skip(1)
        .map(|li| &li[li.find('>').unwrap() + 1..li.find("</li>").unwrap()])
        .collect();
    assert_eq!(
        list,
        [
            "Veljko Belivuk — same as Belivuk Veljko",
            "Novac — not an entity",
            "Europol — label ORGANISATION",
            "Bosnia and Hercegovina — name Bosnia and Herzegovina (BiH)",
        ]
    );
    let href_start = dom.find("id=\"save\"").expect("the save link");
    let tag = &dom[href_start..href_start + dom[href_start..].find('>').unwrap()];
    let href = tag
        .split("href=\"")
        .nth(1)
        .and_then(|h| h.split('"').next())
        .expect("the save link's href")
        .replace("&amp;", "&");
    let encoded = href
        .strip_prefix("data:text/csv;charset=utf-8,")
        .expect("a data: URL of CSV");
    let saved = percent_decode(encoded);
    assert_eq!(
        saved,
        format!(
            "entity_id,decision,other,note\n{},same,{},\n{},not-an-entity,,\n{},label,ORGANISATION,\n{},name,Bosnia and Herzegovina (BiH),\n",
            i.veljko, i.reversed, i.novac, i.europol, i.bih_c
        )
    );

    // The saved file, applied by a run over the same corpus.
    let file = out.path().join("decisions.csv");
    std::fs::write(&file, &saved).unwrap();
    run_corpus(
        &corpus(),
        out.path(),
        &["--decisions", file.to_str().unwrap()],
    );
    let after = by(rows(&out.path().join("entities.csv")), "entity_id");
    assert_eq!(after[&i.reversed]["merged_ids"], i.veljko);
    assert_eq!(after[&i.reversed]["mention_count"], "3");
    assert!(!after.contains_key(&i.novac) && !after.contains_key(&i.veljko));
    assert_eq!(after[&i.europol]["label"], "ORGANISATION");
    assert_eq!(after[&i.bih_c]["canonical"], "Bosnia and Herzegovina (BiH)");
    let rejected = rows(&out.path().join("rejected.csv"));
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0]["entity_id"], i.novac);

    // The new report's save link starts from the decisions the run applied.
    let index = std::fs::read_to_string(out.path().join("report/index.html")).unwrap();
    let embedded = serde_json::to_string(&saved)
        .unwrap()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    assert!(
        index.contains(&format!("window.NERPIPE_DECISIONS={embedded};")),
        "the report does not start from the applied decisions"
    );
}

/// `%XX` escapes of a URL component decoded (UTF-8).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut k = 0;
    while k < bytes.len() {
        if bytes[k] == b'%' && k + 2 < bytes.len() {
            out.push(u8::from_str_radix(&s[k + 1..k + 3], 16).unwrap());
            k += 3;
        } else {
            out.push(bytes[k]);
            k += 1;
        }
    }
    String::from_utf8(out).unwrap()
}
