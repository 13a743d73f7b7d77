//! Perplexity: the effective number of equally likely outcomes.

use super::Options;
use crate::{kernels, Error, Float};
use ndarray::{Array1, ArrayView1, ArrayView2};

impl Options {
    /// Perplexity PP(P) = e^H(P) = b^(H(P) in base b): n for the uniform distribution over
    /// n outcomes, 1 for a point mass. The same number in every base, so the options' base is
    /// ignored. The perplexity of a model on data is `exp` of its mean cross-entropy in nats.
    ///
    /// # Errors
    /// As [`Options::entropy`].
    ///
    /// # Example
    /// ```
    /// use xent::{measure::Options, Base};
    /// let pp: f64 = Options::new().base(Base::BITS).perplexity(&[0.25; 4])?;
    /// assert!((pp - 4.0).abs() < 1e-14);
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn perplexity<'a, T: Float>(&self, p: impl Into<ArrayView1<'a, T>>) -> Result<T, Error> {
        let nats = self.unary_nats("p", p.into(), kernels::entropy_nats)?;
        Ok(T::from_f64(nats.exp()))
    }

    /// [`Options::perplexity`] of every row of a batch.
    ///
    /// # Errors
    /// As [`Options::entropy`]; the error names the first offending row.
    ///
    /// # Example
    /// ```
    /// use xent::measure::Options;
    /// let p = ndarray::array![[1.0, 0.0], [0.5, 0.5]];
    /// assert_eq!(Options::new().perplexity_rows(p.view())?.to_vec(), vec![1.0, 2.0]);
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn perplexity_rows<T: Float>(&self, p: ArrayView2<'_, T>) -> Result<Array1<T>, Error> {
        let nats = self.unary_rows_nats("p", p, kernels::entropy_nats)?;
        Ok(nats.mapv(|h| T::from_f64(h.exp())))
    }
}

/// Perplexity e^H(P), strict policy; see [`Options::perplexity`].
///
/// # Errors
/// As [`Options::entropy`].
///
/// # Example
/// ```
/// assert_eq!(xent::measure::perplexity(&[0.5, 0.5])?, 2.0);
/// # Ok::<(), xent::Error>(())
/// ```
pub fn perplexity<'a, T: Float>(p: impl Into<ArrayView1<'a, T>>) -> Result<T, Error> {
    Options::new().perplexity(p)
}
