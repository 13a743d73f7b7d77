//! Blocks of 16 short rows moved between their row-major layout and the transposed one of the
//! short-row kernels (`t[c][l]` is class `c` of row `l`) by 8×8 transposes in AVX registers,
//! where the portable loops move one float at a time. For 8 to [`MAX_CLASSES`] classes and
//! CPUs with AVX; otherwise the functions say no and the callers use the portable loops.

use super::LANES;

/// The most classes a block may have (the short-row kernels' limit).
pub(crate) const MAX_CLASSES: usize = 32;

/// Whether the AVX transposes apply to rows of `classes` classes on this CPU.
pub(crate) fn available(classes: usize) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        (8..=MAX_CLASSES).contains(&classes) && super::level() != super::Level::Portable
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = classes;
        false
    }
}

/// The column offsets of the 8-wide blocks that cover `classes` ≥ 8 columns: steps of 8, the
/// last one ending at `classes` (overlapping its neighbour, which it rewrites identically).
fn column_blocks(classes: usize) -> impl Iterator<Item = usize> {
    (0..classes.div_ceil(8)).map(move |k| (8 * k).min(classes - 8))
}

/// t ← the 16 rows of `x` (16·C floats, row-major), transposed. Panics unless
/// [`available`]`(C)` and the sizes agree.
pub(crate) fn rows_to_lanes(x: &[f32], t: &mut [[f32; LANES]]) {
    let classes = t.len();
    assert!(available(classes), "rows_to_lanes: {classes} classes");
    assert_eq!(x.len(), LANES * classes, "rows_to_lanes: block size");
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `available` checked that the CPU has AVX; the sizes were checked above.
    unsafe {
        avx::rows_to_lanes(x, t)
    }
}

/// out ← the rows of α·t − β·w (w = 1 without weights; α, β per row), transposed back to
/// row-major: to the bit what the portable per-row loop writes. Panics unless
/// [`available`]`(C)` and the sizes agree.
pub(crate) fn lanes_to_rows_scaled(
    t: &[[f32; LANES]],
    alpha: &[f32; LANES],
    beta: &[f32; LANES],
    w: Option<&[f32]>,
    out: &mut [f32],
) {
    let classes = t.len();
    assert!(
        available(classes),
        "lanes_to_rows_scaled: {classes} classes"
    );
    assert_eq!(
        out.len(),
        LANES * classes,
        "lanes_to_rows_scaled: block size"
    );
    if let Some(w) = w {
        assert_eq!(w.len(), classes, "lanes_to_rows_scaled: weights");
    }
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `available` checked that the CPU has AVX; the sizes were checked above.
    unsafe {
        avx::lanes_to_rows_scaled(t, alpha, beta, w, out)
    }
}

#[cfg(target_arch = "x86_64")]
mod avx {
    use super::{column_blocks, LANES};
    use std::arch::x86_64::{
        __m256, _mm256_loadu_ps, _mm256_mul_ps, _mm256_permute2f128_ps, _mm256_set1_ps,
        _mm256_setzero_ps, _mm256_shuffle_ps, _mm256_storeu_ps, _mm256_sub_ps, _mm256_unpackhi_ps,
        _mm256_unpacklo_ps,
    };

    /// The 8×8 transpose of `r` (row k of the result is column k of the input).
    #[target_feature(enable = "avx")]
    fn transpose8(r: [__m256; 8]) -> [__m256; 8] {
        let t0 = _mm256_unpacklo_ps(r[0], r[1]);
        let t1 = _mm256_unpackhi_ps(r[0], r[1]);
        let t2 = _mm256_unpacklo_ps(r[2], r[3]);
        let t3 = _mm256_unpackhi_ps(r[2], r[3]);
        let t4 = _mm256_unpacklo_ps(r[4], r[5]);
        let t5 = _mm256_unpackhi_ps(r[4], r[5]);
        let t6 = _mm256_unpacklo_ps(r[6], r[7]);
        let t7 = _mm256_unpackhi_ps(r[6], r[7]);
        let u0 = _mm256_shuffle_ps::<0x44>(t0, t2);
        let u1 = _mm256_shuffle_ps::<0xee>(t0, t2);
        let u2 = _mm256_shuffle_ps::<0x44>(t1, t3);
        let u3 = _mm256_shuffle_ps::<0xee>(t1, t3);
        let u4 = _mm256_shuffle_ps::<0x44>(t4, t6);
        let u5 = _mm256_shuffle_ps::<0xee>(t4, t6);
        let u6 = _mm256_shuffle_ps::<0x44>(t5, t7);
        let u7 = _mm256_shuffle_ps::<0xee>(t5, t7);
        [
            _mm256_permute2f128_ps::<0x20>(u0, u4),
            _mm256_permute2f128_ps::<0x20>(u1, u5),
            _mm256_permute2f128_ps::<0x20>(u2, u6),
            _mm256_permute2f128_ps::<0x20>(u3, u7),
            _mm256_permute2f128_ps::<0x31>(u0, u4),
            _mm256_permute2f128_ps::<0x31>(u1, u5),
            _mm256_permute2f128_ps::<0x31>(u2, u6),
            _mm256_permute2f128_ps::<0x31>(u3, u7),
        ]
    }

    /// # Safety
    /// The CPU has AVX; `x.len() == 16 · t.len()` and `t.len() ≥ 8`.
    #[target_feature(enable = "avx")]
    pub(super) unsafe fn rows_to_lanes(x: &[f32], t: &mut [[f32; LANES]]) {
        let classes = t.len();
        for half in 0..LANES / 8 {
            for c0 in column_blocks(classes) {
                let mut rows = [_mm256_setzero_ps(); 8];
                for (k, row) in rows.iter_mut().enumerate() {
                    // SAFETY: row 8·half + k, columns c0..c0 + 8, lie inside x (c0 + 8 ≤ C).
                    *row =
                        unsafe { _mm256_loadu_ps(x.as_ptr().add((8 * half + k) * classes + c0)) };
                }
                for (k, column) in transpose8(rows).into_iter().enumerate() {
                    // SAFETY: lanes 8·half..8·half + 8 of t[c0 + k], c0 + k < C.
                    unsafe { _mm256_storeu_ps(t[c0 + k].as_mut_ptr().add(8 * half), column) };
                }
            }
        }
    }

    /// # Safety
    /// The CPU has AVX; `out.len() == 16 · t.len()`, `t.len() ≥ 8`, and `w`, if any, has
    /// `t.len()` elements.
    #[target_feature(enable = "avx")]
    pub(super) unsafe fn lanes_to_rows_scaled(
        t: &[[f32; LANES]],
        alpha: &[f32; LANES],
        beta: &[f32; LANES],
        w: Option<&[f32]>,
        out: &mut [f32],
    ) {
        let classes = t.len();
        for half in 0..LANES / 8 {
            // SAFETY: lanes 8·half..8·half + 8 of 16-lane arrays.
            let (a, b) = unsafe {
                (
                    _mm256_loadu_ps(alpha.as_ptr().add(8 * half)),
                    _mm256_loadu_ps(beta.as_ptr().add(8 * half)),
                )
            };
            for c0 in column_blocks(classes) {
                // α·e − β·w_c per column, as the portable loop computes it (a product, then a
                // difference: no fused multiply-add).
                let mut columns = [_mm256_setzero_ps(); 8];
                for (k, column) in columns.iter_mut().enumerate() {
                    let c = c0 + k;
                    // SAFETY: lanes 8·half..8·half + 8 of t[c], c < C.
                    let e = unsafe { _mm256_loadu_ps(t[c].as_ptr().add(8 * half)) };
                    let shift = match w {
                        None => b,
                        Some(w) => _mm256_mul_ps(b, _mm256_set1_ps(w[c])),
                    };
                    *column = _mm256_sub_ps(_mm256_mul_ps(a, e), shift);
                }
                for (k, row) in transpose8(columns).into_iter().enumerate() {
                    // SAFETY: row 8·half + k, columns c0..c0 + 8, lie inside out.
                    unsafe {
                        _mm256_storeu_ps(out.as_mut_ptr().add((8 * half + k) * classes + c0), row)
                    };
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transposes_agree_with_the_portable_loops_for_every_width() {
        for classes in 8..=MAX_CLASSES {
            if !available(classes) {
                return;
            }
            let x: Vec<f32> = (0..LANES * classes)
                .map(|i| (i as f32 * 0.731).sin())
                .collect();
            let mut t = vec![[0.0f32; LANES]; classes];
            rows_to_lanes(&x, &mut t);
            for l in 0..LANES {
                for c in 0..classes {
                    assert_eq!(t[c][l], x[l * classes + c], "{classes}: row {l}, class {c}");
                }
            }
            let alpha: [f32; LANES] = std::array::from_fn(|l| 0.5 + l as f32 * 0.01);
            let beta: [f32; LANES] = std::array::from_fn(|l| 1e-3 * (l as f32 - 7.0));
            let w: Vec<f32> = (0..classes).map(|c| 0.25 + c as f32 * 0.125).collect();
            for weights in [None, Some(&w[..])] {
                let mut out = vec![f32::NAN; LANES * classes];
                lanes_to_rows_scaled(&t, &alpha, &beta, weights, &mut out);
                for l in 0..LANES {
                    for c in 0..classes {
                        let wc = weights.map_or(1.0, |w| w[c]);
                        let expected = match weights {
                            None => alpha[l] * t[c][l] - beta[l],
                            Some(_) => alpha[l] * t[c][l] - beta[l] * wc,
                        };
                        assert_eq!(
                            out[l * classes + c].to_bits(),
                            expected.to_bits(),
                            "{classes}: row {l}, class {c}"
                        );
                    }
                }
            }
        }
    }
}
