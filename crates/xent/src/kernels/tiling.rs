//! Every block size and threshold of the row kernels, in one place, with the reason for it.
//!
//! Two kinds of numbers live here. Scheduling sizes (how much work a parallel task gets)
//! change only the speed. Reduction blocks (how values are grouped before their partial sums
//! are merged in order) also fix the rounding of a total, which is what makes results the
//! same for every thread count: they must not depend on the machine.

/// Elements a parallel task holds at least: 16 Ki `f32` (64 KiB, a slice of L2). Below that
/// rayon's cost to schedule a task (about a microsecond) is a visible part of the work.
pub(crate) const TASK_ELEMENTS: usize = 16_384;

/// Rows per parallel task for rows of `cols` elements (at least one row).
pub(crate) fn rows_per_task(cols: usize) -> usize {
    (TASK_ELEMENTS / cols.max(1)).max(1)
}

/// Rows of at most this many classes go through the transposed short-row kernels (16 rows
/// side by side, one per lane): a per-row pass over a vector's width or less is all overhead.
/// 32 classes × 16 lanes × 4 B is 2 KiB of registers and L1 per group.
pub(crate) const SHORT_ROW: usize = 32;

/// Rows per block of the short-row kernels: 256 rows of ≤ 32 `f32` stay within 32 KiB (L1),
/// and a block is a parallel task.
pub(crate) const SHORT_BLOCK_ROWS: usize = 256;

/// Rows at least this long are split across threads when there are fewer rows than threads
/// (one 32 Ki-class row is 128 KiB: below that, splitting costs more than it saves).
pub(crate) const SPLIT_ROW: usize = 1 << 15;

/// A split row's chunks are whole multiples of this many elements (one 16-lane vector), so
/// that every chunk but the last runs without a scalar tail.
pub(crate) const SPLIT_ALIGN: usize = 16;

/// Values per reduction block of the per-element checks and the sums of per-row losses:
/// 8 Ki values (64 KiB of `f64`). A reduction block, so it fixes the rounding of totals.
pub(crate) const VALUE_BLOCK: usize = 1 << 13;

/// Probability values per block of evaluation's accumulators (16 Ki values, 128 KiB of
/// `f64`): the block's rows are merged in order, so it fixes the rounding of a report.
pub(crate) const EVAL_BLOCK_VALUES: usize = 1 << 14;

/// Outputs at least this large (bytes) are written with non-temporal stores: 64 MiB is
/// twice a large last-level cache, past which a normal store's read-for-ownership only
/// wastes bandwidth (and below which the next reader would miss the cache).
pub(crate) const STREAM_BYTES: usize = 64 << 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_has_at_least_one_row_and_about_task_elements() {
        assert_eq!(rows_per_task(0), TASK_ELEMENTS);
        assert_eq!(rows_per_task(10), 1638);
        assert_eq!(rows_per_task(TASK_ELEMENTS), 1);
        assert_eq!(rows_per_task(1 << 20), 1);
    }
}
