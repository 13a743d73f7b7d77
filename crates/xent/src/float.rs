//! The sealed floating-point trait that every generic item in xent is written against.

use std::fmt::{Debug, Display, LowerExp};
use std::iter::Sum;
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// A floating-point element type xent computes with: `f32` or `f64`, nothing else.
///
/// The trait is sealed so that the library can change its internals (vectorised kernels, extra
/// constants) without breaking anyone. Sums over rows are accumulated in `f64` whatever `Self`
/// is, which is why the conversions [`Float::to_f64`] and [`Float::from_f64`] are part of it.
///
/// # Example
/// ```
/// use xent::Float;
/// fn twice<T: Float>(x: T) -> T { x + x }
/// assert_eq!(twice(1.5f32), 3.0);
/// assert_eq!(<f64 as Float>::from_f64(0.25).to_f64(), 0.25);
/// ```
pub trait Float:
    sealed::Sealed
    + Copy
    + Debug
    + Display
    + LowerExp
    + Default
    + PartialEq
    + PartialOrd
    + Send
    + Sync
    + 'static
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + Sum
{
    /// 0.
    const ZERO: Self;
    /// 1.
    const ONE: Self;
    /// +∞.
    const INFINITY: Self;
    /// −∞.
    const NEG_INFINITY: Self;
    /// A quiet NaN.
    const NAN: Self;
    /// Machine epsilon: the distance from 1 to the next larger number.
    const EPSILON: Self;
    /// The default tolerance on `|Σp − 1|` for the strict input policy
    /// (`1e-4` for `f32`, `1e-6` for `f64`); see [`crate::InputPolicy`].
    const SUM_TOLERANCE: f64;

    /// Widens to `f64` (exact for both types).
    fn to_f64(self) -> f64;
    /// Rounds an `f64` to `Self` (exact for `f64`, round-to-nearest for `f32`).
    fn from_f64(x: f64) -> Self;
    /// eˣ.
    fn exp(self) -> Self;
    /// ln x.
    fn ln(self) -> Self;
    /// ln(1 + x), accurate for small x.
    fn ln_1p(self) -> Self;
    /// Absolute value.
    fn abs(self) -> Self;
    /// `true` for NaN.
    fn is_nan(self) -> bool;
    /// `true` unless ±∞ or NaN.
    fn is_finite(self) -> bool;
    /// The slice as `f32` when `Self` is `f32`: the key to the vectorised `f32` kernels.
    #[doc(hidden)]
    fn as_f32(s: &[Self]) -> Option<&[f32]>;
    /// The mutable slice as `f32` when `Self` is `f32`.
    #[doc(hidden)]
    fn as_f32_mut(s: &mut [Self]) -> Option<&mut [f32]>;
}

macro_rules! impl_float {
    ($t:ty, $tol:expr, $as_f32:expr, $as_f32_mut:expr) => {
        impl Float for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const INFINITY: Self = <$t>::INFINITY;
            const NEG_INFINITY: Self = <$t>::NEG_INFINITY;
            const NAN: Self = <$t>::NAN;
            const EPSILON: Self = <$t>::EPSILON;
            const SUM_TOLERANCE: f64 = $tol;

            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn from_f64(x: f64) -> Self {
                x as $t
            }
            #[inline(always)]
            fn exp(self) -> Self {
                <$t>::exp(self)
            }
            #[inline(always)]
            fn ln(self) -> Self {
                <$t>::ln(self)
            }
            #[inline(always)]
            fn ln_1p(self) -> Self {
                <$t>::ln_1p(self)
            }
            #[inline(always)]
            fn abs(self) -> Self {
                <$t>::abs(self)
            }
            #[inline(always)]
            fn is_nan(self) -> bool {
                <$t>::is_nan(self)
            }
            #[inline(always)]
            fn is_finite(self) -> bool {
                <$t>::is_finite(self)
            }
            #[inline(always)]
            fn as_f32(s: &[Self]) -> Option<&[f32]> {
                $as_f32(s)
            }
            #[inline(always)]
            fn as_f32_mut(s: &mut [Self]) -> Option<&mut [f32]> {
                $as_f32_mut(s)
            }
        }
    };
}

impl_float!(f32, 1e-4, Some, Some);
impl_float!(f64, 1e-6, |_| None, |_| None);
