//! The operands of the elementwise losses, in the containers callers hold them in.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};

/// An operand of an elementwise loss (MSE, BCE, BCE with logits, KL-div, focal): a 2-D view
/// or array, or a 1-D one (a slice, a `Vec`, an array, an `Array1`, an `ArrayView1`) read as
/// one row of `n` elements. A 1-D operand therefore broadcasts as PyTorch's `(n,)` does (a
/// `pos_weight` of `n` values is one per element), and the unreduced losses and gradients of
/// a 1-D input come back with shape `(1, n)` (`.row(0)` is the vector).
///
/// # Example
/// ```
/// use xent::loss::BceWithLogits;
/// let logits = vec![0.0f64, 2.0, -1.0];
/// let labels = [1.0, 1.0, 0.0];
/// let one_d = BceWithLogits::new().forward(&logits, &labels)?;
/// let two_d = BceWithLogits::new().forward(&ndarray::array![[0.0, 2.0, -1.0]], &ndarray::array![[1.0, 1.0, 0.0]])?;
/// assert_eq!(one_d, two_d);
/// # Ok::<(), xent::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Elements<'a, T>(pub(crate) ArrayView2<'a, T>);

impl<'a, T> Elements<'a, T> {
    /// The operand as a 2-D view (one row for a 1-D operand).
    pub fn view(&self) -> ArrayView2<'a, T> {
        self.0
    }
}

impl<'a, T> From<ArrayView2<'a, T>> for Elements<'a, T> {
    fn from(v: ArrayView2<'a, T>) -> Self {
        Elements(v)
    }
}

impl<'a, T> From<&'a Array2<T>> for Elements<'a, T> {
    fn from(v: &'a Array2<T>) -> Self {
        Elements(v.view())
    }
}

impl<'a, T> From<ArrayView1<'a, T>> for Elements<'a, T> {
    fn from(v: ArrayView1<'a, T>) -> Self {
        Elements(v.insert_axis(Axis(0)))
    }
}

impl<'a, T> From<&'a Array1<T>> for Elements<'a, T> {
    fn from(v: &'a Array1<T>) -> Self {
        Elements::from(v.view())
    }
}

impl<'a, T> From<&'a [T]> for Elements<'a, T> {
    fn from(v: &'a [T]) -> Self {
        Elements::from(ArrayView1::from(v))
    }
}

impl<'a, T> From<&'a Vec<T>> for Elements<'a, T> {
    fn from(v: &'a Vec<T>) -> Self {
        Elements::from(v.as_slice())
    }
}

impl<'a, T, const N: usize> From<&'a [T; N]> for Elements<'a, T> {
    fn from(v: &'a [T; N]) -> Self {
        Elements::from(&v[..])
    }
}
