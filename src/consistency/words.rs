//! The word lists the rules use, as data.

/// Function words that join the parts of a name ("Port of Bar", "Bosnia and
/// Herzegovina", "Ured za suzbijanje korupcije", "Ministarstvo unutrašnjih
/// poslova i …"), per language. A mention ending in one of them is a fragment
/// of a longer name. Written lowercase, as they stand inside names.
pub const FUNCTION_WORDS: &[(&str, &[&str])] = &[
    (
        "en",
        &["of", "for", "the", "and", "on", "at", "in", "to", "de", "&"],
    ),
    // Croatian, Serbian (Latin), Bosnian, Montenegrin.
    (
        "hbs",
        &["i", "za", "u", "od", "na", "s", "sa", "o", "pri", "iz"],
    ),
    // Serbian Cyrillic.
    (
        "sr-Cyrl",
        &["и", "за", "у", "од", "на", "с", "са", "о", "при", "из"],
    ),
    (
        "fr/es/it/pt",
        &[
            "de", "du", "des", "la", "le", "del", "della", "di", "do", "da",
        ],
    ),
    (
        "de/nl",
        &["der", "die", "das", "für", "und", "van", "voor", "en"],
    ),
];

/// Whether `word` is a function word of any language in [`FUNCTION_WORDS`]
/// (exactly, as written inside names: lowercase).
pub fn is_function_word(word: &str) -> bool {
    FUNCTION_WORDS
        .iter()
        .any(|(_, words)| words.contains(&word))
}

/// Capitalised words the model sometimes tags but that are too common to be
/// added wherever they occur again (rule 6): sentence starters, titles,
/// days and months. Lowercase.
pub const NEVER_REPEATED: &[&str] = &[
    "the",
    "a",
    "an",
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "mr",
    "mrs",
    "ms",
    "dr",
    "sir",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "president",
    "minister",
    "police",
    "court",
    "government",
    "state",
    "city",
    "north",
    "south",
    "east",
    "west",
];

/// Fewest characters a name must have to be added again (rule 6).
pub const MIN_REPEAT_CHARS: usize = 2;

/// Fewest letters a surname must have for its other cases to count as it
/// (rule 5): shorter ones are compared only as written ("Ana" is not "Ane").
pub const MIN_SURNAME_CHARS: usize = 4;

/// Most letters a case ending adds to a surname less its final vowel (rule
/// 5): "Šarić" → "Šarića", "Šarićem", "Šarićeva"; "Tito" is not "Titograd".
/// Also the most an acronym's hyphenated case ending has (rule 4): "USKOK-om".
pub const MAX_CASE_ENDING_CHARS: usize = 3;
