//! The training features as the epochs gather them into batches. An epoch of minibatch SGD
//! on Fashion-MNIST reads every one of the 60000 × 784 features once in shuffled rows: as
//! `f32` that is 188 MB per epoch, which measured as long as one of its two matrix products.
//! Pixels and counts are integers in 0..=255, so when every raw feature is one they are kept
//! as bytes (47 MB, on huge pages) and scaled as each batch is gathered, vectorised, with
//! the same arithmetic as [`Scaling::apply`], so the batches are bit for bit those of the
//! `f32` path.

use super::dataset::{Dataset, Scaling};
use crate::kernels::{bytes_divided, bytes_standardized, gather_rows, zeroed_vec};
use crate::Error;
use ndarray::{Array2, ArrayViewMut2};
use std::borrow::Cow;

/// The rows an epoch gathers from.
pub(crate) enum FeatureRows<'a> {
    /// Scaled `f32` features.
    Floats(Cow<'a, Array2<f32>>),
    /// Raw features that are all integers in 0..=255, and the scaling to apply.
    Bytes { raw: Vec<u8>, scaling: Scaling },
}

impl<'a> FeatureRows<'a> {
    /// Bytes when every feature is an integer in 0..=255, else the scaled features (borrowed
    /// when the scaling is none).
    pub(crate) fn new(data: &'a Dataset, scaling: &Scaling) -> Result<FeatureRows<'a>, Error> {
        let features = &data.features;
        // -0.0 is left to the float path: as a byte it would come back +0.0.
        let is_byte = |v: &f32| {
            (0.0..=255.0).contains(v) && f32::from(*v as u8) == *v && !v.is_sign_negative()
        };
        // One pass: bytes are written as they are checked, and given up at the first value
        // that is not one.
        let mut raw = zeroed_vec(features.len());
        let all_bytes = raw.iter_mut().zip(features.iter()).all(|(b, v)| {
            *b = *v as u8;
            is_byte(v)
        });
        if all_bytes {
            if let Scaling::Standardize { mean, .. } = scaling {
                let columns = [features.ncols()];
                crate::layout::ensure_same_shape("features", &[mean.len()], &columns)?;
            }
            return Ok(FeatureRows::Bytes {
                raw,
                scaling: scaling.clone(),
            });
        }
        drop(raw);
        // Rows in standard layout, so that every gather is a slice copy.
        Ok(match scaling {
            Scaling::None if features.is_standard_layout() => {
                FeatureRows::Floats(Cow::Borrowed(features))
            }
            _ => {
                let mut copy = features.as_standard_layout().into_owned();
                scaling.apply(&mut copy)?;
                FeatureRows::Floats(Cow::Owned(copy))
            }
        })
    }

    /// Copies rows `rows`, scaled, into the first `rows.len()` rows of `out`.
    pub(crate) fn gather(&self, rows: &[usize], mut out: ArrayViewMut2<'_, f32>) {
        let width = out.ncols();
        let out = out
            .as_slice_mut()
            .expect("batch buffers are contiguous rows");
        match self {
            FeatureRows::Floats(features) => {
                let src = features.as_slice().expect("made standard in `new`");
                gather_rows(src, width, rows, out, |d, s| d.copy_from_slice(s))
            }
            FeatureRows::Bytes { raw, scaling } => {
                let src = &raw[..];
                // Scaling::apply's operations, vectorised (kernels::simd::bytes); x / 1 is x.
                match scaling {
                    Scaling::None => {
                        gather_rows(src, width, rows, out, |d, s| bytes_divided(d, s, 1.0))
                    }
                    Scaling::Divide { by } => {
                        gather_rows(src, width, rows, out, |d, s| bytes_divided(d, s, *by))
                    }
                    Scaling::Standardize { mean, std } => {
                        gather_rows(src, width, rows, out, |d, s| {
                            bytes_standardized(d, s, mean, std)
                        })
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::Targets;

    #[test]
    fn bytes_gather_the_batches_of_the_scaled_floats_bit_for_bit() {
        let raw = Array2::from_shape_fn((6, 5), |(i, j)| ((i * 37 + j * 101) % 256) as f32);
        let data = Dataset::new(
            "t",
            raw.clone(),
            Targets::Classes {
                labels: vec![0, 1, 0, 1, 0, 1],
                classes: 2,
            },
        )
        .unwrap();
        for scaling in [
            Scaling::None,
            Scaling::Divide { by: 255.0 },
            Scaling::standardize(&raw),
        ] {
            let rows = FeatureRows::new(&data, &scaling).unwrap();
            assert!(matches!(rows, FeatureRows::Bytes { .. }));
            let mut expected = raw.clone();
            scaling.apply(&mut expected).unwrap();
            let pick = [4, 0, 5, 2];
            let mut out = Array2::zeros((4, 5));
            rows.gather(&pick, out.view_mut());
            for (r, &i) in pick.iter().enumerate() {
                let same = out
                    .row(r)
                    .iter()
                    .zip(expected.row(i))
                    .all(|(a, b)| a.to_bits() == b.to_bits());
                assert!(same, "{scaling:?}: row {i}");
            }
        }
        // A feature that is not a byte keeps the float path.
        let mut fractional = raw.clone();
        fractional[[3, 2]] = 0.5;
        let data = Dataset::new("t", fractional, data.targets.clone()).unwrap();
        assert!(matches!(
            FeatureRows::new(&data, &Scaling::None).unwrap(),
            FeatureRows::Floats(_)
        ));
    }
}
