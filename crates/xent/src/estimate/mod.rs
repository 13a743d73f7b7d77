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
//! | [`Estimator::NsbUnknownAlphabet`] | no coincidences (Δ = n − K₁ = 0): ln n, a lower bound; Δ < n/10: C_γ − ln 2 + 2 ln n − ψ(Δ), s.d. √ψ′(Δ); otherwise NSB with K grown tenfold from K₁ until H rises < 10⁻³ nats per e-fold, at the last step's geometric midpoint | Nemenman (2011) eqs. 29–30; the rule of `ndd` (Marsili) |
//!
//! # Bias and RMSE (from `cargo run --release -p xent --example entropy_bias`)
//!
//! Each cell is bias / RMSE in nats against the true entropy H of the distribution (a fixed
//! seeded draw for Dirichlet(0.1)), from 500 seeded samples of size n. At n ≤ K, NSB and
//! Chao–Shen beat the plug-in estimate in RMSE in every row (a reduced form of this study is
//! the test `nsb_and_chao_shen_beat_plugin_when_samples_are_scarce`); the fixed-pseudocount
//! Dirichlet estimators (Jeffreys, Laplace) are excellent exactly when their prior matches
//! (uniform) and biased high otherwise. NSB with the alphabet size unknown (`nsb-unknown-k`)
//! also beats the plug-in value at n ≤ K in every row, but where the truth is uniform its
//! guessed K exceeds the true one and it overshoots: give K when it is known.
//!
//! Bias and RMSE in nats over 500 seeded repetitions (estimate − true entropy).
//!
//! | distribution | K | n | H | plugin | miller-madow | chao-shen | jeffreys | laplace | sg | minimax | shrink | grassberger | nsb | nsb-unknown-k |
//! |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
//! | uniform | 100 | 10 | 4.605 | -2.370 / 2.372 | -1.945 / 1.949 | -0.255 / 0.663 | -0.098 / 0.099 | -0.033 / 0.033 | -1.899 / 1.901 | -1.353 / 1.354 | -0.042 / 0.099 | -1.223 / 1.250 | -0.679 / 0.717 | -1.416 / 1.816 |
//! | uniform | 100 | 100 | 4.605 | -0.570 / 0.573 | -0.258 / 0.269 | +0.064 / 0.139 | -0.211 / 0.212 | -0.116 / 0.117 | -0.546 / 0.549 | -0.426 / 0.428 | -0.004 / 0.011 | -0.048 / 0.123 | -0.077 / 0.086 | +0.322 / 0.355 |
//! | uniform | 100 | 1000 | 4.605 | -0.050 / 0.051 | -0.001 / 0.008 | -0.047 / 0.047 | -0.046 / 0.046 | -0.041 / 0.042 | -0.050 / 0.051 | -0.047 / 0.048 | -0.000 / 0.001 | +0.000 / 0.009 | -0.008 / 0.008 | +0.008 / 0.011 |
//! | zipf(1) | 100 | 10 | 3.681 | -1.700 / 1.714 | -1.352 / 1.381 | -0.473 / 0.904 | +0.802 / 0.802 | +0.882 / 0.882 | -1.199 / 1.214 | -0.607 / 0.626 | +0.461 / 0.663 | -0.834 / 0.933 | -0.384 / 0.655 | -0.180 / 0.899 |
//! | zipf(1) | 100 | 100 | 3.681 | -0.454 / 0.474 | -0.252 / 0.294 | -0.052 / 0.170 | +0.317 / 0.325 | +0.558 / 0.560 | -0.410 / 0.431 | -0.168 / 0.204 | +0.000 / 0.188 | -0.093 / 0.195 | -0.059 / 0.170 | +0.046 / 0.192 |
//! | zipf(1) | 100 | 1000 | 3.681 | -0.052 / 0.070 | -0.005 / 0.047 | +0.011 / 0.046 | +0.032 / 0.053 | +0.103 / 0.110 | -0.050 / 0.069 | +0.003 / 0.044 | -0.019 / 0.051 | +0.001 / 0.047 | +0.020 / 0.051 | +0.027 / 0.054 |
//! | dirichlet(0.1) | 100 | 10 | 2.572 | -0.926 / 0.968 | -0.667 / 0.752 | -0.273 / 0.655 | +1.877 / 1.878 | +1.977 / 1.977 | -0.386 / 0.460 | +0.265 / 0.333 | +0.838 / 1.076 | -0.333 / 0.571 | -0.049 / 0.582 | +0.061 / 0.709 |
//! | dirichlet(0.1) | 100 | 100 | 2.572 | -0.191 / 0.233 | -0.091 / 0.167 | -0.004 / 0.141 | +0.993 / 0.995 | +1.385 / 1.386 | -0.127 / 0.182 | +0.234 / 0.261 | +0.119 / 0.206 | -0.037 / 0.150 | -0.002 / 0.147 | +0.010 / 0.150 |
//! | dirichlet(0.1) | 100 | 1000 | 2.572 | -0.030 / 0.053 | -0.011 / 0.045 | -0.000 / 0.044 | +0.190 / 0.194 | +0.351 / 0.353 | -0.023 / 0.049 | +0.120 / 0.127 | +0.008 / 0.046 | -0.006 / 0.045 | -0.001 / 0.044 | -0.001 / 0.044 |
//! | uniform | 1000 | 100 | 6.908 | -2.370 / 2.370 | -1.899 / 1.899 | +0.145 / 0.581 | -0.098 / 0.098 | -0.033 / 0.033 | -2.298 / 2.299 | -1.899 / 1.899 | -0.005 / 0.013 | -1.222 / 1.225 | -0.222 / 0.245 | +0.869 / 1.100 |
//! | uniform | 1000 | 1000 | 6.908 | -0.573 / 0.573 | -0.257 / 0.258 | +0.092 / 0.101 | -0.212 / 0.212 | -0.117 / 0.117 | -0.569 / 0.570 | -0.511 / 0.512 | -0.000 / 0.001 | -0.048 / 0.059 | -0.021 / 0.024 | +0.310 / 0.314 |
//! | uniform | 1000 | 10000 | 6.908 | -0.051 / 0.051 | -0.001 / 0.002 | -0.046 / 0.046 | -0.046 / 0.046 | -0.042 / 0.042 | -0.051 / 0.051 | -0.050 / 0.050 | -0.000 / 0.000 | -0.000 / 0.003 | -0.002 / 0.002 | +0.007 / 0.008 |
//! | zipf(1) | 1000 | 100 | 5.191 | -1.397 / 1.404 | -1.087 / 1.098 | -0.660 / 0.693 | +1.537 / 1.537 | +1.648 / 1.648 | -1.316 / 1.322 | -0.843 / 0.851 | -0.074 / 0.343 | -0.723 / 0.747 | -0.463 / 0.517 | -0.412 / 0.479 |
//! | zipf(1) | 1000 | 1000 | 5.191 | -0.418 / 0.423 | -0.251 / 0.261 | -0.050 / 0.087 | +0.670 / 0.672 | +1.046 / 1.047 | -0.411 / 0.416 | -0.266 / 0.273 | -0.255 / 0.265 | -0.112 / 0.135 | -0.029 / 0.079 | +0.024 / 0.082 |
//! | zipf(1) | 1000 | 10000 | 5.191 | -0.055 / 0.059 | -0.009 / 0.024 | +0.042 / 0.047 | +0.086 / 0.089 | +0.204 / 0.205 | -0.054 / 0.058 | -0.023 / 0.032 | -0.043 / 0.049 | -0.001 / 0.022 | +0.037 / 0.043 | +0.038 / 0.044 |
//! | dirichlet(0.1) | 1000 | 100 | 4.890 | -0.924 / 0.929 | -0.614 / 0.625 | -0.298 / 0.345 | +1.863 / 1.864 | +1.962 / 1.962 | -0.845 / 0.849 | -0.386 / 0.395 | +0.962 / 0.987 | -0.328 / 0.360 | -0.049 / 0.199 | -0.015 / 0.203 |
//! | dirichlet(0.1) | 1000 | 1000 | 4.890 | -0.176 / 0.181 | -0.074 / 0.085 | -0.022 / 0.048 | +0.998 / 0.999 | +1.385 / 1.385 | -0.168 / 0.173 | -0.007 / 0.039 | +0.180 / 0.187 | -0.030 / 0.054 | +0.006 / 0.045 | +0.014 / 0.047 |
//! | dirichlet(0.1) | 1000 | 10000 | 4.890 | -0.026 / 0.029 | -0.008 / 0.015 | -0.003 / 0.013 | +0.196 / 0.196 | +0.358 / 0.358 | -0.025 / 0.028 | +0.031 / 0.033 | +0.020 / 0.024 | -0.004 / 0.014 | -0.001 / 0.013 | -0.000 / 0.013 |
//!
//! KL divergence and mutual information from counts: [`kl_from_counts`] and
//! [`mutual_information_from_counts`], with plug-in or shrinkage frequencies; Pearson's
//! chi-squared statistic of independence: [`chi_squared_independence`]. Standard deviations:
//! the plug-in's asymptotic formula and NSB's posterior s.d. in [`Estimate::sd`], a seeded
//! bootstrap for any estimator in [`entropy_with_bootstrap`].
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
mod contingency;
mod divergence;
mod entropy;
mod nsb;
mod special;

pub use bootstrap::entropy_with_bootstrap;
pub use contingency::Contingency;
pub use divergence::{
    chi_squared_independence, kl_from_counts, mutual_information_from_counts, FrequencyEstimator,
};
pub use entropy::{entropy, entropy_in_base, entropy_of_samples, Estimate, Estimator};
