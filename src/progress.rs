//! Progress reporting on stderr: an indicatif bar on a terminal, plain lines
//! (at most one every few seconds) when stderr is not a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// A bar with the given template, drawn on stderr.
pub fn bar(len: u64, template: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    if !std::io::stderr().is_terminal() {
        // Not a terminal: no redraws; callers print plain lines instead.
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar
}

/// Whether stderr is a terminal (progress bars) or not (plain lines).
pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}
