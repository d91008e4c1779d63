//! The errors that reach the command line, each with its exit code, so `main`
//! prints one line and exits without inspecting error chains.

use std::fmt;
use std::path::{Path, PathBuf};

/// Why a command failed. [`Error::exit_code`] is what `nerpipe` exits with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A model folder that cannot be used (exit 2).
    #[error(transparent)]
    Model(#[from] ModelError),
    /// Options that contradict each other or are out of range (exit 2).
    #[error("{0}")]
    Usage(String),
    /// `run --strict` and documents failed (exit 3); their errors are in
    /// errors.jsonl.
    #[error("{0} documents failed (--strict)")]
    DocumentsFailed(usize),
    /// `run --strict` and the corpus held no documents (exit 4).
    #[error("{0} (--strict)")]
    NoDocuments(String),
    /// Another run holds the output folder's lock (exit 5): a scheduler can
    /// retry later.
    #[error("{0}")]
    Busy(String),
    /// Anything else: unreadable input, a full disk, a database refusing (exit 1).
    #[error("{0:#}")]
    Other(#[from] anyhow::Error),
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Model(_) | Error::Usage(_) => 2,
            Error::DocumentsFailed(_) => 3,
            Error::NoDocuments(_) => 4,
            Error::Busy(_) => 5,
            Error::Other(_) => 1,
        }
    }
}

/// Results of the library's command entry points.
pub type Result<T> = std::result::Result<T, Error>;

/// A model folder that cannot be used; main turns it into exit code 2.
#[derive(Debug)]
pub struct ModelError {
    pub path: PathBuf,
    pub problem: String,
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.problem)
    }
}

impl std::error::Error for ModelError {}

pub(crate) fn model_error(path: &Path, problem: impl Into<String>) -> ModelError {
    ModelError {
        path: path.to_path_buf(),
        problem: problem.into(),
    }
}
