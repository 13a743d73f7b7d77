//! softmax and log-softmax of `f32` rows, vectorised and split over threads: one read for the
//! maximum, one for the sum of exponentials, one write. Rows holding NaN or +∞, or only −∞,
//! go to the exact kernel so that every convention of [`crate::activation`] holds.

use super::simd::{
    exp_shift_sum, exp_shift_sum_in_place, exp_shift_sum_into, max_and_sums, scale_shift_in_place,
    shift_in_place, shift_into,
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

fn exact(kind: Kind, x: &mut [f32]) {
    match kind {
        Kind::Softmax => super::softmax_in_place(x, 1.0),
        Kind::LogSoftmax => super::log_softmax_in_place(x, 1.0),
    }
}
