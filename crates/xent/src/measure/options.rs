//! The options every measure shares, and the plumbing from views to kernels.

use crate::layout::{ensure_same_shape, with_row};
use crate::policy::validate_tolerance;
use crate::{Base, Error, Float, InputPolicy, Par};
use ndarray::{Array1, ArrayView1, ArrayView2, Axis};

/// Base, input policy and tolerance for the information measures.
///
/// Defaults: natural log ([`Base::NATS`]), [`InputPolicy::Strict`], and the element type's
/// default tolerance on |Σp − 1| ([`Float::SUM_TOLERANCE`]). Every measure of the
/// [module](super) is a method; the free functions are shorthands for `Options::new()`.
///
/// # Example
/// ```
/// use xent::{measure::Options, Base, InputPolicy};
/// let bits = Options::new().base(Base::BITS);
/// assert_eq!(bits.entropy(&[0.5, 0.5])?, 1.0);
/// let counts = Options::new().base(Base::BITS).policy(InputPolicy::Normalize);
/// assert_eq!(counts.entropy(&[2.0, 1.0, 1.0])?, 1.5);
/// # Ok::<(), xent::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Options {
    base: Base,
    policy: InputPolicy,
    tolerance: Option<f64>,
    par: Par,
}

/// A kernel over one distribution: (values, divisor that normalises them) → nats.
pub(crate) type UnaryKernel<T> = fn(&[T], f64) -> f64;
/// A kernel over two distributions of the same length: (p, p's divisor, q, q's divisor) → nats.
pub(crate) type BinaryKernel<T> = fn(&[T], f64, &[T], f64) -> f64;

impl Options {
    /// Natural log, strict policy, default tolerance.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reports results in this base.
    pub fn base(self, base: Base) -> Self {
        Options { base, ..self }
    }

    /// Checks inputs under this policy.
    pub fn policy(self, policy: InputPolicy) -> Self {
        Options { policy, ..self }
    }

    /// The strict policy's tolerance on |Σp − 1|. A negative or non-finite tolerance is
    /// reported as [`Error::InvalidParameter`] by the measure that uses it.
    pub fn tolerance(self, tolerance: f64) -> Self {
        Options {
            tolerance: Some(tolerance),
            ..self
        }
    }

    /// Where the rows of a batch (`*_rows`) run (default: rayon's current pool; see
    /// [`Par`]).
    pub fn par(self, par: Par) -> Self {
        Options { par, ..self }
    }

    pub(crate) fn par_value(&self) -> Par {
        self.par
    }

    pub(crate) fn checked_tolerance<T: Float>(&self) -> Result<f64, Error> {
        validate_tolerance(self.tolerance.unwrap_or(T::SUM_TOLERANCE))
    }

    pub(crate) fn in_base<T: Float>(&self, nats: f64) -> T {
        T::from_f64(self.base.from_nats(nats))
    }

    pub(crate) fn policy_value(&self) -> InputPolicy {
        self.policy
    }

    /// Validates one distribution and runs `kernel` on it, returning nats.
    pub(crate) fn unary_nats<T: Float>(
        &self,
        input: &'static str,
        p: ArrayView1<'_, T>,
        kernel: UnaryKernel<T>,
    ) -> Result<f64, Error> {
        if p.is_empty() {
            return Err(Error::Empty { input });
        }
        let tolerance = self.checked_tolerance::<T>()?;
        with_row(p, &mut Vec::new(), |row| {
            let divisor = self.policy.check_row(input, 0, row, tolerance)?;
            Ok(kernel(row, divisor))
        })
    }

    /// Validates every row and runs `kernel` on each, returning nats per row.
    pub(crate) fn unary_rows_nats<T: Float>(
        &self,
        input: &'static str,
        p: ArrayView2<'_, T>,
        kernel: UnaryKernel<T>,
    ) -> Result<Array1<f64>, Error> {
        if p.ncols() == 0 {
            return Err(Error::Empty { input });
        }
        let tolerance = self.checked_tolerance::<T>()?;
        let mut scratch = Vec::new();
        let mut out = Array1::zeros(p.nrows());
        for (i, (row, o)) in p.axis_iter(Axis(0)).zip(out.iter_mut()).enumerate() {
            *o = with_row(row, &mut scratch, |row| {
                let divisor = self.policy.check_row(input, i, row, tolerance)?;
                Ok::<_, Error>(kernel(row, divisor))
            })?;
        }
        Ok(out)
    }

    /// Validates two distributions of the same length and runs `kernel`, returning nats.
    pub(crate) fn binary_nats<T: Float>(
        &self,
        p: ArrayView1<'_, T>,
        q: ArrayView1<'_, T>,
        kernel: BinaryKernel<T>,
    ) -> Result<f64, Error> {
        ensure_same_shape("q", p.shape(), q.shape())?;
        if p.is_empty() {
            return Err(Error::Empty { input: "p" });
        }
        let tolerance = self.checked_tolerance::<T>()?;
        let (mut sp, mut sq) = (Vec::new(), Vec::new());
        with_row(p, &mut sp, |p| {
            with_row(q, &mut sq, |q| {
                let dp = self.policy.check_row("p", 0, p, tolerance)?;
                let dq = self.policy.check_row("q", 0, q, tolerance)?;
                Ok(kernel(p, dp, q, dq))
            })
        })
    }

    /// Row-wise [`Options::binary_nats`] over two batches of the same shape.
    pub(crate) fn binary_rows_nats<T: Float>(
        &self,
        p: ArrayView2<'_, T>,
        q: ArrayView2<'_, T>,
        kernel: BinaryKernel<T>,
    ) -> Result<Array1<f64>, Error> {
        ensure_same_shape("q", p.shape(), q.shape())?;
        if p.ncols() == 0 {
            return Err(Error::Empty { input: "p" });
        }
        let tolerance = self.checked_tolerance::<T>()?;
        let (mut sp, mut sq) = (Vec::new(), Vec::new());
        let mut out = Array1::zeros(p.nrows());
        let rows = p.axis_iter(Axis(0)).zip(q.axis_iter(Axis(0)));
        for (i, ((p_row, q_row), o)) in rows.zip(out.iter_mut()).enumerate() {
            *o = with_row(p_row, &mut sp, |p| {
                with_row(q_row, &mut sq, |q| {
                    let dp = self.policy.check_row("p", i, p, tolerance)?;
                    let dq = self.policy.check_row("q", i, q, tolerance)?;
                    Ok::<_, Error>(kernel(p, dp, q, dq))
                })
            })?;
        }
        Ok(out)
    }
}
