//! The logistic function and its logarithm.

use super::softplus;
use crate::Float;

/// σ(x) = 1 / (1 + e^(−x)), evaluated as e^x / (1 + e^x) for x < 0 so that nothing overflows
/// and small results keep full relative precision.
///
/// σ(+∞) = 1, σ(−∞) = 0, σ(NaN) = NaN.
///
/// # Example
/// ```
/// use xent::activation::sigmoid;
/// assert_eq!(sigmoid(0.0), 0.5);
/// assert_eq!(sigmoid(-800.0f64), 0.0);
/// assert!((sigmoid(-700.0f64) / (-700f64).exp() - 1.0).abs() < 1e-12);
/// ```
#[inline]
pub fn sigmoid<T: Float>(x: T) -> T {
    if x >= T::ZERO {
        T::ONE / (T::ONE + (-x).exp())
    } else {
        let e = x.exp();
        e / (T::ONE + e)
    }
}

/// ln σ(x) = −softplus(−x): finite for every finite x (≈ x for very negative x), 0 at +∞,
/// −∞ at −∞. Never takes the log of a rounded sigmoid, which would give −∞ below x ≈ −745.
///
/// # Example
/// ```
/// use xent::activation::log_sigmoid;
/// assert_eq!(log_sigmoid(-800.0), -800.0);
/// assert_eq!(log_sigmoid(800.0), 0.0);
/// assert!((log_sigmoid(0.0f32) + std::f32::consts::LN_2).abs() < 1e-7);
/// ```
#[inline]
pub fn log_sigmoid<T: Float>(x: T) -> T {
    -softplus(-x)
}
