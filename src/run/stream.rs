//! `--jsonl-in` / `--jsonl-out`: documents in, mention lines out, for pipes
//! (Spark's `RDD.pipe`, shell pipelines). Entity ids are the same as in a run
//! with an output folder, except where that run's corpus rule
//! (`--consistency corpus`, `resolve::corpus`) gave one match key, PERSON in
//! some documents and ORGANISATION or PLACE in others, a single entity: a
//! stream sees no corpus, only documents.

use super::plan::{RunPlan, StreamInput};
use super::{free_models, load_models, pipeline, progress, run_chunks, RunSummary};
use crate::atomic::AtomicFile;
use crate::doc::{DocStatus, Mention};
use crate::ingest::{Corpus, JsonlSource, Selection, Source};
use anyhow::Context;
use std::collections::HashSet;
use std::io::{BufRead, Write};
use std::path::Path;
use std::time::Instant;

/// Where the mention lines go: standard output, or a file committed (renamed
/// into place) only when the whole stream was written.
enum MentionStream {
    Stdout {
        out: std::io::BufWriter<std::io::StdoutLock<'static>>,
        /// The reader went away (a broken pipe: `| head`).
        closed: bool,
    },
    File(AtomicFile),
}

impl Write for MentionStream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            MentionStream::Stdout { out, closed } => {
                out.write(buf).map_err(|e| stdout_error(e, closed))
            }
            MentionStream::File(f) => f.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            MentionStream::Stdout { out, closed } => {
                out.flush().map_err(|e| stdout_error(e, closed))
            }
            MentionStream::File(f) => f.flush(),
        }
    }
}

impl MentionStream {
    fn open(dest: Option<&str>) -> anyhow::Result<MentionStream> {
        match dest {
            Some("-") | None => Ok(MentionStream::Stdout {
                out: std::io::BufWriter::new(std::io::stdout().lock()),
                closed: false,
            }),
            Some(path) => {
                refuse_foreign_file(Path::new(path))?;
                Ok(MentionStream::File(AtomicFile::create(Path::new(path))?))
            }
        }
    }

    /// Whether standard output's reader went away.
    fn closed(&self) -> bool {
        matches!(self, MentionStream::Stdout { closed: true, .. })
    }

    fn finish(mut self) -> anyhow::Result<()> {
        match self {
            MentionStream::Stdout { .. } => Ok(self.flush()?),
            MentionStream::File(f) => f.commit(),
        }
    }
}

/// A write error on standard output, named as such (a full disk behind a
/// redirection says only "os error 28" otherwise). A broken pipe also sets
/// `closed`: the stream then ends quietly (see [`run_stream`]).
fn stdout_error(e: std::io::Error, closed: &mut bool) -> std::io::Error {
    *closed |= e.kind() == std::io::ErrorKind::BrokenPipe;
    let message = if e.raw_os_error() == Some(28) {
        "standard output: no space left on device where the mention stream is redirected: free space there, or write to a disk with room (--jsonl-out FILE)".to_string()
    } else {
        format!("standard output: cannot write the mention stream: {e}")
    };
    std::io::Error::new(e.kind(), message)
}

/// nerpipe replaces an existing `--jsonl-out` file only when it is empty or a
/// mention stream nerpipe wrote (its first line is a mention record).
fn refuse_foreign_file(path: &Path) -> anyhow::Result<()> {
    let Ok(file) = std::fs::File::open(path) else {
        return Ok(());
    };
    if !path.is_file() {
        anyhow::bail!(
            "{}: --jsonl-out must name a regular file (or - for standard output)",
            path.display()
        );
    }
    let mut first = String::new();
    let _ = std::io::BufReader::new(file).read_line(&mut first);
    if first.trim().is_empty() || serde_json::from_str::<Mention>(first.trim()).is_ok() {
        return Ok(());
    }
    anyhow::bail!(
        "{}: exists and is not a mention stream nerpipe wrote; nerpipe does not overwrite it: choose another --jsonl-out file or move this one",
        path.display()
    )
}

/// Documents from `input` through the pipeline, their mentions as JSON
/// lines into `output` (a file, or `-` for standard output).
pub(super) fn run_stream(
    plan: &RunPlan,
    input: &StreamInput,
    output: &str,
    started: Instant,
) -> crate::error::Result<RunSummary> {
    let args = &plan.args;
    let models = load_models(plan)?;
    let pipeline = pipeline(plan, &models)?;
    let selection = Selection {
        max_doc_bytes: args.max_doc_bytes,
        ..Default::default()
    };
    let stream = open_source(input)?.select(selection);
    let mut sink = MentionStream::open(Some(output))?;
    let mut summary = RunSummary::default();
    let mut progress = progress::Progress::new(0, true);
    let quiet = args.quiet;
    let streamed = run_chunks(
        stream,
        args.chunk_docs,
        &pipeline,
        &mut HashSet::new(),
        &mut progress,
        &mut summary,
        &mut |results| {
            for r in results {
                if r.document.status == DocStatus::Error && !quiet {
                    eprintln!("nerpipe: {}: {}", r.document.source_path, r.document.error);
                }
                for m in r.mentions {
                    crate::sink::jsonl::write_line(&mut sink, &m.mention)?;
                }
            }
            Ok(sink.flush()?)
        },
    );
    // The reader of standard output went away (`| head`): the stream ends
    // quietly with the documents done so far, as ripgrep does: no message,
    // and the exit code of a finished run.
    if !sink.closed() {
        streamed?;
        // Committed only now: an interrupted stream leaves no half file behind.
        sink.finish()?;
    }
    summary.model_tokens = pipeline.model_tokens();
    drop(pipeline);
    free_models(models);
    summary.seconds = started.elapsed().as_secs_f64();
    summary.tokens_per_second = summary.tokens as f64 / summary.seconds.max(1e-9);
    Ok(summary)
}

/// The documents a stream run reads.
fn open_source(input: &StreamInput) -> anyhow::Result<Box<dyn Source>> {
    Ok(match input {
        StreamInput::Jsonl(path) if path == "-" => Box::new(JsonlSource {
            name: "-".into(),
            reader: Box::new(std::io::BufReader::new(std::io::stdin())),
        }),
        StreamInput::Jsonl(path) => {
            let file = std::fs::File::open(path)
                .with_context(|| format!("{path}: cannot read the JSONL input"))?;
            Box::new(JsonlSource {
                name: path.clone(),
                reader: Box::new(std::io::BufReader::new(file)),
            })
        }
        StreamInput::Corpus(corpus) => Box::new(Corpus::open(corpus)?),
    })
}
