//! `--data SPEC`: which data set to train or predict on.

use crate::args::TableColumns;
use crate::choices::ScaleChoice;
use crate::failure::Failure;
use ndarray::Array2;
use std::path::{Path, PathBuf};
use xent::data::{datasets, ColumnRef, ColumnSet, Columns, LabelColumn, LabelledReader};
use xent::train::{Dataset, Model, ModelKind, Names, Split, Targets};

/// A parsed `--data` value.
#[derive(Debug, Clone, PartialEq)]
pub enum DataSpec {
    Digits,
    FashionMnist(Option<PathBuf>),
    Csv(PathBuf, Option<isize>),
    Npy(PathBuf, PathBuf),
    SyntheticLinear,
}

impl DataSpec {
    pub fn parse(text: &str) -> Result<DataSpec, Failure> {
        let usage = || {
            Failure::usage(format!(
                "unknown data {text:?}: use digits, fashion-mnist[:DIR], csv:FILE[:LABEL-COLUMN], \
                 npy:FEATURES,LABELS or synthetic-linear"
            ))
        };
        Ok(match text.split_once(':') {
            None if text == "digits" => DataSpec::Digits,
            None if text == "fashion-mnist" => DataSpec::FashionMnist(None),
            None if text == "synthetic-linear" => DataSpec::SyntheticLinear,
            Some(("fashion-mnist", dir)) => DataSpec::FashionMnist(Some(dir.into())),
            Some(("csv", rest)) => match rest.rsplit_once(':') {
                Some((file, col)) if col.parse::<isize>().is_ok() => {
                    DataSpec::Csv(file.into(), col.parse().ok())
                }
                _ => DataSpec::Csv(rest.into(), None),
            },
            Some(("npy", rest)) => match rest.split_once(',') {
                Some((x, y)) => DataSpec::Npy(x.into(), y.into()),
                None => return Err(usage()),
            },
            _ => return Err(usage()),
        })
    }

    /// The default feature scaling for this data.
    pub fn default_scale(&self) -> ScaleChoice {
        match self {
            DataSpec::FashionMnist(_) => ScaleChoice::Divide(255.0),
            DataSpec::SyntheticLinear => ScaleChoice::None,
            _ => ScaleChoice::Standardize,
        }
    }

    /// Loads the data as a train/test split (80/20 by `seed` unless it comes split);
    /// `classes` fixes the number of classes of a CSV or NPY label column, `flags` choose a
    /// CSV file's columns.
    pub fn load(
        &self,
        seed: u64,
        classes: Option<usize>,
        flags: &TableColumns,
    ) -> Result<Split, Failure> {
        self.check_columns(flags)?;
        match self {
            DataSpec::Digits => Ok(datasets::digits()
                .map_err(|e| Failure::data(e.to_string()))?
                .split(0.2, seed)),
            DataSpec::FashionMnist(dir) => {
                let dir = match dir {
                    Some(d) => d.clone(),
                    None => default_fashion_dir()?,
                };
                datasets::fashion_mnist(&dir).map_err(|e| match e {
                    // Only a missing file needs the hint about where the data comes from.
                    xent::Error::Io { .. } => Failure::data(format!(
                        "{e}; install it with `apt-get install dataset-fashion-mnist` \
                         (it goes to /usr/share/datasets/fashion-mnist) or give the folder \
                         as fashion-mnist:DIR"
                    )),
                    other => Failure::data(format!("{}: {other}", dir.display())),
                })
            }
            DataSpec::Csv(path, col) => {
                let columns = Columns {
                    label: match (&flags.label_column, col) {
                        (Some(c), _) => LabelColumn::At(c.clone()),
                        (None, Some(i)) => LabelColumn::At(ColumnRef::Index(*i)),
                        (None, None) => LabelColumn::Last,
                    },
                    features: flags.feature_columns.clone(),
                    ignore: flags.ignore_columns.clone(),
                };
                let table = read_labelled(path, &columns)?;
                let data = datasets::from_labelled(&path.display().to_string(), table, classes)
                    .map_err(|e| Failure::in_file(path, e))?;
                Ok(data.split(0.2, seed))
            }
            DataSpec::Npy(..) => Ok(self.load_npy(classes)?.split(0.2, seed)),
            DataSpec::SyntheticLinear => {
                let train = Dataset::synthetic_linear(1000, seed);
                let test = Dataset::synthetic_linear(200, seed.wrapping_add(1));
                Ok(Split { train, test })
            }
        }
    }

    /// Column flags are for CSV data, and the label once: in `csv:FILE:COLUMN` or
    /// `--label-column`.
    fn check_columns(&self, flags: &TableColumns) -> Result<(), Failure> {
        let given = flags.label_column.is_some()
            || flags.feature_columns.is_some()
            || flags.ignore_columns.is_some();
        match self {
            DataSpec::Csv(_, Some(_)) if flags.label_column.is_some() => Err(Failure::usage(
                "the label column is given twice: in csv:FILE:COLUMN and in --label-column",
            )),
            DataSpec::Csv(..) => Ok(()),
            _ if given => Err(Failure::usage(
                "--label-column, --feature-columns and --ignore-columns choose the columns of \
                 csv:FILE data",
            )),
            _ => Ok(()),
        }
    }

    /// The NPY features and labels, whole; errors name the file.
    fn load_npy(&self, classes: Option<usize>) -> Result<Dataset, Failure> {
        let DataSpec::Npy(x, y) = self else {
            unreachable!("only called for npy data")
        };
        let (xs, ys) = (read(x)?, read(y)?);
        let names = (x.display().to_string(), y.display().to_string());
        datasets::from_tables((&names.0, xs), (&names.1, ys), classes)
            .map_err(|e| Failure::in_file(x, e))
    }

    /// Every sample, in file order, for `model` to predict (Fashion-MNIST: its test set;
    /// synthetic: a fresh test sample). A CSV file's features are the model's by name when
    /// both have names; its label is optional: the model's label column when the header has
    /// it, else the last column when there is one more than the model's inputs.
    pub fn load_for_prediction(
        &self,
        flags: &TableColumns,
        model: &Model,
    ) -> Result<ToPredict, Failure> {
        self.check_columns(flags)?;
        let whole = |d: Dataset| ToPredict {
            features: d.features,
            targets: Some(d.targets),
            names: d.names,
        };
        match self {
            DataSpec::Digits => Ok(whole(
                datasets::digits().map_err(|e| Failure::data(e.to_string()))?,
            )),
            DataSpec::Npy(..) => Ok(whole(self.load_npy(None)?)),
            DataSpec::FashionMnist(_) | DataSpec::SyntheticLinear => {
                Ok(whole(self.load(0, None, flags)?.test))
            }
            DataSpec::Csv(path, col) => {
                let reader = open_labelled(path)?;
                let header = reader.header().map(<[String]>::to_vec);
                let named = header.as_ref().filter(|_| !model.names.features.is_empty());
                let label = match (&flags.label_column, col) {
                    (Some(c), _) => LabelColumn::At(c.clone()),
                    (None, Some(i)) => LabelColumn::At(ColumnRef::Index(*i)),
                    (None, None) => match (&header, &model.names.label) {
                        (Some(h), Some(l)) if h.contains(l) => {
                            LabelColumn::At(ColumnRef::Name(l.clone()))
                        }
                        _ if named.is_some() => LabelColumn::Absent,
                        _ if reader.width() == model.inputs() + 1 => LabelColumn::Last,
                        _ => LabelColumn::Absent,
                    },
                };
                let features = match (&flags.feature_columns, &flags.ignore_columns, named) {
                    (Some(set), _, _) => Some(set.clone()),
                    (None, None, Some(_)) => Some(ColumnSet::names(&model.names.features)),
                    _ => None,
                };
                let columns = Columns {
                    label,
                    features,
                    ignore: flags.ignore_columns.clone(),
                };
                let table = reader
                    .read(&columns)
                    .map_err(|e| Failure::in_file(path, e))?;
                let targets = match (&table.labels, model.kind) {
                    (None, _) => None,
                    (Some(_), ModelKind::Linear) => match &table.labels {
                        Some(xent::data::Labels::Numbers(v)) => {
                            Some(Targets::Values(v.iter().map(|&y| y as f32).collect()))
                        }
                        _ => {
                            return Err(Failure::data(format!(
                                "{}: the labels are text, but the model is a linear regression",
                                path.display()
                            )))
                        }
                    },
                    (Some(_), kind) => {
                        let count = if kind == ModelKind::Logistic {
                            2
                        } else {
                            model.outputs()
                        };
                        let labels = table
                            .class_indices(&model.names.classes, count)
                            .map_err(|e| Failure::in_file(path, e))?;
                        Some(Targets::Classes {
                            labels,
                            classes: count,
                        })
                    }
                };
                Ok(ToPredict {
                    features: table.features,
                    targets,
                    names: table.names,
                })
            }
        }
    }
}

/// The samples `xent predict` reads: features, and targets when the data has them.
pub struct ToPredict {
    pub features: Array2<f32>,
    pub targets: Option<Targets>,
    /// The names the file gave its columns (the label's, for --with-labels).
    pub names: Names,
}

/// A CSV data set opened through the command's line-length limit; errors name the file.
fn open_labelled(path: &Path) -> Result<LabelledReader, Failure> {
    LabelledReader::open(
        path,
        crate::limits::delimiter(),
        crate::limits::max_line_bytes(),
    )
    .map_err(|e| Failure::in_file(path, e))
}

/// A CSV data set read whole with `columns`.
fn read_labelled(path: &Path, columns: &Columns) -> Result<xent::data::LabelledTable, Failure> {
    open_labelled(path)?
        .read(columns)
        .map_err(|e| Failure::in_file(path, e))
}

/// A CSV or NPY file, whole, through the command's line-length limit.
fn read(path: &Path) -> Result<xent::data::Table, Failure> {
    xent::data::TableReader::open(path, crate::limits::delimiter())
        .and_then(|r| r.max_line_bytes(crate::limits::max_line_bytes()).read_all())
        .map_err(|e| Failure::in_file(path, e))
}

/// `$XENT_DATA_DIR/fashion-mnist`, then `/usr/share/datasets/fashion-mnist`.
fn default_fashion_dir() -> Result<PathBuf, Failure> {
    let mut tried = Vec::new();
    if let Some(root) = std::env::var_os("XENT_DATA_DIR") {
        tried.push(Path::new(&root).join("fashion-mnist"));
    }
    tried.push(PathBuf::from("/usr/share/datasets/fashion-mnist"));
    for dir in &tried {
        if dir.is_dir() {
            return Ok(dir.clone());
        }
    }
    let list: Vec<String> = tried.iter().map(|d| d.display().to_string()).collect();
    Err(Failure::data(format!(
        "Fashion-MNIST not found in {}; install it with `apt-get install dataset-fashion-mnist`, \
         set XENT_DATA_DIR to a folder holding fashion-mnist/, or give the folder as \
         fashion-mnist:DIR",
        list.join(" or ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs() {
        assert_eq!(DataSpec::parse("digits").unwrap(), DataSpec::Digits);
        assert_eq!(
            DataSpec::parse("csv:a/b.csv:-1").unwrap(),
            DataSpec::Csv("a/b.csv".into(), Some(-1))
        );
        assert_eq!(
            DataSpec::parse("csv:b.csv").unwrap(),
            DataSpec::Csv("b.csv".into(), None)
        );
        assert_eq!(
            DataSpec::parse("npy:x.npy,y.npy").unwrap(),
            DataSpec::Npy("x.npy".into(), "y.npy".into())
        );
        assert_eq!(
            DataSpec::parse("fashion-mnist:/data").unwrap(),
            DataSpec::FashionMnist(Some("/data".into()))
        );
        assert!(DataSpec::parse("mnist").is_err());
    }
}
