//! Gathering shuffled rows into a minibatch. A row of Fashion-MNIST is 784 features, a dozen
//! (bytes) to fifty (f32) cache lines: too short for the hardware prefetcher to learn it
//! before it ends, so each row's first lines would be read at the full memory latency. The
//! rows of a batch are known in advance, so the lines of the row `AHEAD` places on are
//! prefetched while this one is copied.

/// Rows prefetched ahead of the one being copied: enough work (≥ 1500 elements) to cover a
/// memory access.
const AHEAD: usize = 2;

/// Asks the cache for every line of `bytes` (a hint: no fault, no effect on results).
#[inline]
fn prefetch<T>(data: &[T]) {
    #[cfg(target_arch = "x86_64")]
    {
        let (start, len) = (data.as_ptr() as *const i8, std::mem::size_of_val(data));
        for offset in (0..len).step_by(64) {
            // SAFETY: prefetching is a hint that never faults, and the address lies inside
            // `data`; SSE is part of the x86-64 baseline.
            unsafe {
                std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                    start.add(offset),
                );
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = data;
}

/// Copies rows `rows` of `src` (row-major, `width` values a row) into the first rows of
/// `out` (the same width), each value through `convert`.
#[inline]
pub(crate) fn gather_rows<S: Copy>(
    src: &[S],
    width: usize,
    rows: &[usize],
    out: &mut [f32],
    convert: impl Fn(&mut [f32], &[S]),
) {
    for (r, &i) in rows.iter().enumerate() {
        if let Some(&ahead) = rows.get(r + AHEAD) {
            prefetch(&src[ahead * width..(ahead + 1) * width]);
        }
        convert(
            &mut out[r * width..(r + 1) * width],
            &src[i * width..(i + 1) * width],
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn rows_are_copied_in_the_order_given() {
        let src: Vec<u8> = (0..12).collect();
        let mut out = vec![0.0f32; 9];
        super::gather_rows(&src, 3, &[3, 0, 2], &mut out, |d, s| {
            d.iter_mut().zip(s).for_each(|(d, &s)| *d = f32::from(s))
        });
        assert_eq!(out, [9.0, 10.0, 11.0, 0.0, 1.0, 2.0, 6.0, 7.0, 8.0]);
    }
}
