//! `nerpipe export --ftm`: FollowTheMoney entities with exact ids and
//! properties on the fake run, and every entity of the sample run validated
//! with the followthemoney package (required under CI, see tests/services).
mod fake_run;
mod services;

use nerpipe::sink::ftm::{document_ftm_id, export, is_ftm_id};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn fake_run_as_ftm_entities() {
    let run = fake_run::fake_run();
    let dest = run.dir.path().join("ftm.jsonl");
    let counts = export(&run.out, &dest).unwrap();
    let expected: BTreeMap<String, usize> = [
        ("Article", 3),
        ("Mention", 11),
        ("Organization", 1),
        ("Person", 4),
    ]
    .map(|(s, n)| (s.to_string(), n))
    .into();
    assert_eq!(counts, expected);
    let entities = lines(&dest);
    assert!(entities
        .iter()
        .all(|e| is_ftm_id(e["id"].as_str().unwrap())));
    let by_id: BTreeMap<&str, &Value> = entities
        .iter()
        .map(|e| (e["id"].as_str().unwrap(), e))
        .collect();
    assert_eq!(by_id.len(), entities.len(), "ids are unique");
    assert_eq!(
        by_id["nerpipe-darko-saric-1a2b"],
        &json!({"id": "nerpipe-darko-saric-1a2b", "schema": "Person",
                "properties": {"alias": ["ŠARIĆ", "Šarić"], "name": ["Darko Šarić"]}})
    );
    let article = by_id[document_ftm_id("a-zagreb.txt").as_str()];
    assert_eq!(
        article["properties"],
        json!({"companiesMentioned": ["SIPA"], "locationMentioned": ["Beograd"],
               "namesMentioned": ["Darko Šarić", "Dijana Hrkalović", "SIPA"],
               "peopleMentioned": ["Darko Šarić", "Dijana Hrkalović"],
               "title": ["Darko Šarić met Dijana Hrkalović in Beograd."]})
    );
    let mentions: Vec<&Value> = entities
        .iter()
        .filter(|e| e["schema"] == "Mention")
        .collect();
    let c = document_ftm_id("c/notes.md");
    let in_c: Vec<(&Value, &Value, Option<&Value>)> = mentions
        .iter()
        .filter(|m| m["properties"]["document"][0] == c.as_str())
        .map(|m| {
            let p = &m["properties"];
            (&p["name"], &p["detectedSchema"], p.get("resolved"))
        })
        .collect();
    assert_eq!(
        in_c,
        [
            (&json!(["Port of Bar"]), &json!(["Address"]), None),
            (
                &json!(["Đukić"]),
                &json!(["Person"]),
                Some(&json!(["nerpipe-dukic-3e4f"]))
            ),
            (
                &json!(["ŠARIĆ"]),
                &json!(["Person"]),
                Some(&json!(["nerpipe-darko-saric-1a2b"]))
            ),
        ]
    );
    // Stable: the same run gives the same bytes.
    let again = run.dir.path().join("again.jsonl");
    export(&run.out, &again).unwrap();
    assert_eq!(
        std::fs::read(&dest).unwrap(),
        std::fs::read(&again).unwrap()
    );
}

fn validate(python: &Path, file: &Path) -> BTreeMap<String, usize> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/ftm_validate.py");
    let out = Command::new(python).arg(script).arg(file).output().unwrap();
    assert!(
        out.status.success(),
        "followthemoney rejects {}:\n{}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn followthemoney_accepts_every_entity_of_the_sample_run() {
    let Some(python) = services::ftm_python() else {
        return;
    };
    // The validator itself catches what `ftm validate` lets through.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"id\": \"a/b#1\", \"schema\": \"Person\", \"properties\": {}}\n\
         {\"id\": \"m1\", \"schema\": \"Mention\", \"properties\": {\"name\": [\"x\"], \"document\": [\"d\"], \"resolved\": [\"p\"], \"colour\": [\"red\"]}}\n",
    )
    .unwrap();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/ftm_validate.py");
    let out = Command::new(&python)
        .arg(&script)
        .arg(&bad)
        .output()
        .unwrap();
    let problems = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    for p in [
        "id is not an FtM entity id",
        "required property name missing",
        "colour is not a property",
        "points at d, which is not in the file",
    ] {
        assert!(problems.contains(p), "{p}: {problems}");
    }

    let run = fake_run::fake_run();
    let fake = dir.path().join("fake.jsonl");
    let counts = export(&run.out, &fake).unwrap();
    assert_eq!(validate(&python, &fake), counts);

    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let out = dir.path().join("sample");
    let model = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("models")
        .join(nerpipe::DEFAULT_MODEL_NAME);
    let nerpipe = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_nerpipe"))
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stderr).to_string()
    };
    let s = |p: &Path| p.to_str().unwrap().to_string();
    nerpipe(&[
        "run",
        "--corpus",
        &s(&corpus),
        "--out",
        &s(&out),
        "--model",
        &s(&model),
        "--quiet",
        "--no-report",
        "--no-sqlite",
    ]);
    let dest = dir.path().join("sample.jsonl");
    let said = nerpipe(&["export", "--ftm", &s(&out), "--dest", &s(&dest)]);
    let counts = validate(&python, &dest);
    println!("FtM entities of the sample run: {counts:?}\n{said}");
    let entities: Vec<nerpipe::doc::Entity> = std::fs::read_to_string(out.join("entities.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let of = |label: nerpipe::doc::Label| entities.iter().filter(|e| e.label == label).count();
    assert_eq!(counts["Person"], of(nerpipe::doc::Label::Person));
    assert_eq!(
        counts["Organization"],
        of(nerpipe::doc::Label::Organisation)
    );
    let documents = std::fs::read_to_string(out.join("documents.jsonl")).unwrap();
    assert_eq!(
        counts["Article"],
        documents
            .lines()
            .filter(|l| l.contains("\"status\":\"ok\""))
            .count()
    );
    assert!(counts["Mention"] > counts["Article"]);
}
