//! The consistency stage on the sample corpus, with the default model: no
//! mention spans a blank line, and no document has one surface form under two
//! labels. Holds for any model: the stage guarantees it.

mod common;

use common::{read_jsonl, repo, run_corpus};
use nerpipe::doc::Mention;
use std::collections::{BTreeSet, HashMap};

/// The surface form as the stage compares them: possessive off, folded.
fn surface_key(text: &str) -> String {
    let stem = ["'s", "\u{2019}s"]
        .iter()
        .find_map(|s| text.strip_suffix(s))
        .unwrap_or(text);
    nerpipe::resolve::normalise_key(stem)
}

fn has_blank_line(text: &str) -> bool {
    let lines: Vec<&str> = text.split('\n').collect();
    lines.len() > 2
        && lines[1..lines.len() - 1]
            .iter()
            .any(|l| l.trim().is_empty())
}

#[test]
fn sample_corpus_reads_one_way_per_document() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_corpus(
        &repo().join("corpus"),
        &out,
        &["--threads", "1", "--no-report", "--no-sqlite"],
    );
    let mentions: Vec<Mention> = read_jsonl(&out.join("mentions.jsonl"));
    assert!(!mentions.is_empty());
    let spanning: Vec<&str> = mentions
        .iter()
        .filter(|m| has_blank_line(&m.text))
        .map(|m| m.text.as_str())
        .collect();
    assert_eq!(spanning, Vec::<&str>::new(), "mentions over a blank line");
    let mut labels: HashMap<(&str, String), BTreeSet<String>> = HashMap::new();
    for m in mentions.iter().filter(|m| m.amount.is_none()) {
        labels
            .entry((m.doc_id.as_str(), surface_key(&m.text)))
            .or_default()
            .insert(m.label.to_string());
    }
    let mut split: Vec<String> = labels
        .iter()
        .filter(|(_, l)| l.len() > 1)
        .map(|((doc, form), l)| format!("{doc}: {form} {l:?}"))
        .collect();
    split.sort();
    assert_eq!(
        split,
        Vec::<String>::new(),
        "surface forms under two labels"
    );
    // Votes are recorded only where they were needed, and a reviewer can
    // read them next to the label: the winner has the highest sum, and every
    // mention of the voted form in the document carries the same vote.
    let mut voted: HashMap<(&str, String), (String, String)> = HashMap::new();
    for m in mentions.iter().filter(|m| m.label_votes.is_some()) {
        let votes = m.label_votes.as_ref().unwrap();
        assert!(votes.len() > 1, "{}: one-label vote", m.mention_id);
        let best = votes.values().copied().fold(f32::MIN, f32::max);
        assert_eq!(votes.get(&m.label), Some(&best), "{}", m.mention_id);
        voted.insert(
            (m.doc_id.as_str(), surface_key(&m.text)),
            (m.label.to_string(), format!("{votes:?}")),
        );
    }
    assert!(!voted.is_empty(), "no surface form was voted on");
    // (Occurrences the stage added afterwards, source "consistency", take
    // the label but were never voted on.)
    for m in mentions.iter().filter(|m| m.amount.is_none()) {
        if let Some((label, votes)) = voted.get(&(m.doc_id.as_str(), surface_key(&m.text))) {
            assert_eq!(&m.label.to_string(), label, "{}", m.mention_id);
            if m.source != "consistency" {
                let mine = match &m.label_votes {
                    Some(v) => format!("{v:?}"),
                    None => panic!("{}: a voted form without the votes", m.mention_id),
                };
                assert_eq!(&mine, votes, "{}", m.mention_id);
            }
        }
    }
    if std::env::var_os("NERPIPE_TEST_MODEL").is_none() {
        // The default model gives these names two labels in their documents
        // (in int8, bf16 and fp32 alike, one sentence per window); the vote
        // makes them places.
        for (doc, form) in [
            ("balkans/novi-sad-bakeries.txt", "Novi Sad"),
            ("reports/ploce-terminal-payments.docx", "Ljubljana"),
        ] {
            assert_eq!(
                voted.get(&(doc, surface_key(form))).map(|v| v.0.as_str()),
                Some("PLACE"),
                "{doc}: {form} voted on: {voted:#?}"
            );
        }
    }
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["options"]["consistency"], "corpus");
}
