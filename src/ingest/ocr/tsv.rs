//! Tesseract's TSV output (one row per page, block, paragraph, line and
//! word, each word with its box and confidence) made into page texts: the
//! words of a line joined by a space, a paragraph's lines by line breaks (its
//! wraps joined later), paragraphs by a blank line. It carries what the
//! plain-text output drops: each word's confidence, and its size, by which
//! a speck of dust read as "|" or "·" is told from text.

/// A word no wider and no taller than this share of the page's median word
/// height, and without a letter or digit, is a speck (dust, noise) that
/// Tesseract read as a symbol: a 2 × 2 pixel "|" among 40-pixel-high words.
const SPECK_SHARE: f64 = 0.15;

/// One page as OCR read it.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrPage {
    /// Paragraphs separated by a blank line, lines by a line break.
    pub text: String,
    /// The mean confidence (0–100) of the page's words; `None` without words.
    pub confidence: Option<f64>,
}

struct Word<'a> {
    /// (page, block, paragraph, line) numbers.
    place: (usize, usize, usize, usize),
    width: f64,
    height: f64,
    confidence: f64,
    text: &'a str,
}

/// The pages of Tesseract's TSV, in order; a page without words is empty.
pub fn pages(tsv: &str) -> Vec<OcrPage> {
    let mut page_count = 0;
    let mut words: Vec<Word> = Vec::new();
    for row in tsv.lines().skip(1) {
        let f: Vec<&str> = row.split('\t').collect();
        if f.len() < 12 {
            continue;
        }
        let number = |i: usize| f[i].trim().parse::<f64>().unwrap_or(0.0);
        let page = number(1) as usize;
        page_count = page_count.max(page);
        let text = f[11].trim();
        if f[0] != "5" || text.is_empty() {
            continue;
        }
        words.push(Word {
            place: (
                page,
                number(2) as usize,
                number(3) as usize,
                number(4) as usize,
            ),
            width: number(8),
            height: number(9),
            confidence: number(10),
            text,
        });
    }
    let by_page = super::by_page(&words, |w| w.place.0);
    (1..=page_count)
        .map(|n| page_text(by_page.get(&n).into_iter().flatten().copied()))
        .collect()
}

fn page_text<'a>(words: impl Iterator<Item = &'a Word<'a>>) -> OcrPage {
    let words: Vec<&Word> = words.collect();
    let mut heights: Vec<f64> = words
        .iter()
        .filter(|w| w.text.chars().any(char::is_alphanumeric))
        .map(|w| w.height)
        .collect();
    heights.sort_by(f64::total_cmp);
    let median = heights.get(heights.len() / 2).copied().unwrap_or(0.0);
    let speck = |w: &Word| {
        !w.text.chars().any(char::is_alphanumeric)
            && w.width <= SPECK_SHARE * median
            && w.height <= SPECK_SHARE * median
    };
    let kept: Vec<&Word> = words.into_iter().filter(|w| !speck(w)).collect();
    let mut text = String::new();
    let mut previous: Option<(usize, usize, usize, usize)> = None;
    for word in &kept {
        if let Some(before) = previous {
            let separator = if before == word.place {
                " "
            } else if before.1 == word.place.1 && before.2 == word.place.2 {
                "\n"
            } else {
                "\n\n"
            };
            text.push_str(separator);
        }
        text.push_str(word.text);
        previous = Some(word.place);
    }
    let scored: Vec<f64> = kept
        .iter()
        .map(|w| w.confidence)
        .filter(|c| *c >= 0.0)
        .collect();
    let confidence = (!scored.is_empty()).then(|| scored.iter().sum::<f64>() / scored.len() as f64);
    OcrPage { text, confidence }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext";

    fn word(
        page: usize,
        block: usize,
        par: usize,
        line: usize,
        size: (u32, u32),
        conf: f64,
        text: &str,
    ) -> String {
        format!(
            "5\t{page}\t{block}\t{par}\t{line}\t1\t0\t0\t{}\t{}\t{conf}\t{text}",
            size.0, size.1
        )
    }

    #[test]
    fn lines_paragraphs_pages_and_specks() {
        let rows = [
            HEADER.to_string(),
            "1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t".to_string(),
            word(1, 1, 1, 1, (120, 40), 96.0, "Darko"),
            word(1, 1, 1, 1, (2, 2), 70.0, "|"),
            word(1, 1, 1, 1, (110, 40), 94.0, "Ša-"),
            word(1, 1, 1, 2, (60, 40), 92.0, "rić"),
            word(1, 1, 1, 2, (26, 3), 90.0, "—"),
            word(1, 2, 1, 1, (90, 42), 88.0, "Kraj."),
            "1\t2\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t".to_string(),
            "1\t3\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t".to_string(),
            word(3, 1, 1, 1, (200, 45), 80.0, "Подгорица"),
        ];
        let pages = pages(&rows.join("\n"));
        assert_eq!(pages.len(), 3);
        // The 2 × 2 "|" is a speck; the 26-pixel dash is kept.
        assert_eq!(pages[0].text, "Darko Ša-\nrić —\n\nKraj.");
        assert_eq!(
            pages[0].confidence,
            Some((96.0 + 94.0 + 92.0 + 90.0 + 88.0) / 5.0)
        );
        assert_eq!(
            pages[1],
            OcrPage {
                text: String::new(),
                confidence: None
            }
        );
        assert_eq!(pages[2].text, "Подгорица");
    }
}
