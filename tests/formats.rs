//! Real documents in: saved web pages, e-mail, legacy encodings, PDF, DOCX,
//! with the language of each document, the text kept in documents.jsonl and
//! every mention's offsets slicing that text.

mod common;

use common::{read_csv, read_jsonl, repo, run_corpus};
use nerpipe::doc::{DocumentOutcome, Label, Mention};
use nerpipe::sink::csv::DocumentRow;
use std::collections::HashMap;
use std::path::Path;

/// The code points `[start, end)` of `text`.
fn slice(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

/// Runs the default model over `corpus`; documents by id and all mentions,
/// after checking that every mention's offsets slice its document's text.
fn run(corpus: &Path, extra: &[&str]) -> (HashMap<String, DocumentOutcome>, Vec<Mention>) {
    let out = tempfile::tempdir().unwrap();
    run_corpus(corpus, out.path(), extra);
    let documents: Vec<DocumentOutcome> = read_jsonl(&out.path().join("documents.jsonl"));
    let documents: HashMap<String, DocumentOutcome> = documents
        .into_iter()
        .map(|d| (d.doc_id.clone(), d))
        .collect();
    let mentions: Vec<Mention> = read_jsonl(&out.path().join("mentions.jsonl"));
    for m in &mentions {
        let d = &documents[&m.doc_id];
        assert_eq!(slice(&d.text, m.start, m.end), m.text, "{m:?}");
    }
    let rows: Vec<DocumentRow> = read_csv(&out.path().join("documents.csv"));
    for row in rows {
        let d = &documents[row.doc_id.as_ref()];
        assert_eq!(
            (
                row.format.as_ref(),
                row.language.as_ref(),
                row.script.as_ref(),
                row.pages
            ),
            (
                d.format.as_str(),
                d.language.as_str(),
                d.script.as_str(),
                d.pages
            )
        );
    }
    (documents, mentions)
}

fn spans<'a>(mentions: &'a [Mention], doc: &str) -> Vec<(Label, &'a str, usize, usize)> {
    mentions
        .iter()
        .filter(|m| m.doc_id == doc && m.label != Label::Amount)
        .map(|m| (m.label, m.text.as_str(), m.start, m.end))
        .collect()
}

#[test]
fn a_saved_news_page_gives_the_article_and_nothing_around_it() {
    let corpus = tempfile::tempdir().unwrap();
    let page = "trebinje-fuel-smuggling.html";
    std::fs::copy(
        repo().join("corpus/web").join(page),
        corpus.path().join(page),
    )
    .unwrap();
    let (documents, mentions) = run(corpus.path(), &[]);
    let d = &documents[page];
    assert_eq!(
        (
            d.format.as_str(),
            d.language.as_str(),
            d.script.as_str(),
            d.encoding.as_str()
        ),
        ("html", "en", "Latn", "utf-8")
    );
    assert_eq!(
        d.title,
        "Fuel tankers and a mayor's cousin: the Trebinje route"
    );
    assert_eq!(d.metadata["published"], "2024-05-14T08:00:00+02:00");
    assert!(d.text.contains("about 70\u{a0}000 litres of fuel"));
    let found = spans(&mentions, page);
    for expected in [
        (Label::Person, "Dragan Lalović", 474, 488),
        (Label::Person, "Jelena Vuković", 754, 768),
        (Label::Organisation, "SIPA", 333, 337),
        (Label::Place, "Bileća", 716, 722),
        (Label::Place, "Nikšić", 727, 733),
    ] {
        assert!(found.contains(&expected), "{expected:?} not in {found:?}");
    }
    let amounts: Vec<&str> = mentions
        .iter()
        .filter(|m| m.label == Label::Amount)
        .map(|m| m.text.as_str())
        .collect();
    assert!(amounts.contains(&"about 70\u{a0}000 litres"), "{amounts:?}");
    // Names planted in the script, navigation, cookie banner, share bar,
    // related links, comments and footer.
    for planted in [
        "Skriptović",
        "Navigović",
        "Kolačević",
        "Dijeljenić",
        "Povezanović",
        "Komentarić",
        "Forumović",
        "Podnožić",
    ] {
        assert!(!d.text.contains(planted), "{planted} is in the text");
        assert!(mentions.iter().all(|m| !m.text.contains(planted)));
    }
}

const MAIL: &str = "From: \"Kovač, Ana\" <ana.kovac@example.ba>\r
To: Uprava policije <uprava@policija.example.me>, Ivan Horvat <ivan@example.hr>\r
Date: Tue, 5 Mar 2024 09:30:00 +0100\r
Subject: =?windows-1250?Q?=8Aari=E6_i_luka_Bar?=\r
Message-ID: <leak-0042@example.ba>\r
MIME-Version: 1.0\r
Content-Type: multipart/mixed; boundary=\"B\"\r
\r
--B\r
Content-Type: text/plain; charset=ISO-8859-2\r
Content-Transfer-Encoding: quoted-printable\r
\r
Po=B9tovani, Darko =A9ari=E6 je sino=E6 stigao u Podgoricu.\r
--B\r
Content-Type: text/html; charset=utf-8\r
Content-Disposition: attachment; filename=\"izvjestaj.html\"\r
\r
<html><body><nav>Meni: Nada Navigovi\u{107}</nav><article><p>Zoran \u{110}uri\u{107} je platio carinike u Baru.</p></article></body></html>\r
--B--\r
";

#[test]
fn a_mail_gives_its_message_and_attachments() {
    let corpus = tempfile::tempdir().unwrap();
    std::fs::write(corpus.path().join("leak.eml"), MAIL).unwrap();
    let (documents, mentions) = run(corpus.path(), &[]);
    let message = &documents["leak.eml"];
    assert_eq!(message.format, "eml");
    assert_eq!(message.title, "Šarić i luka Bar");
    assert_eq!(message.encoding, "iso-8859-2");
    assert_eq!(
        message.text,
        "From: Ana Kovač <ana.kovac@example.ba>\nTo: Uprava policije <uprava@policija.example.me>, Ivan Horvat <ivan@example.hr>\nDate: 2024-03-05T09:30:00+01:00\nSubject: Šarić i luka Bar\n\nPoštovani, Darko Šarić je sinoć stigao u Podgoricu."
    );
    assert_eq!(
        message.metadata["from"],
        serde_json::json!(["Ana Kovač <ana.kovac@example.ba>"])
    );
    let header: Vec<(Label, &str, usize, usize)> = mentions
        .iter()
        .filter(|m| m.doc_id == "leak.eml" && m.source == "mail-header")
        .map(|m| (m.label, m.text.as_str(), m.start, m.end))
        .collect();
    assert_eq!(
        header,
        [
            (Label::Person, "Ana Kovač", 6, 15),
            (Label::Organisation, "Uprava policije", 43, 58),
            (Label::Person, "Ivan Horvat", 89, 100),
        ]
    );
    assert!(spans(&mentions, "leak.eml").contains(&(Label::Person, "Darko Šarić", 189, 200)));
    let attachment = &documents["leak-0042@example.ba/izvjestaj.html"];
    assert_eq!(attachment.format, "html");
    assert_eq!(attachment.source_path, "leak.eml:1");
    assert_eq!(attachment.metadata["attached_to"], "leak-0042@example.ba");
    assert_eq!(attachment.text, "Zoran Đurić je platio carinike u Baru.");
    assert!(
        spans(&mentions, "leak-0042@example.ba/izvjestaj.html").contains(&(
            Label::Person,
            "Zoran Đurić",
            0,
            11
        ))
    );
}

#[test]
fn an_mbox_gives_one_document_per_message() {
    let corpus = tempfile::tempdir().unwrap();
    std::fs::write(
        corpus.path().join("desk.mbox"),
        "From a@example.com Tue Mar  5 09:30:00 2024\nFrom: Ivan Horvat <a@example.com>\nSubject: Rijeka\n\nUSKOK je optu\u{17e}io Zorana \u{110}uri\u{107}a.\n\nFrom b@example.com Tue Mar  5 10:30:00 2024\nSubject: Bar\n\nPolice in Bar arrested Milena Kova\u{10d}evi\u{107}.\n",
    )
    .unwrap();
    std::fs::write(corpus.path().join("empty.mbox"), "no messages here\n").unwrap();
    let (documents, _) = run(corpus.path(), &[]);
    let mut ids: Vec<(&str, &str, &str)> = documents
        .values()
        .map(|d| (d.doc_id.as_str(), d.language.as_str(), d.error.as_str()))
        .collect();
    ids.sort();
    assert_eq!(
        ids,
        [
            ("desk.mbox:1", "hr", ""),
            ("desk.mbox:2", "en", ""),
            (
                "empty.mbox",
                "",
                "no messages in the mbox file (none starts with a \"From \" line)"
            ),
        ]
    );
}

#[test]
fn legacy_encodings_are_decoded_and_recorded() {
    let corpus = tempfile::tempdir().unwrap();
    let text = "Policija u Splitu uhitila je Darka Šarića zbog krijumčarenja kokaina.\n";
    let (cp1250, _, _) = encoding_rs::WINDOWS_1250.encode(text);
    std::fs::write(corpus.path().join("a-cp1250.txt"), &cp1250).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(corpus.path().join("b-utf16.txt"), utf16).unwrap();
    std::fs::write(
        corpus.path().join("c-binary.txt"),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xd8",
    )
    .unwrap();
    let (documents, mentions) = run(corpus.path(), &[]);
    let rows: Vec<(&str, &str, &str)> = ["a-cp1250.txt", "b-utf16.txt"]
        .iter()
        .map(|id| {
            let d = &documents[*id];
            (d.encoding.as_str(), d.language.as_str(), d.text.as_str())
        })
        .collect();
    assert_eq!(
        rows,
        [("windows-1250", "hr", text), ("utf-16le", "hr", text)]
    );
    for id in ["a-cp1250.txt", "b-utf16.txt"] {
        assert!(spans(&mentions, id).contains(&(Label::Person, "Darka Šarića", 29, 41)));
    }
    assert!(documents["c-binary.txt"]
        .error
        .starts_with("invalid UTF-8 at byte 0, and not text in a legacy code page either"));
}

#[test]
fn the_language_is_detected_declared_or_forced() {
    let corpus = tempfile::tempdir().unwrap();
    std::fs::write(
        corpus.path().join("wire.jsonl"),
        concat!(
            "{\"id\": \"w1\", \"text\": \"Полиција је ухапсила Дарка Шарића у Новом Саду.\"}\n",
            "{\"id\": \"w2\", \"text\": \"Police in Tuzla arrested two men.\", \"language\": \"bs\"}\n",
            "{\"id\": \"w3\", \"text\": \"Police in Tuzla arrested two men.\", \"language\": \"klingon\"}\n",
        ),
    )
    .unwrap();
    let (documents, _) = run(corpus.path(), &[]);
    let row = |id: &str| {
        let d = &documents[id];
        (
            d.language.clone(),
            d.script.clone(),
            d.language_source.clone(),
            d.error.clone(),
        )
    };
    assert_eq!(
        row("w1"),
        ("sr".into(), "Cyrl".into(), "detected".into(), String::new())
    );
    assert_eq!(
        row("w2"),
        ("bs".into(), "Latn".into(), "declared".into(), String::new())
    );
    assert!(row("w3")
        .3
        .starts_with("JSONL \"language\": unknown language \"klingon\": give an ISO 639-1 code"));
    let (forced, _) = run(corpus.path(), &["--language", "hr"]);
    assert_eq!(
        (
            forced["w1"].language.as_str(),
            forced["w1"].language_source.as_str()
        ),
        ("hr", "forced")
    );
}
