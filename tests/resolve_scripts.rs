//! One person written in Serbian Cyrillic, Latin with diacritics and Latin
//! without them (as English-language and web sources write the name) in the
//! sample corpus's regional articles resolves to one entity.

use nerpipe::doc::{Label, Mention};
use nerpipe::resolve::{resolve_document, EntityTable};
use std::path::PathBuf;

fn corpus(file: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("corpus/regional")
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every occurrence of `name` in `text` as a PERSON mention of `doc`.
fn mentions_of(doc: &str, text: &str, name: &str) -> Vec<Mention> {
    text.match_indices(name)
        .map(|(byte, _)| {
            let start = text[..byte].chars().count();
            Mention {
                doc_id: doc.into(),
                mention_id: String::new(),
                entity_id: String::new(),
                label: Label::Person,
                text: name.into(),
                start,
                end: start + name.chars().count(),
                score: 0.99,
                source: "gold".into(),
                context: String::new(),
                amount: None,
                label_votes: None,
                lemma: String::new(),
            }
        })
        .collect()
}

#[test]
fn cyrillic_latin_and_ascii_spellings_are_one_person() {
    let docs = [
        ("regional/hr-rijeka-luka.txt", "Zoran Đurić"),
        ("regional/sr-specijalni-sud.txt", "Zoran Đurić"),
        ("regional/sr-cyrl-novi-sad.txt", "Зоран Ђурић"),
        ("regional/bs-sipa-tuzla.txt", "Zoran Djuric"),
    ];
    let mut table = EntityTable::new();
    let mut ids = Vec::new();
    for (doc, name) in docs {
        let text = corpus(doc.trim_start_matches("regional/"));
        let ms = mentions_of(doc, &text, name);
        assert!(!ms.is_empty(), "{doc} does not name {name}");
        for (m, r) in ms.iter().zip(resolve_document(&ms)) {
            ids.push(r.entity_id.clone());
            table.add(m, &r);
        }
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    let entities = table.finish();
    assert_eq!(entities.len(), 1);
    let e = &entities[0];
    assert_eq!(e.label, Label::Person);
    assert_eq!(e.aliases, ["Zoran Djuric", "Zoran Đurić", "Зоран Ђурић"]);
    // The canonical is the most frequent written form.
    assert_eq!(e.canonical, "Zoran Đurić");
    assert_eq!(e.documents.len(), 4);
}
