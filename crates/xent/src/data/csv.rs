//! A strict reader for headerless numeric CSV: one row of comma-separated numbers per line.

use super::Table;
use crate::Error;
use ndarray::Array2;

/// Parses numeric CSV: one row per line, spaces around fields ignored, blank lines and lines
/// starting with `#` skipped, `\r\n` line ends accepted. `inf`, `-inf`, `infinity` and `nan`
/// (any case) are numbers.
///
/// The delimiter is detected from the first row: a tab or a semicolon when the row has one
/// and no comma, else a comma. A first row in which no field is a number is a header and is
/// skipped (a row mixing numbers and text is an error, not a header).
///
/// # Errors
/// - [`Error::Parse`] with the 1-based line and column of a field that is not a number, or of
///   the first byte that is not UTF-8;
/// - [`Error::Ragged`] when a row has a different number of fields than the first;
/// - [`Error::Empty`] when there is no row at all.
///
/// # Example
/// ```
/// let t = xent::data::parse_csv(b"0.5,0.5\n\n1,0\n")?;
/// assert_eq!(t.values, ndarray::array![[0.5, 0.5], [1.0, 0.0]]);
/// assert_eq!(t.lines, Some(vec![1, 3]));
/// let err = xent::data::parse_csv(b"0.5,0.5\n1,zero\n").unwrap_err();
/// assert_eq!(err.to_string(), "line 2, column 3: cannot read \"zero\" as a number");
/// # Ok::<(), xent::Error>(())
/// ```
pub fn parse_csv(bytes: &[u8]) -> Result<Table, Error> {
    parse_delimited(bytes, true)
}

/// [`parse_csv`], with header detection on or off (an inline vector has no header).
pub(crate) fn parse_delimited(bytes: &[u8], allow_header: bool) -> Result<Table, Error> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = position_of_byte(bytes, e.valid_up_to());
        Error::Parse {
            line,
            column,
            text: "<bytes that are not UTF-8>".into(),
        }
    })?;
    let mut values = Vec::new();
    let mut lines = Vec::new();
    let mut width = None;
    let content = |raw: &'_ str| {
        let line = raw.strip_suffix('\r').unwrap_or(raw).to_string();
        let trimmed = line.trim();
        (!trimmed.is_empty() && !trimmed.starts_with('#')).then_some(line)
    };
    let first = text.split('\n').find_map(content).unwrap_or_default();
    let delimiter = detect_delimiter(&first);
    let header = allow_header
        && !first.is_empty()
        && first
            .split(delimiter)
            .all(|f| !f.trim().is_empty() && f.trim().parse::<f64>().is_err());
    let mut header_pending = header;
    for (index, raw) in text.split('\n').enumerate() {
        let line_no = index + 1;
        let Some(line) = content(raw) else { continue };
        if header_pending {
            header_pending = false;
            continue;
        }
        let mut count = 0;
        let mut column = 1;
        for field in line.split(delimiter) {
            let leading = field.len() - field.trim_start().len();
            let number = field.trim();
            let value: f64 = number.parse().map_err(|_| Error::Parse {
                line: line_no,
                column: column + line_chars(&field[..leading]),
                text: number.to_string(),
            })?;
            values.push(value);
            count += 1;
            column += line_chars(field) + 1;
        }
        match width {
            None => width = Some(count),
            Some(expected) if expected != count => {
                return Err(Error::Ragged {
                    line: line_no,
                    expected,
                    found: count,
                });
            }
            Some(_) => {}
        }
        lines.push(line_no);
    }
    let width = width.ok_or(Error::Empty { input: "csv" })?;
    let values = Array2::from_shape_vec((lines.len(), width), values)
        .expect("every row was checked to have `width` fields");
    Ok(Table {
        values,
        one_dimensional: false,
        lines: Some(lines),
    })
}

/// Formats a 2-D array as CSV: one row per line, values in their shortest exact form
/// (`inf`, `-inf`, `NaN` for the non-finite ones), which [`parse_csv`] reads back exactly.
///
/// # Example
/// ```
/// let a = ndarray::array![[0.1, -2.0], [f64::INFINITY, 3e-300]];
/// let text = xent::data::to_csv(a.view());
/// assert_eq!(text, "0.1,-2\ninf,3e-300\n");
/// assert_eq!(xent::data::parse_csv(text.as_bytes())?.values, a);
/// # Ok::<(), xent::Error>(())
/// ```
pub fn to_csv(values: ndarray::ArrayView2<'_, f64>) -> String {
    let mut text = String::new();
    for row in values.rows() {
        let fields: Vec<String> = row.iter().map(|v| format_number(*v)).collect();
        text.push_str(&fields.join(","));
        text.push('\n');
    }
    text
}

/// Shortest round-trip text, with exponents for very large or small magnitudes.
fn format_number(v: f64) -> String {
    let a = v.abs();
    if a != 0.0 && a.is_finite() && !(1e-5..1e16).contains(&a) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// A tab or a semicolon when the line has one and no comma; a comma otherwise.
fn detect_delimiter(line: &str) -> char {
    if line.contains(',') {
        ','
    } else if line.contains('\t') {
        '\t'
    } else if line.contains(';') {
        ';'
    } else {
        ','
    }
}

fn line_chars(s: &str) -> usize {
    s.chars().count()
}

/// 1-based (line, column) of a byte offset, counting columns in bytes (the text there is not
/// valid UTF-8, so characters are not defined).
fn position_of_byte(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    (line, offset - line_start + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_and_spaces() {
        let err = parse_csv("1, 2,  x".as_bytes()).unwrap_err();
        assert_eq!(
            err,
            Error::Parse {
                line: 1,
                column: 8,
                text: "x".into()
            }
        );
    }

    #[test]
    fn non_utf8_is_located() {
        let err = parse_csv(b"1,2\n3,\xff\n").unwrap_err();
        assert!(
            matches!(
                err,
                Error::Parse {
                    line: 2,
                    column: 3,
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn ragged_rows_and_empty_input() {
        assert_eq!(
            parse_csv(b"1,2\n3\n").unwrap_err(),
            Error::Ragged {
                line: 2,
                expected: 2,
                found: 1
            }
        );
        assert_eq!(
            parse_csv(b"\n  \n").unwrap_err(),
            Error::Empty { input: "csv" }
        );
        assert!(matches!(
            parse_csv(b"1,,2").unwrap_err(),
            Error::Parse { column: 3, .. }
        ));
    }

    #[test]
    fn headers_and_delimiters_are_detected() {
        let t = parse_csv(b"p0\tp1\n0.5\t0.5\n1\t0\n").unwrap();
        assert_eq!(t.values, ndarray::array![[0.5, 0.5], [1.0, 0.0]]);
        assert_eq!(t.lines, Some(vec![2, 3]));
        let t = parse_csv(b"a;b\n1;2\n").unwrap();
        assert_eq!(t.values, ndarray::array![[1.0, 2.0]]);
        // A first row mixing numbers and text is an error, not a header.
        assert!(matches!(
            parse_csv(b"1,x\n2,3\n"),
            Err(Error::Parse { line: 1, .. })
        ));
        // Only a header: no data.
        assert_eq!(
            parse_csv(b"a,b\n").unwrap_err(),
            Error::Empty { input: "csv" }
        );
    }

    #[test]
    fn non_finite_spellings_and_crlf() {
        let t = parse_csv(b"inf,-inf,NaN\r\n").unwrap();
        let row = t.values.row(0);
        assert_eq!(row[0], f64::INFINITY);
        assert_eq!(row[1], f64::NEG_INFINITY);
        assert!(row[2].is_nan());
    }
}
