//! Self-information (surprisal) of one outcome.

use super::Options;
use crate::{Error, Float};

/// Checks that a single probability lies in [0, 1].
pub(crate) fn unit_interval<T: Float>(input: &'static str, p: T) -> Result<f64, Error> {
    let value = p.to_f64();
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(Error::OutOfUnitInterval { input, value })
    }
}

impl Options {
    /// Self-information (surprisal) I(p) = −log p of an outcome of probability p:
    /// 0 for a certain outcome, +∞ for an impossible one (p = 0). The input policy does not
    /// apply: a single probability is always checked.
    ///
    /// # Errors
    /// [`Error::OutOfUnitInterval`] unless 0 ≤ p ≤ 1 (NaN included).
    ///
    /// # Example
    /// ```
    /// use xent::{measure::Options, Base};
    /// assert_eq!(Options::new().base(Base::BITS).self_information(0.125)?, 3.0);
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn self_information<T: Float>(&self, p: T) -> Result<T, Error> {
        let p = unit_interval("p", p)?;
        Ok(self.in_base(-p.ln()))
    }
}

/// Self-information −ln p in nats; see [`Options::self_information`].
///
/// # Errors
/// [`Error::OutOfUnitInterval`] unless 0 ≤ p ≤ 1.
///
/// # Example
/// ```
/// assert!((xent::measure::self_information(0.4f64)? - 0.916290731874155).abs() < 1e-15);
/// assert_eq!(xent::measure::self_information(0.0f32)?, f32::INFINITY);
/// # Ok::<(), xent::Error>(())
/// ```
pub fn self_information<T: Float>(p: T) -> Result<T, Error> {
    Options::new().self_information(p)
}
