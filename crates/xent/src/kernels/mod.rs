//! Row primitives shared by the activations, the measures, the losses and evaluation.
//!
//! This is the only module allowed `unsafe` (the crate root denies it elsewhere) and SIMD.
//! The matrix product goes to the `gemm` crate (`gemm.rs`, runtime-dispatched AVX-512 /
//! AVX2 / NEON). The row kernels come in two kinds: exact ones that widen to `f64`
//! (this file, `divergence.rs`, `sum.rs`), and the `f32` fast paths of `simd/`
//! (AVX-512, AVX2 + FMA or portable lanes, chosen at run time: exp and ln within 2 ulp,
//! register transposes for short rows, non-temporal stores for large outputs), which the
//! fused passes (`fused_ce.rs`, `fused_softmax.rs`) run over blocks of rows and hand the rows
//! they cannot take exactly (non-finite values) to the exact kernels. Each kernel works on
//! contiguous rows; the public modules handle shapes, validation and layout.
//!
//! Every batched operation runs on one row driver (`drive.rs`: fixed blocks of rows, on the
//! caller or rayon's pool, results independent of the thread count) with the block sizes and
//! thresholds of `tiling.rs`; the cross-entropy's choice among its paths (short, long, split,
//! soft, soft-capped) is `ce_rows.rs`, its exact `f64` kernel `ce_exact.rs`.

mod ce_exact;
mod ce_rows;
mod divergence;
pub(crate) mod drive;
pub(crate) mod fused_ce;
pub(crate) mod fused_softmax;
mod gather;
mod gemm;
mod huge;
mod row_max;
pub(crate) mod simd;
mod sum;
mod team;
pub(crate) mod tiling;

pub(crate) use ce_rows::{cross_entropy_rows, CeSpec, CeTargets};
pub(crate) use divergence::{
    cross_entropy_log_nats, cross_entropy_nats, entropy_log_nats, entropy_nats, js_nats, kl_excess,
    kl_log_nats, kl_nats,
};
pub use drive::Par;
pub(crate) use drive::{for_blocks, threads, RowIo, Wide};
pub(crate) use gather::gather_rows;
pub(crate) use gemm::{matmul, matmul_par};
pub(crate) use huge::zeroed_vec;
pub(crate) use row_max::{row_max, RowMax};
pub(crate) use simd::{bytes_divided, bytes_standardized};
pub(crate) use sum::{compensated_sum, CompensatedSum};
pub(crate) use team::with_team;

use crate::Float;

/// The factor each sample's gradient is scaled by: one for all, or one per sample.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RowScale<'a> {
    Uniform(f64),
    PerRow(&'a [f64]),
}

impl<'a> RowScale<'a> {
    /// The factor of sample `i`.
    #[inline]
    pub(crate) fn at(&self, i: usize) -> f64 {
        match self {
            RowScale::Uniform(s) => *s,
            RowScale::PerRow(s) => s[i],
        }
    }

    /// The factors of samples `range`.
    pub(crate) fn slice(self, range: std::ops::Range<usize>) -> RowScale<'a> {
        match self {
            RowScale::Uniform(s) => RowScale::Uniform(s),
            RowScale::PerRow(s) => RowScale::PerRow(&s[range]),
        }
    }
}

/// `coefficient · x`, but 0 when the coefficient is 0 (so that 0 · ∞ does not make NaN of
/// a term the caller switched off).
#[inline]
pub(crate) fn times(coefficient: f64, x: f64) -> f64 {
    if coefficient == 0.0 {
        0.0
    } else {
        coefficient * x
    }
}

/// Σ_{i ≠ arg} exp((x_i − max) / t), accumulated in `f64`: the sum of the exponentials of a
/// row shifted by its finite maximum, without the maximum's own term (which is exactly 1), so
/// that ln of the full sum can be taken as `ln_1p` of this without losing the small terms.
pub(crate) fn sum_exp_rest<T: Float>(x: &[T], max: f64, arg: usize, temperature: f64) -> f64 {
    compensated_sum(x.iter().enumerate().map(|(i, &v)| {
        if i == arg {
            0.0
        } else {
            ((v.to_f64() - max) / temperature).exp()
        }
    }))
}

/// ln Σ exp(x_i / t) with the conventions of [`crate::activation::logsumexp`].
pub(crate) fn logsumexp<T: Float>(x: &[T], temperature: f64) -> f64 {
    match row_max(x) {
        RowMax::Empty | RowMax::AllNegInf => f64::NEG_INFINITY,
        RowMax::Nan => f64::NAN,
        RowMax::PosInf { .. } => f64::INFINITY,
        RowMax::Finite { max, arg } => {
            max / temperature + sum_exp_rest(x, max, arg, temperature).ln_1p()
        }
    }
}

/// Overwrites a row with softmax(x / t), with the conventions of [`crate::activation::softmax`].
pub(crate) fn softmax_in_place<T: Float>(x: &mut [T], temperature: f64) {
    match row_max(x) {
        RowMax::Empty => {}
        RowMax::Nan => x.fill(T::NAN),
        RowMax::AllNegInf => x.fill(T::from_f64(1.0 / x.len() as f64)),
        RowMax::PosInf { count } => {
            let share = T::from_f64(1.0 / count as f64);
            for v in x.iter_mut() {
                *v = if *v == T::INFINITY { share } else { T::ZERO };
            }
        }
        RowMax::Finite { max, arg } => {
            let denominator = 1.0 + sum_exp_rest(x, max, arg, temperature);
            for v in x.iter_mut() {
                *v = T::from_f64(((v.to_f64() - max) / temperature).exp() / denominator);
            }
        }
    }
}

/// Overwrites a row with log_softmax(x / t), with the conventions of
/// [`crate::activation::log_softmax`].
pub(crate) fn log_softmax_in_place<T: Float>(x: &mut [T], temperature: f64) {
    match row_max(x) {
        RowMax::Empty => {}
        RowMax::Nan => x.fill(T::NAN),
        RowMax::AllNegInf => x.fill(T::from_f64(-(x.len() as f64).ln())),
        RowMax::PosInf { count } => {
            let share = T::from_f64(-(count as f64).ln());
            for v in x.iter_mut() {
                *v = if *v == T::INFINITY {
                    share
                } else {
                    T::NEG_INFINITY
                };
            }
        }
        RowMax::Finite { max, arg } => {
            let log_denominator = sum_exp_rest(x, max, arg, temperature).ln_1p();
            for v in x.iter_mut() {
                // (x − max) first: exact when x is near max, so the largest entries keep
                // their full precision instead of inheriting the rounding of max + lse.
                *v = T::from_f64((v.to_f64() - max) / temperature - log_denominator);
            }
        }
    }
}
