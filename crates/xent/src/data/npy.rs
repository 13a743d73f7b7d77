//! A reader for NumPy's `.npy` format (versions 1, 2 and 3), 1-D and 2-D numeric arrays.

use super::Table;
use crate::Error;
use ndarray::{Array2, ShapeBuilder};

const MAGIC: &[u8] = b"\x93NUMPY";

/// Parses the bytes of a `.npy` file holding a 1-D or 2-D array of `f4`, `f8` or integer
/// (`i1`…`i8`, `u1`…`u8`) elements, either byte order, C or Fortran order.
///
/// The header is checked against the file's length before anything is allocated, so a header
/// that claims more elements than the file holds is an error, not an allocation.
///
/// # Errors
/// [`Error::Format`] for a missing magic string, an unreadable header, an unsupported dtype or
/// dimensionality, or a data section whose size does not match the shape.
///
/// # Example
/// ```
/// // A hand-built version-1 file: 2 little-endian f8 values.
/// let header = b"{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }";
/// let mut file = b"\x93NUMPY\x01\x00".to_vec();
/// let padded = (header.len() + 1 + 10).next_multiple_of(64) - 10;
/// file.extend_from_slice(&(padded as u16).to_le_bytes());
/// file.extend_from_slice(header);
/// file.resize(10 + padded - 1, b' ');
/// file.push(b'\n');
/// for v in [0.25f64, 0.75] { file.extend_from_slice(&v.to_le_bytes()); }
/// let t = xent::data::parse_npy(&file)?;
/// assert!(t.one_dimensional);
/// assert_eq!(t.first_row().to_vec(), vec![0.25, 0.75]);
/// # Ok::<(), xent::Error>(())
/// ```
pub fn parse_npy(bytes: &[u8]) -> Result<Table, Error> {
    let layout = Layout::read(&mut &bytes[..], bytes.len() as u64)?;
    let data = &bytes[layout.data_start as usize..];
    let values: Vec<f64> = data
        .chunks_exact(layout.dtype.size)
        .map(|chunk| layout.dtype.decode(chunk))
        .collect();
    let (rows, cols) = if layout.one_dimensional {
        (1, layout.rows)
    } else {
        (layout.rows, layout.cols)
    };
    let values = if layout.fortran_order && !layout.one_dimensional {
        Array2::from_shape_vec((rows, cols).f(), values)
    } else {
        Array2::from_shape_vec((rows, cols), values)
    }
    .expect("the data length was checked against the shape");
    Ok(Table {
        values,
        one_dimensional: layout.one_dimensional,
        lines: None,
    })
}

/// What an NPY header says, checked against the file's length.
pub(crate) struct Layout {
    pub(crate) dtype: Dtype,
    pub(crate) fortran_order: bool,
    /// Rows of a 2-D array; elements of a 1-D one.
    pub(crate) rows: usize,
    /// Columns of a 2-D array; 1 for a 1-D one.
    pub(crate) cols: usize,
    pub(crate) one_dimensional: bool,
    /// Offset of the first data byte.
    pub(crate) data_start: u64,
}

impl Layout {
    /// Reads the magic string and header from the start of a file of `file_len` bytes, and
    /// checks that the data section has exactly the size the shape and dtype imply. Nothing
    /// larger than the file is ever allocated.
    pub(crate) fn read(reader: &mut impl std::io::Read, file_len: u64) -> Result<Layout, Error> {
        let mut prefix = [0u8; 12];
        let short = |_| bad("the file ends inside the header");
        let not_npy = || bad("the file does not start with the NPY magic string");
        reader.read_exact(&mut prefix[..6]).map_err(|_| not_npy())?;
        if &prefix[..6] != MAGIC {
            return Err(not_npy());
        }
        reader.read_exact(&mut prefix[6..10]).map_err(short)?;
        let (header_len, header_start) = match prefix[6] {
            1 => (u16::from_le_bytes([prefix[8], prefix[9]]) as u64, 10u64),
            2 | 3 => {
                reader.read_exact(&mut prefix[10..12]).map_err(short)?;
                let len = u32::from_le_bytes([prefix[8], prefix[9], prefix[10], prefix[11]]);
                (len as u64, 12)
            }
            v => return Err(bad(&format!("unsupported format version {v}"))),
        };
        let data_start = header_start + header_len;
        if data_start > file_len {
            return Err(bad("the header is longer than the file"));
        }
        let mut header = vec![0u8; header_len as usize];
        reader.read_exact(&mut header).map_err(short)?;
        let header = std::str::from_utf8(&header).map_err(|_| bad("the header is not text"))?;
        let header = Header::parse(header)?;
        let (rows, cols, one_dimensional) = match header.shape[..] {
            [n] => (n, 1, true),
            [r, c] => (r, c, false),
            _ => {
                return Err(bad(&format!(
                    "a {}-dimensional array; only 1-D and 2-D arrays are supported",
                    header.shape.len()
                )));
            }
        };
        if rows > isize::MAX as usize || cols > isize::MAX as usize {
            return Err(bad(
                "a dimension of the shape is larger than any array can be",
            ));
        }
        let expected = rows
            .checked_mul(cols)
            .and_then(|n| n.checked_mul(header.dtype.size))
            .ok_or_else(|| bad("the shape's size overflows"))?;
        let found = file_len - data_start;
        if found != expected as u64 {
            return Err(bad(&format!(
                "the shape {:?} of {} needs {expected} bytes of data, the file has {found}",
                header.shape, header.dtype.name,
            )));
        }
        Ok(Layout {
            dtype: header.dtype,
            fortran_order: header.fortran_order,
            rows,
            cols,
            one_dimensional,
            data_start,
        })
    }
}

/// Encodes a 2-D array as a version-1 `.npy` file of little-endian `f8` in C order.
///
/// # Example
/// ```
/// let a = ndarray::array![[0.5, -1.0], [2.0, f64::INFINITY]];
/// let bytes = xent::data::to_npy(a.view());
/// assert_eq!(xent::data::parse_npy(&bytes)?.values, a);
/// # Ok::<(), xent::Error>(())
/// ```
pub fn to_npy(values: ndarray::ArrayView2<'_, f64>) -> Vec<u8> {
    let (rows, cols) = values.dim();
    let header = format!("{{'descr': '<f8', 'fortran_order': False, 'shape': ({rows}, {cols}), }}");
    // The data starts at a multiple of 64 bytes; the header ends in a newline.
    let total = (MAGIC.len() + 4 + header.len() + 1).next_multiple_of(64);
    let mut file = Vec::with_capacity(total + 8 * values.len());
    file.extend_from_slice(MAGIC);
    file.extend_from_slice(&[1, 0]);
    file.extend_from_slice(&((total - MAGIC.len() - 4) as u16).to_le_bytes());
    file.extend_from_slice(header.as_bytes());
    file.resize(total - 1, b' ');
    file.push(b'\n');
    for v in values.iter() {
        file.extend_from_slice(&v.to_le_bytes());
    }
    file
}

fn bad(reason: &str) -> Error {
    Error::Format {
        format: "NPY",
        reason: reason.to_string(),
    }
}

struct Header {
    dtype: Dtype,
    fortran_order: bool,
    shape: Vec<usize>,
}

impl Header {
    /// Reads the three keys of the header's Python dict literal.
    fn parse(text: &str) -> Result<Header, Error> {
        let descr = value_after_key(text, "descr")?;
        let descr = descr
            .strip_prefix('\'')
            .or_else(|| descr.strip_prefix('"'))
            .and_then(|d| d.split(['\'', '"']).next())
            .ok_or_else(|| bad("the 'descr' value is not a string"))?;
        let dtype = Dtype::parse(descr)?;
        let fortran = value_after_key(text, "fortran_order")?;
        let fortran_order = if fortran.starts_with("True") {
            true
        } else if fortran.starts_with("False") {
            false
        } else {
            return Err(bad("'fortran_order' is neither True nor False"));
        };
        let shape_text = value_after_key(text, "shape")?;
        let inner = shape_text
            .strip_prefix('(')
            .and_then(|s| s.split(')').next())
            .ok_or_else(|| bad("'shape' is not a tuple"))?;
        let shape = inner
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<usize>()
                    .map_err(|_| bad(&format!("shape entry {s:?} is not a size")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if shape.is_empty() {
            return Err(bad(
                "a 0-dimensional array; only 1-D and 2-D arrays are supported",
            ));
        }
        Ok(Header {
            dtype,
            fortran_order,
            shape,
        })
    }
}

/// The text just after `'key':` in the header dict.
fn value_after_key<'a>(text: &'a str, key: &str) -> Result<&'a str, Error> {
    for quote in ['\'', '"'] {
        let needle = format!("{quote}{key}{quote}");
        if let Some(at) = text.find(&needle) {
            let rest = text[at + needle.len()..].trim_start();
            if let Some(value) = rest.strip_prefix(':') {
                return Ok(value.trim_start());
            }
        }
    }
    Err(bad(&format!("the header has no '{key}' key")))
}

#[derive(Clone, Copy)]
enum Kind {
    Float,
    Signed,
    Unsigned,
}

pub(crate) struct Dtype {
    name: String,
    kind: Kind,
    /// Bytes per element.
    pub(crate) size: usize,
    big_endian: bool,
}

impl Dtype {
    fn parse(descr: &str) -> Result<Dtype, Error> {
        let unsupported = || {
            bad(&format!(
                "unsupported dtype {descr:?}: use f4, f8 or an integer type"
            ))
        };
        let mut chars = descr.chars();
        let (order, rest) = match chars.next() {
            Some(c @ ('<' | '>' | '|' | '=')) => (c, chars.as_str()),
            _ => ('=', descr),
        };
        let (kind, size) = rest.split_at_checked(1).ok_or_else(unsupported)?;
        let size: usize = size.parse().map_err(|_| unsupported())?;
        let kind = match (kind, size) {
            ("f", 4 | 8) => Kind::Float,
            ("i", 1 | 2 | 4 | 8) => Kind::Signed,
            ("u", 1 | 2 | 4 | 8) => Kind::Unsigned,
            _ => return Err(unsupported()),
        };
        let big_endian = order == '>' || (order == '=' && cfg!(target_endian = "big"));
        Ok(Dtype {
            name: descr.to_string(),
            kind,
            size,
            big_endian,
        })
    }

    /// Decodes whole elements of `bytes` into `out`, with a fast path for the common
    /// little-endian f8 and f4.
    pub(crate) fn decode_into<'a>(&self, bytes: &[u8], out: impl Iterator<Item = &'a mut f64>) {
        match (self.kind, self.size, self.big_endian) {
            (Kind::Float, 8, false) => {
                for (v, raw) in out.zip(bytes.chunks_exact(8)) {
                    *v = f64::from_le_bytes(raw.try_into().expect("8 bytes"));
                }
            }
            (Kind::Float, 4, false) => {
                for (v, raw) in out.zip(bytes.chunks_exact(4)) {
                    *v = f32::from_le_bytes(raw.try_into().expect("4 bytes")) as f64;
                }
            }
            _ => {
                for (v, raw) in out.zip(bytes.chunks_exact(self.size)) {
                    *v = self.decode(raw);
                }
            }
        }
    }

    /// The value of one element's bytes.
    pub(crate) fn decode(&self, chunk: &[u8]) -> f64 {
        let mut raw = [0u8; 8];
        raw[..self.size].copy_from_slice(chunk);
        if self.big_endian {
            raw[..self.size].reverse();
        }
        let bits = u64::from_le_bytes(raw);
        match (self.kind, self.size) {
            (Kind::Float, 4) => f32::from_bits(bits as u32) as f64,
            (Kind::Float, _) => f64::from_bits(bits),
            (Kind::Unsigned, _) => bits as f64,
            (Kind::Signed, size) => {
                // Sign-extend from `size` bytes.
                let shift = 64 - 8 * size as u32;
                (((bits << shift) as i64) >> shift) as f64
            }
        }
    }
}

/// A version-1 NPY file's magic, header length and `header`, padded so the data starts at a
/// multiple of 64 bytes (for tests that build files by hand).
#[cfg(test)]
pub(crate) fn header_bytes(header: &str) -> Vec<u8> {
    let mut file = b"\x93NUMPY\x01\x00".to_vec();
    let padded = (header.len() + 1 + 10).next_multiple_of(64) - 10;
    file.extend_from_slice(&(padded as u16).to_le_bytes());
    file.extend_from_slice(header.as_bytes());
    file.resize(10 + padded - 1, b' ');
    file.push(b'\n');
    file
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the `npy` fuzzer: a zero dimension beside a huge one needs no data, but no
    /// array can have 2⁶⁴ − 1 rows.
    #[test]
    fn a_huge_dimension_beside_a_zero_one_is_an_error() {
        for shape in ["(18446744073709551615, 0)", "(0, 18446744073709551615)"] {
            for order in ["True", "False"] {
                let bytes = header_bytes(&format!(
                    "{{'descr': '<i8', 'fortran_order': {order}, 'shape': {shape}, }}"
                ));
                assert!(
                    matches!(parse_npy(&bytes), Err(Error::Format { .. })),
                    "{shape} {order}"
                );
            }
        }
        // Zero columns and a reasonable number of rows is a valid, empty table.
        let t = parse_npy(&header_bytes(
            "{'descr': '<f8', 'fortran_order': True, 'shape': (5, 0), }",
        ))
        .unwrap();
        assert_eq!(t.values.dim(), (5, 0));
    }
}
