//! run.json: what a run did, with which model and options, and how fast.

use super::counts::Counts;
use super::plan::RunPlan;
use super::store::{Manifest, ShardStore};
use super::RunSummary;
use crate::atomic::write_atomic;
use crate::ingest::shard::Shard;
use anyhow::Context;
use serde_json::json;
use std::path::Path;

/// Top-level run.json of a merged sharded run: shard 0's options and model,
/// the merged counts.
pub fn write_merged_run_json(
    out: &Path,
    shards: usize,
    counts: &Counts,
    seconds: f64,
) -> anyhow::Result<()> {
    let shard0 = ShardStore::dir_of(out, Shard::new(0, shards)?).join("run.json");
    let text = std::fs::read_to_string(&shard0)
        .with_context(|| format!("{}: cannot read", shard0.display()))?;
    let mut run: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{}: not valid JSON", shard0.display()))?;
    run["options"]["shard"] = serde_json::Value::Null;
    run["options"]["out"] = json!(out);
    run["counts"] = json!({
        "documents_ok": counts.documents_ok,
        "documents_failed": counts.documents_failed,
        "mentions": counts.mentions,
        "mentions_per_label": counts.mentions_per_label,
        "entities": counts.entities,
        "shards": shards,
    });
    run["timings"] = json!({ "merge_seconds": seconds });
    write_atomic(
        &out.join("run.json"),
        serde_json::to_string_pretty(&run)?.as_bytes(),
    )
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
        "inference": {
            "engine": args.inference.engine,
            "precision": plan.precision,
            "precision_reason": plan.precision_reason,
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
