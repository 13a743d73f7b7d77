//! Turning a command-line operand into a table of numbers, and pointing back into it.

use crate::failure::{Failure, Place};
use crate::source::{describe_source, locate, open, Opened, Source};
use xent::data::Table;

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
        let (source, opened) =
            open(text, crate::limits::delimiter(), limit).map_err(Failure::data)?;
        let result = opened.and_then(|o| match o {
            Opened::Stream(reader) => reader.read_all(),
            Opened::Inline(table) => Ok(table),
        });
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
        let index = match self.source {
            Source::Inline => col,
            _ if self.is_vector() => col,
            _ => None,
        };
        let line = self.table.line_of_row(row);
        locate(self.describe(), &self.source, index, (row, col), line)
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

/// P and Q whose shapes cannot be paired row by row.
pub fn shape_failure(p: &Operand, q: &Operand) -> Failure {
    let shape = |o: &Operand| {
        let v = &o.table.values;
        format!("{} row(s) of {} value(s)", v.nrows(), v.ncols())
    };
    Failure::data(format!(
        "P and Q do not match: P ({}) has {}, Q ({}) has {}",
        p.describe(),
        shape(p),
        q.describe(),
        shape(q)
    ))
}
