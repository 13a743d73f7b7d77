//! The training data sets: the embedded digits, Fashion-MNIST from its IDX files, and any
//! numeric table (CSV or NPY) as features and a label column, each read into a
//! [`Dataset`]. Reading lives here, at the edge; `train` only fits.

use super::{parse_idx, Columns, IdxArray, LabelledReader, LabelledTable, Labels, Table};
use crate::train::{Dataset, Split, Targets};
use crate::Error;
use ndarray::{Array2, Axis};
use std::path::Path;

/// The embedded digits data set: the 1,797 8×8 handwritten digits of the UCI optdigits
/// test set (as shipped by scikit-learn), 64 features with pixel counts 0..16, 10 classes.
/// Compiled into the library (57 KB compressed), so it works offline and in every clone.
/// Licence: CC BY 4.0, Alpaydin & Kaynak (1998), UCI Machine Learning Repository.
///
/// # Errors
/// Only if the embedded bytes were corrupted at build time ([`Error::Format`]).
///
/// # Example
/// ```
/// use xent::train::Targets;
/// let d = xent::data::datasets::digits()?;
/// assert_eq!((d.len(), d.features.ncols()), (1797, 64));
/// assert!(d.features.iter().all(|&v| (0.0..=16.0).contains(&v)));
/// let Targets::Classes { labels, classes: 10 } = &d.targets else { panic!() };
/// assert_eq!(labels.iter().filter(|&&c| c == 0).count(), 178);
/// # Ok::<(), xent::Error>(())
/// ```
pub fn digits() -> Result<Dataset, Error> {
    let (features, labels) = super::digits::decode()?;
    Dataset::new(
        "digits",
        features,
        Targets::Classes {
            labels,
            classes: 10,
        },
    )
}

/// Images and labels from the bytes of two IDX files (raw or gzip): the images' trailing
/// dimensions are flattened into one row per image, labels must be one per image.
///
/// # Errors
/// [`Error::Format`] for malformed IDX data, [`Error::ShapeMismatch`] when the counts of
/// images and labels differ.
pub fn from_idx(name: &str, images: &[u8], labels: &[u8]) -> Result<Dataset, Error> {
    from_idx_arrays(name, parse_idx(images)?, parse_idx(labels)?)
}

/// [`from_idx`] on arrays already parsed.
fn from_idx_arrays(name: &str, images: IdxArray, labels: IdxArray) -> Result<Dataset, Error> {
    let bad = |reason: String| Error::Format {
        format: "IDX",
        reason,
    };
    if images.dims.len() < 2 || images.dims.contains(&0) {
        return Err(bad(format!(
            "images must have two or more dimensions, none of them 0, not {:?}",
            images.dims
        )));
    }
    if labels.dims.len() != 1 {
        return Err(bad(format!(
            "labels must be one-dimensional, not {:?}",
            labels.dims
        )));
    }
    let n = images.dims[0];
    let width = images.dims[1..].iter().product::<usize>();
    let features = Array2::from_shape_vec((n, width), images.data)
        .map_err(|_| bad("the image data does not fill its dimensions".into()))?
        .mapv(f32::from);
    let labels: Vec<usize> = labels.data.into_iter().map(usize::from).collect();
    let classes = labels.iter().max().map_or(0, |m| m + 1).max(2);
    Dataset::new(name, features, Targets::Classes { labels, classes })
}

/// Fashion-MNIST (or MNIST) from a folder holding `train-images-idx3-ubyte`,
/// `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte` and `t10k-labels-idx1-ubyte`, each
/// either gzip-compressed (`.gz`) or raw: 60,000 training and 10,000 test images of 784
/// pixels 0..255.
///
/// # Errors
/// [`Error::Io`] naming the first file that is missing, and the errors of
/// [`from_idx`].
pub fn fashion_mnist(dir: &Path) -> Result<Split, Error> {
    let read = |stem: &str| -> Result<IdxArray, Error> {
        for name in [format!("{stem}.gz"), stem.to_string()] {
            let path = dir.join(&name);
            if path.is_file() {
                // A compressed file is never much larger than its data (incompressible
                // bytes grow by a few in a thousand).
                let limit = super::MAX_IDX_ELEMENTS as u64 + (1 << 20);
                let bytes = super::read_capped(&path, limit, "an IDX file")?;
                // The error names the file of the four that is malformed.
                return parse_idx(&bytes).map_err(|e| match e {
                    Error::Format { format, reason } => Error::Format {
                        format,
                        reason: format!("{name}: {reason}"),
                    },
                    other => other,
                });
            }
        }
        Err(Error::io_message(
            &dir.join(format!("{stem}.gz")),
            std::io::ErrorKind::NotFound,
            "no such file (nor without .gz)",
        ))
    };
    let train = from_idx_arrays(
        "fashion-mnist",
        read("train-images-idx3-ubyte")?,
        read("train-labels-idx1-ubyte")?,
    )?;
    let test = from_idx_arrays(
        "fashion-mnist",
        read("t10k-images-idx3-ubyte")?,
        read("t10k-labels-idx1-ubyte")?,
    )?;
    if train.features.ncols() != test.features.ncols() {
        return Err(Error::Format {
            format: "IDX",
            reason: format!(
                "the training images have {} pixels each, the test images {}",
                train.features.ncols(),
                test.features.ncols()
            ),
        });
    }
    for (part, data) in [("train", &train), ("t10k", &test)] {
        if let Targets::Classes { labels, .. } = &data.targets {
            if let Some((i, l)) = labels.iter().enumerate().find(|(_, &l)| l >= 10) {
                return Err(Error::Format {
                    format: "IDX",
                    reason: format!("{part} label {i} is {l}; Fashion-MNIST labels are 0..9"),
                });
            }
        }
    }
    let ten = |d: Dataset| Dataset {
        targets: match d.targets {
            Targets::Classes { labels, .. } => Targets::Classes {
                labels,
                classes: 10,
            },
            other => other,
        },
        ..d
    };
    Ok(Split {
        train: ten(train),
        test: ten(test),
    })
}

/// A CSV file of features and a label (see [`LabelledReader`] for what it reads: a header of
/// names, text labels, quoted fields, gzip), its columns chosen by `columns` (by default the
/// last is the label, every other a feature). Integer labels ≥ 0 make a classification task,
/// other numbers a regression task, text labels a class per distinct label, sorted (named in
/// [`Dataset::names`]). `classes` fixes the number of classes of numeric labels; without it
/// the largest label decides, within the bound of [`Targets::checked_classes`].
///
/// # Errors
/// The errors of [`LabelledReader::read`], [`Error::Unsuitable`] for labels beyond the class
/// bound, and [`from_labelled`]'s.
///
/// # Example
/// ```
/// let path = std::env::temp_dir().join(format!("xent-doc-from-csv-{}.csv", std::process::id()));
/// std::fs::write(&path, "x,y,kind\n1,2,spam\n3,4,ham\n5,6,spam\n").unwrap();
/// let d = xent::data::datasets::from_csv(&path, &Default::default(), None)?;
/// assert_eq!(d.names.classes, ["ham", "spam"]);
/// assert_eq!(d.targets, xent::train::Targets::Classes { labels: vec![1, 0, 1], classes: 2 });
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), xent::Error>(())
/// ```
pub fn from_csv(path: &Path, columns: &Columns, classes: Option<usize>) -> Result<Dataset, Error> {
    let reader = LabelledReader::open(path, None, super::DEFAULT_MAX_LINE_BYTES)?;
    from_labelled(&path.display().to_string(), reader.read(columns)?, classes)
}

/// A data set from a table read with [`LabelledReader`]; `source` names it in errors and,
/// by its file name, in reports; `classes` as for [`from_csv`].
///
/// # Errors
/// [`Error::Unsuitable`] when the table was read without its label, for numeric labels
/// beyond the class bound or beyond the class names of scikit-learn's header, for text labels
/// of a single class or with a `classes` that is not their number.
pub fn from_labelled(
    source: &str,
    table: LabelledTable,
    classes: Option<usize>,
) -> Result<Dataset, Error> {
    let unsuitable = |reason: String| Error::Unsuitable {
        reason: format!("{source}: {reason}"),
    };
    let mut names = table.names;
    let targets = match table.labels {
        None => {
            return Err(unsuitable(
                "the table was read without a label column".into(),
            ))
        }
        Some(Labels::Numbers(values)) => {
            let named = names.classes.len();
            let classes = classes.or((named > 0).then_some(named));
            let targets = Targets::checked_classes(&values, classes, source)?;
            if !matches!(targets, Targets::Classes { .. }) {
                names.classes.clear();
            }
            targets
        }
        Some(Labels::Classes(labels)) => {
            let count = names.classes.len();
            if count < 2 {
                return Err(unsuitable(format!(
                    "every label is {:?}: a classifier needs two classes at least",
                    names.classes.first().cloned().unwrap_or_default()
                )));
            }
            if let Some(k) = classes.filter(|&k| k != count) {
                return Err(unsuitable(format!(
                    "the labels name {count} classes, not the {k} given"
                )));
            }
            Targets::Classes {
                labels,
                classes: count,
            }
        }
    };
    let name = Path::new(source)
        .file_name()
        .map_or("csv".into(), |n| n.to_string_lossy().into_owned());
    Dataset::new(&name, table.features, targets)?.with_names(names)
}

/// A data set from a numeric [`Table`] (as [`super::read_table`] reads CSV or NPY): the
/// features and one label column (`None` for the last; a negative index counts from the
/// end); `source` names it in errors and, by its file name, in reports; `classes` as for
/// [`from_csv`].
///
/// # Errors
/// [`Error::Unsuitable`] for a label column that does not exist, a table with only one
/// column, or labels beyond the class bound.
///
/// # Example
/// ```
/// let table = xent::data::parse_csv(b"0.5,1\n0.25,0\n0.75,1\n")?;
/// let d = xent::data::datasets::from_table("t.csv", table, None, None)?;
/// assert_eq!((d.len(), d.features.ncols()), (3, 1));
/// # Ok::<(), xent::Error>(())
/// ```
pub fn from_table(
    source: &str,
    table: Table,
    label_column: Option<isize>,
    classes: Option<usize>,
) -> Result<Dataset, Error> {
    let cols = table.values.ncols();
    if cols < 2 {
        return Err(Error::Unsuitable {
            reason: format!("{source}: needs features and a label column"),
        });
    }
    let label = match label_column.unwrap_or(-1) {
        c if c < 0 && c.unsigned_abs() <= cols => cols - c.unsigned_abs(),
        c if c >= 0 && (c as usize) < cols => c as usize,
        c => {
            return Err(Error::Unsuitable {
                reason: format!("{source}: label column {c} does not exist ({cols} columns)"),
            })
        }
    };
    let labels: Vec<f64> = table.values.column(label).to_vec();
    let features = table.values.select(
        Axis(1),
        &(0..cols).filter(|&c| c != label).collect::<Vec<_>>(),
    );
    let name = Path::new(source)
        .file_name()
        .map_or("csv".into(), |n| n.to_string_lossy().into_owned());
    let targets = Targets::checked_classes(&labels, classes, source)?;
    Dataset::new(&name, features.mapv(|v| v as f32), targets)
}

/// Features and labels from two `.npy` (or CSV) files: a 2-D array of features and a
/// 1-D array (or one column) of labels; `classes` as for [`from_csv`].
///
/// # Errors
/// The errors of [`super::read_table`], [`Error::Unsuitable`] for labels with more than one
/// column, [`Error::ShapeMismatch`] when the counts differ.
pub fn from_npy(features: &Path, labels: &Path, classes: Option<usize>) -> Result<Dataset, Error> {
    let (x, y) = (super::read_table(features)?, super::read_table(labels)?);
    let names = (features.display().to_string(), labels.display().to_string());
    from_tables((&names.0, x), (&names.1, y), classes)
}

/// [`from_npy`] on two tables already read, each with the name of its source.
///
/// # Errors
/// As [`from_npy`], less the reading.
pub fn from_tables(
    (features_source, x): (&str, Table),
    (labels_source, y): (&str, Table),
    classes: Option<usize>,
) -> Result<Dataset, Error> {
    let y: Vec<f64> = if y.one_dimensional || y.values.ncols() == 1 {
        y.values.iter().copied().collect()
    } else {
        return Err(Error::Unsuitable {
            reason: format!("{labels_source}: labels must be one column"),
        });
    };
    let name = Path::new(features_source)
        .file_name()
        .map_or("npy".into(), |n| n.to_string_lossy().into_owned());
    let targets = Targets::checked_classes(&y, classes, labels_source)?;
    Dataset::new(&name, x.values.mapv(|v| v as f32), targets)
}
