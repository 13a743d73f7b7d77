//! Jensen–Shannon divergence and distance.

use super::Options;
use crate::{kernels, Error, Float};
use ndarray::{Array1, ArrayView1, ArrayView2};

impl Options {
    /// Jensen–Shannon divergence JS(P, Q) = ½ D(P‖M) + ½ D(Q‖M), M = ½(P + Q).
    ///
    /// Symmetric, finite even where P and Q have disjoint support, and between 0 and log 2
    /// (1 bit). Accurate when P ≈ Q (the same series as [`Options::kl_divergence`]).
    ///
    /// # Errors
    /// As [`Options::cross_entropy`].
    ///
    /// # Example
    /// ```
    /// use xent::{measure::Options, Base};
    /// let js = Options::new().base(Base::BITS).js_divergence(&[1.0, 0.0], &[0.0, 1.0])?;
    /// assert_eq!(js, 1.0);
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn js_divergence<'a, 'b, T: Float>(
        &self,
        p: impl Into<ArrayView1<'a, T>>,
        q: impl Into<ArrayView1<'b, T>>,
    ) -> Result<T, Error> {
        let nats = self.binary_nats(p.into(), q.into(), kernels::js_nats)?;
        Ok(self.in_base(nats))
    }

    /// Jensen–Shannon distance √JS(P, Q), with JS in this options' base: a metric, and what
    /// `scipy.spatial.distance.jensenshannon(p, q, base)` returns.
    ///
    /// # Errors
    /// As [`Options::cross_entropy`].
    ///
    /// # Example
    /// ```
    /// use xent::measure::Options;
    /// let d: f64 = Options::new().js_distance(&[1.0, 0.0, 0.0], &[0.7, 0.2, 0.1])?;
    /// assert!((d - 0.34245720430229537).abs() < 1e-15);
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn js_distance<'a, 'b, T: Float>(
        &self,
        p: impl Into<ArrayView1<'a, T>>,
        q: impl Into<ArrayView1<'b, T>>,
    ) -> Result<T, Error> {
        let nats = self.binary_nats(p.into(), q.into(), kernels::js_nats)?;
        Ok(T::from_f64(self.in_base::<f64>(nats).sqrt()))
    }

    /// [`Options::js_divergence`] of matching rows of two batches.
    ///
    /// # Errors
    /// As [`Options::cross_entropy`]; the error names the first offending row.
    ///
    /// # Example
    /// ```
    /// use xent::measure::Options;
    /// let p = ndarray::array![[1.0, 0.0], [0.5, 0.5]];
    /// let js = Options::new().js_divergence_rows(p.view(), p.view())?;
    /// assert_eq!(js.to_vec(), vec![0.0, 0.0]);
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn js_divergence_rows<T: Float>(
        &self,
        p: ArrayView2<'_, T>,
        q: ArrayView2<'_, T>,
    ) -> Result<Array1<T>, Error> {
        let nats = self.binary_rows_nats(p, q, kernels::js_nats)?;
        Ok(nats.mapv(|d| self.in_base(d)))
    }

    /// [`Options::js_distance`] of matching rows of two batches.
    ///
    /// # Errors
    /// As [`Options::cross_entropy`]; the error names the first offending row.
    ///
    /// # Example
    /// ```
    /// use xent::{measure::Options, Base};
    /// let p = ndarray::array![[1.0, 0.0]];
    /// let q = ndarray::array![[0.0, 1.0]];
    /// let d = Options::new().base(Base::BITS).js_distance_rows(p.view(), q.view())?;
    /// assert_eq!(d.to_vec(), vec![1.0]);
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn js_distance_rows<T: Float>(
        &self,
        p: ArrayView2<'_, T>,
        q: ArrayView2<'_, T>,
    ) -> Result<Array1<T>, Error> {
        let nats = self.binary_rows_nats(p, q, kernels::js_nats)?;
        Ok(nats.mapv(|d| T::from_f64(self.in_base::<f64>(d).sqrt())))
    }
}

/// Jensen–Shannon divergence in nats, strict policy; see [`Options::js_divergence`].
///
/// # Errors
/// As [`Options::cross_entropy`].
///
/// # Example
/// ```
/// let js: f64 = xent::measure::js_divergence(&[1.0, 0.0, 0.0], &[0.7, 0.2, 0.1])?;
/// assert!((js - 0.11727693677854424).abs() < 1e-15);
/// # Ok::<(), xent::Error>(())
/// ```
pub fn js_divergence<'a, 'b, T: Float>(
    p: impl Into<ArrayView1<'a, T>>,
    q: impl Into<ArrayView1<'b, T>>,
) -> Result<T, Error> {
    Options::new().js_divergence(p, q)
}

/// Jensen–Shannon distance √JS in nats, strict policy; see [`Options::js_distance`].
///
/// # Errors
/// As [`Options::cross_entropy`].
///
/// # Example
/// ```
/// let d = xent::measure::js_distance(&[1.0, 0.0], &[0.0, 1.0])?;
/// assert!((d - std::f64::consts::LN_2.sqrt()).abs() < 1e-15);
/// # Ok::<(), xent::Error>(())
/// ```
pub fn js_distance<'a, 'b, T: Float>(
    p: impl Into<ArrayView1<'a, T>>,
    q: impl Into<ArrayView1<'b, T>>,
) -> Result<T, Error> {
    Options::new().js_distance(p, q)
}
