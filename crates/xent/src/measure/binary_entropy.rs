//! Entropy of a Bernoulli variable.

use super::self_information::unit_interval;
use super::Options;
use crate::{Error, Float};

impl Options {
    /// Binary entropy h(p) = −p log p − (1 − p) log(1 − p), the entropy of a coin that shows
    /// heads with probability p: 0 at p ∈ {0, 1}, maximal (1 bit) at p = ½.
    ///
    /// The smaller of p and 1 − p is used with `ln_1p`, so h stays accurate for p within
    /// 1e-300 of 0 or 1e-16 of 1. The input policy does not apply.
    ///
    /// # Errors
    /// [`Error::OutOfUnitInterval`] unless 0 ≤ p ≤ 1.
    ///
    /// # Example
    /// ```
    /// use xent::{measure::Options, Base};
    /// assert_eq!(Options::new().base(Base::BITS).binary_entropy(0.5)?, 1.0);
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn binary_entropy<T: Float>(&self, p: T) -> Result<T, Error> {
        let p = unit_interval("p", p)?;
        // h is symmetric; work with the smaller side, whose complement is exact.
        let small = p.min(1.0 - p);
        let nats = if small == 0.0 {
            0.0
        } else {
            -small * small.ln() - (1.0 - small) * (-small).ln_1p()
        };
        Ok(self.in_base(nats))
    }
}

/// Binary entropy h(p) in nats; see [`Options::binary_entropy`].
///
/// # Errors
/// [`Error::OutOfUnitInterval`] unless 0 ≤ p ≤ 1.
///
/// # Example
/// ```
/// let h = xent::measure::binary_entropy(0.1f64)?;
/// assert!((h - 0.3250829733914482).abs() < 1e-15);
/// # Ok::<(), xent::Error>(())
/// ```
pub fn binary_entropy<T: Float>(p: T) -> Result<T, Error> {
    Options::new().binary_entropy(p)
}
