//! Running at scale: shards and merge, resume after SIGKILL, streams, bad
//! input, spreadsheet-safe CSV.

mod common;

use common::*;
use nerpipe::doc::Mention;
use nerpipe::sink::csv::{DocumentRow, MentionRow};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const OUTPUT_FILES: [&str; 6] = [
    "mentions.csv",
    "mentions.jsonl",
    "entities.csv",
    "entities.jsonl",
    "documents.csv",
    "errors.jsonl",
];

fn assert_same_outputs(a: &Path, b: &Path) {
    for file in OUTPUT_FILES {
        let x = std::fs::read(a.join(file))
            .unwrap_or_else(|e| panic!("{}: {e}", a.join(file).display()));
        let y = std::fs::read(b.join(file))
            .unwrap_or_else(|e| panic!("{}: {e}", b.join(file).display()));
        assert!(
            x == y,
            "{file} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

fn model_arg() -> String {
    default_model().to_str().unwrap().to_string()
}

#[test]
fn three_shards_merged_equal_an_unsharded_run() {
    let corpus = repo().join("corpus");
    let whole = tempfile::tempdir().unwrap();
    run_corpus(&corpus, whole.path(), &["--chunk-docs", "4"]);
    let sharded = tempfile::tempdir().unwrap();
    for i in 0..3 {
        let shard = format!("{i}/3");
        run_corpus(
            &corpus,
            sharded.path(),
            &["--chunk-docs", "4", "--shard", &shard],
        );
        assert!(sharded
            .path()
            .join(format!("shards/{i}-of-3/DONE"))
            .is_file());
        // A shard writes no top-level files.
        assert!(!sharded.path().join("mentions.csv").exists());
    }
    let merge = nerpipe(&["merge", sharded.path().to_str().unwrap()]);
    assert!(
        merge.status.success(),
        "{}",
        String::from_utf8_lossy(&merge.stderr)
    );
    assert_same_outputs(whole.path(), sharded.path());

    // The shard index can come from the scheduler's environment.
    let env_run = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_nerpipe"))
        .args([
            "run",
            "--corpus",
            corpus.to_str().unwrap(),
            "--out",
            env_run.path().to_str().unwrap(),
        ])
        .args([
            "--model",
            &model_arg(),
            "--quiet",
            "--chunk-docs",
            "4",
            "--shard-count",
            "3",
        ])
        .env("JOB_COMPLETION_INDEX", "1")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let a = std::fs::read_dir(env_run.path().join("shards/1-of-3/chunks"))
        .unwrap()
        .count();
    let b = std::fs::read_dir(sharded.path().join("shards/1-of-3/chunks"))
        .unwrap()
        .count();
    assert_eq!(a, b);
    // Merging before every shard ran is refused.
    let incomplete = nerpipe(&["merge", env_run.path().to_str().unwrap()]);
    assert_eq!(incomplete.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&incomplete.stderr).contains("shard 0 of 3 is missing"));
}

/// The committed chunk files of a shard folder (a chunk is written under a
/// temporary name and renamed: `NNNNNNNN.jsonl` is complete).
fn committed_chunks(shard: &Path) -> usize {
    std::fs::read_dir(shard.join("chunks")).map_or(0, |d| {
        d.filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            let name = name.to_string_lossy();
            name.strip_suffix(".jsonl")
                .is_some_and(|n| n.len() == 8 && n.bytes().all(|b| b.is_ascii_digit()))
        })
        .count()
    })
}

/// Starts `nerpipe args` and SIGKILLs it as soon as the shard folder holds
/// more than `before` committed chunks: a kill between two chunk commits,
/// on a progress signal rather than a guess at the machine's speed.
fn kill_after_next_chunk(args: &[String], shard: &Path, before: usize) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nerpipe"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while committed_chunks(shard) <= before {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the run ended ({status}) before it committed a chunk");
        }
        if started.elapsed() > Duration::from_secs(600) {
            child.kill().unwrap();
            panic!("no chunk committed within 10 minutes");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(
        !shard.join("DONE").exists(),
        "the run finished before it was killed"
    );
}

#[test]
fn killed_runs_resume_to_identical_output() {
    let corpus = repo().join("corpus");
    let reference = tempfile::tempdir().unwrap();
    run_corpus(&corpus, reference.path(), &["--chunk-docs", "2"]);

    let out = tempfile::tempdir().unwrap();
    let args = |out: &Path| {
        vec![
            "run".to_string(),
            "--corpus".into(),
            corpus.to_str().unwrap().into(),
            "--out".into(),
            out.to_str().unwrap().into(),
            "--model".into(),
            model_arg(),
            "--chunk-docs".into(),
            "2".into(),
        ]
    };
    // Killed after its first chunk, then killed again once the resumed run
    // has committed one more: every kill lands between two chunk commits.
    let shard = out.path().join("shards/0-of-1");
    kill_after_next_chunk(&args(out.path()), &shard, 0);
    let first = committed_chunks(&shard);
    kill_after_next_chunk(&args(out.path()), &shard, first);
    assert!(committed_chunks(&shard) > first);
    // The chunks committed before the last run, with the tokens of their documents.
    let chunk_dir = out.path().join("shards/0-of-1/chunks");
    let mut kept: Vec<(std::path::PathBuf, Vec<u8>)> = Vec::new();
    let mut kept_docs = 0;
    let mut kept_tokens = 0;
    for entry in std::fs::read_dir(&chunk_dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "jsonl") {
            for r in nerpipe::run::store::read_chunk(&path).unwrap() {
                kept_docs += 1;
                kept_tokens += r.document.tokens;
            }
            kept.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    let last = Command::new(env!("CARGO_BIN_EXE_nerpipe"))
        .args(args(out.path()))
        .output()
        .unwrap();
    assert!(
        last.status.success(),
        "{}",
        String::from_utf8_lossy(&last.stderr)
    );
    assert_same_outputs(reference.path(), out.path());
    // Resume reused the committed chunks as they were and did not recompute
    // their documents: this run's tokens are only those of the others.
    assert!(kept_docs > 0, "no chunk was committed before the last run");
    for (path, bytes) in &kept {
        assert_eq!(
            &std::fs::read(path).unwrap(),
            bytes,
            "{} was rewritten",
            path.display()
        );
    }
    let counts = |dir: &Path| -> serde_json::Value {
        serde_json::from_str::<serde_json::Value>(
            &std::fs::read_to_string(dir.join("run.json")).unwrap(),
        )
        .unwrap()["counts"]
            .clone()
    };
    let (resumed, whole) = (counts(out.path()), counts(reference.path()));
    assert_eq!(resumed["documents_resumed"], kept_docs);
    assert_eq!(
        resumed["tokens"].as_u64().unwrap() + kept_tokens as u64,
        whole["tokens"].as_u64().unwrap()
    );

    // A changed option invalidates the chunks, with a message.
    let rerun = Command::new(env!("CARGO_BIN_EXE_nerpipe"))
        .args(args(out.path()))
        .args(["--min-score", "0.5"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&rerun.stderr);
    assert!(stderr.contains("the options changed"), "{stderr}");
    assert!(stderr.contains("starting this shard again"), "{stderr}");
}

#[test]
fn bad_input_never_stops_a_run() {
    let corpus = tempfile::tempdir().unwrap();
    let c = corpus.path();
    std::fs::write(
        c.join("a-good.txt"),
        "Arrest in Podgorica\n\nPolice in Podgorica seized 350 kg of cocaine.\n",
    )
    .unwrap();
    std::fs::write(
        c.join("b-binary.txt"),
        b"\x7fELF\x02\x01\x01\x00\x00\x00binary",
    )
    .unwrap();
    std::fs::write(c.join("c-nul.md"), "text with a \0 NUL byte").unwrap();
    // 50 MB on one line.
    std::fs::write(c.join("d-huge.txt"), "word ".repeat(10 * 1024 * 1024)).unwrap();
    let mut jsonl = String::from("{\"id\": \"j1\", \"text\": \"Europol met SIPA in Sarajevo.\"}\n");
    jsonl.push_str(&format!(
        "{{\"id\": \"j2\", \"text\": \"{}\"}}\n",
        "x".repeat(11 * 1024 * 1024)
    ));
    jsonl.push_str("{\"id\": \"j3\", \"text\": \"Police in Bar.\"}\n");
    std::fs::write(c.join("e-feed.jsonl"), jsonl).unwrap();
    std::os::unix::fs::symlink(c.join("missing-target.txt"), c.join("f-dangling.txt")).unwrap();
    std::fs::create_dir(c.join("g-loop")).unwrap();
    std::os::unix::fs::symlink(c.join("g-loop"), c.join("g-loop/again")).unwrap();
    // Doc ids that look like paths or formulas stay inside --out and inert.
    std::fs::write(
        c.join("h-odd.jsonl"),
        "{\"id\": \"../../escape\", \"text\": \"=HYPERLINK(1) in Bar.\"}\n{\"id\": \"=cmd|' /C calc'!A0\", \"text\": \"-2 degrees in Split.\"}\n",
    )
    .unwrap();

    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("run");
    let output = nerpipe(&[
        "run",
        "--corpus",
        c.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
        "--model",
        &model_arg(),
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("warning: 4 documents failed"), "{stderr}");
    // Symlinks that are not to files inside the corpus are skipped and counted.
    assert!(stderr.contains("1 broken symlinks"), "{stderr}");
    assert!(stderr.contains("1 symlinks to folders"), "{stderr}");

    let docs: Vec<DocumentRow> = read_csv(&out_dir.join("documents.csv"));
    let rows: Vec<(String, String)> = docs
        .iter()
        .map(|d| (d.doc_id.to_string(), d.error.to_string()))
        .collect();
    let expect = [
        ("a-good.txt", ""),
        ("b-binary.txt", "binary content: NUL byte at byte 7"),
        ("c-nul.md", "binary content: NUL byte at byte 12"),
        ("d-huge.txt", "document too large: 52428800 bytes (limit 10485760; raise --max-doc-bytes to accept it)"),
        ("j1", ""),
        ("e-feed.jsonl:2", "document too large: 11534361 bytes (limit 10485760; raise --max-doc-bytes to accept it)"),
        ("j3", ""),
        ("../../escape", ""),
        ("'=cmd|' /C calc'!A0", ""),
    ];
    let expect: Vec<(String, String)> = expect
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(rows, expect);

    let errors: Vec<serde_json::Value> = read_jsonl(&out_dir.join("errors.jsonl"));
    assert_eq!(errors.len(), 4);
    assert_eq!(errors[0]["doc_id"], "b-binary.txt");

    // Formula cells are neutralised in CSV, raw in JSONL.
    let csv_mentions: Vec<MentionRow> = read_csv(&out_dir.join("mentions.csv"));
    let json_mentions: Vec<Mention> = read_jsonl(&out_dir.join("mentions.jsonl"));
    let csv_ids: Vec<&str> = csv_mentions.iter().map(|m| m.doc_id.as_ref()).collect();
    let json_ids: Vec<&str> = json_mentions.iter().map(|m| m.doc_id.as_str()).collect();
    assert!(json_ids.contains(&"=cmd|' /C calc'!A0"), "{json_ids:?}");
    assert!(csv_ids.contains(&"'=cmd|' /C calc'!A0"), "{csv_ids:?}");
    assert!(!csv_ids.iter().any(|d| d.starts_with('=')));
    assert!(json_mentions
        .iter()
        .any(|m| m.text == "350 kg" && m.amount.as_ref().map(|a| a.unit.as_str()) == Some("kg")));

    // Nothing was written outside --out.
    let names: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["run".to_string()]);

    // --strict turns failed documents into exit code 3.
    let strict = nerpipe(&[
        "run",
        "--corpus",
        c.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
        "--model",
        &model_arg(),
        "--strict",
        "--quiet",
    ]);
    assert_eq!(strict.status.code(), Some(3));
}

#[test]
fn jsonl_stream_in_and_out() {
    let input = concat!(
        "{\"id\": \"s1\", \"text\": \"Police in Podgorica seized more than 90 tonnes of cocaine.\"}\n",
        "not json\n",
        "{\"id\": \"s2\", \"text\": \"Europol said 888 suspects were arrested.\"}\n",
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_nerpipe"))
        .args([
            "run",
            "--jsonl-in",
            "-",
            "--jsonl-out",
            "-",
            "--model",
            &model_arg(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let mentions: Vec<Mention> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let amounts: Vec<(&str, &str, Option<&str>)> = mentions
        .iter()
        .filter(|m| m.amount.is_some())
        .map(|m| {
            (
                m.doc_id.as_str(),
                m.text.as_str(),
                m.amount.as_ref().and_then(|a| a.qualifier.as_deref()),
            )
        })
        .collect();
    assert_eq!(
        amounts,
        vec![
            ("s1", "more than 90 tonnes", Some("more than")),
            ("s2", "888 suspects", None)
        ]
    );
    assert!(mentions
        .iter()
        .any(|m| m.doc_id == "s1" && m.text == "Podgorica"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("-:2: malformed JSONL line"), "{stderr}");
}

#[test]
fn stream_to_a_pipe_closed_early_ends_quietly_with_exit_0() {
    // Documents dense with amounts, one chunk each: their mention lines (about
    // 1.5 MB) overflow any pipe buffer, so nerpipe writes after the reader
    // went away and meets a broken pipe.
    let dir = tempfile::tempdir().unwrap();
    let text: Vec<String> = (2..102).map(|n| format!("{n} tonnes")).collect();
    let text = format!("Police seized {} of cocaine", text.join(", "));
    let input = dir.path().join("amounts.jsonl");
    let lines: Vec<String> = (0..40)
        .map(|d| serde_json::json!({"id": format!("d{d}"), "text": text}).to_string())
        .collect();
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_nerpipe"))
        .args(["run", "--jsonl-in", input.to_str().unwrap()])
        .args(["--jsonl-out", "-", "--model", &model_arg()])
        .args(["--chunk-docs", "1", "--quiet"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::BufRead;
    let mut reader = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    let mention: Mention = serde_json::from_str(&first).unwrap();
    assert_eq!(mention.mention_id, "d0#0");
    drop(reader); // `| head -1`
    let output = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    assert_eq!(output.status.code(), Some(0));
}

/// Mention streams written in pieces (as Spark's partitions write them) and
/// resolved with `nerpipe resolve` give the mention and entity files of one
/// folder run over the same documents; an overlapping piece is refused.
#[test]
fn resolve_over_stream_pieces_equals_a_folder_run() {
    let dir = tempfile::tempdir().unwrap();
    let feed = std::fs::read_to_string(repo().join("corpus/wire/briefs.jsonl")).unwrap();
    let lines: Vec<&str> = feed.lines().collect();
    assert_eq!(lines.len(), 4);
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::write(corpus.join("feed.jsonl"), &feed).unwrap();
    let folder = dir.path().join("folder");
    run_corpus(&corpus, &folder, &["--no-sqlite", "--no-report"]);

    let parts = dir.path().join("parts");
    std::fs::create_dir(&parts).unwrap();
    for (i, piece) in [&lines[..1], &lines[1..]].iter().enumerate() {
        let input = dir.path().join(format!("in-{i}.jsonl"));
        std::fs::write(&input, piece.join("\n") + "\n").unwrap();
        let dest = parts.join(format!("part-0000{i}"));
        let run = nerpipe(&[
            "run",
            "--jsonl-in",
            input.to_str().unwrap(),
            "--jsonl-out",
            dest.to_str().unwrap(),
            "--model",
            &model_arg(),
            "--quiet",
        ]);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    std::fs::write(parts.join("_SUCCESS"), "").unwrap();
    let resolved = dir.path().join("resolved");
    let resolve = nerpipe(&[
        "resolve",
        "--mentions-in",
        parts.to_str().unwrap(),
        "--out",
        resolved.to_str().unwrap(),
    ]);
    assert!(
        resolve.status.success(),
        "{}",
        String::from_utf8_lossy(&resolve.stderr)
    );
    for file in [
        "mentions.jsonl",
        "mentions.csv",
        "entities.jsonl",
        "entities.csv",
    ] {
        let a = std::fs::read(folder.join(file)).unwrap();
        let b = std::fs::read(resolved.join(file)).unwrap();
        assert!(
            a == b,
            "{file} differs between the folder run and nerpipe resolve"
        );
    }
    let mentions = read_jsonl::<Mention>(&folder.join("mentions.jsonl")).len();
    let stderr = String::from_utf8_lossy(&resolve.stderr);
    assert!(
        stderr.contains(&format!(
            "resolved {mentions} mentions of 4 documents from 2 streams"
        )),
        "{stderr}"
    );

    // The same piece twice is an overlap, not twice the mentions.
    let first = parts.join("part-00000");
    let twice = nerpipe(&[
        "resolve",
        "--mentions-in",
        first.to_str().unwrap(),
        parts.join("part-00001").to_str().unwrap(),
        first.to_str().unwrap(),
        "--out",
        dir.path().join("twice").to_str().unwrap(),
    ]);
    assert_eq!(twice.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&twice.stderr);
    assert!(stderr.contains("appears a second time"), "{stderr}");
}
