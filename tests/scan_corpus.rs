//! Every page read (issue 25), on the corpus scripts/make-scan-corpus.py
//! builds: born-digital PDFs from six producers (reportlab, fpdf2 with CID
//! fonts, Ghostscript's `'` operator, Chromium, a hand-written PDF with
//! `'`/`"`/`TJ` and two columns drawn row by row, a rotated page), scans at
//! 300 dpi with skew and noise (PNG, JPEG, two-page TIFF, image-only PDF;
//! English, Croatian, Serbian Latin and Cyrillic) and a mixed text + scan
//! PDF, each with its text as a .txt control.
//!
//! - A digital PDF's text is pdftotext's, up to whitespace and the hyphen
//!   pdftotext drops where a line ends in one before a capital or a digit
//!   ("Bosnia-" + "Herzegovina": nerpipe keeps "Bosnia-Herzegovina").
//! - Each scanned page's character error rate against the text rendered on
//!   it is at most 3 % (printed as a table).
//! - Every planted name and amount the control's run finds is found in the
//!   document, on a scan wherever OCR read the name's characters right.
//! - Every mention's offsets slice the kept text to the mention.
//!
//! Needs Chromium, Ghostscript, Tesseract with the region's models,
//! poppler-utils and Python with reportlab, fpdf2 and Pillow
//! (scripts/scan-corpus-venv.sh); required under CI.
mod common;
mod services;

use common::{default_model, read_csv, read_jsonl, repo};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Deserialize)]
struct Entry {
    file: String,
    kind: String,
    language: serde_json::Value,
    truth: Vec<String>,
    control: String,
    names: Vec<String>,
    amounts: Vec<String>,
}

#[derive(Deserialize)]
struct MentionRow {
    doc_id: String,
    label: String,
    text: String,
    start: usize,
    end: usize,
}

/// The Python of scripts/scan-corpus-venv.sh, made if missing.
fn corpus_python() -> Option<PathBuf> {
    let out = Command::new("bash")
        .arg(repo().join("scripts/scan-corpus-venv.sh"))
        .output()
        .expect("bash runs");
    if !out.status.success() {
        services::missing(
            "Python with reportlab, fpdf2 and Pillow",
            &format!(
                "scripts/scan-corpus-venv.sh failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        );
        return None;
    }
    Some(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

fn run(corpus: &Path, out: &Path, cache: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_nerpipe"))
        .args(["run", "--corpus"])
        .arg(corpus)
        .arg("--out")
        .arg(out)
        .arg("--model")
        .arg(default_model())
        .args(["--quiet", "--no-report", "--no-sqlite"])
        .env("NERPIPE_CACHE", cache)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn collapse(text: &str) -> Vec<char> {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .collect()
}

/// Levenshtein distance between two character sequences.
fn edits(a: &[char], b: &[char]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// Whether nerpipe's text equals pdftotext's up to whitespace and the
/// line-end hyphens pdftotext drops before a capital or a digit; the first
/// difference otherwise.
fn same_as_pdftotext(ours: &str, theirs: &str) -> Result<(), String> {
    let a: Vec<char> = ours.chars().filter(|c| !c.is_whitespace()).collect();
    let b: Vec<char> = theirs.chars().filter(|c| !c.is_whitespace()).collect();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            i += 1;
            j += 1;
        } else if a[i] == '-' && a.get(i + 1) == Some(&b[j]) && !b[j].is_lowercase() {
            i += 1;
        } else {
            let at = |s: &[char], k: usize| {
                s[k.saturating_sub(20)..(k + 20).min(s.len())]
                    .iter()
                    .collect::<String>()
            };
            return Err(format!(
                "nerpipe …{}… against pdftotext …{}…",
                at(&a, i),
                at(&b, j)
            ));
        }
    }
    if i < a.len() || j < b.len() {
        return Err(format!("lengths differ: {} against {}", a.len(), b.len()));
    }
    Ok(())
}

/// Whether `text` holds `words` with no letter or digit right before or
/// after them ("Црне Горе" is not in "Црне Гореи").
fn contains_words(text: &str, words: &str) -> bool {
    text.match_indices(words).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + words.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// The text of page `n` (0-based) of a document record, by its page starts
/// (character offsets).
fn page(record: &serde_json::Value, n: usize) -> String {
    let text: Vec<char> = record["text"].as_str().unwrap().chars().collect();
    let starts: Vec<usize> = record["metadata"]["page_starts"]
        .as_array()
        .map(|a| a.iter().map(|v| v.as_u64().unwrap() as usize).collect())
        .unwrap_or_else(|| vec![0]);
    let end = starts.get(n + 1).copied().unwrap_or(text.len());
    text[starts[n]..end].iter().collect()
}

#[test]
fn every_page_of_the_scan_corpus_is_read() {
    if services::chromium().is_none() || !services::ocr_tools() {
        return;
    }
    for tool in ["ps2pdf", "pdftotext"] {
        if services::program(tool).is_none() {
            services::missing(
                tool,
                "bash scripts/ci-install.sh installs ghostscript and poppler-utils",
            );
            return;
        }
    }
    let Some(python) = corpus_python() else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let corpus = work.path().join("corpus");
    let made = Command::new(&python)
        .arg(repo().join("scripts/make-scan-corpus.py"))
        .arg(&corpus)
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let manifest: Vec<Entry> =
        serde_json::from_str(&std::fs::read_to_string(corpus.join("manifest.json")).unwrap())
            .unwrap();

    let cache = work.path().join("cache");
    let out = work.path().join("out");
    let control_out = work.path().join("control-out");
    run(&corpus.join("docs"), &out, &cache);
    run(&corpus.join("controls"), &control_out, &cache);
    let records: Vec<serde_json::Value> = read_jsonl(&out.join("documents.jsonl"));
    let record = |id: &str| {
        records
            .iter()
            .find(|r| r["doc_id"] == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    let mentions: Vec<MentionRow> = read_csv(&out.join("mentions.csv"));
    let control_mentions: Vec<MentionRow> = read_csv(&control_out.join("mentions.csv"));

    let mut cer_table = Vec::new();
    let mut planted_total = 0;
    let mut missed_by_ocr = Vec::new();
    for entry in &manifest {
        let id = Path::new(&entry.file)
            .file_name()
            .unwrap()
            .to_str()
            .unwrap();
        let control_id = Path::new(&entry.control)
            .file_name()
            .unwrap()
            .to_str()
            .unwrap();
        let doc = record(id);
        assert_eq!(doc["status"], "ok", "{id}: {}", doc["error"]);
        let text = doc["text"].as_str().unwrap();

        // Digital pages: pdftotext's text. Scanned pages: the error rate.
        let ocr_pages: Vec<usize> = doc["metadata"]["ocr"]["pages"]
            .as_array()
            .map(|a| a.iter().map(|v| v.as_u64().unwrap() as usize).collect())
            .unwrap_or_default();
        for (n, truth) in entry.truth.iter().enumerate() {
            let ours = page(doc, n);
            if ocr_pages.contains(&(n + 1)) {
                let truth = collapse(truth);
                let cer = edits(&collapse(&ours), &truth) as f64 / truth.len() as f64;
                let language = match &entry.language {
                    serde_json::Value::Array(pages) => pages[n].as_str().unwrap().to_string(),
                    one => one.as_str().unwrap().to_string(),
                };
                cer_table.push(format!(
                    "{id:<22} page {} {language:<8} CER {:.2} %",
                    n + 1,
                    100.0 * cer
                ));
                assert!(
                    cer <= 0.03,
                    "{id} page {}: CER {:.2} %:\n{ours}",
                    n + 1,
                    100.0 * cer
                );
            } else {
                assert_ne!(entry.kind, "scan", "{id}: a scan read without OCR");
                let pdftotext = Command::new("pdftotext")
                    .args(["-f", &(n + 1).to_string(), "-l", &(n + 1).to_string()])
                    .arg(corpus.join(&entry.file))
                    .arg("-")
                    .output()
                    .unwrap();
                let theirs = String::from_utf8(pdftotext.stdout).unwrap();
                if let Err(difference) = same_as_pdftotext(&ours, &theirs) {
                    panic!("{id} page {}: {difference}", n + 1);
                }
            }
        }
        assert_eq!(
            ocr_pages.is_empty(),
            entry.kind == "digital",
            "{id}: OCR'd pages {ocr_pages:?}"
        );

        // Planted names and amounts: what the control finds, the document does.
        let found = |rows: &[MentionRow], doc_id: &str, planted: &str, amount: bool| {
            rows.iter().any(|m| {
                m.doc_id == doc_id
                    && if amount {
                        m.label == "AMOUNT" && m.text.contains(planted)
                    } else {
                        m.text == planted
                    }
            })
        };
        let planted = entry
            .names
            .iter()
            .map(|n| (n, false))
            .chain(entry.amounts.iter().map(|a| (a, true)));
        for (planted, amount) in planted {
            planted_total += 1;
            if amount {
                assert!(
                    found(&control_mentions, control_id, planted, true),
                    "{control_id}: amount {planted}"
                );
            }
            if !found(&control_mentions, control_id, planted, amount) {
                continue;
            }
            if !found(&mentions, id, planted, amount) {
                // On a scan, only where OCR misread the name itself.
                assert!(
                    !ocr_pages.is_empty() && !contains_words(text, planted),
                    "{id}: {planted} is in the text but not found"
                );
                missed_by_ocr.push(format!("{id}: {planted}"));
            }
        }

        // Exact spans.
        let chars: Vec<char> = text.chars().collect();
        for m in mentions.iter().filter(|m| m.doc_id == id) {
            assert_eq!(
                chars[m.start..m.end].iter().collect::<String>(),
                m.text,
                "{id}"
            );
        }
    }
    println!(
        "OCR character error rate per scanned page:\n{}",
        cer_table.join("\n")
    );
    println!(
        "planted names and amounts: {planted_total}; lost to OCR misreadings: {missed_by_ocr:?}"
    );
    assert_eq!(cer_table.len(), 7, "{cer_table:?}");
    // Every planted name and amount the controls give is found in the scans.
    assert_eq!(missed_by_ocr, Vec::<String>::new());
    // The documents.csv columns of OCR.
    #[derive(Deserialize)]
    struct DocumentRow {
        doc_id: String,
        ocr_pages: Option<usize>,
        ocr_confidence: Option<f64>,
    }
    let rows: Vec<DocumentRow> = read_csv(&out.join("documents.csv"));
    let ocr: BTreeMap<&str, (Option<usize>, bool)> = rows
        .iter()
        .map(|r| {
            (
                r.doc_id.as_str(),
                (
                    r.ocr_pages,
                    r.ocr_confidence.is_some_and(|c| c > 80.0 && c <= 100.0),
                ),
            )
        })
        .collect();
    assert_eq!(ocr["scan-sr.tiff"], (Some(2), true));
    assert_eq!(ocr["mixed-en-hr.pdf"], (Some(1), true));
    assert_eq!(ocr["scan-en.png"], (Some(1), true));
    assert_eq!(ocr["en-chromium.pdf"], (None, false));
}
