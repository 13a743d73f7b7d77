//! Negative log-likelihood on log-probabilities.

use super::options::{check_class_weights, check_classes};
use super::target::ClassLabels;
use super::value::{own_sample_scales, reduce_samples, LossValue, Upstream};
use crate::{Error, Float, Reduction};
use ndarray::{Array2, ArrayView2};

/// Negative log-likelihood of class indices under log-probabilities, as PyTorch's
/// `F.nll_loss`: `loss_i = −w_{y_i}·ℓ_{i, y_i}`.
///
/// The input is log-probabilities (e.g. from [`log_softmax`](crate::activation::log_softmax));
/// it is not checked to be normalised, and NaN or ±∞ pass through. Rows whose target is the
/// ignore index (default −100) count 0; `Mean` divides by Σ w_y over the other rows (NaN when
/// all are ignored, as PyTorch). The gradient is −w_y (scaled by the reduction) at the target
/// and 0 elsewhere.
///
/// # Errors
/// [`Error::ClassOutOfRange`], [`Error::ShapeMismatch`] for targets or weights of the wrong
/// length, [`Error::ValueOutOfRange`] for a negative weight, [`Error::Empty`] for no columns.
///
/// # Example
/// ```
/// use xent::loss::Nll;
/// let log_p = ndarray::array![[0.2f64.ln(), 0.8f64.ln()], [0.5f64.ln(), 0.5f64.ln()]];
/// let loss = Nll::new().forward(log_p.view(), &[1, 0])?.scalar().unwrap();
/// assert!((loss - (-(0.8f64.ln()) - 0.5f64.ln()) / 2.0).abs() < 1e-15);
/// # Ok::<(), xent::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Nll {
    weight: Option<Vec<f64>>,
    ignore_index: i64,
    reduction: Reduction,
}

impl Default for Nll {
    fn default() -> Self {
        Self::new()
    }
}

impl Nll {
    /// PyTorch's defaults: no weights, ignore index −100, `Mean`.
    pub fn new() -> Self {
        Nll {
            weight: None,
            ignore_index: -100,
            reduction: Reduction::Mean,
        }
    }

    /// One weight per class (finite, ≥ 0).
    pub fn weight<T: Float>(mut self, weight: &[T]) -> Self {
        self.weight = Some(weight.iter().map(|w| w.to_f64()).collect());
        self
    }

    /// The class index whose rows are skipped (default −100).
    pub fn ignore_index(mut self, index: i64) -> Self {
        self.ignore_index = index;
        self
    }

    /// How the per-row losses are combined (default `Mean`).
    pub fn reduction(mut self, reduction: Reduction) -> Self {
        self.reduction = reduction;
        self
    }

    /// The loss.
    ///
    /// # Errors
    /// See [`Nll`].
    pub fn forward<'t, T: Float>(
        &self,
        log_p: ArrayView2<'_, T>,
        target: impl Into<ClassLabels<'t>>,
    ) -> Result<LossValue<T>, Error> {
        let (classes, denominator) = self.resolve(log_p, target.into())?;
        Ok(self.value(log_p, &classes, denominator))
    }

    /// The gradient with respect to the log-probabilities for an upstream gradient.
    ///
    /// # Errors
    /// See [`Nll`]; also [`Error::InvalidParameter`] when the upstream gradient does not fit
    /// the reduction.
    ///
    /// # Example
    /// ```
    /// use xent::loss::{Nll, Upstream};
    /// let log_p = ndarray::array![[-1.0, -0.5], [-0.1, -3.0]];
    /// let g = Nll::new().backward(log_p.view(), &[1, -100], Upstream::Scalar(1.0))?;
    /// assert_eq!(g, ndarray::array![[0.0, -1.0], [0.0, 0.0]]);
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn backward<'t, T: Float>(
        &self,
        log_p: ArrayView2<'_, T>,
        target: impl Into<ClassLabels<'t>>,
        upstream: Upstream<'_, T>,
    ) -> Result<Array2<T>, Error> {
        let (classes, denominator) = self.resolve(log_p, target.into())?;
        let scales = upstream.per_sample_scales(self.reduction, classes.len(), denominator)?;
        Ok(self.gradient(log_p.dim(), &classes, &scales))
    }

    /// The loss and its gradient (for `None`, the gradient of the sum of the per-row losses).
    ///
    /// # Errors
    /// See [`Nll`].
    pub fn forward_backward<'t, T: Float>(
        &self,
        log_p: ArrayView2<'_, T>,
        target: impl Into<ClassLabels<'t>>,
    ) -> Result<(LossValue<T>, Array2<T>), Error> {
        let (classes, denominator) = self.resolve(log_p, target.into())?;
        let scales = own_sample_scales(self.reduction, classes.len(), denominator);
        Ok((
            self.value(log_p, &classes, denominator),
            self.gradient(log_p.dim(), &classes, &scales),
        ))
    }

    /// The reduced loss of checked targets.
    fn value<T: Float>(
        &self,
        log_p: ArrayView2<'_, T>,
        classes: &[Option<usize>],
        denominator: f64,
    ) -> LossValue<T> {
        let losses = classes
            .iter()
            .enumerate()
            .map(|(i, c)| c.map_or(0.0, |c| -self.w(c) * log_p[[i, c]].to_f64()))
            .collect();
        reduce_samples(losses, self.reduction, denominator)
    }

    fn w(&self, c: usize) -> f64 {
        self.weight.as_ref().map_or(1.0, |w| w[c])
    }

    fn resolve<T: Float>(
        &self,
        log_p: ArrayView2<'_, T>,
        target: ClassLabels<'_>,
    ) -> Result<(Vec<Option<usize>>, f64), Error> {
        let (rows, classes) = log_p.dim();
        if classes == 0 {
            return Err(Error::Empty { input: "log_p" });
        }
        check_class_weights(self.weight.as_deref(), classes)?;
        check_classes(
            target,
            rows,
            classes,
            self.ignore_index,
            self.weight.as_deref(),
            crate::Par::default(),
        )
    }

    fn gradient<T: Float>(
        &self,
        shape: (usize, usize),
        classes: &[Option<usize>],
        scales: &[f64],
    ) -> Array2<T> {
        let mut grad = Array2::from_elem(shape, T::ZERO);
        for (i, c) in classes.iter().enumerate() {
            if let Some(c) = *c {
                grad[[i, c]] = T::from_f64(-self.w(c) * scales[i]);
            }
        }
        grad
    }
}
