//! Stores that bypass the caches, for outputs much larger than the last-level cache: a normal
//! store first reads the line it writes (read-for-ownership), so writing N bytes moves 2N;
//! a non-temporal store moves N. For outputs that fit in cache they are slower (the next
//! reader misses), so callers use them only above
//! [`STREAM_BYTES`](crate::kernels::tiling::STREAM_BYTES).

/// out ← (x − m) − c, as [`super::shift_into`] to the bit, with non-temporal stores where the
/// CPU has AVX.
pub(crate) fn shift_into_streaming(x: &[f32], m: f32, c: f32, out: &mut [f32]) {
    assert_eq!(x.len(), out.len(), "shift_into_streaming: lengths differ");
    #[cfg(target_arch = "x86_64")]
    if super::level() != super::Level::Portable {
        // SAFETY: the AVX2 and AVX-512 levels are reported only by CPUs with AVX.
        unsafe { shift_into_nt(x, m, c, out) };
        return;
    }
    super::shift_into(x, m, c, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
fn shift_into_nt(x: &[f32], m: f32, c: f32, out: &mut [f32]) {
    use std::arch::x86_64::{
        _mm256_loadu_ps, _mm256_set1_ps, _mm256_stream_ps, _mm256_sub_ps, _mm_sfence,
    };
    let n = x.len();
    // Scalar head up to the first 32-byte aligned output, vector body, scalar tail.
    let head = out.as_ptr().align_offset(32).min(n);
    for i in 0..head {
        out[i] = (x[i] - m) - c;
    }
    let body = (n - head) / 8 * 8;
    let (vm, vc) = (_mm256_set1_ps(m), _mm256_set1_ps(c));
    let mut i = head;
    while i < head + body {
        // SAFETY: i + 8 ≤ n for both slices; out + i is 32-byte aligned (head, then steps of
        // 8 f32); the load is unaligned.
        unsafe {
            let v = _mm256_loadu_ps(x.as_ptr().add(i));
            let r = _mm256_sub_ps(_mm256_sub_ps(v, vm), vc);
            _mm256_stream_ps(out.as_mut_ptr().add(i), r);
        }
        i += 8;
    }
    for j in head + body..n {
        out[j] = (x[j] - m) - c;
    }
    // Non-temporal stores are weakly ordered: fence before another thread reads the output.
    _mm_sfence();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streaming_matches_the_cached_pass_at_every_alignment() {
        let x: Vec<f32> = (0..300).map(|i| (i as f32 * 0.37).sin() * 50.0).collect();
        for start in 0..9 {
            for len in [0usize, 1, 7, 8, 9, 63, 200] {
                let src = &x[start..start + len];
                let mut a = vec![0.0f32; len + 9];
                let mut b = a.clone();
                shift_into_streaming(src, 1.25, -0.5, &mut a[start..start + len]);
                super::super::shift_into(src, 1.25, -0.5, &mut b[start..start + len]);
                assert_eq!(a, b, "start {start}, len {len}");
            }
        }
    }
}
