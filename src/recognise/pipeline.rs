//! The per-document pipeline `nerpipe run` and `nerpipe eval` share:
//! language → segment → recognise → consistency → resolve, over a batch of
//! documents at a time (one batched model call per route for the batch).

use super::amounts::AmountRules;
use super::mail::MailHeaders;
use super::transformer::decode::Aggregation;
use super::transformer::{Classifier, Transformer, WindowedPredictor};
use super::{document_spans, Recogniser, Segmented};
use crate::consistency::Consistency;
use crate::doc::{Document, Mention, Span};
use crate::ingest::language::{self, Detected};
use crate::model::{Decoder, Engine, LoadedModel, Precision};
use crate::resolve::{lemmatise, resolve_document, Resolved};
use crate::segment::{Reading, Segmenter, TokenSequence, WindowCuts, WindowSpec};
use crate::Error;
use anyhow::Context;
use rayon::prelude::*;

/// The inference flags `nerpipe run` and `nerpipe eval` share (flattened
/// into both commands).
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct InferenceArgs {
    /// Threads for tokenisation and libtorch (default: all cores).
    #[arg(long, value_parser = crate::cli::threads)]
    pub threads: Option<usize>,
    /// How sub-token predictions become word predictions.
    #[arg(long, value_enum, default_value = "first")]
    pub aggregation: Aggregation,
    /// Sub-tokens shared by neighbouring windows.
    #[arg(long, default_value_t = 32, value_parser = crate::cli::overlap)]
    pub overlap: usize,
    /// Where windows end: one sentence per window, `sentences` as many whole
    /// sentences as fit, or `fixed` full windows overlapping by --overlap
    /// (default: the model's, as it read text in training: config.json's
    /// `nerpipe.window_cuts`, one sentence per window where it names none).
    #[arg(long, value_enum)]
    pub window_cuts: Option<WindowCuts>,
    /// Tag decoder (default: the one the model's config names).
    #[arg(long, value_enum)]
    pub decoder: Option<Decoder>,
    /// Inference precision (default: bf16 with AMX, int8 with AVX512-VNNI but
    /// no AMX, bf16 with AVX512-BF16, int8 with 7-bit weights with AVX2, else
    /// fp32; rust-bert's forward never gets int8; run.json says which and why).
    #[arg(long, value_enum)]
    pub precision: Option<Precision>,
    /// Forward pass: nerpipe's own, or rust-bert's.
    #[arg(long, value_enum, default_value = "nerpipe")]
    pub engine: Engine,
    /// Consistency rules: `document` makes each document's mentions agree
    /// (spans, fragments, one label per name, missed repeats); `corpus` also
    /// makes a PERSON/ORGANISATION/PLACE conflict on one name one entity
    /// (`nerpipe run`; eval has no entities).
    #[arg(long, value_enum, default_value = "corpus")]
    pub consistency: Consistency,
    /// How the model reads Serbian, Bosnian and Croatian documents' words in
    /// Cyrillic: `latin` transliterated (the multilingual model scores about
    /// one F1 point higher on the Latin spelling of UNER sr_set dev), or
    /// `as-written`. Other languages are always read as written.
    #[arg(long, value_enum, default_value = "latin")]
    pub read_cyrillic: Reading,
}

impl InferenceArgs {
    /// The precision these flags ask for on this CPU, and why.
    pub fn precision(&self) -> (Precision, &'static str) {
        Precision::resolve(self.precision, self.engine)
    }

    /// Warns on stderr where `--precision` asks for one this CPU emulates.
    pub fn warn_if_slow(&self) {
        if let Some(precision) = self.precision {
            precision.warn_if_slow();
        }
    }

    /// Threads the model's batches run on: with nerpipe's own forward, one
    /// per core (`--threads`), each running whole batches on one core of
    /// its own; libtorch then keeps to one thread
    /// ([`InferenceArgs::libtorch_threads`]). rust-bert's forward runs one
    /// batch at a time on libtorch's threads.
    pub fn forward_threads(&self) -> usize {
        match self.engine {
            Engine::Nerpipe => self.threads.unwrap_or_else(crate::cli::cores),
            Engine::RustBert => 1,
        }
    }

    /// Threads libtorch's own operations use: one where the forward runs
    /// whole batches in parallel, else `--threads` (default: all cores).
    pub fn libtorch_threads(&self) -> usize {
        match self.engine {
            Engine::Nerpipe => 1,
            Engine::RustBert => self.threads.unwrap_or_else(crate::cli::cores),
        }
    }

    /// Windows of `window` sub-tokens (start and end tokens included).
    pub fn windows(&self, window: usize) -> crate::error::Result<WindowSpec> {
        if window < 8 || self.overlap * 2 >= window - 2 {
            return Err(Error::Usage(
                "--window must be at least 8 and more than twice --overlap plus 2".into(),
            ));
        }
        Ok(WindowSpec {
            content: window - 2,
            overlap: self.overlap,
            // Each model's own unless --window-cuts ([`PipelineSettings::window_cuts`]).
            cuts: self.window_cuts.unwrap_or(WindowCuts::EachSentence),
        })
    }
}

/// What the pipeline does with each document, resolved from the command line.
#[derive(Debug, Clone)]
pub struct PipelineSettings {
    pub windows: WindowSpec,
    /// `None`: each model's own (its config's `nerpipe.window_cuts`), in
    /// place of `windows.cuts`.
    pub window_cuts: Option<WindowCuts>,
    /// Windows per model call.
    pub batch_size: usize,
    pub pack_documents: bool,
    pub aggregation: Aggregation,
    /// `None`: each model's own.
    pub decoder: Option<Decoder>,
    pub min_score: f32,
    pub consistency: Consistency,
    /// `--read-cyrillic`.
    pub read_cyrillic: Reading,
    /// `--language`: every document's language, detection off.
    pub language: Option<String>,
    pub threads: Option<usize>,
    /// Threads that each run whole model batches ([`InferenceArgs::forward_threads`]).
    pub forward_threads: usize,
    /// Whether the amounts rules run (not in `nerpipe eval`).
    pub amounts: bool,
}

/// A document through the pipeline.
pub struct Analysed {
    pub document: Document,
    pub language: Detected,
    /// `forced`, `declared` or `detected`.
    pub language_source: &'static str,
    /// Sub-tokens of its text for its route's model.
    pub tokens: usize,
    /// Its mentions in text order, entity ids set.
    pub mentions: Vec<Mention>,
    /// The resolution of each mention (same order).
    pub resolved: Vec<Resolved>,
}

/// A document the pipeline could not read (its tokenizer failed), and why.
pub struct Unreadable {
    pub document: Box<Document>,
    pub error: String,
}

/// A batch of documents ready for the model: each with its language, how
/// that was found, its route and its sub-tokens for the route's model (or
/// why its tokenizer failed).
pub struct Prepared {
    documents: Vec<Document>,
    languages: Vec<(Detected, &'static str, usize)>,
    sequences: Vec<anyhow::Result<TokenSequence>>,
}

impl Prepared {
    /// Documents in the batch.
    pub fn len(&self) -> usize {
        self.documents.len()
    }

    pub fn is_empty(&self) -> bool {
        self.documents.is_empty()
    }
}

/// The stages before the model (language, segmentation) and after it
/// (marked names, amounts, consistency, resolution). They hold no model
/// state, so a run can prepare the next batch and finish the last one on
/// other threads while the model reads this one.
pub struct Stages<'m> {
    /// The segmenter of each route, in route order.
    segmenters: Vec<&'m Segmenter>,
    /// Language → index into the routes.
    by_language: Vec<(String, usize)>,
    settings: PipelineSettings,
    pool: rayon::ThreadPool,
}

/// The recognition stages with their settings, applied a batch at a time:
/// [`Stages::prepare`], [`Pipeline::recognise`] (the model), then
/// [`Stages::finish`].
pub struct Pipeline<'m> {
    /// `routes[0]` is the default model; then one per `--model-for`, in order.
    routes: Vec<Transformer<'m>>,
    stages: Stages<'m>,
}

impl<'m> Pipeline<'m> {
    /// `models`: the default model, then one per entry of `languages` (the
    /// languages routed to their own model), in the same order.
    pub fn new(
        models: &'m [LoadedModel],
        languages: &[String],
        settings: PipelineSettings,
    ) -> crate::error::Result<Pipeline<'m>> {
        let routes = models
            .iter()
            .map(|model| Self::route(model, &settings))
            .collect::<crate::error::Result<Vec<_>>>()?;
        if routes.is_empty() {
            return Err(Error::Usage("no model given".into()));
        }
        let by_language = languages
            .iter()
            .enumerate()
            .map(|(i, language)| (language.clone(), i + 1))
            .collect();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(settings.threads.unwrap_or(0))
            .thread_name(|i| format!("nerpipe-stages-{i}"))
            .build()
            .context("cannot start worker threads")?;
        let segmenters = models.iter().map(|m| &m.segmenter).collect();
        Ok(Pipeline {
            routes,
            stages: Stages {
                segmenters,
                by_language,
                settings,
                pool,
            },
        })
    }

    fn route(
        model: &'m LoadedModel,
        settings: &PipelineSettings,
    ) -> crate::error::Result<Transformer<'m>> {
        let max_positions = usize::try_from(model.config.bert.max_position_embeddings).unwrap_or(0);
        let window = settings.windows.content + 2;
        if window > max_positions {
            return Err(Error::Usage(format!(
                "--window {window} is larger than the model's maximum of {max_positions} positions (max_position_embeddings in {}): give --window {max_positions} or less",
                model.dir.join("config.json").display()
            )));
        }
        Ok(Transformer {
            model,
            predictor: WindowedPredictor {
                network: Classifier::of(model),
                num_tags: model.config.tags.len(),
                start_id: model.segmenter.start_id,
                end_id: model.segmenter.end_id,
                windows: WindowSpec {
                    cuts: settings.window_cuts.unwrap_or(model.config.window_cuts),
                    ..settings.windows
                },
                batch_size: settings.batch_size,
                model_tokens: Default::default(),
                pack_documents: settings.pack_documents,
                forward_threads: settings.forward_threads,
            },
            decoder: settings.decoder.unwrap_or(model.config.decoder),
            aggregation: settings.aggregation,
            min_score: settings.min_score,
        })
    }

    /// The decoder of the default model.
    pub fn decoder(&self) -> Decoder {
        self.routes[0].decoder
    }

    /// Where the default model's windows end.
    pub fn window_cuts(&self) -> WindowCuts {
        self.routes[0].predictor.windows.cuts
    }

    /// Token positions the models have computed so far.
    pub fn model_tokens(&self) -> usize {
        self.routes
            .iter()
            .map(|r| r.predictor.model_tokens.get())
            .sum()
    }

    /// The stages around the model.
    pub fn stages(&self) -> &Stages<'m> {
        &self.stages
    }

    /// Runs the pipeline over a batch of documents, in order, one stage
    /// after the other.
    pub fn process(&self, documents: Vec<Document>) -> Vec<Result<Analysed, Unreadable>> {
        let prepared = self.stages.prepare(documents);
        let spans = self.recognise(&prepared);
        self.stages.finish(prepared, spans)
    }

    /// The model spans of each document of a prepared batch: one batched
    /// call per route over its documents, in batch order.
    pub fn recognise(&self, prepared: &Prepared) -> Vec<Vec<Span>> {
        let mut spans: Vec<Vec<Span>> = vec![Vec::new(); prepared.len()];
        for (route_index, route) in self.routes.iter().enumerate() {
            let (at, batch): (Vec<usize>, Vec<Segmented>) = prepared
                .documents
                .iter()
                .zip(&prepared.languages)
                .zip(&prepared.sequences)
                .enumerate()
                .filter_map(|(i, ((document, (language, _, r)), tokens))| match tokens {
                    Ok(tokens) if *r == route_index => Some((
                        i,
                        Segmented {
                            document,
                            language: &language.language,
                            tokens,
                        },
                    )),
                    _ => None,
                })
                .unzip();
            if batch.is_empty() {
                continue;
            }
            for (i, found) in at.into_iter().zip(route.recognise(&batch)) {
                spans[i] = found;
            }
        }
        spans
    }
}

impl Stages<'_> {
    /// Language and route of each document, then its sub-tokens for the
    /// route's model, on the stages' threads.
    pub fn prepare(&self, documents: Vec<Document>) -> Prepared {
        let forced = &self.settings.language;
        let segmenters = &self.segmenters;
        let by_language = &self.by_language;
        let read_cyrillic = self.settings.read_cyrillic;
        let (languages, sequences) = self.pool.install(|| {
            documents
                .par_iter()
                .map(|d| {
                    let (language, source) = language_of(d, forced);
                    let route = route_of(by_language, &language.language);
                    let reading = read_cyrillic.for_language(&language.language);
                    let tokens = segmenters[route].text(&d.text, reading);
                    ((language, source, route), tokens)
                })
                .unzip()
        });
        Prepared {
            documents,
            languages,
            sequences,
        }
    }

    /// Each document of a batch after the model (`spans`: its model spans,
    /// in batch order), on the stages' threads, answered in order.
    pub fn finish(
        &self,
        prepared: Prepared,
        spans: Vec<Vec<Span>>,
    ) -> Vec<Result<Analysed, Unreadable>> {
        let Prepared {
            documents,
            languages,
            sequences,
        } = prepared;
        let batch: Vec<_> = documents
            .into_iter()
            .zip(languages)
            .zip(sequences)
            .zip(spans)
            .collect();
        self.pool.install(|| {
            batch
                .into_par_iter()
                .map(
                    |(((document, (language, source, _)), tokens), spans)| match tokens {
                        Ok(tokens) => {
                            Ok(self.finish_one(document, language, source, &tokens, spans))
                        }
                        Err(e) => Err(Unreadable {
                            document: Box::new(document),
                            error: e.to_string(),
                        }),
                    },
                )
                .collect()
        })
    }

    /// One document after the model: marked names and amounts, the
    /// consistency rules, mentions and their resolution.
    fn finish_one(
        &self,
        document: Document,
        language: Detected,
        language_source: &'static str,
        tokens: &TokenSequence,
        model_spans: Vec<Span>,
    ) -> Analysed {
        let segmented = [Segmented {
            document: &document,
            language: &language.language,
            tokens,
        }];
        let marked = MailHeaders.recognise(&segmented).pop().unwrap_or_default();
        let amounts = self
            .settings
            .amounts
            .then(|| AmountRules.recognise(&segmented).pop().unwrap_or_default());
        let spans = document_spans(
            &document.text,
            model_spans,
            marked,
            amounts,
            self.settings.consistency,
        );
        let mut mentions = Mention::from_spans(&document.id, &document.text, spans);
        lemmatise(&mut mentions, &language.language);
        let resolved = resolve_document(&mentions);
        for (mention, r) in mentions.iter_mut().zip(&resolved) {
            mention.entity_id = r.entity_id.clone();
        }
        Analysed {
            tokens: tokens.len(),
            document,
            language,
            language_source,
            mentions,
            resolved,
        }
    }
}

/// The route of a document in `language`: its `--model-for`, else the
/// default model (0).
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
