//! The benchmark inputs, generated exactly as `shared/bench/anchors.py` generates them
//! (splitmix64 counter streams), so that losses and checksums can be compared across tools.

use ndarray::Array2;
use rayon::prelude::*;

pub const SEED_LOGITS: u64 = 1;
pub const SEED_TARGETS: u64 = 2;
pub const SEED_P: u64 = 3;
pub const SEED_Q: u64 = 4;
pub const SEED_HIDDEN: u64 = 5;
pub const SEED_WEIGHT: u64 = 6;
pub const SEED_LIN_TARGETS: u64 = 7;

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// z_i = mix(seed + (i + 1)·γ): the i-th value of the counter stream.
#[inline]
pub fn splitmix64(seed: u64, i: u64) -> u64 {
    let mut z = seed.wrapping_add((i + 1).wrapping_mul(GOLDEN));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// u = (z >> 40)·2⁻²⁴ and x = u·(hi − lo) + lo, each step rounded to f32 (no FMA).
pub fn uniform_f32(seed: u64, rows: usize, cols: usize, lo: f32, hi: f32) -> Array2<f32> {
    let span = hi - lo;
    let mut out = vec![0f32; rows * cols];
    out.par_chunks_mut(1 << 16)
        .enumerate()
        .for_each(|(c, chunk)| {
            let start = (c << 16) as u64;
            for (j, x) in chunk.iter_mut().enumerate() {
                let u = (splitmix64(seed, start + j as u64) >> 40) as f32 * (1.0 / 16_777_216.0);
                // Two roundings, as NumPy: Rust never contracts these into an FMA.
                *x = u * span + lo;
            }
        });
    Array2::from_shape_vec((rows, cols), out).expect("rows × cols values")
}

/// t_i = (z_i >> 32) mod classes.
pub fn targets(seed: u64, n: usize, classes: usize) -> Vec<i64> {
    (0..n as u64)
        .map(|i| ((splitmix64(seed, i) >> 32) % classes as u64) as i64)
        .collect()
}

/// Uniform [2⁻¹⁰, 1) rows, each divided by its sum (summed in f64 here; NumPy sums in f32
/// pairwise, so the two can differ in the last bit of a few values).
pub fn probabilities(seed: u64, rows: usize, cols: usize) -> Array2<f32> {
    let mut p = uniform_f32(seed, rows, cols, 2f32.powi(-10), 1.0);
    p.axis_iter_mut(ndarray::Axis(0))
        .into_par_iter()
        .for_each(|mut row| {
            let s = row.iter().map(|&v| v as f64).sum::<f64>() as f32;
            row.mapv_inplace(|v| v / s);
        });
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_values_of_the_stream() {
        assert_eq!(splitmix64(0, 0), 0xE220_A839_7B1D_CDAF);
        assert_eq!(splitmix64(0, 1), 0x6E78_9E6A_A1B9_65F4);
    }
}
