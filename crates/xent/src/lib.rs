//! # xent: cross-entropy and the information measures around it
//!
//! Information measures (entropy, cross-entropy, KL and Jensen–Shannon divergences, mutual
//! information, perplexity) and the numerically stable activations behind every
//! cross-entropy loss (softmax, log-softmax, logsumexp, sigmoid, log-sigmoid, softplus), in
//! `f32` and `f64`, on slices and on the rows of `ndarray` views, exact at the extremes.
//!
//! ```
//! use xent::{activation, measure, Base};
//!
//! // The textbook example: label [0, 0, 1] against the prediction [0.3, 0.3, 0.4].
//! let ce: f64 = measure::cross_entropy(&[0.0, 0.0, 1.0], &[0.3, 0.3, 0.4])?;
//! assert!((ce - 0.9163).abs() < 1e-4);          // −ln 0.4
//!
//! // A fair coin carries one bit.
//! let h = measure::Options::new().base(Base::BITS).entropy(&[0.5, 0.5])?;
//! assert_eq!(h, 1.0);
//!
//! // Softmax of extreme logits: no overflow, no NaN.
//! assert_eq!(activation::log_softmax(&[1e4, -1e4, 0.0]), vec![0.0, -2e4, -1e4]);
//! # Ok::<(), xent::Error>(())
//! ```
//!
//! ## Layout
//! - [`measure`]: information measures of distributions, in any [`Base`], under an
//!   [`InputPolicy`] (strict by default).
//! - [`activation`]: softmax and friends; their behaviour at ±∞ and NaN, and where it differs
//!   from PyTorch and SciPy, is tabled in the module docs.
//! - [`loss`]: cross-entropy and its relatives with exact gradients, PyTorch's semantics.
//! - [`train`]: linear, logistic and softmax regression with minibatch SGD.
//! - [`estimate`]: entropy, KL and mutual information estimated from counts.
//! - [`eval`]: log-loss, calibration and per-class metrics of a classifier's predictions.
//! - [`data`]: readers for CSV, NPY, IDX and the embedded digits data set.
//! - [`Error`]: the one error type; every variant says what was wrong and where.
//!
//! The `f32` paths of the row-wise activations, losses and measures are vectorised
//! (AVX-512 / AVX2 + FMA chosen at run time) and split over rayon's thread pool; results
//! follow the same conventions as the exact `f64` kernels, which handle every edge case.
//!
//! Conventions: natural logarithms unless a [`Base`] is given; rows are samples and the last
//! axis holds the classes; sums over a row are accumulated in `f64`.

#![warn(missing_docs)]
#![deny(unsafe_code)]

pub mod activation;
mod base;
pub mod data;

mod error;
pub mod estimate;
pub mod eval;
mod float;
pub mod fused;
// The one module allowed `unsafe`: SIMD, the GEMM call, non-temporal stores.
#[allow(unsafe_code)]
mod kernels;
mod layout;
pub mod loss;
pub mod measure;
mod policy;
mod reduction;
pub mod rng;
mod shortest;
pub mod train;

pub use base::Base;
pub use error::Error;
pub use float::Float;
pub use kernels::Par;
pub use policy::InputPolicy;
pub use reduction::Reduction;

/// The `ndarray` this crate's views and arrays come from, so that callers need no version
/// of their own to match.
pub use ndarray;
pub use shortest::Shortest;

/// The README's Rust examples, compiled and run as doc tests so that they stay true.
#[doc = include_str!("../../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
