//! The vectorised, multi-threaded path of the row-batched measures for contiguous `f32`
//! batches under the strict or unchecked policy. A row that fails a check, or that the vector
//! kernel cannot take, goes through the exact path, which also produces the error; errors
//! name the first offending row, as on the exact path.

use super::Options;
use crate::kernels::simd::{
    cross_row, entropy_row, entropy_row_unchecked, kl_row, kl_row_unchecked, KlRow,
};
use crate::kernels::{cross_entropy_nats, entropy_nats, kl_nats};
use crate::kernels::{for_blocks, tiling::rows_per_task, Par, Wide};
use crate::{Error, Float, InputPolicy};
use ndarray::{Array1, ArrayView2};

/// `row(i, row i)` for every row of `data` (`cols` wide), in parallel blocks, each writing
/// its values in place: the values in row order, or the error of the first row that fails.
fn each_row(
    data: &[f32],
    cols: usize,
    par: Par,
    row: impl Fn(usize, &[f32]) -> Result<f64, Error> + Sync + Send,
) -> Result<Array1<f64>, Error> {
    let rows = data.len() / cols;
    let mut out = vec![0.0f64; rows];
    let blocks = for_blocks(
        (out.as_mut_slice(), Wide(data, cols)),
        rows,
        rows_per_task(cols),
        par,
        || (),
        |_, first, (out, Wide(block, _))| {
            for (j, (o, r)) in out.iter_mut().zip(block.chunks(cols)).enumerate() {
                *o = row(first + j, r)?;
            }
            Ok(())
        },
    );
    blocks.into_iter().collect::<Result<(), Error>>()?;
    Ok(Array1::from(out))
}

fn contiguous<'a, T: Float>(a: ArrayView2<'a, T>) -> Option<&'a [f32]> {
    if a.ncols() == 0 || a.nrows() == 0 {
        return None;
    }
    a.to_slice().and_then(T::as_f32)
}

impl Options {
    fn fast_policy(&self) -> bool {
        self.policy_value() != InputPolicy::Normalize
    }

    fn passes(&self, sum: f64, min: f32, tolerance: f64) -> bool {
        self.policy_value() == InputPolicy::Unchecked
            || (min >= 0.0 && sum.is_finite() && (sum - 1.0).abs() <= tolerance)
    }

    /// Entropy of every row, in nats, or `None` when the fast path does not apply.
    pub(crate) fn entropy_rows_fast<T: Float>(
        &self,
        p: ArrayView2<'_, T>,
    ) -> Option<Result<Array1<f64>, Error>> {
        if !self.fast_policy() {
            return None;
        }
        let cols = p.ncols();
        let data = contiguous(p)?;
        let tolerance = match self.checked_tolerance::<T>() {
            Ok(t) => t,
            Err(e) => return Some(Err(e)),
        };
        // The unchecked policy needs no sum or minimum: a leaner pass.
        let read = match self.policy_value() {
            InputPolicy::Unchecked => entropy_row_unchecked,
            _ => entropy_row,
        };
        let rows = each_row(data, cols, self.par_value(), |i, row| {
            let r = read(row);
            // A negative element makes the row irregular (it is reported below).
            if !r.irregular && self.passes(r.sum, 0.0, tolerance) && r.p_ln_p.is_finite() {
                Ok(-r.p_ln_p)
            } else {
                let d = self.policy_value().check_row("p", i, row, tolerance)?;
                Ok(entropy_nats(row, d))
            }
        });
        Some(rows)
    }

    /// A measure of every pair of rows through `vector`, which returns the value in nats
    /// with the row's sums and minimum, or through `exact` (after the policy's checks) when
    /// the checks fail or `vector` says the row is not its to take.
    fn pair_rows_fast<T: Float>(
        &self,
        p: ArrayView2<'_, T>,
        q: ArrayView2<'_, T>,
        vector: fn(&[f32], &[f32]) -> PairRow,
        exact: fn(&[f32], f64, &[f32], f64) -> f64,
    ) -> Option<Result<Array1<f64>, Error>> {
        if !self.fast_policy() || p.shape() != q.shape() {
            return None;
        }
        let cols = p.ncols();
        let (pd, qd) = (contiguous(p)?, contiguous(q)?);
        let tolerance = match self.checked_tolerance::<T>() {
            Ok(t) => t,
            Err(e) => return Some(Err(e)),
        };
        // The pair's rows side by side: row i of P is pd[i·cols..], of Q qd[i·cols..].
        let rows = each_row(pd, cols, self.par_value(), |i, a| {
            let b = &qd[i * cols..(i + 1) * cols];
            let r = vector(a, b);
            let checked =
                self.passes(r.sum_p, r.min, tolerance) && self.passes(r.sum_q, r.min, tolerance);
            match r.value {
                Some(v) if checked && v.is_finite() => Ok(v),
                _ => {
                    let policy = self.policy_value();
                    let dp = policy.check_row("p", i, a, tolerance)?;
                    let dq = policy.check_row("q", i, b, tolerance)?;
                    Ok(exact(a, dp, b, dq))
                }
            }
        });
        Some(rows)
    }

    /// D(P‖Q) of every pair of rows, in nats, or `None` when the fast path does not apply.
    pub(crate) fn kl_rows_fast<T: Float>(
        &self,
        p: ArrayView2<'_, T>,
        q: ArrayView2<'_, T>,
    ) -> Option<Result<Array1<f64>, Error>> {
        let vector: fn(&[f32], &[f32]) -> PairRow = match self.policy_value() {
            // The unchecked policy needs no sums or minimum: a leaner pass.
            InputPolicy::Unchecked => |a, b| kl_pair(kl_row_unchecked(a, b)),
            _ => |a, b| kl_pair(kl_row(a, b)),
        };
        self.pair_rows_fast(p, q, vector, kl_nats)
    }

    /// H(P, Q) of every pair of rows, in nats, or `None` when the fast path does not apply.
    /// A zero q under p > 0 (+∞) comes out non-finite and takes the exact kernel.
    pub(crate) fn cross_entropy_rows_fast<T: Float>(
        &self,
        p: ArrayView2<'_, T>,
        q: ArrayView2<'_, T>,
    ) -> Option<Result<Array1<f64>, Error>> {
        self.pair_rows_fast(
            p,
            q,
            |a, b| {
                let r = cross_row(a, b);
                PairRow {
                    value: Some(-r.p_ln_q),
                    sum_p: r.sum_p,
                    sum_q: r.sum_q,
                    min: r.min,
                }
            },
            cross_entropy_nats,
        )
    }
}

/// A KL row's value for [`Options::pair_rows_fast`]: none when an element needs the exact
/// kernel, which negative elements do (so the minimum the checks see is that of a clean row).
fn kl_pair(r: KlRow) -> PairRow {
    PairRow {
        value: (!r.irregular).then_some(r.excess),
        sum_p: r.sum_p,
        sum_q: r.sum_q,
        min: 0.0,
    }
}

/// What a vector kernel found in a pair of rows: the value (if it could take the row), the
/// sums and the smallest element, for the policy's checks.
struct PairRow {
    value: Option<f64>,
    sum_p: f64,
    sum_q: f64,
    min: f32,
}
