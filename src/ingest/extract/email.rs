//! E-mail: one `.eml` message, or every message of an `.mbox` file.
//!
//! A message's text is its header block (From, To, Cc, Date, Subject, one
//! line each, as a reader sees them) followed by a blank line and the decoded
//! body (the text/plain part, else the HTML part as [`super::html`] reads
//! it). mail-parser decodes quoted-printable, base64 and the charsets the
//! region's mail uses (windows-1250, ISO-8859-2, ...). Display names in the
//! From/To/Cc lines that are names become marked [`Span`]s: PERSON, or
//! ORGANISATION when a word of [`ORGANISATION_WORDS`] is in them. Attachments
//! are handed back as files; the folder source makes them documents.

use super::{Attachment, Extracted};
use crate::doc::Label;
use crate::doc::Span;
use mail_parser::{Address, MessageParser, MimeHeaders};
use serde_json::Value;

/// Words that make a display name an organisation's ("Uprava policije").
const ORGANISATION_WORDS: &[&str] = &[
    "d.o.o.",
    "d.o.o",
    "doo",
    "d.d.",
    "a.d.",
    "ltd",
    "ltd.",
    "inc",
    "inc.",
    "gmbh",
    "llc",
    "plc",
    "s.a.",
    "ag",
    "agency",
    "agencija",
    "ministry",
    "ministarstvo",
    "министарство",
    "uprava",
    "управа",
    "police",
    "policija",
    "полиција",
    "office",
    "ured",
    "ureda",
    "kancelarija",
    "court",
    "sud",
    "суд",
    "bank",
    "banka",
    "банка",
    "newsroom",
    "redakcija",
    "редакција",
    "tužilaštvo",
    "tužiteljstvo",
    "тужилаштво",
    "uskok",
    "sipa",
    "team",
    "tim",
    "council",
    "vijeće",
    "veće",
    "institute",
    "institut",
    "association",
    "udruženje",
    "udruga",
    "foundation",
    "fondacija",
    "zaklada",
    "group",
    "grupa",
    "press",
    "news",
    "network",
    "service",
    "služba",
    "служба",
    "department",
    "odjel",
    "odeljenje",
    "center",
    "centre",
    "centar",
    "центар",
];

/// Header lines written into the text, in this order.
const ADDRESS_HEADERS: &[&str] = &["From", "To", "Cc"];

/// One message.
pub fn extract(bytes: &[u8]) -> Result<Extracted, String> {
    let message = MessageParser::default()
        .parse(bytes)
        .filter(|m| !m.headers().is_empty())
        .ok_or("not an e-mail message: no header lines")?;
    let mut text = String::new();
    let mut spans = Vec::new();
    let mut metadata = serde_json::Map::new();
    for header in ADDRESS_HEADERS {
        let address = match *header {
            "From" => message.from(),
            "To" => message.to(),
            _ => message.cc(),
        };
        let Some(address) = address else { continue };
        let written = write_address_line(&mut text, &mut spans, header, address);
        metadata.insert(
            header.to_ascii_lowercase(),
            Value::Array(written.into_iter().map(Value::String).collect()),
        );
    }
    if let Some(date) = message.date() {
        let date = date.to_rfc3339();
        text.push_str("Date: ");
        text.push_str(&date);
        text.push('\n');
        metadata.insert("date".into(), Value::String(date));
    }
    let subject = message
        .subject()
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty());
    if let Some(subject) = &subject {
        text.push_str("Subject: ");
        text.push_str(subject);
        text.push('\n');
    }
    if let Some(id) = message.message_id() {
        metadata.insert("message_id".into(), Value::String(id.to_string()));
    }
    let (body, encoding) = body_of(&message);
    let body = body.replace("\r\n", "\n");
    let body = body.trim_matches(['\n', ' ']);
    if !body.is_empty() {
        text.push('\n');
        text.push_str(body);
    }
    let (attachments, skipped) = attachments_of(&message);
    if !skipped.is_empty() {
        metadata.insert("attachments_not_read".into(), Value::Array(skipped));
    }
    Ok(Extracted {
        title: subject,
        text,
        metadata,
        attachments,
        encoding,
        spans,
        ..Extracted::default()
    })
}

/// Writes one address header line ("To: Ana Kovač <ana@...>, ...") into
/// `text`, marking the display names that are names in `spans`, and returns
/// the mailboxes as the metadata keeps them ("Name <address>"): the line is
/// what the model reads, the metadata what a reviewer filters on.
fn write_address_line(
    text: &mut String,
    spans: &mut Vec<Span>,
    header: &str,
    address: &Address<'_>,
) -> Vec<String> {
    text.push_str(header);
    text.push_str(": ");
    let mut written = Vec::new();
    for (i, addr) in addresses(address).into_iter().enumerate() {
        if i > 0 {
            text.push_str(", ");
        }
        let name = addr.0.as_deref().map(clean_name).filter(|n| !n.is_empty());
        if let Some(name) = &name {
            let start = text.len();
            text.push_str(name);
            if let Some(label) = label_of_name(name) {
                spans.push(Span::marked(start..text.len(), label));
            }
        }
        if let Some(email) = &addr.1 {
            if name.is_some() {
                text.push(' ');
            }
            text.push('<');
            text.push_str(email);
            text.push('>');
        }
        written.push(match (&name, &addr.1) {
            (Some(n), Some(e)) => format!("{n} <{e}>"),
            (Some(n), None) => n.clone(),
            (None, Some(e)) => e.clone(),
            (None, None) => String::new(),
        });
    }
    text.push('\n');
    written
}

/// The message's body and the charset it was decoded from: the text/plain
/// part where there is one (its charset is the document's encoding), else
/// the HTML part read as [`super::html`] reads a page (no charset: the HTML
/// reader decides), else nothing.
fn body_of(message: &mail_parser::Message<'_>) -> (String, Option<String>) {
    if let Some(part) = message
        .text_bodies()
        .next()
        .filter(|p| p.is_text() && !p.is_text_html())
    {
        let encoding = part
            .content_type()
            .and_then(|c| c.attribute("charset"))
            .map(|c| c.to_ascii_lowercase());
        let body = message
            .body_text(0)
            .map(|b| b.into_owned())
            .unwrap_or_default();
        (body, encoding)
    } else if let Some(html) = message.body_html(0) {
        let body = super::html::extract(html.as_bytes())
            .map(|e| e.text)
            .unwrap_or_default();
        (body, None)
    } else {
        (String::new(), None)
    }
}

/// The attachments the folder source can read as documents (by their file
/// name's format), and the names of the others, which the metadata lists so
/// that nothing is dropped without a trace. Path separators in a name become
/// `_` so that a name cannot point outside the message.
fn attachments_of(message: &mail_parser::Message<'_>) -> (Vec<Attachment>, Vec<Value>) {
    let mut attachments = Vec::new();
    let mut skipped = Vec::new();
    for (i, part) in message.attachments().enumerate() {
        let name = part
            .attachment_name()
            .map(|n| n.replace(['/', '\\'], "_"))
            .unwrap_or_else(|| format!("attachment-{}", i + 1));
        if super::FileFormat::of_name(&name).is_some_and(|f| f.is_document()) {
            attachments.push(Attachment {
                name,
                bytes: part.contents().to_vec(),
            });
        } else {
            skipped.push(Value::String(name));
        }
    }
    (attachments, skipped)
}

/// The messages of an mbox file, read one at a time, each as its raw bytes
/// (the `From ` line that separates them is not part of a message); a read
/// error ends them.
pub fn mbox_messages(reader: impl std::io::BufRead) -> impl Iterator<Item = Vec<u8>> {
    mail_parser::mailbox::mbox::MessageIterator::new(reader)
        .map_while(Result::ok)
        .map(|m| m.unwrap_contents())
}

/// (display name, address) of every mailbox of a header, groups flattened.
fn addresses(address: &Address<'_>) -> Vec<(Option<String>, Option<String>)> {
    address
        .iter()
        .map(|a| {
            (
                a.name().map(str::to_string),
                a.address().map(str::to_string),
            )
        })
        .collect()
}

/// A display name as a reader writes it: quotes and outer spaces dropped,
/// "Horvat, Ivan" turned into "Ivan Horvat".
fn clean_name(name: &str) -> String {
    let name = name.trim().trim_matches(['"', '\'']).trim();
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    match name.split_once(", ") {
        Some((last, first))
            if !last.contains(' ')
                && !first.contains(',')
                && label_of_name(&name) != Some(Label::Organisation) =>
        {
            format!("{first} {last}")
        }
        _ => name,
    }
}

/// PERSON for two to four capitalised words of letters, ORGANISATION for a
/// name with an organisation word; `None` for "info", "noreply", an address.
fn label_of_name(name: &str) -> Option<Label> {
    if name.contains('@') || name.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let words: Vec<&str> = name.split_whitespace().collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    if lower
        .iter()
        .any(|w| ORGANISATION_WORDS.contains(&w.trim_matches([',', '(', ')'])))
    {
        return Some(Label::Organisation);
    }
    let capitalised = |w: &&str| {
        let mut chars = w.chars();
        chars.next().is_some_and(char::is_uppercase)
            && chars.all(|c| c.is_alphabetic() || c == '-' || c == '\'' || c == '.')
    };
    ((2..=4).contains(&words.len()) && words.iter().all(capitalised)).then_some(Label::Person)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAIL: &str = "From: \"Horvat, Ivan\" <ivan.horvat@example.hr>\r\n\
To: Ana =?windows-1250?Q?Kova=E8?= <ana@redakcija.example.ba>, Uprava policije <info@policija.example.me>, noreply <noreply@example.com>\r\n\
Date: Tue, 5 Mar 2024 09:30:00 +0100\r\n\
Subject: =?ISO-8859-2?Q?Luka_Bar_=B9ef?=\r\n\
Message-ID: <abc123@example.hr>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"XYZ\"\r\n\
\r\n\
--XYZ\r\n\
Content-Type: text/plain; charset=windows-1250\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
\r\n\
Darko =8Aari=E6 je platio 100.000 KM.\r\n\
--XYZ\r\n\
Content-Type: text/plain\r\n\
Content-Disposition: attachment; filename=\"note.txt\"\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
UG9ydCBvZiBCYXI=\r\n\
--XYZ\r\n\
Content-Type: video/mp4\r\n\
Content-Disposition: attachment; filename=\"clip.mp4\"\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
iVBORw0K\r\n\
--XYZ--\r\n";

    #[test]
    fn headers_body_and_attachments() {
        let e = extract(MAIL.as_bytes()).unwrap();
        assert_eq!(
            e.text,
            "From: Ivan Horvat <ivan.horvat@example.hr>\n\
To: Ana Kovač <ana@redakcija.example.ba>, Uprava policije <info@policija.example.me>, noreply <noreply@example.com>\n\
Date: 2024-03-05T09:30:00+01:00\n\
Subject: Luka Bar šef\n\
\n\
Darko Šarić je platio 100.000 KM."
        );
        assert_eq!(e.title.as_deref(), Some("Luka Bar šef"));
        assert_eq!(e.encoding.as_deref(), Some("windows-1250"));
        let spans: Vec<(&str, Label)> = e
            .spans
            .iter()
            .map(|s| (&e.text[s.bytes.clone()], s.label))
            .collect();
        assert_eq!(
            spans,
            [
                ("Ivan Horvat", Label::Person),
                ("Ana Kovač", Label::Person),
                ("Uprava policije", Label::Organisation)
            ]
        );
        assert_eq!(e.attachments.len(), 1);
        assert_eq!(e.attachments[0].name, "note.txt");
        assert_eq!(e.attachments[0].bytes, b"Port of Bar");
        assert_eq!(
            e.metadata.get("attachments_not_read"),
            Some(&serde_json::json!(["clip.mp4"]))
        );
        assert_eq!(
            e.metadata.get("message_id"),
            Some(&Value::String("abc123@example.hr".into()))
        );
    }

    #[test]
    fn not_a_message() {
        assert_eq!(
            extract(b"").unwrap_err(),
            "not an e-mail message: no header lines"
        );
    }

    #[test]
    fn mbox_splits_on_from_lines() {
        let mbox = b"From a@example.com Tue Mar  5 09:30:00 2024\nSubject: One\n\nFirst.\n\nFrom b@example.com Tue Mar  5 10:30:00 2024\nSubject: Two\n\nSecond.\n";
        let messages: Vec<Vec<u8>> = mbox_messages(&mbox[..]).collect();
        assert_eq!(messages.len(), 2);
        assert_eq!(
            extract(&messages[1]).unwrap().text,
            "Subject: Two\n\nSecond."
        );
    }
}
