//! Losses with exact gradients, matching PyTorch's semantics unless stated.
//!
//! | loss | input | target | PyTorch |
//! |---|---|---|---|
//! | [`CrossEntropy`] | logits | class indices or probabilities | `F.cross_entropy` (+ z-loss, soft-cap) |
//! | [`Nll`] | log-probabilities | class indices | `F.nll_loss` |
//! | [`CategoricalCrossEntropy`] | probabilities | one-hot / soft rows or indices | Keras `categorical_crossentropy`, scikit-learn `log_loss` |
//! | [`BinaryCrossEntropy`] | probabilities | values in [0, 1] | `F.binary_cross_entropy` |
//! | [`BceWithLogits`] | logits | values in [0, 1] | `F.binary_cross_entropy_with_logits` |
//! | [`Focal`] | logits | values in [0, 1] | torchvision `sigmoid_focal_loss` |
//! | [`KlDiv`] | log-probabilities | probabilities or log-probabilities | `F.kl_div` |
//! | [`Mse`] | values | values | `F.mse_loss` |
//!
//! Every loss is a small builder with PyTorch's defaults and three entry points: `forward`
//! (a [`LossValue`]: a scalar, or per-sample / per-element values for `Reduction::None`),
//! `backward` (the gradient with respect to the input for an [`Upstream`] gradient) and
//! `forward_backward` (both in one pass; for `None`, the gradient of the sum). Batches are 2-D
//! views, rows = samples, columns = classes (or independent outputs for the elementwise
//! losses). Everything is computed in `f64` whatever the element type.
//!
//! # Cross-entropy as maximum likelihood
//! Minimising the mean cross-entropy between one-hot labels and softmax(z) maximises the
//! likelihood of the labels; its gradient with respect to the logits is softmax(z) − y, which
//! [`CrossEntropy::forward_backward`] returns without ever forming log(softmax).
//!
//! # Where xent differs from PyTorch, Keras and scikit-learn
//! - Validation: PyTorch checks class indices; xent also checks that BCE inputs and all
//!   targets are in range and reports the element (`Error::ValueOutOfRange`).
//! - BCE with logits is computed as pw·y·softplus(−x) + (1 − y)·softplus(x), the same
//!   function as PyTorch's but exact where PyTorch's (1 − y)·x + … cancels (tiny losses).
//! - Categorical CE on probabilities has no hidden epsilon (Keras clips at 1e-7 and rescales
//!   rows; scikit-learn clips at machine epsilon); `clip(ε)` makes it explicit.
//! - The focal loss defaults to no reduction, as torchvision (not to `Mean`).

mod binary;
mod categorical;
mod cross_entropy;
mod elements;
pub(crate) mod elementwise;
mod focal;
mod kl_div;
mod logits;
mod mse;
mod nll;
mod options;
mod target;
mod value;

pub use binary::{BceWithLogits, BinaryCrossEntropy};
pub use categorical::CategoricalCrossEntropy;
pub use cross_entropy::CrossEntropy;
pub use elements::Elements;
pub use focal::Focal;
pub use kl_div::{KlDiv, KlReduction};
pub use mse::Mse;
pub use nll::Nll;
pub use target::{ClassLabels, Target};
pub use value::{LossValue, Upstream};
