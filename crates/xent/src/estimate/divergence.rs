//! KL divergence and mutual information estimated from counts.

use super::entropy::shrink_frequencies;
use crate::measure::Options;
use crate::{Error, InputPolicy};
use ndarray::{Array2, ArrayView2};

/// How counts become frequencies for the divergence estimators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrequencyEstimator {
    /// Empirical frequencies y/n.
    Plugin,
    /// James–Stein shrinkage towards the uniform distribution (as for the entropy).
    Shrink,
}

fn frequencies(counts: &[f64], how: FrequencyEstimator) -> Result<Vec<f64>, Error> {
    match how {
        FrequencyEstimator::Plugin => {
            let n = super::entropy::checked_total(counts)?;
            Ok(counts.iter().map(|&y| y / n).collect())
        }
        FrequencyEstimator::Shrink => Ok(shrink_frequencies(counts)?.0),
    }
}

/// D(P₁‖P₂) in nats between the distributions behind two count vectors of the same length
/// (R `entropy`: `KL.plugin`, `KL.shrink`). +∞ when a cell has counts in y₁ but a zero
/// frequency in y₂; shrinkage (λ > 0) gives every cell a positive frequency.
///
/// # Errors
/// [`Error::ShapeMismatch`] for vectors of different lengths, and the count checks of
/// [`entropy`](fn@super::entropy).
///
/// # Example
/// ```
/// use xent::estimate::{kl_from_counts, FrequencyEstimator};
/// let d = kl_from_counts(&[2.0, 2.0], &[1.0, 3.0], FrequencyEstimator::Plugin)?;
/// assert!((d - (0.5 * (0.5f64 / 0.25).ln() + 0.5 * (0.5f64 / 0.75).ln())).abs() < 1e-15);
/// assert_eq!(kl_from_counts(&[1.0, 1.0, 1.0], &[5.0, 1.0, 0.0], FrequencyEstimator::Plugin)?, f64::INFINITY);
/// assert!(kl_from_counts(&[1.0, 1.0, 1.0], &[5.0, 1.0, 0.0], FrequencyEstimator::Shrink)?.is_finite());
/// # Ok::<(), xent::Error>(())
/// ```
pub fn kl_from_counts(y1: &[f64], y2: &[f64], how: FrequencyEstimator) -> Result<f64, Error> {
    crate::layout::ensure_same_shape("y2", &[y1.len()], &[y2.len()])?;
    let (p, q) = (frequencies(y1, how)?, frequencies(y2, how)?);
    Options::new()
        .policy(InputPolicy::Unchecked)
        .kl_divergence(&p, &q)
}

/// Mutual information in nats of a contingency table of counts (rows: values of X, columns:
/// values of Y): the KL divergence of the joint frequencies from the product of their
/// marginals (R `entropy`: `mi.plugin`, `mi.shrink`; the shrinkage is applied to the joint
/// table's cells).
///
/// # Errors
/// The count checks of [`entropy`](fn@super::entropy), on the table's cells.
///
/// # Example
/// ```
/// use xent::estimate::{mutual_information_from_counts, FrequencyEstimator};
/// let table = ndarray::array![[10.0, 2.0], [3.0, 5.0]];
/// let mi = mutual_information_from_counts(table.view(), FrequencyEstimator::Plugin)?;
/// assert!((mi - 0.11248461845165672).abs() < 1e-15); // scikit-learn's mutual_info_score
/// # Ok::<(), xent::Error>(())
/// ```
pub fn mutual_information_from_counts(
    table: ArrayView2<'_, f64>,
    how: FrequencyEstimator,
) -> Result<f64, Error> {
    let cells: Vec<f64> = table.iter().copied().collect();
    let joint = Array2::from_shape_vec(table.dim(), frequencies(&cells, how)?)
        .expect("same number of cells");
    Options::new()
        .policy(InputPolicy::Normalize)
        .mutual_information(joint.view())
}

/// Pearson's chi-squared statistic of independence of a contingency table of counts:
/// X² = Σ (O − E)²/E with E = (row total × column total)/n, and its degrees of freedom
/// (rows − 1)(columns − 1). As `scipy.stats.chi2_contingency(table, correction=False)`.
/// Cells with E = 0 (an empty row or column) are skipped. For large n, X² ≈ 2n·I(X;Y) in nats.
///
/// # Errors
/// The count checks of [`entropy`](fn@super::entropy), on the table's cells.
///
/// # Example
/// ```
/// use xent::estimate::chi_squared_independence;
/// let (x2, dof) = chi_squared_independence(ndarray::array![[10.0, 2.0], [3.0, 5.0]].view())?;
/// assert!((x2 - 4.432234432234433).abs() < 1e-12); // scipy.stats.chi2_contingency
/// assert_eq!(dof, 1);
/// # Ok::<(), xent::Error>(())
/// ```
pub fn chi_squared_independence(table: ArrayView2<'_, f64>) -> Result<(f64, usize), Error> {
    let cells: Vec<f64> = table.iter().copied().collect();
    let n = super::entropy::checked_total(&cells)?;
    let rows: Vec<f64> = table.rows().into_iter().map(|r| r.sum()).collect();
    let cols: Vec<f64> = table.columns().into_iter().map(|c| c.sum()).collect();
    let mut x2 = 0.0;
    for ((i, j), &o) in table.indexed_iter() {
        let e = rows[i] * cols[j] / n;
        if e > 0.0 {
            x2 += (o - e) * (o - e) / e;
        }
    }
    let dof = table.nrows().saturating_sub(1) * table.ncols().saturating_sub(1);
    Ok((x2, dof))
}
