//! Entropy estimated from counts: the plug-in estimate and the bias-corrected estimators the
//! literature recommends (the R package `entropy` of Hausser & Strimmer is the reference).
//!
//! Every estimator takes a vector of counts (zeros included: they are part of the alphabet
//! for the estimators that need its size K) and returns nats, or any [`Base`](crate::Base).
//!
//! | estimator | formula | reference |
//! |---|---|---|
//! | [`Estimator::Plugin`] | −Σ p̂ ln p̂, p̂ = y/n | maximum likelihood |
//! | [`Estimator::MillerMadow`] | plug-in + (m − 1)/(2n), m = number of nonzero counts | Miller (1955) |
//! | [`Estimator::ChaoShen`] | −Σ C p̂ ln(C p̂) / (1 − (1 − C p̂)ⁿ), C = 1 − f₁/n (f₁ = n → n − 1) | Chao & Shen (2003) |
//! | [`Estimator::Dirichlet`] | plug-in of (y + a)/(n + K a) | Jeffreys a = ½, Laplace a = 1, Schürmann–Grassberger a = 1/K, minimax a = √n/K |
//! | [`Estimator::Shrink`] | plug-in of λ/K + (1 − λ) p̂, λ = (1 − Σp̂²) / ((n − 1) Σ (1/K − p̂)²) clamped to [0, 1] | James–Stein, Hausser & Strimmer (2009) |
//! | [`Estimator::Grassberger`] | ln n − (1/n) Σ yᵢ G(yᵢ), G(y) = ψ(y) + ½(−1)ʸ (ψ((y+1)/2) − ψ(y/2)) | Grassberger (2003) |
//! | [`Estimator::Nsb`] | ∫ E[H | y, β] p(y | β) (dξ/dβ) dβ / ∫ p(y | β) (dξ/dβ) dβ, ξ(β) = ψ(Kβ+1) − ψ(β+1); with its posterior s.d. | Nemenman, Shafee & Bialek (2002) |
//!
//! KL divergence and mutual information from counts: [`kl_from_counts`] and
//! [`mutual_information_from_counts`], with plug-in or shrinkage frequencies.
//!
//! ```
//! use xent::estimate::{entropy, Estimator};
//! let counts = [4.0, 2.0, 3.0, 0.0, 2.0, 4.0, 0.0, 0.0, 2.0, 1.0, 1.0];
//! let plugin = entropy(&counts, Estimator::Plugin)?.value;
//! let chao_shen = entropy(&counts, Estimator::ChaoShen)?.value;
//! assert!(chao_shen > plugin); // the plug-in estimate is biased low
//! # Ok::<(), xent::Error>(())
//! ```

mod bootstrap;
mod divergence;
mod entropy;
mod nsb;
mod special;

pub use bootstrap::entropy_with_bootstrap;
pub use divergence::{kl_from_counts, mutual_information_from_counts, FrequencyEstimator};
pub use entropy::{entropy, entropy_in_base, entropy_of_samples, Estimate, Estimator};
