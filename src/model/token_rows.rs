//! The passes around each int8 multiplication, one sweep over the tokens'
//! rows each instead of a libtorch operation per step: stretching every
//! token to an absolute maximum of 1 on the way in, and on the way out
//! undoing that stretch and the weights' per-row one and adding the bias.
//! They compute what the libtorch operations they replace computed: the
//! same bits, but for the last one of a fused multiply-add (see the tests).

use tch::{Kind, Tensor};

/// Lanes of a sweep: the compiler keeps each in a vector register.
const LANES: usize = 8;

/// `x` (`[tokens, inputs]`) with each row divided by its largest magnitude
/// (at least 1e-12), written into the first `tokens` rows of a new
/// `[tokens + 1, inputs]` tensor whose last row is `last`; and the maxima.
pub(super) fn stretch(x: &Tensor, last: &[f32]) -> (Tensor, Vec<f32>) {
    let x = x.contiguous();
    let size = x.size();
    let (tokens, inputs) = (size[0] as usize, size[1] as usize);
    assert_eq!(last.len(), inputs, "the last row has one value per input");
    let mut stretched = Tensor::empty([tokens as i64 + 1, inputs as i64], FLOAT_CPU);
    let mut maxima = vec![0f32; tokens];
    let out = floats_mut(&mut stretched);
    stretch_rows(floats(&x), inputs, out, &mut maxima);
    out[tokens * inputs..].copy_from_slice(last);
    (stretched, maxima)
}

/// Rows `0..maxima.len()` of `y` (`[tokens + 1, outputs]`, fp32, which
/// the caller hands over) as `y · maximum · unscale + bias`, in place:
/// each token's stretch undone, then each output's, the bias added.
pub(super) fn unstretch(mut y: Tensor, maxima: &[f32], unscale: &[f32], bias: &[f32]) -> Tensor {
    let (tokens, outputs) = (maxima.len(), unscale.len());
    assert_eq!(y.size(), [tokens as i64 + 1, outputs as i64]);
    let values = &mut floats_mut(&mut y)[..tokens * outputs];
    unstretch_rows(values, maxima, unscale, bias);
    y.narrow(0, 0, tokens as i64)
}

const FLOAT_CPU: (Kind, tch::Device) = (Kind::Float, tch::Device::Cpu);

/// The values of a contiguous fp32 CPU tensor.
fn floats(t: &Tensor) -> &[f32] {
    assert!(t.kind() == Kind::Float && t.device() == tch::Device::Cpu && t.is_contiguous());
    // An empty tensor may have no storage (a null pointer).
    if t.numel() == 0 {
        return &[];
    }
    // SAFETY: checked above: `numel` fp32 values in one block, alive as
    // long as `t`; the forward runs under no_grad, nothing writes them.
    unsafe { std::slice::from_raw_parts(t.data_ptr() as *const f32, t.numel()) }
}

/// The values of a contiguous fp32 CPU tensor this code alone holds.
fn floats_mut(t: &mut Tensor) -> &mut [f32] {
    assert!(t.kind() == Kind::Float && t.device() == tch::Device::Cpu && t.is_contiguous());
    if t.numel() == 0 {
        return &mut [];
    }
    // SAFETY: as in `floats`; `t` is a new tensor (made here, or the
    // result of an operation handed over), borrowed mutably: no other
    // slice or handle of its storage exists.
    unsafe { std::slice::from_raw_parts_mut(t.data_ptr() as *mut f32, t.numel()) }
}

/// Whether the sweeps can run their AVX2 and FMA builds.
fn has_avx2_fma() -> bool {
    #[cfg(target_arch = "x86_64")]
    return is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma");
    #[cfg(not(target_arch = "x86_64"))]
    return false;
}

/// The sweeps built for AVX2 and FMA: the same code, in 8 lanes.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn stretch_rows(
        values: &[f32],
        inputs: usize,
        out: &mut [f32],
        maxima: &mut [f32],
    ) {
        super::stretch_rows_any(values, inputs, out, maxima)
    }

    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn unstretch_rows(
        values: &mut [f32],
        maxima: &[f32],
        unscale: &[f32],
        bias: &[f32],
    ) {
        super::unstretch_rows_any(values, maxima, unscale, bias)
    }
}

fn stretch_rows(values: &[f32], inputs: usize, out: &mut [f32], maxima: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        // SAFETY: the CPU has the features it is built for.
        return unsafe { avx2::stretch_rows(values, inputs, out, maxima) };
    }
    stretch_rows_any(values, inputs, out, maxima)
}

fn unstretch_rows(values: &mut [f32], maxima: &[f32], unscale: &[f32], bias: &[f32]) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        // SAFETY: the CPU has the features it is built for.
        return unsafe { avx2::unstretch_rows(values, maxima, unscale, bias) };
    }
    unstretch_rows_any(values, maxima, unscale, bias)
}

#[inline(always)]
fn stretch_rows_any(values: &[f32], inputs: usize, out: &mut [f32], maxima: &mut [f32]) {
    for ((row, dest), maximum) in values
        .chunks_exact(inputs)
        .zip(out.chunks_exact_mut(inputs))
        .zip(maxima.iter_mut())
    {
        let mut lanes = [0f32; LANES];
        let mut chunks = row.chunks_exact(LANES);
        for chunk in &mut chunks {
            for (lane, v) in lanes.iter_mut().zip(chunk) {
                let a = v.abs();
                *lane = if a > *lane { a } else { *lane };
            }
        }
        let mut m = chunks.remainder().iter().fold(0f32, |m, v| m.max(v.abs()));
        for lane in lanes {
            m = m.max(lane);
        }
        let m = m.max(1e-12);
        *maximum = m;
        for (d, v) in dest.iter_mut().zip(row) {
            *d = v / m;
        }
    }
}

#[inline(always)]
fn unstretch_rows_any(values: &mut [f32], maxima: &[f32], unscale: &[f32], bias: &[f32]) {
    for (row, m) in values.chunks_exact_mut(unscale.len()).zip(maxima) {
        for ((y, u), b) in row.iter_mut().zip(unscale).zip(bias) {
            *y = (*y * m).mul_add(*u, *b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(t: &Tensor) -> Vec<u32> {
        Vec::<f32>::try_from(t.flatten(0, -1))
            .unwrap()
            .into_iter()
            .map(f32::to_bits)
            .collect()
    }

    /// No tokens: only the last row, nothing to undo.
    #[test]
    fn sweeps_take_no_tokens() {
        let x = Tensor::empty([0, 3], FLOAT_CPU);
        let (stretched, maxima) = stretch(&x, &[1.0, -1.0, 0.0]);
        assert_eq!(
            Vec::<f32>::try_from(stretched.view([-1])).unwrap(),
            [1.0, -1.0, 0.0]
        );
        assert!(maxima.is_empty());
        let y = Tensor::zeros([1, 2], FLOAT_CPU);
        assert_eq!(unstretch(y, &[], &[1.0, 1.0], &[0.0, 0.0]).size(), [0, 2]);
    }

    /// The libtorch operations the sweeps replace, on the same data, give
    /// the same bits.
    #[test]
    fn sweeps_give_the_bits_of_the_libtorch_operations() {
        tch::manual_seed(7);
        for (tokens, inputs, outputs) in [(5, 384, 1152), (3, 1536, 384), (2, 13, 7)] {
            let x = Tensor::randn([tokens, inputs], (Kind::Float, tch::Device::Cpu)) * 3.0;
            // A zero row keeps the floor of 1e-12.
            let _ = x.get(0).zero_();
            let last: Vec<f32> = (0..inputs).map(|i| i as f32).collect();
            let (stretched, maxima) = stretch(&x, &last);
            let token_max = x
                .amax([1].as_slice(), true)
                .maximum(&-x.amin([1].as_slice(), true))
                .clamp_min(1e-12);
            let expected = Tensor::cat(
                &[&x / &token_max, Tensor::from_slice(&last).view([1, -1])],
                0,
            );
            assert_eq!(values(&stretched), values(&expected));
            assert_eq!(maxima, Vec::<f32>::try_from(token_max.view([-1])).unwrap());

            let y = Tensor::randn([tokens + 1, outputs], (Kind::Float, tch::Device::Cpu));
            let unscale = Tensor::rand([outputs], (Kind::Float, tch::Device::Cpu)) + 0.5;
            let bias = Tensor::randn([outputs], (Kind::Float, tch::Device::Cpu));
            let got = unstretch(
                y.copy(),
                &maxima,
                &Vec::<f32>::try_from(&unscale).unwrap(),
                &Vec::<f32>::try_from(&bias).unwrap(),
            );
            let mut expected = y.narrow(0, 0, tokens);
            expected *= &token_max;
            let expected = bias.addcmul(&expected, &unscale);
            // Fused multiply-add as libtorch's AVX2 kernel has it (bit for
            // bit on an AVX2 EPYC); a kernel without it may round the
            // last bit the other way.
            for (g, e) in values(&got).into_iter().zip(values(&expected)) {
                assert!(
                    g.abs_diff(e) <= 1,
                    "{tokens}×{outputs}: {} against {}",
                    f32::from_bits(g),
                    f32::from_bits(e)
                );
            }
        }
    }
}
