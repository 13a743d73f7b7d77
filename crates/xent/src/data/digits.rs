//! The digits data set, compiled into the library (see `crates/xent/data/README.md`).

use crate::Error;
use ndarray::{s, Array2};
use std::io::Read;

static DIGITS_CSV_GZ: &[u8] = include_bytes!("../../data/digits.csv.gz");

/// The 1,797 8×8 handwritten digits (UCI optdigits test set, as shipped by scikit-learn):
/// features as pixel counts 0..16 (one row of 64 per image) and labels 0..9.
///
/// Embedded in the library (57 KB compressed), so it works offline and in every clone.
/// Licence: CC BY 4.0, Alpaydin & Kaynak (1998), UCI Machine Learning Repository.
///
/// # Errors
/// Only if the embedded bytes were corrupted at build time ([`Error::Format`]).
///
/// # Example
/// ```
/// let (x, y) = xent::data::digits()?;
/// assert_eq!(x.dim(), (1797, 64));
/// assert_eq!(y.iter().filter(|&&c| c == 0).count(), 178);
/// assert!(x.iter().all(|&v| (0.0..=16.0).contains(&v)));
/// # Ok::<(), xent::Error>(())
/// ```
pub fn digits() -> Result<(Array2<f32>, Vec<usize>), Error> {
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
