//! `nerpipe train` is reproducible: the same data, base and seed give the same
//! weights. Fine-tunes the committed default model for a few steps on a tiny
//! hand-written CoNLL set, twice.

mod common;

use common::*;

const TRAIN: &str = "-DOCSTART- -X- O O

Darko NNP I-NP I-PER
Šarić NNP I-NP I-PER
was VBD I-VP O
arrested VBN I-VP O
in IN I-PP O
Podgorica NNP I-NP I-LOC
by IN I-PP O
Europol NNP I-NP I-ORG
. . O O

The DT I-NP O
Sky NNP I-NP I-MISC
ECC NNP I-NP I-MISC
messages NNS I-NP O
named VBD I-VP O
Veljko NNP I-NP I-PER
Belivuk NNP I-NP I-PER
. . O O

SIPA NNP I-NP I-ORG
officers NNS I-NP O
searched VBD I-VP O
a DT I-NP O
house NN I-NP O
in IN I-PP O
Sarajevo NNP I-NP I-LOC
. . O O
";

const DEV: &str = "Police O
in O
Belgrade B-LOC
questioned O
Dijana B-PER
Hrkalović I-PER
. O
";

#[test]
fn same_seed_same_model() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("train.conll"), TRAIN).unwrap();
    std::fs::write(dir.path().join("dev.conll"), DEV).unwrap();
    let train = |out: &str| {
        let out = dir.path().join(out);
        let output = nerpipe(&[
            "train",
            "--train",
            dir.path().join("train.conll").to_str().unwrap(),
            "--dev",
            dir.path().join("dev.conll").to_str().unwrap(),
            "--base",
            default_model().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--epochs",
            "2",
            "--batch-size",
            "2",
            "--threads",
            "1",
            "--seed",
            "7",
            "--quiet",
        ]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        out
    };
    let a = train("a");
    let b = train("b");
    let weights_a = std::fs::read(a.join("model.safetensors")).unwrap();
    let weights_b = std::fs::read(b.join("model.safetensors")).unwrap();
    assert!(
        weights_a == weights_b,
        "two runs with seed 7 gave different weights"
    );
    // The trained folder is a complete model folder that loads.
    for file in ["config.json", "tokenizer.json", "MODEL.md"] {
        assert!(a.join(file).is_file(), "{file} missing");
    }
    let card = std::fs::read_to_string(a.join("MODEL.md")).unwrap();
    assert!(card.contains("| 2 |"), "{card}");
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(a.join("config.json")).unwrap()).unwrap();
    assert_eq!(config["id2label"]["0"], "O");
    assert_eq!(config["nerpipe"]["label_map"]["PER"], "PERSON");
    nerpipe::model::LoadedModel::load(&a, nerpipe::model::Precision::Fp32).unwrap();
}
