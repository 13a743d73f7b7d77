//! Accuracy at the extremes, in f32 and f64, and the documented results for ±∞, NaN and
//! empty inputs.

mod common;

use common::prec::rel_err;
use ndarray::{array, Array2};
use xent::activation::{
    log_sigmoid, log_softmax, log_softmax_rows, logsumexp, sigmoid, softmax, softplus, LogSoftmax,
    RowActivation, Softmax,
};
use xent::measure::{self, Options};
use xent::{Base, Error, InputPolicy};

const NEG_INF: f64 = f64::NEG_INFINITY;
const INF: f64 = f64::INFINITY;

#[test]
fn log_softmax_is_exact_for_logits_of_ten_thousand() {
    assert_eq!(log_softmax(&[1e4, -1e4, 0.0]), vec![0.0, -2e4, -1e4]);
    assert_eq!(log_softmax(&[1e4f32, -1e4, 0.0]), vec![0.0, -2e4, -1e4]);
    assert_eq!(softmax(&[1e4f32, -1e4, 0.0]), vec![1.0, 0.0, 0.0]);
    // The small entry keeps its exact value instead of underflowing through ln(softmax).
    let y = log_softmax(&[0.0f32, -200.0]);
    assert_eq!(y[1], -200.0);
}

#[test]
fn logsumexp_keeps_terms_far_below_the_maximum() {
    // ln(1 + e^−40) = e^−40 to within e^−80: a naive max + ln(sum) returns exactly 0.
    let l = logsumexp(&[0.0, -40.0]);
    assert!(rel_err(l, (-40f64).exp()) < 1e-15, "{l:e}");
    assert_eq!(logsumexp(&[1e308, 1e308]), 1e308 + std::f64::consts::LN_2);
    assert_eq!(logsumexp(&[88.0f32, 88.0]), 88.0 + std::f32::consts::LN_2);
}

#[test]
fn minus_infinity_entries_get_probability_zero() {
    assert_eq!(softmax(&[0.0, NEG_INF, 0.0]), vec![0.5, 0.0, 0.5]);
    assert_eq!(log_softmax(&[0.0, NEG_INF])[1], NEG_INF);
}

#[test]
fn an_all_minus_infinity_row_is_uniform() {
    assert_eq!(softmax(&[NEG_INF; 4]), vec![0.25; 4]);
    let y = log_softmax(&[f32::NEG_INFINITY; 2]);
    assert_eq!(y, vec![-std::f32::consts::LN_2; 2]);
    assert_eq!(logsumexp(&[NEG_INF; 3]), NEG_INF);
}

#[test]
fn plus_infinity_entries_share_the_mass() {
    assert_eq!(softmax(&[INF, 0.0, INF]), vec![0.5, 0.0, 0.5]);
    assert_eq!(log_softmax(&[INF, 3.0]), vec![0.0, NEG_INF]);
    assert_eq!(logsumexp(&[INF, NEG_INF]), INF);
}

#[test]
fn nan_poisons_its_row_only() {
    let x = array![[0.0, f64::NAN], [1.0, 1.0]];
    let y = log_softmax_rows(x.view());
    assert!(y.row(0).iter().all(|v| v.is_nan()));
    assert_eq!(y.row(1).to_vec(), vec![-std::f64::consts::LN_2; 2]);
    assert!(logsumexp(&[f64::NAN, INF]).is_nan());
    assert!(sigmoid(f64::NAN).is_nan() && softplus(f32::NAN).is_nan());
}

#[test]
fn empty_rows_stay_empty() {
    assert!(softmax::<f64>(&[]).is_empty());
    assert_eq!(logsumexp::<f64>(&[]), NEG_INF);
    assert_eq!(
        measure::entropy::<f64>(&[]),
        Err(Error::Empty { input: "p" })
    );
    let no_rows = ndarray::Array2::<f64>::zeros((0, 3));
    assert_eq!(
        Options::new().entropy_rows(no_rows.view()).unwrap().len(),
        0
    );
}

#[test]
fn temperature_divides_the_logits() {
    let t = Softmax::new().temperature(2.0).unwrap().apply(&[2.0, 4.0]);
    assert_eq!(t, softmax(&[1.0, 2.0]));
    let l = LogSoftmax::new()
        .temperature(0.5)
        .unwrap()
        .apply(&[1.0f32, 2.0]);
    assert_eq!(l, log_softmax(&[2.0f32, 4.0]));
    for bad in [0.0, -1.0, f64::NAN, INF] {
        assert!(matches!(
            Softmax::new().temperature(bad),
            Err(Error::InvalidParameter {
                name: "temperature",
                ..
            })
        ));
    }
}

#[test]
fn softplus_never_overflows() {
    assert_eq!(softplus(1000.0), 1000.0);
    assert_eq!(softplus(1e308), 1e308);
    assert_eq!(softplus(-1000.0), 0.0);
    assert_eq!(softplus(100.0f32), 100.0);
    assert_eq!(softplus(INF), INF);
    assert_eq!(softplus(NEG_INF), 0.0);
    // ln(1 + ε) = ε − ε²/2: at ε = e^−30 the second term is still visible.
    let e = (-30f64).exp();
    assert!(rel_err(softplus(-30.0), e - e * e / 2.0) < 1e-15);
    // PyTorch's default threshold would return exactly 21 here; the true value is larger.
    assert!(softplus(21.0f64) > 21.0);
}

#[test]
fn sigmoid_and_log_sigmoid_at_the_extremes() {
    assert_eq!(sigmoid(800.0), 1.0);
    assert_eq!(sigmoid(-800.0), 0.0);
    assert!(rel_err(sigmoid(-700.0), (-700f64).exp()) < 1e-14);
    assert_eq!(log_sigmoid(-800.0), -800.0);
    assert_eq!(log_sigmoid(-1e4f32), -1e4);
    assert_eq!(log_sigmoid(800.0), 0.0);
    assert!(rel_err(log_sigmoid(40.0), -(-40f64).exp()) < 1e-15);
    assert_eq!(sigmoid(INF), 1.0);
    assert_eq!(log_sigmoid(NEG_INF), NEG_INF);
}

/// D(P‖Q) for P = (a + δ, b − δ), Q = (a, b), a + b = 1, as its power series in δ:
/// Σ_{k≥2} (−1)^k δ^k / (k(k−1)) · (a^(1−k) + (−1)^k b^(1−k)).
fn two_point_kl(a: f64, b: f64, delta: f64) -> f64 {
    (2..40)
        .map(|k| {
            let sign = if k % 2 == 0 { 1.0 } else { -1.0 };
            let kf = k as f64;
            sign * delta.powi(k) / (kf * (kf - 1.0)) * (a.powi(1 - k) + sign * b.powi(1 - k))
        })
        .sum()
}

#[test]
fn kl_is_accurate_at_a_divergence_of_1e_minus_18() {
    // δ = k·2⁻⁴⁰ ≈ 7e-10 and Q = (3/8, 5/8) keep P and Q exact in f64 and summing to
    // exactly 1, so the series is the true divergence of these very numbers: ≈ 1e-18.
    let (a, b) = (0.375, 0.625);
    let mut naive_failures = 0;
    for k in 700..900 {
        let delta = k as f64 * 2f64.powi(-40);
        let p = [a + delta, b - delta];
        let q = [a, b];
        let truth = two_point_kl(a, b, delta);
        assert!((0.8e-18..1.5e-18).contains(&truth), "{truth:e}");
        let kl = measure::kl_divergence(&p, &q).unwrap();
        assert!(
            rel_err(kl, truth) < 1e-6,
            "k = {k}: xent {kl:e} vs {truth:e}"
        );
        let back = measure::kl_divergence(&q, &p).unwrap();
        assert!(rel_err(back, truth) < 1e-3, "k = {k}: D(Q‖P) {back:e}");
        // JS, built on the same kernel, is accurate too (≈ D/4 for small δ).
        let js = measure::js_divergence(&p, &q).unwrap();
        assert!(rel_err(js, truth / 4.0) < 1e-3, "k = {k}: JS {js:e}");
        // The naive Σ p ln(p/q) (how SciPy's rel_entr sums) is mostly rounding noise here.
        let naive: f64 = p.iter().zip(&q).map(|(x, y)| x * (x / y).ln()).sum();
        if rel_err(naive, truth) > 1e-3 {
            naive_failures += 1;
        }
    }
    assert!(
        naive_failures > 100,
        "naive failed only {naive_failures} of 200"
    );
}

#[test]
fn kl_accuracy_holds_across_scales() {
    for exponent in [-30, -25, -20, -15, -10, -5, -4] {
        let delta = 2f64.powi(exponent);
        let p = [0.375 + delta, 0.625 - delta];
        let kl = measure::kl_divergence(&p, &[0.375, 0.625]).unwrap();
        let truth = two_point_kl(0.375, 0.625, delta);
        assert!(
            rel_err(kl, truth) < 1e-13,
            "δ = 2^{exponent}: {kl:e} vs {truth:e}"
        );
    }
}

#[test]
fn probabilities_down_to_1e_minus_300() {
    let tiny = 1e-300;
    let h = measure::entropy(&[1.0 - tiny, tiny]).unwrap();
    assert!(rel_err(h, -tiny * tiny.ln()) < 1e-14, "{h:e}");
    let ce = measure::cross_entropy(&[1.0, 0.0], &[tiny, 1.0]).unwrap();
    assert!(rel_err(ce, 300.0 * std::f64::consts::LN_10) < 1e-15);
    let hb = measure::binary_entropy(tiny).unwrap();
    assert!(rel_err(hb, tiny * (1.0 - tiny.ln())) < 1e-14, "{hb:e}");
    // Subnormal q: p/q overflows, the divergence does not.
    let kl = measure::kl_divergence(&[0.5, 0.5], &[1.0, 1e-310]).unwrap();
    let expected = 0.5 * (0.5f64).ln() + 0.5 * (0.5f64.ln() - 1e-310f64.ln());
    assert!(rel_err(kl, expected) < 1e-14, "{kl:e}");
    // f32 probabilities below f32's normal range are widened, not flushed.
    let h32 = measure::entropy(&[1.0f32, 1e-40]).unwrap();
    assert!(rel_err(h32 as f64, -(1e-40f32 as f64) * (1e-40f32 as f64).ln()) < 1e-6);
}

/// The f32 rows below take the vectorised kernels (contiguous, 64 columns); subnormal
/// elements must send their row to the exact kernel, not through the vector log.
#[test]
fn vectorised_rows_with_subnormal_elements_keep_their_exact_values() {
    let mut p = Array2::<f32>::zeros((3, 64));
    let mut q = Array2::<f32>::from_elem((3, 64), 1.0 / 64.0);
    p[[0, 0]] = 1.0;
    p[[0, 5]] = 1e-40; // H ≈ 9e-39: the subnormal term is all of it
    p[[1, 0]] = 0.5;
    p[[1, 1]] = 0.5;
    q[[1, 1]] = 1e-40; // p/q = 5e39 overflows f32
    q[[1, 0]] = 1.0 - 62.0 / 64.0;
    p.row_mut(2).fill(1.0 / 64.0);
    p[[2, 3]] = 1e-39; // p/q subnormal-free, but p itself subnormal
    p[[2, 4]] = 2.0 / 64.0 - 1e-39;
    let exact = |a: &[f32], b: &[f32]| -> (f64, f64) {
        let (mut h, mut d) = (0.0f64, 0.0f64);
        for (&x, &y) in a.iter().zip(b) {
            let (x, y) = (x as f64, y as f64);
            if x > 0.0 {
                h -= x * x.ln();
                d += x * (x / y).ln();
            }
        }
        (h, d)
    };
    let options = Options::new();
    let h = options.entropy_rows(p.view()).unwrap();
    let d = options.kl_divergence_rows(p.view(), q.view()).unwrap();
    for i in 0..3 {
        let (eh, ed) = exact(p.row(i).as_slice().unwrap(), q.row(i).as_slice().unwrap());
        assert!(
            rel_err(h[i] as f64, eh) < 1e-6,
            "row {i}: H {} vs {eh:e}",
            h[i]
        );
        assert!(
            rel_err(d[i] as f64, ed) < 1e-5,
            "row {i}: KL {} vs {ed:e}",
            d[i]
        );
    }
}

#[test]
fn zero_conventions() {
    // 0·log 0 = 0; p = 0 ignores q even when q = 0; p > 0 with q = 0 is +∞.
    assert_eq!(measure::entropy(&[1.0, 0.0]).unwrap(), 0.0);
    assert_eq!(
        measure::cross_entropy(&[1.0, 0.0], &[1.0, 0.0]).unwrap(),
        0.0
    );
    assert_eq!(
        measure::cross_entropy(&[0.5, 0.5], &[1.0, 0.0]).unwrap(),
        INF
    );
    assert_eq!(
        measure::kl_divergence(&[0.5, 0.5], &[1.0, 0.0]).unwrap(),
        INF
    );
    assert_eq!(
        measure::kl_divergence(&[1.0, 0.0], &[1.0, 0.0]).unwrap(),
        0.0
    );
    assert!(measure::js_divergence(&[1.0f64, 0.0], &[0.0, 1.0])
        .unwrap()
        .is_finite());
    assert_eq!(measure::self_information(0.0).unwrap(), INF);
    assert_eq!(measure::binary_entropy(1.0).unwrap(), 0.0);
}

#[test]
fn strict_policy_names_what_is_wrong_and_where() {
    let rows = array![[0.5, 0.5], [0.2, f64::NAN]];
    let err = Options::new().entropy_rows(rows.view()).unwrap_err();
    assert!(
        matches!(err, Error::InvalidProbability { input: "p", row: 1, col: 1, value } if value.is_nan())
    );
    let err = measure::kl_divergence(&[0.5, 0.5], &[0.5, 0.6]).unwrap_err();
    assert!(
        matches!(err, Error::NotNormalized { input: "q", row: 0, sum, .. } if (sum - 1.1).abs() < 1e-12)
    );
    let err = measure::cross_entropy(&[0.5, 0.5], &[1.0]).unwrap_err();
    assert_eq!(
        err,
        Error::ShapeMismatch {
            input: "q",
            expected: vec![2],
            found: vec![1]
        }
    );
    let err = Options::new()
        .policy(InputPolicy::Normalize)
        .entropy(&[0.0, 0.0])
        .unwrap_err();
    assert_eq!(err, Error::ZeroSum { input: "p", row: 0 });
    assert!(measure::self_information(1.5).is_err());
    assert!(matches!(
        Options::new().tolerance(-1.0).entropy(&[1.0]),
        Err(Error::InvalidParameter {
            name: "tolerance",
            ..
        })
    ));
}

#[test]
fn tolerance_is_on_the_row_sum() {
    let printed = [0.333333, 0.333333, 0.333334];
    assert!(measure::entropy(&printed).is_ok());
    let off = [0.3333, 0.3333, 0.3333];
    assert!(measure::entropy(&off).is_err());
    assert!(Options::new().tolerance(1e-3).entropy(&off).is_ok());
    // f32 inputs get the looser default.
    assert!(measure::entropy(&[0.33333f32, 0.33333, 0.33334]).is_ok());
}

#[test]
fn unchecked_policy_skips_validation() {
    let unchecked = Options::new().policy(InputPolicy::Unchecked);
    assert!(unchecked.entropy(&[-0.5f64, 1.5]).unwrap().is_nan());
    assert_eq!(
        unchecked.entropy(&[0.5, 0.5]).unwrap(),
        std::f64::consts::LN_2
    );
}

#[test]
fn bases_convert_consistently() {
    let p = [0.1, 0.2, 0.3, 0.4];
    let nats = measure::entropy(&p).unwrap();
    for base in [Base::BITS, Base::BANS, Base::new(3.0).unwrap()] {
        let h = Options::new().base(base).entropy(&p).unwrap();
        assert!(rel_err(h * base.value().ln(), nats) < 1e-15);
    }
    assert_eq!("bits".parse::<Base>().unwrap(), Base::BITS);
    assert!(matches!(
        "0".parse::<Base>(),
        Err(Error::InvalidBase { .. })
    ));
    assert!(matches!(
        "two".parse::<Base>(),
        Err(Error::UnknownBase { .. })
    ));
}

/// The vectorised f32 batch path keeps the accuracy of the exact kernel when P ≈ Q and
/// agrees with it elsewhere.
#[test]
fn f32_batch_divergences_match_the_exact_kernel() {
    let rows = 64;
    let cols = 3000;
    let base = Array2::from_shape_fn((rows, cols), |(i, j)| 1.0 + ((i * 31 + j * 17) % 97) as f64);
    let normalise = |a: Array2<f64>| {
        let mut a = a;
        for mut r in a.rows_mut() {
            let s = r.sum();
            r.mapv_inplace(|v| v / s);
        }
        a.mapv(|v| v as f32)
    };
    let p = normalise(base.clone());
    // Q: P nudged by a few ulps in some rows, by a lot in others.
    let q = normalise(Array2::from_shape_fn((rows, cols), |(i, j)| {
        let wiggle = if i % 2 == 0 { 1e-6 } else { 0.3 };
        base[[i, j]] * (1.0 + wiggle * (((i + j) % 7) as f64 - 3.0))
    }));
    let fast = Options::new()
        .kl_divergence_rows(p.view(), q.view())
        .unwrap();
    let h_fast = Options::new().entropy_rows(p.view()).unwrap();
    for i in 0..rows {
        let (pr, qr) = (p.row(i).mapv(f64::from), q.row(i).mapv(f64::from));
        let exact = measure::kl_divergence(&pr.to_vec(), &qr.to_vec()).unwrap();
        assert!(
            rel_err(fast[i] as f64, exact) < 1e-4,
            "row {i}: {} vs {exact:e}",
            fast[i]
        );
        let h = measure::entropy(&pr.to_vec()).unwrap();
        assert!(
            rel_err(h_fast[i] as f64, h) < 1e-6,
            "row {i}: {} vs {h}",
            h_fast[i]
        );
    }
    let ce = Options::new()
        .cross_entropy_rows(p.view(), q.view())
        .unwrap();
    for i in 0..rows {
        let (pr, qr) = (p.row(i).mapv(f64::from), q.row(i).mapv(f64::from));
        let exact = measure::cross_entropy(&pr.to_vec(), &qr.to_vec()).unwrap();
        assert!(
            rel_err(ce[i] as f64, exact) < 1e-6,
            "row {i}: {} vs {exact}",
            ce[i]
        );
    }
    // One-hot rows, and a q = 0 under p > 0 (+∞), through the f32 batch path.
    let onehot = array![[0.0f32, 1.0, 0.0], [1.0, 0.0, 0.0]];
    let pred = array![[0.25f32, 0.5, 0.25], [0.0, 0.5, 0.5]];
    let ce = Options::new()
        .cross_entropy_rows(onehot.view(), pred.view())
        .unwrap();
    assert_eq!(ce[0], std::f32::consts::LN_2);
    assert_eq!(ce[1], f32::INFINITY);
    // Rows that fail the strict checks are reported exactly as on the exact path.
    let mut bad = p.clone();
    bad[[5, 7]] = -0.1;
    let err = Options::new().entropy_rows(bad.view()).unwrap_err();
    assert!(
        matches!(err, Error::InvalidProbability { row: 5, col: 7, .. }),
        "{err}"
    );
    // The same for KL, whichever operand holds the negative value, and with both negative at
    // the same place (where p/q is positive).
    let mut bad_q = q.clone();
    bad_q[[9, 11]] = -0.1;
    let mut bad_pq = bad.clone();
    bad_pq[[5, 7]] = -1e-3;
    let mut bad_qq = q.clone();
    bad_qq[[5, 7]] = -2e-3;
    for (a, b, operand, row, col) in [
        (&bad, &q, "p", 5, 7),
        (&p, &bad_q, "q", 9, 11),
        (&bad_pq, &bad_qq, "p", 5, 7),
    ] {
        let err = Options::new()
            .kl_divergence_rows(a.view(), b.view())
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidProbability { input, row: r, col: c, .. }
                if input == operand && r == row && c == col),
            "{err}"
        );
    }
}

#[test]
fn f32_batch_logsumexp_matches_the_exact_kernel() {
    let x = Array2::from_shape_fn((50, 1000), |(i, j)| ((i * 13 + j * 7) % 29) as f32 - 14.0);
    let fast = xent::activation::logsumexp_rows(x.view());
    for (i, row) in x.rows().into_iter().enumerate() {
        let exact = logsumexp(&row.mapv(f64::from).to_vec());
        assert!(
            rel_err(fast[i] as f64, exact) < 1e-6,
            "{} vs {exact}",
            fast[i]
        );
    }
    let special = array![
        [f32::NEG_INFINITY, f32::NEG_INFINITY],
        [0.0, f32::NAN],
        [1.0, f32::INFINITY]
    ];
    let l = xent::activation::logsumexp_rows(special.view());
    assert_eq!(l[0], f32::NEG_INFINITY);
    assert!(l[1].is_nan());
    assert_eq!(l[2], f32::INFINITY);
    // Short rows, 16 at a time (by register transposes from 8 classes up), with the same
    // irregular rows inside a full group.
    for (n, v) in [(5usize, 3usize), (64, 10), (37, 32), (33, 9)] {
        let mut x = Array2::from_shape_fn((n, v), |(i, j)| ((i * 7 + j * 13) % 31) as f32 - 15.0);
        if n > 20 {
            x[[2, 1]] = f32::NAN;
            x[[17, 0]] = f32::INFINITY;
            x.row_mut(19).fill(f32::NEG_INFINITY);
        }
        let fast = xent::activation::logsumexp_rows(x.view());
        for (i, row) in x.rows().into_iter().enumerate() {
            let exact = logsumexp(&row.mapv(f64::from).to_vec());
            let (a, b) = (fast[i] as f64, exact);
            assert!(
                a == b || (a.is_nan() && b.is_nan()) || rel_err(a, b) < 1e-6,
                "{n}x{v} row {i}: {a} vs {b}"
            );
        }
    }
}

/// The f32 batch softmax and log-softmax of short rows (16 at a time, moved in by register
/// transposes from 8 classes up) against the exact 1-D functions in f64, out of place and in
/// place, with irregular rows (NaN, +∞, all −∞) inside a full group of 16.
#[test]
fn f32_batch_softmax_of_short_rows_matches_the_exact_functions() {
    use xent::activation::softmax_rows;
    for (n, v) in [(5usize, 3usize), (64, 10), (48, 9), (37, 32), (33, 17)] {
        let mut x =
            Array2::from_shape_fn((n, v), |(i, j)| ((i * 7 + j * 13) % 31) as f32 * 0.7 - 10.0);
        if n > 20 {
            x[[2, 1]] = f32::NAN;
            x[[17, 0]] = f32::INFINITY;
            x.row_mut(19).fill(f32::NEG_INFINITY);
        }
        let p = softmax_rows(x.view());
        let lp = log_softmax_rows(x.view());
        let mut p_in = x.clone();
        Softmax::new().apply_rows_in_place(p_in.view_mut());
        let mut lp_in = x.clone();
        LogSoftmax::new().apply_rows_in_place(lp_in.view_mut());
        for (i, row) in x.rows().into_iter().enumerate() {
            let row64: Vec<f64> = row.iter().map(|&z| z as f64).collect();
            let (ep, elp) = (softmax(&row64), log_softmax(&row64));
            for j in 0..v {
                let close = |a: f32, b: f64, tol: f64| {
                    a as f64 == b || (a.is_nan() && b.is_nan()) || (a as f64 - b).abs() <= tol
                };
                assert!(close(p[[i, j]], ep[j], 1e-6), "{n}x{v} softmax [{i}, {j}]");
                assert!(
                    close(lp[[i, j]], elp[j], 2e-6 * elp[j].abs().max(1.0)),
                    "{n}x{v} log-softmax [{i}, {j}]: {} vs {}",
                    lp[[i, j]],
                    elp[j]
                );
                let same =
                    |a: f32, b: f32| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
                assert!(
                    same(p_in[[i, j]], p[[i, j]]),
                    "{n}x{v} softmax in place [{i}, {j}]"
                );
                assert!(
                    same(lp_in[[i, j]], lp[[i, j]]),
                    "{n}x{v} log-softmax in place [{i}, {j}]"
                );
            }
        }
    }
}
