//! Long documents: batching windows across calls must give exactly the spans
//! of predicting each window on its own.

mod common;

use common::default_model;
use nerpipe::model::{LoadedModel, Precision};
use nerpipe::recognise::transformer::decode::{decode_spans, Aggregation};
use nerpipe::recognise::transformer::WindowedPredictor;
use nerpipe::segment::{Reading, TokenSequence, WindowCuts, WindowSpec};

#[test]
fn a_document_of_more_than_64_windows_matches_window_by_window_prediction() {
    let model = LoadedModel::load(&default_model(), Precision::Fp32).unwrap();
    let names = [
        "Darko Šarić",
        "Dijana Hrkalović",
        "Veljko Belivuk",
        "Milo Đukanović",
    ];
    let places = [
        "Podgorica",
        "Port of Bar",
        "Belgrade",
        "Antwerp",
        "Sarajevo",
    ];
    let orgs = [
        "Europol",
        "SIPA",
        "the Special Court",
        "Adriatic Freight d.o.o.",
    ];
    let mut text = String::new();
    for i in 0..300 {
        text.push_str(&format!(
            "In spring 2020.{} {} met officials of {} in {} to discuss {} tonnes of cocaine. ",
            i % 9,
            names[i % names.len()],
            orgs[i % orgs.len()],
            places[i % places.len()],
            10 + i
        ));
    }
    let sentences = model.segmenter.text(&text, Reading::AsWritten).unwrap();
    assert!(
        sentences.breaks.len() >= 299,
        "{} sentence starts",
        sentences.breaks.len()
    );
    // As written (windows of whole sentences), and with no sentence starts
    // (full windows overlapping by 32).
    let mut run_on = sentences.clone();
    run_on.breaks.clear();
    for seq in [sentences, run_on] {
        batched_equals_window_by_window(&model, &seq);
    }
}

fn batched_equals_window_by_window(model: &LoadedModel, seq: &TokenSequence) {
    let (cls, sep) = (model.segmenter.start_id, model.segmenter.end_id);
    let spec = WindowSpec {
        content: 126,
        overlap: 32,
        cuts: WindowCuts::Sentences,
    };
    let windows = spec.windows(seq.len(), &seq.breaks);
    assert!(windows.len() > 64, "only {} windows", windows.len());
    let overlapping = windows.windows(2).filter(|w| w[1].start < w[0].end).count();
    if seq.breaks.is_empty() {
        assert_eq!(overlapping, windows.len() - 1);
    } else {
        assert_eq!(overlapping, 0, "{windows:?}");
    }
    let predictor = |batch_size| WindowedPredictor {
        network: nerpipe::recognise::transformer::Classifier::of(model),
        num_tags: model.config.tags.len(),
        start_id: cls,
        end_id: sep,
        windows: spec,
        batch_size,
        model_tokens: Default::default(),
        pack_documents: false,
        forward_threads: 1,
    };

    let batched = predictor(64).predict(&[seq]).remove(0);

    // Window by window: each window is its own sequence, one call each.
    let owners = spec.owners(&windows, seq.len());
    let n = model.config.tags.len();
    let mut assembled = vec![0f32; seq.len() * n];
    let single = predictor(1);
    for (w, range) in windows.iter().enumerate() {
        let piece = TokenSequence {
            ids: seq.ids[range.clone()].to_vec(),
            shapes: seq.shapes[range.clone()].to_vec(),
            word_of_token: seq.word_of_token[range.clone()].to_vec(),
            words: seq.words.clone(),
            breaks: Vec::new(),
        };
        let probs = single.predict(&[&piece]).remove(0);
        for (k, t) in range.clone().enumerate() {
            if owners[t] == w {
                assembled[t * n..(t + 1) * n].copy_from_slice(&probs[k * n..(k + 1) * n]);
            }
        }
    }
    let a = spans(model, seq, &batched);
    let b = spans(model, seq, &assembled);
    assert!(a.len() > 500, "only {} spans", a.len());
    assert_eq!(a, b);
    let max_diff = batched
        .iter()
        .zip(&assembled)
        .map(|(x, y)| (x - y).abs())
        .fold(0f32, f32::max);
    assert!(max_diff < 1e-3, "probabilities differ by {max_diff}");
}

/// nerpipe's own forward over padded batches of packed rows (several short
/// documents and window tails sharing a row, rows of different lengths) gives
/// the spans, and within 1e-3 the probabilities, of rust-bert's forward run
/// one document at a time.
#[test]
fn packed_rows_match_one_document_at_a_time() {
    use nerpipe::model::Engine;
    let own = LoadedModel::load_for(&default_model(), Precision::Fp32, Engine::Nerpipe).unwrap();
    let reference = LoadedModel::load(&default_model(), Precision::Fp32).unwrap();
    let texts = packing_texts();
    let spec = WindowSpec {
        content: 126,
        overlap: 32,
        cuts: WindowCuts::Sentences,
    };
    let seqs: Vec<TokenSequence> = texts
        .iter()
        .map(|t| own.segmenter.text(t, Reading::AsWritten).unwrap())
        .collect();
    assert!(
        spec.windows(seqs[4].len(), &seqs[4].breaks).len() >= 3,
        "the long document needs several windows"
    );
    let refs: Vec<&TokenSequence> = seqs.iter().collect();
    let packed_predictor = predictor(&own, spec, 3);
    let packed = packed_predictor.predict(&refs);
    let mut alone_tokens = 0;
    for (seq, probs) in seqs.iter().zip(&packed) {
        let single = predictor(&reference, spec, 1);
        let expected = single.predict(&[seq]).remove(0);
        alone_tokens += single.model_tokens.get();
        assert_eq!(spans(&own, seq, probs), spans(&own, seq, &expected));
        let max_diff = probs
            .iter()
            .zip(&expected)
            .map(|(x, y)| (x - y).abs())
            .fold(0f32, f32::max);
        assert!(max_diff < 1e-3, "probabilities differ by {max_diff}");
    }
    // Packing shared rows: fewer positions computed than one row per window.
    assert!(
        packed_predictor.model_tokens.get() < alone_tokens,
        "{} vs {alone_tokens}",
        packed_predictor.model_tokens.get()
    );
}

/// The window spec of these tests and [`packing_texts`] as `model` reads them.
fn packing_sequences(model: &LoadedModel) -> (WindowSpec, Vec<TokenSequence>) {
    let spec = WindowSpec {
        content: 126,
        overlap: 32,
        cuts: WindowCuts::Sentences,
    };
    let seqs = packing_texts()
        .iter()
        .map(|t| model.segmenter.text(t, Reading::AsWritten).unwrap())
        .collect();
    (spec, seqs)
}

/// Short documents and one long one, to fill packed rows and window tails.
fn packing_texts() -> Vec<String> {
    let mut texts: Vec<String> = vec![
        "SIPA.".into(),
        "Darko Šarić was seen in Podgorica.".into(),
        "Europol and the Special Court in Belgrade questioned Dijana Hrkalović.".into(),
        "Port of Bar".into(),
    ];
    let long: String = (0..40)
        .map(|i| format!("Veljko Belivuk met officials of Europol in Antwerp on day {i}. "))
        .collect();
    texts.push(long);
    texts.push("Milo Đukanović flew to Sarajevo, then to Zagreb.".into());
    texts
}

fn predictor(model: &LoadedModel, spec: WindowSpec, batch_size: usize) -> WindowedPredictor<'_> {
    WindowedPredictor {
        network: nerpipe::recognise::transformer::Classifier::of(model),
        num_tags: model.config.tags.len(),
        start_id: model.segmenter.start_id,
        end_id: model.segmenter.end_id,
        windows: spec,
        batch_size,
        model_tokens: Default::default(),
        pack_documents: true,
        forward_threads: 1,
    }
}

/// The (words, kind) spans that `probs` decode to for `seq`.
fn spans(
    model: &LoadedModel,
    seq: &TokenSequence,
    probs: &[f32],
) -> Vec<(std::ops::Range<usize>, String)> {
    decode_spans(
        probs,
        &model.config.parsed_tags,
        &seq.word_of_token,
        seq.words.len(),
        Aggregation::First,
        model.config.decoder,
    )
    .1
    .into_iter()
    .map(|s| (s.words, s.kind))
    .collect()
}

/// int8 weights (fbgemm) find nearly all the spans fp32 finds on the
/// packing texts, with probabilities close to fp32's.
#[test]
fn int8_forward_finds_the_spans_of_fp32() {
    use nerpipe::model::Engine;
    let int8 = LoadedModel::load_for(&default_model(), Precision::Int8, Engine::Nerpipe).unwrap();
    let fp32 = LoadedModel::load_for(&default_model(), Precision::Fp32, Engine::Nerpipe).unwrap();
    let (spec, seqs) = packing_sequences(&int8);
    let refs: Vec<&TokenSequence> = seqs.iter().collect();
    let quantized = predictor(&int8, spec, 3).predict(&refs);
    let exact = predictor(&fp32, spec, 3).predict(&refs);
    let (mut agreed, mut total) = (0, 0);
    for ((seq, q), e) in seqs.iter().zip(&quantized).zip(&exact) {
        let int8_spans = spans(&int8, seq, q);
        let fp32_spans = spans(&fp32, seq, e);
        total += fp32_spans.len().max(int8_spans.len());
        agreed += fp32_spans.iter().filter(|s| int8_spans.contains(s)).count();
        let diffs: Vec<f32> = q.iter().zip(e).map(|(x, y)| (x - y).abs()).collect();
        let mean_diff = diffs.iter().sum::<f32>() / diffs.len().max(1) as f32;
        // int8 moves uncertain tokens a lot (a few Europol ORG→MISC flips,
        // 0.57 seen); it is the default on CPUs with AVX512-VNNI and no AMX,
        // and must stay this close.
        assert!(
            mean_diff < 0.05,
            "int8 probabilities differ from fp32 by {mean_diff} on average"
        );
    }
    assert!(
        agreed * 100 >= total * 95,
        "int8 agrees with fp32 on {agreed} of {total} spans"
    );
}

/// int8 quantizes each token on its own (stretched to one range pinned by
/// an anchor row), so a document's scores are the same bits whatever else
/// shares its batch: sharded and whole int8 runs agree byte for byte.
#[test]
fn int8_scores_do_not_depend_on_the_batch() {
    use nerpipe::model::Engine;
    let int8 = LoadedModel::load_for(&default_model(), Precision::Int8, Engine::Nerpipe).unwrap();
    let (spec, seqs) = packing_sequences(&int8);
    let refs: Vec<&TokenSequence> = seqs.iter().collect();
    // Rows of one document each (packed rows would share attention kernels).
    let unpacked = |batch_size| WindowedPredictor {
        pack_documents: false,
        ..predictor(&int8, spec, batch_size)
    };
    let together = unpacked(8).predict(&refs);
    for (seq, probs) in seqs.iter().zip(&together) {
        let alone = unpacked(1).predict(&[seq]).remove(0);
        assert_eq!(probs, &alone);
    }
}

/// The own forward's batches run on several threads at once (one replica of
/// the network each) give the same bits as one after the other, in each
/// precision: runs with any --threads agree byte for byte.
#[test]
fn batches_on_several_threads_give_the_bits_of_one_thread() {
    use nerpipe::model::Engine;
    for precision in [Precision::Fp32, Precision::Int8] {
        let model = LoadedModel::load_for(&default_model(), precision, Engine::Nerpipe).unwrap();
        let (spec, seqs) = packing_sequences(&model);
        let refs: Vec<&TokenSequence> = seqs.iter().collect();
        let threaded = |forward_threads| WindowedPredictor {
            pack_documents: false,
            forward_threads,
            ..predictor(&model, spec, 2)
        };
        let one = threaded(1);
        let expected = one.predict(&refs);
        let three = threaded(3);
        assert_eq!(three.predict(&refs), expected, "{precision:?}");
        // The same model positions counted, whichever thread ran them.
        assert_eq!(three.model_tokens.get(), one.model_tokens.get());
        assert!(one.model_tokens.get() > 0);
    }
}
