//! The run plan: `nerpipe run`'s arguments resolved once, before any model
//! loads (ripgrep's low-level → high-level arguments): where documents come
//! from and where results go, which shard, the precision and why, and what
//! the pipeline does with each document.

use super::RunArgs;
use crate::ingest::shard::Shard;
use crate::model::lookup::{locate, SearchContext};
use crate::model::Precision;
use crate::recognise::pipeline::PipelineSettings;
use crate::resolve::decisions::DecisionsFile;
use crate::Error;
use std::path::PathBuf;

/// Where documents come from and where results go.
#[derive(Debug, Clone)]
pub enum Mode {
    /// A corpus folder into an output folder, the whole corpus or one shard.
    Folder {
        corpus: PathBuf,
        out: PathBuf,
        shard: Shard,
    },
    /// Documents (a JSONL file or stream, or a corpus folder) into a stream
    /// of mention lines.
    Stream {
        input: StreamInput,
        /// A file, or `-` for standard output.
        output: String,
    },
}

/// What a stream run reads.
#[derive(Debug, Clone)]
pub enum StreamInput {
    /// A JSONL file, or `-` for standard input.
    Jsonl(String),
    Corpus(PathBuf),
}

/// `nerpipe run` resolved.
#[derive(Debug, Clone)]
pub struct RunPlan {
    pub mode: Mode,
    pub precision: Precision,
    /// Why that precision (run.json `inference.precision_reason`).
    pub precision_reason: &'static str,
    pub pipeline: PipelineSettings,
    /// The model folder (`--model` looked up: [`crate::model::lookup`]).
    pub model: PathBuf,
    /// The folder of each `--model-for`, in its order.
    pub model_for: Vec<PathBuf>,
    /// `--decisions`, read and checked before any model loads.
    pub decisions: Option<DecisionsFile>,
    /// The arguments as given (run.json `options`).
    pub args: RunArgs,
}

impl RunPlan {
    /// Resolves `args`, refusing contradictions; `env` reads the scheduler's
    /// variables (the shard index).
    pub fn resolve(
        args: &RunArgs,
        env: impl Fn(&str) -> Option<String>,
    ) -> crate::error::Result<RunPlan> {
        let mode = Self::mode(args, &env)?;
        let mut seen = std::collections::BTreeMap::new();
        for (language, dir) in &args.model_for {
            if let Some(other) = seen.insert(language, dir) {
                return Err(Error::Usage(format!(
                    "--model-for gives two models for {language} ({} and {}): keep one",
                    other.display(),
                    dir.display()
                )));
            }
        }
        let search = SearchContext::with_env(&env);
        let model = locate(args.model.as_deref(), &search)?;
        let model_for = args
            .model_for
            .iter()
            .map(|(_, given)| locate(Some(given), &search))
            .collect::<Result<Vec<_>, _>>()?;
        let decisions = Self::decisions(args, &mode)?;
        let (precision, precision_reason) = args.inference.precision();
        let inference = &args.inference;
        let pipeline = PipelineSettings {
            windows: inference.windows(args.window)?,
            window_cuts: inference.window_cuts,
            batch_size: args.batch_size,
            pack_documents: args.pack_documents,
            aggregation: inference.aggregation,
            decoder: inference.decoder,
            min_score: args.min_score,
            consistency: inference.consistency,
            read_cyrillic: inference.read_cyrillic,
            language: args.language.clone(),
            threads: inference.threads,
            forward_threads: inference.forward_threads(),
            amounts: true,
        };
        Ok(RunPlan {
            mode,
            precision,
            precision_reason,
            pipeline,
            model,
            model_for,
            decisions,
            args: args.clone(),
        })
    }

    /// `--decisions` apply where a run's entities are resolved over the
    /// whole corpus: an unsharded folder run, `nerpipe merge` and
    /// `nerpipe resolve`.
    fn decisions(args: &RunArgs, mode: &Mode) -> crate::error::Result<Option<DecisionsFile>> {
        let Some(path) = &args.decisions else {
            return Ok(None);
        };
        match mode {
            Mode::Folder { shard, .. } if !shard.is_whole() => Err(Error::Usage(
                "--decisions apply when the shards are merged: give it to `nerpipe merge`, not to a shard's run".into(),
            )),
            Mode::Stream { .. } => Err(Error::Usage(
                "--decisions apply to a run's entities, which a stream of mention lines does not have: give it to `nerpipe resolve --mentions-in` over the streams".into(),
            )),
            Mode::Folder { .. } => super::merge::read_decisions(path).map(Some),
        }
    }

    fn mode(args: &RunArgs, env: &impl Fn(&str) -> Option<String>) -> crate::error::Result<Mode> {
        let usage = |m: &str| Err(Error::Usage(m.into()));
        match (&args.jsonl_in, &args.jsonl_out, &args.corpus, &args.out) {
            (Some(_), _, _, Some(_)) => usage(
                "--jsonl-in writes a stream of mention lines, not an output folder: give --jsonl-out FILE (or - for standard output) instead of --out, or read a folder with --corpus",
            ),
            (Some(input), Some(output), _, _) => Ok(Mode::Stream {
                input: StreamInput::Jsonl(input.clone()),
                output: output.clone(),
            }),
            (None, Some(output), Some(corpus), _) => Ok(Mode::Stream {
                input: StreamInput::Corpus(corpus.clone()),
                output: output.clone(),
            }),
            (None, None, Some(corpus), Some(out)) => Ok(Mode::Folder {
                corpus: corpus.clone(),
                out: out.clone(),
                shard: Shard::of_run(args.shard.as_deref(), args.shard_count, env)?,
            }),
            (Some(_), None, _, None) => usage("--jsonl-in needs --jsonl-out FILE (or - for standard output)"),
            _ => usage("give --corpus and --out, or --jsonl-in and --jsonl-out"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        run: RunArgs,
    }

    fn plan(args: &[&str], env: &[(&str, &str)]) -> crate::error::Result<RunPlan> {
        let cli = Cli::try_parse_from(std::iter::once("nerpipe").chain(args.iter().copied()))
            .unwrap_or_else(|e| panic!("{args:?}: {e}"));
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        RunPlan::resolve(&cli.run, |k| {
            env.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn a_folder_run_is_whole_or_one_shard() {
        let p = plan(&["--corpus", "c", "--out", "o"], &[]).unwrap();
        match p.mode {
            Mode::Folder { corpus, out, shard } => {
                assert_eq!((corpus, out), ("c".into(), "o".into()));
                assert_eq!(shard, Shard::WHOLE);
            }
            other => panic!("{other:?}"),
        }
        let p = plan(
            &["--corpus", "c", "--out", "o", "--shard-count", "4"],
            &[("SLURM_ARRAY_TASK_ID", "2")],
        )
        .unwrap();
        assert!(matches!(p.mode, Mode::Folder { shard, .. } if shard == Shard::new(2, 4).unwrap()));
        assert_eq!(p.pipeline.windows.content, 126);
        assert!(p.pipeline.amounts);
    }

    #[test]
    fn streams_read_jsonl_or_a_folder() {
        let p = plan(&["--jsonl-in", "-", "--jsonl-out", "m.jsonl"], &[]).unwrap();
        assert!(matches!(
            p.mode,
            Mode::Stream { input: StreamInput::Jsonl(ref i), ref output } if i == "-" && output == "m.jsonl"
        ));
        let p = plan(&["--corpus", "c", "--jsonl-out", "-"], &[]).unwrap();
        assert!(
            matches!(p.mode, Mode::Stream { input: StreamInput::Corpus(ref c), .. } if c.as_os_str() == "c")
        );
    }

    #[test]
    fn an_output_folder_with_a_jsonl_input_is_refused() {
        let err = plan(&["--jsonl-in", "docs.jsonl", "--out", "o"], &[]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert_eq!(
            err.to_string(),
            "--jsonl-in writes a stream of mention lines, not an output folder: give --jsonl-out FILE (or - for standard output) instead of --out, or read a folder with --corpus"
        );
    }

    #[test]
    fn windows_too_small_for_the_overlap_are_refused_before_any_model_loads() {
        let err = plan(
            &[
                "--corpus",
                "c",
                "--out",
                "o",
                "--window",
                "40",
                "--overlap",
                "19",
            ],
            &[],
        )
        .unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(
            err.to_string().contains("--window must be at least 8"),
            "{err}"
        );
    }
}
