//! A broken model folder gives one clear line naming the file, and exit code 2.

mod common;

use common::*;
use std::path::Path;

/// A copy of the default model (weights linked, not copied) to break.
fn model_copy(dir: &Path) {
    let model = default_model();
    for file in ["config.json", "tokenizer.json", "model.safetensors"] {
        #[cfg(unix)]
        std::os::unix::fs::symlink(model.join(file), dir.join(file)).unwrap();
    }
}

fn run_with_model(model: &Path) -> (i32, String) {
    run_with_model_args(model, &[])
}

/// `nerpipe run` of a one-line corpus with `model` and `args` added: its
/// exit code and stderr.
fn run_with_model_args(model: &Path, args: &[&str]) -> (i32, String) {
    let out = tempfile::tempdir().unwrap();
    let output = run_one_line(model, args, out.path());
    let stderr = String::from_utf8_lossy(&output.stderr)
        .trim_end()
        .to_string();
    (output.status.code().unwrap_or(-1), stderr)
}

/// `nerpipe run` of a one-line corpus into `out`.
fn run_one_line(model: &Path, args: &[&str], out: &Path) -> std::process::Output {
    let corpus = tempfile::tempdir().unwrap();
    std::fs::write(corpus.path().join("a.txt"), "Police in Bar.\n").unwrap();
    let fixed = [
        "run",
        "--corpus",
        corpus.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
    ];
    nerpipe(&[&fixed[..], args].concat())
}

fn replace(dir: &Path, file: &str, content: &[u8]) {
    std::fs::remove_file(dir.join(file)).unwrap();
    std::fs::write(dir.join(file), content).unwrap();
}

fn assert_one_line(stderr: &str, expected: &str) {
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("nerpipe: error: "), "{stderr}");
    assert!(
        stderr.contains(expected),
        "expected {expected:?} in {stderr:?}"
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{stderr}"
    );
}

#[test]
fn missing_model_folder() {
    let (code, stderr) = run_with_model(Path::new("/nonexistent/model"));
    assert_eq!(code, 2);
    assert_one_line(&stderr, "/nonexistent/model: model folder not found");
}

#[test]
fn missing_weights() {
    let dir = tempfile::tempdir().unwrap();
    model_copy(dir.path());
    std::fs::remove_file(dir.path().join("model.safetensors")).unwrap();
    let (code, stderr) = run_with_model(dir.path());
    assert_eq!(code, 2);
    assert_one_line(&stderr, "model.safetensors: missing weights file");
}

#[test]
fn corrupt_weights() {
    let dir = tempfile::tempdir().unwrap();
    model_copy(dir.path());
    replace(
        dir.path(),
        "model.safetensors",
        b"\x10\x00\x00\x00\x00\x00\x00\x00{not json at all",
    );
    let (code, stderr) = run_with_model(dir.path());
    assert_eq!(code, 2);
    assert_one_line(&stderr, "model.safetensors: corrupt safetensors file");
}

#[test]
fn corrupt_config_and_tokenizer() {
    let dir = tempfile::tempdir().unwrap();
    model_copy(dir.path());
    replace(dir.path(), "config.json", b"{\"hidden_size\": ");
    let (code, stderr) = run_with_model(dir.path());
    assert_eq!(code, 2);
    assert_one_line(&stderr, "config.json: not a valid JSON config");

    let dir = tempfile::tempdir().unwrap();
    model_copy(dir.path());
    replace(dir.path(), "tokenizer.json", b"{}");
    let (code, stderr) = run_with_model(dir.path());
    assert_eq!(code, 2);
    assert_one_line(&stderr, "tokenizer.json: not a valid tokenizers file");
}

#[test]
fn unmappable_labels() {
    let dir = tempfile::tempdir().unwrap();
    model_copy(dir.path());
    let config = std::fs::read_to_string(default_model().join("config.json")).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&config).unwrap();
    json["nerpipe"]["label_map"]
        .as_object_mut()
        .unwrap()
        .remove("ORG");
    replace(dir.path(), "config.json", json.to_string().as_bytes());
    let (code, stderr) = run_with_model(dir.path());
    assert_eq!(code, 2);
    assert_one_line(
        &stderr,
        "config.json: entity type \"ORG\" has no output label",
    );

    json["id2label"]["1"] = serde_json::Value::String("X-LOC".into());
    replace(dir.path(), "config.json", json.to_string().as_bytes());
    let (code, stderr) = run_with_model(dir.path());
    assert_eq!(code, 2);
    assert_one_line(
        &stderr,
        "config.json: label \"X-LOC\" is not O, B-TYPE or I-TYPE",
    );
}

#[test]
fn missing_corpus_is_a_plain_error() {
    let out = tempfile::tempdir().unwrap();
    let output = nerpipe(&[
        "run",
        "--corpus",
        "/nonexistent/corpus",
        "--out",
        out.path().to_str().unwrap(),
        "--model",
        default_model().to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_one_line(
        stderr.trim_end(),
        "/nonexistent/corpus: corpus folder not found",
    );
}

/// The tensors nerpipe's own forward loads straight from the files are
/// exactly the variables of rust-bert's network for the same config, by
/// name and shape, with and without the word-shape embedding.
#[test]
fn own_forward_expects_the_tensors_of_rust_berts_network() {
    use nerpipe::model::{expected_tensors, ModelConfig, NerModel};
    for dir in [default_model(), repo().join("models/conll03-minilm-l6")] {
        let mut config = ModelConfig::load(&dir.join("config.json"), true).unwrap();
        for shapes in [true, false] {
            config.has_word_shapes = shapes;
            let network = NerModel::new(&config, shapes).unwrap();
            let mut variables: Vec<(String, Vec<i64>)> = network
                .vs
                .variables()
                .into_iter()
                .map(|(name, t)| (name, t.size()))
                .collect();
            variables.sort();
            let mut expected = expected_tensors(&config);
            expected.sort();
            assert_eq!(expected, variables, "{} shapes {shapes}", dir.display());
        }
    }
}

/// Weights short of a tensor, or with one of another shape than the config
/// implies, are refused naming the file and the tensor, by both engines.
#[test]
fn a_missing_or_misshapen_tensor_is_named() {
    let english = repo().join("models/conll03-minilm-l6");
    let tensors = nerpipe::model::read_safetensors(&english.join("model.safetensors")).unwrap();
    let tags = tensors
        .iter()
        .find(|(name, _)| name == "classifier.bias")
        .map(|(_, t)| t.size()[0])
        .unwrap();
    let broken = |change: &dyn Fn(&str, &tch::Tensor) -> Option<tch::Tensor>| {
        let dir = tempfile::tempdir().unwrap();
        for file in ["config.json", "tokenizer.json"] {
            std::os::unix::fs::symlink(english.join(file), dir.path().join(file)).unwrap();
        }
        let kept: Vec<(String, tch::Tensor)> = tensors
            .iter()
            .filter_map(|(name, t)| Some((name.clone(), change(name, t)?)))
            .collect();
        tch::Tensor::write_safetensors(&kept, dir.path().join("model.safetensors")).unwrap();
        dir
    };
    let without_bias = broken(&|name, t| (name != "classifier.bias").then(|| t.shallow_clone()));
    let wider_bias = broken(&|name, t| {
        Some(if name == "classifier.bias" {
            tch::Tensor::zeros([tags + 1], (tch::Kind::Float, tch::Device::Cpu))
        } else {
            t.shallow_clone()
        })
    });
    for engine in [
        &[][..],
        &["--engine", "rust-bert", "--precision", "fp32"][..],
    ] {
        let (code, stderr) = run_with_model_args(without_bias.path(), engine);
        assert_eq!(code, 2, "{engine:?}");
        assert_one_line(
            &stderr,
            "model.safetensors: 1 tensors the config needs are missing, e.g. classifier.bias",
        );
        let (code, stderr) = run_with_model_args(wider_bias.path(), engine);
        assert_eq!(code, 2, "{engine:?}");
        assert_one_line(
            &stderr,
            &format!(
                "model.safetensors: tensor classifier.bias has shape [{}], the config implies [{tags}]",
                tags + 1
            ),
        );
    }
}

/// `window_cuts` as the run resolved it (the shard manifest's options).
fn window_cuts_of_run(out: &Path) -> String {
    fn find(v: &serde_json::Value) -> Option<String> {
        match v {
            serde_json::Value::Object(map) => map
                .get("window_cuts")
                .and_then(|c| c.as_str().map(String::from))
                .or_else(|| map.values().find_map(find)),
            _ => None,
        }
    }
    let text = std::fs::read_to_string(out.join("shards/0-of-1/manifest.json")).unwrap();
    find(&serde_json::from_str(&text).unwrap()).expect("the manifest names window_cuts")
}

#[test]
fn a_model_names_how_it_reads_documents() {
    let run = |model: &Path, extra: &[&str]| -> String {
        let out = tempfile::tempdir().unwrap();
        let output = run_one_line(model, extra, out.path());
        assert!(output.status.success(), "{output:?}");
        window_cuts_of_run(out.path())
    };
    // A model without `nerpipe.window_cuts` read single sentences in training.
    assert_eq!(run(&default_model(), &[]), "each-sentence");

    let dir = tempfile::tempdir().unwrap();
    model_copy(dir.path());
    // The frozen word embeddings `make models` built, which a run needs.
    let frozen = "word_embeddings.safetensors";
    #[cfg(unix)]
    std::os::unix::fs::symlink(default_model().join(frozen), dir.path().join(frozen)).unwrap();
    let config = std::fs::read_to_string(default_model().join("config.json")).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&config).unwrap();
    json["nerpipe"]["window_cuts"] = "sentences".into();
    replace(dir.path(), "config.json", json.to_string().as_bytes());
    assert_eq!(run(dir.path(), &[]), "sentences");
    assert_eq!(
        run(dir.path(), &["--window-cuts", "each-sentence"]),
        "each-sentence"
    );

    json["nerpipe"]["window_cuts"] = "paragraphs".into();
    replace(dir.path(), "config.json", json.to_string().as_bytes());
    let (code, stderr) = run_with_model(dir.path());
    assert_eq!(code, 2);
    assert_one_line(
        &stderr,
        "config.json: nerpipe.window_cuts is \"paragraphs\"; use \"sentences\", \"each-sentence\" or \"fixed\"",
    );
}
