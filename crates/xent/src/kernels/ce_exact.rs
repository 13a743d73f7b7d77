//! The exact cross-entropy row kernel: every row widened to `f64`, log-softmax by the exact
//! kernel, each loss and gradient term compensated. It defines every edge convention
//! (NaN, ±∞, all −∞, soft-capping of infinities) and is what the vector kernels hand the rows
//! they cannot take, so both paths agree on them.

use super::{compensated_sum, log_softmax_in_place, logsumexp, times, CeSpec};
use crate::Float;

/// The per-row computation, with its scratch buffers reused across rows.
pub(crate) struct ExactRow<'a> {
    spec: CeSpec<'a>,
    weight_sum: f64,
    classes: usize,
    /// The (soft-capped) logits of the current row, in f64.
    z: Vec<f64>,
    /// Their log-softmax.
    log_p: Vec<f64>,
    /// The gradient of the current row (valid after a row call with a scale).
    grad: Vec<f64>,
}

impl<'a> ExactRow<'a> {
    pub(crate) fn new(spec: &CeSpec<'a>, classes: usize) -> Self {
        ExactRow {
            spec: *spec,
            weight_sum: spec.weight_sum(classes),
            classes,
            z: vec![0.0; classes],
            log_p: vec![0.0; classes],
            grad: vec![0.0; classes],
        }
    }

    /// Takes a row of logits (soft-capped as the spec says).
    pub(crate) fn load<T: Float>(&mut self, row: &[T]) {
        for (z, &v) in self.z.iter_mut().zip(row) {
            let v = v.to_f64();
            *z = match self.spec.softcap {
                Some(c) => c * (v / c).tanh(),
                None => v,
            };
        }
        self.log_p.copy_from_slice(&self.z);
        log_softmax_in_place(&mut self.log_p, 1.0);
    }

    /// The gradient of the row last computed with a scale.
    pub(crate) fn grad(&self) -> &[f64] {
        &self.grad
    }

    fn w(&self, c: usize) -> f64 {
        self.spec.weight.map_or(1.0, |w| w[c])
    }

    /// The chain rule through the soft-cap: d(c·tanh(z/c))/dz = 1 − (capped/c)².
    fn finish_grad(&mut self, scale: f64) {
        let cap = self.spec.softcap;
        for (g, &z) in self.grad.iter_mut().zip(&self.z) {
            let chain = cap.map_or(1.0, |c| 1.0 - (z / c) * (z / c));
            *g *= chain * scale;
        }
    }

    /// (loss, lse) of the loaded row with class target `target` (`None`: ignored); the
    /// gradient × `scale` too when there is a scale.
    pub(crate) fn class_row(&mut self, target: Option<usize>, scale: Option<f64>) -> (f64, f64) {
        let lse = logsumexp(&self.z, 1.0);
        let Some(y) = target else {
            self.grad.fill(0.0);
            return (0.0, lse);
        };
        let eps = self.spec.smoothing;
        let z_loss = self.spec.z_loss;
        let keep = 1.0 - eps;
        let share = eps / self.classes as f64;
        let wy = self.w(y);
        let smooth = if eps > 0.0 {
            -compensated_sum((0..self.classes).map(|k| self.w(k) * self.log_p[k]))
        } else {
            0.0
        };
        let loss =
            times(keep * wy, -self.log_p[y]) + times(share, smooth) + times(z_loss * wy, lse * lse);
        if let Some(scale) = scale {
            for c in 0..self.classes {
                let p = self.log_p[c].exp();
                let onehot = if c == y { 1.0 } else { 0.0 };
                self.grad[c] = times(keep * wy, p - onehot)
                    + times(share, p * self.weight_sum - self.w(c))
                    + times(2.0 * z_loss * wy, lse * p);
            }
            self.finish_grad(scale);
        }
        (loss, lse)
    }

    /// (loss, lse) of the loaded row with probability targets `t`; the gradient × `scale`
    /// too when there is a scale.
    pub(crate) fn soft_row<T: Float>(&mut self, t: &[T], scale: Option<f64>) -> (f64, f64) {
        let lse = logsumexp(&self.z, 1.0);
        let keep = 1.0 - self.spec.smoothing;
        let share = self.spec.smoothing / self.classes as f64;
        let smoothed = |k: usize| keep * t[k].to_f64() + share;
        let cross = compensated_sum((0..self.classes).map(|k| {
            let tk = smoothed(k);
            if tk == 0.0 {
                0.0
            } else {
                -self.w(k) * tk * self.log_p[k]
            }
        }));
        let z_loss = self.spec.z_loss;
        let loss = cross + times(z_loss, lse * lse);
        if let Some(scale) = scale {
            let mass = compensated_sum((0..self.classes).map(|k| self.w(k) * smoothed(k)));
            for c in 0..self.classes {
                let p = self.log_p[c].exp();
                self.grad[c] = p * mass - self.w(c) * smoothed(c) + times(2.0 * z_loss, lse * p);
            }
            self.finish_grad(scale);
        }
        (loss, lse)
    }
}
