//! Buffers on huge pages. A 47 MB array read in random rows (an epoch's shuffled minibatches)
//! touches a new 4 KiB page on almost every row, and each costs a page-table walk: on 2 MiB
//! pages the whole array needs 23 TLB entries instead of 11,500. Linux gives a mapping huge
//! pages when it is 2 MiB-aligned and advised (`MADV_HUGEPAGE`; transparent huge pages are
//! often set to `madvise`); elsewhere this is an ordinary aligned allocation.

use std::alloc::{alloc_zeroed, dealloc, handle_alloc_error, Layout};

/// The size of a huge page on x86-64 and most AArch64 Linux systems.
const HUGE_PAGE: usize = 2 << 20;

/// Below this a buffer is not worth a huge page of its own.
const HUGE_FROM: usize = 4 << 20;

/// A zeroed buffer of `len` copies of `T`, 2 MiB-aligned and advised onto huge pages when it
/// is large.
pub(crate) struct HugeBuffer<T: Zeroable> {
    ptr: *mut T,
    len: usize,
    layout: Layout,
}

// SAFETY: the buffer owns its memory exclusively, like a Vec<T>.
unsafe impl<T: Zeroable + Send> Send for HugeBuffer<T> {}
// SAFETY: shared access only reads, like &[T].
unsafe impl<T: Zeroable + Sync> Sync for HugeBuffer<T> {}

impl<T: Zeroable> HugeBuffer<T> {
    /// `len` zeroed values.
    ///
    /// # Panics
    /// When the size overflows `isize`; aborts (as `Vec` does) when memory runs out.
    pub(crate) fn zeroed(len: usize) -> HugeBuffer<T> {
        let bytes = len
            .checked_mul(std::mem::size_of::<T>())
            .expect("buffer size overflows");
        let align = if bytes >= HUGE_FROM {
            HUGE_PAGE
        } else {
            std::mem::align_of::<T>()
        };
        let layout = Layout::from_size_align(bytes.max(1), align.max(std::mem::align_of::<T>()))
            .expect("a valid layout");
        // SAFETY: the layout has a non-zero size.
        let ptr = unsafe { alloc_zeroed(layout) } as *mut T;
        if ptr.is_null() {
            handle_alloc_error(layout);
        }
        #[cfg(target_os = "linux")]
        if bytes >= HUGE_FROM {
            // SAFETY: the range is the allocation just made; advice never changes contents.
            // A kernel without THP refuses it, which changes nothing.
            unsafe {
                libc::madvise(ptr as *mut libc::c_void, bytes, libc::MADV_HUGEPAGE);
            }
        }
        HugeBuffer { ptr, len, layout }
    }
}

impl<T: Zeroable> std::ops::Deref for HugeBuffer<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        // SAFETY: `ptr` holds `len` initialised (zeroed, then written) values of a type for
        // which all-zero bytes are a value (`Zeroable`).
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}

impl<T: Zeroable> std::ops::DerefMut for HugeBuffer<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        // SAFETY: as for `deref`, and `&mut self` makes the access exclusive.
        unsafe { std::slice::from_raw_parts_mut(self.ptr, self.len) }
    }
}

impl<T: Zeroable> Drop for HugeBuffer<T> {
    fn drop(&mut self) {
        // SAFETY: allocated with this layout in `zeroed`.
        unsafe { dealloc(self.ptr as *mut u8, self.layout) }
    }
}

/// A zeroed `Vec` of `len` values whose large interior is advised onto huge pages before any
/// of it is touched: `vec![0; n]` of a large `n` comes from `calloc`, i.e. fresh zero pages
/// mapped on first write, and a gigabyte of 4 KiB first writes costs more than most kernels
/// that fill it. On 2 MiB pages the faults are 512 times fewer; they still happen where the
/// kernel writes, so a parallel kernel takes them in parallel. An ordinary `Vec` in every
/// other respect (the global allocator owns it).
pub(crate) fn zeroed_vec<T: crate::Float>(len: usize) -> Vec<T> {
    let mut v = vec![T::ZERO; len];
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

/// Numbers for which all-zero bytes are a value: the only types a `HugeBuffer` is made of.
///
/// # Safety
/// All-zero bytes must be a valid value of the type.
pub(crate) unsafe trait Zeroable: Copy {}
// SAFETY: zero bytes are 0 and 0.0.
unsafe impl Zeroable for u8 {}
// SAFETY: as above.
unsafe impl Zeroable for f32 {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_buffers_are_aligned_to_huge_pages_and_zeroed() {
        let mut big = HugeBuffer::<u8>::zeroed(5 << 20);
        assert_eq!(big.as_ptr() as usize % HUGE_PAGE, 0);
        assert!(big.iter().all(|&b| b == 0));
        big[12345] = 7;
        assert_eq!(big[12345], 7);
        let small = HugeBuffer::<f32>::zeroed(3);
        assert_eq!(&small[..], &[0.0; 3]);
        let empty = HugeBuffer::<f32>::zeroed(0);
        assert!(empty.is_empty());
    }

    #[test]
    fn zeroed_vectors_are_zero_whatever_their_size() {
        for len in [0, 5, (6 << 20) + 3] {
            let v = zeroed_vec::<f32>(len);
            assert_eq!(v.len(), len);
            assert!(v.iter().all(|&x| x == 0.0));
        }
        assert!(zeroed_vec::<f64>(1 << 20).iter().all(|&x| x == 0.0));
    }
}
