//! Cross-entropy over a batch of rows: the dispatch between the vector kernels (short rows
//! transposed, long rows fused, a few very long rows split across threads, soft targets,
//! soft-capping) and the exact kernel, all driven by [`for_blocks`]. The loss layer resolves
//! and validates its options, then calls [`cross_entropy_rows`] once.

use super::ce_exact::ExactRow;
use super::drive::{for_blocks, Par, RowIo, Rows, Wide};
use super::fused_ce::{
    ce_row, ce_row_softcap, ce_row_split, ce_short_rows, ce_soft_row, CeRowOptions,
};
use super::tiling::{rows_per_task, SHORT_BLOCK_ROWS, SHORT_ROW, SPLIT_ALIGN, SPLIT_ROW};
use super::{compensated_sum, CompensatedSum, RowScale};
use crate::Float;

/// The options of a cross-entropy, resolved and validated by the caller.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CeSpec<'a> {
    /// One weight per class.
    pub weight: Option<&'a [f64]>,
    /// Label smoothing ε.
    pub smoothing: f64,
    /// The z-loss coefficient ζ.
    pub z_loss: f64,
    /// The soft-cap c.
    pub softcap: Option<f64>,
}

impl CeSpec<'_> {
    /// Σ w (C without weights).
    pub(crate) fn weight_sum(&self, classes: usize) -> f64 {
        self.weight
            .map_or(classes as f64, |w| compensated_sum(w.iter().copied()))
    }
}

/// The targets of the rows: resolved class indices (`None`: ignored) or probabilities, row-major
/// like the logits.
#[derive(Debug, Clone, Copy)]
pub(crate) enum CeTargets<'a, T> {
    Classes(&'a [Option<usize>]),
    Probabilities(&'a [T], usize),
}

impl<T: Sync> Rows for CeTargets<'_, T> {
    fn split_rows(self, n: usize) -> (Self, Self) {
        match self {
            CeTargets::Classes(c) => {
                let (a, b) = c.split_at(n);
                (CeTargets::Classes(a), CeTargets::Classes(b))
            }
            CeTargets::Probabilities(p, cols) => {
                let (a, b) = p.split_at(n * cols);
                (
                    CeTargets::Probabilities(a, cols),
                    CeTargets::Probabilities(b, cols),
                )
            }
        }
    }
}

impl<T> CeTargets<'_, T> {
    fn class(&self, j: usize) -> Option<usize> {
        match self {
            CeTargets::Classes(c) => c[j],
            CeTargets::Probabilities(..) => None,
        }
    }
}

/// What a pass returns: the compensated total of the row losses, the losses one by one
/// (when asked for) and each row's logsumexp (when asked for).
#[derive(Debug)]
pub(crate) struct CeRows {
    pub total: f64,
    pub losses: Vec<f64>,
    pub lse: Vec<f64>,
}

/// Per row: the loss and logsumexp slots of a block, when wanted.
type RowOut<'a> = (Option<&'a mut [f64]>, Option<&'a mut [f64]>);

/// Cross-entropy of every row of `io` (`classes` wide) against `targets`; unless `io` only
/// reads, the gradient × `scale` of each row is written to its output. Contiguous `f32`
/// takes the vector kernels, every other type the exact kernel; rows a vector kernel
/// declines (NaN, +∞, all −∞) take the exact kernel too.
#[allow(clippy::too_many_arguments)]
pub(crate) fn cross_entropy_rows<T: Float>(
    io: RowIo<'_, T>,
    classes: usize,
    targets: CeTargets<'_, T>,
    spec: &CeSpec<'_>,
    scale: RowScale<'_>,
    per_row: bool,
    want_lse: bool,
    par: Par,
) -> CeRows {
    let rows = io.input().len() / classes;
    let mut losses = vec![0.0; if per_row { rows } else { 0 }];
    let mut lse = vec![0.0; if want_lse { rows } else { 0 }];
    let out = (
        per_row.then_some(losses.as_mut_slice()),
        want_lse.then_some(lse.as_mut_slice()),
    );
    let totals = match io.into_f32() {
        Ok(io) => {
            let targets = match targets {
                CeTargets::Classes(c) => CeTargets::Classes(c),
                CeTargets::Probabilities(p, cols) => {
                    CeTargets::Probabilities(T::as_f32(p).expect("the logits are f32"), cols)
                }
            };
            vector_rows(io, classes, targets, spec, scale, out, par)
        }
        Err(io) => for_blocks(
            (Wide(io, classes), targets, out),
            rows,
            rows_per_task(classes),
            par,
            || ExactRow::new(spec, classes),
            |k, first, (Wide(io, _), targets, mut out)| {
                let mut total = CompensatedSum::default();
                each_row(io, classes, |j, mut row| {
                    let r = exact_row(k, &mut row, &targets, j, scale.at(first + j));
                    record(&mut total, &mut out, j, r);
                });
                total
            },
        ),
    };
    let mut total = CompensatedSum::default();
    totals.into_iter().for_each(|t| total.merge(t));
    CeRows {
        total: total.value(),
        losses,
        lse,
    }
}

/// The `f32` vector paths.
fn vector_rows<'s>(
    io: RowIo<'_>,
    classes: usize,
    targets: CeTargets<'_, f32>,
    spec: &CeSpec<'s>,
    scale: RowScale<'_>,
    mut out: RowOut<'_>,
    par: Par,
) -> Vec<CompensatedSum> {
    let rows = io.input().len() / classes;
    let w32: Option<Vec<f32>> = spec.weight.map(|w| w.iter().map(|&x| x as f32).collect());
    let options = CeRowOptions {
        weight: spec.weight.zip(w32.as_deref()),
        weight_sum: spec.weight_sum(classes),
        smoothing: spec.smoothing,
        z_loss: spec.z_loss,
    };
    let classes_only = matches!(targets, CeTargets::Classes(_)) && spec.softcap.is_none();
    let threads = par.threads();
    if classes_only && threads > 1 && rows < threads && classes >= SPLIT_ROW {
        // Fewer rows than threads and long rows: each row split across the threads.
        let chunk = classes.div_ceil(threads).next_multiple_of(SPLIT_ALIGN);
        let mut k = ExactRow::new(spec, classes);
        let mut total = CompensatedSum::default();
        each_row(io, classes, |j, mut row| {
            let s = scale.at(j);
            let r = ce_row_split(row.reborrow(), targets.class(j), &options, s, chunk)
                .unwrap_or_else(|| exact_row(&mut k, &mut row, &targets, j, s));
            record(&mut total, &mut out, j, r);
        });
        return vec![total];
    }
    let short = classes_only && classes <= SHORT_ROW;
    let block_rows = if short {
        SHORT_BLOCK_ROWS
    } else {
        rows_per_task(classes)
    };
    let cap = spec.softcap.map(|c| c as f32);
    for_blocks(
        (Wide(io, classes), targets, out),
        rows,
        block_rows,
        par,
        // The exact kernel's buffers are made only for a task that meets an irregular row.
        || (None::<ExactRow<'s>>, Vec::new()),
        |(k, scratch), first, (Wide(mut io, _), targets, mut out)| {
            let mut total = CompensatedSum::default();
            let exact = |k: &mut Option<ExactRow<'s>>, row: &mut RowIo<'_>, j: usize| {
                let k = k.get_or_insert_with(|| ExactRow::new(spec, classes));
                exact_row(k, row, &targets, j, scale.at(first + j))
            };
            if let (true, CeTargets::Classes(block_targets)) = (short, targets) {
                let n = block_targets.len();
                let scales = io.writes().then(|| scale.slice(first..first + n));
                let mut results = [None; SHORT_BLOCK_ROWS];
                ce_short_rows(
                    &mut io,
                    classes,
                    block_targets,
                    &options,
                    scales,
                    &mut results[..n],
                );
                for (j, r) in results[..n].iter().enumerate() {
                    let r = r.unwrap_or_else(|| {
                        exact(k, &mut io.part(j * classes..(j + 1) * classes), j)
                    });
                    record(&mut total, &mut out, j, r);
                }
                return total;
            }
            each_row(io, classes, |j, mut row| {
                let s = scale.at(first + j);
                let fused = match (&targets, cap) {
                    (CeTargets::Classes(t), None) => ce_row(row.reborrow(), t[j], &options, s),
                    (CeTargets::Classes(t), Some(c)) => {
                        ce_row_softcap(row.reborrow(), t[j], &options, s, c, scratch)
                    }
                    (CeTargets::Probabilities(p, _), None) => ce_soft_row(
                        row.reborrow(),
                        &p[j * classes..(j + 1) * classes],
                        &options,
                        s,
                    ),
                    (CeTargets::Probabilities(..), Some(_)) => None,
                };
                let r = fused.unwrap_or_else(|| exact(k, &mut row, j));
                record(&mut total, &mut out, j, r);
            });
            total
        },
    )
}

/// Runs `f(j, row j)` over the rows of a block.
fn each_row<T>(mut io: RowIo<'_, T>, classes: usize, mut f: impl FnMut(usize, RowIo<'_, T>)) {
    for j in 0..io.input().len() / classes {
        f(j, io.part(j * classes..(j + 1) * classes));
    }
}

/// Row `j` of a block through the exact kernel: (loss, lse), and the gradient × `scale`
/// written to the row's output unless it only reads (in place, the logits are read before
/// they are overwritten).
fn exact_row<T: Float>(
    k: &mut ExactRow<'_>,
    row: &mut RowIo<'_, T>,
    targets: &CeTargets<'_, T>,
    j: usize,
    scale: f64,
) -> (f64, f64) {
    k.load(row.input());
    let scale = row.writes().then_some(scale);
    let result = match targets {
        CeTargets::Classes(c) => k.class_row(c[j], scale),
        CeTargets::Probabilities(p, cols) => k.soft_row(&p[j * cols..(j + 1) * cols], scale),
    };
    if let Some(out) = row.output() {
        out.iter_mut()
            .zip(k.grad())
            .for_each(|(o, &g)| *o = T::from_f64(g));
    }
    result
}

/// Adds row `j`'s (loss, lse) to the block's total and its slots.
fn record(total: &mut CompensatedSum, out: &mut RowOut<'_>, j: usize, (loss, lse): (f64, f64)) {
    total.add(loss);
    if let Some(losses) = out.0.as_deref_mut() {
        losses[j] = loss;
    }
    if let Some(lses) = out.1.as_deref_mut() {
        lses[j] = lse;
    }
}
