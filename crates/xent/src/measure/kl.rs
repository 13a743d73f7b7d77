//! Kullback–Leibler divergence.

use super::Options;
use crate::{kernels, Error, Float};
use ndarray::{Array1, ArrayView1, ArrayView2};

impl Options {
    /// KL divergence D(P‖Q) = Σᵢ pᵢ log(pᵢ/qᵢ) = H(P, Q) − H(P) ≥ 0, zero iff P = Q.
    ///
    /// Terms with pᵢ = 0 contribute 0; pᵢ > 0 with qᵢ = 0 gives +∞. Summed as
    /// Σ [p log(p/q) − p + q] (each term ≥ 0), with a power series where p ≈ q, so the result
    /// is never negative and stays accurate at divergences near 1e-18 (see the
    /// [module](super) docs for the exact statement).
    ///
    /// # Errors
    /// As [`Options::cross_entropy`].
    ///
    /// # Example
    /// ```
    /// use xent::measure::Options;
    /// let d = Options::new().kl_divergence(&[1.0, 0.0, 0.0], &[0.7, 0.2, 0.1])?;
    /// assert!((d + 0.7f64.ln()).abs() < 1e-15);
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn kl_divergence<'a, 'b, T: Float>(
        &self,
        p: impl Into<ArrayView1<'a, T>>,
        q: impl Into<ArrayView1<'b, T>>,
    ) -> Result<T, Error> {
        let nats = self.binary_nats(p.into(), q.into(), kernels::kl_nats)?;
        Ok(self.in_base(nats))
    }

    /// [`Options::kl_divergence`] of matching rows of two batches of the same shape.
    ///
    /// # Errors
    /// As [`Options::cross_entropy`]; the error names the first offending row.
    ///
    /// # Example
    /// ```
    /// use xent::measure::Options;
    /// let p = ndarray::array![[0.5, 0.5], [0.5, 0.5]];
    /// let q = ndarray::array![[0.5, 0.5], [1.0, 0.0]];
    /// let d = Options::new().kl_divergence_rows(p.view(), q.view())?;
    /// assert_eq!(d.to_vec(), vec![0.0, f64::INFINITY]);
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn kl_divergence_rows<T: Float>(
        &self,
        p: ArrayView2<'_, T>,
        q: ArrayView2<'_, T>,
    ) -> Result<Array1<T>, Error> {
        let nats = match self.kl_rows_fast(p, q) {
            Some(result) => result?,
            None => self.binary_rows_nats(p, q, kernels::kl_nats)?,
        };
        Ok(nats.mapv(|d| self.in_base(d)))
    }
}

/// KL divergence D(P‖Q) = Σᵢ pᵢ ln(pᵢ/qᵢ) in nats, strict policy; see
/// [`Options::kl_divergence`].
///
/// # Errors
/// As [`Options::cross_entropy`].
///
/// # Example
/// ```
/// // q = 1e-300 is far from 0: the divergence is large but finite (SciPy: 344.69461676854695)
/// let d: f64 = xent::measure::kl_divergence(&[0.5, 0.5], &[1.0, 1e-300])?;
/// assert!((d - 344.69461676854695).abs() < 1e-12);
/// assert_eq!(xent::measure::kl_divergence(&[0.5, 0.5], &[1.0, 0.0])?, f64::INFINITY);
/// # Ok::<(), xent::Error>(())
/// ```
pub fn kl_divergence<'a, 'b, T: Float>(
    p: impl Into<ArrayView1<'a, T>>,
    q: impl Into<ArrayView1<'b, T>>,
) -> Result<T, Error> {
    Options::new().kl_divergence(p, q)
}
