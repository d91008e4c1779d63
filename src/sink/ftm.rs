//! `nerpipe export --ftm OUT --dest FILE`: a run as FollowTheMoney entities
//! (JSON lines `{"id", "schema", "properties": {"prop": ["value", ...]}}`),
//! the format Aleph and the OpenSanctions tools exchange.
//!
//! - `Person` / `Organization`: one per PERSON / ORGANISATION entity of the
//!   run, `name` = canonical, `alias` = its other surface forms;
//! - `Article`: one per document that went through the run, with `title`,
//!   `language`, `publishedAt`, `sourceUrl`, `author` where the corpus has
//!   them (JSONL metadata, [`METADATA`]), and the names it mentions;
//! - `Mention`: one per (document, PERSON / ORGANISATION / PLACE entity):
//!   `document`, `name` (the surface forms in that document),
//!   `detectedSchema`, and `resolved` for people and organisations only
//!   (a place's schema, Address, is not a LegalEntity, which `resolved` needs).
//!
//! Amounts and MISC entities get no entity of their own: FtM has no schema for
//! a detected amount (a `Payment` needs a payer and a beneficiary nerpipe does
//! not know); MISC names are listed in the Article's `namesMentioned`.
//!
//! Ids are FtM entity ids (`[0-9a-zA-Z.-]`, alphanumeric at both ends) made
//! from stable nerpipe ids only, so every run gives the same ids: `nerpipe-`
//! and the entity_id for entities, `nerpipe-doc-` and a hash of the doc_id,
//! `nerpipe-mention-` and a hash of (doc_id, entity_id).

use crate::atomic::AtomicFile;
use crate::doc::{Entity, Label, Mention};
use crate::sink::read::{read_entities, DocumentsWithMentions};
use anyhow::Context;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;

/// The FtM schema of an entity label, and the Article property that lists
/// its names; None where FtM has no such entity.
const SCHEMAS: [(Label, Option<&str>, &str); 4] = [
    (Label::Person, Some("Person"), "peopleMentioned"),
    (
        Label::Organisation,
        Some("Organization"),
        "companiesMentioned",
    ),
    (Label::Place, None, "locationMentioned"),
    (Label::Misc, None, "namesMentioned"),
];

/// The schema a Mention of a label reports as `detectedSchema`.
const DETECTED: [(Label, &str); 3] = [
    (Label::Person, "Person"),
    (Label::Organisation, "Organization"),
    (Label::Place, "Address"),
];

/// Article properties taken from a document's JSONL metadata: the first
/// key present wins, and the value must pass the property's check.
const METADATA: [(&str, &[&str], Check); 4] = [
    (
        "language",
        &["language", "lang", "languages"],
        Check::Language,
    ),
    (
        "publishedAt",
        &["publishedAt", "published_at", "published", "date"],
        Check::Date,
    ),
    ("sourceUrl", &["url", "source_url", "sourceUrl"], Check::Url),
    ("author", &["author", "authors"], Check::Text),
];

/// ISO 639-1 codes of the languages of the region and its neighbours, to
/// FtM's ISO 639-3; three-letter codes are taken as they are.
const LANGUAGES: [(&str, &str); 14] = [
    ("en", "eng"),
    ("sr", "srp"),
    ("hr", "hrv"),
    ("bs", "bos"),
    ("sq", "sqi"),
    ("mk", "mkd"),
    ("sl", "slv"),
    ("bg", "bul"),
    ("ro", "ron"),
    ("el", "ell"),
    ("hu", "hun"),
    ("de", "deu"),
    ("it", "ita"),
    ("fr", "fra"),
];

#[derive(Clone, Copy)]
enum Check {
    Language,
    Date,
    Url,
    Text,
}

impl Check {
    /// The value as FtM takes it, or None when it is not one.
    fn clean(self, raw: &str) -> Option<String> {
        let raw = raw.trim();
        match self {
            Check::Language => {
                let lower = raw.to_ascii_lowercase();
                let code = lower.split(['-', '_']).next().unwrap_or("");
                LANGUAGES
                    .iter()
                    .find(|(two, _)| *two == code)
                    .map(|(_, three)| three.to_string())
                    .or_else(|| {
                        LANGUAGES
                            .iter()
                            .find(|(_, three)| *three == code)
                            .map(|(_, three)| three.to_string())
                    })
            }
            // The ISO 8601 date FtM's date type takes: YYYY, YYYY-MM or
            // YYYY-MM-DD, followed by nothing or a time (which is dropped).
            Check::Date => {
                let b = raw.as_bytes();
                let digits = |r: std::ops::Range<usize>| {
                    b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit))
                };
                let dash = |i: usize| b.get(i) == Some(&b'-');
                if !digits(0..4) {
                    return None;
                }
                let end = match (dash(4) && digits(5..7), dash(7) && digits(8..10)) {
                    (true, true) => 10,
                    (true, false) => 7,
                    _ => 4,
                };
                let ok = b.len() == end || matches!(b.get(end), Some(b'T' | b' '));
                ok.then(|| raw[..end].to_string())
            }
            Check::Url => {
                (raw.starts_with("https://") || raw.starts_with("http://")).then(|| raw.to_string())
            }
            Check::Text => (!raw.is_empty()).then(|| raw.to_string()),
        }
    }
}

/// FtM's entity-id syntax: `[0-9a-zA-Z.-]`, alphanumeric first and last.
pub fn is_ftm_id(id: &str) -> bool {
    let b = id.as_bytes();
    !b.is_empty()
        && b.len() <= 1024
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'.' || *c == b'-')
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
}

fn hash_id(prefix: &str, parts: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    let hex: String = h.finalize()[..10]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("nerpipe-{prefix}-{hex}")
}

/// The FtM id of a nerpipe entity: readable when its id already fits.
pub fn entity_ftm_id(entity_id: &str) -> String {
    let id = format!("nerpipe-{entity_id}");
    if is_ftm_id(&id) {
        id
    } else {
        hash_id("entity", &[entity_id])
    }
}

pub fn document_ftm_id(doc_id: &str) -> String {
    hash_id("doc", &[doc_id])
}

pub fn mention_ftm_id(doc_id: &str, entity_id: &str) -> String {
    hash_id("mention", &[doc_id, entity_id])
}

/// Values of one entity's properties: sorted by name, each a list of strings
/// without repeats, in first-seen order.
#[derive(Default)]
struct Properties(BTreeMap<&'static str, Vec<String>>);

impl Properties {
    fn add(&mut self, prop: &'static str, value: &str) {
        let values = self.0.entry(prop).or_default();
        if !value.is_empty() && !values.iter().any(|v| v == value) {
            values.push(value.to_string());
        }
    }

    fn entity(self, id: &str, schema: &str) -> Value {
        let props: Map<String, Value> = self
            .0
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        json!({"id": id, "schema": schema, "properties": props})
    }
}

/// What an entity contributes to documents that mention it.
struct Known {
    label: Label,
    canonical: String,
}

/// Writes the run in `out` as FtM JSON lines to `dest` (texts and metadata
/// from its documents.jsonl). Returns the number of entities per schema.
pub fn export(out: &Path, dest: &Path) -> anyhow::Result<BTreeMap<String, usize>> {
    let mut file = AtomicFile::create(dest)?;
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut write = |entity: Value, counts: &mut BTreeMap<String, usize>| -> anyhow::Result<()> {
        let schema = entity["schema"].as_str().unwrap_or("").to_string();
        serde_json::to_writer(&mut file, &entity)
            .and_then(|()| file.write_all(b"\n").map_err(serde_json::Error::io))
            .with_context(|| format!("{}: cannot write", dest.display()))?;
        *counts.entry(schema).or_default() += 1;
        Ok(())
    };
    let mut known: HashMap<String, Known> = HashMap::new();
    for e in read_entities(out)? {
        let e = e?;
        if let Some(entity) = legal_entity(&e) {
            write(entity, &mut counts)?;
        }
        let canonical = e.canonical.clone();
        known.insert(
            e.id,
            Known {
                label: e.label,
                canonical,
            },
        );
    }
    for item in DocumentsWithMentions::open(out)? {
        let item = item?;
        let article = article(&item.document, &item.mentions, &known);
        write(article, &mut counts)?;
        for mention in mentions(&item.document.doc_id, &item.mentions, &known) {
            write(mention, &mut counts)?;
        }
    }
    file.commit()?;
    Ok(counts)
}

fn schema_of(label: Label) -> Option<&'static str> {
    SCHEMAS.iter().find(|s| s.0 == label).and_then(|s| s.1)
}

/// The Person or Organization of a PERSON / ORGANISATION entity.
fn legal_entity(e: &Entity) -> Option<Value> {
    let schema = schema_of(e.label)?;
    let mut props = Properties::default();
    props.add("name", &e.canonical);
    for alias in e.aliases.iter().filter(|a| **a != e.canonical) {
        props.add("alias", alias);
    }
    Some(props.entity(&entity_ftm_id(&e.id), schema))
}

fn article(
    doc: &crate::doc::DocumentOutcome,
    mentions: &[Mention],
    known: &HashMap<String, Known>,
) -> Value {
    let mut props = Properties::default();
    props.add("title", doc.title.trim());
    for (prop, keys, check) in METADATA {
        let value = keys.iter().find_map(|k| doc.metadata.get(*k));
        let values: Vec<&Value> = match value {
            Some(Value::Array(list)) => list.iter().collect(),
            Some(v) => vec![v],
            None => Vec::new(),
        };
        for v in values.into_iter().filter_map(Value::as_str) {
            if let Some(clean) = check.clean(v) {
                props.add(prop, &clean);
            }
        }
    }
    for m in mentions {
        let Some(k) = known.get(&m.entity_id) else {
            continue;
        };
        let Some((_, _, prop)) = SCHEMAS.iter().find(|s| s.0 == k.label) else {
            continue;
        };
        props.add(prop, &k.canonical);
        if k.label != Label::Place {
            props.add("namesMentioned", &k.canonical);
        }
    }
    props.entity(&document_ftm_id(&doc.doc_id), "Article")
}

/// One Mention per entity the document mentions, in first-mention order.
fn mentions(doc_id: &str, mentions: &[Mention], known: &HashMap<String, Known>) -> Vec<Value> {
    let mut order: Vec<&str> = Vec::new();
    let mut props: HashMap<&str, Properties> = HashMap::new();
    for m in mentions {
        let Some(k) = known.get(&m.entity_id) else {
            continue;
        };
        let Some((_, detected)) = DETECTED.iter().find(|d| d.0 == k.label) else {
            continue;
        };
        let p = props.entry(m.entity_id.as_str()).or_insert_with(|| {
            order.push(m.entity_id.as_str());
            let mut p = Properties::default();
            p.add("document", &document_ftm_id(doc_id));
            p.add("detectedSchema", detected);
            if schema_of(k.label).is_some() {
                p.add("resolved", &entity_ftm_id(&m.entity_id));
            }
            p
        });
        p.add("name", m.text.trim());
    }
    order
        .into_iter()
        .filter_map(|id| {
            let p = props.remove(id)?;
            Some(p.entity(&mention_ftm_id(doc_id, id), "Mention"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_fit_ftm() {
        assert!(is_ftm_id(&entity_ftm_id("per-darko-saric-1a2b")));
        assert_eq!(
            entity_ftm_id("per-darko-saric-1a2b"),
            "nerpipe-per-darko-saric-1a2b"
        );
        for id in ["a/b.txt#3", "=HYPERLINK(\"x\")", "+plus", "-", ""] {
            assert!(is_ftm_id(&document_ftm_id(id)), "{id}");
            assert!(is_ftm_id(&entity_ftm_id(id)), "{id}");
        }
        assert!(!is_ftm_id("a#b") && !is_ftm_id("a/b") && !is_ftm_id("-a"));
    }

    #[test]
    fn metadata_is_checked() {
        assert_eq!(Check::Language.clean("en").as_deref(), Some("eng"));
        assert_eq!(Check::Language.clean("sr-Latn").as_deref(), Some("srp"));
        assert_eq!(Check::Language.clean("English"), None);
        assert_eq!(
            Check::Date.clean("2024-03-05T10:00:00Z").as_deref(),
            Some("2024-03-05")
        );
        assert_eq!(Check::Date.clean("2024-03-05x"), None);
        assert_eq!(Check::Date.clean("2024").as_deref(), Some("2024"));
        assert_eq!(Check::Date.clean("2024-03").as_deref(), Some("2024-03"));
        assert_eq!(Check::Date.clean("March 2024"), None);
        assert_eq!(Check::Url.clean("javascript:alert(1)"), None);
    }
}
