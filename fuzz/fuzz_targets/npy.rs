//! Any bytes through the NPY reader: an error or an array, never a panic or an allocation the
//! file cannot back; an array read back round-trips through the writer.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(table) = xent::data::parse_npy(data) {
        let again = xent::data::parse_npy(&xent::data::to_npy(table.values.view())).expect("our own output reads back");
        assert_eq!(again.values.shape(), table.values.shape());
    }
});
