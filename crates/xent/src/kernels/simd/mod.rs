//! Vectorised `f32` math (and an `f64` exp and ln) with runtime dispatch: AVX-512,
//! AVX2 + FMA, or portable scalar.
//!
//! Every kernel here is written once as plain Rust over 16-lane chunks (`[f32; 16]`), so that
//! LLVM vectorises it, and compiled three times by [`dispatch!`]: with AVX-512 enabled, with
//! AVX2 + FMA enabled, and for the baseline target. The CPU is probed once; the `unsafe` of
//! calling a `#[target_feature]` function lives only in that macro, guarded by the probe.
//! On other architectures (NEON on aarch64 is part of the baseline) the portable version is
//! what LLVM vectorises.

mod bytes;
mod divergence;
mod lanes;
mod math;
mod math64;
mod rows;
mod stream;
pub(crate) mod transpose;

pub(crate) use bytes::{bytes_divided, bytes_standardized};
pub(crate) use divergence::{
    cross_row, entropy_row, entropy_row_unchecked, kl_row, kl_row_unchecked, KlRow,
};
pub(crate) use lanes::{lane_stats, load_rows};
pub(crate) use math::LANES;
pub(crate) use math64::{exp_in_place_f64, ln_in_place_f64};
pub(crate) use rows::{
    exp_shift_sum, exp_shift_sum_in_place, exp_shift_sum_into, max_and_sums, online_sum_exp,
    scale_shift_in_place, shift_in_place, shift_into, soft_grad_in_place, softcap_grad_in_place,
    tanh_cap_in_place, tanh_cap_into, target_sums, RowStats,
};
pub(crate) use stream::shift_into_streaming;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    #[cfg(target_arch = "x86_64")]
    Avx512,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    Portable,
}

/// The best instruction set this CPU has, probed once.
pub(crate) fn level() -> Level {
    static LEVEL: std::sync::OnceLock<Level> = std::sync::OnceLock::new();
    *LEVEL.get_or_init(|| {
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("avx512f")
                && std::is_x86_feature_detected!("avx512dq")
                && std::is_x86_feature_detected!("avx512vl")
                && std::is_x86_feature_detected!("avx512bw")
                && std::is_x86_feature_detected!("fma")
            {
                return Level::Avx512;
            }
            if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
                return Level::Avx2;
            }
        }
        Level::Portable
    })
}

/// Defines `pub(crate) fn $name(args) -> ret` that runs `$body(args)` compiled for the best
/// available instruction set. `$body` must be `#[inline(always)]` so that it is compiled
/// inside each `#[target_feature]` wrapper.
macro_rules! dispatch {
    ($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty = $body:path) => {
        $(#[$doc])*
        pub(crate) fn $name($($arg: $ty),*) -> $ret {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")]
                fn avx512($($arg: $ty),*) -> $ret {
                    $body($($arg),*)
                }
                #[target_feature(enable = "avx2,fma")]
                fn avx2($($arg: $ty),*) -> $ret {
                    $body($($arg),*)
                }
                match $crate::kernels::simd::level() {
                    // SAFETY: `level()` returned this variant only after the CPU reported
                    // every feature the wrapper is compiled for.
                    $crate::kernels::simd::Level::Avx512 => return unsafe { avx512($($arg),*) },
                    // SAFETY: as above, for AVX2 and FMA.
                    $crate::kernels::simd::Level::Avx2 => return unsafe { avx2($($arg),*) },
                    $crate::kernels::simd::Level::Portable => {}
                }
            }
            $body($($arg),*)
        }
    };
}
pub(crate) use dispatch;
