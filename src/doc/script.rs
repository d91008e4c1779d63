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
    fn drops_diacritics() {
        assert_eq!(
            without_diacritics("Zoran Đurić, Šarić"),
            "Zoran Djuric, Saric"
        );
        assert!(has_diacritics("Čačak"));
        assert!(!has_diacritics("Cacak"));
    }
}
