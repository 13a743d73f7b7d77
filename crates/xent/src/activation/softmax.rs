//! softmax and log-softmax over the last axis, with an optional temperature.

use super::RowActivation;
use crate::kernels::fused_softmax::{rows_f32, Kind};
use crate::{kernels, Error, Float, Par};
use ndarray::{Array2, ArrayView1, ArrayView2, ArrayViewMut2};

/// softmax(x / T)ᵢ = e^((xᵢ − m)/T) / Σⱼ e^((xⱼ − m)/T), with m = maxⱼ xⱼ.
///
/// Subtracting the row maximum makes every exponent ≤ 0, so nothing overflows and the largest
/// entry contributes exactly 1 to the denominator; the sum is accumulated in `f64`.
/// Edges (see the [module](super) for how PyTorch and SciPy differ): a −∞ entry gives 0; an
/// all −∞ row gives the uniform distribution; k entries of +∞ get 1/k each and the rest 0;
/// a NaN makes the row NaN; an empty row stays empty.
///
/// # Example
/// ```
/// use xent::activation::{RowActivation, Softmax};
/// let hot = Softmax::new().temperature(0.5)?.apply(&[1.0, 2.0]);
/// let plain = Softmax::new().apply(&[2.0, 4.0]);
/// assert_eq!(hot, plain);
/// let mut x = [1000.0f32, 0.0, -1000.0];
/// Softmax::new().apply_in_place(&mut x);
/// assert_eq!(x, [1.0, 0.0, 0.0]);
/// # Ok::<(), xent::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Softmax {
    temperature: f64,
    par: Par,
}

/// log_softmax(x / T)ᵢ = (xᵢ − m)/T − ln Σⱼ e^((xⱼ − m)/T), with m = maxⱼ xⱼ.
///
/// Never computes ln of a softmax (which would underflow to −∞): the result is exact for
/// entries far below the maximum, e.g. `log_softmax([1e4, −1e4, 0]) = [0, −2e4, −1e4]`.
/// Edges: a −∞ entry gives −∞; an all −∞ row gives −ln n everywhere; k entries of +∞ give
/// −ln k there and −∞ elsewhere; a NaN makes the row NaN.
///
/// # Example
/// ```
/// use xent::activation::{LogSoftmax, RowActivation};
/// let y = LogSoftmax::new().apply(&[1e4, -1e4, 0.0]);
/// assert_eq!(y, vec![0.0, -2e4, -1e4]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogSoftmax {
    temperature: f64,
    par: Par,
}

fn validate_temperature(t: f64) -> Result<f64, Error> {
    if t.is_finite() && t > 0.0 {
        Ok(t)
    } else {
        Err(Error::InvalidParameter {
            name: "temperature",
            value: t,
            expected: "a temperature must be finite and > 0",
        })
    }
}

macro_rules! temperature_builder {
    ($ty:ident) => {
        impl $ty {
            /// Temperature 1: the plain function.
            pub fn new() -> Self {
                $ty {
                    temperature: 1.0,
                    par: Par::default(),
                }
            }

            /// Divides the inputs by `t` first: t > 1 flattens the distribution, t < 1
            /// sharpens it.
            ///
            /// # Errors
            /// [`Error::InvalidParameter`] unless `t` is finite and > 0.
            pub fn temperature(self, t: f64) -> Result<Self, Error> {
                Ok($ty {
                    temperature: validate_temperature(t)?,
                    ..self
                })
            }

            /// Where the rows of a batch run (default: rayon's current pool; see [`Par`]).
            pub fn par(self, par: Par) -> Self {
                $ty { par, ..self }
            }
        }

        impl Default for $ty {
            fn default() -> Self {
                Self::new()
            }
        }
    };
}

temperature_builder!(Softmax);
temperature_builder!(LogSoftmax);

impl RowActivation for Softmax {
    fn apply_in_place<T: Float>(&self, x: &mut [T]) {
        kernels::softmax_in_place(x, self.temperature);
    }

    fn rows_fast<T: Float>(
        &self,
        src: Option<ArrayView2<'_, T>>,
        dst: ArrayViewMut2<'_, T>,
    ) -> bool {
        self.temperature == 1.0 && rows_fast_f32(Kind::Softmax, src, dst, self.par)
    }
}

impl RowActivation for LogSoftmax {
    fn apply_in_place<T: Float>(&self, x: &mut [T]) {
        kernels::log_softmax_in_place(x, self.temperature);
    }

    fn rows_fast<T: Float>(
        &self,
        src: Option<ArrayView2<'_, T>>,
        dst: ArrayViewMut2<'_, T>,
    ) -> bool {
        self.temperature == 1.0 && rows_fast_f32(Kind::LogSoftmax, src, dst, self.par)
    }
}

/// The vectorised path: contiguous `f32` matrices only.
fn rows_fast_f32<T: Float>(
    kind: Kind,
    src: Option<ArrayView2<'_, T>>,
    mut dst: ArrayViewMut2<'_, T>,
    par: Par,
) -> bool {
    let classes = dst.ncols();
    let src = match src {
        Some(s) => match s.to_slice().and_then(T::as_f32) {
            Some(s) => Some(s),
            None => return false,
        },
        None => None,
    };
    match dst.as_slice_mut().and_then(T::as_f32_mut) {
        Some(d) => {
            rows_f32(kind, src, d, classes, par);
            true
        }
        None => false,
    }
}

/// softmax of one row (a slice, a `Vec`, an array, an `Array1` or a 1-D view); shorthand
/// for `Softmax::new().apply(x)`.
///
/// # Example
/// ```
/// let p = xent::activation::softmax(&[1.0f64, 2.0, 3.0]);
/// assert!((p[2] - 0.6652409557748218).abs() < 1e-16);
/// let row = ndarray::array![1.0f64, 2.0, 3.0];
/// assert_eq!(xent::activation::softmax(&row), p);
/// ```
pub fn softmax<'a, T: Float>(x: impl Into<ArrayView1<'a, T>>) -> Vec<T> {
    Softmax::new().apply(x)
}

/// softmax of every row of a 2-D view; shorthand for `Softmax::new().apply_rows(x)`.
///
/// # Example
/// ```
/// let x = ndarray::array![[0.0f32, 0.0], [f32::NEG_INFINITY, f32::NEG_INFINITY]];
/// let p = xent::activation::softmax_rows(x.view());
/// assert_eq!(p, ndarray::array![[0.5f32, 0.5], [0.5, 0.5]]);
/// ```
pub fn softmax_rows<T: Float>(x: ArrayView2<'_, T>) -> Array2<T> {
    Softmax::new().apply_rows(x)
}

/// log-softmax of one row (as [`softmax`](fn@softmax) takes it); shorthand for
/// `LogSoftmax::new().apply(x)`.
///
/// # Example
/// ```
/// let y = xent::activation::log_softmax(&[-1000.0, 0.0, 1000.0]);
/// assert_eq!(y, vec![-2000.0, -1000.0, 0.0]);
/// ```
pub fn log_softmax<'a, T: Float>(x: impl Into<ArrayView1<'a, T>>) -> Vec<T> {
    LogSoftmax::new().apply(x)
}

/// log-softmax of every row of a 2-D view; shorthand for `LogSoftmax::new().apply_rows(x)`.
///
/// # Example
/// ```
/// let x = ndarray::array![[1.0, 1.0], [0.0, f64::INFINITY]];
/// let y = xent::activation::log_softmax_rows(x.view());
/// assert_eq!(y, ndarray::array![[-std::f64::consts::LN_2, -std::f64::consts::LN_2],
///                               [f64::NEG_INFINITY, 0.0]]);
/// ```
pub fn log_softmax_rows<T: Float>(x: ArrayView2<'_, T>) -> Array2<T> {
    LogSoftmax::new().apply_rows(x)
}
