//! Entropy and KL divergence of `f32` rows, vectorised, with the checks of the strict input
//! policy (sum, sign, finiteness) folded into the same read.

use super::dispatch;
use super::math::{fma, ln_1p_cubic, ln_1p_with, ln_lane, ln_normal_lane, split_lane, LANES};

const BLOCK: usize = 64 * LANES;

/// What one read of a distribution finds: Σ p ln p, Σ p and the smallest p.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EntropyRow {
    pub p_ln_p: f64,
    pub sum: f64,
    pub min: f32,
    /// Some element is a positive subnormal, which the vector log does not take: the row
    /// needs the exact kernel. (Negative elements show in `min`, NaN in the sums.)
    pub subnormal: bool,
}

/// The bits of p minus one, as unsigned: below `SUBNORMAL_BOUND` exactly for the positive
/// subnormals (0 wraps to the top, negative numbers have the sign bit). One integer
/// subtraction and an unsigned minimum per lane flag them.
#[inline(always)]
fn bits_less_one(p: f32) -> u32 {
    p.to_bits().wrapping_sub(1)
}

const SUBNORMAL_BOUND: u32 = 0x007f_ffff;

/// One read of a row for its entropy; with `CHECKED` false the sum and minimum, which only
/// the input policy's checks need, are not computed (left at 0 and +∞).
#[inline(always)]
fn entropy_row_body<const CHECKED: bool>(p: &[f32]) -> EntropyRow {
    let (mut plnp, mut total) = (0.0f64, 0.0f64);
    let mut min = [f32::INFINITY; LANES];
    let mut low = [u32::MAX; LANES];
    for block in p.chunks(BLOCK) {
        // p ln p = p·e·ln 2 + p·ln m: Σ p·e and Σ p·ln m apart, scaled by ln 2 once a block.
        let mut acc = [0.0f32; LANES];
        let mut pe_acc = [0.0f32; LANES];
        let mut sum = [0.0f32; LANES];
        let mut chunks = block.chunks_exact(LANES);
        for c in &mut chunks {
            for l in 0..LANES {
                let v = c[l];
                // split_lane(0) is finite, so 0·ln 0 comes out 0 with no select.
                let (e, f) = split_lane(v);
                acc[l] = fma(v, ln_1p_with(f, ln_1p_cubic(f)), acc[l]);
                pe_acc[l] = fma(v, e, pe_acc[l]);
                if CHECKED {
                    sum[l] += v;
                    min[l] = if v < min[l] { v } else { min[l] };
                }
                low[l] = low[l].min(bits_less_one(v));
            }
        }
        for &v in chunks.remainder() {
            acc[0] = fma(v, ln_normal_lane(v), acc[0]);
            sum[0] += v;
            min[0] = if v < min[0] { v } else { min[0] };
            low[0] = low[0].min(bits_less_one(v));
        }
        plnp += acc.iter().map(|&s| s as f64).sum::<f64>()
            + std::f64::consts::LN_2 * pe_acc.iter().map(|&s| s as f64).sum::<f64>();
        total += sum.iter().map(|&s| s as f64).sum::<f64>();
    }
    EntropyRow {
        p_ln_p: plnp,
        sum: total,
        min: min
            .iter()
            .fold(f32::INFINITY, |m, &v| if v < m { v } else { m }),
        subnormal: low.iter().any(|&b| b < SUBNORMAL_BOUND),
    }
}

#[inline(always)]
fn entropy_row_checked(p: &[f32]) -> EntropyRow {
    entropy_row_body::<true>(p)
}

#[inline(always)]
fn entropy_row_unchecked_body(p: &[f32]) -> EntropyRow {
    entropy_row_body::<false>(p)
}

dispatch!(
    /// One read of a row for its entropy, with the sum and minimum for the policy's checks.
    entropy_row(p: &[f32]) -> EntropyRow = entropy_row_checked
);

dispatch!(
    /// [`entropy_row`] without the sum and minimum (for the unchecked policy).
    entropy_row_unchecked(p: &[f32]) -> EntropyRow = entropy_row_unchecked_body
);

/// What one read of two distributions finds for H(P, Q).
#[derive(Debug, Clone, Copy)]
pub(crate) struct CrossRow {
    /// Σ p ln q over the elements with p > 0.
    pub p_ln_q: f64,
    pub sum_p: f64,
    pub sum_q: f64,
    pub min: f32,
}

#[inline(always)]
fn cross_row_body(p: &[f32], q: &[f32]) -> CrossRow {
    let (mut plnq, mut total_p, mut total_q) = (0.0f64, 0.0f64, 0.0f64);
    let mut min = [f32::INFINITY; LANES];
    for (bp, bq) in p.chunks(BLOCK).zip(q.chunks(BLOCK)) {
        let mut acc = [0.0f32; LANES];
        let mut sp = [0.0f32; LANES];
        let mut sq = [0.0f32; LANES];
        let mut cp = bp.chunks_exact(LANES);
        let mut cq = bq.chunks_exact(LANES);
        for (a, b) in (&mut cp).zip(&mut cq) {
            for l in 0..LANES {
                let term = a[l] * ln_lane(b[l]);
                acc[l] += if a[l] == 0.0 { 0.0 } else { term };
                sp[l] += a[l];
                sq[l] += b[l];
                let m = if a[l] < b[l] { a[l] } else { b[l] };
                min[l] = if m < min[l] { m } else { min[l] };
            }
        }
        for (&a, &b) in cp.remainder().iter().zip(cq.remainder()) {
            acc[0] += if a == 0.0 { 0.0 } else { a * ln_lane(b) };
            sp[0] += a;
            sq[0] += b;
            min[0] = min[0].min(a).min(b);
        }
        plnq += acc.iter().map(|&s| s as f64).sum::<f64>();
        total_p += sp.iter().map(|&s| s as f64).sum::<f64>();
        total_q += sq.iter().map(|&s| s as f64).sum::<f64>();
    }
    CrossRow {
        p_ln_q: plnq,
        sum_p: total_p,
        sum_q: total_q,
        min: min
            .iter()
            .fold(f32::INFINITY, |m, &v| if v < m { v } else { m }),
    }
}

dispatch!(
    /// One read of two rows for their cross-entropy.
    cross_row(p: &[f32], q: &[f32]) -> CrossRow = cross_row_body
);

/// What one read of two distributions finds for D(P‖Q).
#[derive(Debug, Clone, Copy)]
pub(crate) struct KlRow {
    /// Σ [p ln(p/q) − p + q] over the elements the vector path handles.
    pub excess: f64,
    pub sum_p: f64,
    pub sum_q: f64,
    /// The smallest element of p and q together (+∞ when not asked for).
    pub min: f32,
    /// Some element needs the exact kernel (q = 0 < p, or p/q outside the normal range).
    pub irregular: bool,
}

/// The bits of p/q (1 where p = 0, whose term needs no log) less those of the smallest
/// normal, as unsigned: at least `OUTSIDE_NORMAL` exactly when p/q is 0, subnormal, infinite
/// or NaN, which the vector log does not take.
const OUTSIDE_NORMAL: u32 = 0x7f80_0000 - 0x0080_0000;

/// One term p ln(p/q) − p + q as (the term less p·e·ln 2, e, bits that flag a ratio outside
/// the normal range), where p/q = 2ᵉ·(1 + f): the caller sums p·e apart and scales it by ln 2
/// once per block.
///
/// Written as q·φ(δ), δ = (p − q)/q, φ(δ) = (1+δ)·ln(1+δ) − δ. Where p/q ∈ [√½, √2) the log's
/// own polynomial gives φ with no cancellation: from ln(1+δ) = δ − δ²/2 + δ³·P(δ),
/// φ(δ) = δ²·(½ + δ·((1+δ)·P(δ) − ½)), and δ (computed from the exact p − q) carries none
/// of the rounding of p/q; this is what keeps D(P‖Q) accurate when P ≈ Q. Elsewhere
/// p·ln(p/q) − (p − q) cancels by at most a factor of 7.
#[inline(always)]
fn kl_lane(p: f32, q: f32) -> (f32, f32, u32) {
    // One division: δ and p/q both from 1/q.
    let inv_q = 1.0 / q;
    let diff = p - q;
    let delta = diff * inv_q;
    let zero = p == 0.0;
    let ratio = if zero { 1.0 } else { p * inv_q };
    let (e, f_ratio) = split_lane(ratio);
    let near = e == 0.0;
    let f = if near { delta } else { f_ratio };
    let poly = ln_1p_cubic(f);
    // u = f·P − ½ serves both forms: ln(1+f) = f + f²·u, and (1+f)·P − ½ = u + P.
    let u = fma(f, poly, -0.5);
    // near: (q·δ² = (p − q)·δ)·φ(δ)/δ²; far: p·ln(1 + f) − (p − q), its e·ln 2 part apart.
    let a = if near { diff * delta } else { p };
    let b = if near {
        fma(f, u + poly, 0.5)
    } else {
        fma(f * f, u, f)
    };
    let c = if near { 0.0 } else { -diff };
    let value = fma(a, b, c);
    let value = if zero { q } else { value };
    (value, e, ratio.to_bits().wrapping_sub(0x0080_0000))
}

/// One read of two rows for their KL divergence; with `CHECKED` false the sums and minimum,
/// which only the input policy's checks need, are not computed (left at 0 and +∞).
#[inline(always)]
fn kl_row_body<const CHECKED: bool>(p: &[f32], q: &[f32]) -> KlRow {
    let (mut excess, mut total_p, mut total_q) = (0.0f64, 0.0f64, 0.0f64);
    let mut min = [f32::INFINITY; LANES];
    let mut high = [0u32; LANES];
    for (bp, bq) in p.chunks(BLOCK).zip(q.chunks(BLOCK)) {
        let mut acc = [0.0f32; LANES];
        let mut pe_acc = [0.0f32; LANES];
        let mut sp = [0.0f32; LANES];
        let mut sq = [0.0f32; LANES];
        let mut cp = bp.chunks_exact(LANES);
        let mut cq = bq.chunks_exact(LANES);
        for (a, b) in (&mut cp).zip(&mut cq) {
            for l in 0..LANES {
                let (v, e, bits) = kl_lane(a[l], b[l]);
                acc[l] += v;
                pe_acc[l] = fma(a[l], e, pe_acc[l]);
                high[l] = high[l].max(bits);
                if CHECKED {
                    sp[l] += a[l];
                    sq[l] += b[l];
                    let m = if a[l] < b[l] { a[l] } else { b[l] };
                    min[l] = if m < min[l] { m } else { min[l] };
                }
            }
        }
        for (&a, &b) in cp.remainder().iter().zip(cq.remainder()) {
            let (v, e, bits) = kl_lane(a, b);
            acc[0] += v;
            pe_acc[0] = fma(a, e, pe_acc[0]);
            high[0] = high[0].max(bits);
            sp[0] += a;
            sq[0] += b;
            min[0] = min[0].min(a).min(b);
        }
        excess += acc.iter().map(|&s| s as f64).sum::<f64>()
            + std::f64::consts::LN_2 * pe_acc.iter().map(|&s| s as f64).sum::<f64>();
        total_p += sp.iter().map(|&s| s as f64).sum::<f64>();
        total_q += sq.iter().map(|&s| s as f64).sum::<f64>();
    }
    KlRow {
        excess,
        sum_p: total_p,
        sum_q: total_q,
        min: min
            .iter()
            .fold(f32::INFINITY, |m, &v| if v < m { v } else { m }),
        irregular: high.iter().any(|&b| b >= OUTSIDE_NORMAL),
    }
}

#[inline(always)]
fn kl_row_checked(p: &[f32], q: &[f32]) -> KlRow {
    kl_row_body::<true>(p, q)
}

#[inline(always)]
fn kl_row_unchecked_body(p: &[f32], q: &[f32]) -> KlRow {
    kl_row_body::<false>(p, q)
}

dispatch!(
    /// One read of two rows for their KL divergence, with the sums and minimum for the
    /// policy's checks.
    kl_row(p: &[f32], q: &[f32]) -> KlRow = kl_row_checked
);

dispatch!(
    /// [`kl_row`] without the sums and minimum (for the unchecked policy).
    kl_row_unchecked(p: &[f32], q: &[f32]) -> KlRow = kl_row_unchecked_body
);

#[cfg(test)]
mod tests {
    use super::*;

    /// Every term p ln(p/q) − p + q against f64, over ratios from 1e-6 to 1e6 (densely around
    /// the switch between the two formulas at √½ and √2, and near 1 where the term is ≈ δ²/2).
    #[test]
    fn each_kl_term_is_accurate_across_all_ratios() {
        let mut worst = (0.0f64, 0.0f32, 0.0f32);
        let mut check = |p: f32, q: f32| {
            let (v, e, bits) = kl_lane(p, q);
            let pe = p * e;
            assert!(bits < OUTSIDE_NORMAL, "{p:e} / {q:e} flagged");
            let v = v as f64 + std::f64::consts::LN_2 * pe as f64;
            let (x, y) = (p as f64, q as f64);
            let exact = crate::kernels::divergence::kl_excess(x, y);
            let err = ((v - exact) / exact).abs();
            if err > worst.0 {
                worst = (err, p, q);
            }
        };
        for q in [0.3f32, 1e-3, 3.7e-5] {
            for k in 0..=24_000 {
                // ln r from −6 ln 10 to +6 ln 10 in steps of ~1e-3.
                let r = 10f64.powf(-6.0 + k as f64 * 5e-4);
                check((r * q as f64) as f32, q);
            }
            for k in 1..=4_000 {
                // Ratios within 1e-7 to 4e-4 of 1, on both sides.
                let d = k as f64 * 1e-7;
                check((q as f64 * (1.0 + d)) as f32, q);
                check((q as f64 * (1.0 - d)) as f32, q);
            }
        }
        assert!(
            worst.0 < 2e-6,
            "{:e} at p = {:e}, q = {:e}",
            worst.0,
            worst.1,
            worst.2
        );
    }

    #[test]
    fn rows_agree_with_the_exact_kernels() {
        for n in [1usize, 3, 16, 31, 1024, 1500, 4099] {
            let raw: Vec<f32> = (0..n)
                .map(|i| ((i * 7919 % 1000) as f32 + 1.0) / 1000.0)
                .collect();
            let s: f32 = raw.iter().sum();
            let p: Vec<f32> = raw.iter().map(|v| v / s).collect();
            let q: Vec<f32> = p.iter().rev().copied().collect();
            let e = entropy_row(&p);
            let h = crate::kernels::entropy_nats(&p, 1.0);
            assert!(
                (-e.p_ln_p - h).abs() < 1e-5 * h.max(1e-3),
                "{n}: {} vs {h}",
                -e.p_ln_p
            );
            let k = kl_row(&p, &q);
            let d = crate::kernels::kl_nats(&p, 1.0, &q, 1.0);
            assert!(!k.irregular);
            assert!(
                (k.excess - d).abs() < 1e-5 * d.max(1e-6),
                "{n}: {} vs {d}",
                k.excess
            );
        }
        let k = kl_row(&[0.5, 0.5], &[1.0, 0.0]);
        assert!(k.irregular);
        // A negative p or q is seen, whatever stands beside it.
        let q = vec![1.0f32 / 40.0; 40];
        for at in [0usize, 17, 39] {
            for qv in [0.0f32, 1.0 / 40.0] {
                let (mut p, mut q) = (q.clone(), q.clone());
                p[at] = -0.01;
                q[at] = qv;
                let k = kl_row(&p, &q);
                assert!(k.irregular || k.min < 0.0, "p[{at}] < 0 beside q = {qv}");
            }
            let mut q2 = q.clone();
            q2[at] = -0.01;
            assert!(kl_row(&q, &q2).min < 0.0);
        }
    }
}
