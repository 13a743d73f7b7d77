//! Bootstrap confidence intervals for the evaluation metrics, streamed: the Poisson bootstrap
//! (Hanley & MacGibbon 2006; Chamandy et al. 2012), in which every sample enters each
//! replicate a Poisson(1) number of times instead of being drawn with replacement from the
//! whole set. The two agree as the sample grows, and the Poisson one needs no second pass
//! and no copy of the data: each replicate is a set of running sums.
//!
//! A sample's count in replicate r is a hash of (seed, its row, r), so the intervals do not
//! depend on how the rows were cut into chunks or spread over threads.

/// Counts in a replicate above this are folded into it (P(Poisson(1) > 20) < 10⁻¹⁹).
const MAX_COUNT: usize = 20;

/// The Poisson(1) cumulative distribution, as thresholds on 64 random bits.
fn thresholds() -> &'static [u64; MAX_COUNT] {
    static TABLE: std::sync::OnceLock<[u64; MAX_COUNT]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = [u64::MAX; MAX_COUNT];
        let (mut term, mut cdf) = ((-1f64).exp(), 0.0);
        for (k, slot) in table.iter_mut().enumerate() {
            cdf += term;
            term /= (k + 1) as f64;
            *slot = if cdf >= 1.0 {
                u64::MAX
            } else {
                (cdf * 18_446_744_073_709_551_616.0) as u64
            };
        }
        table
    })
}

/// How many times sample `row` enters replicate `replicate`: Poisson(1), from a hash of
/// the three numbers (SplitMix64's mixer on a counter).
pub(crate) fn poisson_count(seed: u64, row: u64, replicate: u64) -> u32 {
    const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut z = seed
        ^ row.wrapping_mul(0xD1B5_4A32_D192_ED03)
        ^ replicate.wrapping_add(1).wrapping_mul(GAMMA);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    thresholds().iter().take_while(|&&t| z >= t).count() as u32
}

/// A 95 % bootstrap interval: the 2.5th and 97.5th percentiles of the replicates (linear
/// interpolation, NumPy's default) and their standard deviation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// 2.5th percentile.
    pub low: f64,
    /// 97.5th percentile.
    pub high: f64,
    /// Standard deviation of the replicates (n − 1 in the denominator).
    pub sd: f64,
}

impl Interval {
    /// The interval of some replicate values (NaNs, from replicates that drew no sample,
    /// left out).
    pub(crate) fn of(mut values: Vec<f64>) -> Interval {
        values.retain(|v| !v.is_nan());
        values.sort_by(f64::total_cmp);
        let n = values.len();
        if n == 0 {
            return Interval {
                low: f64::NAN,
                high: f64::NAN,
                sd: f64::NAN,
            };
        }
        let quantile = |q: f64| {
            let at = q * (n - 1) as f64;
            let (i, frac) = (at.floor() as usize, at.fract());
            let next = values[(i + 1).min(n - 1)];
            values[i] + frac * (next - values[i])
        };
        let mean = values.iter().sum::<f64>() / n as f64;
        let ss: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
        Interval {
            low: quantile(0.025),
            high: quantile(0.975),
            sd: if n > 1 {
                (ss / (n - 1) as f64).sqrt()
            } else {
                f64::NAN
            },
        }
    }
}

/// The bootstrap intervals of a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Bootstrap {
    /// The number of replicates.
    pub replicates: usize,
    /// The seed they were drawn from.
    pub seed: u64,
    /// Of the log-loss.
    pub log_loss: Interval,
    /// Of the accuracy.
    pub accuracy: Interval,
    /// Of the Brier score.
    pub brier: Interval,
    /// Of the ECE (equal-width bins).
    pub ece: Interval,
    /// Of the debiased L2 calibration error (equal-width bins).
    pub l2_ece_debiased: Interval,
    /// Of the adaptive ECE, when it was asked for.
    pub adaptive_ece: Option<Interval>,
}

/// The most replicates × (bins + 4) cells the running sums may hold (2²², 32 MiB).
pub const MAX_BOOTSTRAP_CELLS: usize = 1 << 22;

/// The running sums of every replicate: per replicate [total weight, Σ w·loss, Σ w·hit,
/// Σ w·brier], then per bin [weight, Σ w·confidence, Σ w·hit, count].
#[derive(Debug, Clone)]
pub(crate) struct Replicates {
    seed: u64,
    replicates: usize,
    bins: usize,
    cells: Vec<f64>,
}

/// What one sample adds.
pub(crate) struct Sample {
    pub row: u64,
    pub weight: f64,
    pub loss: f64,
    pub hit: f64,
    pub brier: f64,
    pub bin: usize,
    pub confidence: f64,
}

impl Replicates {
    pub(crate) fn new(replicates: usize, seed: u64, bins: usize) -> Replicates {
        Replicates {
            seed,
            replicates,
            bins,
            cells: vec![0.0; replicates * (4 + 4 * bins)],
        }
    }

    fn stride(&self) -> usize {
        4 + 4 * self.bins
    }

    pub(crate) fn add(&mut self, s: &Sample) {
        let stride = self.stride();
        for (r, cells) in self.cells.chunks_exact_mut(stride).enumerate() {
            let k = poisson_count(self.seed, s.row, r as u64);
            if k == 0 {
                continue;
            }
            let w = s.weight * f64::from(k);
            cells[0] += w;
            cells[1] += w * s.loss;
            cells[2] += w * s.hit;
            cells[3] += w * s.brier;
            let bin = &mut cells[4 + 4 * s.bin..8 + 4 * s.bin];
            bin[0] += w;
            bin[1] += w * s.confidence;
            bin[2] += w * s.hit;
            bin[3] += f64::from(k);
        }
    }

    /// Adds the sums of the rows that follow.
    pub(crate) fn merge(&mut self, other: &Replicates) {
        self.cells
            .iter_mut()
            .zip(&other.cells)
            .for_each(|(a, b)| *a += b);
    }

    /// Each replicate's metrics, and the intervals; `adaptive` gives the adaptive ECE of
    /// each replicate (from the stored samples) when it was asked for.
    pub(crate) fn finish(&self, adaptive: Option<&dyn Fn(usize) -> f64>) -> Bootstrap {
        let stride = self.stride();
        let mut columns: [Vec<f64>; 5] = Default::default();
        for cells in self.cells.chunks_exact(stride) {
            let total = cells[0];
            let bins: Vec<[f64; 4]> = cells[4..]
                .chunks_exact(4)
                .map(|b| [b[0], b[1], b[2], b[3]])
                .collect();
            let (ece, _, l2) = super::metrics::calibration_errors(&bins, total);
            let values = [
                cells[1] / total,
                cells[2] / total,
                cells[3] / total,
                ece,
                l2,
            ];
            for (column, v) in columns.iter_mut().zip(values) {
                column.push(v);
            }
        }
        let [log_loss, accuracy, brier, ece, l2] = columns;
        Bootstrap {
            replicates: self.replicates,
            seed: self.seed,
            log_loss: Interval::of(log_loss),
            accuracy: Interval::of(accuracy),
            brier: Interval::of(brier),
            ece: Interval::of(ece),
            l2_ece_debiased: Interval::of(l2),
            adaptive_ece: adaptive.map(|f| Interval::of((0..self.replicates).map(f).collect())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_poisson_one() {
        // Mean 1, variance 1, P(0) = e⁻¹ over 200000 draws (5 standard errors).
        let draws: Vec<f64> = (0..200_000u64)
            .map(|i| f64::from(poisson_count(7, i / 100, i % 100)))
            .collect();
        let n = draws.len() as f64;
        let mean = draws.iter().sum::<f64>() / n;
        let var = draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / n;
        let zeros = draws.iter().filter(|&&d| d == 0.0).count() as f64 / n;
        assert!((mean - 1.0).abs() < 5.0 * (1.0 / n).sqrt(), "{mean}");
        assert!((var - 1.0).abs() < 0.02, "{var}");
        assert!(
            (zeros - (-1f64).exp()).abs() < 5.0 * (0.25 / n).sqrt(),
            "{zeros}"
        );
        // The same (seed, row, replicate), the same count; another seed, other counts.
        assert_eq!(poisson_count(7, 3, 5), poisson_count(7, 3, 5));
        let a: Vec<u32> = (0..64).map(|r| poisson_count(1, 0, r)).collect();
        let b: Vec<u32> = (0..64).map(|r| poisson_count(2, 0, r)).collect();
        assert_ne!(a, b);
    }

    #[test]
    fn percentiles_interpolate_as_numpy() {
        // numpy.percentile(range(11), [2.5, 97.5]) = [0.25, 9.75]; std(ddof=1) = 3.3166…
        let i = Interval::of((0..=10).map(f64::from).collect());
        assert_eq!((i.low, i.high), (0.25, 9.75));
        assert!((i.sd - 11f64.sqrt()).abs() < 1e-15);
    }
}
