//! Precision, recall and F1 per class and their macro, weighted and micro averages, defined as
//! scikit-learn's `precision_recall_fscore_support`: from (weighted) counts of true positives,
//! predictions and support, with `zero_division` where a ratio has nothing to divide by.

/// Precision, recall and F1 of one class, or one of their averages.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prf {
    /// Of the samples predicted as the class, the fraction that are of it.
    pub precision: f64,
    /// Of the samples of the class, the fraction predicted as it.
    pub recall: f64,
    /// 2·tp / (2·tp + fp + fn), the harmonic mean of the two where both are defined.
    pub f1: f64,
}

/// A class's scores from its true positives, its predictions (tp + fp) and its support
/// (tp + fn). A ratio over 0 is `zero_division` (F1 only when all three counts are 0, as
/// scikit-learn ≥ 1.3: a class never predicted but present has F1 0, not `zero_division`).
pub(crate) fn class_scores(tp: f64, predicted: f64, support: f64, zero_division: f64) -> Prf {
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { zero_division };
    Prf {
        precision: ratio(tp, predicted),
        recall: ratio(tp, support),
        f1: ratio(2.0 * tp, predicted + support),
    }
}

/// One class's counts and scores, as the averages need them.
pub(crate) struct ClassCounts {
    pub(crate) tp: f64,
    pub(crate) predicted: f64,
    pub(crate) support: f64,
    pub(crate) scores: Prf,
}

/// The macro average (an unweighted mean over the classes that occur among the labels or the
/// predictions), the weighted average (weighted by support) and the micro average (pooled
/// counts: for single-label data, every one of the three is the accuracy). A NaN score (from
/// a NaN `zero_division`) is left out of an average with its weight, as scikit-learn does.
pub(crate) fn averages(classes: &[ClassCounts], zero_division: f64) -> [Prf; 3] {
    let mean = |score: fn(&Prf) -> f64, weight: &dyn Fn(&ClassCounts) -> f64| {
        let (mut sum, mut total) = (0.0, 0.0);
        for c in classes {
            let (s, w) = (score(&c.scores), weight(c));
            if w > 0.0 && !s.is_nan() {
                sum += w * s;
                total += w;
            }
        }
        if total > 0.0 {
            sum / total
        } else {
            zero_division
        }
    };
    let average = |weight: &dyn Fn(&ClassCounts) -> f64| Prf {
        precision: mean(|s| s.precision, weight),
        recall: mean(|s| s.recall, weight),
        f1: mean(|s| s.f1, weight),
    };
    let present = |c: &ClassCounts| {
        if c.support > 0.0 || c.predicted > 0.0 {
            1.0
        } else {
            0.0
        }
    };
    let (tp, predicted, support) = classes.iter().fold((0.0, 0.0, 0.0), |(t, p, s), c| {
        (t + c.tp, p + c.predicted, s + c.support)
    });
    [
        average(&present),
        average(&|c: &ClassCounts| c.support),
        class_scores(tp, predicted, support, zero_division),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_division_applies_only_where_a_ratio_has_no_denominator() {
        // Never predicted, present twice: precision 0/0, recall 0, F1 0 (fn > 0).
        assert_eq!(
            class_scores(0.0, 0.0, 2.0, 1.0),
            Prf {
                precision: 1.0,
                recall: 0.0,
                f1: 0.0
            }
        );
        // Absent from labels and predictions: every ratio is 0/0.
        let absent = class_scores(0.0, 0.0, 0.0, 0.0);
        assert_eq!(
            (absent.precision, absent.recall, absent.f1),
            (0.0, 0.0, 0.0)
        );
        let s = class_scores(3.0, 4.0, 6.0, 0.0);
        assert_eq!((s.precision, s.recall, s.f1), (0.75, 0.5, 0.6));
    }
}
