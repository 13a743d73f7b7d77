//! softmax and log-softmax of `f32` rows, vectorised and split over threads. Log-softmax and
//! logsumexp read a row once for its maximum and sum of exponentials together (the online
//! form, block by block) and log-softmax writes it once; softmax reads for the maximum, then
//! writes the exponentials and rescales them. Rows holding NaN or +∞, or only −∞, go to the
//! exact kernel so that every convention of [`crate::activation`] holds.

use super::drive::{for_blocks, Par, Wide};
use super::simd::{
    exp_shift_sum_in_place, exp_shift_sum_into, lane_stats, load_rows, max_and_sums,
    online_sum_exp, scale_shift_in_place, shift_in_place, shift_into, shift_into_streaming,
};
use super::tiling::{rows_per_task, SHORT_BLOCK_ROWS, SHORT_ROW, STREAM_BYTES};

/// Which function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Softmax,
    LogSoftmax,
}

/// Applies `kind` to every row of `dst` (holding the input), or of `src` into `dst`.
pub(crate) fn rows_f32(kind: Kind, src: Option<&[f32]>, dst: &mut [f32], classes: usize, par: Par) {
    if classes == 0 {
        return;
    }
    let rows = dst.len() / classes;
    let src = src.map(|s| Wide(s, classes));
    if classes <= SHORT_ROW {
        for_blocks(
            (Wide(dst, classes), src),
            rows,
            SHORT_BLOCK_ROWS,
            par,
            || (),
            |_, _, (Wide(out, _), x)| short_rows(kind, x.map(|Wide(x, _)| x), out, classes),
        );
        return;
    }
    let stream = std::mem::size_of_val(dst) >= STREAM_BYTES;
    for_blocks(
        (Wide(dst, classes), src),
        rows,
        rows_per_task(classes),
        par,
        || (),
        |_, _, (Wide(out, _), x)| match x {
            None => out
                .chunks_mut(classes)
                .for_each(|row| row_in_place(kind, row)),
            Some(Wide(x, _)) => out
                .chunks_mut(classes)
                .zip(x.chunks(classes))
                .for_each(|(out, row)| row_into(kind, row, out, stream)),
        },
    );
}

fn row_in_place(kind: Kind, x: &mut [f32]) {
    match kind {
        Kind::Softmax => {
            let stats = max_and_sums(x, None);
            if !stats.is_regular() {
                return exact(kind, x);
            }
            let (ties, rest) = exp_shift_sum_in_place(x, stats.max);
            scale_shift_in_place(x, (1.0 / (ties + rest)) as f32, 0.0, None);
        }
        Kind::LogSoftmax => {
            let s = online_sum_exp(x);
            if !s.is_regular() {
                return exact(kind, x);
            }
            shift_in_place(x, s.max, s.ln_sum() as f32);
        }
    }
}

/// One row into `out`; `stream` writes log-softmax's output past the caches.
fn row_into(kind: Kind, x: &[f32], out: &mut [f32], stream: bool) {
    match kind {
        Kind::Softmax => {
            let stats = max_and_sums(x, None);
            if !stats.is_regular() {
                out.copy_from_slice(x);
                return exact(kind, out);
            }
            let (ties, rest) = exp_shift_sum_into(x, stats.max, out);
            scale_shift_in_place(out, (1.0 / (ties + rest)) as f32, 0.0, None);
        }
        Kind::LogSoftmax => {
            let s = online_sum_exp(x);
            if !s.is_regular() {
                out.copy_from_slice(x);
                return exact(kind, out);
            }
            if stream {
                shift_into_streaming(x, s.max, s.ln_sum() as f32, out);
            } else {
                shift_into(x, s.max, s.ln_sum() as f32, out);
            }
        }
    }
}

/// A block of short rows, 16 at a time held transposed (one row per lane, see
/// [`lane_stats`]): maxima, exponentials and sums are one vector operation per class, then
/// each row is written back normalised.
fn short_rows(kind: Kind, src: Option<&[f32]>, dst: &mut [f32], classes: usize) {
    const LANES: usize = super::simd::LANES;
    let rows = dst.len() / classes;
    let mut buffer = [[0.0f32; LANES]; SHORT_ROW];
    let t = &mut buffer[..classes];
    for first in (0..rows).step_by(LANES) {
        let n = LANES.min(rows - first);
        load_rows(t, src.unwrap_or(dst), first, n);
        let stats = lane_stats(t, None, false);
        for l in 0..n {
            let range = (first + l) * classes..(first + l + 1) * classes;
            let row = &mut dst[range.clone()];
            if let Some(src) = src {
                if stats.irregular[l] || kind == Kind::LogSoftmax {
                    row.copy_from_slice(&src[range]);
                }
            }
            if stats.irregular[l] {
                exact(kind, row);
                continue;
            }
            match kind {
                Kind::Softmax => {
                    let inv = stats.inv_sum[l];
                    for (o, column) in row.iter_mut().zip(t.iter()) {
                        *o = (column[l] as f64 * inv) as f32;
                    }
                }
                Kind::LogSoftmax => {
                    // ln s in f64 and rounded once, as the long-row kernel does and as
                    // cross-entropy and logsumexp take it for short rows.
                    let c = stats.ln_sum[l] as f32;
                    let m = stats.max[l];
                    row.iter_mut().for_each(|v| *v = (*v - m) - c);
                }
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
    if classes == 0 {
        out.fill(f32::NEG_INFINITY);
        return;
    }
    let short = classes <= SHORT_ROW;
    let block_rows = if short {
        SHORT_BLOCK_ROWS
    } else {
        rows_per_task(classes)
    };
    for_blocks(
        (out, Wide(x, classes)),
        x.len() / classes,
        block_rows,
        Par::default(),
        || (),
        |_, _, (out, Wide(block, _))| {
            if short {
                return short_logsumexp(block, classes, out);
            }
            for (o, row) in out.iter_mut().zip(block.chunks(classes)) {
                let s = online_sum_exp(row);
                *o = if s.is_regular() {
                    (s.max as f64 + s.ln_sum()) as f32
                } else {
                    super::logsumexp(row, 1.0) as f32
                };
            }
        },
    );
}

/// Logsumexp of a block of short rows, 16 at a time held transposed (see [`short_rows`]);
/// ln s in f64 from Σ exp (the lanes' `ln_sum`, as cross-entropy takes it).
fn short_logsumexp(x: &[f32], classes: usize, out: &mut [f32]) {
    const LANES: usize = super::simd::LANES;
    let rows = out.len();
    let mut buffer = [[0.0f32; LANES]; SHORT_ROW];
    let t = &mut buffer[..classes];
    for first in (0..rows).step_by(LANES) {
        let n = LANES.min(rows - first);
        load_rows(t, x, first, n);
        let stats = lane_stats(t, None, false);
        for l in 0..n {
            out[first + l] = if stats.irregular[l] {
                let row = &x[(first + l) * classes..(first + l + 1) * classes];
                super::logsumexp(row, 1.0) as f32
            } else {
                (stats.max[l] as f64 + stats.ln_sum[l]) as f32
            };
        }
    }
}
