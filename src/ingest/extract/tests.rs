//! The PDF and DOCX/ODT extractors on the committed samples in
//! corpus/reports/ (written by scripts/make-sample-documents.py) and on
//! files built here.

use std::io::Write;

use serde_json::Value;

use super::{office, pdf};

fn sample(name: &str) -> Vec<u8> {
    let path = format!("{}/corpus/reports/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

// --- PDF sample --------------------------------------------------------------

const PDF_PAGE_1: &str = "Diesel, cash and customs: the Brčko corridor\n\n\
BRČKO – Customs officers at the Brčko border crossing let at least 140 tanker trucks of \
untaxed diesel into Bosnia and Hercegovina between March 2024 and June 2025, according to \
internal records of the Indirect Taxation Authority seen by this newsroom.\n\n\
The trucks belonged to Sava Petrol d.o.o., a fuel trader registered in Orašje and owned by \
Željko Marić, a former deputy mayor of the town. The authority puts the lost excise duty and \
VAT at KM 4.2 million (about €2.1 million). Mr Marić did not answer written questions sent to \
his company.\n\n\
Two shift supervisors, Dražen Kovačević and Nermin Hodžić, signed off on most of the \
crossings. Payments of KM 2,000 per truck were listed in a notebook that police found in \
Orašje in October 2025.";

const PDF_PAGE_2: &str = "Relabelled as lubricant\n\n\
Croatian prosecutors from USKOK opened a parallel case in May 2025 against two forwarding \
agents in Slavonski Brod, who are suspected of relabelling the diesel as lubricating oil and \
selling it to petrol stations in Croatia, Serbia, Montenegro and across Bosnia-Herzegovina. \
Investigators put the value of the fuel at €3.6 million.\n\n\
A spokeswoman for the Indirect Taxation Authority, Jasmina Ćosić, said disciplinary \
proceedings against six officers were under way. Sava Petrol was already fined in 2023, when \
it paid KM 85,000 for a similar offence at the same crossing.\n\n\
Đorđe Petrović, a lawyer for the two agents, said his clients had only filled in the forms \
they were given.";

#[test]
fn pdf_sample_text_pages_and_info() {
    let doc = pdf::extract(&sample("brcko-fuel-corridor.pdf")).unwrap();
    assert_eq!(doc.text, format!("{PDF_PAGE_1}\n\n{PDF_PAGE_2}"));
    assert_eq!(doc.page_starts, vec![0, PDF_PAGE_1.len() + 2]);
    assert_eq!(doc.page_starts[1], 808);
    assert!(doc.text[doc.page_starts[1]..]
        .starts_with("Relabelled as lubricant\n\nCroatian prosecutors"));
    assert_eq!(
        doc.title.as_deref(),
        Some("Diesel, cash and customs: the Brčko corridor")
    );
    assert_eq!(doc.metadata["pages"], Value::from(2));
    assert_eq!(doc.metadata["author"], Value::from("Lejla Hadžić"));
    assert_eq!(
        doc.metadata["created"],
        Value::from("2026-01-14T09:30:00+01:00")
    );
    assert!(doc.attachments.is_empty() && doc.encoding.is_none());
}

#[test]
fn pdf_sample_wraps_rejoined_at_their_offsets() {
    let doc = pdf::extract(&sample("brcko-fuel-corridor.pdf")).unwrap();
    let text = &doc.text;
    let wrap = text.find("Bosnia and Hercegovina").unwrap();
    assert_eq!(&text[wrap..wrap + 32], "Bosnia and Hercegovina between M");
    let compound = text.find("Bosnia-Herzegovina").unwrap();
    assert!(compound > doc.page_starts[1]);
    assert_eq!(
        &text[compound - 7..compound + 19],
        "across Bosnia-Herzegovina."
    );
    assert!(!text.contains("Herce-") && !text.contains("Herce govina"));
    assert!(!text.contains('\u{AD}'));
}

// --- PDF files built here ----------------------------------------------------

/// A PDF with the given objects (numbered from 1, object 1 the catalog) and
/// trailer entries, with a correct cross-reference table.
fn build_pdf(objects: &[&[u8]], trailer: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        writeln!(out, "{} 0 obj", i + 1).unwrap();
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).unwrap();
    for offset in offsets {
        writeln!(out, "{offset:010} 00000 n ").unwrap();
    }
    write!(
        out,
        "trailer\n<< /Size {} /Root 1 0 R {trailer} >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    )
    .unwrap();
    out
}

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

const CATALOG: &[u8] = b"<< /Type /Catalog /Pages 2 0 R >>";
const ONE_PAGE: &[u8] = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>";
const FONT: &[u8] =
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";
const IMAGE_PAGE: &[u8] = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
/Resources << /XObject << /Im1 5 0 R >> /Font << /F1 6 0 R >> >> /Contents 4 0 R >>";

fn image() -> Vec<u8> {
    // 2x2 grey samples: bytes that are no content stream.
    stream(
        "/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8",
        b"\x00\xff(\x80",
    )
}

#[test]
fn pdf_with_only_an_image_has_no_text_layer() {
    let content = stream("", b"q 400 0 0 600 100 100 cm /Im1 Do Q");
    let bytes = build_pdf(
        &[CATALOG, ONE_PAGE, IMAGE_PAGE, &content, &image(), FONT],
        "",
    );
    assert_eq!(
        pdf::extract(&bytes).unwrap_err(),
        "no text layer (scanned? run OCR first)"
    );
    assert_eq!(pdf::NO_TEXT_LAYER, "no text layer (scanned? run OCR first)");
}

#[test]
fn pdf_text_beside_an_image_is_read() {
    // pdf-extract would parse the image samples as a content stream; the
    // extractor hands it the page without the image.
    let content = stream(
        "",
        b"q 400 0 0 600 100 100 cm /Im1 Do Q\nBT /F1 12 Tf 72 700 Td (Port of Ploce, 2026) Tj ET",
    );
    let bytes = build_pdf(
        &[CATALOG, ONE_PAGE, IMAGE_PAGE, &content, &image(), FONT],
        "",
    );
    let doc = pdf::extract(&bytes).unwrap();
    assert_eq!(doc.text, "Port of Ploce, 2026");
    assert_eq!(doc.page_starts, vec![0]);
    assert_eq!(doc.metadata["pages"], Value::from(1));
    assert_eq!(doc.title, None);
    assert!(!doc.metadata.contains_key("author"));
}

#[test]
fn pdf_page_without_text_starts_where_the_next_text_does() {
    let pages: &[u8] = b"<< /Type /Pages /Kids [3 0 R 5 0 R 7 0 R] /Count 3 >>";
    let page = |contents: u32| {
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
/Resources << /Font << /F1 9 0 R >> >> /Contents {contents} 0 R >>"
        )
        .into_bytes()
    };
    let (p1, p2, p3) = (page(4), page(6), page(8));
    let c1 = stream("", b"BT /F1 12 Tf 72 700 Td (Mostar) Tj ET");
    let c2 = stream("", b"");
    let c3 = stream("", b"BT /F1 12 Tf 72 700 Td (Rijeka) Tj ET");
    let bytes = build_pdf(&[CATALOG, pages, &p1, &c1, &p2, &c2, &p3, &c3, FONT], "");
    let doc = pdf::extract(&bytes).unwrap();
    assert_eq!(doc.text, "Mostar\n\nRijeka");
    assert_eq!(doc.page_starts, vec![0, 8, 8]);
    assert_eq!(doc.metadata["pages"], Value::from(3));
}

#[test]
fn a_panic_in_the_text_extractor_is_an_error() {
    // pdf-extract `expect`s a MediaBox; lopdf reads the page without one.
    let page: &[u8] =
        b"<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>";
    let content = stream("", b"BT /F1 12 Tf 72 700 Td (Tirana) Tj ET");
    let bytes = build_pdf(&[CATALOG, ONE_PAGE, page, &content, FONT], "");
    assert_eq!(
        pdf::extract_without_poppler(&bytes).unwrap_err(),
        "corrupt PDF: page 1: the text extractor failed on its content"
    );
    // Poppler reads the page.
    assert_eq!(pdf::extract(&bytes).unwrap().text, "Tirana");
}

#[test]
fn encrypted_pdf_is_an_error() {
    // Standard security handler, revision 2, with a /U that no empty user
    // password produces: a password-protected file as a parser sees it.
    let encrypt = format!(
        "<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O <{o}> /U <{u}> >>",
        o = "AB".repeat(32),
        u = "CD".repeat(32)
    );
    let content = stream("", b"BT /F1 12 Tf 72 700 Td (secret) Tj ET");
    let page: &[u8] = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>";
    let bytes = build_pdf(
        &[CATALOG, ONE_PAGE, page, &content, FONT, encrypt.as_bytes()],
        &format!("/Encrypt 6 0 R /ID [<{id}> <{id}>]", id = "01".repeat(16)),
    );
    assert_eq!(
        pdf::extract(&bytes).unwrap_err(),
        "encrypted PDF: it needs a password to open"
    );
}

#[test]
fn truncated_pdf_is_corrupt() {
    let bytes = sample("brcko-fuel-corridor.pdf");
    let err = pdf::extract(&bytes[..bytes.len() / 2]).unwrap_err();
    assert_eq!(err, "corrupt PDF: Couldn't read xref table");
}

#[test]
fn random_bytes_behind_a_pdf_header_are_corrupt() {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    let mut state: u32 = 0x1357_9bdf;
    for _ in 0..4096 {
        // xorshift: the same bytes on every run.
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        bytes.push(state as u8);
    }
    assert_eq!(
        pdf::extract(&bytes).unwrap_err(),
        "corrupt PDF: Couldn't read xref table"
    );
    assert_eq!(
        pdf::extract(b"").unwrap_err(),
        "corrupt PDF: Document stream is empty"
    );
}

#[test]
fn pdf_dates_become_iso_8601() {
    let iso = |raw: &str| pdf::pdf_date_to_iso(raw);
    assert_eq!(
        iso("D:20260114093000+01'00'").as_deref(),
        Some("2026-01-14T09:30:00+01:00")
    );
    assert_eq!(
        iso("D:20260114093000-05'30").as_deref(),
        Some("2026-01-14T09:30:00-05:30")
    );
    assert_eq!(
        iso("D:20260114093000Z").as_deref(),
        Some("2026-01-14T09:30:00Z")
    );
    assert_eq!(
        iso("D:202601140930").as_deref(),
        Some("2026-01-14T09:30:00")
    );
    assert_eq!(iso("D:20260114").as_deref(), Some("2026-01-14"));
    assert_eq!(iso("2026").as_deref(), Some("2026"));
    assert_eq!(iso("D:20261314"), None);
    assert_eq!(iso("D:2026011425"), None);
    assert_eq!(iso("14 January 2026"), None);
    assert_eq!(iso("D:20260114093000+1"), None);
}

// --- DOCX sample -------------------------------------------------------------

const DOCX_TEXT: &str = "Payments linked to the Ploče container terminal\n\n\
Between 2021 and 2024, Adriatic Bulk Services d.o.o. paid €640,000 to three consulting firms \
registered in Mostar, Ljubljana and Rijeka. None of the firms had employees at the time.\n\n\
Recipient\tRegistered in\tAmount\n\
Neretva Consulting d.o.o.\tMostar\t€280,000\n\
Alpen Advisory d.o.o.\tLjubljana\t€210,000\n\
Kvarner Projekt j.d.o.o.\tRijeka\t€150,000\n\n\
The director of Adriatic Bulk Services, Goran Šarić, said the contracts paid for market \
studies. Zoran Žeravica, who owns Neretva Consulting, declined to comment.\n\n\
Prepared by:\tIvana Šimić\nDesk:\tZagreb & Mostar\n\n\
Court registry of Mostar, extract of 12 March 2024.";

#[test]
fn docx_sample_text_and_properties() {
    let bytes = sample("ploce-terminal-payments.docx");
    let doc = office::extract_docx(&bytes).unwrap();
    assert_eq!(doc.text, DOCX_TEXT);
    assert_eq!(office::extract(&bytes).unwrap(), doc);
    assert_eq!(
        doc.title.as_deref(),
        Some("Payments linked to the Ploče container terminal")
    );
    assert_eq!(doc.metadata["author"], Value::from("Ivana Šimić"));
    assert_eq!(doc.metadata["created"], Value::from("2026-02-03T08:15:00Z"));
    assert!(doc.page_starts.is_empty());
    let row = doc.text.find("Alpen Advisory").unwrap();
    assert_eq!(
        &doc.text[row..row + 42],
        "Alpen Advisory d.o.o.\tLjubljana\t€210,000"
    );
}

// --- DOCX and ODT built here -------------------------------------------------

fn zip_of(parts: &[(&str, &str)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in parts {
        zip.start_file(*name, zip::write::FileOptions::default())
            .unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

const W_NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006""#;

fn docx(body: &str, extra: &[(&str, &str)]) -> Vec<u8> {
    let document =
        format!(r#"<?xml version="1.0"?><w:document {W_NS}><w:body>{body}</w:body></w:document>"#);
    let mut parts = vec![("word/document.xml", document.as_str())];
    parts.extend_from_slice(extra);
    zip_of(&parts)
}

#[test]
fn docx_runs_tabs_breaks_entities_and_nbsp() {
    let body = r#"
      <w:p><w:r><w:t>Goran Ša</w:t></w:r><w:r><w:t>rić &amp; Partners &lt;d.o.o.&gt;</w:t></w:r></w:p>
      <w:p/>
      <w:p><w:r><w:t xml:space="preserve">Paid </w:t></w:r><w:r><w:t>70&#160;000 KM</w:t><w:tab/><w:t>Ko&#x10D;evje</w:t><w:br/><w:t>second line</w:t></w:r></w:p>
      <w:p><w:r><w:t>old</w:t></w:r><w:del><w:r><w:delText>deleted</w:delText></w:r></w:del><w:r><w:instrText>HYPERLINK "x"</w:instrText></w:r><w:moveFrom><w:r><w:t> moved</w:t></w:r></w:moveFrom><w:moveTo><w:r><w:t> moved</w:t></w:r></w:moveTo></w:p>
      <w:p><w:r><w:t>Text box: </w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>Boxed Marić</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>Boxed Marić</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>
      <w:sdt><w:sdtContent><w:p><w:r><w:t>In a content control</w:t></w:r></w:p></w:sdtContent></w:sdt>
    "#;
    let doc = office::extract_docx(&docx(body, &[])).unwrap();
    assert_eq!(
        doc.text,
        "Goran Šarić & Partners <d.o.o.>\n\n\
Paid 70\u{a0}000 KM\tKočevje\nsecond line\n\n\
old moved\n\n\
Boxed Marić\n\n\
Text box:\n\n\
In a content control"
    );
    assert_eq!(doc.title, None);
    assert!(doc.metadata.is_empty());
}

#[test]
fn docx_tables_and_footnotes() {
    let body = r#"
      <w:p><w:r><w:t>Before.</w:t></w:r><w:r><w:footnoteReference w:id="2"/></w:r></w:p>
      <w:tbl>
        <w:tr><w:tc><w:p><w:r><w:t>Name</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Amount</w:t></w:r></w:p></w:tc></w:tr>
        <w:tr><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr>
        <w:tr><w:tc><w:p><w:r><w:t>Nermin</w:t></w:r></w:p><w:p><w:r><w:t>Hodžić</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>KM 2,000</w:t></w:r></w:p></w:tc></w:tr>
        <w:tr><w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>inner</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>cell</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc><w:tc><w:p><w:r><w:t>€1</w:t></w:r></w:p></w:tc></w:tr>
      </w:tbl>
      <w:p><w:r><w:t>After.</w:t></w:r></w:p>
    "#;
    let footnotes = format!(
        r#"<w:footnotes {W_NS}>
          <w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
          <w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
          <w:footnote w:id="2"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> Court records, Tuzla.</w:t></w:r></w:p><w:p><w:r><w:t>Second paragraph.</w:t></w:r></w:p></w:footnote>
          <w:footnote w:id="3"><w:p><w:r><w:t>USKOK indictment.</w:t></w:r></w:p></w:footnote>
        </w:footnotes>"#
    );
    let core = r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"><dc:title>  </dc:title><dc:creator>Jasmina Ćosić</dc:creator></cp:coreProperties>"#;
    let bytes = docx(
        body,
        &[
            ("word/footnotes.xml", &footnotes),
            ("docProps/core.xml", core),
        ],
    );
    let doc = office::extract_docx(&bytes).unwrap();
    assert_eq!(
        doc.text,
        "Before.\n\n\
Name\tAmount\nNermin Hodžić\tKM 2,000\ninner cell\t€1\n\n\
After.\n\n\
Court records, Tuzla.\n\nSecond paragraph.\n\n\
USKOK indictment."
    );
    assert_eq!(doc.title, None);
    assert_eq!(doc.metadata["author"], Value::from("Jasmina Ćosić"));
    assert!(!doc.metadata.contains_key("created"));
}

#[test]
fn docx_errors() {
    assert_eq!(
        office::extract_docx(b"PK\x03\x04 not really").unwrap_err(),
        "corrupt DOCX: not a zip archive (invalid Zip archive: Invalid zip header)"
    );
    let no_body = zip_of(&[("docProps/core.xml", "<x/>")]);
    assert_eq!(
        office::extract_docx(&no_body).unwrap_err(),
        "corrupt DOCX: word/document.xml is missing"
    );
    let truncated = format!("<w:document {W_NS}><w:body><w:p><w:r><w:t>Gor");
    let bad_xml = zip_of(&[("word/document.xml", &truncated)]);
    assert_eq!(
        office::extract_docx(&bad_xml).unwrap_err(),
        "corrupt DOCX: word/document.xml: the root node was opened but never closed"
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("word/document.xml", zip::write::FileOptions::default())
        .unwrap();
    zip.write_all(b"<w:document>\xe8</w:document>").unwrap();
    let latin2 = zip.finish().unwrap().into_inner();
    assert_eq!(
        office::extract_docx(&latin2).unwrap_err(),
        "corrupt DOCX: word/document.xml is not UTF-8"
    );
    let deep = docx(
        &format!(
            "{}<w:p/>{}",
            "<w:sdt>".repeat(1_001),
            "</w:sdt>".repeat(1_001)
        ),
        &[],
    );
    assert_eq!(
        office::extract_docx(&deep).unwrap_err(),
        "corrupt DOCX: word/document.xml: XML nested deeper than 1000 levels"
    );
    let fine = docx(
        &format!(
            "{}<w:p><w:r><w:t>Bar</w:t></w:r></w:p>{}",
            "<w:sdt>".repeat(990),
            "</w:sdt>".repeat(990)
        ),
        &[],
    );
    assert_eq!(office::extract_docx(&fine).unwrap().text, "Bar");
    let crowded = docx(&format!("<w:p>{}</w:p>", "<w:r/>".repeat(5_000_000)), &[]);
    assert_eq!(
        office::extract_docx(&crowded).unwrap_err(),
        "corrupt DOCX: word/document.xml: nodes limit reached"
    );
    assert_eq!(
        office::extract(b"plain text").unwrap_err(),
        "corrupt DOCX or ODT: not a zip archive (invalid Zip archive: Invalid zip header)"
    );
}

const ODT_NS: &str = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0""#;

#[test]
fn odt_paragraphs_tables_notes_and_meta() {
    let content = format!(
        r#"<office:document-content {ODT_NS}><office:body><office:text>
          <text:sequence-decls><text:sequence-decl text:name="Table"/></text:sequence-decls>
          <text:h text:outline-level="1">Port of Bar</text:h>
          <text:p>Petar   Vukčević<text:s text:c="2"/>said<text:tab/>no.<text:line-break/>Next <text:span>line</text:span> &amp; more&#160;here.<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>Minutes of 3 May.</text:p></text:note-body></text:note></text:p>
          <text:list><text:list-item><text:p>Primorje Gradnja d.o.o.</text:p></text:list-item></text:list>
          <table:table table:name="T1"><table:table-column/>
            <table:table-header-rows><table:table-row><table:table-cell><text:p>Company</text:p></table:table-cell><table:table-cell><text:p>Bid</text:p></table:table-cell></table:table-row></table:table-header-rows>
            <table:table-row><table:table-cell><text:p>Primorje Gradnja</text:p></table:table-cell><table:table-cell><text:p>€7.4 million</text:p></table:table-cell></table:table-row>
          </table:table>
          <text:p><office:annotation><text:p>reviewer comment</text:p></office:annotation>The end.</text:p>
        </office:text></office:body></office:document-content>"#
    );
    let meta = format!(
        r#"<office:document-meta {ODT_NS}><office:meta><dc:title>Port of Bar loans</dc:title><meta:initial-creator>Vladimir Vukčević</meta:initial-creator><meta:creation-date>2026-03-01T10:00:00</meta:creation-date></office:meta></office:document-meta>"#
    );
    let bytes = zip_of(&[
        ("mimetype", "application/vnd.oasis.opendocument.text"),
        ("content.xml", &content),
        ("meta.xml", &meta),
    ]);
    let doc = office::extract_odt(&bytes).unwrap();
    assert_eq!(
        doc.text,
        "Port of Bar\n\n\
Petar Vukčević  said\tno.\nNext line & more\u{a0}here.\n\n\
Primorje Gradnja d.o.o.\n\n\
Company\tBid\nPrimorje Gradnja\t€7.4 million\n\n\
The end.\n\n\
Minutes of 3 May."
    );
    assert_eq!(office::extract(&bytes).unwrap(), doc);
    assert_eq!(doc.title.as_deref(), Some("Port of Bar loans"));
    assert_eq!(doc.metadata["author"], Value::from("Vladimir Vukčević"));
    assert_eq!(doc.metadata["created"], Value::from("2026-03-01T10:00:00"));
}

#[test]
fn odt_errors() {
    let no_content = zip_of(&[("mimetype", "application/vnd.oasis.opendocument.text")]);
    assert_eq!(
        office::extract_odt(&no_content).unwrap_err(),
        "corrupt ODT: content.xml is missing"
    );
    assert_eq!(
        office::extract(&no_content).unwrap_err(),
        "corrupt ODT: content.xml is missing"
    );
    assert_eq!(
        office::extract_odt(b"%PDF-1.4").unwrap_err(),
        "corrupt ODT: not a zip archive (invalid Zip archive: Invalid zip header)"
    );
}

/// A PDF of `n` pages, page k showing "Page k".
fn pdf_of_pages(n: usize) -> Vec<u8> {
    let kids: Vec<String> = (0..n).map(|k| format!("{} 0 R", 4 + 2 * k)).collect();
    let pages = format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" "));
    let mut objects: Vec<Vec<u8>> = vec![CATALOG.to_vec(), pages.into_bytes(), FONT.to_vec()];
    for k in 0..n {
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
/Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                5 + 2 * k
            )
            .into_bytes(),
        );
        objects.push(stream(
            "",
            format!("BT /F1 12 Tf 72 700 Td (Page {}) Tj ET", k + 1).as_bytes(),
        ));
    }
    let objects: Vec<&[u8]> = objects.iter().map(Vec::as_slice).collect();
    build_pdf(&objects, "")
}

#[test]
fn many_pages_take_linear_time() {
    // pdf-extract's per-page entry point rebuilds the page list on every
    // call: 20 000 pages took minutes that way.
    let n = std::env::var("NERPIPE_TEST_PAGES").map_or(20_000, |v| v.parse().unwrap());
    let started = std::time::Instant::now();
    let doc = pdf::extract(&pdf_of_pages(n)).unwrap();
    let elapsed = started.elapsed();
    eprintln!("{n} pages in {elapsed:?}");
    assert_eq!(doc.page_starts.len(), n);
    let last = format!("Page {n}");
    assert!(
        doc.text.ends_with(&format!("\n\n{last}")),
        "{:?}",
        &doc.text[doc.text.len() - 40..]
    );
    assert_eq!(&doc.text[doc.page_starts[n - 1]..], last);
    assert!(elapsed.as_secs() < 30, "{n} pages took {elapsed:?}");
}

#[test]
fn page_without_text_needs_no_media_box() {
    // pdf-extract panics on a page without a MediaBox; a page it has
    // nothing to read on must not fail the file.
    let pages: &[u8] = b"<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >>";
    let text_page: &[u8] = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
/Resources << /Font << /F1 7 0 R >> >> /Contents 4 0 R >>";
    let bare_page: &[u8] = b"<< /Type /Page /Parent 2 0 R /Contents 6 0 R >>";
    let c1 = stream("", b"BT /F1 12 Tf 72 700 Td (Zenica) Tj ET");
    let c2 = stream("", b"0 0 m 10 10 l S");
    let bytes = build_pdf(&[CATALOG, pages, text_page, &c1, bare_page, &c2, FONT], "");
    let doc = pdf::extract(&bytes).unwrap();
    assert_eq!(doc.text, "Zenica");
    assert_eq!(doc.page_starts, vec![0, 6]);
}
