//! PDF: the text layer page by page, hard line wraps joined.
//!
//! Poppler's `pdftotext` reads the pages ([`poppler`], a separate process:
//! poppler is GPL). It reads what pdf-extract, nerpipe's first reader, got
//! wrong or silently dropped: the `'` and `"` operators (every line of a
//! Ghostscript PDF), rotated pages, two columns drawn row by row. lopdf
//! reads the Info dictionary (title, author, date).
//!
//! Where poppler-utils is not installed, pdf-extract still reads the pages,
//! and the document's metadata says so (`pdf_reader`). pdf-extract is known
//! to panic on input it does not expect (`unwrap` on content it cannot
//! parse, on an image XObject handed to `Do`, on a missing MediaBox), so
//! each call into it runs under `catch_unwind` and a panic becomes the
//! `corrupt PDF:` error of that file.

mod poppler;

use std::panic::{catch_unwind, AssertUnwindSafe};

use std::cell::RefCell;
use std::rc::Rc;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};
use pdf_extract::{ConvertToFmt, MediaBox, OutputDev, OutputError, PlainTextOutput, Transform};
use serde_json::{Map, Value};

use super::wraps::join_wrapped_lines;
use super::Extracted;

/// The error of a PDF whose pages carry no text at all.
pub const NO_TEXT_LAYER: &str = "no text layer (scanned? run OCR first)";

/// Operators that show text; a page without any has no text layer.
const TEXT_OPERATORS: [&str; 4] = ["Tj", "TJ", "'", "\""];

/// How deep form XObjects may nest before a page counts as malformed.
const MAX_FORM_DEPTH: usize = 8;

/// The text of a PDF: pages joined by a blank line, `page_starts` the byte
/// offset of each page in it (a page without text starts where the next one
/// does), Info Title/Author/CreationDate and the page count in metadata.
pub fn extract(bytes: &[u8]) -> Result<Extracted, String> {
    let pages = match poppler::page_texts(bytes) {
        Ok(pages) => pages,
        Err(poppler::Unread::Problem(problem)) => return Err(problem),
        Err(poppler::Unread::Missing) => return extract_without_poppler(bytes),
    };
    let mut extracted = with_text_layer(&pages)?;
    // The Info dictionary where lopdf can read it: a file poppler reads and
    // lopdf does not keeps its text without a title.
    if let Ok(Ok(doc)) = catch_unwind(|| Document::load_mem(bytes)) {
        extracted.title = info_metadata(&doc, &mut extracted.metadata);
    }
    Ok(extracted)
}

/// What `pdf_reader` says of a PDF read without poppler.
pub const FALLBACK_READER: &str =
    "pdf-extract: poppler-utils is not installed, and pages may be missing or out of order";

/// The text by pdf-extract, as on a machine without poppler, `pdf_reader`
/// saying so; a panic in it the `corrupt PDF:` error of the file.
pub fn extract_without_poppler(bytes: &[u8]) -> Result<Extracted, String> {
    let mut extracted = match catch_unwind(AssertUnwindSafe(|| extract_with_pdf_extract(bytes))) {
        Ok(result) => result?,
        Err(_) => return Err("corrupt PDF: the parser failed on this file".to_string()),
    };
    extracted
        .metadata
        .insert("pdf_reader".to_string(), Value::from(FALLBACK_READER));
    Ok(extracted)
}

/// The pages joined ([`join_pages`]) and counted in metadata; the
/// [`NO_TEXT_LAYER`] error where none has text.
fn with_text_layer(pages: &[String]) -> Result<Extracted, String> {
    let mut extracted = join_pages(pages);
    if extracted.text.is_empty() {
        return Err(NO_TEXT_LAYER.to_string());
    }
    extracted
        .metadata
        .insert("pages".to_string(), Value::from(pages.len()));
    Ok(extracted)
}

/// Pages joined by a blank line; `page_starts` the byte offset of each page
/// in the text, a page without text starting where the next one does (the
/// end of the text after the last one), so no offset falls on it.
pub fn join_pages(pages: &[String]) -> Extracted {
    let mut text = String::new();
    let mut page_starts = Vec::with_capacity(pages.len());
    for page in pages {
        if !page.is_empty() && !text.is_empty() {
            text.push_str("\n\n");
        }
        page_starts.push(text.len());
        text.push_str(page);
    }
    let mut next_start = text.len();
    for (start, page) in page_starts.iter_mut().zip(pages).rev() {
        if page.is_empty() {
            *start = next_start;
        }
        next_start = *start;
    }
    Extracted {
        text,
        page_starts,
        ..Extracted::default()
    }
}

/// Title (returned), author and creation date from the Info dictionary.
fn info_metadata(doc: &Document, metadata: &mut Map<String, Value>) -> Option<String> {
    let info = info_dictionary(doc);
    if let Some(author) = info.and_then(|info| info_string(info, b"Author")) {
        metadata.insert("author".to_string(), Value::String(author));
    }
    if let Some(created) = info.and_then(|info| info_string(info, b"CreationDate")) {
        let created = pdf_date_to_iso(&created).unwrap_or(created);
        metadata.insert("created".to_string(), Value::String(created));
    }
    info.and_then(|info| info_string(info, b"Title"))
}

/// The text by pdf-extract, for a machine without poppler.
fn extract_with_pdf_extract(bytes: &[u8]) -> Result<Extracted, String> {
    let mut doc = Document::load_mem(bytes).map_err(|e| format!("corrupt PDF: {e}"))?;
    // lopdf decrypts at load time where the user password is empty (PDFs
    // that only restrict printing or copying); any other password is a wall.
    if doc.is_encrypted() && doc.authenticate_password("").is_err() {
        return Err("encrypted PDF: it needs a password to open".to_string());
    }
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err("corrupt PDF: no pages found".to_string());
    }

    let mut with_text = Vec::with_capacity(pages.len());
    for (&number, &page_id) in &pages {
        with_text.push(prepare_page(&mut doc, number, page_id)?);
    }
    let mut extracted = with_text_layer(&page_texts(&doc, &with_text)?)?;
    extracted.title = info_metadata(&doc, &mut extracted.metadata);
    Ok(extracted)
}

/// Readies one page for pdf-extract and says whether it shows text. A page
/// without text is made one pdf-extract passes over as if it had skipped it:
/// no content, and its own MediaBox and Resources, because pdf-extract
/// panics on a page without a MediaBox and would follow a broken parent
/// chain looking for them. A `Do` of an image is dropped from a page with
/// text, because pdf-extract treats every `Do` as a form.
fn prepare_page(doc: &mut Document, number: u32, page_id: ObjectId) -> Result<bool, String> {
    let corrupt = |e: lopdf::Error| format!("corrupt PDF: page {number}: {e}");
    let content = doc.get_and_decode_page_content(page_id).map_err(corrupt)?;
    if !shows_text(doc, page_id, &content.operations, 0)? {
        if !content.operations.is_empty() {
            doc.change_page_content(page_id, Vec::new())
                .map_err(corrupt)?;
        }
        let page = doc.get_dictionary_mut(page_id).map_err(corrupt)?;
        if !page.has(b"MediaBox") {
            let empty_box = vec![0.into(), 0.into(), 0.into(), 0.into()];
            page.set("MediaBox", Object::Array(empty_box));
        }
        if !page.has(b"Resources") {
            page.set("Resources", Dictionary::new());
        }
        return Ok(false);
    }
    let (forms, others): (Vec<_>, Vec<_>) = content
        .operations
        .into_iter()
        .partition(|op| op.operator != "Do" || page_form(doc, page_id, op).is_some());
    if others.iter().any(|op| op.operator == "Do") {
        let encoded = Content { operations: forms }.encode().map_err(corrupt)?;
        doc.change_page_content(page_id, encoded).map_err(corrupt)?;
    }
    Ok(true)
}

/// The joined text of every page (empty where `with_text` says it shows
/// none), laid out in one pass: pdf-extract's per-page entry point rebuilds
/// the page list on every call, quadratic in the page count.
fn page_texts(doc: &Document, with_text: &[bool]) -> Result<Vec<String>, String> {
    let mut pages = PageTexts::default();
    let laid_out = catch_unwind(AssertUnwindSafe(|| {
        pdf_extract::output_doc(doc, &mut pages)
    }));
    // Pages are laid out in order: a failure is on the one after the last done.
    let number = pages.texts.len() + 1;
    match laid_out {
        Ok(Ok(())) => Ok(pages
            .texts
            .iter()
            .zip(with_text)
            .map(|(raw, &shown)| {
                if shown {
                    join_wrapped_lines(raw)
                } else {
                    String::new()
                }
            })
            .collect()),
        Ok(Err(e)) => Err(format!("corrupt PDF: page {number}: {e}")),
        Err(_) => Err(format!(
            "corrupt PDF: page {number}: the text extractor failed on its content"
        )),
    }
}

/// pdf-extract's plain-text layout, one string per page: a fresh
/// `PlainTextOutput` for each page, as a call per page would make.
#[derive(Default)]
struct PageTexts {
    texts: Vec<String>,
    /// The page being laid out and the text it has so far.
    page: Option<(PlainTextOutput<PageText>, Rc<RefCell<String>>)>,
}

/// The text of the page being laid out, shared with its `PlainTextOutput`.
struct PageText(Rc<RefCell<String>>);

impl std::fmt::Write for PageText {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.borrow_mut().push_str(s);
        Ok(())
    }
}

impl ConvertToFmt for PageText {
    type Writer = Self;
    fn convert(self) -> Self {
        self
    }
}

impl PageTexts {
    fn output(&mut self) -> Result<&mut PlainTextOutput<PageText>, OutputError> {
        match &mut self.page {
            Some((output, _)) => Ok(output),
            None => Err(OutputError::FormatError(std::fmt::Error)),
        }
    }
}

impl OutputDev for PageTexts {
    fn begin_page(
        &mut self,
        number: u32,
        media_box: &MediaBox,
        art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        let text = Rc::new(RefCell::new(String::new()));
        let mut output = PlainTextOutput::new(PageText(Rc::clone(&text)));
        output.begin_page(number, media_box, art_box)?;
        self.page = Some((output, text));
        Ok(())
    }
    fn end_page(&mut self) -> Result<(), OutputError> {
        self.output()?.end_page()?;
        if let Some((_, text)) = self.page.take() {
            self.texts.push(text.take());
        }
        Ok(())
    }
    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        self.output()?
            .output_character(trm, width, spacing, font_size, char)
    }
    fn begin_word(&mut self) -> Result<(), OutputError> {
        self.output()?.begin_word()
    }
    fn end_word(&mut self) -> Result<(), OutputError> {
        self.output()?.end_word()
    }
    fn end_line(&mut self) -> Result<(), OutputError> {
        self.output()?.end_line()
    }
}

/// Whether `operations` (of a page, or of a form it draws) show any text.
fn shows_text(
    doc: &Document,
    page_id: ObjectId,
    operations: &[lopdf::content::Operation],
    depth: usize,
) -> Result<bool, String> {
    if depth > MAX_FORM_DEPTH {
        return Err("corrupt PDF: form XObjects nest too deep".to_string());
    }
    for op in operations {
        if TEXT_OPERATORS.contains(&op.operator.as_str()) {
            return Ok(true);
        }
        if op.operator == "Do" {
            if let Some(form) = page_form(doc, page_id, op) {
                let bytes = form
                    .decompressed_content()
                    .unwrap_or_else(|_| form.content.clone());
                let Ok(inner) = Content::decode(&bytes) else {
                    // pdf-extract would fail on it as well; let it say so.
                    return Ok(true);
                };
                if shows_text(doc, page_id, &inner.operations, depth + 1)? {
                    return Ok(true);
                }
            }
        }
    }
    Ok(false)
}

/// The form XObject a page's `Do` operation draws; `None` for an image or a
/// name the page's resources do not hold.
fn page_form<'a>(
    doc: &'a Document,
    page_id: ObjectId,
    op: &lopdf::content::Operation,
) -> Option<&'a lopdf::Stream> {
    let name = op.operands.first()?.as_name().ok()?;
    let (own, inherited) = doc.get_page_resources(page_id).ok()?;
    let dictionaries = own.into_iter().chain(
        inherited
            .iter()
            .filter_map(|id| doc.get_dictionary(*id).ok()),
    );
    for resources in dictionaries {
        let Some(xobjects) = resolve(doc, resources.get(b"XObject").ok()).and_then(as_dict) else {
            continue;
        };
        let Some(stream) = resolve(doc, xobjects.get(name).ok()).and_then(|o| o.as_stream().ok())
        else {
            continue;
        };
        let is_form = stream
            .dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .is_ok_and(|subtype| subtype == b"Form");
        return is_form.then_some(stream);
    }
    None
}

fn resolve<'a>(doc: &'a Document, object: Option<&'a Object>) -> Option<&'a Object> {
    doc.dereference(object?).ok().map(|(_, object)| object)
}

fn as_dict(object: &Object) -> Option<&Dictionary> {
    object.as_dict().ok()
}

fn info_dictionary(doc: &Document) -> Option<&Dictionary> {
    resolve(doc, doc.trailer.get(b"Info").ok()).and_then(as_dict)
}

/// A text string of the Info dictionary, trimmed; `None` when absent or
/// empty.
fn info_string(info: &Dictionary, key: &[u8]) -> Option<String> {
    let value = lopdf::decode_text_string(info.get(key).ok()?).ok()?;
    let value = value.trim_matches(|c: char| c.is_whitespace() || c == '\0');
    (!value.is_empty()).then(|| value.to_string())
}

/// A PDF date ("D:YYYYMMDDHHmmSSOHH'mm'", every part after the year
/// optional) as ISO 8601: "2026-01-14T09:30:00+01:00", "2026-01-14" for a
/// date alone; `None` where it does not parse.
pub fn pdf_date_to_iso(raw: &str) -> Option<String> {
    let s = raw.trim();
    let s = s.strip_prefix("D:").unwrap_or(s);
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits < 4 || digits % 2 != 0 || digits > 14 {
        return None;
    }
    let (stamp, zone) = s.split_at(digits);
    let field = |at: usize| stamp.get(at..at + 2).and_then(|f| f.parse::<u32>().ok());
    let year = &stamp[..4];
    let mut iso = year.to_string();
    let limits = [(4, 1, 12, '-'), (6, 1, 31, '-')];
    for (at, low, high, sep) in limits {
        match field(at) {
            Some(v) if (low..=high).contains(&v) => iso.push_str(&format!("{sep}{v:02}")),
            Some(_) => return None,
            None => return Some(iso),
        }
    }
    let Some(hour) = field(8) else {
        return Some(iso);
    };
    let minute = field(10).unwrap_or(0);
    let second = field(12).unwrap_or(0);
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    iso.push_str(&format!("T{hour:02}:{minute:02}:{second:02}"));
    match zone.chars().next() {
        None => {}
        Some('Z') => iso.push('Z'),
        Some(sign @ ('+' | '-')) => {
            let offset: String = zone[1..].chars().filter(char::is_ascii_digit).collect();
            let (hh, mm) = match offset.len() {
                2 => (&offset[..2], "00"),
                4 => (&offset[..2], &offset[2..]),
                _ => return None,
            };
            iso.push_str(&format!("{sign}{hh}:{mm}"));
        }
        Some(_) => return None,
    }
    Some(iso)
}
