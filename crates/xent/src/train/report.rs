//! What training reports: a model's loss and metric on a data set, per epoch.

use super::model::ModelKind;

/// The measure of fit reported beside the loss: accuracy for the classifiers (softmax and
/// logistic regression), the mean squared error for linear regression.
///
/// # Example
/// ```
/// use xent::train::Metric;
/// assert_eq!(Metric::Accuracy(0.75).value(), 0.75);
/// assert_eq!(Metric::MeanSquaredError(0.5).name(), "mse");
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Metric {
    /// The fraction of samples whose most probable class is the label.
    Accuracy(f64),
    /// The mean of (prediction − target)².
    MeanSquaredError(f64),
}

impl Metric {
    /// The number.
    pub fn value(self) -> f64 {
        match self {
            Metric::Accuracy(v) | Metric::MeanSquaredError(v) => v,
        }
    }

    /// Its short name: `accuracy` or `mse` (the keys of `xent train --json`).
    pub fn name(self) -> &'static str {
        match self {
            Metric::Accuracy(_) => "accuracy",
            Metric::MeanSquaredError(_) => "mse",
        }
    }
}

/// A model's mean loss and its metric on a data set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// The mean loss the model is trained on: cross-entropy, or for linear regression the
    /// mean squared error (so that loss and metric are then the same number).
    pub loss: f64,
    /// Accuracy or mean squared error.
    pub metric: Metric,
}

impl Score {
    /// The score of a model of `kind`, whose metric is `metric`'s kind for it.
    pub(crate) fn new(kind: ModelKind, loss: f64, metric: f64) -> Score {
        let metric = match kind {
            ModelKind::Linear => Metric::MeanSquaredError(metric),
            ModelKind::Logistic | ModelKind::Softmax => Metric::Accuracy(metric),
        };
        Score { loss, metric }
    }
}

/// What one epoch achieved.
#[derive(Debug, Clone, PartialEq)]
pub struct EpochReport {
    /// 1-based epoch.
    pub epoch: usize,
    /// Over the epoch's batches, as the model was when each batch was seen.
    pub train: Score,
    /// On the test set after the epoch, when one was given.
    pub test: Option<Score>,
    /// Seconds spent in the epoch's training pass (test evaluation excluded).
    pub seconds: f64,
}
