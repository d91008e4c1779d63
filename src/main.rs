//! The `nerpipe` command line; the work is done in the library.

use clap::{Parser, Subcommand};
use nerpipe::model::ModelError;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "nerpipe", version, about = "Named-entity extraction over news corpora")]
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
    },
    /// Fine-tune a token-classification model on CoNLL files.
    Train(nerpipe::train::TrainArgs),
    /// Score a model on a CoNLL file (entity-level, as conlleval).
    Eval(nerpipe::eval_cmd::EvalArgs),
}

/// Exit code of `run --strict` when documents failed.
const EXIT_DOCUMENTS_FAILED: u8 = 3;

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
        Command::Merge { out, shards } => nerpipe::merge::merge(&out, shards).map(|(s, _)| {
            eprintln!(
                "nerpipe: merged {} shards: {} documents ok, {} failed; {} mentions; {} entities",
                s.shards, s.documents_ok, s.documents_failed, s.mentions, s.entities
            );
            ExitCode::SUCCESS
        }),
        Command::Train(args) => nerpipe::train::train(&args, &command_line).map(|_| ExitCode::SUCCESS),
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
