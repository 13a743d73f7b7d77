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
        let (auc, ap) = curves(&order, &score, &|i| labels[i] == class, &weight);
        roc_auc.push(auc);
        average_precision.push(ap);
    }
    // Two classes: class 1's value, scikit-learn's binary metric; more: the defined
    // per-class values averaged, unweighted (macro) or by support (weighted).
    let average = |values: &[f64], weighted: bool| {
        if k == 2 {
            values[1]
        } else {
            mean(
                values
                    .iter()
                    .zip(&support)
                    .map(|(&v, &s)| (v, if weighted { s } else { 1.0 })),
            )
        }
    };
    Ok(Ranking {
        roc_auc_macro: average(&roc_auc, false),
        roc_auc_weighted: average(&roc_auc, true),
        average_precision_macro: average(&average_precision, false),
        average_precision_weighted: average(&average_precision, true),
        roc_auc,
        average_precision,
    })
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

/// (ROC-AUC, average precision) of one class from samples in descending score order: one
/// step of the curves per run of equal scores, the ROC area by trapezoids (a run with both
/// positives and negatives is a diagonal: ties count one half, as Mann–Whitney's U).
fn curves(
    order: &[usize],
    score: &dyn Fn(usize) -> f64,
    positive: &dyn Fn(usize) -> bool,
    weight: &dyn Fn(usize) -> f64,
) -> (f64, f64) {
    let (mut tp, mut fp) = (0.0f64, 0.0f64);
    let (mut area, mut ap) = (0.0f64, 0.0f64);
    let mut start = 0;
    while start < order.len() {
        let s = score(order[start]);
        let mut end = start;
        let (mut dtp, mut dfp) = (0.0, 0.0);
        while end < order.len() && score(order[end]) == s {
            let i = order[end];
            if positive(i) {
                dtp += weight(i);
            } else {
                dfp += weight(i);
            }
            end += 1;
        }
        area += dfp * (tp + 0.5 * dtp);
        tp += dtp;
        fp += dfp;
        if dtp > 0.0 {
            // Recall rises by dtp / P at this threshold, where precision is tp / (tp + fp).
            ap += dtp * tp / (tp + fp);
        }
        start = end;
    }
    let auc = if tp > 0.0 && fp > 0.0 {
        area / (tp * fp)
    } else {
        f64::NAN
    };
    let ap = if tp > 0.0 { ap / tp } else { f64::NAN };
    (auc, ap)
}
