//! Cross-entropy of two distributions.

use super::Options;
use crate::{kernels, Error, Float};
use ndarray::{Array1, ArrayView1, ArrayView2};

impl Options {
    /// Cross-entropy H(P, Q) = −Σᵢ pᵢ log qᵢ: the expected code length when outcomes drawn
    /// from P are coded with a code optimal for Q. H(P, Q) = H(P) + D(P‖Q) ≥ H(P).
    ///
    /// A term with pᵢ = 0 contributes 0 (even when qᵢ = 0); pᵢ > 0 with qᵢ = 0 gives +∞.
    /// With a one-hot P this is the categorical cross-entropy loss −log q_target.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] when P and Q differ in length, [`Error::Empty`], and the input
    /// policy's errors for either operand (`input` is `"p"` or `"q"`).
    ///
    /// # Example
    /// ```
    /// use xent::measure::Options;
    /// // label [0, 0, 1] against the prediction [0.3, 0.3, 0.4]: −ln 0.4
    /// let ce: f64 = Options::new().cross_entropy(&[0.0, 0.0, 1.0], &[0.3, 0.3, 0.4])?;
    /// assert!((ce - 0.916290731874155).abs() < 1e-15);
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn cross_entropy<'a, 'b, T: Float>(
        &self,
        p: impl Into<ArrayView1<'a, T>>,
        q: impl Into<ArrayView1<'b, T>>,
    ) -> Result<T, Error> {
        let nats = self.binary_nats(p.into(), q.into(), kernels::cross_entropy_nats)?;
        Ok(self.in_base(nats))
    }

    /// [`Options::cross_entropy`] of matching rows of two batches of the same shape.
    ///
    /// # Errors
    /// As [`Options::cross_entropy`]; the error names the first offending row.
    ///
    /// # Example
    /// ```
    /// use xent::measure::Options;
    /// let y = ndarray::array![[0.0, 1.0], [1.0, 0.0]];
    /// let q = ndarray::array![[0.5, 0.5], [1.0, 0.0]];
    /// let ce = Options::new().cross_entropy_rows(y.view(), q.view())?;
    /// assert_eq!(ce.to_vec(), vec![std::f64::consts::LN_2, 0.0]);
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn cross_entropy_rows<T: Float>(
        &self,
        p: ArrayView2<'_, T>,
        q: ArrayView2<'_, T>,
    ) -> Result<Array1<T>, Error> {
        let nats = match self.cross_entropy_rows_fast(p, q) {
            Some(result) => result?,
            None => self.binary_rows_nats(p, q, kernels::cross_entropy_nats)?,
        };
        Ok(nats.mapv(|h| self.in_base(h)))
    }
}

/// Cross-entropy H(P, Q) = −Σᵢ pᵢ ln qᵢ in nats, strict policy; see
/// [`Options::cross_entropy`].
///
/// # Errors
/// As [`Options::cross_entropy`].
///
/// # Example
/// ```
/// let ce = xent::measure::cross_entropy(&[0.5, 0.5], &[1.0, 0.0])?;
/// assert_eq!(ce, f64::INFINITY);
/// # Ok::<(), xent::Error>(())
/// ```
pub fn cross_entropy<'a, 'b, T: Float>(
    p: impl Into<ArrayView1<'a, T>>,
    q: impl Into<ArrayView1<'b, T>>,
) -> Result<T, Error> {
    Options::new().cross_entropy(p, q)
}
