//! One-line error messages that point into the user's operands, and their exit codes.

use crate::source::Source;
use xent::{Error, Shortest};

/// Something an error can point into: an operand loaded whole, or one read in chunks.
pub trait Place {
    /// Where its numbers came from.
    fn source(&self) -> &Source;
    /// The source in words: `P.csv`, `standard input`, `the inline vector P`.
    fn describe(&self) -> String;
    /// A place in it in its own terms (CSV line and field, NPY index, vector position);
    /// `row` and `col` are 0-based, as the library reports them.
    fn locate(&self, row: usize, col: Option<usize>) -> String;
    /// `true` for a single vector (inline or 1-D NPY).
    fn is_vector(&self) -> bool;
}

/// Why a command failed, ready to print.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub kind: Kind,
}

/// What kind of failure, which decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Bad data, an unreadable or unwritable file: exit code 1.
    Data,
    /// Bad usage (an option's value, a missing argument): exit code 2.
    Usage,
    /// Standard output was closed by its reader (`xent … | head -1`): nothing to say, and
    /// exit code 0, as `head` users expect.
    ClosedPipe,
}

impl Failure {
    /// 1 for bad data or an unreadable file, 2 for bad usage, 0 for a closed pipe.
    pub fn exit_code(&self) -> u8 {
        match self.kind {
            Kind::Data => 1,
            Kind::Usage => 2,
            Kind::ClosedPipe => 0,
        }
    }

    /// A usage error (exit code 2).
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            kind: Kind::Usage,
        }
    }

    /// A data error (exit code 1).
    pub fn data(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            kind: Kind::Data,
        }
    }

    /// The reader of standard output went away.
    pub fn closed_pipe() -> Failure {
        Failure {
            message: String::new(),
            kind: Kind::ClosedPipe,
        }
    }

    /// A library error about a file the command reads or writes whole, named `path`: the
    /// library's text, with the path in front where the error does not carry it already.
    pub fn in_file(path: &std::path::Path, error: Error) -> Failure {
        let text = error.to_string();
        let name = path.display().to_string();
        match error {
            Error::Parse { line, column, text } if text == "<bytes that are not UTF-8>" => {
                Failure::data(format!(
                    "{name}:{line}:{column}: bytes that are not UTF-8 text"
                ))
            }
            Error::Parse { line, column, text } => Failure::data(format!(
                "{name}:{line}:{column}: cannot read {text:?} as a number"
            )),
            Error::Ragged {
                line,
                expected,
                found,
            } => Failure::data(format!(
                "{name}:{line}: this line has {found} fields, the first row has {expected}"
            )),
            Error::NotNumeric {
                line,
                field,
                name: column,
                text,
            } => Failure::data(format!(
                "{name}:{line}: field {field}{}: cannot read {text:?} as a number (a feature \
                 must be; choose the features with --feature-columns or leave columns out \
                 with --ignore-columns)",
                column.map_or(String::new(), |c| format!(" ({c})"))
            )),
            Error::LineTooLong { line, limit } => Failure::data(format!(
                "{name}:{line}: the line is longer than {limit} bytes (raise --max-line-bytes \
                 if it is meant)"
            )),
            Error::Empty { .. } => Failure::data(format!(
                "{name}: no rows of numbers (the input is empty, or holds only blank lines, \
                 comments or a header)"
            )),
            _ if text.starts_with(&name) => Failure::data(text),
            Error::Io {
                path: None,
                message,
                ..
            } => Failure::data(format!("{name}: {message}")),
            Error::Io { .. } | Error::InputTooLarge { .. } => Failure::data(text),
            _ => Failure::data(format!("{name}: {text}")),
        }
    }

    /// An error while reading an operand: a parse error names the line and column.
    pub fn from_read(operand: &dyn Place, error: Error) -> Failure {
        let message = match (operand.source(), &error) {
            (Source::Inline, Error::Parse { column, text, .. }) => format!(
                "{}: cannot read {text:?} as a number (at character {column})",
                operand.describe()
            ),
            (_, Error::NotUtf8 { line, byte }) => format!(
                "{}:{line}:{byte}: bytes that are not UTF-8 text",
                operand.describe()
            ),
            (Source::Npy(_), Error::Empty { .. }) => format!(
                "{}: no values (the array has a dimension of length 0)",
                operand.describe()
            ),
            (_, Error::Empty { .. }) => format!(
                "{}: no rows of numbers (the input is empty, or holds only blank lines, \
                 comments or a header)",
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
            (
                _,
                Error::Io {
                    path: None,
                    message,
                    ..
                },
            ) => format!("{}: {message}", operand.describe()),
            (_, Error::LineTooLong { line, limit }) => format!(
                "{}:{line}: the line is longer than {limit} bytes (raise --max-line-bytes \
                 if it is meant)",
                operand.describe()
            ),
            (_, Error::Io { .. }) => error.to_string(),
            _ => format!("{}: {error}", operand.describe()),
        };
        Failure::data(message)
    }

    /// An error from a computation, translated into the terms of the operands; each operand
    /// is listed with the name the library gives it (`"p"`, `"target"`, …).
    pub fn from_compute(error: Error, operands: &[(&str, &dyn Place)]) -> Failure {
        let find = |input: &str| {
            operands
                .iter()
                .find(|(name, _)| *name == input)
                .or(operands.first())
                .map(|(_, o)| *o)
        };
        let first = || {
            operands
                .first()
                .map_or(String::new(), |(_, o)| o.describe())
        };
        let message = match &error {
            Error::InvalidProbability {
                input,
                row,
                col,
                value,
            } => match find(input) {
                Some(o) => format!(
                    "{}: {} is not a probability (values must be finite and ≥ 0)",
                    o.locate(*row, Some(*col)),
                    Shortest(*value)
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
                    "{}: the values sum to {}, not 1 (tolerance {}); \
                     pass --normalize to divide each row by its sum",
                    o.locate(*row, None),
                    Shortest(*sum),
                    Shortest(*tolerance)
                ),
                None => error.to_string(),
            },
            Error::ZeroSum { input, .. } if *input == "weights" => match find(input) {
                Some(o) => format!(
                    "{}: the sample weights sum to 0, so no mean is defined",
                    o.describe()
                ),
                None => error.to_string(),
            },
            Error::SumOverflow { input, row } => match find(input) {
                Some(o) => format!(
                    "{}: the values sum to more than the largest number (1.8e308); divide \
                     them by a common factor",
                    if o.is_vector() {
                        o.describe()
                    } else {
                        o.locate(*row, None)
                    }
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
                "{}: the cells sum to {}, not 1 (tolerance {}); \
                 pass --normalize for a table of counts",
                first(),
                Shortest(*sum),
                Shortest(*tolerance)
            ),
            Error::TableZeroSum { .. } => format!(
                "{}: the cells sum to 0, so the table cannot be normalised",
                first()
            ),
            Error::Empty { input } => match find(input) {
                Some(o) => format!("{}: no values", o.describe()),
                None => error.to_string(),
            },
            Error::ValueOutOfRange {
                input,
                row,
                col,
                value,
                expected,
            } => match find(input) {
                Some(o) => format!(
                    "{}: {} is out of range: {expected}",
                    o.locate(*row, Some(*col)),
                    Shortest(*value)
                ),
                None => error.to_string(),
            },
            Error::ClassOutOfRange {
                row,
                class,
                classes,
            } => match operands
                .iter()
                .find(|(name, _)| *name == "target" || *name == "labels")
                .map(|(_, o)| *o)
            {
                Some(o) => format!(
                    "{}: {class} is not a class index: there are {classes} classes (0 to {})",
                    if o.is_vector() {
                        o.locate(0, Some(*row))
                    } else {
                        o.locate(*row, None)
                    },
                    classes.saturating_sub(1)
                ),
                None => error.to_string(),
            },
            Error::ShapeMismatch {
                input,
                expected,
                found,
            } => match find(input) {
                Some(o) => format!(
                    "{} has shape {found:?}, but {expected:?} is needed",
                    o.describe()
                ),
                None => error.to_string(),
            },
            _ => error.to_string(),
        };
        Failure::data(message)
    }
}
