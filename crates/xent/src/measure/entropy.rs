//! Shannon entropy.

use super::Options;
use crate::{kernels, Error, Float};
use ndarray::{Array1, ArrayView1, ArrayView2};

impl Options {
    /// Entropy H(P) = −Σᵢ pᵢ log pᵢ, with 0 · log 0 = 0.
    ///
    /// Between 0 (a point mass) and log n (uniform over n outcomes).
    ///
    /// # Errors
    /// [`Error::Empty`] for an empty P; under the strict or normalize policy,
    /// [`Error::InvalidProbability`], [`Error::NotNormalized`] or [`Error::ZeroSum`].
    ///
    /// # Example
    /// ```
    /// use xent::{measure::Options, Base};
    /// let h = Options::new().base(Base::BITS).entropy(&[0.5, 0.25, 0.25])?;
    /// assert_eq!(h, 1.5);
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn entropy<'a, T: Float>(&self, p: impl Into<ArrayView1<'a, T>>) -> Result<T, Error> {
        let nats = self.unary_nats("p", p.into(), kernels::entropy_nats)?;
        Ok(self.in_base(nats))
    }

    /// [`Options::entropy`] of every row of a batch.
    ///
    /// # Errors
    /// As [`Options::entropy`]; the error names the first offending row.
    ///
    /// # Example
    /// ```
    /// use xent::measure::Options;
    /// let p = ndarray::array![[1.0, 0.0], [0.5, 0.5]];
    /// let h = Options::new().entropy_rows(p.view())?;
    /// assert_eq!(h.to_vec(), vec![0.0, std::f64::consts::LN_2]);
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn entropy_rows<T: Float>(&self, p: ArrayView2<'_, T>) -> Result<Array1<T>, Error> {
        let nats = match self.entropy_rows_fast(p) {
            Some(result) => result?,
            None => self.unary_rows_nats("p", p, kernels::entropy_nats)?,
        };
        Ok(nats.mapv(|h| self.in_base(h)))
    }
}

/// Entropy H(P) = −Σᵢ pᵢ ln pᵢ in nats, strict policy; see [`Options::entropy`].
///
/// # Errors
/// As [`Options::entropy`].
///
/// # Example
/// ```
/// let h = xent::measure::entropy(&[0.5f32, 0.0, 0.5])?;
/// assert_eq!(h, std::f32::consts::LN_2);
/// # Ok::<(), xent::Error>(())
/// ```
pub fn entropy<'a, T: Float>(p: impl Into<ArrayView1<'a, T>>) -> Result<T, Error> {
    Options::new().entropy(p)
}
