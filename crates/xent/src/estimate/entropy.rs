//! The entropy estimators.

use super::nsb::UnknownAlphabet;
use super::special::digamma;
use crate::kernels::compensated_sum;
use crate::{Base, Error};
use std::collections::HashMap;
use std::hash::Hash;

/// An entropy estimator; see the [module](super) table for the formulas.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Estimator {
    /// Maximum likelihood: the entropy of the empirical frequencies.
    Plugin,
    /// Plug-in plus the Miller–Madow bias correction (m − 1)/(2n).
    MillerMadow,
    /// Chao–Shen: coverage-adjusted Horvitz–Thompson estimate.
    ChaoShen,
    /// Plug-in of the posterior mean under a symmetric Dirichlet(a) prior (pseudocount a ≥ 0).
    Dirichlet(f64),
    /// Dirichlet with a = ½.
    Jeffreys,
    /// Dirichlet with a = 1.
    Laplace,
    /// Dirichlet with a = 1/K (Schürmann–Grassberger).
    SchurmannGrassberger,
    /// Dirichlet with a = √n / K.
    Minimax,
    /// James–Stein shrinkage of the frequencies towards the uniform distribution.
    Shrink,
    /// Grassberger (2003).
    Grassberger,
    /// NSB (Nemenman, Shafee & Bialek 2002): posterior mean under a prior flat in H, with its
    /// posterior standard deviation; K = the number of bins given (pad with zeros, or the
    /// CLI's `--alphabet K`, for an alphabet larger than the one observed).
    Nsb,
    /// NSB for an alphabet of unknown (or countably infinite) size, by the rule of the `ndd`
    /// package: the plug-in value when no outcome was seen twice (a lower bound, with no
    /// s.d.), the asymptotic formula of Nemenman (2011, eqs. 29–30) when fewer than n/10
    /// samples repeat an outcome, and otherwise NSB over a guessed alphabet size, returned in
    /// [`Estimate::alphabet`]. Zero counts are ignored.
    NsbUnknownAlphabet,
}

impl Estimator {
    /// Every estimator, with the names the CLI uses.
    pub const ALL: [(&'static str, Estimator); 11] = [
        ("plugin", Estimator::Plugin),
        ("miller-madow", Estimator::MillerMadow),
        ("chao-shen", Estimator::ChaoShen),
        ("jeffreys", Estimator::Jeffreys),
        ("laplace", Estimator::Laplace),
        ("sg", Estimator::SchurmannGrassberger),
        ("minimax", Estimator::Minimax),
        ("shrink", Estimator::Shrink),
        ("grassberger", Estimator::Grassberger),
        ("nsb", Estimator::Nsb),
        ("nsb-unknown-k", Estimator::NsbUnknownAlphabet),
    ];
}

impl std::str::FromStr for Estimator {
    type Err = Error;

    /// The names of [`Estimator::ALL`], and `dirichlet:A` for any pseudocount A ≥ 0.
    ///
    /// # Errors
    /// [`Error::UnknownName`] for another name, [`Error::InvalidParameter`] for a
    /// pseudocount that is not a finite number ≥ 0.
    fn from_str(s: &str) -> Result<Estimator, Error> {
        if let Some(a) = s.strip_prefix("dirichlet:") {
            let invalid = |value: f64| Error::InvalidParameter {
                name: "dirichlet pseudocount",
                value,
                expected: "the pseudocount must be a number ≥ 0",
            };
            let value: f64 = a.trim().parse().map_err(|_| invalid(f64::NAN))?;
            return if value.is_finite() && value >= 0.0 {
                Ok(Estimator::Dirichlet(value))
            } else {
                Err(invalid(value))
            };
        }
        Estimator::ALL
            .iter()
            .find(|(name, _)| *name == s)
            .map(|(_, e)| *e)
            .ok_or_else(|| {
                let names: Vec<&str> = Estimator::ALL.iter().map(|(n, _)| *n).collect();
                Error::unknown_name("method", s, &format!("{} or dirichlet:A", names.join(", ")))
            })
    }
}

/// An estimate and what the estimator reports with it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The entropy estimate.
    pub value: f64,
    /// The shrinkage intensity λ of [`Estimator::Shrink`].
    pub lambda: Option<f64>,
    /// A standard deviation where the estimator defines one: the asymptotic formula for
    /// [`Estimator::Plugin`] and [`Estimator::MillerMadow`], the posterior s.d. for
    /// [`Estimator::Nsb`]; [`entropy_with_bootstrap`](super::entropy_with_bootstrap) fills
    /// it for any estimator.
    pub sd: Option<f64>,
    /// The alphabet size K the NSB estimators integrated over: the number of counts for
    /// [`Estimator::Nsb`], the guess of [`Estimator::NsbUnknownAlphabet`] (`None` where it
    /// used the asymptotic formula or the plug-in value).
    pub alphabet: Option<f64>,
}

/// Checks counts (finite, ≥ 0, not all zero) and returns their total n.
pub(crate) fn checked_total(counts: &[f64]) -> Result<f64, Error> {
    total(counts)
}

/// The James–Stein shrinkage frequencies λ/K + (1 − λ)·y/n and the intensity λ
/// (Hausser & Strimmer 2009, as R's `freqs.shrink`).
pub(crate) fn shrink_frequencies(counts: &[f64]) -> Result<(Vec<f64>, f64), Error> {
    let n = total(counts)?;
    let k = counts.len() as f64;
    let target = 1.0 / k;
    let u = |y: f64| y / n;
    let sum_u2 = compensated_sum(counts.iter().map(|&y| u(y) * u(y)));
    let msp = compensated_sum(counts.iter().map(|&y| (target - u(y)).powi(2)));
    let lambda = if msp == 0.0 || n <= 1.0 {
        1.0
    } else {
        ((1.0 - sum_u2) / ((n - 1.0) * msp)).clamp(0.0, 1.0)
    };
    let p = counts
        .iter()
        .map(|&y| lambda * target + (1.0 - lambda) * u(y))
        .collect();
    Ok((p, lambda))
}

fn total(counts: &[f64]) -> Result<f64, Error> {
    if counts.is_empty() {
        return Err(Error::Empty { input: "counts" });
    }
    for (col, &value) in counts.iter().enumerate() {
        if !(value.is_finite() && value >= 0.0) {
            return Err(Error::ValueOutOfRange {
                input: "counts",
                row: 0,
                col,
                value,
                expected: "counts must be finite and ≥ 0",
            });
        }
    }
    let n = compensated_sum(counts.iter().copied());
    if n == 0.0 {
        return Err(Error::ZeroSum {
            input: "counts",
            row: 0,
        });
    }
    if !n.is_finite() {
        // Every estimator divides by n: with n = ∞ they would all say 0.
        return Err(Error::SumOverflow {
            input: "counts",
            row: 0,
        });
    }
    Ok(n)
}

/// The asymptotic standard deviation of the plug-in estimate, √((Σ p̂ ln² p̂ − Ĥ²)/n)
/// (also used for Miller–Madow, whose correction is a constant).
fn plugin_sd(counts: &[f64], n: f64) -> f64 {
    let (mut m1, mut m2) = (0.0, 0.0);
    for &y in counts.iter().filter(|&&y| y > 0.0) {
        let p = y / n;
        let l = p.ln();
        m1 -= p * l;
        m2 += p * l * l;
    }
    ((m2 - m1 * m1).max(0.0) / n).sqrt()
}

/// −Σ p ln p over the given frequencies (0 ln 0 = 0).
fn plugin_of(p: impl Iterator<Item = f64>) -> f64 {
    compensated_sum(p.map(|x| if x > 0.0 { -x * x.ln() } else { 0.0 }))
}

/// Estimates the entropy, in nats, of the distribution the counts were drawn from.
///
/// # Errors
/// [`Error::Empty`] for no counts, [`Error::ValueOutOfRange`] for a negative or non-finite
/// count, [`Error::ZeroSum`] when every count is 0, [`Error::InvalidParameter`] for a negative
/// Dirichlet pseudocount.
///
/// # Example
/// ```
/// use xent::estimate::{entropy, Estimator};
/// // The R package `entropy`: entropy.MillerMadow(c(2, 1, 1), unit = "log2") = 1.8607 bits.
/// let h = entropy(&[2.0, 1.0, 1.0], Estimator::MillerMadow)?.value;
/// assert!((h / std::f64::consts::LN_2 - 1.8606737602222407).abs() < 1e-12);
/// # Ok::<(), xent::Error>(())
/// ```
pub fn entropy(counts: &[f64], estimator: Estimator) -> Result<Estimate, Error> {
    let n = total(counts)?;
    let k = counts.len() as f64;
    let plain = |value| Estimate {
        value,
        lambda: None,
        sd: None,
        alphabet: None,
    };
    let dirichlet = |a: f64| -> Result<Estimate, Error> {
        if !(a.is_finite() && a >= 0.0) {
            return Err(Error::InvalidParameter {
                name: "pseudocount",
                value: a,
                expected: "the Dirichlet pseudocount must be finite and ≥ 0",
            });
        }
        let na = n + k * a;
        Ok(plain(plugin_of(counts.iter().map(|&y| (y + a) / na))))
    };
    Ok(match estimator {
        Estimator::Plugin => Estimate {
            sd: Some(plugin_sd(counts, n)),
            ..plain(plugin_of(counts.iter().map(|&y| y / n)))
        },
        Estimator::MillerMadow => {
            let m = counts.iter().filter(|&&y| y > 0.0).count() as f64;
            Estimate {
                sd: Some(plugin_sd(counts, n)),
                ..plain(plugin_of(counts.iter().map(|&y| y / n)) + (m - 1.0) / (2.0 * n))
            }
        }
        Estimator::ChaoShen => {
            let mut f1 = counts.iter().filter(|&&y| y == 1.0).count() as f64;
            if f1 == n {
                // Every observation a singleton: coverage 0 would make every term infinite.
                f1 = n - 1.0;
            }
            let coverage = 1.0 - f1 / n;
            plain(compensated_sum(counts.iter().filter(|&&y| y > 0.0).map(
                |&y| {
                    let pa = coverage * y / n;
                    // 1 − (1 − pa)ⁿ without cancellation for small pa.
                    let inclusion = -((n * (-pa).ln_1p()).exp_m1());
                    -pa * pa.ln() / inclusion
                },
            )))
        }
        Estimator::Dirichlet(a) => dirichlet(a)?,
        Estimator::Jeffreys => dirichlet(0.5)?,
        Estimator::Laplace => dirichlet(1.0)?,
        Estimator::SchurmannGrassberger => dirichlet(1.0 / k)?,
        Estimator::Minimax => dirichlet(n.sqrt() / k)?,
        Estimator::Shrink => {
            let (p, lambda) = shrink_frequencies(counts)?;
            Estimate {
                lambda: Some(lambda),
                ..plain(plugin_of(p.into_iter()))
            }
        }
        Estimator::Nsb => {
            let (value, sd) = super::nsb::nsb(counts, n, k);
            Estimate {
                sd: Some(sd),
                alphabet: Some(k),
                ..plain(value)
            }
        }
        Estimator::NsbUnknownAlphabet => match super::nsb::nsb_unknown_alphabet(counts, n) {
            UnknownAlphabet::NoCoincidences(value) => plain(value),
            UnknownAlphabet::Asymptotic(value, sd) => Estimate {
                sd: Some(sd),
                ..plain(value)
            },
            UnknownAlphabet::Guessed(value, sd, k) => Estimate {
                sd: Some(sd),
                alphabet: Some(k),
                ..plain(value)
            },
        },
        Estimator::Grassberger => {
            let g = |y: f64| {
                let sign = if (y as u64) % 2 == 0 { 1.0 } else { -1.0 };
                digamma(y) + 0.5 * sign * (digamma((y + 1.0) / 2.0) - digamma(y / 2.0))
            };
            let s = compensated_sum(counts.iter().filter(|&&y| y > 0.0).map(|&y| y * g(y)));
            plain(n.ln() - s / n)
        }
    })
}

/// [`entropy`] in another base.
///
/// # Errors
/// As [`entropy`].
///
/// # Example
/// ```
/// use xent::{estimate::{entropy_in_base, Estimator}, Base};
/// let h = entropy_in_base(&[2.0, 1.0, 1.0], Estimator::Plugin, Base::BITS)?;
/// assert_eq!(h.value, 1.5);
/// # Ok::<(), xent::Error>(())
/// ```
pub fn entropy_in_base(
    counts: &[f64],
    estimator: Estimator,
    base: Base,
) -> Result<Estimate, Error> {
    let e = entropy(counts, estimator)?;
    Ok(Estimate {
        value: base.from_nats(e.value),
        sd: e.sd.map(|sd| base.from_nats(sd)),
        ..e
    })
}

/// Counts the distinct values of a sample (any hashable values), then estimates.
///
/// # Errors
/// [`Error::Empty`] for an empty sample.
///
/// # Example
/// ```
/// use xent::estimate::{entropy_of_samples, Estimator};
/// let words = "the cat and the hat".split(' ');
/// let h = entropy_of_samples(words, Estimator::Plugin)?.value;
/// let expected = -(0.4f64 * 0.4f64.ln()) - 3.0 * 0.2 * 0.2f64.ln();
/// assert!((h - expected).abs() < 1e-15);
/// # Ok::<(), xent::Error>(())
/// ```
pub fn entropy_of_samples<V: Hash + Eq>(
    samples: impl IntoIterator<Item = V>,
    estimator: Estimator,
) -> Result<Estimate, Error> {
    let mut counts: HashMap<V, u64> = HashMap::new();
    for s in samples {
        *counts.entry(s).or_insert(0) += 1;
    }
    let mut counts: Vec<f64> = counts.into_values().map(|c| c as f64).collect();
    // A hash map's order varies from run to run; sorted counts make the sums reproducible.
    counts.sort_by(f64::total_cmp);
    entropy(&counts, estimator)
}
