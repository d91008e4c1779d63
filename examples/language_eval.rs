//! Language detection on the dev sets (`make language-eval`): UNER hr and sr
//! dev sentences joined into 50 pseudo-documents each (sr also transliterated
//! to Cyrillic), and CoNLL-2003 dev documents (by `-DOCSTART-`). Prints the
//! share detected correctly per set, every confusion and the time detection
//! took, for the default sample (the opening [`SAMPLE_BYTES`] of a document)
//! and smaller ones.
use nerpipe::doc::script::latin_to_cyrillic;
use nerpipe::eval::conll::{read_conll, Sentence};
use nerpipe::ingest::language::{detect_in_opening, SAMPLE_BYTES};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// UNER dev sentences per set become this many pseudo-documents.
const PSEUDO_DOCUMENTS: usize = 50;

fn text_of(sentences: &[Sentence]) -> String {
    sentences
        .iter()
        .map(|s| s.words.join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Sentences split into `n` consecutive groups of near-equal size.
fn pseudo_documents(sentences: &[Sentence], n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let from = i * sentences.len() / n;
            let to = (i + 1) * sentences.len() / n;
            text_of(&sentences[from..to])
        })
        .collect()
}

fn conll_documents(sentences: &[Sentence]) -> Vec<String> {
    let mut by_document: BTreeMap<usize, Vec<Sentence>> = BTreeMap::new();
    for s in sentences {
        by_document.entry(s.document).or_default().push(s.clone());
    }
    by_document.values().map(|s| text_of(s)).collect()
}

/// UNER dev sentences per set also become this many long documents.
const LONG_DOCUMENTS: usize = 10;

/// Opening sizes compared with the default.
const SMALLER_SAMPLES: [usize; 3] = [2048, 1024, 512];

fn report(name: &str, expected: &str, documents: &[String], bytes: usize) -> (usize, usize) {
    let mut detected: BTreeMap<String, usize> = BTreeMap::new();
    for d in documents {
        let language = detect_in_opening(d, bytes).language;
        if std::env::var_os("SHOW").is_some() && language != expected {
            println!(
                "--- {expected} as {language}: {}",
                d.chars().take(300).collect::<String>().replace('\n', " | ")
            );
        }
        *detected
            .entry(if language.is_empty() {
                "(none)".into()
            } else {
                language
            })
            .or_default() += 1;
    }
    let correct = detected.get(expected).copied().unwrap_or(0);
    let confusions: Vec<String> = detected
        .iter()
        .filter(|(l, _)| l.as_str() != expected)
        .map(|(l, n)| format!("{n} as {l}"))
        .collect();
    println!(
        "{name:<28} {correct:>4}/{:<4} {:>6.2} %   {}",
        documents.len(),
        100.0 * correct as f64 / documents.len().max(1) as f64,
        if confusions.is_empty() {
            "-".to_string()
        } else {
            confusions.join(", ")
        }
    );
    (correct, documents.len())
}

fn main() -> anyhow::Result<()> {
    let data = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "../shared/datasets".into()),
    );
    let hr = read_conll(&data.join("uner-hr-set/hr_set-ud-dev.iob2"))?;
    let sr = read_conll(&data.join("uner-sr-set/sr_set-ud-dev.iob2"))?;
    let conll = read_conll(&data.join("conll2003/eng.testa"))?;
    let sr_docs = pseudo_documents(&sr, PSEUDO_DOCUMENTS);
    let sr_cyrillic: Vec<String> = sr_docs.iter().map(|d| latin_to_cyrillic(d)).collect();
    let sets = [
        (
            "UNER hr dev (50 docs)",
            "hr",
            pseudo_documents(&hr, PSEUDO_DOCUMENTS),
        ),
        ("UNER sr dev (50 docs)", "sr", sr_docs),
        // Longer than the default opening, so that every size cuts them.
        (
            "UNER hr dev (10 docs)",
            "hr",
            pseudo_documents(&hr, LONG_DOCUMENTS),
        ),
        (
            "UNER sr dev (10 docs)",
            "sr",
            pseudo_documents(&sr, LONG_DOCUMENTS),
        ),
        ("UNER sr dev Cyrillic", "sr", sr_cyrillic),
        ("CoNLL-2003 dev documents", "en", conll_documents(&conll)),
    ];
    for (name, _, documents) in &sets {
        let longer = documents.iter().filter(|d| d.len() > 512).count();
        let bytes: usize = documents.iter().map(String::len).sum();
        println!(
            "{name}: {} documents, {} bytes on average, {longer} longer than 512",
            documents.len(),
            bytes / documents.len().max(1)
        );
    }
    // The detector's models load on first use: not part of any timing.
    detect_in_opening("warm-up", SAMPLE_BYTES);
    for bytes in std::iter::once(SAMPLE_BYTES).chain(SMALLER_SAMPLES) {
        println!(
            "\nopening of {bytes} bytes{}",
            if bytes == SAMPLE_BYTES {
                " (the default)"
            } else {
                ""
            }
        );
        println!("{:<28} {:>9} {:>8}   confusions", "set", "correct", "share");
        let started = std::time::Instant::now();
        let scores: Vec<(usize, usize)> = sets
            .iter()
            .map(|(name, expected, documents)| report(name, expected, documents, bytes))
            .collect();
        let seconds = started.elapsed().as_secs_f64();
        let (correct, total) = scores.iter().fold((0, 0), |(c, t), (a, b)| (c + a, t + b));
        println!(
            "{:<28} {correct:>4}/{total:<4} {:>6.2} %   detection took {seconds:.2} s",
            "all",
            100.0 * correct as f64 / total as f64
        );
    }
    Ok(())
}
