//! `--data SPEC`: which data set to train or predict on.

use crate::choices::ScaleChoice;
use crate::failure::Failure;
use std::path::{Path, PathBuf};
use xent::data::datasets;
use xent::train::{Dataset, Split};

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
    /// `classes` fixes the number of classes of a CSV or NPY label column.
    pub fn load(&self, seed: u64, classes: Option<usize>) -> Result<Split, Failure> {
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
            DataSpec::Csv(..) | DataSpec::Npy(..) => Ok(self.load_file(classes)?.split(0.2, seed)),
            DataSpec::SyntheticLinear => {
                let train = Dataset::synthetic_linear(1000, seed);
                let test = Dataset::synthetic_linear(200, seed.wrapping_add(1));
                Ok(Split { train, test })
            }
        }
    }

    /// A CSV or NPY data set, whole; errors name the file.
    fn load_file(&self, classes: Option<usize>) -> Result<Dataset, Failure> {
        match self {
            DataSpec::Csv(path, col) => {
                let table = read(path)?;
                datasets::from_table(&path.display().to_string(), table, *col, classes)
                    .map_err(|e| Failure::in_file(path, e))
            }
            DataSpec::Npy(x, y) => {
                let (xs, ys) = (read(x)?, read(y)?);
                let names = (x.display().to_string(), y.display().to_string());
                datasets::from_tables((&names.0, xs), (&names.1, ys), classes)
                    .map_err(|e| Failure::in_file(x, e))
            }
            _ => unreachable!("only files are loaded whole"),
        }
    }
}

impl DataSpec {
    /// Every sample, in file order, for prediction (Fashion-MNIST: its test set; synthetic:
    /// a fresh test sample).
    pub fn load_for_prediction(&self) -> Result<Dataset, Failure> {
        match self {
            DataSpec::Digits => datasets::digits().map_err(|e| Failure::data(e.to_string())),
            DataSpec::Csv(..) | DataSpec::Npy(..) => self.load_file(None),
            DataSpec::FashionMnist(_) | DataSpec::SyntheticLinear => Ok(self.load(0, None)?.test),
        }
    }
}

/// A CSV or NPY file, whole, through the command's line-length limit.
fn read(path: &Path) -> Result<xent::data::Table, Failure> {
    xent::data::TableReader::open(path, None)
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
