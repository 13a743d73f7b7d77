//! Logits as the loss layer receives them (ndarray views in any layout) handed to the row
//! driver as contiguous rows.

use crate::kernels::RowIo;
use crate::Float;
use ndarray::{Array2, ArrayView2, ArrayViewMut2};

/// Logits to read; to read and then overwrite with the gradient; or to read while writing
/// the gradient into another buffer.
pub(crate) enum Logits<'a, T> {
    Read(ArrayView2<'a, T>),
    InPlace(ArrayViewMut2<'a, T>),
    Into(ArrayView2<'a, T>, ArrayViewMut2<'a, T>),
}

impl<T: Float> Logits<'_, T> {
    pub(crate) fn dim(&self) -> (usize, usize) {
        match self {
            Logits::Read(v) | Logits::Into(v, _) => v.dim(),
            Logits::InPlace(v) => v.dim(),
        }
    }

    /// Runs `f` on the logits as contiguous rows: views in another layout are copied once
    /// (and a gradient made in a copy is written back).
    pub(crate) fn with_rows<R>(self, f: impl FnOnce(RowIo<'_, T>) -> R) -> R {
        match self {
            Logits::Read(z) => {
                let z = z.as_standard_layout();
                f(RowIo::Read(z.as_slice().expect("standard layout")))
            }
            Logits::InPlace(mut z) if z.is_standard_layout() => {
                f(RowIo::InPlace(z.as_slice_mut().expect("standard layout")))
            }
            Logits::InPlace(mut z) => {
                let mut copy = z.to_owned();
                let r = f(RowIo::InPlace(copy.as_slice_mut().expect("owned")));
                z.assign(&copy);
                r
            }
            Logits::Into(z, mut grad) => {
                let z = z.as_standard_layout();
                let z = z.as_slice().expect("standard layout");
                if grad.is_standard_layout() {
                    return f(RowIo::Into(
                        z,
                        grad.as_slice_mut().expect("standard layout"),
                    ));
                }
                let mut copy = Array2::from_elem(grad.dim(), T::ZERO);
                let r = f(RowIo::Into(z, copy.as_slice_mut().expect("owned")));
                grad.assign(&copy);
                r
            }
        }
    }
}
