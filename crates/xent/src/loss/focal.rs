//! Sigmoid focal loss on logits.

use super::elementwise::{check_pair, combine_for, elementwise_api, Combine, PointLoss};
use super::options::{check_elements, check_parameter, times};
use crate::activation::{sigmoid, softplus};
use crate::{Error, Float, Reduction};
use ndarray::ArrayView2;

/// Binary focal loss on logits (Lin et al. 2017), as torchvision's `sigmoid_focal_loss`:
/// `loss = α_t·(1 − p_t)^γ·BCE(x, y)` per element, with p = σ(x),
/// p_t = p·y + (1 − p)(1 − y), α_t = α·y + (1 − α)(1 − y).
///
/// Defaults are torchvision's: α = 0.25, γ = 2, and **no reduction** (`Reduction::None`);
/// a negative α (torchvision's −1) switches the α weighting off. 1 − p_t is computed as
/// y·σ(−x) + (1 − y)·σ(x), without cancellation, and BCE as in [`BceWithLogits`](super::BceWithLogits),
/// so the loss is exact for any logit. γ = 0 and α = −1 give plain BCE on logits.
///
/// # Errors
/// [`Error::ValueOutOfRange`] for a target outside [0, 1]; [`Error::InvalidParameter`] for a
/// negative or non-finite γ or an α above 1; [`Error::ShapeMismatch`].
///
/// # Example
/// ```
/// use xent::loss::Focal;
/// let x = ndarray::array![[3.0, -3.0]];
/// let y = ndarray::array![[1.0, 1.0]];
/// let loss = Focal::new().forward(x.view(), y.view())?.to_vec();
/// // The easy example (x = 3) is discounted far more than the hard one (x = −3).
/// assert!(loss[0] < 1e-3 && loss[1] > 0.6);
/// # Ok::<(), xent::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Focal {
    alpha: f64,
    gamma: f64,
    reduction: Reduction,
}

impl Default for Focal {
    fn default() -> Self {
        Self::new()
    }
}

struct FocalPoint {
    alpha: Option<f64>,
    gamma: f64,
}

impl PointLoss for FocalPoint {
    fn point(&self, _: usize, _: usize, x: f64, y: f64) -> (f64, f64) {
        let p = sigmoid(x);
        let miss = times(y, sigmoid(-x)) + times(1.0 - y, p); // 1 − p_t
        let bce = times(y, softplus(-x)) + times(1.0 - y, softplus(x));
        let alpha_t = self.alpha.map_or(1.0, |a| a * y + (1.0 - a) * (1.0 - y));
        let modulator = if self.gamma == 0.0 {
            1.0
        } else {
            miss.powf(self.gamma)
        };
        let loss = alpha_t * modulator * bce;
        // d(1 − p_t)/dx = (1 − 2y)·p·(1 − p); d(bce)/dx = p − y.
        let d_miss = (1.0 - 2.0 * y) * p * (1.0 - p);
        let d_modulator = if self.gamma == 0.0 || miss == 0.0 {
            0.0
        } else {
            self.gamma * miss.powf(self.gamma - 1.0) * d_miss
        };
        let grad = alpha_t * (times(bce, d_modulator) + modulator * (p - y));
        (loss, grad)
    }
}

impl Focal {
    /// torchvision's defaults: α = 0.25, γ = 2, `Reduction::None`.
    pub fn new() -> Self {
        Focal {
            alpha: 0.25,
            gamma: 2.0,
            reduction: Reduction::None,
        }
    }

    /// The weight α ∈ [0, 1] of positive targets; negative to switch weighting off.
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }

    /// The focusing exponent γ ≥ 0.
    pub fn gamma(mut self, gamma: f64) -> Self {
        self.gamma = gamma;
        self
    }

    /// How the element losses are combined (default `None`, as torchvision).
    pub fn reduction(mut self, reduction: Reduction) -> Self {
        self.reduction = reduction;
        self
    }

    fn prepare<T: Float>(
        &self,
        input: ArrayView2<'_, T>,
        target: ArrayView2<'_, T>,
    ) -> Result<(FocalPoint, Combine), Error> {
        check_pair(input, target)?;
        check_parameter(
            "gamma",
            self.gamma,
            self.gamma.is_finite() && self.gamma >= 0.0,
            "gamma must be finite and ≥ 0",
        )?;
        check_parameter(
            "alpha",
            self.alpha,
            self.alpha.is_finite() && self.alpha <= 1.0,
            "alpha must be ≤ 1 (negative to disable it)",
        )?;
        check_elements("target", target, 0.0..=1.0, "a target must lie in [0, 1]")?;
        let point = FocalPoint {
            alpha: (self.alpha >= 0.0).then_some(self.alpha),
            gamma: self.gamma,
        };
        Ok((point, combine_for(self.reduction, input.len())))
    }
}

elementwise_api!(Focal, "logits");
