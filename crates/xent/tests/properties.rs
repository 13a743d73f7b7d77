//! Identities every implementation of the measures and activations must satisfy, checked on
//! random inputs with proptest.

use ndarray::Array2;
use proptest::prelude::*;
use xent::activation::{log_softmax, logsumexp, softmax, softmax_rows};
use xent::measure::{self, Options};

/// A distribution over `n` outcomes (some exactly 0), normalised in f64.
fn distribution(n: std::ops::Range<usize>) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(prop_oneof![1 => Just(0.0), 4 => 1e-6..1.0f64], n)
        .prop_filter("needs mass", |w| w.iter().sum::<f64>() > 0.0)
        .prop_map(normalise)
}

fn normalise(w: Vec<f64>) -> Vec<f64> {
    let s: f64 = w.iter().sum();
    w.into_iter().map(|x| x / s).collect()
}

/// Two distributions over the same outcomes.
fn pair() -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
    (1usize..24).prop_flat_map(|n| (distribution(n..n + 1), distribution(n..n + 1)))
}

/// A pair where Q is strictly positive wherever P is, so KL is finite.
fn pair_with_support() -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
    (1usize..24).prop_flat_map(|n| {
        (
            distribution(n..n + 1),
            prop::collection::vec(1e-6..1.0f64, n).prop_map(normalise),
        )
    })
}

fn logits() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(-1e4..1e4f64, 1..40)
}

proptest! {
    #[test]
    fn kl_is_non_negative((p, q) in pair()) {
        prop_assert!(measure::kl_divergence(&p, &q).unwrap() >= 0.0);
    }

    #[test]
    fn cross_entropy_is_at_least_entropy((p, q) in pair()) {
        let h = measure::entropy(&p).unwrap();
        let ce = measure::cross_entropy(&p, &q).unwrap();
        prop_assert!(ce >= h - 1e-12 * (1.0 + h), "H(P,Q) = {ce} < H(P) = {h}");
    }

    #[test]
    fn kl_is_cross_entropy_minus_entropy((p, q) in pair_with_support()) {
        let h = measure::entropy(&p).unwrap();
        let ce = measure::cross_entropy(&p, &q).unwrap();
        let kl = measure::kl_divergence(&p, &q).unwrap();
        prop_assert!((kl - (ce - h)).abs() <= 1e-12 * (1.0 + ce), "{kl} vs {ce} − {h}");
    }

    #[test]
    fn js_is_symmetric_and_bounded_by_ln_2((p, q) in pair()) {
        let pq = measure::js_divergence(&p, &q).unwrap();
        let qp = measure::js_divergence(&q, &p).unwrap();
        prop_assert_eq!(pq, qp);
        prop_assert!((0.0..=std::f64::consts::LN_2 * (1.0 + 1e-15)).contains(&pq), "{}", pq);
    }

    #[test]
    fn entropy_lies_between_zero_and_log_n(p in distribution(1..50)) {
        let h = measure::entropy(&p).unwrap();
        prop_assert!(h >= 0.0 && h <= (p.len() as f64).ln() + 1e-12, "{h}");
        let pp = measure::perplexity(&p).unwrap();
        prop_assert!(pp >= 1.0 - 1e-12 && pp <= p.len() as f64 * (1.0 + 1e-12));
    }

    #[test]
    fn mutual_information_identities(cells in distribution(4..5), rows in 1usize..3) {
        // A 2×2 or 1×4 joint table.
        let shape = if rows == 1 { (1, 4) } else { (2, 2) };
        let joint = Array2::from_shape_vec(shape, cells).unwrap();
        let options = Options::new();
        let mi = options.mutual_information(joint.view()).unwrap();
        let hxy = options.joint_entropy(joint.view()).unwrap();
        let hx = measure::entropy(joint.sum_axis(ndarray::Axis(1)).view()).unwrap();
        let hy = measure::entropy(joint.sum_axis(ndarray::Axis(0)).view()).unwrap();
        let h_y_given_x = options.conditional_entropy(joint.view()).unwrap();
        prop_assert!(mi >= 0.0);
        prop_assert!(mi <= hx.min(hy) + 1e-12);
        prop_assert!((mi - (hx + hy - hxy)).abs() <= 1e-12, "{mi} vs {}", hx + hy - hxy);
        prop_assert!((h_y_given_x - (hxy - hx)).abs() <= 1e-12);
    }

    #[test]
    fn softmax_rows_sum_to_one(x in logits()) {
        let p = softmax(&x);
        let s: f64 = p.iter().sum();
        prop_assert!((s - 1.0).abs() <= 1e-13, "sum {s}");
        prop_assert!(p.iter().all(|&v| (0.0..=1.0).contains(&v)));
        let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
        let s32: f64 = softmax(&x32).iter().map(|&v| v as f64).sum();
        prop_assert!((s32 - 1.0).abs() <= 1e-5, "f32 sum {s32}");
    }

    #[test]
    fn log_softmax_is_invariant_to_adding_a_constant(x in logits(), c in -100.0..100.0f64) {
        let shifted: Vec<f64> = x.iter().map(|&v| v + c).collect();
        let (a, b) = (log_softmax(&x), log_softmax(&shifted));
        for (u, v) in a.iter().zip(&b) {
            // Adding c rounds each logit by up to ½ ulp of 1e4 ≈ 1e-12.
            prop_assert!((u - v).abs() <= 1e-11 * (1.0 + u.abs()), "{u} vs {v}");
        }
    }

    #[test]
    fn logsumexp_is_at_least_the_max_and_at_most_max_plus_log_n(x in logits()) {
        let m = x.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let l = logsumexp(&x);
        prop_assert!(l >= m);
        prop_assert!(l <= m + (x.len() as f64).ln() + 1e-12);
    }

    #[test]
    fn exp_of_log_softmax_is_softmax(x in logits()) {
        for (lp, p) in log_softmax(&x).iter().zip(softmax(&x)) {
            prop_assert!((lp.exp() - p).abs() <= 1e-15 + 1e-13 * p);
        }
    }

    #[test]
    fn rows_of_a_strided_view_give_the_same_softmax(x in prop::collection::vec(-50.0..50.0f64, 12)) {
        let a = Array2::from_shape_vec((3, 4), x).unwrap();
        let t = a.t().to_owned();          // standard layout, 4×3
        let from_strided = softmax_rows(t.t()); // 3×4 view with strided rows
        let from_contiguous = softmax_rows(a.view());
        prop_assert_eq!(from_strided, from_contiguous);
    }
}

/// Issue 14: one logsumexp. Cross-entropy's per-row logsumexp (what a fused kernel saves
/// for its backward pass) is the activation's, to the bit, for short rows (the transposed
/// kernels), long rows and rows split across threads, with ignored and irregular rows among
/// them.
#[test]
fn cross_entropy_and_the_activation_share_one_logsumexp() {
    use xent::activation::logsumexp_rows;
    use xent::loss::CrossEntropy;
    for (rows, classes) in [
        (1000, 3),
        (257, 10),
        (300, 32),
        (40, 33),
        (17, 1000),
        (2, 40_000),
    ] {
        let mut z = ndarray::Array2::from_shape_fn((rows, classes), |(i, j)| {
            let k = (i * 7919 + j * 104_729) % 1_000_003;
            (k as f32 / 1_000_003.0 - 0.5) * 30.0
        });
        z[[rows / 2, 0]] = f32::INFINITY;
        z[[rows - 1, classes - 1]] = f32::NAN;
        let targets: Vec<i64> = (0..rows)
            .map(|i| {
                if i % 7 == 3 {
                    -100
                } else {
                    (i % classes) as i64
                }
            })
            .collect();
        let (_, lse) = CrossEntropy::new()
            .forward_lse(z.view(), &targets)
            .expect("valid");
        let reference = logsumexp_rows(z.view());
        for (i, (a, b)) in lse.iter().zip(&reference).enumerate() {
            assert!(
                a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
                "{rows}×{classes}, row {i}: cross-entropy {a}, logsumexp {b}"
            );
        }
    }
}
