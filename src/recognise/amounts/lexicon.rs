//! Word lists the scanner consults: which words can be counted, which are
//! modifiers, references or function words. Data, kept apart from the scanner.

use super::numbers::*;
use super::tables::Fnv;
use crate::doc::script::latin_to_cyrillic;
use std::collections::HashSet;
use std::hash::BuildHasherDefault;
use std::sync::LazyLock;

type WordSet = HashSet<String, BuildHasherDefault<Fnv>>;

/// Plural-looking words that are not counted nouns.
pub(super) fn not_noun(w: &str) -> bool {
    matches!(
        w,
        "is" | "was"
            | "has"
            | "does"
            | "goes"
            | "says"
            | "its"
            | "this"
            | "thus"
            | "plus"
            | "minus"
            | "as"
            | "us"
            | "his"
            | "hers"
            | "ours"
            | "yours"
            | "theirs"
            | "yes"
            | "whereas"
            | "besides"
            | "always"
            | "sometimes"
            | "perhaps"
            | "afterwards"
            | "towards"
            | "across"
            | "nevertheless"
            | "unless"
            | "times"
            | "cents"
            | "others"
            | "thousands"
            | "millions"
            | "billions"
            | "trillions"
            | "hundreds"
            | "dozens"
            | "tens"
            | "seems"
            | "remains"
            | "comes"
            | "includes"
            | "shows"
            | "means"
            | "makes"
            | "takes"
            | "gives"
            | "involves"
            | "represents"
            | "equals"
            | "contains"
            | "accounts"
            | "needs"
            | "wants"
            | "gets"
            | "puts"
            | "sets"
            | "lets"
            | "leads"
            | "holds"
            | "stands"
            | "falls"
            | "rises"
            | "stays"
            | "lies"
            | "tries"
            | "dies"
            | "applies"
            | "becomes"
            | "continues"
            | "allows"
            | "appears"
            | "refers"
            | "exceeds"
            | "vs"
            | "ms"
            | "mrs"
            | "whose"
            // temperatures and angles are not counts ("24 degrees")
            | "degrees"
            | "degree"
    )
}

/// Irregular plurals / collectives that are counted without a trailing 's'.
pub(super) fn irregular_plural(w: &str) -> bool {
    matches!(
        w,
        "people"
            | "police"
            | "men"
            | "women"
            | "children"
            | "staff"
            | "personnel"
            | "cattle"
            | "sheep"
            | "fish"
            | "livestock"
            | "crew"
            | "youth"
            | "feet"
            | "teeth"
            | "mice"
            | "geese"
            | "militia"
    )
}

/// A lower-case word accepted as the counted noun: plural-looking or an
/// irregular plural. Requiring plural morphology keeps verbs ("2 targeted"),
/// function words ("one of") and adjectives out.
pub(super) fn count_noun_ok(w: &str, singular_ok: bool) -> bool {
    if w.len() < 2 || !w.chars().all(|c| c.is_lowercase() || c == '-') || w.ends_with('-') {
        return false;
    }
    if not_noun(w) {
        return false;
    }
    if irregular_plural(w) {
        return true;
    }
    let plural = w.len() >= 3
        && w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("is");
    plural || (singular_ok && w.len() >= 3 && w.chars().all(|c| c.is_ascii_lowercase()))
}

/// Words that are never the counted noun: function words and the like.
const FUNCTION_WORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "of",
    "to",
    "in",
    "on",
    "at",
    "by",
    "for",
    "with",
    "from",
    "into",
    "onto",
    "over",
    "under",
    "about",
    "after",
    "before",
    "than",
    "then",
    "and",
    "or",
    "but",
    "nor",
    "as",
    "that",
    "which",
    "who",
    "whom",
    "what",
    "when",
    "where",
    "while",
    "per",
    "each",
    "every",
    "are",
    "were",
    "be",
    "been",
    "being",
    "am",
    "pm",
    "have",
    "had",
    "do",
    "did",
    "done",
    "will",
    "would",
    "shall",
    "should",
    "can",
    "could",
    "may",
    "might",
    "must",
    "not",
    "no",
    "so",
    "these",
    "those",
    "there",
    "here",
    "it",
    "he",
    "she",
    "they",
    "we",
    "you",
    "her",
    "their",
    "our",
    "my",
    "your",
    "them",
    "him",
    "me",
    "said",
    "say",
    "including",
    "against",
    "between",
    "among",
    "during",
    "without",
    "within",
    "out",
    "up",
    "down",
    "off",
    "also",
    "only",
    "just",
    "even",
    "still",
    "yet",
    "very",
    "too",
    "all",
    "both",
    "either",
    "neither",
    "less",
    "least",
    "most",
    "some",
    "any",
    "another",
    "same",
    "via",
    "like",
    "since",
    "until",
    "if",
    "whether",
    "because",
    "though",
    "although",
    "o",
    "got",
    "get",
    "went",
    "came",
    "made",
    "took",
    "gave",
    "saw",
    "left",
    "won",
    "lost",
    "paid",
    "went-on",
    "ago",
    "later",
    "earlier",
    "back",
    "away",
    "again",
    "times",
    "percent",
    "cent",
];

/// Function words and auxiliaries: never a modifier before a counted noun
/// ("5 of the suspects", "the two were officers").
pub(super) fn function_word(w: &str) -> bool {
    FUNCTION_WORDS.contains(&w)
}

/// Plural-form nouns used as modifiers ("two customs officers").
pub(super) fn plural_modifier(w: &str) -> bool {
    matches!(
        w,
        "customs"
            | "arms"
            | "drugs"
            | "narcotics"
            | "goods"
            | "sales"
            | "savings"
            | "operations"
            | "news"
            | "sports"
            | "police"
            | "people"
            | "staff"
            | "security"
            | "border"
    )
}

/// One modifier allowed between number and noun: "20 armed men",
/// "12 Albanian nationals", "20 more people", "12 luxury cars".
pub(super) fn adjective_ok(w: &str) -> bool {
    let Some(c) = w.chars().next() else {
        return false;
    };
    if c.is_uppercase() {
        // nationality adjectives
        return w.len() >= 4
            && w.chars().skip(1).all(|c| c.is_lowercase())
            && ["ian", "ish", "ese", "an", "i"]
                .iter()
                .any(|s| w.ends_with(s));
    }
    if !w.chars().all(|c| c.is_lowercase() || c == '-') || function_word(w) || not_noun(w) {
        return false;
    }
    // any other lower-case word except adverbs: noun modifiers ("luxury")
    if w.len() >= 3 && !w.ends_with("ly") && !word_trigger(w.as_bytes()) {
        return true;
    }
    matches!(
        w,
        "new"
            | "old"
            | "young"
            | "more"
            | "other"
            | "foreign"
            | "local"
            | "small"
            | "large"
            | "big"
            | "major"
            | "senior"
            | "junior"
            | "key"
            | "top"
            | "known"
            | "fake"
            | "false"
            | "illegal"
            | "stolen"
            | "separate"
            | "further"
            | "high-ranking"
            | "low-level"
            | "former"
            | "alleged"
            | "suspected"
    ) || (w.len() >= 5
        && [
            "ed", "al", "ive", "ous", "ful", "ic", "ian", "ish", "ing", "ant", "ent",
        ]
        .iter()
        .any(|s| w.ends_with(s)))
}

/// Capitalised words that may precede an amount without marking it as part
/// of a name ("In 2021", "Only 20 people").
pub(super) fn cap_ok(lw: &str) -> bool {
    matches!(
        lw,
        "the"
            | "in"
            | "on"
            | "at"
            | "by"
            | "of"
            | "for"
            | "from"
            | "with"
            | "about"
            | "some"
            | "only"
            | "over"
            | "under"
            | "nearly"
            | "almost"
            | "just"
            | "all"
            | "and"
            | "but"
            | "or"
            | "than"
            | "to"
            | "these"
            | "those"
            | "its"
            | "their"
            | "his"
            | "her"
            | "our"
            | "another"
            | "last"
            | "next"
            | "past"
            | "first"
            | "every"
            | "each"
            | "around"
            | "approximately"
            | "roughly"
            | "between"
            | "after"
            | "before"
            | "during"
            | "within"
            | "since"
            | "least"
            | "most"
    ) || REGIONAL_CAP_OK.contains(lw)
}

/// Words after which a number is a reference, not an amount ("page 12",
/// "Article 5", "no. 123").
pub(super) fn reference_word(lw: &str) -> bool {
    matches!(
        lw,
        "page"
            | "pages"
            | "p"
            | "pp"
            | "paragraph"
            | "paragraphs"
            | "para"
            | "paras"
            | "article"
            | "articles"
            | "art"
            | "section"
            | "sec"
            | "chapter"
            | "ch"
            | "no"
            | "nr"
            | "number"
            | "version"
            | "ver"
            | "v"
            | "annex"
            | "footnote"
            | "note"
            | "item"
            | "line"
            | "table"
            | "figure"
            | "fig"
            | "clause"
            | "street"
            | "st"
            | "road"
            | "room"
            | "floor"
            | "level"
            | "phase"
            | "stage"
            | "grade"
            | "episode"
            | "season"
            | "vol"
            | "volume"
            | "issue"
            | "part"
            | "rule"
            | "resolution"
            | "route"
            | "flight"
            | "apartment"
            | "apt"
            | "box"
            | "gate"
            | "platform"
            | "exit"
            | "tier"
            | "category"
            | "step"
            | "verse"
            | "appendix"
            | "schedule"
            | "edition"
            | "bus"
            | "tram"
            | "channel"
            | "highway"
            | "motorway"
            | "lane"
            | "avenue"
            | "ave"
            | "id"
            | "code"
            | "operation"
            | "windows"
            | "iphone"
    ) || REGIONAL_REFERENCES.contains(lw)
}

/// A Latin word list and its Serbian Cyrillic spellings.
fn with_cyrillic(words: &[&'static str]) -> WordSet {
    words
        .iter()
        .flat_map(|w| [w.to_string(), latin_to_cyrillic(w)])
        .collect()
}

/// Capitalised words of the region's languages that may start a sentence
/// before an amount ("Oko 70.000 telefona", "Više od 2.500 ...").
static REGIONAL_CAP_OK: LazyLock<WordSet> = LazyLock::new(|| {
    with_cyrillic(&[
        "u",
        "od",
        "do",
        "za",
        "na",
        "sa",
        "s",
        "i",
        "oko",
        "više",
        "manje",
        "najmanje",
        "najviše",
        "gotovo",
        "skoro",
        "čak",
        "još",
        "samo",
        "ukupno",
        "svih",
        "tih",
        "ovih",
        "između",
        "preko",
        "blizu",
        "približno",
        "otprilike",
        "prema",
        "nakon",
        "prije",
        "posle",
        "poslije",
        "tijekom",
        "tokom",
        "iz",
        "kod",
    ])
});

/// Words of the region after which a number is a reference ("članak 5",
/// "broj 12", "str. 4").
static REGIONAL_REFERENCES: LazyLock<WordSet> = LazyLock::new(|| {
    with_cyrillic(&[
        "članak",
        "članka",
        "članku",
        "član",
        "člana",
        "čl",
        "stavak",
        "stavka",
        "stav",
        "točka",
        "točke",
        "tačka",
        "tačke",
        "broj",
        "broja",
        "br",
        "str",
        "stranica",
        "strana",
        "predmet",
        "ulica",
        "ulici",
        "akcija",
        "operacija",
        "kat",
        "sprat",
        "soba",
        "verzija",
    ])
});

/// Words of the region that are never the counted noun after a number:
/// function words, adverbs, verbs, month names (dates), words for "times".
static REGIONAL_STOP: LazyLock<WordSet> = LazyLock::new(|| {
    with_cyrillic(&[
        "i",
        "ili",
        "a",
        "ali",
        "da",
        "je",
        "su",
        "se",
        "sa",
        "od",
        "do",
        "za",
        "na",
        "u",
        "o",
        "po",
        "iz",
        "koja",
        "koje",
        "koji",
        "kojih",
        "kojima",
        "kada",
        "kad",
        "kako",
        "gdje",
        "gde",
        "ovdje",
        "ovde",
        "prije",
        "pre",
        "posle",
        "poslije",
        "nakon",
        "tijekom",
        "tokom",
        "zbog",
        "preko",
        "između",
        "među",
        "protiv",
        "prema",
        "osim",
        "iza",
        "blizu",
        "oko",
        "više",
        "manje",
        "puta",
        "nije",
        "nisu",
        "bila",
        "bilo",
        "bili",
        "bile",
        "bio",
        "biti",
        "ima",
        "imaju",
        "imala",
        "imali",
        "ova",
        "ove",
        "ovi",
        "ta",
        "te",
        "ti",
        "ona",
        "one",
        "oni",
        "sve",
        "svi",
        "sva",
        "svih",
        "njih",
        "njima",
        "njegova",
        "njegove",
        "njena",
        "njezina",
        "njihova",
        "njihove",
        "godišnje",
        "mjesečno",
        "mesečno",
        "dnevno",
        "ukupno",
        "odnosno",
        "također",
        "takođe",
        "već",
        "samo",
        "još",
        "čak",
        "sada",
        "tada",
        "zatim",
        "potom",
        "dakle",
        "naime",
        "svega",
        "jer",
        "niti",
        "iako",
        "ukoliko",
        "ako",
        "tako",
        "kao",
        "koliko",
        "toliko",
        "nekoliko",
        "mnogo",
        "malo",
        "dosta",
        "uhapšena",
        "uhićena",
        "bude",
        "budu",
        "biće",
        "bi",
        "će",
        "će",
        "treba",
        "trebalo",
        "može",
        "mogu",
        "moglo",
        "siječnja",
        "veljače",
        "ožujka",
        "travnja",
        "svibnja",
        "lipnja",
        "srpnja",
        "kolovoza",
        "rujna",
        "listopada",
        "studenoga",
        "studenog",
        "prosinca",
        "januara",
        "februara",
        "marta",
        "aprila",
        "maja",
        "juna",
        "jula",
        "avgusta",
        "augusta",
        "septembra",
        "oktobra",
        "novembra",
        "decembra",
        "januar",
        "februar",
        "godini",
        "godišnjice",
        "sa",
        "uz",
        "pred",
        "nad",
        "pod",
        "kroz",
        "bez",
        "kod",
        "ka",
        "prema",
        "putem",
        "posto",
        "odsto",
        "minus",
        "plus",
        "jedne",
        "druge",
        "prve",
        "treće",
        "ostale",
        "ostali",
        "ostalih",
        "ukupne",
        "nove",
        "novi",
        "stari",
        "stare",
        "veće",
        "manje",
        "tisuće",
        "hiljade",
        "stotine",
        "desetine",
        "stotina",
        "desetina",
    ])
});

/// A regional adjective before the counted noun ("5 novih telefona",
/// "19 uhapšenih osoba"): the genitive plural ending -ih.
pub(super) fn regional_adjective(w: &str) -> bool {
    w.chars().count() >= 4 && (w.ends_with("ih") || w.ends_with("их"))
}

/// A lower-case word ending like a noun in the case a number governs
/// (genitive -a/-i/-e: "telefona", "osoba", "ljudi", "osobe"), not a word
/// the region never counts, not an infinitive (-ti, -ći).
pub(super) fn regional_noun_like(w: &str) -> bool {
    if w.chars().count() < 4 || REGIONAL_STOP.contains(w) {
        return false;
    }
    if ["ti", "ći", "ти", "ћи"].iter().any(|s| w.ends_with(s)) {
        return false;
    }
    matches!(
        w.chars().next_back(),
        Some('a' | 'e' | 'i' | 'а' | 'е' | 'и')
    )
}

/// Frequent English words: evidence that the text around is English.
pub(super) fn english_marker(lw: &str) -> bool {
    matches!(
        lw,
        "the"
            | "of"
            | "and"
            | "to"
            | "in"
            | "is"
            | "was"
            | "were"
            | "for"
            | "with"
            | "that"
            | "said"
            | "by"
            | "from"
            | "has"
            | "have"
            | "had"
            | "are"
            | "on"
            | "at"
            | "an"
            | "this"
            | "which"
            | "it"
            | "he"
            | "she"
            | "they"
            | "their"
            | "his"
            | "her"
    )
}

/// Frequent words of the region's languages (Latin; Cyrillic words count
/// by their script).
pub(super) fn regional_marker(lw: &str) -> bool {
    matches!(
        lw,
        "je" | "su"
            | "i"
            | "u"
            | "od"
            | "za"
            | "na"
            | "da"
            | "se"
            | "sa"
            | "iz"
            | "koji"
            | "koja"
            | "koje"
            | "kao"
            | "ili"
            | "po"
            | "prema"
            | "nije"
            | "bio"
            | "bila"
            | "biti"
            | "oko"
            | "više"
            | "godine"
            | "godina"
            | "policija"
            | "tisuća"
            | "hiljada"
            | "milijuna"
            | "miliona"
            | "posto"
            | "odsto"
            | "eura"
            | "kuna"
            | "dinara"
            | "između"
    )
}
