//! exp and ln for one `f64` lane, written as the `f32` lanes of `math.rs` are (selects, no
//! tables, no calls) so that a loop over 8 lanes vectorises, and the slice passes built on
//! them.
//!
//! Accuracy, measured by dense sampling against glibc's `exp` and `log` (themselves within one
//! ulp): `exp_lane_f64` within 2 ulp over [−745.1, 709.78] (subnormal results included;
//! larger x gives +∞, smaller 0), `ln_lane_f64` within 2 ulp for every positive finite f64
//! (subnormals included); ln 0 = −∞, ln ∞ = ∞, ln of a negative number or NaN is NaN.

use super::dispatch;

/// Lanes per chunk: one AVX-512 register of f64.
pub(crate) const LANES_F64: usize = 8;

const LOG2E: f64 = std::f64::consts::LOG2_E;
// ln 2 split so that n·LN2_HI is exact for |n| < 2²⁰ (LN2_HI ends in 20 zero bits).
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
/// 1.5·2⁵²: adding and subtracting it rounds to the nearest integer.
const ROUNDER: f64 = 6_755_399_441_055_744.0;

#[inline(always)]
fn fma(a: f64, b: f64, c: f64) -> f64 {
    a.mul_add(b, c)
}

/// 2ⁿ for −1022 ≤ n ≤ 1023, from the exponent bits.
#[inline(always)]
fn pow2(n: i64) -> f64 {
    f64::from_bits(((n + 1023) as u64) << 52)
}

/// eˣ.
#[inline(always)]
pub(crate) fn exp_lane_f64(x: f64) -> f64 {
    let xc = if x < -746.0 { -746.0 } else { x };
    let xc = if xc > 709.9 { 709.9 } else { xc };
    // x = n·ln 2 + r, |r| ≤ ln 2 / 2; n read back from the low bits of t.
    let t = xc * LOG2E + ROUNDER;
    let n = t - ROUNDER;
    let n_int = t.to_bits() as i64 - ROUNDER.to_bits() as i64;
    let r = fma(-n, LN2_LO, fma(-n, LN2_HI, xc));
    // e^r by its Taylor series to r¹³ (truncation < 0.1 ulp on |r| ≤ 0.347).
    let mut p = 1.0 / 6_227_020_800.0;
    p = fma(p, r, 1.0 / 479_001_600.0);
    p = fma(p, r, 1.0 / 39_916_800.0);
    p = fma(p, r, 1.0 / 3_628_800.0);
    p = fma(p, r, 1.0 / 362_880.0);
    p = fma(p, r, 1.0 / 40_320.0);
    p = fma(p, r, 1.0 / 5_040.0);
    p = fma(p, r, 1.0 / 720.0);
    p = fma(p, r, 1.0 / 120.0);
    p = fma(p, r, 1.0 / 24.0);
    p = fma(p, r, 1.0 / 6.0);
    p = fma(p, r, 0.5);
    p = fma(p, r, 1.0);
    p = fma(p, r, 1.0);
    // 2ⁿ in two normal factors (n runs from −1077 to 1025), so that subnormal results are
    // rounded once and overflow gives +∞.
    let half = n_int >> 1;
    let result = p * pow2(half) * pow2(n_int - half);
    if x.is_nan() {
        x
    } else {
        result
    }
}

/// 2⁵².
const TWO_52: f64 = 4_503_599_627_370_496.0;

/// ln x.
#[inline(always)]
pub(crate) fn ln_lane_f64(x: f64) -> f64 {
    let tiny = x < f64::MIN_POSITIVE;
    // Subnormals: scale up by 2⁵⁴ first so that the exponent field is meaningful.
    let y = if tiny {
        x * 18_014_398_509_481_984.0
    } else {
        x
    };
    let bits = y.to_bits();
    // The biased exponent as an f64 by the 2⁵² trick (or it into a mantissa, subtract), not
    // by an i64 → f64 conversion, which AVX2 lacks: with it the loop would not vectorise.
    let biased = f64::from_bits(0x4330_0000_0000_0000 | ((bits >> 52) & 0x7ff)) - TWO_52;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000); // [1, 2)
    let big = m > std::f64::consts::SQRT_2;
    m = if big { m * 0.5 } else { m };
    let e = biased - 1023.0 - if tiny { 54.0 } else { 0.0 } + if big { 1.0 } else { 0.0 };
    // ln m = 2·atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.1716: 2s + s³·Σ 2s²ʲ/(2j + 3).
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let s2 = s * s;
    let mut q = 2.0 / 21.0;
    q = fma(q, s2, 2.0 / 19.0);
    q = fma(q, s2, 2.0 / 17.0);
    q = fma(q, s2, 2.0 / 15.0);
    q = fma(q, s2, 2.0 / 13.0);
    q = fma(q, s2, 2.0 / 11.0);
    q = fma(q, s2, 2.0 / 9.0);
    q = fma(q, s2, 2.0 / 7.0);
    q = fma(q, s2, 2.0 / 5.0);
    q = fma(q, s2, 2.0 / 3.0);
    let ln_m = fma(s * s2, q, 2.0 * s);
    let result = fma(e, LN2_HI, fma(e, LN2_LO, ln_m));
    if x == 0.0 {
        f64::NEG_INFINITY
    } else if x == f64::INFINITY {
        x
    } else if x > 0.0 {
        result
    } else {
        f64::NAN
    }
}

/// x ← f(x) over 8-lane chunks (the tail lane by lane).
#[inline(always)]
fn map_in_place(x: &mut [f64], f: impl Fn(f64) -> f64) {
    let mut chunks = x.chunks_exact_mut(LANES_F64);
    for c in &mut chunks {
        for v in c.iter_mut() {
            *v = f(*v);
        }
    }
    for v in chunks.into_remainder() {
        *v = f(*v);
    }
}

#[inline(always)]
fn ln_in_place_f64_body(x: &mut [f64]) {
    map_in_place(x, ln_lane_f64);
}

dispatch!(
    /// x ← ln x elementwise, f64.
    ln_in_place_f64(x: &mut [f64]) -> () = ln_in_place_f64_body
);

#[inline(always)]
fn exp_in_place_f64_body(x: &mut [f64]) {
    map_in_place(x, exp_lane_f64);
}

dispatch!(
    /// x ← eˣ elementwise, f64.
    exp_in_place_f64(x: &mut [f64]) -> () = exp_in_place_f64_body
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;

    /// Distance in units in the last place between two f64 of the same sign.
    fn ulps(a: f64, b: f64) -> u64 {
        if a == b {
            return 0;
        }
        (a.to_bits() as i128 - b.to_bits() as i128).unsigned_abs() as u64
    }

    /// The largest distance in ulps of `lane` from glibc's `reference` over `xs`, with the x
    /// where it occurs.
    fn worst_ulps(
        xs: impl Iterator<Item = f64>,
        lane: impl Fn(f64) -> f64,
        reference: impl Fn(f64) -> f64,
    ) -> (u64, f64) {
        xs.map(|x| (ulps(lane(x), reference(x)), x))
            .fold((0, 0.0), |w, u| if u.0 > w.0 { u } else { w })
    }

    fn samples() -> usize {
        if cfg!(debug_assertions) {
            1 << 16
        } else {
            1 << 22
        }
    }

    #[test]
    fn exp_is_within_2_ulp_of_glibc() {
        let mut rng = SplitMix64::new(1);
        // The whole finite range, and densely near 0 where most callers are.
        let xs = (0..samples()).map(|i| {
            if i % 2 == 0 {
                -745.1 + rng.uniform() * (709.78 + 745.1)
            } else {
                rng.uniform() * 4.0 - 2.0
            }
        });
        let worst = worst_ulps(xs, exp_lane_f64, f64::exp);
        assert!(worst.0 <= 2, "{} ulp at x = {:e}", worst.0, worst.1);
        assert_eq!(exp_lane_f64(0.0), 1.0);
        assert_eq!(exp_lane_f64(f64::NEG_INFINITY), 0.0);
        assert_eq!(exp_lane_f64(-800.0), 0.0);
        assert_eq!(exp_lane_f64(709.8), f64::INFINITY);
        assert_eq!(exp_lane_f64(f64::INFINITY), f64::INFINITY);
        assert!(exp_lane_f64(f64::NAN).is_nan());
        assert!(ulps(exp_lane_f64(709.78), 709.78f64.exp()) <= 2);
    }

    #[test]
    fn ln_is_within_2_ulp_of_glibc_for_every_kind_of_positive_f64() {
        let mut rng = SplitMix64::new(2);
        let largest = f64::MAX.to_bits();
        // Any positive finite bit pattern (subnormals included), and densely around 1, where
        // ln x is small and a careless formula loses its relative accuracy.
        let xs = (0..samples()).map(|i| {
            if i % 2 == 0 {
                f64::from_bits(1 + (rng.next_u64() % largest))
            } else {
                1.0 + (rng.uniform() - 0.5) * 1e-3
            }
        });
        let worst = worst_ulps(xs, ln_lane_f64, f64::ln);
        assert!(worst.0 <= 2, "{} ulp at x = {:e}", worst.0, worst.1);
        assert_eq!(ln_lane_f64(1.0), 0.0);
        assert_eq!(ln_lane_f64(0.0), f64::NEG_INFINITY);
        assert_eq!(ln_lane_f64(f64::INFINITY), f64::INFINITY);
        assert!(ln_lane_f64(-1.0).is_nan());
        assert!(ln_lane_f64(f64::NAN).is_nan());
        let mut v = [0.5, 1.0, 0.0, 2.0, 1e-300, 4.9e-324, 3.0, 7.0, 0.25];
        ln_in_place_f64(&mut v);
        let mut e = [
            0.0,
            f64::NEG_INFINITY,
            1.0,
            -2.0,
            3.0,
            -700.0,
            5.0,
            -0.5,
            0.125,
        ];
        exp_in_place_f64(&mut e);
        assert_eq!((e[0], e[1]), (1.0, 0.0));
        assert!(ulps(e[8], 0.125f64.exp()) <= 2);
        assert_eq!(v[1], 0.0);
        assert_eq!(v[2], f64::NEG_INFINITY);
        assert!(ulps(v[8], 0.25f64.ln()) <= 2);
    }
}
