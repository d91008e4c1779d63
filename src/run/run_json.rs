//! run.json: what a run did, with which model and options, and how fast.

use super::merge::MergeSummary;
use super::plan::RunPlan;
use super::store::{Manifest, ShardStore};
use super::RunSummary;
use crate::atomic::write_atomic;
use crate::ingest::shard::Shard;
use crate::resolve::decisions::{DecisionsFile, DecisionsOutcome};
use anyhow::Context;
use serde_json::json;
use std::path::Path;

/// Top-level run.json of a merged sharded run: shard 0's options and model,
/// the merged counts and decisions.
pub fn write_merged_run_json(
    out: &Path,
    merged: &MergeSummary,
    decisions: Option<&DecisionsFile>,
    seconds: f64,
) -> anyhow::Result<()> {
    let shard0 = ShardStore::dir_of(out, Shard::new(0, merged.shards)?).join("run.json");
    let mut run = read_json(&shard0)?;
    run["options"]["shard"] = serde_json::Value::Null;
    run["options"]["out"] = json!(out);
    let counts = &merged.counts;
    run["counts"] = json!({
        "documents_ok": counts.documents_ok,
        "documents_failed": counts.documents_failed,
        "mentions": counts.mentions,
        "mentions_per_label": counts.mentions_per_label,
        "entities": counts.entities,
        "shards": merged.shards,
    });
    run["decisions"] = decisions_json(decisions, merged.decisions.as_ref());
    run["timings"] = json!({ "merge_seconds": seconds });
    write_atomic(
        &out.join("run.json"),
        serde_json::to_string_pretty(&run)?.as_bytes(),
    )
}

/// run.json of a finished unsharded run merged again under other
/// decisions: the counts the merge changes, and the decisions.
pub fn update_run_json(
    out: &Path,
    decisions: Option<&DecisionsFile>,
    merged: &MergeSummary,
) -> anyhow::Result<()> {
    let path = out.join("run.json");
    let mut run = read_json(&path)?;
    let counts = &merged.counts;
    for (name, value) in [
        ("mentions", json!(counts.mentions)),
        ("mentions_per_label", json!(counts.mentions_per_label)),
        ("entities", json!(counts.entities)),
    ] {
        run["counts"][name] = value;
    }
    run["decisions"] = decisions_json(decisions, merged.decisions.as_ref());
    write_atomic(&path, serde_json::to_string_pretty(&run)?.as_bytes())
}

fn read_json(path: &Path) -> anyhow::Result<serde_json::Value> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{}: not valid JSON", path.display()))
}

/// run.json's `decisions`: the file, its sha256 and what it did; null
/// without `--decisions`.
fn decisions_json(
    file: Option<&DecisionsFile>,
    outcome: Option<&DecisionsOutcome>,
) -> serde_json::Value {
    match (file, outcome) {
        (Some(file), Some(outcome)) => json!({
            "file": file.path,
            "sha256": file.sha256,
            "rows": outcome.rows,
            "applied": outcome.applied,
            "rejected_mentions": outcome.rejected_mentions,
            "orphaned": outcome.orphaned,
        }),
        _ => serde_json::Value::Null,
    }
}

/// run.json of an unsharded run or of one shard, in `dir`.
pub(super) fn write_run_json(
    dir: &Path,
    plan: &RunPlan,
    manifest: &Manifest,
    summary: &RunSummary,
) -> anyhow::Result<()> {
    let args = &plan.args;
    let counts = &summary.counts;
    let int8_bits = (plan.precision == crate::model::Precision::Int8)
        .then(crate::model::Int8Bits::for_this_cpu);
    let run = json!({
        "nerpipe_version": env!("CARGO_PKG_VERSION"),
        "model": {
            "name": manifest.model,
            "path": plan.model,
            "weights_sha256": manifest.model_sha256,
            // `--model-for`: the models that read documents of one language.
            "by_language": manifest.options["model_for"],
        },
        "options": args,
        "counts": {
            "documents_ok": counts.documents_ok,
            "documents_failed": counts.documents_failed,
            "documents_resumed": summary.documents_resumed,
            "mentions": counts.mentions,
            "mentions_per_label": counts.mentions_per_label,
            "entities": counts.entities,
            "tokens": summary.tokens,
            "model_tokens": summary.model_tokens,
            "model_mentions": counts.model_mentions,
            "skipped": summary.skipped,
        },
        "decisions": decisions_json(plan.decisions.as_ref(), summary.decisions.as_ref()),
        "inference": {
            "engine": args.inference.engine,
            "precision": plan.precision,
            "precision_reason": plan.precision_reason,
            // Weights get 7 bits where fbgemm has no VNNI kernels, so that
            // its 16-bit sums cannot saturate; both null unless int8 ran.
            "int8_activation_bits": int8_bits.map(|b| b.activations),
            "int8_weight_bits": int8_bits.map(|b| b.weights),
            "read_cyrillic": args.inference.read_cyrillic,
        },
        "timings": {
            "seconds": summary.seconds,
            "tokens_per_second": summary.tokens_per_second,
            "peak_rss_mib": peak_rss_mib(),
        },
    });
    write_atomic(
        &dir.join("run.json"),
        serde_json::to_string_pretty(&run)?.as_bytes(),
    )
}

/// This process's peak resident memory (VmHWM), where /proc tells it.
pub fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
