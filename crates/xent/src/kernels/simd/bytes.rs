//! Bytes to `f32`, scaled, vectorised: the conversion of a gathered row of pixels or counts.
//! Each value is computed with the very operations of the scalar form (a conversion, then a
//! division, or a subtraction and a division), which IEEE rounds identically in every lane,
//! so the results are bit for bit those of `Scaling::apply` on the `f32` features.

use super::dispatch;

#[inline(always)]
fn bytes_divided_body(dst: &mut [f32], src: &[u8], by: f32) {
    for (d, &s) in dst.iter_mut().zip(src) {
        *d = f32::from(s) / by;
    }
}

#[inline(always)]
fn bytes_standardized_body(dst: &mut [f32], src: &[u8], mean: &[f32], std: &[f32]) {
    for (((d, &s), m), sd) in dst.iter_mut().zip(src).zip(mean).zip(std) {
        *d = (f32::from(s) - m) / sd;
    }
}

dispatch!(
    /// dst[j] = src[j] / by.
    bytes_divided(dst: &mut [f32], src: &[u8], by: f32) -> () = bytes_divided_body
);

dispatch!(
    /// dst[j] = (src[j] − mean[j]) / std[j].
    bytes_standardized(dst: &mut [f32], src: &[u8], mean: &[f32], std: &[f32]) -> () =
        bytes_standardized_body
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_converts_as_the_scalar_division() {
        let src: Vec<u8> = (0..=255).collect();
        let mut dst = vec![0.0f32; 256];
        for by in [1.0f32, 3.0, 255.0, 0.1] {
            bytes_divided(&mut dst, &src, by);
            for (d, &s) in dst.iter().zip(&src) {
                assert_eq!(d.to_bits(), (f32::from(s) / by).to_bits());
            }
        }
        let mean: Vec<f32> = (0..256).map(|j| j as f32 * 0.37).collect();
        let std: Vec<f32> = (0..256).map(|j| 0.5 + j as f32 * 0.01).collect();
        bytes_standardized(&mut dst, &src, &mean, &std);
        for j in 0..256 {
            let expected = (f32::from(src[j]) - mean[j]) / std[j];
            assert_eq!(dst[j].to_bits(), expected.to_bits());
        }
    }
}
