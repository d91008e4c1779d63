//! An mbox is read one message at a time: ingesting a 200 MB mailbox holds
//! one message in memory, not the file and all its messages (before: about
//! 1.9 × the mbox before the first document came out). One test in this
//! binary, so the process's peak is this test's.

use nerpipe::ingest::{Corpus, Item, Selection, Source};
use std::io::Write;
use std::path::Path;

/// This process's peak resident set (VmHWM), in KiB.
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// `messages` messages of about `bytes` bytes each.
fn mbox(path: &Path, messages: usize, bytes: usize) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let line = "Darko Šarić i Zoran Đurić sreli su se u Beogradu. Luka Bar, KM 4,2 milijuna.\n";
    let body = line.repeat(bytes / line.len());
    for i in 0..messages {
        write!(
            f,
            "From a@example.ba Tue Mar  5 09:30:00 2024\nFrom: Ana <a@example.ba>\nSubject: Poruka {i}\nMessage-ID: <m{i}@example.ba>\n\n{body}\n"
        )
        .unwrap();
    }
}

#[test]
fn a_big_mbox_is_read_one_message_at_a_time() {
    let tmp = tempfile::tempdir().unwrap();
    mbox(&tmp.path().join("box.mbox"), 2_000, 100_000);
    let size = std::fs::metadata(tmp.path().join("box.mbox"))
        .unwrap()
        .len();
    assert!(size > 190_000_000, "{size}");
    // Reset the peak (Linux: 5 > clear_refs), then ingest the whole mbox.
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
    let before = peak_kib();
    let corpus = Box::new(Corpus::open(tmp.path()).unwrap());
    let selection = Selection {
        max_doc_bytes: 20_000,
        ..Selection::default()
    };
    let mut rows = 0;
    for step in corpus.select(selection) {
        // Every message is over the limit: an error row each.
        match step.item {
            Some(Item::Failed(f)) => {
                assert!(f.error.starts_with("document too large"), "{}", f.error)
            }
            other => panic!("{other:?}"),
        }
        rows += 1;
    }
    assert_eq!(rows, 2_000);
    let grown = peak_kib().saturating_sub(before);
    println!("ingesting a {size}-byte mbox raised the peak by {grown} KiB");
    assert!(
        grown < 20 * 1024,
        "ingesting a {size}-byte mbox raised the peak by {grown} KiB"
    );
}
