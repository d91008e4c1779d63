//! The sample corpus's regional articles (Croatian, Serbian Latin and
//! Cyrillic, Bosnian) as entities: case forms of a name are one entity named
//! in the nominative, possessive adjectives of a surname belong to their
//! person, and no entity is named by an oblique case form of another's name.

mod common;

use common::{read_csv, repo, run_corpus};
use std::collections::BTreeMap;

#[derive(serde::Deserialize)]
struct EntityRow {
    label: String,
    canonical: String,
    aliases: String,
    mention_count: usize,
}

#[derive(serde::Deserialize)]
struct MentionRow {
    entity_id: String,
    text: String,
    lemma: Option<String>,
}

fn run_regional(out: &std::path::Path) {
    run_regional_with(out, &[]);
}

fn run_regional_with(out: &std::path::Path, extra: &[&str]) {
    run_corpus(
        &repo().join("corpus/regional"),
        out,
        &[&["--threads", "1", "--no-report"], extra].concat(),
    );
}

#[test]
fn regional_names_are_one_entity_each_in_the_nominative() {
    let out = tempfile::tempdir().unwrap();
    run_regional(out.path());
    let entities: Vec<EntityRow> = read_csv(&out.path().join("entities.csv"));
    let by_name: BTreeMap<(&str, &str), &EntityRow> = entities
        .iter()
        .map(|e| ((e.label.as_str(), e.canonical.as_str()), e))
        .collect();
    for (label, canonical, count) in [
        ("PERSON", "Darko Šarić", 4),
        ("PERSON", "Zoran Đurić", 7),
        ("PERSON", "Tomislav Horvat", 2),
        // Read in Latin (`--read-cyrillic`'s default) the model misses the
        // possessive "Радићев", as it misses "Radićev" in Latin; read as
        // written it finds it (below).
        ("PERSON", "Слободан Радић", 1),
        ("ORGANISATION", "SIPA", 3),
        ("ORGANISATION", "USKOK", 3),
        ("ORGANISATION", "Tužilaštvo BiH", 1),
        ("ORGANISATION", "Tužilaštvo Bosne i Hercegovine", 1),
        (
            "ORGANISATION",
            "Uprava za indirektno oporezivanje Bosne i Hercegovine",
            1,
        ),
        ("PLACE", "Brčko", 1),
        ("PLACE", "Beograd", 3),
        ("PLACE", "Нови Сад", 4),
        ("PLACE", "Srbija", 4),
        ("PLACE", "Tuzla", 3),
        ("PLACE", "Kipar", 1),
    ] {
        let e = by_name
            .get(&(label, canonical))
            .unwrap_or_else(|| panic!("no {label} {canonical}: {:?}", by_name.keys()));
        assert_eq!(e.mention_count, count, "{canonical}: {}", e.aliases);
    }
    // Where the model finds "Радићев", the possessive joins its person.
    let as_written = tempfile::tempdir().unwrap();
    run_regional_with(as_written.path(), &["--read-cyrillic", "as-written"]);
    let entities_as_written: Vec<EntityRow> = read_csv(&as_written.path().join("entities.csv"));
    let radic = entities_as_written
        .iter()
        .find(|e| e.label == "PERSON" && e.canonical == "Слободан Радић")
        .expect("Слободан Радић read as written");
    assert_eq!(
        (radic.mention_count, radic.aliases.as_str()),
        (2, "Радићев | Слободан Радић")
    );

    // "Novom Sadu", "НОВИ САД", "Новом Саду": one place, written in
    // Cyrillic most.
    let novi_sad = by_name[&("PLACE", "Нови Сад")];
    assert_eq!(novi_sad.aliases, "Novom Sadu | НОВИ САД | Новом Саду");

    // No possessive adjective is a person of its own.
    for e in entities.iter().filter(|e| e.label == "PERSON") {
        let last = e.canonical.split(' ').next_back().unwrap_or("");
        let possessive = ["ev", "ov", "eva", "ova", "evi", "ови", "еви", "ев", "ов"]
            .iter()
            .any(|end| last.ends_with(end));
        assert!(!possessive, "possessive as a person: {}", e.canonical);
    }

    // No canonical is a case form of another entity's canonical.
    let names: Vec<&str> = entities.iter().map(|e| e.canonical.as_str()).collect();
    for a in &names {
        for b in &names {
            let oblique = ["a", "u", "om", "e", "i", "em", "а", "у", "ом", "е", "и"]
                .iter()
                .any(|end| *b == format!("{a}{end}"));
            assert!(!oblique, "{b} is a case form of {a}");
        }
    }
}

#[test]
fn mentions_carry_their_lemma() {
    let out = tempfile::tempdir().unwrap();
    run_regional(out.path());
    let mentions: Vec<MentionRow> = read_csv(&out.path().join("mentions.csv"));
    let lemma_of = |text: &str| {
        mentions
            .iter()
            .find(|m| m.text == text)
            .and_then(|m| m.lemma.clone())
            .unwrap_or_else(|| panic!("no mention {text}"))
    };
    assert_eq!(lemma_of("Darku Šariću"), "Darko Šarić");
    assert_eq!(lemma_of("Šarićev"), "Šarić");
    assert_eq!(lemma_of("Ђурићеви"), "Ђурић");
    assert_eq!(lemma_of("SIPA-e"), "SIPA");
    assert_eq!(lemma_of("Tužilaštvu BiH"), "Tužilaštvo BiH");
    assert_eq!(lemma_of("Brčkom"), "Brčko");
    assert_eq!(lemma_of("Новом Саду"), "Нови Сад");
    assert_eq!(lemma_of("pet carinika"), "carinik");
    let same = |a: &str, b: &str| {
        let id = |t: &str| {
            mentions
                .iter()
                .find(|m| m.text == t)
                .unwrap()
                .entity_id
                .clone()
        };
        id(a) == id(b)
    };
    assert!(same("Darku Šariću", "Šarićev"));
    assert!(same("Beogradu", "Београду"));
}
