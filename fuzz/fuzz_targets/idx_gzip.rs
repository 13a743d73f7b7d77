//! IDX data through gzip: the first byte picks a byte of the compressed stream to corrupt (0:
//! none), the rest is the IDX file. The intact stream must parse exactly as the raw bytes
//! do; a corrupted one must be an error or that same result (a flip in an unused header
//! field), never a panic, never an allocation beyond the header's checked claim.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::io::Write;

fuzz_target!(|data: &[u8]| {
    let Some((&flip, raw)) = data.split_first() else {
        return;
    };
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(raw).unwrap();
    let mut gz = encoder.finish().unwrap();
    let plain = xent::data::parse_idx(raw);
    if raw.starts_with(&[0x1f, 0x8b]) {
        return; // raw bytes that are themselves gzip: a different question
    }
    assert_eq!(xent::data::parse_idx(&gz), plain);
    if flip > 0 {
        let at = flip as usize % gz.len();
        gz[at] ^= 0x5a;
        let corrupted = xent::data::parse_idx(&gz);
        if let (Ok(c), Ok(p)) = (&corrupted, &plain) {
            assert_eq!(c, p, "a corrupted stream decoded to different data");
        }
    }
});
