//! The digits data set, compiled into the library (see `crates/xent/data/README.md`).

use crate::Error;
use ndarray::{s, Array2};
use std::io::Read;

static DIGITS_CSV_GZ: &[u8] = include_bytes!("../../data/digits.csv.gz");

/// The 1,797 8×8 handwritten digits (UCI optdigits test set, as shipped by scikit-learn):
/// features as pixel counts 0..16 (one row of 64 per image) and labels 0..9. Licence:
/// CC BY 4.0, Alpaydin & Kaynak (1998), UCI Machine Learning Repository.
///
/// Fails ([`Error::Format`]) only if the embedded bytes were corrupted at build time.
pub(super) fn decode() -> Result<(Array2<f32>, Vec<usize>), Error> {
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(DIGITS_CSV_GZ)
        .read_to_end(&mut text)
        .map_err(|e| Error::Format {
            format: "embedded digits",
            reason: e.to_string(),
        })?;
    let table = super::parse_csv(&text)?;
    let values = table.values;
    let features = values.slice(s![.., ..64]).mapv(|v| v as f32);
    let labels = values.column(64).iter().map(|&v| v as usize).collect();
    Ok((features, labels))
}
