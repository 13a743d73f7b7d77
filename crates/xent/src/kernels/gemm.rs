//! Matrix products through the `gemm` crate: the one place that calls it (its entry point
//! is `unsafe`, with the shapes checked here), so that every model and kernel multiplies the
//! same way.

use ndarray::{ArrayView2, ArrayViewMut2};

/// c ← a·b, or c ← c + a·b when `accumulate`, for `f32` views of any strides (a transposed
/// view costs nothing). Runs on the calling thread: callers parallelise at a coarser grain.
///
/// # Panics
/// When the shapes do not chain (a: m×k, b: k×n, c: m×n): a bug in the caller, not bad data.
pub(crate) fn matmul(
    a: ArrayView2<'_, f32>,
    b: ArrayView2<'_, f32>,
    c: ArrayViewMut2<'_, f32>,
    accumulate: bool,
) {
    product(a, b, c, accumulate, gemm::Parallelism::None);
}

/// [`matmul`] split over rayon's current pool by the gemm crate: for products large enough
/// to fill every core on their own (the fused linear loss's chunks).
pub(crate) fn matmul_par(
    a: ArrayView2<'_, f32>,
    b: ArrayView2<'_, f32>,
    c: ArrayViewMut2<'_, f32>,
    accumulate: bool,
) {
    let threads = super::threads();
    let parallelism = if threads > 1 {
        gemm::Parallelism::Rayon(threads)
    } else {
        gemm::Parallelism::None
    };
    product(a, b, c, accumulate, parallelism);
}

fn product(
    a: ArrayView2<'_, f32>,
    b: ArrayView2<'_, f32>,
    mut c: ArrayViewMut2<'_, f32>,
    accumulate: bool,
    parallelism: gemm::Parallelism,
) {
    let (m, k) = a.dim();
    let (k2, n) = b.dim();
    assert!(
        k == k2 && c.dim() == (m, n),
        "matmul shapes {:?}·{:?} → {:?}",
        a.dim(),
        b.dim(),
        c.dim()
    );
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if !accumulate {
            c.fill(0.0);
        }
        return;
    }
    let [a_rs, a_cs] = [a.strides()[0], a.strides()[1]];
    let [b_rs, b_cs] = [b.strides()[0], b.strides()[1]];
    let [c_rs, c_cs] = [c.strides()[0], c.strides()[1]];
    // SAFETY: the three pointers come from live ndarray views whose shapes were checked to
    // be m×k, k×n and m×n; every element gemm touches is at base + i·row_stride + j·col_stride
    // within those shapes, which is exactly the views' memory. `c` is borrowed mutably and
    // cannot alias `a` or `b`.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            c.as_mut_ptr(),
            c_cs,
            c_rs,
            accumulate,
            a.as_ptr(),
            a_cs,
            a_rs,
            b.as_ptr(),
            b_cs,
            b_rs,
            1.0,
            1.0,
            false,
            false,
            false,
            parallelism,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Array2};

    #[test]
    fn products_with_any_layout() {
        let a = array![[1.0f32, 2.0, 3.0], [4.0, 5.0, 6.0]];
        let b = array![[1.0f32, 0.0], [0.0, 1.0], [1.0, 1.0]];
        let mut c = Array2::zeros((2, 2));
        matmul(a.view(), b.view(), c.view_mut(), false);
        assert_eq!(c, array![[4.0, 5.0], [10.0, 11.0]]);
        matmul(a.view(), b.view(), c.view_mut(), true);
        assert_eq!(c, array![[8.0, 10.0], [20.0, 22.0]]);
        // aᵀ·a through a transposed view, into a transposed output.
        let mut g = Array2::zeros((3, 3));
        matmul(a.t(), a.view(), g.view_mut().reversed_axes(), false);
        assert_eq!(
            g,
            array![[17.0, 22.0, 27.0], [22.0, 29.0, 36.0], [27.0, 36.0, 45.0]]
        );
    }

    #[test]
    fn agrees_with_a_naive_product_on_odd_sizes() {
        let a = Array2::from_shape_fn((37, 53), |(i, j)| ((i * 7 + j * 3) % 11) as f32 - 5.0);
        let b = Array2::from_shape_fn((53, 10), |(i, j)| ((i * 5 + j) % 7) as f32 * 0.5);
        let mut c = Array2::zeros((37, 10));
        matmul(a.view(), b.view(), c.view_mut(), false);
        for i in 0..37 {
            for j in 0..10 {
                let expected: f32 = (0..53).map(|t| a[[i, t]] * b[[t, j]]).sum();
                assert!((c[[i, j]] - expected).abs() < 1e-3);
            }
        }
    }
}
