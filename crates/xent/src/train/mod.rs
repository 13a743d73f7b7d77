//! Training linear, logistic and softmax regression with minibatch SGD: the "linear neural
//! networks" chapter of every deep-learning course, on xent's own losses and gradients.
//!
//! ```
//! use xent::train::{Dataset, Model, ModelKind, Scaling, Sgd};
//! let mut split = Dataset::digits()?.split(0.2, 0);
//! let scaling = Scaling::standardize(&split.train.features);
//! scaling.apply(&mut split.train.features)?;
//! scaling.apply(&mut split.test.features)?;
//! let mut model = Model::for_dataset(ModelKind::Softmax, &split.train, 0)?;
//! model.scaling = scaling;
//! let reports = Sgd::new().fit(&mut model, &split.train, Some(&split.test), |_| {})?;
//! let last = reports.last().unwrap();
//! assert!(last.test_accuracy.unwrap() > 0.9);
//! assert!(last.train_loss < reports[0].train_loss);
//! # Ok::<(), xent::Error>(())
//! ```
//!
//! The matrix products go through `ndarray`'s `general_mat_mul` (the maintained
//! `matrixmultiply` GEMM); the gradient of the loss with respect to the logits comes from the
//! [`loss`](crate::loss) module's fused forward+backward, in place over the batch's logits.

mod dataset;
mod model;
mod rng;
mod sgd;

pub use dataset::{Dataset, Scaling, Split, Targets, MAX_INFERRED_CLASSES};
pub use model::{Model, ModelKind, MAX_MODEL_BYTES};
pub use rng::SplitMix64;
pub use sgd::{evaluate, EpochReport, Progress, Sgd};
