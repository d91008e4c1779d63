//! Where a model folder is found, so that nerpipe runs from any folder and
//! from an installed copy (README "Models").
//!
//! The model is `--model` as given, else `NERPIPE_MODEL`, else the default
//! model's name. A value with a path separator, starting with `.`, or naming
//! an existing folder is a folder; any other value is a model's name,
//! searched for in order in:
//! 1. `NERPIPE_MODELS`: folders separated by `:`;
//! 2. the installed share folder: `PREFIX/share/nerpipe/models` for a binary
//!    at `PREFIX/bin/nerpipe` (`make install`);
//! 3. the `models/` folder of the checkout the binary was built in (a
//!    binary under `CHECKOUT/target/`), or of the working folder when that
//!    is a checkout.
//!
//! A name is found in a folder when `FOLDER/NAME/config.json` exists.

use super::{model_error, ModelError};
use std::path::{Path, PathBuf};

/// The model used when neither `--model` nor `NERPIPE_MODEL` names one.
pub const DEFAULT_MODEL_NAME: &str = "multilingual-e5-small-ner";

/// What the lookup reads from the process; tests make their own.
#[derive(Debug, Clone, Default)]
pub struct SearchContext {
    /// `NERPIPE_MODEL`.
    pub model: Option<String>,
    /// `NERPIPE_MODELS`.
    pub models: Option<String>,
    /// The running binary.
    pub exe: Option<PathBuf>,
    /// The working folder.
    pub cwd: Option<PathBuf>,
}

/// Where a search folder comes from, for listings and errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    EnvList,
    Installed,
    Checkout,
}

impl Origin {
    pub fn describe(self) -> &'static str {
        match self {
            Origin::EnvList => "NERPIPE_MODELS",
            Origin::Installed => "installed",
            Origin::Checkout => "checkout",
        }
    }
}

impl SearchContext {
    /// The process's variables, binary and working folder.
    pub fn of_process() -> SearchContext {
        SearchContext::with_env(|key| std::env::var(key).ok())
    }

    /// `env` gives the variables; the binary and working folder are the
    /// process's.
    pub fn with_env(env: impl Fn(&str) -> Option<String>) -> SearchContext {
        let var = |key: &str| env(key).filter(|v| !v.is_empty());
        SearchContext {
            model: var("NERPIPE_MODEL"),
            models: var("NERPIPE_MODELS"),
            exe: std::env::current_exe().ok(),
            cwd: std::env::current_dir().ok(),
        }
    }

    /// The folders a model's name is searched in, in order, without repeats.
    pub fn search_folders(&self) -> Vec<(PathBuf, Origin)> {
        let mut out: Vec<(PathBuf, Origin)> = Vec::new();
        if let Some(list) = &self.models {
            for folder in std::env::split_paths(list).filter(|p| !p.as_os_str().is_empty()) {
                out.push((folder, Origin::EnvList));
            }
        }
        let bin = self.exe.as_deref().and_then(Path::parent);
        if let Some(prefix) = bin
            .filter(|b| b.file_name().is_some_and(|n| n == "bin"))
            .and_then(Path::parent)
        {
            out.push((prefix.join("share/nerpipe/models"), Origin::Installed));
        }
        let built_in = bin.and_then(|b| b.ancestors().take(4).find(|d| is_checkout(d)));
        let working = self.cwd.as_deref().filter(|d| is_checkout(d));
        for checkout in [built_in, working].into_iter().flatten() {
            out.push((checkout.join("models"), Origin::Checkout));
        }
        let mut seen: Vec<PathBuf> = Vec::new();
        out.retain(|(folder, _)| {
            let key = folder.canonicalize().unwrap_or_else(|_| folder.clone());
            let new = !seen.contains(&key);
            seen.push(key);
            new
        });
        out
    }

    /// Every model folder in the search folders: (name, folder, origin), the
    /// first of each name only.
    pub fn models(&self) -> Vec<(String, PathBuf, Origin)> {
        let mut out: Vec<(String, PathBuf, Origin)> = Vec::new();
        for (folder, origin) in self.search_folders() {
            let Ok(entries) = std::fs::read_dir(&folder) else {
                continue;
            };
            let mut found: Vec<(String, PathBuf)> = entries
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.join("config.json").is_file())
                .filter_map(|p| Some((p.file_name()?.to_string_lossy().into_owned(), p)))
                .collect();
            found.sort();
            for (name, dir) in found {
                if !out.iter().any(|(n, _, _)| *n == name) {
                    out.push((name, dir, origin));
                }
            }
        }
        out
    }
}

/// What `nerpipe models` shows of a model folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelSummary {
    /// `nerpipe.languages` of its config.json (ISO 639-1), empty when the
    /// config does not say.
    pub languages: Vec<String>,
    /// The output labels it gives (`nerpipe.label_map`'s values, else its
    /// tags' entity types).
    pub labels: Vec<String>,
    /// Bytes of its files.
    pub bytes: u64,
    /// sha256 of its weights (`model.safetensors.sha256`), if written.
    pub weights_sha256: Option<String>,
}

impl ModelSummary {
    /// Reads `dir`'s config.json and file sizes; `None` if the config is not
    /// JSON.
    pub fn read(dir: &Path) -> Option<ModelSummary> {
        let config: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("config.json")).ok()?).ok()?;
        let section = &config["nerpipe"];
        let strings = |v: &serde_json::Value| -> Vec<String> {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| Some(x.as_str()?.to_string()))
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut labels: Vec<String> = match section["label_map"].as_object() {
            Some(map) => map
                .values()
                .filter_map(|v| Some(v.as_str()?.to_string()))
                .collect(),
            None => config["id2label"]
                .as_object()
                .map(|m| {
                    m.values()
                        .filter_map(|t| {
                            t.as_str()?
                                .split_once('-')
                                .map(|(_, kind)| kind.to_string())
                        })
                        .collect()
                })
                .unwrap_or_default(),
        };
        labels.sort();
        labels.dedup();
        let bytes = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok()?.metadata().ok())
                    .filter(|m| m.is_file())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0);
        let weights_sha256 = std::fs::read_to_string(dir.join("model.safetensors.sha256"))
            .ok()
            .and_then(|t| t.split_whitespace().next().map(str::to_string));
        Some(ModelSummary {
            languages: strings(&section["languages"]),
            labels,
            bytes,
            weights_sha256,
        })
    }
}

/// `nerpipe --version`'s text: the version, and the default model (as the
/// lookup finds it now) with its weights' sha256.
pub fn version_text(ctx: &SearchContext) -> String {
    let model = match locate(None, ctx) {
        Ok(dir) => {
            let sha = ModelSummary::read(&dir)
                .and_then(|s| s.weights_sha256)
                .unwrap_or_else(|| "unknown (no model.safetensors.sha256)".into());
            let name = dir.file_name().map_or_else(
                || dir.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            format!(
                "default model: {name}\nweights sha256: {sha}\nfound in: {}",
                dir.display()
            )
        }
        Err(e) => format!("default model: {e}"),
    };
    format!("{}\n{model}", env!("CARGO_PKG_VERSION"))
}

/// A nerpipe source checkout: its Cargo.toml names the package and it has
/// a `models/` folder.
fn is_checkout(dir: &Path) -> bool {
    dir.join("models").is_dir()
        && std::fs::read_to_string(dir.join("Cargo.toml"))
            .is_ok_and(|t| t.lines().any(|l| l.trim() == "name = \"nerpipe\""))
}

/// Whether `--model`'s value is a folder rather than a model's name.
fn is_folder(given: &str, ctx: &SearchContext) -> bool {
    given.contains('/')
        || given.contains(std::path::MAIN_SEPARATOR)
        || given.starts_with('.')
        || ctx
            .cwd
            .as_deref()
            .is_some_and(|cwd| cwd.join(given).is_dir())
}

/// The model folder to load: `flag` (`--model`), else `NERPIPE_MODEL`, else
/// [`DEFAULT_MODEL_NAME`]; a name is searched for as the module says. An
/// error says what was looked for and lists where.
pub fn locate(flag: Option<&Path>, ctx: &SearchContext) -> Result<PathBuf, ModelError> {
    let flag = flag.map(|f| f.to_string_lossy().into_owned());
    let (given, source) = match (flag, &ctx.model) {
        (Some(f), _) => (f, "--model"),
        (None, Some(m)) => (m.clone(), "NERPIPE_MODEL"),
        (None, None) => (DEFAULT_MODEL_NAME.to_string(), "the default model"),
    };
    if is_folder(&given, ctx) {
        let dir = PathBuf::from(&given);
        if !dir.is_dir() {
            return Err(model_error(
                &dir,
                format!(
                    "model folder not found (from {source}); give an existing folder, or a model's name: `nerpipe models` lists those it finds"
                ),
            ));
        }
        return Ok(dir);
    }
    let folders = ctx.search_folders();
    if let Some(dir) = folders
        .iter()
        .map(|(folder, _)| folder.join(&given))
        .find(|dir| dir.join("config.json").is_file())
    {
        return Ok(dir);
    }
    let places: Vec<String> = folders
        .iter()
        .map(|(folder, origin)| format!("{} ({})", folder.display(), origin.describe()))
        .collect();
    let places = if places.is_empty() {
        "nowhere: NERPIPE_MODELS is not set, and the binary is neither installed nor in a checkout"
            .to_string()
    } else {
        places.join(", ")
    };
    Err(model_error(
        Path::new(&given),
        format!(
            "model not found (from {source}); looked in {places}; give --model FOLDER, set NERPIPE_MODEL or NERPIPE_MODELS, or install the models with `make install`"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model folder `root/folder/name` (config.json only).
    fn model(root: &Path, folder: &str, name: &str) -> PathBuf {
        let dir = root.join(folder).join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config.json"), "{}").unwrap();
        dir
    }

    /// A checkout at `root/src-tree` with a built binary, and an installed
    /// binary at `root/prefix/bin`.
    fn layout(root: &Path) -> (PathBuf, PathBuf) {
        let checkout = root.join("src-tree");
        std::fs::create_dir_all(checkout.join("target/release")).unwrap();
        std::fs::write(
            checkout.join("Cargo.toml"),
            "[package]\nname = \"nerpipe\"\n",
        )
        .unwrap();
        model(&checkout, "models", DEFAULT_MODEL_NAME);
        std::fs::create_dir_all(root.join("prefix/bin")).unwrap();
        (
            checkout.join("target/release/nerpipe"),
            root.join("prefix/bin/nerpipe"),
        )
    }

    fn ctx(exe: &Path, cwd: &Path) -> SearchContext {
        SearchContext {
            model: None,
            models: None,
            exe: Some(exe.to_path_buf()),
            cwd: Some(cwd.to_path_buf()),
        }
    }

    #[test]
    fn the_flag_wins_as_a_folder_or_a_name() {
        let tmp = tempfile::tempdir().unwrap();
        let (built, _) = layout(tmp.path());
        let other = model(tmp.path(), "elsewhere", "mine");
        let mut c = ctx(&built, tmp.path());
        c.model = Some("ignored-name".into());
        assert_eq!(locate(Some(&other), &c).unwrap(), other);
        let named = locate(Some(Path::new(DEFAULT_MODEL_NAME)), &c).unwrap();
        assert_eq!(
            named,
            tmp.path().join("src-tree/models").join(DEFAULT_MODEL_NAME)
        );
        let missing = locate(Some(&tmp.path().join("nope")), &c).unwrap_err();
        assert!(missing
            .problem
            .starts_with("model folder not found (from --model)"));
    }

    #[test]
    fn nerpipe_model_then_nerpipe_models_then_installed_then_checkout() {
        let tmp = tempfile::tempdir().unwrap();
        let (built, installed) = layout(tmp.path());
        let listed = model(tmp.path(), "list", DEFAULT_MODEL_NAME);
        let shared = model(
            tmp.path(),
            "prefix/share/nerpipe/models",
            DEFAULT_MODEL_NAME,
        );
        let checkout = tmp.path().join("src-tree/models").join(DEFAULT_MODEL_NAME);

        // NERPIPE_MODEL, a folder.
        let mut c = ctx(&installed, tmp.path());
        c.model = Some(listed.to_string_lossy().into_owned());
        assert_eq!(locate(None, &c).unwrap(), listed);
        // NERPIPE_MODELS before the installed copy.
        let mut c = ctx(&installed, tmp.path());
        c.models = Some(format!(
            "{}:{}",
            tmp.path().join("empty").display(),
            tmp.path().join("list").display()
        ));
        assert_eq!(locate(None, &c).unwrap(), listed);
        // Installed.
        assert_eq!(locate(None, &ctx(&installed, tmp.path())).unwrap(), shared);
        // The checkout the binary was built in, from any working folder.
        assert_eq!(locate(None, &ctx(&built, tmp.path())).unwrap(), checkout);
        // The working folder's checkout, for a binary elsewhere.
        let loose = tmp.path().join("loose/nerpipe");
        let from_checkout = ctx(&loose, &tmp.path().join("src-tree"));
        assert_eq!(locate(None, &from_checkout).unwrap(), checkout);
        // NERPIPE_MODEL as a name.
        let mut c = ctx(&installed, tmp.path());
        c.model = Some(DEFAULT_MODEL_NAME.into());
        assert_eq!(locate(None, &c).unwrap(), shared);
    }

    #[test]
    fn a_name_not_found_lists_where_it_looked() {
        let tmp = tempfile::tempdir().unwrap();
        let (_, installed) = layout(tmp.path());
        let mut c = ctx(&installed, tmp.path());
        c.models = Some(tmp.path().join("list").to_string_lossy().into_owned());
        let err = locate(Some(Path::new("no-such-model")), &c).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "no-such-model: model not found (from --model); looked in {} (NERPIPE_MODELS), {} (installed); give --model FOLDER, set NERPIPE_MODEL or NERPIPE_MODELS, or install the models with `make install`",
                tmp.path().join("list").display(),
                tmp.path().join("prefix/share/nerpipe/models").display()
            )
        );
        let bare = SearchContext {
            exe: Some(tmp.path().join("loose/nerpipe")),
            cwd: Some(tmp.path().to_path_buf()),
            ..SearchContext::default()
        };
        assert_eq!(
            locate(None, &bare).unwrap_err().to_string(),
            "multilingual-e5-small-ner: model not found (from the default model); looked in nowhere: NERPIPE_MODELS is not set, and the binary is neither installed nor in a checkout; give --model FOLDER, set NERPIPE_MODEL or NERPIPE_MODELS, or install the models with `make install`"
        );
    }

    #[test]
    fn models_lists_each_name_once_first_place_first() {
        let tmp = tempfile::tempdir().unwrap();
        let (_, installed) = layout(tmp.path());
        model(tmp.path(), "list", "extra");
        let shared = model(
            tmp.path(),
            "prefix/share/nerpipe/models",
            DEFAULT_MODEL_NAME,
        );
        let mut c = ctx(&installed, &tmp.path().join("src-tree"));
        c.models = Some(tmp.path().join("list").to_string_lossy().into_owned());
        let found: Vec<(String, PathBuf, Origin)> = c.models();
        assert_eq!(
            found,
            [
                (
                    "extra".to_string(),
                    tmp.path().join("list/extra"),
                    Origin::EnvList
                ),
                (DEFAULT_MODEL_NAME.to_string(), shared, Origin::Installed),
            ]
        );
    }
}
