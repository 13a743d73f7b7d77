//! `cross_entropy_parts[_rows]`: one read for H(P), D(P‖Q) and H(P, Q), checked against the
//! separate measures, an f64 reference, and the conventions at the edges.

use ndarray::{array, Array2};
use xent::measure::{self, Options};
use xent::{Base, Error, InputPolicy};

/// Rows of positive probabilities from a fixed integer sequence (no RNG dependency), some
/// rows with zeros, some close to the matching row of the other batch.
fn batch(n: usize, v: usize, seed: usize) -> Array2<f32> {
    let mut a = Array2::from_shape_fn((n, v), |(i, j)| {
        let k = (i * 7919 + j * 104_729 + seed * 15_485_863) % 1_000_003;
        (k as f32 / 1_000_003.0).powi(3)
            + if (i + j) % 11 == 0 && i % 3 == 0 {
                0.0
            } else {
                1e-4
            }
    });
    for mut row in a.rows_mut() {
        let s: f32 = row.sum();
        row.mapv_inplace(|x| x / s);
    }
    a
}

fn reference(p: &[f32], q: &[f32]) -> (f64, f64) {
    let (mut h, mut d) = (0.0f64, 0.0f64);
    for (&x, &y) in p.iter().zip(q) {
        let (x, y) = (x as f64, y as f64);
        if x > 0.0 {
            h -= x * x.ln();
            d += x * (x / y).ln() - x + y;
        } else {
            d += y;
        }
    }
    (h, d)
}

#[test]
fn one_read_agrees_with_the_separate_measures_and_with_f64() {
    // 1000 columns take the vector kernel (with a remainder past the 16-lane chunks); 7
    // columns are a row shorter than one chunk.
    for (n, v) in [(37, 1000), (50, 7), (3, 4099)] {
        let p = batch(n, v, 1);
        let mut q = batch(n, v, 2);
        // Row 1 of q is row 1 of p with two elements nudged by 1e-4 of their value: a
        // divergence below 1e-8, where only the series is accurate.
        for j in 0..v {
            q[[1, j]] = p[[1, j]];
        }
        let nudge = 1e-4 * p[[1, 0]].min(p[[1, 1]]);
        q[[1, 0]] += nudge;
        q[[1, 1]] -= nudge;
        let options = Options::new().policy(InputPolicy::Unchecked);
        let parts = options
            .cross_entropy_parts_rows(p.view(), q.view())
            .unwrap();
        let h = options.entropy_rows(p.view()).unwrap();
        let d = options.kl_divergence_rows(p.view(), q.view()).unwrap();
        let ce = options.cross_entropy_rows(p.view(), q.view()).unwrap();
        for i in 0..n {
            let (pr, qr) = (p.row(i), q.row(i));
            let (eh, ed) = reference(pr.as_slice().unwrap(), qr.as_slice().unwrap());
            let close = |a: f32, b: f64, tol: f64| ((a as f64 - b) / b).abs() < tol;
            assert!(close(parts.entropy[i], eh, 1e-6), "{n}x{v} row {i}");
            assert!(
                close(parts.kl_divergence[i], ed, 1e-5),
                "{n}x{v} row {i}: {} vs {ed:e}",
                parts.kl_divergence[i]
            );
            assert!(close(parts.entropy[i], h[i] as f64, 1e-6));
            assert!(close(parts.kl_divergence[i], d[i] as f64, 1e-6));
            assert!(
                close(parts.cross_entropy[i], ce[i] as f64, 1e-5),
                "{n}x{v} row {i}"
            );
            assert!(close(parts.cross_entropy[i], eh + ed, 1e-6));
        }
        assert!(parts.kl_divergence[1] < 1e-8, "{}", parts.kl_divergence[1]);
    }
}

#[test]
fn f64_batches_and_single_distributions_take_the_exact_kernels() {
    let p = array![[0.5, 0.25, 0.25], [1.0, 0.0, 0.0]];
    let q = array![[0.25, 0.25, 0.5], [0.5, 0.5, 0.0]];
    let bits = Options::new().base(Base::BITS);
    let parts = bits.cross_entropy_parts_rows(p.view(), q.view()).unwrap();
    assert_eq!(parts.entropy.to_vec(), vec![1.5, 0.0]);
    assert_eq!(parts.kl_divergence.to_vec(), vec![0.25, 1.0]);
    assert_eq!(parts.cross_entropy.to_vec(), vec![1.75, 1.0]);
    let one = bits.cross_entropy_parts(p.row(0), q.row(0)).unwrap();
    assert_eq!(
        (one.entropy, one.kl_divergence, one.cross_entropy),
        (1.5, 0.25, 1.75)
    );
    // The textbook example: label [0, 0, 1] against [0.3, 0.3, 0.4].
    let ex = Options::new()
        .cross_entropy_parts::<f64>(&[0.0, 0.0, 1.0], &[0.3, 0.3, 0.4])
        .unwrap();
    assert!((ex.cross_entropy - 0.916290731874155).abs() < 1e-15);
    assert_eq!(ex.entropy, 0.0);
}

#[test]
fn zero_q_under_positive_p_is_an_infinite_divergence() {
    let mut p = Array2::<f32>::from_elem((2, 64), 1.0 / 64.0);
    let mut q = p.clone();
    q[[1, 3]] = 0.0;
    q[[1, 4]] = 2.0 / 64.0;
    p[[0, 9]] = 0.0; // p = 0 ignores q
    p[[0, 10]] = 2.0 / 64.0;
    let parts = Options::new()
        .cross_entropy_parts_rows(p.view(), q.view())
        .unwrap();
    assert!(parts.kl_divergence[0] > 0.0 && parts.kl_divergence[0].is_finite());
    assert_eq!(parts.kl_divergence[1], f32::INFINITY);
    assert_eq!(parts.cross_entropy[1], f32::INFINITY);
    assert!((parts.entropy[1] - 64f32.ln()).abs() < 1e-6);
}

#[test]
fn errors_name_the_first_offending_row_in_either_operand() {
    let p = Array2::<f32>::from_elem((4, 32), 1.0 / 32.0);
    let mut q = p.clone();
    let mut bad_p = p.clone();
    q[[1, 0]] = 0.5; // row 1 of q sums to more than 1
    bad_p[[3, 0]] = -0.1;
    match Options::new().cross_entropy_parts_rows(bad_p.view(), q.view()) {
        Err(Error::NotNormalized { input, row, .. }) => assert_eq!((input, row), ("q", 1)),
        other => panic!("{other:?}"),
    }
    let short = Array2::<f32>::zeros((4, 31));
    assert!(matches!(
        Options::new().cross_entropy_parts_rows(p.view(), short.view()),
        Err(Error::ShapeMismatch { .. })
    ));
    assert!(matches!(
        measure::Options::new().cross_entropy_parts::<f64>(&[], &[]),
        Err(Error::Empty { .. })
    ));
}
