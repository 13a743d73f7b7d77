//! The shared shape of the row-wise activations: one in-place row kernel, every entry point.

use crate::layout::{copy_checked, ensure_same_shape, for_each_row_mut};
use crate::{Error, Float};
use ndarray::{Array2, ArrayView1, ArrayView2, ArrayViewMut2};

/// An activation that maps each row (the last axis) to a row of the same length:
/// [`Softmax`](super::Softmax) and [`LogSoftmax`](super::LogSoftmax).
///
/// Implementors provide the in-place row kernel; every other entry point (allocating,
/// `_into` a caller's buffer, on slices and on 2-D views) is derived from it, so they all give
/// bit-identical results.
///
/// # Example
/// ```
/// use ndarray::array;
/// use xent::activation::{RowActivation, Softmax};
/// let x = array![[1.0, 2.0, 3.0], [0.0, 0.0, f64::NEG_INFINITY]];
/// let mut out = ndarray::Array2::zeros((2, 3));
/// Softmax::new().apply_rows_into(x.view(), out.view_mut())?;
/// assert_eq!(out.row(1).to_vec(), vec![0.5, 0.5, 0.0]);
/// # Ok::<(), xent::Error>(())
/// ```
pub trait RowActivation {
    /// Overwrites one row with its image.
    fn apply_in_place<T: Float>(&self, x: &mut [T]);

    /// A faster whole-matrix path (vectorised, multi-threaded) for the inputs it supports:
    /// applies the activation to `src` into `dst`, or to `dst` in place when `src` is `None`,
    /// and returns `true`; returns `false`, touching nothing, when it does not apply.
    #[doc(hidden)]
    fn rows_fast<T: Float>(
        &self,
        _src: Option<ArrayView2<'_, T>>,
        _dst: ArrayViewMut2<'_, T>,
    ) -> bool {
        false
    }

    /// The image of one row (a slice, a `Vec`, an array, an `Array1` or a 1-D view), in a
    /// new vector.
    fn apply<'a, T: Float>(&self, x: impl Into<ArrayView1<'a, T>>) -> Vec<T> {
        let mut out = x.into().to_vec();
        self.apply_in_place(&mut out);
        out
    }

    /// Writes the image of one row into `out`.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] when `out.len() != x.len()`.
    fn apply_into<'a, T: Float>(
        &self,
        x: impl Into<ArrayView1<'a, T>>,
        out: &mut [T],
    ) -> Result<(), Error> {
        let x = x.into();
        ensure_same_shape("out", &[x.len()], &[out.len()])?;
        out.iter_mut().zip(&x).for_each(|(o, &v)| *o = v);
        self.apply_in_place(out);
        Ok(())
    }

    /// Applies the activation to every row of a 2-D view, in place.
    fn apply_rows_in_place<T: Float>(&self, mut x: ArrayViewMut2<'_, T>) {
        if !self.rows_fast(None, x.view_mut()) {
            for_each_row_mut(x, |row| self.apply_in_place(row));
        }
    }

    /// Applies the activation to every row of a 2-D view, into a new array.
    fn apply_rows<T: Float>(&self, x: ArrayView2<'_, T>) -> Array2<T> {
        // On huge pages: the fresh output's first writes cost less than the kernel.
        let zeros = crate::kernels::zeroed_vec(x.len());
        let mut out = Array2::from_shape_vec(x.dim(), zeros).expect("one per input");
        self.apply_rows_into(x, out.view_mut())
            .expect("the output has the input's shape");
        out
    }

    /// Applies the activation to every row of `x`, writing into `out`.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] when the shapes differ.
    fn apply_rows_into<T: Float>(
        &self,
        x: ArrayView2<'_, T>,
        mut out: ArrayViewMut2<'_, T>,
    ) -> Result<(), Error> {
        ensure_same_shape("out", x.shape(), out.shape())?;
        if !self.rows_fast(Some(x), out.view_mut()) {
            copy_checked(x, out.view_mut())?;
            self.apply_rows_in_place(out);
        }
        Ok(())
    }
}
