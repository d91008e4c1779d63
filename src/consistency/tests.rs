//! Each rule on texts of our own, with exact spans.

use super::*;
use crate::doc::Label::{Misc, Organisation, Person, Place};
use crate::doc::{Label, Mention};
use std::collections::BTreeMap;

const DOC: &str = "doc.txt";

/// A model span of the `occurrence`-th (0-based) `part` of `text`.
fn m(text: &str, part: &str, occurrence: usize, label: Label, score: f32) -> Span {
    let (byte, _) = text
        .match_indices(part)
        .nth(occurrence)
        .unwrap_or_else(|| panic!("{part:?} #{occurrence} not in the text"));
    Span::new(byte..byte + part.len(), label, score, "model")
}

/// The stage's spans as the mentions a run writes.
fn apply(text: &str, spans: Vec<Span>) -> Vec<Mention> {
    Mention::from_spans(DOC, text, apply_document(text, spans))
}

/// The mentions after the stage, their ids and offsets checked.
fn checked(text: &str, spans: Vec<Span>) -> Vec<Mention> {
    let out = apply(text, spans);
    for (i, m) in out.iter().enumerate() {
        assert_eq!(m.mention_id, format!("{DOC}#{i}"));
        let by_offsets: String = text.chars().skip(m.start).take(m.end - m.start).collect();
        assert_eq!(m.text, by_offsets, "offsets of {m:?}");
    }
    out
}

/// (text, label, source) of each mention.
fn labelled(mentions: &[Mention]) -> Vec<(String, Label, String)> {
    mentions
        .iter()
        .map(|m| (m.text.clone(), m.label, m.source.clone()))
        .collect()
}

/// (text, label, source) of each mention after the stage, checking offsets.
fn run(text: &str, spans: Vec<Span>) -> Vec<(String, Label, String)> {
    labelled(&checked(text, spans))
}

fn model(text: &str, label: Label) -> (String, Label, String) {
    (text.into(), label, "model".into())
}

fn added(text: &str, label: Label) -> (String, Label, String) {
    (text.into(), label, CONSISTENCY_SOURCE.into())
}

#[test]
fn a_span_over_a_paragraph_break_is_cut_there() {
    let text = "The shipment left from Guayaquil\n\nZoran Đurić denied it.";
    let got = run(
        text,
        vec![m(text, "Guayaquil\n\nZoran Đurić", 0, Place, 0.8)],
    );
    assert_eq!(
        got,
        vec![model("Guayaquil", Place), model("Zoran Đurić", Place)]
    );
    // A part that no longer looks like a name (no capital) is dropped; blank
    // lines with spaces in them count.
    let text = "Police in Kotor\n  \nand elsewhere";
    let got = run(text, vec![m(text, "Kotor\n  \nand", 0, Place, 0.8)]);
    assert_eq!(got, vec![model("Kotor", Place)]);
    // One newline is not a paragraph break.
    let text = "Police in Novi\nSad said";
    let got = run(text, vec![m(text, "Novi\nSad", 0, Place, 0.8)]);
    assert_eq!(got, vec![model("Novi\nSad", Place)]);
}

#[test]
fn table_cells_and_rows_are_blocks_of_their_own() {
    let text = "Recipient\tAmount\nNeretva Consulting d.o.o.\tMostar\t€280,000";
    let got = run(
        text,
        vec![
            m(text, "Amount\nNeretva Consulting", 0, Organisation, 0.8),
            m(text, "d.o.o.\tMostar", 0, Place, 0.7),
        ],
    );
    assert_eq!(
        got,
        vec![
            model("Amount", Organisation),
            model("Neretva Consulting", Organisation),
            model("Mostar", Place)
        ]
    );
}

#[test]
fn span_edges_move_to_word_edges() {
    // Outwards where nothing is in the way.
    let text = "the Radićevi brothers";
    let got = run(text, vec![m(text, "Radić", 0, Person, 0.8)]);
    assert_eq!(got, vec![model("Radićevi", Person)]);
    // Inwards where growing would overlap a neighbour.
    let text = "at SplitMarina today";
    let got = run(
        text,
        vec![
            m(text, "Spli", 0, Place, 0.8),
            m(text, "tMarina", 0, Organisation, 0.8),
        ],
    );
    assert_eq!(got, vec![model("SplitMarina", Organisation)]);
}

#[test]
fn title_and_dateline_fragments_become_the_full_name() {
    let text = "Novi Sad bakeries laundered money\n\nNOVI SAD – A chain of bakeries in Novi Sad sold bread.";
    let got = run(
        text,
        vec![
            m(text, "Novi", 0, Place, 0.6),
            m(text, "NOVI", 0, Place, 0.5),
            m(text, "Novi Sad", 1, Place, 0.99),
        ],
    );
    assert_eq!(
        got,
        vec![
            model("Novi Sad", Place),
            model("NOVI SAD", Place),
            model("Novi Sad", Place),
        ]
    );
    // The rest already tagged on its own is taken in; a prefix the text does
    // not go on with stays as it is.
    let text = "Novi Sad police. Novi Beograd is not Novi Sad.";
    let got = run(
        text,
        vec![
            m(text, "Novi", 0, Place, 0.6),
            m(text, "Sad", 0, Place, 0.6),
            m(text, "Novi", 1, Place, 0.6),
            m(text, "Novi Sad", 1, Place, 0.9),
        ],
    );
    assert_eq!(
        got,
        vec![
            model("Novi Sad", Place),
            model("Novi", Place),
            model("Novi Sad", Place),
        ]
    );
    // A longer form with lowercase words is not a name to complete, nor is
    // an all-caps one where the text goes on in lowercase.
    let text = "ENGLISH COUNTY CHAMPIONSHIP\n\nthe English county championship";
    let got = run(
        text,
        vec![
            m(text, "ENGLISH COUNTY CHAMPIONSHIP", 0, Misc, 0.6),
            m(text, "English", 0, Misc, 0.9),
        ],
    );
    assert_eq!(
        got,
        vec![
            model("ENGLISH COUNTY CHAMPIONSHIP", Misc),
            model("English", Misc),
        ]
    );
    let text = "the English county championship. English county championship";
    let got = run(
        text,
        vec![
            m(text, "English county championship", 0, Misc, 0.6),
            m(text, "English", 1, Misc, 0.9),
        ],
    );
    assert_eq!(
        got,
        vec![
            model("English county championship", Misc),
            model("English", Misc),
        ]
    );
}

#[test]
fn a_fragment_ending_in_a_function_word_takes_the_next_name_or_goes() {
    let text = "Cocaine reached the Port of Bar in May.";
    let got = run(
        text,
        vec![
            m(text, "Port of", 0, Place, 0.8),
            m(text, "Bar", 0, Place, 0.7),
        ],
    );
    assert_eq!(got, vec![model("Port of Bar", Place)]);
    let out = apply(
        text,
        vec![
            m(text, "Port of", 0, Place, 0.8),
            m(text, "Bar", 0, Place, 0.7),
        ],
    );
    assert_eq!(out[0].score, 0.7);
    // Nothing tagged after it: dropped. Chains join: "… of" + "Organised
    // Crime and" + "Corruption".
    let text = "the Office for the Suppression of crime and the Office for the Suppression of Organised Crime and Corruption";
    let got = run(
        text,
        vec![
            m(text, "Office for the Suppression of", 0, Organisation, 0.8),
            m(text, "Office for the Suppression of", 1, Organisation, 0.8),
            m(text, "Organised Crime and", 0, Misc, 0.6),
            m(text, "Corruption", 0, Misc, 0.6),
        ],
    );
    assert_eq!(
        got,
        vec![model(
            "Office for the Suppression of Organised Crime and Corruption",
            Organisation
        )]
    );
    // Croatian "za"; the all-caps "OF" of a headline; not the "I" of "WORLD WAR I".
    let text = "Ured za Suzbijanje korupcije. MINISTRY OF INTERIOR. WORLD WAR I";
    let got = run(
        text,
        vec![
            m(text, "Ured za", 0, Organisation, 0.8),
            m(text, "Suzbijanje", 0, Organisation, 0.8),
            m(text, "MINISTRY OF", 0, Organisation, 0.8),
            m(text, "WORLD WAR I", 0, Misc, 0.8),
        ],
    );
    assert_eq!(
        got,
        vec![
            model("Ured za Suzbijanje", Organisation),
            model("WORLD WAR I", Misc),
        ]
    );
}

#[test]
fn a_repeated_name_gets_the_label_with_the_highest_summed_score() {
    let text = "a company called Dunav Pekara. The owner of Dunav Pekara, Slobodan Radić, \
                and DUNAV PEKARA's books. Radić's firm; Radić; RADIĆ said.";
    let mentions = vec![
        m(text, "Dunav Pekara", 0, Organisation, 0.9),
        m(text, "Dunav Pekara", 1, Person, 0.6),
        m(text, "Slobodan Radić", 0, Person, 0.99),
        m(text, "DUNAV PEKARA's", 0, Organisation, 0.5),
        m(text, "Radić's", 0, Organisation, 0.4),
        m(text, "Radić", 2, Organisation, 0.4),
        m(text, "RADIĆ", 0, Person, 0.9),
    ];
    let out = apply(text, mentions);
    let got: Vec<(&str, Label)> = out.iter().map(|m| (m.text.as_str(), m.label)).collect();
    assert_eq!(
        got,
        vec![
            ("Dunav Pekara", Organisation),
            ("Dunav Pekara", Organisation),
            ("Slobodan Radić", Person),
            ("DUNAV PEKARA's", Organisation),
            ("Radić's", Person),
            ("Radić", Person),
            ("RADIĆ", Person),
        ]
    );
    // Case, diacritics and the possessive fold away; the summed scores
    // decide, not the number of mentions (PERSON 0.9 beats 0.4 + 0.4).
    let dunav = BTreeMap::from([(Organisation, 1.4), (Person, 0.6)]);
    let radic = BTreeMap::from([(Person, 0.9), (Organisation, 0.8)]);
    assert_eq!(out[0].label_votes.as_ref(), Some(&dunav));
    assert_eq!(out[1].label_votes.as_ref(), Some(&dunav));
    assert_eq!(out[5].label_votes.as_ref(), Some(&radic));
    assert_eq!(
        out[2].label_votes, None,
        "a form whose mentions agree records no vote"
    );
}

#[test]
fn an_unlabelled_repeat_is_added() {
    let text = "ZAGREB, Friday – Police in Zagreb said a Zagreb-based firm, zagreb \
                traders and Zagrebački holding met at Zagreb Airport. ZAGREB police.";
    let got = run(
        text,
        vec![
            m(text, "Zagreb", 0, Place, 0.95),
            m(text, "Zagreb Airport", 0, Place, 0.9),
        ],
    );
    assert_eq!(
        got,
        vec![
            added("ZAGREB", Place),
            model("Zagreb", Place),
            model("Zagreb Airport", Place),
            added("ZAGREB", Place),
        ]
    );
    // An all-caps tag (a headline word, most often) is not spread.
    let text = "BASEBALL - RESULTS. BASEBALL SCOREBOARD";
    let got = run(text, vec![m(text, "BASEBALL", 0, Misc, 0.5)]);
    assert_eq!(got, vec![model("BASEBALL", Misc)]);
    // Function words and very short or common names are never added.
    let text = "The Hague and The court: The.";
    let got = run(text, vec![m(text, "The", 0, Misc, 0.5)]);
    assert_eq!(got, vec![model("The", Misc)]);
}

#[test]
fn a_defined_acronym_takes_the_label_of_what_it_stands_for() {
    let text = "Savet Evrope (SE) daje novac. Sredstva SE dobiće film, rekao je \
                Ivo Sanader (HDZ) u Bosni i Hercegovini ( BiH ); BiH i HDZ.";
    let out = checked(
        text,
        vec![
            m(text, "Savet Evrope", 0, Organisation, 0.9),
            m(text, "SE", 1, Place, 0.6),
            m(text, "Ivo Sanader", 0, Person, 0.99),
            m(text, "Bosni i Hercegovini", 0, Place, 0.95),
            m(text, "BiH", 1, Organisation, 0.5),
            m(text, "HDZ", 1, Organisation, 0.8),
        ],
    );
    assert_eq!(
        labelled(&out),
        vec![
            model("Savet Evrope", Organisation),
            added("SE", Organisation),
            model("SE", Organisation),
            model("Ivo Sanader", Person),
            // "HDZ" is not "Ivo Sanader"'s initials: left out.
            model("Bosni i Hercegovini", Place),
            added("BiH", Place),
            model("BiH", Place),
            model("HDZ", Organisation),
        ]
    );
    assert_eq!(
        out[2].label_votes.as_ref(),
        Some(&BTreeMap::from([(Place, 0.6), (Organisation, 0.9)]))
    );
    assert_eq!(out[1].label_votes, None);
}

#[test]
fn an_acronym_defined_in_another_language_is_found_wherever_it_occurs() {
    let text = "USKOK-a traži Ured za suzbijanje korupcije (USKOK).\n\
                The Office for Organised Crime (USKOK) said USKOK-om and USKOK's \
                staff, not USKOKS. Predsjedništvo Bosne i Hercegovine (BiH) met BiH \
                officials. ZAGREB (HINA) - HINA.\nUSKOK JE PAO";
    let out = checked(
        text,
        vec![
            m(text, "Ured za suzbijanje korupcije", 0, Organisation, 0.9),
            m(text, "Office for Organised Crime", 0, Organisation, 0.8),
            m(text, "USKOK-om", 0, Place, 0.4),
            m(
                text,
                "Predsjedništvo Bosne i Hercegovine",
                0,
                Organisation,
                0.9,
            ),
            m(text, "BiH", 1, Place, 0.7),
            m(text, "ZAGREB", 0, Place, 0.9),
        ],
    );
    assert_eq!(
        labelled(&out),
        vec![
            // Before the definition, and with a case ending.
            added("USKOK-a", Organisation),
            model("Ured za suzbijanje korupcije", Organisation),
            added("USKOK", Organisation),
            model("Office for Organised Crime", Organisation),
            added("USKOK", Organisation),
            model("USKOK-om", Organisation),
            // "USKOK's" holds the acronym; "USKOKS" does not.
            added("USKOK", Organisation),
            model("Predsjedništvo Bosne i Hercegovine", Organisation),
            // "BiH" is the place's acronym, not the presidency's: the model's
            // label stays, and rule 6 adds the other "BiH" with it.
            added("BiH", Place),
            model("BiH", Place),
            // "HINA" is no place's acronym, and "USKOK JE PAO" is a headline.
            model("ZAGREB", Place),
        ]
    );
    assert_eq!(
        out[5].label_votes.as_ref(),
        Some(&BTreeMap::from([(Place, 0.4), (Organisation, 0.9)]))
    );
}

#[test]
fn a_document_of_one_long_line_costs_what_one_of_many_does() {
    // Near --max-doc-bytes on one line: each occurrence of a defined acronym
    // looks only at its neighbouring words, not at the line before it
    // (reading the line took 7.6 s on a 2-core EPYC, against 0.1 s).
    let n = 150_000;
    let text = format!("Savet Evrope (SE){}", " i SE".repeat(n));
    let started = std::time::Instant::now();
    let spans = apply_document(&text, vec![m(&text, "Savet Evrope", 0, Organisation, 0.9)]);
    let elapsed = started.elapsed();
    assert_eq!(spans.len(), 1 + 1 + n);
    assert!(spans[1..].iter().all(|s| &text[s.bytes.clone()] == "SE"
        && s.label == Organisation
        && s.source == CONSISTENCY_SOURCE));
    assert!(elapsed.as_secs_f64() < 2.0, "{elapsed:?}");
}

#[test]
fn a_surname_alone_is_the_person_named_in_full() {
    let text = "Ismet Haraqija met Nazim Morina in Priština. Haraqija later told \
                Morinu to travel, Titograd police (named for Josip Broz Tito) said, \
                and Morina agreed.";
    let out = checked(
        text,
        vec![
            m(text, "Ismet Haraqija", 0, Person, 0.9),
            m(text, "Nazim Morina", 0, Person, 0.8),
            m(text, "Priština", 0, Place, 0.95),
            m(text, "Haraqija", 1, Place, 0.6),
            m(text, "Morinu", 0, Organisation, 0.5),
            m(text, "Titograd", 0, Place, 0.9),
            m(text, "Josip Broz Tito", 0, Person, 0.9),
        ],
    );
    assert_eq!(
        labelled(&out),
        vec![
            model("Ismet Haraqija", Person),
            model("Nazim Morina", Person),
            model("Priština", Place),
            // As written, and in another case (accusative "Morinu").
            model("Haraqija", Person),
            model("Morinu", Person),
            // "Tito" and more than a case ending: not the person.
            model("Titograd", Place),
            model("Josip Broz Tito", Person),
            // The untagged surname as written is added.
            added("Morina", Person),
        ]
    );
    // The votes show what the label was and the person's score.
    assert_eq!(
        out[3].label_votes.as_ref(),
        Some(&BTreeMap::from([(Place, 0.6), (Person, 0.9)]))
    );
    assert_eq!(
        out[4].label_votes.as_ref(),
        Some(&BTreeMap::from([(Organisation, 0.5), (Person, 0.8)]))
    );
    assert_eq!(out[0].label_votes, None);
    // A given name alone is not the person ("Nazim" is no surname), and a
    // one-word person names no surname.
    let text = "Nazim Morina and Nazim; Priština and Marko in Markovo.";
    let got = run(
        text,
        vec![
            m(text, "Nazim Morina", 0, Person, 0.8),
            m(text, "Nazim", 1, Place, 0.5),
            m(text, "Marko", 0, Person, 0.9),
            m(text, "Markovo", 0, Place, 0.9),
        ],
    );
    assert_eq!(
        got,
        vec![
            model("Nazim Morina", Person),
            model("Nazim", Place),
            model("Marko", Person),
            model("Markovo", Place),
        ]
    );
    // A dateline names a place even where the model took the place for a
    // person's surname ("Luka Koper", the port, as a man named Luka).
    let text = "KOPER \u{2013} Police at Luka Koper said so.\nKOPER (STA) - Luka Koper \
                and KOPER, or Koper";
    let got = run(
        text,
        vec![
            m(text, "KOPER", 0, Place, 0.99),
            m(text, "Luka Koper", 0, Person, 0.97),
            m(text, "KOPER", 1, Place, 0.98),
            m(text, "Luka Koper", 1, Person, 0.96),
            m(text, "KOPER", 2, Place, 0.9),
            m(text, "Koper", 2, Place, 0.9),
        ],
    );
    assert_eq!(
        got,
        vec![
            model("KOPER", Place),
            model("Luka Koper", Person),
            model("KOPER", Place),
            model("Luka Koper", Person),
            // Not first on its line, so no dateline.
            model("KOPER", Person),
            model("Koper", Person),
        ]
    );
}

#[test]
fn amounts_are_left_alone() {
    let text = "€60\n\nmillion in Split";
    let mut amount = m(text, "€60\n\nmillion", 0, Label::Amount, 1.0);
    amount.source = "amounts".into();
    let got = run(text, vec![amount, m(text, "Split", 0, Place, 0.9)]);
    assert_eq!(
        got,
        vec![
            (
                "€60\n\nmillion".to_string(),
                Label::Amount,
                "amounts".into()
            ),
            model("Split", Place),
        ]
    );
}

#[test]
fn a_piece_of_an_address_is_not_a_name() {
    let text = "From: Amra Begović <amra.begovic@example.ba>\nSee https://www.index.hr/vijesti, www.uskok.hr and @USKOK_RH or Index.hr.\n";
    let spans = vec![
        m(text, "Amra Begović", 0, Person, 1.0),
        m(text, "amra.begovic", 0, Person, 0.9),
        m(text, "example.ba", 0, Organisation, 0.9),
        m(text, "index.hr", 0, Organisation, 0.9),
        m(text, "uskok.hr", 0, Organisation, 0.9),
        m(text, "USKOK_RH", 0, Organisation, 0.9),
        m(text, "Index.hr", 0, Organisation, 0.9),
    ];
    assert_eq!(
        run(text, spans),
        [
            model("Amra Begović", Person),
            // A handle is a name's stand-in, not an address.
            model("USKOK_RH", Organisation),
            model("Index.hr", Organisation),
        ]
    );
}
