//! Reading a table a chunk of rows at a time, so that files larger than memory can be
//! evaluated in memory bounded by the chunk.

use super::csv::LineParser;
use super::npy::Layout;
use super::ColumnSet;
use crate::Error;
use ndarray::{Array2, ShapeBuilder};
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

/// Some consecutive rows of a table being streamed.
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    /// The rows. A 1-D NPY array streams as a column: one value per row.
    pub values: Array2<f64>,
    /// The index (0-based) of the chunk's first row in the whole table.
    pub first_row: usize,
    /// For CSV, the 1-based line of each row of the chunk.
    pub lines: Option<Vec<usize>>,
}

impl Chunk {
    /// The 1-based line a row (its index in the whole table) came from, when the source was
    /// text and the row is in this chunk.
    ///
    /// # Example
    /// ```
    /// use xent::data::TableReader;
    /// let text = "1,0\n# a comment\n0,1\n0.5,0.5\n";
    /// let mut reader = TableReader::from_csv(std::io::Cursor::new(text), None);
    /// reader.next_rows(1)?;
    /// let chunk = reader.next_rows(2)?.expect("two more rows");
    /// assert_eq!(chunk.first_row, 1);
    /// assert_eq!(chunk.line_of_row(1), Some(3)); // the comment is line 2
    /// assert_eq!(chunk.line_of_row(0), None); // row 0 was in the first chunk
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn line_of_row(&self, row: usize) -> Option<usize> {
        let lines = self.lines.as_ref()?;
        lines.get(row.checked_sub(self.first_row)?).copied()
    }
}

/// A CSV or NPY table read a chunk of rows at a time.
///
/// CSV is parsed as [`parse_csv`](super::parse_csv) does (header and delimiter detection,
/// comments, errors naming line and column), from any buffered reader, standard input
/// included. NPY files are read from disk; their header is checked against the file's length
/// before any data is read. Memory in use is the chunk asked for plus one line of text.
///
/// # Example
/// ```
/// use xent::data::TableReader;
/// let text = "p0,p1\n0.5,0.5\n0.25,0.75\n1,0\n";
/// let mut reader = TableReader::from_csv(std::io::Cursor::new(text), None);
/// let first = reader.next_rows(2)?.expect("two rows");
/// assert_eq!(first.values, ndarray::array![[0.5, 0.5], [0.25, 0.75]]);
/// assert_eq!(first.lines, Some(vec![2, 3]));
/// let rest = reader.next_rows(2)?.expect("one more row");
/// assert_eq!((rest.first_row, rest.values.nrows()), (2, 1));
/// assert!(reader.next_rows(2)?.is_none());
/// # Ok::<(), xent::Error>(())
/// ```
pub struct TableReader {
    source: Source,
    /// NPY: the columns kept, in order.
    npy_columns: Option<Vec<usize>>,
    rows_read: usize,
    bytes_read: u64,
    max_line_bytes: u64,
    compressed: bool,
}

/// The longest line a [`TableReader`] takes by default: 1 GiB. A longer line (an endless
/// one, such as `/dev/zero`'s) is an [`Error::LineTooLong`], not a buffer that grows until
/// memory runs out.
pub const DEFAULT_MAX_LINE_BYTES: u64 = 1 << 30;

/// Bytes of a Fortran-order NPY array decoded per block (4 MiB): the columns of a block of
/// rows are read in long runs, so a chunk of a few rows costs no seek of its own.
const FORTRAN_BLOCK_BYTES: usize = 1 << 22;

enum Source {
    Csv {
        reader: Box<dyn BufRead + Send>,
        parser: LineParser,
        line_no: usize,
        line: Vec<u8>,
        finished: bool,
    },
    Npy {
        reader: BufReader<File>,
        layout: Layout,
        bytes: Vec<u8>,
        /// Fortran order: a block of rows decoded column by column, and its first row.
        block: Option<(usize, Array2<f64>)>,
    },
}

impl std::fmt::Debug for TableReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.source {
            Source::Csv { .. } => "csv",
            Source::Npy { .. } => "npy",
        };
        f.debug_struct("TableReader")
            .field("kind", &kind)
            .field("rows_read", &self.rows_read)
            .field("bytes_read", &self.bytes_read)
            .finish()
    }
}

/// A text file for reading line by line, decompressed as it is read when it starts with
/// gzip's magic bytes (whatever its name: `digits.csv.gz` reads as its CSV, and memory stays
/// bounded by the line limit); `true` with it when it was compressed.
pub(crate) fn open_text(path: &Path) -> Result<(Box<dyn BufRead + Send>, bool), Error> {
    let io_error = |e: std::io::Error| Error::io(Some(path), &e);
    super::not_a_directory(path)?;
    let file = File::open(path).map_err(io_error)?;
    let mut reader = BufReader::with_capacity(1 << 16, file);
    if reader
        .fill_buf()
        .map_err(io_error)?
        .starts_with(&[0x1f, 0x8b])
    {
        let decoder = flate2::bufread::MultiGzDecoder::new(reader);
        return Ok((Box::new(BufReader::with_capacity(1 << 16, decoder)), true));
    }
    Ok((Box::new(reader), false))
}

impl TableReader {
    /// Opens a `.npy` file, or any other file as CSV, with a fixed CSV `delimiter` or `None`
    /// to detect it.
    ///
    /// # Example
    /// ```
    /// let path = std::env::temp_dir().join(format!("xent-open-{}.npy", std::process::id()));
    /// let a = ndarray::array![[0.25, 0.75], [1.0, 0.0], [0.5, 0.5]];
    /// std::fs::write(&path, xent::data::to_npy(a.view())).unwrap();
    /// let mut reader = xent::data::TableReader::open(&path, None)?;
    /// let first = reader.next_rows(2)?.expect("two rows");
    /// assert_eq!(first.values, a.slice(ndarray::s![0..2, ..]));
    /// assert_eq!(reader.next_rows(2)?.expect("the last row").values.nrows(), 1);
    /// # std::fs::remove_file(&path).ok();
    /// # Ok::<(), xent::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Io`] for a file that cannot be opened or is a directory; for NPY, the header
    /// errors of [`parse_npy`](super::parse_npy).
    pub fn open(path: &Path, delimiter: Option<u8>) -> Result<TableReader, Error> {
        let is_npy = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("npy"));
        if !is_npy {
            let (reader, compressed) = open_text(path)?;
            let mut table = TableReader::from_csv(reader, delimiter);
            table.compressed = compressed;
            return Ok(table);
        }
        let io_error = |e: std::io::Error| Error::io(Some(path), &e);
        super::not_a_directory(path)?;
        let file = File::open(path).map_err(io_error)?;
        let file_len = file.metadata().map_err(io_error)?.len();
        let mut reader = BufReader::with_capacity(1 << 16, file);
        let layout = Layout::read(&mut reader, file_len)?;
        Ok(TableReader {
            bytes_read: layout.data_start,
            source: Source::Npy {
                reader,
                layout,
                bytes: Vec::new(),
                block: None,
            },
            rows_read: 0,
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            compressed: false,
            npy_columns: None,
        })
    }

    /// Sets the longest line a CSV source may have (default [`DEFAULT_MAX_LINE_BYTES`]);
    /// a longer one is an [`Error::LineTooLong`] naming it.
    ///
    /// # Example
    /// ```
    /// use xent::data::TableReader;
    /// let text = "1,2\n3,4,5,6,7,8\n";
    /// let mut reader = TableReader::from_csv(std::io::Cursor::new(text), None).max_line_bytes(8);
    /// assert_eq!(
    ///     reader.next_rows(5).unwrap_err(),
    ///     xent::Error::LineTooLong { line: 2, limit: 8 }
    /// );
    /// ```
    pub fn max_line_bytes(mut self, limit: u64) -> TableReader {
        self.max_line_bytes = limit;
        self
    }

    /// Reads every row that is left into one [`Table`](super::Table) (a 1-D NPY array as one row, as
    /// [`parse_npy`](super::parse_npy) gives it), with the lines of CSV rows.
    ///
    /// # Errors
    /// As [`TableReader::next_rows`].
    ///
    /// # Example
    /// ```
    /// use xent::data::TableReader;
    /// let reader = TableReader::from_csv(std::io::Cursor::new("a,b\n1,2\n\n3,4\n"), None);
    /// let table = reader.read_all()?;
    /// assert_eq!(table.values, ndarray::array![[1.0, 2.0], [3.0, 4.0]]);
    /// assert_eq!(table.lines, Some(vec![2, 4]));
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn read_all(mut self) -> Result<super::Table, Error> {
        let mut values = Vec::new();
        let mut lines = Vec::new();
        let mut width = 0;
        let mut text = false;
        while let Some(chunk) = self.next_rows(1 << 14)? {
            width = chunk.values.ncols();
            if let Some(l) = chunk.lines {
                text = true;
                lines.extend(l);
            }
            values.extend(chunk.values);
        }
        let one_dimensional = self.one_dimensional();
        let rows = values.len().checked_div(width).unwrap_or(0);
        let values = if one_dimensional {
            Array2::from_shape_vec((1, values.len()), values)
        } else {
            Array2::from_shape_vec((rows, width), values)
        }
        .expect("every chunk has the first one's width");
        Ok(super::Table {
            values,
            one_dimensional,
            lines: text.then_some(lines),
        })
    }

    /// Reads CSV from any buffered reader (`std::io::stdin().lock()`, a file, bytes).
    pub fn from_csv(reader: impl BufRead + Send + 'static, delimiter: Option<u8>) -> TableReader {
        TableReader {
            source: Source::Csv {
                reader: Box::new(reader),
                parser: LineParser::new(delimiter, true),
                line_no: 0,
                line: Vec::new(),
                finished: false,
            },
            rows_read: 0,
            bytes_read: 0,
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            compressed: false,
            npy_columns: None,
        }
    }

    /// Keeps only these columns, in this order: by index, or for CSV with a header, by name.
    /// For CSV the columns are found at the first row, and a column that does not exist is
    /// an error of [`TableReader::next_rows`]; a field of a column left out is never parsed
    /// (an id column of text is no error).
    ///
    /// # Errors
    /// For NPY, [`Error::Unsuitable`] for a column that does not exist or a name (NPY has
    /// no header).
    ///
    /// # Example
    /// ```
    /// use xent::data::{ColumnSet, TableReader};
    /// let text = "id,p0,p1,label\na,0.25,0.75,1\nb,0.5,0.5,0\n";
    /// let mut reader = TableReader::from_csv(std::io::Cursor::new(text), None);
    /// reader.select_columns(ColumnSet::parse("p1,p0")?)?;
    /// let chunk = reader.next_rows(10)?.expect("two rows");
    /// assert_eq!(chunk.values, ndarray::array![[0.75, 0.25], [0.5, 0.5]]);
    /// assert_eq!(reader.header(), Some(vec!["p1".to_string(), "p0".to_string()]));
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn select_columns(&mut self, columns: ColumnSet) -> Result<(), Error> {
        match &mut self.source {
            Source::Csv { parser, .. } => parser.select(columns),
            Source::Npy { layout, .. } => {
                self.npy_columns = Some(columns.resolve(&[], layout.cols)?);
            }
        }
        Ok(())
    }

    /// Reads a field that is one of `names` (and not a number) as its index in them: class
    /// names as their class. Another text is an [`Error::UnknownClass`] naming them. A first
    /// line that is one field, one of the names, is a row, not a header. Call it before the first row
    /// is read.
    ///
    /// # Example
    /// ```
    /// use xent::data::TableReader;
    /// let mut reader = TableReader::from_csv(std::io::Cursor::new("dog\ncat\n2\n"), None);
    /// reader.class_names(vec!["cat".into(), "dog".into(), "emu".into()]);
    /// let chunk = reader.next_rows(10)?.expect("three rows");
    /// assert_eq!(chunk.values, ndarray::array![[1.0], [0.0], [2.0]]);
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn class_names(&mut self, names: Vec<String>) {
        if let Source::Csv { parser, .. } = &mut self.source {
            parser.class_names(names);
        }
    }

    /// The names a CSV header gave the columns read (after [`TableReader::select_columns`]),
    /// once a row has been read; `None` without a header.
    pub fn header(&self) -> Option<Vec<String>> {
        match &self.source {
            Source::Csv { parser, .. } => parser.names(),
            Source::Npy { .. } => None,
        }
    }

    /// `true` for a 1-D NPY array (streamed as one column).
    pub fn one_dimensional(&self) -> bool {
        matches!(&self.source, Source::Npy { layout, .. } if layout.one_dimensional)
    }

    /// Rows returned so far.
    pub fn rows_read(&self) -> usize {
        self.rows_read
    }

    /// Bytes of the source consumed so far (for progress reports).
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// `true` when the file was gzip-compressed: [`bytes_read`](Self::bytes_read) counts
    /// the decompressed bytes, which the file's size does not bound.
    pub fn is_compressed(&self) -> bool {
        self.compressed
    }

    /// The next chunk of at most `max_rows` rows (at least one row is read when `max_rows`
    /// is 0), or `None` at the end.
    ///
    /// # Errors
    /// For CSV, [`Error::Parse`], [`Error::NotUtf8`], [`Error::Ragged`] and
    /// [`Error::LineTooLong`] naming the line, [`Error::Empty`] when the whole input holds no
    /// row; [`Error::Io`] (without a path: the reader's owner knows it) when reading fails.
    pub fn next_rows(&mut self, max_rows: usize) -> Result<Option<Chunk>, Error> {
        let max_rows = max_rows.max(1);
        let first_row = self.rows_read;
        let chunk = match &mut self.source {
            Source::Csv {
                reader,
                parser,
                line_no,
                line,
                finished,
            } => {
                let mut values = Vec::new();
                let mut lines = Vec::new();
                let limit = self.max_line_bytes;
                while !*finished && lines.len() < max_rows {
                    line.clear();
                    let n = super::read_line_limited(&mut **reader, line, limit, *line_no + 1)?;
                    if n == 0 {
                        *finished = true;
                        break;
                    }
                    self.bytes_read += n as u64;
                    *line_no += 1;
                    if parser.parse(line, *line_no, &mut values)? {
                        lines.push(*line_no);
                    }
                }
                if lines.is_empty() {
                    if first_row == 0 {
                        return Err(Error::Empty { input: "csv" });
                    }
                    return Ok(None);
                }
                let width = parser.width().expect("a row was read");
                Chunk {
                    values: Array2::from_shape_vec((lines.len(), width), values)
                        .expect("every row was checked to have `width` fields"),
                    first_row,
                    lines: Some(lines),
                }
            }
            Source::Npy {
                reader,
                layout,
                bytes,
                block,
            } => {
                let left = layout.rows - first_row;
                // Rows of no columns hold nothing: hand them all over at once.
                let rows = if layout.cols == 0 {
                    left
                } else {
                    max_rows.min(left)
                };
                if rows == 0 {
                    return Ok(None);
                }
                let size = layout.dtype.size;
                let cols = layout.cols;
                let io_error = |e: std::io::Error| Error::io(None, &e);
                let mut values = Array2::zeros((rows, cols));
                if layout.fortran_order && cols > 1 {
                    // Column-major: each column's slice of these rows lies elsewhere. A block
                    // of many rows is read a column at a time (one seek per column per block,
                    // not per chunk) and the chunks are cut out of it.
                    let covered = block
                        .as_ref()
                        .is_some_and(|(start, b)| first_row + rows <= start + b.nrows());
                    if !covered {
                        let block_rows = (FORTRAN_BLOCK_BYTES / (cols * size)).max(rows).min(left);
                        // Column-major, so that each column decodes into one contiguous run.
                        let mut decoded = Array2::zeros((block_rows, cols).f());
                        bytes.resize(block_rows * size, 0);
                        // Straight from the file: through the buffer, each short run would
                        // cost a whole buffer's read after every seek.
                        let file = reader.get_mut();
                        for (j, mut column) in decoded.columns_mut().into_iter().enumerate() {
                            let at =
                                layout.data_start + ((j * layout.rows + first_row) * size) as u64;
                            file.seek(SeekFrom::Start(at)).map_err(io_error)?;
                            file.read_exact(bytes).map_err(io_error)?;
                            layout.dtype.decode_into(bytes, column.iter_mut());
                        }
                        *block = Some((first_row, decoded));
                    }
                    let (start, decoded) = block.as_ref().expect("filled above");
                    let offset = first_row - start;
                    values.assign(&decoded.slice(ndarray::s![offset..offset + rows, ..]));
                } else {
                    bytes.resize(rows * cols * size, 0);
                    reader.read_exact(bytes).map_err(io_error)?;
                    layout.dtype.decode_into(bytes, values.iter_mut());
                }
                self.bytes_read += (rows * cols * size) as u64;
                if let Some(kept) = &self.npy_columns {
                    values = values.select(ndarray::Axis(1), kept);
                }
                Chunk {
                    values,
                    first_row,
                    lines: None,
                }
            }
        };
        self.rows_read += chunk.values.nrows();
        Ok(Some(chunk))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_rows(reader: &mut TableReader, step: usize) -> Result<Array2<f64>, Error> {
        let mut rows = Vec::new();
        let mut width = 0;
        while let Some(chunk) = reader.next_rows(step)? {
            width = chunk.values.ncols();
            rows.extend(chunk.values.iter().copied());
        }
        Ok(Array2::from_shape_vec((rows.len() / width.max(1), width), rows).unwrap())
    }

    #[test]
    fn csv_chunks_match_the_whole_parse() {
        let text = "# comment\na\tb\n1\t2\n\n3\t4\r\n5\t6\n";
        let whole = super::super::parse_csv(text.as_bytes()).unwrap();
        for step in [1, 2, 3, 10] {
            let mut reader = TableReader::from_csv(std::io::Cursor::new(text), None);
            assert_eq!(all_rows(&mut reader, step).unwrap(), whole.values);
        }
        let mut reader = TableReader::from_csv(std::io::Cursor::new(text), None);
        reader.next_rows(1).unwrap();
        let second = reader.next_rows(2).unwrap().unwrap();
        assert_eq!(second.line_of_row(1), Some(5));
        assert_eq!(second.line_of_row(2), Some(6));
        assert_eq!(second.line_of_row(0), None);
    }

    #[test]
    fn csv_errors_carry_the_line_of_the_whole_file() {
        let text = "1,2\n3,4\n5,x\n";
        let mut reader = TableReader::from_csv(std::io::Cursor::new(text), None);
        assert!(reader.next_rows(2).is_ok());
        assert_eq!(
            reader.next_rows(2).unwrap_err(),
            Error::Parse {
                line: 3,
                column: 3,
                text: "x".into()
            }
        );
        let mut empty = TableReader::from_csv(std::io::Cursor::new("# nothing\n"), None);
        assert_eq!(
            empty.next_rows(5).unwrap_err(),
            Error::Empty { input: "csv" }
        );
    }

    #[test]
    fn a_fixed_delimiter_is_not_guessed() {
        // With ';' fixed, commas are part of the field (a decimal comma is not a number).
        let mut reader = TableReader::from_csv(std::io::Cursor::new("1;2\n"), Some(b';'));
        assert_eq!(
            reader.next_rows(4).unwrap().unwrap().values,
            ndarray::array![[1.0, 2.0]]
        );
        let mut reader = TableReader::from_csv(std::io::Cursor::new("1,5;2\n"), Some(b';'));
        assert!(matches!(
            reader.next_rows(4),
            Err(Error::Parse { column: 1, .. })
        ));
    }

    #[test]
    fn npy_in_c_and_fortran_order_and_one_dimensional() {
        let dir = std::env::temp_dir().join(format!("xent-stream-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let a = Array2::from_shape_fn((7, 3), |(i, j)| (10 * i + j) as f64);
        let c = dir.join("c.npy");
        std::fs::write(&c, super::super::to_npy(a.view())).unwrap();
        let mut reader = TableReader::open(&c, None).unwrap();
        assert_eq!(all_rows(&mut reader, 3).unwrap(), a);
        // Fortran order: the same array stored column by column.
        let mut file = super::super::npy::header_bytes(
            "{'descr': '<f8', 'fortran_order': True, 'shape': (7, 3), }",
        );
        for v in a.t().iter() {
            file.extend_from_slice(&v.to_le_bytes());
        }
        let f = dir.join("f.npy");
        std::fs::write(&f, &file).unwrap();
        let mut reader = TableReader::open(&f, None).unwrap();
        assert_eq!(all_rows(&mut reader, 2).unwrap(), a);
        // A lying header is refused before anything is read.
        // Rows of zero columns come in one chunk, however many are asked for.
        let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (5, 0), }\n";
        let mut empty_rows = b"\x93NUMPY\x01\x00".to_vec();
        empty_rows.extend_from_slice(&(header.len() as u16).to_le_bytes());
        empty_rows.extend_from_slice(header.as_bytes());
        let e = dir.join("e.npy");
        std::fs::write(&e, empty_rows).unwrap();
        let mut reader = TableReader::open(&e, None).unwrap();
        assert_eq!(reader.next_rows(2).unwrap().unwrap().values.dim(), (5, 0));
        assert!(reader.next_rows(2).unwrap().is_none());
        std::fs::write(&f, &file[..file.len() - 8]).unwrap();
        assert!(matches!(
            TableReader::open(&f, None),
            Err(Error::Format { .. })
        ));
        assert!(matches!(
            TableReader::open(&dir, None),
            Err(Error::Io { .. })
        ));
        std::fs::remove_dir_all(&dir).ok();
    }
}
