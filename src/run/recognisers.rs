//! One chunk of documents through the stages: segment (rayon) → recognise
//! (one batched model call for the whole chunk, plus amounts) → consistency
//! (unless `--consistency off`) → resolve within each document.

use super::store::{DocResult, ResolvedMention};
use super::RunArgs;
use crate::consistency::{apply_document, Consistency};
use crate::doc::text::{sentence_context, CharOffsets};
use crate::doc::{round_score, Amount, DocStatus, Document, DocumentOutcome, Label, Mention};
use crate::ingest::language::{self, Detected};
use crate::ingest::{Failed, Item, Position};
use crate::model::{Decoder, LoadedModel};
use crate::recognise::amounts::find_amounts_in;
use crate::recognise::transformer::decode::{decode_spans, Aggregation};
use crate::recognise::transformer::WindowedPredictor;
use crate::recognise::{merge_with_amounts, Found};
use crate::resolve::resolve_document;
use crate::segment::{TokenSequence, WindowSpec};
use crate::Error;
use anyhow::Context;
use rayon::prelude::*;

/// One model with its windowed predictor and tag decoder.
struct Route<'m> {
    model: &'m LoadedModel,
    predictor: WindowedPredictor<'m>,
    decoder: Decoder,
}

/// The recognition stages with their settings, applied a chunk at a time.
pub struct Recognisers<'m> {
    /// `routes[0]` is `--model`; then one per `--model-for`, in order.
    routes: Vec<Route<'m>>,
    /// Language → index into `routes` (`--model-for LANG=FOLDER`).
    by_language: Vec<(String, usize)>,
    aggregation: Aggregation,
    /// The decoder of `--model` (recorded in manifests).
    pub(super) decoder: Decoder,
    min_score: f32,
    consistency: Consistency,
    /// `--language`: every document's language, detection off.
    language: Option<String>,
    pool: rayon::ThreadPool,
}

impl<'m> Recognisers<'m> {
    /// `models`: `--model`, then the `--model-for` folders in their order.
    pub fn new(models: &'m [LoadedModel], args: &RunArgs) -> crate::error::Result<Recognisers<'m>> {
        if args.window < 8 || args.overlap * 2 >= args.window - 2 {
            return Err(Error::Usage(
                "--window must be at least 8 and more than twice --overlap plus 2".into(),
            ));
        }
        let mut routes = Vec::new();
        for model in models {
            let max_positions =
                usize::try_from(model.config.bert.max_position_embeddings).unwrap_or(0);
            if args.window > max_positions {
                return Err(Error::Usage(format!(
                    "--window {} is larger than the model's maximum of {max_positions} positions (max_position_embeddings in {}): give --window {max_positions} or less",
                    args.window,
                    model.dir.join("config.json").display()
                )));
            }
            routes.push(Route {
                model,
                predictor: WindowedPredictor {
                    network: model.classifier(),
                    num_tags: model.config.tags.len(),
                    start_id: model.segmenter.start_id,
                    end_id: model.segmenter.end_id,
                    windows: WindowSpec {
                        content: args.window - 2,
                        overlap: args.overlap,
                        cuts: args.window_cuts,
                    },
                    batch_size: args.batch_size,
                    model_tokens: Default::default(),
                    pack_documents: args.pack_documents,
                },
                decoder: args.decoder.unwrap_or(model.config.decoder),
            });
        }
        let Some(default) = routes.first() else {
            return Err(Error::Usage("no model given".into()));
        };
        let decoder = default.decoder;
        let by_language = args
            .model_for
            .iter()
            .enumerate()
            .map(|(i, (language, _))| (language.clone(), i + 1))
            .collect();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(args.threads.unwrap_or(0))
            .build()
            .context("cannot start worker threads")?;
        Ok(Recognisers {
            routes,
            by_language,
            aggregation: args.aggregation,
            decoder,
            min_score: args.min_score,
            consistency: args.consistency,
            language: args.language.clone(),
            pool,
        })
    }

    /// Token positions the models have computed so far.
    pub fn model_tokens(&self) -> usize {
        self.routes
            .iter()
            .map(|r| r.predictor.model_tokens.get())
            .sum()
    }

    /// Recognises and resolves the documents of one chunk, in order.
    pub fn process(&self, items: Vec<(Item, Position, bool)>) -> Vec<DocResult> {
        let forced = &self.language;
        // The predictors are not Sync: the workers see only what they need.
        let segmenters: Vec<_> = self.routes.iter().map(|r| &r.model.segmenter).collect();
        let by_language = &self.by_language;
        let (sequences, languages): (Vec<Option<anyhow::Result<TokenSequence>>>, Vec<_>) =
            self.pool.install(|| {
                items
                    .par_iter()
                    .map(|(item, _, _)| match item {
                        Item::Document(d) => {
                            let language = language_of(d, forced);
                            let route = route_of(by_language, &language.0.language);
                            let seq = segmenters[route].text(&d.text);
                            (Some(seq), Some((language, route)))
                        }
                        Item::Failed(_) => (None, None),
                    })
                    .unzip()
            });
        // One batched call per model over its documents, in chunk order.
        let mut probs: Vec<Option<Vec<f32>>> = vec![None; items.len()];
        for (route_index, route) in self.routes.iter().enumerate() {
            let (at, seqs): (Vec<usize>, Vec<&TokenSequence>) = sequences
                .iter()
                .zip(&languages)
                .enumerate()
                .filter_map(|(i, (seq, language))| match (seq, language) {
                    (Some(Ok(seq)), Some((_, r))) if *r == route_index => Some((i, seq)),
                    _ => None,
                })
                .unzip();
            if seqs.is_empty() {
                continue;
            }
            for (i, p) in at.into_iter().zip(route.predictor.predict(&seqs)) {
                probs[i] = Some(p);
            }
        }
        items
            .into_iter()
            .zip(sequences)
            .zip(languages)
            .zip(probs)
            .map(|((((item, position, claimed_id), seq), language), p)| {
                let (doc, seq) = match (item, seq) {
                    (Item::Document(doc), Some(Ok(seq))) => (doc, seq),
                    (Item::Document(doc), Some(Err(e))) => {
                        return failed_result(
                            &failed_doc(&doc, e.to_string()),
                            position,
                            claimed_id,
                        )
                    }
                    (Item::Failed(f), _) => return failed_result(&f, position, claimed_id),
                    (Item::Document(doc), None) => {
                        return failed_result(
                            &failed_doc(&doc, "not tokenised".into()),
                            position,
                            claimed_id,
                        )
                    }
                };
                let p = p.unwrap_or_default();
                let ((language, language_source), route) = language.unwrap_or_default();
                let mut mentions =
                    self.mentions(&self.routes[route], &doc, &seq, &p, &language.language);
                if self.consistency.document_rules() {
                    mentions = apply_document(&doc.id, &doc.text, mentions);
                }
                crate::resolve::lemmatise(&mut mentions, &language.language);
                let resolved = resolve_document(&mentions);
                let mentions: Vec<ResolvedMention> = mentions
                    .into_iter()
                    .zip(resolved)
                    .map(|(mut mention, r)| {
                        mention.entity_id = r.entity_id;
                        ResolvedMention {
                            mention,
                            key: r.key,
                            group: r.group_label,
                        }
                    })
                    .collect();
                DocResult {
                    position,
                    claimed_id,
                    document: DocumentOutcome {
                        doc_id: doc.id.clone(),
                        source_path: doc.source_path.clone(),
                        title: doc.title.clone(),
                        format: doc.format.to_string(),
                        language: language.language,
                        script: language.script.to_string(),
                        language_source: language_source.to_string(),
                        pages: (doc.format == "pdf").then_some(doc.page_starts.len()),
                        encoding: doc.encoding.clone().unwrap_or_default(),
                        chars: doc.text.chars().count(),
                        tokens: seq.len(),
                        mentions: mentions.len(),
                        status: DocStatus::Ok,
                        error: String::new(),
                        metadata: document_metadata(&doc),
                        text: doc.text,
                    },
                    mentions,
                }
            })
            .collect()
    }

    /// Mentions of one document: the transformer's spans merged with the
    /// amounts recogniser's, sorted by start; spans the source marks (a
    /// mail's display names) replace the model's where they overlap.
    /// `language`: the document's (ISO 639-1, "" when not known), for the
    /// amounts.
    fn mentions(
        &self,
        route: &Route,
        doc: &Document,
        seq: &TokenSequence,
        probs: &[f32],
        language: &str,
    ) -> Vec<Mention> {
        let config = &route.model.config;
        let (_, spans) = decode_spans(
            probs,
            &config.parsed_tags,
            &seq.word_of_token,
            seq.words.len(),
            self.aggregation,
            route.decoder,
        );
        let marked = &doc.marked_spans;
        let mut model_spans: Vec<Found<(Label, f32)>> = spans
            .into_iter()
            .filter(|s| s.score >= self.min_score)
            .filter_map(|s| {
                let label = *config.label_map.get(&s.kind)?;
                let bytes = seq.words[s.words.start].start..seq.words[s.words.end - 1].end;
                Some(Found {
                    bytes,
                    what: (label, s.score),
                })
            })
            .filter(|f| {
                !marked
                    .iter()
                    .any(|m| m.start < f.bytes.end && f.bytes.start < m.end)
            })
            .collect();
        model_spans.extend(marked.iter().map(|m| Found {
            bytes: m.start..m.end,
            what: (m.label, 1.0),
        }));
        model_spans.sort_by_key(|f| f.bytes.start);
        let amount_spans: Vec<Found<Amount>> =
            find_amounts_in(&doc.text, Some(language).filter(|l| !l.is_empty()))
                .into_iter()
                .map(|a| Found {
                    bytes: a.start..a.end,
                    what: a.amount,
                })
                .collect();
        let merged = merge_with_amounts(&doc.text, model_spans, amount_spans);
        let byte_offsets: Vec<usize> = merged
            .iter()
            .flat_map(|f| [f.bytes.start, f.bytes.end])
            .collect();
        let chars = CharOffsets::of(&doc.text, &byte_offsets);
        merged
            .into_iter()
            .enumerate()
            .map(|(index, f)| {
                let (label, score, source, amount) = match f.what {
                    Ok((label, score)) if marked.iter().any(|m| (m.start..m.end) == f.bytes) => {
                        (label, score, MARKED_SOURCE.to_string(), None)
                    }
                    Ok((label, score)) => (label, score, route.model.name.clone(), None),
                    Err(a) => (Label::Amount, 1.0, AMOUNTS_SOURCE.to_string(), Some(a)),
                };
                Mention {
                    doc_id: doc.id.clone(),
                    mention_id: Mention::id_of(&doc.id, index),
                    entity_id: String::new(),
                    start: chars.get(f.bytes.start),
                    end: chars.get(f.bytes.end),
                    text: doc.text[f.bytes.clone()].to_string(),
                    label,
                    score: round_score(score),
                    source,
                    context: sentence_context(&doc.text, f.bytes.start, f.bytes.end),
                    amount,
                    label_votes: None,
                    lemma: String::new(),
                }
            })
            .collect()
    }
}

/// The route of a document in `language`: its `--model-for`, else `--model` (0).
fn route_of(by_language: &[(String, usize)], language: &str) -> usize {
    by_language
        .iter()
        .find(|(l, _)| l == language)
        .map_or(0, |(_, i)| *i)
}

/// The document's language: forced by `--language`, declared by its
/// source, or detected from its text.
fn language_of(doc: &Document, forced: &Option<String>) -> (Detected, &'static str) {
    let script = || language::main_script(&doc.text);
    match (forced, &doc.language) {
        (Some(forced), _) => (
            Detected {
                language: forced.clone(),
                script: script(),
            },
            "forced",
        ),
        (None, Some(declared)) => (
            Detected {
                language: declared.clone(),
                script: script(),
            },
            "declared",
        ),
        (None, None) => (language::detect(&doc.text), "detected"),
    }
}

/// `source` of the rule-based amount mentions.
pub const AMOUNTS_SOURCE: &str = "amounts";

/// `source` of the mentions a document's source marks (mail display names).
pub const MARKED_SOURCE: &str = "mail-header";

/// The metadata documents.jsonl keeps: the source's, plus a PDF's page
/// starts (code points), so a mention's page can be found from its offset.
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
