//! Data sets for training: features, targets, splits and feature scaling.

use crate::rng::SplitMix64;
use crate::Error;
use ndarray::{Array1, Array2, Axis};
use serde::{Deserialize, Serialize};

/// The most classes labels may imply without the number of classes being given.
pub const MAX_INFERRED_CLASSES: usize = 1_000_000;

/// What a data set asks the model to predict.
#[derive(Debug, Clone, PartialEq)]
pub enum Targets {
    /// Class labels 0..classes.
    Classes {
        /// One label per sample.
        labels: Vec<usize>,
        /// The number of classes (one more than the largest label, at least 2).
        classes: usize,
    },
    /// Real values (regression).
    Values(Vec<f32>),
}

impl Targets {
    /// Class labels when every value is a non-negative integer below 2²⁴, else real values.
    ///
    /// # Example
    /// ```
    /// use xent::train::Targets;
    /// assert!(matches!(Targets::from_values(&[0.0, 2.0, 1.0]), Targets::Classes { classes: 3, .. }));
    /// assert!(matches!(Targets::from_values(&[0.5, 2.0]), Targets::Values(_)));
    /// ```
    pub fn from_values(values: &[f64]) -> Targets {
        let is_class = |v: f64| v >= 0.0 && v.fract() == 0.0 && v < 16_777_216.0;
        if !values.is_empty() && values.iter().all(|&v| is_class(v)) {
            let labels: Vec<usize> = values.iter().map(|&v| v as usize).collect();
            let classes = labels.iter().max().map_or(0, |m| m + 1).max(2);
            Targets::Classes { labels, classes }
        } else {
            Targets::Values(values.iter().map(|&v| v as f32).collect())
        }
    }

    /// [`Targets::from_values`], with the number of classes bounded by the evidence: without
    /// `classes`, labels make at most `max(1000, 10 × rows)` classes and never more than
    /// [`MAX_INFERRED_CLASSES`] (one stray label 16777215 must not size a model of 16.7
    /// million outputs); with `classes`, every label must be an integer below it (at most
    /// 2²⁴). `source` names the data in errors.
    ///
    /// # Errors
    /// [`Error::Unsuitable`] naming the row of a label beyond the bound.
    ///
    /// # Example
    /// ```
    /// use xent::train::Targets;
    /// let t = Targets::checked_classes(&[0.0, 2.0], None, "y.csv")?;
    /// assert!(matches!(t, Targets::Classes { classes: 3, .. }));
    /// assert!(Targets::checked_classes(&[0.0, 16777215.0], None, "y.csv").is_err());
    /// let t = Targets::checked_classes(&[0.0, 1.0], Some(5), "y.csv")?;
    /// assert!(matches!(t, Targets::Classes { classes: 5, .. }));
    /// assert!(Targets::checked_classes(&[0.0, 5.0], Some(5), "y.csv").is_err());
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn checked_classes(
        values: &[f64],
        classes: Option<usize>,
        source: &str,
    ) -> Result<Targets, Error> {
        if let Some(k) = classes {
            if !(2..=1 << 24).contains(&k) {
                return Err(Error::Unsuitable {
                    reason: format!("{k} classes: give between 2 and 16777216"),
                });
            }
            let labels = values
                .iter()
                .enumerate()
                .map(|(row, &v)| {
                    if v >= 0.0 && v.fract() == 0.0 && v < k as f64 {
                        Ok(v as usize)
                    } else {
                        Err(Error::Unsuitable {
                            reason: format!(
                                "{source}: the label of row {} is {}, not a class of 0 to {}",
                                row + 1,
                                crate::Shortest(v),
                                k - 1
                            ),
                        })
                    }
                })
                .collect::<Result<Vec<usize>, Error>>()?;
            return Ok(Targets::Classes { labels, classes: k });
        }
        let targets = Targets::from_values(values);
        if let Targets::Classes { labels, classes } = &targets {
            let bound = (10 * labels.len()).clamp(1000, MAX_INFERRED_CLASSES);
            if *classes > bound {
                let row = labels.iter().position(|&l| l + 1 == *classes).unwrap_or(0);
                return Err(Error::Unsuitable {
                    reason: format!(
                        "{source}: the label of row {} is {}, which would make {classes} classes \
                         from {} rows (the bound is {bound}); give the number of classes \
                         (--classes) if that is meant",
                        row + 1,
                        classes - 1,
                        labels.len()
                    ),
                });
            }
        }
        Ok(targets)
    }

    /// The number of samples.
    pub fn len(&self) -> usize {
        match self {
            Targets::Classes { labels, .. } => labels.len(),
            Targets::Values(v) => v.len(),
        }
    }

    /// `true` when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The targets as real values (class labels become their index).
    pub fn values(&self) -> Vec<f32> {
        match self {
            Targets::Classes { labels, .. } => labels.iter().map(|&l| l as f32).collect(),
            Targets::Values(v) => v.clone(),
        }
    }

    fn select(&self, rows: &[usize]) -> Targets {
        match self {
            Targets::Classes { labels, classes } => Targets::Classes {
                labels: rows.iter().map(|&r| labels[r]).collect(),
                classes: *classes,
            },
            Targets::Values(v) => Targets::Values(rows.iter().map(|&r| v[r]).collect()),
        }
    }
}

/// Features (one row per sample) and their targets.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// A short name for reports (`digits`, `fashion-mnist`, a file name).
    pub name: String,
    /// One row of features per sample.
    pub features: Array2<f32>,
    /// One target per sample.
    pub targets: Targets,
    /// The names its file gave the columns and classes (empty for unnamed data).
    pub names: Names,
}

/// The names a data set's file gave its columns and classes, kept with the model trained on
/// it: predictions then come back as class names, and new data is matched to the model's
/// features by column name. Every part may be empty: digits and IDX files name nothing.
///
/// # Example
/// ```
/// use xent::train::Names;
/// let names = Names { classes: vec!["cat".into(), "dog".into()], ..Names::default() };
/// assert_eq!(names.class(1), "dog");
/// assert_eq!(Names::default().class(1), "1");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Names {
    /// One per feature, in the model's input order, or none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<String>,
    /// The label column's name, when the file had a header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// One per class (class `k` is `classes[k]`), or none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<String>,
}

impl Names {
    /// `true` when nothing is named.
    pub fn is_empty(&self) -> bool {
        self.features.is_empty() && self.label.is_none() && self.classes.is_empty()
    }

    /// The name of class `k`: its name, or the number itself for unnamed classes.
    pub fn class(&self, k: usize) -> String {
        self.classes
            .get(k)
            .cloned()
            .unwrap_or_else(|| k.to_string())
    }

    /// Checks the names against `features` inputs and `classes` classes (0 for a
    /// regression): each list empty or one per item, no name twice.
    ///
    /// # Errors
    /// A message naming what does not fit.
    pub(crate) fn check(&self, features: usize, classes: usize) -> Result<(), String> {
        for (what, list, count) in [
            ("feature", &self.features, features),
            ("class", &self.classes, classes),
        ] {
            if !list.is_empty() && list.len() != count {
                return Err(format!(
                    "{} {what} names for {count} {what}{}",
                    list.len(),
                    if what == "class" { "es" } else { "s" }
                ));
            }
            let mut seen = std::collections::HashSet::new();
            if let Some(twice) = list.iter().find(|n| !seen.insert(n.as_str())) {
                return Err(format!("the {what} name {twice:?} appears twice"));
            }
        }
        Ok(())
    }
}

/// A training set and a test set.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// The samples to fit.
    pub train: Dataset,
    /// The held-out samples.
    pub test: Dataset,
}

impl Dataset {
    /// Checks that features and targets have one row per sample.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] when the counts differ, [`Error::Empty`] for no samples.
    pub fn new(name: &str, features: Array2<f32>, targets: Targets) -> Result<Dataset, Error> {
        if features.nrows() != targets.len() {
            return Err(Error::ShapeMismatch {
                input: "labels",
                expected: vec![features.nrows()],
                found: vec![targets.len()],
            });
        }
        if features.nrows() == 0 || features.ncols() == 0 {
            return Err(Error::Empty { input: "features" });
        }
        Ok(Dataset {
            name: name.to_string(),
            features,
            targets,
            names: Names::default(),
        })
    }

    /// The data set with the names of its columns and classes.
    ///
    /// # Errors
    /// [`Error::Unsuitable`] when a list of names is not empty and not one per feature or
    /// class, or names the same thing twice.
    ///
    /// # Example
    /// ```
    /// use xent::train::{Dataset, Names, Targets};
    /// let x = ndarray::array![[1.0f32], [2.0]];
    /// let y = Targets::Classes { labels: vec![0, 1], classes: 2 };
    /// let names = Names { classes: vec!["no".into(), "yes".into()], ..Names::default() };
    /// let d = Dataset::new("t", x, y)?.with_names(names)?;
    /// assert_eq!(d.names.class(1), "yes");
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn with_names(self, names: Names) -> Result<Dataset, Error> {
        let classes = match &self.targets {
            Targets::Classes { classes, .. } => *classes,
            Targets::Values(_) => 0,
        };
        names
            .check(self.features.ncols(), classes)
            .map_err(|reason| Error::Unsuitable {
                reason: format!("{}: {reason}", self.name),
            })?;
        Ok(Dataset { names, ..self })
    }

    /// The number of samples.
    pub fn len(&self) -> usize {
        self.features.nrows()
    }

    /// `true` when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The chapter's synthetic regression data: X ~ N(0, 1) with 2 features and
    /// y = X·[2, −3.4] + 4.2 + ε, ε ~ N(0, 0.01²).
    ///
    /// # Example
    /// ```
    /// let d = xent::train::Dataset::synthetic_linear(1000, 0);
    /// assert_eq!(d.features.dim(), (1000, 2));
    /// ```
    pub fn synthetic_linear(n: usize, seed: u64) -> Dataset {
        let mut rng = SplitMix64::new(seed);
        let features = Array2::from_shape_simple_fn((n, 2), || rng.normal() as f32);
        let targets = features
            .rows()
            .into_iter()
            .map(|x| (2.0 * x[0] as f64 - 3.4 * x[1] as f64 + 4.2 + 0.01 * rng.normal()) as f32)
            .collect();
        Dataset {
            name: "synthetic-linear".into(),
            features,
            targets: Targets::Values(targets),
            names: Names::default(),
        }
    }

    /// The samples at `rows`, in that order.
    ///
    /// # Panics
    /// When a row index is not below [`Dataset::len`] (indices are the caller's to keep in
    /// range, as for slice indexing).
    pub fn select(&self, rows: &[usize]) -> Dataset {
        Dataset {
            name: self.name.clone(),
            features: self.features.select(Axis(0), rows),
            targets: self.targets.select(rows),
            names: self.names.clone(),
        }
    }

    /// A deterministic random split: `test_fraction` of the samples (rounded, at least one
    /// each side when possible) go to the test set.
    ///
    /// # Example
    /// ```
    /// let split = xent::data::datasets::digits()?.split(0.2, 0);
    /// assert_eq!((split.train.len(), split.test.len()), (1438, 359));
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn split(&self, test_fraction: f64, seed: u64) -> Split {
        let n = self.len();
        let mut order: Vec<usize> = (0..n).collect();
        SplitMix64::new(seed).shuffle(&mut order);
        let mut test = ((n as f64 * test_fraction).round() as usize).min(n);
        if n >= 2 {
            test = test.clamp(1, n - 1);
        }
        let (test_rows, train_rows) = order.split_at(test);
        Split {
            train: self.select(train_rows),
            test: self.select(test_rows),
        }
    }
}

/// How features are scaled before training; fitted on the training set and stored with the
/// model so that prediction applies the same transformation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Scaling {
    /// Features as they are.
    None,
    /// Divide every feature by a constant (255 for 8-bit pixels, as the chapter does).
    Divide {
        /// The divisor.
        by: f32,
    },
    /// Subtract each feature's training mean and divide by its standard deviation (features
    /// that are constant in training are only centred).
    Standardize {
        /// Per-feature mean.
        mean: Vec<f32>,
        /// Per-feature standard deviation (1 where it was 0).
        std: Vec<f32>,
    },
}

impl Scaling {
    /// Fits standardisation to the features of a training set.
    pub fn standardize(features: &Array2<f32>) -> Scaling {
        let n = features.nrows().max(1) as f64;
        let mean: Array1<f64> = features.mapv(f64::from).sum_axis(Axis(0)) / n;
        let var =
            features
                .rows()
                .into_iter()
                .fold(Array1::<f64>::zeros(features.ncols()), |acc, r| {
                    acc + r
                        .mapv(f64::from)
                        .iter()
                        .zip(&mean)
                        .map(|(x, m)| (x - m) * (x - m))
                        .collect::<Array1<f64>>()
                })
                / n;
        Scaling::Standardize {
            mean: mean.iter().map(|&m| m as f32).collect(),
            std: var
                .iter()
                .map(|&v| if v > 0.0 { v.sqrt() as f32 } else { 1.0 })
                .collect(),
        }
    }

    /// The data set with its features scaled, borrowed unchanged when the scaling is
    /// [`Scaling::None`].
    ///
    /// # Errors
    /// As [`Scaling::apply`].
    ///
    /// # Example
    /// ```
    /// use xent::train::{Dataset, Scaling};
    /// let data = xent::data::datasets::digits()?;
    /// assert!(matches!(Scaling::None.scaled(&data)?, std::borrow::Cow::Borrowed(_)));
    /// let scaled = Scaling::Divide { by: 16.0 }.scaled(&data)?;
    /// assert_eq!(scaled.features[[0, 2]], data.features[[0, 2]] / 16.0);
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn scaled<'a>(&self, data: &'a Dataset) -> Result<std::borrow::Cow<'a, Dataset>, Error> {
        if *self == Scaling::None {
            return Ok(std::borrow::Cow::Borrowed(data));
        }
        let mut copy = data.clone();
        self.apply(&mut copy.features)?;
        Ok(std::borrow::Cow::Owned(copy))
    }

    /// Applies the scaling to features, in place.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] when standardisation was fitted to another number of features.
    pub fn apply(&self, features: &mut Array2<f32>) -> Result<(), Error> {
        match self {
            Scaling::None => {}
            Scaling::Divide { by } => features.mapv_inplace(|v| v / by),
            Scaling::Standardize { mean, std } => {
                crate::layout::ensure_same_shape("features", &[mean.len()], &[features.ncols()])?;
                for mut row in features.rows_mut() {
                    for ((v, m), s) in row.iter_mut().zip(mean).zip(std) {
                        *v = (*v - m) / s;
                    }
                }
            }
        }
        Ok(())
    }
}
