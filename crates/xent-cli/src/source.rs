//! Where an operand's numbers come from, and what its text on the command line stands for:
//! the leaf that operands, streamed inputs and error messages all build on.

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

impl Source {
    /// A file operand: NPY by its extension, CSV otherwise.
    pub(crate) fn of_file(text: &str) -> Source {
        if has_extension(text, "npy") {
            Source::Npy(text.to_string())
        } else {
            Source::Csv(text.to_string())
        }
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

/// An operand opened: a reader over standard input or a file, or an inline table.
pub(crate) enum Opened {
    Stream(TableReader),
    Inline(Table),
}

/// Opens an operand's text, the one way every command does: `-` and files as readers bound
/// by `max_line_bytes` (so `/dev/zero` is an error, not a hang), numbers as an inline table.
/// The outer error is the message for a missing file; the inner one, the source's own
/// failure to open or parse, is for the caller to place.
pub(crate) fn open(
    text: &str,
    delimiter: Option<u8>,
    max_line_bytes: u64,
) -> Result<(Source, Result<Opened, xent::Error>), String> {
    Ok(match resolve(text) {
        Resolved::Stdin => {
            let stdin = std::io::BufReader::with_capacity(1 << 16, std::io::stdin());
            let reader = TableReader::from_csv(stdin, delimiter).max_line_bytes(max_line_bytes);
            (Source::Stdin, Ok(Opened::Stream(reader)))
        }
        Resolved::File => {
            let reader = TableReader::open(Path::new(text), delimiter)
                .map(|r| Opened::Stream(r.max_line_bytes(max_line_bytes)));
            (Source::of_file(text), reader)
        }
        Resolved::Inline(table) => (Source::Inline, Ok(Opened::Inline(table))),
        Resolved::BadInline(e) => (Source::Inline, Err(e)),
        Resolved::Missing => {
            return Err(format!(
                "{text}: no such file (and not a vector of numbers such as 0.5,0.5)"
            ))
        }
    })
}

/// Names a place in a source in its own terms, the one way every input does: an element of
/// a vector (`index`, 0-based, where the caller's layout makes the place one), an NPY index
/// `[row, col]`, or a CSV line (and field). `me` is the source described; `line` the CSV
/// line of `row`, where known.
pub(crate) fn locate(
    me: String,
    source: &Source,
    index: Option<usize>,
    (row, col): (usize, Option<usize>),
    line: Option<usize>,
) -> String {
    match source {
        Source::Inline => match index {
            Some(i) => format!("{me}, element {}", i + 1),
            None => me,
        },
        Source::Npy(_) => match (index, col) {
            (Some(i), _) => format!("{me}, element [{i}]"),
            (None, Some(c)) => format!("{me}, element [{row}, {c}]"),
            (None, None) => format!("{me}, row {row}"),
        },
        Source::Csv(_) | Source::Stdin => {
            let line = line.map_or_else(|| format!("row {}", row + 1), |l| l.to_string());
            match col {
                Some(c) => format!("{me}:{line}, field {}", c + 1),
                None => format!("{me}:{line}"),
            }
        }
    }
}
