//! Issue 16: the pipeline used as a hostile or careless user would. One test
//! per failure case, named for what it checks; most share one run over a
//! corpus of awkward files ([`awkward_run`]).

mod common;

use common::*;
use nerpipe::doc::{DocStatus, Mention};
use nerpipe::sink::csv::{DocumentRow, MentionRow};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

fn model_arg() -> String {
    default_model().to_str().unwrap().to_string()
}

fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn run_args(corpus: &Path, out: &Path, extra: &[&str]) -> Output {
    let model = model_arg();
    let mut args = vec![
        "run",
        "--corpus",
        corpus.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--model",
        &model,
    ];
    args.extend_from_slice(extra);
    nerpipe(&args)
}

fn small_corpus(dir: &Path) -> PathBuf {
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(
        corpus.join("a.txt"),
        "Police in Podgorica arrested Darko Šarić.\n",
    )
    .unwrap();
    std::fs::write(corpus.join("b.txt"), "Europol met SIPA in Sarajevo.\n").unwrap();
    corpus
}

/// A corpus of awkward files and its output, made once for the tests below.
struct AwkwardRun {
    _dir: tempfile::TempDir,
    out: PathBuf,
    stderr: String,
    documents: Vec<DocumentRow<'static>>,
}

const LONG_TITLE_CHARS: usize = 220_000;

fn awkward_run() -> &'static AwkwardRun {
    static RUN: OnceLock<AwkwardRun> = OnceLock::new();
    RUN.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path().join("corpus");
        std::fs::create_dir(&c).unwrap();
        let w = |name: &str, bytes: &[u8]| std::fs::write(c.join(name), bytes).unwrap();
        // names_that_are_not_utf8_keep_distinct_ids: Šarić.txt and Žarić.txt as an
        // old Windows archive names them (cp1250).
        let cp1250 = |first: u8| {
            let mut name = vec![first];
            name.extend_from_slice(b"ari\xE6.txt");
            c.join(std::ffi::OsStr::from_bytes(&name))
        };
        std::fs::write(cp1250(0x8A), "Darko Šarić was seen in Bar.\n").unwrap();
        std::fs::write(cp1250(0x8E), "Police in Podgorica.\n").unwrap();
        // utf16_and_byte_order_marks_are_decoded: UTF-16 with byte-order marks, a
        // UTF-8 byte-order mark.
        let utf16 = "Arrest in Split\nPolice in Split seized 20 kg.\n";
        let mut le = vec![0xFF, 0xFE];
        le.extend(utf16.encode_utf16().flat_map(u16::to_le_bytes));
        w("u16le.txt", &le);
        let mut be = vec![0xFE, 0xFF];
        be.extend(utf16.encode_utf16().flat_map(u16::to_be_bytes));
        w("u16be.txt", &be);
        w("u8bom.txt", b"\xEF\xBB\xBFHeadline\nPolice in Bar.\n");
        w(
            "v-feed.jsonl",
            b"\xEF\xBB\xBF{\"id\": \"bom1\", \"text\": \"Police in Bar.\"}\n{\"id\": \"sur\", \"text\": \"bad \\ud800\"}\n{\"id\": \"dup\", \"text\": \"First in Kotor.\"}\n{\"id\": \"dup\", \"text\": \"Second in Kotor.\"}\n",
        );
        // control_characters_in_ids_get_error_rows.
        w(
            "w-ids.jsonl",
            b"{\"id\": \"a\\u0000b\", \"text\": \"Police in Bar.\"}\n{\"id\": \"tab\\there\", \"text\": \"Police in Bar.\"}\n",
        );
        // long_titles_are_capped_in_csv_only: a 220 000-character first line.
        w("x-long.txt", format!("{}\nPolice in Bar.\n", "Š".repeat(LONG_TITLE_CHARS)).as_bytes());
        // symlinks_and_special_files_follow_one_rule.
        std::fs::create_dir(c.join("y-dir")).unwrap();
        w("y-dir/inner.txt", b"Police in Tivat.\n");
        let outside = dir.path().join("outside.txt");
        std::fs::write(&outside, "Police in Zagreb.\n").unwrap();
        let link = |target: &Path, name: &str| std::os::unix::fs::symlink(target, c.join(name)).unwrap();
        link(&c.join("y-dir"), "z-dirlink");
        link(&c.join("y-dir/inner.txt"), "z-filelink.txt");
        link(&c.join("y-dir/inner.txt"), "z-noext");
        link(&outside, "z-outside.txt");
        link(&c.join("missing.txt"), "z-dangling.txt");
        let fifo = c.join("z-fifo.txt");
        assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let out = dir.path().join("out");
        let output = run_args(&c, &out, &[]);
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        let documents = read_csv(&out.join("documents.csv"));
        AwkwardRun {
            stderr: stderr(&output),
            out,
            documents,
            _dir: dir,
        }
    })
}

fn row<'a>(run: &'a AwkwardRun, doc_id: &str) -> &'a DocumentRow<'static> {
    run.documents
        .iter()
        .find(|d| d.doc_id == doc_id)
        .unwrap_or_else(|| panic!("no row {doc_id:?} in {:#?}", run.documents))
}

#[test]
fn jsonl_out_file_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = small_corpus(dir.path());
    let dest = dir.path().join("mentions.jsonl");
    let model = model_arg();
    let from_corpus = nerpipe(&[
        "run",
        "--corpus",
        corpus.to_str().unwrap(),
        "--jsonl-out",
        dest.to_str().unwrap(),
        "--model",
        &model,
        "--quiet",
    ]);
    assert_eq!(code(&from_corpus), 0, "{}", stderr(&from_corpus));
    let mentions: Vec<Mention> = read_jsonl(&dest);
    assert!(
        mentions.iter().any(|m| m.text == "Darko Šarić"),
        "{mentions:?}"
    );
    let input = dir.path().join("in.jsonl");
    std::fs::write(
        &input,
        "{\"id\": \"j1\", \"text\": \"Europol met SIPA in Sarajevo.\"}\n",
    )
    .unwrap();
    let dest2 = dir.path().join("out2.jsonl");
    let from_jsonl = nerpipe(&[
        "run",
        "--jsonl-in",
        input.to_str().unwrap(),
        "--jsonl-out",
        dest2.to_str().unwrap(),
        "--model",
        &model,
        "--quiet",
    ]);
    assert_eq!(code(&from_jsonl), 0, "{}", stderr(&from_jsonl));
    let mentions: Vec<Mention> = read_jsonl(&dest2);
    assert!(mentions.iter().all(|m| m.doc_id == "j1") && !mentions.is_empty());
    // A file that is not a mention stream is not replaced.
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "my notes\n").unwrap();
    let refused = nerpipe(&[
        "run",
        "--jsonl-in",
        input.to_str().unwrap(),
        "--jsonl-out",
        notes.to_str().unwrap(),
        "--model",
        &model,
    ]);
    assert_eq!(code(&refused), 1);
    assert!(
        stderr(&refused).contains("is not a mention stream nerpipe wrote"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "my notes\n");
}

#[test]
fn output_folder_in_the_corpus_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = small_corpus(dir.path());
    let own = "{\"id\": \"mine\", \"text\": \"Police in Bar.\"}\n";
    std::fs::write(corpus.join("documents.jsonl"), own).unwrap();
    let same = run_args(&corpus, &corpus, &["--quiet"]);
    assert_eq!(code(&same), 2);
    assert!(
        stderr(&same).contains("is the corpus folder"),
        "{}",
        stderr(&same)
    );
    assert_eq!(
        std::fs::read_to_string(corpus.join("documents.jsonl")).unwrap(),
        own
    );
    let inside = corpus.join("out");
    let nested = run_args(&corpus, &inside, &["--quiet"]);
    assert_eq!(code(&nested), 2);
    assert!(
        stderr(&nested).contains("is inside the corpus"),
        "{}",
        stderr(&nested)
    );
    assert!(!inside.exists());
    let parent = run_args(&corpus, dir.path(), &["--quiet"]);
    assert_eq!(code(&parent), 2);
    assert!(
        stderr(&parent).contains("is inside the output folder"),
        "{}",
        stderr(&parent)
    );
    // --exclude-out: reruns read the same documents.
    for _ in 0..2 {
        let ok = run_args(&corpus, &inside, &["--quiet", "--exclude-out"]);
        assert_eq!(code(&ok), 0, "{}", stderr(&ok));
        let docs: Vec<DocumentRow> = read_csv(&inside.join("documents.csv"));
        assert_eq!(docs.len(), 3);
    }
    // A folder with someone else's documents.csv is not written into.
    let foreign = dir.path().join("foreign");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("documents.csv"), "mine\n").unwrap();
    let refused = run_args(&corpus, &foreign, &["--quiet"]);
    assert_eq!(code(&refused), 2);
    assert!(
        stderr(&refused).contains("documents.csv: exists and was not written by nerpipe"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        std::fs::read_to_string(foreign.join("documents.csv")).unwrap(),
        "mine\n"
    );
}

#[test]
fn a_locked_output_folder_is_refused_and_a_stale_lock_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = small_corpus(dir.path());
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let host = nerpipe::run::guard::hostname();
    let lock = out.join(nerpipe::run::guard::LOCK_FILE);
    // This test process stands in for a live run.
    std::fs::write(&lock, format!("{} {host}\n", std::process::id())).unwrap();
    let busy = run_args(&corpus, &out, &["--quiet", "--min-score", "0.99"]);
    assert_eq!(code(&busy), 5, "{}", stderr(&busy));
    assert!(
        stderr(&busy).contains("another nerpipe run is writing here"),
        "{}",
        stderr(&busy)
    );
    assert!(!out.join("documents.csv").exists() && !out.join("shards").exists());
    // A lock of a process that is gone is taken over, with a message.
    std::fs::write(&lock, format!("2147483632 {host}\n")).unwrap();
    let taken = run_args(&corpus, &out, &[]);
    assert_eq!(code(&taken), 0, "{}", stderr(&taken));
    assert!(
        stderr(&taken).contains("taking over the lock of process 2147483632"),
        "{}",
        stderr(&taken)
    );
    assert!(!lock.exists());
    // Shards lock their own folder; merge locks the output folder.
    let shard_dir = out.join("shards/0-of-2");
    std::fs::create_dir_all(&shard_dir).unwrap();
    std::fs::write(
        shard_dir.join(nerpipe::run::guard::LOCK_FILE),
        "1 other-host\n",
    )
    .unwrap();
    let shard = run_args(&corpus, &out, &["--quiet", "--shard", "0/2"]);
    assert_eq!(code(&shard), 5, "{}", stderr(&shard));
}

#[test]
fn merge_refuses_shards_of_different_corpora() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = small_corpus(dir.path());
    let out = dir.path().join("out");
    assert_eq!(
        code(&run_args(&corpus, &out, &["--quiet", "--shard", "0/2"])),
        0
    );
    std::fs::write(corpus.join("b.txt"), "Europol met SIPA in Mostar.\n").unwrap();
    assert_eq!(
        code(&run_args(&corpus, &out, &["--quiet", "--shard", "1/2"])),
        0
    );
    let merge = nerpipe(&["merge", out.to_str().unwrap()]);
    assert_eq!(code(&merge), 1);
    let message = stderr(&merge);
    assert!(
        message.contains("shards 0-of-2 and 1-of-2 ran over different versions of the corpus: 1 files differ: b.txt (changed)"),
        "{message}"
    );
    assert!(!out.join("documents.csv").exists());
}

#[test]
fn damaged_weights_are_refused_and_a_silent_model_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model");
    std::fs::create_dir(&model).unwrap();
    for entry in std::fs::read_dir(default_model()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, model.join(path.file_name().unwrap())).unwrap();
        }
    }
    let sha = nerpipe::model::sha256_file(&model.join("model.safetensors")).unwrap();
    std::fs::write(
        model.join("model.safetensors.sha256"),
        format!("{sha}  model.safetensors\n"),
    )
    .unwrap();
    // 1 000 bytes overwritten in place, in the middle of the tensors.
    let mut bytes = std::fs::read(model.join("model.safetensors")).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle..middle + 1000].fill(0x7f);
    std::fs::write(model.join("model.safetensors"), bytes).unwrap();
    let corpus = small_corpus(dir.path());
    let out = dir.path().join("out");
    let output = nerpipe(&[
        "run",
        "--corpus",
        corpus.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
    ]);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("model.safetensors: sha256 "),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains(&format!("differs from the {sha} that")),
        "{}",
        stderr(&output)
    );
    // 20 documents without a single model mention get a warning.
    let quiet = dir.path().join("quiet");
    std::fs::create_dir(&quiet).unwrap();
    for i in 0..20 {
        std::fs::write(
            quiet.join(format!("{i:02}.txt")),
            "the cat sat on the mat.\n",
        )
        .unwrap();
    }
    let silent = run_args(&quiet, &dir.path().join("out2"), &["--quiet"]);
    assert_eq!(code(&silent), 0, "{}", stderr(&silent));
    assert!(
        stderr(&silent).contains("warning: the model found no mention in 20 documents"),
        "{}",
        stderr(&silent)
    );
}

/// (arguments after `run --corpus C --out O`, the option the message names)
const BAD_RUN_VALUES: &[(&[&str], &str)] = &[
    (&["--min-score", "2"], "--min-score"),
    (&["--min-score", "NaN"], "--min-score"),
    (&["--min-score=-0.5"], "--min-score"),
    (&["--batch-size", "0"], "--batch-size"),
    (&["--chunk-docs", "0"], "--chunk-docs"),
    (&["--shard-count", "0"], "--shard-count"),
    (&["--threads", "0"], "--threads"),
    (&["--max-doc-bytes", "0"], "--max-doc-bytes"),
    (&["--window", "4"], "--window"),
];

#[test]
fn numeric_options_are_checked_at_parse_time() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = small_corpus(dir.path());
    let out = dir.path().join("out");
    for (args, option) in BAD_RUN_VALUES {
        let output = run_args(&corpus, &out, args);
        assert_eq!(code(&output), 2, "{args:?}: {}", stderr(&output));
        assert!(
            stderr(&output).contains(&format!("for '{option} <")),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(!out.exists(), "{args:?} wrote output");
    }
}

#[test]
fn an_empty_corpus_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("empty");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::write(corpus.join("notes.csv"), "x").unwrap();
    let output = run_args(&corpus, &dir.path().join("out"), &["--quiet"]);
    assert_eq!(code(&output), 0);
    let expected = format!(
        "no documents found in {} (looked for .txt, .md, .jsonl, .html, .htm, .pdf, .docx, .odt, .eml, .mbox, .png, .jpg, .jpeg, .tif, .tiff, .bmp, .webp files in it and its subfolders; skipped 1 files in formats nerpipe does not read)",
        corpus.display()
    );
    assert!(stderr(&output).contains(&expected), "{}", stderr(&output));
    let strict = run_args(&corpus, &dir.path().join("out"), &["--quiet", "--strict"]);
    assert_eq!(code(&strict), 4, "{}", stderr(&strict));
    assert!(stderr(&strict).contains(&expected), "{}", stderr(&strict));
}

/// Every subcommand with zero, negative, NaN, huge and malformed values.
fn hostile_invocations(corpus: &str, out: &str, model: &str) -> Vec<Vec<String>> {
    let mut calls: Vec<Vec<String>> = Vec::new();
    let base = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    for value in [
        "0",
        "-1",
        "NaN",
        "inf",
        "1e400",
        "99999999999999999999999",
        "x",
        "",
    ] {
        for option in [
            "--batch-size",
            "--threads",
            "--min-score",
            "--window",
            "--overlap",
            "--shard-count",
            "--max-doc-bytes",
            "--chunk-docs",
        ] {
            calls.push(base(&[
                "run", "--corpus", corpus, "--out", out, "--model", model, option, value,
            ]));
        }
        calls.push(base(&[
            "run", "--corpus", corpus, "--out", out, "--model", model, "--shard", value,
        ]));
        calls.push(base(&["merge", out, "--shards", value]));
        for option in ["--batch-size", "--threads"] {
            calls.push(base(&[
                "eval", "--data", corpus, "--model", model, option, value,
            ]));
        }
        for option in [
            "--epochs",
            "--lr",
            "--batch-size",
            "--max-len",
            "--seed",
            "--threads",
            "--warmup",
            "--weight-decay",
            "--label-smoothing",
            "--ascii-copies",
        ] {
            calls.push(base(&[
                "train", "--train", corpus, "--dev", corpus, "--base", model, "--out", out, option,
                value,
            ]));
        }
    }
    // Values that pass parsing but not the model: checked before any work.
    calls.push(base(&[
        "run", "--corpus", corpus, "--out", out, "--model", model, "--window", "100000",
    ]));
    calls.push(base(&[
        "run", "--corpus", corpus, "--out", out, "--model", model, "--shard", "5/2",
    ]));
    calls.push(base(&["merge", "/nonexistent"]));
    calls.push(base(&[
        "load",
        "--postgres",
        "postgresql://127.0.0.1:1/x",
        "/nonexistent",
    ]));
    calls.push(base(&["report", "/nonexistent"]));
    calls.push(base(&["export", "--label-studio", "/nonexistent"]));
    calls.push(base(&[
        "import",
        "--label-studio",
        "/nonexistent",
        "--out",
        out,
    ]));
    calls.push(base(&["convert-e5", "/nonexistent", out]));
    calls.push(base(&[
        "frozen-embeddings",
        "--base",
        "/nonexistent",
        "--model",
        model,
    ]));
    calls.push(base(&["eval", "--data", "/nonexistent", "--model", model]));
    calls.push(base(&["schema", "--bogus"]));
    calls
}

#[test]
fn hostile_options_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = small_corpus(dir.path());
    // A long document, for --window beyond the model's positions.
    std::fs::write(
        corpus.join("long.txt"),
        "Police in Bar arrested Darko Šarić. ".repeat(400),
    )
    .unwrap();
    let out = dir.path().join("out");
    let model = model_arg();
    for call in hostile_invocations(corpus.to_str().unwrap(), out.to_str().unwrap(), &model) {
        let output = Command::new(env!("CARGO_BIN_EXE_nerpipe"))
            .args(&call)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let message = stderr(&output);
        assert_ne!(code(&output), 101, "{call:?} panicked: {message}");
        assert!(
            !message.contains("panicked") && !message.contains("RUST_BACKTRACE"),
            "{call:?}: {message}"
        );
    }
    // --threads 0 and a window above the model's 512 positions: exit 2, named.
    let threads = run_args(&corpus, &out, &["--threads", "0"]);
    assert_eq!(code(&threads), 2);
    assert!(
        stderr(&threads).contains("'--threads <THREADS>'"),
        "{}",
        stderr(&threads)
    );
    let window = run_args(&corpus, &out, &["--window", "1024", "--overlap", "32"]);
    assert_eq!(code(&window), 2, "{}", stderr(&window));
    assert!(
        stderr(&window)
            .contains("--window 1024 is larger than the model's maximum of 512 positions"),
        "{}",
        stderr(&window)
    );
}

#[test]
fn names_that_are_not_utf8_keep_distinct_ids() {
    let run = awkward_run();
    let documents: Vec<nerpipe::doc::DocumentOutcome> =
        read_jsonl(&run.out.join("documents.jsonl"));
    let mentions: Vec<MentionRow> = read_csv(&run.out.join("mentions.csv"));
    // Each id holds its own file's text and mentions.
    for (id, text, name) in [
        (
            "%8Aari%E6.txt",
            "Darko Šarić was seen in Bar.\n",
            "Darko Šarić",
        ),
        ("%8Eari%E6.txt", "Police in Podgorica.\n", "Podgorica"),
    ] {
        let d = row(run, id);
        assert_eq!(
            (d.error.as_ref(), d.status, d.chars),
            ("", DocStatus::Ok, text.chars().count()),
            "{id}"
        );
        let full = documents.iter().find(|d| d.doc_id == id).unwrap();
        assert_eq!(full.text, text, "{id}");
        let found: Vec<&str> = mentions
            .iter()
            .filter(|m| m.doc_id == id)
            .map(|m| m.text.as_ref())
            .collect();
        assert_eq!(found.len(), d.mentions, "{id}");
        assert!(found.contains(&name), "{id}: {found:?}");
    }
}

#[test]
fn utf16_and_byte_order_marks_are_decoded() {
    let run = awkward_run();
    for id in ["u16le.txt", "u16be.txt"] {
        let d = row(run, id);
        assert_eq!(
            (d.error.as_ref(), d.title.as_ref()),
            ("", "Arrest in Split"),
            "{id}"
        );
    }
    assert_eq!(row(run, "u8bom.txt").title, "Headline");
    assert_eq!(
        row(run, "u8bom.txt").chars,
        "Headline\nPolice in Bar.\n".chars().count()
    );
    assert_eq!(row(run, "bom1").error, "");
    let surrogate = row(run, "v-feed.jsonl:2");
    assert!(
        surrogate
            .error
            .starts_with("malformed JSONL line: lone UTF-16 surrogate escape \\ud800 at column 28"),
        "{}",
        surrogate.error
    );
}

#[test]
fn control_characters_in_ids_get_error_rows() {
    let run = awkward_run();
    let nul = row(run, "w-ids.jsonl:1");
    assert_eq!(
        nul.error,
        "JSONL \"id\" holds the control character U+0000 at character 2: ids must be printable text; fix the id"
    );
    assert!(row(run, "w-ids.jsonl:2").error.contains("U+0009"));
    let csv = std::fs::read(run.out.join("documents.csv")).unwrap();
    let jsonl = std::fs::read_to_string(run.out.join("documents.jsonl")).unwrap();
    assert!(!csv.contains(&0u8) && !jsonl.contains("\\u0000"));
}

#[test]
fn long_titles_are_capped_in_csv_only() {
    let run = awkward_run();
    let title = &row(run, "x-long.txt").title;
    assert_eq!(title.chars().count(), nerpipe::sink::csv::TITLE_CELL_CHARS);
    assert!(title.ends_with('…'));
    let docs: Vec<nerpipe::doc::DocumentOutcome> = read_jsonl(&run.out.join("documents.jsonl"));
    let full = docs.iter().find(|d| d.doc_id == "x-long.txt").unwrap();
    assert_eq!(full.title.chars().count(), LONG_TITLE_CHARS);
    // No cell of any CSV file exceeds the spreadsheet limit.
    for file in ["documents.csv", "mentions.csv", "entities.csv"] {
        let mut reader = csv::Reader::from_path(run.out.join(file)).unwrap();
        for record in reader.records() {
            for cell in record.unwrap().iter() {
                assert!(cell.chars().count() <= 32_767, "{file}");
            }
        }
    }
}

#[test]
fn failed_rows_are_in_the_database() {
    let run = awkward_run();
    let db = rusqlite::Connection::open(run.out.join("nerpipe.sqlite")).unwrap();
    let error: String = db
        .query_row(
            "SELECT error FROM document_errors WHERE source_path = 'v-feed.jsonl:4'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(error.starts_with("duplicate doc_id \"dup\""), "{error}");
    let failed_csv = run.documents.iter().filter(|d| !d.error.is_empty()).count() as i64;
    let failed_db: i64 = db
        .query_row("SELECT count(*) FROM document_errors", [], |r| r.get(0))
        .unwrap();
    assert_eq!(failed_db, failed_csv);
}

#[test]
fn a_full_disk_names_what_was_being_written() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = small_corpus(dir.path());
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_nerpipe"))
        .args([
            "run",
            "--corpus",
            corpus.to_str().unwrap(),
            "--jsonl-out",
            "-",
            "--model",
            &model_arg(),
        ])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(code(&output), 1);
    assert!(
        stderr(&output).contains(
            "standard output: no space left on device where the mention stream is redirected"
        ),
        "{}",
        stderr(&output)
    );
}

#[test]
fn merge_of_an_unsharded_run_says_it_needs_none() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = small_corpus(dir.path());
    let out = dir.path().join("out");
    assert_eq!(code(&run_args(&corpus, &out, &["--quiet"])), 0);
    let before = std::fs::read(out.join("documents.csv")).unwrap();
    let merge = nerpipe(&["merge", out.to_str().unwrap()]);
    assert_eq!(code(&merge), 0, "{}", stderr(&merge));
    assert!(
        stderr(&merge).contains("holds an unsharded run, which needs no merge"),
        "{}",
        stderr(&merge)
    );
    assert_eq!(std::fs::read(out.join("documents.csv")).unwrap(), before);
}

#[test]
fn symlinks_and_special_files_follow_one_rule() {
    let run = awkward_run();
    let ids: Vec<&str> = run.documents.iter().map(|d| d.doc_id.as_ref()).collect();
    assert!(
        ids.contains(&"z-filelink.txt") && ids.contains(&"y-dir/inner.txt"),
        "{ids:?}"
    );
    for skipped in [
        "z-dirlink/inner.txt",
        "z-outside.txt",
        "z-dangling.txt",
        "z-fifo.txt",
        "z-noext",
    ] {
        assert!(!ids.contains(&skipped), "{skipped} in {ids:?}");
    }
    assert!(
        run.stderr.contains("skipped 1 FIFOs, sockets and devices, 1 broken symlinks, 1 files in formats nerpipe does not read, 1 symlinks to files outside the corpus, 1 symlinks to folders"),
        "{}",
        run.stderr
    );
    let run_json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run_json["counts"]["skipped"]["symlinks to folders"], 1);
}

#[test]
fn unparseable_manifest_is_reported_when_its_chunks_are_discarded() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = small_corpus(dir.path());
    let out = dir.path().join("out");
    assert_eq!(code(&run_args(&corpus, &out, &["--quiet"])), 0);
    let manifest = out.join("shards/0-of-1/manifest.json");
    std::fs::write(&manifest, "{ truncated").unwrap();
    let rerun = run_args(&corpus, &out, &[]);
    assert_eq!(code(&rerun), 0);
    let message = stderr(&rerun);
    assert!(
        message.contains(&format!("{}: not a nerpipe manifest (", manifest.display()))
            && message
                .contains("discarding the 1 chunks it describes and starting this shard again"),
        "{message}"
    );
}
