//! A saved web page: the article, not the page.
//!
//! The content is the `<article>` (or `<main>`, or `role=main`) with the most
//! paragraph text; a page without one gets the element whose paragraphs hold
//! the most text (the readability heuristic). Inside it, navigation, scripts,
//! styles, forms, cookie banners, share bars and comment sections are dropped
//! by element and by class/id ([`DROPPED_ELEMENTS`], [`DROPPED_NAMES`]).
//! Block elements become paragraph breaks, inline ones don't break words;
//! runs of ASCII white space become one space, while a no-break space stays
//! (so "70&nbsp;000" is one number).

use super::Extracted;
use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use scraper::{Html, Node, Selector};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// Elements whose content is never article text.
const DROPPED_ELEMENTS: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "nav", "aside", "footer", "form", "button",
    "iframe", "select", "textarea", "object", "embed", "canvas", "dialog",
];

/// Class or id fragments of page furniture around an article.
const DROPPED_NAMES: &[&str] = &[
    "comment",
    "cookie",
    "consent",
    "banner",
    "share",
    "social",
    "related",
    "promo",
    "newsletter",
    "subscribe",
    "advert",
    "sidebar",
    "menu",
    "breadcrumb",
    "navigation",
    "footer",
    "masthead",
    "popup",
    "modal",
    "paywall",
    "recommend",
    "trending",
];

/// Elements that end a paragraph.
const BLOCK_ELEMENTS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "figure",
    "figcaption",
    "address",
    "hr",
    "details",
    "summary",
    "caption",
];

/// Table cells: separated by a tab within their row.
const CELL_ELEMENTS: &[&str] = &["td", "th"];

/// Meta tags that carry the publication date, most specific first.
const DATE_META: &[&str] = &[
    "article:published_time",
    "og:published_time",
    "datePublished",
    "pubdate",
    "publishdate",
    "date",
    "DC.date.issued",
    "dcterms.date",
];

/// The article text of an HTML page (UTF-8, or the charset its `<meta>`
/// names), its title and publication date.
pub fn extract(bytes: &[u8]) -> Result<Extracted, String> {
    let (source, encoding, declared) = decode(bytes)?;
    let page = Html::parse_document(&source);
    let index = PageIndex::new(&page);
    let root = content_root(&page, &index);
    let mut text = text_of(root);
    let title = title_of(&page, &index);
    if let Some(t) = &title {
        // Sites put the headline above the article element: keep it in the
        // text, where the model can read it.
        if !text.contains(t.as_str()) {
            text = format!("{t}\n\n{text}");
        }
    }
    let mut extracted = Extracted {
        title,
        text,
        encoding: Some(encoding.to_string()),
        ..Extracted::default()
    };
    if let Some(date) = published(&page) {
        extracted
            .metadata
            .insert("published".into(), Value::String(date));
    }
    if let Some(label) = declared {
        extracted
            .metadata
            .insert("charset_declared".into(), Value::String(label));
    }
    Ok(extracted)
}

/// The page source as text: UTF-8, else the `<meta charset>` it declares
/// (windows-1250 and ISO-8859-2 are common on the region's older sites).
/// A declaration the bytes contradict is not trusted: a `<meta>` naming
/// UTF-16 (it was read as ASCII, so the page is not UTF-16; the HTML
/// standard takes it as UTF-8), or a charset the bytes do not decode in,
/// falls back to detection as for plain text, and the declared label comes
/// back third (documents keep it in metadata `charset_declared`).
fn decode(bytes: &[u8]) -> Result<(String, &'static str, Option<String>), String> {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.trim_start_matches('\u{feff}').to_string(), "utf-8", None));
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_ascii_lowercase();
    let label = head.split("charset=").nth(1).map(|rest| {
        rest.trim_start_matches(['"', '\''])
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .next()
            .unwrap_or("")
            .to_string()
    });
    let Some((label, encoding)) =
        label.and_then(|l| Some((l.clone(), encoding_rs::Encoding::for_label(l.as_bytes())?)))
    else {
        return Err("HTML page is not UTF-8 and declares no known charset in a <meta> tag".into());
    };
    if encoding != encoding_rs::UTF_16LE && encoding != encoding_rs::UTF_16BE {
        let (text, _, had_errors) = encoding.decode(bytes);
        if !had_errors {
            return Ok((
                text.into_owned(),
                super::text::encoding_name(encoding),
                None,
            ));
        }
    }
    let (text, detected) = super::text::decode(bytes).map_err(|e| {
        format!("HTML page does not decode as the {label} it declares, nor as detected: {e}")
    })?;
    Ok((text, detected, Some(label)))
}

fn element_name(node: NodeRef<'_, Node>) -> Option<&str> {
    node.value().as_element().map(|e| e.name())
}

/// Page furniture: a dropped element, or one whose class or id names it.
fn is_dropped(node: NodeRef<'_, Node>) -> bool {
    let Some(element) = node.value().as_element() else {
        return false;
    };
    if DROPPED_ELEMENTS.contains(&element.name()) {
        return true;
    }
    if element.attr("hidden").is_some() || element.attr("aria-hidden") == Some("true") {
        return true;
    }
    let names = format!(
        "{} {}",
        element.attr("class").unwrap_or(""),
        element.attr("id").unwrap_or("")
    )
    .to_ascii_lowercase();
    DROPPED_NAMES.iter().any(|n| names.contains(n))
}

/// What the article search asks of every node, found in one walk over the
/// page: walking each paragraph's ancestors or each landmark's subtree is
/// quadratic on deeply nested pages.
#[derive(Default)]
struct PageIndex {
    /// Nodes inside page furniture (a strict ancestor [`is_dropped`]).
    under_dropped: HashSet<NodeId>,
    /// Per element: the text length of the paragraphs under it (or of
    /// itself, a `<p>`), furniture below it left out.
    paragraph_chars: HashMap<NodeId, usize>,
    /// Per element: the length of all the text under it.
    text_chars: HashMap<NodeId, usize>,
}

impl PageIndex {
    fn new(page: &Html) -> Self {
        let mut index = PageIndex::default();
        // Per open node: whether it is furniture, or inside some, and the
        // text below it so far: in paragraphs, outside them, in all.
        struct Open {
            furniture: bool,
            dropped: bool,
            in_paragraphs: usize,
            outside: usize,
            all: usize,
        }
        let mut stack: Vec<Open> = Vec::new();
        for edge in page.tree.root().traverse() {
            match edge {
                Edge::Open(n) => {
                    let above = stack.last().is_some_and(|o| o.dropped);
                    if above {
                        index.under_dropped.insert(n.id());
                    }
                    let furniture = is_dropped(n);
                    stack.push(Open {
                        furniture,
                        dropped: above || furniture,
                        in_paragraphs: 0,
                        outside: 0,
                        all: 0,
                    });
                }
                Edge::Close(n) => {
                    let Some(mut own) = stack.pop() else { continue };
                    match n.value() {
                        Node::Text(t) => {
                            own.outside = t.trim().chars().count();
                            own.all = own.outside;
                        }
                        Node::Element(e) => {
                            if e.name() == "p" {
                                own.in_paragraphs += std::mem::take(&mut own.outside);
                            }
                            index.paragraph_chars.insert(n.id(), own.in_paragraphs);
                            index.text_chars.insert(n.id(), own.all);
                        }
                        _ => {}
                    }
                    if let Some(parent) = stack.last_mut() {
                        parent.all += own.all;
                        // Furniture counts for no paragraph around it.
                        if !own.furniture {
                            parent.in_paragraphs += own.in_paragraphs;
                            parent.outside += own.outside;
                        }
                    }
                }
            }
        }
        index
    }

    fn paragraph_chars(&self, node: NodeRef<'_, Node>) -> usize {
        self.paragraph_chars.get(&node.id()).copied().unwrap_or(0)
    }

    fn text_chars(&self, node: NodeRef<'_, Node>) -> usize {
        self.text_chars.get(&node.id()).copied().unwrap_or(0)
    }
}

/// The element that holds the article.
fn content_root<'a>(page: &'a Html, index: &PageIndex) -> NodeRef<'a, Node> {
    let landmarks = Selector::parse("article, main, [role=main]").expect("valid selector");
    let best_landmark = page
        .select(&landmarks)
        .map(|e| (index.paragraph_chars(*e), *e))
        .filter(|(chars, _)| *chars > 0)
        .max_by_key(|(chars, _)| *chars);
    if let Some((_, node)) = best_landmark {
        return node;
    }
    // Readability: each paragraph's text counts for its parent, half for the
    // grandparent; the best-scoring container is the article.
    let paragraphs = Selector::parse("p").expect("valid selector");
    let mut scores: HashMap<NodeId, usize> = Default::default();
    for p in page.select(&paragraphs) {
        if index.under_dropped.contains(&p.id()) {
            continue;
        }
        let chars = index.text_chars(*p);
        if let Some(parent) = p.parent() {
            *scores.entry(parent.id()).or_default() += 2 * chars;
            if let Some(grandparent) = parent.parent() {
                *scores.entry(grandparent.id()).or_default() += chars;
            }
        }
    }
    scores
        .into_iter()
        .max_by_key(|(id, score)| (*score, std::cmp::Reverse(*id)))
        .and_then(|(id, _)| page.tree.get(id))
        .unwrap_or_else(|| *page.root_element())
}

/// The text under `root`: blocks separated by a blank line, `<br>` a line
/// break, table cells by a tab.
fn text_of(root: NodeRef<'_, Node>) -> String {
    let mut text = TextWriter::default();
    let mut skipping: Option<ego_tree::NodeId> = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(n) if skipping.is_none() => match n.value() {
                Node::Element(_) if n != root && is_dropped(n) => skipping = Some(n.id()),
                Node::Element(e) => text.open(e.name()),
                Node::Text(t) => text.text(t),
                _ => {}
            },
            Edge::Close(n) if skipping == Some(n.id()) => skipping = None,
            Edge::Close(n) if skipping.is_none() => {
                if let Some(name) = element_name(n) {
                    text.close(name);
                }
            }
            _ => {}
        }
    }
    text.out.trim_end().to_string()
}

/// The text [`text_of`] writes, element by element: HTML's whitespace
/// collapses to one space between words (owed in `pending_space` until the
/// next word, so none ends a line), except inside `<pre>`, which keeps it.
#[derive(Default)]
struct TextWriter {
    out: String,
    /// `<pre>` elements open around the current node.
    pre: usize,
    pending_space: bool,
}

impl TextWriter {
    /// Ends a paragraph: spaces and tabs at the end of the text are dropped,
    /// and it ends in a blank line (once, however many blocks close).
    fn paragraph_break(&mut self) {
        let out = &mut self.out;
        let trimmed = out.trim_end_matches([' ', '\t']).len();
        out.truncate(trimmed);
        if !out.is_empty() && !out.ends_with("\n\n") {
            out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
        }
        self.pending_space = false;
    }

    /// An element opens: a block starts a paragraph, `<br>` a line, a table
    /// cell a tab (except the row's first).
    fn open(&mut self, name: &str) {
        if BLOCK_ELEMENTS.contains(&name) {
            self.paragraph_break();
        } else if name == "br" {
            let trimmed = self.out.trim_end_matches(' ').len();
            self.out.truncate(trimmed);
            self.out.push('\n');
            self.pending_space = false;
        } else if CELL_ELEMENTS.contains(&name) && !self.out.is_empty() && !self.out.ends_with('\n')
        {
            self.out.push('\t');
            self.pending_space = false;
        }
        if name == "pre" {
            self.pre += 1;
        }
    }

    /// An element closes: a block ends its paragraph, a table row its line.
    fn close(&mut self, name: &str) {
        if BLOCK_ELEMENTS.contains(&name) {
            self.paragraph_break();
        } else if name == "tr" {
            self.out.push('\n');
        }
        if name == "pre" {
            self.pre = self.pre.saturating_sub(1);
        }
    }

    /// A text node: as it is inside `<pre>`, else its words one space apart.
    fn text(&mut self, t: &str) {
        if self.pre > 0 {
            self.out.push_str(t);
            return;
        }
        for (i, piece) in t.split([' ', '\t', '\n', '\r', '\x0c']).enumerate() {
            if i > 0 {
                self.pending_space = true;
            }
            if piece.is_empty() {
                continue;
            }
            if self.pending_space
                && !self.out.is_empty()
                && !self.out.ends_with(['\n', ' ', '\t', '\u{a0}'])
            {
                self.out.push(' ');
            }
            self.pending_space = false;
            self.out.push_str(piece);
        }
    }
}

fn meta_content<'a>(page: &'a Html, names: &[&str]) -> Option<&'a str> {
    let metas = Selector::parse("meta").expect("valid selector");
    names.iter().find_map(|name| {
        page.select(&metas).find_map(|m| {
            let e = m.value();
            let key = e
                .attr("property")
                .or_else(|| e.attr("name"))
                .or_else(|| e.attr("itemprop"))?;
            (key.eq_ignore_ascii_case(name))
                .then(|| e.attr("content"))
                .flatten()
                .map(str::trim)
                .filter(|c| !c.is_empty())
        })
    })
}

/// `og:title`, else the first `<h1>`, else `<title>`: a page title often
/// carries the site's name ("… | Daily News"), the other two don't.
fn title_of(page: &Html, index: &PageIndex) -> Option<String> {
    let collapse = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(t) = meta_content(page, &["og:title"]) {
        return Some(collapse(t));
    }
    for selector in ["h1", "title"] {
        let sel = Selector::parse(selector).expect("valid selector");
        if let Some(e) = page
            .select(&sel)
            .find(|e| !index.under_dropped.contains(&e.id()))
        {
            let t = collapse(&e.text().collect::<String>());
            if !t.is_empty() {
                return Some(t);
            }
        }
    }
    None
}

/// The publication date from the usual meta tags, else the first
/// `<time datetime>`.
fn published(page: &Html) -> Option<String> {
    if let Some(d) = meta_content(page, DATE_META) {
        return Some(d.to_string());
    }
    let times = Selector::parse("time[datetime]").expect("valid selector");
    page.select(&times)
        .find_map(|t| t.value().attr("datetime"))
        .map(|d| d.trim().to_string())
        .filter(|d| !d.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!doctype html><html><head>
<title>Port of Bar raid | Balkan Wire</title>
<meta property="og:title" content="Police raid the Port of Bar">
<meta property="article:published_time" content="2024-03-05T09:30:00+01:00">
<script>var editor = "Marko Planted";</script><style>.x{}</style></head>
<body><nav><a href="/">Home</a> <a>Ana Navigacija</a></nav>
<div class="cookie-banner">We use cookies. Contact Petar Kolačić.</div>
<article><h1>Police raid the Port of Bar</h1>
<p>Police in <b>Bar</b> seized 70&nbsp;000 phones on <i>Tuesday</i>,
said Darko Šarić's lawyer.</p>
<p>Cus<span>toms</span> officers<br>found more.</p>
<table><tr><td>Name</td><td>Role</td></tr><tr><td>Ivan Horvat</td><td>courier</td></tr></table>
<div class="share-bar">Share on X</div></article>
<section id="comments"><p>Great work! — Goran Komentar</p></section>
<footer>© Balkan Wire, Zoran Footer</footer></body></html>"#;

    #[test]
    fn article_text_without_the_page() {
        let e = extract(PAGE.as_bytes()).unwrap();
        assert_eq!(e.title.as_deref(), Some("Police raid the Port of Bar"));
        assert_eq!(
            e.text,
            "Police raid the Port of Bar\n\nPolice in Bar seized 70\u{a0}000 phones on Tuesday, said Darko Šarić's lawyer.\n\nCustoms officers\nfound more.\n\nName\tRole\nIvan Horvat\tcourier"
        );
        assert_eq!(
            e.metadata.get("published"),
            Some(&Value::String("2024-03-05T09:30:00+01:00".into()))
        );
        for planted in [
            "Marko Planted",
            "Ana Navigacija",
            "Petar Kolačić",
            "Goran Komentar",
            "Zoran Footer",
            "Share",
        ] {
            assert!(!e.text.contains(planted), "{planted} leaked");
        }
    }

    #[test]
    fn a_page_without_article_element_uses_its_densest_block() {
        let page = "<html><body><div id='menu'><p>Home News Sport</p></div>\
            <div class='story'><p>First paragraph of the story, long enough to count.</p>\
            <p>Second paragraph names Ivan Horvat.</p></div>\
            <div class='comments'><p>A comment that is long, long, long, long, long, long, long.</p></div></body></html>";
        let e = extract(page.as_bytes()).unwrap();
        assert_eq!(
            e.text,
            "First paragraph of the story, long enough to count.\n\nSecond paragraph names Ivan Horvat."
        );
    }

    #[test]
    fn a_declared_legacy_charset_is_decoded() {
        let mut page = b"<html><head><meta charset=\"windows-1250\"></head><body><p>".to_vec();
        page.extend_from_slice(&[0x8A, 0x61, 0x72, 0x69, 0xE6]); // "Šarić" in cp1250
        page.extend_from_slice(b"</p></body></html>");
        assert_eq!(extract(&page).unwrap().text, "Šarić");
        let err = extract(&[0x3C, 0x70, 0x3E, 0xFF, 0xFE, 0x8A]).unwrap_err();
        assert_eq!(
            err,
            "HTML page is not UTF-8 and declares no known charset in a <meta> tag"
        );
    }

    #[test]
    fn a_charset_the_bytes_contradict_is_not_trusted() {
        let sentence = "Darko Šarić i Zoran Đurić sreli su se u Čačku, a ženu šćućurenu na klupi nitko nije vidio. ";
        let text = sentence.repeat(4);
        let (cp1250, _, _) = encoding_rs::WINDOWS_1250.encode(&text);
        for declared in ["utf-16", "utf-8"] {
            let mut page =
                format!("<html><head><meta charset=\"{declared}\"></head><body><p>").into_bytes();
            page.extend_from_slice(&cp1250);
            page.extend_from_slice(b"</p></body></html>");
            let e = extract(&page).unwrap();
            assert_eq!(e.text, text.trim_end(), "{declared}");
            assert_eq!(e.encoding.as_deref(), Some("windows-1250"));
            assert_eq!(e.metadata["charset_declared"], Value::from(declared));
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let page = format!(
            "{}<p>Deep text</p>{}",
            "<div>".repeat(20000),
            "</div>".repeat(20000)
        );
        assert!(extract(page.as_bytes()).unwrap().text.contains("Deep text"));
    }

    /// `depth` levels of `<tag>`, each with a paragraph of its own.
    fn nested_with_paragraphs(tag: &str, depth: usize) -> String {
        format!(
            "<!doctype html><title>Deep</title>{}{}",
            format!("<{tag} class=\"x\"><p>Zoran Đurić u Beogradu.</p>").repeat(depth),
            format!("</{tag}>").repeat(depth)
        )
    }

    #[test]
    fn deep_blocks_with_paragraphs_take_linear_time() {
        // Every paragraph and landmark used to walk its ancestors or its
        // whole subtree: 20 000 levels took minutes.
        let depth = std::env::var("NERPIPE_TEST_DEPTH").map_or(20_000, |v| v.parse().unwrap());
        for tag in ["div", "article", "section"] {
            let page = nested_with_paragraphs(tag, depth);
            let started = std::time::Instant::now();
            let doc = extract(page.as_bytes()).unwrap();
            let elapsed = started.elapsed();
            eprintln!("{tag} x {depth} in {elapsed:?}");
            assert_eq!(
                doc.text.matches("Zoran Đurić u Beogradu.").count(),
                depth,
                "{tag}"
            );
            assert!(elapsed.as_secs() < 30, "{tag} x {depth} took {elapsed:?}");
        }
    }
}
