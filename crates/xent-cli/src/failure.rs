//! One-line error messages that point into the user's operands, and their exit codes.

use crate::operand::{Operand, Source};
use xent::Error;

/// Why a command failed, ready to print.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub usage: bool,
}

impl Failure {
    /// 1 for bad data or an unreadable file, 2 for bad usage.
    pub fn exit_code(&self) -> u8 {
        if self.usage {
            2
        } else {
            1
        }
    }

    /// A usage error (exit code 2).
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            usage: true,
        }
    }

    fn data(message: String) -> Failure {
        Failure {
            message,
            usage: false,
        }
    }

    /// An error while reading an operand: a parse error names the line and column.
    pub fn from_read(operand: &Operand, error: Error) -> Failure {
        let message = match (&operand.source, &error) {
            (Source::Inline, Error::Parse { column, text, .. }) => format!(
                "{}: cannot read {text:?} as a number (at character {column})",
                operand.describe()
            ),
            (_, Error::Parse { line, column, text }) => format!(
                "{}:{line}:{column}: cannot read {text:?} as a number",
                operand.describe()
            ),
            (
                _,
                Error::Ragged {
                    line,
                    expected,
                    found,
                },
            ) => format!(
                "{}:{line}: this line has {found} fields, the first row has {expected}",
                operand.describe()
            ),
            (_, Error::Io { .. }) => error.to_string(),
            _ => format!("{}: {error}", operand.describe()),
        };
        Failure::data(message)
    }

    /// An error from a computation over the given operands, translated into their terms.
    pub fn from_compute(error: Error, operands: &[&Operand]) -> Failure {
        let find = |input: &str| {
            operands
                .iter()
                .find(|o| o.name.eq_ignore_ascii_case(input))
                .or(operands.first())
                .copied()
        };
        let message = match &error {
            Error::InvalidProbability {
                input,
                row,
                col,
                value,
            } => match find(input) {
                Some(o) => format!(
                    "{}: {value} is not a probability (values must be finite and ≥ 0)",
                    o.locate(*row, Some(*col))
                ),
                None => error.to_string(),
            },
            Error::NotNormalized {
                input,
                row,
                sum,
                tolerance,
            } => match find(input) {
                Some(o) => format!(
                    "{}: the values sum to {sum}, not 1 (tolerance {tolerance}); \
                     pass --normalize to divide each row by its sum",
                    o.locate(*row, None)
                ),
                None => error.to_string(),
            },
            Error::ZeroSum { input, row } => match find(input) {
                Some(o) => format!(
                    "{}: the values sum to 0, so they cannot be normalised",
                    o.locate(*row, None)
                ),
                None => error.to_string(),
            },
            Error::TableNotNormalized { sum, tolerance, .. } => format!(
                "{}: the cells sum to {sum}, not 1 (tolerance {tolerance}); \
                 pass --normalize for a table of counts",
                operands.first().map_or(String::new(), |o| o.describe())
            ),
            Error::TableZeroSum { .. } => format!(
                "{}: the cells sum to 0, so the table cannot be normalised",
                operands.first().map_or(String::new(), |o| o.describe())
            ),
            Error::Empty { .. } => format!(
                "{}: no values",
                operands.first().map_or(String::new(), |o| o.describe())
            ),
            _ => error.to_string(),
        };
        Failure::data(message)
    }
}

impl Failure {
    /// P and Q whose shapes cannot be paired row by row.
    pub fn from_compute_shape(p: &Operand, q: &Operand) -> Failure {
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
}
