//! Training linear, logistic and softmax regression with minibatch SGD: the "linear neural
//! networks" chapter of every deep-learning course, on xent's own losses and gradients.
//!
//! ```
//! use xent::train::{Metric, Model, ModelKind, Scaling, Sgd};
//! let split = xent::data::datasets::digits()?.split(0.2, 0);
//! let mut model = Model::for_dataset(ModelKind::Softmax, &split.train, 0)?;
//! // The model owns its scaling, fitted on the training set; every method takes raw features.
//! model.scaling = Scaling::standardize(&split.train.features);
//! let reports = Sgd::new().batch_size(32).fit(&mut model, &split.train, Some(&split.test), |_| {})?;
//! let last = reports.last().unwrap();
//! assert!(last.train.loss < reports[0].train.loss);
//! // Predictions on the raw test features agree with the accuracy the last epoch reported.
//! let predicted = model.predict(split.test.features.view())?;
//! let labels = split.test.targets.values();
//! let hits = predicted.iter().zip(&labels).filter(|(p, y)| p == y).count();
//! let accuracy = hits as f64 / labels.len() as f64;
//! assert_eq!(Some(Metric::Accuracy(accuracy)), last.test.map(|s| s.metric));
//! assert!(accuracy > 0.95, "{accuracy}");
//! # Ok::<(), xent::Error>(())
//! ```
//!
//! `Sgd::fit`, [`score`], and the model's `logits`, `probabilities` and `predict` all
//! take raw features: the scaling is applied inside, once, so that training and prediction
//! cannot disagree about it.
//!
//! The matrix products go through the `gemm` crate (`kernels::matmul`); the gradient of the loss with respect to the logits comes from the
//! [`loss`](crate::loss) module's fused forward+backward, in place over the batch's logits.

mod dataset;
mod model;
mod report;
mod rows;
mod sgd;

pub use dataset::{Dataset, Names, Scaling, Split, Targets, MAX_INFERRED_CLASSES};
pub use model::{Model, ModelKind, MAX_PARAMETERS};
pub use report::{EpochReport, Metric, Score};
pub use sgd::{score, Progress, Sgd};
