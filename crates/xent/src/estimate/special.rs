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
