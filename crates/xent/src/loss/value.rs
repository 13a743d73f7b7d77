//! What a loss returns, and the upstream gradient its backward pass takes.

use crate::{Error, Float, Reduction};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

/// The value of a loss: one number after a `Mean` or `Sum` reduction, or the unreduced
/// losses for `Reduction::None`: one per sample for the class losses (cross-entropy, NLL,
/// categorical CE), one per element for the elementwise ones (MSE, BCE, KL-div, focal), as in
/// PyTorch.
#[derive(Debug, Clone, PartialEq)]
pub enum LossValue<T> {
    /// The reduced loss.
    Scalar(T),
    /// One loss per sample (row).
    PerSample(Array1<T>),
    /// One loss per element, the input's shape.
    PerElement(Array2<T>),
}

impl<T: Float> LossValue<T> {
    /// The reduced value, or `None` for an unreduced loss.
    ///
    /// # Example
    /// ```
    /// use xent::loss::LossValue;
    /// assert_eq!(LossValue::Scalar(0.5).scalar(), Some(0.5));
    /// ```
    pub fn scalar(&self) -> Option<T> {
        match self {
            LossValue::Scalar(v) => Some(*v),
            _ => None,
        }
    }

    /// Every value, in row-major order (a single value for a reduced loss).
    pub fn to_vec(&self) -> Vec<T> {
        match self {
            LossValue::Scalar(v) => vec![*v],
            LossValue::PerSample(a) => a.to_vec(),
            LossValue::PerElement(a) => a.iter().copied().collect(),
        }
    }
}

/// The gradient of the final objective with respect to a loss's output, for `backward`:
/// a scalar for a reduced loss, an array of the output's shape for `Reduction::None`.
#[derive(Debug, Clone, Copy)]
pub enum Upstream<'a, T> {
    /// d(objective)/d(loss) for a reduced loss (1 to get the loss's own gradient).
    Scalar(T),
    /// One upstream gradient per sample (per-sample losses with `Reduction::None`).
    PerSample(ArrayView1<'a, T>),
    /// One upstream gradient per element (elementwise losses with `Reduction::None`).
    PerElement(ArrayView2<'a, T>),
}

impl<T: Float> Upstream<'_, T> {
    /// The upstream gradient of sample `row` of a per-sample loss, divided by `denominator`
    /// (the reduction's), checking first that the variant fits the reduction.
    pub(crate) fn per_sample_scales(
        &self,
        reduction: Reduction,
        rows: usize,
        denominator: f64,
    ) -> Result<Vec<f64>, Error> {
        match (reduction, self) {
            (Reduction::None, Upstream::PerSample(g)) => {
                crate::layout::ensure_same_shape("upstream", &[rows], g.shape())?;
                Ok(g.iter().map(|v| v.to_f64()).collect())
            }
            (Reduction::Mean, Upstream::Scalar(g)) => Ok(vec![g.to_f64() / denominator; rows]),
            (Reduction::Sum, Upstream::Scalar(g)) => Ok(vec![g.to_f64(); rows]),
            _ => Err(mismatch(reduction)),
        }
    }
}

/// The per-element factor of an elementwise loss's gradient.
pub(crate) enum ElementScale<'a, T> {
    Uniform(f64),
    Array(ArrayView2<'a, T>),
}

impl<T: Float> ElementScale<'_, T> {
    #[inline]
    pub(crate) fn at(&self, row: usize, col: usize) -> f64 {
        match self {
            ElementScale::Uniform(s) => *s,
            ElementScale::Array(a) => a[[row, col]].to_f64(),
        }
    }
}

fn mismatch(reduction: Reduction) -> Error {
    Error::InvalidParameter {
        name: "upstream gradient",
        value: f64::NAN,
        expected: match reduction {
            Reduction::None => "an unreduced loss takes an array of upstream gradients",
            _ => "a reduced loss takes a scalar upstream gradient",
        },
    }
}

/// Wraps per-sample losses as the reduction asks: mean (divided by `denominator`), sum, or
/// the array itself.
pub(crate) fn reduce_samples<T: Float>(
    losses: Vec<f64>,
    reduction: Reduction,
    denominator: f64,
) -> LossValue<T> {
    match reduction {
        Reduction::None => LossValue::PerSample(losses.into_iter().map(T::from_f64).collect()),
        Reduction::Sum => LossValue::Scalar(T::from_f64(sum_in_blocks(&losses))),
        Reduction::Mean => LossValue::Scalar(T::from_f64(sum_in_blocks(&losses) / denominator)),
    }
}

/// A compensated sum of fixed blocks summed in parallel and merged in order, so that the
/// result does not depend on the thread count.
fn sum_in_blocks(values: &[f64]) -> f64 {
    use crate::kernels::{for_blocks, tiling::VALUE_BLOCK, CompensatedSum, Par};
    let parts = for_blocks(
        values,
        values.len(),
        VALUE_BLOCK,
        Par::default(),
        || (),
        |_, _, block: &[f64]| block.iter().copied().sum::<CompensatedSum>(),
    );
    let mut total = CompensatedSum::default();
    parts.into_iter().for_each(|p| total.merge(p));
    total.value()
}

/// The per-sample factor for the gradient of the loss itself, the same for every sample: 1
/// for `Reduction::None` (the gradient of the sum), 1/denominator for `Mean`, 1 for `Sum`.
pub(crate) fn own_sample_scale(reduction: Reduction, denominator: f64) -> f64 {
    match reduction {
        Reduction::Mean => 1.0 / denominator,
        Reduction::Sum | Reduction::None => 1.0,
    }
}

/// [`own_sample_scale`] for each of `rows` samples.
pub(crate) fn own_sample_scales(reduction: Reduction, rows: usize, denominator: f64) -> Vec<f64> {
    vec![own_sample_scale(reduction, denominator); rows]
}
