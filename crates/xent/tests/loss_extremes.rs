//! The losses at the extremes: huge and infinite logits, probabilities 0 and 1, one class,
//! 100k classes, empty and fully ignored batches, and the errors for bad targets.

use ndarray::{array, Array2};
use xent::loss::{
    BceWithLogits, BinaryCrossEntropy, CategoricalCrossEntropy, CrossEntropy, Focal, KlDiv, Nll,
    Upstream,
};
use xent::{Error, Reduction};

const INF: f64 = f64::INFINITY;

#[test]
fn cross_entropy_with_logits_of_ten_thousand() {
    let z = array![[1e4f32, -1e4, 0.0]];
    let ce = CrossEntropy::new().reduction(Reduction::Sum);
    assert_eq!(ce.forward(z.view(), &[1]).unwrap().scalar(), Some(2e4));
    assert_eq!(ce.forward(z.view(), &[0]).unwrap().scalar(), Some(0.0));
    let (_, g) = ce.forward_backward(z.view(), &[1]).unwrap();
    assert_eq!(g, array![[1.0f32, -1.0, 0.0]]);
}

#[test]
fn infinite_logits() {
    let ce = CrossEntropy::new().reduction(Reduction::None);
    // A −∞ logit has probability 0: free when it is not the target, +∞ when it is.
    let z = array![[0.0, f64::NEG_INFINITY], [0.0, f64::NEG_INFINITY]];
    let loss = ce.forward(z.view(), &[0, 1]).unwrap().to_vec();
    assert_eq!(loss, vec![0.0, INF]);
    let (_, g) = ce.forward_backward(z.view(), &[0, 1]).unwrap();
    assert_eq!(g.row(0).to_vec(), vec![0.0, 0.0]);
    // +∞ logits take all the probability (PyTorch: NaN); NaN logits give NaN rows.
    let z = array![[INF, 0.0], [INF, INF], [f64::NAN, 0.0]];
    let loss = ce.forward(z.view(), &[1, 1, 1]).unwrap().to_vec();
    assert_eq!(loss[0], INF);
    assert_eq!(loss[1], std::f64::consts::LN_2);
    assert!(loss[2].is_nan());
}

#[test]
fn one_class_costs_nothing() {
    let z = array![[3.0], [-7.0]];
    let (loss, g) = CrossEntropy::new()
        .forward_backward(z.view(), &[0, 0])
        .unwrap();
    assert_eq!(loss.scalar(), Some(0.0));
    assert_eq!(g, array![[0.0], [0.0]]);
}

#[test]
fn a_hundred_thousand_classes() {
    let classes = 100_000;
    let z = Array2::from_shape_fn((2, classes), |(i, j)| {
        ((i * 7 + j * 13) % 101) as f64 / 10.0
    });
    let (loss, g) = CrossEntropy::new()
        .forward_backward(z.view(), &[5, 99_999])
        .unwrap();
    assert!(loss.scalar().unwrap().is_finite());
    // Each row of the gradient of the mean sums to 0 (softmax − onehot sums to 0), over N.
    for row in g.rows() {
        assert!(row.sum().abs() < 1e-12);
    }
    let uniform = Array2::<f32>::zeros((1, classes));
    let l = CrossEntropy::new().forward(uniform.view(), &[123]).unwrap();
    assert!((l.scalar().unwrap() as f64 - (classes as f64).ln()).abs() < 1e-5);
}

#[test]
fn every_row_ignored_gives_nan_for_the_mean_and_zero_gradient() {
    let z = array![[1.0f64, 2.0], [3.0, 4.0]];
    let (loss, g) = CrossEntropy::new()
        .forward_backward(z.view(), &[-100, -100])
        .unwrap();
    assert!(loss.scalar().unwrap().is_nan());
    assert_eq!(g, Array2::<f64>::zeros((2, 2)));
    let sum = CrossEntropy::new().reduction(Reduction::Sum);
    assert_eq!(
        sum.forward(z.view(), &[-100, -100]).unwrap().scalar(),
        Some(0.0)
    );
    // Ignored rows are not counted in the mean's denominator (burn counts them).
    let half = CrossEntropy::new()
        .forward(z.view(), &[1, -100])
        .unwrap()
        .scalar()
        .unwrap();
    let alone = CrossEntropy::new()
        .forward(z.slice(ndarray::s![0..1, ..]), &[1])
        .unwrap();
    assert_eq!(Some(half), alone.scalar());
}

#[test]
fn bad_targets_are_typed_errors() {
    let z = array![[1.0, 2.0], [3.0, 4.0]];
    let ce = CrossEntropy::new();
    assert_eq!(
        ce.forward(z.view(), &[0, 2]).unwrap_err(),
        Error::ClassOutOfRange {
            row: 1,
            class: 2,
            classes: 2
        }
    );
    assert!(matches!(
        ce.forward(z.view(), &[0]),
        Err(Error::ShapeMismatch {
            input: "target",
            ..
        })
    ));
    assert!(matches!(
        ce.clone().weight(&[1.0]).forward(z.view(), &[0, 1]),
        Err(Error::ShapeMismatch {
            input: "weight",
            ..
        })
    ));
    assert!(matches!(
        ce.clone().label_smoothing(1.5).forward(z.view(), &[0, 1]),
        Err(Error::InvalidParameter {
            name: "label smoothing",
            ..
        })
    ));
    let soft = array![[0.5, 0.5], [-0.1, 1.1]];
    assert!(matches!(
        ce.forward(z.view(), &soft),
        Err(Error::ValueOutOfRange {
            input: "target",
            row: 1,
            col: 0,
            ..
        })
    ));
    assert!(matches!(
        Nll::new().forward(z.view(), &[-1, 0]),
        Err(Error::ClassOutOfRange {
            row: 0,
            class: -1,
            ..
        })
    ));
    let p = array![[0.5, 1.5]];
    assert!(matches!(
        BinaryCrossEntropy::new().forward(p.view(), array![[1.0, 0.0]].view()),
        Err(Error::ValueOutOfRange {
            input: "input",
            row: 0,
            col: 1,
            ..
        })
    ));
    assert!(matches!(
        ce.backward(
            z.view(),
            &[0, 1],
            Upstream::PerSample(ndarray::ArrayView1::from(&[1.0, 1.0]))
        ),
        Err(Error::InvalidParameter {
            name: "upstream gradient",
            ..
        })
    ));
    let empty = Array2::<f64>::zeros((2, 0));
    assert_eq!(
        ce.forward(empty.view(), &[0, 0]).unwrap_err(),
        Error::Empty { input: "logits" }
    );
}

#[test]
fn probabilities_zero_and_one() {
    let bce = BinaryCrossEntropy::new().reduction(Reduction::None);
    let p = array![[0.0, 1.0, 0.0, 1.0]];
    let y = array![[0.0, 1.0, 1.0, 0.0]];
    assert_eq!(
        bce.forward(p.view(), y.view()).unwrap().to_vec(),
        vec![0.0, 0.0, 100.0, 100.0]
    );
    let cce = CategoricalCrossEntropy::new();
    let q = array![[0.0, 1.0]];
    assert_eq!(cce.forward(q.view(), &[1]).unwrap().scalar(), Some(0.0));
    assert_eq!(cce.forward(q.view(), &[0]).unwrap().scalar(), Some(INF));
    let (_, g) = cce.forward_backward(q.view(), &[0]).unwrap();
    assert_eq!(g[[0, 0]], f64::NEG_INFINITY);
    let clipped = cce
        .clip(1e-7)
        .forward(q.view(), &[0])
        .unwrap()
        .scalar()
        .unwrap();
    assert!((clipped + 1e-7f64.ln()).abs() < 1e-12);
}

#[test]
fn bce_with_logits_at_the_extremes_is_exact() {
    let x = array![[800.0, -800.0, 40.0, -40.0, 1e4]];
    let y = array![[1.0, 0.0, 0.0, 1.0, 1.0]];
    let loss = BceWithLogits::new()
        .reduction(Reduction::None)
        .forward(x.view(), y.view())
        .unwrap()
        .to_vec();
    assert_eq!(loss[0], 0.0);
    assert_eq!(loss[1], 0.0);
    assert_eq!(loss[2], 40.0 + (-40f64).exp()); // rounds to 40
    assert_eq!(loss[3], 40.0);
    assert_eq!(loss[4], 0.0);
    // The tiny loss of a confident right answer is kept, not cancelled to 0.
    let tiny = BceWithLogits::new()
        .forward(array![[-40.0]].view(), array![[0.0]].view())
        .unwrap()
        .scalar()
        .unwrap();
    assert!(((tiny - (-40f64).exp()) / tiny).abs() < 1e-15);
    let focal = Focal::new()
        .forward(array![[800.0, -800.0]].view(), array![[0.0, 1.0]].view())
        .unwrap()
        .to_vec();
    assert_eq!(focal, vec![0.75 * 800.0, 0.25 * 800.0]);
}

#[test]
fn kl_div_zero_targets_never_nan() {
    let log_q = array![[f64::NEG_INFINITY, 0.0]];
    let p = array![[0.0, 1.0]];
    let kl = KlDiv::new().forward(log_q.view(), p.view()).unwrap();
    assert_eq!(kl.scalar(), Some(0.0));
    let kl = KlDiv::new()
        .log_target(true)
        .forward(log_q.view(), array![[f64::NEG_INFINITY, 0.0]].view())
        .unwrap();
    assert_eq!(kl.scalar(), Some(0.0));
}

#[test]
fn f32_losses_agree_with_f64() {
    let z64 = Array2::from_shape_fn((4, 50), |(i, j)| {
        ((i * 31 + j * 17) % 23) as f64 * 0.7 - 8.0
    });
    let z32 = z64.mapv(|v| v as f32);
    let target = [3i64, 49, 0, 17];
    let ce = CrossEntropy::new().label_smoothing(0.05);
    let (l64, g64) = ce.forward_backward(z64.view(), &target).unwrap();
    let (l32, g32) = ce.forward_backward(z32.view(), &target).unwrap();
    let (l64, l32) = (l64.scalar().unwrap(), l32.scalar().unwrap() as f64);
    assert!(((l32 - l64) / l64).abs() < 1e-6, "{l32} vs {l64}");
    for (a, b) in g32.iter().zip(g64.iter()) {
        assert!((*a as f64 - b).abs() < 1e-6);
    }
}

/// The vectorised f32 path against the exact f64 path: loss within 1e-6 relative, gradient
/// within 1e-6 absolute, over shapes that exercise every remainder and block boundary, every
/// option, and extreme rows (which the fused kernel hands to the exact kernel).
#[test]
fn fused_f32_cross_entropy_matches_the_f64_reference() {
    let mut state = 0x1234_5678_u64;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 40) as f64) / (1u64 << 24) as f64
    };
    for &(n, v) in &[
        (3usize, 1usize),
        (5, 2),
        (7, 17),
        (4, 1000),
        (3, 1025),
        (2, 5000),
        (64, 10),
        (37, 32),
        (48, 9),
        (17, 23),
        (300, 3),
    ] {
        for variant in 0..6 {
            let mut z64 = Array2::from_shape_fn((n, v), |_| next() * 16.0 - 8.0);
            if variant == 5 && v > 2 {
                z64[[0, 1]] = 1e4;
                z64[[1 % n, 0]] = -1e4;
                z64[[n - 1, v - 1]] = f64::NEG_INFINITY;
            }
            let z32 = z64.mapv(|x| x as f32);
            let z64 = z32.mapv(f64::from);
            let targets: Vec<i64> = (0..n)
                .map(|i| {
                    if variant == 3 && i % 3 == 1 {
                        -100
                    } else {
                        ((i * 7 + 3) % v) as i64
                    }
                })
                .collect();
            let weights: Vec<f64> = (0..v).map(|c| 0.5 + (c % 4) as f64 * 0.25).collect();
            let mut ce = CrossEntropy::new();
            match variant {
                1 => ce = ce.label_smoothing(0.1),
                2 => ce = ce.weight(&weights).label_smoothing(0.2),
                3 => ce = ce.z_loss(1e-3),
                4 => ce = ce.reduction(Reduction::Sum).weight(&weights),
                _ => {}
            }
            let (l64, g64) = ce.forward_backward(z64.view(), &targets).unwrap();
            let (l32, g32) = ce.forward_backward(z32.view(), &targets).unwrap();
            let (a, b) = (l32.scalar().unwrap() as f64, l64.scalar().unwrap());
            assert!(
                a == b || ((a - b) / b.abs().max(1e-30)).abs() < 1e-6,
                "{n}x{v} variant {variant}: {a} vs {b}"
            );
            for (x, y) in g32.iter().zip(g64.iter()) {
                assert!(
                    (*x as f64 - y).abs() < 1e-6,
                    "{n}x{v} variant {variant}: grad {x} vs {y}"
                );
            }
            // The three entry points agree.
            let mut inplace = z32.clone();
            let l_in = ce
                .forward_backward_in_place(inplace.view_mut(), &targets)
                .unwrap();
            assert_eq!(l_in, l32);
            assert_eq!(inplace, g32);
            assert_eq!(ce.forward(z32.view(), &targets).unwrap(), l32);
        }
    }
    // Rows the fused kernel cannot take fall back to the exact conventions.
    let z = array![
        [f32::NAN, 0.0],
        [f32::INFINITY, 0.0],
        [f32::NEG_INFINITY, f32::NEG_INFINITY]
    ];
    let none = CrossEntropy::new().reduction(Reduction::None);
    let l = none.forward(z.view(), &[0, 1, 0]).unwrap().to_vec();
    assert!(l[0].is_nan());
    assert_eq!(l[1], f32::INFINITY);
    assert_eq!(l[2], std::f32::consts::LN_2);
}

/// Probability targets through the vectorised f32 path against the exact f64 path.
#[test]
fn fused_f32_soft_target_cross_entropy_matches_the_f64_reference() {
    for &(n, v) in &[(3usize, 5usize), (4, 40), (2, 3000)] {
        let z64 = Array2::from_shape_fn((n, v), |(i, j)| {
            (((i * 37 + j * 11) % 23) as f64) * 0.6 - 6.0
        });
        let z32 = z64.mapv(|x| x as f32);
        let z64 = z32.mapv(f64::from);
        let mut t = Array2::from_shape_fn((n, v), |(i, j)| {
            if (i + j) % 3 == 0 {
                0.0
            } else {
                1.0 + (j % 5) as f64
            }
        });
        for mut row in t.rows_mut() {
            let s = row.sum();
            row.mapv_inplace(|x| x / s);
        }
        let t32 = t.mapv(|x| x as f32);
        let t64 = t32.mapv(f64::from);
        let weights: Vec<f64> = (0..v).map(|c| 0.5 + (c % 3) as f64 * 0.5).collect();
        for variant in 0..4 {
            let mut ce = CrossEntropy::new();
            match variant {
                1 => ce = ce.label_smoothing(0.1),
                2 => ce = ce.weight(&weights).z_loss(1e-3),
                3 => {
                    ce = ce
                        .reduction(Reduction::Sum)
                        .label_smoothing(0.3)
                        .weight(&weights)
                }
                _ => {}
            }
            let (l64, g64) = ce.forward_backward(z64.view(), &t64).unwrap();
            let (l32, g32) = ce.forward_backward(z32.view(), &t32).unwrap();
            let (a, b) = (l32.scalar().unwrap() as f64, l64.scalar().unwrap());
            assert!(
                ((a - b) / b).abs() < 1e-6,
                "{n}x{v} variant {variant}: {a} vs {b}"
            );
            for (x, y) in g32.iter().zip(g64.iter()) {
                assert!(
                    (*x as f64 - y).abs() < 1e-6,
                    "{n}x{v} variant {variant}: {x} vs {y}"
                );
            }
        }
    }
    // A zero target against a −∞ logit costs nothing (the exact kernel's convention).
    let z = array![[0.0f32, f32::NEG_INFINITY]];
    let t = array![[1.0f32, 0.0]];
    assert_eq!(
        CrossEntropy::new().forward(z.view(), &t).unwrap().scalar(),
        Some(0.0)
    );
}

/// Soft-capping in the fused f32 path against the exact f64 path, extreme logits included.
#[test]
fn fused_f32_softcap_matches_the_f64_reference() {
    for &(n, v) in &[(3usize, 7usize), (4, 40), (2, 3000)] {
        let mut z64 = Array2::from_shape_fn((n, v), |(i, j)| {
            (((i * 53 + j * 29) % 31) as f64) * 2.0 - 30.0
        });
        z64[[0, 1]] = 1e4;
        z64[[n - 1, 0]] = f64::INFINITY; // capped to c, not NaN
        let z32 = z64.mapv(|x| x as f32);
        let z64 = z32.mapv(f64::from);
        let targets: Vec<i64> = (0..n)
            .map(|i| {
                if i == 1 {
                    -100
                } else {
                    ((i * 5 + 1) % v) as i64
                }
            })
            .collect();
        for ce in [
            CrossEntropy::new().softcap(15.0),
            CrossEntropy::new()
                .softcap(30.0)
                .label_smoothing(0.1)
                .z_loss(1e-4),
            CrossEntropy::new()
                .softcap(5.0)
                .weight(&vec![2.0; v])
                .reduction(Reduction::Sum),
        ] {
            let (l64, g64) = ce.forward_backward(z64.view(), &targets).unwrap();
            let (l32, g32) = ce.forward_backward(z32.view(), &targets).unwrap();
            let (a, b) = (l32.scalar().unwrap() as f64, l64.scalar().unwrap());
            assert!(((a - b) / b).abs() < 1e-6, "{n}x{v} {ce:?}: {a} vs {b}");
            for (x, y) in g32.iter().zip(g64.iter()) {
                assert!((*x as f64 - y).abs() < 1e-6, "{n}x{v} {ce:?}: {x} vs {y}");
            }
            assert_eq!(ce.forward(z32.view(), &targets).unwrap(), l32);
        }
    }
}

/// One long row (fewer rows than threads): split across threads, same results as f64.
#[test]
fn one_long_row_is_split_across_threads_and_stays_exact() {
    let v = 100_003;
    let z64 = Array2::from_shape_fn((1, v), |(_, j)| ((j * 7919 % 1000) as f64) * 0.01 - 5.0);
    let z32 = z64.mapv(|x| x as f32);
    let z64 = z32.mapv(f64::from);
    let weights: Vec<f64> = (0..v).map(|c| 1.0 + (c % 2) as f64).collect();
    for (ce, target) in [
        (CrossEntropy::new(), 77_777i64),
        (
            CrossEntropy::new()
                .weight(&weights)
                .label_smoothing(0.1)
                .z_loss(1e-3),
            5,
        ),
        (CrossEntropy::new().reduction(Reduction::Sum), -100),
    ] {
        let (l64, g64) = ce.forward_backward(z64.view(), &[target]).unwrap();
        let (l32, g32) = ce.forward_backward(z32.view(), &[target]).unwrap();
        let (a, b) = (l32.scalar().unwrap() as f64, l64.scalar().unwrap());
        if target == -100 {
            assert_eq!((a, b), (0.0, 0.0));
        } else {
            assert!(((a - b) / b).abs() < 1e-6, "{a} vs {b}");
        }
        for (x, y) in g32.iter().zip(g64.iter()) {
            assert!((*x as f64 - y).abs() < 1e-6, "{x} vs {y}");
        }
        let mut inplace = z32.clone();
        assert_eq!(
            ce.forward_backward_in_place(inplace.view_mut(), &[target])
                .unwrap(),
            l32
        );
        assert_eq!(inplace, g32);
        assert_eq!(ce.forward(z32.view(), &[target]).unwrap(), l32);
    }
}

/// Short rows whose loss is tiny (the target's logit far above the rest) keep their relative
/// accuracy: ln s is taken near s = 1, where a careless f32 ln would lose every digit.
#[test]
fn tiny_losses_of_short_rows_keep_their_relative_accuracy() {
    for gap in [5.0f32, 9.0, 12.0, 15.0, 17.0] {
        let rows = 40;
        let z32 = Array2::from_shape_fn((rows, 10), |(i, c)| {
            if c == i % 10 {
                gap + (i as f32) * 0.01
            } else {
                (c as f32) * 0.1 - 0.3
            }
        });
        let z64 = z32.mapv(f64::from);
        let targets: Vec<i64> = (0..rows as i64).map(|i| i % 10).collect();
        let none = CrossEntropy::new().reduction(Reduction::None);
        let l32 = none.forward(z32.view(), &targets).unwrap().to_vec();
        let l64 = none.forward(z64.view(), &targets).unwrap().to_vec();
        for (a, b) in l32.iter().zip(&l64) {
            assert!(((*a as f64 - b) / b).abs() < 1e-6, "gap {gap}: {a} vs {b}");
        }
    }
}

/// A group of 16 short rows that holds a row the fused kernel cannot take (NaN, +∞) goes
/// the portable way: the other rows match the f64 path, the irregular ones get its
/// conventions, and in place the irregular rows' logits are still there for the exact kernel.
#[test]
fn short_row_groups_with_irregular_rows_match_the_f64_path() {
    let (n, v) = (32usize, 12usize);
    let mut z = Array2::from_shape_fn((n, v), |(i, j)| ((i * 5 + j * 3) % 11) as f32 - 5.0);
    z[[3, 4]] = f32::NAN;
    z[[20, 7]] = f32::INFINITY;
    let targets: Vec<i64> = (0..n as i64).map(|i| (i * 5) % v as i64).collect();
    let ce = CrossEntropy::new().reduction(Reduction::None);
    let (l64, g64) = ce
        .forward_backward(z.mapv(f64::from).view(), &targets)
        .unwrap();
    let (l32, g32) = ce.forward_backward(z.view(), &targets).unwrap();
    let mut inplace = z.clone();
    let l_in = ce
        .forward_backward_in_place(inplace.view_mut(), &targets)
        .unwrap();
    let same = |a: f32, b: f64| {
        a as f64 == b
            || (a.is_nan() && b.is_nan())
            || (a as f64 - b).abs() <= 1e-6 * b.abs().max(1.0)
    };
    for (i, (a, b)) in l32.to_vec().iter().zip(l64.to_vec()).enumerate() {
        assert!(same(*a, b), "row {i}: loss {a} vs {b}");
    }
    for ((i, j), &a) in g32.indexed_iter() {
        assert!(same(a, g64[[i, j]]), "[{i}, {j}]: {a} vs {}", g64[[i, j]]);
        let b = inplace[[i, j]];
        assert!(
            a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
            "[{i}, {j}] in place"
        );
    }
    assert_eq!(
        l_in.to_vec()
            .iter()
            .map(|x| x.to_bits())
            .collect::<Vec<_>>(),
        l32.to_vec().iter().map(|x| x.to_bits()).collect::<Vec<_>>()
    );
}
