//! `nerpipe run` over the sample corpus: the output contract.

mod common;
mod services;

use common::*;
use nerpipe::doc::{Entity, Mention};
use nerpipe::ingest::{Corpus, Item};
use nerpipe::sink::csv::{entity_row, mention_row, DocumentRow, EntityRow, MentionRow};
use std::collections::HashMap;

#[test]
fn sample_run_honours_the_output_contract() {
    let out = tempfile::tempdir().unwrap();
    let corpus = repo().join("corpus");
    run_corpus(&corpus, out.path(), &[]);

    let texts: HashMap<String, String> = Corpus::open(&corpus)
        .unwrap()
        .documents()
        .map(|(item, _)| match item {
            Item::Document(d) => (d.id, d.text),
            Item::Failed(f) => panic!("sample document failed: {f:?}"),
        })
        .collect();
    // 21 files of one document each, brcko-tip.eml and its PDF attachment,
    // and the 4 lines of wire/briefs.jsonl.
    assert_eq!(texts.len(), 27, "the sample corpus's documents");

    // Every sample document has an ok row.
    let documents: Vec<DocumentRow> = read_csv(&out.path().join("documents.csv"));
    assert_eq!(documents.len(), texts.len());
    for d in &documents {
        assert_eq!(d.status.as_str(), "ok", "{d:?}");
        assert_eq!(d.chars, texts[d.doc_id.as_ref()].chars().count());
    }

    // Offsets are code points: slicing the text gives the mention.
    let mentions: Vec<Mention> = read_jsonl(&out.path().join("mentions.jsonl"));
    assert!(mentions.len() > 50, "only {} mentions", mentions.len());
    for m in &mentions {
        let slice: String = texts[&m.doc_id]
            .chars()
            .skip(m.start)
            .take(m.end - m.start)
            .collect();
        assert_eq!(slice, m.text, "{m:?}");
        assert!(
            m.context
                .contains(m.text.split_whitespace().next().unwrap()),
            "{m:?}"
        );
        assert!(m.context.chars().count() <= 202, "{m:?}");
    }
    let with_mentions = documents.iter().filter(|d| d.mentions > 0).count();
    assert_eq!(
        with_mentions,
        documents.len(),
        "every sample article names someone"
    );

    // CSV and JSONL hold the same records.
    let mentions_csv: Vec<MentionRow> = read_csv(&out.path().join("mentions.csv"));
    let safe: Vec<MentionRow> = mentions.iter().map(mention_row).collect();
    assert_eq!(mentions_csv, safe);
    let entities: Vec<Entity> = read_jsonl(&out.path().join("entities.jsonl"));
    let entities_csv: Vec<EntityRow> = read_csv(&out.path().join("entities.csv"));
    let from_json: Vec<EntityRow> = entities.iter().map(entity_row).collect();
    assert_eq!(entities_csv, from_json);

    // Every mention points at an entity that counts it.
    let counts: HashMap<&str, usize> = entities
        .iter()
        .map(|e| (e.id.as_str(), e.mention_count))
        .collect();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for m in &mentions {
        *seen.entry(m.entity_id.as_str()).or_default() += 1;
    }
    assert_eq!(seen, counts);

    // run.json records the model and its weights' hash.
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("run.json")).unwrap())
            .unwrap();
    assert_eq!(run["counts"]["documents_ok"], texts.len());
    assert_eq!(run["model"]["weights_sha256"].as_str().unwrap().len(), 64);

    // Every planted amount is found, and nothing else is an amount.
    let tsv = std::fs::read_to_string(repo().join("tests/data/corpus_amounts.tsv")).unwrap();
    let mut planted: Vec<(String, String, String, String, String)> = tsv
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (
                f[0].into(),
                f[1].into(),
                f[2].into(),
                f[3].into(),
                f[4].into(),
            )
        })
        .collect();
    let mut found: Vec<(String, String, String, String, String)> = mentions
        .iter()
        .filter(|m| m.label == nerpipe::doc::Label::Amount)
        .map(|m| {
            assert_eq!(m.source, "amounts");
            (
                m.doc_id.clone(),
                m.text.clone(),
                m.amount
                    .as_ref()
                    .map(|a| a.kind.to_string())
                    .unwrap_or_default(),
                m.amount
                    .as_ref()
                    .map(|a| a.value.clone())
                    .unwrap_or_default(),
                m.amount
                    .as_ref()
                    .map(|a| a.unit.clone())
                    .unwrap_or_default(),
            )
        })
        .collect();
    planted.sort();
    found.sort();
    let missing: Vec<_> = planted.iter().filter(|p| !found.contains(p)).collect();
    let extra: Vec<_> = found.iter().filter(|f| !planted.contains(f)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:#?}\nextra {extra:#?}"
    );
    // Every row of corpus_amounts.tsv, each found once.
    assert_eq!((planted.len(), found.len()), (121, 121));
    // The numbers that look like amounts but are not (years, dates, ids):
    // each is in its document, and no amount mention is that text.
    let texts: HashMap<String, String> =
        read_jsonl::<nerpipe::doc::DocumentOutcome>(&out.path().join("documents.jsonl"))
            .into_iter()
            .map(|d| (d.doc_id, d.text))
            .collect();
    let tsv = std::fs::read_to_string(repo().join("tests/data/corpus_non_amounts.tsv")).unwrap();
    for line in tsv.lines().skip(1).filter(|l| !l.is_empty()) {
        let (doc, text) = line.split_once('\t').unwrap();
        assert!(texts[doc].contains(text), "{doc}: no {text:?} in it");
        assert!(
            !found.iter().any(|f| f.0 == doc && f.1 == text),
            "{doc}: {text:?} read as an amount"
        );
    }

    downstream_files_of_the_sample_run(out.path(), &mentions);

    // Deterministic: a second run writes the same bytes.
    let again = tempfile::tempdir().unwrap();
    run_corpus(&corpus, again.path(), &[]);
    for file in [
        "mentions.csv",
        "mentions.jsonl",
        "entities.csv",
        "entities.jsonl",
        "documents.csv",
    ] {
        let a = std::fs::read(out.path().join(file)).unwrap();
        let b = std::fs::read(again.path().join(file)).unwrap();
        assert!(a == b, "{file} differs between two identical runs");
    }
    // No temporary files are left behind.
    for entry in std::fs::read_dir(out.path()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.contains(".tmp"), "left over: {name}");
    }
}

#[test]
fn bad_documents_get_error_rows_and_the_rest_completes() {
    let corpus = tempfile::tempdir().unwrap();
    let c = corpus.path();
    std::fs::create_dir(c.join("wire")).unwrap();
    std::fs::write(
        c.join("a-good.txt"),
        "Arrest in Podgorica\n\nPolice in Podgorica arrested Milan Kovačević on Monday.\n",
    )
    .unwrap();
    std::fs::write(c.join("b-latin1.txt"), b"Caf\xe9 owner arrested in Split\n").unwrap();
    std::fs::write(c.join("c-empty.md"), "").unwrap();
    std::fs::write(c.join("d-notes.csv"), "ignored,file\n").unwrap();
    std::fs::write(
        c.join("wire/feed.jsonl"),
        concat!(
            "{\"id\": \"w1\", \"text\": \"Europol and the Serbian police met in Belgrade.\", \"lang\": \"en\"}\n",
            "{\"id\": \"w2\", \"text\": \"broken\n",
            "{\"id\": \"w1\", \"text\": \"A second document reusing the id w1.\"}\n",
            "{\"id\": \"w3\", \"text\": \"Sarajevo prosecutors charged Amir Hodžić.\"}\n",
        ),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let output = nerpipe(&[
        "run",
        "--corpus",
        c.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--model",
        default_model().to_str().unwrap(),
    ]);
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("4 documents ok, 3 failed"), "{stderr}");

    let docs: Vec<DocumentRow> = read_csv(&out.path().join("documents.csv"));
    let rows: Vec<(&str, &str, &str)> = docs
        .iter()
        .map(|d| (d.doc_id.as_ref(), d.status.as_str(), d.error.as_ref()))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("a-good.txt", "ok", ""),
            // Not UTF-8: decoded from the code page chardetng finds.
            ("b-latin1.txt", "ok", ""),
            ("c-empty.md", "error", "empty document"),
            ("w1", "ok", ""),
            (
                "wire/feed.jsonl:2",
                "error",
                "malformed JSONL line: EOF while parsing a string at column 28"
            ),
            (
                "w1",
                "error",
                "duplicate doc_id \"w1\": an earlier document has it"
            ),
            ("w3", "ok", ""),
        ]
    );
    assert_eq!(docs[4].source_path, "wire/feed.jsonl:2");
    assert_eq!(docs[1].encoding, "windows-1252");
    let mentions: Vec<MentionRow> = read_csv(&out.path().join("mentions.csv"));
    let found: Vec<(&str, &str)> = mentions
        .iter()
        .map(|m| (m.doc_id.as_ref(), m.text.as_ref()))
        .collect();
    assert!(found.contains(&("a-good.txt", "Podgorica")), "{found:?}");
    assert!(found.contains(&("w3", "Sarajevo")), "{found:?}");
    assert!(found
        .iter()
        .all(|(d, _)| ["a-good.txt", "b-latin1.txt", "w1", "w3"].contains(d)));
}

/// nerpipe.sqlite, the report, Label Studio and PostgreSQL on the sample run.
fn downstream_files_of_the_sample_run(out: &std::path::Path, mentions: &[Mention]) {
    // SQLite: the sqlite3 CLI sees the same label counts as entities.csv.
    let entities: Vec<EntityRow> = read_csv(&out.join("entities.csv"));
    let mut expected: std::collections::BTreeMap<String, usize> = Default::default();
    for e in &entities {
        *expected.entry(e.label.to_string()).or_default() += 1;
    }
    let db = out.join("nerpipe.sqlite");
    assert!(db.is_file());
    if let Some(sqlite3) = services::sqlite3() {
        let o = std::process::Command::new(sqlite3)
            .arg(&db)
            .arg("SELECT label, count(*) FROM entities GROUP BY label ORDER BY label;")
            .output()
            .unwrap();
        let got: std::collections::BTreeMap<String, usize> = String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter_map(|l| l.split_once('|'))
            .map(|(l, n)| (l.to_string(), n.trim().parse().unwrap()))
            .collect();
        assert_eq!(got, expected);
    }
    assert!(out.join("report/index.html").is_file());

    // Label Studio: export, accept every prediction as the annotation, import:
    // the mentions come back.
    let ls = tempfile::tempdir().unwrap();
    let tasks = ls.path().join("tasks.json");
    let export = nerpipe(&[
        "export",
        "--label-studio",
        out.to_str().unwrap(),
        "--dest",
        tasks.to_str().unwrap(),
    ]);
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    let mut tasks_json: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&tasks).unwrap()).unwrap();
    for (i, t) in tasks_json.iter_mut().enumerate() {
        t["id"] = serde_json::json!(i + 1);
        t["annotations"] =
            serde_json::json!([{"id": i + 1, "result": t["predictions"][0]["result"].clone()}]);
    }
    std::fs::write(&tasks, serde_json::to_string(&tasks_json).unwrap()).unwrap();
    let back = ls.path().join("back");
    let import = nerpipe(&[
        "import",
        "--label-studio",
        tasks.to_str().unwrap(),
        "--out",
        back.to_str().unwrap(),
    ]);
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    let imported: Vec<Mention> = read_jsonl(&back.join("mentions.jsonl"));
    let key = |m: &Mention| (m.doc_id.clone(), m.start, m.end, m.text.clone(), m.label);
    let mut a: Vec<_> = mentions.iter().map(key).collect();
    let mut b: Vec<_> = imported.iter().map(key).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
    assert!(back.join("train.conll").is_file());

    // PostgreSQL, when a server is given: loading twice gives the same rows.
    let Some(url) = services::postgres_url() else {
        return;
    };
    let mut counts = Vec::new();
    for _ in 0..2 {
        let load = nerpipe(&["load", "--postgres", &url, out.to_str().unwrap()]);
        assert!(
            load.status.success(),
            "{}",
            String::from_utf8_lossy(&load.stderr)
        );
        let mut client = nerpipe::sink::postgres::connect(Some(&url)).unwrap();
        counts.push(nerpipe::sink::postgres::table_counts(&mut client).unwrap());
    }
    assert_eq!(counts[0], counts[1]);
    eprintln!(
        "PostgreSQL rows after two loads of the sample run: {:?}",
        counts[1]
    );
}

/// run.json says which precision ran, why, and for int8 how many bits the
/// weights and activations had: 7-bit weights where fbgemm runs without
/// VNNI (forced here with `FBGEMM_ENABLE_INSTRUCTIONS=AVX2`), none for fp32.
#[test]
fn run_json_says_the_precision_and_the_int8_bits() {
    let corpus = tempfile::tempdir().unwrap();
    std::fs::write(
        corpus.path().join("a.txt"),
        "Darko Šarić was arrested in Belgrade.\n",
    )
    .unwrap();
    let model = repo().join("models").join("conll03-minilm-l6");
    let inference = |extra: &[&str], env: &[(&str, &str)]| -> serde_json::Value {
        let out = tempfile::tempdir().unwrap();
        let extra = [extra, &["--no-report", "--no-sqlite"]].concat();
        run_corpus_with(corpus.path(), out.path(), &model, &extra, env);
        let run: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.path().join("run.json")).unwrap())
                .unwrap();
        run["inference"].clone()
    };
    let avx2 = inference(
        &["--precision", "int8"],
        &[("FBGEMM_ENABLE_INSTRUCTIONS", "AVX2")],
    );
    assert_eq!(avx2["precision"], "int8");
    assert_eq!(avx2["precision_reason"], "chosen with --precision");
    assert_eq!(avx2["int8_weight_bits"], 7);
    assert_eq!(avx2["int8_activation_bits"], 8);
    let fp32 = inference(&["--precision", "fp32"], &[]);
    assert_eq!(fp32["precision"], "fp32");
    assert_eq!(fp32["int8_weight_bits"], serde_json::Value::Null);
    assert_eq!(fp32["int8_activation_bits"], serde_json::Value::Null);
    let weight_bits = if nerpipe::model::cpu_has("avx512_vnni") {
        8
    } else {
        7
    };
    let int8 = inference(&["--precision", "int8"], &[]);
    assert_eq!(int8["int8_weight_bits"], weight_bits);
    assert_eq!(int8["int8_activation_bits"], 8);
    // The default on this CPU, and why.
    let (precision, reason) = if nerpipe::model::cpu_has("amx_bf16") {
        ("bf16", "the CPU has AMX-BF16")
    } else if nerpipe::model::cpu_has("avx512_vnni") {
        (
            "int8",
            "the CPU has AVX512-VNNI int8 dot products but no AMX: int8 is faster than bf16 there",
        )
    } else if nerpipe::model::cpu_has("avx512_bf16") {
        ("bf16", "the CPU has AVX512-BF16")
    } else if nerpipe::model::cpu_has("avx2") {
        ("int8", "the CPU has AVX2 but neither AMX, AVX512-VNNI nor AVX512-BF16: int8 with 7-bit weights (fbgemm's AVX2 kernels) is faster than fp32 there at the same F1")
    } else {
        ("fp32", "the CPU has neither AMX, AVX512-VNNI, AVX512-BF16 nor AVX2 (or the engine is rust-bert): int8 and bf16 would be slow, emulated or unavailable")
    };
    let defaults = inference(&[], &[]);
    assert_eq!(defaults["precision"], precision);
    assert_eq!(defaults["precision_reason"], reason);
    // rust-bert's forward has no int8.
    let bf16 = nerpipe::model::cpu_has("amx_bf16") || nerpipe::model::cpu_has("avx512_bf16");
    assert_eq!(
        inference(&["--engine", "rust-bert"], &[])["precision"],
        if bf16 { "bf16" } else { "fp32" }
    );
}
