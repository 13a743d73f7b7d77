//! The maximum of a row, classified: everything softmax-like needs to know before it sums.

use crate::Float;

/// What the maximum of a row says about how to normalise it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum RowMax {
    /// No elements.
    Empty,
    /// At least one NaN: every result is NaN.
    Nan,
    /// Every element is −∞.
    AllNegInf,
    /// No NaN, and `count` elements are +∞.
    PosInf { count: usize },
    /// No NaN, no +∞, and a finite maximum `max` first found at index `arg`.
    Finite { max: f64, arg: usize },
}

pub(crate) fn row_max<T: Float>(x: &[T]) -> RowMax {
    if x.is_empty() {
        return RowMax::Empty;
    }
    let mut max = f64::NEG_INFINITY;
    let mut arg = 0;
    let mut pos_inf = 0usize;
    let mut nan = false;
    for (i, &v) in x.iter().enumerate() {
        let v = v.to_f64();
        nan |= v.is_nan();
        if v == f64::INFINITY {
            pos_inf += 1;
        }
        if v > max {
            max = v;
            arg = i;
        }
    }
    if nan {
        RowMax::Nan
    } else if pos_inf > 0 {
        RowMax::PosInf { count: pos_inf }
    } else if max == f64::NEG_INFINITY {
        RowMax::AllNegInf
    } else {
        RowMax::Finite { max, arg }
    }
}
