//! `make fuzz`: feeds generated input to the amounts recogniser and to ingest
//! for FUZZ_SECONDS (default 60) each and reports the executions. Ignored in
//! `make test`; the short proptest properties in amounts_fuzz.rs run there.

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
