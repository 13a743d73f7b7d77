//! softmax and log-softmax of `f32` rows, vectorised and split over threads: one read for the
//! maximum, one for the sum of exponentials, one write. Rows holding NaN or +∞, or only −∞,
//! go to the exact kernel so that every convention of [`crate::activation`] holds.

use super::fused_ce::{SHORT_BLOCK_ROWS, SHORT_ROW};
use super::simd::{
    exp_in_place, exp_shift_sum, exp_shift_sum_in_place, exp_shift_sum_into, max_and_sums,
    scale_shift_in_place, shift_in_place, shift_into,
};
use rayon::prelude::*;

/// Which function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Softmax,
    LogSoftmax,
}

/// Applies `kind` to every row of `dst` (holding the input), or of `src` into `dst`.
pub(crate) fn rows_f32(kind: Kind, src: Option<&[f32]>, dst: &mut [f32], classes: usize) {
    if classes == 0 {
        return;
    }
    if classes <= SHORT_ROW {
        let block = SHORT_BLOCK_ROWS * classes;
        match src {
            None => dst
                .par_chunks_mut(block)
                .for_each(|b| short_rows(kind, None, b, classes)),
            Some(src) => dst
                .par_chunks_mut(block)
                .zip(src.par_chunks(block))
                .for_each(|(out, x)| short_rows(kind, Some(x), out, classes)),
        }
        return;
    }
    let min_rows = (16_384 / classes).max(1);
    match src {
        None => dst
            .par_chunks_mut(classes)
            .with_min_len(min_rows)
            .for_each(|row| row_in_place(kind, row)),
        Some(src) => dst
            .par_chunks_mut(classes)
            .zip(src.par_chunks(classes))
            .with_min_len(min_rows)
            .for_each(|(out, row)| row_into(kind, row, out)),
    }
}

fn row_in_place(kind: Kind, x: &mut [f32]) {
    let stats = max_and_sums(x, None);
    if !stats.is_regular() {
        return exact(kind, x);
    }
    let m = stats.max;
    match kind {
        Kind::Softmax => {
            let (ties, rest) = exp_shift_sum_in_place(x, m);
            scale_shift_in_place(x, (1.0 / (ties + rest)) as f32, 0.0, None);
        }
        Kind::LogSoftmax => {
            let (ties, rest) = exp_shift_sum(x, m);
            shift_in_place(x, m, (ties - 1.0 + rest).ln_1p() as f32);
        }
    }
}

fn row_into(kind: Kind, x: &[f32], out: &mut [f32]) {
    let stats = max_and_sums(x, None);
    if !stats.is_regular() {
        out.copy_from_slice(x);
        return exact(kind, out);
    }
    let m = stats.max;
    match kind {
        Kind::Softmax => {
            let (ties, rest) = exp_shift_sum_into(x, m, out);
            scale_shift_in_place(out, (1.0 / (ties + rest)) as f32, 0.0, None);
        }
        Kind::LogSoftmax => {
            let (ties, rest) = exp_shift_sum(x, m);
            shift_into(x, m, (ties - 1.0 + rest).ln_1p() as f32, out);
        }
    }
}

/// A block of short rows: maxima per row, one vectorised exp over the block, then the
/// per-row normalisation.
fn short_rows(kind: Kind, src: Option<&[f32]>, dst: &mut [f32], classes: usize) {
    if let Some(src) = src {
        dst.copy_from_slice(src);
    }
    let rows = dst.len() / classes;
    let mut e = [0.0f32; SHORT_BLOCK_ROWS * SHORT_ROW];
    let e = &mut e[..dst.len()];
    let mut maxima = [0.0f32; SHORT_BLOCK_ROWS];
    let mut regular = [false; SHORT_BLOCK_ROWS];
    for (i, row) in dst.chunks(classes).enumerate() {
        let m = row
            .iter()
            .fold(f32::NEG_INFINITY, |m, &v| if v > m { v } else { m });
        let ok = m.is_finite() && row.iter().all(|v| !v.is_nan());
        regular[i] = ok;
        maxima[i] = m;
        for (d, &v) in e[i * classes..(i + 1) * classes].iter_mut().zip(row) {
            *d = if ok { v - m } else { f32::NEG_INFINITY };
        }
    }
    exp_in_place(e);
    for i in 0..rows {
        let row = &mut dst[i * classes..(i + 1) * classes];
        if !regular[i] {
            exact(kind, row);
            continue;
        }
        let ei = &e[i * classes..(i + 1) * classes];
        let s: f64 = ei.iter().map(|&v| v as f64).sum();
        match kind {
            Kind::Softmax => {
                let inv = 1.0 / s;
                row.iter_mut()
                    .zip(ei)
                    .for_each(|(o, &v)| *o = (v as f64 * inv) as f32);
            }
            Kind::LogSoftmax => {
                let c = (s - 1.0).ln_1p() as f32;
                let m = maxima[i];
                row.iter_mut().for_each(|v| *v = (*v - m) - c);
            }
        }
    }
}

fn exact(kind: Kind, x: &mut [f32]) {
    match kind {
        Kind::Softmax => super::softmax_in_place(x, 1.0),
        Kind::LogSoftmax => super::log_softmax_in_place(x, 1.0),
    }
}

/// logsumexp of every row of a contiguous `f32` matrix into `out` (one value per row),
/// vectorised and split over threads; irregular rows take the exact kernel.
pub(crate) fn logsumexp_rows_f32(x: &[f32], classes: usize, out: &mut [f32]) {
    let min_rows = (16_384 / classes.max(1)).max(1);
    out.par_iter_mut()
        .zip(x.par_chunks(classes.max(1)))
        .with_min_len(min_rows)
        .for_each(|(o, row)| {
            let stats = max_and_sums(row, None);
            *o = if stats.is_regular() {
                let (ties, rest) = exp_shift_sum(row, stats.max);
                (stats.max as f64 + (ties - 1.0 + rest).ln_1p()) as f32
            } else {
                super::logsumexp(row, 1.0) as f32
            };
        });
}
