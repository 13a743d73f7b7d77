//! The one error type of the library.

use crate::Shortest;

impl Error {
    /// The error for `text` that is not one of the names of a closed set.
    pub(crate) fn unknown_name(what: &'static str, text: &str, expected: &str) -> Error {
        Error::UnknownName {
            what,
            text: crate::shortest::excerpt(text, crate::shortest::EXCERPT_CHARS),
            expected: expected.to_string(),
        }
    }
}

/// Everything that can go wrong in xent, with the place and the value that caused it.
///
/// Rows and columns are 0-based indices into the input as the library saw it; a 1-D input is
/// row 0. `input` names the operand (`"p"`, `"q"`, `"joint"`, `"x"`…) so that a caller holding
/// several can point at the right one. The command-line tool turns rows into file lines.
///
/// # Example
/// ```
/// use xent::{measure, Error};
/// let err = measure::entropy(&[0.5, -0.5, 1.0]).unwrap_err();
/// assert_eq!(err, Error::InvalidProbability { input: "p", row: 0, col: 1, value: -0.5 });
/// assert_eq!(err.to_string(), "p[0, 1] = -0.5 is not a probability: it must be finite and ≥ 0");
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input has no elements where at least one is needed.
    #[error("{input} is empty: at least one element is needed")]
    Empty {
        /// Which operand.
        input: &'static str,
    },

    /// Two operands (or an operand and an output buffer) have different shapes.
    #[error("shape mismatch: {input} has shape {found:?}, expected {expected:?}")]
    ShapeMismatch {
        /// Which operand has the wrong shape.
        input: &'static str,
        /// The shape it must have.
        expected: Vec<usize>,
        /// The shape it has.
        found: Vec<usize>,
    },

    /// A value that must be a probability (or a non-negative weight) is negative, NaN or ±∞.
    #[error(
        "{input}[{row}, {col}] = {} is not a probability: it must be finite and ≥ 0",
        Shortest(*.value)
    )]
    InvalidProbability {
        /// Which operand.
        input: &'static str,
        /// Row (0 for a 1-D input).
        row: usize,
        /// Column.
        col: usize,
        /// The offending value.
        value: f64,
    },

    /// A value that must lie in [0, 1] does not.
    #[error("{input} = {} is outside [0, 1]", Shortest(*.value))]
    OutOfUnitInterval {
        /// Which operand.
        input: &'static str,
        /// The offending value.
        value: f64,
    },

    /// An element outside the range a loss accepts (a BCE probability outside [0, 1], a
    /// non-finite soft target…).
    #[error("{input}[{row}, {col}] = {} is out of range: {expected}", Shortest(*.value))]
    ValueOutOfRange {
        /// Which operand.
        input: &'static str,
        /// Row.
        row: usize,
        /// Column.
        col: usize,
        /// The offending value.
        value: f64,
        /// What the value must be.
        expected: &'static str,
    },

    /// A class index that is neither in `0..classes` nor the ignore index.
    #[error(
        "target[{row}] = {class} is not a class index: there are {classes} classes (0..{classes})"
    )]
    ClassOutOfRange {
        /// Row of the target.
        row: usize,
        /// The index as given.
        class: i64,
        /// Number of classes.
        classes: usize,
    },

    /// Under the strict input policy a row does not sum to 1 within the tolerance.
    #[error(
        "row {row} of {input} sums to {}, not 1 (tolerance {}); \
         normalise it or use the normalize input policy",
        Shortest(*.sum),
        Shortest(*.tolerance)
    )]
    NotNormalized {
        /// Which operand.
        input: &'static str,
        /// The row.
        row: usize,
        /// Its sum.
        sum: f64,
        /// The tolerance on |sum − 1| that was exceeded.
        tolerance: f64,
    },

    /// Under the normalize input policy a row sums to 0, so it cannot be normalised.
    #[error("row {row} of {input} sums to 0 and cannot be normalised")]
    ZeroSum {
        /// Which operand.
        input: &'static str,
        /// The row.
        row: usize,
    },

    /// Under the strict input policy the cells of a table (a joint distribution) do not sum
    /// to 1 within the tolerance.
    #[error(
        "the cells of {input} sum to {}, not 1 (tolerance {}); \
         normalise it or use the normalize input policy",
        Shortest(*.sum),
        Shortest(*.tolerance)
    )]
    TableNotNormalized {
        /// Which operand.
        input: &'static str,
        /// The sum of all cells.
        sum: f64,
        /// The tolerance on |sum − 1| that was exceeded.
        tolerance: f64,
    },

    /// Under the normalize input policy all cells of a table are 0.
    #[error("the cells of {input} sum to 0, so it cannot be normalised")]
    TableZeroSum {
        /// Which operand.
        input: &'static str,
    },

    /// A logarithm base that is not finite, positive and different from 1.
    #[error("invalid base {}: a base must be finite, > 0 and ≠ 1", Shortest(*.value))]
    InvalidBase {
        /// The rejected base.
        value: f64,
    },

    /// A base given as text that is neither a number nor a known unit name.
    #[error("unknown base {text:?}: use 2, e, 10, bits, nats, bans or a positive number ≠ 1")]
    UnknownBase {
        /// The text as given.
        text: String,
    },

    /// A name that is not one of a closed set (a reduction, an estimator, a model kind),
    /// given as text.
    #[error("unknown {what} {text:?}: use {expected}")]
    UnknownName {
        /// What was being named (`"reduction"`).
        what: &'static str,
        /// The text as given (at most 60 characters of it).
        text: String,
        /// The names that are accepted.
        expected: String,
    },

    /// A numeric parameter outside its domain (a temperature ≤ 0, a negative tolerance…).
    #[error("invalid {name} {}: {expected}", Shortest(*.value))]
    InvalidParameter {
        /// The parameter's name.
        name: &'static str,
        /// The rejected value.
        value: f64,
        /// What it must be.
        expected: &'static str,
    },

    /// Text that is not a number, at a 1-based line and column of a text source.
    #[error("line {line}, column {column}: cannot read {text:?} as a number")]
    Parse {
        /// 1-based line.
        line: usize,
        /// 1-based column (in characters) where the field starts.
        column: usize,
        /// The field as written.
        text: String,
    },

    /// A feature of a table of named columns that is not a number: the 1-based line, the
    /// 1-based field and, when the file has a header, the column's name.
    #[error(
        "line {line}, field {field}{}: cannot read {text:?} as a number",
        name.as_ref().map_or(String::new(), |n| format!(" ({n})"))
    )]
    NotNumeric {
        /// 1-based line.
        line: usize,
        /// 1-based field of the line.
        field: usize,
        /// The column's name in the header.
        name: Option<String>,
        /// The field as written.
        text: String,
    },

    /// A label that is neither a number nor one of the class names it may be.
    #[error(
        "line {line}: the label {text:?} is not one of the classes ({})",
        crate::shortest::name_list(classes)
    )]
    UnknownClass {
        /// 1-based line.
        line: usize,
        /// The label as written.
        text: String,
        /// The class names.
        classes: Vec<String>,
    },

    /// A row of a text table with a different number of fields than the first row.
    #[error("line {line} has {found} fields, but the first row has {expected}")]
    Ragged {
        /// 1-based line.
        line: usize,
        /// Number of fields of the first row.
        expected: usize,
        /// Number of fields of this row.
        found: usize,
    },

    /// A binary file (NPY) whose header or size is not what the format requires.
    #[error("malformed {format} file: {reason}")]
    Format {
        /// The format's name (`"NPY"`).
        format: &'static str,
        /// What is wrong.
        reason: String,
    },

    /// Training produced a loss that is NaN or infinite: the learning rate is too high or the
    /// data holds non-finite values.
    #[error(
        "training diverged: the loss of epoch {epoch}, batch {batch} is {}; \
         lower the learning rate or check the data",
        Shortest(*.loss)
    )]
    Diverged {
        /// 1-based epoch.
        epoch: usize,
        /// 1-based batch within the epoch.
        batch: usize,
        /// The loss that was not finite.
        loss: f64,
    },

    /// A data set or model that does not fit the task (labels that are not classes, a model
    /// trained for other features…).
    #[error("{reason}")]
    Unsuitable {
        /// What does not fit, and what would.
        reason: String,
    },

    /// Under the normalize input policy (or for counts and weights) the values are finite but
    /// their sum is not: dividing by it would give zeros, not a distribution.
    #[error(
        "row {row} of {input} sums to more than the largest f64 (1.8e308); \
         divide the values by a common factor"
    )]
    SumOverflow {
        /// Which operand.
        input: &'static str,
        /// The row (0 for a 1-D input or a table).
        row: usize,
    },

    /// A line of a text source longer than the reader's limit (an endless line, such as
    /// `/dev/zero`, is stopped here instead of filling memory).
    #[error("line {line} is longer than {limit} bytes, the limit of one line")]
    LineTooLong {
        /// 1-based line.
        line: usize,
        /// The limit in bytes.
        limit: u64,
    },

    /// An input read whole that is larger than the limit set for it.
    #[error("{path}: larger than {limit} bytes, the limit for {what}")]
    InputTooLarge {
        /// The file.
        path: String,
        /// What was being read (`"a model file"`).
        what: &'static str,
        /// The limit in bytes.
        limit: u64,
    },

    /// Bytes of a text source that are not UTF-8, at a 1-based line and byte of that line.
    #[error("line {line}, byte {byte}: bytes that are not UTF-8 text")]
    NotUtf8 {
        /// 1-based line.
        line: usize,
        /// 1-based byte of the line where the invalid bytes start.
        byte: usize,
    },

    /// An operating-system error while reading or writing a file (or a stream that has no
    /// path, such as standard input), or a path that cannot be used as asked (a directory
    /// where a file is needed). Built by [`Error::io`] or [`Error::io_message`].
    #[error("{}{message}", path.as_ref().map_or(String::new(), |p| format!("{}: ", p.display())))]
    Io {
        /// The file, when there is one.
        path: Option<std::path::PathBuf>,
        /// The kind of failure, as the system reports it.
        kind: std::io::ErrorKind,
        /// The system's message, or what is wrong with the path.
        message: String,
    },
}

impl Error {
    /// The error for an operating-system failure on `path` (`None` for a stream).
    ///
    /// # Example
    /// ```
    /// let e = std::fs::read("/no/such/file").unwrap_err();
    /// let err = xent::Error::io(Some(std::path::Path::new("/no/such/file")), &e);
    /// assert!(matches!(err, xent::Error::Io { kind: std::io::ErrorKind::NotFound, .. }));
    /// assert!(err.to_string().starts_with("/no/such/file: No such file"));
    /// ```
    pub fn io(path: Option<&std::path::Path>, error: &std::io::Error) -> Error {
        Error::Io {
            path: path.map(std::path::Path::to_path_buf),
            kind: error.kind(),
            message: error.to_string(),
        }
    }

    /// The error for a path that cannot be used as asked, with a message of the caller's
    /// (`"is a directory, not a file"`).
    pub fn io_message(path: &std::path::Path, kind: std::io::ErrorKind, message: &str) -> Error {
        Error::Io {
            path: Some(path.to_path_buf()),
            kind,
            message: message.to_string(),
        }
    }
}
