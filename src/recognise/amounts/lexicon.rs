//! Word lists the scanner consults: which words can be counted, which are
//! modifiers, references or function words. Data, kept apart from the scanner.

use super::numbers::*;

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
    )
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
    )
}
