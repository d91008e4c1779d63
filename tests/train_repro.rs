//! `nerpipe train` is reproducible: the same data, base and seed give the same
//! weights. Fine-tunes the committed English model (small, and complete: the
//! multilingual one ships without its frozen word embeddings) for a few steps
//! on a tiny hand-written CoNLL set, twice; `--init` continues a model.

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

fn english_model() -> std::path::PathBuf {
    repo().join("models/conll03-minilm-l6")
}

#[test]
fn same_seed_same_model() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("train.conll"), TRAIN).unwrap();
    std::fs::write(dir.path().join("dev.conll"), DEV).unwrap();
    let train = |out: &str| train_run(dir.path(), out, &[]);
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

    // Stopped within epoch 2 (after step 3 of 4) and resumed from its
    // checkpoint: the same weights as the uninterrupted run.
    let checkpoint = dir.path().join("checkpoint-c");
    let checkpoint_arg = ["--checkpoint", checkpoint.to_str().unwrap()];
    let stop = [&checkpoint_arg[..], &["--stop-after-steps", "3"]].concat();
    let output = train_output(dir.path(), "c", &stop);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains(
            "stopped after 3 steps as asked (--stop-after-steps): continue with --resume"
        ),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let resume = [&checkpoint_arg[..], &["--resume"]].concat();
    let output = train_output(dir.path(), "c", &resume);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("resuming within epoch 2, after its batch 1 (3 steps)"),
        "{said}"
    );
    let weights_c = std::fs::read(dir.path().join("c/model.safetensors")).unwrap();
    assert!(
        weights_a == weights_c,
        "a run stopped within an epoch and resumed gave other weights"
    );
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(a.join("config.json")).unwrap()).unwrap();
    assert_eq!(config["id2label"]["0"], "O");
    assert_eq!(config["nerpipe"]["label_map"]["PER"], "PERSON");
    nerpipe::model::LoadedModel::load(&a, nerpipe::model::Precision::Fp32).unwrap();
}

/// `nerpipe train` of the tiny set in `dir` into `dir/out` (2 epochs of 2
/// steps, seed 7), with `extra` arguments.
fn train_output(dir: &std::path::Path, out: &str, extra: &[&str]) -> std::process::Output {
    let out = dir.join(out);
    let mut args = vec![
        "train".to_string(),
        "--train".into(),
        dir.join("train.conll").display().to_string(),
        "--dev".into(),
        dir.join("dev.conll").display().to_string(),
        "--base".into(),
        english_model().display().to_string(),
        "--out".into(),
        out.display().to_string(),
    ];
    for a in [
        "--epochs",
        "2",
        "--batch-size",
        "2",
        "--threads",
        "1",
        "--seed",
        "7",
        "--quiet",
    ]
    .iter()
    .chain(extra)
    {
        args.push(a.to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    nerpipe(&args)
}

/// [`train_output`] that must succeed; the model folder.
fn train_run(dir: &std::path::Path, out: &str, extra: &[&str]) -> std::path::PathBuf {
    let output = train_output(dir, out, extra);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    dir.join(out)
}

/// Dev F1 of epoch 1 in a trained folder's MODEL.md (`| 1 | loss | F1 | …`).
fn epoch_one_f1(model: &std::path::Path) -> f64 {
    let card = std::fs::read_to_string(model.join("MODEL.md")).unwrap();
    let row = card
        .lines()
        .find(|l| l.starts_with("| 1 |"))
        .unwrap_or_else(|| panic!("{card}"));
    row.split('|').nth(3).unwrap().trim().parse().unwrap()
}

#[test]
fn init_continues_a_model_and_refuses_another_tag_set() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("train.conll"), TRAIN).unwrap();
    std::fs::write(dir.path().join("dev.conll"), DEV).unwrap();
    let model = english_model();
    let train_from = |base: &std::path::Path, out: &str, extra: &[&str]| {
        let out = dir.path().join(out);
        let train = dir.path().join("train.conll");
        let dev = dir.path().join("dev.conll");
        let mut args = vec![
            "train",
            "--train",
            train.to_str().unwrap(),
            "--dev",
            dev.to_str().unwrap(),
            "--base",
            base.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--epochs",
            "1",
            "--lr",
            "1e-6",
            "--batch-size",
            "2",
            "--threads",
            "1",
            "--quiet",
        ];
        args.extend_from_slice(extra);
        (nerpipe(&args), out)
    };
    let train = |out: &str, extra: &[&str]| train_from(&model, out, extra);
    // A model trained with frozen word embeddings ships without them, so it
    // cannot be a base; `--init` continues it with the base's embeddings.
    let (frozen, frozen_dir) = train("frozen", &["--freeze-word-embeddings"]);
    assert!(frozen.status.success(), "{}", stderr_of(&frozen));
    let (not_a_base, _) = train_from(&frozen_dir, "nope", &[]);
    assert!(
        stderr_of(&not_a_base).contains(
            "model.safetensors: the base encoder lacks 1 tensors, e.g. bert.embeddings.word_embeddings.weight"
        ),
        "{}",
        stderr_of(&not_a_base)
    );
    let (init, init_dir) = train(
        "init",
        &[
            "--init",
            frozen_dir.to_str().unwrap(),
            "--freeze-word-embeddings",
        ],
    );
    assert!(init.status.success(), "{}", stderr_of(&init));
    // It kept what the model knew (Belgrade, Dijana Hrkalović).
    assert_eq!(epoch_one_f1(&init_dir), 1.0);
    // Without MISC the tag set differs from the model's: refused, said how.
    let (other, _) = train(
        "other",
        &[
            "--init",
            frozen_dir.to_str().unwrap(),
            "--map-type",
            "MISC=O",
        ],
    );
    assert_eq!(other.status.code(), Some(1), "{}", stderr_of(&other));
    assert!(
        stderr_of(&other).contains("--init needs the same tag set (check --map-type)"),
        "{}",
        stderr_of(&other)
    );
}

fn stderr_of(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The tensors of a safetensors file, by name.
fn tensors(path: &std::path::Path) -> std::collections::HashMap<String, tch::Tensor> {
    tch::Tensor::read_safetensors(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .into_iter()
        .collect()
}

/// Mean dev F1 (the column before the time) of the card's row starting `start`.
fn card_mean(card: &str, start: &str) -> f64 {
    let row = card
        .lines()
        .find(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no row {start:?} in {card}"));
    let cells: Vec<&str> = row.split('|').map(str::trim).collect();
    cells[cells.len() - 3].parse().unwrap()
}

/// `--average-last 2`: each epoch's state is kept in the checkpoint folder,
/// the mean of the last two epochs' weights is scored (a row of the card),
/// and the folder holds those mean weights exactly when their mean dev F1
/// beat both epochs', else the best epoch's. A resume after the average
/// does not make it again; a run that kept no epoch states says so.
#[test]
fn average_of_the_last_epochs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("train.conll"), TRAIN).unwrap();
    std::fs::write(dir.path().join("dev.conll"), DEV).unwrap();
    let checkpoint = dir.path().join("checkpoint-avg");
    let average = [
        "--checkpoint",
        checkpoint.to_str().unwrap(),
        "--average-last",
        "2",
    ];
    let out = train_run(dir.path(), "avg", &average);
    let card = std::fs::read_to_string(out.join("MODEL.md")).unwrap();
    let (one, two) = (card_mean(&card, "| 1 |"), card_mean(&card, "| 2 |"));
    let averaged = card_mean(&card, "| 1–2 averaged | – |");
    let states: Vec<_> = (1..=2)
        .map(|e| tensors(&checkpoint.join(format!("epoch-{e}.safetensors"))))
        .collect();
    let kept_average = averaged > one.max(two);
    let expected = |name: &str| -> tch::Tensor {
        let key = format!("master.{name}");
        if kept_average {
            (&states[0][&key] + &states[1][&key]) / 2.0
        } else {
            states[if two > one { 1 } else { 0 }][&key].shallow_clone()
        }
    };
    let saved = tensors(&out.join("model.safetensors"));
    assert!(saved.len() > 10, "{} tensors saved", saved.len());
    for (name, tensor) in &saved {
        let want = expected(name).to_kind(tch::Kind::Half);
        assert!(
            tensor.equal(&want),
            "{name}: not the {} weights",
            if kept_average {
                "averaged"
            } else {
                "best epoch's"
            }
        );
    }
    let kept_line = if kept_average {
        "Kept the average of epochs 1–2."
    } else if two > one {
        "Kept epoch 2."
    } else {
        "Kept epoch 1."
    };
    assert!(card.contains(kept_line), "{kept_line:?} not in {card}");

    // Resumed after the average: nothing more is trained or averaged.
    let resume = [&average[..], &["--resume"]].concat();
    let output = train_output(dir.path(), "avg", &resume);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("resuming after epoch 2 (4 steps)"),
        "{}",
        stderr_of(&output)
    );
    let again = std::fs::read_to_string(out.join("MODEL.md")).unwrap();
    assert_eq!(again.matches("averaged |").count(), 1, "{again}");

    // More epochs averaged than trained: refused before any training.
    let too_many = train_output(dir.path(), "three", &["--average-last", "3"]);
    assert_eq!(too_many.status.code(), Some(2), "{}", stderr_of(&too_many));
    assert!(
        stderr_of(&too_many).contains("--average-last 3 needs at least as many --epochs (given 2)"),
        "{}",
        stderr_of(&too_many)
    );
    assert!(!dir.path().join("three").exists());

    // A run that kept no epoch states cannot average them: it says which
    // file is missing and what to do.
    let plain = dir.path().join("checkpoint-plain");
    let plain_arg = ["--checkpoint", plain.to_str().unwrap()];
    train_run(dir.path(), "plain", &plain_arg);
    let late = [&plain_arg[..], &["--resume", "--average-last", "2"]].concat();
    let output = train_output(dir.path(), "plain", &late);
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    let said = stderr_of(&output);
    assert!(
        said.contains("epoch-1.safetensors: missing, so epochs 1–2 cannot be averaged")
            && said.contains("rerun with a smaller --average-last"),
        "{said}"
    );
}

/// Logits of `words` through `model`'s network (either engine, fp32), and
/// the number of sub-tokens.
fn logits_of(model: &nerpipe::model::LoadedModel, words: &[&str]) -> Vec<f32> {
    let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    let seq = model
        .segmenter
        .words(&words, nerpipe::segment::Reading::AsWritten)
        .unwrap();
    let row = nerpipe::segment::batch::Row {
        ids: &seq.ids,
        shapes: &seq.shapes,
        labels: None,
    };
    let s = &model.segmenter;
    let input = nerpipe::segment::batch::pad(&[row], s.start_id, s.end_id);
    let logits = match &model.network {
        nerpipe::model::Network::RustBert(n) => {
            tch::no_grad(|| n.logits(&input.ids, &input.shapes, &input.mask, false))
        }
        nerpipe::model::Network::Own(e) => e.logits(&input),
    };
    Vec::<f32>::try_from(logits.to_kind(tch::Kind::Float).flatten(0, -1)).unwrap()
}

fn largest_difference(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

/// `--embedding-delta`: the frozen table stays out of the folder, the rows of
/// the pieces the training data uses (and only those) are trained and
/// stored, and both engines add them to the table when they load.
#[test]
fn embedding_delta_trains_the_rows_of_the_training_pieces() {
    use nerpipe::model::{Engine, LoadedModel, Precision, WORD_DELTA, WORD_DELTA_IDS};
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("train.conll"), TRAIN).unwrap();
    std::fs::write(dir.path().join("dev.conll"), DEV).unwrap();
    let refused = train_output(dir.path(), "refused", &["--embedding-delta"]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr_of(&refused));
    assert!(
        stderr_of(&refused).contains("--freeze-word-embeddings"),
        "{}",
        stderr_of(&refused)
    );
    let extra = [
        "--freeze-word-embeddings",
        "--embedding-delta",
        "--lr",
        "1e-2",
    ];
    let out = train_run(dir.path(), "delta", &extra);
    let card = std::fs::read_to_string(out.join("MODEL.md")).unwrap();
    assert!(
        card.contains("with a trained correction to the rows"),
        "{card}"
    );
    let saved = tensors(&out.join("model.safetensors"));
    assert!(!saved.contains_key(nerpipe::model::WORD_EMBEDDINGS));
    let ids = Vec::<i64>::try_from(&saved[WORD_DELTA_IDS]).unwrap();
    let rows = &saved[WORD_DELTA];
    assert_eq!(rows.size(), [ids.len() as i64, 384]);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    // By the tokenizer alone (not nerpipe's segmenter): the pieces of a
    // training word are there, those of a word the training data lacks not.
    let tokenizer =
        nerpipe::model::load_tokenizer(&english_model().join("tokenizer.json")).unwrap();
    let pieces = |word: &str| -> Vec<i64> {
        let encoding = tokenizer.encode(word, false).unwrap();
        encoding.get_ids().iter().map(|&i| i64::from(i)).collect()
    };
    for piece in pieces("Podgorica").into_iter().chain(pieces("Europol")) {
        let row = ids
            .binary_search(&piece)
            .unwrap_or_else(|_| panic!("piece {piece} has no row in {ids:?}"));
        let moved = rows.get(row as i64).abs().max().double_value(&[]);
        assert!(moved > 1e-3, "piece {piece}: its row moved by {moved}");
    }
    assert!(pieces("zebra")
        .iter()
        .all(|p| ids.binary_search(p).is_err()));

    // Both engines fold the rows into the table: they agree with each other
    // and differ from the same folder without the correction.
    let words = ["Europol", "raided", "Podgorica", "."];
    let load = |dir: &std::path::Path, engine| {
        LoadedModel::load_for(dir, Precision::Fp32, engine).unwrap()
    };
    let rust_bert = logits_of(&load(&out, Engine::RustBert), &words);
    let own = logits_of(&load(&out, Engine::Nerpipe), &words);
    let plain = dir.path().join("without-delta");
    std::fs::create_dir(&plain).unwrap();
    for entry in std::fs::read_dir(&out).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), plain.join(entry.file_name())).unwrap();
    }
    let kept: Vec<(String, tch::Tensor)> = saved
        .iter()
        .filter(|(name, _)| !name.starts_with("nerpipe.word_embedding_delta"))
        .map(|(n, t)| (n.clone(), t.shallow_clone()))
        .collect();
    tch::Tensor::write_safetensors(&kept, plain.join("model.safetensors")).unwrap();
    nerpipe::model::write_weights_sha256(&plain).unwrap();
    let without = logits_of(&load(&plain, Engine::RustBert), &words);
    let engines = largest_difference(&rust_bert, &own);
    let effect = largest_difference(&rust_bert, &without);
    assert!(
        effect > 1e-3 && effect > 100.0 * engines,
        "engines differ by {engines}, the correction moves logits by {effect}"
    );

    // `--init` from it: its correction joins the frozen table, a new one
    // is trained on top.
    let init = [
        "--init",
        out.to_str().unwrap(),
        "--freeze-word-embeddings",
        "--embedding-delta",
    ];
    let continued = train_output(dir.path(), "continued", &init);
    assert!(continued.status.success(), "{}", stderr_of(&continued));
}

/// `--train-map-type` maps the training files only, before `--map-type`:
/// OTH trains as MISC (the model keeps its MISC tags) while `--map-type
/// OTH=O` still holds for dev, scored on PER alone (a MISC there would cost
/// recall: the model calls Belgrade a place).
#[test]
fn train_map_type_maps_the_training_files_only() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("train.conll"),
        TRAIN.replace("I-MISC", "I-OTH"),
    )
    .unwrap();
    std::fs::write(dir.path().join("dev.conll"), DEV.replace("B-LOC", "B-OTH")).unwrap();
    let extra = [
        "--map-type",
        "OTH=O",
        "--train-map-type",
        "OTH=MISC",
        "--lr",
        "1e-6",
    ];
    let misc = train_run(dir.path(), "misc", &extra);
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(misc.join("config.json")).unwrap()).unwrap();
    let mut tags: Vec<&str> = config["id2label"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_str().unwrap())
        .collect();
    tags.sort();
    assert_eq!(
        tags,
        ["B-LOC", "B-MISC", "B-ORG", "B-PER", "I-LOC", "I-MISC", "I-ORG", "I-PER", "O"]
    );
    let card = std::fs::read_to_string(misc.join("MODEL.md")).unwrap();
    assert!(
        card.contains("- Type map of the training files (before the one above): OTH=MISC"),
        "{card}"
    );
    assert_eq!(epoch_one_f1(&misc), 1.0, "{card}");
    let bad = train_output(dir.path(), "bad", &["--train-map-type", "OTH"]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr_of(&bad));
    assert!(
        stderr_of(&bad).contains("--train-map-type \"OTH\": expected FROM=TO, e.g. OTH=O"),
        "{}",
        stderr_of(&bad)
    );
}

#[test]
fn pack_sentences_is_the_reading_the_model_names() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("train.conll"), TRAIN).unwrap();
    std::fs::write(dir.path().join("dev.conll"), DEV).unwrap();
    let window_cuts = |model: &std::path::Path| -> String {
        let config: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(model.join("config.json")).unwrap())
                .unwrap();
        config["nerpipe"]["window_cuts"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let alone = train_run(dir.path(), "alone", &["--lr", "1e-6"]);
    assert_eq!(window_cuts(&alone), "each-sentence");
    let packed = train_run(dir.path(), "packed", &["--lr", "1e-6", "--pack-sentences"]);
    assert_eq!(window_cuts(&packed), "sentences");
    let card = std::fs::read_to_string(packed.join("MODEL.md")).unwrap();
    assert!(
        card.contains("- Sentences of a document packed into sequences of up to 128 sub-tokens (`--pack-sentences`)"),
        "{card}"
    );
    // Dev is read by document in the model's windows, and the model read
    // it right (it barely moved from the English model).
    assert_eq!(epoch_one_f1(&packed), 1.0, "{card}");
    let loaded =
        nerpipe::model::LoadedModel::load(&packed, nerpipe::model::Precision::Fp32).unwrap();
    assert_eq!(
        loaded.config.window_cuts,
        nerpipe::segment::WindowCuts::Sentences
    );
}
