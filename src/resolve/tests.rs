use super::document::resolve_document;
use super::keys::normalise_key;
use super::*;
use crate::doc::{Amount, AmountKind, Entity, Mention};

fn m(doc: &str, start: usize, text: &str, label: Label) -> Mention {
    Mention {
        doc_id: doc.to_string(),
        mention_id: String::new(),
        entity_id: String::new(),
        start,
        end: start + text.chars().count(),
        text: text.to_string(),
        label,
        score: 0.9,
        source: "test".to_string(),
        context: String::new(),
        amount: None,
        label_votes: None,
        lemma: String::new(),
    }
}

/// Resolves (text, label) pairs as one document; returns keys.
fn keys(doc: &[(&str, Label)]) -> Vec<String> {
    let ms: Vec<Mention> = doc
        .iter()
        .enumerate()
        .map(|(i, (t, l))| m("d", i * 100, t, *l))
        .collect();
    resolve_document(&ms).into_iter().map(|r| r.key).collect()
}

use Label::{Misc, Organisation as Org, Person as Per, Place};

#[test]
fn key_normalisation() {
    assert_eq!(normalise_key("Šarić"), "saric");
    assert_eq!(normalise_key("ŠARIĆ"), "saric");
    assert_eq!(normalise_key("Saric"), "saric");
    assert_eq!(normalise_key("Đurić"), "djuric");
    assert_eq!(normalise_key("Djuric"), "djuric");
    assert_eq!(
        normalise_key("Bosnia & Herzegovina"),
        normalise_key("Bosnia and Herzegovina")
    );
    assert_eq!(normalise_key("  Novi   Sad "), "novi sad");
    assert_eq!(normalise_key("Jean-Claude"), "jean claude");
    assert_eq!(normalise_key("U.S."), "us");
    assert_eq!(normalise_key("O’Brien"), "obrien");
    assert_eq!(normalise_key("Straße"), "strasse");
    assert_eq!(normalise_key("Łódź"), "lodz");
    assert_eq!(normalise_key("Søren Ærø"), "soren aero");
    assert_eq!(normalise_key("Шарић"), "saric");
    assert_eq!(normalise_key("Ђукановић"), "djukanovic");
    assert_eq!(normalise_key("Džeko"), normalise_key("Џеко"));
    assert_eq!(normalise_key("ＳＩＰＡ"), "sipa"); // fullwidth via NFKD
}

#[test]
fn dj_is_the_spelling_of_dj() {
    // Documented: Đ folds to "dj", the spelling without diacritics.
    assert_eq!(
        normalise_key("Dragan Đurić"),
        normalise_key("Dragan Djuric")
    );
    assert_eq!(
        normalise_key("Драган Ђурић"),
        normalise_key("Dragan Djuric")
    );
    assert_ne!(normalise_key("Dragan Đurić"), normalise_key("Dragan Duric"));
}

#[test]
fn cyrillic_and_latin_spellings_share_keys() {
    let k = keys(&[("Дарко Шарић", Per), ("Šarić", Per)]);
    assert_eq!(k, ["darko saric"; 2]);
}

#[test]
fn output_follows_input_and_group_labels() {
    let ms = vec![
        m("d", 0, "Veljko Belivuk", Per),
        m("d", 20, "Belgrade", Place),
        m("d", 30, "Belivuk", Per),
        m("d", 40, "Europol", Org),
    ];
    let r = resolve_document(&ms);
    assert_eq!(r.len(), 4);
    assert_eq!(r[0].entity_id, r[2].entity_id);
    assert_eq!(r[0].entity_id, entity_id(Per, "veljko belivuk"));
    assert_eq!(r[1].group_label, Misc);
    assert_eq!(r[1].entity_id, entity_id(Misc, "belgrade"));
    assert_eq!(r[3].key, "europol");
}

#[test]
fn large_document_links_through_indexes() {
    // 30,000 mentions sharing the first name "Ivan": each bare surname has
    // exactly one full name, "Ivan" alone has thousands (ambiguous).
    let mut doc = Vec::new();
    for i in 0..10_000 {
        doc.push((format!("Ivan Surname{i}"), Per));
        doc.push((format!("Surname{i}"), Per));
        doc.push(("Ivan".to_string(), Per));
    }
    let refs: Vec<(&str, Label)> = doc.iter().map(|(t, l)| (t.as_str(), *l)).collect();
    let k = keys(&refs);
    for i in (0..30_000).step_by(3) {
        assert_eq!(k[i], k[i + 1]);
        assert_eq!(k[i + 2], "ivan");
    }
}

#[test]
fn surname_links_to_unique_full_name() {
    let k = keys(&[
        ("Veljko Belivuk", Per),
        ("Belivuk", Per),
        ("Nebojša Stefanović", Per),
        ("Stefanović", Per),
        ("Stefanovic", Per),
    ]);
    assert_eq!(k[1], "veljko belivuk");
    assert_eq!(k[3], "nebojsa stefanovic");
    assert_eq!(k[4], "nebojsa stefanovic");
}

#[test]
fn surname_before_full_name_also_links() {
    let k = keys(&[("Belivuk", Per), ("Veljko Belivuk", Per)]);
    assert_eq!(k[0], "veljko belivuk");
}

#[test]
fn ambiguous_surname_stays_alone() {
    let k = keys(&[("Darko Šarić", Per), ("Duško Šarić", Per), ("Šarić", Per)]);
    assert_eq!(k, ["darko saric", "dusko saric", "saric"]);
}

#[test]
fn bare_surname_never_bridges_documents() {
    let a = keys(&[("Šarić", Per)]);
    let b = keys(&[("Darko Šarić", Per), ("Šarić", Per)]);
    assert_eq!(a[0], "saric");
    assert_eq!(b[1], "darko saric");
}

#[test]
fn initials_link_and_shorter_full_name_links_to_longer() {
    let k = keys(&[
        ("Darko Dragan Šarić", Per),
        ("Darko Šarić", Per),
        ("D. Šarić", Per),
        ("Šarić", Per),
    ]);
    assert!(k.iter().all(|x| x == "darko dragan saric"), "{k:?}");
}

#[test]
fn possessives_stripped() {
    let k = keys(&[
        ("Veljko Belivuk", Per),
        ("Belivuk's", Per),
        ("Belivuk’s", Per),
        ("Belivuks'", Per),
        ("Europol's", Org),
        ("Europol", Org),
    ]);
    assert_eq!(&k[1..4], ["veljko belivuk"; 3]);
    assert_eq!(k[4], "europol");
    // A name ending in s keeps it.
    assert_eq!(keys(&[("Davis'", Per)]), ["davis"]);
}

#[test]
fn articles_and_honorifics_stripped() {
    let k = keys(&[
        ("the Brussels Times", Org),
        ("Brussels Times", Org),
        ("Nebojša Stefanović", Per),
        ("Minister Stefanović", Per),
        ("former Interior Minister Nebojša Stefanović", Per),
        ("Prime Minister Ana Brnabić", Per),
        ("Mr. Šarić", Per),
        ("Dr Šarić", Per),
        ("the Minister", Per),
        ("General Staff", Org),
    ]);
    assert_eq!(k[0], "brussels times");
    assert_eq!(k[1], "brussels times");
    assert_eq!(&k[3..5], ["nebojsa stefanovic"; 2]);
    assert_eq!(k[5], "ana brnabic");
    assert_eq!(&k[6..8], ["saric"; 2]);
    assert_eq!(k[8], "minister");
    assert_eq!(k[9], "general staff"); // titles only for PERSON
    assert_eq!(keys(&[("The Hague", Place)]), ["the hague"]);
    assert_eq!(keys(&[("U.S.'s", Place)]), ["us"]);
}

#[test]
fn acronyms_link_both_ways() {
    let exp = "State Investigation and Protection Agency";
    let k = keys(&[(exp, Org), ("SIPA", Org)]);
    assert_eq!(k, vec![normalise_key(exp); 2]);
    let k = keys(&[("SIPA", Org), (exp, Org)]);
    assert_eq!(k, vec![normalise_key(exp); 2]);
    let k = keys(&[("Department of Justice", Org), ("DOJ", Org)]);
    assert_eq!(k[1], "department of justice");
    // Two expansions: ambiguous, left alone.
    let k = keys(&[
        ("Special Prosecutor's Office", Org),
        ("Serbian Police Office", Org),
        ("SPO", Org),
    ]);
    assert_eq!(k[2], "spo");
    // Acronym alone keeps its own key.
    assert_eq!(keys(&[("SIPA", Org)]), ["sipa"]);
}

#[test]
fn unique_prefix_links_org() {
    let k = keys(&[("Sky ECC", Misc), ("Sky", Org)]);
    assert_eq!(k[1], "sky ecc");
    let k = keys(&[("Sky ECC", Misc), ("Sky News", Org), ("Sky", Org)]);
    assert_eq!(k[2], "sky");
    // A place is not shortened to an organisation.
    let k = keys(&[("Kosovo Police", Org), ("Kosovo", Place)]);
    assert_eq!(k[1], "kosovo");
}

#[test]
fn org_and_place_share_a_key_majority_label_wins() {
    let mut t = EntityTable::new();
    for (doc, label) in [("a", Place), ("b", Place), ("c", Org)] {
        let ms = vec![m(doc, 0, "Montenegro", label)];
        let r = resolve_document(&ms);
        t.add(&ms[0], &r[0]);
    }
    let out = t.finish();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].label, Place);
    assert_eq!(out[0].other_labels, vec![(Org, 1)]);
    assert_eq!(out[0].documents, ["a", "b", "c"]);
}

#[test]
fn label_tie_broken_by_score_then_order() {
    let mut t = EntityTable::new();
    let mut a = m("a", 0, "Interpol", Org);
    a.score = 0.5;
    let b = m("b", 0, "Interpol", Place);
    for x in [&a, &b] {
        let r = resolve_document(std::slice::from_ref(x));
        t.add(x, &r[0]);
    }
    assert_eq!(t.finish()[0].label, Place);
}

#[test]
fn different_full_names_never_merge() {
    let k = keys(&[("Darko Šarić", Per), ("Duško Šarić", Per)]);
    assert_ne!(k[0], k[1]);
    assert_ne!(keys(&[("Šarić", Per)])[0], keys(&[("Darko Šarić", Per)])[0]);
}

#[test]
fn amounts_key_by_value() {
    let mut a = m("d", 0, "€2 million", Label::Amount);
    a.amount = Some(Amount {
        kind: AmountKind::Money,
        value: "2000000".into(),
        unit: "EUR".into(),
        qualifier: None,
        value_max: None,
        lemma: None,
    });
    let mut b = a.clone();
    b.text = "2m euros".into();
    let r = resolve_document(&[a, b]);
    assert_eq!(r[0].key, "money|2000000|EUR");
    assert_eq!(r[0].entity_id, r[1].entity_id);
    assert!(r[0].entity_id.starts_with("amt-money-2000000-eur-"));
}

#[test]
fn id_format_and_stability() {
    let id = entity_id(Per, "darko saric");
    assert!(id.starts_with("per-darko-saric-"));
    assert_eq!(id.len(), "per-darko-saric-".len() + 8);
    assert_eq!(id, entity_id(Per, "darko saric"));
    assert_ne!(id, entity_id(Misc, "darko saric"));
    let long = entity_id(Misc, &"organised crime ".repeat(10));
    let slug = &long[4..long.len() - 9];
    assert!(slug.len() <= 40 && !slug.ends_with('-'), "{long}");
}

fn run(docs: &[Vec<Mention>]) -> Vec<Entity> {
    let mut t = EntityTable::new();
    for d in docs {
        for (m, r) in d.iter().zip(resolve_document(d)) {
            t.add(m, &r);
        }
    }
    t.finish()
}

fn corpus() -> Vec<Vec<Mention>> {
    vec![
        vec![
            m("a", 0, "Darko Šarić", Per),
            m("a", 20, "Šarić's", Per),
            m("a", 40, "SIPA", Org),
        ],
        vec![
            m("b", 0, "State Investigation and Protection Agency", Org),
            m("b", 50, "SIPA", Org),
            m("b", 60, "Mr SARIC", Per),
        ],
        vec![m("c", 0, "Darko Saric", Per), m("c", 20, "Sky", Org)],
    ]
}

#[test]
fn ids_equal_across_runs_and_shard_orders() {
    let docs = corpus();
    let one = run(&docs);
    assert_eq!(one, run(&docs));
    let mut rev = docs.clone();
    rev.reverse();
    let two = run(&rev);
    let ids = |v: &[Entity]| {
        let mut x: Vec<String> = v.iter().map(|e| e.id.clone()).collect();
        x.sort();
        x
    };
    assert_eq!(ids(&one), ids(&two));
    // Per-mention ids do not depend on what other documents were seen.
    for d in &docs {
        assert_eq!(resolve_document(d), resolve_document(d));
    }
    let saric = one.iter().find(|e| e.canonical == "Darko Šarić").unwrap();
    assert_eq!(saric.documents, ["a", "c"]);
    assert_eq!(saric.aliases, ["Darko Saric", "Darko Šarić", "Šarić's"]);
    assert_eq!(saric.mention_count, 3);
}

#[test]
fn finish_is_sorted_and_canonical_prefers_full_form() {
    let out = run(&corpus());
    let keys: Vec<_> = out
        .iter()
        .map(|e| (e.label, e.canonical.clone(), e.id.clone()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    let sipa = out
        .iter()
        .find(|e| {
            e.aliases
                .contains(&"State Investigation and Protection Agency".into())
        })
        .unwrap();
    assert_eq!(sipa.canonical, "State Investigation and Protection Agency");
    let mr = out.iter().find(|e| e.aliases == ["Mr SARIC"]).unwrap();
    assert_eq!(mr.canonical, "SARIC");
    assert!((mr.score - 0.9).abs() < 1e-6);
}

/// Resolves each document, applies the corpus rule, and returns the entities.
fn corpus_entities(docs: &[&[(&str, Label)]]) -> Vec<Entity> {
    let resolved: Vec<(Mention, Resolved)> = docs
        .iter()
        .enumerate()
        .flat_map(|(d, doc)| {
            let ms: Vec<Mention> = doc
                .iter()
                .enumerate()
                .map(|(i, (t, l))| m(&format!("d{d}"), i * 100, t, *l))
                .collect();
            let rs = resolve_document(&ms);
            ms.into_iter().zip(rs).collect::<Vec<_>>()
        })
        .collect();
    let mut votes = ClassVotes::default();
    for (mention, r) in &resolved {
        votes.add(mention, r);
    }
    let merges = votes.finish();
    let mut table = EntityTable::new();
    for (mention, mut r) in resolved {
        merges.apply(&mut r, &|_, _| false);
        table.add(&mention, &r);
    }
    table.finish()
}

#[test]
fn corpus_rule_joins_a_person_place_conflict_on_one_key() {
    let entities = corpus_entities(&[
        &[("Bijeljina", Per)],
        &[("Bijeljina", Place), ("Brčko", Place)],
        &[("BIJELJINA", Place)],
        // Full names differ: the firm "Radić" and the man "Slobodan Radić".
        &[("Radić", Org)],
        &[("Slobodan Radić", Per), ("Radić", Per)],
    ]);
    type Row<'a> = (&'a str, Label, usize, Vec<(Label, usize)>);
    let got: Vec<Row> = entities
        .iter()
        .map(|e| {
            (
                e.canonical.as_str(),
                e.label,
                e.mention_count,
                e.other_labels.clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("Slobodan Radić", Per, 2, vec![]),
            ("Radić", Org, 1, vec![]),
            ("Bijeljina", Place, 3, vec![(Per, 1)]),
            ("Brčko", Place, 1, vec![]),
        ]
    );
    assert!(entities[2].id.starts_with("ent-bijeljina-"));
    // Without a PERSON/ORGANISATION/PLACE conflict nothing moves: PERSON
    // against MISC only stays two entities.
    let entities = corpus_entities(&[&[("Jordan", Per)], &[("Jordan", Misc)]]);
    assert_eq!(entities.len(), 2);
}
