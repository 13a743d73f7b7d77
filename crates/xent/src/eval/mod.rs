//! Evaluating a classifier's predictions: log-loss (cross-entropy) with its standard error,
//! perplexity, accuracy and top-k accuracy, Brier score, calibration (ECE and MCE over
//! equal-width confidence bins, as Guo et al. 2017; the debiased L2 calibration error of
//! Kumar et al. 2019; opt-in: classwise ECE, equal-mass bins, and Poisson-bootstrap 95 %
//! intervals of every calibration and loss metric), mean predictive entropy, mean KL from the
//! label distribution, per-class precision, recall, F1 and log-loss with their macro,
//! weighted and micro averages (scikit-learn's definitions, `zero_division` included), and the
//! confusion matrix; and temperature scaling ([`fit_temperature`]), the calibration that
//! divides the logits by one fitted T.
//!
//! [`evaluate`] takes everything at once; [`Evaluator`] takes it a chunk at a time in
//! O(classes + bins) memory, for files larger than memory (read them with
//! [`TableReader`](crate::data::TableReader)). Both split large inputs over rayon's threads in
//! fixed blocks merged in row order, so the numbers do not depend on the thread count.
//!
//! ```
//! use xent::eval::{evaluate, Options, Labels, Predictions};
//! let p = ndarray::array![[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6]];
//! let report = evaluate(
//!     Predictions::Probabilities(p.view()),
//!     Labels::Classes(&[0, 1, 2]),
//!     None,
//!     &Options::new(),
//! )?;
//! assert!((report.log_loss - 0.3635480396729776).abs() < 1e-15); // scikit-learn log_loss
//! assert_eq!(report.accuracy, 1.0);
//! # Ok::<(), xent::Error>(())
//! ```
//!
//! # Log-loss semantics against scikit-learn
//! scikit-learn's `log_loss` clips probabilities to [ε, 1 − ε] with ε = machine epsilon
//! (so a probability of 0 for the true class costs 36.04 nats, not +∞) and warns when rows do
//! not sum to 1. Here a probability of 0 for the true class gives +∞, rows must sum to 1
//! within [`Options::tolerance`] (1e-4) unless [`Options::normalize`] is set, and probabilities
//! are clipped only when [`Options::clip`] says so, to [ε, 1 − ε] without renormalising.

mod adaptive;
mod bootstrap;
mod classification;
mod metrics;
mod ranking;
mod temperature;

pub use adaptive::MAX_ADAPTIVE_SAMPLES;
pub use bootstrap::{Bootstrap, Interval, MAX_BOOTSTRAP_CELLS};
pub use classification::Prf;
pub use ranking::{ranking, BinnedRanking, Ranking, MAX_RANKING_CELLS, MAX_RANKING_SCORES};
pub use temperature::{
    fit_temperature, fit_temperature_of, PassMeans, TemperatureFit, TemperaturePass,
};

pub use metrics::{
    evaluate, Bin, Calibration, ClassReport, Evaluator, Labels, Options, Predictions, Report,
    MAX_BINS, MAX_CLASSWISE_CELLS, MAX_CONFUSION_CLASSES, MAX_WEIGHT,
};
