//! Minibatch stochastic gradient descent for the linear models.

use super::dataset::{Dataset, Targets};
use super::model::{Model, ModelKind};
use super::report::{EpochReport, Score};
use super::rows::FeatureRows;
use crate::kernels::{matmul, threads, with_team};
use crate::layout::argmax;
use crate::loss::{BceWithLogits, CrossEntropy, Mse};
use crate::rng::SplitMix64;
use crate::{Error, Reduction};
use ndarray::{s, Array1, Array2, ArrayView2, ArrayViewMut2, Axis};
use std::sync::Mutex;
use std::time::Instant;

/// Minibatch SGD with momentum and weight decay, defined as PyTorch's `optim.SGD`:
/// g ← ∇L + λ·θ, v ← μ·v + g, θ ← θ − η·v (for W and b alike). Each epoch visits the
/// training samples in a fresh random order drawn from the seed, so the same seed gives
/// bit-identical models.
///
/// Defaults: η = 0.1, batch 256, 10 epochs, μ = 0, λ = 0, seed 0 (the chapter's settings).
///
/// # Example
/// ```
/// use xent::train::{Dataset, Model, ModelKind, Sgd};
/// let data = Dataset::synthetic_linear(1000, 0).split(0.2, 0);
/// let mut model = Model::for_dataset(ModelKind::Linear, &data.train, 0)?;
/// Sgd::new().learning_rate(0.03).batch_size(10).epochs(3)
///     .fit(&mut model, &data.train, Some(&data.test), |_| {})?;
/// assert!((model.weights[[0, 0]] - 2.0).abs() < 0.01);
/// assert!((model.weights[[1, 0]] + 3.4).abs() < 0.01);
/// assert!((model.bias[0] - 4.2).abs() < 0.01);
/// # Ok::<(), xent::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sgd {
    learning_rate: f32,
    batch_size: usize,
    epochs: usize,
    momentum: f32,
    weight_decay: f32,
    seed: u64,
    patience: Option<usize>,
}

/// The best epoch early stopping has seen: its evaluation loss, its number, and the model's
/// weights and bias after it.
struct Best {
    loss: f64,
    epoch: usize,
    parameters: Option<(Array2<f32>, Array1<f32>)>,
}

/// Progress reported to the caller of [`Sgd::fit`].
#[derive(Debug, Clone, Copy)]
pub enum Progress<'a> {
    /// A batch finished: `done` of `total` batches of the whole run.
    Batch {
        /// Batches finished so far.
        done: usize,
        /// Batches in the whole run.
        total: usize,
    },
    /// An epoch finished.
    Epoch(&'a EpochReport),
}

impl Default for Sgd {
    fn default() -> Self {
        Sgd {
            learning_rate: 0.1,
            batch_size: 256,
            epochs: 10,
            momentum: 0.0,
            weight_decay: 0.0,
            seed: 0,
            patience: None,
        }
    }
}

impl Sgd {
    /// The chapter's settings: η = 0.1, batch 256, 10 epochs, no momentum or weight decay.
    pub fn new() -> Self {
        Self::default()
    }

    /// Learning rate η > 0.
    pub fn learning_rate(mut self, lr: f32) -> Self {
        self.learning_rate = lr;
        self
    }

    /// Samples per batch (≥ 1); the last batch of an epoch may be smaller.
    pub fn batch_size(mut self, batch_size: usize) -> Self {
        self.batch_size = batch_size;
        self
    }

    /// Passes over the training set.
    pub fn epochs(mut self, epochs: usize) -> Self {
        self.epochs = epochs;
        self
    }

    /// Momentum μ ∈ [0, 1).
    pub fn momentum(mut self, momentum: f32) -> Self {
        self.momentum = momentum;
        self
    }

    /// L2 weight decay λ ≥ 0 (added to the gradient as λ·θ).
    pub fn weight_decay(mut self, weight_decay: f32) -> Self {
        self.weight_decay = weight_decay;
        self
    }

    /// Seed of the shuffling.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Early stopping, as Keras's `EarlyStopping(patience, restore_best_weights=True)`: stop
    /// once the loss on the evaluation set given to [`Sgd::fit`] has not fallen for
    /// `patience` epochs (≥ 1), and leave the model as it was after its best epoch. Give it a
    /// validation set, not the test set whose score is to be reported.
    ///
    /// # Example
    /// ```
    /// use xent::train::{Model, ModelKind, Scaling, Sgd};
    /// let data = xent::data::datasets::digits()?.split(0.2, 0);
    /// let (train, validation) = (data.train.split(0.2, 1).train, data.train.split(0.2, 1).test);
    /// let mut model = Model::for_dataset(ModelKind::Softmax, &train, 0)?;
    /// model.scaling = Scaling::standardize(&train.features);
    /// let reports = Sgd::new().batch_size(32).epochs(200).patience(3)
    ///     .fit(&mut model, &train, Some(&validation), |_| {})?;
    /// assert!(reports.len() < 200, "stopped early");
    /// // The model is the best epoch's: its validation loss is the least reported.
    /// let best = reports.iter().map(|r| r.test.unwrap().loss).fold(f64::INFINITY, f64::min);
    /// assert_eq!(xent::train::score(&model, &validation)?.loss, best);
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn patience(mut self, epochs: usize) -> Self {
        self.patience = Some(epochs);
        self
    }

    /// Checks the settings alone (learning rate, batch size, momentum, weight decay), as
    /// [`Sgd::fit`] does first, so that a caller can refuse bad settings before any work.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the first bad setting.
    ///
    /// # Example
    /// ```
    /// use xent::train::Sgd;
    /// assert!(Sgd::new().validate().is_ok());
    /// assert!(Sgd::new().learning_rate(f32::NAN).validate().is_err());
    /// assert!(Sgd::new().momentum(1.0).validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        let invalid = |name, value: f64, expected| Error::InvalidParameter {
            name,
            value,
            expected,
        };
        let lr = self.learning_rate;
        if !(lr.is_finite() && lr > 0.0) {
            return Err(invalid(
                "learning rate",
                lr as f64,
                "must be finite and > 0",
            ));
        }
        if self.batch_size == 0 {
            return Err(invalid("batch size", 0.0, "must be at least 1"));
        }
        if !(0.0..1.0).contains(&self.momentum) {
            return Err(invalid(
                "momentum",
                self.momentum as f64,
                "must lie in [0, 1)",
            ));
        }
        if self.patience == Some(0) {
            return Err(invalid("patience", 0.0, "must be at least 1 epoch"));
        }
        if !(self.weight_decay.is_finite() && self.weight_decay >= 0.0) {
            return Err(invalid(
                "weight decay",
                self.weight_decay as f64,
                "must be finite and ≥ 0",
            ));
        }
        Ok(())
    }

    fn check(&self, model: &Model, train: &Dataset) -> Result<(), Error> {
        self.validate()?;
        crate::layout::ensure_same_shape("features", &[model.inputs()], &[train.features.ncols()])
    }

    /// Trains `model` on `train`, evaluating on `test` after each epoch; `observe` sees every
    /// batch and every epoch report. Returns the reports. Features are raw: the model's
    /// [`Scaling`](super::Scaling) is applied to a copy of them (none is made when the
    /// scaling is [`Scaling::None`](super::Scaling::None)), as [`Model::probabilities`]
    /// applies it, so training and prediction always see the same transformation.
    ///
    /// Each batch is split into one contiguous part per thread of the current rayon pool;
    /// the parts' gradients are summed in a fixed order, so the same seed and thread count
    /// give bit-identical models.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for bad settings, [`Error::ShapeMismatch`] when the model
    /// does not fit the data, [`Error::Unsuitable`] for targets the model cannot learn, and
    /// [`Error::Diverged`] (naming the epoch and batch) as soon as a batch loss is NaN or ±∞.
    pub fn fit(
        &self,
        model: &mut Model,
        train: &Dataset,
        test: Option<&Dataset>,
        mut observe: impl FnMut(Progress<'_>),
    ) -> Result<Vec<EpochReport>, Error> {
        self.check(model, train)?;
        if self.patience.is_some() && test.is_none() {
            return Err(Error::InvalidParameter {
                name: "patience",
                value: self.patience.unwrap_or(0) as f64,
                expected: "early stopping needs an evaluation set to watch",
            });
        }
        // The model owns its scaling: the data comes raw and is scaled here, once (borrowed
        // as it is when the scaling is none), so that no caller can scale twice or not at all.
        let scaling = model.scaling.clone();
        let features = FeatureRows::new(train, &scaling)?;
        let test = test.map(|t| scaling.scaled(t)).transpose()?;
        let head = Head::new(model.kind, &train.targets)?;
        let n = train.len();
        let (d, k) = (model.inputs(), model.outputs());
        let b = self.batch_size.min(n);
        let batches_per_epoch = n.div_ceil(b);
        // Parts of fewer than 32 rows cost more in coordination than they save.
        let threads = threads().clamp(1, b.div_ceil(32));
        let part = b.div_ceil(threads);
        // Each thread holds its part's logits: bounded, so that a large class count with a
        // large batch is an error, not an allocation failure.
        if part.saturating_mul(k).saturating_mul(threads) > MAX_BATCH_LOGITS {
            return Err(Error::InvalidParameter {
                name: "batch size",
                value: b as f64,
                expected: "the batch's logits (batch size × outputs) must stay within 2^28 \
                           values: use a smaller batch",
            });
        }
        let workers: Vec<Mutex<Worker>> = (0..threads)
            .map(|_| Mutex::new(Worker::new(part, d, k)))
            .collect();
        let mut grad_w = Array2::<f32>::zeros((d, k));
        let mut grad_b = Array1::<f32>::zeros(k);
        let mut velocity_w = Array2::<f32>::zeros((d, k));
        let mut velocity_b = Array1::<f32>::zeros(k);
        let mut order: Vec<usize> = (0..n).collect();
        let mut rng = SplitMix64::new(self.seed);
        let mut reports = Vec::with_capacity(self.epochs.min(1 << 10));
        // Early stopping: the least evaluation loss so far, its epoch and its parameters.
        let mut best = Best {
            loss: f64::INFINITY,
            epoch: 0,
            parameters: None,
        };
        // The batches' parts run on a team of threads that spin between batches (see
        // kernels::team): an epoch is hundreds of steps of ~100 µs.
        with_team(threads, |team| -> Result<(), Error> {
            for epoch in 1..=self.epochs {
                let start = Instant::now();
                rng.shuffle(&mut order);
                let (mut loss_sum, mut metric_sum) = (0.0f64, 0.0f64);
                for (batch, rows) in order.chunks(b).enumerate() {
                    let m = rows.len();
                    let parts: Vec<&[usize]> = rows.chunks(part).collect();
                    let model_ref: &Model = model;
                    // One part per thread of the team (the last batch may have fewer parts).
                    team.run(&|t| {
                        if let Some(rows) = parts.get(t) {
                            let mut w = lock(&workers[t]);
                            let result = w.run(rows, &features, model_ref, &head);
                            w.result = Some(result);
                        }
                    });
                    let (mut batch_loss, mut batch_metric) = (0.0, 0.0);
                    for w in &workers[..parts.len()] {
                        let (l, m) = lock(w).result.take().expect("every part ran")?;
                        batch_loss += l;
                        batch_metric += m;
                    }
                    if !batch_loss.is_finite() {
                        return Err(Error::Diverged {
                            epoch,
                            batch: batch + 1,
                            loss: batch_loss / m as f64,
                        });
                    }
                    loss_sum += batch_loss;
                    metric_sum += batch_metric;
                    // The workers hold gradients of the batch's summed loss; the mean's is 1/m that.
                    {
                        let first = lock(&workers[0]);
                        grad_w.assign(&first.grad_w);
                        grad_b.assign(&first.grad_b);
                    }
                    for w in &workers[1..parts.len()] {
                        let w = lock(w);
                        grad_w += &w.grad_w;
                        grad_b += &w.grad_b;
                    }
                    let scale = 1.0 / m as f32;
                    self.update(
                        model.weights.view_mut(),
                        grad_w.view(),
                        velocity_w.view_mut(),
                        scale,
                    );
                    self.update(
                        model.bias.view_mut().insert_axis(Axis(1)),
                        grad_b.view().insert_axis(Axis(1)),
                        velocity_b.view_mut().insert_axis(Axis(1)),
                        scale,
                    );
                    observe(Progress::Batch {
                        done: (epoch - 1) * batches_per_epoch + batch + 1,
                        total: self.epochs * batches_per_epoch,
                    });
                }
                let seconds = start.elapsed().as_secs_f64();
                let test = match &test {
                    Some(t) => Some(score_scaled(model, t)?),
                    None => None,
                };
                let report = EpochReport {
                    epoch,
                    train: Score::new(model.kind, loss_sum / n as f64, metric_sum / n as f64),
                    test,
                    seconds,
                };
                observe(Progress::Epoch(&report));
                let loss = report.test.map(|t| t.loss);
                reports.push(report);
                if let (Some(patience), Some(loss)) = (self.patience, loss) {
                    if loss < best.loss {
                        best = Best {
                            loss,
                            epoch,
                            parameters: Some((model.weights.clone(), model.bias.clone())),
                        };
                    } else if epoch - best.epoch >= patience {
                        break;
                    }
                }
            }
            Ok(())
        })?;
        if let Some((weights, bias)) = best.parameters {
            model.weights = weights;
            model.bias = bias;
        }
        Ok(reports)
    }

    /// θ ← θ − η·v with v ← μ·v + (scale·g + λ·θ).
    fn update(
        &self,
        theta: ArrayViewMut2<'_, f32>,
        grad: ArrayView2<'_, f32>,
        velocity: ArrayViewMut2<'_, f32>,
        scale: f32,
    ) {
        let (lr, mu, wd) = (self.learning_rate, self.momentum, self.weight_decay);
        ndarray::Zip::from(theta)
            .and(grad)
            .and(velocity)
            .for_each(|t, &g, v| {
                let g = scale * g + wd * *t;
                *v = mu * *v + g;
                *t -= lr * *v;
            });
    }
}

/// One thread's share of a batch: its rows of features and logits, and the gradient of the
/// summed loss over them.
struct Worker {
    x: Array2<f32>,
    z: Array2<f32>,
    grad_w: Array2<f32>,
    grad_b: Array1<f32>,
    /// The last part's (summed loss, summed metric).
    result: Option<Result<(f64, f64), Error>>,
}

/// A worker's lock: only its own thread takes it during a step, the caller between steps.
fn lock(w: &Mutex<Worker>) -> std::sync::MutexGuard<'_, Worker> {
    w.lock().unwrap_or_else(|e| e.into_inner())
}

impl Worker {
    fn new(rows: usize, d: usize, k: usize) -> Worker {
        Worker {
            x: Array2::zeros((rows, d)),
            z: Array2::zeros((rows, k)),
            grad_w: Array2::zeros((d, k)),
            grad_b: Array1::zeros(k),
            result: None,
        }
    }

    /// Gathers `rows`, computes z = xW + b, the loss (summed) and its gradient.
    fn run(
        &mut self,
        rows: &[usize],
        features: &FeatureRows<'_>,
        model: &Model,
        head: &Head<'_>,
    ) -> Result<(f64, f64), Error> {
        let m = rows.len();
        features.gather(rows, self.x.view_mut());
        let x = self.x.slice(s![..m, ..]);
        let mut z = self.z.slice_mut(s![..m, ..]);
        matmul(x, model.weights.view(), z.view_mut(), false);
        for mut row in z.rows_mut() {
            row += &model.bias;
        }
        let result = head.measure(z.view_mut(), rows, true)?;
        // z now holds d(Σ loss)/dz: ∇W = xᵀ·dz, ∇b = Σ_rows dz. The product is taken as
        // ∇Wᵀ = dzᵀ·x, so that its long dimension (the features) is the gemm's n, over which
        // the microkernel streams, and its short one (the classes) the m it pads.
        matmul(z.t(), x, self.grad_w.view_mut().reversed_axes(), false);
        self.grad_b.fill(0.0);
        for row in z.rows() {
            self.grad_b += &row;
        }
        Ok(result)
    }
}
/// The loss at the model's output: turns logits into (summed loss, summed metric) and
/// overwrites them with the gradient of the summed loss.
enum Head<'a> {
    Softmax { labels: Vec<i64> },
    Logistic { labels: &'a [usize] },
    Linear { values: Vec<f32> },
}

impl<'a> Head<'a> {
    fn new(kind: ModelKind, targets: &'a Targets) -> Result<Head<'a>, Error> {
        Ok(match (kind, targets) {
            (ModelKind::Softmax, Targets::Classes { labels, .. }) => Head::Softmax {
                labels: labels.iter().map(|&l| l as i64).collect(),
            },
            (ModelKind::Logistic, Targets::Classes { labels, classes }) if *classes <= 2 => {
                Head::Logistic { labels }
            }
            (ModelKind::Linear, t) => Head::Linear { values: t.values() },
            _ => {
                return Err(Error::Unsuitable {
                    reason: "the targets do not suit the model: softmax needs class labels, \
                             logistic two classes, linear real values or labels"
                        .into(),
                })
            }
        })
    }

    /// The summed loss and metric (correct predictions, or the squared error) of the
    /// logits `z` of samples `rows`; with `backward`, `z` is overwritten by the gradient of
    /// the summed loss. Training and [`score`] both measure through here.
    fn measure(
        &self,
        z: ArrayViewMut2<'_, f32>,
        rows: &[usize],
        backward: bool,
    ) -> Result<(f64, f64), Error> {
        match self {
            Head::Softmax { labels } => {
                let batch: Vec<i64> = rows.iter().map(|&r| labels[r]).collect();
                let correct = z
                    .rows()
                    .into_iter()
                    .zip(&batch)
                    .filter(|(row, &y)| argmax(*row) as i64 == y)
                    .count();
                let sum = CrossEntropy::new().reduction(Reduction::Sum);
                let loss = if backward {
                    sum.forward_backward_in_place(z, &batch)?
                } else {
                    sum.forward(z.view(), &batch)?
                };
                Ok((scalar(loss), correct as f64))
            }
            Head::Logistic { labels } => {
                let t = Array2::from_shape_fn((rows.len(), 1), |(i, _)| labels[rows[i]] as f32);
                let correct = z
                    .column(0)
                    .iter()
                    .zip(&t)
                    .filter(|(&v, &y)| (v > 0.0) == (y == 1.0))
                    .count();
                let sum = BceWithLogits::new().reduction(Reduction::Sum);
                let loss = summed(
                    z,
                    backward,
                    |z| sum.forward(z, t.view()),
                    |z| sum.forward_backward(z, t.view()),
                )?;
                Ok((loss, correct as f64))
            }
            Head::Linear { values } => {
                let t = Array2::from_shape_fn((rows.len(), 1), |(i, _)| values[rows[i]]);
                let sum = Mse::new().reduction(Reduction::Sum);
                let squared_error = summed(
                    z,
                    backward,
                    |z| sum.forward(z, t.view()),
                    |z| sum.forward_backward(z, t.view()),
                )?;
                Ok((squared_error, squared_error))
            }
        }
    }
}

/// A summed loss of the logits `z`; with `backward`, `z` is overwritten by its gradient.
fn summed(
    mut z: ArrayViewMut2<'_, f32>,
    backward: bool,
    forward: impl FnOnce(ArrayView2<'_, f32>) -> Result<crate::loss::LossValue<f32>, Error>,
    both: impl FnOnce(ArrayView2<'_, f32>) -> Result<(crate::loss::LossValue<f32>, Array2<f32>), Error>,
) -> Result<f64, Error> {
    let loss = if backward {
        let (loss, grad) = both(z.view())?;
        z.assign(&grad);
        loss
    } else {
        forward(z.view())?
    };
    Ok(scalar(loss))
}

fn scalar(v: crate::loss::LossValue<f32>) -> f64 {
    v.scalar().map_or(f64::NAN, f64::from)
}

/// The most logits a batch may hold over all threads: 2²⁸ values, 1 GiB of `f32`.
const MAX_BATCH_LOGITS: usize = 1 << 28;

/// Logits evaluated at a time outside training.
pub(crate) const PREDICT_LOGITS: usize = 1 << 22;

/// The mean loss and metric (accuracy, or the mean squared error for linear regression) of
/// a model on a data set of raw features (the model applies its own scaling), computed in
/// chunks.
///
/// # Errors
/// [`Error::Unsuitable`] when the targets do not suit the model, [`Error::ShapeMismatch`]
/// when the features do not have the model's width.
///
/// # Example
/// ```
/// use xent::train::{score, Metric, Model, ModelKind, Scaling, Sgd};
/// let split = xent::data::datasets::digits()?.split(0.2, 0);
/// let mut model = Model::for_dataset(ModelKind::Softmax, &split.train, 0)?;
/// model.scaling = Scaling::Divide { by: 16.0 };
/// Sgd::new().batch_size(32).fit(&mut model, &split.train, None, |_| {})?;
/// let Metric::Accuracy(accuracy) = score(&model, &split.test)?.metric else { panic!() };
/// assert!(accuracy > 0.9);
/// # Ok::<(), xent::Error>(())
/// ```
pub fn score(model: &Model, data: &Dataset) -> Result<Score, Error> {
    crate::layout::ensure_same_shape("features", &[model.inputs()], &[data.features.ncols()])?;
    score_scaled(model, &*model.scaling.scaled(data)?)
}

/// [`score`] on features the model's scaling has already been applied to.
fn score_scaled(model: &Model, data: &Dataset) -> Result<Score, Error> {
    // Rows of logits at a time: 4096, fewer for wide models (at most 2²² logits, 16 MiB).
    let chunk_rows = (PREDICT_LOGITS / model.outputs().max(1)).clamp(1, 4096);
    let n = data.len();
    let head = Head::new(model.kind, &data.targets)?;
    let (mut loss_sum, mut metric_sum) = (0.0f64, 0.0f64);
    let mut z = Array2::<f32>::zeros((chunk_rows.min(n), model.outputs()));
    for start in (0..n).step_by(chunk_rows) {
        let end = (start + chunk_rows).min(n);
        let x: ArrayView2<'_, f32> = data.features.slice(s![start..end, ..]);
        let mut zc = z.slice_mut(s![..end - start, ..]).to_owned();
        model.linear_into(x, &mut zc);
        let rows: Vec<usize> = (start..end).collect();
        let (loss, metric) = head.measure(zc.view_mut(), &rows, false)?;
        loss_sum += loss;
        metric_sum += metric;
    }
    Ok(Score::new(
        model.kind,
        loss_sum / n as f64,
        metric_sum / n as f64,
    ))
}
