//! Joint entropy, conditional entropy and mutual information of a joint table.
//!
//! The table holds P(X = row, Y = column): one row per value of X, one column per value of Y.
//! Under the normalize policy it may hold counts (a contingency table), as scikit-learn's
//! `mutual_info_score(contingency=…)` accepts.

use super::Options;
use crate::kernels::{self, compensated_sum, CompensatedSum};
use crate::{Error, Float};
use ndarray::{ArrayView2, Axis};

impl Options {
    /// Checks a joint table and returns its normalising divisor and marginals (unnormalised).
    fn joint_parts<T: Float>(
        &self,
        joint: ArrayView2<'_, T>,
    ) -> Result<(f64, Vec<f64>, Vec<f64>), Error> {
        if joint.is_empty() {
            return Err(Error::Empty { input: "joint" });
        }
        let tolerance = self.checked_tolerance::<T>()?;
        let divisor = self.policy_value().check_table("joint", joint, tolerance)?;
        let px = joint
            .axis_iter(Axis(0))
            .map(|r| compensated_sum(r.iter().map(|v| v.to_f64())))
            .collect();
        let py = joint
            .axis_iter(Axis(1))
            .map(|c| compensated_sum(c.iter().map(|v| v.to_f64())))
            .collect();
        Ok((divisor, px, py))
    }

    /// Joint entropy H(X, Y) = −Σ p(x, y) log p(x, y): the entropy of the table's cells taken
    /// as one distribution.
    ///
    /// # Errors
    /// [`Error::Empty`] for an empty table; under the strict or normalize policy,
    /// [`Error::InvalidProbability`] naming the cell, [`Error::TableNotNormalized`] or
    /// [`Error::TableZeroSum`].
    ///
    /// # Example
    /// ```
    /// use xent::{measure::Options, Base};
    /// let joint = ndarray::array![[0.25, 0.25], [0.5, 0.0]];
    /// assert_eq!(Options::new().base(Base::BITS).joint_entropy(joint.view())?, 1.5);
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn joint_entropy<T: Float>(&self, joint: ArrayView2<'_, T>) -> Result<T, Error> {
        let (divisor, _, _) = self.joint_parts(joint)?;
        let nats: f64 = joint
            .iter()
            .map(|&v| {
                let x = v.to_f64() / divisor;
                if x == 0.0 {
                    0.0
                } else {
                    -x * x.ln()
                }
            })
            .sum();
        Ok(self.in_base(nats))
    }

    /// Conditional entropy H(Y | X) = −Σ p(x, y) log(p(x, y) / p(x)) = H(X, Y) − H(X): the
    /// uncertainty left in the column variable once the row is known. For H(X | Y) pass the
    /// transposed table (`joint.t()`). Summed term by term (each ≥ 0), not as a difference of
    /// entropies, so it never comes out negative.
    ///
    /// # Errors
    /// As [`Options::joint_entropy`].
    ///
    /// # Example
    /// ```
    /// use xent::{measure::Options, Base};
    /// let joint = ndarray::array![[0.25, 0.25], [0.5, 0.0]];
    /// let bits = Options::new().base(Base::BITS);
    /// assert_eq!(bits.conditional_entropy(joint.view())?, 0.5);  // H(Y|X)
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn conditional_entropy<T: Float>(&self, joint: ArrayView2<'_, T>) -> Result<T, Error> {
        let (divisor, px, _) = self.joint_parts(joint)?;
        let mut nats = CompensatedSum::default();
        for (row, &row_sum) in joint.axis_iter(Axis(0)).zip(&px) {
            for &v in row {
                let v = v.to_f64();
                if v != 0.0 {
                    nats.add(-(v / divisor) * (v / row_sum).ln());
                }
            }
        }
        Ok(self.in_base(nats.value()))
    }

    /// Mutual information I(X; Y) = Σ p(x, y) log(p(x, y) / (p(x) p(y))) = D(P_XY ‖ P_X ⊗ P_Y)
    /// = H(X) + H(Y) − H(X, Y): ≥ 0, zero iff X and Y are independent, symmetric. Computed as
    /// the KL divergence from the product of the marginals, so it is never negative and stays
    /// accurate for nearly independent variables.
    ///
    /// # Errors
    /// As [`Options::joint_entropy`].
    ///
    /// # Example
    /// ```
    /// use xent::{measure::Options, InputPolicy};
    /// // scikit-learn: mutual_info_score(contingency=[[10, 2], [3, 5]]) = 0.11248461845165672
    /// let counts = ndarray::array![[10.0, 2.0], [3.0, 5.0]];
    /// let mi: f64 = Options::new().policy(InputPolicy::Normalize).mutual_information(counts.view())?;
    /// assert!((mi - 0.11248461845165672).abs() < 1e-15);
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn mutual_information<T: Float>(&self, joint: ArrayView2<'_, T>) -> Result<T, Error> {
        let (divisor, px, py) = self.joint_parts(joint)?;
        let mut nats = CompensatedSum::default();
        for (row, &x) in joint.axis_iter(Axis(0)).zip(&px) {
            for (&v, &y) in row.iter().zip(&py) {
                let independent = (x / divisor) * (y / divisor);
                nats.add(kernels::kl_excess(v.to_f64() / divisor, independent));
            }
        }
        Ok(self.in_base(nats.value()))
    }
}

/// Joint entropy H(X, Y) in nats, strict policy; see [`Options::joint_entropy`].
///
/// # Errors
/// As [`Options::joint_entropy`].
///
/// # Example
/// ```
/// let joint = ndarray::array![[0.25, 0.25], [0.25, 0.25]];
/// let h = xent::measure::joint_entropy(joint.view())?;
/// assert!((h - 4f64.ln()).abs() < 1e-15);
/// # Ok::<(), xent::Error>(())
/// ```
pub fn joint_entropy<T: Float>(joint: ArrayView2<'_, T>) -> Result<T, Error> {
    Options::new().joint_entropy(joint)
}

/// Conditional entropy H(Y | X) in nats, strict policy; see [`Options::conditional_entropy`].
///
/// # Errors
/// As [`Options::joint_entropy`].
///
/// # Example
/// ```
/// let joint = ndarray::array![[0.5, 0.0], [0.0, 0.5]];  // Y is a function of X
/// assert_eq!(xent::measure::conditional_entropy(joint.view())?, 0.0);
/// # Ok::<(), xent::Error>(())
/// ```
pub fn conditional_entropy<T: Float>(joint: ArrayView2<'_, T>) -> Result<T, Error> {
    Options::new().conditional_entropy(joint)
}

/// Mutual information I(X; Y) in nats, strict policy; see [`Options::mutual_information`].
///
/// # Errors
/// As [`Options::joint_entropy`].
///
/// # Example
/// ```
/// let joint = ndarray::array![[0.5, 0.0], [0.0, 0.5]];
/// let mi = xent::measure::mutual_information(joint.view())?;
/// assert!((mi - std::f64::consts::LN_2).abs() < 1e-15);
/// # Ok::<(), xent::Error>(())
/// ```
pub fn mutual_information<T: Float>(joint: ArrayView2<'_, T>) -> Result<T, Error> {
    Options::new().mutual_information(joint)
}
