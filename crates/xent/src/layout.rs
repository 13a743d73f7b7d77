//! Getting contiguous rows out of arbitrary `ndarray` layouts, so kernels only see slices.

use crate::{Error, Float};
use ndarray::{ArrayView1, ArrayView2, ArrayViewMut2, Axis};

/// Calls `f` with the row as a slice: borrowed when it is contiguous, copied into `scratch`
/// when the view is strided (a transposed matrix, a column slice).
pub(crate) fn with_row<T: Float, R>(
    row: ArrayView1<'_, T>,
    scratch: &mut Vec<T>,
    f: impl FnOnce(&[T]) -> R,
) -> R {
    match row.as_slice() {
        Some(slice) => f(slice),
        None => {
            scratch.clear();
            scratch.extend(row.iter().copied());
            f(scratch)
        }
    }
}

/// Calls `f` on every row of `x` as a mutable slice, copying strided rows through a scratch
/// buffer and back.
pub(crate) fn for_each_row_mut<T: Float>(mut x: ArrayViewMut2<'_, T>, mut f: impl FnMut(&mut [T])) {
    let mut scratch = Vec::new();
    for mut row in x.axis_iter_mut(Axis(0)) {
        match row.as_slice_mut() {
            Some(slice) => f(slice),
            None => {
                scratch.clear();
                scratch.extend(row.iter().copied());
                f(&mut scratch);
                row.iter_mut().zip(&scratch).for_each(|(o, &v)| *o = v);
            }
        }
    }
}

/// Copies `x` into `out` after checking that the shapes agree.
pub(crate) fn copy_checked<T: Float>(
    x: ArrayView2<'_, T>,
    mut out: ArrayViewMut2<'_, T>,
) -> Result<(), Error> {
    ensure_same_shape("out", x.shape(), out.shape())?;
    out.assign(&x);
    Ok(())
}

/// `Err(ShapeMismatch)` naming `input` unless `found == expected`.
pub(crate) fn ensure_same_shape(
    input: &'static str,
    expected: &[usize],
    found: &[usize],
) -> Result<(), Error> {
    if expected == found {
        Ok(())
    } else {
        Err(Error::ShapeMismatch {
            input,
            expected: expected.to_vec(),
            found: found.to_vec(),
        })
    }
}

/// Index of the largest element of a row (the first on ties; NaN never wins; 0 for an empty
/// row): the predicted class of a row of scores.
pub(crate) fn argmax<T: PartialOrd + Copy>(row: ArrayView1<'_, T>) -> usize {
    let mut best = 0;
    for (i, &v) in row.iter().enumerate() {
        if v > row[best] {
            best = i;
        }
    }
    best
}
