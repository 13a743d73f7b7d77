//! Categorical cross-entropy on predicted probabilities.

use super::options::{check_classes, check_elements, check_parameter};
use super::target::Target;
use super::value::{own_sample_scales, reduce_samples, LossValue, Upstream};
use crate::{kernels, Error, Float, Reduction};
use ndarray::{Array2, ArrayView2};

/// The textbook categorical cross-entropy on predicted probabilities q:
/// `loss_i = −Σ_c y_ic·ln q_ic` (one-hot or soft y), or −ln q_{i,y_i} for class indices:
/// Keras' `categorical_crossentropy` / `sparse_categorical_crossentropy` and scikit-learn's
/// `log_loss` per sample. `Mean` divides by the number of rows.
///
/// No hidden epsilon: q = 0 where y > 0 costs +∞ (gradient −∞). [`clip`](Self::clip)`(ε)`
/// clamps q to [ε, 1 − ε] first, as Keras does with ε = 1e-7 and scikit-learn with machine
/// epsilon; where the clamp is active the gradient is 0. Unlike Keras, rows of q are not
/// rescaled to sum to 1; unlike scikit-learn, nothing warns when they do not. Terms with
/// y = 0 contribute 0. The gradient with respect to q is −y/q.
///
/// # Errors
/// [`Error::ValueOutOfRange`] for q or y outside [0, 1]; [`Error::ClassOutOfRange`];
/// [`Error::ShapeMismatch`]; [`Error::InvalidParameter`] for ε outside [0, ½).
///
/// # Example
/// ```
/// use xent::loss::CategoricalCrossEntropy;
/// let y = ndarray::array![[0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]];
/// let q = ndarray::array![[0.3f64, 0.3, 0.4], [0.3, 0.4, 0.3], [0.1, 0.2, 0.7]];
/// let loss = CategoricalCrossEntropy::new().forward(q.view(), &y)?.scalar().unwrap();
/// assert!((loss - 1.3783888522474517).abs() < 1e-15); // the textbook's model 1
/// let same = CategoricalCrossEntropy::new().forward(q.view(), &[2, 1, 0])?.scalar().unwrap();
/// assert_eq!(loss, same);
/// # Ok::<(), xent::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CategoricalCrossEntropy {
    clip: Option<f64>,
    reduction: Reduction,
}

impl CategoricalCrossEntropy {
    /// No clipping, `Mean`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Clamps q to [ε, 1 − ε] before the log (0 ≤ ε < ½).
    pub fn clip(mut self, epsilon: f64) -> Self {
        self.clip = Some(epsilon);
        self
    }

    /// How the per-row losses are combined.
    pub fn reduction(mut self, reduction: Reduction) -> Self {
        self.reduction = reduction;
        self
    }

    /// The loss.
    ///
    /// # Errors
    /// See [`CategoricalCrossEntropy`].
    pub fn forward<'t, T: Float>(
        &self,
        q: ArrayView2<'_, T>,
        target: impl Into<Target<'t, T>>,
    ) -> Result<LossValue<T>, Error> {
        let dense = self.dense_target(q, target.into())?;
        Ok(self.loss(q, dense.view()))
    }

    /// The gradient with respect to q for an upstream gradient.
    ///
    /// # Errors
    /// See [`CategoricalCrossEntropy`]; also [`Error::InvalidParameter`] when the upstream
    /// gradient does not fit the reduction.
    pub fn backward<'t, T: Float>(
        &self,
        q: ArrayView2<'_, T>,
        target: impl Into<Target<'t, T>>,
        upstream: Upstream<'_, T>,
    ) -> Result<Array2<T>, Error> {
        let dense = self.dense_target(q, target.into())?;
        let scales = upstream.per_sample_scales(self.reduction, q.nrows(), q.nrows() as f64)?;
        Ok(self.gradient(q, dense.view(), &scales))
    }

    /// The loss and its gradient with respect to q.
    ///
    /// # Errors
    /// See [`CategoricalCrossEntropy`].
    ///
    /// # Example
    /// ```
    /// use xent::loss::CategoricalCrossEntropy;
    /// let q = ndarray::array![[0.5, 0.5]];
    /// let (_, g) = CategoricalCrossEntropy::new().forward_backward(q.view(), &[1])?;
    /// assert_eq!(g, ndarray::array![[0.0, -2.0]]);
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn forward_backward<'t, T: Float>(
        &self,
        q: ArrayView2<'_, T>,
        target: impl Into<Target<'t, T>>,
    ) -> Result<(LossValue<T>, Array2<T>), Error> {
        let dense = self.dense_target(q, target.into())?;
        let scales = own_sample_scales(self.reduction, q.nrows(), q.nrows() as f64);
        Ok((
            self.loss(q, dense.view()),
            self.gradient(q, dense.view(), &scales),
        ))
    }

    /// Validates everything and turns class indices into one-hot rows.
    fn dense_target<T: Float>(
        &self,
        q: ArrayView2<'_, T>,
        target: Target<'_, T>,
    ) -> Result<Array2<f64>, Error> {
        if let Some(eps) = self.clip {
            check_parameter(
                "clip",
                eps,
                (0.0..0.5).contains(&eps),
                "the clipping epsilon must lie in [0, 0.5)",
            )?;
        }
        check_elements(
            "q",
            q,
            0.0..=1.0,
            "a predicted probability must lie in [0, 1]",
        )?;
        let (rows, classes) = q.dim();
        match target {
            Target::Classes(t) => {
                let (resolved, _) =
                    check_classes(t, rows, classes, i64::MIN, None, crate::Par::default())?;
                let mut dense = Array2::zeros((rows, classes));
                for (i, c) in resolved.into_iter().enumerate() {
                    if let Some(c) = c {
                        dense[[i, c]] = 1.0;
                    }
                }
                Ok(dense)
            }
            Target::Probabilities(y) => {
                crate::layout::ensure_same_shape("target", q.shape(), y.shape())?;
                check_elements("target", y, 0.0..=1.0, "a target must lie in [0, 1]")?;
                Ok(y.mapv(|v| v.to_f64()))
            }
        }
    }

    fn clipped(&self, q: f64) -> (f64, bool) {
        match self.clip {
            Some(eps) if q < eps => (eps, true),
            Some(eps) if q > 1.0 - eps => (1.0 - eps, true),
            _ => (q, false),
        }
    }

    fn loss<T: Float>(&self, q: ArrayView2<'_, T>, y: ArrayView2<'_, f64>) -> LossValue<T> {
        let losses = q
            .rows()
            .into_iter()
            .zip(y.rows())
            .map(|(q, y)| {
                kernels::compensated_sum(q.iter().zip(y).map(|(&q, &y)| {
                    if y == 0.0 {
                        0.0
                    } else {
                        -y * self.clipped(q.to_f64()).0.ln()
                    }
                }))
            })
            .collect();
        reduce_samples(losses, self.reduction, q.nrows() as f64)
    }

    fn gradient<T: Float>(
        &self,
        q: ArrayView2<'_, T>,
        y: ArrayView2<'_, f64>,
        scales: &[f64],
    ) -> Array2<T> {
        Array2::from_shape_fn(q.dim(), |(i, c)| {
            let (qc, clamped) = self.clipped(q[[i, c]].to_f64());
            let yc = y[[i, c]];
            let g = if yc == 0.0 || clamped { 0.0 } else { -yc / qc };
            T::from_f64(g * scales[i])
        })
    }
}
