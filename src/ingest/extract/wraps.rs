//! Hard line wraps: text laid out in lines (a PDF text layer, a wrapped
//! plain-text file) turned back into paragraphs, so that a name split over
//! two lines is one mention.

/// Joins the hard line wraps of `text` and returns its paragraphs separated
/// by one blank line ("\n\n").
///
/// - A paragraph ends at a blank line (empty or whitespace only; a PDF
///   extractor writes one for a large vertical gap). A heading is its own
///   paragraph only when such a gap follows it.
/// - Each line is trimmed; the lines of a paragraph are joined with one
///   space, except at a hyphen:
///   - a line ending in a letter and `-` (or U+2010) followed by a line that
///     starts with a lowercase letter is a word broken by the wrap: the
///     hyphen goes and the halves join ("Herce-" + "govina" →
///     "Hercegovina");
///   - any other line ending in a letter or digit and a hyphen keeps it and
///     joins without a space ("Bosnia-" + "Herzegovina" →
///     "Bosnia-Herzegovina", "2024-" + "2025" → "2024-2025");
///   - a soft hyphen (U+00AD) at a line end is always a wrap: it goes.
/// - A hyphen after a space is a dash, not a wrap: the lines join with a
///   space.
pub fn join_wrapped_lines(text: &str) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
            continue;
        }
        if current.is_empty() {
            current.push_str(line);
        } else {
            join_line(&mut current, line);
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs.join("\n\n")
}

/// Appends `next` to the paragraph `current` across one line wrap.
fn join_line(current: &mut String, next: &str) {
    let mut tail = current.chars().rev();
    let last = tail.next();
    let before = tail.next();
    let next_first = next.chars().next();
    match last {
        Some('\u{AD}') => {
            current.pop();
        }
        Some(hyphen @ ('-' | '\u{2010}')) if before.is_some_and(char::is_alphanumeric) => {
            let broken_word = before.is_some_and(char::is_alphabetic)
                && next_first.is_some_and(char::is_lowercase);
            if broken_word {
                current.truncate(current.len() - hyphen.len_utf8());
            }
        }
        _ => current.push(' '),
    }
    current.push_str(next);
}

#[cfg(test)]
mod tests {
    use super::join_wrapped_lines;

    #[test]
    fn a_hyphen_before_a_lowercase_line_start_is_a_wrap() {
        assert_eq!(
            join_wrapped_lines("into Bosnia and Herce-\ngovina between March"),
            "into Bosnia and Hercegovina between March"
        );
    }

    #[test]
    fn a_hyphen_before_a_capital_stays() {
        assert_eq!(
            join_wrapped_lines("stations across Bosnia-\nHerzegovina and Montenegro"),
            "stations across Bosnia-Herzegovina and Montenegro"
        );
    }

    #[test]
    fn croatian_letters_decide_like_ascii_ones() {
        // č and Š are a lowercase and an uppercase letter like c and S.
        assert_eq!(
            join_wrapped_lines(
                "Dražen Kova-\nčević and Ivana\nŠimić met Goran Ša-\nrić in Split-\nŽupanija"
            ),
            "Dražen Kovačević and Ivana Šimić met Goran Šarić in Split-Županija"
        );
    }

    #[test]
    fn digits_at_a_line_start_or_end_join_with_a_space() {
        assert_eq!(
            join_wrapped_lines(
                "let at least\n140 tanker trucks worth KM 4.2\nmillion in 2024-\n2025"
            ),
            "let at least 140 tanker trucks worth KM 4.2 million in 2024-2025"
        );
    }

    #[test]
    fn a_heading_followed_by_a_gap_stays_a_paragraph() {
        assert_eq!(
            join_wrapped_lines(
                "\n\nRelabelled as lubricant\n\nCroatian prosecutors from USKOK\nopened a case.\n \n\nĐorđe Petrović said\nnothing.\n"
            ),
            "Relabelled as lubricant\n\nCroatian prosecutors from USKOK opened a case.\n\nĐorđe Petrović said nothing."
        );
    }

    #[test]
    fn dashes_soft_hyphens_and_stray_spaces() {
        assert_eq!(
            join_wrapped_lines("BRČKO –\nCustoms officers -\nthe night shift -\nsigned re\u{AD}\nports  \n   without\u{AD}\nChecks"),
            "BRČKO – Customs officers - the night shift - signed reports withoutChecks"
        );
        assert_eq!(join_wrapped_lines(""), "");
        assert_eq!(join_wrapped_lines(" \n\t\n"), "");
        assert_eq!(join_wrapped_lines("-\nx"), "- x");
    }
}
