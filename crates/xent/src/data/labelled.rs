//! Tables of features and a label as people keep them: a header of column names, a label
//! column of numbers or of class names, id columns to leave out, quoted fields.

use super::csv::{check_utf8, detect_delimiter, field_text, header_kind, split_fields, Header};
use crate::shortest::{excerpt, name_list, EXCERPT_CHARS};
use crate::train::{Names, MAX_INFERRED_CLASSES};
use crate::Error;
use ndarray::Array2;
use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::path::Path;

/// A column of a table: by 0-based index (a negative one counts from the end: −1 is the
/// last), or by its name in the header.
///
/// # Example
/// ```
/// use xent::data::ColumnRef;
/// assert_eq!(ColumnRef::parse("-1"), ColumnRef::Index(-1));
/// assert_eq!(ColumnRef::parse("species"), ColumnRef::Name("species".into()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnRef {
    /// 0-based; negative from the end.
    Index(isize),
    /// The header's name for it.
    Name(String),
}

impl ColumnRef {
    /// An integer is an index, anything else a name.
    pub fn parse(text: &str) -> ColumnRef {
        match text.trim().parse::<isize>() {
            Ok(i) => ColumnRef::Index(i),
            Err(_) => ColumnRef::Name(text.to_string()),
        }
    }
}

/// A set of columns, written as a comma-separated list of indices, names and half-open
/// ranges `START:END` of indices (as Python's slices: either end may be left out, a negative
/// one counts from the end; `1:5` is columns 1 to 4, `2:` all from column 2). A name that
/// holds a comma, or looks like an index, goes in double quotes, as in CSV: `"petal, width"`.
///
/// # Example
/// ```
/// use xent::data::ColumnSet;
/// let set = ColumnSet::parse("0:2,petal_width,-1")?;
/// assert_eq!(set.resolve(&["a", "b", "c", "petal_width", "e"].map(String::from), 5)?, [0, 1, 3, 4]);
/// assert_eq!(ColumnSet::parse("3:")?.resolve(&[], 5)?, [3, 4]);
/// let quoted = ColumnSet::parse("\"b, c\",0")?;
/// assert_eq!(quoted.resolve(&["a", "b, c"].map(String::from), 2)?, [1, 0]);
/// # Ok::<(), xent::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnSet(Vec<ColumnItem>);

#[derive(Debug, Clone, PartialEq, Eq)]
enum ColumnItem {
    One(ColumnRef),
    Range(Option<isize>, Option<isize>),
    AllBut(ColumnRef),
}

impl From<ColumnRef> for ColumnSet {
    fn from(column: ColumnRef) -> ColumnSet {
        ColumnSet(vec![ColumnItem::One(column)])
    }
}

impl ColumnSet {
    /// Reads the list.
    ///
    /// # Errors
    /// [`Error::Unsuitable`] for an empty list or an empty item (`a,,b`).
    pub fn parse(text: &str) -> Result<ColumnSet, Error> {
        let items = split_fields(text.as_bytes(), b',')
            .map(|raw| {
                let item = String::from_utf8_lossy(&field_text(raw)).into_owned();
                if item.trim().is_empty() {
                    return Err(Error::Unsuitable {
                        reason: format!("the column list {text:?} has an empty item"),
                    });
                }
                if raw.trim_ascii().starts_with(b"\"") {
                    return Ok(ColumnItem::One(ColumnRef::Name(item)));
                }
                let end = |t: &str| -> Option<Option<isize>> {
                    let t = t.trim();
                    if t.is_empty() {
                        Some(None)
                    } else {
                        t.parse::<isize>().ok().map(Some)
                    }
                };
                Ok(match item.split_once(':') {
                    Some((a, b)) => match (end(a), end(b)) {
                        (Some(a), Some(b)) => ColumnItem::Range(a, b),
                        _ => ColumnItem::One(ColumnRef::Name(item.clone())),
                    },
                    None => ColumnItem::One(ColumnRef::parse(&item)),
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(ColumnSet(items))
    }

    /// The columns of these names, in this order.
    ///
    /// # Example
    /// ```
    /// use xent::data::ColumnSet;
    /// let set = ColumnSet::names(&["b".to_string(), "a".to_string()]);
    /// assert_eq!(set.resolve(&["a", "b", "c"].map(String::from), 3)?, [1, 0]);
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn names(names: &[String]) -> ColumnSet {
        ColumnSet(
            names
                .iter()
                .map(|n| ColumnItem::One(ColumnRef::Name(n.clone())))
                .collect(),
        )
    }

    /// Every column but this one, in order.
    ///
    /// # Example
    /// ```
    /// use xent::data::{ColumnRef, ColumnSet};
    /// let set = ColumnSet::all_but(ColumnRef::Name("label".into()));
    /// assert_eq!(set.resolve(&["a", "label", "c"].map(String::from), 3)?, [0, 2]);
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn all_but(column: ColumnRef) -> ColumnSet {
        ColumnSet(vec![ColumnItem::AllBut(column)])
    }

    /// The columns' indices in a table of `width` columns whose header is `names` (empty
    /// without one), in the list's order.
    ///
    /// # Errors
    /// [`Error::Unsuitable`] for a column that does not exist, or one listed twice.
    pub fn resolve(&self, names: &[String], width: usize) -> Result<Vec<usize>, Error> {
        let mut out = Vec::new();
        for item in &self.0 {
            match item {
                ColumnItem::One(c) => out.push(resolve(c, names, width)?),
                ColumnItem::AllBut(c) => {
                    let left_out = resolve(c, names, width)?;
                    out.extend((0..width).filter(|&j| j != left_out));
                }
                ColumnItem::Range(a, b) => {
                    let bound = |v: isize| {
                        if v < 0 {
                            width.saturating_sub(v.unsigned_abs())
                        } else {
                            (v as usize).min(width)
                        }
                    };
                    let start = a.map_or(0, bound);
                    let end = b.map_or(width, bound);
                    out.extend(start..end.max(start));
                }
            }
        }
        let mut seen = HashSet::new();
        if let Some(&twice) = out.iter().find(|&&c| !seen.insert(c)) {
            return Err(Error::Unsuitable {
                reason: format!("column {} is listed twice", describe(twice, names)),
            });
        }
        Ok(out)
    }
}

/// A column's index in a table of `width` columns named `names` (empty without a header).
fn resolve(column: &ColumnRef, names: &[String], width: usize) -> Result<usize, Error> {
    match column {
        ColumnRef::Index(i) => {
            let index = if *i < 0 {
                width.checked_sub(i.unsigned_abs())
            } else {
                Some(*i as usize).filter(|&i| i < width)
            };
            index.ok_or_else(|| Error::Unsuitable {
                reason: format!(
                    "column {i} does not exist: the table has {width} columns (0 to {}, or -{width} \
                     to -1 from the end)",
                    width.saturating_sub(1)
                ),
            })
        }
        ColumnRef::Name(name) => {
            if let Some(i) = names.iter().position(|n| n == name) {
                return Ok(i);
            }
            let reason = if names.is_empty() {
                format!("no column is named {name:?}: the table has no header row")
            } else {
                format!(
                    "no column is named {name:?}: the header names {}",
                    name_list(names)
                )
            };
            Err(Error::Unsuitable { reason })
        }
    }
}

/// `3 ("petal_width")`, or `3` without a header.
fn describe(column: usize, names: &[String]) -> String {
    match names.get(column) {
        Some(n) => format!("{column} ({n})"),
        None => column.to_string(),
    }
}

/// Where a table's label is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum LabelColumn {
    /// The last column (scikit-learn's bundled files, most exports).
    #[default]
    Last,
    /// The column given.
    At(ColumnRef),
    /// No label: data to predict.
    Absent,
}

/// Which columns of a table are the label and which the features. By default the label is
/// the last column and every other column a feature.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Columns {
    /// The label's column.
    pub label: LabelColumn,
    /// The feature columns, in the order the model takes them; `None` for all the others.
    pub features: Option<ColumnSet>,
    /// Columns that are neither (an id, a timestamp), when `features` is `None`.
    pub ignore: Option<ColumnSet>,
}

/// The labels of a [`LabelledTable`].
#[derive(Debug, Clone, PartialEq)]
pub enum Labels {
    /// A label column of numbers: class indices or regression targets.
    Numbers(Vec<f64>),
    /// A label column of text: each row's class, an index into the table's class names
    /// (sorted, as scikit-learn's `LabelEncoder` orders them).
    Classes(Vec<usize>),
}

/// Features, labels and names read from a table of named columns.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledTable {
    /// One row per sample, the features in the order [`Columns::features`] gave.
    pub features: Array2<f32>,
    /// The label column, unless it was [`LabelColumn::Absent`].
    pub labels: Option<Labels>,
    /// The header's names of the features and label, and the classes' names: the sorted
    /// text labels, or the names in scikit-learn's header (`150,4,setosa,versicolor,virginica`).
    pub names: Names,
    /// The 1-based line of each row.
    pub lines: Vec<usize>,
}

impl LabelledTable {
    /// The labels as indices of `count` classes named `classes` (empty for unnamed ones): a
    /// text label is looked up by name, a numeric one must be an integer in 0..count (a
    /// model trained on numbered classes, or data labelled by number for a named model).
    ///
    /// # Errors
    /// [`Error::Unsuitable`] naming the line of a label that is not one of the classes,
    /// and when the table was read without labels.
    ///
    /// # Example
    /// ```
    /// use xent::data::{Columns, LabelledReader};
    /// let text = "x,kind\n1,dog\n2,cat\n";
    /// let table = LabelledReader::from_reader(std::io::Cursor::new(text), None, 1 << 20)?
    ///     .read(&Columns::default())?;
    /// let model_classes = ["bird", "cat", "dog"].map(String::from);
    /// assert_eq!(table.class_indices(&model_classes, 3)?, [2, 1]);
    /// assert!(table.class_indices(&["cat".into(), "emu".into()], 2).is_err());
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn class_indices(&self, classes: &[String], count: usize) -> Result<Vec<usize>, Error> {
        let unsuitable = |reason: String| Error::Unsuitable { reason };
        match &self.labels {
            None => Err(unsuitable("the table was read without its labels".into())),
            Some(Labels::Classes(codes)) => {
                let index: HashMap<&str, usize> = classes
                    .iter()
                    .enumerate()
                    .map(|(k, n)| (n.as_str(), k))
                    .collect();
                codes
                    .iter()
                    .zip(&self.lines)
                    .map(|(&c, line)| {
                        let name = &self.names.classes[c];
                        index.get(name.as_str()).copied().ok_or_else(|| {
                            unsuitable(if classes.is_empty() {
                                format!(
                                    "line {line}: the label {name:?} is a name, but the classes \
                                     are unnamed (0 to {})",
                                    count.saturating_sub(1)
                                )
                            } else {
                                format!(
                                    "line {line}: the label {name:?} is not one of the classes \
                                     ({})",
                                    name_list(classes)
                                )
                            })
                        })
                    })
                    .collect()
            }
            Some(Labels::Numbers(values)) => values
                .iter()
                .zip(&self.lines)
                .map(|(&v, line)| {
                    if v >= 0.0 && v.fract() == 0.0 && v < count as f64 {
                        Ok(v as usize)
                    } else {
                        Err(unsuitable(format!(
                            "line {line}: the label {} is not a class of 0 to {}",
                            crate::Shortest(v),
                            count.saturating_sub(1)
                        )))
                    }
                })
                .collect(),
        }
    }
}

/// Reads a CSV table of features and a label (plain or gzip, any of `, ; tab space`
/// delimiters, double-quoted fields, blank lines and `#` comments skipped). The first line is
/// a header when none of its fields is a number, or scikit-learn's header of counts and
/// class names; the header and the width are known once the reader is open, so that the
/// columns can be chosen by what the file holds.
///
/// # Example
/// ```
/// use xent::data::{Columns, ColumnRef, LabelColumn, LabelledReader, Labels};
/// let text = "id,height,\"weight, kg\",species\na1,1.5,60,cat\na2,1.8,80,dog\na3,1.6,65,cat\n";
/// let reader = LabelledReader::from_reader(std::io::Cursor::new(text), None, 1 << 20)?;
/// assert_eq!(reader.header().unwrap()[2], "weight, kg");
/// let columns = Columns {
///     label: LabelColumn::At(ColumnRef::parse("species")),
///     ignore: Some(xent::data::ColumnSet::parse("id")?),
///     ..Columns::default()
/// };
/// let table = reader.read(&columns)?;
/// assert_eq!(table.features, ndarray::array![[1.5f32, 60.0], [1.8, 80.0], [1.6, 65.0]]);
/// assert_eq!(table.labels, Some(Labels::Classes(vec![0, 1, 0])));
/// assert_eq!(table.names.classes, ["cat", "dog"]);
/// assert_eq!(table.names.features, ["height", "weight, kg"]);
/// # Ok::<(), xent::Error>(())
/// ```
pub struct LabelledReader {
    reader: Box<dyn BufRead + Send>,
    delimiter: u8,
    header: Option<Header>,
    /// The first row, read to learn the width, and its line.
    pending: Option<(Vec<u8>, usize)>,
    width: usize,
    line_no: usize,
    max_line_bytes: u64,
}

impl std::fmt::Debug for LabelledReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LabelledReader")
            .field("header", &self.header)
            .field("width", &self.width)
            .finish()
    }
}

impl LabelledReader {
    /// Opens a CSV file (gzip by its magic bytes), with a fixed `delimiter` or `None` to
    /// detect it, and lines of at most `max_line_bytes`.
    ///
    /// # Errors
    /// [`Error::Io`] for a file that cannot be read, and the errors of
    /// [`LabelledReader::from_reader`].
    pub fn open(
        path: &Path,
        delimiter: Option<u8>,
        max_line_bytes: u64,
    ) -> Result<LabelledReader, Error> {
        let (reader, _) = super::stream::open_text(path)?;
        LabelledReader::from_reader(reader, delimiter, max_line_bytes)
    }

    /// Reads the header, if there is one, and the first row.
    ///
    /// # Errors
    /// [`Error::Empty`] when there is no row, [`Error::Ragged`] when the first row has not
    /// as many fields as the header, [`Error::LineTooLong`], [`Error::NotUtf8`].
    pub fn from_reader(
        reader: impl BufRead + Send + 'static,
        delimiter: Option<u8>,
        max_line_bytes: u64,
    ) -> Result<LabelledReader, Error> {
        let mut this = LabelledReader {
            reader: Box::new(reader),
            delimiter: delimiter.unwrap_or(b','),
            header: None,
            pending: None,
            width: 0,
            line_no: 0,
            max_line_bytes,
        };
        let Some((first, line)) = this.next_line()? else {
            return Err(Error::Empty { input: "csv" });
        };
        if delimiter.is_none() {
            this.delimiter = detect_delimiter(&first);
        }
        this.header = header_kind(&first, this.delimiter);
        let row = if this.header.is_some() {
            check_utf8(&first, line)?;
            this.next_line()?.ok_or(Error::Empty { input: "csv" })?
        } else {
            (first, line)
        };
        this.width = split_fields(&row.0, this.delimiter).count();
        if let Some(Header::Names(names)) = &this.header {
            if names.len() != this.width {
                return Err(Error::Ragged {
                    line: row.1,
                    expected: names.len(),
                    found: this.width,
                });
            }
        }
        this.pending = Some(row);
        Ok(this)
    }

    /// The columns' names, when the first line was a header of names.
    pub fn header(&self) -> Option<&[String]> {
        match &self.header {
            Some(Header::Names(names)) => Some(names),
            _ => None,
        }
    }

    /// The number of columns.
    pub fn width(&self) -> usize {
        self.width
    }

    /// The next line that holds a row (not blank, not a comment), without its line end.
    fn next_line(&mut self) -> Result<Option<(Vec<u8>, usize)>, Error> {
        loop {
            let mut line = Vec::new();
            let n = super::read_line_limited(
                &mut *self.reader,
                &mut line,
                self.max_line_bytes,
                self.line_no + 1,
            )?;
            if n == 0 {
                return Ok(None);
            }
            self.line_no += 1;
            if line.last() == Some(&b'\n') {
                line.pop();
            }
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            let trimmed = line.trim_ascii();
            if trimmed.is_empty() || trimmed[0] == b'#' {
                check_utf8(&line, self.line_no)?;
                continue;
            }
            return Ok(Some((line, self.line_no)));
        }
    }

    /// Reads every row: the chosen features as `f32` and the label column.
    ///
    /// # Errors
    /// [`Error::Unsuitable`] for columns that do not exist or leave no feature, a label
    /// that is empty, or a label column of text with more than
    /// [`MAX_INFERRED_CLASSES`] distinct values; [`Error::NotNumeric`] naming the line,
    /// field and column of a feature that is not a number; [`Error::Ragged`],
    /// [`Error::LineTooLong`], [`Error::NotUtf8`], [`Error::Io`].
    pub fn read(mut self, columns: &Columns) -> Result<LabelledTable, Error> {
        let names: &[String] = self.header().unwrap_or(&[]);
        let (label, features) = self.roles(columns, names)?;
        let mut role = vec![Role::Skip; self.width];
        for (position, &c) in features.iter().enumerate() {
            role[c] = Role::Feature(position);
        }
        if let Some(l) = label {
            role[l] = Role::Label;
        }
        let mut out = Names {
            features: if names.is_empty() {
                Vec::new()
            } else {
                features.iter().map(|&c| names[c].clone()).collect()
            },
            label: label.and_then(|l| names.get(l).cloned()),
            classes: Vec::new(),
        };
        let column_names = names.to_vec();
        let label_column = label.map(|l| describe(l, names)).unwrap_or_default();
        let mut values: Vec<f32> = Vec::new();
        let mut row = vec![0f32; features.len()];
        let mut labels = LabelCollector::default();
        let mut lines = Vec::new();
        let mut next = self.pending.take();
        while let Some((line, line_no)) = next {
            let mut count = 0;
            let mut label_text = None;
            for (j, field) in split_fields(&line, self.delimiter).enumerate() {
                count += 1;
                match role.get(j) {
                    Some(Role::Feature(p)) => {
                        row[*p] = number(&line, line_no, j, field, &column_names)?;
                    }
                    Some(Role::Label) => label_text = Some(field),
                    _ => {}
                }
            }
            if count != self.width {
                return Err(Error::Ragged {
                    line: line_no,
                    expected: self.width,
                    found: count,
                });
            }
            if let Some(field) = label_text {
                let text = field_text(field);
                let text = std::str::from_utf8(&text)
                    .map_err(|_| check_utf8(&line, line_no).expect_err("a field is not UTF-8"))?;
                labels.push(text, line_no, &label_column)?;
            }
            values.extend_from_slice(&row);
            lines.push(line_no);
            next = self.next_line()?;
        }
        let features = Array2::from_shape_vec((lines.len(), row.len()), values)
            .expect("every row has one value per feature");
        let labels = match label {
            None => None,
            Some(_) => Some(match labels.finish() {
                Collected::Numbers(v) => {
                    if let Some(Header::Classes(classes)) = &self.header {
                        out.classes = classes.clone();
                    }
                    Labels::Numbers(v)
                }
                Collected::Text { codes, classes } => {
                    out.classes = classes;
                    Labels::Classes(codes)
                }
            }),
        };
        Ok(LabelledTable {
            features,
            labels,
            names: out,
            lines,
        })
    }

    /// The label's column and the feature columns.
    fn roles(
        &self,
        columns: &Columns,
        names: &[String],
    ) -> Result<(Option<usize>, Vec<usize>), Error> {
        let width = self.width;
        let label = match &columns.label {
            LabelColumn::Last => Some(width - 1),
            LabelColumn::At(c) => Some(resolve(c, names, width)?),
            LabelColumn::Absent => None,
        };
        let features = match &columns.features {
            Some(set) => {
                let features = set.resolve(names, width)?;
                if let Some(l) = label.filter(|l| features.contains(l)) {
                    return Err(Error::Unsuitable {
                        reason: format!(
                            "column {} is both the label and a feature",
                            describe(l, names)
                        ),
                    });
                }
                features
            }
            None => {
                let ignored = match &columns.ignore {
                    Some(set) => set.resolve(names, width)?,
                    None => Vec::new(),
                };
                if let Some(l) = label.filter(|l| ignored.contains(l)) {
                    return Err(Error::Unsuitable {
                        reason: format!(
                            "column {} is the label and cannot be ignored",
                            describe(l, names)
                        ),
                    });
                }
                (0..width)
                    .filter(|c| Some(*c) != label && !ignored.contains(c))
                    .collect()
            }
        };
        if features.is_empty() && width == 1 && label.is_some() {
            return Err(Error::Unsuitable {
                reason: "needs features and a label column, but the table has 1 column".into(),
            });
        }
        if features.is_empty() {
            return Err(Error::Unsuitable {
                reason: format!(
                    "no feature columns are left of the table's {width} (one is needed at least)"
                ),
            });
        }
        Ok((label, features))
    }
}

#[derive(Debug, Clone, Copy)]
enum Role {
    Skip,
    Feature(usize),
    Label,
}

/// A feature field as a number, or the error naming its line, field and column.
fn number(
    line: &[u8],
    line_no: usize,
    index: usize,
    field: &[u8],
    names: &[String],
) -> Result<f32, Error> {
    let text = field_text(field);
    if let Some(v) = std::str::from_utf8(&text)
        .ok()
        .and_then(|t| t.parse::<f64>().ok())
    {
        return Ok(v as f32);
    }
    check_utf8(line, line_no)?;
    Err(Error::NotNumeric {
        line: line_no,
        field: index + 1,
        name: names.get(index).cloned(),
        text: excerpt(&String::from_utf8_lossy(&text), EXCERPT_CHARS),
    })
}

/// A label column read both as numbers and as text until one of the two fails: numbers
/// while every label is one, text while there are at most [`MAX_INFERRED_CLASSES`]
/// distinct labels (a regression target has as many as rows).
#[derive(Default)]
struct LabelCollector {
    numbers: Option<Vec<f64>>,
    text: Option<TextLabels>,
    /// The first label that is not a number.
    first_text: Option<(usize, String)>,
    started: bool,
}

#[derive(Default)]
struct TextLabels {
    index: HashMap<String, usize>,
    seen: Vec<String>,
    codes: Vec<usize>,
}

enum Collected {
    Numbers(Vec<f64>),
    Text {
        codes: Vec<usize>,
        classes: Vec<String>,
    },
}

impl LabelCollector {
    fn push(&mut self, text: &str, line: usize, column: &str) -> Result<(), Error> {
        if !self.started {
            self.started = true;
            self.numbers = Some(Vec::new());
            self.text = Some(TextLabels::default());
        }
        if text.is_empty() {
            return Err(Error::Unsuitable {
                reason: format!("line {line}: the label (column {column}) is empty"),
            });
        }
        match text.parse::<f64>() {
            Ok(v) => {
                if let Some(n) = &mut self.numbers {
                    n.push(v)
                }
            }
            Err(_) => {
                self.numbers = None;
                if self.first_text.is_none() {
                    self.first_text = Some((line, text.to_string()));
                }
            }
        }
        if let Some(t) = &mut self.text {
            let code = match t.index.get(text) {
                Some(&c) => c,
                None => {
                    let c = t.seen.len();
                    t.index.insert(text.to_string(), c);
                    t.seen.push(text.to_string());
                    c
                }
            };
            t.codes.push(code);
            if t.seen.len() > MAX_INFERRED_CLASSES {
                self.text = None;
            }
        }
        if self.numbers.is_none() && self.text.is_none() {
            let (at, first) = self.first_text.clone().unwrap_or_default();
            return Err(Error::Unsuitable {
                reason: format!(
                    "the label column holds text ({first:?} on line {at}) and more than \
                     {MAX_INFERRED_CLASSES} distinct labels: too many classes"
                ),
            });
        }
        Ok(())
    }

    fn finish(self) -> Collected {
        if let Some(numbers) = self.numbers {
            return Collected::Numbers(numbers);
        }
        let t = self.text.expect("one of the two readings is alive");
        // Sorted class names, as scikit-learn's LabelEncoder (np.unique) orders them.
        let mut order: Vec<usize> = (0..t.seen.len()).collect();
        order.sort_by(|&a, &b| t.seen[a].cmp(&t.seen[b]));
        let mut rank = vec![0; order.len()];
        for (r, &c) in order.iter().enumerate() {
            rank[c] = r;
        }
        Collected::Text {
            codes: t.codes.iter().map(|&c| rank[c]).collect(),
            classes: order.iter().map(|&c| t.seen[c].clone()).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, columns: &Columns) -> Result<LabelledTable, Error> {
        LabelledReader::from_reader(std::io::Cursor::new(text.to_string()), None, 1 << 20)?
            .read(columns)
    }

    #[test]
    fn numeric_labels_keep_scikit_learns_class_names() {
        let t = read(
            "3,2,setosa,versicolor,virginica\n5.1,3.5,0\n4.9,3,2\n6,3,1\n",
            &Columns::default(),
        )
        .unwrap();
        assert_eq!(t.labels, Some(Labels::Numbers(vec![0.0, 2.0, 1.0])));
        assert_eq!(t.names.classes, ["setosa", "versicolor", "virginica"]);
        assert!(t.names.features.is_empty());
        assert_eq!(t.lines, [2, 3, 4]);
    }

    #[test]
    fn text_labels_are_sorted_classes_and_columns_are_chosen() {
        let text = "a;b;c;label\n1;2;3;\"z, last\"\n4;5;6;m\n\n# note\n7;8;9;m\n";
        let columns = Columns {
            label: LabelColumn::At(ColumnRef::Name("label".into())),
            features: Some(ColumnSet::parse("c,0").unwrap()),
            ignore: None,
        };
        let t = read(text, &columns).unwrap();
        assert_eq!(
            t.features,
            ndarray::array![[3.0f32, 1.0], [6.0, 4.0], [9.0, 7.0]]
        );
        assert_eq!(t.labels, Some(Labels::Classes(vec![1, 0, 0])));
        assert_eq!(t.names.classes, ["m", "z, last"]);
        assert_eq!(t.names.features, ["c", "a"]);
        assert_eq!(t.names.label.as_deref(), Some("label"));
        assert_eq!(t.lines, [2, 3, 6]);
        // Without a label: every column a feature.
        let t = read(
            "1 2\n3 4\n",
            &Columns {
                label: LabelColumn::Absent,
                ..Columns::default()
            },
        )
        .unwrap();
        assert_eq!(t.features, ndarray::array![[1.0f32, 2.0], [3.0, 4.0]]);
        assert_eq!(t.labels, None);
    }

    #[test]
    fn errors_name_the_line_field_and_column() {
        let err = read("id,x,y\na,1,0\n", &Columns::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 2, field 1 (id): cannot read \"a\" as a number"
        );
        let err = read("1,2\n3\n", &Columns::default()).unwrap_err();
        assert_eq!(
            err,
            Error::Ragged {
                line: 2,
                expected: 2,
                found: 1
            }
        );
        let at = |c: &str| Columns {
            label: LabelColumn::At(ColumnRef::parse(c)),
            ..Columns::default()
        };
        assert_eq!(
            read("a,b\n1,2\n", &at("c")).unwrap_err().to_string(),
            "no column is named \"c\": the header names a, b"
        );
        assert_eq!(
            read("1,2\n", &at("c")).unwrap_err().to_string(),
            "no column is named \"c\": the table has no header row"
        );
        assert_eq!(
            read("1,2\n", &at("2")).unwrap_err().to_string(),
            "column 2 does not exist: the table has 2 columns (0 to 1, or -2 to -1 from the end)"
        );
        assert_eq!(
            read("1,\n", &Columns::default()).unwrap_err().to_string(),
            "line 1: the label (column 1) is empty"
        );
        let both = Columns {
            features: Some(ColumnSet::parse("0:").unwrap()),
            ..Columns::default()
        };
        assert_eq!(
            read("a,b\n1,2\n", &both).unwrap_err().to_string(),
            "column 1 (b) is both the label and a feature"
        );
        assert_eq!(
            read("a,b,c\n1,2\n", &Columns::default()).unwrap_err(),
            Error::Ragged {
                line: 2,
                expected: 3,
                found: 2
            }
        );
        assert_eq!(
            read("a,b\n", &Columns::default()).unwrap_err(),
            Error::Empty { input: "csv" }
        );
        assert_eq!(
            ColumnSet::parse("0:2,1")
                .unwrap()
                .resolve(&[], 3)
                .unwrap_err()
                .to_string(),
            "column 1 is listed twice"
        );
        assert!(ColumnSet::parse("a,,b").is_err());
    }

    #[test]
    fn mixed_labels_are_text_and_numbers_stay_numbers() {
        let t = read("1,10\n2,cat\n3,2.5\n", &Columns::default()).unwrap();
        assert_eq!(t.labels, Some(Labels::Classes(vec![0, 2, 1])));
        assert_eq!(t.names.classes, ["10", "2.5", "cat"]);
        let t = read("1,10\n2,-3\n", &Columns::default()).unwrap();
        assert_eq!(t.labels, Some(Labels::Numbers(vec![10.0, -3.0])));
    }
}
