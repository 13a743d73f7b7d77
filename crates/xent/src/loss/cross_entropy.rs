//! Cross-entropy on logits, with class-index or probability targets.

use super::options::{check_class_weights, check_classes, check_elements, check_parameter, times};
use super::value::{
    own_sample_scale, own_sample_scales, reduce_row_losses, reduce_samples, LossValue, RowLosses,
    Upstream,
};
use crate::kernels::fused_ce::{
    ce_row, ce_row_softcap, ce_row_split, ce_short_rows, ce_soft_row, CeRowOptions, RowIo,
    SHORT_BLOCK_ROWS, SHORT_ROW,
};
use crate::kernels::RowScale;
use crate::{kernels, Error, Float, Reduction};
use ndarray::{Array1, Array2, ArrayView2, ArrayViewMut2, Axis};
use rayon::prelude::*;

/// The targets of a cross-entropy: one class index per row, or one probability row per row.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a, T> {
    /// Class indices (`i64`, so that an ignore index such as −100 fits).
    Classes(&'a [i64]),
    /// Probabilities (soft labels) of the logits' shape.
    Probabilities(ArrayView2<'a, T>),
}

impl<'a, T> From<&'a [i64]> for Target<'a, T> {
    fn from(classes: &'a [i64]) -> Self {
        Target::Classes(classes)
    }
}

impl<'a, T, const N: usize> From<&'a [i64; N]> for Target<'a, T> {
    fn from(classes: &'a [i64; N]) -> Self {
        Target::Classes(classes)
    }
}

impl<'a, T> From<&'a Vec<i64>> for Target<'a, T> {
    fn from(classes: &'a Vec<i64>) -> Self {
        Target::Classes(classes)
    }
}

impl<'a, T> From<ArrayView2<'a, T>> for Target<'a, T> {
    fn from(p: ArrayView2<'a, T>) -> Self {
        Target::Probabilities(p)
    }
}

impl<'a, T> From<&'a Array2<T>> for Target<'a, T> {
    fn from(p: &'a Array2<T>) -> Self {
        Target::Probabilities(p.view())
    }
}

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

    /// The loss.
    ///
    /// # Errors
    /// See [`CrossEntropy`].
    pub fn forward<'t, T: Float>(
        &self,
        logits: ArrayView2<'_, T>,
        target: impl Into<Target<'t, T>>,
    ) -> Result<LossValue<T>, Error> {
        let mut logits = Logits::Read(logits);
        let pass = self.run(&mut logits, &target.into(), Scales::None, false)?;
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
        let mut logits = Logits::Read(logits);
        let pass = self.run(&mut logits, &target.into(), Scales::None, true)?;
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
            &mut Logits::InPlace(grad.view_mut()),
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
        let mut grad = Array2::from_elem(logits.dim(), T::ZERO);
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
            &mut Logits::Into(logits, grad.view_mut()),
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
        let pass = self.run(
            &mut Logits::InPlace(logits),
            &target.into(),
            Scales::Own,
            false,
        )?;
        Ok(pass.value)
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
        logits: &mut Logits<'_, T>,
        target: &Target<'_, T>,
        scales: Scales<'_, T>,
        want_lse: bool,
    ) -> Result<Pass<T>, Error> {
        let (rows, classes) = logits.dim();
        self.check(classes)?;
        let weight = self.weight.as_deref();
        let (kinds, denominator) = match target {
            Target::Classes(t) => {
                let (resolved, total) = check_classes(t, rows, classes, self.ignore_index, weight)?;
                (RowTargets::Classes(resolved), total)
            }
            Target::Probabilities(p) => {
                crate::layout::ensure_same_shape("target", &[rows, classes], p.shape())?;
                check_elements(
                    "target",
                    *p,
                    0.0..=f64::MAX,
                    "target probabilities must be finite and ≥ 0",
                )?;
                (RowTargets::Probabilities(*p), rows as f64)
            }
        };
        // Short rows take their scale as it is (one factor for all rows needs no vector);
        // the other paths get a vector.
        let upstream = match scales {
            Scales::Upstream(u) => Some(u.per_sample_scales(self.reduction, rows, denominator)?),
            _ => None,
        };
        let row_scale = match (&scales, &upstream) {
            (_, Some(v)) => Some(RowScale::PerRow(v)),
            (Scales::Own, None) => Some(RowScale::Uniform(own_sample_scale(
                self.reduction,
                denominator,
            ))),
            _ => None,
        };
        if let (RowTargets::Classes(targets), true) =
            (&kinds, classes <= SHORT_ROW && self.softcap.is_none())
        {
            if let Some((losses, lse)) =
                self.fused_short_f32(logits, targets, row_scale, classes, want_lse)
            {
                return Ok(Pass {
                    value: reduce_row_losses(losses, self.reduction, denominator),
                    lse: Array1::from(lse),
                });
            }
        }
        let scale = match scales {
            Scales::None => None,
            Scales::Own => Some(own_sample_scales(self.reduction, rows, denominator)),
            Scales::Upstream(_) => upstream,
        };
        let fused = match (&kinds, self.softcap) {
            (RowTargets::Classes(targets), _) => {
                self.fused_f32(logits, targets, scale.as_deref(), classes)
            }
            (RowTargets::Probabilities(t), None) => {
                self.fused_soft_f32(logits, *t, scale.as_deref(), classes)
            }
            _ => None,
        };
        if let Some((losses, lse)) = fused {
            return Ok(Pass {
                value: reduce_samples(losses, self.reduction, denominator),
                lse: if want_lse {
                    Array1::from(lse)
                } else {
                    Array1::zeros(0)
                },
            });
        }
        let mut row_kernel = RowKernel::new(self, classes);
        let mut losses = Vec::with_capacity(rows);
        let mut lse = Array1::zeros(if want_lse { rows } else { 0 });
        for i in 0..rows {
            row_kernel.load(logits.row(i), self.softcap);
            let (loss, row_lse) = match &kinds {
                RowTargets::Classes(c) => row_kernel.class_row(c[i], scale.as_ref().map(|s| s[i])),
                RowTargets::Probabilities(p) => {
                    row_kernel.soft_row(p.row(i), scale.as_ref().map(|s| s[i]))
                }
            };
            losses.push(loss);
            if want_lse {
                lse[i] = row_lse;
            }
            if scale.is_some() {
                logits.store(i, &row_kernel.grad);
            }
        }
        Ok(Pass {
            value: reduce_samples(losses, self.reduction, denominator),
            lse,
        })
    }
}

impl CrossEntropy {
    /// The vectorised, multi-threaded path for contiguous `f32` logits with class-index
    /// targets (no soft-cap): `None` when it does not apply. Rows it cannot take (NaN, +∞,
    /// all −∞) go through the exact row kernel, so results follow the same conventions.
    fn fused_f32<T: Float>(
        &self,
        logits: &mut Logits<'_, T>,
        targets: &[Option<usize>],
        scale: Option<&[f64]>,
        classes: usize,
    ) -> Option<(Vec<f64>, Vec<f64>)> {
        let w32 = self.weights_f32();
        let options = self.row_options(w32.as_deref(), classes);
        let exact = |kernel: &mut RowKernel<'_>, i: usize, row: &[f32], out: Option<&mut [f32]>| {
            kernel.load(ndarray::ArrayView1::from(row), self.softcap);
            let s = scale.map(|s| s[i]);
            let result = kernel.class_row(targets[i], s);
            if let Some(out) = out {
                out.iter_mut()
                    .zip(&kernel.grad)
                    .for_each(|(o, &g)| *o = g as f32);
            }
            result
        };
        // Fewer rows than threads and long rows: split each row across the threads instead.
        let threads = rayon::current_num_threads();
        if targets.len() < threads && classes >= SPLIT_ROW && self.softcap.is_none() {
            return self.split_rows_f32(logits, targets, scale, classes, &options, threads);
        }
        let cap = self.softcap.map(|c| c as f32);
        // One row through the soft-capped or the plain fused kernel.
        let fused = |io: RowIo<'_>, i: usize, scratch: &mut Vec<f32>| {
            let s = scale.map_or(1.0, |s| s[i]);
            match cap {
                Some(c) => ce_row_softcap(io, targets[i], &options, s, c, scratch),
                None => ce_row(io, targets[i], &options, s),
            }
        };
        let results = self.par_rows(logits, classes, fused, exact)?;
        Some(results.into_iter().unzip())
    }

    /// The class weights as f32, for the vector passes.
    fn weights_f32(&self) -> Option<Vec<f32>> {
        self.weight
            .as_ref()
            .map(|w| w.iter().map(|&x| x as f32).collect())
    }

    /// The options of the fused row kernels, borrowing the f32 weights.
    fn row_options<'w>(&'w self, w32: Option<&'w [f32]>, classes: usize) -> CeRowOptions<'w> {
        CeRowOptions {
            weight: self.weight.as_deref().zip(w32),
            weight_sum: self.weight.as_ref().map_or(classes as f64, |w| {
                kernels::compensated_sum(w.iter().copied())
            }),
            smoothing: self.label_smoothing,
            z_loss: self.z_loss,
        }
    }

    /// Runs `fused` on every row in parallel (the logits read, overwritten with the gradient,
    /// or read with the gradient written elsewhere), and `exact` on the rows it declines
    /// (which `fused` leaves untouched). `None` unless the buffers are contiguous `f32`.
    fn par_rows<T: Float>(
        &self,
        logits: &mut Logits<'_, T>,
        classes: usize,
        fused: impl Fn(RowIo<'_>, usize, &mut Vec<f32>) -> Option<(f64, f64)> + Sync,
        exact: impl Fn(&mut RowKernel<'_>, usize, &[f32], Option<&mut [f32]>) -> (f64, f64) + Sync,
    ) -> Option<Vec<(f64, f64)>> {
        // Enough rows per task that a task is worth its scheduling (~16k elements).
        let min_rows = (16_384 / classes).max(1);
        // The exact kernel's buffers are made only for a task that meets an irregular row.
        let state = || (None::<RowKernel<'_>>, Vec::new());
        Some(match logits {
            Logits::Read(v) => T::as_f32(v.as_slice()?)?
                .par_chunks(classes)
                .with_min_len(min_rows)
                .enumerate()
                .map_init(state, |(k, scratch), (i, row)| {
                    fused(RowIo::Read(row), i, scratch).unwrap_or_else(|| {
                        let k = k.get_or_insert_with(|| RowKernel::new(self, classes));
                        exact(k, i, row, None)
                    })
                })
                .collect(),
            Logits::InPlace(v) => T::as_f32_mut(v.as_slice_mut()?)?
                .par_chunks_mut(classes)
                .with_min_len(min_rows)
                .enumerate()
                .map_init(state, |(k, scratch), (i, row)| {
                    match fused(RowIo::InPlace(row), i, scratch) {
                        Some(r) => r,
                        None => {
                            let copy = row.to_vec();
                            let k = k.get_or_insert_with(|| RowKernel::new(self, classes));
                            exact(k, i, &copy, Some(row))
                        }
                    }
                })
                .collect(),
            Logits::Into(src, dst) => {
                let z = T::as_f32(src.as_slice()?)?;
                let out = T::as_f32_mut(dst.as_slice_mut()?)?;
                z.par_chunks(classes)
                    .zip(out.par_chunks_mut(classes))
                    .with_min_len(min_rows)
                    .enumerate()
                    .map_init(state, |(k, scratch), (i, (row, out))| {
                        fused(RowIo::Into(row, out), i, scratch).unwrap_or_else(|| {
                            let k = k.get_or_insert_with(|| RowKernel::new(self, classes));
                            exact(k, i, row, Some(out))
                        })
                    })
                    .collect()
            }
        })
    }

    /// [`CrossEntropy::fused_f32`] for a few long rows, each split across `threads`.
    fn split_rows_f32<T: Float>(
        &self,
        logits: &mut Logits<'_, T>,
        targets: &[Option<usize>],
        scale: Option<&[f64]>,
        classes: usize,
        options: &CeRowOptions<'_>,
        threads: usize,
    ) -> Option<(Vec<f64>, Vec<f64>)> {
        // Chunks of whole 16-lane groups, about one per thread.
        let chunk = classes.div_ceil(threads).next_multiple_of(16);
        let mut kernel = RowKernel::new(self, classes);
        let mut exact = |i: usize, row: &[f32], out: Option<&mut [f32]>| {
            kernel.load(ndarray::ArrayView1::from(row), None);
            let result = kernel.class_row(targets[i], scale.map(|s| s[i]));
            if let Some(out) = out {
                out.iter_mut()
                    .zip(&kernel.grad)
                    .for_each(|(o, &g)| *o = g as f32);
            }
            result
        };
        let mut results = Vec::with_capacity(targets.len());
        match logits {
            Logits::Read(v) => {
                let z = T::as_f32(v.as_slice()?)?;
                for (i, row) in z.chunks(classes).enumerate() {
                    results.push(
                        ce_row_split(RowIo::Read(row), targets[i], options, 1.0, chunk)
                            .unwrap_or_else(|| exact(i, row, None)),
                    );
                }
            }
            Logits::InPlace(v) => {
                let z = T::as_f32_mut(v.as_slice_mut()?)?;
                for (i, row) in z.chunks_mut(classes).enumerate() {
                    let s = scale.map_or(1.0, |s| s[i]);
                    let r = match ce_row_split(RowIo::InPlace(row), targets[i], options, s, chunk) {
                        Some(r) => r,
                        None => {
                            let copy = row.to_vec();
                            exact(i, &copy, Some(row))
                        }
                    };
                    results.push(r);
                }
            }
            Logits::Into(src, dst) => {
                let z = T::as_f32(src.as_slice()?)?;
                let out = T::as_f32_mut(dst.as_slice_mut()?)?;
                for (i, (row, o)) in z.chunks(classes).zip(out.chunks_mut(classes)).enumerate() {
                    let s = scale.map_or(1.0, |s| s[i]);
                    results.push(
                        ce_row_split(RowIo::Into(row, o), targets[i], options, s, chunk)
                            .unwrap_or_else(|| exact(i, row, Some(o))),
                    );
                }
            }
        }
        Some(results.into_iter().unzip())
    }

    /// The vectorised path for contiguous `f32` logits with probability targets; rows it
    /// cannot take go through the exact soft-target kernel.
    fn fused_soft_f32<T: Float>(
        &self,
        logits: &mut Logits<'_, T>,
        targets: ArrayView2<'_, T>,
        scale: Option<&[f64]>,
        classes: usize,
    ) -> Option<(Vec<f64>, Vec<f64>)> {
        let t = T::as_f32(targets.to_slice()?)?;
        let w32 = self.weights_f32();
        let options = self.row_options(w32.as_deref(), classes);
        let exact = |kernel: &mut RowKernel<'_>, i: usize, row: &[f32], out: Option<&mut [f32]>| {
            kernel.load(ndarray::ArrayView1::from(row), None);
            let result = kernel.soft_row(targets.row(i), scale.map(|s| s[i]));
            if let Some(out) = out {
                out.iter_mut()
                    .zip(&kernel.grad)
                    .for_each(|(o, &g)| *o = g as f32);
            }
            result
        };
        let fused = |io: RowIo<'_>, i: usize, _: &mut Vec<f32>| {
            let s = scale.map_or(1.0, |s| s[i]);
            ce_soft_row(io, &t[i * classes..(i + 1) * classes], &options, s)
        };
        let results = self.par_rows(logits, classes, fused, exact)?;
        Some(results.into_iter().unzip())
    }

    /// [`CrossEntropy::fused_f32`] for rows of at most [`SHORT_ROW`] classes, a block of
    /// rows at a time. The losses come back one per row only for `Reduction::None`, else as
    /// their total; the logsumexps only when `want_lse`. `None` unless the buffers are
    /// contiguous `f32`.
    fn fused_short_f32<T: Float>(
        &self,
        logits: &mut Logits<'_, T>,
        targets: &[Option<usize>],
        scale: Option<RowScale<'_>>,
        classes: usize,
        want_lse: bool,
    ) -> Option<(RowLosses, Vec<f64>)> {
        let w32 = self.weights_f32();
        let options = self.row_options(w32.as_deref(), classes);
        let block = SHORT_BLOCK_ROWS * classes;
        let n_rows = targets.len();
        let per_row = self.reduction == Reduction::None;
        let mut losses = vec![0.0f64; if per_row { n_rows } else { 0 }];
        let mut lse = vec![0.0f64; if want_lse { n_rows } else { 0 }];
        // One block: the fused kernel, then the exact kernel for the rows it left alone; the
        // block's compensated loss sum comes back.
        let run_block =
            |k: &mut RowKernel<'_>,
             b: usize,
             mut io: RowIo<'_>,
             (loss_out, lse_out): (Option<&mut [f64]>, Option<&mut [f64]>)| {
                let start = b * SHORT_BLOCK_ROWS;
                let n = io.logits().len() / classes;
                let rows = &targets[start..start + n];
                let scales = match io {
                    RowIo::Read(_) => None,
                    _ => scale.map(|s| s.slice(start..start + n)),
                };
                let mut results = [None; SHORT_BLOCK_ROWS];
                let results = &mut results[..n];
                ce_short_rows(&mut io, classes, rows, &options, scales, results);
                let mut total = kernels::CompensatedSum::default();
                let (mut loss_out, mut lse_out) = (loss_out, lse_out);
                for (j, result) in results.iter().enumerate() {
                    let (loss, row_lse) = result.unwrap_or_else(|| {
                        let range = j * classes..(j + 1) * classes;
                        k.load(ndarray::ArrayView1::from(&io.logits()[range.clone()]), None);
                        let result = k.class_row(rows[j], scales.map(|s| s.at(j)));
                        if let Some(out) = io.output() {
                            out[range]
                                .iter_mut()
                                .zip(&k.grad)
                                .for_each(|(o, &g)| *o = g as f32);
                        }
                        result
                    });
                    total.add(loss);
                    if let Some(out) = loss_out.as_deref_mut() {
                        out[j] = loss;
                    }
                    if let Some(out) = lse_out.as_deref_mut() {
                        out[j] = row_lse;
                    }
                }
                total
            };
        // Per block, its slice of each per-row output that is wanted.
        let blocks = n_rows.div_ceil(SHORT_BLOCK_ROWS);
        let outputs = block_slices(&mut losses, blocks)
            .into_par_iter()
            .zip(block_slices(&mut lse, blocks).into_par_iter());
        let totals: Vec<kernels::CompensatedSum> = match logits {
            Logits::Read(v) => {
                let z = T::as_f32(v.as_slice()?)?;
                z.par_chunks(block)
                    .zip(outputs)
                    .enumerate()
                    .map_init(
                        || RowKernel::new(self, classes),
                        |k, (b, (zb, out))| run_block(k, b, RowIo::Read(zb), out),
                    )
                    .collect()
            }
            Logits::InPlace(v) => {
                let z = T::as_f32_mut(v.as_slice_mut()?)?;
                z.par_chunks_mut(block)
                    .zip(outputs)
                    .enumerate()
                    .map_init(
                        || RowKernel::new(self, classes),
                        |k, (b, (zb, out))| run_block(k, b, RowIo::InPlace(zb), out),
                    )
                    .collect()
            }
            Logits::Into(src, dst) => {
                let z = T::as_f32(src.as_slice()?)?;
                let grad = T::as_f32_mut(dst.as_slice_mut()?)?;
                grad.par_chunks_mut(block)
                    .zip(z.par_chunks(block))
                    .zip(outputs)
                    .enumerate()
                    .map_init(
                        || RowKernel::new(self, classes),
                        |k, (b, ((gb, zb), out))| run_block(k, b, RowIo::Into(zb, gb), out),
                    )
                    .collect()
            }
        };
        let losses = if per_row {
            RowLosses::PerRow(losses)
        } else {
            let mut total = kernels::CompensatedSum::default();
            totals.into_iter().for_each(|t| total.merge(t));
            RowLosses::Total(total.value())
        };
        Some((losses, lse))
    }
}

/// Each block's slice of `v`, or `None` for every block when `v` is not wanted (empty).
fn block_slices(v: &mut [f64], blocks: usize) -> Vec<Option<&mut [f64]>> {
    if v.is_empty() {
        (0..blocks).map(|_| None).collect()
    } else {
        v.chunks_mut(SHORT_BLOCK_ROWS).map(Some).collect()
    }
}

/// Rows at least this long are split across threads when there are fewer rows than threads.
const SPLIT_ROW: usize = 1 << 15;

struct Pass<T> {
    value: LossValue<T>,
    lse: Array1<f64>,
}

enum Scales<'a, T> {
    None,
    Own,
    Upstream(Upstream<'a, T>),
}

enum RowTargets<'a, T> {
    Classes(Vec<Option<usize>>),
    Probabilities(ArrayView2<'a, T>),
}

/// Logits to read; to read and then overwrite with the gradient; or to read while writing
/// the gradient into another buffer.
enum Logits<'a, T> {
    Read(ArrayView2<'a, T>),
    InPlace(ArrayViewMut2<'a, T>),
    Into(ArrayView2<'a, T>, ArrayViewMut2<'a, T>),
}

impl<T: Float> Logits<'_, T> {
    fn dim(&self) -> (usize, usize) {
        match self {
            Logits::Read(v) | Logits::Into(v, _) => v.dim(),
            Logits::InPlace(v) => v.dim(),
        }
    }

    fn row(&self, i: usize) -> ndarray::ArrayView1<'_, T> {
        match self {
            Logits::Read(v) | Logits::Into(v, _) => v.row(i),
            Logits::InPlace(v) => v.row(i),
        }
    }

    fn store(&mut self, i: usize, grad: &[f64]) {
        if let Logits::InPlace(v) | Logits::Into(_, v) = self {
            v.index_axis_mut(Axis(0), i)
                .iter_mut()
                .zip(grad)
                .for_each(|(o, &g)| *o = T::from_f64(g));
        }
    }
}

/// The per-row computation, with its scratch buffers reused across rows.
struct RowKernel<'a> {
    weight: Option<&'a [f64]>,
    weight_sum: f64,
    classes: usize,
    smoothing: f64,
    z_loss: f64,
    softcap: Option<f64>,
    /// The (soft-capped) logits of the current row, in f64.
    z: Vec<f64>,
    /// Their log-softmax.
    log_p: Vec<f64>,
    /// The gradient of the current row (valid after a row call with a scale).
    grad: Vec<f64>,
}

impl<'a> RowKernel<'a> {
    fn new(options: &'a CrossEntropy, classes: usize) -> Self {
        let weight = options.weight.as_deref();
        RowKernel {
            weight,
            weight_sum: weight.map_or(classes as f64, |w| {
                kernels::compensated_sum(w.iter().copied())
            }),
            classes,
            smoothing: options.label_smoothing,
            z_loss: options.z_loss,
            softcap: options.softcap,
            z: vec![0.0; classes],
            log_p: vec![0.0; classes],
            grad: vec![0.0; classes],
        }
    }

    fn load<T: Float>(&mut self, row: ndarray::ArrayView1<'_, T>, softcap: Option<f64>) {
        for (z, &v) in self.z.iter_mut().zip(row.iter()) {
            let v = v.to_f64();
            *z = match softcap {
                Some(c) => c * (v / c).tanh(),
                None => v,
            };
        }
        self.log_p.copy_from_slice(&self.z);
        kernels::log_softmax_in_place(&mut self.log_p, 1.0);
    }

    fn w(&self, c: usize) -> f64 {
        self.weight.map_or(1.0, |w| w[c])
    }

    fn lse(&self) -> f64 {
        kernels::logsumexp(&self.z, 1.0)
    }

    /// The chain rule through the soft-cap: d(c·tanh(z/c))/dz = 1 − (capped/c)².
    fn finish_grad(&mut self, scale: f64) {
        for (g, &z) in self.grad.iter_mut().zip(&self.z) {
            let chain = self.softcap.map_or(1.0, |c| 1.0 - (z / c) * (z / c));
            *g *= chain * scale;
        }
    }

    fn class_row(&mut self, target: Option<usize>, scale: Option<f64>) -> (f64, f64) {
        let lse = self.lse();
        let Some(y) = target else {
            self.grad.fill(0.0);
            return (0.0, lse);
        };
        let eps = self.smoothing;
        let keep = 1.0 - eps;
        let share = eps / self.classes as f64;
        let wy = self.w(y);
        let smooth = if eps > 0.0 {
            -kernels::compensated_sum((0..self.classes).map(|k| self.w(k) * self.log_p[k]))
        } else {
            0.0
        };
        let loss = times(keep * wy, -self.log_p[y])
            + times(share, smooth)
            + times(self.z_loss * wy, lse * lse);
        if let Some(scale) = scale {
            for c in 0..self.classes {
                let p = self.log_p[c].exp();
                let onehot = if c == y { 1.0 } else { 0.0 };
                self.grad[c] = times(keep * wy, p - onehot)
                    + times(share, p * self.weight_sum - self.w(c))
                    + times(2.0 * self.z_loss * wy, lse * p);
            }
            self.finish_grad(scale);
        }
        (loss, lse)
    }

    fn soft_row<T: Float>(
        &mut self,
        t: ndarray::ArrayView1<'_, T>,
        scale: Option<f64>,
    ) -> (f64, f64) {
        let lse = self.lse();
        let keep = 1.0 - self.smoothing;
        let share = self.smoothing / self.classes as f64;
        let smoothed = |k: usize| keep * t[k].to_f64() + share;
        let cross = kernels::compensated_sum((0..self.classes).map(|k| {
            let tk = smoothed(k);
            if tk == 0.0 {
                0.0
            } else {
                -self.w(k) * tk * self.log_p[k]
            }
        }));
        let loss = cross + times(self.z_loss, lse * lse);
        if let Some(scale) = scale {
            let mass = kernels::compensated_sum((0..self.classes).map(|k| self.w(k) * smoothed(k)));
            for c in 0..self.classes {
                let p = self.log_p[c].exp();
                self.grad[c] =
                    p * mass - self.w(c) * smoothed(c) + times(2.0 * self.z_loss, lse * p);
            }
            self.finish_grad(scale);
        }
        (loss, lse)
    }
}
