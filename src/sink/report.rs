//! `<out>/report/`: a static review site for a run, opened from disk with no
//! network requests (inline CSS and JS, a Content-Security-Policy that allows
//! nothing else).
//!
//! - `index.html`: a sortable, filterable entity table. Its rows come from
//!   `data/entities-NNNN.js` (at most [`TABLE_CHUNK`] entities each) and are
//!   shown a page at a time, so 10 000 documents never make one huge page.
//! - `entities/NNNN.html`: entity detail pages (a bounded number of entities
//!   each), linking every entity to the documents and mentions it occurs in.
//! - `docs/N.html`: one page per document (N = position in the run, never the
//!   doc_id, which may hold any character), the text with its mentions
//!   highlighted by label; each mention links to its entity.
//! - `docs/list-NNNN.html`: the document list, failed documents included.
//!
//! All text from documents and entities is HTML-escaped; document and entity
//! pages run no script at all. The site is built in a temporary folder and
//! renamed into place.

use crate::atomic::TempPath;
use crate::doc::Label;
use crate::doc::{Entity, Mention};
use crate::sink::read::{
    check_offsets, read_documents, read_entities, DocumentsWithMentions, RunInfo,
};
use crate::sink::schema::value_real;
use anyhow::Context;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

/// Entities per data file of the index table.
pub const TABLE_CHUNK: usize = 2000;
/// Entities per entity page, and documents listed on one page at most.
const ENTITY_PAGE_ENTITIES: usize = 200;
const ENTITY_PAGE_LINKS: usize = 5000;
/// Documents listed per entity on its entity page; the rest are counted.
const ENTITY_DOC_CAP: usize = 1000;
/// Rows per page of the document list.
const DOC_LIST_PAGE: usize = 1000;

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// JSON that is also safe inside HTML `<script>` (no `<`, `>`, `&`, or JS line
/// terminators left as they are).
fn script_json(value: &serde_json::Value) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "null".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

const CSS: &str = r#"
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#263238;color:#fff;padding:.6rem 1.2rem}header a{color:#cfe8fc;margin-right:1rem}
main{padding:1rem 1.2rem;max-width:75rem}
h1{font-size:1.4rem;margin:.4rem 0}h2{font-size:1.1rem;margin:1.4rem 0 .3rem}
table{border-collapse:collapse;background:#fff;font-size:.9rem}
th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#eceff1;position:sticky;top:0}th.sort{cursor:pointer;user-select:none}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.meta{color:#555;font-size:.9rem}.warn{background:#fff3cd;border:1px solid #e0c36a;padding:.5rem;margin:.5rem 0}
.text{white-space:pre-wrap;line-height:2.3;background:#fff;border:1px solid #ddd;padding:1rem;font-size:1rem;overflow-wrap:anywhere}
mark.ent{padding:.15em .3em;margin:0 .1em;border-radius:.35em;line-height:1;box-decoration-break:clone;-webkit-box-decoration-break:clone}
mark.ent .lbl{font-size:.6em;font-weight:bold;margin-left:.35em;vertical-align:middle;color:#333;text-decoration:none}
mark.ent mark.ent{border:1px solid #0004}mark.ent:target{outline:3px solid #d32f2f}section:target{background:#fff8e1}
.chip{display:inline-block;padding:0 .4em;border-radius:.35em;font-size:.75rem;font-weight:bold}
.legend .chip{margin-right:.5rem}
[data-label=PERSON]{background:#aa9cfc}[data-label=ORGANISATION]{background:#7aecec}
[data-label=PLACE]{background:#feca74}[data-label=AMOUNT]{background:#e4e7d2}[data-label=MISC]{background:#c887fb}
.controls{margin:.5rem 0}.controls input{width:20rem}.controls *{margin-right:.5rem;font-size:.95rem}
"#;

/// Document and entity pages: no script, nothing loaded from anywhere.
const CSP_STATIC: &str = "default-src 'none'; style-src 'unsafe-inline'";
/// The index: its inline script and the data files beside it (`file:` for
/// browsers that give every local file its own origin).
const CSP_INDEX: &str =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'self' 'unsafe-inline'";

fn page(title: &str, csp: &str, nav: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{CSS}</style></head>\n<body><header>{nav}</header><main>\n{body}\n</main></body></html>\n",
        escape(title)
    )
}

fn nav(prefix: &str) -> String {
    format!("<a href=\"{prefix}index.html\">Entities</a><a href=\"{prefix}docs/list-0001.html\">Documents</a>")
}

fn legend() -> String {
    let mut s = String::from("<p class=\"legend\">");
    for l in Label::ALL {
        let _ = write!(s, "<span class=\"chip\" data-label=\"{l}\">{l}</span>");
    }
    s.push_str("</p>");
    s
}

/// Where an entity is described: entity page number and its index.
#[derive(Clone, Copy)]
struct EntityPlace {
    page: usize,
    index: usize,
}

impl EntityPlace {
    fn href(self, prefix: &str) -> String {
        format!("{prefix}entities/{:04}.html#e{}", self.page, self.index)
    }
}

/// One document an entity occurs in: document number, first mention, count.
struct Occurrence {
    doc: usize,
    mention: usize,
    count: usize,
}

/// Writes `<out>/report/` for the run in `out` (texts from its documents.jsonl).
pub fn write_report(out: &Path) -> anyhow::Result<()> {
    let dest = out.join("report");
    let tmp = TempPath::beside(&dest)?;
    for sub in ["", "data", "docs", "entities"] {
        let dir = tmp.path().join(sub);
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("{}: cannot create", dir.display()))?;
    }
    build(out, tmp.path())
        .with_context(|| format!("{}: cannot write the report", dest.display()))?;
    tmp.commit()
}

fn write(path: &Path, content: &str) -> anyhow::Result<()> {
    std::fs::write(path, content).with_context(|| format!("{}: cannot write", path.display()))
}

/// The site into `dir`, in the order the links need: the entity table first
/// (it places every entity's section), then the document pages (they note
/// where each entity occurs), then the pages that link to both.
fn build(out: &Path, dir: &Path) -> anyhow::Result<()> {
    let run = RunInfo::read(out)?;
    let table = write_entity_table(out, dir)?;
    let docs = write_document_pages(out, dir, &table)?;
    write_entity_pages(dir, &table.entities, &docs.occurrences, &docs.titles)?;
    let (ok, failed) = write_document_lists(out, dir, &docs.numbers)?;
    write_index_page(dir, &run, &table, (ok, failed), docs.mention_total)
}

/// Splits the entities into entity pages of at most [`ENTITY_PAGE_ENTITIES`]
/// entities and [`ENTITY_PAGE_LINKS`] document links. The index table and the
/// entity pages both page with it, so the anchors the one links to are the
/// ones the other writes.
struct EntityPager {
    page: usize,
    on_page: usize,
    links_on_page: usize,
}

impl EntityPager {
    fn new() -> Self {
        EntityPager {
            page: 1,
            on_page: 0,
            links_on_page: 0,
        }
    }

    /// Puts `e` on the current page, or on a new one when it would overflow
    /// the current one (returns true then: the previous page is complete).
    fn place(&mut self, e: &Entity) -> bool {
        let links = e.document_count.min(ENTITY_DOC_CAP);
        let new_page = self.on_page > 0
            && (self.on_page >= ENTITY_PAGE_ENTITIES
                || self.links_on_page + links > ENTITY_PAGE_LINKS);
        if new_page {
            self.page += 1;
            self.on_page = 0;
            self.links_on_page = 0;
        }
        self.on_page += 1;
        self.links_on_page += links;
        new_page
    }
}

/// The entities as the index table saw them, kept for the pages after it.
struct EntityTable {
    /// In the run's order, their document lists emptied (the detail pages
    /// list documents from the document pass instead).
    entities: Vec<Entity>,
    /// Where each entity id's detail section goes.
    places: HashMap<String, EntityPlace>,
    label_counts: HashMap<Label, usize>,
    /// Data files written (`data/entities-NNNN.js`), at least one.
    chunks: usize,
}

/// Streams entities.jsonl into the index table's data files, placing each
/// entity on its entity page as it goes, so that document pages can link
/// mentions to entities before any entity page is written.
fn write_entity_table(out: &Path, dir: &Path) -> anyhow::Result<EntityTable> {
    let mut entities: Vec<Entity> = Vec::new();
    let mut places: HashMap<String, EntityPlace> = HashMap::new();
    let mut pager = EntityPager::new();
    let mut chunk: Vec<serde_json::Value> = Vec::new();
    let mut chunks = 0usize;
    let mut label_counts: HashMap<Label, usize> = HashMap::new();
    for e in read_entities(out)? {
        let mut e = e?;
        pager.place(&e);
        let place = EntityPlace {
            page: pager.page,
            index: entities.len(),
        };
        places.insert(e.id.clone(), place);
        *label_counts.entry(e.label).or_default() += 1;
        chunk.push(table_row(place, &e));
        if chunk.len() == TABLE_CHUNK {
            chunks += 1;
            write_chunk(dir, chunks, &mut chunk)?;
        }
        e.documents = Vec::new();
        entities.push(e);
    }
    if !chunk.is_empty() || chunks == 0 {
        chunks += 1;
        write_chunk(dir, chunks, &mut chunk)?;
    }
    Ok(EntityTable {
        entities,
        places,
        label_counts,
        chunks,
    })
}

/// One row of the index table, in the column order [`INDEX_JS`] reads.
fn table_row(place: EntityPlace, e: &Entity) -> serde_json::Value {
    serde_json::json!([
        place.index,
        e.label.as_str(),
        e.canonical,
        e.aliases.join(" | "),
        e.mention_count,
        e.document_count,
        e.score,
        e.amount.as_ref().map(|a| a.kind),
        e.amount.as_ref().map(|a| &a.value),
        value_real(e.amount.as_ref().map(|a| a.value.as_str())),
        e.amount.as_ref().map(|a| &a.unit),
        place.page,
        e.id,
    ])
}

/// The decisions file the run applied, as its text, where it is still the
/// file run.json names (same sha256): the report's saved decisions.csv
/// starts from it, so a save never drops an earlier decision.
fn applied_decisions(run: &RunInfo) -> Option<String> {
    let json: serde_json::Value = serde_json::from_str(&run.raw).ok()?;
    let file = json["decisions"]["file"].as_str()?;
    let sha256 = json["decisions"]["sha256"].as_str()?;
    let text = std::fs::read_to_string(file).ok()?;
    (crate::digest::sha256_hex(text.as_bytes()) == sha256).then_some(text)
}

/// What the document pages leave for the entity pages, the document list
/// and the index summary.
struct DocumentPages {
    /// Per entity (by its place's index), the documents it occurs in.
    occurrences: Vec<Vec<Occurrence>>,
    /// The page number of each doc_id (its first document).
    numbers: HashMap<String, usize>,
    /// Each page's title (the doc_id where the title is blank), by number - 1.
    titles: Vec<String>,
    mention_total: usize,
}

/// Writes one page per document, streamed with their mentions, noting
/// where each entity occurs as it goes.
fn write_document_pages(
    out: &Path,
    dir: &Path,
    table: &EntityTable,
) -> anyhow::Result<DocumentPages> {
    let mut occurrences: Vec<Vec<Occurrence>> = table.entities.iter().map(|_| Vec::new()).collect();
    let mut numbers: HashMap<String, usize> = HashMap::new();
    let mut titles: Vec<String> = Vec::new();
    let mut mention_total = 0usize;
    let mut joined = DocumentsWithMentions::open(out)?.peekable();
    while let Some(item) = joined.next() {
        let item = item?;
        let n = titles.len() + 1;
        let has_next = joined.peek().is_some();
        note_occurrences(&mut occurrences, &table.places, n, &item.mentions);
        mention_total += item.mentions.len();
        let html = document_page(n, has_next, &item.document, &item.mentions, &table.places);
        write(&dir.join("docs").join(format!("{n}.html")), &html)?;
        numbers.insert(item.document.doc_id.clone(), n);
        titles.push(if item.document.title.trim().is_empty() {
            item.document.doc_id
        } else {
            item.document.title
        });
    }
    Ok(DocumentPages {
        occurrences,
        numbers,
        titles,
        mention_total,
    })
}

/// Counts the mentions of document `n` per entity, keeping the first one
/// (the entity page links to it).
fn note_occurrences(
    occurrences: &mut [Vec<Occurrence>],
    places: &HashMap<String, EntityPlace>,
    n: usize,
    mentions: &[Mention],
) {
    for (k, m) in mentions.iter().enumerate() {
        if let Some(place) = places.get(&m.entity_id) {
            let occ = &mut occurrences[place.index];
            match occ.last_mut() {
                Some(last) if last.doc == n => last.count += 1,
                _ => occ.push(Occurrence {
                    doc: n,
                    mention: k,
                    count: 1,
                }),
            }
        }
    }
}

/// `index.html`: the run's summary line, the table's controls, and the data
/// files loaded by script tags (so the page opens from disk, with no fetch).
fn write_index_page(
    dir: &Path,
    run: &RunInfo,
    table: &EntityTable,
    (ok, failed): (usize, usize),
    mention_total: usize,
) -> anyhow::Result<()> {
    let mut summary = format!(
        "<h1>Entities</h1><p class=\"meta\">Model {} · {} documents ({} failed) · {} mentions · {} entities: ",
        escape(&run.model_name),
        ok + failed,
        failed,
        mention_total,
        table.entities.len()
    );
    for l in Label::ALL {
        let _ = write!(
            summary,
            "<span class=\"chip\" data-label=\"{l}\">{l} {}</span> ",
            table.label_counts.get(&l).unwrap_or(&0)
        );
    }
    summary.push_str("</p>");
    let scripts: String = (1..=table.chunks)
        .map(|c| format!("<script src=\"data/entities-{c:04}.js\"></script>\n"))
        .collect();
    let decisions = script_json(&serde_json::json!(
        applied_decisions(run).unwrap_or_else(|| "entity_id,decision,other,note\n".to_string())
    ));
    let body = format!("{summary}\n{INDEX_CONTROLS}\n<script>window.NERPIPE_ENTITIES=[];window.NERPIPE_DECISIONS={decisions};</script>\n{scripts}<script>{REVIEW_JS}</script>\n<script>{INDEX_JS}</script>");
    write(
        &dir.join("index.html"),
        &page("nerpipe: entities", CSP_INDEX, &nav(""), &body),
    )
}

fn write_chunk(dir: &Path, n: usize, rows: &mut Vec<serde_json::Value>) -> anyhow::Result<()> {
    let json = script_json(&serde_json::Value::Array(std::mem::take(rows)));
    write(
        &dir.join("data").join(format!("entities-{n:04}.js")),
        &format!("NERPIPE_ENTITIES.push({json});\n"),
    )
}

fn mention_title(m: &Mention) -> String {
    let mut t = format!(
        "{} · entity {} · score {:.4} · source {}",
        m.label, m.entity_id, m.score, m.source
    );
    if let Some(a) = &m.amount {
        let _ = write!(t, " · {} {} {}", a.kind, a.value, a.unit);
    }
    t
}

/// The text with mentions as nested `<mark>` elements. Mentions that cross
/// another one are cut at its end so the markup stays well nested.
fn highlight(
    text: &str,
    mentions: &[(usize, &Mention)],
    places: &HashMap<String, EntityPlace>,
) -> String {
    let chars: Vec<char> = text.chars().collect();
    let slice = |a: usize, b: usize| escape(&chars[a..b].iter().collect::<String>());
    let mut order: Vec<(usize, &Mention)> = mentions.to_vec();
    order.sort_by_key(|&(k, m)| (m.start, std::cmp::Reverse(m.end), k));
    let mut html = String::with_capacity(text.len() * 2);
    let mut pos = 0usize;
    let mut open: Vec<(usize, &Mention)> = Vec::new();
    let close = |html: &mut String, m: &Mention| {
        let link = match places.get(&m.entity_id) {
            Some(p) => format!(
                "<a class=\"lbl\" href=\"{}\">{}</a>",
                escape(&p.href("../")),
                m.label
            ),
            None => format!("<span class=\"lbl\">{}</span>", m.label),
        };
        html.push_str(&link);
        html.push_str("</mark>");
    };
    for (k, m) in order {
        while let Some(&(end, top)) = open.last() {
            if end > m.start {
                break;
            }
            html.push_str(&slice(pos, end));
            pos = end;
            close(&mut html, top);
            open.pop();
        }
        html.push_str(&slice(pos, m.start));
        pos = m.start;
        let end = open.last().map_or(m.end, |&(e, _)| m.end.min(e));
        let _ = write!(
            html,
            "<mark class=\"ent\" id=\"m{k}\" data-label=\"{}\" data-entity=\"{}\" data-mention=\"{}\" title=\"{}\">",
            m.label,
            escape(&m.entity_id),
            escape(&m.mention_id),
            escape(&mention_title(m))
        );
        open.push((end, m));
    }
    while let Some((end, top)) = open.pop() {
        html.push_str(&slice(pos, end));
        pos = end;
        close(&mut html, top);
    }
    html.push_str(&slice(pos, chars.len()));
    html
}

fn document_page(
    n: usize,
    has_next: bool,
    doc: &crate::doc::DocumentOutcome,
    mentions: &[Mention],
    places: &HashMap<String, EntityPlace>,
) -> String {
    let mut nav = nav("../");
    if n > 1 {
        let _ = write!(nav, "<a href=\"{}.html\">← previous</a>", n - 1);
    }
    if has_next {
        let _ = write!(nav, "<a href=\"{}.html\">next →</a>", n + 1);
    }
    type Indexed<'a> = Vec<(usize, &'a Mention)>;
    let (good, bad): (Indexed, Indexed) = mentions
        .iter()
        .enumerate()
        .partition(|(_, m)| check_offsets(&doc.text, m).is_ok());
    let mut body = format!(
        "<h1>{}</h1><p class=\"meta\">doc_id <code>{}</code> · {} · {} mentions</p>{}",
        escape(&doc.title),
        escape(&doc.doc_id),
        escape(&doc.source_path),
        mentions.len(),
        legend()
    );
    for (_, m) in &bad {
        let problem = check_offsets(&doc.text, m).err().unwrap_or_default();
        let _ = write!(
            body,
            "<p class=\"warn\">Not highlighted: {}</p>",
            escape(&problem)
        );
    }
    let _ = write!(
        body,
        "<div class=\"text\">{}</div>",
        highlight(&doc.text, &good, places)
    );
    body.push_str(
        "<h2>Mentions</h2><table><tr><th>mention</th><th>label</th><th>text</th><th>entity</th>\
         <th>score</th><th>source</th><th>amount</th></tr>\n",
    );
    for (k, m) in mentions.iter().enumerate() {
        let entity = match places.get(&m.entity_id) {
            Some(p) => format!(
                "<a href=\"{}\">{}</a>",
                escape(&p.href("../")),
                escape(&m.entity_id)
            ),
            None => escape(&m.entity_id),
        };
        let amount = match &m.amount {
            Some(a) => format!("{} {} {}", a.kind, escape(&a.value), escape(&a.unit)),
            None => String::new(),
        };
        let _ = writeln!(
            body,
            "<tr><td><a href=\"#m{k}\">{}</a></td><td><span class=\"chip\" data-label=\"{l}\">{l}</span></td><td>{}</td>\
             <td>{entity}</td><td class=\"num\">{:.4}</td><td>{}</td><td>{amount}</td></tr>",
            escape(&m.mention_id),
            escape(&m.text),
            m.score,
            escape(&m.source),
            l = m.label,
        );
    }
    body.push_str("</table>");
    page(&doc.title, CSP_STATIC, &nav, &body)
}

fn write_entity_pages(
    dir: &Path,
    entities: &[Entity],
    occurrences: &[Vec<Occurrence>],
    titles: &[String],
) -> anyhow::Result<()> {
    let mut pager = EntityPager::new();
    let mut body = String::new();
    let flush = |page_no: usize, body: &mut String| -> anyhow::Result<()> {
        let html = page(
            &format!("nerpipe: entities, page {page_no}"),
            CSP_STATIC,
            &nav("../"),
            body,
        );
        body.clear();
        write(
            &dir.join("entities").join(format!("{page_no:04}.html")),
            &html,
        )
    };
    for (i, e) in entities.iter().enumerate() {
        // The pager of `write_entity_table`, so the anchors placed there hold.
        if pager.place(e) {
            flush(pager.page - 1, &mut body)?;
        }
        entity_section(&mut body, i, e, &occurrences[i], titles);
    }
    flush(pager.page, &mut body)
}

/// One entity's section of its entity page: the facts, the aliases, and a
/// link to its first mention in each document (up to [`ENTITY_DOC_CAP`],
/// the rest counted, so one frequent entity cannot make a page huge).
fn entity_section(body: &mut String, i: usize, e: &Entity, occ: &[Occurrence], titles: &[String]) {
    let _ = write!(
        body,
        "<section id=\"e{i}\"><h2>{} <span class=\"chip\" data-label=\"{l}\">{l}</span></h2>\
         <p class=\"meta\">id <code>{}</code> · {} mentions in {} documents · mean score {:.4}",
        escape(&e.canonical),
        escape(&e.id),
        e.mention_count,
        e.document_count,
        e.score,
        l = e.label
    );
    if let Some(a) = &e.amount {
        let _ = write!(
            body,
            " · {} {} {}",
            a.kind,
            escape(&a.value),
            escape(&a.unit)
        );
    }
    let _ = write!(
        body,
        "<br>aliases: {}</p><ul>",
        escape(&e.aliases.join(" | "))
    );
    for o in occ.iter().take(ENTITY_DOC_CAP) {
        let title = titles.get(o.doc - 1).map(String::as_str).unwrap_or("");
        let _ = write!(
            body,
            "<li><a href=\"../docs/{d}.html#m{m}\">{}</a> ({} mention{})</li>",
            escape(title),
            o.count,
            if o.count == 1 { "" } else { "s" },
            d = o.doc,
            m = o.mention
        );
    }
    if occ.len() > ENTITY_DOC_CAP {
        let _ = write!(
            body,
            "<li>… and {} more documents</li>",
            occ.len() - ENTITY_DOC_CAP
        );
    }
    body.push_str("</ul></section>\n");
}

/// Writes the document list pages; returns (ok, failed) counts.
fn write_document_lists(
    out: &Path,
    dir: &Path,
    numbers: &HashMap<String, usize>,
) -> anyhow::Result<(usize, usize)> {
    let (mut ok, mut failed) = (0usize, 0usize);
    let mut rows: Vec<String> = Vec::new();
    let mut pages = 0usize;
    let header =
        "<h1>Documents</h1><table><tr><th>#</th><th>title</th><th>doc_id</th><th>status</th>\
                  <th>mentions</th><th>error</th></tr>\n";
    let flush = |rows: &mut Vec<String>, list_no: usize, last: bool| -> anyhow::Result<()> {
        let mut nav = nav("../");
        if list_no > 1 {
            let _ = write!(
                nav,
                "<a href=\"list-{:04}.html\">← previous</a>",
                list_no - 1
            );
        }
        if !last {
            let _ = write!(nav, "<a href=\"list-{:04}.html\">next →</a>", list_no + 1);
        }
        let body = format!("{header}{}</table>", rows.concat());
        rows.clear();
        write(
            &dir.join("docs").join(format!("list-{list_no:04}.html")),
            &page("nerpipe: documents", CSP_STATIC, &nav, &body),
        )
    };
    let mut docs = read_documents(out)?.peekable();
    while let Some(d) = docs.next() {
        let d = d?;
        if d.is_ok() {
            ok += 1;
        } else {
            failed += 1;
        }
        // Only the first row of a doc_id got the page (later ones are duplicates).
        let (n, title) = match numbers.get(&d.doc_id) {
            Some(&n) if d.is_ok() => (
                n.to_string(),
                format!("<a href=\"{n}.html\">{}</a>", escape(&d.title)),
            ),
            _ => (String::new(), escape(&d.title)),
        };
        rows.push(format!(
            "<tr><td class=\"num\">{n}</td><td>{title}</td><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
            escape(&d.doc_id),
            d.status,
            d.mentions,
            escape(&d.error)
        ));
        if rows.len() == DOC_LIST_PAGE {
            pages += 1;
            flush(&mut rows, pages, docs.peek().is_none())?;
        }
    }
    if !rows.is_empty() || pages == 0 {
        flush(&mut rows, pages + 1, true)?;
    }
    Ok((ok, failed))
}

const INDEX_CONTROLS: &str = r#"<div class="controls">
<input id="q" type="search" placeholder="Filter: name, alias, value, unit (accents ignored)" aria-label="filter">
<select id="label" aria-label="label"><option value="">all labels</option><option>PERSON</option><option>ORGANISATION</option><option>PLACE</option><option>AMOUNT</option><option>MISC</option></select>
<button id="prev">← previous</button><span id="info"></span><button id="next">next →</button>
</div>
<table id="entities"><thead><tr>
<th class="sort" data-key="1">label</th><th class="sort" data-key="2">canonical</th><th class="sort" data-key="3">aliases</th>
<th class="sort" data-key="4">mentions</th><th class="sort" data-key="5">documents</th><th class="sort" data-key="6">score</th>
<th class="sort" data-key="7">amount kind</th><th class="sort" data-key="9">value</th><th class="sort" data-key="10">unit</th>
<th>review</th>
</tr></thead><tbody id="rows"></tbody></table>
<div id="review" class="controls"><h2>Decisions</h2>
<p class="meta">Buttons on each entity collect decisions here; save them as decisions.csv and apply them with <code>nerpipe merge OUT --decisions decisions.csv</code> (or <code>nerpipe run … --decisions</code>). The file starts with the decisions this run applied.</p>
<p id="pick" class="warn" hidden></p>
<ol id="dlist"></ol>
<a id="save" download="decisions.csv">save decisions.csv</a> <button id="dundo">undo last</button>
<pre id="dcsv"></pre></div>
<noscript><p>The entity table needs JavaScript; the entity pages (entities/0001.html, ...) and the document list work without it.</p></noscript>"#;

/// The entity table: rows are
/// [index, label, canonical, aliases, mentions, documents, score, kind, value, value_real, unit, page, id].
/// Rendered with textContent only, 100 rows at a time.
const INDEX_JS: &str = r#"
(function () {
  "use strict";
  var rows = [].concat.apply([], window.NERPIPE_ENTITIES);
  var fold = function (s) { return String(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); };
  rows.forEach(function (r) { r.push(fold([r[2], r[3], r[8] || "", r[10] || "", r[12]].join(" "))); });
  var PAGE = 100, state = { q: "", label: "", key: 4, dir: -1, page: 0 }, view = rows;
  var $ = function (id) { return document.getElementById(id); };
  function compare(a, b) {
    var x = a[state.key], y = b[state.key];
    if (x === null || x === undefined) return 1;
    if (y === null || y === undefined) return -1;
    var c = typeof x === "number" ? x - y : String(x).localeCompare(String(y));
    return c * state.dir || a[0] - b[0];
  }
  function refilter() {
    var q = fold(state.q.trim());
    view = rows.filter(function (r) {
      return (!state.label || r[1] === state.label) && (!q || r[13].indexOf(q) >= 0);
    });
    view.sort(compare);
    state.page = 0;
    render();
  }
  function cell(tr, text, cls) {
    var td = document.createElement("td");
    if (cls) td.className = cls;
    td.textContent = text === null || text === undefined ? "" : String(text);
    tr.appendChild(td);
    return td;
  }
  function render() {
    var body = $("rows"), start = state.page * PAGE, end = Math.min(view.length, start + PAGE);
    body.textContent = "";
    for (var i = start; i < end; i++) {
      var r = view[i], tr = document.createElement("tr");
      tr.setAttribute("data-entity", String(r[0]));
      var chip = document.createElement("span");
      chip.className = "chip"; chip.setAttribute("data-label", r[1]); chip.textContent = r[1];
      cell(tr, "").appendChild(chip);
      var a = document.createElement("a");
      a.href = "entities/" + ("000" + r[11]).slice(-4) + ".html#e" + r[0];
      a.textContent = r[2];
      cell(tr, "").appendChild(a);
      cell(tr, r[3]); cell(tr, r[4], "num"); cell(tr, r[5], "num"); cell(tr, Number(r[6]).toFixed(4), "num");
      cell(tr, r[7]); cell(tr, r[8], "num"); cell(tr, r[10]);
      if (window.NERPIPE_REVIEW) window.NERPIPE_REVIEW(cell(tr, "", "review"), r);
      body.appendChild(tr);
    }
    $("info").textContent = view.length ? (start + 1) + "–" + end + " of " + view.length : "no entities";
    $("prev").disabled = state.page === 0;
    $("next").disabled = end >= view.length;
  }
  $("q").addEventListener("input", function (e) { state.q = e.target.value; refilter(); });
  $("label").addEventListener("change", function (e) { state.label = e.target.value; refilter(); });
  $("prev").addEventListener("click", function () { state.page--; render(); });
  $("next").addEventListener("click", function () { state.page++; render(); });
  Array.prototype.forEach.call(document.querySelectorAll("th.sort"), function (th) {
    th.addEventListener("click", function () {
      var key = Number(th.getAttribute("data-key"));
      state.dir = state.key === key ? -state.dir : (key === 4 || key === 5 || key === 6 || key === 9 ? -1 : 1);
      state.key = key;
      refilter();
    });
  });
  window.NERPIPE_RERENDER = render;
  refilter();
})();
"#;

/// The review buttons of each entity row (same as…, different…, not an
/// entity, relabel, rename) and the decisions they collect: shown as a
/// list and as the CSV text the `save` link downloads (a data: URL, no
/// server). `same as…` and `different…` take two clicks: the entity, then
/// the other entity's same button. Defined before the table renders.
const REVIEW_JS: &str = r#"
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var base = String(window.NERPIPE_DECISIONS || "entity_id,decision,other,note\n");
  if (base && base.slice(-1) !== "\n") base += "\n";
  var added = [], pending = null, names = {};
  [].concat.apply([], window.NERPIPE_ENTITIES).forEach(function (r) { names[r[12]] = r[2]; });
  function field(s) { s = String(s); return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s; }
  function text() { return base + added.map(function (d) { return d.map(field).join(","); }).join("\n") + (added.length ? "\n" : ""); }
  var WORDS = { "same": "same as", "different": "different from", "not-an-entity": "not an entity", "label": "label", "name": "name" };
  function update() {
    var list = $("dlist"); list.textContent = "";
    added.forEach(function (d) {
      var li = document.createElement("li");
      li.setAttribute("data-decision", d[1]);
      li.textContent = (names[d[0]] || d[0]) + " — " + WORDS[d[1]] + (d[2] ? " " + (names[d[2]] || d[2]) : "");
      list.appendChild(li);
    });
    var t = text();
    $("dcsv").textContent = t;
    $("save").href = "data:text/csv;charset=utf-8," + encodeURIComponent(t);
    $("pick").hidden = !pending;
    $("pick").textContent = pending ? (names[pending.id] || pending.id) + ": " + WORDS[pending.act] + " which entity? Click its “" + (pending.act === "same" ? "same as…" : "different…") + "” button (Esc cancels)." : "";
  }
  function decide(d) { added.push(d); update(); }
  function button(td, act, label, onclick) {
    var b = document.createElement("button");
    b.setAttribute("data-act", act); b.textContent = label;
    b.addEventListener("click", onclick);
    td.appendChild(b);
    return b;
  }
  function pair(act, id) {
    return function () {
      if (pending && pending.act === act && pending.id !== id) {
        var first = pending.id; pending = null; decide([first, act, id, ""]);
      } else { pending = { act: act, id: id }; update(); }
    };
  }
  window.NERPIPE_REVIEW = function (td, r) {
    var id = r[12];
    td.setAttribute("data-id", id);
    button(td, "same", "same as…", pair("same", id));
    button(td, "different", "different…", pair("different", id));
    button(td, "not-an-entity", "not an entity", function () { decide([id, "not-an-entity", "", ""]); });
    if (r[1] !== "AMOUNT") {
      var sel = document.createElement("select");
      sel.setAttribute("data-act", "label");
      ["relabel…", "PERSON", "ORGANISATION", "PLACE", "MISC"].forEach(function (l, i) {
        var o = document.createElement("option"); o.value = i ? l : ""; o.textContent = l; sel.appendChild(o);
      });
      sel.addEventListener("change", function () { if (sel.value) decide([id, "label", sel.value, ""]); });
      td.appendChild(sel);
    }
    var rename = button(td, "rename", "rename", function () {
      rename.hidden = true;
      var input = document.createElement("input");
      input.setAttribute("data-act", "name"); input.value = r[2];
      td.appendChild(input);
      button(td, "name-ok", "ok", function () { if (input.value.trim()) decide([id, "name", input.value.trim(), ""]); });
    });
  };
  document.addEventListener("keydown", function (e) { if (e.key === "Escape" && pending) { pending = null; update(); } });
  $("dundo").addEventListener("click", function () { added.pop(); update(); });
  update();
})();
"#;
