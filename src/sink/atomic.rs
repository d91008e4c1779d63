//! Files and folders written under a temporary name beside their destination
//! and renamed into place, so a reader never sees half of one and a crash
//! leaves only a `.NAME.tmp-PID` leftover (which the next run removes).

use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A temporary path for `dest`; removed on drop unless [`TempPath::commit`]ted.
pub struct TempPath {
    tmp: PathBuf,
    dest: PathBuf,
    committed: bool,
}

impl TempPath {
    /// `.NAME.tmp-PID` beside `dest`, cleared of a leftover of the same name.
    pub fn beside(dest: &Path) -> anyhow::Result<TempPath> {
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dest.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
        remove_any(&tmp).with_context(|| format!("{}: cannot remove", tmp.display()))?;
        Ok(TempPath {
            tmp,
            dest: dest.to_path_buf(),
            committed: false,
        })
    }

    /// Where to write.
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Renames the temporary file or folder into place. A folder replaces the
    /// old one: the old is moved aside first and removed after.
    pub fn commit(mut self) -> anyhow::Result<()> {
        let dest = &self.dest;
        let old = dest.with_file_name(format!(
            ".{}.old-{}",
            dest.file_name().unwrap_or_default().to_string_lossy(),
            std::process::id()
        ));
        let replaces_folder = self.tmp.is_dir() && dest.is_dir();
        if replaces_folder {
            std::fs::rename(dest, &old)
                .with_context(|| format!("{}: cannot move the old one aside", dest.display()))?;
        }
        std::fs::rename(&self.tmp, dest)
            .with_context(|| format!("{}: cannot rename into place", dest.display()))?;
        self.committed = true;
        if replaces_folder {
            remove_any(&old).with_context(|| format!("{}: cannot remove", old.display()))?;
        }
        Ok(())
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_any(&self.tmp);
        }
    }
}

fn remove_any(path: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(_) => Ok(()),
    }
}

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes)
        .with_context(|| format!("{}: cannot write", path.display()))?;
    file.commit()
}

/// A buffered file under a [`TempPath`]; [`AtomicFile::commit`] syncs and
/// renames it into place, dropping it uncommitted removes it.
pub struct AtomicFile {
    path: TempPath,
    writer: std::io::BufWriter<std::fs::File>,
}

impl AtomicFile {
    pub fn create(dest: &Path) -> anyhow::Result<AtomicFile> {
        let path = TempPath::beside(dest)?;
        let file = std::fs::File::create(path.path())
            .with_context(|| format!("{}: cannot create", path.path().display()))?;
        Ok(AtomicFile {
            path,
            writer: std::io::BufWriter::new(file),
        })
    }

    pub fn commit(self) -> anyhow::Result<()> {
        let dest = self.path.dest().to_path_buf();
        let file = self
            .writer
            .into_inner()
            .map_err(|e| anyhow::anyhow!("{}: cannot write: {}", dest.display(), e.error()))?;
        file.sync_all()
            .with_context(|| format!("{}: cannot write", dest.display()))?;
        self.path.commit()
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writer.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.writer.flush()
    }
}
