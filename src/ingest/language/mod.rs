//! The language and script of a document, from its text.
//!
//! Lingua (a statistical n-gram detector) picks among [`CANDIDATES`]: the
//! region's languages, English and the languages around them. Croatian,
//! Serbian and Bosnian share most of their words, so when lingua lands in that
//! group the words that tell them apart vote (`markers.tsv` here): the ijekavian
//! or ekavian reflex (vrijeme / vreme) and the lexicon (tisuća / hiljada,
//! siječanj / januar). Text in Cyrillic of that group is Serbian.

use crate::doc::script::{is_cyrillic, latin_to_cyrillic};
use lingua::{IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The languages a document may be detected as.
pub const CANDIDATES: &[Language] = &[
    Language::English,
    Language::Croatian,
    Language::Serbian,
    Language::Bosnian,
    Language::Slovene,
    Language::Macedonian,
    Language::Albanian,
    Language::Bulgarian,
    Language::Russian,
    Language::Ukrainian,
    Language::German,
    Language::French,
    Language::Italian,
    Language::Spanish,
    Language::Portuguese,
    Language::Dutch,
    Language::Turkish,
    Language::Greek,
    Language::Hungarian,
    Language::Romanian,
    Language::Polish,
    Language::Czech,
    Language::Slovak,
];

/// Detection reads at most this many bytes of a document: the opening of an
/// article says its language, and lingua's time grows with the text. On the
/// dev sets 2 KB was as accurate as 4 and 1 KB was not (`make language-eval`).
pub const SAMPLE_BYTES: usize = 2048;

/// A document's language (ISO 639-1) and main script (ISO 15924).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Detected {
    pub language: String,
    pub script: &'static str,
}

/// The language and script of `text`; language `""` when the text has too
/// few letters to tell (a table of figures).
pub fn detect(text: &str) -> Detected {
    detect_in_opening(text, SAMPLE_BYTES)
}

/// [`detect`] over the first `bytes` of `text` (`make language-eval`
/// compares sample sizes).
pub fn detect_in_opening(text: &str, bytes: usize) -> Detected {
    let sample = &text[..crate::doc::text::floor_boundary(text, bytes.min(text.len()))];
    let script = main_script(sample);
    let language = detector()
        .detect_language_of(sample)
        .map(|l| refine(l, sample, script))
        .map(|code| code.to_string())
        .unwrap_or_default();
    Detected { language, script }
}

/// The ISO 639-1 code of a language name or code as a user writes it
/// (`hr`, `HR`, `sr-Cyrl`, `croatian`), or an error naming the known ones.
pub fn parse_code(value: &str) -> Result<String, String> {
    let code = value
        .split(['-', '_'])
        .next()
        .unwrap_or(value)
        .trim()
        .to_ascii_lowercase();
    CANDIDATES
        .iter()
        .find(|l| {
            l.iso_code_639_1().to_string() == code || l.to_string().eq_ignore_ascii_case(&code)
        })
        .map(|l| l.iso_code_639_1().to_string())
        .ok_or_else(|| {
            let known: Vec<String> = CANDIDATES
                .iter()
                .map(|l| l.iso_code_639_1().to_string())
                .collect();
            format!(
                "unknown language {value:?}: give an ISO 639-1 code, one of {}",
                known.join(", ")
            )
        })
}

fn detector() -> &'static LanguageDetector {
    static DETECTOR: OnceLock<LanguageDetector> = OnceLock::new();
    DETECTOR.get_or_init(|| LanguageDetectorBuilder::from_languages(CANDIDATES).build())
}

/// The ISO 15924 code of the script most letters of `text` are in.
pub fn main_script(text: &str) -> &'static str {
    let (mut latin, mut cyrillic, mut greek, mut other) = (0usize, 0usize, 0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        match c as u32 {
            0x0041..=0x024F | 0x1E00..=0x1EFF => latin += 1,
            _ if is_cyrillic(c) => cyrillic += 1,
            0x0370..=0x03FF => greek += 1,
            _ => other += 1,
        }
    }
    let best = latin.max(cyrillic).max(greek).max(other);
    match best {
        0 => "",
        b if b == latin => "Latn",
        b if b == cyrillic => "Cyrl",
        b if b == greek => "Grek",
        _ => "Zyyy",
    }
}

/// Croatian, Serbian or Bosnian by the marker votes when lingua's pick is one
/// of them. Bosnian shares the ijekavian reflex with Croatian and much
/// lexicon with Serbian, so it collects both kinds of votes: a Croatian–Bosnian
/// tie (the reflex alone) is Croatian; other ties, and no markers at all,
/// keep lingua's pick where it is among the tied. Text whose function words are more English than the
/// group's is English.
fn refine(picked: Language, text: &str, script: &str) -> IsoCode639_1 {
    let group = [Language::Croatian, Language::Serbian, Language::Bosnian];
    if !group.contains(&picked) {
        return picked.iso_code_639_1();
    }
    let markers = markers();
    let (mut english, mut in_group) = (0usize, 0usize);
    let mut votes: HashMap<&'static str, usize> = HashMap::new();
    for word in text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
    {
        let Some(languages) = markers.get(word.to_lowercase().as_str()) else {
            continue;
        };
        if languages.contains(&"en") {
            english += 1;
        } else {
            in_group += 1;
        }
        for language in languages {
            *votes.entry(language).or_default() += 1;
        }
    }
    if english > in_group {
        return IsoCode639_1::EN;
    }
    if script == "Cyrl" {
        return IsoCode639_1::SR;
    }
    let vote = |code: &str| votes.get(code).copied().unwrap_or(0);
    let most = ["hr", "sr", "bs"].into_iter().map(vote).max().unwrap_or(0);
    let tied: Vec<&str> = ["hr", "sr", "bs"]
        .into_iter()
        .filter(|c| most > 0 && vote(c) == most)
        .collect();
    let picked_code = picked.iso_code_639_1();
    let code = match tied.as_slice() {
        [] => return picked_code,
        [one] => *one,
        // Only the shared ijekavian reflex: Bosnian has no evidence of its own.
        ["hr", "bs"] => "hr",
        _ if tied.contains(&picked_code.to_string().as_str()) => return picked_code,
        [first, ..] => *first,
    };
    match code {
        "hr" => IsoCode639_1::HR,
        "sr" => IsoCode639_1::SR,
        _ => IsoCode639_1::BS,
    }
}

/// The marker table: a word (Latin, and its Cyrillic spelling) → the
/// languages whose standard uses it.
fn markers() -> &'static HashMap<String, Vec<&'static str>> {
    static MARKERS: OnceLock<HashMap<String, Vec<&'static str>>> = OnceLock::new();
    MARKERS.get_or_init(|| {
        let mut table = HashMap::new();
        for row in crate::tables::rows(include_str!("markers.tsv")) {
            let [word, languages @ ..] = &row[..] else {
                continue;
            };
            if languages.is_empty() {
                continue;
            }
            let languages: Vec<&'static str> = languages
                .iter()
                .flat_map(|l| l.split_whitespace())
                .collect();
            table.insert(latin_to_cyrillic(word), languages.clone());
            table.insert(word.to_string(), languages);
        }
        table
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(text: &str) -> (String, &'static str) {
        let d = detect(text);
        (d.language, d.script)
    }

    #[test]
    fn tells_the_region_apart() {
        assert_eq!(
            lang("Policija je tijekom prošlog tjedna uhitila dvojicu osumnjičenih u Rijeci, a vrijednost zaplijenjenog kokaina procjenjuje se na više od dvije tisuće eura."),
            ("hr".into(), "Latn")
        );
        assert_eq!(
            lang("Policija je tokom prošle nedelje uhapsila dvojicu osumnjičenih u Novom Sadu, a vrednost zaplenjenog kokaina procenjuje se na više od dve hiljade evra."),
            ("sr".into(), "Latn")
        );
        assert_eq!(
            lang("Полиција је током прошле недеље ухапсила двојицу осумњичених у Новом Саду."),
            ("sr".into(), "Cyrl")
        );
        assert_eq!(
            lang("Policija je tokom prošle sedmice uhapsila dvojicu osumnjičenih u Tuzli, a vrijednost zaplijenjenog kokaina procjenjuje se na više od dvije hiljade maraka."),
            ("bs".into(), "Latn")
        );
        assert_eq!(
            lang("Police in Rijeka arrested two suspects last week over a shipment of cocaine worth more than two thousand euros."),
            ("en".into(), "Latn")
        );
        // A short English sentence dominated by the region's names.
        assert_eq!(
            lang("Veljko Belivuk paid more than 90 tonnes worth €4.5 billion to Darko Šarić."),
            ("en".into(), "Latn")
        );
    }

    #[test]
    fn no_letters_no_language() {
        assert_eq!(lang("1 : 2 , 3 - 4 (5)"), (String::new(), ""));
    }

    #[test]
    fn codes_as_users_write_them() {
        assert_eq!(parse_code("sr-Cyrl").unwrap(), "sr");
        assert_eq!(parse_code("HR").unwrap(), "hr");
        assert_eq!(parse_code("Croatian").unwrap(), "hr");
        let err = parse_code("xx").unwrap_err();
        assert!(
            err.starts_with(
                "unknown language \"xx\": give an ISO 639-1 code, one of en, hr, sr, bs"
            ),
            "{err}"
        );
    }
}
