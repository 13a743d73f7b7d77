//! The targets of a cross-entropy, and the conversions that let callers pass their own.

use ndarray::{Array2, ArrayView2};

/// The targets of a cross-entropy: one class index per row, or one probability row per row.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a, T> {
    /// Class indices (`i64`, so that an ignore index such as −100 fits).
    Classes(&'a [i64]),
    /// Probabilities (soft labels) of the logits' shape.
    Probabilities(ArrayView2<'a, T>),
}

impl<'a, T> From<&'a [i64]> for Target<'a, T> {
    fn from(classes: &'a [i64]) -> Self {
        Target::Classes(classes)
    }
}

impl<'a, T, const N: usize> From<&'a [i64; N]> for Target<'a, T> {
    fn from(classes: &'a [i64; N]) -> Self {
        Target::Classes(classes)
    }
}

impl<'a, T> From<&'a Vec<i64>> for Target<'a, T> {
    fn from(classes: &'a Vec<i64>) -> Self {
        Target::Classes(classes)
    }
}

impl<'a, T> From<ArrayView2<'a, T>> for Target<'a, T> {
    fn from(p: ArrayView2<'a, T>) -> Self {
        Target::Probabilities(p)
    }
}

impl<'a, T> From<&'a Array2<T>> for Target<'a, T> {
    fn from(p: &'a Array2<T>) -> Self {
        Target::Probabilities(p.view())
    }
}
