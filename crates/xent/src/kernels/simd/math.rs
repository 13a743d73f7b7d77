//! exp and ln for one `f32` lane, written so that a loop over lanes vectorises: no branches
//! (selects instead), no table lookups, no calls, no divisions.
//!
//! Accuracy, measured against the correctly rounded value (`f64` computation rounded once),
//! each bound checked on every f32 of its range by a test (in release builds):
//! - `exp_nonpositive_lane` (the softmax-type kernels' e^(x − max)) ≤ 2 ulp on [−87.33, 0];
//!   e⁰ = 1 exactly; results below 2⁻¹²⁶ are flushed to 0 (absolute error < 1.2e-38).
//! - `exp_lane` (for tanh) ≤ 2 ulp on [−87.33, 88.72]; +∞ above.
//! - `ln_lane` ≤ 2 ulp for every positive normal or subnormal f32; ln 0 = −∞.
//! - the entropy and KL kernels' logs: the split of `split_scaled_lane` (the same, bit for
//!   bit, as `ln_lane`'s on every positive normal f32) and `ln_lane`'s polynomial.
//!
//! Callers guarantee finite inputs (−∞ for the exps). The polynomials are fits computed by
//! `tools/fit_ln.py` and `tools/fit_exp.py`.

/// Lanes per chunk: one AVX-512 register of f32.
pub(crate) const LANES: usize = 16;

const LOG2E: f32 = std::f32::consts::LOG2_E;
// ln 2 split so that n·LN2_HI is exact for |n| < 2⁹ (LN2_HI ends in 9 zero bits);
// LN2_HI = 0.693145751953125 exactly, LN2_LO ≈ 1.4286068e-6 (ln 2 − LN2_HI, rounded).
const LN2_HI: f32 = f32::from_bits(0x3f31_7200);
const LN2_LO: f32 = f32::from_bits(0x35bf_be8e);
/// 1.5·2²³: adding and subtracting it rounds to the nearest integer (ties to even).
const ROUNDER: f32 = 12_582_912.0;

#[inline(always)]
pub(crate) fn fma(a: f32, b: f32, c: f32) -> f32 {
    // With FMA available (the AVX2 and AVX-512 builds) this is one instruction.
    a.mul_add(b, c)
}

/// eˣ for x ≤ 88.72 (larger gives +∞, below −87.33 the result flushes to 0).
#[inline(always)]
pub(crate) fn exp_lane(x: f32) -> f32 {
    let x = if x < -104.0 { -104.0 } else { x };
    let x = if x > 88.8 { 88.8 } else { x };
    // x = n·ln 2 + r, |r| ≤ ln 2 / 2. Adding 1.5·2²³ rounds x·log₂e to an integer n held in
    // the low bits of t, read back with integer arithmetic (a float-to-int `as` cast would
    // not vectorise).
    let t = x * LOG2E + ROUNDER;
    let n = t - ROUNDER;
    let n_int = t.to_bits() as i32 - ROUNDER.to_bits() as i32;
    let r = fma(-n, LN2_LO, fma(-n, LN2_HI, x));
    // e^r by its Taylor series to r⁷ (truncation < 0.1 ulp on |r| ≤ 0.347).
    let mut p = 1.0 / 5040.0;
    p = fma(p, r, 1.0 / 720.0);
    p = fma(p, r, 1.0 / 120.0);
    p = fma(p, r, 1.0 / 24.0);
    p = fma(p, r, 1.0 / 6.0);
    p = fma(p, r, 0.5);
    p = fma(p, r, 1.0);
    p = fma(p, r, 1.0);
    // 2ⁿ from the exponent bits; n < −126 gives exponent field ≤ 0: flush to 0.
    let biased = n_int + 127;
    let biased = if biased < 0 { 0 } else { biased };
    let biased = if biased > 255 { 255 } else { biased };
    let scale = f32::from_bits((biased as u32) << 23);
    // 2¹²⁸ does not exist as a finite scale: exponent field 255 is +∞, which is what x > 88.72
    // must give. For n = 128 with a finite result (x just below 88.72) split the scale.
    if biased == 255 {
        p * 2.0 * f32::from_bits(254 << 23)
    } else {
        p * scale
    }
}

/// eˣ for x ≤ 0, −∞ included: the exponentials of softmax-type kernels, e^(x − max). Within
/// 2 ulp for x ∈ [−87.33, 0] (every f32 of it is tested), flushed to 0 below as
/// [`exp_lane`]; e⁰ = 1 exactly. Cheaper than [`exp_lane`]: no overflow to handle, and a
/// degree-6 polynomial fitted on the reduced range (`tools/fit_exp.py`) in place of the
/// degree-7 Taylor series. Correct up to x = 88; beyond, its result is +∞ too early.
#[inline(always)]
pub(crate) fn exp_nonpositive_lane(x: f32) -> f32 {
    // From −88 down every result is 0 (n ≤ −127 below): clamping there (which also keeps
    // −∞ from making a NaN) leaves n ≥ −127, so the exponent field n + 127 needs no clamp of
    // its own.
    let x = if x < -88.0 { -88.0 } else { x };
    // x = n·ln 2 + r, |r| ≤ ln 2 / 2, n read back from the low bits of t (see exp_lane).
    let t = fma(x, LOG2E, ROUNDER);
    let n = t - ROUNDER;
    let n_int = t.to_bits() as i32 - ROUNDER.to_bits() as i32;
    let r = fma(-n, LN2_LO, fma(-n, LN2_HI, x));
    // e^r = 1 + r + r²·R(r), R the degree-4 Chebyshev fit of (e^r − 1 − r)/r² on
    // [−ln 2/2, ln 2/2] (truncation < 1.2e-8 relative); Horner to the end keeps e⁰ = 1.
    let mut p: f32 = 0.001_392_617_6;
    p = fma(p, r, 0.008_363_173);
    p = fma(p, r, 0.041_666_556);
    p = fma(p, r, 0.166_665_78);
    p = fma(p, r, 0.5);
    p = fma(p, r, 1.0);
    p = fma(p, r, 1.0);
    // 2ⁿ from the exponent bits; n = −127 gives exponent field 0: flush to 0.
    p * f32::from_bits(((n_int + 127) as u32) << 23)
}

/// tanh x for finite x: an odd Taylor polynomial (10 terms, truncation < 1e-8 relative) for
/// |x| < 0.55, 1 − 2/(e^(2|x|) + 1) beyond, with the sign restored. ≤ 3 ulp (tested).
#[inline(always)]
pub(crate) fn tanh_lane(x: f32) -> f32 {
    let ax = x.abs();
    let x2 = x * x;
    // tanh x = Σ 2²ⁿ(2²ⁿ − 1)B₂ₙ x²ⁿ⁻¹/(2n)!, n = 1..10.
    let mut p: f32 = -443_861_162.0 / 1_856_156_927_625.0;
    p = fma(p, x2, 6_404_582.0 / 10_854_718_875.0);
    p = fma(p, x2, -929_569.0 / 638_512_875.0);
    p = fma(p, x2, 21_844.0 / 6_081_075.0);
    p = fma(p, x2, -1_382.0 / 155_925.0);
    p = fma(p, x2, 62.0 / 2_835.0);
    p = fma(p, x2, -17.0 / 315.0);
    p = fma(p, x2, 2.0 / 15.0);
    p = fma(p, x2, -1.0 / 3.0);
    let small = fma(p * x2, x, x);
    let large = 1.0 - 2.0 / (exp_lane(2.0 * ax) + 1.0);
    let large = if x < 0.0 { -large } else { large };
    if ax < 0.55 {
        small
    } else {
        large
    }
}

/// ln x for x ≥ 0 (ln 0 = −∞), subnormals included.
#[inline(always)]
pub(crate) fn ln_lane(x: f32) -> f32 {
    let tiny = x < f32::MIN_POSITIVE;
    // Subnormals: scale up by 2²⁴ first so that the exponent field is meaningful.
    let y = if tiny { x * 16_777_216.0 } else { x };
    let (e, ln_m) = ln_split_lane(y);
    let e = e - if tiny { 24.0 } else { 0.0 };
    let result = add_exponent(e, ln_m);
    if x == 0.0 {
        f32::NEG_INFINITY
    } else {
        result
    }
}

/// x = 2ᵉ·m with m ∈ [√½, √2): returns e (as f32) and ln m, for a normal x. No division and
/// no table: the integer arithmetic picks e and m, a polynomial gives ln m.
#[inline(always)]
fn ln_split_lane(x: f32) -> (f32, f32) {
    let (e, f) = split_lane(x);
    (e, ln_1p_with(f, ln_1p_cubic(f)))
}

/// The bits of √½ rounded down: subtracting them from those of x moves the exponent's step
/// from 1 to √½.
pub(crate) const SQRT_HALF_BITS: u32 = 0x3f35_04f3;

/// x = 2ᵉ·(1 + f) with 1 + f ∈ [√½, √2): returns (e as f32, f) for a normal x; f is exact.
#[inline(always)]
pub(crate) fn split_lane(x: f32) -> (f32, f32) {
    // After subtracting the bits of √½ the high bits are e, and the low 23 bits plus those of
    // √½ rebuild m. Integer lanes, no compare.
    let offset = x.to_bits().wrapping_sub(SQRT_HALF_BITS);
    let e = (offset as i32 >> 23) as f32;
    let m = f32::from_bits((offset & 0x007f_ffff) + SQRT_HALF_BITS);
    // m − 1 is exact (Sterbenz).
    (e, m - 1.0)
}

/// [`split_lane`] with e returned as e·2²³ (exact for every e), converted straight from the
/// exponent bits without a shift: for callers that sum p·e and scale the sum once.
#[inline(always)]
pub(crate) fn split_scaled_lane(x: f32) -> (f32, f32) {
    let high = x.to_bits().wrapping_sub(SQRT_HALF_BITS) & 0xff80_0000;
    // x·2⁻ᵉ, by taking e off the exponent field.
    let m = f32::from_bits(x.to_bits().wrapping_sub(high));
    (high as i32 as f32, m - 1.0)
}

/// P(f) in ln(1 + f) = f − f²/2 + f³·P(f), for f ∈ [√½ − 1, √2 − 1] = [−0.293, 0.415]: the
/// degree-7 Chebyshev fit of (ln(1+f) − f + f²/2)/f³ on that interval by `tools/fit_ln.py`
/// (truncation < 4e-8 relative in ln(1 + f)).
#[inline(always)]
pub(crate) fn ln_1p_cubic(f: f32) -> f32 {
    let mut p: f32 = -0.079_027_44;
    p = fma(p, f, 0.126_223_19);
    p = fma(p, f, -0.129_981_83);
    p = fma(p, f, 0.142_144_96);
    p = fma(p, f, -0.166_412_82);
    p = fma(p, f, 0.200_010_45);
    p = fma(p, f, -0.250_003_07);
    fma(p, f, 0.333_333_3)
}

/// ln(1 + f) from f and P = [`ln_1p_cubic`]`(f)`.
#[inline(always)]
pub(crate) fn ln_1p_with(f: f32, p: f32) -> f32 {
    fma(f * f, fma(f, p, -0.5), f)
}

/// e·ln 2 + l, with ln 2 split so that e·ln 2 loses nothing for |e| < 2⁹.
#[inline(always)]
pub(crate) fn add_exponent(e: f32, l: f32) -> f32 {
    fma(e, LN2_HI, fma(e, LN2_LO, l))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distance in units in the last place between two f32 of the same sign.
    fn ulps(a: f32, b: f32) -> u32 {
        if a == b {
            return 0;
        }
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs() as u32
    }

    /// Every f32 in [lo, hi] (both ≤ 0), in debug builds every 61st (the full sweep runs
    /// under `cargo test --release`).
    fn negatives(lo: f32, hi: f32) -> impl Iterator<Item = f32> {
        let step = if cfg!(debug_assertions) { 61 } else { 1 };
        (hi.to_bits()..=lo.to_bits())
            .step_by(step)
            .map(f32::from_bits)
    }

    /// The largest distance in ulps of `lane` from `reference` (computed in f64 and rounded
    /// once) over `xs`, with the x where it occurs.
    fn worst_ulps(
        xs: impl Iterator<Item = f32>,
        lane: impl Fn(f32) -> f32,
        reference: impl Fn(f64) -> f64,
    ) -> (u32, f32) {
        xs.map(|x| (ulps(lane(x), reference(x as f64) as f32), x))
            .fold((0, 0.0), |w, u| if u.0 > w.0 { u } else { w })
    }

    /// Every positive f32 with bits in `bits`, in debug builds every 127th.
    fn positives(bits: std::ops::Range<u32>) -> impl Iterator<Item = f32> {
        let step = if cfg!(debug_assertions) { 127 } else { 1 };
        bits.step_by(step).map(f32::from_bits)
    }

    #[test]
    fn exp_is_within_2_ulp_everywhere_the_kernels_use_it() {
        // Softmax-type kernels evaluate e^(x − max) ≤ 1: x ∈ [−87.33, 0] gives normal results.
        let worst = worst_ulps(negatives(-87.33, -0.0), exp_lane, f64::exp);
        assert!(worst.0 <= 2, "exp: {} ulp at {:e}", worst.0, worst.1);
    }

    #[test]
    fn exp_nonpositive_is_within_2_ulp_on_every_f32_it_takes() {
        let worst = worst_ulps(negatives(-87.33, -0.0), exp_nonpositive_lane, f64::exp);
        assert!(worst.0 <= 2, "exp: {} ulp at {:e}", worst.0, worst.1);
        assert_eq!(exp_nonpositive_lane(0.0), 1.0);
        assert_eq!(exp_nonpositive_lane(-0.0), 1.0);
        assert_eq!(exp_nonpositive_lane(f32::NEG_INFINITY), 0.0);
        // The short-row kernels find their irregular rows by the NaN this carries.
        assert!(exp_nonpositive_lane(f32::NAN).is_nan());
        assert_eq!(exp_nonpositive_lane(-1000.0), 0.0);
        for x in [-87.4f32, -90.0, -100.0, -103.9] {
            let v = exp_nonpositive_lane(x);
            assert!((0.0..1.2e-38).contains(&v), "{x}: {v:e}");
        }
        // Small positive arguments (a shift a hair below the maximum) are still right.
        for x in [1e-7f32, 0.5, 10.0, 88.0] {
            let reference = (x as f64).exp() as f32;
            assert!(ulps(exp_nonpositive_lane(x), reference) <= 2, "{x}");
        }
    }

    #[test]
    fn exp_on_the_positive_side_and_the_edges() {
        let step = if cfg!(debug_assertions) { 61 } else { 1 };
        for bits in (0u32..=88.72f32.to_bits()).step_by(step) {
            let x = f32::from_bits(bits);
            let reference = (x as f64).exp() as f32;
            assert!(ulps(exp_lane(x), reference) <= 2, "exp({x:e})");
        }
        assert_eq!(exp_lane(0.0), 1.0);
        assert_eq!(exp_lane(-1000.0), 0.0);
        assert_eq!(exp_lane(f32::NEG_INFINITY), 0.0);
        assert_eq!(exp_lane(89.0), f32::INFINITY);
        assert!(exp_lane(-88.0) < 1e-38);
    }

    #[test]
    fn tanh_is_within_3_ulp() {
        let step = if cfg!(debug_assertions) { 61 } else { 1 };
        let xs = (0u32..=20.0f32.to_bits())
            .step_by(step)
            .flat_map(|bits| [f32::from_bits(bits), -f32::from_bits(bits)]);
        let worst = worst_ulps(xs, tanh_lane, f64::tanh);
        assert!(worst.0 <= 3, "tanh: {} ulp at {:e}", worst.0, worst.1);
        assert_eq!(tanh_lane(100.0), 1.0);
        assert_eq!(tanh_lane(-100.0), -1.0);
        assert_eq!(tanh_lane(0.0), 0.0);
    }

    #[test]
    fn ln_is_within_2_ulp_for_every_positive_f32() {
        let worst = worst_ulps(positives(1..f32::INFINITY.to_bits()), ln_lane, f64::ln);
        assert!(worst.0 <= 2, "ln: {} ulp at {:e}", worst.0, worst.1);
        assert_eq!(ln_lane(0.0), f32::NEG_INFINITY);
        assert_eq!(ln_lane(1.0), 0.0);
    }

    /// The entropy and KL kernels take e and f from `split_scaled_lane`, ln(1 + f) as
    /// `ln_lane` does: the same split, bit for bit, on every positive normal f32, keeps them
    /// within `ln_lane`'s bound.
    #[test]
    fn scaled_split_is_the_split_for_every_normal_f32_and_finite_below() {
        let step = if cfg!(debug_assertions) { 127 } else { 1 };
        for bits in (f32::MIN_POSITIVE.to_bits()..f32::INFINITY.to_bits()).step_by(step) {
            let x = f32::from_bits(bits);
            let ((e, f), (scaled, g)) = (split_lane(x), split_scaled_lane(x));
            assert!(
                scaled == e * 8_388_608.0 && f.to_bits() == g.to_bits(),
                "{x:e}: ({e}, {f:e}) vs ({scaled}, {g:e})"
            );
        }
        // 0 and subnormals: a finite f, so that 0·ln(1 + f) is 0.
        for bits in (0u32..f32::MIN_POSITIVE.to_bits()).step_by(997) {
            let (e, f) = split_scaled_lane(f32::from_bits(bits));
            assert!(
                e.is_finite() && (-1.0..1.0).contains(&f),
                "{bits:#x}: {e}, {f}"
            );
        }
        assert_eq!(split_scaled_lane(1.0), (0.0, 0.0));
    }
}
