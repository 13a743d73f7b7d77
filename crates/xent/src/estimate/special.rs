//! The digamma function ψ(x) = d/dx ln Γ(x), for the Grassberger estimator.

/// ψ(x) for x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10, then the asymptotic
/// series ln x − 1/(2x) − Σ B₂ₖ/(2k·x²ᵏ) to x⁻¹⁴ (truncation < 5e-17 at x ≥ 10).
pub(crate) fn digamma(mut x: f64) -> f64 {
    let mut shift = 0.0;
    while x < 10.0 {
        shift -= 1.0 / x;
        x += 1.0;
    }
    let inv2 = 1.0 / (x * x);
    // B₂/2, B₄/4, …, B₁₄/14: 1/12, −1/120, 1/252, −1/240, 1/132, −691/32760, 1/12.
    let series = inv2
        * (1.0 / 12.0
            - inv2
                * (1.0 / 120.0
                    - inv2
                        * (1.0 / 252.0
                            - inv2
                                * (1.0 / 240.0
                                    - inv2
                                        * (1.0 / 132.0
                                            - inv2 * (691.0 / 32760.0 - inv2 / 12.0))))));
    shift + x.ln() - 0.5 / x - series
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        let euler = 0.577_215_664_901_532_9;
        assert!(
            (digamma(1.0) + euler).abs() < 1e-15,
            "{}",
            digamma(1.0) + euler
        );
        assert!((digamma(0.5) + euler + 2.0 * std::f64::consts::LN_2).abs() < 1e-14);
        // ψ(n) = H_{n−1} − γ.
        let h9: f64 = (1..10).map(|k| 1.0 / k as f64).sum();
        assert!((digamma(10.0) - (h9 - euler)).abs() < 1e-14);
        assert!((digamma(1e6) - (1e6f64.ln() - 0.5e-6)).abs() < 1e-12);
    }
}

/// ψ₁(x) = d²/dx² ln Γ(x) for x > 0: recurrence ψ₁(x) = ψ₁(x + 1) + 1/x² up to x ≥ 10, then
/// 1/x + 1/(2x²) + Σ B₂ₖ/x²ᵏ⁺¹ to x⁻¹⁵.
pub(crate) fn trigamma(mut x: f64) -> f64 {
    let mut shift = 0.0;
    while x < 10.0 {
        shift += 1.0 / (x * x);
        x += 1.0;
    }
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    // B₂ = 1/6, B₄ = −1/30, B₆ = 1/42, B₈ = −1/30, B₁₀ = 5/66, B₁₂ = −691/2730, B₁₄ = 7/6.
    let series = inv2
        * inv
        * (1.0 / 6.0
            - inv2
                * (1.0 / 30.0
                    - inv2
                        * (1.0 / 42.0
                            - inv2
                                * (1.0 / 30.0
                                    - inv2
                                        * (5.0 / 66.0
                                            - inv2 * (691.0 / 2730.0 - inv2 * 7.0 / 6.0))))));
    shift + inv + 0.5 * inv2 + series
}

/// ln Γ(x) for x > 0: ln Γ(x) = ln Γ(x + m) − ln(x(x+1)…(x+m−1)) up to x ≥ 10, then
/// Stirling's series to x⁻¹³.
pub(crate) fn ln_gamma(mut x: f64) -> f64 {
    let mut shift = 0.0;
    while x < 10.0 {
        shift -= x.ln();
        x += 1.0;
    }
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    let series = inv
        * (1.0 / 12.0
            - inv2
                * (1.0 / 360.0
                    - inv2
                        * (1.0 / 1260.0
                            - inv2
                                * (1.0 / 1680.0
                                    - inv2
                                        * (1.0 / 1188.0
                                            - inv2 * (691.0 / 360_360.0 - inv2 / 156.0))))));
    shift + (x - 0.5) * x.ln() - x + 0.5 * (2.0 * std::f64::consts::PI).ln() + series
}

/// ln Γ(y + b) − ln Γ(y) for y > 0, b ≥ 0, without the cancellation of two huge values when
/// y is large and b small against it (counts up to 10¹⁵ and beyond).
pub(crate) fn ln_gamma_shift(y: f64, b: f64) -> f64 {
    if y > 1e7 && b < 1e-4 * y {
        // Stirling difference: b ln y + b(b − 1)/(2y) + O(b³/y²).
        b * y.ln() + b * (b - 1.0) / (2.0 * y)
    } else {
        ln_gamma(y + b) - ln_gamma(y)
    }
}

#[cfg(test)]
mod more_tests {
    use super::*;

    #[test]
    fn trigamma_and_ln_gamma_known_values() {
        let pi2_6 = std::f64::consts::PI.powi(2) / 6.0;
        assert!((trigamma(1.0) - pi2_6).abs() < 1e-14);
        assert!((trigamma(0.5) - 3.0 * pi2_6).abs() < 1e-13);
        assert!(ln_gamma(1.0).abs() < 1e-14 && ln_gamma(2.0).abs() < 1e-14);
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-14);
        let ln_fact_20: f64 = (1..20).map(|k| (k as f64).ln()).sum();
        assert!((ln_gamma(20.0) - ln_fact_20).abs() < 1e-12);
        assert!((ln_gamma_shift(1e8, 0.5) - (ln_gamma(1e8 + 0.5) - ln_gamma(1e8))).abs() < 1e-6);
    }
}
