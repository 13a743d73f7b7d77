//! The metrics themselves.

use super::adaptive::{Kept, MAX_ADAPTIVE_SAMPLES};
use super::bootstrap::{Bootstrap, Replicates, Sample, MAX_BOOTSTRAP_CELLS};
use super::classification::{averages, class_scores, ClassCounts, Prf};
use crate::activation::{LogSoftmax, RowActivation};
use crate::kernels::{cross_entropy_log_nats, entropy_log_nats, kl_log_nats, CompensatedSum};
use crate::kernels::{for_blocks, tiling::EVAL_BLOCK_VALUES};
use crate::layout::argmax;
use crate::{Error, Float, InputPolicy, Par};
use ndarray::{ArrayView1, ArrayView2};

/// What the prediction file holds, one row per sample, in `f64` or `f32` (a model's output
/// as it is: every value is widened to `f64` exactly and evaluated there, so `f32`
/// predictions give the report of the same numbers in `f64`).
#[derive(Debug, Clone, Copy)]
pub enum Predictions<'a, T = f64> {
    /// Probabilities (a single column is P(class 1) of a binary problem, as scikit-learn).
    Probabilities(ArrayView2<'a, T>),
    /// Logits: probabilities are their softmax (a single column: the sigmoid).
    Logits(ArrayView2<'a, T>),
    /// Log-probabilities (natural log).
    LogProbabilities(ArrayView2<'a, T>),
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

/// Options of [`evaluate`] and [`Evaluator`], a builder in the style of
/// [`measure::Options`](crate::measure::Options): each setter returns the options, and
/// [`Evaluator::new`] (or [`evaluate`]) checks them all, naming the first bad one.
///
/// Defaults: 15 equal-width confidence bins (as Guo et al.), top-5 accuracy (k capped at the
/// number of classes), no clipping, rows required to sum to 1 within 1e-4 (rows printed
/// with five or more decimals pass; a forgotten normalisation does not).
///
/// # Example
/// ```
/// use xent::eval::{evaluate, Labels, Options, Predictions};
/// let p = ndarray::array![[0.0, 1.0], [0.8, 0.2]];
/// let plain = evaluate(Predictions::Probabilities(p.view()), Labels::Classes(&[0, 0]), None,
///                      &Options::new())?;
/// assert_eq!(plain.log_loss, f64::INFINITY);
/// let clipped = Options::new().clip(1e-15).bins(10).top_k(1);
/// let r = evaluate(Predictions::Probabilities(p.view()), Labels::Classes(&[0, 0]), None, &clipped)?;
/// assert!(r.log_loss.is_finite());
/// let bad = Options::new().clip(0.7);
/// assert!(evaluate(Predictions::Probabilities(p.view()), Labels::Classes(&[0, 0]), None, &bad).is_err());
/// # Ok::<(), xent::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    bins: usize,
    top_k: usize,
    clip: Option<f64>,
    normalize: bool,
    tolerance: f64,
    zero_division: f64,
    classwise: bool,
    adaptive: bool,
    bootstrap: Option<(usize, u64)>,
    par: Par,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            bins: 15,
            top_k: 5,
            clip: None,
            normalize: false,
            tolerance: 1e-4,
            zero_division: 0.0,
            classwise: false,
            adaptive: false,
            bootstrap: None,
            par: Par::default(),
        }
    }
}

impl Options {
    /// The defaults (see the type's documentation).
    pub fn new() -> Options {
        Options::default()
    }

    /// Equal-width confidence bins for ECE/MCE: 1 to [`MAX_BINS`].
    pub fn bins(self, bins: usize) -> Options {
        Options { bins, ..self }
    }

    /// k of the top-k accuracy, at least 1 (capped at the number of classes when used).
    pub fn top_k(self, top_k: usize) -> Options {
        Options { top_k, ..self }
    }

    /// Clip probabilities to [ε, 1 − ε] before the log, ε in (0, 0.5).
    pub fn clip(self, epsilon: f64) -> Options {
        Options {
            clip: Some(epsilon),
            ..self
        }
    }

    /// Divide probability rows by their sums instead of requiring them to sum to 1.
    pub fn normalize(self, normalize: bool) -> Options {
        Options { normalize, ..self }
    }

    /// Tolerance on |Σp − 1| of a probability row when not normalising (finite, ≥ 0).
    pub fn tolerance(self, tolerance: f64) -> Options {
        Options { tolerance, ..self }
    }

    /// The value of a precision, recall or F1 with nothing to divide by (a class never
    /// predicted, or never present): 0 (the default, scikit-learn's), 1, or NaN (then left
    /// out of the averages), as scikit-learn's `zero_division`.
    pub fn zero_division(self, zero_division: f64) -> Options {
        Options {
            zero_division,
            ..self
        }
    }

    /// Also the classwise ECE ([`Report::classwise_ece`]): it bins every class's
    /// probability of every sample, so it costs O(classes) per sample (off by default).
    pub fn classwise(self, classwise: bool) -> Options {
        Options { classwise, ..self }
    }

    /// Also the calibration errors over equal-mass bins ([`Report::adaptive`]): it keeps
    /// every sample's confidence, at most [`MAX_ADAPTIVE_SAMPLES`] (off by default).
    pub fn adaptive(self, adaptive: bool) -> Options {
        Options { adaptive, ..self }
    }

    /// Also 95 % bootstrap intervals ([`Report::bootstrap`]) from `replicates` Poisson
    /// replicates drawn from `seed`: the same intervals for any chunking and thread count.
    /// Each sample costs O(replicates); replicates × (bins + 1) is at most
    /// [`MAX_BOOTSTRAP_CELLS`] / 4.
    pub fn bootstrap(self, replicates: usize, seed: u64) -> Options {
        Options {
            bootstrap: Some((replicates, seed)),
            ..self
        }
    }

    /// Where the blocks of a chunk run (default: rayon's current pool; see [`Par`]). Every
    /// choice gives the same report.
    pub fn par(self, par: Par) -> Options {
        Options { par, ..self }
    }
}

/// One confidence bin of the reliability diagram.
#[derive(Debug, Clone, PartialEq)]
pub struct Bin {
    /// Lower edge of the bin: j/bins for equal-width bins, the least confidence in it for
    /// equal-mass ones.
    pub lower: f64,
    /// Upper edge: (j + 1)/bins, or the largest confidence in it.
    pub upper: f64,
    /// Total sample weight in the bin.
    pub weight: f64,
    /// Samples in the bin (unweighted).
    pub count: u64,
    /// Mean confidence (largest predicted probability) in the bin.
    pub confidence: f64,
    /// Accuracy in the bin.
    pub accuracy: f64,
}

impl Bin {
    /// [weight, Σ w·confidence, Σ w·hit, count]: the sums [`calibration_errors`] takes.
    pub(crate) fn sums(&self) -> [f64; 4] {
        [
            self.weight,
            self.confidence * self.weight,
            self.accuracy * self.weight,
            self.count as f64,
        ]
    }
}

/// Metrics of one class.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassReport {
    /// The class index.
    pub class: usize,
    /// Samples whose (most probable) label is this class, weighted.
    pub support: f64,
    /// Samples predicted as this class (their most probable class), weighted.
    pub predicted: f64,
    /// Of the samples predicted as this class, the fraction that are
    /// ([`Options::zero_division`] if none are predicted so).
    pub precision: f64,
    /// Of the samples of this class, the fraction predicted as it
    /// ([`Options::zero_division`] if there are none).
    pub recall: f64,
    /// 2·tp / (2·tp + fp + fn) ([`Options::zero_division`] when all three are 0).
    pub f1: f64,
    /// Mean log-loss, in nats, of the samples of this class (NaN if there are none).
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
    /// Fraction whose label is among the `top_k` most probable classes, with scikit-learn's
    /// tie rule: among equal probabilities the higher class index ranks first, so a label
    /// tied with a higher class is behind it (with ties, top-1 can differ from `accuracy`,
    /// whose argmax takes the lowest index, as in scikit-learn).
    pub top_k_accuracy: f64,
    /// The k used.
    pub top_k: usize,
    /// Mean Σₖ (pₖ − yₖ)² (binary single column: mean (p − y)², as scikit-learn).
    pub brier: f64,
    /// Expected calibration error over equal-width confidence bins.
    pub ece: f64,
    /// Maximum calibration error over the non-empty bins.
    pub mce: f64,
    /// The debiased estimate of the L2 calibration error over the same bins (Kumar, Liang &
    /// Ma 2019): √max(0, Σ_b p_b [(acc_b − conf_b)² − acc_b(1 − acc_b)/(n_b − 1)]), where p_b
    /// is the bin's share of the weight and n_b its count; a bin of one sample adds 0. The
    /// plain (acc − conf)² overstates a well-calibrated model's error by the bins' sampling
    /// noise; this removes it (torchmetrics' `debias=True` keeps a one-sample bin's term).
    pub l2_ece_debiased: f64,
    /// ECE, MCE and debiased L2 error over equal-mass bins, when [`Options::adaptive`]
    /// asked for them.
    pub adaptive: Option<Calibration>,
    /// 95 % bootstrap intervals, when [`Options::bootstrap`] asked for them.
    pub bootstrap: Option<Bootstrap>,
    /// Classwise ECE (Kull et al. 2019): the mean over classes of the ECE of each class's
    /// probability against its one-vs-rest label, in the same equal-width bins; `None` unless
    /// [`Options::classwise`] asked for it, or when classes × bins exceed
    /// [`MAX_CLASSWISE_CELLS`].
    pub classwise_ece: Option<f64>,
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
    /// Precision, recall and F1 averaged over the classes that occur among the labels or
    /// the predictions (scikit-learn's `average="macro"`).
    pub macro_average: Prf,
    /// The same, weighted by support (`average="weighted"`).
    pub weighted_average: Prf,
    /// From the pooled counts (`average="micro"`): for single-label data, the accuracy.
    pub micro_average: Prf,
    /// The confusion matrix, weighted: row = the label's class, column = the predicted one
    /// (scikit-learn's layout), for up to [`MAX_CONFUSION_CLASSES`] classes; `None` beyond.
    pub confusion: Option<ndarray::Array2<f64>>,
    /// The reliability diagram.
    pub bins: Vec<Bin>,
}

/// Calibration errors over a set of bins.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// Σ_b p_b |acc_b − conf_b|.
    pub ece: f64,
    /// max_b |acc_b − conf_b| over the non-empty bins.
    pub mce: f64,
    /// As [`Report::l2_ece_debiased`].
    pub l2_ece_debiased: f64,
    /// The bins.
    pub bins: Vec<Bin>,
}

/// (ECE, MCE, debiased L2 error) of bins given as [weight, Σ w·confidence, Σ w·hit, count],
/// `total` the weight of all samples.
pub(crate) fn calibration_errors(bins: &[[f64; 4]], total: f64) -> (f64, f64, f64) {
    let (mut ece, mut mce, mut square) = (0.0, 0.0f64, 0.0);
    for &[w, conf, hits, count] in bins.iter().filter(|b| b[0] > 0.0) {
        let (confidence, accuracy) = (conf / w, hits / w);
        let gap = (accuracy - confidence).abs();
        ece += w / total * gap;
        mce = mce.max(gap);
        if count >= 2.0 {
            square += w / total * (gap * gap - accuracy * (1.0 - accuracy) / (count - 1.0));
        }
    }
    if total > 0.0 {
        (ece, mce, square.max(0.0).sqrt())
    } else {
        (f64::NAN, f64::NAN, f64::NAN)
    }
}

/// The most classes whose confusion matrix a report holds (1024: 8 MiB of cells).
pub const MAX_CONFUSION_CLASSES: usize = 1024;

/// The most classes × bins whose classwise ECE a report computes (2²⁰ cells, 24 MiB).
pub const MAX_CLASSWISE_CELLS: usize = 1 << 20;

/// The metrics of [`evaluate`], accumulated over any number of chunks of samples, so that a
/// file larger than memory can be evaluated a chunk at a time. Memory is O(classes + bins).
///
/// Errors name the sample by its index over all the chunks pushed so far. After an error
/// the evaluator holds a partial chunk and should be dropped.
///
/// # Example
/// ```
/// use xent::eval::{evaluate, Options, Evaluator, Labels, Predictions};
/// let p = ndarray::array![[0.7, 0.3], [0.4, 0.6], [0.9, 0.1], [0.2, 0.8]];
/// let labels = [0, 1, 1, 1];
/// let mut e = Evaluator::new(Options::default())?;
/// for (rows, y) in [(0..3, &labels[..3]), (3..4, &labels[3..])] {
///     e.push(Predictions::Probabilities(p.slice(ndarray::s![rows, ..])), Labels::Classes(y), None)?;
/// }
/// let whole = evaluate(Predictions::Probabilities(p.view()), Labels::Classes(&labels), None,
///                      &Options::default())?;
/// let streamed = e.finish()?;
/// assert!((streamed.log_loss - whole.log_loss).abs() < 1e-15);
/// assert_eq!(streamed.accuracy, 0.75);
/// # Ok::<(), xent::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Evaluator {
    options: Options,
    /// (number of classes, single-column binary input), fixed by the first chunk.
    shape: Option<(usize, bool)>,
    /// Width of the prediction rows of the first chunk.
    width: usize,
    rows: usize,
    sums: Sums,
}

/// The most confidence bins an evaluator takes (each bin costs 24 bytes per thread).
pub const MAX_BINS: usize = 1_000_000;

/// The largest sample weight: with weights at most 10³⁰⁰ the weighted sums of losses (at
/// most 745 per sample where finite) and of counts cannot overflow before 10⁵ samples, and a
/// total that still overflows is an error, never a silent 0 or NaN.
pub const MAX_WEIGHT: f64 = 1e300;

/// The running sums of every metric over some rows.
#[derive(Debug, Clone, Default)]
struct Sums {
    total: CompensatedSum,
    loss: CompensatedSum,
    /// Weighted running mean and sum of squared deviations of the loss (West 1979).
    loss_mean: f64,
    loss_m2: f64,
    loss_weight: f64,
    correct: CompensatedSum,
    top_k: CompensatedSum,
    brier: CompensatedSum,
    entropy: CompensatedSum,
    kl: CompensatedSum,
    /// Per bin: [weight, Σ weight·confidence, Σ weight·hit, count].
    bins: Cells<4>,
    /// Per class: [support, predicted, true positives, Σ weight·loss].
    per_class: Cells<4>,
    /// Per (label, predicted) pair, row-major, when the classes are few enough.
    confusion: Option<Cells<1>>,
    /// Per (class, bin of that class's probability): [weight, Σ weight·p, Σ weight·y], when
    /// classes × bins are few enough.
    classwise: Option<Cells<3>>,
    /// Every sample's confidence, for the equal-mass bins.
    kept: Option<Kept>,
    /// The bootstrap replicates' running sums.
    replicates: Option<Replicates>,
}

/// Sums per cell (a confidence bin, a class): dense for the evaluator's totals; for a block
/// of rows that touches few of many cells (a million bins, a 128k vocabulary), the list of
/// its rows' entries, so that a block costs its rows, not its cells.
#[derive(Debug, Clone)]
enum Cells<const N: usize> {
    Dense(Vec<[f64; N]>),
    Entries(Vec<(usize, [f64; N])>),
}

impl<const N: usize> Default for Cells<N> {
    fn default() -> Self {
        Cells::Dense(Vec::new())
    }
}

impl<const N: usize> Cells<N> {
    fn dense(cells: usize) -> Self {
        Cells::Dense(vec![[0.0; N]; cells])
    }

    /// Entries when a block adds fewer of them than there are cells.
    fn for_block(cells: usize, entries: usize) -> Self {
        if entries < cells {
            Cells::Entries(Vec::with_capacity(entries))
        } else {
            Cells::dense(cells)
        }
    }

    fn add(&mut self, cell: usize, values: [f64; N]) {
        match self {
            Cells::Dense(d) => d[cell].iter_mut().zip(values).for_each(|(a, b)| *a += b),
            Cells::Entries(e) => e.push((cell, values)),
        }
    }

    /// Adds the sums of the rows that follow; `self` is dense (the evaluator's totals).
    fn merge(&mut self, other: Cells<N>) {
        let Cells::Dense(mine) = self else {
            unreachable!("blocks merge into the dense totals")
        };
        match other {
            Cells::Dense(theirs) => {
                for (a, b) in mine.iter_mut().zip(theirs) {
                    a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                }
            }
            Cells::Entries(entries) => {
                for (cell, values) in entries {
                    mine[cell].iter_mut().zip(values).for_each(|(x, y)| *x += y);
                }
            }
        }
    }

    fn into_dense(self) -> Vec<[f64; N]> {
        match self {
            Cells::Dense(d) => d,
            Cells::Entries(_) => unreachable!("the totals are dense"),
        }
    }
}

impl Sums {
    /// The evaluator's totals: dense cells.
    fn new(options: &Options, classes: usize) -> Sums {
        let (bins, classwise) = (options.bins, options.classwise);
        Sums {
            kept: options.adaptive.then(Kept::default),
            replicates: options
                .bootstrap
                .map(|(r, seed)| Replicates::new(r, seed, bins)),
            bins: Cells::dense(bins),
            per_class: Cells::dense(classes),
            confusion: (classes <= MAX_CONFUSION_CLASSES).then(|| Cells::dense(classes * classes)),
            classwise: (classwise && classes.saturating_mul(bins) <= MAX_CLASSWISE_CELLS)
                .then(|| Cells::dense(classes * bins)),
            ..Sums::default()
        }
    }

    /// The sums of a block of `rows` rows (one bin entry and two class entries a row).
    fn for_block(options: &Options, classes: usize, rows: usize) -> Sums {
        let (bins, classwise) = (options.bins, options.classwise);
        Sums {
            kept: options.adaptive.then(Kept::default),
            replicates: options
                .bootstrap
                .map(|(r, seed)| Replicates::new(r, seed, bins)),
            bins: Cells::for_block(bins, rows),
            per_class: Cells::for_block(classes, 2 * rows),
            confusion: (classes <= MAX_CONFUSION_CLASSES)
                .then(|| Cells::for_block(classes * classes, rows)),
            classwise: (classwise && classes.saturating_mul(bins) <= MAX_CLASSWISE_CELLS)
                .then(|| Cells::for_block(classes * bins, rows.saturating_mul(classes))),
            ..Sums::default()
        }
    }

    /// Adds the sums of the rows that follow these (Chan et al. for the variance).
    fn merge(&mut self, other: Sums) {
        self.total.merge(other.total);
        self.loss.merge(other.loss);
        let weight = self.loss_weight + other.loss_weight;
        if self.loss_weight == 0.0 {
            (self.loss_mean, self.loss_m2, self.loss_weight) =
                (other.loss_mean, other.loss_m2, other.loss_weight);
        } else if other.loss_weight > 0.0 {
            let delta = other.loss_mean - self.loss_mean;
            let share = other.loss_weight / weight;
            self.loss_m2 += other.loss_m2 + delta * delta * self.loss_weight * share;
            self.loss_mean += delta * share;
            self.loss_weight = weight;
        }
        self.correct.merge(other.correct);
        self.top_k.merge(other.top_k);
        self.brier.merge(other.brier);
        self.entropy.merge(other.entropy);
        self.kl.merge(other.kl);
        self.bins.merge(other.bins);
        self.per_class.merge(other.per_class);
        if let (Some(mine), Some(theirs)) = (self.confusion.as_mut(), other.confusion) {
            mine.merge(theirs);
        }
        if let (Some(mine), Some(theirs)) = (self.classwise.as_mut(), other.classwise) {
            mine.merge(theirs);
        }
        if let (Some(mine), Some(theirs)) = (self.kept.as_mut(), other.kept) {
            mine.merge(theirs);
        }
        if let (Some(mine), Some(theirs)) = (self.replicates.as_mut(), other.replicates) {
            mine.merge(&theirs);
        }
    }
}

/// One chunk being evaluated: what every block of its rows needs to know.
#[derive(Clone, Copy)]
struct ChunkRows<'p, 'l, 'w, 'o, T> {
    pred: Predictions<'p, T>,
    labels: Labels<'l>,
    weights: Option<&'w [f64]>,
    options: &'o Options,
    classes: usize,
    binary: bool,
    /// Index of the chunk's first row over all chunks, for errors.
    first_row: usize,
}

/// One row's log-probabilities, probabilities and label distribution.
struct Scratch {
    log_p: Vec<f64>,
    p: Vec<f64>,
    y: Vec<f64>,
}

impl Evaluator {
    /// A new evaluator.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for 0 bins or k.
    pub fn new(options: Options) -> Result<Evaluator, Error> {
        if options.bins == 0 || options.top_k == 0 {
            return Err(Error::InvalidParameter {
                name: if options.bins == 0 { "bins" } else { "top-k" },
                value: 0.0,
                expected: "must be at least 1",
            });
        }
        if let Some((replicates, _)) = options.bootstrap {
            let cells = replicates.saturating_mul(4 + 4 * options.bins);
            if replicates < 2 || cells > MAX_BOOTSTRAP_CELLS {
                return Err(Error::InvalidParameter {
                    name: "bootstrap replicates",
                    value: replicates as f64,
                    expected: "at least 2, and replicates × (bins + 1) at most 2^20",
                });
            }
        }
        let z = options.zero_division;
        if !(z == 0.0 || z == 1.0 || z.is_nan()) {
            return Err(Error::InvalidParameter {
                name: "zero division",
                value: z,
                expected: "0, 1 or NaN, as scikit-learn's zero_division",
            });
        }
        if options.bins > MAX_BINS {
            return Err(Error::InvalidParameter {
                name: "bins",
                value: options.bins as f64,
                expected: "at most 1000000 bins",
            });
        }
        if let Some(eps) = options.clip {
            if !(eps > 0.0 && eps < 0.5) {
                return Err(Error::InvalidParameter {
                    name: "clip",
                    value: eps,
                    expected: "the epsilon must lie in (0, 0.5)",
                });
            }
        }
        crate::policy::validate_tolerance(options.tolerance)?;
        Ok(Evaluator {
            options,
            shape: None,
            width: 0,
            rows: 0,
            sums: Sums::default(),
        })
    }

    /// Samples pushed so far.
    pub fn samples(&self) -> usize {
        self.rows
    }

    /// Adds a chunk of samples: predictions, their labels and optionally their weights. Every
    /// chunk must have the first one's number of prediction columns. Large chunks are split
    /// over the threads of the current rayon pool.
    ///
    /// # Errors
    /// As [`evaluate`], with rows counted from the first chunk.
    pub fn push<T: Float>(
        &mut self,
        pred: Predictions<'_, T>,
        labels: Labels<'_>,
        weights: Option<&[f64]>,
    ) -> Result<(), Error> {
        let view = match pred {
            Predictions::Probabilities(v)
            | Predictions::Logits(v)
            | Predictions::LogProbabilities(v) => v,
        };
        let (n, width) = view.dim();
        if width == 0 {
            return Err(Error::Empty {
                input: "predictions",
            });
        }
        let (classes, binary) = *self.shape.get_or_insert(if width == 1 {
            (2, true)
        } else {
            (width, false)
        });
        if self.width == 0 {
            self.width = width;
            self.sums = Sums::new(&self.options, classes);
        }
        if width != self.width {
            return Err(Error::ShapeMismatch {
                input: "predictions",
                expected: vec![n, self.width],
                found: vec![n, width],
            });
        }
        match labels {
            Labels::Classes(c) => crate::layout::ensure_same_shape("labels", &[n], &[c.len()])?,
            Labels::Distributions(d) => {
                let width_ok = d.ncols() == classes || (binary && d.ncols() == 1);
                if d.nrows() != n || !width_ok {
                    return Err(Error::ShapeMismatch {
                        input: "labels",
                        expected: vec![n, classes],
                        found: d.shape().to_vec(),
                    });
                }
            }
        }
        if let Some(w) = weights {
            crate::layout::ensure_same_shape("weights", &[n], &[w.len()])?;
        }
        if self.options.adaptive && self.rows + n > MAX_ADAPTIVE_SAMPLES {
            return Err(Error::Unsuitable {
                reason: format!(
                    "the adaptive calibration error keeps every sample's confidence: at most \
                     {MAX_ADAPTIVE_SAMPLES} samples, and there are more"
                ),
            });
        }
        let chunk = ChunkRows {
            pred,
            labels,
            weights,
            options: &self.options,
            classes,
            binary,
            first_row: self.rows,
        };
        // Blocks do not depend on the number of threads, and their sums are merged in row
        // order, so results do not either.
        let partials = for_blocks(
            0..n,
            n,
            (EVAL_BLOCK_VALUES / classes).max(1),
            self.options.par,
            || (),
            |_, _, rows| chunk.block(rows),
        );
        for partial in partials {
            self.sums.merge(partial?);
        }
        self.rows += n;
        Ok(())
    }

    /// The report over every sample pushed.
    ///
    /// # Errors
    /// [`Error::Empty`] when no sample was pushed, [`Error::ZeroSum`] (input `"weights"`) when
    /// the sample weights sum to 0.
    pub fn finish(self) -> Result<Report, Error> {
        if self.rows == 0 {
            return Err(Error::Empty {
                input: "predictions",
            });
        }
        let (classes, _) = self.shape.expect("rows were pushed");
        let sums = self.sums;
        let total = sums.total.value();
        if total == 0.0 {
            // Every mean would be 0/0.
            return Err(Error::ZeroSum {
                input: "weights",
                row: 0,
            });
        }
        if !total.is_finite() {
            // Every mean would be 0 or NaN.
            return Err(Error::SumOverflow {
                input: "weights",
                row: 0,
            });
        }
        let log_loss = sums.loss.value() / total;
        let variance = sums.loss_m2 / sums.loss_weight;
        let nbins = self.options.bins;
        let cells = sums.bins.into_dense();
        let (ece, mce, l2_ece_debiased) = calibration_errors(&cells, total);
        let bins: Vec<Bin> = cells
            .iter()
            .enumerate()
            .map(|(j, &[bw, conf, acc, count])| {
                let (confidence, accuracy) = if bw > 0.0 {
                    (conf / bw, acc / bw)
                } else {
                    (f64::NAN, f64::NAN)
                };
                Bin {
                    lower: j as f64 / nbins as f64,
                    upper: (j + 1) as f64 / nbins as f64,
                    weight: bw,
                    count: count as u64,
                    confidence,
                    accuracy,
                }
            })
            .collect();
        let sorted = sums.kept.map(Kept::sorted);
        let adaptive = sorted.as_ref().map(|sorted| {
            let bins = sorted.bins(nbins);
            let cells: Vec<[f64; 4]> = bins.iter().map(Bin::sums).collect();
            let (ece, mce, l2_ece_debiased) = calibration_errors(&cells, total);
            Calibration {
                ece,
                mce,
                l2_ece_debiased,
                bins,
            }
        });
        let bootstrap = sums.replicates.as_ref().map(|replicates| {
            let seed = self.options.bootstrap.map_or(0, |(_, s)| s);
            match &sorted {
                Some(sorted) => {
                    let each = |r: usize| sorted.replicate(nbins, seed, r);
                    replicates.finish(Some(&each))
                }
                None => replicates.finish(None),
            }
        });
        let zero_division = self.options.zero_division;
        let dense = sums.per_class.into_dense();
        let counts: Vec<ClassCounts> = dense
            .iter()
            .map(|&[support, predicted, tp, _]| ClassCounts {
                tp,
                predicted,
                support,
                scores: class_scores(tp, predicted, support, zero_division),
            })
            .collect();
        let [macro_average, weighted_average, micro_average] = averages(&counts, zero_division);
        let per_class = counts
            .iter()
            .enumerate()
            .map(|(class, c)| ClassReport {
                class,
                support: c.support,
                predicted: c.predicted,
                precision: c.scores.precision,
                recall: c.scores.recall,
                f1: c.scores.f1,
                log_loss: dense[class][3] / c.support,
            })
            .collect();
        let classwise_ece = sums.classwise.map(|c| {
            let cells = c.into_dense();
            let per_class = cells.chunks(nbins).map(|class| {
                class
                    .iter()
                    .filter(|[w, _, _]| *w > 0.0)
                    .map(|[w, conf, acc]| w / total * (acc / w - conf / w).abs())
                    .sum::<f64>()
            });
            per_class.sum::<f64>() / classes as f64
        });
        let confusion = sums.confusion.map(|c| {
            let cells: Vec<f64> = c.into_dense().into_iter().map(|[w]| w).collect();
            ndarray::Array2::from_shape_vec((classes, classes), cells)
                .expect("classes × classes cells")
        });
        Ok(Report {
            log_loss,
            log_loss_se: (variance / self.rows as f64).sqrt(),
            perplexity: log_loss.exp(),
            accuracy: sums.correct.value() / total,
            top_k_accuracy: sums.top_k.value() / total,
            top_k: self.options.top_k.min(classes),
            brier: sums.brier.value() / total,
            ece,
            mce,
            l2_ece_debiased,
            adaptive,
            bootstrap,
            classwise_ece,
            mean_entropy: sums.entropy.value() / total,
            mean_kl: sums.kl.value() / total,
            n_samples: self.rows,
            n_classes: classes,
            per_class,
            macro_average,
            weighted_average,
            micro_average,
            confusion,
            bins,
        })
    }
}

impl<T: Float> ChunkRows<'_, '_, '_, '_, T> {
    /// The sums over rows `range` of the chunk.
    fn block(&self, range: std::ops::Range<usize>) -> Result<Sums, Error> {
        let classes = self.classes;
        let mut sums = Sums::for_block(self.options, classes, range.len());
        let mut row = Scratch {
            log_p: vec![0.0; classes],
            p: vec![0.0; classes],
            y: vec![0.0; classes],
        };
        for i in range {
            let global = self.first_row + i;
            let weight = match self.weights {
                Some(w) => {
                    let value = w[i];
                    if !(value.is_finite() && (0.0..=MAX_WEIGHT).contains(&value)) {
                        return Err(Error::ValueOutOfRange {
                            input: "weights",
                            row: global,
                            col: 0,
                            value,
                            expected: "sample weights must be finite, ≥ 0 and ≤ 1e300",
                        });
                    }
                    value
                }
                None => 1.0,
            };
            self.prediction_row(&mut row, i, global)?;
            let truth = match self.labels {
                Labels::Classes(c) => {
                    if c[i] >= classes {
                        return Err(Error::ClassOutOfRange {
                            row: global,
                            class: c[i] as i64,
                            classes,
                        });
                    }
                    row.y.fill(0.0);
                    row.y[c[i]] = 1.0;
                    Some(c[i])
                }
                Labels::Distributions(d) => {
                    if self.binary && d.ncols() == 1 {
                        split_class_one(
                            &mut row.y,
                            d[[i, 0]],
                            ("labels", global),
                            "a single label column is P(class 1), in [0, 1]",
                        )?;
                    } else {
                        row.y.iter_mut().zip(d.row(i)).for_each(|(y, &v)| *y = v);
                    }
                    InputPolicy::Strict.check_row("labels", global, &row.y, 1e-6)?;
                    None
                }
            };
            add_row(
                &mut sums,
                &row,
                (truth, global),
                weight,
                self.binary,
                self.options,
            );
        }
        Ok(sums)
    }

    /// Fills `log_p` and `p` from row `i` of the predictions (`global` is its index over all
    /// chunks).
    fn prediction_row(&self, row: &mut Scratch, i: usize, global: usize) -> Result<(), Error> {
        let options = self.options;
        match self.pred {
            Predictions::Probabilities(v) => {
                if self.binary {
                    split_class_one(
                        &mut row.p,
                        v[[i, 0]].to_f64(),
                        ("predictions", global),
                        "a single column is P(class 1), a probability in [0, 1]",
                    )?;
                } else {
                    row.p
                        .iter_mut()
                        .zip(v.row(i))
                        .for_each(|(p, &x)| *p = x.to_f64());
                }
                let policy = if options.normalize {
                    InputPolicy::Normalize
                } else {
                    InputPolicy::Strict
                };
                let d = policy.check_row("predictions", global, &row.p, options.tolerance)?;
                for (p, l) in row.p.iter_mut().zip(row.log_p.iter_mut()) {
                    // Rows that need no normalising (the strict policy's) skip the division.
                    let mut q = if d == 1.0 { *p } else { *p / d };
                    if let Some(eps) = options.clip {
                        q = q.clamp(eps, 1.0 - eps);
                    }
                    *p = q;
                    *l = q;
                }
                ln_row(&mut row.log_p);
                return Ok(());
            }
            Predictions::Logits(z) => {
                if let Some(col) = z.row(i).iter().position(|v| v.to_f64().is_nan()) {
                    return Err(Error::ValueOutOfRange {
                        input: "predictions",
                        row: global,
                        col,
                        value: f64::NAN,
                        expected: "a logit must be a number (±∞ allowed)",
                    });
                }
                if self.binary {
                    row.log_p[0] = 0.0;
                    row.log_p[1] = z[[i, 0]].to_f64();
                } else {
                    row.log_p
                        .iter_mut()
                        .zip(z.row(i))
                        .for_each(|(l, &x)| *l = x.to_f64());
                }
                LogSoftmax::new().apply_in_place(&mut row.log_p);
            }
            Predictions::LogProbabilities(lp) => {
                for (col, v) in lp.row(i).iter().map(|v| v.to_f64()).enumerate() {
                    if v.is_nan() || v > 1e-9 {
                        return Err(Error::ValueOutOfRange {
                            input: "predictions",
                            row: global,
                            col,
                            value: v,
                            expected: "a log-probability must be ≤ 0 (−∞ allowed)",
                        });
                    }
                }
                if self.binary {
                    // One column: ln P(class 1); ln P(class 0) = ln(1 − e^l) without cancellation.
                    let l = lp[[i, 0]].to_f64().min(0.0);
                    row.log_p[1] = l;
                    row.log_p[0] = if l > -std::f64::consts::LN_2 {
                        (-l.exp_m1()).ln()
                    } else {
                        (-l.exp()).ln_1p()
                    };
                } else {
                    row.log_p
                        .iter_mut()
                        .zip(lp.row(i))
                        .for_each(|(l, &x)| *l = x.to_f64());
                }
            }
        }
        if let Some(eps) = options.clip {
            let (lo, hi) = (eps.ln(), (-eps).ln_1p());
            row.log_p.iter_mut().for_each(|l| *l = l.clamp(lo, hi));
        }
        row.p.copy_from_slice(&row.log_p);
        exp_row(&mut row.p);
        Ok(())
    }
}

/// [1 − p, p] from a single column's P(class 1), checked before 1 − p is formed so that an
/// error names the value given (not 1 − p).
fn split_class_one(
    out: &mut [f64],
    p: f64,
    (input, row): (&'static str, usize),
    expected: &'static str,
) -> Result<(), Error> {
    if !(0.0..=1.0).contains(&p) {
        return Err(Error::ValueOutOfRange {
            input,
            row,
            col: 0,
            value: p,
            expected,
        });
    }
    out[1] = p;
    out[0] = 1.0 - p;
    Ok(())
}

/// Rows at least this long take the vectorised f64 ln and exp (within 2 ulp); shorter ones
/// the scalar library functions, which cost less than a vector pass over a few values.
const VECTOR_ROW: usize = 64;

/// x ← ln x over a row.
fn ln_row(x: &mut [f64]) {
    if x.len() >= VECTOR_ROW {
        crate::kernels::simd::ln_in_place_f64(x);
    } else {
        x.iter_mut().for_each(|v| *v = v.ln());
    }
}

/// x ← eˣ over a row.
fn exp_row(x: &mut [f64]) {
    if x.len() >= VECTOR_ROW {
        crate::kernels::simd::exp_in_place_f64(x);
    } else {
        x.iter_mut().for_each(|v| *v = v.exp());
    }
}

/// Accumulates one sample whose `log_p`, `p` and `y` are filled.
fn add_row(
    sums: &mut Sums,
    row: &Scratch,
    (class, global): (Option<usize>, usize),
    weight: f64,
    binary: bool,
    options: &Options,
) {
    let (log_p, p, y) = (&row.log_p, &row.p, &row.y);
    let (ce, kl) = match class {
        // A one-hot label has no entropy: the divergence is the log-loss.
        Some(t) => (-log_p[t], -log_p[t]),
        None => (cross_entropy_log_nats(y, log_p), kl_log_nats(y, p, log_p)),
    };
    let h_pred = entropy_log_nats(p, log_p);
    let truth = class.unwrap_or_else(|| argmax(ArrayView1::from(&y[..])));
    let guess = argmax(ArrayView1::from(&log_p[..]));
    let hit = (truth == guess) as u8 as f64;
    // The label's rank as scikit-learn's `top_k_accuracy_score` orders classes: by score,
    // and among equal scores the higher index first (so ties do not count in the label's
    // favour, and a tied top-1 can differ from `accuracy`, whose argmax takes the lowest).
    let own = log_p[truth];
    let rank = log_p
        .iter()
        .enumerate()
        .filter(|&(j, &v)| v > own || (v == own && j > truth))
        .count();
    let brier = if binary {
        (p[1] - y[1]).powi(2)
    } else {
        p.iter().zip(y).map(|(q, t)| (q - t) * (q - t)).sum()
    };
    let k = options.top_k.min(p.len());
    sums.total.add(weight);
    sums.loss.add(weight * ce);
    if weight > 0.0 {
        sums.loss_weight += weight;
        let delta = ce - sums.loss_mean;
        sums.loss_mean += delta * weight / sums.loss_weight;
        sums.loss_m2 += weight * delta * (ce - sums.loss_mean);
    }
    sums.correct.add(weight * hit);
    sums.top_k.add(weight * ((rank < k) as u8 as f64));
    sums.brier.add(weight * brier);
    sums.entropy.add(weight * h_pred);
    sums.kl.add(weight * kl);
    let bins = options.bins;
    let confidence = p[guess];
    let slot = ((confidence * bins as f64) as usize).min(bins - 1);
    sums.bins
        .add(slot, [weight, weight * confidence, weight * hit, 1.0]);
    if let Some(kept) = sums.kept.as_mut() {
        kept.push(confidence, weight, hit > 0.0);
    }
    if let Some(replicates) = sums.replicates.as_mut() {
        replicates.add(&Sample {
            row: global as u64,
            weight,
            loss: ce,
            hit,
            brier,
            bin: slot,
            confidence,
        });
    }
    sums.per_class
        .add(truth, [weight, 0.0, weight * hit, weight * ce]);
    sums.per_class.add(guess, [0.0, weight, 0.0, 0.0]);
    if let Some(confusion) = sums.confusion.as_mut() {
        confusion.add(truth * p.len() + guess, [weight]);
    }
    if let Some(classwise) = sums.classwise.as_mut() {
        // Every class's probability in its own bins: [weight, Σ w·p_k, Σ w·y_k].
        for (k, (&q, &t)) in p.iter().zip(y).enumerate() {
            let slot = ((q * bins as f64) as usize).min(bins - 1);
            classwise.add(k * bins + slot, [weight, weight * q, weight * t]);
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
/// negative weight; [`Error::ZeroSum`] when the weights sum to 0; [`Error::InvalidParameter`]
/// for 0 bins or k.
pub fn evaluate<T: Float>(
    pred: Predictions<'_, T>,
    labels: Labels<'_>,
    weights: Option<&[f64]>,
    options: &Options,
) -> Result<Report, Error> {
    let mut evaluator = Evaluator::new(options.clone())?;
    evaluator.push(pred, labels, weights)?;
    evaluator.finish()
}
