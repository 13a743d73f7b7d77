//! The KL-divergence loss on log-probabilities.

use super::elementwise::{check_pair, elementwise_api, Combine, PointLoss};
use super::options::check_elements;
use crate::{Error, Float};
use ndarray::ArrayView2;

/// How [`KlDiv`] combines its element losses, defined as in PyTorch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KlReduction {
    /// One loss per element.
    None,
    /// The sum divided by the number of rows: the mean KL divergence per sample, the
    /// mathematically meaningful choice.
    BatchMean,
    /// The sum divided by the number of elements (PyTorch's default, which it warns about:
    /// it is the batch mean divided by the number of classes).
    #[default]
    Mean,
    /// The sum.
    Sum,
}

/// KL-divergence loss as PyTorch's `F.kl_div(input, target)`: the input is log q (log-
/// probabilities of the model), the target p (or log p with `log_target`), and the element
/// loss is p·(ln p − log q), with 0 when p = 0 (never NaN), or e^(log p)·(log p − log q).
/// Summed over a row this is D(P‖Q). The gradient with respect to log q is −p.
///
/// # Errors
/// [`Error::ValueOutOfRange`] for a negative or non-finite target probability (or a NaN or +∞
/// log target); [`Error::ShapeMismatch`].
///
/// # Example
/// ```
/// use xent::loss::{KlDiv, KlReduction};
/// let log_q = ndarray::array![[0.7f64.ln(), 0.2f64.ln(), 0.1f64.ln()],
///                             [0.25f64.ln(), 0.25f64.ln(), 0.5f64.ln()]];
/// let p = ndarray::array![[1.0, 0.0, 0.0], [0.5, 0.25, 0.25]];
/// let loss = KlDiv::new().reduction(KlReduction::BatchMean).forward(log_q.view(), p.view())?;
/// assert!((loss.scalar().unwrap() - 0.2649808695393594).abs() < 1e-15);
/// # Ok::<(), xent::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct KlDiv {
    log_target: bool,
    reduction: KlReduction,
}

struct KlPoint {
    log_target: bool,
}

impl PointLoss for KlPoint {
    fn point(&self, _: usize, _: usize, log_q: f64, t: f64) -> (f64, f64) {
        let (p, log_p) = if self.log_target {
            (t.exp(), t)
        } else {
            (t, t.ln())
        };
        if p == 0.0 {
            (0.0, 0.0)
        } else {
            (p * (log_p - log_q), -p)
        }
    }
}

impl KlDiv {
    /// Probability targets and `Mean`, PyTorch's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// The target holds log-probabilities instead of probabilities.
    pub fn log_target(mut self, log_target: bool) -> Self {
        self.log_target = log_target;
        self
    }

    /// How the element losses are combined.
    pub fn reduction(mut self, reduction: KlReduction) -> Self {
        self.reduction = reduction;
        self
    }

    fn prepare<T: Float>(
        &self,
        input: ArrayView2<'_, T>,
        target: ArrayView2<'_, T>,
    ) -> Result<(KlPoint, Combine), Error> {
        check_pair(input, target)?;
        if self.log_target {
            for ((row, col), v) in target.indexed_iter() {
                let value = v.to_f64();
                if value.is_nan() || value == f64::INFINITY {
                    return Err(Error::ValueOutOfRange {
                        input: "target",
                        row,
                        col,
                        value,
                        expected: "a log target must be finite or −∞",
                    });
                }
            }
        } else {
            check_elements(
                "target",
                target,
                0.0..=f64::MAX,
                "a target probability must be finite and ≥ 0",
            )?;
        }
        let combine = match self.reduction {
            KlReduction::None => Combine::Keep,
            KlReduction::Sum => Combine::Divide(1.0),
            KlReduction::Mean => Combine::Divide(input.len() as f64),
            KlReduction::BatchMean => Combine::Divide(input.nrows() as f64),
        };
        Ok((
            KlPoint {
                log_target: self.log_target,
            },
            combine,
        ))
    }
}

elementwise_api!(KlDiv, "input");
