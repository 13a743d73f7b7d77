//! What the measures accept as a probability distribution.

use crate::kernels::CompensatedSum;
use crate::{Error, Float};

/// How strictly the information measures check their probability inputs.
///
/// | policy | accepts | cost |
/// |---|---|---|
/// | [`Strict`](InputPolicy::Strict) (default) | finite values ≥ 0 whose row sums to 1 within the tolerance | one extra read |
/// | [`Normalize`](InputPolicy::Normalize) | finite values ≥ 0 with a positive sum (weights, counts); each row is divided by its sum, as `scipy.stats.entropy` does | one extra read |
/// | [`Unchecked`](InputPolicy::Unchecked) | anything: the caller guarantees validity | none |
///
/// The strict tolerance is on |Σp − 1|, summed in `f64`: by default `1e-6` for `f64` inputs
/// and `1e-4` for `f32` inputs ([`Float::SUM_TOLERANCE`]), loose enough for probabilities
/// printed with six decimals or produced by an `f32` softmax over a large vocabulary, tight
/// enough to catch a forgotten normalisation. The values are used as given, not renormalised.
///
/// Under `Unchecked`, invalid data gives meaningless numbers (NaN for negative values, for
/// example), never a panic.
///
/// # Example
/// ```
/// use xent::{measure::Options, InputPolicy};
/// let counts = [2.0, 1.0, 1.0];
/// assert!(Options::new().entropy(&counts).is_err());
/// let h: f64 = Options::new().policy(InputPolicy::Normalize).entropy(&counts)?;
/// assert!((h - 1.0397207708399179).abs() < 1e-15);
/// # Ok::<(), xent::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputPolicy {
    /// Values finite and ≥ 0, each row summing to 1 within a tolerance; else a typed error.
    #[default]
    Strict,
    /// Values finite and ≥ 0 with a positive sum; each row is divided by its sum.
    Normalize,
    /// No checks at all.
    Unchecked,
}

impl InputPolicy {
    /// Checks one row under this policy and returns the divisor that normalises it
    /// (1 under `Strict` and `Unchecked`, the row's sum under `Normalize`).
    pub(crate) fn check_row<T: Float>(
        self,
        input: &'static str,
        row: usize,
        values: &[T],
        tolerance: f64,
    ) -> Result<f64, Error> {
        if self == InputPolicy::Unchecked {
            return Ok(1.0);
        }
        let sum = checked_sum(input, values.iter().map(|&v| (row, v)))?;
        self.divisor(sum, tolerance).map_err(|kind| match kind {
            SumProblem::NotOne => Error::NotNormalized {
                input,
                row,
                sum,
                tolerance,
            },
            SumProblem::Zero => Error::ZeroSum { input, row },
            SumProblem::Overflow => Error::SumOverflow { input, row },
        })
    }

    /// Checks a whole table (a joint distribution) as one distribution; errors name the cell.
    pub(crate) fn check_table<T: Float>(
        self,
        input: &'static str,
        table: ndarray::ArrayView2<'_, T>,
        tolerance: f64,
    ) -> Result<f64, Error> {
        if self == InputPolicy::Unchecked {
            return Ok(1.0);
        }
        let cells = table.indexed_iter().map(|((r, c), &v)| ((r, c), v));
        let mut sum = CompensatedSum::default();
        for ((row, col), v) in cells {
            let value = v.to_f64();
            if !(value.is_finite() && value >= 0.0) {
                return Err(Error::InvalidProbability {
                    input,
                    row,
                    col,
                    value,
                });
            }
            sum.add(value);
        }
        let sum = sum.value();
        self.divisor(sum, tolerance).map_err(|kind| match kind {
            SumProblem::NotOne => Error::TableNotNormalized {
                input,
                sum,
                tolerance,
            },
            SumProblem::Zero => Error::TableZeroSum { input },
            SumProblem::Overflow => Error::SumOverflow { input, row: 0 },
        })
    }

    fn divisor(self, sum: f64, tolerance: f64) -> Result<f64, SumProblem> {
        match self {
            InputPolicy::Strict if (sum - 1.0).abs() <= tolerance => Ok(1.0),
            InputPolicy::Strict => Err(SumProblem::NotOne),
            InputPolicy::Normalize if sum > 0.0 && sum.is_finite() => Ok(sum),
            // Finite values whose sum overflows: dividing by ∞ would give zeros.
            InputPolicy::Normalize if sum > 0.0 => Err(SumProblem::Overflow),
            InputPolicy::Normalize => Err(SumProblem::Zero),
            InputPolicy::Unchecked => Ok(1.0),
        }
    }
}

enum SumProblem {
    NotOne,
    Zero,
    Overflow,
}

/// Sums a row in `f64` after checking that every value is finite and ≥ 0.
fn checked_sum<T: Float>(
    input: &'static str,
    values: impl Iterator<Item = (usize, T)>,
) -> Result<f64, Error> {
    let mut sum = CompensatedSum::default();
    for (col, (row, v)) in values.enumerate() {
        let value = v.to_f64();
        if !(value.is_finite() && value >= 0.0) {
            return Err(Error::InvalidProbability {
                input,
                row,
                col,
                value,
            });
        }
        sum.add(value);
    }
    Ok(sum.value())
}

/// Checks that a tolerance is finite and ≥ 0.
pub(crate) fn validate_tolerance(tolerance: f64) -> Result<f64, Error> {
    if tolerance.is_finite() && tolerance >= 0.0 {
        Ok(tolerance)
    } else {
        Err(Error::InvalidParameter {
            name: "tolerance",
            value: tolerance,
            expected: "a tolerance must be finite and ≥ 0",
        })
    }
}
