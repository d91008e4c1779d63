//! Tesseract's hOCR, run with `hocr_char_boxes`, made into its TSV (see
//! [`super::tsv`]), with each word split where Tesseract glued two.
//!
//! Tesseract's line recogniser sometimes drops the space before a
//! one-letter word: "Горе и Европолом" came out "Гореи Европолом", and the
//! place "Црне Горе" was lost. Its character boxes still show the gap: 14
//! pixels between "е" and "и" where the letters of the page are 2 apart and
//! its words 15 (the next widest gap inside a word of that page and of the
//! Cyrillic PDF scan was 6). So a word is cut where the gap between two of
//! its characters is as wide as a space ([`is_space`]).

/// A gap inside a word is a space when it is at least this share of the
/// page's median gap between words …
const SPACE_SHARE: f64 = 0.6;

/// … and at least this many times the page's median gap between the
/// letters of a word (so that letter-spaced type is not cut).
const LETTER_GAPS: f64 = 3.0;

/// Tesseract's TSV header.
const HEADER: &str =
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext";

#[derive(Debug, Clone, Copy, PartialEq)]
struct Box {
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
}

#[derive(Debug)]
struct Word {
    /// (page, block, paragraph, line) numbers.
    place: (usize, usize, usize, usize),
    bbox: Box,
    confidence: f64,
    /// Without character boxes: its text alone.
    text: String,
    /// Each character (a grapheme as Tesseract gives it) with its box.
    chars: Vec<(String, Box)>,
}

/// The TSV (pages and words) of Tesseract's hOCR.
pub fn to_tsv(hocr: &str) -> String {
    let (pages, words) = parse(hocr);
    let words = split_glued(words);
    let by_page = super::by_page(&words, |w| w.place.0);
    let mut tsv = vec![HEADER.to_string()];
    let mut number_in_line = 0;
    let mut previous = None;
    for (page, size) in pages.iter().enumerate() {
        let page = page + 1;
        tsv.push(format!(
            "1\t{page}\t0\t0\t0\t0\t0\t0\t{}\t{}\t-1\t",
            size.right, size.bottom
        ));
        for w in by_page.get(&page).into_iter().flatten() {
            number_in_line = if previous == Some(w.place) {
                number_in_line + 1
            } else {
                1
            };
            previous = Some(w.place);
            let (_, block, par, line) = w.place;
            tsv.push(format!(
                "5\t{page}\t{block}\t{par}\t{line}\t{number_in_line}\t{}\t{}\t{}\t{}\t{}\t{}",
                w.bbox.left,
                w.bbox.top,
                w.bbox.right - w.bbox.left,
                w.bbox.bottom - w.bbox.top,
                w.confidence,
                w.text
            ));
        }
    }
    tsv.join("\n")
}

/// The pages' boxes and the words, in order.
fn parse(hocr: &str) -> (Vec<Box>, Vec<Word>) {
    let mut pages = Vec::new();
    let mut words: Vec<Word> = Vec::new();
    let (mut block, mut par, mut line) = (0, 0, 0);
    // The classes of the open div, p and span elements.
    let mut open: Vec<String> = Vec::new();
    let mut rest = hocr;
    while let Some(start) = rest.find('<') {
        let text = unescape(rest[..start].trim());
        let Some(end) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start + 1..start + end];
        rest = &rest[start + end + 1..];
        if !text.is_empty() {
            if let Some(word) = words.last_mut() {
                match open.last().map(String::as_str) {
                    Some("ocrx_cinfo") => {
                        if let Some(c) = word.chars.last_mut() {
                            c.0.push_str(&text);
                        }
                        word.text.push_str(&text);
                    }
                    Some("ocrx_word") => word.text.push_str(&text),
                    _ => {}
                }
            }
        }
        let name = tag.split_whitespace().next().unwrap_or("");
        if let Some(closed) = name.strip_prefix('/') {
            if matches!(closed, "div" | "p" | "span") {
                open.pop();
            }
            continue;
        }
        if !matches!(name, "div" | "p" | "span") || tag.ends_with('/') {
            continue;
        }
        let class = attribute(tag, "class").unwrap_or_default();
        let title = attribute(tag, "title").unwrap_or_default();
        match class.as_str() {
            "ocr_page" => pages.push(title_box(&title, "bbox").unwrap_or(Box::ZERO)),
            "ocr_carea" => block += 1,
            "ocr_par" => par += 1,
            "ocr_line" | "ocr_textfloat" | "ocr_header" | "ocr_caption" => line += 1,
            "ocrx_word" => words.push(Word {
                place: (pages.len(), block, par, line),
                bbox: title_box(&title, "bbox").unwrap_or(Box::ZERO),
                confidence: title_number(&title, "x_wconf").unwrap_or(-1.0),
                text: String::new(),
                chars: Vec::new(),
            }),
            "ocrx_cinfo" => {
                if let (Some(word), Some(b)) = (words.last_mut(), title_box(&title, "x_bboxes")) {
                    word.chars.push((String::new(), b));
                }
            }
            _ => {}
        }
        open.push(class);
    }
    (pages, words)
}

impl Box {
    const ZERO: Box = Box {
        left: 0.0,
        top: 0.0,
        right: 0.0,
        bottom: 0.0,
    };
}

/// An attribute's value, in single or double quotes.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let at = tag.find(&format!("{name}="))? + name.len() + 1;
    let quote = tag[at..].chars().next()?;
    let value = &tag[at + 1..];
    Some(value[..value.find(quote)?].to_string())
}

/// The numbers after `key` in an hOCR title (`bbox 1 2 3 4; x_wconf 96`).
fn title_numbers(title: &str, key: &str) -> Vec<f64> {
    title
        .split(';')
        .map(str::trim)
        .find_map(|part| part.strip_prefix(key)?.strip_prefix(' '))
        .map(|values| {
            values
                .split_whitespace()
                .filter_map(|v| v.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

fn title_number(title: &str, key: &str) -> Option<f64> {
    title_numbers(title, key).first().copied()
}

fn title_box(title: &str, key: &str) -> Option<Box> {
    match title_numbers(title, key)[..] {
        [left, top, right, bottom] => Some(Box {
            left,
            top,
            right,
            bottom,
        }),
        _ => None,
    }
}

/// XML's escapes in a text node.
fn unescape(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';') else {
            break;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied()
}

/// Whether a gap of `gap` pixels inside a word is a space, on a page whose
/// median gaps between words and between letters are `word_gap` and
/// `letter_gap`.
fn is_space(gap: f64, word_gap: f64, letter_gap: f64) -> bool {
    gap > 0.0 && gap >= SPACE_SHARE * word_gap && gap >= LETTER_GAPS * letter_gap.max(1.0)
}

/// Each word cut where a gap between its characters is a space.
fn split_glued(words: Vec<Word>) -> Vec<Word> {
    let mut gaps = std::collections::HashMap::new();
    for (page, on_page) in super::by_page(&words, |w| w.place.0) {
        let word_gaps = on_page
            .windows(2)
            .filter(|pair| pair[0].place == pair[1].place)
            .map(|pair| pair[1].bbox.left - pair[0].bbox.right)
            .collect();
        let letter_gaps = on_page
            .iter()
            .flat_map(|w| w.chars.windows(2).map(|p| p[1].1.left - p[0].1.right))
            .collect();
        if let (Some(word), Some(letter)) = (median(word_gaps), median(letter_gaps)) {
            gaps.insert(page, (word, letter));
        }
    }
    let mut out = Vec::with_capacity(words.len());
    for word in words {
        let Some(&(word_gap, letter_gap)) = gaps.get(&word.place.0) else {
            out.push(word);
            continue;
        };
        // The gap before character i is what no box crosses: the
        // recogniser's boxes are rough and may overlap a neighbour's
        // (in "Истражитељи" the box of "ж" starts left of the end of "а").
        let rights: Vec<f64> = word
            .chars
            .iter()
            .scan(f64::MIN, |right, c| {
                *right = right.max(c.1.right);
                Some(*right)
            })
            .collect();
        let mut lefts: Vec<f64> = word
            .chars
            .iter()
            .rev()
            .scan(f64::MAX, |left, c| {
                *left = left.min(c.1.left);
                Some(*left)
            })
            .collect();
        lefts.reverse();
        let cuts: Vec<usize> = (1..word.chars.len())
            .filter(|&i| is_space(lefts[i] - rights[i - 1], word_gap, letter_gap))
            .collect();
        if cuts.is_empty() {
            out.push(word);
            continue;
        }
        let bounds: Vec<usize> = std::iter::once(0)
            .chain(cuts)
            .chain([word.chars.len()])
            .collect();
        for part in bounds.windows(2) {
            let chars = &word.chars[part[0]..part[1]];
            let boxes = chars.iter().map(|c| c.1);
            out.push(Word {
                place: word.place,
                bbox: Box {
                    left: boxes.clone().map(|b| b.left).fold(f64::MAX, f64::min),
                    top: boxes.clone().map(|b| b.top).fold(f64::MAX, f64::min),
                    right: boxes.clone().map(|b| b.right).fold(f64::MIN, f64::max),
                    bottom: boxes.map(|b| b.bottom).fold(f64::MIN, f64::max),
                },
                confidence: word.confidence,
                text: chars.iter().map(|c| c.0.as_str()).collect(),
                chars: chars.to_vec(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cinfo(c: &str, left: u32, right: u32) -> String {
        format!("<span class='ocrx_cinfo' title='x_bboxes {left} 682 {right} 716; x_conf 98.9'>{c}</span>")
    }

    fn word(id: u32, chars: &[(&str, u32, u32)], confidence: u32) -> String {
        let left = chars.first().unwrap().1;
        let right = chars.last().unwrap().2;
        let inner: String = chars.iter().map(|(c, l, r)| cinfo(c, *l, *r)).collect();
        format!("<span class='ocrx_word' id='word_1_{id}' title='bbox {left} 682 {right} 727; x_wconf {confidence}'>\n{inner}\n</span>")
    }

    /// The line of the Serbian scan where Tesseract glued "и" to "Горе"
    /// (its boxes), then a line whose letters are 6 pixels apart and one
    /// whose boxes overlap: neither cut.
    #[test]
    fn a_word_is_cut_where_its_letters_are_a_space_apart() {
        let hocr = [
            "<?xml version=\"1.0\"?>\n<html><head><title></title><meta name='x' content='y' /></head><body>",
            "<div class='ocr_page' id='page_1' title='image \"x\"; bbox 0 0 2480 3508; ppageno 0'>",
            "<div class='ocr_carea' id='block_1_1' title=\"bbox 0 0 1 1\">",
            "<p class='ocr_par' id='par_1_1' lang='srp' title=\"bbox 0 0 1 1\">",
            "<span class='ocr_line' id='line_1_1' title=\"bbox 318 682 1816 746; baseline 0.015 -30\">",
            &word(1, &[("Г", 318, 344), ("о", 343, 365), ("р", 367, 390), ("е", 393, 412), ("и", 426, 451)], 88),
            &word(2, &[("Е", 466, 492), ("в", 496, 517), ("р", 520, 543)], 92),
            &word(3, &[("&amp;", 558, 580)], 90),
            "</span>",
            "<span class='ocr_line' id='line_1_2' title=\"bbox 0 0 1 1\">",
            &word(4, &[("S", 100, 120), ("P", 126, 146)], 91),
            &word(5, &[("A", 170, 190), ("C", 196, 216)], 93),
            "</span>",
            "<span class='ocr_line' id='line_1_3' title=\"bbox 0 0 1 1\">",
            // "р" ends at 1904 and "а" starts at 1917, but "ж" starts at 1908.
            &word(6, &[("р", 1882, 1904), ("а", 1917, 1936), ("ж", 1908, 1963)], 92),
            "</span></p></div></div></body></html>",
        ]
        .join("\n");
        let tsv = to_tsv(&hocr);
        let rows: Vec<&str> = tsv.lines().collect();
        assert_eq!(rows[0], HEADER);
        assert_eq!(rows[1], "1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t");
        assert_eq!(
            rows[2..],
            [
                "5\t1\t1\t1\t1\t1\t318\t682\t94\t34\t88\tГоре",
                "5\t1\t1\t1\t1\t2\t426\t682\t25\t34\t88\tи",
                "5\t1\t1\t1\t1\t3\t466\t682\t77\t45\t92\tЕвр",
                "5\t1\t1\t1\t1\t4\t558\t682\t22\t45\t90\t&",
                "5\t1\t1\t1\t2\t1\t100\t682\t46\t45\t91\tSP",
                "5\t1\t1\t1\t2\t2\t170\t682\t46\t45\t93\tAC",
                "5\t1\t1\t1\t3\t1\t1882\t682\t81\t45\t92\tраж",
            ]
        );
        // Through the TSV reader, as OCR reads a page.
        assert_eq!(
            super::super::tsv::pages(&tsv)[0].text,
            "Горе и Евр &\nSP AC\nраж"
        );
    }

    #[test]
    fn words_without_character_boxes_and_escapes() {
        let hocr = "<div class='ocr_page' title='bbox 0 0 10 20'><span class='ocr_line' title=\"bbox 0 0 1 1\">\
            <span class='ocrx_word' title='bbox 1 2 4 6; x_wconf 95'>Ša&#353;&#x107;&lt;</span></span></div>\
            <div class='ocr_page' title='bbox 0 0 30 40'></div>";
        assert_eq!(
            to_tsv(hocr).lines().skip(1).collect::<Vec<_>>(),
            [
                "1\t1\t0\t0\t0\t0\t0\t0\t10\t20\t-1\t",
                "5\t1\t0\t0\t1\t1\t1\t2\t3\t4\t95\tŠašć<",
                "1\t2\t0\t0\t0\t0\t0\t0\t30\t40\t-1\t",
            ]
        );
    }
}
