//! The services some tests need: PostgreSQL (`NERPIPE_PG_URL`), headless
//! Chromium, the sqlite3 CLI, and Python with followthemoney
//! (`NERPIPE_FTM_PYTHON`, from scripts/ftm-venv.sh). Under `CI=true` or
//! `NERPIPE_REQUIRE_SERVICES=1` a missing service fails the test; elsewhere
//! the test prints "skipped" and notes it in `NERPIPE_SKIP_LOG` (a file),
//! which `make test` reports in its last line.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Whether a missing service is a failure, from the values of `CI` and
/// `NERPIPE_REQUIRE_SERVICES`.
pub fn policy(ci: Option<&str>, require: Option<&str>) -> bool {
    ci.is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1") || require == Some("1")
}

pub fn required() -> bool {
    let ci = std::env::var("CI").ok();
    let require = std::env::var("NERPIPE_REQUIRE_SERVICES").ok();
    policy(ci.as_deref(), require.as_deref())
}

/// A missing service: panics when services are required, else says it skips
/// and appends `what` to the skip log (`log`).
pub fn missing_with(required: bool, log: Option<&std::path::Path>, what: &str, how: &str) {
    if required {
        panic!("{what} is missing and CI=true or NERPIPE_REQUIRE_SERVICES=1 requires it: {how}");
    }
    println!("skipped: {what} is missing ({how})");
    if let Some(log) = log {
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
        {
            let _ = writeln!(f, "{what}");
        }
    }
}

/// [`missing_with`] under the process's environment.
pub fn missing(what: &str, how: &str) {
    let log = std::env::var_os("NERPIPE_SKIP_LOG").map(PathBuf::from);
    missing_with(required(), log.as_deref(), what, how);
}

/// A program on PATH, found as the shell finds it (`command -v`).
pub fn program(name: &str) -> Option<PathBuf> {
    let out = Command::new("sh")
        .args(["-c", "command -v \"$1\"", "sh", name])
        .output()
        .ok()?;
    let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !path.is_empty()).then(|| PathBuf::from(path))
}

/// The PostgreSQL URL, or None after [`missing`].
pub fn postgres_url() -> Option<String> {
    match std::env::var("NERPIPE_PG_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            missing(
                "PostgreSQL (NERPIPE_PG_URL)",
                "eval \"$(bash scripts/ci-postgres.sh)\" starts one and sets it",
            );
            None
        }
    }
}

pub fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|n| program(n));
    if found.is_none() {
        missing(
            "Chromium",
            "bash scripts/ci-install.sh installs Debian's chromium",
        );
    }
    found
}

/// Runs headless Chromium on a page; returns stdout (the DOM with --dump-dom).
pub fn run_chromium(bin: &Path, profile: &Path, extra: &[&str], page: &Path) -> String {
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--virtual-time-budget=3000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait for chromium").is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            panic!("chromium did not finish within 90 s on {}", page.display());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let output = child.wait_with_output().expect("chromium output");
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 DOM")
}

/// Tesseract with the region's models and poppler's pdftoppm and pdfinfo
/// (what `--ocr` runs): true when all are there.
pub fn ocr_tools() -> bool {
    let models = ["eng", "hrv", "srp", "srp_latn", "bos", "mkd"];
    let listed = Command::new("tesseract")
        .arg("--list-langs")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let have_models = models
        .iter()
        .all(|m| listed.lines().any(|l| l.trim() == *m));
    let found = have_models && program("pdftoppm").is_some() && program("pdfinfo").is_some();
    if !found {
        missing(
            "Tesseract with eng/hrv/srp/srp_latn/bos/mkd and poppler-utils",
            "bash scripts/ci-install.sh installs them",
        );
    }
    found
}

pub fn sqlite3() -> Option<PathBuf> {
    let found = program("sqlite3");
    if found.is_none() {
        missing("the sqlite3 CLI", "bash scripts/ci-install.sh installs it");
    }
    found
}

/// Python with the followthemoney package.
pub fn ftm_python() -> Option<PathBuf> {
    let how = "export NERPIPE_FTM_PYTHON=\"$(bash scripts/ftm-venv.sh)\"";
    let Some(python) = std::env::var_os("NERPIPE_FTM_PYTHON").filter(|p| !p.is_empty()) else {
        missing("Python with followthemoney (NERPIPE_FTM_PYTHON)", how);
        return None;
    };
    let ok = Command::new(&python)
        .args(["-c", "import followthemoney"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        missing(
            "Python with followthemoney (NERPIPE_FTM_PYTHON cannot import it)",
            how,
        );
        return None;
    }
    Some(PathBuf::from(python))
}
