//! Lemmas of names on sentences written for these tests.

use super::lemmatise;
use crate::doc::{Label, Mention};
use crate::resolve::{resolve_document, EntityTable};

fn mention(label: Label, text: &str, n: usize) -> Mention {
    Mention {
        doc_id: "d".into(),
        mention_id: Mention::id_of("d", n),
        entity_id: String::new(),
        label,
        text: text.into(),
        start: n * 10,
        end: n * 10 + text.chars().count(),
        score: 0.9,
        source: "test".into(),
        context: String::new(),
        amount: None,
        label_votes: None,
        lemma: String::new(),
    }
}

fn lemmas(language: &str, items: &[(Label, &str)]) -> Vec<String> {
    let mut ms: Vec<Mention> = items
        .iter()
        .enumerate()
        .map(|(n, (l, t))| mention(*l, t, n))
        .collect();
    lemmatise(&mut ms, language);
    ms.into_iter().map(|m| m.lemma).collect()
}

use Label::{Organisation as Org, Person as Per, Place as Loc};

#[test]
fn persons_in_every_case_and_their_possessives() {
    assert_eq!(
        lemmas(
            "hr",
            &[
                (Per, "Darka Šarića"),
                (Per, "Darku Šariću"),
                (Per, "Šarićem"),
                (Per, "Šarićeva"),
                (Per, "Nenadom Jurićem"),
                (Per, "Veljka Belivuka"),
                (Per, "Belivuka"),
                (Per, "Dijani Hrkalović"),
            ]
        ),
        [
            "Darko Šarić",
            "Darko Šarić",
            "Šarić",
            "Šarić",
            "Nenad Jurić",
            "Veljko Belivuk",
            "Belivuk",
            "Dijana Hrkalović"
        ]
    );
    assert_eq!(
        lemmas("sr", &[(Per, "Дарка Шарића"), (Per, "Ђурићеви")]),
        ["Дарко Шарић", "Ђурић"]
    );
}

#[test]
fn a_man_with_a_surname_in_a_and_possessives_in_in() {
    // A man's surname in -a declines as a woman's name does: "Diega
    // Maradone" is Diego Maradona's genitive, and "Maradonine" his
    // possessive; "Condoleezza Rice" is a nominative, "XVI" no surname.
    assert_eq!(
        lemmas(
            "hr",
            &[
                (Per, "Diega Maradone"),
                (Per, "Maradonine"),
                (Per, "Diegu Maradoni"),
                (Per, "Condoleezza Rice"),
                (Per, "Benedictu XVI"),
            ]
        ),
        [
            "Diego Maradona",
            "Maradona",
            "Diego Maradona",
            "Condoleezza Rice",
            // Not "Benedict XVA"; a regnal number after a name is left.
            "Benedictu XVI"
        ]
    );
}

#[test]
fn a_woman_named_ivana_is_not_ivan() {
    // "Ivana Horvat" is a woman (her surname does not decline); "Ivana
    // Kovača" is Ivan Kovač's genitive; "Marije" alone is left as written.
    assert_eq!(
        lemmas(
            "hr",
            &[
                (Per, "Ivana Horvat"),
                (Per, "Ivana Kovača"),
                (Per, "Ivana"),
                (Per, "Marije"),
                (Per, "Nikola Medenica"),
            ]
        ),
        [
            "Ivana Horvat",
            "Ivan Kovač",
            "Ivana",
            "Marije",
            "Nikola Medenica"
        ]
    );
}

#[test]
fn places_and_organisations_in_the_nominative() {
    assert_eq!(
        lemmas(
            "bs",
            &[
                (Loc, "Beogradu"),
                (Loc, "Srbiji"),
                (Loc, "Hrvatskoj"),
                (Loc, "Novom Sadu"),
                (Loc, "Bosne i Hercegovine"),
                (Loc, "Brčkom"),
                (Loc, "Kosovu"),
                (Org, "NATO-a"),
                (Org, "Tužilaštvu BiH"),
                (Org, "Europske komisije"),
                (Org, "Uprave za indirektno oporezivanje"),
                (Loc, "Zemunu"),
                (Loc, "Zemun"),
            ]
        ),
        [
            "Beograd",
            "Srbija",
            "Hrvatska",
            "Novi Sad",
            "Bosna i Hercegovina",
            "Brčko",
            "Kosovo",
            "NATO",
            "Tužilaštvo BiH",
            "Europska komisija",
            "Uprava za indirektno oporezivanje",
            "Zemun",
            "Zemun"
        ]
    );
    assert_eq!(
        lemmas("sr", &[(Loc, "Београду"), (Org, "НАТО-а")]),
        ["Београд", "НАТО"]
    );
    assert_eq!(
        lemmas(
            "hr",
            &[
                (Loc, "Kipru"),
                (Loc, "Gradini"),
                (Loc, "Zagorju"),
                (Loc, "Orašju"),
                (Loc, "Helsinki"),
                (Org, "Narodne novine"),
                (Per, "Račanom"),
                (Per, "Basescu"),
            ]
        ),
        [
            "Kipar",
            "Gradina",
            "Zagorje",
            "Orašje",
            "Helsinki",
            "Narodne novine",
            "Račan",
            "Basescu"
        ]
    );
}

#[test]
fn english_keeps_its_names() {
    assert_eq!(
        lemmas(
            "en",
            &[
                (Per, "Šarić's"),
                (Per, "Ivana"),
                (Loc, "Kosovu"),
                (Org, "NATO-a")
            ]
        ),
        ["Šarić", "Ivana", "Kosovu", "NATO-a"]
    );
}

#[test]
fn case_forms_make_one_entity_named_in_the_nominative() {
    let items = [
        (Per, "Darka Šarića"),
        (Per, "Šarić"),
        (Per, "Darku Šariću"),
        (Loc, "Beogradu"),
        (Loc, "Beograda"),
        (Per, "Ivana Horvat"),
        (Per, "Ivana Kovača"),
    ];
    let mut ms: Vec<Mention> = items
        .iter()
        .enumerate()
        .map(|(n, (l, t))| mention(*l, t, n))
        .collect();
    lemmatise(&mut ms, "hr");
    let resolved = resolve_document(&ms);
    let ids: Vec<&str> = resolved.iter().map(|r| r.entity_id.as_str()).collect();
    assert_eq!(ids[0], ids[1]);
    assert_eq!(ids[0], ids[2]);
    assert_eq!(ids[3], ids[4]);
    assert_ne!(ids[5], ids[6]);
    let mut table = EntityTable::new();
    for (m, r) in ms.iter_mut().zip(&resolved) {
        m.entity_id = r.entity_id.clone();
        table.add(m, r);
    }
    let canonicals: Vec<String> = table.finish().into_iter().map(|e| e.canonical).collect();
    assert_eq!(
        canonicals,
        ["Darko Šarić", "Ivan Kovač", "Ivana Horvat", "Beograd"]
    );
}

#[test]
fn foreign_names_acronyms_and_possessives_of_organisations() {
    // Case endings after a hyphen on any name, a j after a final -y or -i,
    // listed countries and cities (places.tsv), -nga/-rga genitives; an
    // acronym in capitals is no shouted case form; an organisation's
    // possessive joins the organisation the document names.
    assert_eq!(
        lemmas(
            "hr",
            &[
                (Org, "Sky-a"),
                (Org, "IDC-ovih"),
                (Org, "YUCOM"),
                (Loc, "Helsinkija"),
                (Loc, "Islanda"),
                (Loc, "Porta"),
                (Org, "Boeinga"),
                (Loc, "Hamburga"),
                (Loc, "Tonga"),
                (Org, "Apple"),
                (Org, "Appleova"),
                (Org, "Googleovih"),
                (Per, "Harryju"),
            ]
        ),
        [
            "Sky",
            "IDC",
            "YUCOM",
            "Helsinki",
            "Island",
            "Porto",
            "Boeing",
            "Hamburg",
            "Tonga",
            "Apple",
            "Apple",
            "Googleovih",
            "Harry"
        ]
    );
    assert_eq!(
        lemmas("sr", &[(Loc, "Хелсинкија"), (Org, "ЈУКОМ")]),
        ["Хелсинки", "ЈУКОМ"]
    );
}

#[test]
fn a_name_in_a_shows_its_nominative_through_its_other_forms() {
    // "Camille" and "Camillu" can only be forms of Camilla; one form alone
    // proves nothing, and a written "Budiš" makes "Budišu" his dative.
    assert_eq!(
        lemmas(
            "hr",
            &[(Per, "Camillu"), (Per, "Camille"), (Per, "Camilla")]
        ),
        ["Camilla", "Camilla", "Camilla"]
    );
    assert_eq!(
        lemmas("hr", &[(Per, "Budišu"), (Per, "Budiše"), (Per, "Budiš")]),
        ["Budiš", "Budiše", "Budiš"]
    );
    assert_eq!(
        lemmas("sr", &[(Per, "Басеску"), (Per, "Basesku")]),
        ["Басеску", "Basesku"]
    );
}
