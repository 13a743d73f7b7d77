//! Linear models: linear, logistic and softmax regression, and their file format.

use super::dataset::{Dataset, Names, Scaling, Targets};
use crate::activation::{sigmoid, LogSoftmax, RowActivation, Softmax};
use crate::layout::argmax;
use crate::rng::SplitMix64;
use crate::Error;
use ndarray::{Array1, Array2, ArrayView2};
use serde::{Deserialize, Serialize};

/// Which model, and so which loss trains it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// ŷ = xW + b, trained with the mean squared error.
    Linear,
    /// P(y = 1) = σ(xw + b), trained with binary cross-entropy on logits.
    Logistic,
    /// P(y = k) = softmax(xW + b)ₖ, trained with cross-entropy on logits.
    Softmax,
}

impl std::str::FromStr for ModelKind {
    type Err = Error;

    /// Accepts `linear`, `logistic` and `softmax`.
    ///
    /// # Errors
    /// [`Error::UnknownName`] for anything else.
    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "linear" => Ok(ModelKind::Linear),
            "logistic" => Ok(ModelKind::Logistic),
            "softmax" => Ok(ModelKind::Softmax),
            _ => Err(Error::unknown_name(
                "model",
                s,
                "softmax, logistic or linear",
            )),
        }
    }
}

/// A linear model z = xW + b with its feature scaling: W is inputs × outputs (one output for
/// linear and logistic regression, one per class for softmax regression).
///
/// # File format
/// [`Model::to_json`] (and [`save_model`](crate::data::save_model)) writes JSON: `{"format": "xent-linear-model", "version": 1, "kind":
/// "softmax"|"logistic"|"linear", "inputs": D, "outputs": K, "weights": [[K numbers] × D],
/// "bias": [K numbers], "scaling": {"kind": "none"} | {"kind": "divide", "by": 255.0} |
/// {"kind": "standardize", "mean": [D], "std": [D]}, "names": {"features": [D names],
/// "label": "name", "classes": [names]}}`, where `names` and each of its parts is left out
/// when empty (files without it, from earlier versions, read as unnamed). Numbers
/// round-trip exactly.
///
/// # Example
/// ```
/// use xent::train::{Model, ModelKind, Scaling};
/// let mut m = Model::new(ModelKind::Softmax, 2, 3, 0);
/// m.weights.fill(0.0);
/// m.weights[[0, 2]] = 1.0;
/// let p = m.probabilities(ndarray::array![[10.0f32, 0.0]].view())?;
/// assert!(p[[0, 2]] > 0.99);
/// assert_eq!(Model::from_json(&m.to_json())?, m);
/// # Ok::<(), xent::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Linear, logistic or softmax regression.
    pub kind: ModelKind,
    /// inputs × outputs.
    pub weights: Array2<f32>,
    /// One per output.
    pub bias: Array1<f32>,
    /// Applied to raw features before the linear map.
    pub scaling: Scaling,
    /// The names of the training data's features, label and classes (see [`Names`]).
    pub names: Names,
}

#[derive(Serialize, Deserialize)]
struct ModelFile {
    format: String,
    version: u32,
    kind: ModelKind,
    inputs: usize,
    outputs: usize,
    weights: Vec<Vec<f32>>,
    bias: Vec<f32>,
    scaling: Scaling,
    #[serde(default, skip_serializing_if = "Names::is_empty")]
    names: Names,
}

impl ModelKind {
    /// The classes a model of this kind with `outputs` outputs tells apart (0 for a
    /// regression).
    fn classes(self, outputs: usize) -> usize {
        match self {
            ModelKind::Softmax => outputs,
            ModelKind::Logistic => 2,
            ModelKind::Linear => 0,
        }
    }
}

const FORMAT: &str = "xent-linear-model";

/// The most weights (inputs × outputs) [`Model::for_dataset`] makes: 2²⁸, 1 GiB of `f32`
/// (training holds the weights, their gradient, their velocity and a gradient per thread).
pub const MAX_PARAMETERS: usize = 1 << 28;

/// Checks what `train` guarantees of every model it writes, naming the first field that
/// breaks it: a model file edited by hand or damaged must not predict nonsense.
fn validate(file: &ModelFile) -> Result<(), String> {
    if file.inputs == 0 {
        return Err("inputs is 0: a model needs at least one feature".into());
    }
    match (file.kind, file.outputs) {
        (ModelKind::Softmax, k) if k < 2 => {
            return Err(format!(
                "outputs is {k}: softmax regression needs at least 2 classes"
            ))
        }
        (ModelKind::Logistic | ModelKind::Linear, k) if k != 1 => {
            return Err(format!(
                "outputs is {k}: {} regression has exactly 1 output",
                if file.kind == ModelKind::Linear {
                    "linear"
                } else {
                    "logistic"
                }
            ))
        }
        _ => {}
    }
    let finite = |name: &str, values: &[f32]| match values
        .iter()
        .enumerate()
        .find(|(_, v)| !v.is_finite())
    {
        Some((i, v)) => Err(format!("{name}[{i}] is {v}: every value must be finite")),
        None => Ok(()),
    };
    for (i, row) in file.weights.iter().enumerate() {
        if let Some((j, v)) = row.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(format!(
                "weights[{i}][{j}] is {v}: every value must be finite"
            ));
        }
    }
    finite("bias", &file.bias)?;
    match &file.scaling {
        Scaling::None => {}
        Scaling::Divide { by } => {
            if !(by.is_finite() && *by > 0.0) {
                return Err(format!(
                    "scaling.by is {by}: the divisor must be finite and > 0"
                ));
            }
        }
        Scaling::Standardize { mean, std } => {
            finite("scaling.mean", mean)?;
            if let Some((i, s)) = std
                .iter()
                .enumerate()
                .find(|(_, s)| !(s.is_finite() && **s > 0.0))
            {
                return Err(format!(
                    "scaling.std[{i}] is {s}: a standard deviation must be finite and > 0"
                ));
            }
        }
    }
    Ok(())
}

impl Model {
    /// A model with weights drawn from N(0, 0.01²) (seeded) and zero bias, as in the chapter.
    /// `classes` is the number of outputs of softmax regression; the others have one output.
    ///
    /// # Panics
    /// Aborts, as any allocation does, when the inputs × outputs weights do not fit in
    /// memory; [`Model::for_dataset`] checks the count against [`MAX_PARAMETERS`] first.
    pub fn new(kind: ModelKind, inputs: usize, classes: usize, seed: u64) -> Model {
        let outputs = match kind {
            ModelKind::Softmax => classes,
            ModelKind::Linear | ModelKind::Logistic => 1,
        };
        let mut rng = SplitMix64::new(seed);
        Model {
            kind,
            weights: Array2::from_shape_simple_fn((inputs, outputs), || {
                (0.01 * rng.normal()) as f32
            }),
            bias: Array1::zeros(outputs),
            scaling: Scaling::None,
            names: Names::default(),
        }
    }

    /// A fresh model of `kind` for a data set, after checking that its targets suit the kind.
    ///
    /// # Errors
    /// [`Error::Unsuitable`] for softmax or logistic regression on real-valued targets, or
    /// logistic regression on more than two classes.
    pub fn for_dataset(kind: ModelKind, data: &Dataset, seed: u64) -> Result<Model, Error> {
        let classes = match (&data.targets, kind) {
            (Targets::Values(_), ModelKind::Softmax | ModelKind::Logistic) => {
                return Err(Error::Unsuitable {
                    reason: format!(
                        "{} has real-valued targets: use --model linear, or integer class labels",
                        data.name
                    ),
                })
            }
            (Targets::Classes { classes, .. }, ModelKind::Logistic) if *classes > 2 => {
                return Err(Error::Unsuitable {
                    reason: format!(
                        "logistic regression needs two classes (0 and 1) but {} has {classes}: \
                         use --model softmax",
                        data.name
                    ),
                })
            }
            (Targets::Classes { classes, .. }, _) => *classes,
            (Targets::Values(_), ModelKind::Linear) => 1,
        };
        let outputs = if kind == ModelKind::Softmax {
            classes
        } else {
            1
        };
        let weights = data.features.ncols().saturating_mul(outputs);
        if weights > MAX_PARAMETERS {
            return Err(Error::Unsuitable {
                reason: format!(
                    "{} features × {outputs} outputs make {weights} weights, more than the \
                     limit of {MAX_PARAMETERS} (training holds four copies of them)",
                    data.features.ncols()
                ),
            });
        }
        let mut model = Model::new(kind, data.features.ncols(), classes, seed);
        model.names = data.names.clone();
        Ok(model)
    }

    /// The number of input features.
    pub fn inputs(&self) -> usize {
        self.weights.nrows()
    }

    /// The number of outputs.
    pub fn outputs(&self) -> usize {
        self.weights.ncols()
    }

    /// z = xW + b for features that are already scaled, into `out` (rows × outputs).
    pub(crate) fn linear_into(&self, x: ArrayView2<'_, f32>, out: &mut Array2<f32>) {
        crate::kernels::matmul(x, self.weights.view(), out.view_mut(), false);
        for mut row in out.rows_mut() {
            row += &self.bias;
        }
    }

    /// Scales raw features and returns z = xW + b (logits for the classifiers).
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] when the features do not have the model's number of inputs,
    /// or the bias does not have one value per output.
    pub fn logits(&self, raw: ArrayView2<'_, f32>) -> Result<Array2<f32>, Error> {
        crate::layout::ensure_same_shape("features", &[self.inputs()], &[raw.ncols()])?;
        // The fields are public: a bias of another length must be an error, not a panic.
        crate::layout::ensure_same_shape("bias", &[self.outputs()], &[self.bias.len()])?;
        let mut x = raw.to_owned();
        self.scaling.apply(&mut x)?;
        let mut z = Array2::zeros((x.nrows(), self.outputs()));
        self.linear_into(x.view(), &mut z);
        Ok(z)
    }

    /// Class probabilities: softmax of the logits, or [1 − σ(z), σ(z)] for logistic
    /// regression; for linear regression, the predictions themselves.
    ///
    /// # Errors
    /// As [`Model::logits`].
    pub fn probabilities(&self, raw: ArrayView2<'_, f32>) -> Result<Array2<f32>, Error> {
        let mut z = self.logits(raw)?;
        Ok(match self.kind {
            ModelKind::Softmax => {
                Softmax::new().apply_rows_in_place(z.view_mut());
                z
            }
            ModelKind::Logistic => {
                let p = z.column(0).mapv(sigmoid);
                Array2::from_shape_fn(
                    (z.nrows(), 2),
                    |(i, k)| if k == 1 { p[i] } else { 1.0 - p[i] },
                )
            }
            ModelKind::Linear => z,
        })
    }

    /// Log-probabilities (log-softmax, or log σ(−z), log σ(z)), exact for extreme logits.
    ///
    /// # Errors
    /// As [`Model::logits`].
    pub fn log_probabilities(&self, raw: ArrayView2<'_, f32>) -> Result<Array2<f32>, Error> {
        let mut z = self.logits(raw)?;
        Ok(match self.kind {
            ModelKind::Softmax => {
                LogSoftmax::new().apply_rows_in_place(z.view_mut());
                z
            }
            ModelKind::Logistic => Array2::from_shape_fn((z.nrows(), 2), |(i, k)| {
                let s = if k == 1 { z[[i, 0]] } else { -z[[i, 0]] };
                crate::activation::log_sigmoid(s)
            }),
            ModelKind::Linear => z,
        })
    }

    /// Predictions: the most probable class per row (as a number), or the regression value.
    ///
    /// # Errors
    /// As [`Model::logits`].
    pub fn predict(&self, raw: ArrayView2<'_, f32>) -> Result<Vec<f32>, Error> {
        // A chunk of rows at a time: the logits of a wide model over many rows would not fit.
        let rows = (super::sgd::PREDICT_LOGITS / self.outputs().max(1)).clamp(1, 4096);
        let mut out = Vec::with_capacity(raw.nrows());
        for start in (0..raw.nrows()).step_by(rows) {
            let end = (start + rows).min(raw.nrows());
            let z = self.logits(raw.slice(ndarray::s![start..end, ..]))?;
            out.extend(self.decide(z.view()));
        }
        if raw.nrows() == 0 {
            // The shape checks of `logits` still apply to an empty batch.
            self.logits(raw)?;
        }
        Ok(out)
    }

    /// Predictions from logits this model computed ([`Model::logits`]): the most probable
    /// class (the lowest index among ties), class 1 where a logistic logit is > 0, or the
    /// regression value; what [`Model::predict`] returns, for a caller that has the logits.
    ///
    /// # Example
    /// ```
    /// use xent::train::{Model, ModelKind};
    /// let m = Model::new(ModelKind::Softmax, 2, 3, 0);
    /// let z = ndarray::array![[0.1f32, 2.0, -1.0], [5.0, 5.0, 0.0]];
    /// assert_eq!(m.decide(z.view()), [1.0, 0.0]);
    /// ```
    pub fn decide(&self, z: ArrayView2<'_, f32>) -> Vec<f32> {
        match self.kind {
            ModelKind::Softmax => z.rows().into_iter().map(|r| argmax(r) as f32).collect(),
            ModelKind::Logistic => z
                .column(0)
                .iter()
                .map(|&v| if v > 0.0 { 1.0 } else { 0.0 })
                .collect(),
            ModelKind::Linear => z.column(0).to_vec(),
        }
    }

    /// The model as JSON (see the type's docs for the format).
    pub fn to_json(&self) -> String {
        let file = ModelFile {
            format: FORMAT.into(),
            version: 1,
            kind: self.kind,
            inputs: self.inputs(),
            outputs: self.outputs(),
            weights: self
                .weights
                .rows()
                .into_iter()
                .map(|r| r.to_vec())
                .collect(),
            bias: self.bias.to_vec(),
            scaling: self.scaling.clone(),
            names: self.names.clone(),
        };
        serde_json::to_string(&file).expect("a model always serialises")
    }

    /// Reads a model from JSON.
    ///
    /// # Errors
    /// [`Error::Format`] for text that is not a model file or whose arrays disagree with its
    /// declared sizes.
    pub fn from_json(text: &str) -> Result<Model, Error> {
        let bad = |reason: String| Error::Format {
            format: "model",
            reason,
        };
        let file: ModelFile = serde_json::from_str(text)
            .map_err(|e| bad(crate::shortest::shorten_middle(&e.to_string(), 80)))?;
        if file.format != FORMAT || file.version != 1 {
            return Err(bad(format!(
                "not an {FORMAT} version 1 file (format {:?}, version {})",
                file.format, file.version
            )));
        }
        let consistent = file.weights.len() == file.inputs
            && file.weights.iter().all(|r| r.len() == file.outputs)
            && file.bias.len() == file.outputs
            && match &file.scaling {
                Scaling::Standardize { mean, std } => {
                    mean.len() == file.inputs && std.len() == file.inputs
                }
                _ => true,
            };
        if !consistent {
            return Err(bad(format!(
                "the arrays do not match inputs = {}, outputs = {}",
                file.inputs, file.outputs
            )));
        }
        validate(&file).map_err(bad)?;
        file.names
            .check(file.inputs, file.kind.classes(file.outputs))
            .map_err(|reason| bad(format!("names: {reason}")))?;
        Ok(Model {
            kind: file.kind,
            weights: Array2::from_shape_vec((file.inputs, file.outputs), file.weights.concat())
                .expect("checked above"),
            bias: Array1::from(file.bias),
            scaling: file.scaling,
            names: file.names,
        })
    }
}
