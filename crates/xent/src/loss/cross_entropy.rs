//! Cross-entropy on logits, with class-index or probability targets.

use super::logits::Logits;
use super::options::{check_class_weights, check_classes, check_elements, check_parameter};
use super::target::{ClassLabels, Target};
use super::value::{own_sample_scale, LossValue, Upstream};
use crate::kernels::{cross_entropy_rows, CeSpec, CeTargets, Par, RowScale};
use crate::{Error, Float, Reduction};
use ndarray::{Array1, Array2, ArrayView2, ArrayViewMut2};

/// Cross-entropy between softmax(logits) and the targets, as PyTorch's
/// `F.cross_entropy`, plus the z-loss and logit soft-capping of large-vocabulary training.
///
/// With logits z (after soft-capping, z ← c·tanh(z/c)), log-probabilities ℓ = log_softmax(z),
/// C classes, class weights w (default 1) and label smoothing ε:
///
/// - **class index** y: `loss = (1−ε)·w_y·(−ℓ_y) + (ε/C)·Σ_k w_k·(−ℓ_k) + ζ·w_y·lse²`;
///   rows whose target is the ignore index (default −100) count 0 and get a zero gradient.
///   `Mean` divides the sum by Σ w_y over the rows that are not ignored (the smoothing and
///   z-loss terms too), as PyTorch; a batch where every row is ignored gives NaN, as PyTorch.
/// - **probabilities** t: `loss = −Σ_k w_k·t'_k·ℓ_k + ζ·lse²` with t' = (1−ε)·t + ε/C;
///   `Mean` divides by the number of rows N (not by the weights), as PyTorch.
///
/// lse = logsumexp(z) and ζ is the z-loss coefficient (default 0). The gradient with respect
/// to the logits is, per row and before the reduction's scaling,
/// `(1−ε)·w_y·(p − onehot_y) + (ε/C)·(p·Σw − w) + 2ζ·w_y·lse·p` (class index) or
/// `p·Σ_k w_k t'_k − w ⊙ t' + 2ζ·lse·p` (probabilities), times 1 − (z/c)² under soft-capping:
/// for plain cross-entropy, softmax(z) − y.
///
/// Logits follow the [`activation`](crate::activation) conventions: a −∞ logit has
/// probability 0 (a −∞ target logit costs +∞); the +∞ logits of a row share its probability
/// (so a finite target logit beside a +∞ one costs +∞, where PyTorch gives NaN); a NaN logit
/// makes its row NaN.
///
/// # Errors
/// [`Error::ClassOutOfRange`] for an index that is neither a class nor the ignore index;
/// [`Error::ShapeMismatch`] for targets or weights of the wrong shape; [`Error::ValueOutOfRange`]
/// for a negative or non-finite soft target or weight; [`Error::InvalidParameter`] for ε outside
/// [0, 1], a negative z-loss or a soft-cap ≤ 0; [`Error::Empty`] for logits with no columns.
///
/// # Example
/// ```
/// use xent::loss::CrossEntropy;
/// use xent::Reduction;
/// let logits = ndarray::array![[1.0f64, 2.0, 3.0], [1.0, 2.0, 3.0], [3.0, 1.0, 2.0]];
/// // PyTorch: F.cross_entropy(logits, [0, -100, 1], weight=[1, 2, 3], label_smoothing=0.1)
/// let ce = CrossEntropy::new().weight(&[1.0, 2.0, 3.0]).label_smoothing(0.1);
/// let loss = ce.forward(logits.view(), &[0, -100, 1])?.scalar().unwrap();
/// assert!((loss - 2.343415052148082).abs() < 1e-14);
///
/// // The gradient of plain cross-entropy is softmax(z) − onehot(y), over N for the mean.
/// let (_, grad) = CrossEntropy::new().forward_backward(logits.view(), &[2, 2, 0])?;
/// let p = xent::activation::softmax(&[1.0, 2.0, 3.0]);
/// assert!((grad[[0, 2]] - (p[2] - 1.0) / 3.0).abs() < 1e-16);
/// # Ok::<(), xent::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CrossEntropy {
    weight: Option<Vec<f64>>,
    ignore_index: i64,
    label_smoothing: f64,
    reduction: Reduction,
    z_loss: f64,
    softcap: Option<f64>,
    par: Par,
}

impl Default for CrossEntropy {
    fn default() -> Self {
        Self::new()
    }
}

impl CrossEntropy {
    /// PyTorch's defaults: no weights, ignore index −100, no smoothing, `Mean`; no z-loss,
    /// no soft-cap.
    pub fn new() -> Self {
        CrossEntropy {
            weight: None,
            ignore_index: -100,
            label_smoothing: 0.0,
            reduction: Reduction::Mean,
            z_loss: 0.0,
            softcap: None,
            par: Par::default(),
        }
    }

    /// One weight per class (finite, ≥ 0).
    pub fn weight<T: Float>(mut self, weight: &[T]) -> Self {
        self.weight = Some(weight.iter().map(|w| w.to_f64()).collect());
        self
    }

    /// The class index whose rows are skipped (default −100).
    pub fn ignore_index(mut self, index: i64) -> Self {
        self.ignore_index = index;
        self
    }

    /// Label smoothing ε ∈ [0, 1]: the target becomes (1−ε)·target + ε/C.
    pub fn label_smoothing(mut self, epsilon: f64) -> Self {
        self.label_smoothing = epsilon;
        self
    }

    /// How the per-row losses are combined (default `Mean`).
    pub fn reduction(mut self, reduction: Reduction) -> Self {
        self.reduction = reduction;
        self
    }

    /// The z-loss coefficient ζ ≥ 0: adds ζ·lse² per row, pulling logsumexp towards 0.
    pub fn z_loss(mut self, coefficient: f64) -> Self {
        self.z_loss = coefficient;
        self
    }

    /// Soft-caps the logits first: z ← c·tanh(z/c), c > 0 (as in Gemma 2).
    pub fn softcap(mut self, cap: f64) -> Self {
        self.softcap = Some(cap);
        self
    }

    /// Where the rows run (default: rayon's current pool; see [`Par`]).
    pub fn par(mut self, par: Par) -> Self {
        self.par = par;
        self
    }

    /// The loss.
    ///
    /// # Errors
    /// See [`CrossEntropy`].
    pub fn forward<'t, T: Float>(
        &self,
        logits: ArrayView2<'_, T>,
        target: impl Into<Target<'t, T>>,
    ) -> Result<LossValue<T>, Error> {
        let pass = self.run(Logits::Read(logits), &target.into(), Scales::None, false)?;
        Ok(pass.value)
    }

    /// The loss and, per row, the logsumexp of the (soft-capped) logits: what a fused kernel
    /// saves for a later backward pass, and a z-loss monitor.
    ///
    /// # Errors
    /// See [`CrossEntropy`].
    ///
    /// # Example
    /// ```
    /// use xent::loss::CrossEntropy;
    /// let logits = ndarray::array![[0.0, 0.0]];
    /// let (loss, lse) = CrossEntropy::new().forward_lse(logits.view(), &[1])?;
    /// assert_eq!(lse[0], std::f64::consts::LN_2);
    /// assert_eq!(loss.scalar(), Some(std::f64::consts::LN_2));
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn forward_lse<'t, T: Float>(
        &self,
        logits: ArrayView2<'_, T>,
        target: impl Into<Target<'t, T>>,
    ) -> Result<(LossValue<T>, Array1<T>), Error> {
        let pass = self.run(Logits::Read(logits), &target.into(), Scales::None, true)?;
        Ok((pass.value, pass.lse.mapv(T::from_f64)))
    }

    /// The gradient with respect to the logits for an upstream gradient (a scalar for `Mean`
    /// and `Sum`, one value per row for `None`).
    ///
    /// # Errors
    /// See [`CrossEntropy`]; also [`Error::InvalidParameter`] when the upstream gradient does
    /// not fit the reduction and [`Error::ShapeMismatch`] when it has the wrong length.
    ///
    /// # Example
    /// ```
    /// use xent::loss::{CrossEntropy, Upstream};
    /// let logits = ndarray::array![[0.0, 0.0]];
    /// let g = CrossEntropy::new().backward(logits.view(), &[1], Upstream::Scalar(2.0))?;
    /// assert_eq!(g, ndarray::array![[1.0, -1.0]]); // 2 · (softmax − onehot)
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn backward<'t, T: Float>(
        &self,
        logits: ArrayView2<'_, T>,
        target: impl Into<Target<'t, T>>,
        upstream: Upstream<'_, T>,
    ) -> Result<Array2<T>, Error> {
        let mut grad = logits.to_owned();
        self.run(
            Logits::InPlace(grad.view_mut()),
            &target.into(),
            Scales::Upstream(upstream),
            false,
        )?;
        Ok(grad)
    }

    /// The loss and its gradient with respect to the logits in one pass (for `None`, the
    /// gradient of the sum of the per-row losses).
    ///
    /// # Errors
    /// See [`CrossEntropy`].
    pub fn forward_backward<'t, T: Float>(
        &self,
        logits: ArrayView2<'_, T>,
        target: impl Into<Target<'t, T>>,
    ) -> Result<(LossValue<T>, Array2<T>), Error> {
        // On huge pages: the fresh gradient's first writes cost less than the kernel.
        let zeros = crate::kernels::zeroed_vec(logits.len());
        let mut grad = Array2::from_shape_vec(logits.dim(), zeros).expect("one per logit");
        let value = self.forward_backward_into(logits, target, grad.view_mut())?;
        Ok((value, grad))
    }

    /// The loss, writing the gradient into a caller's buffer of the logits' shape (no
    /// allocation of the size of the logits).
    ///
    /// # Errors
    /// See [`CrossEntropy`]; also [`Error::ShapeMismatch`] when `grad` has another shape.
    ///
    /// # Example
    /// ```
    /// use xent::loss::CrossEntropy;
    /// let z = ndarray::array![[0.0f32, 0.0]];
    /// let mut g = ndarray::Array2::zeros((1, 2));
    /// CrossEntropy::new().forward_backward_into(z.view(), &[1], g.view_mut())?;
    /// assert_eq!(g, ndarray::array![[0.5f32, -0.5]]);
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn forward_backward_into<'t, T: Float>(
        &self,
        logits: ArrayView2<'_, T>,
        target: impl Into<Target<'t, T>>,
        mut grad: ArrayViewMut2<'_, T>,
    ) -> Result<LossValue<T>, Error> {
        crate::layout::ensure_same_shape("grad", logits.shape(), grad.shape())?;
        let pass = self.run(
            Logits::Into(logits, grad.view_mut()),
            &target.into(),
            Scales::Own,
            false,
        )?;
        Ok(pass.value)
    }

    /// The loss, overwriting the logits with the gradient: no allocation of the size of the
    /// logits. On error the logits are left untouched.
    ///
    /// # Errors
    /// See [`CrossEntropy`].
    ///
    /// # Example
    /// ```
    /// use xent::loss::CrossEntropy;
    /// let mut z = ndarray::array![[0.0f32, 0.0], [0.0, 0.0]];
    /// let loss = CrossEntropy::new().forward_backward_in_place(z.view_mut(), &[0, 1])?;
    /// assert_eq!(loss.scalar(), Some(std::f32::consts::LN_2));
    /// assert_eq!(z, ndarray::array![[-0.25f32, 0.25], [0.25, -0.25]]);
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn forward_backward_in_place<'t, T: Float>(
        &self,
        logits: ArrayViewMut2<'_, T>,
        target: impl Into<Target<'t, T>>,
    ) -> Result<LossValue<T>, Error> {
        let pass = self.run(Logits::InPlace(logits), &target.into(), Scales::Own, false)?;
        Ok(pass.value)
    }

    /// The denominator of the mean over `labels` (the weight of the rows not ignored) and
    /// the reduction asked for: for losses built on this one that reduce over several calls.
    ///
    /// # Errors
    /// As [`CrossEntropy::forward`] for labels that are not classes of `classes`.
    pub(crate) fn mean_denominator(
        &self,
        labels: ClassLabels<'_>,
        classes: usize,
    ) -> Result<(f64, Reduction), Error> {
        self.check(classes)?;
        let weight = self.weight.as_deref();
        let (_, total) = check_classes(
            labels,
            labels.len(),
            classes,
            self.ignore_index,
            weight,
            self.par,
        )?;
        Ok((total, self.reduction))
    }

    /// The reduction asked for.
    pub(crate) fn reduction_kind(&self) -> Reduction {
        self.reduction
    }

    fn check(&self, classes: usize) -> Result<(), Error> {
        let eps = self.label_smoothing;
        check_parameter(
            "label smoothing",
            eps,
            (0.0..=1.0).contains(&eps),
            "label smoothing must lie in [0, 1]",
        )?;
        check_parameter(
            "z-loss",
            self.z_loss,
            self.z_loss.is_finite() && self.z_loss >= 0.0,
            "the z-loss coefficient must be finite and ≥ 0",
        )?;
        if let Some(c) = self.softcap {
            check_parameter(
                "softcap",
                c,
                c.is_finite() && c > 0.0,
                "the soft-cap must be finite and > 0",
            )?;
        }
        check_class_weights(self.weight.as_deref(), classes)?;
        if classes == 0 {
            return Err(Error::Empty { input: "logits" });
        }
        Ok(())
    }

    fn run<T: Float>(
        &self,
        logits: Logits<'_, T>,
        target: &Target<'_, T>,
        scales: Scales<'_, T>,
        want_lse: bool,
    ) -> Result<Pass<T>, Error> {
        let (rows, classes) = logits.dim();
        self.check(classes)?;
        let weight = self.weight.as_deref();
        let resolved;
        let probabilities;
        let (targets, denominator) = match target {
            Target::Classes(t) => {
                let total;
                (resolved, total) =
                    check_classes(*t, rows, classes, self.ignore_index, weight, self.par)?;
                (CeTargets::Classes(&resolved), total)
            }
            Target::Probabilities(p) => {
                crate::layout::ensure_same_shape("target", &[rows, classes], p.shape())?;
                check_elements(
                    "target",
                    *p,
                    0.0..=f64::MAX,
                    "target probabilities must be finite and ≥ 0",
                )?;
                probabilities = p.as_standard_layout();
                let t = probabilities.as_slice().expect("standard layout");
                (CeTargets::Probabilities(t, classes), rows as f64)
            }
        };
        let upstream = match scales {
            Scales::Upstream(u) => u.per_sample_scales(self.reduction, rows, denominator)?,
            _ => Vec::new(),
        };
        let scale = match scales {
            Scales::Upstream(_) => RowScale::PerRow(&upstream),
            // A forward pass writes no gradient: the scale is not read.
            Scales::Own | Scales::None => {
                RowScale::Uniform(own_sample_scale(self.reduction, denominator))
            }
        };
        let spec = CeSpec {
            weight,
            smoothing: self.label_smoothing,
            z_loss: self.z_loss,
            softcap: self.softcap,
        };
        let per_row = self.reduction == Reduction::None;
        let pass = logits.with_rows(|io| {
            cross_entropy_rows(
                io, classes, targets, &spec, scale, per_row, want_lse, self.par,
            )
        });
        let value = match self.reduction {
            Reduction::None => {
                LossValue::PerSample(pass.losses.into_iter().map(T::from_f64).collect())
            }
            Reduction::Sum => LossValue::Scalar(T::from_f64(pass.total)),
            Reduction::Mean => LossValue::Scalar(T::from_f64(pass.total / denominator)),
        };
        Ok(Pass {
            value,
            lse: Array1::from(pass.lse),
        })
    }
}

struct Pass<T> {
    value: LossValue<T>,
    lse: Array1<f64>,
}

enum Scales<'a, T> {
    None,
    Own,
    Upstream(Upstream<'a, T>),
}
