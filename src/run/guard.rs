//! What a run checks before its first write to an output folder:
//!
//! - the output folder and the corpus do not contain each other (an output
//!   inside the corpus is read back as input by the next run; `--out` equal to
//!   `--corpus` overwrites the user's own files), unless `--exclude-out` says
//!   to leave the output folder out of the corpus;
//! - every file nerpipe is about to replace was written by nerpipe;
//! - no other run is writing into the same folder: an exclusive lock file
//!   holding the owner's pid and host ([`FolderLock`]).

use crate::Error;
use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The names nerpipe writes at the top of an output folder.
pub const OUTPUT_NAMES: &[&str] = &[
    "mentions.csv",
    "mentions.jsonl",
    "entities.csv",
    "entities.jsonl",
    "documents.csv",
    "documents.jsonl",
    "errors.jsonl",
    "rejected.csv",
    "candidates.csv",
    "run.json",
    "nerpipe.sqlite",
    "report",
    "shards",
];

/// The lock file's name inside a locked folder.
pub const LOCK_FILE: &str = ".nerpipe.lock";

fn absolute(path: &Path) -> PathBuf {
    // The output folder may not exist yet: resolve its nearest existing
    // ancestor and append the rest.
    let mut existing = path.to_path_buf();
    let mut rest = Vec::new();
    loop {
        if let Ok(canonical) = existing.canonicalize() {
            return rest.iter().rev().fold(canonical, |p, c| p.join(c));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = if parent.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    parent.to_path_buf()
                };
            }
            _ => return path.to_path_buf(),
        }
    }
}

/// Refuses an output folder that is, or is inside, the corpus (unless
/// `exclude_out`), and a corpus inside the output folder. Returns the output
/// folder's absolute path when the corpus walk must leave it out.
pub fn check_folders(
    corpus: &Path,
    out: &Path,
    exclude_out: bool,
) -> crate::error::Result<Option<PathBuf>> {
    let (c, o) = (absolute(corpus), absolute(out));
    if c == o {
        return Err(Error::Usage(format!(
            "--out {} is the corpus folder: nerpipe would overwrite the corpus's files and read its own output back; give an output folder outside the corpus",
            out.display()
        )));
    }
    if c.starts_with(&o) {
        return Err(Error::Usage(format!(
            "--corpus {} is inside the output folder {}: give an output folder outside the corpus",
            corpus.display(),
            out.display()
        )));
    }
    if o.starts_with(&c) {
        if exclude_out {
            return Ok(Some(o));
        }
        return Err(Error::Usage(format!(
            "--out {} is inside the corpus {}: the next run would read this run's output as documents; give an output folder outside the corpus, or pass --exclude-out to leave it out of the corpus",
            out.display(),
            corpus.display()
        )));
    }
    Ok(None)
}

/// Whether `out` already holds a nerpipe run: a run.json nerpipe wrote or a
/// shard manifest.
fn is_nerpipe_folder(out: &Path) -> bool {
    let run_json = std::fs::read_to_string(out.join("run.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .is_some_and(|v| v.get("nerpipe_version").is_some());
    let manifests = std::fs::read_dir(out.join("shards"))
        .map(|d| {
            d.flatten()
                .any(|e| e.path().join("manifest.json").is_file())
        })
        .unwrap_or(false);
    run_json || manifests || shards_starting(&out.join("shards"))
}

/// Whether `shards` is a shard folder whose shards are only starting: every
/// entry a `<i>-of-<N>` folder holding nothing but what a starting shard
/// writes before its manifest (its lock, `chunks`, temporary files). Array
/// tasks start together on a new output folder: one must not take another's
/// first seconds for a foreign folder.
fn shards_starting(shards: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(shards) else {
        return false;
    };
    let is_count = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    entries.flatten().all(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        let shard_name = name
            .split_once("-of-")
            .is_some_and(|(i, n)| is_count(i) && is_count(n));
        shard_name
            && e.path().is_dir()
            && std::fs::read_dir(e.path()).is_ok_and(|files| {
                files.flatten().all(|f| {
                    let f = f.file_name().to_string_lossy().into_owned();
                    f == LOCK_FILE || f == "chunks" || (f.starts_with('.') && f.contains(".tmp-"))
                })
            })
    })
}

/// Refuses to write into a folder that holds one of nerpipe's output names but
/// no nerpipe run: those files are someone else's.
pub fn check_owned(out: &Path) -> crate::error::Result<()> {
    if !out.exists() || is_nerpipe_folder(out) {
        return Ok(());
    }
    if let Some(name) = OUTPUT_NAMES.iter().find(|n| out.join(n).exists()) {
        return Err(Error::Usage(format!(
            "{}: exists and was not written by nerpipe ({} holds no nerpipe run); nerpipe does not overwrite it: give an empty or new --out folder",
            out.join(name).display(),
            out.display()
        )));
    }
    Ok(())
}

/// An exclusive advisory lock on a folder, released on drop. The lock file
/// holds `pid host`: a lock of a process that no longer runs on this host is
/// taken over with a message; a live one (or one of another host, which this
/// host cannot check) makes the run stop with [`Error::Busy`].
pub struct FolderLock {
    path: PathBuf,
}

pub fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: gethostname writes at most buf.len() bytes into buf.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return "unknown-host".into();
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

fn process_alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

impl FolderLock {
    pub fn acquire(dir: &Path, notify: &mut dyn FnMut(String)) -> crate::error::Result<FolderLock> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create the output folder", dir.display()))?;
        let path = dir.join(LOCK_FILE);
        let host = hostname();
        for _ in 0..2 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut file) => {
                    writeln!(file, "{} {host}", std::process::id())
                        .with_context(|| format!("{}: cannot write the lock", path.display()))?;
                    return Ok(FolderLock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let owner = std::fs::read_to_string(&path).unwrap_or_default();
                    let mut words = owner.split_whitespace();
                    let pid = words.next().and_then(|p| p.parse::<i32>().ok());
                    let owner_host = words.next().unwrap_or("");
                    match pid {
                        Some(pid) if owner_host == host && !process_alive(pid) => {
                            notify(format!(
                                "{}: taking over the lock of process {pid}, which no longer runs on this host",
                                path.display()
                            ));
                            let _ = std::fs::remove_file(&path);
                        }
                        _ => {
                            return Err(Error::Busy(format!(
                                "{}: another nerpipe run is writing here (lock {}: {}); wait for it to finish, or remove the lock file if that run is dead",
                                dir.display(),
                                path.display(),
                                owner.trim()
                            )))
                        }
                    }
                }
                Err(e) => {
                    return Err(anyhow::anyhow!(
                        "{}: cannot create the lock file: {e}",
                        path.display()
                    )
                    .into())
                }
            }
        }
        Err(Error::Busy(format!(
            "{}: another nerpipe run took the lock at the same time; try again later",
            dir.display()
        )))
    }
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_folders() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir(&corpus).unwrap();
        assert!(check_folders(&corpus, &corpus, true).is_err());
        assert!(check_folders(&corpus, &corpus.join("out"), false).is_err());
        assert!(check_folders(&corpus, &corpus.join("out/x"), true)
            .unwrap()
            .is_some());
        assert!(check_folders(&corpus, dir.path(), true).is_err());
        assert!(check_folders(&corpus, &dir.path().join("out"), false)
            .unwrap()
            .is_none());
    }

    /// A shard folder as a task leaves it in its first moments (lock taken,
    /// no manifest yet) is nerpipe's, so the other tasks of the array start;
    /// a `shards` folder with anything else in it is not.
    #[test]
    fn starting_shards_are_nerpipe_s() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        std::fs::create_dir_all(out.join("shards")).unwrap();
        assert!(check_owned(out).is_ok(), "an empty shards folder");
        std::fs::create_dir_all(out.join("shards/0-of-3/chunks")).unwrap();
        std::fs::write(out.join("shards/0-of-3").join(LOCK_FILE), "1 host\n").unwrap();
        std::fs::create_dir_all(out.join("shards/2-of-3")).unwrap();
        assert!(check_owned(out).is_ok(), "shards that are starting");
        std::fs::write(out.join("shards/2-of-3/notes.txt"), "mine").unwrap();
        assert!(
            check_owned(out).is_err(),
            "a foreign file in a shard folder"
        );
        std::fs::remove_file(out.join("shards/2-of-3/notes.txt")).unwrap();
        std::fs::create_dir_all(out.join("shards/backup")).unwrap();
        assert!(check_owned(out).is_err(), "a foreign folder under shards");
    }

    #[test]
    fn stale_lock_is_taken_over_and_live_one_refused() {
        let dir = tempfile::tempdir().unwrap();
        let lock = dir.path().join(LOCK_FILE);
        // pid 0x7fff_fff0 is far above any pid_max.
        std::fs::write(&lock, format!("2147483632 {}\n", hostname())).unwrap();
        let mut messages = Vec::new();
        let held = FolderLock::acquire(dir.path(), &mut |m| messages.push(m)).unwrap();
        assert!(messages[0].contains("taking over the lock of process 2147483632"));
        let second = FolderLock::acquire(dir.path(), &mut |_| {});
        assert!(matches!(second, Err(Error::Busy(_))));
        drop(held);
        assert!(!lock.exists());
    }
}
