//! Entropy and KL divergence of `f32` rows, vectorised, with the checks of the strict input
//! policy (sum, sign, finiteness) folded into the same read.

use super::dispatch;
use super::math::{
    fma, ln_1p_cubic, ln_1p_with, ln_lane, split_scaled_lane, LANES, SQRT_HALF_BITS,
};

const BLOCK: usize = 64 * LANES;

/// ln 2 · 2⁻²³: the lanes give e·2²³ (see [`split_scaled_lane`]), so Σ p·e·ln 2 is their sum
/// times this.
const LN_2_SCALED: f64 = std::f64::consts::LN_2 / 8_388_608.0;

/// What one read of a distribution finds: Σ p ln p, Σ p, and whether the row needs the
/// exact kernel.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EntropyRow {
    pub p_ln_p: f64,
    pub sum: f64,
    /// Some element is one the vector log does not take (a positive subnormal), or, when
    /// the checks are asked for, one that no distribution holds (negative, NaN, ±∞, or
    /// ≥ √2): the row needs the exact kernel, which also reports the invalid ones.
    pub irregular: bool,
}

/// The bits of p minus one, as unsigned: below `SUBNORMAL_BOUND` exactly for the positive
/// subnormals (0 wraps to the top, negative numbers have the sign bit). One integer
/// subtraction and an unsigned minimum per lane flag them.
#[inline(always)]
fn bits_less_one(p: f32) -> u32 {
    p.to_bits().wrapping_sub(1)
}

const SUBNORMAL_BOUND: u32 = 0x007f_ffff;

/// One read of a row for its entropy; with `CHECKED` false the sum and the flag on invalid
/// elements, which only the input policy's checks need, are not computed.
#[inline(always)]
fn entropy_row_body<const CHECKED: bool>(p: &[f32]) -> EntropyRow {
    // Block sums go to f64 lanes, as in `kl_row_body`.
    let mut plnp = [0.0f64; LANES];
    let mut total = [0.0f64; LANES];
    // The largest exponent e·2²³: above 0 exactly for p ≥ √2, negative (the sign bit lands
    // in e), ±∞ or NaN, which is cheaper to keep than a minimum.
    let mut top = [f32::NEG_INFINITY; LANES];
    let mut low = [u32::MAX; LANES];
    for block in p.chunks(BLOCK) {
        // p ln p = p·e·ln 2 + p·ln m: Σ p·e and Σ p·ln m apart, scaled by ln 2 once a block.
        // The sum of p·e·2²³ overflows only for p beyond 1e29 (then the row is not finite and
        // takes the exact kernel).
        let mut acc = [0.0f32; LANES];
        let mut pe_acc = [0.0f32; LANES];
        let mut sum = [0.0f32; LANES];
        let mut chunks = block.chunks_exact(LANES);
        for c in &mut chunks {
            for l in 0..LANES {
                let v = c[l];
                // split_lane(0) is finite, so 0·ln 0 comes out 0 with no select.
                let (e, f) = split_scaled_lane(v);
                acc[l] = fma(v, ln_1p_with(f, ln_1p_cubic(f)), acc[l]);
                pe_acc[l] = fma(v, e, pe_acc[l]);
                if CHECKED {
                    sum[l] += v;
                    top[l] = if e > top[l] { e } else { top[l] };
                }
                low[l] = low[l].min(bits_less_one(v));
            }
        }
        for &v in chunks.remainder() {
            let (e, f) = split_scaled_lane(v);
            acc[0] = fma(v, ln_1p_with(f, ln_1p_cubic(f)), acc[0]);
            pe_acc[0] = fma(v, e, pe_acc[0]);
            sum[0] += v;
            top[0] = if e > top[0] { e } else { top[0] };
            low[0] = low[0].min(bits_less_one(v));
        }
        for l in 0..LANES {
            plnp[l] += acc[l] as f64 + LN_2_SCALED * pe_acc[l] as f64;
            if CHECKED {
                total[l] += sum[l] as f64;
            }
        }
    }
    EntropyRow {
        p_ln_p: plnp.iter().sum(),
        sum: total.iter().sum(),
        irregular: low.iter().any(|&b| b < SUBNORMAL_BOUND) || top.iter().any(|&e| e > 0.0),
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
    /// One read of a row for its entropy, with the sum and the flag on invalid elements for the
    /// policy's checks.
    entropy_row(p: &[f32]) -> EntropyRow = entropy_row_checked
);

dispatch!(
    /// [`entropy_row`] without the sum and the flag on invalid elements (for the unchecked
    /// policy).
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
    /// Some element needs the exact kernel: q = 0 < p, p/q beyond the lane's range, a
    /// negative or NaN p or q. Negative elements need no minimum of their own: the exact
    /// path the flag sends them to reports them.
    pub irregular: bool,
}

/// The bits of p/q at or above which the vector path cannot be trusted: ratios of 2^126.5 and
/// beyond (whose 2⁻ᵉ below is not a normal f32), +∞ (q = 0 < p), NaN (p = q = 0, or NaN
/// input) and every negative number (a negative p or q). Such rows take the exact kernel. A
/// zero or subnormal ratio needs no flag: its term is q·(1 + O(p/q · ln(q/p))), and the
/// arithmetic below stays finite.
const OUTSIDE_NORMAL: u32 = SQRT_HALF_BITS + (127 << 23);

/// One term p ln(p/q) − p + q as (the term less p·e·ln 2, e·2²³, bits that flag a ratio the
/// vector path cannot take, see [`OUTSIDE_NORMAL`]), where p/q = 2ᵉ·(1 + f), 1 + f ∈ [√½, √2):
/// the caller sums p·e·2²³ apart and scales it by ln 2 · 2⁻²³ once per block.
///
/// f = (p·2⁻ᵉ − q)/q: the subtraction is exact (p·2⁻ᵉ lies within a factor of √2 of q), so f
/// carries one rounding, of the division, whatever the ratio. With ln(1 + f) = f + f²·u,
/// u = f·P(f) − ½ (P the log's polynomial), the term less p·e·ln 2 is B + p·f²·u with
/// B = p·f − (p − q). Where e = 0, p·f and p − q nearly cancel; there B is taken as the equal
/// (p − q)·f, so that no rounding is magnified: the term is then q·φ(f) with
/// φ(f) = (1 + f)·ln(1 + f) − f ≈ f²/2 from parts that cancel by a factor of 2 at most, which
/// is what keeps D(P‖Q) accurate when P ≈ Q. Elsewhere p·f − (p − q) (one fused
/// multiply-add) cancels by at most a factor of 7. p = 0 needs no case of its own: f is then
/// −1, finite, and the term comes out B = q.
#[inline(always)]
fn kl_lane(p: f32, q: f32) -> (f32, f32, u32) {
    // One division, for p/q and f.
    let inv_q = 1.0 / q;
    let diff = p - q;
    let ratio = p * inv_q;
    // e (as e·2²³) from the bits of p/q offset by those of √½, as in `split_scaled_lane`,
    // and 2⁻ᵉ from the same bits.
    let offset = ratio.to_bits().wrapping_sub(SQRT_HALF_BITS);
    let high = offset & 0xff80_0000;
    let e = high as i32 as f32;
    let unscale = f32::from_bits(0x3f80_0000u32.wrapping_sub(high));
    let f = fma(p, unscale, -q) * inv_q;
    let u = fma(f, ln_1p_cubic(f), -0.5);
    let b = if high == 0 {
        diff * f
    } else {
        fma(p, f, -diff)
    };
    let value = fma(p * f * f, u, b);
    (value, e, ratio.to_bits())
}

/// One read of two rows for their KL divergence; with `CHECKED` false the sums, which only
/// the input policy's checks need, are not computed (left at 0), nor the flag on q's bits
/// (a negative q beside a negative p is then not seen: the policy's caller vouches for both).
#[inline(always)]
fn kl_row_body<const CHECKED: bool>(p: &[f32], q: &[f32]) -> KlRow {
    // Block sums go to f64 lanes (a vector conversion and add per block, where a horizontal
    // sum per block would cost more than the block's last few elements).
    let mut excess = [0.0f64; LANES];
    let mut total_p = [0.0f64; LANES];
    let mut total_q = [0.0f64; LANES];
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
                    // A negative q, whatever p is, has the sign bit.
                    high[l] = high[l].max(b[l].to_bits());
                }
            }
        }
        for (&a, &b) in cp.remainder().iter().zip(cq.remainder()) {
            let (v, e, bits) = kl_lane(a, b);
            acc[0] += v;
            pe_acc[0] = fma(a, e, pe_acc[0]);
            high[0] = high[0].max(bits);
            high[0] = high[0].max(b.to_bits());
            sp[0] += a;
            sq[0] += b;
        }
        for l in 0..LANES {
            excess[l] += acc[l] as f64 + LN_2_SCALED * pe_acc[l] as f64;
            if CHECKED {
                total_p[l] += sp[l] as f64;
                total_q[l] += sq[l] as f64;
            }
        }
    }
    KlRow {
        excess: excess.iter().sum(),
        sum_p: total_p.iter().sum(),
        sum_q: total_q.iter().sum(),
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
            let v = v as f64 + LN_2_SCALED * pe as f64;
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

    /// The term as the vector lane gives it, in f64, or None where the lane flags it.
    fn lane_term(p: f32, q: f32) -> Option<f64> {
        let (v, e, bits) = kl_lane(p, q);
        (bits < OUTSIDE_NORMAL).then_some(v as f64 + LN_2_SCALED * (p * e) as f64)
    }

    /// The ratios no flag covers: p = 0, p/q down to 1e-30 and into the subnormals, up to
    /// 1e38, and subnormal p or q.
    #[test]
    fn extreme_ratios_are_accurate_without_a_flag() {
        let exact = |p: f32, q: f32| crate::kernels::divergence::kl_excess(p as f64, q as f64);
        for q in [0.5f32, 3.7e-5, 1e-20] {
            assert_eq!(lane_term(0.0, q), Some(q as f64), "p = 0, q = {q:e}");
        }
        for (p, q) in [
            (1e-30f32, 0.5f32),
            (1e-40, 0.25),
            (1e-45, 1.0),
            (3e-39, 2e-38),
            (0.9, 1e-37),
            (1.0, 9e-39),
            (1e-6, 1e-20),
        ] {
            let v = lane_term(p, q).unwrap_or_else(|| panic!("{p:e} / {q:e} flagged"));
            let d = exact(p, q);
            assert!((v - d).abs() <= 2e-6 * d, "{p:e} / {q:e}: {v:e} vs {d:e}");
        }
        // Subnormal q (above 2⁻¹²⁸, where 1/q is finite) with p/q of a few: the term is below
        // 1e-37, its error far below.
        for (p, q) in [(9e-39f32, 6e-39f32), (1.6e-38, 3.3e-39), (4e-39, 9e-39)] {
            let v = lane_term(p, q).unwrap_or_else(|| panic!("{p:e} / {q:e} flagged"));
            assert!((v - exact(p, q)).abs() < 1e-44, "{p:e} / {q:e}");
        }
    }

    /// Where the vector path cannot answer, the lane says so.
    #[test]
    fn impossible_ratios_are_flagged() {
        for (p, q) in [
            (0.5f32, 0.0f32),
            (0.0, 0.0),
            (1.0, 1e-39),
            (1.0, 5e-39),
            (-0.1, 0.5),
            (0.5, -0.1),
            (f32::NAN, 0.5),
            (0.5, f32::NAN),
            (f32::INFINITY, 0.5),
        ] {
            assert_eq!(lane_term(p, q), None, "{p:e} / {q:e}");
        }
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
                assert!(kl_row(&p, &q).irregular, "p[{at}] < 0 beside q = {qv}");
            }
            let mut q2 = q.clone();
            q2[at] = -0.01;
            assert!(kl_row(&q, &q2).irregular);
        }
    }
}
