//! Turning a command-line operand into a table of numbers, and pointing back into it.

use crate::failure::{Failure, Place};
use std::io::Read;
use std::path::Path;
use xent::data::{self, Table};

/// Where an operand's numbers came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    Inline,
    Csv(String),
    Npy(String),
    Stdin,
}

/// A loaded operand: its name on the command line (P, Q, X, JOINT), its source and its data.
#[derive(Debug)]
pub struct Operand {
    pub name: &'static str,
    pub source: Source,
    pub table: Table,
}

impl Operand {
    /// Loads `text` as an inline vector, `-` (CSV on stdin), or a CSV/NPY file.
    pub fn load(name: &'static str, text: &str) -> Result<Operand, Failure> {
        let (source, result) = if text == "-" {
            let mut bytes = Vec::new();
            let read = std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| xent::Error::Io {
                    path: "standard input".into(),
                    message: e.to_string(),
                });
            (Source::Stdin, read.and_then(|_| data::parse_csv(&bytes)))
        } else if looks_like_path(text) {
            let source = if has_extension(text, "npy") {
                Source::Npy(text.to_string())
            } else {
                Source::Csv(text.to_string())
            };
            (source, data::read_table(Path::new(text)))
        } else {
            (Source::Inline, data::parse_inline(text))
        };
        let mut operand = Operand {
            name,
            source,
            table: Table::from_vec(Vec::new()),
        };
        operand.table = result.map_err(|e| Failure::from_read(&operand as &dyn Place, e))?;
        Ok(operand)
    }

    /// `true` when the operand is a single vector (inline or 1-D NPY).
    pub fn is_vector(&self) -> bool {
        self.table.one_dimensional
    }

    /// Describes the source: `P.csv`, `standard input`, `the inline vector P`.
    pub fn describe(&self) -> String {
        describe_source(self.name, &self.source)
    }

    /// Names a place in the operand in its own terms: a CSV line and field, an NPY index,
    /// a position in an inline vector. `row` and `col` are 0-based, as the library reports.
    pub fn locate(&self, row: usize, col: Option<usize>) -> String {
        // A one-row operand broadcast against many rows: every row is its row 0.
        let row = if self.table.values.nrows() == 1 {
            0
        } else {
            row
        };
        match (&self.source, col) {
            (Source::Inline, Some(c)) => format!("{}, element {}", self.describe(), c + 1),
            (Source::Inline, None) => self.describe(),
            (Source::Npy(_), Some(c)) if self.is_vector() => {
                format!("{}, element [{c}]", self.describe())
            }
            (Source::Npy(_), Some(c)) => format!("{}, element [{row}, {c}]", self.describe()),
            (Source::Npy(_), None) => format!("{}, row {row}", self.describe()),
            (Source::Csv(_) | Source::Stdin, _) => {
                let line = self.table.line_of_row(row).unwrap_or(row + 1);
                match col {
                    Some(c) => format!("{}:{line}, field {}", self.describe(), c + 1),
                    None => format!("{}:{line}", self.describe()),
                }
            }
        }
    }
}

impl Place for Operand {
    fn source(&self) -> &Source {
        &self.source
    }
    fn describe(&self) -> String {
        Operand::describe(self)
    }
    fn locate(&self, row: usize, col: Option<usize>) -> String {
        Operand::locate(self, row, col)
    }
    fn is_vector(&self) -> bool {
        Operand::is_vector(self)
    }
}

/// A source in words: `P.csv`, `standard input`, `the inline vector P` (for operand `P`).
pub(crate) fn describe_source(name: &str, source: &Source) -> String {
    match source {
        Source::Inline => format!("the inline vector {name}"),
        Source::Csv(path) | Source::Npy(path) => path.clone(),
        Source::Stdin => "standard input".into(),
    }
}

pub(crate) fn has_extension(text: &str, ext: &str) -> bool {
    Path::new(text)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// A path, not a vector: it exists, has a data file's extension, or contains a separator.
pub(crate) fn looks_like_path(text: &str) -> bool {
    Path::new(text).exists()
        || ["csv", "npy", "txt", "tsv"]
            .iter()
            .any(|e| has_extension(text, e))
        || text.contains(std::path::MAIN_SEPARATOR)
        || text.contains('/')
}
