//! A small fake run: a corpus of 3 usable documents (one holding
//! `<script>alert(1)</script>`, names with diacritics, a no-break space) and a
//! failed one, plus the output folder `nerpipe run` would have written.
#![allow(dead_code)]

use nerpipe::doc::{
    round_score, Amount, AmountKind, DocStatus, DocumentOutcome, Entity, Label, Mention,
};
use nerpipe::sink::csv::{document_row, entity_row, mention_row};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub struct FakeRun {
    pub dir: tempfile::TempDir,
    pub corpus: PathBuf,
    pub out: PathBuf,
    pub mentions: Vec<Mention>,
    pub entities: Vec<Entity>,
    /// (doc_id, text) of the usable documents, in corpus order.
    pub documents: Vec<(String, String)>,
}

pub const DOC_A: &str = "Darko Šarić met Dijana Hrkalović in Beograd.\nSIPA seized more than 90 tonnes worth €4.5 billion.\n";
pub const DOC_B: &str =
    "Breaking <script>alert(1)</script> & <img src=x onerror=\"document.title='PWNED'\"> news: \
Veljko Belivuk and Šarić were seen at the Port of Bar.\n";
pub const DOC_C: &str =
    "# Ports\n\nThe Port of Bar handled 70\u{a0}000 phones; Đukić said ŠARIĆ paid 12%.\n";

/// (doc index, surface text, occurrence, label, entity_id, amount)
type Spec = (
    usize,
    &'static str,
    usize,
    Label,
    &'static str,
    Option<(&'static str, &'static str, &'static str)>,
);

const SPECS: &[Spec] = &[
    (0, "Darko Šarić", 0, Label::Person, "darko-saric-1a2b", None),
    (
        0,
        "Dijana Hrkalović",
        0,
        Label::Person,
        "dijana-hrkalovic-3c4d",
        None,
    ),
    (0, "Beograd", 0, Label::Place, "beograd-5e6f", None),
    (0, "SIPA", 0, Label::Organisation, "sipa-7a8b", None),
    (
        0,
        "90 tonnes",
        0,
        Label::Amount,
        "amount-90-tonnes-9c0d",
        Some(("quantity", "90", "t")),
    ),
    (
        0,
        "€4.5 billion",
        0,
        Label::Amount,
        "amount-4500000000-eur-1e2f",
        Some(("money", "4500000000", "EUR")),
    ),
    (1, "<script>", 0, Label::Misc, "script-3a4b", None),
    (
        1,
        "Veljko Belivuk",
        0,
        Label::Person,
        "veljko-belivuk-5c6d",
        None,
    ),
    (1, "Šarić", 0, Label::Person, "darko-saric-1a2b", None),
    (1, "Port of Bar", 0, Label::Place, "port-of-bar-7e8f", None),
    (1, "Bar", 0, Label::Place, "bar-9a0b", None),
    (2, "Port of Bar", 0, Label::Place, "port-of-bar-7e8f", None),
    (
        2,
        "70\u{a0}000",
        0,
        Label::Amount,
        "amount-70000-count-1c2d",
        Some(("count", "70000", "phones")),
    ),
    (2, "Đukić", 0, Label::Person, "dukic-3e4f", None),
    (2, "ŠARIĆ", 0, Label::Person, "darko-saric-1a2b", None),
    (
        2,
        "12%",
        0,
        Label::Amount,
        "amount-12-percent-5a6b",
        Some(("percent", "12", "%")),
    ),
];

/// Code-point offsets of the `occurrence`-th `needle` in `text`.
pub fn find_chars(text: &str, needle: &str, occurrence: usize) -> (usize, usize) {
    let (byte, _) = text
        .match_indices(needle)
        .nth(occurrence)
        .unwrap_or_else(|| panic!("{needle:?} not in {text:?}"));
    let start = text[..byte].chars().count();
    (start, start + needle.chars().count())
}

pub fn fake_run() -> FakeRun {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("corpus");
    let out = dir.path().join("out");
    std::fs::create_dir_all(corpus.join("c")).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    let ids = ["a-zagreb.txt", "b-script.txt", "c/notes.md"];
    let texts = [DOC_A, DOC_B, DOC_C];
    for (id, text) in ids.iter().zip(texts) {
        std::fs::write(corpus.join(id), text).unwrap();
    }
    std::fs::write(corpus.join("d-empty.txt"), "  \n").unwrap();

    let mut per_doc: Vec<Vec<Mention>> = vec![Vec::new(); 3];
    for (i, &(doc, surface, occ, label, entity, amount)) in SPECS.iter().enumerate() {
        let (start, end) = find_chars(texts[doc], surface, occ);
        let n = per_doc[doc].len();
        per_doc[doc].push(Mention {
            doc_id: ids[doc].to_string(),
            mention_id: format!("{}#{n}", ids[doc]),
            entity_id: entity.to_string(),
            label,
            text: surface.to_string(),
            start,
            end,
            score: round_score(0.9 + (i as f32) / 1000.0),
            source: if amount.is_some() {
                "amounts".into()
            } else {
                "conll03-minilm-l6".into()
            },
            context: "a sentence".into(),
            amount: amount.map(|a| Amount {
                kind: serde_json::from_value(serde_json::json!(a.0)).unwrap(),
                value: a.1.to_string(),
                unit: a.2.to_string(),
                qualifier: None,
                value_max: None,
                lemma: None,
            }),
            label_votes: None,
            lemma: String::new(),
        });
    }
    let mentions: Vec<Mention> = per_doc.concat();

    let mut csv_out = csv::Writer::from_path(out.join("mentions.csv")).unwrap();
    let mut jsonl = String::new();
    for m in &mentions {
        csv_out.serialize(mention_row(m)).unwrap();
        let mut v = serde_json::to_value(m).unwrap();
        if m.amount
            .as_ref()
            .is_some_and(|a| a.kind == AmountKind::Quantity)
        {
            // Optional amount fields are read when present.
            v["qualifier"] = serde_json::json!("more than");
            v["value_max"] = serde_json::Value::Null;
        }
        jsonl.push_str(&serde_json::to_string(&v).unwrap());
        jsonl.push('\n');
    }
    csv_out.flush().unwrap();
    std::fs::write(out.join("mentions.jsonl"), jsonl).unwrap();

    // Entities in first-mention order, as the resolver emits them.
    let mut order: Vec<&str> = Vec::new();
    let mut groups: BTreeMap<&str, Vec<&Mention>> = BTreeMap::new();
    for m in &mentions {
        if !groups.contains_key(m.entity_id.as_str()) {
            order.push(&m.entity_id);
        }
        groups.entry(&m.entity_id).or_default().push(m);
    }
    let entities: Vec<Entity> = order
        .iter()
        .map(|id| {
            let ms = &groups[id];
            let mut aliases: Vec<String> = ms.iter().map(|m| m.text.clone()).collect();
            aliases.sort();
            aliases.dedup();
            let mut documents: Vec<String> = ms.iter().map(|m| m.doc_id.clone()).collect();
            documents.dedup();
            let score = ms.iter().map(|m| f64::from(m.score)).sum::<f64>() / ms.len() as f64;
            Entity {
                id: id.to_string(),
                label: ms[0].label,
                canonical: ms
                    .iter()
                    .map(|m| m.text.clone())
                    .max_by_key(|t| t.chars().count())
                    .unwrap(),
                aliases,
                mention_count: ms.len(),
                document_count: documents.len(),
                documents,
                score: round_score(score as f32),
                amount: ms[0].amount.clone(),
                other_labels: Vec::new(),
                merged_ids: Vec::new(),
            }
        })
        .collect();
    let mut csv_out = csv::Writer::from_path(out.join("entities.csv")).unwrap();
    let mut jsonl = String::new();
    for e in &entities {
        csv_out.serialize(entity_row(e)).unwrap();
        jsonl.push_str(&serde_json::to_string(e).unwrap());
        jsonl.push('\n');
    }
    csv_out.flush().unwrap();
    std::fs::write(out.join("entities.jsonl"), jsonl).unwrap();

    let mut csv_out = csv::Writer::from_path(out.join("documents.csv")).unwrap();
    let mut documents_jsonl = String::new();
    let mut write_doc = |d: DocumentOutcome| {
        documents_jsonl.push_str(&serde_json::to_string(&d).unwrap());
        documents_jsonl.push('\n');
        csv_out.serialize(document_row(&d)).unwrap();
    };
    for (d, id) in ids.iter().enumerate() {
        write_doc(DocumentOutcome {
            doc_id: id.to_string(),
            source_path: id.to_string(),
            title: nerpipe::ingest::title_of(texts[d], id.ends_with(".md")),
            chars: texts[d].chars().count(),
            tokens: texts[d].split_whitespace().count(),
            mentions: per_doc[d].len(),
            status: DocStatus::Ok,
            error: String::new(),
            format: if id.ends_with(".md") { "md" } else { "txt" }.into(),
            language: "en".into(),
            script: "Latn".into(),
            language_source: "detected".into(),
            encoding: "utf-8".into(),
            text: texts[d].to_string(),
            ..DocumentOutcome::failed("", "", "", "")
        });
    }
    write_doc(DocumentOutcome {
        doc_id: "d-empty.txt".into(),
        source_path: "d-empty.txt".into(),
        title: String::new(),
        chars: 0,
        tokens: 0,
        mentions: 0,
        status: DocStatus::Error,
        error: "empty document".into(),
        ..DocumentOutcome::failed("", "", "txt", "")
    });
    csv_out.flush().unwrap();
    std::fs::write(out.join("documents.jsonl"), documents_jsonl).unwrap();

    let run = serde_json::json!({
        "nerpipe_version": "0.1.0",
        "model": {"name": "conll03-minilm-l6", "path": "models/conll03-minilm-l6",
                  "weights_sha256": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
        "options": {"corpus": corpus, "out": out, "batch_size": 32},
        "counts": {"documents_ok": 3, "documents_failed": 1, "mentions": mentions.len(), "entities": entities.len()},
    });
    std::fs::write(
        out.join("run.json"),
        serde_json::to_string_pretty(&run).unwrap(),
    )
    .unwrap();

    FakeRun {
        documents: ids
            .iter()
            .zip(texts)
            .map(|(i, t)| (i.to_string(), t.to_string()))
            .collect(),
        dir,
        corpus,
        out,
        mentions,
        entities,
    }
}

/// Copies the output folder (not the corpus) to a new place, for runs that
/// are changed by a test.
pub fn copy_out(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}
