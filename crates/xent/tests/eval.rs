//! Evaluation metrics against scikit-learn reference values and hand-computed cases.

mod common;

use ndarray::array;
use xent::eval::{evaluate, Labels, Options, Predictions};
use xent::Error;

/// The report's numbers, with empty bins (NaN confidence) left out so that reports compare.
fn numbers(r: &xent::eval::Report) -> Vec<f64> {
    let mut v = vec![
        r.log_loss,
        r.log_loss_se,
        r.accuracy,
        r.top_k_accuracy,
        r.brier,
        r.ece,
        r.mce,
        r.mean_entropy,
        r.mean_kl,
    ];
    v.extend(
        r.bins
            .iter()
            .filter(|b| b.weight > 0.0)
            .flat_map(|b| [b.weight, b.confidence, b.accuracy]),
    );
    v.extend(
        r.per_class
            .iter()
            .flat_map(|c| [c.support, c.precision, c.recall, c.log_loss]),
    );
    v
}

/// Within 1e-14, relative above 1 and absolute below.
fn close(a: f64, b: f64) -> bool {
    common::prec::within(a, b, common::prec::GOLDEN, 1.0)
}

#[test]
fn binary_single_column_as_scikit_learn() {
    // sklearn.metrics.log_loss([0,1,1,0], [0.1,0.9,0.8,0.4]) = 0.23617255159896325;
    // brier_score_loss = 0.055; with sample_weight [1,2,3,4]: 0.30288146959800705.
    let p = array![[0.1], [0.9], [0.8], [0.4]];
    let r = evaluate(
        Predictions::Probabilities(p.view()),
        Labels::Classes(&[0, 1, 1, 0]),
        None,
        &Options::new(),
    )
    .unwrap();
    assert!(close(r.log_loss, 0.23617255159896325), "{}", r.log_loss);
    assert!(close(r.brier, 0.055), "{}", r.brier);
    assert_eq!(r.n_classes, 2);
    assert_eq!(r.accuracy, 1.0);
    let w = [1.0, 2.0, 3.0, 4.0];
    let r = evaluate(
        Predictions::Probabilities(p.view()),
        Labels::Classes(&[0, 1, 1, 0]),
        Some(&w),
        &Options::new(),
    )
    .unwrap();
    assert!(close(r.log_loss, 0.30288146959800705), "{}", r.log_loss);
}

#[test]
fn clipping_is_explicit() {
    // sklearn log_loss([1, 0], [0, 0]) clips to machine epsilon: 18.021826694558577.
    let p = array![[0.0], [0.0]];
    let plain = evaluate(
        Predictions::Probabilities(p.view()),
        Labels::Classes(&[1, 0]),
        None,
        &Options::new(),
    )
    .unwrap();
    assert_eq!(plain.log_loss, f64::INFINITY);
    let clip = Options::new().clip(f64::EPSILON);
    let clipped = evaluate(
        Predictions::Probabilities(p.view()),
        Labels::Classes(&[1, 0]),
        None,
        &clip,
    )
    .unwrap();
    assert!(
        close(clipped.log_loss, 18.021826694558577),
        "{}",
        clipped.log_loss
    );
}

#[test]
fn logits_log_probabilities_and_probabilities_agree() {
    let z = array![
        [2.0, 0.5, -1.0],
        [0.0, 0.0, 3.0],
        [1.0, 2.0, 0.5],
        [-3.0, 4.0, 0.0]
    ];
    let labels = [0usize, 2, 0, 1];
    let o = Options::new().top_k(2).bins(5);
    let from_logits = evaluate(
        Predictions::Logits(z.view()),
        Labels::Classes(&labels),
        None,
        &o,
    )
    .unwrap();
    let lp = xent::activation::log_softmax_rows(z.view());
    let from_lp = evaluate(
        Predictions::LogProbabilities(lp.view()),
        Labels::Classes(&labels),
        None,
        &o,
    )
    .unwrap();
    let p = lp.mapv(f64::exp);
    let from_p = evaluate(
        Predictions::Probabilities(p.view()),
        Labels::Classes(&labels),
        None,
        &o,
    )
    .unwrap();
    assert_eq!(numbers(&from_logits), numbers(&from_lp));
    assert!((from_p.log_loss - from_lp.log_loss).abs() < 1e-12);
    assert_eq!(from_logits.accuracy, 0.75);
    assert_eq!(from_logits.top_k_accuracy, 1.0);
    assert!((from_logits.perplexity - from_logits.log_loss.exp()).abs() < 1e-15);
    // One-hot labels give the same report as indices; mean KL = log-loss for one-hot labels.
    let onehot = array![
        [1.0, 0.0, 0.0],
        [0.0, 0.0, 1.0],
        [1.0, 0.0, 0.0],
        [0.0, 1.0, 0.0]
    ];
    let r = evaluate(
        Predictions::Logits(z.view()),
        Labels::Distributions(onehot.view()),
        None,
        &o,
    )
    .unwrap();
    assert_eq!(numbers(&r), numbers(&from_logits));
    assert!((r.mean_kl - r.log_loss).abs() < 1e-15);
    // Per-class support, precision and recall.
    assert_eq!(r.per_class[0].support, 2.0);
    assert_eq!(r.per_class[0].recall, 0.5);
    assert_eq!(r.per_class[1].precision, 0.5);
}

#[test]
fn calibration_error_by_hand() {
    // Two samples at confidence 0.9 (one right) and two at 0.6 (both right), 10 bins:
    // ECE = ½|0.5 − 0.9| + ½|1 − 0.6| = 0.4, MCE = 0.4.
    let p = array![[0.9, 0.1], [0.9, 0.1], [0.6, 0.4], [0.6, 0.4]];
    let o = Options::new().bins(10);
    let r = evaluate(
        Predictions::Probabilities(p.view()),
        Labels::Classes(&[0, 1, 0, 0]),
        None,
        &o,
    )
    .unwrap();
    assert!((r.ece - 0.4).abs() < 1e-15, "{}", r.ece);
    assert!((r.mce - 0.4).abs() < 1e-15);
    assert_eq!(r.bins.iter().filter(|b| b.weight > 0.0).count(), 2);
}

#[test]
fn bad_inputs_are_typed_errors() {
    let p = array![[0.5, 0.6], [0.2, 0.3]];
    let err = evaluate(
        Predictions::Probabilities(p.view()),
        Labels::Classes(&[0, 1]),
        None,
        &Options::new(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::NotNormalized { row: 0, .. }), "{err}");
    let normalize = Options::new().normalize(true);
    assert!(evaluate(
        Predictions::Probabilities(p.view()),
        Labels::Classes(&[0, 1]),
        None,
        &normalize
    )
    .is_ok());
    let good = array![[0.5, 0.5]];
    assert!(matches!(
        evaluate(
            Predictions::Probabilities(good.view()),
            Labels::Classes(&[2]),
            None,
            &Options::new()
        ),
        Err(Error::ClassOutOfRange {
            row: 0,
            class: 2,
            classes: 2
        })
    ));
    assert!(matches!(
        evaluate(
            Predictions::Probabilities(good.view()),
            Labels::Classes(&[0, 1]),
            None,
            &Options::new()
        ),
        Err(Error::ShapeMismatch {
            input: "labels",
            ..
        })
    ));
    assert!(matches!(
        evaluate(
            Predictions::LogProbabilities(good.view()),
            Labels::Classes(&[0]),
            None,
            &Options::new()
        ),
        Err(Error::ValueOutOfRange { .. })
    ));
    let empty = ndarray::Array2::<f64>::zeros((0, 2));
    assert!(matches!(
        evaluate(
            Predictions::Probabilities(empty.view()),
            Labels::Classes(&[]),
            None,
            &Options::new()
        ),
        Err(Error::Empty { .. })
    ));
}

#[test]
fn probabilities_printed_with_six_decimals_pass_the_default_tolerance() {
    // Ten classes rounded to 6 decimals can miss 1 by 5e-6: accepted; 0.1 off is not.
    let p = array![[0.099999, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.099996]];
    assert!(evaluate(
        Predictions::Probabilities(p.view()),
        Labels::Classes(&[0]),
        None,
        &Options::new()
    )
    .is_ok());
    let strict = Options::new().tolerance(1e-6);
    assert!(evaluate(
        Predictions::Probabilities(p.view()),
        Labels::Classes(&[0]),
        None,
        &strict
    )
    .is_err());
}

#[test]
fn chunked_evaluation_equals_the_whole() {
    use xent::eval::Evaluator;
    let mut rng = xent::rng::SplitMix64::new(11);
    let (n, k) = (257, 4);
    let z = ndarray::Array2::from_shape_fn((n, k), |_| 6.0 * rng.uniform() - 3.0);
    let p = xent::activation::softmax_rows(z.view());
    let labels: Vec<usize> = (0..n)
        .map(|_| (rng.uniform() * k as f64) as usize)
        .collect();
    let weights: Vec<f64> = (0..n).map(|_| rng.uniform() * 2.0).collect();
    let soft = xent::activation::softmax_rows(z.mapv(|v| -v).view());
    let o = Options::new().top_k(2).bins(7);
    let kinds = [
        Predictions::Probabilities(p.view()),
        Predictions::Logits(z.view()),
    ];
    for pred in kinds {
        for (soft_labels, w) in [(false, None), (true, Some(&weights[..]))] {
            let labels_of = |r: std::ops::Range<usize>| {
                if soft_labels {
                    Labels::Distributions(soft.slice(ndarray::s![r, ..]))
                } else {
                    Labels::Classes(&labels[r])
                }
            };
            let whole = evaluate(pred, labels_of(0..n), w, &o).unwrap();
            for step in [1, 3, 64, 256] {
                let mut e = Evaluator::new(o.clone()).unwrap();
                let mut start = 0;
                while start < n {
                    let end = (start + step).min(n);
                    let part = match pred {
                        Predictions::Probabilities(v) => {
                            Predictions::Probabilities(v.slice_move(ndarray::s![start..end, ..]))
                        }
                        Predictions::Logits(v) => {
                            Predictions::Logits(v.slice_move(ndarray::s![start..end, ..]))
                        }
                        Predictions::LogProbabilities(v) => {
                            Predictions::LogProbabilities(v.slice_move(ndarray::s![start..end, ..]))
                        }
                    };
                    e.push(part, labels_of(start..end), w.map(|w| &w[start..end]))
                        .unwrap();
                    start = end;
                }
                assert_eq!(e.samples(), n);
                let streamed = e.finish().unwrap();
                for (a, b) in numbers(&streamed).iter().zip(numbers(&whole)) {
                    assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "{a} vs {b}");
                }
            }
        }
    }
    // Errors count rows from the first chunk; a chunk of another width is refused.
    let mut e = Evaluator::new(o.clone()).unwrap();
    e.push(
        Predictions::Probabilities(p.slice(ndarray::s![0..10, ..])),
        Labels::Classes(&labels[..10]),
        None,
    )
    .unwrap();
    let bad = array![[0.5, 0.5, 0.0, 0.0], [0.5, 0.6, 0.0, 0.0]];
    assert!(matches!(
        e.push(
            Predictions::Probabilities(bad.view()),
            Labels::Classes(&[0, 0]),
            None
        ),
        Err(Error::NotNormalized { row: 11, .. })
    ));
    let mut e = Evaluator::new(o).unwrap();
    e.push(
        Predictions::Probabilities(p.slice(ndarray::s![0..1, ..])),
        Labels::Classes(&labels[..1]),
        None,
    )
    .unwrap();
    assert!(matches!(
        e.push(
            Predictions::Probabilities(array![[1.0]].view()),
            Labels::Classes(&[0]),
            None
        ),
        Err(Error::ShapeMismatch { .. })
    ));
    assert!(matches!(
        Evaluator::new(Options::new()).unwrap().finish(),
        Err(Error::Empty { .. })
    ));
}

#[test]
fn one_column_of_log_probabilities_is_ln_p_of_class_one() {
    let p = array![[0.1], [0.9], [0.8], [0.4], [1e-30]];
    let lp = p.mapv(f64::ln);
    let y = [0usize, 1, 1, 0, 0];
    let o = Options::new();
    let a = evaluate(
        Predictions::Probabilities(p.view()),
        Labels::Classes(&y),
        None,
        &o,
    )
    .unwrap();
    let b = evaluate(
        Predictions::LogProbabilities(lp.view()),
        Labels::Classes(&y),
        None,
        &o,
    )
    .unwrap();
    for (x, y) in numbers(&a).iter().zip(numbers(&b)) {
        assert!((x - y).abs() <= 1e-14 * y.abs().max(1.0), "{x} vs {y}");
    }
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let mut rng = xent::rng::SplitMix64::new(5);
    let (n, k) = (20_000, 7);
    let z = ndarray::Array2::from_shape_fn((n, k), |_| 8.0 * rng.uniform() - 4.0);
    let labels: Vec<usize> = (0..n)
        .map(|_| (rng.uniform() * k as f64) as usize)
        .collect();
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| {
                evaluate(
                    Predictions::Logits(z.view()),
                    Labels::Classes(&labels),
                    None,
                    &Options::new(),
                )
                .unwrap()
            })
    };
    let one = run(1);
    assert_eq!(numbers(&one), numbers(&run(2)));
    assert_eq!(numbers(&one), numbers(&run(3)));
}

#[test]
fn weights_that_sum_to_zero_are_an_error_not_nan() {
    let p = array![[0.5, 0.5], [0.9, 0.1]];
    let r = evaluate(
        Predictions::Probabilities(p.view()),
        Labels::Classes(&[1, 0]),
        Some(&[0.0, 0.0]),
        &Options::new(),
    );
    assert!(
        matches!(
            r,
            Err(Error::ZeroSum {
                input: "weights",
                ..
            })
        ),
        "{r:?}"
    );
    // One nonzero weight is enough.
    let r = evaluate(
        Predictions::Probabilities(p.view()),
        Labels::Classes(&[1, 0]),
        Some(&[0.0, 2.0]),
        &Options::new(),
    )
    .unwrap();
    assert!((r.log_loss + 0.9f64.ln()).abs() < 1e-15);
}

#[test]
fn long_rows_take_the_vector_ln_and_agree_with_the_scalar_one() {
    // 200 classes: the vectorised f64 ln and exp (within 2 ulp) against a plain computation.
    let mut rng = xent::rng::SplitMix64::new(9);
    let (n, k) = (50, 200);
    let z = ndarray::Array2::from_shape_fn((n, k), |_| 10.0 * rng.uniform() - 5.0);
    let p = xent::activation::softmax_rows(z.view());
    let labels: Vec<usize> = (0..n).map(|i| i * 37 % k).collect();
    let expected = -labels
        .iter()
        .enumerate()
        .map(|(i, &c)| p[[i, c]].ln())
        .sum::<f64>()
        / n as f64;
    let o = Options::new();
    let from_p = evaluate(
        Predictions::Probabilities(p.view()),
        Labels::Classes(&labels),
        None,
        &o,
    )
    .unwrap();
    let from_z = evaluate(
        Predictions::Logits(z.view()),
        Labels::Classes(&labels),
        None,
        &o,
    )
    .unwrap();
    assert!(
        (from_p.log_loss - expected).abs() < 1e-14 * expected,
        "{}",
        from_p.log_loss
    );
    assert!(
        (from_z.log_loss - expected).abs() < 1e-13 * expected,
        "{}",
        from_z.log_loss
    );
    assert!((from_p.mean_entropy - from_z.mean_entropy).abs() < 1e-13);
    assert!((from_p.brier - from_z.brier).abs() < 1e-13);
}

#[test]
fn divergence_of_soft_labels_is_accurate_near_zero_and_finite_below_f64() {
    // Predictions 1e-9 away from the labels: D = −½ ln(1 − 4·10⁻¹⁸) ≈ 2·10⁻¹⁸, which the
    // log-loss minus the labels' entropy (two numbers near ln 2) cannot resolve.
    let d = 1e-9;
    let p = array![[0.5 + d, 0.5 - d]];
    let y = array![[0.5, 0.5]];
    let r = evaluate(
        Predictions::Probabilities(p.view()),
        Labels::Distributions(y.view()),
        None,
        &Options::new(),
    )
    .unwrap();
    assert!((r.mean_kl / 2e-18 - 1.0).abs() < 1e-6, "{}", r.mean_kl);
    // A class at log-probability −800 (0 in f64) under half the label mass: the divergence is
    // ½ ln ½ + ½ (ln ½ + 800) = 400 + ln ½, not +∞.
    let lp = array![[0.0, -800.0]];
    let y = array![[0.5, 0.5]];
    let r = evaluate(
        Predictions::LogProbabilities(lp.view()),
        Labels::Distributions(y.view()),
        None,
        &Options::new().tolerance(1e-3),
    )
    .unwrap();
    assert_eq!(r.log_loss, 400.0);
    assert!(
        (r.mean_kl - (400.0 + 0.5f64.ln())).abs() < 1e-12,
        "{}",
        r.mean_kl
    );
    assert_eq!(r.mean_entropy, 0.0);
}

#[test]
fn f32_predictions_give_the_report_of_the_same_numbers_in_f64() {
    let z32 = array![[2.0f32, -1.0, 0.5], [0.1, 0.2, 0.3], [-3.0, 4.0, 1.0]];
    let z64 = z32.mapv(f64::from);
    let p32 = xent::activation::softmax_rows(z32.view());
    let p64 = p32.mapv(f64::from);
    let labels = [0, 2, 1];
    let o = Options::new().top_k(2).tolerance(1e-6);
    for (a, b) in [
        (
            evaluate(
                Predictions::Logits(z32.view()),
                Labels::Classes(&labels),
                None,
                &o,
            ),
            evaluate(
                Predictions::Logits(z64.view()),
                Labels::Classes(&labels),
                None,
                &o,
            ),
        ),
        (
            evaluate(
                Predictions::Probabilities(p32.view()),
                Labels::Classes(&labels),
                None,
                &o,
            ),
            evaluate(
                Predictions::Probabilities(p64.view()),
                Labels::Classes(&labels),
                None,
                &o,
            ),
        ),
    ] {
        assert_eq!(numbers(&a.unwrap()), numbers(&b.unwrap()));
    }
}

#[test]
fn top_k_breaks_ties_as_scikit_learn() {
    // sklearn.metrics.tests.test_ranking::test_top_k_accuracy_score_ties: among equal
    // scores the highest class index ranks first; k = 1, 2, 3 give 0.25, 0.5, 1.
    let scores = array![
        [5.0, 5.0, 7.0, 0.0],
        [1.0, 5.0, 5.0, 5.0],
        [0.0, 0.0, 3.0, 3.0],
        [1.0, 1.0, 1.0, 1.0]
    ];
    let labels = [0, 1, 2, 3];
    for (k, expected) in [(1, 0.25), (2, 0.5), (3, 1.0)] {
        for pred in [
            Predictions::Probabilities(scores.view()),
            Predictions::Logits(scores.view()),
        ] {
            let o = Options::new().top_k(k).normalize(true);
            let r = evaluate(pred, Labels::Classes(&labels), None, &o).unwrap();
            assert_eq!(r.top_k_accuracy, expected, "k = {k}, {pred:?}");
        }
    }
}

/// A case of tools/golden's scikit-learn files: its id, scores, class labels and weights.
fn sklearn_case(
    c: &serde_json::Value,
) -> (&str, ndarray::Array2<f64>, Vec<usize>, Option<Vec<f64>>) {
    let labels = common::vector(&c["labels"])
        .iter()
        .map(|&v| v as usize)
        .collect();
    let weights = c["weights"]
        .as_array()
        .map(|_| common::vector(&c["weights"]));
    (
        c["id"].as_str().unwrap(),
        common::matrix(&c["proba"]),
        labels,
        weights,
    )
}

#[test]
fn precision_recall_f1_and_confusion_match_scikit_learn() {
    // tests/data/sklearn_classification.json, from tools/golden/sklearn_classification.py
    // (scikit-learn 1.9.1): macro, weighted and micro averages, per-class values and the
    // confusion matrix, with sample weights and with classes never predicted or never true.
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("data/sklearn_classification.json")).unwrap();
    assert_eq!(cases.len(), 4);
    for c in &cases {
        let (id, p, labels, weights) = sklearn_case(c);
        let o = Options::new()
            .zero_division(c["zero_division"].as_f64().unwrap())
            .tolerance(1e-9);
        let r = evaluate(
            Predictions::Probabilities(p.view()),
            Labels::Classes(&labels),
            weights.as_deref(),
            &o,
        )
        .unwrap();
        for (name, got) in [
            ("macro", r.macro_average),
            ("weighted", r.weighted_average),
            ("micro", r.micro_average),
        ] {
            let want = common::vector(&c[name]);
            let got = [got.precision, got.recall, got.f1];
            common::prec::assert_all_close(&got, &want, &format!("{id} {name}"));
        }
        let pc = &c["per_class"];
        let column = |f: fn(&xent::eval::ClassReport) -> f64| -> Vec<f64> {
            r.per_class.iter().map(f).collect()
        };
        common::prec::assert_all_close(
            &column(|c| c.precision),
            &common::vector(&pc["precision"]),
            id,
        );
        common::prec::assert_all_close(&column(|c| c.recall), &common::vector(&pc["recall"]), id);
        common::prec::assert_all_close(&column(|c| c.f1), &common::vector(&pc["f1"]), id);
        common::prec::assert_all_close(&column(|c| c.support), &common::vector(&pc["support"]), id);
        let confusion = r.confusion.expect("4 classes have a confusion matrix");
        let want = common::matrix(&c["confusion"]);
        let (got, want): (Vec<f64>, Vec<f64>) = (
            confusion.iter().copied().collect(),
            want.iter().copied().collect(),
        );
        common::prec::assert_all_close(&got, &want, &format!("{id} confusion"));
    }
}

#[test]
fn zero_division_is_0_1_or_nan() {
    let p = array![[0.5, 0.5]];
    for z in [0.5, -1.0, f64::INFINITY] {
        let err = evaluate(
            Predictions::Probabilities(p.view()),
            Labels::Classes(&[0]),
            None,
            &Options::new().zero_division(z),
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidParameter {
                    name: "zero division",
                    ..
                }
            ),
            "{err}"
        );
    }
    // NaN leaves the undefined classes out of the averages: class 1 is neither true nor
    // predicted here, so the macro average is class 0's precision 1.
    let r = evaluate(
        Predictions::Probabilities(p.view()),
        Labels::Classes(&[0]),
        None,
        &Options::new().zero_division(f64::NAN),
    )
    .unwrap();
    assert!(r.per_class[1].precision.is_nan());
    assert_eq!(r.macro_average.precision, 1.0);
}

#[test]
fn temperature_pass_derivatives_match_central_differences() {
    use xent::eval::TemperaturePass;
    let mut rng = xent::rng::SplitMix64::new(5);
    let z = ndarray::Array2::from_shape_fn((50, 6), |_| 6.0 * rng.uniform() - 3.0);
    let labels: Vec<usize> = (0..50).map(|i| (i * 7) % 6).collect();
    let at = |beta: f64| {
        let mut pass = TemperaturePass::at_beta(beta);
        pass.push(z.view(), &labels, 0).unwrap();
        pass.finish().unwrap()
    };
    for beta in [0.1, 0.7, 1.0, 2.5] {
        let h = 1e-5;
        let (m, up, down) = (at(beta), at(beta + h), at(beta - h));
        let slope = (up.log_loss - down.log_loss) / (2.0 * h);
        let curvature = (up.slope - down.slope) / (2.0 * h);
        assert!(
            (m.slope - slope).abs() < 1e-8,
            "β {beta}: {} vs {slope}",
            m.slope
        );
        assert!((m.curvature - curvature).abs() < 1e-8, "β {beta}");
        assert!(m.curvature > 0.0);
    }
    // β = 0: the uniform prediction, ln K whatever the logits.
    assert!((at(0.0).log_loss - 6f64.ln()).abs() < 1e-15);
}

#[test]
fn fitted_temperature_is_the_minimum_and_the_edges_are_errors() {
    use xent::eval::{fit_temperature_of, TemperaturePass};
    // Over-confident logits: scores with the right class ahead 70 % of the time, scaled ×5.
    let mut rng = xent::rng::SplitMix64::new(9);
    let (n, k) = (400, 5);
    let labels: Vec<usize> = (0..n)
        .map(|_| (rng.uniform() * k as f64) as usize)
        .collect();
    let z = ndarray::Array2::from_shape_fn((n, k), |(i, j)| {
        let signal = if j == labels[i] { 1.0 } else { 0.0 };
        5.0 * (signal + rng.normal())
    });
    let fit = fit_temperature_of(z.view(), &labels).unwrap();
    assert!(
        fit.temperature > 1.0,
        "over-confident logits need T > 1: {fit:?}"
    );
    assert!(fit.log_loss_after < fit.log_loss_before);
    assert!(fit.passes < 20, "{fit:?}");
    let loss = |t: f64| {
        let mut pass = TemperaturePass::new(t).unwrap();
        pass.push(z.view(), &labels, 0).unwrap();
        pass.finish().unwrap()
    };
    let best = loss(fit.temperature);
    assert!(best.slope.abs() < 1e-10, "{best:?}");
    assert_eq!(best.log_loss, fit.log_loss_after);
    for factor in [0.99, 1.01, 0.9, 1.1] {
        assert!(loss(fit.temperature * factor).log_loss > best.log_loss);
    }
    // Every label has its row's largest logit: no finite optimum.
    let separable = array![[3.0, 0.0], [0.0, 2.0]];
    let err = fit_temperature_of(separable.view(), &[0, 1]).unwrap_err();
    assert!(err.to_string().contains("separate the labels"), "{err}");
    // Logits that point away from the labels: the uniform prediction is best.
    let misleading = array![[3.0, 0.0], [0.0, 2.0]];
    let err = fit_temperature_of(misleading.view(), &[1, 0]).unwrap_err();
    assert!(err.to_string().contains("no information"), "{err}");
    assert!(TemperaturePass::new(0.0).is_err());
    let mut pass = TemperaturePass::new(1.0).unwrap();
    let err = pass
        .push(array![[f64::INFINITY, 0.0]].view(), &[0], 7)
        .unwrap_err();
    assert!(
        matches!(err, Error::ValueOutOfRange { row: 7, col: 0, .. }),
        "{err}"
    );
}

#[test]
fn roc_auc_and_average_precision_match_scikit_learn() {
    // tests/data/sklearn_ranking.json, from tools/golden/sklearn_ranking.py (scikit-learn
    // 1.9.1): binary and one-vs-rest, with ties and with sample weights.
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("data/sklearn_ranking.json")).unwrap();
    assert_eq!(cases.len(), 4);
    for c in &cases {
        let (id, p, labels, weights) = sklearn_case(c);
        let r = xent::eval::ranking(p.view(), &labels, weights.as_deref()).unwrap();
        let close = |got: f64, key: &str| {
            let want = c[key].as_f64().unwrap();
            assert!(
                common::prec::within(got, want, 1e-13, 1.0),
                "{id} {key}: {got} vs {want}"
            );
        };
        close(r.roc_auc_macro, "roc_auc_macro");
        close(r.roc_auc_weighted, "roc_auc_weighted");
        close(r.average_precision_macro, "ap_macro");
        close(r.average_precision_weighted, "ap_weighted");
        if let Some(per_class) = c["roc_auc_per_class"].as_array() {
            assert_eq!(per_class.len(), r.roc_auc.len());
            common::prec::assert_all_close(
                &r.roc_auc,
                &common::vector(&c["roc_auc_per_class"]),
                id,
            );
            common::prec::assert_all_close(
                &r.average_precision,
                &common::vector(&c["ap_per_class"]),
                id,
            );
        }
    }
    // A class with no positive sample: undefined there, left out of the averages.
    let p = array![[0.6, 0.3, 0.1], [0.2, 0.7, 0.1], [0.5, 0.4, 0.1]];
    let r = xent::eval::ranking(p.view(), &[0, 1, 0], None).unwrap();
    assert!(r.roc_auc[2].is_nan() && r.average_precision[2].is_nan());
    assert_eq!(r.roc_auc_macro, 1.0);
}

#[test]
fn classwise_ece_by_hand_and_only_when_asked() {
    // Two samples of class 0 in two bins. Class 0's probabilities 0.8 (bin [0.5, 1)) and
    // 0.3 (bin [0, 0.5)), both labels 0: gaps 0.2 and 0.7, weighted ½ each = 0.45. Class 1's
    // 0.2 and 0.7 against labels 0: gaps 0.2 and 0.7 = 0.45. The mean over classes: 0.45.
    let p = array![[0.8, 0.2], [0.3, 0.7]];
    let o = Options::new().bins(2);
    let plain = evaluate(
        Predictions::Probabilities(p.view()),
        Labels::Classes(&[0, 0]),
        None,
        &o,
    )
    .unwrap();
    assert_eq!(plain.classwise_ece, None);
    let r = evaluate(
        Predictions::Probabilities(p.view()),
        Labels::Classes(&[0, 0]),
        None,
        &o.classwise(true),
    )
    .unwrap();
    assert!(
        (r.classwise_ece.unwrap() - 0.45).abs() < 1e-15,
        "{:?}",
        r.classwise_ece
    );
    // Streamed in chunks, the same.
    let mut e = xent::eval::Evaluator::new(Options::new().bins(2).classwise(true)).unwrap();
    for i in 0..2 {
        e.push(
            Predictions::Probabilities(p.slice(ndarray::s![i..i + 1, ..])),
            Labels::Classes(&[0]),
            None,
        )
        .unwrap();
    }
    assert_eq!(e.finish().unwrap().classwise_ece, r.classwise_ece);
}

/// `n` two-class predictions of confidence `p` for class 0, labelled 0 for the first `hits`.
fn at_confidence(p: f64, n: usize, hits: usize) -> (ndarray::Array2<f64>, Vec<usize>) {
    let pred = ndarray::Array2::from_shape_fn((n, 2), |(_, k)| if k == 0 { p } else { 1.0 - p });
    let labels = (0..n).map(|i| usize::from(i >= hits)).collect();
    (pred, labels)
}

#[test]
fn debiased_l2_calibration_error_worked_by_hand() {
    // Ten samples at confidence 0.9, five right: one bin with gap 0.4 and accuracy 0.5, so
    // the debiased squared error is 0.4² − 0.5 · 0.5 / 9.
    let (p, y) = at_confidence(0.9, 10, 5);
    let r = evaluate(
        Predictions::Probabilities(p.view()),
        Labels::Classes(&y),
        None,
        &Options::new(),
    )
    .unwrap();
    let expected = (0.16f64 - 0.25 / 9.0).sqrt();
    assert!(
        (r.l2_ece_debiased - expected).abs() < 1e-15,
        "{}",
        r.l2_ece_debiased
    );
    assert!((r.ece - 0.4).abs() < 1e-15);
    // Nine right: the noise term (0.9 · 0.1 / 9 = 0.01) outweighs the gap (0): clipped to 0,
    // where the plain L2 error would report √0 … and ECE 0 too.
    let (p, y) = at_confidence(0.9, 10, 9);
    let r = evaluate(
        Predictions::Probabilities(p.view()),
        Labels::Classes(&y),
        None,
        &Options::new(),
    )
    .unwrap();
    assert!(r.ece < 1e-15 && r.l2_ece_debiased == 0.0, "{r:?}");
    // A bin of one sample adds nothing (its accuracy is 0 or 1, its variance unknown).
    let p = array![[0.8, 0.2]];
    let r = evaluate(
        Predictions::Probabilities(p.view()),
        Labels::Classes(&[1]),
        None,
        &Options::new(),
    )
    .unwrap();
    assert_eq!((r.ece, r.l2_ece_debiased), (0.8, 0.0));
}

#[test]
fn equal_mass_bins_split_as_numpy_array_split() {
    // Confidences 0.6 (right), 0.7 (wrong), 0.8, 0.9, 0.95 (right) in 2 bins: sizes 3 and 2
    // (the longer first), bins [0.6, 0.8] and [0.9, 0.95].
    let p = array![[0.8, 0.2], [0.3, 0.7], [0.4, 0.6], [0.9, 0.1], [0.95, 0.05]];
    let y = [0, 0, 1, 0, 0];
    let options = Options::new().bins(2).adaptive(true);
    let r = evaluate(
        Predictions::Probabilities(p.view()),
        Labels::Classes(&y),
        None,
        &options,
    )
    .unwrap();
    let a = r.adaptive.expect("asked for");
    let shape: Vec<(f64, f64, u64)> = a.bins.iter().map(|b| (b.lower, b.upper, b.count)).collect();
    assert_eq!(shape, [(0.6, 0.8, 3), (0.9, 0.95, 2)]);
    let (c0, c1): (f64, f64) = ((0.6 + 0.7 + 0.8) / 3.0, (0.9 + 0.95) / 2.0);
    let (g0, g1) = ((2.0 / 3.0 - c0).abs(), (1.0 - c1).abs());
    assert!((a.ece - (0.6 * g0 + 0.4 * g1)).abs() < 1e-15, "{}", a.ece);
    assert!((a.mce - g0.max(g1)).abs() < 1e-15);
    // More bins than samples: one sample per bin, no empty bin.
    let r = evaluate(
        Predictions::Probabilities(p.view()),
        Labels::Classes(&y),
        None,
        &Options::new().bins(15).adaptive(true),
    )
    .unwrap();
    let a = r.adaptive.unwrap();
    assert_eq!(a.bins.len(), 5);
    assert!(a.bins.iter().all(|b| b.count == 1));
    assert!(r.bootstrap.is_none());
}

#[test]
fn bootstrap_intervals_are_the_same_for_any_chunking_and_cover_the_estimate() {
    use xent::eval::Evaluator;
    // 2000 samples of a fixed, imperfect classifier.
    let n = 2000;
    let p = ndarray::Array2::from_shape_fn((n, 3), |(i, k)| {
        let top = 0.5 + 0.4 * ((i * 7919) % 100) as f64 / 100.0;
        if k == i % 3 {
            top
        } else {
            (1.0 - top) / 2.0
        }
    });
    let y: Vec<usize> = (0..n)
        .map(|i| if i % 5 == 0 { (i + 1) % 3 } else { i % 3 })
        .collect();
    let options = Options::new().bootstrap(200, 42).adaptive(true);
    let whole = evaluate(
        Predictions::Probabilities(p.view()),
        Labels::Classes(&y),
        None,
        &options,
    )
    .unwrap();
    let mut chunked = Evaluator::new(options.clone().par(xent::Par::Seq)).unwrap();
    for start in (0..n).step_by(333) {
        let end = (start + 333).min(n);
        chunked
            .push(
                Predictions::Probabilities(p.slice(ndarray::s![start..end, ..])),
                Labels::Classes(&y[start..end]),
                None,
            )
            .unwrap();
    }
    let chunked = chunked.finish().unwrap();
    let (a, b) = (whole.bootstrap.unwrap(), chunked.bootstrap.unwrap());
    // Sums merged in another order round differently; the intervals agree to rounding.
    for (x, y) in [
        (a.log_loss, b.log_loss),
        (a.accuracy, b.accuracy),
        (a.ece, b.ece),
        (a.l2_ece_debiased, b.l2_ece_debiased),
        (a.adaptive_ece.unwrap(), b.adaptive_ece.unwrap()),
    ] {
        for (u, v) in [(x.low, y.low), (x.high, y.high), (x.sd, y.sd)] {
            assert!((u - v).abs() <= 1e-12 * u.abs().max(1e-300), "{x:?} {y:?}");
        }
    }
    // The point estimates lie inside their intervals, and the accuracy's bootstrap sd is
    // the binomial one, √(a(1 − a)/n), within 20 %.
    assert!(a.log_loss.low < whole.log_loss && whole.log_loss < a.log_loss.high);
    assert!(a.ece.low < whole.ece && whole.ece < a.ece.high);
    let acc = whole.accuracy;
    let binomial = (acc * (1.0 - acc) / n as f64).sqrt();
    assert!(
        (a.accuracy.sd / binomial - 1.0).abs() < 0.2,
        "{} {binomial}",
        a.accuracy.sd
    );
    assert_eq!((a.replicates, a.seed), (200, 42));
    // Too many replicates for the bins: refused before any work.
    assert!(Evaluator::new(Options::new().bootstrap(1 << 20, 0)).is_err());
    assert!(Evaluator::new(Options::new().bootstrap(1, 0)).is_err());
}

#[test]
fn binned_ranking_stays_within_its_bound_of_the_exact_one_and_streams() {
    use xent::eval::{ranking, BinnedRanking};
    // 3000 samples of 4 classes, scores on a grid of 1/1000 (so bins of 1/50 hold ties).
    let n = 3000;
    let raw = ndarray::Array2::from_shape_fn((n, 4), |(i, k)| {
        1.0 + ((i * 7919 + k * 104_729) % 1000) as f64 / 1000.0 + if k == i % 4 { 0.6 } else { 0.0 }
    });
    let p = &raw / &raw.sum_axis(ndarray::Axis(1)).insert_axis(ndarray::Axis(1));
    let y: Vec<usize> = (0..n)
        .map(|i| if i % 7 == 0 { (i + 1) % 4 } else { i % 4 })
        .collect();
    let w: Vec<f64> = (0..n).map(|i| 0.5 + (i % 3) as f64).collect();
    let exact = ranking(p.view(), &y, Some(&w)).unwrap();
    assert_eq!(exact.roc_auc_error_bound, 0.0);
    for bins in [10, 50, 1000] {
        // Pushed in chunks: the same as at once.
        let mut binned = BinnedRanking::new(4, bins).unwrap();
        for start in (0..n).step_by(700) {
            let end = (start + 700).min(n);
            binned
                .push(
                    p.slice(ndarray::s![start..end, ..]),
                    &y[start..end],
                    Some(&w[start..end]),
                )
                .unwrap();
        }
        let approx = binned.finish();
        assert!(approx.roc_auc_error_bound > 0.0 && approx.roc_auc_error_bound < 0.5);
        for (a, e) in approx.roc_auc.iter().zip(&exact.roc_auc) {
            assert!(
                (a - e).abs() <= approx.roc_auc_error_bound + 1e-12,
                "{bins}: {a} {e}"
            );
        }
    }
    // More bins, a tighter bound.
    let bound = |bins| {
        let mut b = BinnedRanking::new(4, bins).unwrap();
        b.push(p.view(), &y, Some(&w)).unwrap();
        b.finish().roc_auc_error_bound
    };
    assert!(bound(1000) < bound(50) && bound(50) < bound(10));
    // Scores outside [0, 1] are refused, naming the row.
    let mut b = BinnedRanking::new(2, 10).unwrap();
    let err = b
        .push(array![[0.5, 0.5], [1.5, -0.5]].view(), &[0, 1], None)
        .unwrap_err();
    assert!(
        matches!(err, Error::ValueOutOfRange { row: 1, .. }),
        "{err:?}"
    );
}
