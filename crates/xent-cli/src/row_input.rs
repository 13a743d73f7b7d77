//! An operand read a chunk of rows at a time (CSV, NPY or standard input, streamed), or an
//! inline vector held whole, with errors that still point at the file's line and field.

use crate::failure::{Failure, Place};
use crate::source::{describe_source, locate, open, Opened, Source};
use ndarray::{s, Array2};
use xent::data::{Chunk, ColumnSet, TableReader};

/// How an inline vector lies: as one row (a prediction) or as one column (labels, weights).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Inline {
    Row,
    Column,
}

/// One of `xent eval`'s inputs (PRED, LABELS, WEIGHTS), handed out a chunk of rows at a time.
pub struct RowInput {
    name: &'static str,
    source: Source,
    rows: Rows,
    /// The first row and, for CSV, the lines of the chunk last returned (its values moved
    /// out), to name the line of a row.
    current: Option<Chunk>,
}

enum Rows {
    // Boxed: a reader is several hundred bytes, an inline vector's place a few words.
    Stream(Box<TableReader>),
    Whole {
        values: Array2<f64>,
        next: usize,
        orientation: Inline,
    },
}

impl RowInput {
    /// Opens `text`: `-` (CSV on standard input), a CSV or NPY file, or an inline vector.
    pub fn open(
        name: &'static str,
        text: &str,
        delimiter: Option<u8>,
        inline: Inline,
    ) -> Result<RowInput, Failure> {
        let limit = crate::limits::max_line_bytes();
        let (source, opened) = open(text, delimiter, limit).map_err(Failure::data)?;
        let rows = opened.map(|o| match o {
            Opened::Stream(reader) => Rows::Stream(Box::new(reader)),
            Opened::Inline(table) => Rows::Whole {
                values: match inline {
                    Inline::Row => table.values,
                    Inline::Column => table.values.reversed_axes(),
                },
                next: 0,
                orientation: inline,
            },
        });
        let mut input = RowInput {
            name,
            source,
            rows: Rows::Whole {
                values: Array2::zeros((0, 0)),
                next: 0,
                orientation: inline,
            },
            current: None,
        };
        input.rows = rows.map_err(|e| Failure::from_read(&input, e))?;
        Ok(input)
    }

    /// The next chunk of at most `max_rows` rows, or `None` at the end.
    pub fn next(&mut self, max_rows: usize) -> Result<Option<Array2<f64>>, Failure> {
        let chunk = match &mut self.rows {
            Rows::Stream(reader) => reader.next_rows(max_rows),
            Rows::Whole { values, next, .. } => {
                let end = (*next + max_rows.max(1)).min(values.nrows());
                let chunk = (end > *next).then(|| Chunk {
                    values: values.slice(s![*next..end, ..]).to_owned(),
                    first_row: *next,
                    lines: None,
                });
                *next = end;
                Ok(chunk)
            }
        };
        let chunk = chunk.map_err(|e| Failure::from_read(&*self, e))?;
        Ok(chunk.map(|mut c| {
            let values = std::mem::replace(&mut c.values, Array2::zeros((0, 0)));
            self.current = Some(c);
            values
        }))
    }

    /// Keeps only these columns (by index; by name for CSV with a header), before any row
    /// is read.
    pub fn select(&mut self, columns: ColumnSet) -> Result<(), Failure> {
        let result = match &mut self.rows {
            Rows::Stream(reader) => reader.select_columns(columns),
            Rows::Whole { values, .. } => columns.resolve(&[], values.ncols()).map(|kept| {
                *values = values.select(ndarray::Axis(1), &kept);
            }),
        };
        result.map_err(|e| Failure::data(format!("{}: {e}", self.describe())))
    }

    /// Reads text fields that are one of `names` as their index (class names as classes).
    pub fn class_names(&mut self, names: Vec<String>) {
        if let Rows::Stream(reader) = &mut self.rows {
            reader.class_names(names);
        }
    }

    /// The header's names of the columns read, once a row has been read.
    pub fn header(&self) -> Option<Vec<String>> {
        match &self.rows {
            Rows::Stream(reader) => reader.header(),
            Rows::Whole { .. } => None,
        }
    }

    /// Rows returned so far.
    pub fn rows_read(&self) -> usize {
        match &self.rows {
            Rows::Stream(reader) => reader.rows_read(),
            Rows::Whole { next, .. } => *next,
        }
    }

    /// Bytes consumed so far, and the total when it is known (a file on disk).
    pub fn progress(&self) -> (u64, Option<u64>) {
        match (&self.rows, &self.source) {
            (Rows::Stream(reader), Source::Csv(path) | Source::Npy(path))
                if !reader.is_compressed() =>
            {
                (
                    reader.bytes_read(),
                    std::fs::metadata(path).ok().map(|m| m.len()),
                )
            }
            (Rows::Stream(reader), _) => (reader.bytes_read(), None),
            (Rows::Whole { .. }, _) => (0, None),
        }
    }

    /// The operand's name on the command line (PRED, LABELS, WEIGHTS).
    pub fn name(&self) -> &'static str {
        self.name
    }
}

impl RowInput {
    /// What an error about the chunk last returned needs to know, detached from the reader
    /// (it travels with the chunk to the thread that evaluates it).
    pub fn place(&self) -> ChunkPlace {
        ChunkPlace {
            name: self.name,
            source: self.source.clone(),
            vector: Place::is_vector(self),
            inline: match &self.rows {
                Rows::Whole { orientation, .. } => Some(*orientation),
                Rows::Stream(_) => None,
            },
            chunk: self.current.clone(),
        }
    }
}

impl Place for RowInput {
    fn source(&self) -> &Source {
        &self.source
    }

    fn describe(&self) -> String {
        describe_source(self.name, &self.source)
    }

    fn locate(&self, row: usize, col: Option<usize>) -> String {
        self.place().locate(row, col)
    }

    fn is_vector(&self) -> bool {
        match &self.rows {
            Rows::Stream(reader) => reader.one_dimensional(),
            Rows::Whole { .. } => true,
        }
    }
}

/// An input and its current chunk, as errors name places in them.
#[derive(Debug, Clone)]
pub struct ChunkPlace {
    name: &'static str,
    source: Source,
    vector: bool,
    /// How an inline vector lies (`None` for a streamed file).
    inline: Option<Inline>,
    /// The chunk's first row and, for CSV, lines (its values moved out).
    chunk: Option<Chunk>,
}

impl Place for ChunkPlace {
    fn source(&self) -> &Source {
        &self.source
    }

    fn describe(&self) -> String {
        describe_source(self.name, &self.source)
    }

    fn locate(&self, row: usize, col: Option<usize>) -> String {
        let index = match (&self.source, self.inline) {
            (Source::Inline, Some(Inline::Row)) => col,
            (Source::Inline, Some(Inline::Column)) => Some(row),
            (Source::Npy(_), _) if self.vector => Some(row),
            _ => None,
        };
        let line = self.chunk.as_ref().and_then(|c| c.line_of_row(row));
        locate(self.describe(), &self.source, index, (row, col), line)
    }

    fn is_vector(&self) -> bool {
        self.vector
    }
}
