//! DOCX and ODT: paragraphs, tables as tab-separated rows, footnotes at the
//! end, title/author/created from the document properties.
//!
//! Both are zip archives of XML parts; roxmltree reads each part (entities
//! decoded, U+00A0 left as it is). Elements are matched by namespace and
//! local name, so prefixes other than the usual `w:`/`text:` work too.

use std::io::{Cursor, Read};

use roxmltree::{Document, Node};
use serde_json::{Map, Value};
use zip::ZipArchive;

use super::Extracted;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const MC: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";
const DC: &str = "http://purl.org/dc/elements/1.1/";
const DCTERMS: &str = "http://purl.org/dc/terms/";
const OFFICE: &str = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";
const TEXT: &str = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
const TABLE: &str = "urn:oasis:names:tc:opendocument:xmlns:table:1.0";
const META: &str = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0";

/// The most one XML part may inflate to: a zip bomb is an error row, not an
/// out-of-memory abort.
const MAX_PART_BYTES: u64 = 256 << 20;

/// A DOCX or an ODT, told apart by what the archive holds
/// (`word/document.xml`, or `content.xml` with an OpenDocument `mimetype`).
/// Errors name the format found; bytes that are no zip at all give
/// "corrupt DOCX or ODT: ...".
pub fn extract(bytes: &[u8]) -> Result<Extracted, String> {
    let zip = ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("corrupt DOCX or ODT: not a zip archive ({e})"))?;
    let names: Vec<&str> = zip.file_names().collect();
    if !names.contains(&"word/document.xml")
        && (names.contains(&"content.xml") || names.contains(&"mimetype"))
    {
        extract_odt(bytes)
    } else {
        extract_docx(bytes)
    }
}

/// A Word document (.docx): `word/document.xml`, then the footnotes and
/// endnotes, each its own paragraph; `docProps/core.xml` for the title
/// (`dc:title`), `author` (`dc:creator`) and `created` (`dcterms:created`).
pub fn extract_docx(bytes: &[u8]) -> Result<Extracted, String> {
    let fail = |e: String| format!("corrupt DOCX: {e}");
    let mut zip = ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| fail(format!("not a zip archive ({e})")))?;
    let body = read_part(&mut zip, "word/document.xml")
        .map_err(fail)?
        .ok_or_else(|| fail("word/document.xml is missing".to_string()))?;
    let body = parse(&body, "word/document.xml").map_err(fail)?;
    let mut blocks = Vec::new();
    docx_blocks(body.root_element(), &mut blocks);
    for part in ["word/footnotes.xml", "word/endnotes.xml"] {
        let Some(xml) = read_part(&mut zip, part).map_err(fail)? else {
            continue;
        };
        let notes = parse(&xml, part).map_err(fail)?;
        for note in notes.root_element().children() {
            // Separator and continuation notes are rules, not text.
            let is_note = is(note, W, "footnote") || is(note, W, "endnote");
            if is_note && note.attribute((W, "type")).is_none() {
                docx_blocks(note, &mut blocks);
            }
        }
    }

    let mut extracted = Extracted {
        text: join_blocks(blocks),
        ..Extracted::default()
    };
    if let Ok(Some(xml)) = read_part(&mut zip, "docProps/core.xml") {
        // Properties are a bonus: unreadable ones leave the text standing.
        if let Ok(core) = Document::parse(&xml) {
            let root = core.root_element();
            extracted.title = child_text(root, DC, "title");
            insert(
                &mut extracted.metadata,
                "author",
                child_text(root, DC, "creator"),
            );
            insert(
                &mut extracted.metadata,
                "created",
                child_text(root, DCTERMS, "created"),
            );
        }
    }
    Ok(extracted)
}

/// An OpenDocument text (.odt): `content.xml` paragraphs, headings and
/// tables, notes at the end; `meta.xml` for title, author and created.
pub fn extract_odt(bytes: &[u8]) -> Result<Extracted, String> {
    let fail = |e: String| format!("corrupt ODT: {e}");
    let mut zip = ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| fail(format!("not a zip archive ({e})")))?;
    let content = read_part(&mut zip, "content.xml")
        .map_err(fail)?
        .ok_or_else(|| fail("content.xml is missing".to_string()))?;
    let content = parse(&content, "content.xml").map_err(fail)?;
    let mut blocks = Vec::new();
    let mut notes = Vec::new();
    if let Some(body) = content
        .root_element()
        .children()
        .find(|n| is(*n, OFFICE, "body"))
    {
        odt_blocks(body, &mut blocks, &mut notes);
    }
    blocks.append(&mut notes);

    let mut extracted = Extracted {
        text: join_blocks(blocks),
        ..Extracted::default()
    };
    if let Ok(Some(xml)) = read_part(&mut zip, "meta.xml") {
        if let Ok(meta) = Document::parse(&xml) {
            if let Some(meta) = meta.descendants().find(|n| is(*n, OFFICE, "meta")) {
                extracted.title = child_text(meta, DC, "title");
                let author = child_text(meta, DC, "creator")
                    .or_else(|| child_text(meta, META, "initial-creator"));
                insert(&mut extracted.metadata, "author", author);
                insert(
                    &mut extracted.metadata,
                    "created",
                    child_text(meta, META, "creation-date"),
                );
            }
        }
    }
    Ok(extracted)
}

/// One part of the archive as UTF-8 text; `None` where it is absent.
fn read_part(zip: &mut ZipArchive<Cursor<&[u8]>>, name: &str) -> Result<Option<String>, String> {
    let file = match zip.by_name(name) {
        Ok(file) => file,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(format!("{name}: {e}")),
    };
    let mut bytes = Vec::new();
    file.take(MAX_PART_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{name}: {e}"))?;
    if bytes.len() as u64 > MAX_PART_BYTES {
        return Err(format!("{name} inflates to more than 256 MiB"));
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| format!("{name} is not UTF-8"))
}

/// Deeper than this, a part is refused: the text walks recurse once per
/// level, and real documents nest a few dozen levels.
const MAX_XML_DEPTH: usize = 1_000;
/// More nodes than this, a part is refused before it is held in memory
/// (a 253 KB DOCX can carry 62 million).
const MAX_XML_NODES: u32 = 5_000_000;

fn parse<'a>(xml: &'a str, name: &str) -> Result<Document<'a>, String> {
    if xml_depth(xml) > MAX_XML_DEPTH {
        return Err(format!(
            "{name}: XML nested deeper than {MAX_XML_DEPTH} levels"
        ));
    }
    let options = roxmltree::ParsingOptions {
        nodes_limit: MAX_XML_NODES,
        ..roxmltree::ParsingOptions::default()
    };
    Document::parse_with_options(xml, options).map_err(|e| format!("{name}: {e}"))
}

/// The deepest element nesting of `xml`, counted on the tags alone (one
/// pass, no recursion); comments, declarations and CDATA count for nothing.
fn xml_depth(xml: &str) -> usize {
    let bytes = xml.as_bytes();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while let Some(at) = bytes[i..].iter().position(|&b| b == b'<') {
        let start = i + at;
        let close = bytes[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(bytes.len(), |e| start + e);
        match bytes.get(start + 1) {
            Some(b'/') => depth = depth.saturating_sub(1),
            Some(b'?' | b'!') => {}
            _ if close > 0 && bytes.get(close - 1) == Some(&b'/') => {}
            _ => {
                depth += 1;
                deepest = deepest.max(depth);
            }
        }
        i = close.min(bytes.len() - 1) + 1;
        if close >= bytes.len() {
            break;
        }
    }
    deepest
}

fn is(node: Node, namespace: &str, name: &str) -> bool {
    let tag = node.tag_name();
    node.is_element() && tag.name() == name && tag.namespace() == Some(namespace)
}

/// The trimmed text of the first `namespace:name` child; `None` when empty.
fn child_text(parent: Node, namespace: &str, name: &str) -> Option<String> {
    let node = parent.children().find(|n| is(*n, namespace, name))?;
    let text: String = node
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect();
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

fn insert(metadata: &mut Map<String, Value>, key: &str, value: Option<String>) {
    if let Some(value) = value {
        metadata.insert(key.to_string(), Value::String(value));
    }
}

/// Paragraphs and tables, each a block; blocks without text dropped (Word
/// spaces with empty paragraphs).
fn join_blocks(blocks: Vec<String>) -> String {
    let blocks: Vec<String> = blocks
        .into_iter()
        .filter(|b| !b.trim().is_empty())
        .collect();
    blocks.join("\n\n")
}

/// Trims layout whitespace at a paragraph's ends but not U+00A0, which is
/// part of the text ("70\u{a0}000").
fn trim_layout(text: &str) -> &str {
    text.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
}

// --- DOCX --------------------------------------------------------------------

/// The paragraphs and tables under `node`, in order.
fn docx_blocks(node: Node, blocks: &mut Vec<String>) {
    for child in node.children().filter(Node::is_element) {
        if is(child, W, "p") {
            let mut text = String::new();
            docx_inline(child, &mut text, blocks);
            blocks.push(trim_layout(&text).to_string());
        } else if is(child, W, "tbl") {
            let rows = docx_rows(child);
            if !rows.is_empty() {
                blocks.push(rows.join("\n"));
            }
        } else if !skipped(child) {
            // Containers: w:body, w:sdt, w:sdtContent, w:customXml, ...
            docx_blocks(child, blocks);
        }
    }
}

/// Subtrees that repeat or hide text: the fallback copy of a text box
/// (mc:Fallback repeats mc:Choice), deleted revisions, the old place of
/// moved text (w:moveTo holds it), field codes.
fn skipped(node: Node) -> bool {
    is(node, MC, "Fallback")
        || is(node, W, "del")
        || is(node, W, "moveFrom")
        || is(node, W, "instrText")
}

/// The text of a paragraph's runs; paragraphs nested in it (text boxes)
/// become blocks of their own.
fn docx_inline(node: Node, text: &mut String, blocks: &mut Vec<String>) {
    for child in node.children() {
        if let Some(t) = child.text().filter(|_| child.is_text()) {
            if is(node, W, "t") {
                text.push_str(t);
            }
            continue;
        }
        if !child.is_element() || skipped(child) {
            continue;
        }
        if child.tag_name().namespace() == Some(W) {
            match child.tag_name().name() {
                "tab" => text.push('\t'),
                "br" | "cr" => text.push('\n'),
                "noBreakHyphen" => text.push('-'),
                "txbxContent" => {
                    docx_blocks(child, blocks);
                    continue;
                }
                _ => {}
            }
        }
        docx_inline(child, text, blocks);
    }
}

/// The rows of a table, cells joined by a tab; rows without text dropped.
fn docx_rows(table: Node) -> Vec<String> {
    let mut rows = Vec::new();
    for row in table.descendants().filter(|n| is(*n, W, "tr")) {
        // Rows of a table nested in a cell belong to that cell's text.
        if row.ancestors().skip(1).find(|n| is(*n, W, "tbl")) != Some(table) {
            continue;
        }
        let cells: Vec<String> = row
            .descendants()
            .filter(|n| is(*n, W, "tc"))
            .filter(|cell| cell.ancestors().skip(1).find(|n| is(*n, W, "tr")) == Some(row))
            .map(|cell| {
                let mut paragraphs = Vec::new();
                docx_blocks(cell, &mut paragraphs);
                one_line(paragraphs)
            })
            .collect();
        if cells.iter().any(|c| !c.is_empty()) {
            rows.push(cells.join("\t"));
        }
    }
    rows
}

/// A cell's paragraphs on one line, so that a row stays one line.
fn one_line(paragraphs: Vec<String>) -> String {
    let parts: Vec<String> = paragraphs
        .iter()
        .map(|p| {
            p.split(['\n', '\t'])
                .map(trim_layout)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|p| !p.is_empty())
        .collect();
    parts.join(" ")
}

// --- ODT ---------------------------------------------------------------------

/// The paragraphs, headings and tables under `node`; note bodies go to
/// `notes`.
fn odt_blocks(node: Node, blocks: &mut Vec<String>, notes: &mut Vec<String>) {
    for child in node.children().filter(Node::is_element) {
        if is(child, TEXT, "p") || is(child, TEXT, "h") {
            let mut text = String::new();
            odt_inline(child, &mut text, blocks, notes);
            blocks.push(trim_layout(&text).to_string());
        } else if is(child, TABLE, "table") {
            let rows = odt_rows(child, notes);
            if !rows.is_empty() {
                blocks.push(rows.join("\n"));
            }
        } else if !odt_skipped(child) {
            // Containers: office:text, text:list, text:list-item, text:section, ...
            odt_blocks(child, blocks, notes);
        }
    }
}

/// Comments, tracked deletions and the field declarations hold no body text.
fn odt_skipped(node: Node) -> bool {
    is(node, OFFICE, "annotation")
        || is(node, TEXT, "tracked-changes")
        || is(node, TEXT, "note-citation")
        || is(node, TEXT, "sequence-decls")
        || is(node, TABLE, "covered-table-cell")
}

fn odt_inline(node: Node, text: &mut String, blocks: &mut Vec<String>, notes: &mut Vec<String>) {
    for child in node.children() {
        if child.is_text() {
            collapse_spaces(child.text().unwrap_or_default(), text);
            continue;
        }
        if !child.is_element() || odt_skipped(child) {
            continue;
        }
        if is(child, TEXT, "s") {
            // <text:s text:c="3"/> stands for three spaces; the cap keeps a
            // hostile count from allocating without bound.
            let count = child
                .attribute((TEXT, "c"))
                .and_then(|c| c.parse::<usize>().ok())
                .unwrap_or(1);
            text.extend(std::iter::repeat_n(' ', count.min(1024)));
        } else if is(child, TEXT, "tab") {
            text.push('\t');
        } else if is(child, TEXT, "line-break") {
            text.push('\n');
        } else if is(child, TEXT, "note-body") {
            odt_blocks(child, notes, &mut Vec::new());
        } else if child.tag_name().name() == "text-box" {
            odt_blocks(child, blocks, notes);
        } else {
            odt_inline(child, text, blocks, notes);
        }
    }
}

/// ODF collapses runs of XML whitespace in text to one space (text:s,
/// text:tab and text:line-break carry the deliberate ones).
fn collapse_spaces(raw: &str, text: &mut String) {
    let mut in_space = false;
    for c in raw.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r') {
            if !in_space {
                text.push(' ');
            }
            in_space = true;
        } else {
            text.push(c);
            in_space = false;
        }
    }
}

fn odt_rows(table: Node, notes: &mut Vec<String>) -> Vec<String> {
    let mut rows = Vec::new();
    for row in table.descendants().filter(|n| is(*n, TABLE, "table-row")) {
        if row.ancestors().skip(1).find(|n| is(*n, TABLE, "table")) != Some(table) {
            continue;
        }
        let cells: Vec<String> = row
            .children()
            .filter(|n| is(*n, TABLE, "table-cell"))
            .map(|cell| {
                let mut paragraphs = Vec::new();
                odt_blocks(cell, &mut paragraphs, notes);
                one_line(paragraphs)
            })
            .collect();
        if cells.iter().any(|c| !c.is_empty()) {
            rows.push(cells.join("\t"));
        }
    }
    rows
}
