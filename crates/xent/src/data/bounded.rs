//! Reading lines and whole inputs without letting a buffer grow past a limit: the buffer
//! grows to what the input holds, never to twice the limit as doubling would take it.

use std::io::{self, BufRead, Read};

/// Appends one line (up to and with its `\n`) to `buf`, reading at most `limit + 1` bytes.
/// Returns the bytes read; `Ok(None)` when the line is longer than `limit` bytes without
/// its `\n` (what was read stays in `buf`).
pub(crate) fn read_line(
    reader: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    limit: u64,
) -> io::Result<Option<usize>> {
    let start = buf.len();
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(Some(buf.len() - start));
        }
        let newline = available.iter().position(|&b| b == b'\n');
        let take = newline.map_or(available.len(), |i| i + 1);
        let room = (limit.saturating_add(1) - (buf.len() - start) as u64).min(take as u64) as usize;
        reserve_bounded(buf, start, room, limit);
        buf.extend_from_slice(&available[..room]);
        reader.consume(room);
        let len = (buf.len() - start) as u64;
        if newline.is_some_and(|i| i < room) {
            return Ok(Some(len as usize));
        }
        if len > limit {
            return Ok(None);
        }
    }
}

/// Reads all of `reader` if it holds at most `limit` bytes; `Ok(None)` if it holds more.
pub(crate) fn read_to_end(mut reader: impl Read, limit: u64) -> io::Result<Option<Vec<u8>>> {
    let mut buf = Vec::new();
    let mut chunk = vec![0u8; 1 << 16];
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            return Ok(Some(buf));
        }
        let room = (limit.saturating_add(1) - buf.len() as u64).min(n as u64) as usize;
        reserve_bounded(&mut buf, 0, room, limit);
        buf.extend_from_slice(&chunk[..room]);
        if buf.len() as u64 > limit {
            return Ok(None);
        }
    }
}

/// Makes room for `more` bytes, doubling as usual but never past `limit + 1` bytes of
/// content after `start`.
fn reserve_bounded(buf: &mut Vec<u8>, start: usize, more: usize, limit: u64) {
    if buf.capacity() - buf.len() >= more {
        return;
    }
    let cap_total = start as u64 + limit.saturating_add(1);
    let want = (buf.capacity().max(64) as u64 * 2)
        .min(cap_total)
        .max((buf.len() + more) as u64);
    buf.reserve_exact(want as usize - buf.len());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_stop_at_the_limit_and_the_buffer_does_not_overshoot() {
        let mut r = io::BufReader::with_capacity(7, &b"abc\ndefgh\nij"[..]);
        let mut buf = Vec::new();
        assert_eq!(read_line(&mut r, &mut buf, 5).unwrap(), Some(4));
        assert_eq!(buf, b"abc\n");
        buf.clear();
        assert_eq!(read_line(&mut r, &mut buf, 5).unwrap(), Some(6));
        assert_eq!(buf, b"defgh\n");
        buf.clear();
        assert_eq!(read_line(&mut r, &mut buf, 5).unwrap(), Some(2));
        buf.clear();
        assert_eq!(read_line(&mut r, &mut buf, 5).unwrap(), Some(0));
        let mut r = io::BufReader::new(io::repeat(0).take(10_000_000));
        let mut buf = Vec::new();
        assert_eq!(read_line(&mut r, &mut buf, 3_000_000).unwrap(), None);
        assert!(buf.capacity() <= 3_000_001, "{}", buf.capacity());
        let bounded = read_to_end(io::repeat(1).take(5_000_000), 4_000_000).unwrap();
        assert!(bounded.is_none());
        assert_eq!(
            read_to_end(&b"12345"[..], 5).unwrap(),
            Some(b"12345".to_vec())
        );
        assert_eq!(read_to_end(&b"123456"[..], 5).unwrap(), None);
    }
}
