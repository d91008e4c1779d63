//! Label Studio: export → import gives the run's mentions back; reviewers'
//! annotations win over predictions; train.conll is IOB2 that a CoNLL reader
//! (`word ... tag`) accepts.
mod fake_run;

use nerpipe::doc::Mention;
use nerpipe::sink::labelstudio::{export, import};
use serde_json::{json, Value};

type Key = (String, usize, usize, String, String);

fn keys(ms: &[Mention]) -> Vec<Key> {
    let mut k: Vec<Key> = ms
        .iter()
        .map(|m| {
            (
                m.doc_id.clone(),
                m.start,
                m.end,
                m.text.clone(),
                m.label.to_string(),
            )
        })
        .collect();
    k.sort();
    k
}

fn read_mentions(path: &std::path::Path) -> Vec<Mention> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Checks `word ... TAG` lines, blank lines between sentences, valid IOB2.
fn check_conll(text: &str) -> Vec<Vec<(String, String)>> {
    let mut sentences = Vec::new();
    let mut current: Vec<(String, String)> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.is_empty() || cols[0] == "-DOCSTART-" {
            if !current.is_empty() {
                sentences.push(std::mem::take(&mut current));
            }
            continue;
        }
        assert!(cols.len() >= 2, "line {}: {line:?}", n + 1);
        let tag = cols[cols.len() - 1];
        let ok = tag == "O"
            || ["B-", "I-"].iter().any(|p| {
                tag.strip_prefix(p)
                    .is_some_and(|t| ["PER", "ORG", "LOC", "MISC"].contains(&t))
            });
        assert!(ok, "line {}: bad tag {tag:?}", n + 1);
        if let Some(t) = tag.strip_prefix("I-") {
            let prev = current.last().map(|(_, p)| p.as_str()).unwrap_or("O");
            assert!(
                prev.ends_with(t) && prev != "O",
                "line {}: {tag} after {prev}",
                n + 1
            );
        }
        current.push((cols[0].to_string(), tag.to_string()));
    }
    if !current.is_empty() {
        sentences.push(current);
    }
    sentences
}

#[test]
fn export_then_import_gives_the_mentions_back() {
    let run = fake_run::fake_run();
    let tasks_file = run.dir.path().join("tasks.json");
    assert_eq!(export(&run.out, &tasks_file).unwrap(), 3);
    let tasks: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(&tasks_file).unwrap()).unwrap();
    let first = &tasks[0];
    assert_eq!(first["data"]["doc_id"], "a-zagreb.txt");
    let p = &first["predictions"][0];
    assert_eq!(p["model_version"], "conll03-minilm-l6-0123456789ab");
    let r = &p["result"][0];
    assert_eq!(
        (
            r["from_name"].as_str(),
            r["to_name"].as_str(),
            r["type"].as_str()
        ),
        (Some("label"), Some("text"), Some("labels"))
    );
    assert_eq!(
        r["value"],
        json!({"start": 6 - 6, "end": 11, "text": "Darko Šarić", "labels": ["PERSON"]})
    );
    assert!(r["id"]
        .as_str()
        .unwrap()
        .bytes()
        .all(|b| b.is_ascii_alphanumeric()));

    // Label Studio's export keeps the task data and adds ids; a reviewer who
    // accepts the predictions submits them as the annotation.
    let exported: Vec<Value> = tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut t = t.clone();
            t["id"] = json!(i + 1);
            t["annotations"] =
                json!([{"id": i + 1, "result": t["predictions"][0]["result"].clone()}]);
            t
        })
        .collect();
    let ls_file = run.dir.path().join("ls-export.json");
    std::fs::write(&ls_file, serde_json::to_string(&exported).unwrap()).unwrap();
    let dest = run.dir.path().join("reviewed");
    let counts = import(&ls_file, &dest).unwrap();
    assert_eq!(
        (counts.tasks, counts.annotated, counts.mentions),
        (3, 3, run.mentions.len())
    );
    let back = read_mentions(&dest.join("mentions.jsonl"));
    assert_eq!(keys(&back), keys(&run.mentions));
    assert!(back
        .iter()
        .all(|m| m.source == "label-studio" && m.score == 1.0));
    let by_id: std::collections::HashMap<_, _> = run
        .mentions
        .iter()
        .map(|m| ((m.doc_id.clone(), m.start), m))
        .collect();
    for m in &back {
        assert_eq!(
            m.entity_id,
            by_id[&(m.doc_id.clone(), m.start)].entity_id,
            "entity kept for {}",
            m.mention_id
        );
    }

    let conll = std::fs::read_to_string(dest.join("train.conll")).unwrap();
    let sentences = check_conll(&conll);
    assert!(sentences.len() >= 4);
    let flat: Vec<(String, String)> = sentences.concat();
    let tagged: Vec<String> = flat.iter().map(|(w, t)| format!("{w}/{t}")).collect();
    let joined = tagged.join(" ");
    assert!(joined.contains("Darko/B-PER Šarić/I-PER"), "{joined}");
    assert!(joined.contains("Port/B-LOC of/I-LOC Bar/I-LOC"), "{joined}");
    assert!(
        joined.contains("Breaking/O </B-MISC script/I-MISC >/I-MISC alert/O"),
        "{joined}"
    );
    assert!(joined.contains("€/O 4.5/O billion/O"), "{joined}");
    let first: Vec<&str> = sentences[0].iter().map(|(w, _)| w.as_str()).collect();
    assert_eq!(
        first.join(" "),
        "Darko Šarić met Dijana Hrkalović in Beograd ."
    );
    assert!(
        joined.contains("90/O tonnes/O"),
        "amounts are not trained: {joined}"
    );
    assert!(
        joined.contains("70/O 000/O"),
        "no-break space splits: {joined}"
    );
}

#[test]
fn reviewed_annotations_win() {
    let run = fake_run::fake_run();
    let tasks_file = run.dir.path().join("tasks.json");
    export(&run.out, &tasks_file).unwrap();
    let mut tasks: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(&tasks_file).unwrap()).unwrap();
    let text = tasks[1]["data"]["text"].as_str().unwrap().to_string();
    let (s, e) = fake_run::find_chars(&text, "Veljko Belivuk", 0);
    let region = |id: &str, s: usize, e: usize, t: &str, l: &str| {
        json!({"id": id, "from_name": "label", "to_name": "text", "type": "labels",
               "value": {"start": s, "end": e, "text": t, "labels": [l]}})
    };
    tasks[1]["id"] = json!(42);
    tasks[1]["annotations"] = json!([
        {"id": 1, "was_cancelled": false, "updated_at": "2024-05-01T10:00:00.000000Z",
         "result": [region("m1", s, e, "Veljko Belivuk", "ORGANISATION")]},
        // The most recent one is used...
        {"id": 2, "was_cancelled": false, "updated_at": "2024-05-02T10:00:00.000000Z",
         "result": [region("m1", s, e, "Veljko Belivuk", "PERSON"),
                    region("new1", s + 7, e, "Belivuk", "PERSON"),
                    {"id": "c1", "from_name": "quality", "to_name": "text", "type": "choices", "value": {"choices": ["ok"]}}]},
        // ...unless it was cancelled (skipped).
        {"id": 3, "was_cancelled": true, "updated_at": "2024-05-03T10:00:00.000000Z", "result": []}
    ]);
    // An older Label Studio counted UTF-16 units: after an emoji they are off by one.
    tasks[2]["data"]["text"] = json!(format!("💩{}", tasks[2]["data"]["text"].as_str().unwrap()));
    let t2 = tasks[2]["data"]["text"].as_str().unwrap().to_string();
    let (s2, e2) = fake_run::find_chars(&t2, "Đukić", 0);
    tasks[2]["annotations"] = json!([{"id": 9, "created_at": "2024-01-01T00:00:00Z",
        "result": [region("x", s2 + 1, e2 + 1, "Đukić", "PER")]}]);
    let ls_file = run.dir.path().join("ls.json");
    std::fs::write(&ls_file, serde_json::to_string(&tasks).unwrap()).unwrap();
    let dest = run.dir.path().join("reviewed");
    let counts = import(&ls_file, &dest).unwrap();
    assert_eq!((counts.annotated, counts.skipped_unannotated), (2, 1));
    let back = read_mentions(&dest.join("mentions.jsonl"));
    let doc_b: Vec<(usize, usize, String, f32)> = back
        .iter()
        .filter(|m| m.doc_id == "b-script.txt")
        .map(|m| (m.start, m.end, m.label.to_string(), m.score))
        .collect();
    assert_eq!(
        doc_b,
        [
            (s, e, "PERSON".into(), 1.0),
            (s + 7, e, "PERSON".into(), 1.0)
        ]
    );
    let doc_c: Vec<(usize, usize, &str)> = back
        .iter()
        .filter(|m| m.doc_id == "c/notes.md")
        .map(|m| (m.start, m.end, m.text.as_str()))
        .collect();
    assert_eq!(doc_c, [(s2, e2, "Đukić")]);
    // Doc a had no annotation: it is not imported at all.
    assert_eq!(
        back.iter().filter(|m| m.doc_id == "a-zagreb.txt").count(),
        0
    );
    let conll = std::fs::read_to_string(dest.join("train.conll")).unwrap();
    assert_eq!(conll.matches("-DOCSTART-").count(), 2);
    assert!(!conll.contains("Darko"), "{conll}");
}

/// Label Studio's default JSON export (`exports.download_sync(export_type=
/// 'JSON', download_all_tasks=True)`) lists predictions as ids: 18 tasks, one
/// annotated, must give one document of training data, not 17 all-O ones.
#[test]
fn only_annotated_tasks_become_training_data() {
    let run = fake_run::fake_run();
    let text = "Darko Šarić met Dijana Hrkalović in Beograd.";
    let region = |id: &str, s: usize, e: usize, t: &str, l: &str| {
        json!({"id": id, "from_name": "label", "to_name": "text", "type": "labels", "origin": "manual",
               "value": {"start": s, "end": e, "text": t, "labels": [l]}})
    };
    let tasks: Vec<Value> = (0..18)
        .map(|i| {
            let mut t = json!({"id": 100 + i, "data": {"text": text, "doc_id": format!("doc-{i}")},
                               "predictions": [500 + i], "annotations": []});
            if i == 4 {
                t["annotations"] = json!([{"id": 9, "was_cancelled": false, "result": [
                    region("a", 0, 11, "Darko Šarić", "PERSON"),
                    region("b", 16, 32, "Dijana Hrkalović", "PERSON"),
                    region("c", 36, 43, "Beograd", "PLACE")]}]);
            }
            if i == 7 {
                t["annotations"] = json!([{"id": 10, "was_cancelled": true, "result": []}]);
            }
            t
        })
        .collect();
    let ls_file = run.dir.path().join("ls.json");
    std::fs::write(&ls_file, serde_json::to_string(&tasks).unwrap()).unwrap();
    let dest = run.dir.path().join("reviewed");
    let counts = import(&ls_file, &dest).unwrap();
    assert_eq!(
        (
            counts.tasks,
            counts.annotated,
            counts.skipped_unannotated,
            counts.skipped_cancelled,
            counts.predictions_as_ids,
            counts.mentions,
            counts.sentences
        ),
        (18, 1, 16, 1, 18, 3, 1)
    );
    assert_eq!(
        counts.summary(),
        "18 tasks: 1 annotated (3 mentions, 1 sentences); 17 skipped (16 without an annotation, \
         1 with only cancelled annotations); 18 tasks list their predictions as ids only, which \
         is fine: predictions are never imported"
    );
    let back = read_mentions(&dest.join("mentions.jsonl"));
    assert!(back.iter().all(|m| m.doc_id == "doc-4"));
    let conll = std::fs::read_to_string(dest.join("train.conll")).unwrap();
    assert_eq!(
        conll,
        "-DOCSTART- O\n\nDarko B-PER\nŠarić I-PER\nmet O\nDijana B-PER\nHrkalović I-PER\nin O\nBeograd B-LOC\n. O\n\n"
    );

    // Nothing annotated: refused, and nothing is written.
    let none: Vec<Value> = tasks
        .iter()
        .map(|t| {
            let mut t = t.clone();
            t["annotations"] = json!([]);
            t
        })
        .collect();
    std::fs::write(&ls_file, serde_json::to_string(&none).unwrap()).unwrap();
    let empty = run.dir.path().join("none");
    let err = format!("{:#}", import(&ls_file, &empty).unwrap_err());
    assert!(
        err.contains("ls.json") && err.contains("no task has a human annotation"),
        "{err}"
    );
    assert!(!empty.join("train.conll").exists());

    // Annotations listed by id: refused with the export to use.
    let mut ids = tasks.clone();
    ids[4]["annotations"] = json!([9]);
    std::fs::write(&ls_file, serde_json::to_string(&ids).unwrap()).unwrap();
    let err = format!("{:#}", import(&ls_file, &empty).unwrap_err());
    assert!(
        err.contains("task 104") && err.contains("export the project again as JSON"),
        "{err}"
    );
}

#[test]
fn bad_regions_name_the_file_and_task() {
    let run = fake_run::fake_run();
    let ls_file = run.dir.path().join("ls.json");
    let bad = json!([{"id": 7, "data": {"text": "Hello Ana", "doc_id": "x"},
        "annotations": [{"id": 1, "result": [{"id": "r", "value": {"start": 0, "end": 5, "text": "Ana", "labels": ["PERSON"]}}]}]}]);
    std::fs::write(&ls_file, bad.to_string()).unwrap();
    let err = format!(
        "{:#}",
        import(&ls_file, &run.dir.path().join("o")).unwrap_err()
    );
    assert!(
        err.contains("ls.json") && err.contains("task 7") && err.contains("does not match"),
        "{err}"
    );
    let unknown = json!([{"id": 8, "data": {"text": "Hello Ana", "doc_id": "x"},
        "annotations": [{"id": 1, "result": [{"id": "r", "value": {"start": 6, "end": 9, "text": "Ana", "labels": ["Animal"]}}]}]}]);
    std::fs::write(&ls_file, unknown.to_string()).unwrap();
    let err = format!(
        "{:#}",
        import(&ls_file, &run.dir.path().join("o")).unwrap_err()
    );
    assert!(err.contains("\"Animal\""), "{err}");
}

#[test]
fn malformed_annotations_are_errors_naming_the_task() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(Value, &str); 5] = [
        (
            json!({"id": 11, "result": "oops"}),
            r#"annotation 11: result is "oops", not a list of regions"#,
        ),
        (
            json!({"id": 12, "result": {}}),
            "annotation 12: result is {}, not a list of regions",
        ),
        (
            json!({"id": 13, "result": null}),
            "annotation 13: result is null, not a list of regions",
        ),
        (
            json!({"id": 14, "was_cancelled": "yes", "result": []}),
            r#"annotation 14: was_cancelled is "yes", not true or false"#,
        ),
        (
            json!({"id": 15, "result": [{"value": {"labels": []}}, {"value": null}]}),
            r#"annotation 15: region #2 is {"value":null}, not a region with a value object"#,
        ),
    ];
    for (n, (annotation, problem)) in cases.into_iter().enumerate() {
        let tasks = json!([{"id": 300 + n, "data": {"text": "Darko Šarić", "doc_id": "d"},
                            "annotations": [annotation]}]);
        let file = dir.path().join(format!("ls-{n}.json"));
        std::fs::write(&file, tasks.to_string()).unwrap();
        let err = import(&file, &dir.path().join(format!("out-{n}"))).unwrap_err();
        assert_eq!(
            format!("{err:#}"),
            format!(
                "{}: task {} (doc_id \"d\"): {problem}",
                file.display(),
                300 + n
            )
        );
    }
}

#[test]
fn a_task_with_a_hundred_thousand_regions_imports_in_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    let n = 100_000;
    let text = "Ana Šarić. ".repeat(n);
    // One region per name, offsets in code points.
    let regions: Vec<Value> = (0..n)
        .map(|i| {
            let start = i * 11;
            json!({"id": format!("r{i}"), "from_name": "label", "to_name": "text", "type": "labels",
                   "value": {"start": start, "end": start + 9, "text": "Ana Šarić", "labels": ["PERSON"]}})
        })
        .collect();
    let tasks = json!([{"id": 1, "data": {"text": text, "doc_id": "big"},
                        "annotations": [{"id": 2, "result": regions}]}]);
    let file = dir.path().join("ls.json");
    std::fs::write(&file, tasks.to_string()).unwrap();
    let started = std::time::Instant::now();
    let counts = import(&file, &dir.path().join("out")).unwrap();
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(counts.mentions, n);
    // Walking the text per region and every region per word (before) took
    // 40 s here; linear, under a second.
    assert!(seconds < 10.0, "{seconds:.1} s for {n} regions");
    println!("{n} regions imported in {seconds:.2} s");
}
