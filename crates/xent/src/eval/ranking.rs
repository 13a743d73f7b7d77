//! ROC-AUC and average precision, exact (from every score, sorted), as scikit-learn's
//! `roc_auc_score` and `average_precision_score` define them: one-vs-rest per class, with
//! macro and prevalence-weighted averages, and (weighted) ties counted as scikit-learn counts
//! them (one point of the curve per distinct score).

use crate::Error;
use ndarray::ArrayView2;

/// The most scores [`ranking`] takes (rows × classes): 2²⁴, 128 MiB with their sort order.
pub const MAX_RANKING_SCORES: usize = 1 << 24;

/// ROC-AUC and average precision of each class against the rest, and their averages.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    /// Per class: the area under the ROC curve of "this class" against the rest (NaN for a
    /// class with no positive or no negative sample, where it is undefined).
    pub roc_auc: Vec<f64>,
    /// Per class: average precision, Σₙ (Rₙ − Rₙ₋₁)·Pₙ over the distinct scores (NaN for a
    /// class with no positive sample).
    pub average_precision: Vec<f64>,
    /// The mean of the defined per-class ROC-AUCs (scikit-learn's `average="macro"`); for two
    /// classes, class 1's (scikit-learn's binary ROC-AUC).
    pub roc_auc_macro: f64,
    /// The per-class ROC-AUCs weighted by each class's (weighted) count of samples.
    pub roc_auc_weighted: f64,
    /// The mean of the defined per-class average precisions; for two classes, class 1's.
    pub average_precision_macro: f64,
    /// The per-class average precisions weighted by each class's count of samples.
    pub average_precision_weighted: f64,
    /// How far the ROC-AUCs may lie from the exact ones: 0 for [`ranking`]; for
    /// [`BinnedRanking`], the largest over the classes of half the share of
    /// positive–negative pairs whose scores fell in one bin (such a pair counts one half
    /// whatever its order).
    pub roc_auc_error_bound: f64,
}

/// ROC-AUC and average precision of scores `p` (rows × classes; probabilities or any score
/// that ranks) against class labels, optionally with one weight per sample.
///
/// scikit-learn raises an error for a class that makes a metric undefined (no positive
/// sample); here that class's value is NaN and the averages leave it out.
///
/// # Errors
/// [`Error::ShapeMismatch`] when labels or weights do not have one entry per row,
/// [`Error::ClassOutOfRange`] for a label without a column, [`Error::ValueOutOfRange`] for a
/// NaN score or a negative weight, [`Error::Unsuitable`] beyond [`MAX_RANKING_SCORES`].
///
/// # Example
/// ```
/// // scikit-learn: roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.75,
/// // average_precision_score(...) = 0.8333333333333333.
/// let p = ndarray::array![[0.9, 0.1], [0.6, 0.4], [0.65, 0.35], [0.2, 0.8]];
/// let r = xent::eval::ranking(p.view(), &[0, 0, 1, 1], None)?;
/// assert!((r.roc_auc_macro - 0.75).abs() < 1e-15);
/// assert!((r.average_precision_macro - 0.8333333333333333).abs() < 1e-15);
/// # Ok::<(), xent::Error>(())
/// ```
pub fn ranking(
    p: ArrayView2<'_, f64>,
    labels: &[usize],
    weights: Option<&[f64]>,
) -> Result<Ranking, Error> {
    let (n, k) = p.dim();
    crate::layout::ensure_same_shape("labels", &[n], &[labels.len()])?;
    if let Some(w) = weights {
        crate::layout::ensure_same_shape("weights", &[n], &[w.len()])?;
    }
    if n.saturating_mul(k) > MAX_RANKING_SCORES {
        return Err(Error::Unsuitable {
            reason: format!(
                "ROC-AUC and average precision sort every score: {n} rows × {k} classes is \
                 more than the {MAX_RANKING_SCORES} they take"
            ),
        });
    }
    for (row, &y) in labels.iter().enumerate() {
        if y >= k {
            return Err(Error::ClassOutOfRange {
                row,
                class: y as i64,
                classes: k,
            });
        }
    }
    for ((row, col), &v) in p.indexed_iter() {
        if v.is_nan() {
            return Err(Error::ValueOutOfRange {
                input: "predictions",
                row,
                col,
                value: v,
                expected: "a score must be a number",
            });
        }
    }
    let weight = |i: usize| weights.map_or(1.0, |w| w[i]);
    if let Some(w) = weights {
        if let Some((row, &v)) = w
            .iter()
            .enumerate()
            .find(|(_, v)| !(**v >= 0.0 && v.is_finite()))
        {
            return Err(Error::ValueOutOfRange {
                input: "weights",
                row,
                col: 0,
                value: v,
                expected: "sample weights must be finite and ≥ 0",
            });
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    let (mut roc_auc, mut average_precision, mut support) =
        (Vec::with_capacity(k), Vec::with_capacity(k), vec![0.0; k]);
    for (i, &y) in labels.iter().enumerate() {
        support[y] += weight(i);
    }
    for class in 0..k {
        let score = |i: usize| p[[i, class]];
        // Descending by score; the order within ties does not matter (they are one point).
        order.sort_unstable_by(|&a, &b| score(b).total_cmp(&score(a)));
        let positive = |i: usize| labels[i] == class;
        let (auc, ap) = curves(tie_runs(&order, &score, &positive, &weight));
        roc_auc.push(auc);
        average_precision.push(ap);
    }
    Ok(averaged(roc_auc, average_precision, &support, 0.0))
}

/// The report from per-class values: two classes give class 1's values, scikit-learn's
/// binary metrics; more, the defined per-class values averaged, unweighted (macro) or by
/// support (weighted).
fn averaged(
    roc_auc: Vec<f64>,
    average_precision: Vec<f64>,
    support: &[f64],
    bound: f64,
) -> Ranking {
    let k = support.len();
    let average = |values: &[f64], weighted: bool| {
        if k == 2 {
            values[1]
        } else {
            mean(
                values
                    .iter()
                    .zip(support)
                    .map(|(&v, &s)| (v, if weighted { s } else { 1.0 })),
            )
        }
    };
    Ranking {
        roc_auc_macro: average(&roc_auc, false),
        roc_auc_weighted: average(&roc_auc, true),
        average_precision_macro: average(&average_precision, false),
        average_precision_weighted: average(&average_precision, true),
        roc_auc,
        average_precision,
        roc_auc_error_bound: bound,
    }
}

/// The mean of the defined (non-NaN) values, weighted; NaN when none is.
fn mean(values: impl Iterator<Item = (f64, f64)>) -> f64 {
    let (mut sum, mut total) = (0.0, 0.0);
    for (v, w) in values {
        if !v.is_nan() && w > 0.0 {
            sum += w * v;
            total += w;
        }
    }
    if total > 0.0 {
        sum / total
    } else {
        f64::NAN
    }
}

/// The (positive weight, negative weight) of each run of equal scores of one class, from
/// samples in descending score order.
fn tie_runs<'a>(
    order: &'a [usize],
    score: &'a dyn Fn(usize) -> f64,
    positive: &'a dyn Fn(usize) -> bool,
    weight: &'a dyn Fn(usize) -> f64,
) -> impl Iterator<Item = (f64, f64)> + 'a {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= order.len() {
            return None;
        }
        let s = score(order[start]);
        let (mut dtp, mut dfp) = (0.0, 0.0);
        while start < order.len() && score(order[start]) == s {
            let i = order[start];
            if positive(i) {
                dtp += weight(i);
            } else {
                dfp += weight(i);
            }
            start += 1;
        }
        Some((dtp, dfp))
    })
}

/// (ROC-AUC, average precision) of one class from its runs of equal scores in descending
/// order, each (positive weight, negative weight): one step of the curves per run, the ROC
/// area by trapezoids (a run with both positives and negatives is a diagonal: ties count one
/// half, as Mann–Whitney's U).
fn curves(runs: impl Iterator<Item = (f64, f64)>) -> (f64, f64) {
    let (mut tp, mut fp) = (0.0f64, 0.0f64);
    let (mut area, mut ap) = (0.0f64, 0.0f64);
    for (dtp, dfp) in runs {
        area += dfp * (tp + 0.5 * dtp);
        tp += dtp;
        fp += dfp;
        if dtp > 0.0 {
            // Recall rises by dtp / P at this threshold, where precision is tp / (tp + fp).
            ap += dtp * tp / (tp + fp);
        }
    }
    let auc = if tp > 0.0 && fp > 0.0 {
        area / (tp * fp)
    } else {
        f64::NAN
    };
    let ap = if tp > 0.0 { ap / tp } else { f64::NAN };
    (auc, ap)
}

/// The most classes × bins a [`BinnedRanking`] holds (2²⁴ cells, 256 MiB).
pub const MAX_RANKING_CELLS: usize = 1 << 24;

/// ROC-AUC and average precision streamed in O(classes × bins) memory, for files whose
/// scores are too many to keep: each class's probabilities are counted in `bins` equal-width
/// bins of [0, 1], positives and negatives apart, and the curves are those of the scores
/// rounded down to a bin's edge, exactly (a bin is one run of tied scores).
/// [`Ranking::roc_auc_error_bound`] says how far that may be from the exact ROC-AUC; average
/// precision has no such bound (it is the binned curve's).
///
/// # Example
/// ```
/// use xent::eval::{ranking, BinnedRanking};
/// let p = ndarray::array![[0.9, 0.1], [0.6, 0.4], [0.65, 0.35], [0.2, 0.8]];
/// let y = [0, 0, 1, 1];
/// let mut binned = BinnedRanking::new(2, 1000)?;
/// binned.push(p.view(), &y, None)?;
/// let (approx, exact) = (binned.finish(), ranking(p.view(), &y, None)?);
/// // No two scores share a bin here: the same values, and a bound of 0.
/// assert_eq!(approx.roc_auc_macro, exact.roc_auc_macro);
/// assert_eq!(approx.roc_auc_error_bound, 0.0);
/// # Ok::<(), xent::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct BinnedRanking {
    classes: usize,
    bins: usize,
    /// Per (class, bin): [positive weight, negative weight].
    cells: Vec<[f64; 2]>,
    support: Vec<f64>,
    rows: usize,
}

impl BinnedRanking {
    /// An empty accumulator for `classes` classes (at least 2) and `bins` bins.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for fewer than 2 classes or 1 bin, or more than
    /// [`MAX_RANKING_CELLS`] cells.
    pub fn new(classes: usize, bins: usize) -> Result<BinnedRanking, Error> {
        if classes < 2 || bins == 0 || classes.saturating_mul(bins) > MAX_RANKING_CELLS {
            return Err(Error::InvalidParameter {
                name: "ranking bins",
                value: bins as f64,
                expected: "at least 1, with 2 or more classes and classes × bins at most 2^24",
            });
        }
        Ok(BinnedRanking {
            classes,
            bins,
            cells: vec![[0.0; 2]; classes * bins],
            support: vec![0.0; classes],
            rows: 0,
        })
    }

    /// Counts a chunk of probabilities (rows × classes, each in [0, 1]) and its labels.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] for a width other than the classes or labels and weights
    /// that are not one per row, [`Error::ClassOutOfRange`], [`Error::ValueOutOfRange`] for
    /// a score outside [0, 1] or a weight that is not finite and ≥ 0 (rows counted from the
    /// first chunk).
    pub fn push(
        &mut self,
        p: ArrayView2<'_, f64>,
        labels: &[usize],
        weights: Option<&[f64]>,
    ) -> Result<(), Error> {
        let (n, k) = p.dim();
        crate::layout::ensure_same_shape("predictions", &[n, self.classes], &[n, k])?;
        crate::layout::ensure_same_shape("labels", &[n], &[labels.len()])?;
        if let Some(w) = weights {
            crate::layout::ensure_same_shape("weights", &[n], &[w.len()])?;
        }
        for (i, &y) in labels.iter().enumerate() {
            let row = self.rows + i;
            if y >= k {
                return Err(Error::ClassOutOfRange {
                    row,
                    class: y as i64,
                    classes: k,
                });
            }
            let w = weights.map_or(1.0, |w| w[i]);
            if !(w >= 0.0 && w.is_finite()) {
                return Err(Error::ValueOutOfRange {
                    input: "weights",
                    row,
                    col: 0,
                    value: w,
                    expected: "sample weights must be finite and ≥ 0",
                });
            }
            self.support[y] += w;
            for (class, &v) in p.row(i).iter().enumerate() {
                if !(0.0..=1.0).contains(&v) {
                    return Err(Error::ValueOutOfRange {
                        input: "predictions",
                        row,
                        col: class,
                        value: v,
                        expected: "binned ranking takes probabilities in [0, 1]",
                    });
                }
                let bin = ((v * self.bins as f64) as usize).min(self.bins - 1);
                self.cells[class * self.bins + bin][usize::from(y != class)] += w;
            }
        }
        self.rows += n;
        Ok(())
    }

    /// The metrics of everything pushed.
    pub fn finish(self) -> Ranking {
        let (mut roc_auc, mut average_precision) = (Vec::new(), Vec::new());
        let mut bound = 0.0f64;
        for class in self.cells.chunks(self.bins) {
            // Descending scores: the highest bin first.
            let (auc, ap) = curves(class.iter().rev().map(|&[tp, fp]| (tp, fp)));
            roc_auc.push(auc);
            average_precision.push(ap);
            let (pos, neg): (f64, f64) = class
                .iter()
                .fold((0.0, 0.0), |(p, n), c| (p + c[0], n + c[1]));
            if pos > 0.0 && neg > 0.0 {
                let tied: f64 = class.iter().map(|c| c[0] * c[1]).sum();
                bound = bound.max(0.5 * tied / (pos * neg));
            }
        }
        averaged(roc_auc, average_precision, &self.support, bound)
    }
}
