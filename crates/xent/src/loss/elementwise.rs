//! The driver shared by the elementwise losses (MSE, BCE, focal, KL-div): each supplies the
//! loss and its derivative at one element; shapes, reductions and upstream gradients are here.

use super::value::{ElementScale, LossValue, Upstream};
use crate::layout::ensure_same_shape;
use crate::{kernels, Error, Float};
use ndarray::{Array2, ArrayView2};

/// How the element losses are combined: kept, or summed and divided by `denominator`
/// (1 for a sum, the element count for a mean, the row count for KL's batch mean).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Combine {
    Keep,
    Divide(f64),
}

/// One element's loss and the derivative of that loss with respect to the input element.
pub(crate) trait PointLoss {
    fn point(&self, row: usize, col: usize, x: f64, y: f64) -> (f64, f64);
}

pub(crate) fn check_pair<T: Float>(
    input: ArrayView2<'_, T>,
    target: ArrayView2<'_, T>,
) -> Result<(), Error> {
    ensure_same_shape("target", input.shape(), target.shape())
}

pub(crate) fn forward<T: Float>(
    loss: &impl PointLoss,
    input: ArrayView2<'_, T>,
    target: ArrayView2<'_, T>,
    combine: Combine,
) -> LossValue<T> {
    let values = Array2::from_shape_fn(input.dim(), |(r, c)| {
        loss.point(r, c, input[[r, c]].to_f64(), target[[r, c]].to_f64())
            .0
    });
    match combine {
        Combine::Keep => LossValue::PerElement(values.mapv(T::from_f64)),
        Combine::Divide(d) => LossValue::Scalar(T::from_f64(
            kernels::compensated_sum(values.iter().copied()) / d,
        )),
    }
}

pub(crate) fn backward<T: Float>(
    loss: &impl PointLoss,
    input: ArrayView2<'_, T>,
    target: ArrayView2<'_, T>,
    combine: Combine,
    upstream: Upstream<'_, T>,
) -> Result<Array2<T>, Error> {
    let scale = match (combine, upstream) {
        (Combine::Keep, Upstream::PerElement(g)) => {
            ensure_same_shape("upstream", input.shape(), g.shape())?;
            ElementScale::Array(g)
        }
        (Combine::Divide(d), Upstream::Scalar(g)) => ElementScale::Uniform(g.to_f64() / d),
        (Combine::Keep, _) => return Err(upstream_mismatch(true)),
        (Combine::Divide(_), _) => return Err(upstream_mismatch(false)),
    };
    Ok(gradient(loss, input, target, &scale))
}

/// The loss and the gradient of the loss itself (of the sum of the elements when kept).
pub(crate) fn forward_backward<T: Float>(
    loss: &impl PointLoss,
    input: ArrayView2<'_, T>,
    target: ArrayView2<'_, T>,
    combine: Combine,
) -> (LossValue<T>, Array2<T>) {
    let scale = ElementScale::Uniform(match combine {
        Combine::Keep => 1.0,
        Combine::Divide(d) => 1.0 / d,
    });
    (
        forward(loss, input, target, combine),
        gradient(loss, input, target, &scale),
    )
}

fn gradient<T: Float>(
    loss: &impl PointLoss,
    input: ArrayView2<'_, T>,
    target: ArrayView2<'_, T>,
    scale: &ElementScale<'_, T>,
) -> Array2<T> {
    Array2::from_shape_fn(input.dim(), |(r, c)| {
        let (_, d) = loss.point(r, c, input[[r, c]].to_f64(), target[[r, c]].to_f64());
        T::from_f64(d * scale.at(r, c))
    })
}

fn upstream_mismatch(unreduced: bool) -> Error {
    Error::InvalidParameter {
        name: "upstream gradient",
        value: f64::NAN,
        expected: if unreduced {
            "an unreduced loss takes an array of upstream gradients of the input's shape"
        } else {
            "a reduced loss takes a scalar upstream gradient"
        },
    }
}

/// `Combine` for a PyTorch reduction over `elements` elements.
pub(crate) fn combine_for(reduction: crate::Reduction, elements: usize) -> Combine {
    match reduction {
        crate::Reduction::None => Combine::Keep,
        crate::Reduction::Sum => Combine::Divide(1.0),
        crate::Reduction::Mean => Combine::Divide(elements as f64),
    }
}

/// Generates the public `forward`, `backward` and `forward_backward` of an elementwise loss
/// whose struct has a `prepare(input, target) -> Result<(impl PointLoss, Combine)>` method.
macro_rules! elementwise_api {
    ($loss:ident, $input:literal) => {
        impl $loss {
            #[doc = concat!("The loss of `", $input, "` against `target` (same shape; either 2-D,")]
            /// or 1-D as one row: see [`Elements`](crate::loss::Elements)).
            ///
            /// # Errors
            #[doc = concat!("See [`", stringify!($loss), "`].")]
            pub fn forward<'a, 'b, T: $crate::Float>(
                &self,
                input: impl Into<$crate::loss::Elements<'a, T>>,
                target: impl Into<$crate::loss::Elements<'b, T>>,
            ) -> Result<$crate::loss::LossValue<T>, $crate::Error> {
                let (input, target) = (input.into().view(), target.into().view());
                let (point, combine) = self.prepare(input, target)?;
                Ok($crate::loss::elementwise::forward(&point, input, target, combine))
            }

            #[doc = concat!("The gradient with respect to `", $input, "` for an upstream gradient")]
            /// (a scalar for a reduced loss, an array of the input's shape for `None`).
            ///
            /// # Errors
            #[doc = concat!("See [`", stringify!($loss), "`]; also [`Error::InvalidParameter`](crate::Error::InvalidParameter)")]
            /// when the upstream gradient does not fit the reduction.
            pub fn backward<'a, 'b, T: $crate::Float>(
                &self,
                input: impl Into<$crate::loss::Elements<'a, T>>,
                target: impl Into<$crate::loss::Elements<'b, T>>,
                upstream: $crate::loss::Upstream<'_, T>,
            ) -> Result<ndarray::Array2<T>, $crate::Error> {
                let (input, target) = (input.into().view(), target.into().view());
                let (point, combine) = self.prepare(input, target)?;
                $crate::loss::elementwise::backward(&point, input, target, combine, upstream)
            }

            /// The loss and its gradient (for `None`, the gradient of the sum of the elements).
            ///
            /// # Errors
            #[doc = concat!("See [`", stringify!($loss), "`].")]
            pub fn forward_backward<'a, 'b, T: $crate::Float>(
                &self,
                input: impl Into<$crate::loss::Elements<'a, T>>,
                target: impl Into<$crate::loss::Elements<'b, T>>,
            ) -> Result<($crate::loss::LossValue<T>, ndarray::Array2<T>), $crate::Error> {
                let (input, target) = (input.into().view(), target.into().view());
                let (point, combine) = self.prepare(input, target)?;
                Ok($crate::loss::elementwise::forward_backward(&point, input, target, combine))
            }
        }
    };
}
pub(crate) use elementwise_api;
