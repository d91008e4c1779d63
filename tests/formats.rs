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
    // The database keeps the same text, language and metadata.
    let db = rusqlite::Connection::open(out.path().join("nerpipe.sqlite")).unwrap();
    let mut query = db
        .prepare("SELECT doc_id, format, language, script, pages, text, metadata FROM documents")
        .unwrap();
    let rows = query
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
            ))
        })
        .unwrap();
    let mut loaded = 0;
    for row in rows {
        let (id, format, language, script, pages, text, metadata) = row.unwrap();
        let d = &documents[&id];
        assert_eq!(
            (
                format.as_str(),
                language.as_str(),
                script.as_str(),
                pages,
                text.as_str()
            ),
            (
                d.format.as_str(),
                d.language.as_str(),
                d.script.as_str(),
                d.pages.map(|p| p as i64),
                d.text.as_str()
            )
        );
        let metadata: serde_json::Value = serde_json::from_str(&metadata).unwrap();
        assert_eq!(metadata, serde_json::Value::Object(d.metadata.clone()));
        loaded += 1;
    }
    assert_eq!(loaded, documents.len());
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
    let attachment = &documents["leak.eml/leak-0042@example.ba/izvjestaj.html"];
    assert_eq!(attachment.format, "html");
    assert_eq!(attachment.source_path, "leak.eml:1");
    assert_eq!(attachment.metadata["attached_to"], "leak-0042@example.ba");
    assert_eq!(attachment.text, "Zoran Đurić je platio carinike u Baru.");
    assert!(
        spans(&mentions, "leak.eml/leak-0042@example.ba/izvjestaj.html").contains(&(
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

#[test]
fn pdf_and_docx_reports_give_exact_spans_and_pages() {
    let corpus = tempfile::tempdir().unwrap();
    for name in ["brcko-fuel-corridor.pdf", "ploce-terminal-payments.docx"] {
        std::fs::copy(
            repo().join("corpus/reports").join(name),
            corpus.path().join(name),
        )
        .unwrap();
    }
    let (documents, mentions) = run(corpus.path(), &[]);
    let pdf = &documents["brcko-fuel-corridor.pdf"];
    assert_eq!(
        (pdf.format.as_str(), pdf.pages, pdf.language.as_str()),
        ("pdf", Some(2), "en")
    );
    assert_eq!(pdf.metadata["page_starts"], serde_json::json!([0, 791]));
    assert!(slice(&pdf.text, 791, 814).starts_with("Relabelled as lubricant"));
    // The wrap "Herce-/govina" rejoined, the compound kept.
    let found = spans(&mentions, "brcko-fuel-corridor.pdf");
    for expected in [
        (Label::Place, "Bosnia and Hercegovina", 154, 176),
        (Label::Person, "Željko Marić", 391, 403),
        (Label::Person, "Dražen Kovačević", 615, 631),
        (Label::Organisation, "USKOK", 842, 847),
        (Label::Place, "Bosnia-Herzegovina", 1071, 1089),
        (Label::Person, "Jasmina Ćosić", 1200, 1213),
    ] {
        assert!(found.contains(&expected), "{expected:?} not in {found:?}");
    }
    let docx = &documents["ploce-terminal-payments.docx"];
    assert_eq!((docx.format.as_str(), docx.pages), ("docx", None));
    assert_eq!(
        docx.title,
        "Payments linked to the Ploče container terminal"
    );
    let found = spans(&mentions, "ploce-terminal-payments.docx");
    for expected in [
        // Company names with their legal form, as the training data
        // annotates them (run-time words keep "d.o.o." whole).
        (
            Label::Organisation,
            "Adriatic Bulk Services d.o.o.",
            72,
            101,
        ),
        (Label::Organisation, "Neretva Consulting d.o.o.", 263, 288),
        (Label::Place, "Mostar", 289, 295),
        (Label::Person, "Goran Šarić", 428, 439),
        (Label::Person, "Ivana Šimić", 565, 576),
    ] {
        assert!(found.contains(&expected), "{expected:?} not in {found:?}");
    }
    // A name never runs from one table cell or row into the next.
    assert!(
        mentions.iter().all(|m| !m.text.contains(['\t', '\n'])),
        "{found:?}"
    );
}

/// A one-page PDF without any text (what a scanner writes, less the image).
fn pdf_without_text() -> Vec<u8> {
    common::pdf_of(&[
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        "<< /Length 8 >>\nstream\nq 1 0 0 1 0 0 cm Q\nendstream",
    ])
}

#[test]
fn a_thousand_mixed_files_with_a_hundred_broken_ones() {
    let corpus = tempfile::tempdir().unwrap();
    let c = corpus.path();
    let pdf = std::fs::read(repo().join("corpus/reports/brcko-fuel-corridor.pdf")).unwrap();
    let docx = std::fs::read(repo().join("corpus/reports/ploce-terminal-payments.docx")).unwrap();
    let mut broken: Vec<(String, &str)> = Vec::new();
    for i in 0..1000 {
        let sentence = format!("Police in Split questioned Ivan Horvat about case {i}.");
        let (name, bytes): (String, Vec<u8>) = match (i % 10, i % 50) {
            (9, 9) => (format!("{i:04}-scan.pdf"), pdf_without_text()),
            (9, 19) => (format!("{i:04}-cut.pdf"), pdf[..pdf.len() / 2].to_vec()),
            (9, 29) => (
                format!("{i:04}-bad.docx"),
                b"PK\x03\x04 not really".to_vec(),
            ),
            (9, 39) => (format!("{i:04}-bad.eml"), Vec::new()),
            (9, _) => (format!("{i:04}-binary.txt"), b"\x00\x01\x02ELF".to_vec()),
            (0, _) => (format!("{i:04}.pdf"), pdf.clone()),
            (1, _) => (format!("{i:04}.docx"), docx.clone()),
            (2 | 3, _) => (
                format!("{i:04}.html"),
                format!(
                    "<html><body><nav>Menu</nav><article><p>{sentence}</p></article></body></html>"
                )
                .into_bytes(),
            ),
            (4, _) => (
                format!("{i:04}.eml"),
                format!("From: Ana Kovač <a@example.ba>\nSubject: Case {i}\n\n{sentence}\n")
                    .into_bytes(),
            ),
            (5, _) => (
                format!("{i:04}.md"),
                format!("# Case {i}\n\n{sentence}\n").into_bytes(),
            ),
            _ => (format!("{i:04}.txt"), sentence.into_bytes()),
        };
        if i % 10 == 9 {
            broken.push((name.clone(), ""));
        }
        std::fs::write(c.join(name), bytes).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let model = repo().join("models/conll03-minilm-l6");
    let run = common::nerpipe(&[
        "run",
        "--corpus",
        c.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--quiet",
        "--no-report",
        "--no-sqlite",
        // Scans are tests/ocr.rs's: here a PDF without text is an error row.
        "--ocr",
        "off",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let rows: Vec<DocumentRow> = read_csv(&out.path().join("documents.csv"));
    assert_eq!(rows.len(), 1000);
    let mut errors: Vec<(String, String)> = rows
        .iter()
        .filter(|r| r.status.as_str() == "error")
        .map(|r| (r.doc_id.to_string(), r.error.to_string()))
        .collect();
    errors.sort();
    assert_eq!(errors.len(), 100);
    let expected_error = |name: &str| -> &str {
        if name.ends_with("-scan.pdf") {
            "no text layer (scanned? run OCR first)"
        } else if name.ends_with("-cut.pdf") {
            "corrupt PDF: "
        } else if name.ends_with(".docx") {
            "corrupt DOCX: not a zip archive"
        } else if name.ends_with(".eml") {
            "not an e-mail message: no header lines"
        } else {
            "binary content: NUL byte at byte 0"
        }
    };
    for ((id, error), (name, _)) in errors.iter().zip(&broken) {
        assert_eq!(id, name);
        assert!(error.starts_with(expected_error(name)), "{id}: {error}");
    }
    let ok_formats: std::collections::BTreeMap<&str, usize> = rows
        .iter()
        .filter(|r| r.status.as_str() == "ok")
        .fold(Default::default(), |mut m, r| {
            *m.entry(r.format.as_ref()).or_default() += 1;
            m
        });
    assert_eq!(
        ok_formats,
        [
            ("docx", 100),
            ("eml", 100),
            ("html", 200),
            ("md", 100),
            ("pdf", 100),
            ("txt", 300)
        ]
        .into_iter()
        .collect()
    );
}

/// `--model-for en=…` sends English documents to the English model and the
/// rest to `--model`; each mention names the model that found it, and the
/// English document's mentions are those of a run with that model alone.
#[test]
fn a_language_can_be_routed_to_its_own_model() {
    let corpus = tempfile::tempdir().unwrap();
    std::fs::write(
        corpus.path().join("en.txt"),
        "Police in Antwerp questioned Darko Šarić about cocaine shipped through the Port of Bar.",
    )
    .unwrap();
    std::fs::write(
        corpus.path().join("hr.txt"),
        "Policija je u Rijeci uhitila Darka Šarića, a USKOK je pokrenuo istragu protiv lučkih djelatnika.",
    )
    .unwrap();
    let english = repo().join("models/conll03-minilm-l6");
    let route = format!("en={}", english.display());
    let out = tempfile::tempdir().unwrap();
    let status = run_corpus(corpus.path(), out.path(), &["--model-for", &route]);
    assert!(status.status.success(), "{status:?}");
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("run.json")).unwrap())
            .unwrap();
    let default_name = run["model"]["name"].as_str().unwrap().to_string();
    let routes = run["model"]["by_language"].as_array().unwrap();
    assert_eq!(routes.len(), 1);
    assert_eq!(routes[0]["language"], "en");
    let english_name = routes[0]["name"].as_str().unwrap().to_string();
    assert_ne!(english_name, default_name);
    let documents: Vec<DocumentOutcome> = read_jsonl(&out.path().join("documents.jsonl"));
    let languages: Vec<(&str, &str)> = documents
        .iter()
        .map(|d| (d.doc_id.as_str(), d.language.as_str()))
        .collect();
    assert_eq!(languages, [("en.txt", "en"), ("hr.txt", "hr")]);
    let mentions: Vec<Mention> = read_jsonl(&out.path().join("mentions.jsonl"));
    let sources = |doc: &str| -> Vec<String> {
        let mut s: Vec<String> = mentions
            .iter()
            .filter(|m| m.doc_id == doc && m.label != Label::Amount)
            .map(|m| m.source.clone())
            .collect();
        s.dedup();
        s
    };
    assert_eq!(sources("en.txt"), [english_name.as_str()]);
    assert_eq!(sources("hr.txt"), [default_name.as_str()]);
    // The English document's mentions are exactly the English model's.
    let alone = tempfile::tempdir().unwrap();
    let status = common::nerpipe(&[
        "run",
        "--corpus",
        corpus.path().to_str().unwrap(),
        "--out",
        alone.path().to_str().unwrap(),
        "--model",
        english.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(status.status.success(), "{status:?}");
    let alone: Vec<Mention> = read_jsonl(&alone.path().join("mentions.jsonl"));
    let of = |ms: &[Mention]| -> Vec<(String, usize, usize, Label)> {
        ms.iter()
            .filter(|m| m.doc_id == "en.txt")
            .map(|m| (m.text.clone(), m.start, m.end, m.label))
            .collect()
    };
    assert_eq!(of(&mentions), of(&alone));
    assert!(of(&alone).iter().any(|(t, ..)| t == "Darko Šarić"));
    // A route without a folder, or two for one language, is refused.
    let refused = |routes: &[&str]| {
        let out = tempfile::tempdir().unwrap();
        let mut args = vec![
            "run",
            "--corpus",
            corpus.path().to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
            "--quiet",
        ];
        for r in routes {
            args.extend(["--model-for", r]);
        }
        let output = common::nerpipe(&args);
        assert!(!output.status.success());
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr).to_string(),
        )
    };
    let (code, stderr) = refused(&["en"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("\"en\": give LANG=FOLDER, e.g. en=models/conll03-minilm-l6"),
        "{stderr}"
    );
    let (_, stderr) = refused(&[&route, "en=models/other"]);
    assert!(
        stderr.contains("--model-for gives two models for en"),
        "{stderr}"
    );
}
