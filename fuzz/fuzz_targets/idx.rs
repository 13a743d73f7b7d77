//! Any bytes (raw or gzip) through the IDX reader: an error or an array whose data length is
//! the product of its dimensions, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(idx) = xent::data::parse_idx(data) {
        assert_eq!(idx.data.len(), idx.dims.iter().product::<usize>());
    }
});
