//! Emit: the output files of a run. Every file is written to a temporary name
//! beside its destination and renamed, so readers never see half a file.

use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically (temporary file + rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes)
        .with_context(|| format!("{}: cannot write", path.display()))?;
    file.commit()
}

/// A file being written under a temporary name; [`AtomicFile::commit`] renames
/// it into place, dropping it uncommitted removes it.
pub struct AtomicFile {
    tmp: PathBuf,
    dest: PathBuf,
    writer: Option<std::io::BufWriter<std::fs::File>>,
}

impl AtomicFile {
    pub fn create(dest: &Path) -> anyhow::Result<AtomicFile> {
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dest.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
        let file = std::fs::File::create(&tmp)
            .with_context(|| format!("{}: cannot create", tmp.display()))?;
        Ok(AtomicFile {
            tmp,
            dest: dest.to_path_buf(),
            writer: Some(std::io::BufWriter::new(file)),
        })
    }

    pub fn commit(mut self) -> anyhow::Result<()> {
        if let Some(writer) = self.writer.take() {
            let file = writer
                .into_inner()
                .map_err(|e| anyhow::anyhow!("{}: cannot write: {}", self.dest.display(), e.error()))?;
            file.sync_all()
                .with_context(|| format!("{}: cannot write", self.dest.display()))?;
        }
        std::fs::rename(&self.tmp, &self.dest)
            .with_context(|| format!("{}: cannot rename into place", self.dest.display()))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.writer {
            Some(w) => w.write(buf),
            None => Err(std::io::Error::other("file already committed")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.writer {
            Some(w) => w.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.writer.is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}
