//! Equal-mass ("adaptive") confidence bins (Nixon et al. 2019): the samples sorted by
//! confidence and cut into bins of equal count, so that every bin has as much evidence and
//! none is empty where the confidences crowd near 1. They need every sample's confidence,
//! so they are opt-in ([`Options::adaptive`](super::Options::adaptive)) and bounded
//! ([`MAX_ADAPTIVE_SAMPLES`]).

use super::bootstrap::poisson_count;
use super::metrics::{calibration_errors, Bin};

/// The most samples whose confidences an evaluator keeps for the adaptive bins (2²⁵: 640 MiB
/// of confidences, weights and their order).
pub const MAX_ADAPTIVE_SAMPLES: usize = 1 << 25;

/// Every sample's confidence and weight, in row order; the weight carries the sign of the
/// hit (+w correct, −w wrong; −0.0 for a wrong sample of weight 0).
#[derive(Debug, Clone, Default)]
pub(crate) struct Kept {
    samples: Vec<(f64, f64)>,
}

impl Kept {
    pub(crate) fn push(&mut self, confidence: f64, weight: f64, hit: bool) {
        let signed = if hit { weight } else { -weight };
        self.samples.push((confidence, signed));
    }

    /// Appends the samples of the rows that follow.
    pub(crate) fn merge(&mut self, other: Kept) {
        self.samples.extend(other.samples);
    }

    /// The samples' order by confidence; ties keep row order (a stable sort), so the bins
    /// do not depend on the chunking.
    pub(crate) fn sorted(self) -> Sorted {
        let mut order: Vec<u32> = (0..self.samples.len() as u32).collect();
        order.sort_by(|&a, &b| {
            self.samples[a as usize]
                .0
                .total_cmp(&self.samples[b as usize].0)
        });
        Sorted {
            samples: self.samples,
            order,
        }
    }
}

/// The kept samples with their order by confidence.
pub(crate) struct Sorted {
    samples: Vec<(f64, f64)>,
    order: Vec<u32>,
}

impl Sorted {
    /// The equal-mass bins: the sorted samples cut into `bins` runs whose sizes differ by at
    /// most one, the longer first (NumPy's `array_split`, as torchmetrics' adaptive ECE
    /// cuts them); empty runs (fewer samples than bins) are left out.
    pub(crate) fn bins(&self, bins: usize) -> Vec<Bin> {
        self.binned(bins, |_| 1)
    }

    /// The adaptive (ECE, debiased L2 calibration error) of bootstrap replicate `r`: each
    /// sample taken its Poisson count of times, and the resampled list cut as [`Self::bins`]
    /// cuts it.
    pub(crate) fn replicate(&self, bins: usize, seed: u64, r: usize) -> f64 {
        let counted = self.binned(bins, |row| poisson_count(seed, row as u64, r as u64));
        let cells: Vec<[f64; 4]> = counted.iter().map(Bin::sums).collect();
        let total: f64 = counted.iter().map(|b| b.weight).sum();
        calibration_errors(&cells, total).0
    }

    /// Bins of equal count over the sorted samples, each sample taken `count(row)` times.
    fn binned(&self, bins: usize, count: impl Fn(usize) -> u32) -> Vec<Bin> {
        let counts: Vec<u32> = self.order.iter().map(|&i| count(i as usize)).collect();
        let total: u64 = counts.iter().map(|&k| u64::from(k)).sum();
        let (base, extra) = (total / bins as u64, total % bins as u64);
        let size = |j: usize| base + u64::from((j as u64) < extra);
        let mut out = Vec::new();
        let (mut j, mut filled) = (0usize, 0u64);
        let mut bin = Accumulating::default();
        for (&i, &k) in self.order.iter().zip(&counts) {
            let (confidence, signed) = self.samples[i as usize];
            let (weight, hit) = (signed.abs(), !signed.is_sign_negative());
            let mut left = u64::from(k);
            while left > 0 {
                while size(j) == 0 {
                    j += 1;
                }
                let take = left.min(size(j) - filled);
                bin.add(confidence, weight, hit, take);
                (left, filled) = (left - take, filled + take);
                if filled == size(j) {
                    out.push(std::mem::take(&mut bin).finish());
                    (j, filled) = (j + 1, 0);
                }
            }
        }
        out
    }
}

/// One equal-mass bin being filled.
#[derive(Default)]
struct Accumulating {
    lower: Option<f64>,
    upper: f64,
    weight: f64,
    confidence: f64,
    hits: f64,
    count: u64,
}

impl Accumulating {
    fn add(&mut self, confidence: f64, weight: f64, hit: bool, copies: u64) {
        let w = weight * copies as f64;
        self.lower.get_or_insert(confidence);
        self.upper = confidence;
        self.weight += w;
        self.confidence += w * confidence;
        self.hits += if hit { w } else { 0.0 };
        self.count += copies;
    }

    fn finish(self) -> Bin {
        let mean = |s: f64| {
            if self.weight > 0.0 {
                s / self.weight
            } else {
                f64::NAN
            }
        };
        Bin {
            lower: self.lower.unwrap_or(f64::NAN),
            upper: self.upper,
            weight: self.weight,
            confidence: mean(self.confidence),
            accuracy: mean(self.hits),
            count: self.count,
        }
    }
}
