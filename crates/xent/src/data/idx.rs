//! A reader for the IDX format of MNIST and Fashion-MNIST, raw or gzip-compressed.

use crate::Error;
use std::io::Read;

/// An unsigned-byte IDX array: its dimensions and its bytes in row-major order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdxArray {
    /// The dimensions, outermost first (`[60000, 28, 28]` for MNIST's training images).
    pub dims: Vec<usize>,
    /// The elements.
    pub data: Vec<u8>,
}

/// Parses an IDX file of unsigned bytes (type code 0x08), gzip-compressed (detected by its
/// magic bytes) or raw.
///
/// The header is validated before the data is read: a raw file must have exactly the bytes
/// its dimensions need; a compressed stream is read only up to the claimed size and must hold
/// exactly that, so a header claiming 10¹² elements fails on the short stream without ever
/// allocating what it claims.
///
/// # Errors
/// [`Error::Format`] for a bad magic number, an unsupported element type, zero dimensions,
/// a size that overflows, a truncated or over-long data section, or a corrupt gzip stream.
///
/// # Example
/// ```
/// // Two labels, 3 and 7: magic 0x00000801, one dimension of size 2.
/// let file = [0u8, 0, 8, 1, 0, 0, 0, 2, 3, 7];
/// let idx = xent::data::parse_idx(&file)?;
/// assert_eq!(idx.dims, vec![2]);
/// assert_eq!(idx.data, vec![3, 7]);
/// assert!(xent::data::parse_idx(&[0u8, 0, 8, 1, 0, 0, 0, 9, 3]).is_err()); // truncated
/// # Ok::<(), xent::Error>(())
/// ```
pub fn parse_idx(bytes: &[u8]) -> Result<IdxArray, Error> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        read_idx_stream(flate2::read::GzDecoder::new(bytes))
    } else {
        read_idx_stream(bytes)
    }
}

fn read_idx_stream(mut stream: impl Read) -> Result<IdxArray, Error> {
    let mut magic = [0u8; 4];
    read_exact(&mut stream, &mut magic, "the magic number")?;
    if magic[0] != 0 || magic[1] != 0 {
        return Err(bad(format!(
            "the file does not start with an IDX magic number (bytes {:02x} {:02x} {:02x} {:02x})",
            magic[0], magic[1], magic[2], magic[3]
        )));
    }
    if magic[2] != 0x08 {
        return Err(bad(format!(
            "element type 0x{:02x} is not supported (only unsigned bytes, 0x08)",
            magic[2]
        )));
    }
    let ndims = magic[3] as usize;
    if ndims == 0 {
        return Err(bad("the header declares 0 dimensions".into()));
    }
    let mut dims = Vec::with_capacity(ndims);
    for _ in 0..ndims {
        let mut d = [0u8; 4];
        read_exact(&mut stream, &mut d, "the dimensions")?;
        dims.push(u32::from_be_bytes(d) as usize);
    }
    let expected = dims
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| bad(format!("the dimensions {dims:?} overflow")))?;
    let mut data = Vec::new();
    // Reads at most `expected` bytes: the buffer grows with what the stream really holds.
    let read = stream
        .by_ref()
        .take(expected as u64)
        .read_to_end(&mut data)
        .map_err(|e| bad(format!("cannot decompress the data: {e}")))?;
    if read < expected {
        return Err(bad(format!(
            "the header declares {dims:?} ({expected} bytes) but the data has only {read}"
        )));
    }
    let mut extra = [0u8; 1];
    if stream.read(&mut extra).unwrap_or(0) > 0 {
        return Err(bad(format!(
            "the data is longer than the {expected} bytes the header declares ({dims:?})"
        )));
    }
    Ok(IdxArray { dims, data })
}

fn read_exact(stream: &mut impl Read, buf: &mut [u8], what: &str) -> Result<(), Error> {
    stream
        .read_exact(buf)
        .map_err(|_| bad(format!("the file ends inside {what}")))
}

fn bad(reason: String) -> Error {
    Error::Format {
        format: "IDX",
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn images_raw_and_gzipped() {
        let mut file = vec![0u8, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2];
        file.extend(0..8u8);
        for bytes in [file.clone(), gzip(&file)] {
            let idx = parse_idx(&bytes).unwrap();
            assert_eq!(idx.dims, vec![2, 2, 2]);
            assert_eq!(idx.data, (0..8).collect::<Vec<u8>>());
        }
    }

    #[test]
    fn lying_headers_fail_without_allocating_the_claim() {
        // 10^12 one-byte labels claimed, 3 present.
        let n = 1_000_000_000_000u64;
        let mut file = vec![0u8, 0, 8, 2];
        file.extend(((n / 1_000_000) as u32).to_be_bytes());
        file.extend(1_000_000u32.to_be_bytes());
        file.extend([1, 2, 3]);
        for bytes in [file.clone(), gzip(&file)] {
            let err = parse_idx(&bytes).unwrap_err();
            assert!(err.to_string().contains("has only 3"), "{err}");
        }
    }

    #[test]
    fn malformed_headers() {
        assert!(parse_idx(b"").unwrap_err().to_string().contains("magic"));
        assert!(parse_idx(&[1, 2, 8, 1, 0, 0, 0, 0])
            .unwrap_err()
            .to_string()
            .contains("magic"));
        assert!(parse_idx(&[0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0])
            .unwrap_err()
            .to_string()
            .contains("0x0d"));
        assert!(parse_idx(&[0, 0, 8, 0])
            .unwrap_err()
            .to_string()
            .contains("0 dimensions"));
        assert!(parse_idx(&[0, 0, 8, 1, 0, 0, 0, 1, 5, 6])
            .unwrap_err()
            .to_string()
            .contains("longer"));
        let corrupt = {
            let mut g = gzip(&[0, 0, 8, 1, 0, 0, 0, 4, 1, 2, 3, 4]);
            let n = g.len();
            g[n / 2] ^= 0xff;
            g
        };
        assert!(parse_idx(&corrupt).is_err());
    }
}
