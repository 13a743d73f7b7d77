//! A strict reader for headerless numeric CSV: one row of comma-separated numbers per line.

use super::{ColumnSet, Table};
use crate::shortest::{excerpt, EXCERPT_CHARS};
use crate::{Error, Shortest};
use ndarray::Array2;
use std::collections::HashMap;

/// Parses numeric CSV: one row per line, spaces around fields ignored, blank lines and lines
/// starting with `#` skipped, `\r\n` line ends accepted. `inf`, `-inf`, `infinity` and `nan`
/// (any case) are numbers.
///
/// The delimiter is detected from the first row: a tab or a semicolon when the row has one
/// and no comma, else a run of spaces when its fields stand apart (NumPy's `savetxt`), else
/// a comma. A first row in which no field is a number is a header and is skipped, as is
/// scikit-learn's header of its bundled data sets (two counts, then class names:
/// `150,4,setosa,versicolor,virginica`); any other row mixing numbers and text is an error,
/// not a header.
///
/// # Errors
/// - [`Error::Parse`] with the 1-based line and column of a field that is not a number;
/// - [`Error::NotUtf8`] with the line and byte where the bytes stop being UTF-8;
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
    let mut parser = LineParser::new(None, allow_header);
    let mut values = Vec::new();
    let mut lines = Vec::new();
    for (index, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        if parser.parse(raw, index + 1, &mut values)? {
            lines.push(index + 1);
        }
    }
    let width = parser.width().ok_or(Error::Empty { input: "csv" })?;
    let values = Array2::from_shape_vec((lines.len(), width), values)
        .expect("every row was checked to have `width` fields");
    Ok(Table {
        values,
        one_dimensional: false,
        lines: Some(lines),
    })
}

/// Parses CSV one line at a time, remembering what the first lines decided: the delimiter,
/// whether there was a header, the row width, which columns to keep. Works on bytes: only a
/// field that fails to parse is examined as text, to say where it is and what it holds.
#[derive(Debug, Clone)]
pub(crate) struct LineParser {
    delimiter: Option<u8>,
    header_pending: bool,
    /// The fields of every line.
    fields: Option<usize>,
    /// The header's names, when the first line was one.
    names: Option<Vec<String>>,
    /// The columns to keep, resolved against the header and the first row.
    selection: Option<ColumnSet>,
    /// For each field, where it goes in the row (`None`: skipped); all fields in order when
    /// there is no selection.
    slots: Option<Vec<Option<usize>>>,
    width: Option<usize>,
    /// Text read as a number: class names, read as their index.
    classes: Option<(Vec<String>, HashMap<String, usize>)>,
}

impl LineParser {
    /// `delimiter`: a fixed delimiter, or `None` to detect it from the first non-blank line.
    pub(crate) fn new(delimiter: Option<u8>, allow_header: bool) -> LineParser {
        LineParser {
            delimiter,
            header_pending: allow_header,
            fields: None,
            names: None,
            selection: None,
            slots: None,
            width: None,
            classes: None,
        }
    }

    /// Keeps only these columns, in this order (resolved at the first row).
    pub(crate) fn select(&mut self, columns: ColumnSet) {
        self.selection = Some(columns);
    }

    /// Reads a field that is one of `names` as its index.
    pub(crate) fn class_names(&mut self, names: Vec<String>) {
        let index = names
            .iter()
            .enumerate()
            .map(|(k, n)| (n.clone(), k))
            .collect();
        self.classes = Some((names, index));
    }

    /// The number of values of every row, once a row has been read.
    pub(crate) fn width(&self) -> Option<usize> {
        self.width
    }

    /// The header's names of the columns kept, once a row has been read after a header.
    pub(crate) fn names(&self) -> Option<Vec<String>> {
        let names = self.names.as_ref()?;
        Some(match &self.slots {
            Some(slots) => {
                let mut kept = vec![String::new(); self.width.unwrap_or(0)];
                for (j, slot) in slots.iter().enumerate() {
                    if let (Some(k), Some(n)) = (slot, names.get(j)) {
                        kept[*k] = n.clone();
                    }
                }
                kept
            }
            None => names.clone(),
        })
    }

    /// Parses one line (with or without its `\n`, `\r\n` accepted), appending its values to
    /// `out`. Returns `false` for a line that holds no row: blank, a `#` comment, the header.
    pub(crate) fn parse(
        &mut self,
        raw: &[u8],
        line_no: usize,
        out: &mut Vec<f64>,
    ) -> Result<bool, Error> {
        let line = raw.strip_suffix(b"\n").unwrap_or(raw);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let trimmed = line.trim_ascii();
        if trimmed.is_empty() || trimmed[0] == b'#' {
            check_utf8(line, line_no)?;
            return Ok(false);
        }
        let delimiter = *self.delimiter.get_or_insert_with(|| detect_delimiter(line));
        // With class names, a first line of one field that is one of them is a label, not
        // a header.
        let holds_class = |line: &[u8]| {
            self.classes.as_ref().is_some_and(|(_, index)| {
                let mut fields = split_fields(line, delimiter);
                let first = fields.next().map(field_text);
                fields.next().is_none()
                    && first.is_some_and(|f| {
                        std::str::from_utf8(&f).is_ok_and(|t| index.contains_key(t))
                    })
            })
        };
        if std::mem::take(&mut self.header_pending) && !holds_class(line) {
            if let Some(header) = header_kind(line, delimiter) {
                check_utf8(line, line_no)?;
                if let Header::Names(names) = header {
                    self.names = Some(names);
                }
                return Ok(false);
            }
        }
        if self.fields.is_none() {
            self.first_row(line, delimiter)?;
        }
        let width = self.width.expect("set by the first row");
        let before = out.len();
        out.resize(before + width, 0.0);
        let mut count = 0;
        for field in split_fields(line, delimiter) {
            count += 1;
            let slot = match &self.slots {
                None => Some(count - 1),
                Some(slots) => slots.get(count - 1).copied().flatten(),
            };
            let Some(slot) = slot.filter(|&k| k < width) else {
                continue;
            };
            let text = field_text(field);
            let parsed = std::str::from_utf8(&text).ok().and_then(|t| {
                t.parse::<f64>().ok().or_else(|| {
                    let (_, index) = self.classes.as_ref()?;
                    index.get(t).map(|&k| k as f64)
                })
            });
            match parsed {
                Some(value) => out[before + slot] = value,
                None => {
                    out.truncate(before);
                    // The field's place in the line, from where its bytes lie in it.
                    let start = field.as_ptr() as usize - line.as_ptr() as usize;
                    let leading = field.len() - field.trim_ascii_start().len();
                    let error = field_error(line, line_no, start + leading, &text);
                    return Err(match (&self.classes, error) {
                        (Some((names, _)), Error::Parse { line, text, .. }) => {
                            Error::UnknownClass {
                                line,
                                text,
                                classes: names.clone(),
                            }
                        }
                        (_, error) => error,
                    });
                }
            }
        }
        let expected = self.fields.expect("set by the first row");
        if count != expected {
            out.truncate(before);
            return Err(Error::Ragged {
                line: line_no,
                expected,
                found: count,
            });
        }
        Ok(true)
    }

    /// What the first row decides: its number of fields, and where each selected one goes.
    fn first_row(&mut self, line: &[u8], delimiter: u8) -> Result<(), Error> {
        let fields = split_fields(line, delimiter).count();
        self.fields = Some(fields);
        match &self.selection {
            None => self.width = Some(fields),
            Some(set) => {
                let names = self.names.clone().unwrap_or_default();
                let kept = set.resolve(&names, fields)?;
                let mut slots = vec![None; fields];
                for (k, &c) in kept.iter().enumerate() {
                    slots[c] = Some(k);
                }
                self.width = Some(kept.len());
                self.slots = Some(slots);
            }
        }
        Ok(())
    }
}

/// What a header row says.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Header {
    /// The columns' names.
    Names(Vec<String>),
    /// scikit-learn's counts and class names: the names of the label values 0, 1, ….
    Classes(Vec<String>),
}

/// The header a first line is, if it is one: a line in which every field is non-empty text
/// that is not a number, or scikit-learn's header of its bundled data sets
/// (`150,4,setosa,versicolor,virginica`: the sample and feature counts as integers, then two
/// or more class names; with one name it stays an error, as `1,2,x` most likely is a row).
pub(crate) fn header_kind(line: &[u8], delimiter: u8) -> Option<Header> {
    let fields: Vec<std::borrow::Cow<'_, [u8]>> =
        split_fields(line, delimiter).map(field_text).collect();
    let text = |f: &[u8]| {
        !f.is_empty()
            && std::str::from_utf8(f)
                .map(|t| t.parse::<f64>().is_err())
                .unwrap_or(true)
    };
    let count = |f: &[u8]| !f.is_empty() && f.iter().all(u8::is_ascii_digit);
    let names = |fields: &[std::borrow::Cow<'_, [u8]>]| {
        fields
            .iter()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect()
    };
    if fields.iter().all(|f| text(f)) {
        Some(Header::Names(names(&fields)))
    } else if fields.len() >= 4
        && count(&fields[0])
        && count(&fields[1])
        && fields[2..].iter().all(|f| text(f))
    {
        Some(Header::Classes(names(&fields[2..])))
    } else {
        None
    }
}

/// The error for a field at byte `offset` of `line` that is not a number: where it starts,
/// in characters, and what it holds; or where the bytes stop being UTF-8, in bytes.
fn field_error(line: &[u8], line_no: usize, offset: usize, field: &[u8]) -> Error {
    if let Err(e) = std::str::from_utf8(&line[..offset + field.len()]) {
        return Error::NotUtf8 {
            line: line_no,
            byte: e.valid_up_to() + 1,
        };
    }
    let prefix = std::str::from_utf8(&line[..offset]).expect("checked above");
    Error::Parse {
        line: line_no,
        column: prefix.chars().count() + 1,
        text: excerpt(&String::from_utf8_lossy(field), EXCERPT_CHARS),
    }
}

/// Lines that hold no numbers must still be text.
pub(crate) fn check_utf8(line: &[u8], line_no: usize) -> Result<(), Error> {
    std::str::from_utf8(line)
        .map(|_| ())
        .map_err(|e| Error::NotUtf8 {
            line: line_no,
            byte: e.valid_up_to() + 1,
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
        let fields: Vec<String> = row.iter().map(|v| Shortest(*v).to_string()).collect();
        text.push_str(&fields.join(","));
        text.push('\n');
    }
    text
}

/// A CSV field for `text`: as it is, or in double quotes (with `""` for a quote) when it
/// holds a comma, a quote, a line end or space at either end, so that the readers get the
/// text back.
///
/// # Example
/// ```
/// assert_eq!(xent::data::csv_field("setosa"), "setosa");
/// assert_eq!(xent::data::csv_field("New York, NY"), "\"New York, NY\"");
/// assert_eq!(xent::data::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
/// ```
pub fn csv_field(text: &str) -> std::borrow::Cow<'_, str> {
    let plain = !text.contains([',', '"', '\n', '\r', ';', '\t'])
        && text.trim() == text
        && !text.is_empty();
    if plain {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(format!("\"{}\"", text.replace('"', "\"\"")))
    }
}

/// A comma, else a tab or a semicolon when the line has one, else a space when the line
/// has fields apart (NumPy's `savetxt`); a comma for a single field. What lies inside double
/// quotes does not count.
pub(crate) fn detect_delimiter(line: &[u8]) -> u8 {
    let mut quoted = false;
    let outside: Vec<u8> = line
        .iter()
        .copied()
        .filter(|&b| {
            if b == b'"' {
                quoted = !quoted;
            }
            !quoted && b != b'"'
        })
        .collect();
    [b',', b'\t', b';']
        .into_iter()
        .find(|d| outside.contains(d))
        .unwrap_or(if outside.trim_ascii().contains(&b' ') {
            b' '
        } else {
            b','
        })
}

/// A line's fields, each as its raw bytes (quotes included): split at `delimiter`, except
/// inside a double-quoted field (`"New York, NY"`, with `""` for a quote in it, RFC 4180);
/// with a space, at every run of spaces (as NumPy's `loadtxt` reads `savetxt`'s output), so
/// that aligned columns parse. A quote left open runs to the end of the line (a field may not
/// span lines).
pub(crate) fn split_fields(line: &[u8], delimiter: u8) -> Fields<'_> {
    Fields {
        line,
        pos: 0,
        delimiter,
        done: false,
    }
}

/// The iterator of [`split_fields`].
pub(crate) struct Fields<'a> {
    line: &'a [u8],
    pos: usize,
    delimiter: u8,
    done: bool,
}

impl<'a> Iterator for Fields<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let line = self.line;
        let runs = self.delimiter == b' ';
        if runs {
            while self.pos < line.len() && line[self.pos] == b' ' {
                self.pos += 1;
            }
            if self.pos == line.len() {
                self.done = true;
            }
        }
        if self.done {
            return None;
        }
        let start = self.pos;
        let mut i = start;
        while i < line.len() && line[i] != b'"' && line[i].is_ascii_whitespace() {
            i += 1;
        }
        if i < line.len() && line[i] == b'"' {
            // Past the closing quote; `""` inside is an escaped quote.
            i += 1;
            while i < line.len() {
                if line[i] == b'"' {
                    if line.get(i + 1) == Some(&b'"') {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                i += 1;
            }
        }
        match line[i.min(line.len())..]
            .iter()
            .position(|&b| b == self.delimiter)
        {
            Some(d) => {
                let end = i + d;
                self.pos = end + 1;
                if runs && self.pos >= line.len() {
                    self.done = true;
                }
                Some(&line[start..end])
            }
            None => {
                self.done = true;
                Some(&line[start..])
            }
        }
    }
}

/// A field's text: trimmed, and without the double quotes around it, `""` read as one quote
/// (`"0.5"` is the number 0.5, as spreadsheets and pandas write it). A malformed quoted
/// field is returned as it stands.
pub(crate) fn field_text(field: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let field = field.trim_ascii();
    match field {
        [b'"', inner @ .., b'"'] if well_quoted(inner) => {
            let inner = inner.trim_ascii();
            if inner.contains(&b'"') {
                let mut text = Vec::with_capacity(inner.len());
                let mut bytes = inner.iter();
                while let Some(&b) = bytes.next() {
                    text.push(b);
                    if b == b'"' {
                        bytes.next();
                    }
                }
                std::borrow::Cow::Owned(text)
            } else {
                std::borrow::Cow::Borrowed(inner)
            }
        }
        _ => std::borrow::Cow::Borrowed(field),
    }
}

/// Quotes inside a quoted field come in pairs.
fn well_quoted(inner: &[u8]) -> bool {
    let mut bytes = inner.iter();
    while let Some(&b) = bytes.next() {
        if b == b'"' && bytes.next() != Some(&b'"') {
            return false;
        }
    }
    true
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
        assert_eq!(err, Error::NotUtf8 { line: 2, byte: 3 });
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
        // NumPy's savetxt: one space; aligned columns: runs of them.
        let t = parse_csv(b"1.0 2.5 0\n  3.0   4e-1 1\n").unwrap();
        assert_eq!(t.values, ndarray::array![[1.0, 2.5, 0.0], [3.0, 0.4, 1.0]]);
        assert_eq!(
            parse_csv(b"1 2\n3  x\n").unwrap_err(),
            Error::Parse {
                line: 2,
                column: 4,
                text: "x".into()
            }
        );
        // scikit-learn's header (iris.csv, wine_data.csv): counts, then class names, whatever
        // the rows' width.
        let t = parse_csv(b"2,3,class_0,class_1\n1,2,3,0\n4,5,6,1\n").unwrap();
        assert_eq!(
            t.values,
            ndarray::array![[1.0, 2.0, 3.0, 0.0], [4.0, 5.0, 6.0, 1.0]]
        );
        assert_eq!(t.lines, Some(vec![2, 3]));
        // Two counts and no name, or a fractional count, are data, not that header.
        assert!(matches!(
            parse_csv(b"1.5,3,a\n1,2,3\n"),
            Err(Error::Parse {
                line: 1,
                column: 7,
                ..
            })
        ));
    }

    #[test]
    fn quoted_numbers_are_numbers_and_long_fields_are_cut() {
        // A first row of quoted numbers is data, not a header.
        let t = parse_csv(b"\"1\",\"2\"\n\" 3 \",4\n").unwrap();
        assert_eq!(t.values, ndarray::array![[1.0, 2.0], [3.0, 4.0]]);
        let t = parse_csv(b"\"a\",\"b\"\n1,2\n").unwrap();
        assert_eq!(t.values, ndarray::array![[1.0, 2.0]]);
        let mut text = b"1,".to_vec();
        text.extend(std::iter::repeat_n(b'x', 100_000));
        let err = parse_csv(&text).unwrap_err();
        let Error::Parse { text, .. } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(text, &format!("{}… (100000 bytes)", "x".repeat(60)));
    }

    #[test]
    fn quoted_fields_hold_delimiters_and_quotes() {
        let fields = |line: &str, d: u8| -> Vec<String> {
            split_fields(line.as_bytes(), d)
                .map(|f| String::from_utf8(field_text(f).into_owned()).unwrap())
                .collect()
        };
        assert_eq!(
            fields(r#"1,"New York, NY", "say ""hi""",x"#, b','),
            ["1", "New York, NY", r#"say "hi""#, "x"]
        );
        assert_eq!(fields("a,,b,", b','), ["a", "", "b", ""]);
        assert_eq!(fields("  1  \"a b\"  2 ", b' '), ["1", "a b", "2"]);
        // An open quote runs to the end of the line; a malformed field stays as it is.
        assert_eq!(fields(r#"1,"a,b"#, b','), ["1", r#""a,b"#]);
        assert_eq!(fields(r#""a"b,2"#, b','), [r#""a"b"#, "2"]);
        assert_eq!(detect_delimiter(br#""a,b";1"#), b';');
        assert_eq!(detect_delimiter(br#""a b"	1"#), b'\t');
        let t = parse_csv(b"\"x, y\";z\n1;2\n").unwrap();
        assert_eq!(t.values, ndarray::array![[1.0, 2.0]]);
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
