//! A PDF's text by poppler's `pdftotext -bbox-layout`: every page's words
//! in poppler's reading order (columns one after the other, rotated text,
//! the `'`/`"`/`TJ` operators, CID fonts), grouped into its blocks and
//! lines. nerpipe joins the lines of a block itself ([`join_wrapped_lines`])
//! instead of taking pdftotext's plain text, which drops the hyphen of every
//! line that ends in one ("Bosnia-" + "Herzegovina" → "BosniaHerzegovina")
//! and runs a block's lines into the next block without a blank line.

use super::super::wraps::join_wrapped_lines;
use crate::ingest::tool::{Tool, ToolError};
use std::process::Command;

const PDFTOTEXT: Tool = Tool {
    name: "pdftotext",
    install_hint: "install poppler-utils (Debian: apt-get install poppler-utils)",
};

/// Seconds pdftotext may take on one file (the extraction worker's own
/// limit ends it sooner where that is lower).
const SECONDS: u64 = 600;

/// A gap between two words narrower than this share of the line's height is
/// no space: poppler splits a word where its font changes ("**Šarić**'s").
const SPACE_GAP: f64 = 0.1;

/// Why poppler gave no text.
#[derive(Debug)]
pub enum Unread {
    /// pdftotext is not installed.
    Missing,
    /// The file's error, as a document's error row says it.
    Problem(String),
}

/// The text of each page, its paragraphs separated by a blank line; an
/// empty string for a page without text.
pub fn page_texts(bytes: &[u8]) -> Result<Vec<String>, Unread> {
    let mut command = Command::new(PDFTOTEXT.name);
    command.args(["-bbox-layout", "-enc", "UTF-8", "fd://0", "-"]);
    let (xhtml, warning) = PDFTOTEXT
        .run(&mut command, bytes, SECONDS)
        .map_err(|e| match e {
            ToolError::Missing => Unread::Missing,
            ToolError::TimedOut(s) => {
                Unread::Problem(format!("PDF: pdftotext took longer than {s} s"))
            }
            ToolError::Failed { said, .. } if said.contains("password") => {
                Unread::Problem("encrypted PDF: it needs a password to open".to_string())
            }
            ToolError::Failed { said, .. } => {
                Unread::Problem(format!("corrupt PDF: {}", poppler_words(&said)))
            }
            ToolError::Io(e) => Unread::Problem(format!("PDF: {e}")),
        })?;
    let pages = pages_of(&String::from_utf8_lossy(&xhtml)).map_err(Unread::Problem)?;
    if pages.is_empty() {
        // A file poppler repaired as far as it could and found no page in.
        let mut problem = "corrupt PDF: no pages found".to_string();
        if !warning.is_empty() {
            problem = format!("{problem} ({})", poppler_words(&warning));
        }
        return Err(Unread::Problem(problem));
    }
    Ok(pages)
}

/// A line poppler wrote to standard error without its "Syntax Error (85): "
/// prefix.
fn poppler_words(said: &str) -> &str {
    match said.split_once(": ") {
        Some((prefix, words)) if prefix.contains("Error") => words,
        _ => said,
    }
}

/// The pages of pdftotext's `-bbox-layout` XHTML.
fn pages_of(xhtml: &str) -> Result<Vec<String>, String> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let tree = roxmltree::Document::parse_with_options(xhtml, options)
        .map_err(|e| format!("PDF: pdftotext's layout did not parse: {e}"))?;
    let pages = tree
        .descendants()
        .filter(|n| n.has_tag_name("page"))
        .map(|page| {
            let blocks: Vec<String> = children(page, "flow")
                .flat_map(|flow| children(flow, "block"))
                .map(|block| {
                    let lines: Vec<String> = children(block, "line").map(line_text).collect();
                    join_wrapped_lines(&lines.join("\n"))
                })
                .filter(|b| !b.is_empty())
                .collect();
            blocks.join("\n\n")
        })
        .collect();
    Ok(pages)
}

fn children<'a, 'input>(
    node: roxmltree::Node<'a, 'input>,
    tag: &'static str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'input>> {
    node.children().filter(move |n| n.has_tag_name(tag))
}

/// A line's words, a space between two unless they touch.
fn line_text(line: roxmltree::Node) -> String {
    let height = extent(line, "yMin", "yMax").min(extent(line, "xMin", "xMax"));
    let mut text = String::new();
    let mut previous: Option<roxmltree::Node> = None;
    for word in children(line, "word") {
        let Some(chars) = word.text() else { continue };
        if let Some(before) = previous {
            if gap(before, word) >= SPACE_GAP * height {
                text.push(' ');
            }
        }
        text.push_str(chars);
        previous = Some(word);
    }
    text
}

fn coordinate(node: roxmltree::Node, name: &str) -> f64 {
    node.attribute(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

fn extent(node: roxmltree::Node, min: &str, max: &str) -> f64 {
    (coordinate(node, max) - coordinate(node, min)).abs()
}

/// The empty space between two consecutive words of a line, whichever way
/// the line runs (left to right, or down or up the page when rotated).
fn gap(before: roxmltree::Node, after: roxmltree::Node) -> f64 {
    let c = coordinate;
    [
        c(after, "xMin") - c(before, "xMax"),
        c(before, "xMin") - c(after, "xMax"),
        c(after, "yMin") - c(before, "yMax"),
        c(before, "yMin") - c(after, "yMax"),
    ]
    .into_iter()
    .fold(f64::MIN, f64::max)
}

#[cfg(test)]
mod tests {
    use super::pages_of;

    fn word(x0: f64, x1: f64, text: &str) -> String {
        format!(r#"<word xMin="{x0}" yMin="100" xMax="{x1}" yMax="110">{text}</word>"#)
    }

    #[test]
    fn blocks_are_paragraphs_and_wraps_join() {
        let line = |words: &[String]| {
            format!(
                r#"<line xMin="0" yMin="100" xMax="500" yMax="110">{}</line>"#,
                words.concat()
            )
        };
        let xhtml = format!(
            r#"<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd"><html xmlns="http://www.w3.org/1999/xhtml"><body><doc>
            <page><flow><block>{}{}</block><block>{}</block></flow></page>
            <page></page>
            <page><flow><block>{}</block></flow></page></doc></body></html>"#,
            line(&[word(0.0, 40.0, "Darko"), word(44.0, 80.0, "Ša-")]),
            line(&[
                word(0.0, 30.0, "rić"),
                word(30.2, 40.0, "&amp;"),
                word(44.0, 90.0, "Bosnia-")
            ]),
            line(&[word(0.0, 60.0, "Herzegovina")]),
            line(&[word(0.0, 60.0, "Kraj.")]),
        );
        assert_eq!(
            pages_of(&xhtml).unwrap(),
            ["Darko Šarić& Bosnia-\n\nHerzegovina", "", "Kraj."]
        );
    }
}
