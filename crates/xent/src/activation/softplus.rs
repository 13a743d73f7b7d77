//! softplus, the smooth ReLU.

use crate::Float;

/// softplus(x) = ln(1 + eˣ) = max(x, 0) + ln(1 + e^(−|x|)).
///
/// The second form never overflows: softplus(1000) = 1000 exactly, softplus(−1000) = 0
/// (rounded from e^(−1000)), softplus(+∞) = +∞, softplus(−∞) = 0, softplus(NaN) = NaN.
/// Unlike PyTorch's `softplus` (which returns x above `threshold = 20`), the result is
/// exact everywhere.
///
/// # Example
/// ```
/// use xent::activation::softplus;
/// assert_eq!(softplus(1000.0), 1000.0);
/// assert_eq!(softplus(0.0f32), std::f32::consts::LN_2);
/// assert_eq!(softplus(-50.0), (-50f64).exp()); // ln(1 + ε) = ε to f64 precision
/// ```
#[inline]
pub fn softplus<T: Float>(x: T) -> T {
    if x > T::ZERO {
        x + (-x).exp().ln_1p()
    } else {
        x.exp().ln_1p()
    }
}
