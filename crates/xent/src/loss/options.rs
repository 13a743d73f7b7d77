//! Validation of the options and targets the class losses share.

use super::target::ClassLabels;
use crate::{Error, Float};

/// Checks a per-class weight vector: one finite, non-negative weight per class.
pub(crate) fn check_class_weights(weight: Option<&[f64]>, classes: usize) -> Result<(), Error> {
    let Some(w) = weight else { return Ok(()) };
    crate::layout::ensure_same_shape("weight", &[classes], &[w.len()])?;
    for (col, &value) in w.iter().enumerate() {
        if !(value.is_finite() && value >= 0.0) {
            return Err(Error::ValueOutOfRange {
                input: "weight",
                row: 0,
                col,
                value,
                expected: "class weights must be finite and ≥ 0",
            });
        }
    }
    Ok(())
}

/// Checks class-index targets against the number of rows and classes; returns each row's
/// class (`None` when ignored) and the sum of the weights of the rows that count: the
/// denominator of PyTorch's weighted mean.
pub(crate) fn check_classes(
    target: ClassLabels<'_>,
    rows: usize,
    classes: usize,
    ignore_index: i64,
    weight: Option<&[f64]>,
    par: Par,
) -> Result<(Vec<Option<usize>>, f64), Error> {
    match target {
        ClassLabels::Signed(v) => match v.as_slice() {
            Some(s) => check_class_slice(s, rows, classes, ignore_index, weight, par),
            None => check_class_slice(&v.to_vec(), rows, classes, ignore_index, weight, par),
        },
        ClassLabels::Unsigned(v) => match v.as_slice() {
            Some(s) => check_class_slice(s, rows, classes, ignore_index, weight, par),
            None => check_class_slice(&v.to_vec(), rows, classes, ignore_index, weight, par),
        },
    }
}

/// An integer type class labels come in.
trait ClassIndex: Copy + Sync {
    /// The label as `i64`, saturating (a `usize` above `i64::MAX` is out of range anyway).
    fn to_i64(self) -> i64;
}

impl ClassIndex for i64 {
    fn to_i64(self) -> i64 {
        self
    }
}

impl ClassIndex for usize {
    fn to_i64(self) -> i64 {
        i64::try_from(self).unwrap_or(i64::MAX)
    }
}

/// [`check_classes`] on contiguous labels.
fn check_class_slice<I: ClassIndex>(
    target: &[I],
    rows: usize,
    classes: usize,
    ignore_index: i64,
    weight: Option<&[f64]>,
    par: Par,
) -> Result<(Vec<Option<usize>>, f64), Error> {
    crate::layout::ensure_same_shape("target", &[rows], &[target.len()])?;
    // Fixed blocks checked in parallel, written in place: the first bad row is reported and
    // the total does not depend on the thread count.
    let mut resolved = vec![None; rows];
    let check_block = |first: usize, (out, block): (&mut [Option<usize>], &[I])| {
        // Without weights the total is a count: an integer, not a chain of dependent f64
        // additions (the same number, as every partial sum of ones is exact).
        let (mut total, mut count) = (0.0, 0usize);
        for (j, (slot, class)) in out.iter_mut().zip(block).enumerate() {
            let class = class.to_i64();
            if class == ignore_index {
                continue;
            }
            if class < 0 || class as u64 >= classes as u64 {
                return Err(Error::ClassOutOfRange {
                    row: first + j,
                    class,
                    classes,
                });
            }
            let c = class as usize;
            match weight {
                Some(w) => total += w[c],
                None => count += 1,
            }
            *slot = Some(c);
        }
        Ok(total + count as f64)
    };
    let parts = for_blocks(
        (resolved.as_mut_slice(), target),
        rows,
        VALUE_BLOCK,
        par,
        || (),
        |_, first, block| check_block(first, block),
    );
    let mut total = 0.0;
    for part in parts {
        total += part?;
    }
    Ok((resolved, total))
}

/// Checks that every element of a 2-D operand is finite and within `range`.
pub(crate) fn check_elements<T: Float>(
    input: &'static str,
    values: ndarray::ArrayView2<'_, T>,
    range: std::ops::RangeInclusive<f64>,
    expected: &'static str,
) -> Result<(), Error> {
    for ((row, col), v) in values.indexed_iter() {
        let value = v.to_f64();
        if !(value.is_finite() && range.contains(&value)) {
            return Err(Error::ValueOutOfRange {
                input,
                row,
                col,
                value,
                expected,
            });
        }
    }
    Ok(())
}

/// Checks a scalar option against a predicate.
pub(crate) fn check_parameter(
    name: &'static str,
    value: f64,
    ok: bool,
    expected: &'static str,
) -> Result<(), Error> {
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            name,
            value,
            expected,
        })
    }
}

pub(crate) use crate::kernels::times;
use crate::kernels::{for_blocks, tiling::VALUE_BLOCK, Par};
