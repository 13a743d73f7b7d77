//! The metrics themselves.

use crate::activation::{LogSoftmax, RowActivation};
use crate::kernels::compensated_sum;
use crate::layout::argmax;
use crate::{Error, InputPolicy};
use ndarray::{Array2, ArrayView2};

/// What the prediction file holds, one row per sample.
#[derive(Debug, Clone, Copy)]
pub enum Predictions<'a> {
    /// Probabilities (a single column is P(class 1) of a binary problem, as scikit-learn).
    Probabilities(ArrayView2<'a, f64>),
    /// Logits: probabilities are their softmax (a single column: the sigmoid).
    Logits(ArrayView2<'a, f64>),
    /// Log-probabilities (natural log).
    LogProbabilities(ArrayView2<'a, f64>),
}

/// The true labels: one class index per sample, or one distribution (one-hot or soft) per
/// sample of the predictions' width.
#[derive(Debug, Clone, Copy)]
pub enum Labels<'a> {
    /// Class indices.
    Classes(&'a [usize]),
    /// Label distributions.
    Distributions(ArrayView2<'a, f64>),
}

/// Options of [`evaluate`].
#[derive(Debug, Clone, PartialEq)]
pub struct EvalOptions {
    /// Equal-width confidence bins for ECE/MCE (default 15, as Guo et al.).
    pub bins: usize,
    /// k of the top-k accuracy (default 5, capped at the number of classes).
    pub top_k: usize,
    /// Clip probabilities to [ε, 1 − ε] before the log (default: no clipping).
    pub clip: Option<f64>,
    /// Divide probability rows by their sums instead of requiring them to sum to 1.
    pub normalize: bool,
    /// Tolerance on |Σp − 1| of a probability row when not normalising (default 1e-4: rows
    /// printed with five or more decimals pass; a forgotten normalisation does not).
    pub tolerance: f64,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            bins: 15,
            top_k: 5,
            clip: None,
            normalize: false,
            tolerance: 1e-4,
        }
    }
}

/// One confidence bin of the reliability diagram.
#[derive(Debug, Clone, PartialEq)]
pub struct Bin {
    /// Lower edge of the bin (its upper edge is lower + 1/bins).
    pub lower: f64,
    /// Total sample weight in the bin.
    pub weight: f64,
    /// Mean confidence (largest predicted probability) in the bin.
    pub confidence: f64,
    /// Accuracy in the bin.
    pub accuracy: f64,
}

/// Metrics of one class.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassReport {
    /// The class index.
    pub class: usize,
    /// Samples whose (most probable) label is this class, weighted.
    pub support: f64,
    /// Of the samples predicted as this class, the fraction that are (NaN if none are).
    pub precision: f64,
    /// Of the samples of this class, the fraction predicted as it (NaN if there are none).
    pub recall: f64,
    /// Mean log-loss, in nats, of the samples of this class.
    pub log_loss: f64,
}

/// Everything [`evaluate`] measures. Losses and entropies are in nats.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Mean cross-entropy between labels and predictions (log-loss).
    pub log_loss: f64,
    /// Standard error of the mean log-loss: the (weighted) standard deviation of the per-sample
    /// losses over √n.
    pub log_loss_se: f64,
    /// e^log_loss.
    pub perplexity: f64,
    /// Fraction of samples whose most probable class is the label's.
    pub accuracy: f64,
    /// Fraction whose label is among the `top_k` most probable classes.
    pub top_k_accuracy: f64,
    /// The k used.
    pub top_k: usize,
    /// Mean Σₖ (pₖ − yₖ)² (binary single column: mean (p − y)², as scikit-learn).
    pub brier: f64,
    /// Expected calibration error over equal-width confidence bins.
    pub ece: f64,
    /// Maximum calibration error over the non-empty bins.
    pub mce: f64,
    /// Mean entropy of the predicted distributions.
    pub mean_entropy: f64,
    /// Mean D(label ‖ prediction) (the log-loss minus the labels' own entropy).
    pub mean_kl: f64,
    /// Number of samples.
    pub n_samples: usize,
    /// Number of classes.
    pub n_classes: usize,
    /// Per-class metrics.
    pub per_class: Vec<ClassReport>,
    /// The reliability diagram.
    pub bins: Vec<Bin>,
}

/// Log-probabilities of every row, validated.
fn log_probabilities(
    pred: Predictions<'_>,
    options: &EvalOptions,
) -> Result<(Array2<f64>, bool), Error> {
    let (view, binary) = match pred {
        Predictions::Probabilities(v)
        | Predictions::Logits(v)
        | Predictions::LogProbabilities(v) => (v, v.ncols() == 1),
    };
    if view.nrows() == 0 || view.ncols() == 0 {
        return Err(Error::Empty {
            input: "predictions",
        });
    }
    let mut lp = match pred {
        Predictions::Probabilities(p) => {
            let p = if binary {
                Array2::from_shape_fn((p.nrows(), 2), |(i, k)| {
                    if k == 1 {
                        p[[i, 0]]
                    } else {
                        1.0 - p[[i, 0]]
                    }
                })
            } else {
                p.to_owned()
            };
            let policy = if options.normalize {
                InputPolicy::Normalize
            } else {
                InputPolicy::Strict
            };
            let mut out = p.clone();
            for (i, mut row) in out.rows_mut().into_iter().enumerate() {
                let values = row.to_vec();
                let d = policy.check_row("predictions", i, &values, options.tolerance)?;
                for v in row.iter_mut() {
                    let mut q = *v / d;
                    if let Some(eps) = options.clip {
                        q = q.clamp(eps, 1.0 - eps);
                    }
                    *v = q.ln();
                }
            }
            out
        }
        Predictions::Logits(z) => {
            let z = if binary {
                Array2::from_shape_fn(
                    (z.nrows(), 2),
                    |(i, k)| if k == 1 { z[[i, 0]] } else { 0.0 },
                )
            } else {
                z.to_owned()
            };
            LogSoftmax::new().apply_rows(z.view())
        }
        Predictions::LogProbabilities(l) => {
            for ((row, col), &v) in l.indexed_iter() {
                if v.is_nan() || v > 1e-9 {
                    return Err(Error::ValueOutOfRange {
                        input: "predictions",
                        row,
                        col,
                        value: v,
                        expected: "a log-probability must be ≤ 0 (−∞ allowed)",
                    });
                }
            }
            l.to_owned()
        }
    };
    if let (Some(eps), false) = (options.clip, matches!(pred, Predictions::Probabilities(_))) {
        let (lo, hi) = (eps.ln(), (-eps).ln_1p());
        lp.mapv_inplace(|v| v.clamp(lo, hi));
    }
    Ok((lp, binary))
}

/// Label distributions of every row, validated against the number of classes.
fn label_rows(labels: Labels<'_>, rows: usize, classes: usize) -> Result<Array2<f64>, Error> {
    match labels {
        Labels::Classes(c) => {
            crate::layout::ensure_same_shape("labels", &[rows], &[c.len()])?;
            let mut y = Array2::zeros((rows, classes));
            for (i, &k) in c.iter().enumerate() {
                if k >= classes {
                    return Err(Error::ClassOutOfRange {
                        row: i,
                        class: k as i64,
                        classes,
                    });
                }
                y[[i, k]] = 1.0;
            }
            Ok(y)
        }
        Labels::Distributions(d) => {
            let d = if d.ncols() == 1 && classes == 2 {
                Array2::from_shape_fn((d.nrows(), 2), |(i, k)| {
                    if k == 1 {
                        d[[i, 0]]
                    } else {
                        1.0 - d[[i, 0]]
                    }
                })
            } else {
                d.to_owned()
            };
            crate::layout::ensure_same_shape("labels", &[rows, classes], d.shape())?;
            for (i, row) in d.rows().into_iter().enumerate() {
                InputPolicy::Strict.check_row(
                    "labels",
                    i,
                    row.as_slice().expect("owned rows are contiguous"),
                    1e-6,
                )?;
            }
            Ok(d)
        }
    }
}

/// Evaluates predictions against labels, optionally with one weight per sample.
///
/// # Errors
/// [`Error::Empty`] for no samples; [`Error::ShapeMismatch`] when labels or weights do not have
/// one entry per sample (or label rows the predictions' width); [`Error::ClassOutOfRange`] for
/// a label without a column; [`Error::InvalidProbability`] / [`Error::NotNormalized`] for a bad
/// probability row (naming it); [`Error::ValueOutOfRange`] for a positive log-probability or a
/// negative weight; [`Error::InvalidParameter`] for 0 bins or k.
pub fn evaluate(
    pred: Predictions<'_>,
    labels: Labels<'_>,
    weights: Option<&[f64]>,
    options: &EvalOptions,
) -> Result<Report, Error> {
    if options.bins == 0 || options.top_k == 0 {
        return Err(Error::InvalidParameter {
            name: if options.bins == 0 { "bins" } else { "top-k" },
            value: 0.0,
            expected: "must be at least 1",
        });
    }
    let (lp, binary) = log_probabilities(pred, options)?;
    let (n, classes) = lp.dim();
    let y = label_rows(labels, n, classes)?;
    let w: Vec<f64> = match weights {
        Some(w) => {
            crate::layout::ensure_same_shape("weights", &[n], &[w.len()])?;
            for (col, &value) in w.iter().enumerate() {
                if !(value.is_finite() && value >= 0.0) {
                    return Err(Error::ValueOutOfRange {
                        input: "weights",
                        row: 0,
                        col,
                        value,
                        expected: "sample weights must be finite and ≥ 0",
                    });
                }
            }
            w.to_vec()
        }
        None => vec![1.0; n],
    };
    let total = compensated_sum(w.iter().copied());
    let k = options.top_k.min(classes);
    let bin_of = |c: f64| ((c * options.bins as f64) as usize).min(options.bins - 1);
    let mut bins = vec![(0.0f64, 0.0f64, 0.0f64); options.bins]; // (weight, Σ conf, Σ correct)
    let (mut losses, mut correct, mut topk, mut brier, mut ent, mut kl) =
        (Vec::with_capacity(n), 0.0, 0.0, 0.0, 0.0, 0.0);
    let mut per_class = vec![(0.0f64, 0.0f64, 0.0f64, 0.0f64); classes]; // (support, predicted, tp, Σ loss)
    for (i, &wi) in w.iter().enumerate() {
        let (lrow, yrow) = (lp.row(i), y.row(i));
        let ce = -compensated_sum(
            lrow.iter()
                .zip(yrow)
                .map(|(&l, &t)| if t == 0.0 { 0.0 } else { t * l }),
        );
        let h_label =
            -compensated_sum(yrow.iter().map(|&t| if t > 0.0 { t * t.ln() } else { 0.0 }));
        let p: Vec<f64> = lrow.iter().map(|l| l.exp()).collect();
        let h_pred = -compensated_sum(
            p.iter()
                .zip(lrow)
                .map(|(&q, &l)| if q > 0.0 { q * l } else { 0.0 }),
        );
        let truth = argmax(yrow);
        let guess = argmax(lrow);
        let hit = (truth == guess) as u8 as f64;
        let rank = lrow.iter().filter(|&&v| v > lrow[truth]).count();
        let b = if binary {
            (p[1] - yrow[1]).powi(2)
        } else {
            p.iter().zip(yrow).map(|(q, t)| (q - t) * (q - t)).sum()
        };
        losses.push(ce);
        correct += wi * hit;
        topk += wi * ((rank < k) as u8 as f64);
        brier += wi * b;
        ent += wi * h_pred;
        kl += wi * (ce - h_label);
        let confidence = p[guess];
        let slot = &mut bins[bin_of(confidence)];
        slot.0 += wi;
        slot.1 += wi * confidence;
        slot.2 += wi * hit;
        per_class[truth].0 += wi;
        per_class[truth].2 += wi * hit;
        per_class[truth].3 += wi * ce;
        per_class[guess].1 += wi;
    }
    let log_loss = compensated_sum(losses.iter().zip(&w).map(|(l, wi)| l * wi)) / total;
    let variance = compensated_sum(
        losses
            .iter()
            .zip(&w)
            .map(|(l, wi)| wi * (l - log_loss).powi(2)),
    ) / total;
    let mut ece = 0.0;
    let mut mce: f64 = 0.0;
    let bins: Vec<Bin> = bins
        .into_iter()
        .enumerate()
        .map(|(j, (bw, conf, acc))| {
            let (confidence, accuracy) = if bw > 0.0 {
                (conf / bw, acc / bw)
            } else {
                (f64::NAN, f64::NAN)
            };
            if bw > 0.0 {
                let gap = (accuracy - confidence).abs();
                ece += bw / total * gap;
                mce = mce.max(gap);
            }
            Bin {
                lower: j as f64 / options.bins as f64,
                weight: bw,
                confidence,
                accuracy,
            }
        })
        .collect();
    let per_class = per_class
        .into_iter()
        .enumerate()
        .map(|(class, (support, predicted, tp, loss))| ClassReport {
            class,
            support,
            precision: tp / predicted,
            recall: tp / support,
            log_loss: loss / support,
        })
        .collect();
    Ok(Report {
        log_loss,
        log_loss_se: (variance / n as f64).sqrt(),
        perplexity: log_loss.exp(),
        accuracy: correct / total,
        top_k_accuracy: topk / total,
        top_k: k,
        brier: brier / total,
        ece,
        mce,
        mean_entropy: ent / total,
        mean_kl: kl / total,
        n_samples: n,
        n_classes: classes,
        per_class,
        bins,
    })
}
