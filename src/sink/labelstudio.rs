//! Label Studio round trip.
//!
//! [`export`] writes one task per document with the run's mentions as
//! `predictions` (pre-annotations for a `<Labels name="label" toName="text">`
//! over `<Text name="text" value="$text">`). [`import`] reads Label Studio's
//! JSON export back and writes the human-annotated tasks' mentions (`mentions.jsonl`, the
//! run's record format) and a CoNLL IOB2 file (`train.conll`) for
//! `nerpipe train`.
//!
//! Offsets are code points, as Label Studio stores them. Exports made by older
//! Label Studio versions counted UTF-16 units (wrong after an emoji); import
//! detects that from the region's text and converts.

use crate::atomic::AtomicFile;
use crate::doc::Label;
use crate::doc::{round_score, Mention};
use crate::sink::read::{DocumentsWithMentions, RunInfo};
use anyhow::Context;
use serde_json::{json, Map, Value};
use std::io::Write;
use std::path::Path;

/// The `from_name`/`to_name` of the labelling config the tasks are made for.
pub const FROM_NAME: &str = "label";
pub const TO_NAME: &str = "text";

/// The region id of a mention: Label Studio ids are short and plain, and
/// doc_ids may hold any character, so use `m` + the mention's number.
fn region_id(m: &Mention, index: usize) -> String {
    let n = m
        .mention_id
        .rsplit_once('#')
        .map(|(_, n)| n)
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    match n {
        Some(n) => format!("m{n}"),
        None => format!("m{index}"),
    }
}

/// Writes the run in `out` as Label Studio tasks to `dest` (a JSON array;
/// texts from its documents.jsonl). Returns the number of tasks.
pub fn export(out: &Path, dest: &Path) -> anyhow::Result<usize> {
    let run = RunInfo::read(out)?;
    let sha: String = run.weights_sha256.chars().take(12).collect();
    let model_version = if sha.is_empty() {
        run.model_name.clone()
    } else {
        format!("{}-{sha}", run.model_name)
    };
    let mut file = AtomicFile::create(dest)?;
    let mut tasks = 0usize;
    let write_err = |e: std::io::Error| anyhow::anyhow!("{}: cannot write: {e}", dest.display());
    file.write_all(b"[").map_err(write_err)?;
    for item in DocumentsWithMentions::open(out)? {
        let item = item?;
        let doc = &item.document;
        let mut results = Vec::with_capacity(item.mentions.len());
        let mut known = Map::new();
        for (i, m) in item.mentions.iter().enumerate() {
            crate::sink::read::check_offsets(&doc.text, m)
                .map_err(|p| anyhow::anyhow!("{}: {p}", out.join("mentions.jsonl").display()))?;
            let id = region_id(m, i);
            known.insert(
                id.clone(),
                json!({"entity_id": m.entity_id, "label": m.label}),
            );
            results.push(json!({
                "id": id,
                "from_name": FROM_NAME,
                "to_name": TO_NAME,
                "type": "labels",
                "origin": "prediction",
                "value": {"start": m.start, "end": m.end, "text": m.text, "labels": [m.label]},
                "score": m.score,
            }));
        }
        let mut prediction = json!({"model_version": model_version, "result": results});
        if !item.mentions.is_empty() {
            let mean = item
                .mentions
                .iter()
                .map(|m| f64::from(m.score))
                .sum::<f64>()
                / item.mentions.len() as f64;
            prediction["score"] = json!(round_score(mean as f32));
        }
        let task = json!({
            "data": {"text": doc.text, "doc_id": doc.doc_id, "title": doc.title, "nerpipe_mentions": known},
            "predictions": [prediction],
        });
        file.write_all(if tasks == 0 { b"\n" } else { b",\n" })
            .map_err(write_err)?;
        serde_json::to_writer(&mut file, &task)
            .with_context(|| format!("{}: cannot write", dest.display()))?;
        tasks += 1;
    }
    file.write_all(b"\n]\n").map_err(write_err)?;
    file.commit()?;
    Ok(tasks)
}

/// What [`import`] wrote. Only tasks with a human annotation are imported:
/// a prediction is the model's own output, and training on it (or on the
/// all-O sentences of a task nobody opened) would teach the model its errors.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub tasks: usize,
    /// Tasks whose latest non-cancelled annotation was imported.
    pub annotated: usize,
    /// Tasks skipped: no annotation at all.
    pub skipped_unannotated: usize,
    /// Tasks skipped: every annotation was cancelled (skipped in Label Studio).
    pub skipped_cancelled: usize,
    /// Tasks whose predictions the export lists as ids only (Label Studio's
    /// default JSON export); harmless, since predictions are not imported.
    pub predictions_as_ids: usize,
    pub mentions: usize,
    pub sentences: usize,
}

impl ImportCounts {
    /// The one-line summary `nerpipe import` prints.
    pub fn summary(&self) -> String {
        let mut line = format!(
            "{} tasks: {} annotated ({} mentions, {} sentences); {} skipped ({} without an annotation, {} with only cancelled annotations)",
            self.tasks,
            self.annotated,
            self.mentions,
            self.sentences,
            self.skipped_unannotated + self.skipped_cancelled,
            self.skipped_unannotated,
            self.skipped_cancelled
        );
        if self.predictions_as_ids > 0 {
            line.push_str(&format!(
                "; {} tasks list their predictions as ids only, which is fine: predictions are never imported",
                self.predictions_as_ids
            ));
        }
        line
    }
}

/// Why a task is not imported.
enum Skip {
    Unannotated,
    Cancelled,
    /// An annotation that is not what Label Studio writes: imported as
    /// "no entities here" it would teach the model wrong, so it is an error.
    Malformed(String),
}

/// Said when an export holds ids where nerpipe needs the records.
const IDS_ONLY: &str = "the export lists the annotations by id only: export the project \
    again as JSON (Export > JSON, or the SDK's exports.download_sync(export_type='JSON', \
    download_all_tasks=True)), which holds the annotations in full";

/// Maps a Label Studio label to an output label (CoNLL names accepted too).
fn parse_label(name: &str) -> Option<Label> {
    let upper = name.trim().to_uppercase();
    Label::parse(&upper).or(match upper.as_str() {
        "PER" => Some(Label::Person),
        "ORG" | "ORGANIZATION" => Some(Label::Organisation),
        "LOC" | "GPE" => Some(Label::Place),
        _ => None,
    })
}

/// The CoNLL type of a label; amounts are not trained.
fn conll_type(label: Label) -> Option<&'static str> {
    match label {
        Label::Person => Some("PER"),
        Label::Organisation => Some("ORG"),
        Label::Place => Some("LOC"),
        Label::Misc => Some("MISC"),
        Label::Amount => None,
    }
}

/// Sortable time of an annotation: `updated_at`, else `created_at` (ISO 8601
/// from one server, so comparable as text), then its id.
fn recency(a: &Value) -> (String, i64) {
    let time = a
        .get("updated_at")
        .or_else(|| a.get("created_at"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    (time, a.get("id").and_then(Value::as_i64).unwrap_or(0))
}

/// A task's text with its offset tables, made once per task, so that each
/// region is looked up in constant time instead of by walking the text (an
/// import of 100 000 regions stays linear).
struct TaskText<'t> {
    text: &'t str,
    /// Byte offset of each code point, then the text's length.
    char_bytes: Vec<usize>,
    /// Code point at each UTF-16 offset (`None` inside a surrogate pair),
    /// made when a region first needs it.
    utf16: std::cell::OnceCell<Vec<Option<usize>>>,
}

impl<'t> TaskText<'t> {
    fn new(text: &'t str) -> TaskText<'t> {
        let char_bytes = text
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(text.len()))
            .collect();
        TaskText {
            text,
            char_bytes,
            utf16: std::cell::OnceCell::new(),
        }
    }

    /// The text of code points `start..end`.
    fn slice(&self, start: usize, end: usize) -> Option<&'t str> {
        if start > end {
            return None;
        }
        Some(&self.text[*self.char_bytes.get(start)?..*self.char_bytes.get(end)?])
    }

    /// The code point at UTF-16 offset `unit`.
    fn char_at_utf16(&self, unit: usize) -> Option<usize> {
        let table = self.utf16.get_or_init(|| {
            let mut table = Vec::with_capacity(self.text.len() + 1);
            for (i, c) in self.text.chars().enumerate() {
                table.push(Some(i));
                if c.len_utf16() == 2 {
                    table.push(None);
                }
            }
            table.push(Some(self.char_bytes.len() - 1));
            table
        });
        table.get(unit).copied().flatten()
    }
}

/// Code-point offsets of a region: as given, or converted from UTF-16 units
/// when only that reading matches the region's text.
fn resolve_offsets(
    text: &TaskText,
    start: usize,
    end: usize,
    region_text: Option<&str>,
) -> Option<(usize, usize)> {
    let direct = text.slice(start, end);
    let Some(want) = region_text else {
        return direct.map(|_| (start, end));
    };
    if direct == Some(want) {
        return Some((start, end));
    }
    match (text.char_at_utf16(start), text.char_at_utf16(end)) {
        (Some(s), Some(e)) if text.slice(s, e) == Some(want) => Some((s, e)),
        // Whitespace differences (a trimmed region text) are tolerated.
        _ if direct.is_some_and(|d| d.trim() == want.trim()) => Some((start, end)),
        _ => None,
    }
}

/// The sentence around `[start, end)`, at most about 200 characters.
fn context(chars: &[char], start: usize, end: usize) -> String {
    let boundary = |c: char| matches!(c, '.' | '!' | '?' | '\n');
    let mut s = start;
    while s > 0 && start - s < 100 && !boundary(chars[s - 1]) {
        s -= 1;
    }
    let mut e = end.min(chars.len());
    while e < chars.len() && e - end < 100 && !boundary(chars[e]) {
        e += 1;
    }
    if e < chars.len() && chars[e] != '\n' {
        e += 1;
    }
    chars[s..e].iter().collect::<String>().trim().to_string()
}

/// Reads Label Studio's JSON export `file` and writes `mentions.jsonl` and
/// `train.conll` into `dest_dir`.
pub fn import(file: &Path, dest_dir: &Path) -> anyhow::Result<ImportCounts> {
    let raw = std::fs::read_to_string(file)
        .with_context(|| format!("{}: cannot read", file.display()))?;
    let tasks: Vec<Value> = serde_json::from_str(&raw).with_context(|| {
        format!(
            "{}: not a Label Studio JSON export (expected an array of tasks)",
            file.display()
        )
    })?;
    std::fs::create_dir_all(dest_dir)
        .with_context(|| format!("{}: cannot create", dest_dir.display()))?;
    let mentions_path = dest_dir.join("mentions.jsonl");
    let conll_path = dest_dir.join("train.conll");
    let mut mentions_out = AtomicFile::create(&mentions_path)?;
    let mut conll_out = AtomicFile::create(&conll_path)?;
    let mut counts = ImportCounts::default();
    for (n, task) in tasks.iter().enumerate() {
        let (data, text, doc_id) = task_document(file, task, n)?;
        let at = format!("{} (doc_id {doc_id:?})", task_name(task, n));
        counts.tasks += 1;
        let list = |key: &str| task.get(key).and_then(Value::as_array);
        if list("predictions").is_some_and(|p| p.iter().any(|p| !p.is_object())) {
            counts.predictions_as_ids += 1;
        }
        if list("annotations").is_some_and(|a| a.iter().any(|a| !a.is_object())) {
            anyhow::bail!("{}: {at}: {IDS_ONLY}", file.display());
        }
        let results = match chosen_annotation(task) {
            Ok(results) => results,
            Err(Skip::Unannotated) => {
                counts.skipped_unannotated += 1;
                continue;
            }
            Err(Skip::Cancelled) => {
                counts.skipped_cancelled += 1;
                continue;
            }
            Err(Skip::Malformed(problem)) => {
                anyhow::bail!("{}: {at}: {problem}", file.display())
            }
        };
        counts.annotated += 1;
        let mentions = task_mentions(text, &doc_id, data, results)
            .map_err(|problem| anyhow::anyhow!("{}: {at}: {problem}", file.display()))?;
        write_mentions(&mut mentions_out, &mentions_path, &mentions)?;
        counts.mentions += mentions.len();
        counts.sentences += write_conll(&mut conll_out, text, &mentions)
            .with_context(|| format!("{}: cannot write", conll_path.display()))?;
    }
    if counts.tasks > 0 && counts.annotated == 0 {
        anyhow::bail!(
            "{}: no task has a human annotation ({}): annotate tasks in Label Studio and export \
             again (predictions are never imported as training data)",
            file.display(),
            counts.summary()
        );
    }
    mentions_out.commit()?;
    conll_out.commit()?;
    Ok(counts)
}

/// A task's `data`, its text and its doc_id (`data.doc_id`, else one made
/// from the task's id), which every mention and error of the task names.
/// A task without text cannot be imported: the whole import stops on it.
fn task_document<'t>(
    file: &Path,
    task: &'t Value,
    n: usize,
) -> anyhow::Result<(&'t Value, &'t str, String)> {
    let at = task_name(task, n);
    let data = task.get("data").with_context(|| {
        format!(
            "{}: {at} has no \"data\" (export as JSON, not JSON_MIN or CSV)",
            file.display()
        )
    })?;
    let text = data
        .get("text")
        .and_then(Value::as_str)
        .with_context(|| format!("{}: {at} has no data.text string", file.display()))?;
    let doc_id = match data.get("doc_id") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(x)) => x.to_string(),
        _ => format!(
            "label-studio-task-{}",
            task.get("id")
                .and_then(Value::as_i64)
                .unwrap_or(n as i64 + 1)
        ),
    };
    Ok((data, text, doc_id))
}

/// Appends a task's mentions to mentions.jsonl, one JSON object a line.
fn write_mentions(out: &mut AtomicFile, path: &Path, mentions: &[Mention]) -> anyhow::Result<()> {
    for m in mentions {
        serde_json::to_writer(&mut *out, m)
            .with_context(|| format!("{}: cannot write", path.display()))?;
        out.write_all(b"\n")
            .with_context(|| format!("{}: cannot write", path.display()))?;
    }
    Ok(())
}

fn task_name(task: &Value, n: usize) -> String {
    match task.get("id").and_then(Value::as_i64) {
        Some(id) => format!("task {id}"),
        None => format!("task #{} in the file", n + 1),
    }
}

/// The regions of the task's most recent non-cancelled annotation.
fn chosen_annotation(task: &Value) -> Result<&[Value], Skip> {
    let annotations = task
        .get("annotations")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    if annotations.is_empty() {
        return Err(Skip::Unannotated);
    }
    let id = |a: &Value| {
        a.get("id")
            .map_or_else(|| "?".to_string(), Value::to_string)
    };
    let mut live = Vec::new();
    for a in annotations {
        match a.get("was_cancelled") {
            None | Some(Value::Null) | Some(Value::Bool(false)) => live.push(a),
            Some(Value::Bool(true)) => {}
            Some(other) => {
                return Err(Skip::Malformed(format!(
                    "annotation {}: was_cancelled is {other}, not true or false",
                    id(a)
                )))
            }
        }
    }
    let annotation = live
        .into_iter()
        .max_by_key(|a| recency(a))
        .ok_or(Skip::Cancelled)?;
    let results = match annotation.get("result") {
        Some(Value::Array(results)) => results,
        other => {
            return Err(Skip::Malformed(format!(
                "annotation {}: result is {}, not a list of regions",
                id(annotation),
                other.map_or_else(|| "missing".to_string(), Value::to_string)
            )))
        }
    };
    match results
        .iter()
        .position(|r| !r.is_object() || r.get("value").is_some_and(|v| !v.is_object()))
    {
        Some(i) => Err(Skip::Malformed(format!(
            "annotation {}: region #{} is {}, not a region with a value object",
            id(annotation),
            i + 1,
            results[i]
        ))),
        None => Ok(results),
    }
}

fn task_mentions(
    text: &str,
    doc_id: &str,
    data: &Value,
    results: &[Value],
) -> Result<Vec<Mention>, String> {
    let chars: Vec<char> = text.chars().collect();
    let known = data.get("nerpipe_mentions");
    let mut spans: Vec<(usize, usize, Label, f64, String)> = Vec::new();
    let task_text = TaskText::new(text);
    for r in results {
        let Some(value) = r.get("value") else {
            continue;
        };
        // Other control types (choices, relations, text areas) carry no labels.
        let Some(labels) = value.get("labels").and_then(Value::as_array) else {
            continue;
        };
        let Some(name) = labels.first().and_then(Value::as_str) else {
            continue;
        };
        let rid = r.get("id").and_then(Value::as_str).unwrap_or("");
        let label = parse_label(name).ok_or_else(|| {
            format!("region {rid:?}: label {name:?} is not one of PERSON, ORGANISATION, PLACE, AMOUNT, MISC")
        })?;
        let offset = |k: &str| value.get(k).and_then(Value::as_u64).map(|v| v as usize);
        let (Some(start), Some(end)) = (offset("start"), offset("end")) else {
            return Err(format!("region {rid:?} has no start/end offsets"));
        };
        let region_text = value.get("text").and_then(Value::as_str);
        let (start, end) = resolve_offsets(&task_text, start, end, region_text).ok_or_else(|| {
            format!(
                "region {rid:?} at {start}..{end} ({region_text:?}) does not match the task text there \
                 (was the text changed?)"
            )
        })?;
        // Human annotations carry no score: they are taken as certain.
        let score = 1.0;
        // The run's entity is kept when the region is still the exported one.
        let entity = known
            .and_then(|k| k.get(rid))
            .filter(|k| k.get("label").and_then(Value::as_str) == Some(label.as_str()))
            .and_then(|k| k.get("entity_id"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        spans.push((start, end, label, score, entity));
    }
    spans.sort_by_key(|a| (a.0, a.1, a.2));
    spans.dedup_by(|a, b| (a.0, a.1, a.2) == (b.0, b.1, b.2));
    Ok(spans
        .into_iter()
        .enumerate()
        .map(|(i, (start, end, label, score, entity_id))| Mention {
            doc_id: doc_id.to_string(),
            mention_id: Mention::id_of(doc_id, i),
            entity_id,
            label,
            text: chars[start..end].iter().collect(),
            start,
            end,
            score: round_score(score as f32),
            source: "label-studio".into(),
            context: context(&chars, start, end),
            amount: None,
            label_votes: None,
            lemma: String::new(),
        })
        .collect())
}

/// Words for CoNLL: runs of letters and digits; every other non-space
/// character is a word of its own. Code-point spans.
pub fn tokenise(chars: &[char]) -> Vec<(usize, usize)> {
    let mut words = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_alphanumeric() {
            let s = i;
            // A decimal or grouping mark between digits stays inside the
            // number ("4.5", "70,000"), as in CoNLL-2003.
            let inside_number = |i: usize| {
                matches!(chars[i], '.' | ',')
                    && chars[i - 1].is_ascii_digit()
                    && chars.get(i + 1).is_some_and(char::is_ascii_digit)
            };
            while i < chars.len() && (chars[i].is_alphanumeric() || inside_number(i)) {
                i += 1;
            }
            words.push((s, i));
        } else {
            words.push((i, i + 1));
            i += 1;
        }
    }
    words
}

/// Writes one document as IOB2 `word TAG` lines, a blank line after each
/// sentence and `-DOCSTART-` before; returns the number of sentences.
fn write_conll(out: &mut impl Write, text: &str, mentions: &[Mention]) -> std::io::Result<usize> {
    let chars: Vec<char> = text.chars().collect();
    let words = tokenise(&chars);
    // A word belongs to the first mention (in start order) it overlaps.
    let spans: Vec<(usize, usize, &str)> = mentions
        .iter()
        .filter_map(|m| conll_type(m.label).map(|t| (m.start, m.end, t)))
        .collect();
    // The first mention covering each character: a word's mention is then
    // found among its own characters, not by scanning every mention.
    let mut cover: Vec<Option<usize>> = vec![None; chars.len()];
    for (k, &(s, e, _)) in spans.iter().enumerate() {
        for slot in cover.iter_mut().take(e).skip(s) {
            slot.get_or_insert(k);
        }
    }
    let mut tags: Vec<String> = Vec::with_capacity(words.len());
    let mut previous: Option<usize> = None;
    for &(ws, we) in &words {
        let hit = cover[ws..we].iter().flatten().min().copied();
        tags.push(match hit {
            Some(k) if previous == Some(k) => format!("I-{}", spans[k].2),
            Some(k) => format!("B-{}", spans[k].2),
            None => "O".into(),
        });
        previous = hit;
    }
    out.write_all(b"-DOCSTART- O\n\n")?;
    let mut sentences = 0;
    let mut open = false;
    for (i, &(ws, we)) in words.iter().enumerate() {
        let word: String = chars[ws..we].iter().collect();
        writeln!(out, "{word} {}", tags[i])?;
        open = true;
        let next_inside = tags.get(i + 1).is_some_and(|t| t.starts_with("I-"));
        // A sentence ends at . ! ? followed by a space (or the end), and at
        // line breaks.
        let gap = words.get(i + 1).map_or(&[][..], |&(ns, _)| &chars[we..ns]);
        let ends = (matches!(word.as_str(), "." | "!" | "?")
            && (i + 1 == words.len() || !gap.is_empty()))
            || gap.contains(&'\n');
        if ends && !next_inside {
            out.write_all(b"\n")?;
            sentences += 1;
            open = false;
        }
    }
    if open {
        out.write_all(b"\n")?;
        sentences += 1;
    }
    Ok(sentences)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_offsets_are_converted() {
        let text = "💩 Šarić left";
        // Code points: Šarić = 2..7; UTF-16 units: 3..8.
        let text = TaskText::new(text);
        assert_eq!(resolve_offsets(&text, 2, 7, Some("Šarić")), Some((2, 7)));
        assert_eq!(resolve_offsets(&text, 3, 8, Some("Šarić")), Some((2, 7)));
        assert_eq!(resolve_offsets(&text, 4, 9, Some("Šarić")), None);
        assert_eq!(resolve_offsets(&text, 1, 2, Some("💩")), None);
        assert_eq!(resolve_offsets(&text, 0, 1, Some("💩")), Some((0, 1)));
        assert_eq!(resolve_offsets(&text, 0, 2, Some("💩")), Some((0, 1)));
    }

    #[test]
    fn tokens_split_on_space_and_punctuation() {
        let chars: Vec<char> = "Šarić's port,\u{a0}70 000 €4.5 1,200.".chars().collect();
        let words: Vec<String> = tokenise(&chars)
            .iter()
            .map(|&(s, e)| chars[s..e].iter().collect())
            .collect();
        assert_eq!(
            words,
            ["Šarić", "'", "s", "port", ",", "70", "000", "€", "4.5", "1,200", "."]
        );
    }

    #[test]
    fn labels_map_back() {
        assert_eq!(parse_label("PER"), Some(Label::Person));
        assert_eq!(parse_label("Organisation"), Some(Label::Organisation));
        assert_eq!(parse_label("FOO"), None);
        assert_eq!(conll_type(Label::Place), Some("LOC"));
        assert_eq!(conll_type(Label::Amount), None);
    }
}
