//! OCR (issue 25): the text of images and of PDF pages without a text
//! layer, by Tesseract 5, run as a command (`tesseract`, Debian's
//! tesseract-ocr with its language models), each page rendered at 300 dpi
//! by poppler's `pdftoppm`. Both are separate processes, never linked: a
//! crash or a hang of either costs one page, within [`PAGE_SECONDS`]; and
//! poppler's GPL stays out of nerpipe's binary.
//!
//! Results are cached by the page image's sha256 and the language set
//! under `$NERPIPE_CACHE/ocr/` (default `~/.cache/nerpipe/ocr/`), so
//! reruns, resumes and shards never OCR a page twice.
//!
//! `--ocr auto` reads the pages that have no text (a mixed PDF gets both),
//! `force` every page (for a text layer that is garbage), `off` none.

mod hocr;
mod size;
mod tsv;

use super::extract::{wraps::join_wrapped_lines, Extracted, FileFormat};
use super::isolate;
use super::tool::{Tool, ToolError};
use crate::atomic::TempPath;
use crate::ingest::extract::pdf::{join_pages, NO_TEXT_LAYER};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use tsv::OcrPage;

/// Which pages are read by OCR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OcrMode {
    /// Images, and PDF pages without a text layer.
    #[default]
    Auto,
    /// No OCR: a scan is an error row.
    Off,
    /// Every PDF page, its text layer ignored.
    Force,
}

/// The region's languages plus English, as Tesseract names its models:
/// Croatian, Serbian (Cyrillic), Serbian (Latin), Bosnian, English,
/// Macedonian. Macedonian goes last: first, it cost a Croatian JPEG 0.6
/// points of character error rate. Last, the scan corpus's Macedonian page
/// lost ќ, ѓ and ѕ, so a page detected as Macedonian is read again with it
/// first ([`READ_FIRST_BY`]). Montenegrin has no model of its own; hrv and
/// srp read it.
pub const DEFAULT_LANGUAGES: &str = "hrv+srp+srp_latn+bos+eng+mkd";

/// Resolution PDF pages are rendered at for OCR.
const DPI: u32 = 300;

/// Seconds one page's rendering or recognition may take.
pub const PAGE_SECONDS: u64 = 120;

/// How a run does OCR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcrSettings {
    pub mode: OcrMode,
    /// Tesseract's `-l`: model names joined with `+`.
    pub languages: String,
    /// Where results are cached (`None`: no cache).
    pub cache: Option<PathBuf>,
    /// Pages of one PDF read at once (each Tesseract then on one core).
    pub threads: usize,
    /// The most pixels an image (or a TIFF's largest page) may have.
    pub max_pixels: u64,
    /// The most pages one file may have OCR'd.
    pub max_pages: usize,
}

/// Default of `--ocr-max-pixels`: 100 million, an A3 page at 600 dpi is 70.
pub const MAX_PIXELS: u64 = 100_000_000;

/// Default of `--ocr-max-pages`: a thousand pages, about 1.5 hours of one
/// core at 5 s a dense page.
pub const MAX_PAGES: usize = 1_000;

impl Default for OcrSettings {
    fn default() -> Self {
        OcrSettings {
            mode: OcrMode::Auto,
            languages: DEFAULT_LANGUAGES.to_string(),
            cache: default_cache(),
            threads: crate::cli::cores(),
            max_pixels: MAX_PIXELS,
            max_pages: MAX_PAGES,
        }
    }
}

/// `$NERPIPE_CACHE/ocr`, else `~/.cache/nerpipe/ocr`.
fn default_cache() -> Option<PathBuf> {
    let base = match std::env::var_os("NERPIPE_CACHE").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".cache/nerpipe"),
    };
    Some(base.join("ocr"))
}

static SETTINGS: OnceLock<OcrSettings> = OnceLock::new();

/// Pages OCR has read in this process (from the cache too).
static PAGES_READ: AtomicUsize = AtomicUsize::new(0);

/// Pages OCR has read so far in this process: the run's progress shows it.
pub fn pages_read() -> usize {
    PAGES_READ.load(Ordering::Relaxed)
}

/// Items grouped by page number, each page's in their order: one pass,
/// where filtering all items once per page was quadratic in a long scan.
fn by_page<T>(
    items: &[T],
    page_of: impl Fn(&T) -> usize,
) -> std::collections::BTreeMap<usize, Vec<&T>> {
    let mut pages: std::collections::BTreeMap<usize, Vec<&T>> = Default::default();
    for item in items {
        pages.entry(page_of(item)).or_default().push(item);
    }
    pages
}

/// Sets the run's OCR settings; the first call wins.
pub fn configure(settings: OcrSettings) {
    let _ = SETTINGS.set(settings);
}

fn settings() -> &'static OcrSettings {
    SETTINGS.get_or_init(OcrSettings::default)
}

/// A file's text ([`isolate::extract`]), its scanned pages read by OCR as
/// the run's settings say.
pub fn extract(bytes: &[u8], format: FileFormat) -> Result<Extracted, String> {
    let settings = settings();
    match (format, settings.mode) {
        (FileFormat::Image, OcrMode::Off) => {
            Err("an image, and OCR is off (--ocr off)".to_string())
        }
        (FileFormat::Image, _) => image(bytes, settings),
        (FileFormat::Pdf, OcrMode::Off) => isolate::extract(bytes, format),
        (FileFormat::Pdf, mode) => match isolate::extract(bytes, format) {
            Err(e) if e == NO_TEXT_LAYER => pdf(bytes, Extracted::default(), settings),
            Ok(extracted) if mode == OcrMode::Force || has_empty_pages(&extracted) => {
                pdf(bytes, extracted, settings)
            }
            other => other,
        },
        _ => isolate::extract(bytes, format),
    }
}

/// An image file: every page of it (a TIFF may hold several).
fn image(bytes: &[u8], settings: &OcrSettings) -> Result<Extracted, String> {
    if bytes.is_empty() {
        return Err("an empty file (0 bytes): no image to read".to_string());
    }
    if let Some((width, height, pages)) = size::image_size(bytes) {
        within_pixels(width, height, settings)?;
        within_pages(pages, settings)?;
    }
    let mut read = recognise(bytes, settings, None)?;
    let last = read.iter().rposition(|p| !p.text.is_empty());
    read.truncate(last.map_or(0, |l| l + 1));
    let texts: Vec<String> = read.iter().map(|p| p.text.clone()).collect();
    let mut extracted = join_pages(&texts);
    if extracted.text.is_empty() {
        return Err("an image without text that OCR could read".to_string());
    }
    let ocr_pages: Vec<(usize, &OcrPage)> =
        read.iter().enumerate().map(|(i, p)| (i + 1, p)).collect();
    note_ocr(&mut extracted, &ocr_pages, settings);
    Ok(extracted)
}

/// A PDF whose pages without text (or, forced, all of them) are rendered
/// and read; its text layer elsewhere is kept as it was.
fn pdf(bytes: &[u8], layer: Extracted, settings: &OcrSettings) -> Result<Extracted, String> {
    // A scratch folder of this call, removed when it ends.
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let name = format!("nerpipe-ocr-{}", CALLS.fetch_add(1, Ordering::Relaxed));
    let dir = TempPath::beside(&std::env::temp_dir().join(name))
        .and_then(|d| Ok(std::fs::create_dir_all(d.path()).map(|()| d)?))
        .map_err(|e| format!("OCR: cannot make a temporary folder: {e:#}"))?;
    let file = dir.path().join("in.pdf");
    std::fs::write(&file, bytes).map_err(|e| format!("OCR: cannot write a temporary file: {e}"))?;
    let count = page_count(&file)?;
    let mut pages = layer_pages(&layer, count);
    let ocr_pages: Vec<usize> = (1..=count)
        .filter(|&n| settings.mode == OcrMode::Force || pages[n - 1].is_empty())
        .collect();
    within_pages(ocr_pages.len(), settings)?;
    let parallel = ocr_pages.len() > 1 && settings.threads > 1;
    let read = |n: usize| -> Result<OcrPage, String> {
        let image = render(&file, n, dir.path())?;
        if let Some((width, height, _)) = size::image_size(&image) {
            within_pixels(width, height, settings).map_err(|e| format!("page {n}: {e}"))?;
        }
        let page = recognise(&image, settings, Some(DPI))?.into_iter().next();
        Ok(page.unwrap_or(OcrPage {
            text: String::new(),
            confidence: None,
        }))
    };
    let read: Vec<Result<OcrPage, String>> = if parallel {
        use rayon::prelude::*;
        page_pool(settings.threads).install(|| ocr_pages.par_iter().map(|&n| read(n)).collect())
    } else {
        ocr_pages.iter().map(|&n| read(n)).collect()
    };
    let read: Vec<OcrPage> = read.into_iter().collect::<Result<_, _>>()?;
    for (&n, page) in ocr_pages.iter().zip(&read) {
        pages[n - 1] = page.text.clone();
    }
    let mut extracted = join_pages(&pages);
    if extracted.text.is_empty() {
        let pages = if count == 1 { "page" } else { "pages" };
        return Err(format!(
            "{NO_TEXT_LAYER}: OCR found no text on its {count} {pages} either"
        ));
    }
    extracted.title = layer.title;
    extracted.metadata = layer.metadata;
    extracted
        .metadata
        .insert("pages".to_string(), Value::from(count));
    let ocr_pages: Vec<(usize, &OcrPage)> = ocr_pages.iter().copied().zip(&read).collect();
    note_ocr(&mut extracted, &ocr_pages, settings);
    Ok(extracted)
}

fn within_pixels(width: u64, height: u64, settings: &OcrSettings) -> Result<(), String> {
    if width.saturating_mul(height) > settings.max_pixels {
        return Err(format!(
            "an image of {width} × {height} pixels, more than --ocr-max-pixels {}: raise it to read this file",
            settings.max_pixels
        ));
    }
    Ok(())
}

fn within_pages(pages: usize, settings: &OcrSettings) -> Result<(), String> {
    if pages > settings.max_pages {
        return Err(format!(
            "{pages} pages to read by OCR, more than --ocr-max-pages {}: raise it to read this file",
            settings.max_pages
        ));
    }
    Ok(())
}

/// The pool that reads a PDF's pages, `threads` wide (made once).
fn page_pool(threads: usize) -> &'static rayon::ThreadPool {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("nerpipe-ocr-{i}"))
            .build()
            .unwrap_or_else(|_| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(1)
                    .build()
                    .expect("a one-thread pool")
            })
    })
}

/// Whether a PDF's text layer leaves a page empty (such a page starts where
/// the next one does, or at the end of the text).
fn has_empty_pages(e: &Extracted) -> bool {
    let ends = e.page_starts.iter().skip(1).copied().chain([e.text.len()]);
    e.page_starts
        .iter()
        .zip(ends)
        .any(|(start, end)| start == &end)
}

/// The text of each of `count` pages from a text layer's `page_starts`.
fn layer_pages(e: &Extracted, count: usize) -> Vec<String> {
    let mut pages: Vec<String> = (0..e.page_starts.len())
        .map(|i| {
            let end = e.page_starts.get(i + 1).copied().unwrap_or(e.text.len());
            e.text[e.page_starts[i]..end].trim_end().to_string()
        })
        .collect();
    pages.resize(count.max(pages.len()), String::new());
    pages
}

/// Which pages OCR read (1-based), with which models, and how sure
/// Tesseract was: each page's mean word confidence (0–100, `null` for a
/// page without words) and their mean (documents.jsonl metadata).
fn note_ocr(e: &mut Extracted, pages: &[(usize, &OcrPage)], settings: &OcrSettings) {
    let round = |c: f64| (c * 100.0).round() / 100.0;
    let confidence: Vec<Option<f64>> = pages.iter().map(|(_, p)| p.confidence.map(round)).collect();
    let scored: Vec<f64> = pages.iter().filter_map(|(_, p)| p.confidence).collect();
    let mean =
        (!scored.is_empty()).then(|| round(scored.iter().sum::<f64>() / scored.len() as f64));
    let numbers: Vec<usize> = pages.iter().map(|(n, _)| *n).collect();
    e.metadata.insert(
        "ocr".to_string(),
        serde_json::json!({
            "pages": numbers,
            "confidence": confidence,
            "mean_confidence": mean,
            "languages": settings.languages,
            "engine": "tesseract",
        }),
    );
}

/// Tesseract's page text as a document's: the lines of a paragraph joined,
/// a word hyphenated at a wrap made whole ([`join_wrapped_lines`]).
fn tidy(page: &str) -> String {
    join_wrapped_lines(page.trim())
}

/// The page count, from `pdfinfo`.
fn page_count(file: &Path) -> Result<usize, String> {
    let output = run_tool(Command::new("pdfinfo").arg(file), &[], PDFINFO)?;
    String::from_utf8_lossy(&output)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| "OCR: pdfinfo gave no page count".to_string())
}

/// Page `number` (1-based) of `file` as a grey PNG at [`DPI`].
fn render(file: &Path, number: usize, dir: &Path) -> Result<Vec<u8>, String> {
    let root = dir.join(format!("page-{number}"));
    let n = number.to_string();
    run_tool(
        Command::new("pdftoppm")
            .args(["-r", &DPI.to_string(), "-gray", "-png", "-singlefile"])
            .args(["-f", &n, "-l", &n])
            .arg(file)
            .arg(&root),
        &[],
        PDFTOPPM,
    )?;
    let png = root.with_extension("png");
    let image =
        std::fs::read(&png).map_err(|e| format!("OCR: page {number} was not rendered: {e}"))?;
    let _ = std::fs::remove_file(&png);
    Ok(image)
}

const PDFINFO: Tool = Tool {
    name: "pdfinfo",
    install_hint: POPPLER_HINT,
};
const PDFTOPPM: Tool = Tool {
    name: "pdftoppm",
    install_hint: POPPLER_HINT,
};
const POPPLER_HINT: &str =
    "install poppler-utils (Debian: apt-get install poppler-utils), or pass --ocr off";
const TESSERACT: Tool = Tool {
    name: "tesseract",
    install_hint: "install Tesseract 5 with the language models (Debian: apt-get install tesseract-ocr tesseract-ocr-hrv tesseract-ocr-srp tesseract-ocr-srp-latn tesseract-ocr-bos tesseract-ocr-eng tesseract-ocr-mkd), or pass --ocr off",
};

/// Languages whose letters a model earlier in `--ocr-languages` misreads,
/// with the model that reads them. Tesseract leans on the first model of
/// its set: with `hrv+srp+…+mkd` a Macedonian page lost ќ, ѓ and ѕ
/// ("Шариќ" read "Шарик"), with `mkd` first it kept them.
const READ_FIRST_BY: &[(&str, &str)] = &[("mk", "mkd")];

/// `languages` with `model` moved to the front, where it is in the set
/// and not first already.
fn led_by(languages: &str, model: &str) -> Option<String> {
    let models: Vec<&str> = languages.split('+').collect();
    if models.first() == Some(&model) || !models.contains(&model) {
        return None;
    }
    let rest = models.iter().filter(|m| **m != model).copied();
    Some(
        std::iter::once(model)
            .chain(rest)
            .collect::<Vec<_>>()
            .join("+"),
    )
}

/// The pages of one image (a TIFF may hold several) as Tesseract reads
/// them. A page whose text is in a language of [`READ_FIRST_BY`] is read
/// again with that language's model first (both readings cached).
fn recognise(
    image: &[u8],
    settings: &OcrSettings,
    dpi: Option<u32>,
) -> Result<Vec<OcrPage>, String> {
    let mut pages = read_with(image, &settings.languages, settings, dpi)?;
    let language_of = |page: &OcrPage| crate::ingest::language::detect(&page.text).language;
    let detected: Vec<String> = pages.iter().map(language_of).collect();
    for &(language, model) in READ_FIRST_BY {
        let Some(languages) = led_by(&settings.languages, model) else {
            continue;
        };
        if !detected.iter().any(|d| d == language) {
            continue;
        }
        let again = read_with(image, &languages, settings, dpi)?;
        if again.len() != pages.len() {
            continue;
        }
        for ((page, reread), found) in pages.iter_mut().zip(again).zip(&detected) {
            if found == language {
                *page = reread;
            }
        }
    }
    PAGES_READ.fetch_add(pages.len(), Ordering::Relaxed);
    Ok(pages)
}

/// The pages of one image as Tesseract reads them with `languages` (hOCR
/// made into TSV, glued words cut: [`hocr`]), taken from the cache where it
/// was read before.
fn read_with(
    image: &[u8],
    languages: &str,
    settings: &OcrSettings,
    dpi: Option<u32>,
) -> Result<Vec<OcrPage>, String> {
    let tidied = |tsv: &str| {
        tsv::pages(tsv)
            .into_iter()
            .map(|p| OcrPage {
                text: tidy(&p.text),
                ..p
            })
            .collect()
    };
    let digest = crate::digest::sha256_hex(image);
    let cached = settings
        .cache
        .as_ref()
        // `words`: Tesseract's words as [`hocr::to_tsv`] cuts them.
        .map(|dir| dir.join(format!("{digest}-{languages}.words.tsv")));
    if let Some(tsv) = cached
        .as_ref()
        .and_then(|c| std::fs::read_to_string(c).ok())
    {
        return Ok(tidied(&tsv));
    }
    let mut command = Command::new("tesseract");
    command.args(["stdin", "stdout", "-l", languages]);
    if let Some(dpi) = dpi {
        command.args(["--dpi", &dpi.to_string()]);
    }
    // hOCR with each character's box, by which glued words are cut.
    command.args(["-c", "hocr_char_boxes=1", "hocr"]);
    // One core per page: Tesseract's OpenMP threads made a dense page 6×
    // slower on 2 cores (31.9 s wall against 5.1 s), and the pages of a
    // PDF are read in parallel instead.
    command.env("OMP_THREAD_LIMIT", "1");
    let output = run_tool(&mut command, image, TESSERACT)?;
    let tsv = hocr::to_tsv(&String::from_utf8_lossy(&output));
    if let Some(path) = cached {
        store(&path, &tsv);
    }
    Ok(tidied(&tsv))
}

/// Puts `text` into the cache at `path`, under a temporary name of its own
/// first (pages read at once may be the same image). A cache that cannot be
/// written only costs the next run time.
fn store(path: &Path, text: &str) {
    static WRITES: AtomicUsize = AtomicUsize::new(0);
    let Some(dir) = path.parent() else {
        return;
    };
    let _ = std::fs::create_dir_all(dir);
    let tmp = path.with_extension(format!(
        "tmp-{}-{}",
        std::process::id(),
        WRITES.fetch_add(1, Ordering::Relaxed)
    ));
    if std::fs::write(&tmp, text).is_err() || std::fs::rename(&tmp, path).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// Runs one OCR program within [`PAGE_SECONDS`]; its standard output, or
/// an error that says what to do.
fn run_tool(command: &mut Command, input: &[u8], tool: Tool) -> Result<Vec<u8>, String> {
    let output = tool
        .run(command, input, PAGE_SECONDS)
        .map_err(|e| match e {
            ToolError::Missing => tool.missing("OCR"),
            ToolError::TimedOut(seconds) => {
                format!(
                    "OCR: {} took longer than {seconds} s on one page",
                    tool.name
                )
            }
            ToolError::Failed { status, said } => {
                let missing_model =
                    said.contains("Failed loading language") || said.contains("loading languages");
                if missing_model {
                    format!(
                        "OCR: {} failed ({status}): {said}: {}",
                        tool.name, tool.install_hint
                    )
                } else if said == "Error during processing." {
                    // Leptonica's reasons ("pixReadMemJpeg: pix not read")
                    // come before this last line and tell an analyst no more.
                    "OCR: the image could not be decoded (corrupt, cut short, or a format Tesseract does not read)".to_string()
                } else {
                    format!("OCR: {} failed ({status}): {said}", tool.name)
                }
            }
            ToolError::Io(e) => format!("OCR: {e}"),
        })?;
    Ok(output.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_join_like_the_pdf_extractor() {
        let e = join_pages(&["One.".into(), String::new(), "Three.".into()]);
        assert_eq!(e.text, "One.\n\nThree.");
        assert_eq!(e.page_starts, [0, 6, 6]);
        assert!(has_empty_pages(&e));
        assert_eq!(layer_pages(&e, 4), ["One.", "", "Three.", ""]);
        let full = join_pages(&["One.".into(), "Two.".into()]);
        assert!(!has_empty_pages(&full));
    }

    #[test]
    fn a_model_is_moved_to_the_front_of_the_set() {
        assert_eq!(
            led_by(DEFAULT_LANGUAGES, "mkd").as_deref(),
            Some("mkd+hrv+srp+srp_latn+bos+eng")
        );
        assert_eq!(led_by("mkd+eng", "mkd"), None);
        assert_eq!(led_by("hrv+eng", "mkd"), None);
    }

    #[test]
    fn tesseract_text_is_tidied() {
        assert_eq!(
            tidy("Police arrested Darko Ša-\nrić on Monday.\n\n\n\nSecond para.  \n"),
            "Police arrested Darko Šarić on Monday.\n\nSecond para."
        );
    }
}
