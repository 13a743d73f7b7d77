//! The one driver of row-wise work. Every batched kernel (cross-entropy in all its forms,
//! the softmax family, the row measures, the loss checks and sums, evaluation's blocks) cuts
//! its inputs and outputs into fixed blocks of rows with [`for_blocks`] and runs one body per
//! block, on the calling thread or on rayon's pool as [`Par`] says. The blocks are fixed by
//! the row count and the tiling policy, never by the thread count, so every result is the
//! same however many threads run it.
//!
//! What a block holds is anything that splits by rows ([`Rows`]): slices with one value per
//! row, [`Wide`] slices with many, [`RowIo`] batches that are read, overwritten or written
//! elsewhere, ndarray views, `Option`s and tuples of those. A chunk source that produces its
//! rows (a matrix product per block, as the fused linear losses will) is a body that
//! computes its block before running a row kernel on it.

use rayon::prelude::*;

/// Where a batched operation runs, as faer's `Par`: on the calling thread, or on rayon's
/// current pool (the global one, or the one a caller's `ThreadPool::install` chose) with at
/// most `n` tasks at a time (`Rayon(0)`, the default: as many as the work has blocks).
///
/// The work is cut into the same fixed blocks of rows whatever the choice, and their partial
/// results are combined in row order, so every choice gives the same bits, with one
/// exception: a cross-entropy over fewer rows than threads, each of at least 32768 classes,
/// splits every row across the threads, and its sums then depend on their number (within
/// rounding, 1e-6 relative in `f32`). `Seq` is for callers that parallelise at a coarser
/// grain themselves (one call per thread).
///
/// # Example
/// ```
/// use xent::{loss::CrossEntropy, Par};
/// let z = ndarray::Array2::from_shape_fn((5000, 10), |(i, j)| ((i * 7 + j * 3) % 11) as f32);
/// let t: Vec<usize> = (0..5000).map(|i| i % 10).collect();
/// let seq = CrossEntropy::new().par(Par::Seq).forward(z.view(), &t)?;
/// let two = CrossEntropy::new().par(Par::Rayon(2)).forward(z.view(), &t)?;
/// assert_eq!(seq, two);
/// # Ok::<(), xent::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Par {
    /// On the calling thread, in order.
    Seq,
    /// On rayon's current pool, at most this many tasks at a time (0: no limit).
    Rayon(usize),
}

impl Default for Par {
    /// `Rayon(0)`: the whole current pool, as PyTorch uses its intra-op pool.
    fn default() -> Par {
        Par::Rayon(0)
    }
}

impl Par {
    /// The threads this choice may use: 1, or the pool's capped at the limit.
    pub(crate) fn threads(self) -> usize {
        match self {
            Par::Seq => 1,
            Par::Rayon(0) => threads(),
            Par::Rayon(n) => n.min(threads()),
        }
    }
}

/// What splits by rows: the first `n` rows and the rest.
pub(crate) trait Rows: Send + Sized {
    fn split_rows(self, n: usize) -> (Self, Self);
}

/// A row-major slice of rows of `.1` elements each.
pub(crate) struct Wide<S>(pub S, pub usize);

/// A batch of rows to read; to read and then overwrite (with a gradient, say); or to read
/// while writing a result of the same shape elsewhere.
#[derive(Debug)]
pub(crate) enum RowIo<'a, T = f32> {
    Read(&'a [T]),
    InPlace(&'a mut [T]),
    Into(&'a [T], &'a mut [T]),
}

impl<'a, T> RowIo<'a, T> {
    /// The values read.
    pub(crate) fn input(&self) -> &[T] {
        match self {
            RowIo::Read(z) | RowIo::Into(z, _) => z,
            RowIo::InPlace(z) => z,
        }
    }

    /// Where results go, unless read only.
    pub(crate) fn output(&mut self) -> Option<&mut [T]> {
        match self {
            RowIo::Read(_) => None,
            RowIo::InPlace(z) => Some(z),
            RowIo::Into(_, out) => Some(out),
        }
    }

    /// Whether results are written.
    pub(crate) fn writes(&self) -> bool {
        !matches!(self, RowIo::Read(_))
    }

    /// The same batch, borrowed for a shorter while.
    pub(crate) fn reborrow(&mut self) -> RowIo<'_, T> {
        match self {
            RowIo::Read(z) => RowIo::Read(z),
            RowIo::InPlace(z) => RowIo::InPlace(z),
            RowIo::Into(z, out) => RowIo::Into(z, out),
        }
    }

    /// Elements `range` (a row, say), borrowed.
    pub(crate) fn part(&mut self, range: std::ops::Range<usize>) -> RowIo<'_, T> {
        match self {
            RowIo::Read(z) => RowIo::Read(&z[range]),
            RowIo::InPlace(z) => RowIo::InPlace(&mut z[range]),
            RowIo::Into(z, out) => RowIo::Into(&z[range.clone()], &mut out[range]),
        }
    }

    /// The first `n` elements and the rest.
    pub(crate) fn split_first_elements(self, n: usize) -> (Self, Self) {
        match self {
            RowIo::Read(z) => {
                let (a, b) = z.split_at(n);
                (RowIo::Read(a), RowIo::Read(b))
            }
            RowIo::InPlace(z) => {
                let (a, b) = z.split_at_mut(n);
                (RowIo::InPlace(a), RowIo::InPlace(b))
            }
            RowIo::Into(z, out) => {
                let (a, b) = z.split_at(n);
                let (c, d) = out.split_at_mut(n);
                (RowIo::Into(a, c), RowIo::Into(b, d))
            }
        }
    }
}

impl<'a, T: crate::Float> RowIo<'a, T> {
    /// The same batch as `f32`, when `T` is `f32`.
    pub(crate) fn into_f32(self) -> Result<RowIo<'a, f32>, Self> {
        if T::as_f32(&[]).is_none() {
            return Err(self);
        }
        let f32 = "T is f32";
        Ok(match self {
            RowIo::Read(z) => RowIo::Read(T::as_f32(z).expect(f32)),
            RowIo::InPlace(z) => RowIo::InPlace(T::as_f32_mut(z).expect(f32)),
            RowIo::Into(z, out) => {
                RowIo::Into(T::as_f32(z).expect(f32), T::as_f32_mut(out).expect(f32))
            }
        })
    }
}

impl<T: Sync> Rows for &[T] {
    fn split_rows(self, n: usize) -> (Self, Self) {
        self.split_at(n)
    }
}

impl<T: Send> Rows for &mut [T] {
    fn split_rows(self, n: usize) -> (Self, Self) {
        self.split_at_mut(n)
    }
}

impl<T: Sync> Rows for Wide<&[T]> {
    fn split_rows(self, n: usize) -> (Self, Self) {
        let (a, b) = self.0.split_at(n * self.1);
        (Wide(a, self.1), Wide(b, self.1))
    }
}

impl<T: Send> Rows for Wide<&mut [T]> {
    fn split_rows(self, n: usize) -> (Self, Self) {
        let (a, b) = self.0.split_at_mut(n * self.1);
        (Wide(a, self.1), Wide(b, self.1))
    }
}

impl<T: Send + Sync> Rows for Wide<RowIo<'_, T>> {
    fn split_rows(self, n: usize) -> (Self, Self) {
        let (a, b) = self.0.split_first_elements(n * self.1);
        (Wide(a, self.1), Wide(b, self.1))
    }
}

impl<T: Sync> Rows for ndarray::ArrayView2<'_, T> {
    fn split_rows(self, n: usize) -> (Self, Self) {
        self.split_at(ndarray::Axis(0), n)
    }
}

impl<T: Send> Rows for ndarray::ArrayViewMut2<'_, T> {
    fn split_rows(self, n: usize) -> (Self, Self) {
        self.split_at(ndarray::Axis(0), n)
    }
}

/// Row indices: for bodies that read shared inputs by row number.
impl Rows for std::ops::Range<usize> {
    fn split_rows(self, n: usize) -> (Self, Self) {
        let middle = self.start + n;
        (self.start..middle, middle..self.end)
    }
}

impl Rows for () {
    fn split_rows(self, _: usize) -> (Self, Self) {
        ((), ())
    }
}

impl<R: Rows> Rows for Option<R> {
    fn split_rows(self, n: usize) -> (Self, Self) {
        match self {
            Some(r) => {
                let (a, b) = r.split_rows(n);
                (Some(a), Some(b))
            }
            None => (None, None),
        }
    }
}

impl<A: Rows, B: Rows> Rows for (A, B) {
    fn split_rows(self, n: usize) -> (Self, Self) {
        let (a0, a1) = self.0.split_rows(n);
        let (b0, b1) = self.1.split_rows(n);
        ((a0, b0), (a1, b1))
    }
}

impl<A: Rows, B: Rows, C: Rows> Rows for (A, B, C) {
    fn split_rows(self, n: usize) -> (Self, Self) {
        let (a0, a1) = self.0.split_rows(n);
        let (b0, b1) = self.1.split_rows(n);
        let (c0, c1) = self.2.split_rows(n);
        ((a0, b0, c0), (a1, b1, c1))
    }
}

/// The threads [`Par::Rayon`] runs on: those of the current rayon pool (the global one, or
/// the one a caller's `install` chose).
pub(crate) fn threads() -> usize {
    rayon::current_num_threads()
}

/// Cuts `rows` (holding `n_rows` rows) into blocks of `block_rows` rows (the last one
/// shorter) and returns `body(state, first_row, block)` for each, in block order. Each task
/// makes its own state with `init` (scratch buffers, a lazily built exact kernel).
pub(crate) fn for_blocks<R: Rows, S, O: Send>(
    rows: R,
    n_rows: usize,
    block_rows: usize,
    par: Par,
    init: impl Fn() -> S + Sync + Send,
    body: impl Fn(&mut S, usize, R) -> O + Sync + Send,
) -> Vec<O> {
    let block_rows = block_rows.max(1);
    let mut blocks = Vec::with_capacity(n_rows.div_ceil(block_rows));
    let (mut rest, mut first) = (rows, 0);
    while first < n_rows {
        let n = block_rows.min(n_rows - first);
        let (block, tail) = rest.split_rows(n);
        blocks.push((first, block));
        rest = tail;
        first += n;
    }
    let tasks = match par {
        Par::Seq => 1,
        Par::Rayon(0) => blocks.len(),
        Par::Rayon(n) => n.min(blocks.len()),
    };
    if tasks <= 1 {
        let mut state = init();
        return blocks
            .into_iter()
            .map(|(first, block)| body(&mut state, first, block))
            .collect();
    }
    if tasks == blocks.len() {
        return blocks
            .into_par_iter()
            .map_init(init, |state, (first, block)| body(state, first, block))
            .collect();
    }
    // At most `tasks` at a time: that many runs of consecutive blocks, each on one thread.
    let per_task = blocks.len().div_ceil(tasks);
    let mut groups = Vec::with_capacity(tasks);
    let mut blocks = blocks.into_iter();
    loop {
        let group: Vec<(usize, R)> = blocks.by_ref().take(per_task).collect();
        if group.is_empty() {
            break;
        }
        groups.push(group);
    }
    let outputs: Vec<Vec<O>> = groups
        .into_par_iter()
        .map(|group| {
            let mut state = init();
            group
                .into_iter()
                .map(|(first, block)| body(&mut state, first, block))
                .collect()
        })
        .collect();
    outputs.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_cover_every_row_once_in_order_for_both_kinds_of_parallelism() {
        for par in [Par::Seq, Par::Rayon(0), Par::Rayon(2), Par::Rayon(5)] {
            let x: Vec<f32> = (0..70).map(|v| v as f32).collect();
            let mut out = vec![0.0f32; 70];
            let mut per_row = vec![0usize; 7];
            let firsts = for_blocks(
                (Wide(RowIo::Into(&x, &mut out), 10), per_row.as_mut_slice()),
                7,
                3,
                par,
                || (),
                |_, first, (Wide(mut io, cols), rows): (Wide<RowIo<'_>>, &mut [usize])| {
                    assert_eq!(cols, 10);
                    assert_eq!(io.input().len(), rows.len() * 10);
                    let doubled: Vec<f32> = io.input().iter().map(|v| 2.0 * v).collect();
                    io.output().expect("writes").copy_from_slice(&doubled);
                    rows.iter_mut()
                        .enumerate()
                        .for_each(|(j, r)| *r = first + j);
                    first
                },
            );
            assert_eq!(firsts, [0, 3, 6]);
            assert_eq!(per_row, [0, 1, 2, 3, 4, 5, 6]);
            assert!(out.iter().zip(&x).all(|(o, v)| *o == 2.0 * v));
        }
    }

    #[test]
    fn no_rows_no_blocks_and_a_batch_converts_to_f32_only_from_f32() {
        let empty: &[f64] = &[];
        assert!(for_blocks(empty, 0, 4, Par::default(), || (), |_, f, _| f).is_empty());
        assert!(RowIo::Read(&[1.0f64][..]).into_f32().is_err());
        assert!(RowIo::Read(&[1.0f32][..]).into_f32().is_ok());
    }
}
