//! Mean squared error.

use super::elementwise::{check_pair, combine_for, elementwise_api, Combine, PointLoss};
use crate::{Error, Float, Reduction};
use ndarray::ArrayView2;

/// Squared error (x − y)² per element, as PyTorch's `F.mse_loss`: `Mean` averages over all
/// elements. Gradient 2(x − y), scaled by the reduction. NaN and ±∞ pass through.
///
/// # Errors
/// [`Error::ShapeMismatch`] when input and target differ in shape.
///
/// # Example
/// ```
/// use xent::loss::Mse;
/// let x = ndarray::array![[1.5f64, 2.0, -1.0]];
/// let y = ndarray::array![[1.0, 2.0, 1.0]];
/// let (loss, grad) = Mse::new().forward_backward(x.view(), y.view())?;
/// assert!((loss.scalar().unwrap() - 1.4166666666666667).abs() < 1e-15);
/// assert_eq!(grad, ndarray::array![[1.0 / 3.0, 0.0, -4.0 / 3.0]]);
/// # Ok::<(), xent::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Mse {
    reduction: Reduction,
}

struct Squared;

impl PointLoss for Squared {
    fn point(&self, _: usize, _: usize, x: f64, y: f64) -> (f64, f64) {
        let d = x - y;
        (d * d, 2.0 * d)
    }
}

impl Mse {
    /// `Mean` reduction, as PyTorch.
    pub fn new() -> Self {
        Self::default()
    }

    /// How the element losses are combined.
    pub fn reduction(self, reduction: Reduction) -> Self {
        Mse { reduction }
    }

    fn prepare<T: Float>(
        &self,
        input: ArrayView2<'_, T>,
        target: ArrayView2<'_, T>,
    ) -> Result<(Squared, Combine), Error> {
        check_pair(input, target)?;
        Ok((Squared, combine_for(self.reduction, input.len())))
    }
}

elementwise_api!(Mse, "input");
