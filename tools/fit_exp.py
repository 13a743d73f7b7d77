#!/usr/bin/env python3
"""Coefficients of the polynomial in `exp_nonpositive_lane` (crates/xent/src/kernels/simd/math.rs).

e^r = 1 + r + r^2 R(r) for r in [-ln 2/2, ln 2/2].  R is the Chebyshev fit (near-minimax) of
(e^r - 1 - r) / r^2 on that interval, computed in 40-digit arithmetic and printed rounded to
f32, highest degree first (Horner order).

Run: python3 tools/fit_exp.py [degree]   (needs mpmath; the kernel uses degree 4)
"""
import struct
import sys

import mpmath as mp

mp.mp.dps = 40
HALF_LN2 = mp.log(2) / 2


def tail_over_square(r):
    if abs(r) < mp.mpf("1e-12"):
        return mp.mpf(1) / 2 + r / 6  # the series' first two terms: the quotient is 0/0 at r = 0
    return (mp.exp(r) - 1 - r) / r**2


degree = int(sys.argv[1]) if len(sys.argv) > 1 else 4
coefficients, error = mp.chebyfit(tail_over_square, [-HALF_LN2, HALF_LN2], degree + 1, error=True)
# The fit's absolute error in R, scaled by the largest r^2 / e^r: relative error in e^r.
worst = error * HALF_LN2**2 / mp.exp(-HALF_LN2)
print(f"degree {degree}: |R error| <= {mp.nstr(error, 3)}, relative in e^r <= {mp.nstr(worst, 3)}")
for c in coefficients:
    print(repr(struct.unpack("f", struct.pack("f", float(c)))[0]))
