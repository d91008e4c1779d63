//! Sharding: one run among many, as schedulers start them. Documents go to
//! shards by a stable hash of their doc_id, so every shard agrees without
//! talking to the others, and `nerpipe merge` puts the results back together.

use anyhow::{bail, Context};
use sha2::{Digest, Sha256};

/// Shard `index` of `count` (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// The whole corpus in one shard.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Whether this is the whole corpus (an unsharded run).
    pub fn is_whole(&self) -> bool {
        self.count == 1
    }

    /// Parses `i/N`.
    pub fn parse(text: &str) -> anyhow::Result<Shard> {
        let (i, n) = text
            .split_once('/')
            .with_context(|| format!("--shard {text:?}: expected INDEX/COUNT, e.g. 0/4"))?;
        let index: usize = i
            .trim()
            .parse()
            .with_context(|| format!("--shard {text:?}: bad index"))?;
        let count: usize = n
            .trim()
            .parse()
            .with_context(|| format!("--shard {text:?}: bad count"))?;
        Shard::new(index, count).with_context(|| format!("--shard {text:?}"))
    }

    pub fn new(index: usize, count: usize) -> anyhow::Result<Shard> {
        if count == 0 || index >= count {
            bail!("shard index {index} is not in 0..{count}");
        }
        Ok(Shard { index, count })
    }

    /// The shard a scheduler asked for through its environment, if any:
    /// Kubernetes Indexed Jobs (`JOB_COMPLETION_INDEX`), Slurm job arrays
    /// (`SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_MIN`, `SLURM_ARRAY_TASK_COUNT`)
    /// and AWS Batch array jobs (`AWS_BATCH_JOB_ARRAY_INDEX`). Kubernetes and
    /// AWS do not publish the count: it comes from `count` (`--shard-count`).
    pub fn from_env(
        env: impl Fn(&str) -> Option<String>,
        count: Option<usize>,
    ) -> anyhow::Result<Option<Shard>> {
        let number = |name: &str| -> anyhow::Result<Option<usize>> {
            match env(name) {
                None => Ok(None),
                Some(v) => v
                    .trim()
                    .parse()
                    .map(Some)
                    .with_context(|| format!("{name}={v:?} is not a number")),
            }
        };
        let need_count = |name: &str| {
            count.with_context(|| {
                format!("{name} is set but the number of shards is unknown: pass --shard-count N")
            })
        };
        if let Some(i) = number("JOB_COMPLETION_INDEX")? {
            return Shard::new(i, need_count("JOB_COMPLETION_INDEX")?).map(Some);
        }
        if let Some(id) = number("SLURM_ARRAY_TASK_ID")? {
            let min = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            let n = match count {
                Some(n) => n,
                None => number("SLURM_ARRAY_TASK_COUNT")?.with_context(|| {
                    "SLURM_ARRAY_TASK_ID is set without SLURM_ARRAY_TASK_COUNT: pass --shard-count N"
                })?,
            };
            let index = id
                .checked_sub(min)
                .context("SLURM_ARRAY_TASK_ID is below SLURM_ARRAY_TASK_MIN")?;
            return Shard::new(index, n).map(Some);
        }
        if let Some(i) = number("AWS_BATCH_JOB_ARRAY_INDEX")? {
            return Shard::new(i, need_count("AWS_BATCH_JOB_ARRAY_INDEX")?).map(Some);
        }
        Ok(None)
    }

    /// The shard a run processes: `--shard I/N` (`flag`) if given, else the
    /// scheduler's environment ([`Shard::from_env`], with `--shard-count` as
    /// `count`), else the whole corpus.
    pub fn of_run(
        flag: Option<&str>,
        count: Option<usize>,
        env: impl Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Shard> {
        match flag {
            Some(s) => Shard::parse(s),
            None => Ok(Shard::from_env(env, count)?.unwrap_or(Shard::WHOLE)),
        }
    }

    /// Whether this shard processes the document `doc_id`.
    pub fn owns(&self, doc_id: &str) -> bool {
        self.count <= 1 || bucket(doc_id, self.count) == self.index
    }

    /// Folder name under `<out>/shards/`.
    pub fn dir_name(&self) -> String {
        format!("{}-of-{}", self.index, self.count)
    }
}

/// Stable across machines, runs and nerpipe versions: sha256, not Rust's hasher.
fn bucket(doc_id: &str, count: usize) -> usize {
    let digest = Sha256::digest(doc_id.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(first) % count as u64) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const PINNED_BUCKET: usize = 811;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn parses_and_checks() {
        assert_eq!(Shard::parse("2/3").unwrap(), Shard { index: 2, count: 3 });
        assert!(Shard::parse("3/3")
            .unwrap_err()
            .to_string()
            .contains("--shard \"3/3\""));
        assert!(Shard::parse("x").is_err());
    }

    #[test]
    fn scheduler_environments() {
        let k8s = env(&[("JOB_COMPLETION_INDEX", "4")]);
        assert_eq!(
            Shard::from_env(&k8s, Some(8)).unwrap(),
            Some(Shard { index: 4, count: 8 })
        );
        let err = Shard::from_env(&k8s, None).unwrap_err().to_string();
        assert!(err.contains("--shard-count"), "{err}");
        let slurm = env(&[
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "5"),
        ]);
        assert_eq!(
            Shard::from_env(&slurm, None).unwrap(),
            Some(Shard { index: 2, count: 5 })
        );
        let aws = env(&[("AWS_BATCH_JOB_ARRAY_INDEX", "0")]);
        assert_eq!(
            Shard::from_env(&aws, Some(2)).unwrap(),
            Some(Shard { index: 0, count: 2 })
        );
        assert_eq!(Shard::from_env(env(&[]), Some(2)).unwrap(), None);
    }

    /// A Kubernetes Indexed Job's pod (`JOB_COMPLETION_INDEX` with
    /// `--shard-count N`) is the same shard as `--shard I/N`, and owns the
    /// same documents; so is the Slurm array task with the same offset.
    #[test]
    fn kubernetes_index_with_count_equals_the_shard_flag() {
        let docs: Vec<String> = (0..500).map(|i| format!("doc-{i}.txt")).collect();
        for count in [1, 2, 3, 8, 16] {
            for index in 0..count {
                let flag =
                    Shard::of_run(Some(&format!("{index}/{count}")), None, env(&[])).unwrap();
                let index_text = index.to_string();
                let k8s = env(&[("JOB_COMPLETION_INDEX", index_text.as_str())]);
                let pod = Shard::of_run(None, Some(count), &k8s).unwrap();
                assert_eq!(pod, flag);
                assert_eq!(pod, Shard { index, count });
                let task_id = (index + 5).to_string();
                let count_text = count.to_string();
                let slurm = env(&[
                    ("SLURM_ARRAY_TASK_ID", task_id.as_str()),
                    ("SLURM_ARRAY_TASK_MIN", "5"),
                    ("SLURM_ARRAY_TASK_COUNT", count_text.as_str()),
                ]);
                assert_eq!(Shard::of_run(None, None, &slurm).unwrap(), flag);
                let owned = |s: Shard| {
                    docs.iter()
                        .filter(|d| s.owns(d))
                        .cloned()
                        .collect::<Vec<_>>()
                };
                assert_eq!(owned(pod), owned(flag));
            }
        }
        // The flag wins over the environment; without either, the whole corpus.
        let k8s = env(&[("JOB_COMPLETION_INDEX", "1")]);
        assert_eq!(
            Shard::of_run(Some("0/2"), Some(2), &k8s).unwrap(),
            Shard { index: 0, count: 2 }
        );
        assert_eq!(Shard::of_run(None, None, env(&[])).unwrap(), Shard::WHOLE);
        // An index past the count is refused, as --shard 8/8 is.
        let k8s = env(&[("JOB_COMPLETION_INDEX", "8")]);
        assert!(Shard::of_run(None, Some(8), &k8s).is_err());
        assert!(Shard::of_run(Some("8/8"), None, env(&[])).is_err());
    }

    #[test]
    fn every_document_has_exactly_one_shard() {
        for id in ["a.txt", "balkans/bar.txt", "brief-001", "Šarić.md"] {
            let owners = (0..3)
                .filter(|&i| Shard { index: i, count: 3 }.owns(id))
                .count();
            assert_eq!(owners, 1, "{id}");
        }
        // Pinned: a change here would send documents to other shards than
        // earlier versions did, breaking resume and merge of mixed versions.
        assert_eq!(bucket("brief-001", 1000), PINNED_BUCKET);
    }
}
