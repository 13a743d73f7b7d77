//! Entropy, cross-entropy and divergences of one row, in nats, accumulated in `f64`.
//!
//! Each kernel takes the divisor that normalises its operand (1 when the caller has already
//! checked that the row sums to 1), so that normalising never needs a copy of the data.

use super::sum::compensated_sum;
use crate::Float;

/// −Σ (p/d)·ln(p/d) with 0·ln 0 = 0.
pub(crate) fn entropy_nats<T: Float>(p: &[T], divisor: f64) -> f64 {
    compensated_sum(p.iter().map(|&v| {
        let x = v.to_f64() / divisor;
        if x == 0.0 {
            0.0
        } else {
            -x * x.ln()
        }
    }))
}

/// −Σ (p/dp)·ln(q/dq), where a term with p = 0 is 0 whatever q is, and p > 0 with q = 0 is +∞.
pub(crate) fn cross_entropy_nats<T: Float>(p: &[T], dp: f64, q: &[T], dq: f64) -> f64 {
    compensated_sum(p.iter().zip(q).map(|(&a, &b)| {
        let x = a.to_f64() / dp;
        if x == 0.0 {
            0.0
        } else {
            -x * (b.to_f64() / dq).ln()
        }
    }))
}

/// Σ [p ln(p/q) − p + q] over the normalised rows: D(P‖Q) for distributions, ≥ 0 always.
pub(crate) fn kl_nats<T: Float>(p: &[T], dp: f64, q: &[T], dq: f64) -> f64 {
    compensated_sum(
        p.iter()
            .zip(q)
            .map(|(&a, &b)| kl_excess(a.to_f64() / dp, b.to_f64() / dq)),
    )
}

/// ½ Σ [KL terms of P against M + KL terms of Q against M], M = (P + Q)/2.
pub(crate) fn js_nats<T: Float>(p: &[T], dp: f64, q: &[T], dq: f64) -> f64 {
    let sum = compensated_sum(p.iter().zip(q).map(|(&a, &b)| {
        let (x, y) = (a.to_f64() / dp, b.to_f64() / dq);
        let m = 0.5 * x + 0.5 * y;
        kl_excess(x, m) + kl_excess(y, m)
    }));
    0.5 * sum
}

/// −Σ p·ln q from the logs of q, with a term of p = 0 equal to 0 whatever ln q is (−∞
/// included): the cross-entropy of a label row against log-probabilities, finite where q
/// itself underflows `f64` but its log does not.
pub(crate) fn cross_entropy_log_nats(p: &[f64], log_q: &[f64]) -> f64 {
    -compensated_sum(
        p.iter()
            .zip(log_q)
            .map(|(&x, &l)| if x == 0.0 { 0.0 } else { x * l }),
    )
}

/// −Σ q·ln q given q and ln q side by side (q = e^{ln q}), with 0·ln 0 = 0.
pub(crate) fn entropy_log_nats(q: &[f64], log_q: &[f64]) -> f64 {
    -compensated_sum(
        q.iter()
            .zip(log_q)
            .map(|(&x, &l)| if x > 0.0 { x * l } else { 0.0 }),
    )
}

/// D(P‖Q) for distributions given q and ln q side by side: the terms of [`kl_excess`], except
/// where q is below the normal range, where p·(ln p − ln q) − p + q keeps the finite answer
/// that q's rounding to 0 would turn into +∞.
pub(crate) fn kl_log_nats(p: &[f64], q: &[f64], log_q: &[f64]) -> f64 {
    compensated_sum(p.iter().zip(q).zip(log_q).map(|((&x, &y), &l)| {
        if x == 0.0 || y >= f64::MIN_POSITIVE || l.is_nan() {
            kl_excess(x, y)
        } else {
            x * (x.ln() - l) - x + y
        }
    }))
}

/// One term of the generalised KL divergence, p·ln(p/q) − p + q (SciPy's `kl_div`), which is
/// ≥ 0 for every p, q ≥ 0 and sums to D(P‖Q) when ΣP = ΣQ.
///
/// Written as q·φ(δ) with δ = (p − q)/q and φ(δ) = (1+δ)·ln(1+δ) − δ. Near δ = 0 the direct
/// formula cancels catastrophically (both parts are ≈ δ, the result ≈ δ²/2), so there a power
/// series is summed instead; this is what keeps D(P‖Q) accurate when P ≈ Q.
pub(crate) fn kl_excess(p: f64, q: f64) -> f64 {
    if p.is_nan() || q.is_nan() {
        return f64::NAN;
    }
    if p == 0.0 {
        return q;
    }
    if q == 0.0 {
        return f64::INFINITY;
    }
    let diff = p - q;
    let delta = diff / q;
    if delta.abs() < SERIES_RADIUS {
        return q * phi_series(delta);
    }
    let ratio = p / q;
    // The ratio of a normal p and a tiny q can overflow, or underflow the other way; the
    // difference of logs then keeps the finite answer.
    let log_ratio = if ratio.is_finite() && ratio >= f64::MIN_POSITIVE {
        ratio.ln()
    } else {
        p.ln() - q.ln()
    };
    p * log_ratio - diff
}

const SERIES_RADIUS: f64 = 0.125;

/// φ(δ) = (1+δ)ln(1+δ) − δ = Σ_{k≥2} (−1)^k δ^k / (k(k−1)) for |δ| < 1/8; twenty terms leave
/// a truncation error below 1e-19 relative.
fn phi_series(delta: f64) -> f64 {
    const TERMS: usize = 20;
    let mut acc = 0.0;
    for k in (2..=TERMS + 1).rev() {
        let sign = if k % 2 == 0 { 1.0 } else { -1.0 };
        let kf = k as f64;
        acc = sign / (kf * (kf - 1.0)) + delta * acc;
    }
    // The loop computed Σ (−1)^k δ^(k−2)/(k(k−1)); the series is δ² times it.
    delta * delta * acc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_domain_kernels_agree_with_the_linear_ones_and_stay_finite_below_f64() {
        let p = [0.5, 0.25, 0.25, 0.0];
        let q = [0.4, 0.35, 0.2, 0.05];
        let log_q: Vec<f64> = q.iter().map(|v: &f64| v.ln()).collect();
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-15 * b.abs().max(1.0);
        assert!(close(
            cross_entropy_log_nats(&p, &log_q),
            cross_entropy_nats(&p, 1.0, &q, 1.0)
        ));
        assert!(close(entropy_log_nats(&q, &log_q), entropy_nats(&q, 1.0)));
        assert!(close(
            kl_log_nats(&p, &q, &log_q),
            kl_nats(&p, 1.0, &q, 1.0)
        ));
        // q₁ = e^−800 is 0 in f64; the log-domain terms keep the finite values.
        let (p, q, log_q) = ([0.5, 0.5], [1.0, 0.0], [0.0, -800.0]);
        assert_eq!(cross_entropy_log_nats(&p, &log_q), 400.0);
        let kl = kl_log_nats(&p, &q, &log_q);
        assert!(close(kl, 0.5f64.ln() + 400.0), "{kl}");
        assert_eq!(kl_nats(&p, 1.0, &q, 1.0), f64::INFINITY);
        assert_eq!(entropy_log_nats(&q, &log_q), 0.0);
    }

    #[test]
    fn series_matches_direct_formula_where_both_are_accurate() {
        for &d in &[0.1f64, -0.1, 0.05, -0.12, 0.124] {
            let direct = (1.0f64 + d) * d.ln_1p() - d;
            let series = phi_series(d);
            assert!(
                ((series - direct) / direct).abs() < 1e-13,
                "{d}: {series} vs {direct}"
            );
        }
    }

    #[test]
    fn kl_excess_edges() {
        assert_eq!(kl_excess(0.0, 0.3), 0.3);
        assert_eq!(kl_excess(0.0, 0.0), 0.0);
        assert_eq!(kl_excess(0.2, 0.0), f64::INFINITY);
        assert!(kl_excess(f64::NAN, 0.1).is_nan());
        assert_eq!(kl_excess(0.25, 0.25), 0.0);
        // 1 against a subnormal: the ratio overflows, the difference of logs does not.
        let tiny = 1e-310;
        assert!((kl_excess(1.0, tiny) - (-(tiny.ln()) - 1.0 + tiny)).abs() < 1e-12);
    }
}
