//! External programs ingest runs on a file: poppler's `pdftotext`,
//! `pdfinfo` and `pdftoppm`, and Tesseract. Each is a separate process,
//! never linked (poppler is GPL, nerpipe Apache-2.0), held to a time limit
//! and to the extraction memory limit, and killed with the process that
//! started it, so a hang or a crash of one costs one file or page.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A program nerpipe runs, and what to do when it is not installed.
#[derive(Debug, Clone, Copy)]
pub struct Tool {
    pub name: &'static str,
    /// The install advice of the error when the program is missing.
    pub install_hint: &'static str,
}

/// How a run of a [`Tool`] failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolError {
    /// The program is not installed (not on `PATH`).
    Missing,
    /// It ran past its time limit and was killed.
    TimedOut(u64),
    /// It exited with a failure; the last line it wrote to standard error.
    Failed { status: String, said: String },
    /// It could not be started or waited for.
    Io(String),
}

impl Tool {
    /// The sentence of an error that `self` is missing, for `purpose`
    /// ("OCR", "PDF text").
    pub fn missing(&self, purpose: &str) -> String {
        format!(
            "{purpose} needs `{}`, which is not installed: {}",
            self.name, self.install_hint
        )
    }

    /// Runs `command` (a command of this tool) with `input` on its standard
    /// input, for at most `seconds`, under the extraction memory limit where
    /// one is set; its standard output, and the last line it wrote to
    /// standard error (its last warning).
    pub fn run(
        &self,
        command: &mut Command,
        input: &[u8],
        seconds: u64,
    ) -> Result<(Vec<u8>, String), ToolError> {
        if let Some(limits) = super::isolate::limits() {
            super::isolate::limit_data(command, limits.memory_mib);
        }
        die_with_parent(command);
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => ToolError::Missing,
                _ => ToolError::Io(format!("cannot start {}: {e}", self.name)),
            })?;
        let mut stdin = child.stdin.take();
        let input = input.to_vec();
        // Written on a thread of its own: a program may answer before it has
        // read everything, and a full pipe must not stall either side.
        let writer = std::thread::spawn(move || {
            if let Some(stdin) = stdin.as_mut() {
                let _ = stdin.write_all(&input);
            }
        });
        let reader = drain(child.stdout.take());
        let errors = drain(child.stderr.take());
        let started = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if started.elapsed() > Duration::from_secs(seconds) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(ToolError::TimedOut(seconds));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(10)),
                Err(e) => return Err(ToolError::Io(format!("{}: {e}", self.name))),
            }
        };
        let _ = writer.join();
        let output = reader.join().unwrap_or_default();
        let said = String::from_utf8_lossy(&errors.join().unwrap_or_default())
            .lines()
            .rfind(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim()
            .to_string();
        if !status.success() {
            return Err(ToolError::Failed {
                status: status.to_string(),
                said,
            });
        }
        Ok((output, said))
    }
}

/// Has the program `command` starts killed when the thread that started it
/// ends (the extraction worker killed at its time limit included), so no
/// orphan goes on rendering or recognising.
fn die_with_parent(command: &mut Command) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: prctl is async-signal-safe; nothing else runs between
        // fork and exec.
        unsafe {
            command.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
    }
}

/// Reads a child's pipe to its end on a thread of its own, so neither
/// pipe can fill and stall the child.
fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut out = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut out);
        }
        out
    })
}
