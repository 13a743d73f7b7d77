//! Binary cross-entropy on probabilities and on logits.

use super::elementwise::{check_pair, combine_for, elementwise_api, Combine, PointLoss};
use super::options::{check_elements, times};
use crate::activation::{sigmoid, softplus};
use crate::layout::ensure_same_shape;
use crate::{Error, Float, Reduction};
use ndarray::{Array2, ArrayView2};

/// PyTorch clamps each log at −100, so a confident wrong answer costs 100, not +∞.
const LOG_FLOOR: f64 = -100.0;
/// PyTorch's floor on p(1 − p) in the gradient of BCE on probabilities.
const GRAD_EPSILON: f64 = 1e-12;

/// Binary cross-entropy on probabilities, as PyTorch's `F.binary_cross_entropy`:
/// `loss = −w·[y·max(ln p, −100) + (1 − y)·max(ln(1 − p), −100)]` per element.
///
/// The clamp at −100 is PyTorch's (p = 0 with y = 1 costs exactly 100); scikit-learn's
/// `log_loss` clips p to [ε, 1 − ε] with ε = machine epsilon instead (18.02 there) and Keras to
/// [1e-7, 1 − 1e-7] (16.12). The gradient is PyTorch's: w·(p − y) / max(p(1 − p), 1e-12).
/// `Mean` averages over all elements (the weights are not in the denominator).
///
/// # Errors
/// [`Error::ValueOutOfRange`] naming the element when a probability or target is outside
/// [0, 1] (NaN included); [`Error::ShapeMismatch`] for a target or weight of another shape.
///
/// # Example
/// ```
/// use xent::loss::BinaryCrossEntropy;
/// let p = ndarray::array![[0.1f64, 0.9, 0.8, 0.4]];
/// let y = ndarray::array![[0.0, 1.0, 1.0, 0.0]];
/// let loss = BinaryCrossEntropy::new().forward(p.view(), y.view())?.scalar().unwrap();
/// assert!((loss - 0.23617255159896325).abs() < 1e-15);   // scikit-learn's log_loss
/// let sure_and_wrong = BinaryCrossEntropy::new()
///     .forward(ndarray::array![[0.0]].view(), ndarray::array![[1.0]].view())?;
/// assert_eq!(sure_and_wrong.scalar(), Some(100.0));
/// # Ok::<(), xent::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BinaryCrossEntropy {
    weight: Option<Array2<f64>>,
    reduction: Reduction,
}

/// Binary cross-entropy on logits, as PyTorch's `F.binary_cross_entropy_with_logits`:
/// `loss = w·[pw·y·softplus(−x) + (1 − y)·softplus(x)]`, with `pw` the positive-class weight
/// of the element's column (default 1).
///
/// Equal to −w·[pw·y·ln σ(x) + (1 − y)·ln(1 − σ(x))], but never takes the log of a sigmoid:
/// exact for any logit (x = ±800 gives 0 or 800, not NaN or ∞), and exact for tiny losses
/// (PyTorch's form (1 − y)x + … cancels there). The gradient is
/// w·[σ(x)·(1 + (pw − 1)·y) − pw·y]. `Mean` averages over all elements.
///
/// # Errors
/// [`Error::ValueOutOfRange`] for a target outside [0, 1] or a negative or non-finite
/// `pos_weight`; [`Error::ShapeMismatch`] for a target, weight or `pos_weight` of another shape.
///
/// # Example
/// ```
/// use xent::loss::BceWithLogits;
/// use xent::Reduction;
/// let x = ndarray::array![[-100.0, 0.0, 100.0, 800.0, -800.0]];
/// let y = ndarray::array![[1.0, 0.5, 0.0, 1.0, 0.0]];
/// let loss = BceWithLogits::new().reduction(Reduction::None).forward(x.view(), y.view())?;
/// assert_eq!(loss.to_vec(), vec![100.0, std::f64::consts::LN_2, 100.0, 0.0, 0.0]);
/// # Ok::<(), xent::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BceWithLogits {
    weight: Option<Array2<f64>>,
    pos_weight: Option<Vec<f64>>,
    reduction: Reduction,
}

fn check_weight<T: Float>(
    weight: &Option<Array2<f64>>,
    input: ArrayView2<'_, T>,
) -> Result<(), Error> {
    if let Some(w) = weight {
        ensure_same_shape("weight", input.shape(), w.shape())?;
    }
    Ok(())
}

struct OnProbabilities<'a> {
    weight: Option<&'a Array2<f64>>,
}

impl PointLoss for OnProbabilities<'_> {
    fn point(&self, row: usize, col: usize, p: f64, y: f64) -> (f64, f64) {
        let w = self.weight.map_or(1.0, |w| w[[row, col]]);
        let log_p = p.ln().max(LOG_FLOOR);
        let log_q = (-p).ln_1p().max(LOG_FLOOR);
        let loss = -w * (times(y, log_p) + times(1.0 - y, log_q));
        let grad = w * (p - y) / (p * (1.0 - p)).max(GRAD_EPSILON);
        (loss, grad)
    }
}

impl BinaryCrossEntropy {
    /// No weights, `Mean`, as PyTorch.
    pub fn new() -> Self {
        Self::default()
    }

    /// One weight per element, the input's shape.
    pub fn weight<T: Float>(mut self, weight: ArrayView2<'_, T>) -> Self {
        self.weight = Some(weight.mapv(|w| w.to_f64()));
        self
    }

    /// How the element losses are combined.
    pub fn reduction(mut self, reduction: Reduction) -> Self {
        self.reduction = reduction;
        self
    }

    fn prepare<T: Float>(
        &self,
        input: ArrayView2<'_, T>,
        target: ArrayView2<'_, T>,
    ) -> Result<(OnProbabilities<'_>, Combine), Error> {
        check_pair(input, target)?;
        check_weight(&self.weight, input)?;
        let unit = "a probability must lie in [0, 1]";
        check_elements("input", input, 0.0..=1.0, unit)?;
        check_elements("target", target, 0.0..=1.0, "a target must lie in [0, 1]")?;
        let point = OnProbabilities {
            weight: self.weight.as_ref(),
        };
        Ok((point, combine_for(self.reduction, input.len())))
    }
}

elementwise_api!(BinaryCrossEntropy, "input");

struct OnLogits<'a> {
    weight: Option<&'a Array2<f64>>,
    pos_weight: Option<&'a [f64]>,
}

impl PointLoss for OnLogits<'_> {
    fn point(&self, row: usize, col: usize, x: f64, y: f64) -> (f64, f64) {
        let w = self.weight.map_or(1.0, |w| w[[row, col]]);
        let pw = self.pos_weight.map_or(1.0, |p| p[col]);
        let loss = w * (times(pw * y, softplus(-x)) + times(1.0 - y, softplus(x)));
        let grad = w * (sigmoid(x) * (1.0 + (pw - 1.0) * y) - pw * y);
        (loss, grad)
    }
}

impl BceWithLogits {
    /// No weights, `pos_weight` 1, `Mean`, as PyTorch.
    pub fn new() -> Self {
        Self::default()
    }

    /// One weight per element, the input's shape.
    pub fn weight<T: Float>(mut self, weight: ArrayView2<'_, T>) -> Self {
        self.weight = Some(weight.mapv(|w| w.to_f64()));
        self
    }

    /// The weight of positive targets, one per column (class), finite and ≥ 0.
    pub fn pos_weight<T: Float>(mut self, pos_weight: &[T]) -> Self {
        self.pos_weight = Some(pos_weight.iter().map(|w| w.to_f64()).collect());
        self
    }

    /// How the element losses are combined.
    pub fn reduction(mut self, reduction: Reduction) -> Self {
        self.reduction = reduction;
        self
    }

    fn prepare<T: Float>(
        &self,
        input: ArrayView2<'_, T>,
        target: ArrayView2<'_, T>,
    ) -> Result<(OnLogits<'_>, Combine), Error> {
        check_pair(input, target)?;
        check_weight(&self.weight, input)?;
        check_elements("target", target, 0.0..=1.0, "a target must lie in [0, 1]")?;
        if let Some(pw) = &self.pos_weight {
            ensure_same_shape("pos_weight", &[input.ncols()], &[pw.len()])?;
            let pw = ArrayView2::from_shape((1, pw.len()), pw).expect("1 × n view of n values");
            check_elements(
                "pos_weight",
                pw,
                0.0..=f64::MAX,
                "pos_weight must be finite and ≥ 0",
            )?;
        }
        let point = OnLogits {
            weight: self.weight.as_ref(),
            pos_weight: self.pos_weight.as_deref(),
        };
        Ok((point, combine_for(self.reduction, input.len())))
    }
}

elementwise_api!(BceWithLogits, "logits");
