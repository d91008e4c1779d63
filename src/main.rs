//! The `nerpipe` command line; the work is done in the library.

use clap::{Parser, Subcommand};
use nerpipe::model::ModelError;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "nerpipe",
    version,
    about = "Named-entity extraction over news corpora"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Extract entities from a corpus into an output folder.
    Run(nerpipe::pipeline::RunArgs),
    /// Merge the shards of a sharded run into the output files.
    Merge {
        /// The output folder the shards wrote into.
        out: PathBuf,
        /// Number of shards (needed only when several shard sets are present).
        #[arg(long)]
        shards: Option<usize>,
        /// Do not write nerpipe.sqlite.
        #[arg(long)]
        no_sqlite: bool,
        /// Do not write the HTML review report.
        #[arg(long)]
        no_report: bool,
    },
    /// Load a run's output folder into PostgreSQL (idempotent).
    Load {
        /// Connection URL (postgresql://user:password@host:port/db); without
        /// it, the PG* environment variables are used.
        #[arg(long = "postgres", value_name = "URL", num_args = 0..=1, default_missing_value = "")]
        postgres: Option<String>,
        /// The output folder of the run.
        out: PathBuf,
    },
    /// Print the database schema.
    Schema {
        /// Print PostgreSQL's DDL (the only schema printed so far).
        #[arg(long)]
        postgres: bool,
    },
    /// Write the HTML review report of an output folder again.
    Report {
        out: PathBuf,
        /// Corpus the run read (default: the one in run.json).
        #[arg(long)]
        corpus: Option<PathBuf>,
    },
    /// Export a run as Label Studio tasks with pre-annotations.
    Export {
        /// The output folder of the run.
        #[arg(long = "label-studio", value_name = "OUT")]
        label_studio: PathBuf,
        /// Corpus the run read (default: the one in run.json).
        #[arg(long)]
        corpus: Option<PathBuf>,
        /// Tasks file to write (default: OUT/label-studio-tasks.json).
        #[arg(long)]
        dest: Option<PathBuf>,
    },
    /// Import reviewed Label Studio annotations: corrected mentions and CoNLL.
    Import {
        /// Label Studio JSON export.
        #[arg(long = "label-studio", value_name = "FILE")]
        label_studio: PathBuf,
        /// Folder for mentions.jsonl and train.conll.
        #[arg(long)]
        out: PathBuf,
    },
    /// Fine-tune a token-classification model on CoNLL files.
    Train(nerpipe::train::TrainArgs),
    /// Score a model on a CoNLL file (entity-level, as conlleval).
    Eval(nerpipe::eval_cmd::EvalArgs),
}

/// Exit code of `run --strict` when documents failed.
const EXIT_DOCUMENTS_FAILED: u8 = 3;

/// The corpus a run read: `--corpus`, else the one its run.json names.
fn corpus_of(out: &std::path::Path, corpus: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    match corpus {
        Some(c) => Ok(c),
        None => nerpipe::run_output::RunInfo::read(out)?
            .corpus
            .ok_or_else(|| {
                anyhow::anyhow!("{}: run.json names no corpus: pass --corpus", out.display())
            }),
    }
}

fn merge(
    out: &std::path::Path,
    shards: Option<usize>,
    no_sqlite: bool,
    no_report: bool,
) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let (s, _) = nerpipe::merge::merge(out, shards)?;
    nerpipe::pipeline::write_merged_run_json(out, s.shards, &s, started.elapsed().as_secs_f64())?;
    nerpipe::pipeline::write_downstream(out, !no_sqlite, !no_report)?;
    eprintln!(
        "nerpipe: merged {} shards: {} documents ok, {} failed; {} mentions; {} entities",
        s.shards, s.documents_ok, s.documents_failed, s.mentions, s.entities
    );
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let command_line = std::env::args().collect::<Vec<_>>().join(" ");
    let result = match cli.command {
        Command::Run(args) => nerpipe::pipeline::run(&args).map(|summary| {
            if args.strict && summary.documents_failed > 0 {
                eprintln!(
                    "nerpipe: {} documents failed (--strict)",
                    summary.documents_failed
                );
                ExitCode::from(EXIT_DOCUMENTS_FAILED)
            } else {
                ExitCode::SUCCESS
            }
        }),
        Command::Merge {
            out,
            shards,
            no_sqlite,
            no_report,
        } => merge(&out, shards, no_sqlite, no_report),
        Command::Load { postgres, out } => {
            let url = postgres.filter(|u| !u.is_empty());
            nerpipe::postgres::load(url.as_deref(), &out).map(|counts| {
                eprintln!("nerpipe: loaded {}: {counts:?}", out.display());
                ExitCode::SUCCESS
            })
        }
        Command::Schema { postgres: _ } => {
            print!("{}", nerpipe::sqlite::postgres_ddl());
            Ok(ExitCode::SUCCESS)
        }
        Command::Report { out, corpus } => corpus_of(&out, corpus)
            .and_then(|corpus| nerpipe::report::write_report(&out, &corpus))
            .map(|_| ExitCode::SUCCESS),
        Command::Export {
            label_studio,
            corpus,
            dest,
        } => {
            let dest = dest.unwrap_or_else(|| label_studio.join("label-studio-tasks.json"));
            corpus_of(&label_studio, corpus)
                .and_then(|corpus| nerpipe::labelstudio::export(&label_studio, &corpus, &dest))
                .map(|tasks| {
                    eprintln!(
                        "nerpipe: wrote {tasks} Label Studio tasks to {}",
                        dest.display()
                    );
                    ExitCode::SUCCESS
                })
        }
        Command::Import { label_studio, out } => nerpipe::labelstudio::import(&label_studio, &out)
            .map(|counts| {
                eprintln!("nerpipe: imported {}: {counts:?}", label_studio.display());
                ExitCode::SUCCESS
            }),
        Command::Train(args) => {
            nerpipe::train::train(&args, &command_line).map(|_| ExitCode::SUCCESS)
        }
        Command::Eval(args) => nerpipe::eval_cmd::run(&args).map(|_| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            // One line per cause, no backtrace.
            let mut message = format!("nerpipe: error: {err}");
            for cause in err.chain().skip(1) {
                message.push_str(&format!(": {cause}"));
            }
            eprintln!("{message}");
            if err.chain().any(|c| c.is::<ModelError>()) {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}
