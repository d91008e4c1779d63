//! Scripts and spellings of the region's languages: Serbian Latin ↔ Cyrillic
//! by the standard one-to-one transliteration (lj ↔ љ, nj ↔ њ, dž ↔ џ, …), and
//! the spelling without diacritics that English-language and web sources use
//! (Šarić → Saric, Đurić → Djuric).

/// Serbian Latin letters (and digraphs) and their Cyrillic letters, lower case;
/// digraphs first so they win over their first letter.
const LATIN_TO_CYRILLIC: &[(&str, char)] = &[
    ("dž", 'џ'),
    ("lj", 'љ'),
    ("nj", 'њ'),
    ("a", 'а'),
    ("b", 'б'),
    ("c", 'ц'),
    ("č", 'ч'),
    ("ć", 'ћ'),
    ("d", 'д'),
    ("đ", 'ђ'),
    ("e", 'е'),
    ("f", 'ф'),
    ("g", 'г'),
    ("h", 'х'),
    ("i", 'и'),
    ("j", 'ј'),
    ("k", 'к'),
    ("l", 'л'),
    ("m", 'м'),
    ("n", 'н'),
    ("o", 'о'),
    ("p", 'п'),
    ("r", 'р'),
    ("s", 'с'),
    ("š", 'ш'),
    ("t", 'т'),
    ("u", 'у'),
    ("v", 'в'),
    ("z", 'з'),
    ("ž", 'ж'),
];

/// Letters whose diacritics are dropped in ASCII spellings.
const WITHOUT_DIACRITICS: &[(char, &str)] = &[
    ('č', "c"),
    ('ć', "c"),
    ('đ', "dj"),
    ('š', "s"),
    ('ž', "z"),
    ('Č', "C"),
    ('Ć', "C"),
    ('Đ', "Dj"),
    ('Š', "S"),
    ('Ž', "Z"),
];

/// Serbian Latin text in Cyrillic. Letters outside the Serbian alphabet
/// (q, w, x, y: foreign names, acronyms like "EU" stay convertible) and
/// everything that is not a letter are kept as they are. Case follows the
/// first letter of a digraph: "Lj" → "Љ", "LJ" → "Љ".
pub fn latin_to_cyrillic(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() * 2);
    let mut i = 0;
    while i < chars.len() {
        let found = LATIN_TO_CYRILLIC.iter().find(|(latin, _)| {
            let n = latin.chars().count();
            i + n <= chars.len()
                && chars[i..i + n]
                    .iter()
                    .flat_map(|c| c.to_lowercase())
                    .eq(latin.chars())
        });
        match found {
            Some((latin, cyrillic)) => {
                if chars[i].is_uppercase() {
                    out.extend(cyrillic.to_uppercase());
                } else {
                    out.push(*cyrillic);
                }
                i += latin.chars().count();
            }
            None => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    out
}

/// Languages written in both Serbian scripts (and Croatian, whose text in
/// Cyrillic is Serbian to the language detector as well): the models read
/// their Cyrillic in Latin ([`serbian_cyrillic_to_latin`]).
pub const READ_IN_LATIN: &[&str] = &["sr", "bs", "hr"];

/// Whether `c` is in Unicode's Cyrillic blocks (Cyrillic and its Supplement).
pub fn is_cyrillic(c: char) -> bool {
    ('\u{400}'..='\u{52f}').contains(&c)
}

/// Text with its Serbian Cyrillic words in Latin, and where each byte of it
/// comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InLatin {
    pub text: String,
    /// For each byte of `text`, and one past its end, the byte of the
    /// original text where the character it was written from starts (both
    /// letters of "Lj" point to "Љ").
    origins: Vec<usize>,
}

impl InLatin {
    /// A byte range of the Latin text as a range of the original text.
    pub fn original(&self, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
        self.origins[range.start]..self.origins[range.end]
    }
}

/// `text` with every word (run of letters) whose Cyrillic letters are all
/// Serbian ones written in Serbian Latin ("Дарко Шарић" → "Darko Šarić");
/// `None` where no word is, so Latin text costs one scan. Words with letters
/// of other Cyrillic alphabets (Russian я, Macedonian ќ) are kept whole: a
/// half-transliterated word would be neither. A capital digraph letter is
/// "LJ" inside a word in capitals and "Lj" otherwise.
pub fn serbian_cyrillic_to_latin(text: &str) -> Option<InLatin> {
    let latin_of = |c: char| {
        let lower = c.to_lowercase().next()?;
        LATIN_TO_CYRILLIC
            .iter()
            .find(|(_, cyrillic)| *cyrillic == lower)
            .map(|(latin, _)| *latin)
    };
    let serbian = |word: &str| {
        word.chars().any(is_cyrillic)
            && word
                .chars()
                .all(|c| !is_cyrillic(c) || latin_of(c).is_some())
    };
    let mut words = letter_runs(text)
        .filter(|r| serbian(&text[r.clone()]))
        .peekable();
    words.peek()?;
    let mut latin = InLatin {
        text: String::with_capacity(text.len()),
        origins: Vec::with_capacity(text.len() + 1),
    };
    let mut copied = 0;
    for word in words {
        latin.text.push_str(&text[copied..word.start]);
        latin.origins.extend(copied..word.start);
        let letters: Vec<(usize, char)> = text[word.clone()].char_indices().collect();
        for (k, &(at, c)) in letters.iter().enumerate() {
            let before = latin.text.len();
            match latin_of(c).filter(|_| is_cyrillic(c)) {
                None => latin.text.push(c),
                Some(lower) if !c.is_uppercase() => latin.text.push_str(lower),
                // A capital digraph letter: "LJ" among capitals, else "Lj".
                Some(lower) => {
                    let next_upper = letters.get(k + 1).map(|&(_, n)| n.is_uppercase());
                    let previous_upper = k > 0 && letters[k - 1].1.is_uppercase();
                    let mut chars = lower.chars();
                    if let Some(first) = chars.next() {
                        latin.text.extend(first.to_uppercase());
                    }
                    if next_upper.unwrap_or(previous_upper) {
                        latin.text.extend(chars.flat_map(char::to_uppercase));
                    } else {
                        latin.text.extend(chars);
                    }
                }
            }
            let written = latin.text.len() - before;
            latin
                .origins
                .extend(std::iter::repeat_n(word.start + at, written));
        }
        copied = word.end;
    }
    latin.text.push_str(&text[copied..]);
    latin.origins.extend(copied..=text.len());
    Some(latin)
}

/// The byte ranges of the runs of letters of `text`.
fn letter_runs(text: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, _) = chars.find(|(_, c)| c.is_alphabetic())?;
        let mut end = text.len();
        while let Some(&(at, c)) = chars.peek() {
            if !c.is_alphabetic() {
                end = at;
                break;
            }
            chars.next();
        }
        Some(start..end)
    })
}

/// The spelling without the region's diacritics: "Đurić" → "Djuric",
/// "Šarić" → "Saric". Other characters are kept.
pub fn without_diacritics(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match WITHOUT_DIACRITICS.iter().find(|(d, _)| *d == c) {
            Some((_, plain)) => out.push_str(plain),
            None => out.push(c),
        }
    }
    out
}

/// Whether `text` has a letter [`without_diacritics`] changes.
pub fn has_diacritics(text: &str) -> bool {
    text.chars()
        .any(|c| WITHOUT_DIACRITICS.iter().any(|(d, _)| *d == c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transliterates_serbian_latin() {
        assert_eq!(latin_to_cyrillic("Darko Šarić"), "Дарко Шарић");
        assert_eq!(
            latin_to_cyrillic("Ljubljana, Njegoš, Džeko"),
            "Љубљана, Његош, Џеко"
        );
        assert_eq!(latin_to_cyrillic("LJUBIŠA Đurđević"), "ЉУБИША Ђурђевић");
        assert_eq!(latin_to_cyrillic("Beograd 2020."), "Београд 2020.");
        assert_eq!(latin_to_cyrillic("Wall"), "Wалл");
    }

    #[test]
    fn reads_serbian_cyrillic_in_latin() {
        let text = "Дарко Шарић, ЉУБИША и Љубиша Џеко (Россия, Putin) 4,5 милијарди";
        let latin = serbian_cyrillic_to_latin(text).unwrap();
        assert_eq!(
            latin.text,
            "Darko Šarić, LJUBIŠA i Ljubiša Džeko (Россия, Putin) 4,5 milijardi"
        );
        // Spans of the Latin text map back to the same words.
        for (word, original) in [
            ("Šarić", "Шарић"),
            ("LJUBIŠA", "ЉУБИША"),
            ("Ljubiša", "Љубиша"),
            ("Россия", "Россия"),
            ("milijardi", "милијарди"),
        ] {
            let at = latin.text.find(word).unwrap();
            assert_eq!(&text[latin.original(at..at + word.len())], original);
        }
        // One-letter capital digraph words, and the round trip.
        assert_eq!(serbian_cyrillic_to_latin("Њ и Ђ").unwrap().text, "Nj i Đ");
        let serbian = "Ljubljana, Njegoš, Džeko, Đurđević, LJUBIŠA";
        assert_eq!(
            serbian_cyrillic_to_latin(&latin_to_cyrillic(serbian))
                .unwrap()
                .text,
            serbian
        );
        assert_eq!(serbian_cyrillic_to_latin("Darko Šarić, Россия"), None);
    }

    #[test]
    fn drops_diacritics() {
        assert_eq!(
            without_diacritics("Zoran Đurić, Šarić"),
            "Zoran Djuric, Saric"
        );
        assert!(has_diacritics("Čačak"));
        assert!(!has_diacritics("Cacak"));
    }
}
