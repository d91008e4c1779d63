//! nerpipe's own BERT forward for inference, over the weights of a loaded
//! [`NerModel`]: Q, K and V fused into one matrix at load time, PyTorch's
//! `scaled_dot_product_attention` with one mask per batch, erf-GELU as one
//! kernel, the token-type row folded into the position table, no dropout.
//! In bf16 the matrix multiplications run in bf16 while embeddings,
//! residual sums and LayerNorm stay in fp32, as autocast does. In int8 they
//! run on fbgemm's int8 kernels (AVX512-VNNI/AVX2): weights quantized per
//! output row once (8 bits with VNNI, 7 without: [`Int8Bits`]), activations
//! to 8 bits per token on every call; the rest stays fp32.
//!
//! Rows may be packed with several pieces: position ids restart per piece and
//! the attention mask is block-diagonal, so each piece sees only itself.

use super::{ModelConfig, Precision, WORD_EMBEDDINGS};
use crate::segment::batch::Padded;
use std::collections::HashMap;
use tch::{Kind, Tensor};

struct Layer {
    qkv: Linear,
    out: Linear,
    ln1: (Tensor, Tensor),
    ffn_in: Linear,
    ffn_out: Linear,
    ln2: (Tensor, Tensor),
}

/// The anchor row's two values: every token is stretched into [-1, 1] and
/// the anchor pins the range fbgemm quantizes a call's input over to the
/// same, so that each token's activations get 8 bits of its own range.
const ANCHOR: [f32; 2] = [-1.0, 1.0];

/// How many bits int8 gives the weights and the activations.
///
/// fbgemm's VNNI kernels sum byte products in 32 bits: 8 and 8. Its AVX2
/// kernels (`vpmaddubsw`, also used on AVX-512 without VNNI) sum two u8 × s8
/// products into a saturating 16-bit lane, so one side must give up a bit:
/// weights in -64..=64 keep every pair within it (2 × 255 × 64 = 32 640 ≤
/// 32 767). Measured on an AVX2-only AMD EPYC (`nerpipe eval`, dev, against
/// fp32), 7-bit weights lost at most 0.23 F1 where 7-bit activations (what
/// PyTorch's `reduce_range` does) lost up to 0.37.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Int8Bits {
    pub weights: u32,
    pub activations: u32,
}

impl Int8Bits {
    /// Where fbgemm runs its VNNI kernels.
    pub const VNNI: Int8Bits = Int8Bits {
        weights: 8,
        activations: 8,
    };
    /// Where fbgemm runs its AVX2 kernels.
    pub const AVX2: Int8Bits = Int8Bits {
        weights: 7,
        activations: 8,
    };

    /// The bits for this CPU: [`Int8Bits::VNNI`] where fbgemm runs its VNNI
    /// kernels, else [`Int8Bits::AVX2`]. `FBGEMM_ENABLE_INSTRUCTIONS` (AVX2,
    /// AVX512) keeps fbgemm off VNNI.
    pub fn for_this_cpu() -> Int8Bits {
        let capped = std::env::var("FBGEMM_ENABLE_INSTRUCTIONS").is_ok_and(|v| {
            matches!(
                v.to_ascii_uppercase().as_str(),
                "AVX2" | "AVX512" | "AVX512_256"
            )
        });
        if super::config::cpu_has("avx512_vnni") && !capped {
            Int8Bits::VNNI
        } else {
            Int8Bits::AVX2
        }
    }
}

/// The largest weight magnitude fbgemm's AVX2 kernels take (see [`Int8Bits`]).
const SEVEN_BIT_WEIGHT_MAX: f64 = 64.0;

/// A dense layer's weights as the precision multiplies them.
enum Linear {
    /// `w`, `b` in the multiplication kind (fp32 or bf16).
    Dense { w: Tensor, b: Tensor },
    /// fbgemm int8: the quantized weight, its packed form, per-row sums
    /// (less the zero point), the quantization parameters, an fp32 bias.
    Int8 {
        q: Tensor,
        packed: Tensor,
        col_offsets: Tensor,
        scale: f64,
        zero_point: i64,
        zero_bias: Tensor,
        /// Undoes each output row's stretch.
        unscale: Vec<f32>,
        b: Vec<f32>,
        /// A row of [`ANCHOR`]'s values (zeros elsewhere) appended to every input.
        anchor: Vec<f32>,
    },
}

impl Layer {
    fn replica(&self) -> Layer {
        Layer {
            qkv: self.qkv.replica(),
            out: self.out.replica(),
            ln1: pair(&self.ln1),
            ffn_in: self.ffn_in.replica(),
            ffn_out: self.ffn_out.replica(),
            ln2: pair(&self.ln2),
        }
    }
}

/// A second handle on a pair of tensors (the same storage).
fn pair((a, b): &(Tensor, Tensor)) -> (Tensor, Tensor) {
    (a.shallow_clone(), b.shallow_clone())
}

impl Linear {
    fn replica(&self) -> Linear {
        match self {
            Linear::Dense { w, b } => Linear::Dense {
                w: w.shallow_clone(),
                b: b.shallow_clone(),
            },
            Linear::Int8 {
                q,
                packed,
                col_offsets,
                scale,
                zero_point,
                zero_bias,
                unscale,
                b,
                anchor,
            } => Linear::Int8 {
                q: q.shallow_clone(),
                packed: packed.shallow_clone(),
                col_offsets: col_offsets.shallow_clone(),
                scale: *scale,
                zero_point: *zero_point,
                zero_bias: zero_bias.shallow_clone(),
                unscale: unscale.clone(),
                b: b.clone(),
                anchor: anchor.clone(),
            },
        }
    }

    /// From fp32 weights `[out, in]` and bias; `bits` matter for int8 only.
    fn new(w: Tensor, b: Tensor, precision: Precision, bits: Int8Bits) -> anyhow::Result<Linear> {
        Ok(match precision {
            Precision::Fp32 => Linear::Dense { w, b },
            Precision::Bf16 => Linear::Dense {
                w: w.to_kind(Kind::BFloat16),
                b: b.to_kind(Kind::BFloat16),
            },
            Precision::Int8 => {
                // fbgemm takes one scale per tensor; rows are first stretched
                // to the same range (`row_scale`, undone on the output), which
                // quantizes like one scale per output channel.
                let row_max = w.abs().amax([1].as_slice(), true).clamp_min(1e-12);
                let row_scale = row_max.max().to_kind(Kind::Float) / &row_max;
                let w = &w * &row_scale;
                let low = f64::try_from(w.min()).unwrap_or(0.0).min(0.0);
                let high = f64::try_from(w.max()).unwrap_or(0.0).max(0.0);
                let (scale, zero_point, range) = if bits.weights == 8 {
                    // Asymmetric over [min(w, 0), max(w, 0)] onto -128..=127,
                    // as fbgemm_linear_quantize_weight chooses them.
                    let scale = ((high - low) / 255.0).max(f64::MIN_POSITIVE);
                    let zero_point = (-128.0 - low / scale).round().clamp(-128.0, 127.0);
                    (scale, zero_point, (-128.0, 127.0))
                } else {
                    // Symmetric onto -64..=64: the raw bytes are what the
                    // kernel multiplies, so the zero point must be 0.
                    let m = SEVEN_BIT_WEIGHT_MAX;
                    ((high.max(-low) / m).max(f64::MIN_POSITIVE), 0.0, (-m, m))
                };
                let q = (&w / scale + zero_point)
                    .round()
                    .clamp(range.0, range.1)
                    .to_kind(Kind::Int8);
                let zero_point = zero_point as i64;
                let inputs = w.size()[1];
                let col_offsets =
                    (q.to_kind(Kind::Int)
                        .sum_dim_intlist([1].as_slice(), false, Kind::Int)
                        - zero_point * inputs)
                        .to_kind(Kind::Int);
                // fbgemm needs AVX2 or AVX512; elsewhere libtorch refuses to pack.
                let packed = q.f_fbgemm_pack_quantized_matrix().map_err(|e| {
                    anyhow::anyhow!(
                        "--precision int8 needs fbgemm (x86 with AVX2), which this CPU or libtorch lacks ({e}); use --precision bf16 or fp32"
                    )
                })?;
                let unscale = Vec::<f32>::try_from(row_scale.reciprocal().view([-1]))?;
                let mut anchor = vec![0f32; inputs as usize];
                for (cell, value) in anchor.iter_mut().zip(ANCHOR) {
                    *cell = value;
                }
                Linear::Int8 {
                    q,
                    packed,
                    col_offsets,
                    scale,
                    zero_point,
                    zero_bias: Tensor::zeros_like(&b),
                    unscale,
                    b: Vec::<f32>::try_from(&b)?,
                    anchor,
                }
            }
        })
    }

    /// `x · wᵀ + b`; `x` in the layer's input kind (bf16 for bf16, else
    /// fp32), the result in the same kind.
    fn apply(&self, x: &Tensor) -> Tensor {
        match self {
            Linear::Dense { w, b } => x.linear(w, Some(b)),
            Linear::Int8 {
                q,
                packed,
                col_offsets,
                scale,
                zero_point,
                zero_bias,
                unscale,
                b,
                anchor,
            } => {
                // fbgemm quantizes its input with one range for the whole
                // call. Each token is first stretched to an absolute maximum
                // of 1 (undone on the output) and the anchor row pins the
                // range ([`ANCHOR`]): one scale per token, and a token's
                // result does not depend on the rest of its batch.
                let size = x.size();
                let inputs = size[size.len() - 1];
                let (stretched, maxima) =
                    super::token_rows::stretch(&x.reshape([-1, inputs]), anchor);
                let y = stretched.fbgemm_linear_int8_weight_fp32_activation(
                    q,
                    packed,
                    col_offsets,
                    tch::Scalar::from(*scale),
                    tch::Scalar::from(*zero_point),
                    zero_bias,
                );
                let mut out_size = size;
                *out_size.last_mut().expect("a linear input has dimensions") = unscale.len() as i64;
                super::token_rows::unstretch(y, &maxima, unscale, b).view(out_size.as_slice())
            }
        }
    }
}

/// A network's tensors by name, taken as fp32 whatever the network holds,
/// so that each is converted once, into what [`FastEncoder`]'s forward needs.
struct Weights<'a> {
    vars: &'a HashMap<String, Tensor>,
    precision: Precision,
    bits: Int8Bits,
}

impl Weights<'_> {
    fn get(&self, name: &str) -> anyhow::Result<Tensor> {
        Ok(self.stored(name)?.to_kind(Kind::Float))
    }

    /// The tensor in the kind it was loaded in.
    fn stored(&self, name: &str) -> anyhow::Result<&Tensor> {
        self.vars
            .get(name)
            .ok_or_else(|| anyhow::anyhow!("the model has no tensor {name}"))
    }

    fn linear(&self, prefix: &str) -> anyhow::Result<Linear> {
        Linear::new(
            self.get(&format!("{prefix}.weight"))?,
            self.get(&format!("{prefix}.bias"))?,
            self.precision,
            self.bits,
        )
    }

    fn ln(&self, prefix: &str) -> anyhow::Result<(Tensor, Tensor)> {
        Ok((
            self.get(&format!("{prefix}.weight"))?,
            self.get(&format!("{prefix}.bias"))?,
        ))
    }

    /// Encoder layer `i` with Q, K and V fused into one matrix (one
    /// multiplication instead of three).
    fn layer(&self, i: i64) -> anyhow::Result<Layer> {
        let p = format!("bert.encoder.layer.{i}");
        let part = |w: &str| self.get(&format!("{p}.attention.self.{w}"));
        let qkv_w = Tensor::cat(
            &[
                part("query.weight")?,
                part("key.weight")?,
                part("value.weight")?,
            ],
            0,
        );
        let qkv_b = Tensor::cat(
            &[part("query.bias")?, part("key.bias")?, part("value.bias")?],
            0,
        );
        Ok(Layer {
            qkv: Linear::new(qkv_w, qkv_b, self.precision, self.bits)?,
            out: self.linear(&format!("{p}.attention.output.dense"))?,
            ln1: self.ln(&format!("{p}.attention.output.LayerNorm"))?,
            ffn_in: self.linear(&format!("{p}.intermediate.dense"))?,
            ffn_out: self.linear(&format!("{p}.output.dense"))?,
            ln2: self.ln(&format!("{p}.output.LayerNorm"))?,
        })
    }
}

pub struct FastEncoder {
    word: Tensor,
    /// Position embeddings plus the token-type-0 row.
    position: Tensor,
    shape: Option<Tensor>,
    emb_ln: (Tensor, Tensor),
    layers: Vec<Layer>,
    classifier: (Tensor, Tensor),
    heads: i64,
    eps: f64,
    /// Kind of the matrix multiplications.
    kind: Kind,
}

impl FastEncoder {
    /// The network of a model with `config` from its tensors (checked
    /// against the config, any float kind), for inference in `precision`.
    pub fn new(
        tensors: &HashMap<String, Tensor>,
        config: &ModelConfig,
        precision: Precision,
    ) -> anyhow::Result<FastEncoder> {
        let hidden_act = config.hidden_act();
        if !matches!(hidden_act, "gelu" | "gelu_python") {
            anyhow::bail!(
                "hidden_act {hidden_act:?}: nerpipe's own forward implements erf-GELU BERTs; run with --engine rust-bert",
            );
        }
        let weights = Weights {
            vars: tensors,
            precision,
            bits: Int8Bits::for_this_cpu(),
        };
        let kind = match precision {
            Precision::Fp32 | Precision::Int8 => Kind::Float,
            Precision::Bf16 => Kind::BFloat16,
        };
        let layers = (0..config.bert.num_hidden_layers)
            .map(|i| weights.layer(i))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let get = |name: &str| weights.get(name);
        let token_type0 = get("bert.embeddings.token_type_embeddings.weight")?.get(0);
        // Looked up, not multiplied, and widened after the lookup: kept as
        // stored (fp16 widens to fp32 exactly), or bf16 for bf16, it takes
        // half the memory of fp32 at no cost.
        let word = weights.stored(WORD_EMBEDDINGS)?;
        let word = match precision {
            Precision::Bf16 => word.to_kind(Kind::BFloat16),
            Precision::Fp32 | Precision::Int8 => word.shallow_clone(),
        };
        Ok(FastEncoder {
            word,
            position: get("bert.embeddings.position_embeddings.weight")? + token_type0,
            shape: config
                .has_word_shapes
                .then(|| get(&format!("{}.weight", super::SHAPE_EMBEDDING)))
                .transpose()?,
            emb_ln: weights.ln("bert.embeddings.LayerNorm")?,
            layers,
            classifier: (get("classifier.weight")?, get("classifier.bias")?),
            heads: config.bert.num_attention_heads,
            eps: config.layer_norm_eps(),
            kind,
        })
    }
    /// The same network over the same weight tensors (not copied; only
    /// int8's small per-row vectors are), for another
    /// thread: tensors are `Send` but not `Sync`, so each thread that runs
    /// the forward holds handles of its own. The weights are only read
    /// after loading, which libtorch allows from many threads at once.
    pub fn replica(&self) -> FastEncoder {
        FastEncoder {
            word: self.word.shallow_clone(),
            position: self.position.shallow_clone(),
            shape: self.shape.as_ref().map(Tensor::shallow_clone),
            emb_ln: pair(&self.emb_ln),
            layers: self.layers.iter().map(Layer::replica).collect(),
            classifier: pair(&self.classifier),
            heads: self.heads,
            eps: self.eps,
            kind: self.kind,
        }
    }

    /// Whether the matrix multiplications run in bf16.
    pub fn multiplies_in_bf16(&self) -> bool {
        self.kind == Kind::BFloat16
    }

    /// Logits `[rows, width, tags]` (fp32) of a padded, possibly packed batch.
    pub fn logits(&self, input: &Padded) -> Tensor {
        tch::no_grad(|| {
            let mut x = Tensor::embedding(&self.word, &input.ids, -1, false, false)
                .to_kind(Kind::Float)
                + Tensor::embedding(&self.position, &input.positions, -1, false, false);
            if let Some(shape) = &self.shape {
                x += Tensor::embedding(shape, &input.shapes, -1, false, false);
            }
            let hidden = x.size()[2];
            let norm = |t: &Tensor, (w, b): &(Tensor, Tensor)| {
                t.layer_norm([hidden], Some(w), Some(b), self.eps, false)
            };
            let mut x = norm(&x, &self.emb_ln);
            // Attend within one's own piece; padding attends only padding.
            let mask = input
                .segments
                .unsqueeze(2)
                .eq_tensor(&input.segments.unsqueeze(1))
                .unsqueeze(1);
            let (rows, width) = (input.ids.size()[0], input.ids.size()[1]);
            let head_dim = hidden / self.heads;
            for l in &self.layers {
                let h = x.to_kind(self.kind);
                let qkv = l
                    .qkv
                    .apply(&h)
                    .view([rows, width, 3, self.heads, head_dim])
                    .permute([2, 0, 3, 1, 4]);
                let (q, k, v) = (qkv.get(0), qkv.get(1), qkv.get(2));
                let a =
                    Tensor::scaled_dot_product_attention(&q, &k, &v, Some(&mask), 0.0, false, None)
                        .transpose(1, 2)
                        .reshape([rows, width, hidden]);
                // fp32 + bf16 promotes to fp32 inside the add: no copy.
                x = norm(&(x + l.out.apply(&a)), &l.ln1);
                let f = l
                    .ffn_out
                    .apply(&l.ffn_in.apply(&x.to_kind(self.kind)).gelu("none"));
                x = norm(&(x + f), &l.ln2);
            }
            x.linear(&self.classifier.0, Some(&self.classifier.1))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Set in the child process [`int8_worst_case_does_not_saturate_on_avx2`]
    /// starts.
    const CHILD: &str = "NERPIPE_TEST_INT8_AVX2_CHILD";

    /// The worst case for fbgemm's AVX2 kernels: every activation at its
    /// maximum (255) against weights at their most negative, so each pair of
    /// byte products sums to the most negative value there is. With 8-bit
    /// weights (-128) that pair was -65 280, saturated at -32 768, and the
    /// output came out about half of what it is. Run in a child process of
    /// this test binary with `FBGEMM_ENABLE_INSTRUCTIONS=AVX2`, which makes
    /// fbgemm take its AVX2 path as on a CPU without AVX-512 (the variable
    /// is read once, at fbgemm's first call, so not in this process).
    #[test]
    fn int8_worst_case_does_not_saturate_on_avx2() {
        if std::env::var_os(CHILD).is_some() {
            return worst_case();
        }
        let output = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "model::fast::tests::int8_worst_case_does_not_saturate_on_avx2",
                "--nocapture",
                "--test-threads",
                "1",
            ])
            .env(CHILD, "1")
            .env("FBGEMM_ENABLE_INSTRUCTIONS", "AVX2")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(stdout.contains("1 passed"), "{stdout}");
    }

    fn worst_case() {
        assert_eq!(Int8Bits::for_this_cpu(), Int8Bits::AVX2);
        let inputs = 256;
        // Row 0 all -1 (quantized to -64), row 1 all +1 (64).
        let w: Vec<f32> = (0..2 * inputs)
            .map(|i| if i < inputs { -1.0 } else { 1.0 })
            .collect();
        let w = Tensor::from_slice(&w).view([2, inputs as i64]);
        let layer = Linear::new(
            w,
            Tensor::zeros([2], (Kind::Float, tch::Device::Cpu)),
            Precision::Int8,
            Int8Bits::for_this_cpu(),
        )
        .unwrap();
        let x = Tensor::ones([3, inputs as i64], (Kind::Float, tch::Device::Cpu));
        let y = Vec::<f32>::try_from(layer.apply(&x).flatten(0, -1)).unwrap();
        for pair in y.chunks(2) {
            // 8-bit activations put 1 at 127 steps of 2/255: 0.4 % low.
            assert!((pair[0] + 256.0).abs() < 2.0, "{y:?}");
            assert!((pair[1] - 256.0).abs() < 2.0, "{y:?}");
        }
    }

    /// Without VNNI the quantized weights lie in -64..=64 with zero point
    /// 0, the largest magnitude of each row at ±64; with it, in -128..=127.
    #[test]
    fn weights_take_seven_bits_without_vnni() {
        let w = Tensor::from_slice(&[0.5f32, -2.0, 1.0, 0.25, 3.0, -0.1]).view([2, 3]);
        let b = Tensor::zeros([2], (Kind::Float, tch::Device::Cpu));
        let quantized = |bits| match Linear::new(w.copy(), b.copy(), Precision::Int8, bits) {
            Ok(Linear::Int8 { q, zero_point, .. }) => {
                (Vec::<i8>::try_from(q.flatten(0, -1)).unwrap(), zero_point)
            }
            _ => panic!("not an int8 layer"),
        };
        // Rows are stretched to the same maximum first: row 0 by 1.5.
        assert_eq!(quantized(Int8Bits::AVX2), (vec![16, -64, 32, 5, 64, -2], 0));
        let (q, _) = quantized(Int8Bits::VNNI);
        assert!(q.iter().any(|v| !(-64..=64).contains(v)), "{q:?}");
    }
}
