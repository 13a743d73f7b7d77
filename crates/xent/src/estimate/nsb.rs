//! The NSB estimator (Nemenman, Shafee & Bialek 2002): the posterior mean and standard
//! deviation of the entropy under a mixture of symmetric Dirichlet priors whose weights make
//! the prior on the entropy itself flat.

use super::special::{digamma, ln_gamma, ln_gamma_shift, trigamma};

/// Counts grouped by value: (count y > 0, how many bins have it).
fn grouped(counts: &[f64]) -> Vec<(f64, f64)> {
    let mut values: Vec<f64> = counts.iter().copied().filter(|&y| y > 0.0).collect();
    values.sort_by(f64::total_cmp);
    let mut groups: Vec<(f64, f64)> = Vec::new();
    for y in values {
        match groups.last_mut() {
            Some((v, m)) if *v == y => *m += 1.0,
            _ => groups.push((y, 1.0)),
        }
    }
    groups
}

/// (posterior mean, posterior standard deviation) of H in nats over an alphabet of `k` bins
/// (`k` ≥ the number of nonzero counts; the bins not in `counts` hold zeros).
pub(crate) fn nsb(counts: &[f64], n: f64, k: f64) -> (f64, f64) {
    if k <= 1.0 {
        return (0.0, 0.0);
    }
    let groups = grouped(counts);
    let zeros = k - groups.iter().map(|(_, m)| m).sum::<f64>();
    // log of marginal likelihood × prior density dξ/dβ × Jacobian β, in t = ln β.
    let log_weight = |t: f64| {
        let b = t.exp();
        // ln Γ(Kβ)/Γ(n + Kβ) + Σ ln Γ(yᵢ + β)/Γ(β), up to terms that do not depend on β
        // (ln Γ(n) and ln Γ(yᵢ) are dropped: with counts of 10¹⁵ they would swamp the rest).
        let likelihood = ln_gamma(k * b) - ln_gamma_shift(n, k * b)
            + groups
                .iter()
                .map(|&(y, m)| m * (ln_gamma_shift(y, b) - ln_gamma(b)))
                .sum::<f64>();
        let prior = k * trigamma(k * b + 1.0) - trigamma(b + 1.0);
        likelihood + prior.max(f64::MIN_POSITIVE).ln() + t
    };
    // First and second moments of H given β (Wolpert & Wolf 1995).
    let moments = |b: f64| {
        let a_total = n + k * b;
        let mean = digamma(a_total + 1.0)
            - groups
                .iter()
                .map(|&(y, m)| m * (y + b) * digamma(y + b + 1.0))
                .sum::<f64>()
                / a_total
            - zeros * b * digamma(b + 1.0) / a_total;
        let c = digamma(a_total + 2.0);
        let d = trigamma(a_total + 2.0);
        let (mut s1, mut s2, mut sa2, mut t2) = (0.0, 0.0, 0.0, 0.0);
        let mut add = |a: f64, m: f64| {
            if m == 0.0 {
                return;
            }
            let u = digamma(a + 1.0) - c;
            s1 += m * a * u;
            s2 += m * a * a * u * u;
            sa2 += m * a * a;
            let v = digamma(a + 2.0) - c;
            t2 += m * a * (a + 1.0) * (v * v + trigamma(a + 2.0) - d);
        };
        for &(y, m) in &groups {
            add(y + b, m);
        }
        add(b, zeros);
        let second =
            (s1 * s1 - s2 - d * (a_total * a_total - sa2) + t2) / (a_total * (a_total + 1.0));
        (mean, second)
    };
    // Locate the posterior's mass on a coarse grid, then integrate on a fine one around it.
    // The total pseudocount Kβ is what the data constrain, so the grid reaches down to
    // Kβ = 10⁻⁶ however large K is (10⁻⁸ at least, where K is small).
    let (lo, hi) = ((1e-8f64).min(1e-6 / k).ln(), (1e6f64).ln());
    // (t, log weight) at n + 1 evenly spaced t over [a, b], and the largest log weight.
    let grid = |a: f64, b: f64, n: usize| {
        let points: Vec<(f64, f64)> = (0..=n)
            .map(|i| {
                let t = a + (b - a) * i as f64 / n as f64;
                (t, log_weight(t))
            })
            .collect();
        let top = points.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
        (points, top)
    };
    let steps = ((hi - lo) / 0.1).ceil() as usize;
    let (coarse, peak) = grid(lo, hi, steps);
    let step = (hi - lo) / steps as f64;
    let inside: Vec<f64> = coarse
        .iter()
        .filter(|c| c.1 > peak - 40.0)
        .map(|c| c.0)
        .collect();
    let (a, b) = (
        inside.first().copied().unwrap_or(lo) - step,
        inside.last().copied().unwrap_or(hi) + step,
    );
    let (mut w_sum, mut h_sum, mut h2_sum) = (0.0, 0.0, 0.0);
    let (fine, top) = grid(a, b, 400);
    for (t, lw) in fine {
        let w = (lw - top).exp();
        if w < 1e-300 {
            continue;
        }
        let (m1, m2) = moments(t.exp());
        w_sum += w;
        h_sum += w * m1;
        h2_sum += w * m2;
    }
    let mean = h_sum / w_sum;
    let variance = (h2_sum / w_sum - mean * mean).max(0.0);
    (mean, variance.sqrt())
}

/// The asymptotic NSB estimate for an unknown, large alphabet in the strongly undersampled
/// regime (Nemenman 2011, eqs. 29–30): with Δ = n − K₁ coincidences (K₁ distinct outcomes
/// seen), H ≈ C_γ − ln 2 + 2 ln n − ψ(Δ) with posterior s.d. √ψ′(Δ). Needs Δ > 0.
fn asymptotic_nsb(n: f64, coincidences: f64) -> (f64, f64) {
    const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;
    (
        EULER_GAMMA - std::f64::consts::LN_2 + 2.0 * n.ln() - digamma(coincidences),
        trigamma(coincidences).sqrt(),
    )
}

/// How NSB went about an alphabet of unknown size.
pub(crate) enum UnknownAlphabet {
    /// No outcome seen twice: nothing bounds the entropy from above; the plug-in value ln n
    /// is returned as a lower bound.
    NoCoincidences(f64),
    /// Fewer than n/10 coincidences: the asymptotic formula (value, s.d.).
    Asymptotic(f64, f64),
    /// NSB over the guessed alphabet size K: (value, s.d., K).
    Guessed(f64, f64, f64),
}

/// NSB when the alphabet size is unknown, with the rule of the `ndd` package (Marsili): no
/// coincidences → plug-in; coincidences < n/10 → the asymptotic formula; otherwise K grows
/// tenfold from the number of distinct outcomes seen until the estimate changes by less than
/// 10⁻³ nats per e-fold of K, and NSB runs at the geometric midpoint of the last step. Should
/// the estimate climb past the asymptotic one on the way, the asymptotic one is returned.
pub(crate) fn nsb_unknown_alphabet(counts: &[f64], n: f64) -> UnknownAlphabet {
    let seen = counts.iter().filter(|&&y| y > 0.0).count() as f64;
    let coincidences = n - seen;
    if coincidences <= 0.0 {
        return UnknownAlphabet::NoCoincidences(n.ln());
    }
    let asymptotic = asymptotic_nsb(n, coincidences);
    if coincidences / n < 0.1 {
        return UnknownAlphabet::Asymptotic(asymptotic.0, asymptotic.1);
    }
    const GROWTH: f64 = 10.0;
    let mut k = seen.max(1.0);
    let mut previous = nsb(counts, n, k).0;
    for _ in 0..40 {
        k = (k * GROWTH).round();
        let h = nsb(counts, n, k).0;
        if (h - previous) / GROWTH.ln() < 1e-3 {
            break;
        }
        if h >= asymptotic.0 {
            return UnknownAlphabet::Asymptotic(asymptotic.0, asymptotic.1);
        }
        previous = h;
    }
    let k = (k / GROWTH.sqrt()).round().max(seen);
    let (value, sd) = nsb(counts, n, k);
    UnknownAlphabet::Guessed(value, sd, k)
}
