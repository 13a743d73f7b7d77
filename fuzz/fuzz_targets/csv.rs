//! Any bytes through the CSV reader: an error or a table, never a panic; a table's rows all
//! have the same width and one line number each.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(table) = xent::data::parse_csv(data) {
        let lines = table.lines.expect("CSV tables record their lines");
        assert_eq!(lines.len(), table.values.nrows());
        assert!(lines.windows(2).all(|w| w[0] < w[1]));
    }
});
