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
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return read_idx_stream(bytes);
    }
    // The buffered decoder reads no further than its member's end, so what is left of the
    // slice afterwards is what follows the gzip trailer.
    let mut rest = bytes;
    let mut decoder = flate2::bufread::GzDecoder::new(&mut rest);
    let idx = read_idx_stream(&mut decoder)?;
    // Reading to the end makes the decoder check the trailer's CRC-32 and length.
    let mut tail = Vec::new();
    match decoder.read_to_end(&mut tail) {
        Ok(0) => {}
        Ok(_) => unreachable!("read_idx_stream read the data to its end"),
        Err(e) => return Err(bad(format!("the gzip stream is corrupt: {e}"))),
    }
    drop(decoder);
    if !rest.is_empty() {
        return Err(bad(format!(
            "{} bytes follow the end of the gzip stream",
            rest.len()
        )));
    }
    Ok(idx)
}

/// The most elements an IDX array may hold: 2²⁸ bytes (256 MiB), which the training set
/// holds as 1 GiB of `f32` features, more than five times the 47 MB of MNIST's training
/// images. A larger claim is refused before anything is inflated.
pub const MAX_IDX_ELEMENTS: usize = 1 << 28;

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
    if expected > MAX_IDX_ELEMENTS {
        return Err(bad(format!(
            "the dimensions {dims:?} make {expected} elements, more than the limit of \
             {MAX_IDX_ELEMENTS}"
        )));
    }
    // Reads at most `expected` bytes: the buffer grows with what the stream really holds,
    // and never past the claim (doubling would take it to twice the claim).
    let data = super::bounded::read_to_end(stream.by_ref().take(expected as u64), expected as u64)
        .map_err(|e| bad(format!("cannot decompress the data: {e}")))?
        .expect("a stream cut at the claim holds no more than the claim");
    let read = data.len();
    if read < expected {
        return Err(bad(format!(
            "the header declares {dims:?} ({expected} bytes) but the data has only {read}"
        )));
    }
    let mut extra = [0u8; 1];
    match stream.read(&mut extra) {
        Ok(0) => {}
        Ok(_) => {
            return Err(bad(format!(
                "the data is longer than the {expected} bytes the header declares ({dims:?})"
            )))
        }
        Err(e) => return Err(bad(format!("the gzip stream is corrupt: {e}"))),
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
        // 10^8 one-byte labels claimed (under the limit), 3 present.
        let n = 100_000_000u64;
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
    fn gzip_trailers_are_checked() {
        let file = [0u8, 0, 8, 1, 0, 0, 0, 4, 1, 2, 3, 4];
        let good = gzip(&file);
        assert_eq!(parse_idx(&good).unwrap().data, vec![1, 2, 3, 4]);
        // A wrong CRC-32 (the trailer's first four bytes).
        let mut bad_crc = good.clone();
        let n = bad_crc.len();
        bad_crc[n - 8] ^= 0x55;
        let err = parse_idx(&bad_crc).unwrap_err().to_string();
        assert!(err.contains("gzip stream is corrupt"), "{err}");
        // A wrong length (the trailer's last four bytes).
        let mut bad_len = good.clone();
        bad_len[n - 1] ^= 0x01;
        assert!(parse_idx(&bad_len).is_err());
        // Garbage after the stream.
        let mut trailing = good.clone();
        trailing.extend_from_slice(b"junk");
        assert_eq!(
            parse_idx(&trailing).unwrap_err().to_string(),
            "malformed IDX file: 4 bytes follow the end of the gzip stream"
        );
        // A truncated stream.
        assert!(parse_idx(&good[..n - 3]).is_err());
    }

    #[test]
    fn claims_beyond_the_limit_are_refused_before_inflating() {
        // A gzip bomb: 2^30 zero bytes behind a header that claims them all.
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(&[0, 0, 8, 3, 0, 0, 0x40, 0, 0, 0, 0x04, 0, 0, 0, 0x04, 0])
            .unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..64 {
            e.write_all(&zeros).unwrap();
        }
        let bomb = e.finish().unwrap();
        assert!(bomb.len() < 1 << 20);
        let err = parse_idx(&bomb).unwrap_err().to_string();
        assert!(err.contains("more than the limit of 268435456"), "{err}");
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
