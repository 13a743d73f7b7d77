#!/usr/bin/env python3
"""Coefficients of the polynomial in `ln_split_lane` (crates/xent/src/kernels/simd/math.rs).

ln(1 + f) = f - f^2/2 + f^3 P(f) for f = m - 1, m in [sqrt(1/2), sqrt(2)).  P is the
Chebyshev fit (near-minimax) of (ln(1 + f) - f + f^2/2) / f^3 on that interval, computed in
40-digit arithmetic and printed rounded to f32, highest degree first (Horner order).

Run: python3 tools/fit_ln.py [degree]   (needs mpmath; the kernel uses degree 7)
"""
import struct
import sys

import mpmath as mp

mp.mp.dps = 40
LO, HI = mp.sqrt(0.5) - 1, mp.sqrt(2) - 1


def tail_over_cube(f):
    if abs(f) < mp.mpf("1e-12"):
        return mp.mpf(1) / 3 - f / 4  # the series' first two terms: the quotient is 0/0 at f = 0
    return (mp.log1p(f) - f + f * f / 2) / f**3


def as_f32(x):
    return struct.unpack("f", struct.pack("f", float(x)))[0]


degree = int(sys.argv[1]) if len(sys.argv) > 1 else 7
coefficients, error = mp.chebyfit(tail_over_cube, [LO, HI], degree + 1, error=True)
# The fit's absolute error in P, scaled by the largest f^3 / ln(1 + f): relative error in ln m.
worst = error * HI**3 / mp.log1p(HI)
print(f"degree {degree}: |P error| <= {mp.nstr(error, 3)}, relative in ln m <= {mp.nstr(worst, 3)}")
for c in coefficients:
    print(repr(as_f32(c)))
