//! Short rows held transposed, one row per lane: `t[c][l]` is class `c` of row `l`.
//! With 10 classes a row fills less than one vector, so rather than vectorise along a row,
//! this kernel runs 16 rows side by side and every step (max, exp, sums) is one vector
//! operation per class.

use super::dispatch;
use super::math::{exp_nonpositive_lane, LANES};
use super::math64::ln_lane_f64;

/// What a block of `LANES` transposed rows holds, per lane.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LaneStats {
    /// The row's maximum.
    pub(crate) max: [f32; LANES],
    /// ln s in f64 (within 2 f64 ulps): the logsumexp of every short-row kernel is
    /// max + ln_sum, so cross-entropy, log-softmax and logsumexp agree to the bit.
    pub(crate) ln_sum: [f64; LANES],
    /// 1 / s.
    pub(crate) inv_sum: [f64; LANES],
    /// Σ z and Σ w·z (only when asked for: label smoothing needs them).
    pub(crate) sum_z: [f64; LANES],
    pub(crate) sum_wz: [f64; LANES],
    /// A NaN, a +∞ or no finite maximum: the row is left to the exact kernel.
    pub(crate) irregular: [bool; LANES],
}

/// Loads rows `first..first + n` (n ≤ LANES) of the row-major `x` into `t` transposed: a
/// full group by register transposes where they apply (see [`super::transpose`]), else by
/// [`load_lanes`]. Returns whether the registers took it (a full group of 8 to 32 classes,
/// which can go back out the same way).
pub(crate) fn load_rows(t: &mut [[f32; LANES]], x: &[f32], first: usize, n: usize) -> bool {
    let classes = t.len();
    if n == LANES && super::transpose::available(classes) {
        super::transpose::rows_to_lanes(&x[first * classes..(first + LANES) * classes], t);
        true
    } else {
        load_lanes(t, x, first, n);
        false
    }
}

/// Loads rows `first..first + n` (n ≤ LANES) of the row-major `x` into `t` transposed; lanes
/// past `n` hold zeros, a regular row whose results the caller drops.
#[inline(always)]
fn load_lanes(t: &mut [[f32; LANES]], x: &[f32], first: usize, n: usize) {
    let classes = t.len();
    let rows = &x[first * classes..(first + n) * classes];
    for (l, row) in rows.chunks_exact(classes).enumerate() {
        for (column, &v) in t.iter_mut().zip(row) {
            column[l] = v;
        }
    }
    if n < LANES {
        for column in t.iter_mut() {
            column[n..].fill(0.0);
        }
    }
}

#[inline(always)]
fn lane_stats_body(t: &mut [[f32; LANES]], w: Option<&[f64]>, sums: bool) -> LaneStats {
    let mut max = [f32::NEG_INFINITY; LANES];
    let mut sum_z = [0.0f64; LANES];
    let mut sum_wz = [0.0f64; LANES];
    for (c, column) in t.iter().enumerate() {
        let wc = w.map_or(0.0, |w| w[c]);
        for l in 0..LANES {
            let v = column[l];
            max[l] = if v > max[l] { v } else { max[l] };
            if sums {
                sum_z[l] += v as f64;
                sum_wz[l] += wc * v as f64;
            }
        }
    }
    // No test of the inputs here: a NaN (which the maximum skips), a +∞ maximum (∞ − ∞) and
    // an all −∞ row (−∞ + ∞) each put a NaN into z − max, which the exp and the sum carry.
    let mut sum_exp = [0.0f64; LANES];
    for column in t.iter_mut() {
        for l in 0..LANES {
            let e = exp_nonpositive_lane(column[l] - max[l]);
            column[l] = e;
            sum_exp[l] += e as f64;
        }
    }
    let mut irregular = [false; LANES];
    for l in 0..LANES {
        irregular[l] = sum_exp[l].is_nan();
    }
    let mut ln_sum = [0.0f64; LANES];
    let mut inv_sum = [0.0f64; LANES];
    for l in 0..LANES {
        inv_sum[l] = 1.0 / sum_exp[l];
        ln_sum[l] = ln_lane_f64(sum_exp[l]);
    }
    LaneStats {
        max,
        ln_sum,
        inv_sum,
        sum_z,
        sum_wz,
        irregular,
    }
}

dispatch!(
    /// Per lane: the maximum, Σ z and Σ w·z (when `sums`), and the irregular rows; then
    /// t ← exp(t − max) with Σ exp in f64. Irregular lanes (their Σ exp is NaN) hold garbage
    /// afterwards.
    lane_stats(t: &mut [[f32; LANES]], w: Option<&[f64]>, sums: bool) -> LaneStats = lane_stats_body
);
