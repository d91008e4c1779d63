//! One chunk of the ingest stream through the pipeline
//! ([`crate::recognise::pipeline`]): the chunk's documents go through it in
//! one batch ([`split`]), its failed entries become error rows, and each
//! result is kept with its place in the corpus for the chunk store
//! ([`results`]).

use super::store::{DocResult, ResolvedMention};
use crate::doc::{DocStatus, Document, DocumentOutcome};
use crate::ingest::{Failed, Item, Position};
use crate::recognise::pipeline::{Analysed, Unreadable};

/// An entry of a chunk: what ingest made of it, where it sits in the corpus,
/// and whether it took its doc_id (later duplicates are refused).
pub type Entry = (Item, Position, bool);

/// Where each entry of a chunk goes back to: its place in the corpus,
/// whether it took its doc_id, and why it failed (if ingest could not read
/// it), in chunk order.
pub struct Places(Vec<(Position, bool, Option<Failed>)>);

/// Splits a chunk into its places and the documents the pipeline reads.
pub fn split(entries: Vec<Entry>) -> (Places, Vec<Document>) {
    let mut places = Vec::with_capacity(entries.len());
    let mut documents = Vec::new();
    for (item, position, claimed_id) in entries {
        match item {
            Item::Document(d) => {
                places.push((position, claimed_id, None));
                documents.push(d);
            }
            Item::Failed(f) => places.push((position, claimed_id, Some(f))),
        }
    }
    (Places(places), documents)
}

/// The chunk's results in chunk order: the pipeline's answers (one per
/// document, in order) put back between the entries ingest failed.
pub fn results(places: Places, analysed: Vec<Result<Analysed, Unreadable>>) -> Vec<DocResult> {
    let mut analysed = analysed.into_iter();
    places
        .0
        .into_iter()
        .map_while(|(position, claimed_id, failure)| {
            Some(match failure {
                Some(f) => failed_result(&f, position, claimed_id),
                None => match analysed.next()? {
                    Ok(a) => ok_result(a, position, claimed_id),
                    Err(Unreadable { document, error }) => {
                        failed_result(&failed_doc(&document, error), position, claimed_id)
                    }
                },
            })
        })
        .collect()
}

fn ok_result(a: Analysed, position: Position, claimed_id: bool) -> DocResult {
    let mentions: Vec<ResolvedMention> = a
        .mentions
        .into_iter()
        .zip(a.resolved)
        .map(|(mention, r)| ResolvedMention {
            mention,
            key: r.key,
            group: r.group_label,
        })
        .collect();
    let doc = a.document;
    let ocr = ocr_summary(&doc.metadata);
    DocResult {
        position,
        claimed_id,
        document: DocumentOutcome {
            doc_id: doc.id.clone(),
            source_path: doc.source_path.clone(),
            title: doc.title.clone(),
            format: doc.format.to_string(),
            language: a.language.language,
            script: a.language.script.to_string(),
            language_source: a.language_source.to_string(),
            pages: (doc.format == "pdf" || doc.format == "image").then_some(doc.page_starts.len()),
            encoding: doc.encoding.clone().unwrap_or_default(),
            chars: doc.text.chars().count(),
            tokens: a.tokens,
            mentions: mentions.len(),
            status: DocStatus::Ok,
            error: String::new(),
            metadata: document_metadata(&doc),
            ocr_pages: ocr.map(|o| o.0),
            ocr_confidence: ocr.and_then(|o| o.1),
            text: doc.text,
        },
        mentions,
    }
}

/// The metadata documents.jsonl keeps: the source's, plus a PDF's page
/// starts (code points), so a mention's page can be found from its offset.
/// The pages OCR read and their mean confidence, from the metadata the OCR
/// stage writes (`ocr.pages`, `ocr.mean_confidence`).
fn ocr_summary(
    metadata: &serde_json::Map<String, serde_json::Value>,
) -> Option<(usize, Option<f64>)> {
    let ocr = metadata.get("ocr")?;
    let pages = ocr.get("pages")?.as_array()?.len();
    Some((pages, ocr.get("mean_confidence").and_then(|c| c.as_f64())))
}

fn document_metadata(doc: &Document) -> serde_json::Map<String, serde_json::Value> {
    let mut metadata = doc.metadata.clone();
    if !doc.page_starts.is_empty() {
        metadata.insert("page_starts".into(), serde_json::json!(doc.page_starts));
    }
    metadata
}

pub(super) fn failed_doc(doc: &Document, error: String) -> Failed {
    Failed {
        id: doc.id.clone(),
        source_path: doc.source_path.clone(),
        format: doc.format,
        error,
    }
}

fn failed_result(f: &Failed, position: Position, claimed_id: bool) -> DocResult {
    DocResult {
        position,
        claimed_id,
        document: DocumentOutcome::failed(&f.id, &f.source_path, f.format, &f.error),
        mentions: Vec::new(),
    }
}
