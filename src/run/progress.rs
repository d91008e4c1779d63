//! Progress reporting on stderr: an indicatif bar on a terminal, plain lines
//! (one every few seconds) otherwise, nothing with `--quiet`.

use crate::terminal::bar;
use indicatif::ProgressBar;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// Plain progress lines are at most this frequent.
const LINE_INTERVAL: Duration = Duration::from_secs(5);

/// Progress of a run over a corpus, measured in corpus bytes.
pub struct Progress {
    bar: Option<ProgressBar>,
    plain: bool,
    started: Instant,
    last_line: Instant,
    done_bytes: u64,
    total_bytes: u64,
}

impl Progress {
    pub fn new(total_bytes: u64, quiet: bool) -> Progress {
        let terminal = std::io::stderr().is_terminal();
        let bar = (!quiet && terminal).then(|| {
            bar(
                total_bytes,
                "{elapsed_precise} [{bar:30}] {percent}%  {msg}  eta {eta}",
            )
        });
        Progress {
            bar,
            plain: !quiet && !terminal,
            started: Instant::now(),
            last_line: Instant::now(),
            done_bytes: 0,
            total_bytes,
        }
    }

    pub fn advance(&mut self, bytes: u64, summary: &crate::run::RunSummary) {
        self.done_bytes += bytes;
        let seconds = self.started.elapsed().as_secs_f64().max(1e-9);
        let mut message = format!(
            "{} documents, {} mentions, {:.0} tokens/s",
            summary.counts.documents_ok + summary.counts.documents_failed,
            summary.counts.mentions,
            summary.tokens as f64 / seconds
        );
        let ocr_pages = crate::ingest::ocr::pages_read();
        if ocr_pages > 0 {
            message.push_str(&format!(", {ocr_pages} pages OCR'd"));
        }
        if let Some(bar) = &self.bar {
            bar.set_position(self.done_bytes);
            bar.set_message(message);
        } else if self.plain && self.last_line.elapsed() >= LINE_INTERVAL {
            self.last_line = Instant::now();
            let percent = 100.0 * self.done_bytes as f64 / self.total_bytes.max(1) as f64;
            eprintln!("nerpipe: {percent:.0}% of the corpus, {message}");
        }
    }

    /// Clears the bar and prints the run summary.
    pub fn finish(&self, summary: &crate::run::RunSummary, out: &std::path::Path) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if self.bar.is_none() && !self.plain {
            return;
        }
        let labels: Vec<String> = summary
            .counts
            .mentions_per_label
            .iter()
            .map(|(l, n)| format!("{l} {n}"))
            .collect();
        eprintln!(
            "nerpipe: {} documents ok, {} failed; {} mentions ({}); {} entities; {} tokens at {:.0} tokens/s; output in {}",
            summary.counts.documents_ok,
            summary.counts.documents_failed,
            summary.counts.mentions,
            labels.join(", "),
            summary.counts.entities,
            summary.tokens,
            summary.tokens_per_second,
            out.display()
        );
        if !summary.skipped.is_empty() {
            eprintln!(
                "nerpipe: {} (not documents: see Input in the README)",
                crate::run::skipped_note(&summary.skipped)
            );
        }
        if summary.counts.documents_failed > 0 {
            eprintln!(
                "nerpipe: warning: {} documents failed; see the status and error columns of {}",
                summary.counts.documents_failed,
                out.join("documents.csv").display()
            );
        }
    }
}
