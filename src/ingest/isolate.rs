//! Extraction in a worker process, so that a file whose parser crashes (a
//! stack overflow in 30 000 nested XML elements), never ends or eats memory
//! fails alone, with an error row saying what happened, and the run goes on
//! — as Tika's forked parser and Aleph's ingest workers do. `catch_unwind`
//! cannot catch a stack overflow or a loop; a process boundary can.
//!
//! Once the `nerpipe` binary has called [`enable`], every file in a format
//! with a parser (HTML, PDF, DOCX, ODT, e-mail, and mail attachments in
//! those) is extracted by a worker: the same binary started as `nerpipe
//! extract-worker`, under a data-memory limit (`RLIMIT_DATA`), sent one file
//! at a time over its standard input, its answer awaited for at most the
//! time limit. A worker that dies or runs out of time is killed; the file's
//! error row says why ("stack overflow in the DOCX extractor", "extraction
//! exceeded 60 s", "extraction exceeded 2048 MiB of memory"), and the next
//! file starts a new worker. Plain text and Markdown are decoded in the run's
//! own process (their decoder neither recurses nor grows), and so is
//! everything where [`enable`] was not called (the library, unit tests).

use super::extract::{self, Attachment, Extracted, FileFormat};
use crate::doc::{Label, Span};
use serde::{Deserialize, Serialize};
use std::io::{BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// The bounds of one file's extraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// Wall-clock seconds one file may take.
    pub seconds: u64,
    /// Data memory (heap) a worker may hold, in MiB.
    pub memory_mib: u64,
}

/// The subcommand that runs [`worker_main`].
pub const WORKER_COMMAND: &str = "extract-worker";

struct Settings {
    exe: PathBuf,
    limits: Limits,
}

static SETTINGS: OnceLock<Settings> = OnceLock::new();
static WORKER: Mutex<Option<Worker>> = Mutex::new(None);

/// Extract in worker processes started from `exe` (the nerpipe binary, which
/// must answer [`WORKER_COMMAND`]) under `limits`. The first call wins.
pub fn enable(exe: PathBuf, limits: Limits) {
    let _ = SETTINGS.set(Settings { exe, limits });
}

/// Holds the process `command` starts to `memory_mib` of data (heap):
/// past it, allocations fail and the process ends, not the machine.
pub(crate) fn limit_data(command: &mut Command, memory_mib: u64) {
    let data_bytes = memory_mib.saturating_mul(1 << 20);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: setrlimit is async-signal-safe; nothing else runs
        // between fork and exec.
        unsafe {
            command.pre_exec(move || {
                let limit = libc::rlimit {
                    rlim_cur: data_bytes as libc::rlim_t,
                    rlim_max: data_bytes as libc::rlim_t,
                };
                if libc::setrlimit(libc::RLIMIT_DATA, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
}

/// The limits in force, if extraction is isolated (run.json records them).
pub fn limits() -> Option<Limits> {
    SETTINGS.get().map(|s| s.limits)
}

/// [`extract::extract`], in a worker where isolation is enabled and the
/// format has a parser.
pub fn extract(bytes: &[u8], format: FileFormat) -> Result<Extracted, String> {
    let Some(settings) = SETTINGS.get() else {
        return extract::extract(bytes, format);
    };
    if matches!(format, FileFormat::Text | FileFormat::Markdown) {
        return extract::extract(bytes, format);
    }
    let mut slot = WORKER
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if slot.is_none() {
        *slot = Some(
            Worker::start(settings)
                .map_err(|e| format!("cannot start an extraction worker: {e}"))?,
        );
    }
    let worker = slot.as_mut().expect("started above");
    match worker.extract(bytes, format, settings.limits) {
        Ok(answer) => answer,
        Err(failure) => {
            // The worker is dead or stuck: kill it, say why, start afresh next time.
            let worker = slot.take().expect("present");
            Err(worker.bury(failure, format, settings.limits))
        }
    }
}

/// Why a worker gave no answer.
enum Failure {
    Timeout,
    Died,
}

struct Worker {
    child: Child,
    stdin: ChildStdin,
    answers: Receiver<std::io::Result<Vec<u8>>>,
    /// The end of the worker's standard error (the runtime's last words).
    stderr: Arc<Mutex<Vec<u8>>>,
}

impl Worker {
    fn start(settings: &Settings) -> std::io::Result<Worker> {
        let mut command = Command::new(&settings.exe);
        command
            .arg(WORKER_COMMAND)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        limit_data(&mut command, settings.limits.memory_mib);
        let mut child = command.spawn()?;
        let stdin = child.stdin.take().expect("piped");
        let stdout = child.stdout.take().expect("piped");
        let stderr_pipe = child.stderr.take().expect("piped");
        let (tx, answers) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let frame = read_frame(&mut reader);
                let stop = frame.is_err();
                if tx.send(frame).is_err() || stop {
                    return;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let tail = stderr.clone();
        std::thread::spawn(move || {
            let mut pipe = stderr_pipe;
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    return;
                }
                let mut t = tail.lock().unwrap_or_else(|p| p.into_inner());
                t.extend_from_slice(&buf[..n]);
                let excess = t.len().saturating_sub(8192);
                t.drain(..excess);
            }
        });
        Ok(Worker {
            child,
            stdin,
            answers,
            stderr,
        })
    }

    /// Sends one file; the answer, or why none came.
    fn extract(
        &mut self,
        bytes: &[u8],
        format: FileFormat,
        limits: Limits,
    ) -> Result<Result<Extracted, String>, Failure> {
        let mut request = Vec::with_capacity(bytes.len() + 16);
        write_frame(&mut request, format.name().as_bytes());
        write_frame(&mut request, bytes);
        if self
            .stdin
            .write_all(&request)
            .and_then(|()| self.stdin.flush())
            .is_err()
        {
            return Err(Failure::Died);
        }
        match self
            .answers
            .recv_timeout(Duration::from_secs(limits.seconds))
        {
            Ok(Ok(frame)) => decode_answer(&frame).map_err(|_| Failure::Died),
            Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => Err(Failure::Died),
            Err(RecvTimeoutError::Timeout) => Err(Failure::Timeout),
        }
    }

    /// Kills the worker and says, for the file's error row, what happened.
    fn bury(mut self, failure: Failure, format: FileFormat, limits: Limits) -> String {
        let _ = self.child.kill();
        let status = self.child.wait().ok();
        // Let the stderr reader take the runtime's last words.
        std::thread::sleep(Duration::from_millis(50));
        let said = String::from_utf8_lossy(&self.stderr.lock().unwrap_or_else(|p| p.into_inner()))
            .into_owned();
        let status = status.map_or_else(|| "no exit status".to_string(), |s| s.to_string());
        failure_message(failure, &said, &status, format, limits)
    }
}

/// The error row's words for a worker that gave no answer, from what its
/// runtime said last on standard error and its exit status.
fn failure_message(
    failure: Failure,
    said: &str,
    status: &str,
    format: FileFormat,
    limits: Limits,
) -> String {
    let parser = format.name().to_uppercase();
    match failure {
        Failure::Timeout => format!(
            "extraction exceeded {} s (the {parser} extractor did not finish)",
            limits.seconds
        ),
        Failure::Died if said.contains("has overflowed its stack") => {
            format!("stack overflow in the {parser} extractor (nesting too deep)")
        }
        Failure::Died
            if said.contains("memory allocation of") || said.contains("out of memory") =>
        {
            format!(
                "extraction exceeded {} MiB of memory (the {parser} extractor)",
                limits.memory_mib
            )
        }
        Failure::Died => format!("the {parser} extractor crashed ({status})"),
    }
}

/// A length-prefixed frame: u64 little-endian length, then the bytes.
fn write_frame(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    out.extend_from_slice(bytes);
}

fn read_frame(input: &mut impl Read) -> std::io::Result<Vec<u8>> {
    let mut len = [0u8; 8];
    input.read_exact(&mut len)?;
    let len = u64::from_le_bytes(len);
    let mut bytes = Vec::new();
    input.take(len).read_to_end(&mut bytes)?;
    if bytes.len() as u64 != len {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    Ok(bytes)
}

/// What crosses the pipe: [`Extracted`] without its attachments' bytes,
/// which follow as frames of their own.
#[derive(Serialize, Deserialize)]
struct Answer {
    error: Option<String>,
    title: Option<String>,
    text: String,
    page_starts: Vec<usize>,
    metadata: serde_json::Map<String, serde_json::Value>,
    encoding: Option<String>,
    /// (start, end, label, score, source) of each span.
    spans: Vec<(usize, usize, Label, f32, String)>,
    attachments: Vec<String>,
}

fn encode_answer(result: Result<Extracted, String>) -> Vec<u8> {
    let (answer, blobs) = match result {
        Err(error) => (
            Answer {
                error: Some(error),
                title: None,
                text: String::new(),
                page_starts: Vec::new(),
                metadata: serde_json::Map::new(),
                encoding: None,
                spans: Vec::new(),
                attachments: Vec::new(),
            },
            Vec::new(),
        ),
        Ok(e) => {
            let (names, blobs): (Vec<String>, Vec<Vec<u8>>) =
                e.attachments.into_iter().map(|a| (a.name, a.bytes)).unzip();
            let answer = Answer {
                error: None,
                title: e.title,
                text: e.text,
                page_starts: e.page_starts,
                metadata: e.metadata,
                encoding: e.encoding,
                spans: e
                    .spans
                    .into_iter()
                    .map(|s| (s.bytes.start, s.bytes.end, s.label, s.score, s.source))
                    .collect(),
                attachments: names,
            };
            (answer, blobs)
        }
    };
    let mut out = Vec::new();
    write_frame(
        &mut out,
        &serde_json::to_vec(&answer).expect("serialisable"),
    );
    for blob in &blobs {
        write_frame(&mut out, blob);
    }
    out
}

fn decode_answer(frame: &[u8]) -> std::io::Result<Result<Extracted, String>> {
    let mut input = frame;
    let json = read_frame(&mut input)?;
    let answer: Answer = serde_json::from_slice(&json).map_err(std::io::Error::other)?;
    if let Some(error) = answer.error {
        return Ok(Err(error));
    }
    let mut attachments = Vec::with_capacity(answer.attachments.len());
    for name in answer.attachments {
        attachments.push(Attachment {
            name,
            bytes: read_frame(&mut input)?,
        });
    }
    Ok(Ok(Extracted {
        title: answer.title,
        text: answer.text,
        page_starts: answer.page_starts,
        metadata: answer.metadata,
        attachments,
        encoding: answer.encoding,
        spans: answer
            .spans
            .into_iter()
            .map(|(start, end, label, score, source)| Span::new(start..end, label, score, &source))
            .collect(),
    }))
}

/// `nerpipe extract-worker`: answers files on standard input until it
/// closes. Each request is two frames (the format's name, the file's bytes);
/// each answer one frame holding the encoded [`Extracted`].
pub fn worker_main() -> std::io::Result<()> {
    let stdin = std::io::stdin();
    let mut input = BufReader::new(stdin.lock());
    let stdout = std::io::stdout();
    let mut output = stdout.lock();
    loop {
        let name = match read_frame(&mut input) {
            Ok(name) => name,
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        };
        let bytes = read_frame(&mut input)?;
        let format = FileFormat::of_name(&format!("x.{}", String::from_utf8_lossy(&name)));
        let result = match format {
            Some(format) => extract::extract(&bytes, format),
            None => Err("unknown format".to_string()),
        };
        let mut frame = Vec::new();
        write_frame(&mut frame, &encode_answer(result));
        output.write_all(&frame)?;
        output.flush()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dead_worker_is_described_by_its_last_words() {
        let limits = Limits {
            seconds: 60,
            memory_mib: 2048,
        };
        let words = |failure, said: &str| {
            failure_message(
                failure,
                said,
                "signal: 6 (SIGABRT)",
                FileFormat::Docx,
                limits,
            )
        };
        assert_eq!(
            words(
                Failure::Died,
                "\nthread 'main' (7) has overflowed its stack\nfatal runtime error: stack overflow"
            ),
            "stack overflow in the DOCX extractor (nesting too deep)"
        );
        assert_eq!(
            words(
                Failure::Died,
                "memory allocation of 1073741824 bytes failed\n"
            ),
            "extraction exceeded 2048 MiB of memory (the DOCX extractor)"
        );
        assert_eq!(
            words(Failure::Died, ""),
            "the DOCX extractor crashed (signal: 6 (SIGABRT))"
        );
        assert_eq!(
            words(Failure::Timeout, ""),
            "extraction exceeded 60 s (the DOCX extractor did not finish)"
        );
    }

    #[test]
    fn answers_cross_the_pipe_unchanged() {
        let extracted = Extracted {
            title: Some("Naslov".into()),
            text: "Darko Šarić <darko@example.org>".into(),
            page_starts: vec![0, 7],
            metadata: serde_json::json!({"from": "Darko"})
                .as_object()
                .unwrap()
                .clone(),
            attachments: vec![
                Attachment {
                    name: "a.txt".into(),
                    bytes: b"one".to_vec(),
                },
                Attachment {
                    name: "b.bin".into(),
                    bytes: vec![0, 255, 10],
                },
            ],
            encoding: Some("utf-8".into()),
            spans: vec![Span::marked(0..12, Label::Person)],
        };
        let back = decode_answer(&encode_answer(Ok(extracted.clone()))).unwrap();
        assert_eq!(back, Ok(extracted));
        let failed = decode_answer(&encode_answer(Err("not a PDF".into()))).unwrap();
        assert_eq!(failed, Err("not a PDF".to_string()));
    }
}
