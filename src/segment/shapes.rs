//! Word shapes: the base tokenizer lower-cases and strips accents, so the model
//! cannot see capitalisation. Each word gets one of these classes, computed from
//! the original text, and the model adds a learned embedding of it to every
//! sub-token of the word.

/// The shape classes, in embedding-row order; saved in the model config.
pub const WORD_SHAPES: [&str; 7] = [
    "special",
    "lower",
    "capitalised",
    "all_caps",
    "mixed",
    "digit",
    "no_letters",
];

/// Row for [CLS], [SEP] and padding.
pub const SPECIAL: i64 = 0;

/// Shape class of one word.
pub fn word_shape(word: &str) -> i64 {
    if word.chars().any(|c| c.is_numeric()) {
        return 5;
    }
    let mut letters = word.chars().filter(|c| c.is_alphabetic());
    let Some(first) = letters.next() else {
        return 6;
    };
    let rest: Vec<char> = letters.collect();
    let all_lower = !first.is_uppercase() && rest.iter().all(|c| !c.is_uppercase());
    if all_lower {
        return 1;
    }
    let rest_lower = rest.iter().all(|c| !c.is_uppercase());
    if first.is_uppercase() && rest_lower {
        // A single capital letter ("A", "U") is Capitalised.
        return 2;
    }
    if first.is_uppercase() && rest.iter().all(|c| c.is_uppercase()) {
        return 3;
    }
    4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        let cases = [
            ("drugs", "lower"),
            ("Šarić", "capitalised"),
            ("A", "capitalised"),
            ("SIPA", "all_caps"),
            ("U.S.", "all_caps"),
            ("McDonald", "mixed"),
            ("iPhone", "mixed"),
            ("COVID-19", "digit"),
            ("2020", "digit"),
            ("€", "no_letters"),
            (",", "no_letters"),
        ];
        for (word, shape) in cases {
            assert_eq!(WORD_SHAPES[word_shape(word) as usize], shape, "{word}");
        }
    }
}
