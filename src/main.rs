//! The `nerpipe` command line; the work is done in the library.

use clap::{Parser, Subcommand};
use nerpipe::model::ModelError;
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
    /// Fine-tune a token-classification model on CoNLL files.
    Train(nerpipe::train::TrainArgs),
    /// Score a model on a CoNLL file (entity-level, as conlleval).
    Eval(nerpipe::eval_cmd::EvalArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let command_line = std::env::args().collect::<Vec<_>>().join(" ");
    let result = match cli.command {
        Command::Run(args) => nerpipe::pipeline::run(&args).map(|_| ()),
        Command::Train(args) => nerpipe::train::train(&args, &command_line).map(|_| ()),
        Command::Eval(args) => nerpipe::eval_cmd::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
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
