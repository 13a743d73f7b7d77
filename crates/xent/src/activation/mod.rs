//! Softmax and its relatives, max-shifted and exact at the extremes.
//!
//! | function | formula | at the edges |
//! |---|---|---|
//! | [`softmax`](fn@softmax) | e^(xᵢ/T) / Σⱼ e^(xⱼ/T) | −∞ → 0; all −∞ → uniform; k entries +∞ → 1/k each |
//! | [`log_softmax`] | xᵢ/T − logsumexp(x/T) | −∞ → −∞; all −∞ → −ln n; +∞ entries → −ln k, others −∞ |
//! | [`logsumexp`](fn@logsumexp) | ln Σ e^(xᵢ) | all −∞ or empty → −∞; any +∞ → +∞ |
//! | [`sigmoid`](fn@sigmoid) | 1 / (1 + e^(−x)) | ±∞ → 1, 0 |
//! | [`log_sigmoid`] | −softplus(−x) | +∞ → 0, −∞ → −∞; never −∞ for finite x |
//! | [`softplus`](fn@softplus) | ln(1 + eˣ) | never overflows: x for large x, eˣ for very negative x |
//!
//! A NaN anywhere in a row makes that whole row (or reduction) NaN; a NaN element of an
//! elementwise function gives NaN there only.
//!
//! # How the extremes compare with PyTorch and SciPy
//! Where every entry is finite, all three agree to rounding. The differences are at ±∞:
//!
//! - **All −∞ row** (everything masked): PyTorch and SciPy return NaN for `softmax` and
//!   `log_softmax`. xent returns the uniform distribution (1/n, log −ln n): the limit of
//!   softmax of a constant row, which keeps "every row sums to 1" true. `logsumexp` is −∞ in
//!   all three.
//! - **+∞ entries**: PyTorch gives NaN in the whole row, SciPy NaN at the +∞ entries. xent
//!   takes the limit: the +∞ entries share the mass equally, the others get 0.
//! - `softplus`: PyTorch switches to the identity above a threshold (x > 20 by default),
//!   which is off by up to 2e-9 there; xent is exact everywhere.
//!
//! Row-wise functions work on the last axis of a 2-D view (rows = samples), whatever its
//! memory layout; strided rows are copied through a scratch buffer.

mod logsumexp;
mod row_activation;
mod sigmoid;
mod softmax;
mod softplus;

pub use logsumexp::{logsumexp, logsumexp_rows, logsumexp_rows_into};
pub use row_activation::RowActivation;
pub use sigmoid::{log_sigmoid, sigmoid};
pub use softmax::{log_softmax, log_softmax_rows, softmax, softmax_rows, LogSoftmax, Softmax};
pub use softplus::softplus;

use crate::{Error, Float};

/// Applies an elementwise function from `x` into `out`, which must have the same length.
///
/// Works with [`sigmoid`](fn@sigmoid), [`log_sigmoid`], [`softplus`](fn@softplus) or any `Fn(T) -> T`; for `ndarray`
/// arrays use `x.mapv(sigmoid)` or `x.mapv_inplace(sigmoid)`.
///
/// # Errors
/// [`Error::ShapeMismatch`] when the lengths differ.
///
/// # Example
/// ```
/// use xent::activation::{map_into, sigmoid};
/// let mut out = [0.0f32; 3];
/// map_into(&[0.0f32, 100.0, -100.0], &mut out, sigmoid)?;
/// assert_eq!(out, [0.5, 1.0, 3.7200760e-44]);
/// # Ok::<(), xent::Error>(())
/// ```
pub fn map_into<T: Float>(x: &[T], out: &mut [T], f: impl Fn(T) -> T) -> Result<(), Error> {
    crate::layout::ensure_same_shape("out", &[x.len()], &[out.len()])?;
    out.iter_mut().zip(x).for_each(|(o, &v)| *o = f(v));
    Ok(())
}

/// Applies an elementwise function to every element of `x` in place.
///
/// # Example
/// ```
/// use xent::activation::{map_in_place, softplus};
/// let mut x = [-1000.0, 0.0, 1000.0];
/// map_in_place(&mut x, softplus);
/// assert_eq!(x, [0.0, std::f64::consts::LN_2, 1000.0]);
/// ```
pub fn map_in_place<T: Float>(x: &mut [T], f: impl Fn(T) -> T) {
    x.iter_mut().for_each(|v| *v = f(*v));
}
