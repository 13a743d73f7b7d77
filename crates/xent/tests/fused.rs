//! The fused linear + cross-entropy against the unfused cross-entropy of the logits formed
//! whole, in `f64`, for every option, reduction and chunking.

use ndarray::{Array1, Array2};
use xent::fused::LinearCrossEntropy;
use xent::loss::CrossEntropy;
use xent::Reduction;

/// A deterministic f32 matrix of values in [-scale, scale).
fn matrix(rows: usize, cols: usize, seed: u64, scale: f32) -> Array2<f32> {
    let mut rng = xent::rng::SplitMix64::new(seed);
    Array2::from_shape_simple_fn((rows, cols), || {
        ((rng.uniform() * 2.0 - 1.0) as f32) * scale
    })
}

/// The loss and gradients of the unfused path in f64: z = h·Wᵀ + b, then the cross-entropy.
fn reference(
    ce: &CrossEntropy,
    h: &Array2<f32>,
    w: &Array2<f32>,
    b: Option<&Array1<f32>>,
    labels: &[i64],
) -> (f64, Array2<f64>, Array2<f64>, Option<Array1<f64>>) {
    let (h, w) = (h.mapv(f64::from), w.mapv(f64::from));
    let mut z = h.dot(&w.t());
    if let Some(b) = b {
        z += &b.mapv(f64::from);
    }
    let (loss, dz) = ce.forward_backward(z.view(), labels).unwrap();
    let db = b.map(|_| dz.sum_axis(ndarray::Axis(0)));
    (loss.scalar().unwrap(), dz.dot(&w), dz.t().dot(&h), db)
}

/// max |a − b| relative to max |b| (or absolute when b is all 0).
fn rel(a: &Array2<f32>, b: &Array2<f64>) -> f64 {
    let scale = b.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1e-30);
    let diff = a
        .iter()
        .zip(b)
        .fold(0.0f64, |m, (x, y)| m.max((f64::from(*x) - y).abs()));
    if b.iter().all(|v| *v == 0.0) {
        diff
    } else {
        diff / scale
    }
}

#[test]
fn every_option_reduction_and_chunking_matches_the_unfused_loss() {
    let (n, d, v) = (10, 7, 13);
    let h = matrix(n, d, 1, 2.0);
    let w = matrix(v, d, 2, 1.0);
    let b = matrix(1, v, 3, 0.5).row(0).to_owned();
    // Row 4 and 7 are ignored under ignore_index = 5.
    let labels: Vec<i64> = vec![0, 3, 12, 7, 5, 1, 9, 5, 11, 2];
    let weights: Vec<f64> = (0..v).map(|k| 0.5 + k as f64 / 10.0).collect();
    let options: Vec<(&str, CrossEntropy)> = vec![
        ("plain", CrossEntropy::new()),
        ("sum", CrossEntropy::new().reduction(Reduction::Sum)),
        ("weights", CrossEntropy::new().weight(&weights)),
        ("ignore", CrossEntropy::new().ignore_index(5)),
        (
            "smoothing",
            CrossEntropy::new().label_smoothing(0.1).weight(&weights),
        ),
        ("z-loss", CrossEntropy::new().z_loss(1e-3).ignore_index(5)),
        (
            "softcap",
            CrossEntropy::new().softcap(3.0).reduction(Reduction::Sum),
        ),
    ];
    for (name, ce) in &options {
        for bias in [None, Some(&b)] {
            let (loss, dh, dw, db) = reference(ce, &h, &w, bias, &labels);
            for chunk in [1, 3, 4, 10, 64] {
                let fused = LinearCrossEntropy::new(ce.clone()).chunk_rows(chunk);
                let (l, g) = fused
                    .forward_backward(h.view(), w.view(), bias.map(|b| b.view()), &labels)
                    .unwrap();
                let what = format!("{name}, bias {}, chunk {chunk}", bias.is_some());
                assert!(
                    (l - loss).abs() <= 1e-5 * loss.abs(),
                    "{what}: {l} vs {loss}"
                );
                assert!(
                    rel(&g.hidden, &dh) < 1e-5,
                    "{what}: dh {}",
                    rel(&g.hidden, &dh)
                );
                assert!(
                    rel(&g.weight, &dw) < 1e-5,
                    "{what}: dw {}",
                    rel(&g.weight, &dw)
                );
                match (&g.bias, &db) {
                    (Some(gb), Some(db)) => {
                        let gb = gb.clone().insert_axis(ndarray::Axis(0));
                        let db = db.clone().insert_axis(ndarray::Axis(0));
                        assert!(rel(&gb, &db) < 1e-5, "{what}: db");
                    }
                    (None, None) => {}
                    _ => panic!("{what}: a bias gradient exactly when there is a bias"),
                }
            }
        }
    }
}

#[test]
fn edges_one_class_one_feature_all_ignored_and_bad_shapes() {
    // V = 1 (the loss is 0) and D = 1.
    let h = matrix(5, 1, 4, 1.0);
    let w = matrix(1, 1, 5, 1.0);
    let (loss, g) = LinearCrossEntropy::new(CrossEntropy::new())
        .chunk_rows(2)
        .forward_backward(h.view(), w.view(), None, &[0, 0, 0, 0, 0])
        .unwrap();
    assert_eq!(loss, 0.0);
    assert!(g.hidden.iter().chain(&g.weight).all(|v| *v == 0.0));
    // Every row ignored: the mean is 0/0 and the gradients 0, as the unfused loss's.
    let h = matrix(4, 3, 6, 1.0);
    let w = matrix(6, 3, 7, 1.0);
    let ce = CrossEntropy::new().ignore_index(-100);
    let (loss, g) = LinearCrossEntropy::new(ce.clone())
        .forward_backward(h.view(), w.view(), None, &[-100, -100, -100, -100])
        .unwrap();
    let (whole, _, _, _) = reference(&ce, &h, &w, None, &[-100, -100, -100, -100]);
    assert!(loss.is_nan() && whole.is_nan());
    assert!(g.hidden.iter().chain(&g.weight).all(|v| *v == 0.0));
    // Shapes that do not chain, labels out of range, no per-row reduction yet.
    let fused = LinearCrossEntropy::new(CrossEntropy::new());
    let bad_w = matrix(6, 2, 8, 1.0);
    assert!(fused
        .forward_backward(h.view(), bad_w.view(), None, &[0, 1, 2, 3])
        .is_err());
    assert!(fused
        .forward_backward(h.view(), w.view(), None, &[0, 1, 2])
        .is_err());
    assert!(fused
        .forward_backward(h.view(), w.view(), None, &[0, 1, 2, 6])
        .is_err());
    let none = LinearCrossEntropy::new(CrossEntropy::new().reduction(Reduction::None));
    assert!(none
        .forward_backward(h.view(), w.view(), None, &[0, 1, 2, 3])
        .is_err());
}

#[test]
fn a_large_vocabulary_stays_within_1e5_of_the_f64_reference() {
    // V = 32000 with chunks that do not divide N: the loss and gradients to 1e-5 relative.
    let (n, d, v) = (37, 16, 32_000);
    let h = matrix(n, d, 9, 1.0);
    let w = matrix(v, d, 10, 0.5);
    let labels: Vec<i64> = (0..n as i64).map(|i| (i * 7919) % v as i64).collect();
    let ce = CrossEntropy::new().label_smoothing(0.05);
    let (loss, dh, dw, _) = reference(&ce, &h, &w, None, &labels);
    let (l, g) = LinearCrossEntropy::new(ce)
        .chunk_rows(8)
        .forward_backward(h.view(), w.view(), None, &labels)
        .unwrap();
    assert!((l - loss).abs() <= 1e-5 * loss.abs(), "{l} vs {loss}");
    assert!(rel(&g.hidden, &dh) < 1e-5, "dh {}", rel(&g.hidden, &dh));
    assert!(rel(&g.weight, &dw) < 1e-5, "dw {}", rel(&g.weight, &dw));
}

#[test]
fn a_256k_vocabulary_stays_within_1e5_and_repeats_bit_for_bit() {
    // Above 250k classes, where an f32 weight gradient accumulated across chunks broke others'
    // training; V is not a multiple of the weight gradient's class blocks, N not of the chunk.
    let (n, d, v) = (24, 8, 256_001);
    let h = matrix(n, d, 11, 1.0);
    let w = matrix(v, d, 12, 0.5);
    let labels: Vec<i64> = (0..n as i64).map(|i| (i * 104_729) % v as i64).collect();
    let ce = CrossEntropy::new().z_loss(1e-4);
    let (loss, dh, dw, _) = reference(&ce, &h, &w, None, &labels);
    let fused = LinearCrossEntropy::new(ce).chunk_rows(5);
    let (l, g) = fused
        .forward_backward(h.view(), w.view(), None, &labels)
        .unwrap();
    assert!((l - loss).abs() <= 1e-5 * loss.abs(), "{l} vs {loss}");
    assert!(rel(&g.hidden, &dh) < 1e-5, "dh {}", rel(&g.hidden, &dh));
    assert!(rel(&g.weight, &dw) < 1e-5, "dw {}", rel(&g.weight, &dw));
    // The same threads and chunk give the same bits.
    let (again, g2) = fused
        .forward_backward(h.view(), w.view(), None, &labels)
        .unwrap();
    assert_eq!(l.to_bits(), again.to_bits());
    assert_eq!(g, g2);
}

#[test]
fn forward_gives_the_unfused_loss_and_logsumexp_for_every_reduction() {
    let (n, d, v) = (9, 5, 11);
    let h = matrix(n, d, 11, 2.0);
    let w = matrix(v, d, 12, 1.0);
    let b = matrix(1, v, 13, 0.5).row(0).to_owned();
    let labels: Vec<i64> = vec![0, 10, 3, -100, 4, 4, 9, 1, 2];
    for reduction in [Reduction::Mean, Reduction::Sum, Reduction::None] {
        let ce = CrossEntropy::new()
            .label_smoothing(0.1)
            .softcap(5.0)
            .reduction(reduction);
        let z = h.mapv(f64::from).dot(&w.mapv(f64::from).t()) + &b.mapv(f64::from);
        let (whole, whole_lse) = ce.forward_lse(z.view(), &labels).unwrap();
        for chunk in [1, 4, 9, 20] {
            let (loss, lse) = LinearCrossEntropy::new(ce.clone())
                .chunk_rows(chunk)
                .forward(h.view(), w.view(), Some(b.view()), &labels)
                .unwrap();
            let close = |a: f64, e: f64| (a - e).abs() <= 1e-5 * e.abs().max(1e-6);
            match (&loss, &whole) {
                (xent::loss::LossValue::Scalar(a), xent::loss::LossValue::Scalar(e)) => {
                    assert!(close(*a, *e), "{reduction:?} {chunk}: {a} vs {e}")
                }
                (xent::loss::LossValue::PerSample(a), xent::loss::LossValue::PerSample(e)) => {
                    assert!(a.iter().zip(e).all(|(a, e)| close(*a, *e)), "{a} vs {e}")
                }
                other => panic!("{reduction:?}: {other:?}"),
            }
            for (a, e) in lse.iter().zip(&whole_lse) {
                assert!(close(f64::from(*a), *e), "lse {a} vs {e}");
            }
        }
    }
}

#[test]
fn soft_targets_match_the_unfused_loss() {
    let (n, d, v) = (7, 4, 6);
    let h = matrix(n, d, 21, 2.0);
    let w = matrix(v, d, 22, 1.0);
    let raw = matrix(n, v, 23, 1.0).mapv(|x| x.abs() + 0.01);
    let p = &raw / &raw.sum_axis(ndarray::Axis(1)).insert_axis(ndarray::Axis(1));
    let weights: Vec<f64> = (0..v).map(|k| 1.0 + k as f64 / 4.0).collect();
    for ce in [
        CrossEntropy::new(),
        CrossEntropy::new()
            .reduction(Reduction::Sum)
            .label_smoothing(0.2),
        CrossEntropy::new().weight(&weights),
    ] {
        let (h64, w64) = (h.mapv(f64::from), w.mapv(f64::from));
        let z = h64.dot(&w64.t());
        let p64 = p.mapv(f64::from);
        let (whole, dz) = ce.forward_backward(z.view(), p64.view()).unwrap();
        let (dh, dw) = (dz.dot(&w64), dz.t().dot(&h64));
        let whole = whole.scalar().unwrap();
        for chunk in [1, 3, 7] {
            let fused = LinearCrossEntropy::new(ce.clone()).chunk_rows(chunk);
            let (l, g) = fused
                .forward_backward(h.view(), w.view(), None, p.view())
                .unwrap();
            assert!(
                (l - whole).abs() <= 1e-5 * whole.abs(),
                "{chunk}: {l} vs {whole}"
            );
            assert!(rel(&g.hidden, &dh) < 1e-5 && rel(&g.weight, &dw) < 1e-5);
            let (f, _) = fused.forward(h.view(), w.view(), None, p.view()).unwrap();
            assert!((f.scalar().unwrap() - whole).abs() <= 1e-5 * whole.abs());
        }
    }
    // Probability rows of another shape are refused.
    let short = p.slice(ndarray::s![..3, ..]);
    let fused = LinearCrossEntropy::new(CrossEntropy::new());
    assert!(fused
        .forward_backward(h.view(), w.view(), None, short)
        .is_err());
}
