//! The targets of a cross-entropy, and the conversions that let callers pass their own.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

/// Class indices, one per row, in the integer type the caller holds them in: `i64`
/// (PyTorch's dtype, where an ignore index such as −100 fits) or `usize` (Rust's index
/// type), from a slice, a `Vec` or a 1-D view (a non-contiguous view is copied once), and
/// from an array of `i64` (so that a literal `&[0, 2]` needs no suffix). A `usize` above
/// `i64::MAX` is reported as `i64::MAX`, out of range; the ignore index matches a `usize`
/// label equal to it (only when it is ≥ 0).
///
/// # Example
/// ```
/// use xent::loss::{ClassLabels, CrossEntropy};
/// let (unsigned, signed) = (vec![2usize, 0], vec![2i64, 0]);
/// let labels: ClassLabels<'_> = (&unsigned).into();
/// assert_eq!(labels.len(), 2);
/// let z = ndarray::array![[0.0f32, 1.0, 2.0], [1.0, 0.0, 0.0]];
/// let ce = CrossEntropy::new();
/// assert_eq!(ce.forward(z.view(), &unsigned)?, ce.forward(z.view(), &signed)?);
/// # Ok::<(), xent::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub enum ClassLabels<'a> {
    /// Signed indices (negative ones are only valid as the ignore index).
    Signed(ArrayView1<'a, i64>),
    /// Unsigned indices.
    Unsigned(ArrayView1<'a, usize>),
}

impl ClassLabels<'_> {
    /// The number of labels.
    pub fn len(&self) -> usize {
        match self {
            ClassLabels::Signed(v) => v.len(),
            ClassLabels::Unsigned(v) => v.len(),
        }
    }

    /// `true` when there are no labels.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The targets of a cross-entropy: one class index per row, or one probability row per row.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a, T> {
    /// Class indices.
    Classes(ClassLabels<'a>),
    /// Probabilities (soft labels) of the logits' shape.
    Probabilities(ArrayView2<'a, T>),
}

/// `From` for the label containers of one integer type, into both [`ClassLabels`] and
/// [`Target`].
macro_rules! labels_from {
    ($int:ty, $variant:ident) => {
        impl<'a> From<ArrayView1<'a, $int>> for ClassLabels<'a> {
            fn from(v: ArrayView1<'a, $int>) -> Self {
                ClassLabels::$variant(v)
            }
        }
        impl<'a> From<&'a Array1<$int>> for ClassLabels<'a> {
            fn from(v: &'a Array1<$int>) -> Self {
                ClassLabels::$variant(v.view())
            }
        }
        impl<'a> From<&'a [$int]> for ClassLabels<'a> {
            fn from(v: &'a [$int]) -> Self {
                ClassLabels::$variant(ArrayView1::from(v))
            }
        }
        impl<'a> From<&'a Vec<$int>> for ClassLabels<'a> {
            fn from(v: &'a Vec<$int>) -> Self {
                ClassLabels::$variant(ArrayView1::from(v.as_slice()))
            }
        }
        impl<'a, T> From<ArrayView1<'a, $int>> for Target<'a, T> {
            fn from(v: ArrayView1<'a, $int>) -> Self {
                Target::Classes(v.into())
            }
        }
        impl<'a, T> From<&'a Array1<$int>> for Target<'a, T> {
            fn from(v: &'a Array1<$int>) -> Self {
                Target::Classes(v.into())
            }
        }
        impl<'a, T> From<&'a [$int]> for Target<'a, T> {
            fn from(v: &'a [$int]) -> Self {
                Target::Classes(v.into())
            }
        }
        impl<'a, T> From<&'a Vec<$int>> for Target<'a, T> {
            fn from(v: &'a Vec<$int>) -> Self {
                Target::Classes(v.into())
            }
        }
    };
}

labels_from!(i64, Signed);
labels_from!(usize, Unsigned);

// Arrays only of `i64`: a literal `&[0, 2]` then has one reading (with a `usize` array
// too, its integers would have no type).
impl<'a, const N: usize> From<&'a [i64; N]> for ClassLabels<'a> {
    fn from(v: &'a [i64; N]) -> Self {
        ClassLabels::Signed(ArrayView1::from(&v[..]))
    }
}

impl<'a, T, const N: usize> From<&'a [i64; N]> for Target<'a, T> {
    fn from(v: &'a [i64; N]) -> Self {
        Target::Classes(v.into())
    }
}

impl<'a, T> From<ClassLabels<'a>> for Target<'a, T> {
    fn from(classes: ClassLabels<'a>) -> Self {
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
