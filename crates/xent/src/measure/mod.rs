//! Information measures of probability distributions, in any [`Base`](crate::Base).
//!
//! | measure | formula | single | rows |
//! |---|---|---|---|
//! | self-information | I(p) = −log p | [`self_information`](fn@self_information) | — |
//! | entropy | H(P) = −Σ p log p | [`entropy`](fn@entropy) | [`Options::entropy_rows`] |
//! | binary entropy | h(p) = −p log p − (1−p) log(1−p) | [`binary_entropy`](fn@binary_entropy) | — |
//! | cross-entropy | H(P,Q) = −Σ p log q | [`cross_entropy`](fn@cross_entropy) | [`Options::cross_entropy_rows`] |
//! | KL divergence | D(P‖Q) = Σ p log(p/q) | [`kl_divergence`] | [`Options::kl_divergence_rows`] |
//! | all three at once | H(P,Q) = H(P) + D(P‖Q) | [`Options::cross_entropy_parts`] | [`Options::cross_entropy_parts_rows`] (one read) |
//! | Jensen–Shannon divergence | JS = ½D(P‖M) + ½D(Q‖M), M = ½(P+Q) | [`js_divergence`] | [`Options::js_divergence_rows`] |
//! | Jensen–Shannon distance | √JS | [`js_distance`] | [`Options::js_distance_rows`] |
//! | perplexity | e^H(P) (the same in every base) | [`perplexity`](fn@perplexity) | [`Options::perplexity_rows`] |
//! | joint entropy | H(X,Y) = −Σ p(x,y) log p(x,y) | [`joint_entropy`] | — |
//! | conditional entropy | H(Y\|X) = −Σ p(x,y) log(p(x,y)/p(x)) | [`conditional_entropy`] | — |
//! | mutual information | I(X;Y) = Σ p(x,y) log(p(x,y)/(p(x)p(y))) | [`mutual_information`] | — |
//!
//! The free functions use natural logs and the strict [`InputPolicy`](crate::InputPolicy);
//! [`Options`] chooses another base, policy or tolerance and offers every measure as a method.
//! A single distribution is anything that converts into a 1-D view (`&[T]`, `&[T; N]`,
//! `&Vec<T>`, `&Array1<T>`, `ArrayView1<T>`); a batch is a 2-D view with one distribution per
//! row, and gives one value per row.
//!
//! # Conventions at the edges
//! - 0 · log 0 = 0, and a term with p = 0 contributes 0 whatever q is (even q = 0).
//! - p > 0 with q = 0 gives +∞ for cross-entropy and KL (as SciPy); JS stays finite (≤ ln 2).
//! - An empty distribution (no columns) is [`Error::Empty`](crate::Error::Empty); a batch with
//!   no rows gives an empty result.
//! - Sums are accumulated in `f64` for `f32` inputs too.
//! - KL is summed as Σ [p log(p/q) − p + q], each term ≥ 0, written where p ≈ q as
//!   q·φ(δ), δ = (p − q)/q, with φ(δ) = (1+δ)ln(1+δ) − δ from a series (the `f32` row kernels
//!   use their log's polynomial, which gives φ with no cancellation), so it is ≥ 0 and
//!   accurate when P ≈ Q (relative error < 1e-6 at a true divergence of 1e-18, where the naive
//!   Σ p log(p/q) is pure rounding noise). For distributions (ΣP = ΣQ = 1) this *is*
//!   D(P‖Q); inputs that sum to 1 only within the strict tolerance τ differ from the naive sum
//!   by ΣQ − ΣP, at most 2τ.
//!
//! # Differences from SciPy
//! `scipy.stats.entropy` and `scipy.spatial.distance.jensenshannon` always normalise their
//! inputs; xent's default policy is strict and reports an unnormalised row as an error.
//! [`InputPolicy::Normalize`](crate::InputPolicy::Normalize) gives SciPy's behaviour.

mod binary_entropy;
mod cross_entropy;
mod entropy;
mod fast;
mod jensen_shannon;
mod joint;
mod kl;
mod options;
mod parts;
mod perplexity;
mod self_information;

pub use binary_entropy::binary_entropy;
pub use cross_entropy::cross_entropy;
pub use entropy::entropy;
pub use jensen_shannon::{js_distance, js_divergence};
pub use joint::{conditional_entropy, joint_entropy, mutual_information};
pub use kl::kl_divergence;
pub use options::Options;
pub use parts::CrossEntropyParts;
pub use perplexity::perplexity;
pub use self_information::self_information;
