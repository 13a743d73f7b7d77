//! Linear + cross-entropy over chunks of rows, so that the N × V logits are never formed.

use crate::kernels::matmul_par;
use crate::loss::{ClassLabels, CrossEntropy, LossValue, Target};
use crate::{Error, Reduction};
use ndarray::{s, Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut2, Axis};

/// Rows of hidden states per chunk by default: the chunk's logits are 1024 × V `f32` (128 MiB
/// at V = 32000), its own and nothing of N's. A provisional choice, to be set by a sweep.
pub const DEFAULT_CHUNK_ROWS: usize = 1024;

/// The gradients of a [`LinearCrossEntropy`] with respect to its inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearGradients {
    /// ∂loss/∂h, N × D.
    pub hidden: Array2<f32>,
    /// ∂loss/∂W, V × D (the layout of `weight`).
    pub weight: Array2<f32>,
    /// ∂loss/∂b, V, when there is a bias.
    pub bias: Option<Array1<f32>>,
}

/// The cross-entropy of the logits z = h·Wᵀ + b (hidden states h: N × D, weight W: V × D as
/// PyTorch's `F.linear` takes it, bias b: V) against class labels or probability rows (soft
/// targets, N × V), and its gradients, computed
/// a chunk of rows at a time: a chunk's logits are formed, turned into their gradient in place
/// by the [`CrossEntropy`]'s row kernels, and multiplied back (∂h = dz·W, ∂W += dzᵀ·h,
/// ∂b += Σ dz) before the next chunk, so the extra memory is one chunk's logits, never N × V.
/// Every option of the [`CrossEntropy`] applies (class weights, ignore index, label smoothing,
/// z-loss, soft-cap), with its mean or sum reduction over all N rows: the mean divides by the
/// weight of the rows not ignored (by N for soft targets), as PyTorch's.
///
/// Accumulation: each chunk's loss is summed in `f64`; ∂W is accumulated in `f32` by the gemm
/// crate, chunk after chunk, so its rounding grows with the number of chunks (N / chunk rows),
/// not with V.
///
/// # Example
/// ```
/// use xent::fused::LinearCrossEntropy;
/// use xent::loss::CrossEntropy;
/// let h = ndarray::array![[1.0f32, 0.0], [0.0, 1.0], [1.0, 1.0]];
/// let w = ndarray::array![[1.0f32, 0.0], [0.0, 1.0], [0.0, 0.0]]; // V = 3 classes
/// let fused = LinearCrossEntropy::new(CrossEntropy::new()).chunk_rows(2);
/// let (loss, grads) = fused.forward_backward(h.view(), w.view(), None, &[0, 1, 2])?;
/// // The same as the cross-entropy of the logits h·Wᵀ formed whole.
/// let z = h.dot(&w.t());
/// let (whole, dz) = CrossEntropy::new().forward_backward(z.view(), &[0, 1, 2])?;
/// assert!((loss - f64::from(whole.scalar().unwrap())).abs() < 1e-6);
/// let dh = dz.dot(&w);
/// assert!(grads.hidden.iter().zip(&dh).all(|(a, b)| (a - b).abs() < 1e-6));
/// # Ok::<(), xent::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct LinearCrossEntropy {
    ce: CrossEntropy,
    chunk_rows: usize,
}

impl LinearCrossEntropy {
    /// The fused loss with `ce`'s options and reduction, chunks of [`DEFAULT_CHUNK_ROWS`].
    pub fn new(ce: CrossEntropy) -> LinearCrossEntropy {
        LinearCrossEntropy {
            ce,
            chunk_rows: DEFAULT_CHUNK_ROWS,
        }
    }

    /// Rows of hidden states per chunk (at least 1): the extra memory is chunk rows × V.
    pub fn chunk_rows(self, rows: usize) -> LinearCrossEntropy {
        LinearCrossEntropy {
            chunk_rows: rows.max(1),
            ..self
        }
    }

    /// The loss alone (mean, sum, or with `Reduction::None` one value per row) and each row's
    /// logsumexp of its (soft-capped) logits: what a later backward pass, a z-loss monitor or
    /// a perplexity needs. The logits are formed a chunk at a time, as in
    /// [`LinearCrossEntropy::forward_backward`].
    ///
    /// # Errors
    /// As [`LinearCrossEntropy::forward_backward`], except that every reduction is taken.
    ///
    /// # Example
    /// ```
    /// use xent::fused::LinearCrossEntropy;
    /// use xent::loss::CrossEntropy;
    /// let h = ndarray::array![[0.0f32, 0.0], [1.0, 0.0]];
    /// let w = ndarray::array![[1.0f32, 0.0], [0.0, 1.0]];
    /// let (loss, lse) = LinearCrossEntropy::new(CrossEntropy::new())
    ///     .forward(h.view(), w.view(), None, &[0, 0])?;
    /// // Row 0's logits are [0, 0]: logsumexp ln 2, loss ln 2.
    /// assert!((lse[0] - std::f32::consts::LN_2).abs() < 1e-6);
    /// assert!(loss.scalar().unwrap() > 0.0);
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn forward<'t>(
        &self,
        hidden: ArrayView2<'_, f32>,
        weight: ArrayView2<'_, f32>,
        bias: Option<ArrayView1<'_, f32>>,
        target: impl Into<Target<'t, f32>>,
    ) -> Result<(LossValue<f64>, Array1<f32>), Error> {
        let target = target.into();
        let (n, v) = self.check_shapes(hidden, weight, bias, &target)?;
        let (denominator, reduction) = self.denominator(&target, v)?;
        let per_row = reduction == Reduction::None;
        let chunked = self.ce.clone().reduction(if per_row {
            Reduction::None
        } else {
            Reduction::Sum
        });
        let rows = self.chunk_rows.min(n);
        let mut z = zeroed((rows, v));
        let mut lse = Array1::<f32>::zeros(n);
        let mut losses = Vec::with_capacity(if per_row { n } else { 0 });
        let mut total = 0.0f64;
        for start in (0..n).step_by(rows) {
            let end = (start + rows).min(n);
            let mut zc = z.slice_mut(s![..end - start, ..]);
            logits_into(
                hidden.slice(s![start..end, ..]),
                weight,
                bias,
                zc.view_mut(),
            );
            let (loss, chunk_lse) =
                chunked.forward_lse(zc.view(), slice_target(&target, start, end))?;
            lse.slice_mut(s![start..end]).assign(&chunk_lse);
            match loss {
                LossValue::Scalar(l) => total += f64::from(l),
                LossValue::PerSample(l) => losses.extend(l.iter().map(|&x| f64::from(x))),
                LossValue::PerElement(_) => unreachable!("a cross-entropy is per row"),
            }
        }
        let value = match reduction {
            Reduction::None => LossValue::PerSample(Array1::from(losses)),
            Reduction::Sum => LossValue::Scalar(total),
            Reduction::Mean => LossValue::Scalar(total / denominator),
        };
        Ok((value, lse))
    }

    /// (N, V) after checking that h, W, the bias and the labels fit together.
    fn check_shapes(
        &self,
        hidden: ArrayView2<'_, f32>,
        weight: ArrayView2<'_, f32>,
        bias: Option<ArrayView1<'_, f32>>,
        target: &Target<'_, f32>,
    ) -> Result<(usize, usize), Error> {
        let (n, d) = hidden.dim();
        let v = weight.nrows();
        crate::layout::ensure_same_shape("weight", &[v, d], weight.shape())?;
        if let Some(b) = bias {
            crate::layout::ensure_same_shape("bias", &[v], b.shape())?;
        }
        match target {
            Target::Classes(labels) => {
                crate::layout::ensure_same_shape("labels", &[n], &[labels.len()])?
            }
            Target::Probabilities(p) => {
                crate::layout::ensure_same_shape("target", &[n, v], p.shape())?
            }
        }
        if n == 0 || v == 0 {
            return Err(Error::Empty {
                input: if n == 0 { "hidden" } else { "weight" },
            });
        }
        Ok((n, v))
    }

    /// The mean's denominator and the reduction: the weight of the rows not ignored for
    /// class labels, the number of rows for probability rows (as the cross-entropy's).
    fn denominator(
        &self,
        target: &Target<'_, f32>,
        classes: usize,
    ) -> Result<(f64, Reduction), Error> {
        match target {
            Target::Classes(labels) => self.ce.mean_denominator(*labels, classes),
            Target::Probabilities(p) => Ok((p.nrows() as f64, self.ce.reduction_kind())),
        }
    }

    /// The loss (mean or sum over the rows, as the cross-entropy's reduction says) and its
    /// gradients.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] when W's columns are not h's, the bias is not one per class or
    /// the labels not one per row; [`Error::Empty`] for no rows or no classes;
    /// [`Error::InvalidParameter`] for `Reduction::None` (a per-row loss needs an upstream
    /// gradient, not yet taken here); the cross-entropy's errors for labels and options.
    pub fn forward_backward<'t>(
        &self,
        hidden: ArrayView2<'_, f32>,
        weight: ArrayView2<'_, f32>,
        bias: Option<ArrayView1<'_, f32>>,
        target: impl Into<Target<'t, f32>>,
    ) -> Result<(f64, LinearGradients), Error> {
        let target = target.into();
        let (n, v) = self.check_shapes(hidden, weight, bias, &target)?;
        let d = hidden.ncols();
        let (denominator, reduction) = self.denominator(&target, v)?;
        let scale = match reduction {
            Reduction::Mean => 1.0 / denominator,
            Reduction::Sum => 1.0,
            Reduction::None => {
                return Err(Error::InvalidParameter {
                    name: "reduction",
                    value: f64::NAN,
                    expected: "the fused linear cross-entropy takes mean or sum",
                })
            }
        };
        let summed = self.ce.clone().reduction(Reduction::Sum);
        let rows = self.chunk_rows.min(n);
        let mut z = zeroed((rows, v));
        let mut grads = LinearGradients {
            hidden: zeroed((n, d)),
            weight: zeroed((v, d)),
            bias: bias.map(|_| Array1::zeros(v)),
        };
        let mut total = 0.0f64;
        for start in (0..n).step_by(rows) {
            let end = (start + rows).min(n);
            let h = hidden.slice(s![start..end, ..]);
            let mut zc = z.slice_mut(s![..end - start, ..]);
            logits_into(h, weight, bias, zc.view_mut());
            let chunk_target = slice_target(&target, start, end);
            let loss = summed.forward_backward_in_place(zc.view_mut(), chunk_target)?;
            total += f64::from(loss.scalar().expect("a summed loss is a scalar"));
            // With every row ignored the gradient is 0 (and the mean 0/0), as the cross-entropy's.
            if scale != 1.0 && scale.is_finite() {
                let s = scale as f32;
                zc.mapv_inplace(|g| g * s);
            }
            matmul_par(
                zc.view(),
                weight,
                grads.hidden.slice_mut(s![start..end, ..]),
                false,
            );
            weight_gradient_add(zc.view(), h, grads.weight.view_mut());
            if let Some(gb) = grads.bias.as_mut() {
                *gb += &zc.sum_axis(Axis(0));
            }
        }
        Ok((total * scale, grads))
    }
}

/// Classes per product of the weight gradient: one product over all V classes makes the gemm
/// crate pack all of dzᵀ (V × chunk rows, 64 MiB at V = 32000 and 512 rows) and ran at
/// 165 GFLOP/s; blocks of 4096 classes pack 8 MiB and ran at 375 (4096 × 2048 × 32000, 2
/// threads).
const WEIGHT_GRADIENT_CLASSES: usize = 4096;

/// ∂W += dzᵀ·h, a block of classes (rows of ∂W) at a time. Each element of ∂W is still the
/// sum of the same products in the same order, whatever the block.
fn weight_gradient_add(
    dz: ArrayView2<'_, f32>,
    h: ArrayView2<'_, f32>,
    mut dw: ArrayViewMut2<'_, f32>,
) {
    let v = dz.ncols();
    for start in (0..v).step_by(WEIGHT_GRADIENT_CLASSES) {
        let end = (start + WEIGHT_GRADIENT_CLASSES).min(v);
        matmul_par(
            dz.slice(s![.., start..end]).t(),
            h,
            dw.slice_mut(s![start..end, ..]),
            true,
        );
    }
}

/// A zeroed matrix, on huge pages when large: its pages are mapped where the products first
/// write them (a fresh 262 MB ∂W on 4 KiB pages cost about 1 s of page faults at W4).
fn zeroed(shape: (usize, usize)) -> Array2<f32> {
    Array2::from_shape_vec(shape, crate::kernels::zeroed_vec(shape.0 * shape.1))
        .expect("the length is the shape's")
}

/// z = h·Wᵀ + b for a chunk of rows.
fn logits_into(
    h: ArrayView2<'_, f32>,
    weight: ArrayView2<'_, f32>,
    bias: Option<ArrayView1<'_, f32>>,
    mut z: ArrayViewMut2<'_, f32>,
) {
    matmul_par(h, weight.t(), z.view_mut(), false);
    if let Some(b) = bias {
        z.rows_mut().into_iter().for_each(|mut r| r += &b);
    }
}

/// The targets of rows `start..end`.
fn slice_target<'a>(target: &Target<'a, f32>, start: usize, end: usize) -> Target<'a, f32> {
    match *target {
        Target::Classes(ClassLabels::Signed(v)) => {
            Target::Classes(ClassLabels::Signed(v.slice_move(s![start..end])))
        }
        Target::Classes(ClassLabels::Unsigned(v)) => {
            Target::Classes(ClassLabels::Unsigned(v.slice_move(s![start..end])))
        }
        Target::Probabilities(p) => Target::Probabilities(p.slice_move(s![start..end, ..])),
    }
}
