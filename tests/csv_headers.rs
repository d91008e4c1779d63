//! The CSV header contract: columns are only ever added at the end, never
//! renamed or moved. Each header a run writes starts with the header of the
//! previous release, kept here as a literal list (from `git log -p --
//! src/sink/csv.rs`), and each row's cells sit under their own column.

use nerpipe::doc::{Amount, AmountKind, DocStatus, DocumentOutcome, Entity, Label, Mention};
use nerpipe::sink::RunWriter;
use std::path::Path;

/// mentions.csv as released (`value_max` and `qualifier` were added in 0.1).
const RELEASED_MENTIONS: [&str; 15] = [
    "doc_id",
    "mention_id",
    "entity_id",
    "label",
    "text",
    "start",
    "end",
    "score",
    "source",
    "context",
    "amount_kind",
    "value",
    "unit",
    "value_max",
    "qualifier",
];

/// documents.csv as released, before `format,language,script,pages,encoding`.
const RELEASED_DOCUMENTS: [&str; 8] = [
    "doc_id",
    "source_path",
    "title",
    "chars",
    "tokens",
    "mentions",
    "status",
    "error",
];

/// entities.csv as released.
const RELEASED_ENTITIES: [&str; 13] = [
    "entity_id",
    "label",
    "canonical",
    "aliases",
    "mention_count",
    "document_count",
    "documents",
    "score",
    "amount_kind",
    "value",
    "unit",
    "value_max",
    "qualifier",
];

fn read(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn assert_prefix(file: &str, header: &[String], released: &[&str]) {
    assert!(
        header.len() >= released.len() && header[..released.len()] == *released,
        "{file}: the header {header:?} does not start with the released {released:?}: \
         columns may only be added at the end"
    );
}

/// The cell of `row` under the column named `name`.
fn cell<'a>(header: &[String], row: &'a [String], name: &str) -> &'a str {
    &row[header.iter().position(|h| h == name).unwrap()]
}

fn amount() -> Amount {
    Amount {
        kind: AmountKind::Quantity,
        value: "5".into(),
        unit: "t".into(),
        qualifier: Some("between".into()),
        value_max: Some("10".into()),
        lemma: Some("tona".into()),
    }
}

fn write_run(out: &Path) {
    let text = "Between 5 and 10 tonnes reached Bar.";
    let mut writer = RunWriter::create(out).unwrap();
    writer
        .document(&DocumentOutcome {
            doc_id: "bar.pdf".into(),
            source_path: "bar.pdf".into(),
            title: "Bar".into(),
            format: "pdf".into(),
            language: "en".into(),
            script: "Latn".into(),
            language_source: "detected".into(),
            pages: Some(2),
            encoding: "windows-1250".into(),
            chars: text.chars().count(),
            tokens: 11,
            mentions: 1,
            status: DocStatus::Ok,
            error: String::new(),
            text: text.into(),
            metadata: serde_json::Map::new(),
            ocr_pages: Some(1),
            ocr_confidence: Some(91.25),
        })
        .unwrap();
    writer
        .mention(&Mention {
            doc_id: "bar.pdf".into(),
            mention_id: "bar.pdf#0".into(),
            entity_id: "quantity-5-10-t".into(),
            label: Label::Amount,
            text: "Between 5 and 10 tonnes".into(),
            start: 0,
            end: 23,
            score: 1.0,
            source: "amounts".into(),
            context: text.into(),
            amount: Some(amount()),
            lemma: String::new(),
            label_votes: None,
        })
        .unwrap();
    writer
        .document(&DocumentOutcome::failed(
            "broken.docx",
            "broken.docx",
            "docx",
            "not a zip archive",
        ))
        .unwrap();
    writer
        .finish(
            &[Entity {
                id: "quantity-5-10-t".into(),
                label: Label::Amount,
                canonical: "5-10 t".into(),
                aliases: vec!["Between 5 and 10 tonnes".into()],
                mention_count: 1,
                document_count: 1,
                documents: vec!["bar.pdf".into()],
                score: 1.0,
                amount: Some(Amount {
                    qualifier: None,
                    ..amount()
                }),
                other_labels: Vec::new(),
                merged_ids: vec!["quantity-old-a".into(), "quantity-old-b".into()],
            }],
            &[],
        )
        .unwrap();
}

#[test]
fn written_headers_start_with_the_released_headers() {
    let out = tempfile::tempdir().unwrap();
    write_run(out.path());

    let (header, rows) = read(&out.path().join("documents.csv"));
    assert_prefix("documents.csv", &header, &RELEASED_DOCUMENTS);
    assert_eq!(header, nerpipe::sink::csv::DOCUMENT_COLUMNS);
    assert_eq!(rows.len(), 2);
    let cells: Vec<(&str, &str)> = [
        "doc_id",
        "chars",
        "tokens",
        "mentions",
        "status",
        "format",
        "language",
        "script",
        "pages",
        "encoding",
        "ocr_pages",
        "ocr_confidence",
    ]
    .iter()
    .map(|c| (*c, cell(&header, &rows[0], c)))
    .collect();
    assert_eq!(
        cells,
        [
            ("doc_id", "bar.pdf"),
            ("chars", "36"),
            ("tokens", "11"),
            ("mentions", "1"),
            ("status", "ok"),
            ("format", "pdf"),
            ("language", "en"),
            ("script", "Latn"),
            ("pages", "2"),
            ("encoding", "windows-1250"),
            ("ocr_pages", "1"),
            ("ocr_confidence", "91.25"),
        ]
    );
    assert_eq!(cell(&header, &rows[1], "status"), "error");
    assert_eq!(cell(&header, &rows[1], "ocr_pages"), "");
    assert_eq!(cell(&header, &rows[1], "error"), "not a zip archive");
    assert_eq!(cell(&header, &rows[1], "format"), "docx");

    let (header, rows) = read(&out.path().join("mentions.csv"));
    assert_prefix("mentions.csv", &header, &RELEASED_MENTIONS);
    assert_eq!(header, nerpipe::sink::csv::MENTION_COLUMNS);
    assert_eq!(rows.len(), 1);
    assert_eq!(cell(&header, &rows[0], "end"), "23");
    assert_eq!(cell(&header, &rows[0], "value_max"), "10");
    assert_eq!(cell(&header, &rows[0], "qualifier"), "between");
    // An amount's lemma is its counted noun's (`Mention::lemma`).
    assert_eq!(cell(&header, &rows[0], "lemma"), "tona");

    let (header, rows) = read(&out.path().join("entities.csv"));
    assert_prefix("entities.csv", &header, &RELEASED_ENTITIES);
    assert_eq!(header, nerpipe::sink::csv::ENTITY_COLUMNS);
    assert_eq!(rows.len(), 1);
    assert_eq!(cell(&header, &rows[0], "documents"), "bar.pdf");
    assert_eq!(cell(&header, &rows[0], "value_max"), "10");
    assert_eq!(
        cell(&header, &rows[0], "merged_ids"),
        "quantity-old-a | quantity-old-b"
    );
}

#[test]
fn empty_tables_keep_the_released_headers() {
    let out = tempfile::tempdir().unwrap();
    RunWriter::create(out.path())
        .unwrap()
        .finish(&[], &[])
        .unwrap();
    for (file, released) in [
        ("documents.csv", &RELEASED_DOCUMENTS[..]),
        ("mentions.csv", &RELEASED_MENTIONS[..]),
        ("entities.csv", &RELEASED_ENTITIES[..]),
    ] {
        let (header, rows) = read(&out.path().join(file));
        assert_prefix(file, &header, released);
        assert!(rows.is_empty(), "{file}");
    }
    // The review files: rejected.csv is mentions.csv's columns, then the
    // decision's; candidates.csv has the columns issue 26 asked for.
    let (header, rows) = read(&out.path().join("rejected.csv"));
    assert_prefix("rejected.csv", &header, &RELEASED_MENTIONS);
    assert_eq!(
        header[header.len() - 3..],
        ["decision", "decision_line", "decision_note"]
    );
    assert!(rows.is_empty());
    let (header, rows) = read(&out.path().join("candidates.csv"));
    assert_eq!(
        header,
        [
            "entity_id",
            "other",
            "score",
            "reason",
            "canonical",
            "other_canonical"
        ]
    );
    assert!(rows.is_empty());
}
