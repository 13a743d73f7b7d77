//! Entropy and KL divergence of `f32` rows, vectorised, with the checks of the strict input
//! policy (sum, sign, finiteness) folded into the same read.

use super::dispatch;
use super::math::{ln_lane, LANES};

const BLOCK: usize = 64 * LANES;

/// What one read of a distribution finds: Σ p ln p, Σ p and the smallest p.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EntropyRow {
    pub p_ln_p: f64,
    pub sum: f64,
    pub min: f32,
}

#[inline(always)]
fn entropy_row_body(p: &[f32]) -> EntropyRow {
    let (mut plnp, mut total) = (0.0f64, 0.0f64);
    let mut min = [f32::INFINITY; LANES];
    for block in p.chunks(BLOCK) {
        let mut acc = [0.0f32; LANES];
        let mut sum = [0.0f32; LANES];
        let mut chunks = block.chunks_exact(LANES);
        for c in &mut chunks {
            for l in 0..LANES {
                let v = c[l];
                let term = v * ln_lane(v);
                acc[l] += if v == 0.0 { 0.0 } else { term };
                sum[l] += v;
                min[l] = if v < min[l] { v } else { min[l] };
            }
        }
        for &v in chunks.remainder() {
            acc[0] += if v == 0.0 { 0.0 } else { v * ln_lane(v) };
            sum[0] += v;
            min[0] = if v < min[0] { v } else { min[0] };
        }
        plnp += acc.iter().map(|&s| s as f64).sum::<f64>();
        total += sum.iter().map(|&s| s as f64).sum::<f64>();
    }
    EntropyRow {
        p_ln_p: plnp,
        sum: total,
        min: min
            .iter()
            .fold(f32::INFINITY, |m, &v| if v < m { v } else { m }),
    }
}

dispatch!(
    /// One read of a row for its entropy.
    entropy_row(p: &[f32]) -> EntropyRow = entropy_row_body
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
    /// The smallest element of p and q together.
    pub min: f32,
    /// Some element needs the exact kernel (q = 0 < p, or p/q outside the normal range).
    pub irregular: bool,
}

/// φ(δ)/δ² = Σ_{k≥2} (−1)^k δ^(k−2) / (k(k−1)), enough terms for f32 on |δ| < 1/8.
#[inline(always)]
fn phi_over_delta2(d: f32) -> f32 {
    let mut acc: f32 = 1.0 / 90.0; // k = 10
    acc = acc.mul_add(d, -1.0 / 72.0);
    acc = acc.mul_add(d, 1.0 / 56.0);
    acc = acc.mul_add(d, -1.0 / 42.0);
    acc = acc.mul_add(d, 1.0 / 30.0);
    acc = acc.mul_add(d, -1.0 / 20.0);
    acc = acc.mul_add(d, 1.0 / 12.0);
    acc = acc.mul_add(d, -1.0 / 6.0);
    acc.mul_add(d, 0.5)
}

#[inline(always)]
fn kl_lane(p: f32, q: f32) -> (f32, bool) {
    // One division: δ = (p − q)/q (p − q is exact when p ≈ q) and p/q both from 1/q.
    let inv_q = 1.0 / q;
    let diff = p - q;
    let delta = diff * inv_q;
    let series = q * delta * delta * phi_over_delta2(delta);
    let ratio = p * inv_q;
    let direct = p * ln_lane(ratio) - diff;
    let near = delta.abs() < 0.125;
    let value = if near { series } else { direct };
    let value = if p == 0.0 { q } else { value };
    let irregular = p > 0.0 && !(f32::MIN_POSITIVE..f32::INFINITY).contains(&ratio);
    (value, irregular)
}

#[inline(always)]
fn kl_row_body(p: &[f32], q: &[f32]) -> KlRow {
    let (mut excess, mut total_p, mut total_q) = (0.0f64, 0.0f64, 0.0f64);
    let mut min = [f32::INFINITY; LANES];
    let mut irregular = [false; LANES];
    for (bp, bq) in p.chunks(BLOCK).zip(q.chunks(BLOCK)) {
        let mut acc = [0.0f32; LANES];
        let mut sp = [0.0f32; LANES];
        let mut sq = [0.0f32; LANES];
        let mut cp = bp.chunks_exact(LANES);
        let mut cq = bq.chunks_exact(LANES);
        for (a, b) in (&mut cp).zip(&mut cq) {
            for l in 0..LANES {
                let (v, bad) = kl_lane(a[l], b[l]);
                acc[l] += v;
                irregular[l] |= bad;
                sp[l] += a[l];
                sq[l] += b[l];
                let m = if a[l] < b[l] { a[l] } else { b[l] };
                min[l] = if m < min[l] { m } else { min[l] };
            }
        }
        for (&a, &b) in cp.remainder().iter().zip(cq.remainder()) {
            let (v, bad) = kl_lane(a, b);
            acc[0] += v;
            irregular[0] |= bad;
            sp[0] += a;
            sq[0] += b;
            min[0] = min[0].min(a).min(b);
        }
        excess += acc.iter().map(|&s| s as f64).sum::<f64>();
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
        irregular: irregular.iter().any(|&b| b),
    }
}

dispatch!(
    /// One read of two rows for their KL divergence.
    kl_row(p: &[f32], q: &[f32]) -> KlRow = kl_row_body
);

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
