//! A seeded bootstrap standard deviation for any estimator (the plug-in's asymptotic one is
//! beside the estimator, in `entropy.rs`).

use super::entropy::{checked_total, entropy, Estimate, Estimator};
use crate::rng::SplitMix64;
use crate::Error;

/// The estimate with a bootstrap standard deviation: `replicates` samples of n outcomes drawn
/// from the empirical frequencies (seeded, so reruns agree), re-estimated, and the standard
/// deviation of those estimates. Counts above 10⁷ are resampled per cell by the normal
/// approximation of the multinomial instead of draw by draw.
///
/// # Errors
/// The errors of [`entropy`]; [`Error::InvalidParameter`] for fewer than 2 replicates.
///
/// # Example
/// ```
/// use xent::estimate::{entropy_with_bootstrap, Estimator};
/// let e = entropy_with_bootstrap(&[4.0, 2.0, 3.0, 1.0], Estimator::ChaoShen, 200, 1)?;
/// assert!(e.sd.unwrap() > 0.0);
/// assert_eq!(e, entropy_with_bootstrap(&[4.0, 2.0, 3.0, 1.0], Estimator::ChaoShen, 200, 1)?);
/// # Ok::<(), xent::Error>(())
/// ```
pub fn entropy_with_bootstrap(
    counts: &[f64],
    estimator: Estimator,
    replicates: usize,
    seed: u64,
) -> Result<Estimate, Error> {
    if replicates < 2 {
        return Err(Error::InvalidParameter {
            name: "bootstrap replicates",
            value: replicates as f64,
            expected: "at least 2 replicates",
        });
    }
    let estimate = entropy(counts, estimator)?;
    let n = checked_total(counts)?;
    let cdf: Vec<f64> = counts
        .iter()
        .scan(0.0, |acc, &y| {
            *acc += y / n;
            Some(*acc)
        })
        .collect();
    let mut rng = SplitMix64::new(seed);
    let (mut sum, mut sum_sq) = (0.0, 0.0);
    let mut resampled = vec![0.0; counts.len()];
    for _ in 0..replicates {
        resampled.fill(0.0);
        if n <= 1e7 {
            for _ in 0..n as u64 {
                let u = rng.uniform();
                let i = cdf.partition_point(|&c| c <= u).min(counts.len() - 1);
                resampled[i] += 1.0;
            }
        } else {
            for (r, &y) in resampled.iter_mut().zip(counts) {
                let p = y / n;
                *r = (n * p + (n * p * (1.0 - p)).sqrt() * rng.normal())
                    .round()
                    .max(0.0);
            }
        }
        // A replicate with no counts cannot happen for n ≥ 1 draws; guard anyway.
        if let Ok(e) = entropy(&resampled, estimator) {
            sum += e.value;
            sum_sq += e.value * e.value;
        }
    }
    let r = replicates as f64;
    let variance = ((sum_sq - sum * sum / r) / (r - 1.0)).max(0.0);
    Ok(Estimate {
        sd: Some(variance.sqrt()),
        ..estimate
    })
}
