//! Large buffers on huge pages. A 47 MB array read in random rows (an epoch's shuffled
//! minibatches) touches a new 4 KiB page on almost every row, and a fresh gigabyte written
//! once (an allocating kernel's output) takes 262,144 page faults: on 2 MiB pages both are
//! 512 times fewer. Linux backs a range with huge pages when it is advised
//! (`MADV_HUGEPAGE`; transparent huge pages are often set to `madvise`) before its first
//! write; elsewhere the advice is skipped and nothing else changes.

/// The size of a huge page on x86-64 and most AArch64 Linux systems.
const HUGE_PAGE: usize = 2 << 20;

/// Below this a buffer is not worth a huge page of its own.
const HUGE_FROM: usize = 4 << 20;

/// A zeroed `Vec` of `len` values whose large interior is advised onto huge pages before any
/// of it is touched: `vec![0; n]` of a large `n` of a primitive number comes from `calloc`,
/// i.e. fresh zero pages mapped on first write. The faults still happen where the caller
/// writes, so a parallel kernel takes them in parallel. An ordinary `Vec` in every other
/// respect (the global allocator owns it).
pub(crate) fn zeroed_vec<T: Copy + Default>(len: usize) -> Vec<T> {
    let mut v = vec![T::default(); len];
    let bytes = std::mem::size_of_val(&v[..]);
    #[cfg(target_os = "linux")]
    if bytes >= HUGE_FROM {
        let start = v.as_mut_ptr() as usize;
        let first = start.next_multiple_of(HUGE_PAGE);
        let end = (start + bytes) / HUGE_PAGE * HUGE_PAGE;
        if end > first {
            // SAFETY: [first, end) lies inside the vector's allocation; advice changes no
            // contents, and a kernel without THP refuses it, which changes nothing.
            unsafe {
                libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = bytes;
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zeroed_vectors_are_zero_whatever_their_size() {
        for len in [0, 5, (6 << 20) + 3] {
            let v = zeroed_vec::<f32>(len);
            assert_eq!(v.len(), len);
            assert!(v.iter().all(|&x| x == 0.0));
        }
        let mut bytes = zeroed_vec::<u8>(5 << 20);
        assert!(bytes.iter().all(|&b| b == 0));
        bytes[12345] = 7;
        assert_eq!(bytes[12345], 7);
        assert!(zeroed_vec::<f64>(1 << 20).iter().all(|&x| x == 0.0));
    }
}
