//! A contingency table stored by its non-zero cells, so that memory follows the pairs seen,
//! not rows × columns.

use super::divergence::FrequencyEstimator;
use crate::kernels::compensated_sum;
use crate::Error;
use std::collections::HashMap;
use std::hash::Hash;

/// Counts of (x, y) pairs: `rows` values of X, `cols` values of Y, and the cells with a
/// count. 100,000 distinct pairs of 100,000 distinct labels take a few MB here, where the
/// dense table would take 80 GB.
///
/// # Example
/// ```
/// use xent::estimate::{mutual_information_from_counts, Contingency, FrequencyEstimator};
/// let pairs = [("a", "u"), ("a", "u"), ("a", "v"), ("b", "v")];
/// let table = Contingency::from_samples(pairs.iter().copied());
/// assert_eq!((table.rows(), table.cols(), table.cells().len()), (2, 2, 3));
/// let dense = ndarray::array![[2.0, 1.0], [0.0, 1.0]];
/// for how in [FrequencyEstimator::Plugin, FrequencyEstimator::Shrink] {
///     let sparse = table.mutual_information(how)?;
///     let exact = mutual_information_from_counts(dense.view(), how)?;
///     assert!((sparse - exact).abs() < 1e-15);
/// }
/// # Ok::<(), xent::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Contingency {
    rows: usize,
    cols: usize,
    /// (row, column, count), count > 0, each cell once.
    cells: Vec<(usize, usize, f64)>,
}

impl Contingency {
    /// Counts pairs of labels of any hashable type; rows and columns are numbered in the
    /// order their labels first appear.
    pub fn from_samples<A: Hash + Eq, B: Hash + Eq>(
        pairs: impl IntoIterator<Item = (A, B)>,
    ) -> Contingency {
        let mut xs: HashMap<A, usize> = HashMap::new();
        let mut ys: HashMap<B, usize> = HashMap::new();
        let mut counts: HashMap<(usize, usize), f64> = HashMap::new();
        for (a, b) in pairs {
            let next = xs.len();
            let i = *xs.entry(a).or_insert(next);
            let next = ys.len();
            let j = *ys.entry(b).or_insert(next);
            *counts.entry((i, j)).or_insert(0.0) += 1.0;
        }
        let mut cells: Vec<(usize, usize, f64)> =
            counts.into_iter().map(|((i, j), n)| (i, j, n)).collect();
        cells.sort_by_key(|&(i, j, _)| (i, j));
        Contingency {
            rows: xs.len(),
            cols: ys.len(),
            cells,
        }
    }

    /// Values of X (rows of the table).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Values of Y (columns of the table).
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// The non-zero cells as (row, column, count), in row-major order.
    pub fn cells(&self) -> &[(usize, usize, f64)] {
        &self.cells
    }

    /// The total count n, checked as the dense estimators check it.
    fn total(&self) -> Result<f64, Error> {
        let counts: Vec<f64> = self.cells.iter().map(|c| c.2).collect();
        if counts.is_empty() {
            return Err(Error::Empty { input: "counts" });
        }
        super::entropy::checked_total(&counts)
    }

    /// Row and column totals.
    fn margins(&self) -> (Vec<f64>, Vec<f64>) {
        let (mut r, mut c) = (vec![0.0; self.rows], vec![0.0; self.cols]);
        for &(i, j, n) in &self.cells {
            r[i] += n;
            c[j] += n;
        }
        (r, c)
    }

    /// Mutual information in nats, equal to
    /// [`mutual_information_from_counts`](super::mutual_information_from_counts) on the
    /// dense table. The shrinkage estimator shrinks all rows × columns cells, zeros
    /// included: the zero cells share one frequency, so they are summed in closed form.
    ///
    /// # Errors
    /// [`Error::Empty`] for no pairs, [`Error::SumOverflow`] for a total beyond `f64`.
    pub fn mutual_information(&self, how: FrequencyEstimator) -> Result<f64, Error> {
        let n = self.total()?;
        let k = self.rows as f64 * self.cols as f64;
        let zeros = k - self.cells.len() as f64;
        let lambda = match how {
            FrequencyEstimator::Plugin => 0.0,
            FrequencyEstimator::Shrink => {
                let target = 1.0 / k;
                let sum_u2 = compensated_sum(self.cells.iter().map(|c| (c.2 / n).powi(2)));
                let msp = compensated_sum(self.cells.iter().map(|c| (target - c.2 / n).powi(2)))
                    + zeros * target * target;
                if msp == 0.0 || n <= 1.0 {
                    1.0
                } else {
                    ((1.0 - sum_u2) / ((n - 1.0) * msp)).clamp(0.0, 1.0)
                }
            }
        };
        let zero_cell = lambda / k;
        let freq = |count: f64| zero_cell + (1.0 - lambda) * count / n;
        let (r, c) = self.margins();
        // A row's frequency: its cells, zeros included (cols of them in all).
        let row_p: Vec<f64> = r
            .iter()
            .map(|&t| self.cols as f64 * zero_cell + (1.0 - lambda) * t / n)
            .collect();
        let col_p: Vec<f64> = c
            .iter()
            .map(|&t| self.rows as f64 * zero_cell + (1.0 - lambda) * t / n)
            .collect();
        let mut terms: Vec<f64> = self
            .cells
            .iter()
            .map(|&(i, j, count)| {
                let p = freq(count);
                p * (p / (row_p[i] * col_p[j])).ln()
            })
            .collect();
        if zero_cell > 0.0 && zeros > 0.0 {
            // Σ over the zero cells of p₀ ln(p₀ / (pᵢ pⱼ)), by how many zeros each row and
            // column holds.
            let (mut row_cells, mut col_cells) = (vec![0usize; self.rows], vec![0usize; self.cols]);
            for &(i, j, _) in &self.cells {
                row_cells[i] += 1;
                col_cells[j] += 1;
            }
            terms.push(zero_cell * zeros * zero_cell.ln());
            for (i, &p) in row_p.iter().enumerate() {
                terms.push(-zero_cell * (self.cols - row_cells[i]) as f64 * p.ln());
            }
            for (j, &p) in col_p.iter().enumerate() {
                terms.push(-zero_cell * (self.rows - col_cells[j]) as f64 * p.ln());
            }
        }
        Ok(compensated_sum(terms.into_iter()).max(0.0))
    }

    /// Pearson's chi-squared statistic of independence and its degrees of freedom, equal to
    /// [`chi_squared_independence`](super::chi_squared_independence) on the dense table. A
    /// zero cell contributes its expected count E; a row's zero cells are summed as
    /// rᵢ·(n − Σ of the columns of its non-zero cells)/n, exact for integer counts.
    ///
    /// # Errors
    /// As [`Contingency::mutual_information`].
    pub fn chi_squared(&self) -> Result<(f64, usize), Error> {
        let n = self.total()?;
        let (r, c) = self.margins();
        let mut covered = vec![0.0; self.rows];
        let mut terms: Vec<f64> = self
            .cells
            .iter()
            .map(|&(i, j, o)| {
                covered[i] += c[j];
                let e = r[i] * c[j] / n;
                (o - e) * (o - e) / e
            })
            .collect();
        terms.extend(r.iter().zip(&covered).map(|(&ri, &cov)| ri * (n - cov) / n));
        let dof = self.rows.saturating_sub(1) * self.cols.saturating_sub(1);
        Ok((compensated_sum(terms.into_iter()), dof))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estimate::{chi_squared_independence, mutual_information_from_counts};

    /// A pseudo-random table with zero cells, as pairs and densely.
    fn table(rows: usize, cols: usize, seed: u64) -> (Contingency, ndarray::Array2<f64>) {
        let mut rng = crate::rng::SplitMix64::new(seed);
        let mut dense = ndarray::Array2::zeros((rows, cols));
        let mut pairs = Vec::new();
        for _ in 0..(rows * cols) {
            let i = (rng.next_u64() % rows as u64) as usize;
            let j = (rng.next_u64() % cols as u64) as usize;
            // Half the draws land on the diagonal band, so the table is far from independent.
            let j = if rng.next_u64() % 2 == 0 { i % cols } else { j };
            dense[[i, j]] += 1.0;
            pairs.push((i, j));
        }
        // Every row and column label appears, so the dense table has no empty line.
        for i in 0..rows {
            dense[[i, i % cols]] += 1.0;
            pairs.push((i, i % cols));
        }
        for j in 0..cols {
            dense[[j % rows, j]] += 1.0;
            pairs.push((j % rows, j));
        }
        // from_samples numbers labels by first appearance: a permutation of the dense
        // table's rows and columns, which changes neither statistic.
        let sparse = Contingency::from_samples(pairs);
        (sparse, dense)
    }

    #[test]
    fn sparse_equals_dense() {
        for (rows, cols, seed) in [(2, 2, 1), (5, 7, 2), (30, 3, 3), (40, 40, 4)] {
            let (sparse, dense) = table(rows, cols, seed);
            for how in [FrequencyEstimator::Plugin, FrequencyEstimator::Shrink] {
                let a = sparse.mutual_information(how).unwrap();
                let b = mutual_information_from_counts(dense.view(), how).unwrap();
                assert!(
                    (a - b).abs() <= 1e-12 * b.abs().max(1.0),
                    "{rows}x{cols} {how:?}: {a} vs {b}"
                );
            }
            let (x2, dof) = sparse.chi_squared().unwrap();
            let (y2, dof2) = chi_squared_independence(dense.view()).unwrap();
            assert_eq!(dof, dof2);
            assert!(
                (x2 - y2).abs() <= 1e-12 * y2.max(1.0),
                "{rows}x{cols}: {x2} vs {y2}"
            );
        }
        assert!(Contingency::from_samples(Vec::<(u8, u8)>::new())
            .mutual_information(FrequencyEstimator::Plugin)
            .is_err());
    }
}
