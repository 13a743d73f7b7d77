//! Row passes over `f32` slices: maximum and sums, shifted exponentials, affine rewrites.
//! Partial sums live in 16 f32 lanes and are flushed to `f64` every 1024 elements, so a row
//! of any length keeps ~f32-rounding-level relative error per block and f64 across blocks.

use super::dispatch;
use super::math::{exp_nonpositive_lane, tanh_lane, LANES};

/// Elements per block between flushes of the f32 lane sums into f64.
const BLOCK: usize = 64 * LANES;

/// What one read of a row finds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RowStats {
    /// The largest element (−∞ for an empty or all −∞ row; NaN is ignored here).
    pub max: f32,
    /// Σ x (NaN when the row holds a NaN, or both +∞ and −∞).
    pub sum: f64,
    /// Σ wᵢ·xᵢ when weights were given.
    pub weighted_sum: f64,
}

impl RowStats {
    /// No NaN, no +∞, and at least one finite element: the fast kernels apply.
    pub(crate) fn is_regular(&self) -> bool {
        self.max.is_finite() && !self.sum.is_nan()
    }
}

#[inline(always)]
fn max_and_sums_body(x: &[f32], w: Option<&[f32]>) -> RowStats {
    let mut max = [f32::NEG_INFINITY; LANES];
    let mut total = 0.0f64;
    let mut weighted = 0.0f64;
    for (b, block) in x.chunks(BLOCK).enumerate() {
        let mut sum = [0.0f32; LANES];
        let mut wsum = [0.0f32; LANES];
        let mut chunks = block.chunks_exact(LANES);
        // Separate loops with and without weights: one loop with the weights' branch inside
        // kept LLVM from vectorising the sums.
        match w.map(|w| &w[b * BLOCK..b * BLOCK + block.len()]) {
            None => {
                for c in &mut chunks {
                    max_sum_lanes(c, &mut max, &mut sum);
                }
            }
            Some(wb) => {
                for (c, wc) in (&mut chunks).zip(wb.chunks_exact(LANES)) {
                    max_sum_lanes(c, &mut max, &mut sum);
                    for l in 0..LANES {
                        wsum[l] += wc[l] * c[l];
                    }
                }
            }
        }
        let i = block.len() - chunks.remainder().len();
        for (j, &v) in chunks.remainder().iter().enumerate() {
            max[0] = if v > max[0] { v } else { max[0] };
            sum[0] += v;
            if let Some(w) = w {
                wsum[0] += w[b * BLOCK + i + j] * v;
            }
        }
        total += sum.iter().map(|&s| s as f64).sum::<f64>();
        weighted += wsum.iter().map(|&s| s as f64).sum::<f64>();
    }
    RowStats {
        max: max
            .iter()
            .fold(f32::NEG_INFINITY, |m, &v| if v > m { v } else { m }),
        sum: total,
        weighted_sum: weighted,
    }
}

/// One chunk into the lane maxima and sums.
#[inline(always)]
fn max_sum_lanes(c: &[f32], max: &mut [f32; LANES], sum: &mut [f32; LANES]) {
    let c: &[f32; LANES] = c.try_into().expect("a chunk of LANES values");
    for l in 0..LANES {
        max[l] = if c[l] > max[l] { c[l] } else { max[l] };
        sum[l] += c[l];
    }
}

dispatch!(
    /// One read of a row: its maximum, Σx and (with weights) Σw·x.
    max_and_sums(x: &[f32], w: Option<&[f32]>) -> RowStats = max_and_sums_body
);

/// The shared loop of the shifted-exponential passes: e = exp(x − m) for each element, handed
/// to `store`, and (number of elements equal to m, Σ of the others), so that
/// Σ e = ties + rest with `rest` free of the rounding a leading 1 would cause.
#[inline(always)]
fn exp_shift_loop(
    x: &[f32],
    m: f32,
    mut store: impl FnMut(usize, &[f32; LANES], usize),
) -> (f64, f64) {
    let (mut ties, mut rest) = (0.0f64, 0.0f64);
    for (b, block) in x.chunks(BLOCK).enumerate() {
        let mut sum = [0.0f32; LANES];
        let mut count = [0.0f32; LANES];
        let mut chunks = block.chunks_exact(LANES);
        let mut offset = b * BLOCK;
        for c in &mut chunks {
            let mut e = [0.0f32; LANES];
            for l in 0..LANES {
                // At the maximum e is exactly 1, so e − tie keeps the ties out of `sum`
                // (written as arithmetic: a select here became masked stores to the stack).
                let tie = if c[l] == m { 1.0 } else { 0.0 };
                e[l] = exp_nonpositive_lane(c[l] - m);
                sum[l] += e[l] - tie;
                count[l] += tie;
            }
            store(offset, &e, LANES);
            offset += LANES;
        }
        let tail = chunks.remainder();
        if !tail.is_empty() {
            let mut e = [0.0f32; LANES];
            for (l, &v) in tail.iter().enumerate() {
                e[l] = exp_nonpositive_lane(v - m);
                sum[0] += if v == m { 0.0 } else { e[l] };
                count[0] += if v == m { 1.0 } else { 0.0 };
            }
            store(offset, &e, tail.len());
        }
        rest += sum.iter().map(|&s| s as f64).sum::<f64>();
        ties += count.iter().map(|&s| s as f64).sum::<f64>();
    }
    (ties, rest)
}

#[inline(always)]
fn exp_shift_sum_body(x: &[f32], m: f32) -> (f64, f64) {
    exp_shift_loop(x, m, |_, _, _| {})
}

#[inline(always)]
fn exp_shift_sum_into_body(x: &[f32], m: f32, out: &mut [f32]) -> (f64, f64) {
    exp_shift_loop(x, m, |at, e, n| out[at..at + n].copy_from_slice(&e[..n]))
}

#[inline(always)]
fn exp_shift_sum_in_place_body(x: &mut [f32], m: f32) -> (f64, f64) {
    let (mut ties, mut rest) = (0.0f64, 0.0f64);
    for block in x.chunks_mut(BLOCK) {
        let mut sum = [0.0f32; LANES];
        let mut count = [0.0f32; LANES];
        let mut chunks = block.chunks_exact_mut(LANES);
        for c in &mut chunks {
            for l in 0..LANES {
                let v = c[l];
                let tie = if v == m { 1.0 } else { 0.0 };
                let e = exp_nonpositive_lane(v - m);
                sum[l] += e - tie;
                count[l] += tie;
                c[l] = e;
            }
        }
        for v in chunks.into_remainder() {
            let e = exp_nonpositive_lane(*v - m);
            sum[0] += if *v == m { 0.0 } else { e };
            count[0] += if *v == m { 1.0 } else { 0.0 };
            *v = e;
        }
        rest += sum.iter().map(|&s| s as f64).sum::<f64>();
        ties += count.iter().map(|&s| s as f64).sum::<f64>();
    }
    (ties, rest)
}

/// Σ exp(x − max) of a row kept as (ties, rest) for a running maximum: the online form of
/// [`max_and_sums`] followed by [`exp_shift_sum`], and the merge rule that joins two parts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct OnlineSumExp {
    /// The largest element so far (−∞ before any finite one).
    pub max: f32,
    /// Elements equal to `max` (each contributes exactly 1).
    pub ties: f64,
    /// Σ exp(x − max) over the other elements.
    pub rest: f64,
    /// Σ x, for the same regularity check as [`RowStats::is_regular`].
    pub sum: f64,
}

impl OnlineSumExp {
    pub(crate) const EMPTY: Self = Self {
        max: f32::NEG_INFINITY,
        ties: 0.0,
        rest: 0.0,
        sum: 0.0,
    };

    /// (m, s) ⊕ (m′, s′) = (M, s·e^(m−M) + s′·e^(m′−M)), M = max(m, m′); the part whose
    /// maximum is below M moves wholly into `rest`.
    pub(crate) fn merge(self, other: Self) -> Self {
        let sum = self.sum + other.sum;
        let (hi, lo) = if other.max > self.max {
            (other, self)
        } else {
            (self, other)
        };
        if lo.max == hi.max {
            return Self {
                max: hi.max,
                ties: hi.ties + lo.ties,
                rest: hi.rest + lo.rest,
                sum,
            };
        }
        // lo.max < hi.max here, so the scale is below 1 (0 when lo is empty or hi is +∞).
        let scale = if lo.max == f32::NEG_INFINITY {
            0.0
        } else {
            (lo.max as f64 - hi.max as f64).exp()
        };
        Self {
            max: hi.max,
            ties: hi.ties,
            rest: hi.rest + (lo.ties + lo.rest) * scale,
            sum,
        }
    }

    /// No NaN, no +∞, and at least one finite element: as [`RowStats::is_regular`].
    pub(crate) fn is_regular(&self) -> bool {
        self.max.is_finite() && !self.sum.is_nan()
    }

    /// ln Σ exp(x − max), accurate when the sum is close to 1.
    pub(crate) fn ln_sum(&self) -> f64 {
        (self.ties - 1.0 + self.rest).ln_1p()
    }
}

/// The maximum and Σ exp(x − max) of a row from one read from memory: block by block (4 KiB,
/// in L1), the block's maximum, then its shifted exponentials from cache, merged into the
/// running result, so that the exponentials' arithmetic overlaps the read instead of needing
/// a second pass over the row. (Calls the two dispatched passes per block: written as one
/// loop body, LLVM vectorised the maximum across the wrong axis.)
pub(crate) fn online_sum_exp(x: &[f32]) -> OnlineSumExp {
    x.chunks(BLOCK).fold(OnlineSumExp::EMPTY, |run, block| {
        let stats = max_and_sums(block, None);
        let (ties, rest) = if stats.max.is_finite() {
            exp_shift_sum(block, stats.max)
        } else {
            (0.0, 0.0)
        };
        run.merge(OnlineSumExp {
            max: stats.max,
            ties,
            rest,
            sum: stats.sum,
        })
    })
}

dispatch!(
    /// (ties, rest) with Σ exp(x − m) = ties + rest: the number of elements equal to m and the
    /// sum of the others' exponentials.
    exp_shift_sum(x: &[f32], m: f32) -> (f64, f64) = exp_shift_sum_body
);

dispatch!(
    /// As [`exp_shift_sum`], also writing exp(x − m) into `out`.
    exp_shift_sum_into(x: &[f32], m: f32, out: &mut [f32]) -> (f64, f64) = exp_shift_sum_into_body
);

dispatch!(
    /// As [`exp_shift_sum`], overwriting x with exp(x − m).
    exp_shift_sum_in_place(x: &mut [f32], m: f32) -> (f64, f64) = exp_shift_sum_in_place_body
);

#[inline(always)]
fn target_sums_body(z: &[f32], t: &[f32], w: Option<&[f32]>) -> (f64, f64) {
    let (mut wt, mut wtz) = (0.0f64, 0.0f64);
    for (b, (zb, tb)) in z.chunks(BLOCK).zip(t.chunks(BLOCK)).enumerate() {
        let mut a = [0.0f32; LANES];
        let mut c = [0.0f32; LANES];
        let wb = w.map(|w| &w[b * BLOCK..b * BLOCK + zb.len()]);
        for (i, (&zv, &tv)) in zb.iter().zip(tb).enumerate() {
            let wt_i = match wb {
                Some(wb) => wb[i] * tv,
                None => tv,
            };
            a[i % LANES] += wt_i;
            // A zero target weight contributes nothing, even against a −∞ logit.
            c[i % LANES] += if wt_i == 0.0 { 0.0 } else { wt_i * zv };
        }
        wt += a.iter().map(|&v| v as f64).sum::<f64>();
        wtz += c.iter().map(|&v| v as f64).sum::<f64>();
    }
    (wt, wtz)
}

dispatch!(
    /// (Σ w·t, Σ w·t·z) over a row, terms with w·t = 0 skipped.
    target_sums(z: &[f32], t: &[f32], w: Option<&[f32]>) -> (f64, f64) = target_sums_body
);

#[inline(always)]
fn soft_grad_in_place_body(
    v: &mut [f32],
    alpha: f32,
    t: &[f32],
    b_t: f32,
    b_w: f32,
    w: Option<&[f32]>,
) {
    match w {
        None => v
            .iter_mut()
            .zip(t)
            .for_each(|(x, &t)| *x = *x * alpha - b_t * t - b_w),
        Some(w) => v
            .iter_mut()
            .zip(t)
            .zip(w)
            .for_each(|((x, &t), &w)| *x = *x * alpha - (b_t * t + b_w) * w),
    }
}

dispatch!(
    /// v ← α·v − (β_t·t + β_w)·w (w = 1 without weights): the gradient pass of soft targets.
    soft_grad_in_place(v: &mut [f32], alpha: f32, t: &[f32], b_t: f32, b_w: f32, w: Option<&[f32]>) -> () = soft_grad_in_place_body
);

#[inline(always)]
fn tanh_cap_into_body(z: &[f32], cap: f32, out: &mut [f32]) {
    let inv = 1.0 / cap;
    out.iter_mut()
        .zip(z)
        .for_each(|(o, &v)| *o = cap * tanh_lane(v * inv));
}

dispatch!(
    /// out ← c·tanh(z/c): logit soft-capping.
    tanh_cap_into(z: &[f32], cap: f32, out: &mut [f32]) -> () = tanh_cap_into_body
);

#[inline(always)]
fn tanh_cap_in_place_body(z: &mut [f32], cap: f32) {
    let inv = 1.0 / cap;
    z.iter_mut().for_each(|v| *v = cap * tanh_lane(*v * inv));
}

dispatch!(
    /// z ← c·tanh(z/c), in place.
    tanh_cap_in_place(z: &mut [f32], cap: f32) -> () = tanh_cap_in_place_body
);

#[inline(always)]
fn softcap_grad_in_place_body(
    zc: &mut [f32],
    m: f32,
    alpha: f32,
    beta: f32,
    w: Option<&[f32]>,
    cap: f32,
) {
    let inv = 1.0 / cap;
    match w {
        None => zc.iter_mut().for_each(|v| {
            let t = *v * inv;
            *v = (exp_nonpositive_lane(*v - m) * alpha - beta) * (1.0 - t * t);
        }),
        Some(w) => zc.iter_mut().zip(w).for_each(|(v, &w)| {
            let t = *v * inv;
            *v = (exp_nonpositive_lane(*v - m) * alpha - beta * w) * (1.0 - t * t);
        }),
    }
}

dispatch!(
    /// zc ← (α·e^(zc − m) − β·w)·(1 − (zc/c)²): the gradient through a soft-cap, computed
    /// from the capped logits themselves.
    softcap_grad_in_place(zc: &mut [f32], m: f32, alpha: f32, beta: f32, w: Option<&[f32]>, cap: f32) -> () = softcap_grad_in_place_body
);

#[inline(always)]
fn scale_shift_in_place_body(v: &mut [f32], alpha: f32, beta: f32, w: Option<&[f32]>) {
    match w {
        None => v.iter_mut().for_each(|x| *x = *x * alpha - beta),
        Some(w) => v
            .iter_mut()
            .zip(w)
            .for_each(|(x, &w)| *x = *x * alpha - beta * w),
    }
}

dispatch!(
    /// v ← α·v − β (or − β·wᵢ with weights).
    scale_shift_in_place(v: &mut [f32], alpha: f32, beta: f32, w: Option<&[f32]>) -> () = scale_shift_in_place_body
);

#[inline(always)]
fn shift_into_body(x: &[f32], m: f32, c: f32, out: &mut [f32]) {
    out.iter_mut().zip(x).for_each(|(o, &v)| *o = (v - m) - c);
}

dispatch!(
    /// out ← (x − m) − c: log-softmax's write pass; x − m first keeps the entries near the
    /// maximum exact.
    shift_into(x: &[f32], m: f32, c: f32, out: &mut [f32]) -> () = shift_into_body
);

#[inline(always)]
fn shift_in_place_body(x: &mut [f32], m: f32, c: f32) {
    x.iter_mut().for_each(|v| *v = (*v - m) - c);
}

dispatch!(
    /// x ← (x − m) − c, in place.
    shift_in_place(x: &mut [f32], m: f32, c: f32) -> () = shift_in_place_body
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passes_agree_with_plain_loops() {
        for n in [0usize, 1, 5, 16, 17, 1023, 1024, 1025, 5000] {
            let x: Vec<f32> = (0..n)
                .map(|i| ((i * 37 % 101) as f32) * 0.1 - 5.0)
                .collect();
            let w: Vec<f32> = (0..n).map(|i| (i % 3) as f32).collect();
            let s = max_and_sums(&x, Some(&w));
            let max = x.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
            assert_eq!(s.max, max);
            let sum: f64 = x.iter().map(|&v| v as f64).sum();
            assert!((s.sum - sum).abs() < 1e-3, "{n}: {} vs {sum}", s.sum);
            let ws: f64 = x.iter().zip(&w).map(|(&v, &w)| v as f64 * w as f64).sum();
            assert!((s.weighted_sum - ws).abs() < 1e-3);
            if n == 0 {
                continue;
            }
            let (ties, rest) = exp_shift_sum(&x, max);
            let exact: f64 = x.iter().map(|&v| ((v - max) as f64).exp()).sum();
            assert!(((ties + rest) - exact).abs() < 1e-5 * exact, "{n}");
            let mut out = vec![0.0; n];
            assert_eq!(exp_shift_sum_into(&x, max, &mut out), (ties, rest));
            let mut inplace = x.clone();
            assert_eq!(exp_shift_sum_in_place(&mut inplace, max), (ties, rest));
            assert_eq!(inplace, out);
        }
    }

    #[test]
    fn small_terms_beside_the_maximum_are_kept() {
        let x = [0.0f32, -20.0, -20.0];
        let (ties, rest) = exp_shift_sum(&x, 0.0);
        assert_eq!(ties, 1.0);
        assert!((rest - 2.0 * (-20f64).exp()).abs() < 1e-15);
    }

    #[test]
    fn online_sum_exp_agrees_with_the_two_passes() {
        // Rows whose maximum rises block after block, falls, or repeats across blocks (ties
        // in several blocks), with tiny terms that must survive the rescaling.
        let rising: Vec<f32> = (0..5000).map(|i| i as f32 * 0.01).collect();
        let falling: Vec<f32> = rising.iter().rev().copied().collect();
        let mut repeated: Vec<f32> = (0..4100).map(|i| -((i % 977) as f32) * 0.05).collect();
        repeated[3000] = 0.0;
        let mut spiky = vec![-30.0f32; 3000];
        spiky[2500] = 0.0;
        for x in [rising, falling, repeated, spiky] {
            let s = online_sum_exp(&x);
            let max = x.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
            assert_eq!(s.max, max);
            let ties = x.iter().filter(|&&v| v == max).count() as f64;
            let rest: f64 = x
                .iter()
                .filter(|&&v| v != max)
                .map(|&v| ((v - max) as f64).exp())
                .sum();
            assert_eq!(s.ties, ties);
            assert!((s.rest - rest).abs() <= 1e-6 * rest, "{} vs {rest}", s.rest);
            let lse = max as f64 + (ties + rest).ln();
            assert!((s.max as f64 + s.ln_sum() - lse).abs() < 1e-6 * lse.abs().max(1.0));
            assert!(s.is_regular());
        }
        // The regularity check sees +∞, NaN and rows of only −∞.
        let mut x = vec![0.5f32; 2000];
        x[1500] = f32::INFINITY;
        assert!(!online_sum_exp(&x).is_regular());
        x[1500] = f32::NAN;
        assert!(!online_sum_exp(&x).is_regular());
        assert!(!online_sum_exp(&[f32::NEG_INFINITY; 1100]).is_regular());
        let mut x = vec![f32::NEG_INFINITY; 2000];
        x[1999] = -3.0;
        let s = online_sum_exp(&x);
        assert_eq!((s.max, s.ties, s.rest), (-3.0, 1.0, 0.0));
    }

    #[test]
    fn merge_moves_the_lower_part_into_rest() {
        let a = OnlineSumExp {
            max: 0.0,
            ties: 2.0,
            rest: 0.5,
            sum: 1.0,
        };
        let b = OnlineSumExp {
            max: -1.0,
            ties: 1.0,
            rest: 0.25,
            sum: -2.0,
        };
        let m = a.merge(b);
        assert_eq!((m.max, m.ties, m.sum), (0.0, 2.0, -1.0));
        assert!((m.rest - (0.5 + 1.25 * (-1f64).exp())).abs() < 1e-15);
        assert_eq!(b.merge(a), m);
        assert_eq!(a.merge(a).ties, 4.0);
        assert_eq!(
            OnlineSumExp::EMPTY.merge(b),
            OnlineSumExp { sum: -2.0, ..b }
        );
    }
}
