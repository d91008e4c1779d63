//! `make fuzz`: feeds generated input to the amounts recogniser, to ingest
//! and to each extractor (DOCX, ODT, HTML, e-mail, PDF: a sample file with
//! ranges deleted, duplicated, inserted or bytes flipped; DOCX/ODT edited as
//! XML and packed again) for FUZZ_SECONDS (default 60) each and reports the
//! executions. Extractors run in this process, so a stack overflow or a loop
//! is a finding, not a contained failure. Ignored in `make test`; the short
//! proptest properties in amounts_fuzz.rs run there.

use nerpipe::ingest::{read_jsonl, Corpus, Item, Selection};
use nerpipe::recognise::amounts::find_amounts;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use std::time::{Duration, Instant};

fn budget() -> Duration {
    let secs = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    Duration::from_secs(secs)
}

/// Runs `check` on values of `strategy` until the budget is spent; a panic
/// reports the input that caused it.
fn fuzz<S: Strategy>(name: &str, strategy: S, check: impl Fn(&S::Value)) -> u64
where
    S::Value: std::fmt::Debug + std::panic::RefUnwindSafe,
{
    let mut runner = TestRunner::new(Config {
        failure_persistence: None,
        ..Config::default()
    });
    let deadline = Instant::now() + budget();
    let mut executions = 0u64;
    while Instant::now() < deadline {
        let value = strategy.new_tree(&mut runner).expect("generate").current();
        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&value))).is_err() {
            panic!("{name}: crashed on input {value:?}");
        }
        executions += 1;
    }
    println!(
        "fuzz {name}: {executions} executions in {:?}, no crash",
        budget()
    );
    executions
}

/// Text that looks like amounts: digits, separators, currencies, units, words.
fn amount_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[0-9]{1,7}",
        Just(",".to_string()),
        Just(".".to_string()),
        Just(" ".to_string()),
        Just("\u{a0}".to_string()),
        Just("\u{202f}".to_string()),
        Just("-".to_string()),
        Just("–".to_string()),
        Just("€".to_string()),
        Just("$".to_string()),
        Just("US$".to_string()),
        Just("KM".to_string()),
        Just("EUR".to_string()),
        Just(" million".to_string()),
        Just(" bn".to_string()),
        Just(" tonnes".to_string()),
        Just(" kg".to_string()),
        Just("%".to_string()),
        Just(" per cent".to_string()),
        Just(" suspects".to_string()),
        Just("more than ".to_string()),
        Just("between ".to_string()),
        Just(" and ".to_string()),
        Just("a dozen".to_string()),
        Just("twenty".to_string()),
        Just("Šarić".to_string()),
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

#[test]
#[ignore = "long: run with make fuzz"]
fn fuzz_amounts() {
    let strategy = prop_oneof![amount_soup(), any::<String>()];
    let n = fuzz("amounts", strategy, |text| {
        let found = find_amounts(text);
        let mut last = 0;
        for m in &found {
            assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
            assert!(m.start < m.end && m.start >= last);
            last = m.end;
        }
    });
    assert!(n > 0);
}

/// The items a JSONL file of these bytes yields: one for a file that starts
/// as UTF-16 (refused whole), else one per line (after a UTF-8 byte-order
/// mark) that is not blank: a document, or an error row for a line that is
/// not UTF-8 or not a document.
fn jsonl_items(raw: &[u8]) -> usize {
    if raw.starts_with(b"\xFF\xFE") || raw.starts_with(b"\xFE\xFF") {
        return 1;
    }
    let raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
    raw.split(|&b| b == b'\n')
        .filter(|line| std::str::from_utf8(line).map_or(true, |l| !l.trim().is_empty()))
        .count()
}

#[test]
#[ignore = "long: run with make fuzz"]
fn fuzz_ingest() {
    let bytes = prop::collection::vec(any::<u8>(), 0..300);
    let lines = prop::collection::vec(
        prop_oneof![
            Just("{\"id\": \"a\", \"text\": \"Police in Bar.\"}".to_string()),
            Just("{\"id\": 1, \"text\": \"x\", \"title\": null}".to_string()),
            Just("{\"text\": \"no id\"}".to_string()),
            Just("[1, 2]".to_string()),
            "\\PC{0,40}",
        ],
        0..6,
    );
    let strategy = (bytes, lines);
    let n = fuzz("ingest", strategy, |(raw, jsonl_lines)| {
        // JSONL from memory, with raw bytes appended as one more line.
        let mut stream = jsonl_lines.join("\n").into_bytes();
        stream.push(b'\n');
        stream.extend_from_slice(raw);
        let selection = std::sync::Arc::new(Selection {
            max_doc_bytes: 200,
            ..Selection::default()
        });
        for item in read_jsonl("fuzz.jsonl".into(), std::io::Cursor::new(stream), selection) {
            if let Some(Item::Document(d)) = item.item {
                assert!(!d.id.is_empty());
            }
        }
        // The same bytes as corpus files.
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("a.txt"), raw).expect("write");
        std::fs::write(dir.path().join("b.md"), raw).expect("write");
        std::fs::write(dir.path().join("c.jsonl"), raw).expect("write");
        let ids: Vec<String> = Corpus::open(dir.path())
            .expect("corpus")
            .documents()
            .map(|(item, _)| match item {
                Item::Document(d) => d.id,
                Item::Failed(f) => f.id,
            })
            .collect();
        // a.txt and b.md are one item each (a document or an error row),
        // whatever their bytes; c.jsonl one per line that is not blank.
        assert_eq!(ids.len(), 2 + jsonl_items(raw), "{ids:?}");
        assert_eq!(ids[..2], ["a.txt", "b.md"]);
    });
    assert!(n > 0);
}

/// A zip of `parts` (name, text), deflated, as DOCX and ODT files are.
fn zip_of(parts: &[(&str, &str)]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in parts {
        zip.start_file(*name, zip::write::FileOptions::default())
            .expect("zip entry");
        zip.write_all(text.as_bytes()).expect("zip write");
    }
    zip.finish().expect("zip").into_inner()
}

/// One edit of a seed: `(kind, position, length, insert)`, positions taken
/// modulo the seed's length.
type Edit = (u8, usize, usize, String);

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let insert = prop_oneof![
        Just("<w:p>".to_string()),
        Just("<w:sdt><w:sdtContent>".to_string()),
        Just("<text:s text:c=\"99\"/>".to_string()),
        Just("<table><tr><td>".to_string()),
        Just("--b\r\nContent-Type: text/html\r\n\r\n".to_string()),
        Just(" obj << /Type /Page /Parent 3 0 R >> ".to_string()),
        Just("&amp;&#0;&#x10FFFF;".to_string()),
        "\\PC{0,12}",
    ];
    prop::collection::vec((0u8..4, any::<usize>(), 0usize..200, insert), 1..6)
}

/// The seed with the edits applied: delete a range, duplicate it, insert
/// text, or flip a byte.
fn mutate(seed: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut out = seed.to_vec();
    for (kind, at, len, insert) in edits {
        if out.is_empty() {
            out.extend_from_slice(insert.as_bytes());
            continue;
        }
        let at = at % out.len();
        let end = (at + len).min(out.len());
        match kind {
            0 => {
                out.drain(at..end);
            }
            1 => {
                let copy = out[at..end].to_vec();
                out.splice(at..at, copy);
            }
            2 => {
                out.splice(at..at, insert.bytes());
            }
            _ => out[at] ^= (*len as u8) | 1,
        }
    }
    out
}

/// The DOCX and ODT seeds' XML, and how each is packed again.
fn office_seed(format: nerpipe::ingest::extract::FileFormat) -> (String, &'static str) {
    use nerpipe::ingest::extract::FileFormat;
    match format {
        FileFormat::Docx => {
            let bytes = std::fs::read("corpus/reports/ploce-terminal-payments.docx").expect("seed");
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
            let mut xml = String::new();
            std::io::Read::read_to_string(
                &mut zip.by_name("word/document.xml").expect("part"),
                &mut xml,
            )
            .expect("utf-8");
            (xml, "word/document.xml")
        }
        _ => (
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content "#,
                r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" "#,
                r#"xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" "#,
                r#"xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:text>"#,
                r#"<text:h>Luka Ploče</text:h><text:p>Darko Šarić<text:s text:c="3"/>i Zoran Đurić"#,
                r#"<text:note><text:note-body><text:p>Bilješka</text:p></text:note-body></text:note></text:p>"#,
                r#"<table:table><table:table-row><table:table-cell><text:p>KM 4,2 milijuna</text:p>"#,
                r#"</table:table-cell></table:table-row></table:table></office:text></office:body></office:document-content>"#
            )
            .to_string(),
            "content.xml",
        ),
    }
}

#[test]
#[ignore = "long: run with make fuzz"]
fn fuzz_extractors() {
    use nerpipe::ingest::extract::{extract, FileFormat};
    for format in [
        FileFormat::Docx,
        FileFormat::Odt,
        FileFormat::Html,
        FileFormat::Eml,
        FileFormat::Pdf,
    ] {
        let name = format!("extract {}", format.name());
        let n = match format {
            FileFormat::Docx | FileFormat::Odt => {
                let (xml, part) = office_seed(format);
                fuzz(&name, edits(), |e| {
                    let edited = String::from_utf8_lossy(&mutate(xml.as_bytes(), e)).into_owned();
                    let file = zip_of(&[(part, &edited)]);
                    if let Err(problem) = extract(&file, format) {
                        assert!(!problem.is_empty());
                    }
                })
            }
            _ => {
                let seed = match format {
                    FileFormat::Html => "corpus/web/trebinje-fuel-smuggling.html",
                    FileFormat::Eml => "corpus/mail/brcko-tip.eml",
                    _ => "corpus/reports/brcko-fuel-corridor.pdf",
                };
                let seed = std::fs::read(seed).expect("seed");
                fuzz(&name, edits(), |e| {
                    if let Err(problem) = extract(&mutate(&seed, e), format) {
                        assert!(!problem.is_empty());
                    }
                })
            }
        };
        assert!(n > 0);
    }
}
