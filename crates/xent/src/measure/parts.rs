//! The cross-entropy split into its two parts, H(P, Q) = H(P) + D(P‖Q).

use super::Options;
use crate::{kernels, Error, Float};
use ndarray::{Array1, ArrayView1, ArrayView2};

/// Cross-entropy, entropy and KL divergence of the same P and Q:
/// `cross_entropy` = `entropy` + `kl_divergence`.
///
/// `V` is a number for one pair of distributions ([`Options::cross_entropy_parts`]) and an
/// [`Array1`] with one value per row for batches ([`Options::cross_entropy_parts_rows`]).
#[derive(Debug, Clone, PartialEq)]
pub struct CrossEntropyParts<V> {
    /// H(P, Q) = −Σ p log q, computed as the sum of the other two (both ≥ 0, so the sum
    /// loses nothing to cancellation).
    pub cross_entropy: V,
    /// H(P) = −Σ p log p.
    pub entropy: V,
    /// D(P‖Q) = Σ p log(p/q), as [`Options::kl_divergence`].
    pub kl_divergence: V,
}

impl Options {
    /// H(P), D(P‖Q) and H(P, Q) = H(P) + D(P‖Q) of one pair of distributions.
    ///
    /// Each part follows the conventions of its own method ([`Options::entropy`],
    /// [`Options::kl_divergence`]): 0·log 0 = 0, p > 0 with q = 0 gives an infinite divergence
    /// and cross-entropy. For distributions the cross-entropy equals
    /// [`Options::cross_entropy`]; for inputs that sum to 1 only within the strict tolerance τ
    /// the two differ by ΣQ − ΣP (at most 2τ), as the KL docs explain.
    ///
    /// # Errors
    /// As [`Options::cross_entropy`].
    ///
    /// # Example
    /// ```
    /// use xent::{measure::Options, Base};
    /// let parts = Options::new().base(Base::BITS).cross_entropy_parts(&[0.5, 0.5], &[0.25, 0.75])?;
    /// assert_eq!(parts.entropy, 1.0);
    /// assert!((parts.cross_entropy - (1.0 - 0.5 * 0.75f64.log2())).abs() < 1e-15);
    /// assert!((parts.cross_entropy - parts.entropy - parts.kl_divergence).abs() < 1e-15);
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn cross_entropy_parts<'a, 'b, T: Float>(
        &self,
        p: impl Into<ArrayView1<'a, T>>,
        q: impl Into<ArrayView1<'b, T>>,
    ) -> Result<CrossEntropyParts<T>, Error> {
        let (p, q) = (p.into(), q.into());
        let d = self.binary_nats(p, q, kernels::kl_nats)?;
        let h = self.unary_nats("p", p, kernels::entropy_nats)?;
        Ok(self.parts_in_base(h, d))
    }

    /// [`Options::cross_entropy_parts`] of matching rows of two batches of the same shape.
    ///
    /// The same kernels (and speed) as [`Options::kl_divergence_rows`] followed by
    /// [`Options::entropy_rows`]: their vectorised passes are bound by arithmetic, not by
    /// reading memory, so one fused pass measured no faster and is not offered.
    ///
    /// # Errors
    /// As [`Options::cross_entropy`]; the error names the first offending row.
    ///
    /// # Example
    /// ```
    /// use xent::measure::Options;
    /// let p = ndarray::array![[0.5f32, 0.5], [1.0, 0.0]];
    /// let q = ndarray::array![[0.5f32, 0.5], [0.5, 0.5]];
    /// let parts = Options::new().cross_entropy_parts_rows(p.view(), q.view())?;
    /// assert_eq!(parts.entropy.to_vec(), vec![std::f32::consts::LN_2, 0.0]);
    /// assert_eq!(parts.kl_divergence.to_vec(), vec![0.0, std::f32::consts::LN_2]);
    /// assert_eq!(parts.cross_entropy.to_vec(), vec![std::f32::consts::LN_2; 2]);
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn cross_entropy_parts_rows<T: Float>(
        &self,
        p: ArrayView2<'_, T>,
        q: ArrayView2<'_, T>,
    ) -> Result<CrossEntropyParts<Array1<T>>, Error> {
        // The divergence first: it checks both operands row by row, so an error names the
        // first offending row whichever operand it is in.
        let d = match self.kl_rows_fast(p, q) {
            Some(result) => result?,
            None => self.binary_rows_nats(p, q, kernels::kl_nats)?,
        };
        let h = match self.entropy_rows_fast(p) {
            Some(result) => result?,
            None => self.unary_rows_nats("p", p, kernels::entropy_nats)?,
        };
        Ok(CrossEntropyParts {
            cross_entropy: ndarray::Zip::from(&h)
                .and(&d)
                .map_collect(|&h, &d| self.in_base(h + d)),
            entropy: h.mapv(|h| self.in_base(h)),
            kl_divergence: d.mapv(|d| self.in_base(d)),
        })
    }

    fn parts_in_base<T: Float>(&self, h: f64, d: f64) -> CrossEntropyParts<T> {
        CrossEntropyParts {
            cross_entropy: self.in_base(h + d),
            entropy: self.in_base(h),
            kl_divergence: self.in_base(d),
        }
    }
}
