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
    /// Bytes written so far, for the message of a full disk.
    written: u64,
}

impl AtomicFile {
    pub fn create(dest: &Path) -> anyhow::Result<AtomicFile> {
        let path = TempPath::beside(dest)?;
        let file = std::fs::File::create(path.path())
            .with_context(|| format!("{}: cannot create", path.path().display()))?;
        Ok(AtomicFile {
            path,
            writer: std::io::BufWriter::new(file),
            written: 0,
        })
    }

    pub fn commit(self) -> anyhow::Result<()> {
        let dest = self.path.dest().to_path_buf();
        let written = self.written;
        let file = self
            .writer
            .into_inner()
            .map_err(|e| anyhow::anyhow!("{}", explain_write_error(&dest, written, e.error())))?;
        file.sync_all()
            .map_err(|e| anyhow::anyhow!("{}", explain_write_error(&dest, written, &e)))?;
        self.path.commit()
    }
}

impl AtomicFile {
    fn named(&self, e: std::io::Error) -> std::io::Error {
        std::io::Error::new(
            e.kind(),
            explain_write_error(self.path.dest(), self.written, &e),
        )
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.writer.write(buf) {
            Ok(n) => {
                self.written += n as u64;
                Ok(n)
            }
            Err(e) => Err(self.named(e)),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.writer.flush().map_err(|e| self.named(e))
    }
}

/// ENOSPC, as the OS reports it.
const NO_SPACE: i32 = 28;

/// One line naming the file a write failed on; for a full disk also the free
/// space left and what this file needed, so the user knows how much to free.
pub fn explain_write_error(dest: &Path, written: u64, e: &std::io::Error) -> String {
    if e.raw_os_error() != Some(NO_SPACE) {
        return format!("{}: cannot write: {e}", dest.display());
    }
    let folder = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let free = free_bytes(folder)
        .map(|b| format!("{} free", human_bytes(b)))
        .unwrap_or_else(|| "free space unknown".into());
    format!(
        "{}: no space left on device ({free} in {}) after writing {} of this file; free more than that much (the file is written in full beside its destination, then renamed) and run again: committed work is kept",
        dest.display(),
        folder.display(),
        human_bytes(written)
    )
}

/// Bytes available to this user on the file system holding `path`.
pub fn free_bytes(path: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut stat = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: a NUL-terminated path and a buffer statvfs fills on success.
    let rc = unsafe { libc::statvfs(c_path.as_ptr(), stat.as_mut_ptr()) };
    if rc != 0 {
        return None;
    }
    // SAFETY: statvfs returned 0, so it initialised the struct.
    let stat = unsafe { stat.assume_init() };
    // The field types differ between platforms (u32 on some).
    #[allow(clippy::unnecessary_cast)]
    let free = stat.f_bavail as u64 * stat.f_frsize as u64;
    Some(free)
}

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} bytes")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_disk_names_the_file_and_the_space() {
        // /dev/full answers every write with ENOSPC.
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let mut file = AtomicFile {
            path: TempPath {
                tmp: PathBuf::from("/nonexistent/.x.tmp"),
                dest: PathBuf::from("/tmp/out/mentions.csv"),
                committed: true,
            },
            writer: std::io::BufWriter::with_capacity(4, full),
            written: 0,
        };
        let err = file
            .write_all(b"0123456789")
            .and_then(|_| file.flush())
            .unwrap_err();
        let message = err.to_string();
        assert!(
            message.starts_with("/tmp/out/mentions.csv: no space left on device ("),
            "{message}"
        );
        assert!(
            message.contains("free in /tmp/out") || message.contains("free space unknown"),
            "{message}"
        );
        assert!(message.contains("run again"), "{message}");
    }
}
