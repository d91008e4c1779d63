//! A broken model folder gives one clear line naming the file, and exit code 2.

mod common;

use common::*;
use std::path::Path;

/// A copy of the default model (weights linked, not copied) to break.
fn model_copy(dir: &Path) {
    let model = default_model();
    for file in ["config.json", "tokenizer.json", "model.safetensors"] {
        #[cfg(unix)]
        std::os::unix::fs::symlink(model.join(file), dir.join(file)).unwrap();
    }
}

fn run_with_model(model: &Path) -> (i32, String) {
    let corpus = tempfile::tempdir().unwrap();
    std::fs::write(corpus.path().join("a.txt"), "Police in Bar.\n").unwrap();
    let out = tempfile::tempdir().unwrap();
    let output = nerpipe(&[
        "run",
        "--corpus",
        corpus.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr)
        .trim_end()
        .to_string();
    (output.status.code().unwrap_or(-1), stderr)
}

fn replace(dir: &Path, file: &str, content: &[u8]) {
    std::fs::remove_file(dir.join(file)).unwrap();
    std::fs::write(dir.join(file), content).unwrap();
}

fn assert_one_line(stderr: &str, expected: &str) {
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("nerpipe: error: "), "{stderr}");
    assert!(
        stderr.contains(expected),
        "expected {expected:?} in {stderr:?}"
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{stderr}"
    );
}

#[test]
fn missing_model_folder() {
    let (code, stderr) = run_with_model(Path::new("/nonexistent/model"));
    assert_eq!(code, 2);
    assert_one_line(&stderr, "/nonexistent/model: model folder not found");
}

#[test]
fn missing_weights() {
    let dir = tempfile::tempdir().unwrap();
    model_copy(dir.path());
    std::fs::remove_file(dir.path().join("model.safetensors")).unwrap();
    let (code, stderr) = run_with_model(dir.path());
    assert_eq!(code, 2);
    assert_one_line(&stderr, "model.safetensors: missing weights file");
}

#[test]
fn corrupt_weights() {
    let dir = tempfile::tempdir().unwrap();
    model_copy(dir.path());
    replace(
        dir.path(),
        "model.safetensors",
        b"\x10\x00\x00\x00\x00\x00\x00\x00{not json at all",
    );
    let (code, stderr) = run_with_model(dir.path());
    assert_eq!(code, 2);
    assert_one_line(&stderr, "model.safetensors: corrupt safetensors file");
}

#[test]
fn corrupt_config_and_tokenizer() {
    let dir = tempfile::tempdir().unwrap();
    model_copy(dir.path());
    replace(dir.path(), "config.json", b"{\"hidden_size\": ");
    let (code, stderr) = run_with_model(dir.path());
    assert_eq!(code, 2);
    assert_one_line(&stderr, "config.json: not a valid JSON config");

    let dir = tempfile::tempdir().unwrap();
    model_copy(dir.path());
    replace(dir.path(), "tokenizer.json", b"{}");
    let (code, stderr) = run_with_model(dir.path());
    assert_eq!(code, 2);
    assert_one_line(&stderr, "tokenizer.json: not a valid tokenizers file");
}

#[test]
fn unmappable_labels() {
    let dir = tempfile::tempdir().unwrap();
    model_copy(dir.path());
    let config = std::fs::read_to_string(default_model().join("config.json")).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&config).unwrap();
    json["nerpipe"]["label_map"]
        .as_object_mut()
        .unwrap()
        .remove("ORG");
    replace(dir.path(), "config.json", json.to_string().as_bytes());
    let (code, stderr) = run_with_model(dir.path());
    assert_eq!(code, 2);
    assert_one_line(
        &stderr,
        "config.json: entity type \"ORG\" has no output label",
    );

    json["id2label"]["1"] = serde_json::Value::String("X-LOC".into());
    replace(dir.path(), "config.json", json.to_string().as_bytes());
    let (code, stderr) = run_with_model(dir.path());
    assert_eq!(code, 2);
    assert_one_line(
        &stderr,
        "config.json: label \"X-LOC\" is not O, B-TYPE or I-TYPE",
    );
}

#[test]
fn missing_corpus_is_a_plain_error() {
    let out = tempfile::tempdir().unwrap();
    let output = nerpipe(&[
        "run",
        "--corpus",
        "/nonexistent/corpus",
        "--out",
        out.path().to_str().unwrap(),
        "--model",
        default_model().to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_one_line(
        stderr.trim_end(),
        "/nonexistent/corpus: corpus folder not found",
    );
}
