//! Temperature scaling (Guo et al. 2017): the T > 0 whose softmax(z / T) has the least mean
//! log-loss on held-out logits, the one-parameter calibration that keeps every prediction's
//! ranking.
//!
//! With β = 1/T the mean log-loss L(β) = mean[logsumexp(β·z) − β·z_y] is convex in β, with
//! L′(β) = mean[E_p(z) − z_y] and L″(β) = mean[Var_p(z)] ≥ 0 (p = softmax(β·z)), so the
//! optimum is where L′ = 0: found by Newton's method kept inside a bracket that bisection
//! would shrink, to |L′| ≤ 1e-12 (or a bracket 1e-13 wide). Each step is one pass over the
//! data ([`TemperaturePass`]), so a file larger than memory is fitted by reading it once per
//! step ([`fit_temperature`] takes the passes as a closure); [`fit_temperature_of`] does it on
//! arrays in memory.

use crate::kernels::CompensatedSum;
use crate::{Error, Float};
use ndarray::ArrayView2;

/// The sums of one pass at β = 1/T: the mean log-loss and its first two derivatives in β.
///
/// # Example
/// ```
/// use xent::eval::TemperaturePass;
/// let z = ndarray::array![[2.0, 0.0], [0.0, 1.0]];
/// let mut pass = TemperaturePass::new(1.0)?;
/// pass.push(z.view(), &[0, 1], 0)?;
/// let at_one = pass.finish()?;
/// // log(1 + e^-2) and log(1 + e^-1), averaged.
/// let expected = ((1.0 + (-2.0f64).exp()).ln() + (1.0 + (-1.0f64).exp()).ln()) / 2.0;
/// assert!((at_one.log_loss - expected).abs() < 1e-15);
/// # Ok::<(), xent::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct TemperaturePass {
    beta: f64,
    rows: usize,
    loss: CompensatedSum,
    slope: CompensatedSum,
    curvature: CompensatedSum,
    behind: usize,
    row: Vec<f64>,
}

/// What a pass measured: means over its rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PassMeans {
    /// Mean log-loss of softmax(z / T), in nats.
    pub log_loss: f64,
    /// Its derivative in β = 1/T.
    pub slope: f64,
    /// Its second derivative in β (≥ 0).
    pub curvature: f64,
    /// `true` when every row's label has its row's largest logit: then the log-loss falls
    /// for ever as T → 0 (its slope tends to mean(max z − z_y) = 0 from below), and no
    /// finite temperature is its minimum.
    pub separable: bool,
}

/// The fitted temperature and what it changed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TemperatureFit {
    /// T: divide the logits by it (T > 1 softens over-confident predictions).
    pub temperature: f64,
    /// Mean log-loss at T = 1, in nats.
    pub log_loss_before: f64,
    /// Mean log-loss at the fitted T, in nats.
    pub log_loss_after: f64,
    /// Passes over the data the fit took.
    pub passes: usize,
}

/// The range of β = 1/T searched: T from 10⁻⁶ to 10¹² (outside it a logit's scale, not a
/// calibration, is wrong).
const MIN_BETA: f64 = 1e-12;
const MAX_BETA: f64 = 1e6;

impl TemperaturePass {
    /// A pass at temperature T.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless T is finite and > 0 (β = 0, T = ∞, is allowed
    /// through [`TemperaturePass::at_beta`]).
    pub fn new(temperature: f64) -> Result<TemperaturePass, Error> {
        if !(temperature.is_finite() && temperature > 0.0) {
            return Err(Error::InvalidParameter {
                name: "temperature",
                value: temperature,
                expected: "a temperature must be finite and > 0",
            });
        }
        Ok(TemperaturePass::at_beta(1.0 / temperature))
    }

    /// A pass at β = 1/T ≥ 0 (β = 0: the uniform prediction).
    pub fn at_beta(beta: f64) -> TemperaturePass {
        TemperaturePass {
            beta,
            rows: 0,
            loss: CompensatedSum::default(),
            slope: CompensatedSum::default(),
            curvature: CompensatedSum::default(),
            behind: 0,
            row: Vec::new(),
        }
    }

    /// Adds rows of logits with their class labels; `first_row` numbers them in errors.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] when labels and rows differ in number, [`Error::Empty`] for
    /// rows of no logits, [`Error::ClassOutOfRange`] for a label without a column,
    /// [`Error::ValueOutOfRange`] for a logit that is not finite.
    pub fn push<T: Float>(
        &mut self,
        logits: ArrayView2<'_, T>,
        labels: &[usize],
        first_row: usize,
    ) -> Result<(), Error> {
        crate::layout::ensure_same_shape("labels", &[logits.nrows()], &[labels.len()])?;
        let classes = logits.ncols();
        if classes == 0 {
            return Err(Error::Empty { input: "logits" });
        }
        for (i, (z, &y)) in logits.rows().into_iter().zip(labels).enumerate() {
            let row = first_row + i;
            if y >= classes {
                return Err(Error::ClassOutOfRange {
                    row,
                    class: y as i64,
                    classes,
                });
            }
            self.row.clear();
            for (col, v) in z.iter().map(|v| v.to_f64()).enumerate() {
                if !v.is_finite() {
                    return Err(Error::ValueOutOfRange {
                        input: "logits",
                        row,
                        col,
                        value: v,
                        expected: "temperature scaling takes finite logits",
                    });
                }
                self.row.push(v);
            }
            let max = self.row.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v));
            self.behind += usize::from(self.row[y] < max);
            let (loss, slope, curvature) = row_terms(&self.row, y, self.beta);
            self.loss.add(loss);
            self.slope.add(slope);
            self.curvature.add(curvature);
            self.rows += 1;
        }
        Ok(())
    }

    /// The means over every row pushed.
    ///
    /// # Errors
    /// [`Error::Empty`] when no row was pushed.
    pub fn finish(self) -> Result<PassMeans, Error> {
        if self.rows == 0 {
            return Err(Error::Empty { input: "logits" });
        }
        let n = self.rows as f64;
        Ok(PassMeans {
            log_loss: self.loss.value() / n,
            slope: self.slope.value() / n,
            curvature: self.curvature.value() / n,
            separable: self.behind == 0,
        })
    }
}

/// One row's log-loss at β and its two derivatives in β.
fn row_terms(z: &[f64], y: usize, beta: f64) -> (f64, f64, f64) {
    let max = z.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(beta * v));
    let sum: f64 = z.iter().map(|&v| (beta * v - max).exp()).sum();
    let lse = max + sum.ln();
    // E_p(z), then Var_p(z) about it (not E(z²) − E(z)², which cancels).
    let mean: f64 = z.iter().map(|&v| (beta * v - max).exp() * v).sum::<f64>() / sum;
    let variance: f64 = z
        .iter()
        .map(|&v| (beta * v - max).exp() * (v - mean) * (v - mean))
        .sum::<f64>()
        / sum;
    (lse - beta * z[y], mean - z[y], variance)
}

/// Fits the temperature by Newton's method on β = 1/T, bracketed; `pass(β)` runs one pass
/// over the data at β (see [`TemperaturePass::at_beta`]) and returns its means.
///
/// # Errors
/// The errors of `pass`; [`Error::Unsuitable`] when no finite T > 0 is the minimum: the
/// logits separate the labels ([`PassMeans::separable`]: the log-loss falls as T → 0), or
/// carry no information about them (it falls as T → ∞, towards ln K).
pub fn fit_temperature(
    mut pass: impl FnMut(f64) -> Result<PassMeans, Error>,
) -> Result<TemperatureFit, Error> {
    let mut passes = 0;
    let mut run = |beta: f64| {
        passes += 1;
        pass(beta)
    };
    let at_one = run(1.0)?;
    if at_one.separable {
        return Err(Error::Unsuitable {
            reason: "the logits separate the labels (every label has its row's largest logit): \
                     the log-loss keeps falling as T → 0, so no temperature minimises it"
                .into(),
        });
    }
    // The slope tends to mean(max z − z_y) > 0 as β → ∞, so the minimum is at a finite β,
    // and at a β > 0 unless the slope at 0 is not negative.
    let (mut lo, mut hi) = (0.0, f64::INFINITY);
    let (mut beta, mut at) = (1.0, at_one);
    let done = |m: &PassMeans| m.slope.abs() <= 1e-12 * (1.0 + m.log_loss.abs());
    for _ in 0..200 {
        if done(&at) || hi - lo <= 1e-13 * beta {
            break;
        }
        if at.slope < 0.0 {
            lo = beta;
        } else {
            hi = beta;
        }
        let newton = beta - at.slope / at.curvature;
        let next = if newton > lo && newton < hi && newton.is_finite() {
            newton
        } else if hi.is_finite() {
            0.5 * (lo + hi)
        } else {
            2.0 * beta
        };
        if next <= MIN_BETA {
            let at_zero = run(0.0)?;
            if at_zero.slope >= 0.0 {
                return Err(Error::Unsuitable {
                    reason: "the logits carry no information about the labels: the log-loss \
                             is least as T → ∞ (the uniform prediction)"
                        .into(),
                });
            }
        }
        beta = next.clamp(MIN_BETA, MAX_BETA);
        at = run(beta)?;
    }
    Ok(TemperatureFit {
        temperature: 1.0 / beta,
        log_loss_before: at_one.log_loss,
        log_loss_after: at.log_loss,
        passes,
    })
}

/// [`fit_temperature`] on logits and labels in memory.
///
/// # Errors
/// As [`TemperaturePass::push`] and [`fit_temperature`].
///
/// # Example
/// ```
/// use xent::eval::fit_temperature_of;
/// // Over-confident logits: a third of the confident predictions are wrong.
/// let z = ndarray::array![[4.0, 0.0], [4.0, 0.0], [0.0, 4.0], [4.0, 0.0], [0.0, 4.0], [0.0, 4.0]];
/// let fit = fit_temperature_of(z.view(), &[0, 0, 1, 1, 1, 0])?;
/// // The optimum: softmax(z/T) gives the right class 2/3, so 4/T = ln 2.
/// assert!((fit.temperature - 4.0 / 2f64.ln()).abs() < 1e-9);
/// assert!(fit.log_loss_after < fit.log_loss_before);
/// # Ok::<(), xent::Error>(())
/// ```
pub fn fit_temperature_of<T: Float>(
    logits: ArrayView2<'_, T>,
    labels: &[usize],
) -> Result<TemperatureFit, Error> {
    fit_temperature(|beta| {
        let mut pass = TemperaturePass::at_beta(beta);
        pass.push(logits, labels, 0)?;
        pass.finish()
    })
}
