//! ln Σ eˣ, the normaliser of softmax.

use crate::layout::{ensure_same_shape, with_row};
use crate::{kernels, Error, Float};
use ndarray::{Array1, ArrayView1, ArrayView2, ArrayViewMut1, Axis};

/// logsumexp(x) = ln Σᵢ e^(xᵢ) = m + ln(1 + Σ_{i≠k} e^(xᵢ − m)), m = xₖ = max x.
///
/// Takes one row as a slice, a `Vec`, an array, an `Array1` or a 1-D view (a strided view
/// is copied once). The maximum's own term is exactly 1 and is kept out of the sum, so `ln_1p` keeps the
/// contribution of entries far below the maximum (`logsumexp([0, −40]) = 4.2e-18`, not 0).
/// Edges: an empty row or an all −∞ row gives −∞ (as PyTorch; SciPy also gives −∞ for the
/// all −∞ row); any +∞ gives +∞; any NaN gives NaN. The result is ≥ max x.
///
/// # Example
/// ```
/// use xent::activation::logsumexp;
/// assert_eq!(logsumexp(&[1000.0, 1000.0]), 1000.0 + std::f64::consts::LN_2);
/// assert_eq!(logsumexp(&[f32::NEG_INFINITY; 2]), f32::NEG_INFINITY);
/// ```
pub fn logsumexp<'a, T: Float>(x: impl Into<ArrayView1<'a, T>>) -> T {
    with_row(x.into(), &mut Vec::new(), |x| {
        T::from_f64(kernels::logsumexp(x, 1.0))
    })
}

/// [`logsumexp`] of every row of a 2-D view.
///
/// # Example
/// ```
/// let x = ndarray::array![[1.0, 2.0, 3.0], [-1000.0, -1000.0, f64::NEG_INFINITY]];
/// let l = xent::activation::logsumexp_rows(x.view());
/// assert!((l[0] - 3.40760596444438).abs() < 1e-14);
/// assert!((l[1] - (-1000.0 + std::f64::consts::LN_2)).abs() < 1e-12);
/// ```
pub fn logsumexp_rows<T: Float>(x: ArrayView2<'_, T>) -> Array1<T> {
    let mut out = Array1::from_elem(x.nrows(), T::ZERO);
    logsumexp_rows_into(x, out.view_mut()).expect("the output has one entry per row");
    out
}

/// [`logsumexp`] of every row of `x`, written into `out` (one entry per row).
///
/// # Errors
/// [`Error::ShapeMismatch`] when `out.len() != x.nrows()`.
///
/// # Example
/// ```
/// let x = ndarray::array![[0.0f32, 0.0], [1.0, f32::INFINITY]];
/// let mut out = [0.0f32; 2];
/// xent::activation::logsumexp_rows_into(x.view(), (&mut out[..]).into())?;
/// assert_eq!(out, [std::f32::consts::LN_2, f32::INFINITY]);
/// # Ok::<(), xent::Error>(())
/// ```
pub fn logsumexp_rows_into<T: Float>(
    x: ArrayView2<'_, T>,
    mut out: ArrayViewMut1<'_, T>,
) -> Result<(), Error> {
    ensure_same_shape("out", &[x.nrows()], &[out.len()])?;
    if x.ncols() > 0 {
        let fast_in = x.to_slice().and_then(T::as_f32);
        if let (Some(src), Some(dst)) = (fast_in, out.as_slice_mut().and_then(T::as_f32_mut)) {
            kernels::fused_softmax::logsumexp_rows_f32(src, x.ncols(), dst);
            return Ok(());
        }
    }
    let mut scratch = Vec::new();
    for (row, o) in x.axis_iter(Axis(0)).zip(out.iter_mut()) {
        *o = with_row(row, &mut scratch, |r| {
            T::from_f64(kernels::logsumexp(r, 1.0))
        });
    }
    Ok(())
}
