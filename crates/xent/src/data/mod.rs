//! Reading data from files: numeric tables (CSV, NPY), IDX (MNIST, Fashion-MNIST), the
//! training data sets ([`datasets`]: the embedded digits, Fashion-MNIST, tables) and model
//! files ([`save_model`], [`load_model`]).
//!
//! This is the edge of the library: the numeric modules never do I/O. A [`Table`] holds the
//! numbers row by row in `f64` (exact for `f32` sources) and remembers, for text sources, the
//! line each row came from, so that errors about a row can name the line.

mod atomic;
mod bounded;
mod csv;
pub mod datasets;
mod digits;
mod idx;
mod labelled;
mod model_file;
mod npy;
mod stream;

pub use atomic::{check_writable, write_atomically};
pub use csv::{csv_field, parse_csv, to_csv};
pub use idx::{parse_idx, IdxArray, MAX_IDX_ELEMENTS};
pub use labelled::{
    ColumnRef, ColumnSet, Columns, LabelColumn, LabelledReader, LabelledTable, Labels,
};
pub use model_file::{load_model, save_model, MAX_MODEL_BYTES};
pub use npy::{parse_npy, to_npy};
pub use stream::{Chunk, TableReader, DEFAULT_MAX_LINE_BYTES};

use crate::Error;
use ndarray::{Array2, ArrayView1};
use std::path::Path;

/// A 1-D or 2-D table of numbers read from a file or a command line.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The values, one row per distribution. A 1-D source is a single row.
    pub values: Array2<f64>,
    /// `true` when the source was one-dimensional (an inline vector or a 1-D NPY array).
    pub one_dimensional: bool,
    /// For text sources, the 1-based line of each row.
    pub lines: Option<Vec<usize>>,
}

impl Table {
    /// A one-row table from a vector.
    ///
    /// # Example
    /// ```
    /// let t = xent::data::Table::from_vec(vec![0.5, 0.5]);
    /// assert_eq!(t.values.shape(), &[1, 2]);
    /// assert!(t.one_dimensional);
    /// ```
    pub fn from_vec(values: Vec<f64>) -> Table {
        let n = values.len();
        Table {
            values: Array2::from_shape_vec((1, n), values).expect("1 × n holds n values"),
            one_dimensional: true,
            lines: None,
        }
    }

    /// The single row of a one-dimensional table, or the first row.
    pub fn first_row(&self) -> ArrayView1<'_, f64> {
        self.values.row(0)
    }

    /// The 1-based line a row came from, when the source was text.
    pub fn line_of_row(&self, row: usize) -> Option<usize> {
        self.lines.as_ref().and_then(|l| l.get(row).copied())
    }
}

/// Parses an inline comma-separated vector such as `0.5,0.25,0.25`; `inf`, `-inf` and `nan`
/// are accepted, spaces around numbers are ignored.
///
/// # Errors
/// [`Error::Parse`] naming the 1-based position of the first field that is not a number
/// (line 1), and [`Error::Empty`] for an empty string.
///
/// # Example
/// ```
/// let t = xent::data::parse_inline("0.5, 0.25,0.25")?;
/// assert_eq!(t.first_row().to_vec(), vec![0.5, 0.25, 0.25]);
/// assert!(xent::data::parse_inline("0.5,x").is_err());
/// # Ok::<(), xent::Error>(())
/// ```
pub fn parse_inline(text: &str) -> Result<Table, Error> {
    if text.trim().is_empty() {
        return Err(Error::Empty { input: "vector" });
    }
    let mut table = csv::parse_delimited(text.as_bytes(), false)?;
    if table.values.nrows() != 1 {
        return Err(Error::Format {
            format: "inline vector",
            reason: "an inline vector is one line of comma-separated numbers".into(),
        });
    }
    table.one_dimensional = true;
    table.lines = None;
    Ok(table)
}

/// Reads a `.csv` or `.npy` file, chosen by its extension (anything but `.npy` is read as CSV).
///
/// # Example
/// ```
/// let path = std::env::temp_dir().join(format!("xent-read-{}.csv", std::process::id()));
/// std::fs::write(&path, "0.5,0.5\n1,0\n").unwrap();
/// let t = xent::data::read_table(&path)?;
/// assert_eq!(t.values.dim(), (2, 2));
/// assert_eq!(t.line_of_row(1), Some(2));
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), xent::Error>(())
/// ```
///
/// # Errors
/// [`Error::Io`] when the file cannot be read (missing, a directory, no permission), and the
/// format's errors from [`parse_csv`] or [`parse_npy`].
pub fn read_table(path: &Path) -> Result<Table, Error> {
    TableReader::open(path, None)?.read_all()
}

/// Reads a whole file of at most `limit` bytes; `what` names it in the error for a larger
/// one (`"a model file"`). A device or pipe that never ends (`/dev/zero`) stops at the limit.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read or is a directory, [`Error::InputTooLarge`]
/// when it holds more than `limit` bytes.
///
/// # Example
/// ```
/// let path = std::env::temp_dir().join(format!("xent-capped-{}.txt", std::process::id()));
/// std::fs::write(&path, "0123456789").unwrap();
/// assert_eq!(xent::data::read_capped(&path, 10, "a test file")?.len(), 10);
/// assert!(matches!(
///     xent::data::read_capped(&path, 9, "a test file"),
///     Err(xent::Error::InputTooLarge { limit: 9, .. })
/// ));
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), xent::Error>(())
/// ```
pub fn read_capped(path: &Path, limit: u64, what: &'static str) -> Result<Vec<u8>, Error> {
    let io_error = |e: std::io::Error| Error::io(Some(path), &e);
    not_a_directory(path)?;
    let file = std::fs::File::open(path).map_err(io_error)?;
    bounded::read_to_end(file, limit)
        .map_err(io_error)?
        .ok_or_else(|| Error::InputTooLarge {
            path: path.display().to_string(),
            what,
            limit,
        })
}

/// The error for a directory given where a file is read or written.
pub(crate) fn not_a_directory(path: &Path) -> Result<(), Error> {
    if path.is_dir() {
        return Err(Error::io_message(
            path,
            std::io::ErrorKind::IsADirectory,
            "is a directory, not a file",
        ));
    }
    Ok(())
}

/// Reads one line (with its `\n`, if any) into `buf`, without letting `buf` grow past
/// `limit + 1` bytes: returns the bytes read (0 at the end), or [`Error::LineTooLong`]
/// naming `line_number` for a longer line. For readers of text that is not a table.
///
/// # Errors
/// [`Error::LineTooLong`], and [`Error::Io`] (without a path) when reading fails.
///
/// # Example
/// ```
/// let mut input = std::io::Cursor::new("short\nmuch too long\n");
/// let mut line = Vec::new();
/// assert_eq!(xent::data::read_line_limited(&mut input, &mut line, 8, 1)?, 6);
/// line.clear();
/// assert!(xent::data::read_line_limited(&mut input, &mut line, 8, 2).is_err());
/// # Ok::<(), xent::Error>(())
/// ```
pub fn read_line_limited(
    reader: &mut dyn std::io::BufRead,
    buf: &mut Vec<u8>,
    limit: u64,
    line_number: usize,
) -> Result<usize, Error> {
    match bounded::read_line(reader, buf, limit) {
        Ok(Some(n)) => Ok(n),
        Ok(None) => Err(Error::LineTooLong {
            line: line_number,
            limit,
        }),
        Err(e) => Err(Error::io(None, &e)),
    }
}

/// Writes a 2-D array to a `.npy` file (little-endian f8) or, for any other extension, CSV,
/// atomically ([`write_atomically`]): a failed write leaves the old file as it was.
///
/// # Errors
/// [`Error::Io`] when the file cannot be written.
///
/// # Example
/// ```
/// let path = std::env::temp_dir().join(format!("xent-doc-{}.csv", std::process::id()));
/// let a = ndarray::array![[1.0, 0.5]];
/// xent::data::write_table(&path, a.view())?;
/// assert_eq!(xent::data::read_table(&path)?.values, a);
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), xent::Error>(())
/// ```
pub fn write_table(path: &Path, values: ndarray::ArrayView2<'_, f64>) -> Result<(), Error> {
    let is_npy = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("npy"));
    let bytes = if is_npy {
        to_npy(values)
    } else {
        to_csv(values).into_bytes()
    };
    write_atomically(path, |w| w.write_all(&bytes))
}

/// [`write_table`] with a name for each column: CSV gets them as its first line (which the
/// readers skip as a header, so names must not be numbers), NPY has no place for them.
///
/// # Errors
/// [`Error::ShapeMismatch`] when there is not one name per column; [`Error::Io`] when the
/// file cannot be written.
///
/// # Example
/// ```
/// let path = std::env::temp_dir().join(format!("xent-doc-named-{}.csv", std::process::id()));
/// let p = ndarray::array![[0.25, 0.75], [0.5, 0.5]];
/// xent::data::write_named_table(&path, &["class_0".into(), "class_1".into()], p.view())?;
/// assert_eq!(std::fs::read_to_string(&path).unwrap(), "class_0,class_1\n0.25,0.75\n0.5,0.5\n");
/// assert_eq!(xent::data::read_table(&path)?.values, p);
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), xent::Error>(())
/// ```
pub fn write_named_table(
    path: &Path,
    names: &[String],
    values: ndarray::ArrayView2<'_, f64>,
) -> Result<(), Error> {
    crate::layout::ensure_same_shape("column names", &[values.ncols()], &[names.len()])?;
    let is_npy = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("npy"));
    if is_npy {
        return write_table(path, values);
    }
    let header: Vec<_> = names.iter().map(|n| csv_field(n)).collect();
    let mut text = header.join(",");
    text.push('\n');
    text.push_str(&to_csv(values));
    write_atomically(path, |w| w.write_all(text.as_bytes()))
}
