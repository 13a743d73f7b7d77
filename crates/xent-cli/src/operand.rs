//! Turning a command-line operand into a table of numbers, and pointing back into it.

use crate::failure::{Failure, Place};
use std::path::Path;
use xent::data::{self, Table, TableReader};

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
    /// Loads `text` as an inline vector, `-` (CSV on stdin), or a CSV/NPY file, streamed
    /// through the line-length limit (so `/dev/zero` is an error, not a hang).
    pub fn load(name: &'static str, text: &str) -> Result<Operand, Failure> {
        let limit = crate::limits::max_line_bytes();
        let (source, result) = match resolve(text) {
            Resolved::Stdin => {
                let stdin = std::io::BufReader::with_capacity(1 << 16, std::io::stdin());
                let reader = TableReader::from_csv(stdin, None).max_line_bytes(limit);
                (Source::Stdin, reader.read_all())
            }
            Resolved::File => {
                let source = if has_extension(text, "npy") {
                    Source::Npy(text.to_string())
                } else {
                    Source::Csv(text.to_string())
                };
                let table = TableReader::open(Path::new(text), None)
                    .and_then(|r| r.max_line_bytes(limit).read_all());
                (source, table)
            }
            Resolved::Inline(table) => (Source::Inline, Ok(table)),
            Resolved::Missing => {
                return Err(Failure::data(format!(
                    "{text}: no such file (and not a vector of numbers such as 0.5,0.5)"
                )))
            }
            Resolved::BadInline(e) => (Source::Inline, Err(e)),
        };
        let mut operand = Operand {
            name,
            source,
            table: Table::from_vec(Vec::new()),
        };
        // A table with no values (an NPY of shape (n, 0) or (0, m)) has nothing to compute:
        // one error for every command, not an empty answer from some and an error from others.
        let result = result.and_then(|t| {
            if t.values.is_empty() {
                Err(xent::Error::Empty { input: "csv" })
            } else {
                Ok(t)
            }
        });
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

/// What an operand's text stands for.
pub(crate) enum Resolved {
    /// `-`: CSV on standard input.
    Stdin,
    /// A file to read.
    File,
    /// An inline vector of numbers.
    Inline(Table),
    /// Text that is neither numbers nor an existing file, and looks like a file name.
    Missing,
    /// Text that was meant as a vector (it has commas, or starts like a number) but does not
    /// parse: the parser's error says where.
    BadInline(xent::Error),
}

/// Decides what an operand is. Numbers win: `0.5,0.5` is a vector even where a file of that
/// name exists (write `./0.5,0.5` for the file). Then an existing path, a data file's
/// extension or a path separator make a file; other text is a vector when it has a comma
/// or starts like a number, and a missing file otherwise (`data.cvs`: no such file).
pub(crate) fn resolve(text: &str) -> Resolved {
    if text == "-" {
        return Resolved::Stdin;
    }
    let inline = data::parse_inline(text);
    if let Ok(table) = inline {
        return Resolved::Inline(table);
    }
    let path = Path::new(text);
    let separator = text.contains(std::path::MAIN_SEPARATOR) || text.contains('/');
    let data_extension = ["csv", "npy", "txt", "tsv", "gz"]
        .iter()
        .any(|e| has_extension(text, e));
    if path.exists() || separator || data_extension {
        return Resolved::File;
    }
    let numeric_start = text
        .trim_start()
        .starts_with(|c: char| c.is_ascii_digit() || "+-.".contains(c));
    match inline {
        Err(e) if text.contains(',') || numeric_start || text.trim().is_empty() => {
            Resolved::BadInline(e)
        }
        _ => Resolved::Missing,
    }
}
