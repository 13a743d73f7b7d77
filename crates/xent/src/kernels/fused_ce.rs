//! The fused cross-entropy row kernel for `f32` logits and class-index targets: one read to
//! find the maximum (and Σz, Σw·z for smoothing), one pass writing e^(z − max) and summing
//! it, one pass turning that into the gradient while the row is still in cache. For rows of
//! up to a few hundred thousand classes that is one read and one write of memory per element.

use super::drive::RowIo;
use super::simd::transpose;
use super::simd::{
    exp_shift_sum, exp_shift_sum_in_place, exp_shift_sum_into, max_and_sums, scale_shift_in_place,
    soft_grad_in_place, softcap_grad_in_place, tanh_cap_in_place, tanh_cap_into, target_sums,
};

/// The loss options, resolved once per call.
pub(crate) struct CeRowOptions<'a> {
    /// Class weights as f64 (for the scalar formulas) and f32 (for the vector pass).
    pub weight: Option<(&'a [f64], &'a [f32])>,
    /// Σ w (C without weights).
    pub weight_sum: f64,
    pub smoothing: f64,
    pub z_loss: f64,
}

/// What a row with target class y contributes: its loss and the coefficients of its gradient
/// scale·[a·p − at_target·onehot(y) − share·w], p = softmax(z).
pub(crate) struct ClassTerms {
    pub loss: f64,
    pub a: f64,
    pub share: f64,
    pub at_target: f64,
}

impl CeRowOptions<'_> {
    /// The loss keep·w_y·(lse − z_y) + share·(Σw·lse − Σw·z) + ζ·w_y·lse² (keep = 1 − ε,
    /// share = ε/C) of a row with target `y`, from `nll` = lse − z_y (computed by the caller
    /// as (m − z_y) + ln s, exact when y is the maximum), and its gradient coefficients. A term
    /// whose coefficient is 0 is 0 even when its factor is not finite.
    pub(crate) fn class_terms(
        &self,
        y: usize,
        classes: usize,
        nll: f64,
        lse: f64,
        sum_z: f64,
        sum_wz: f64,
    ) -> ClassTerms {
        if self.weight.is_none() && self.smoothing == 0.0 && self.z_loss == 0.0 {
            // The plain loss, what the general formula gives without its zero terms.
            return ClassTerms {
                loss: nll,
                a: 1.0,
                share: 0.0,
                at_target: 1.0,
            };
        }
        let wy = self.weight.map_or(1.0, |(w, _)| w[y]);
        let keep = 1.0 - self.smoothing;
        let share = self.smoothing / classes as f64;
        let times = |c: f64, x: f64| if c == 0.0 { 0.0 } else { c * x };
        let weighted_z = if self.weight.is_some() { sum_wz } else { sum_z };
        ClassTerms {
            loss: times(keep * wy, nll)
                + times(share, self.weight_sum * lse - weighted_z)
                + times(self.z_loss * wy, lse * lse),
            a: keep * wy + share * self.weight_sum + 2.0 * self.z_loss * wy * lse,
            share,
            at_target: keep * wy,
        }
    }
}

/// Loss and logsumexp of one row, writing `scale` × the gradient unless `Read`.
/// `None` when the row holds a NaN or +∞ or is all −∞: the caller then takes the exact
/// scalar path, which defines those cases (and nothing has been written yet).
pub(crate) fn ce_row(
    io: RowIo<'_>,
    target: Option<usize>,
    o: &CeRowOptions<'_>,
    scale: f64,
) -> Option<(f64, f64)> {
    let z = io.input();
    let classes = z.len();
    let stats = max_and_sums(z, o.weight.map(|(_, w32)| w32));
    if !stats.is_regular() {
        return None;
    }
    let m = stats.max;
    let z_target = target.map(|y| z[y]);
    let mut io = io;
    let (ties, rest) = match (&mut io, target) {
        (RowIo::Read(z), _) => exp_shift_sum(z, m),
        // An ignored row: its logsumexp is still reported, its gradient is 0.
        (RowIo::InPlace(z), None) => {
            let (t, r) = exp_shift_sum(z, m);
            z.fill(0.0);
            return Some((0.0, m as f64 + (t - 1.0 + r).ln_1p()));
        }
        (RowIo::Into(z, out), None) => {
            let (t, r) = exp_shift_sum(z, m);
            out.fill(0.0);
            return Some((0.0, m as f64 + (t - 1.0 + r).ln_1p()));
        }
        (RowIo::InPlace(z), Some(_)) => exp_shift_sum_in_place(z, m),
        (RowIo::Into(z, out), Some(_)) => exp_shift_sum_into(z, m, out),
    };
    let ln_s = (ties - 1.0 + rest).ln_1p();
    let lse = m as f64 + ln_s;
    let Some(y) = target else {
        return Some((0.0, lse));
    };
    // lse − z_y as (m − z_y) + ln s: exact when y is the maximum and the loss is tiny.
    let nll = (m - z_target.expect("target is Some")) as f64 + ln_s;
    let terms = o.class_terms(y, classes, nll, lse, stats.sum, stats.weighted_sum);
    let out = match io {
        RowIo::Read(_) => return Some((terms.loss, lse)),
        RowIo::InPlace(z) => z,
        RowIo::Into(_, out) => out,
    };
    let s = ties + rest;
    scale_shift_in_place(
        out,
        (scale * terms.a / s) as f32,
        (scale * terms.share) as f32,
        o.weight.map(|(_, w32)| w32),
    );
    out[y] -= (scale * terms.at_target) as f32;
    Some((terms.loss, lse))
}

/// [`ce_row`] with soft-capped logits z ← c·tanh(z/c): the capped row is written where the
/// gradient goes (a scratch row when only reading), the sums are taken over it, and the
/// last pass recomputes e^(z − m) from it to apply the chain factor 1 − (z/c)². `None` only
/// for a row holding NaN (±∞ are capped to ±c, as in the exact kernel).
pub(crate) fn ce_row_softcap(
    io: RowIo<'_>,
    target: Option<usize>,
    o: &CeRowOptions<'_>,
    scale: f64,
    cap: f32,
    scratch: &mut Vec<f32>,
) -> Option<(f64, f64)> {
    if max_and_sums(io.input(), None).sum.is_nan() {
        return None;
    }
    let (zc, write): (&mut [f32], bool) = match io {
        RowIo::Read(z) => {
            scratch.resize(z.len(), 0.0);
            tanh_cap_into(z, cap, scratch);
            (scratch.as_mut_slice(), false)
        }
        RowIo::InPlace(z) => {
            tanh_cap_in_place(z, cap);
            (z, true)
        }
        RowIo::Into(z, out) => {
            tanh_cap_into(z, cap, out);
            (out, true)
        }
    };
    let classes = zc.len();
    let w32 = o.weight.map(|(_, w32)| w32);
    let stats = max_and_sums(zc, w32);
    let m = stats.max;
    let (ties, rest) = exp_shift_sum(zc, m);
    let ln_s = (ties - 1.0 + rest).ln_1p();
    let lse = m as f64 + ln_s;
    let Some(y) = target else {
        if write {
            zc.fill(0.0);
        }
        return Some((0.0, lse));
    };
    let z_y = zc[y];
    let nll = (m - z_y) as f64 + ln_s;
    let terms = o.class_terms(y, classes, nll, lse, stats.sum, stats.weighted_sum);
    if !write {
        return Some((terms.loss, lse));
    }
    let s = ties + rest;
    softcap_grad_in_place(
        zc,
        m,
        (scale * terms.a / s) as f32,
        (scale * terms.share) as f32,
        w32,
        cap,
    );
    let t = z_y / cap;
    zc[y] -= (scale * terms.at_target) as f32 * (1.0 - t * t);
    Some((terms.loss, lse))
}

/// The fused kernel for probability (soft) targets `t`: loss = Σ w t' (lse − z) + ζ lse²
/// with t' = (1 − ε) t + ε/C, gradient scale·[p·Σ w t' − w ⊙ t' + 2ζ lse p]. `None` as for
/// [`ce_row`], also when a zero target meets a −∞ logit (the exact kernel skips that term).
pub(crate) fn ce_soft_row(
    io: RowIo<'_>,
    t: &[f32],
    o: &CeRowOptions<'_>,
    scale: f64,
) -> Option<(f64, f64)> {
    let z = io.input();
    let classes = z.len() as f64;
    let w32 = o.weight.map(|(_, w32)| w32);
    let stats = max_and_sums(z, w32);
    if !stats.is_regular() {
        return None;
    }
    let (wt, wtz) = target_sums(z, t, w32);
    if wtz.is_nan() {
        return None;
    }
    let m = stats.max;
    let mut io = io;
    let (ties, rest) = match &mut io {
        RowIo::Read(z) => exp_shift_sum(z, m),
        RowIo::InPlace(z) => exp_shift_sum_in_place(z, m),
        RowIo::Into(z, out) => exp_shift_sum_into(z, m, out),
    };
    let lse = m as f64 + (ties - 1.0 + rest).ln_1p();
    let keep = 1.0 - o.smoothing;
    let share = o.smoothing / classes;
    let weighted_z = if o.weight.is_some() {
        stats.weighted_sum
    } else {
        stats.sum
    };
    let mass = keep * wt + share * o.weight_sum; // Σ w t'
    let dot = keep * wtz
        + if share == 0.0 {
            0.0
        } else {
            share * weighted_z
        }; // Σ w t' z
    let loss = lse * mass - dot
        + if o.z_loss == 0.0 {
            0.0
        } else {
            o.z_loss * lse * lse
        };
    let out = match io {
        RowIo::Read(_) => return Some((loss, lse)),
        RowIo::InPlace(z) => z,
        RowIo::Into(_, out) => out,
    };
    let s = ties + rest;
    soft_grad_in_place(
        out,
        (scale * (mass + 2.0 * o.z_loss * lse) / s) as f32,
        t,
        (scale * keep) as f32,
        (scale * share) as f32,
        w32,
    );
    Some((loss, lse))
}

/// The fused kernel for a block of short rows (≤ [`SHORT_ROW`](super::tiling::SHORT_ROW) classes), 16 rows at a time
/// held transposed so that each step is one vector operation per class across 16 rows (see
/// [`simd::lane_stats`](super::simd::lane_stats)). `io` holds a block of rows; unless it is
/// `Read`, the gradient (× each row's `scales`) is written to its output. Writes each row's
/// (loss, lse) into `results`; a row that is not regular (NaN, +∞, all −∞) gets no gradient
/// and is marked `None` for the exact kernel.
pub(crate) fn ce_short_rows(
    io: &mut RowIo<'_>,
    classes: usize,
    targets: &[Option<usize>],
    o: &CeRowOptions<'_>,
    scales: Option<super::RowScale<'_>>,
    results: &mut [Option<(f64, f64)>],
) {
    const LANES: usize = super::simd::LANES;
    let rows = targets.len();
    let smoothing = o.smoothing != 0.0;
    let w64 = o.weight.map(|(w, _)| w);
    let w32 = o.weight.map(|(_, w)| w);
    let mut buffer = [[0.0f32; LANES]; super::tiling::SHORT_ROW];
    let t = &mut buffer[..classes];
    for first in (0..rows).step_by(LANES) {
        let n = LANES.min(rows - first);
        let z = io.input();
        // A full group of 8 classes or more comes in, and goes out, by register transposes.
        let full = super::simd::load_rows(t, z, first, n);
        let stats = super::simd::lane_stats(t, w64, smoothing);
        let (mut alpha, mut beta, mut at_target) =
            ([0.0f32; LANES], [0.0f32; LANES], [0.0f32; LANES]);
        for l in 0..n {
            let i = first + l;
            if stats.irregular[l] {
                results[i] = None;
                continue;
            }
            let ln_s = stats.ln_sum[l];
            let m = stats.max[l];
            let lse = m as f64 + ln_s;
            let Some(y) = targets[i] else {
                // An ignored row: α = β = 0 gives it a zero gradient.
                results[i] = Some((0.0, lse));
                continue;
            };
            let nll = (m - z[i * classes + y]) as f64 + ln_s;
            let terms = o.class_terms(y, classes, nll, lse, stats.sum_z[l], stats.sum_wz[l]);
            results[i] = Some((terms.loss, lse));
            if let Some(scales) = scales {
                let scale = scales.at(i);
                alpha[l] = (scale * terms.a * stats.inv_sum[l]) as f32;
                beta[l] = (scale * terms.share) as f32;
                at_target[l] = (scale * terms.at_target) as f32;
            }
        }
        let (Some(out), Some(_)) = (io.output(), scales) else {
            continue;
        };
        // Transpose out, softmax to gradient on the way; an irregular row is left as it was
        // (in place, the exact kernel still reads its logits there).
        if full && !stats.irregular.contains(&true) {
            let block = &mut out[first * classes..(first + LANES) * classes];
            transpose::lanes_to_rows_scaled(t, &alpha, &beta, w32, block);
            for (l, target) in targets[first..first + LANES].iter().enumerate() {
                if let Some(y) = *target {
                    block[l * classes + y] -= at_target[l];
                }
            }
            continue;
        }
        for l in (0..n).filter(|&l| !stats.irregular[l]) {
            let i = first + l;
            let row = &mut out[i * classes..(i + 1) * classes];
            let (a, b) = (alpha[l], beta[l]);
            match w32 {
                None => {
                    for (g, column) in row.iter_mut().zip(t.iter()) {
                        *g = a * column[l] - b;
                    }
                }
                Some(w) => {
                    for ((g, column), &wc) in row.iter_mut().zip(t.iter()).zip(w) {
                        *g = a * column[l] - b * wc;
                    }
                }
            }
            if let Some(y) = targets[i] {
                row[y] -= at_target[l];
            }
        }
    }
}

/// [`ce_row`] for one long row split across threads (used when there are fewer rows than
/// threads): each pass runs on chunks in parallel and the partial results are merged, the
/// maximum first, then the shifted sums (ties, rest) for the common maximum.
pub(crate) fn ce_row_split(
    io: RowIo<'_>,
    target: Option<usize>,
    o: &CeRowOptions<'_>,
    scale: f64,
    chunk: usize,
) -> Option<(f64, f64)> {
    use rayon::prelude::*;
    let z = io.input();
    let classes = z.len();
    let w32 = o.weight.map(|(_, w32)| w32);
    let parts: Vec<super::simd::RowStats> = z
        .par_chunks(chunk)
        .enumerate()
        .map(|(c, zc)| max_and_sums(zc, w32.map(|w| &w[c * chunk..c * chunk + zc.len()])))
        .collect();
    let m = parts
        .iter()
        .fold(f32::NEG_INFINITY, |m, p| if p.max > m { p.max } else { m });
    let sum: f64 = parts.iter().map(|p| p.sum).sum();
    let weighted: f64 = parts.iter().map(|p| p.weighted_sum).sum();
    if !m.is_finite() || sum.is_nan() {
        return None;
    }
    let z_target = target.map(|y| z[y]);
    let add = |a: (f64, f64), b: (f64, f64)| (a.0 + b.0, a.1 + b.1);
    let mut io = io;
    let (ties, rest) = match (&mut io, target) {
        (RowIo::Read(z), _) | (RowIo::Into(z, _), None) => z
            .par_chunks(chunk)
            .map(|zc| exp_shift_sum(zc, m))
            .reduce(|| (0.0, 0.0), add),
        (RowIo::InPlace(z), None) => z
            .par_chunks(chunk)
            .map(|zc| exp_shift_sum(zc, m))
            .reduce(|| (0.0, 0.0), add),
        (RowIo::InPlace(z), Some(_)) => z
            .par_chunks_mut(chunk)
            .map(|zc| exp_shift_sum_in_place(zc, m))
            .reduce(|| (0.0, 0.0), add),
        (RowIo::Into(z, out), Some(_)) => z
            .par_chunks(chunk)
            .zip(out.par_chunks_mut(chunk))
            .map(|(zc, oc)| exp_shift_sum_into(zc, m, oc))
            .reduce(|| (0.0, 0.0), add),
    };
    let ln_s = (ties - 1.0 + rest).ln_1p();
    let lse = m as f64 + ln_s;
    let out = match io {
        RowIo::Read(_) => None,
        RowIo::InPlace(z) => Some(z),
        RowIo::Into(_, out) => Some(out),
    };
    let Some(y) = target else {
        if let Some(out) = out {
            out.par_chunks_mut(chunk).for_each(|c| c.fill(0.0));
        }
        return Some((0.0, lse));
    };
    let nll = (m - z_target.expect("target is Some")) as f64 + ln_s;
    let terms = o.class_terms(y, classes, nll, lse, sum, weighted);
    let Some(out) = out else {
        return Some((terms.loss, lse));
    };
    let (alpha, beta) = (
        (scale * terms.a / (ties + rest)) as f32,
        (scale * terms.share) as f32,
    );
    out.par_chunks_mut(chunk).enumerate().for_each(|(c, oc)| {
        let wc = w32.map(|w| &w[c * chunk..c * chunk + oc.len()]);
        scale_shift_in_place(oc, alpha, beta, wc);
    });
    out[y] -= (scale * terms.at_target) as f32;
    Some((terms.loss, lse))
}
