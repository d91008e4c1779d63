//! OCR (issue 25) on scans this test makes: a page rendered by headless
//! Chromium (English, Croatian, Serbian Latin and Cyrillic) as a PNG, the
//! same page as JPEG inside an image-only PDF, and a mixed PDF (a text page,
//! then a scanned one). Needs Chromium, Tesseract with the region's models
//! and poppler-utils (tests/services; required under CI).
mod common;
mod services;

use common::{default_model, nerpipe, read_csv};
use std::path::Path;
use std::process::Output;

const PAGE: &str = r#"<!DOCTYPE html><html><head><meta charset="utf-8"></head>
<body style="font-family:'DejaVu Serif','Liberation Serif',serif;font-size:30px;margin:60px;width:1100px">
<p>Police in Podgorica arrested Darko Šarić on Monday. Customs seized 300 kg of cocaine worth €4.5 million.</p>
<p>Полиција у Београду ухапсила је Зорана Ђурића због шверца дроге.</p>
</body></html>"#;

/// The names and amounts planted on the page, as the model reads them.
const PLANTED: [(&str, &str); 6] = [
    ("PLACE", "Podgorica"),
    ("PERSON", "Darko Šarić"),
    ("AMOUNT", "300 kg"),
    ("AMOUNT", "€4.5 million"),
    ("PLACE", "Београду"),
    ("PERSON", "Зорана Ђурића"),
];

#[derive(serde::Deserialize)]
struct MentionRow {
    doc_id: String,
    label: String,
    text: String,
    start: usize,
    end: usize,
}

#[derive(serde::Deserialize)]
struct DocumentRow {
    doc_id: String,
    status: String,
    error: String,
    pages: Option<usize>,
}

fn chromium(bin: &Path, args: &[String], page: &Path) {
    let profile = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
}

/// A JPEG of the page: printed to PDF by Chromium, rendered by pdftoppm.
fn page_jpeg(bin: &Path, html: &Path, dir: &Path) -> Vec<u8> {
    let pdf = dir.join("printed.pdf");
    chromium(
        bin,
        &[
            "--no-pdf-header-footer".into(),
            format!("--print-to-pdf={}", pdf.display()),
        ],
        html,
    );
    let root = dir.join("scan");
    let out = std::process::Command::new("pdftoppm")
        .args(["-r", "200", "-jpeg", "-singlefile", "-f", "1", "-l", "1"])
        .arg(&pdf)
        .arg(&root)
        .output()
        .unwrap();
    assert!(out.status.success());
    std::fs::read(root.with_extension("jpg")).unwrap()
}

/// The width and height a baseline JPEG's SOF0 marker gives.
fn jpeg_size(jpeg: &[u8]) -> (usize, usize) {
    let mut i = 2;
    while i + 9 < jpeg.len() {
        let marker = jpeg[i + 1];
        let length = usize::from(jpeg[i + 2]) << 8 | usize::from(jpeg[i + 3]);
        if matches!(marker, 0xC0..=0xC2) {
            let h = usize::from(jpeg[i + 5]) << 8 | usize::from(jpeg[i + 6]);
            let w = usize::from(jpeg[i + 7]) << 8 | usize::from(jpeg[i + 8]);
            return (w, h);
        }
        i += 2 + length;
    }
    panic!("no SOF marker in the JPEG");
}

/// PDF objects of a page showing `jpeg` full size: the page, its image.
fn image_page(
    jpeg: &[u8],
    parent: usize,
    image: usize,
    content: usize,
) -> (String, Vec<u8>, Vec<u8>) {
    let (w, h) = jpeg_size(jpeg);
    let page = format!(
        "<< /Type /Page /Parent {parent} 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 {image} 0 R >> >> /Contents {content} 0 R >>"
    );
    let mut xobject = format!(
        "<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n",
        jpeg.len()
    )
    .into_bytes();
    xobject.extend_from_slice(jpeg);
    xobject.extend_from_slice(b"\nendstream");
    let draw = "q 595 0 0 842 0 0 cm /Im1 Do Q";
    let contents = format!("<< /Length {} >>\nstream\n{draw}\nendstream", draw.len()).into_bytes();
    (page, xobject, contents)
}

fn run(corpus: &Path, out: &Path, cache: &Path, extra: &[&str], path: Option<&str>) -> Output {
    let model = default_model();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_nerpipe"));
    command
        .args(["run", "--corpus", corpus.to_str().unwrap()])
        .args([
            "--out",
            out.to_str().unwrap(),
            "--model",
            model.to_str().unwrap(),
            "--quiet",
        ])
        .args(extra)
        .env("NERPIPE_CACHE", cache);
    if let Some(path) = path {
        command.env("PATH", path);
    }
    command.output().unwrap()
}

#[test]
fn scans_and_scanned_pages_are_read_by_ocr() {
    let Some(bin) = services::chromium() else {
        return;
    };
    if !services::ocr_tools() {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let html = work.path().join("page.html");
    std::fs::write(&html, PAGE).unwrap();
    let corpus = tempfile::tempdir().unwrap();
    let c = corpus.path();
    chromium(
        &bin,
        &[
            format!("--screenshot={}", c.join("photo.png").display()),
            "--window-size=1240,600".into(),
            "--hide-scrollbars".into(),
        ],
        &html,
    );
    let jpeg = page_jpeg(&bin, &html, work.path());
    // Image-only: one page, its image.
    let (page, xobject, contents) = image_page(&jpeg, 2, 4, 5);
    let scanned = common::pdf_of_bytes(&[
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        page.as_bytes(),
        &xobject,
        &contents,
    ]);
    std::fs::write(c.join("scanned.pdf"), &scanned).unwrap();
    // Mixed: a text page, then the scanned page.
    let (page2, xobject2, contents2) = image_page(&jpeg, 2, 7, 8);
    let text = "BT /F1 14 Tf 72 720 Td (Europol helped SIPA in Sarajevo.) Tj ET";
    let mixed = common::pdf_of_bytes(&[
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len()).as_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        page2.as_bytes(),
        &xobject2,
        &contents2,
    ]);
    std::fs::write(c.join("mixed.pdf"), &mixed).unwrap();

    // A mail with the photo attached: the attachment is read too.
    let png = std::fs::read(c.join("photo.png")).unwrap();
    let encoded = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(&png)
    };
    let lines: Vec<&str> = encoded
        .as_bytes()
        .chunks(76)
        .map(|l| std::str::from_utf8(l).unwrap())
        .collect();
    let mail = format!(
        "From: Ana Kovač <ana@example.hr>\r\nTo: desk@example.hr\r\nSubject: Scan\r\nMessage-ID: <scan@example.hr>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nThe scan is attached.\r\n--B\r\n\
         Content-Type: image/png\r\nContent-Disposition: attachment; filename=\"photo.png\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--B--\r\n",
        lines.join("\r\n")
    );
    std::fs::write(c.join("tip.eml"), mail).unwrap();

    let cache = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let output = run(c, out.path(), cache.path(), &[], None);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let documents: Vec<DocumentRow> = read_csv(&out.path().join("documents.csv"));
    let status: Vec<(&str, &str, &str, Option<usize>)> = documents
        .iter()
        .map(|d| {
            (
                d.doc_id.as_str(),
                d.status.as_str(),
                d.error.as_str(),
                d.pages,
            )
        })
        .collect();
    assert_eq!(
        status,
        [
            ("mixed.pdf", "ok", "", Some(2)),
            ("photo.png", "ok", "", Some(1)),
            ("scanned.pdf", "ok", "", Some(1)),
            ("tip.eml", "ok", "", None),
            ("tip.eml/scan@example.hr/photo.png", "ok", "", Some(1)),
        ]
    );
    let mentions: Vec<MentionRow> = read_csv(&out.path().join("mentions.csv"));
    let texts: Vec<serde_json::Value> = common::read_jsonl(&out.path().join("documents.jsonl"));
    for doc in [
        "photo.png",
        "scanned.pdf",
        "mixed.pdf",
        "tip.eml/scan@example.hr/photo.png",
    ] {
        let found: Vec<(&str, &str)> = mentions
            .iter()
            .filter(|m| m.doc_id == doc)
            .map(|m| (m.label.as_str(), m.text.as_str()))
            .collect();
        for planted in PLANTED {
            assert!(
                found.contains(&planted),
                "{doc}: {planted:?} not in {found:?}"
            );
        }
        // Exact spans: each mention slices the kept text.
        let record = texts.iter().find(|t| t["doc_id"] == doc).unwrap();
        let chars: Vec<char> = record["text"].as_str().unwrap().chars().collect();
        for m in mentions.iter().filter(|m| m.doc_id == doc) {
            assert_eq!(
                chars[m.start..m.end].iter().collect::<String>(),
                m.text,
                "{doc}"
            );
        }
        let ocr_pages = &record["metadata"]["ocr"]["pages"];
        let expected = if doc == "mixed.pdf" {
            serde_json::json!([2])
        } else {
            serde_json::json!([1])
        };
        assert_eq!(ocr_pages, &expected, "{doc}");
    }
    // The mixed PDF keeps its text page as the text layer has it.
    let mixed_found: Vec<&str> = mentions
        .iter()
        .filter(|m| m.doc_id == "mixed.pdf")
        .map(|m| m.text.as_str())
        .collect();
    assert!(mixed_found.contains(&"Sarajevo"), "{mixed_found:?}");

    // Each page image was read once and cached: a rerun finds every page in
    // the cache, with no Tesseract on the PATH at all.
    let cached = std::fs::read_dir(cache.path().join("ocr")).unwrap().count();
    assert_eq!(
        cached, 2,
        "the PNG and the one scanned JPEG page (twice the same image)"
    );
    let again = tempfile::tempdir().unwrap();
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_nerpipe")).parent().unwrap();
    let poppler = services::program("pdftoppm").unwrap();
    let poppler_dir = poppler.parent().unwrap();
    let no_tesseract = tempfile::tempdir().unwrap();
    for tool in ["pdftoppm", "pdfinfo"] {
        std::os::unix::fs::symlink(poppler_dir.join(tool), no_tesseract.path().join(tool)).unwrap();
    }
    let path = format!("{}:{}", bin_dir.display(), no_tesseract.path().display());
    let output = run(c, again.path(), cache.path(), &[], Some(&path));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        std::fs::read(out.path().join("mentions.csv")).unwrap(),
        std::fs::read(again.path().join("mentions.csv")).unwrap()
    );

    // Without the cache and without Tesseract, the error says what to install.
    let empty_cache = tempfile::tempdir().unwrap();
    let third = tempfile::tempdir().unwrap();
    let output = run(c, third.path(), empty_cache.path(), &[], Some(&path));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let documents: Vec<DocumentRow> = read_csv(&third.path().join("documents.csv"));
    let photo = documents.iter().find(|d| d.doc_id == "photo.png").unwrap();
    assert_eq!(photo.status, "error");
    assert!(
        photo
            .error
            .starts_with("OCR needs `tesseract`, which is not installed: install Tesseract 5"),
        "{}",
        photo.error
    );

    // --ocr off: scans are error rows again, the text page stays.
    let off = tempfile::tempdir().unwrap();
    let output = run(c, off.path(), cache.path(), &["--ocr", "off"], None);
    assert!(output.status.success());
    let documents: Vec<DocumentRow> = read_csv(&off.path().join("documents.csv"));
    let errors: Vec<(&str, &str)> = documents
        .iter()
        .map(|d| (d.doc_id.as_str(), d.error.as_str()))
        .collect();
    assert_eq!(
        errors,
        [
            ("mixed.pdf", ""),
            ("photo.png", "an image, and OCR is off (--ocr off)"),
            ("scanned.pdf", "no text layer (scanned? run OCR first)"),
            ("tip.eml", ""),
            (
                "tip.eml/scan@example.hr/photo.png",
                "an image, and OCR is off (--ocr off)"
            ),
        ]
    );
    let output = nerpipe(&[
        "run",
        "--corpus",
        "x",
        "--out",
        "y",
        "--ocr-languages",
        "hrv;eng",
    ]);
    assert_eq!(output.status.code(), Some(2));
}

/// A TIFF of `pages` IFDs, each a 1 × 1 page (no pixel data: the limit
/// refuses it before anything decodes it).
fn many_page_tiff(pages: u32) -> Vec<u8> {
    let mut tiff = b"II*\0\x08\0\0\0".to_vec();
    for k in 0..pages {
        let next = if k + 1 == pages {
            0
        } else {
            tiff.len() as u32 + 2 + 2 * 12 + 4
        };
        tiff.extend_from_slice(&2u16.to_le_bytes());
        for tag in [256u16, 257] {
            tiff.extend_from_slice(&tag.to_le_bytes());
            tiff.extend_from_slice(&4u16.to_le_bytes());
            tiff.extend_from_slice(&1u32.to_le_bytes());
            tiff.extend_from_slice(&1u32.to_le_bytes());
        }
        tiff.extend_from_slice(&next.to_le_bytes());
    }
    tiff
}

#[test]
fn images_ocr_cannot_or_should_not_read_are_error_rows() {
    if !services::ocr_tools() {
        return;
    }
    let corpus = tempfile::tempdir().unwrap();
    let c = corpus.path();
    std::fs::write(c.join("zero.tiff"), b"").unwrap();
    let mut huge = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    huge.extend_from_slice(&20_000u32.to_be_bytes());
    huge.extend_from_slice(&20_000u32.to_be_bytes());
    huge.extend_from_slice(&[8, 0, 0, 0, 0]);
    std::fs::write(c.join("huge.png"), &huge).unwrap();
    let mut corrupt = vec![0xFF, 0xD8, 0xFF, 0xE0];
    corrupt.extend((0..4000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
    std::fs::write(c.join("corrupt.jpg"), &corrupt).unwrap();
    std::fs::write(c.join("pages.tiff"), many_page_tiff(2_000)).unwrap();
    // 1 200 blank pages: nothing to read but OCR, more than the limit.
    let kids: Vec<String> = (0..1_200).map(|k| format!("{} 0 R", 3 + k)).collect();
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        format!("<< /Type /Pages /Kids [{}] /Count 1200 >>", kids.join(" ")),
    ];
    objects.extend(
        (0..1_200).map(|_| "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>".to_string()),
    );
    let refs: Vec<&str> = objects.iter().map(String::as_str).collect();
    std::fs::write(c.join("blank.pdf"), common::pdf_of(&refs)).unwrap();

    let cache = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let output = run(c, out.path(), cache.path(), &[], None);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Refused from the headers and the page count: no page was rendered.
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
    let documents: Vec<DocumentRow> = read_csv(&out.path().join("documents.csv"));
    let errors: Vec<(&str, &str, &str)> = documents
        .iter()
        .map(|d| (d.doc_id.as_str(), d.status.as_str(), d.error.as_str()))
        .collect();
    assert_eq!(
        errors,
        [
            ("blank.pdf", "error", "1200 pages to read by OCR, more than --ocr-max-pages 1000: raise it to read this file"),
            ("corrupt.jpg", "error", "OCR: the image could not be decoded (corrupt, cut short, or a format Tesseract does not read)"),
            ("huge.png", "error", "an image of 20000 × 20000 pixels, more than --ocr-max-pixels 100000000: raise it to read this file"),
            ("pages.tiff", "error", "2000 pages to read by OCR, more than --ocr-max-pages 1000: raise it to read this file"),
            ("zero.tiff", "error", "an empty file (0 bytes): no image to read"),
        ]
    );
}
