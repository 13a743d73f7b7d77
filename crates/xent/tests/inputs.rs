//! The containers callers hold their data in are accepted as they are, with the same results.

use ndarray::{array, s, Array1};
use xent::loss::{CrossEntropy, Nll};

#[test]
fn class_labels_of_either_integer_type_and_any_container_give_the_same_loss() {
    let z = array![[1.0f64, 2.0, 0.5], [0.1, -1.0, 3.0], [2.0, 2.0, 2.0]];
    let ce = CrossEntropy::new();
    let reference = ce.forward(z.view(), &[2, 0, 1]).unwrap().scalar().unwrap();
    let expected = {
        let lse = |r: usize| z.row(r).iter().map(|v| v.exp()).sum::<f64>().ln();
        ((lse(0) - 0.5) + (lse(1) - 0.1) + (lse(2) - 2.0)) / 3.0
    };
    assert!(
        (reference - expected).abs() < 1e-15,
        "{reference} {expected}"
    );
    let as_usize: Vec<usize> = vec![2, 0, 1];
    let as_i64: Vec<i64> = vec![2, 0, 1];
    let view = Array1::from(vec![2usize, 9, 0, 9, 1]);
    let strided = view.slice(s![..;2]);
    let values = [
        ce.forward(z.view(), &as_usize).unwrap(),
        ce.forward(z.view(), as_usize.as_slice()).unwrap(),
        ce.forward(z.view(), &as_i64).unwrap(),
        ce.forward(z.view(), as_i64.as_slice()).unwrap(),
        ce.forward(z.view(), Array1::from(as_i64.clone()).view())
            .unwrap(),
        ce.forward(z.view(), strided).unwrap(),
    ];
    for v in values {
        assert_eq!(v.scalar().unwrap(), reference);
    }
    let log_p = xent::activation::log_softmax_rows(z.view());
    let nll = Nll::new().forward(log_p.view(), &as_usize).unwrap();
    assert!((nll.scalar().unwrap() - reference).abs() < 1e-15);
}

#[test]
fn an_unsigned_label_out_of_range_names_its_row_and_value() {
    let z = array![[1.0f32, 2.0], [0.0, 0.0]];
    let err = CrossEntropy::new()
        .forward(z.view(), &vec![1usize, usize::MAX])
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        xent::Error::ClassOutOfRange {
            row: 1,
            class: i64::MAX,
            classes: 2
        }
        .to_string()
    );
}

#[test]
fn row_activations_take_slices_vectors_arrays_and_strided_views_alike() {
    use xent::activation::{log_softmax, logsumexp, softmax, LogSoftmax, RowActivation};
    let v = vec![1.0f64, 2.0, 3.0];
    let a = Array1::from(v.clone());
    let wide = Array1::from(vec![1.0f64, -7.0, 2.0, -7.0, 3.0]);
    let strided = wide.slice(s![..;2]);
    let p = softmax(v.as_slice());
    assert!((p[2] - 0.665_240_955_774_821_8).abs() < 1e-16);
    for q in [
        softmax(&v),
        softmax(&a),
        softmax(a.view()),
        softmax(strided),
    ] {
        assert_eq!(q, p);
    }
    let lse = logsumexp(v.as_slice());
    assert_eq!(logsumexp(&a), lse);
    assert_eq!(logsumexp(strided), lse);
    assert!((lse - 3.407_605_964_444_38).abs() < 1e-14);
    let l = log_softmax(strided);
    assert_eq!(l, LogSoftmax::new().apply(&v));
    let mut out = [0.0; 3];
    LogSoftmax::new().apply_into(strided, &mut out).unwrap();
    assert_eq!(out.to_vec(), l);
}

#[test]
fn elementwise_losses_take_vectors_as_one_row() {
    use xent::loss::{BceWithLogits, BinaryCrossEntropy, Mse};
    use xent::Reduction;
    let z = vec![0.0f64, 2.0, -1.0];
    let y = [1.0, 1.0, 0.0];
    let z2 = array![[0.0f64, 2.0, -1.0]];
    let y2 = array![[1.0, 1.0, 0.0]];
    // softplus(−z) for a positive label, softplus(z) for a negative one.
    let expected = (2f64.ln() + (1.0 + (-2f64).exp()).ln() + (1.0 + (-1f64).exp()).ln()) / 3.0;
    let bce = BceWithLogits::new()
        .forward(&z, &y)
        .unwrap()
        .scalar()
        .unwrap();
    assert!((bce - expected).abs() < 1e-15, "{bce} {expected}");
    let (v1, g1) = BceWithLogits::new()
        .pos_weight(&[2.0, 1.0, 1.0])
        .forward_backward(z.as_slice(), Array1::from(y.to_vec()).view())
        .unwrap();
    let (v2, g2) = BceWithLogits::new()
        .pos_weight(&[2.0, 1.0, 1.0])
        .forward_backward(z2.view(), y2.view())
        .unwrap();
    assert_eq!((v1, g1.clone()), (v2, g2));
    assert_eq!(g1.dim(), (1, 3));
    let p = [0.25, 0.5, 0.75];
    let none = BinaryCrossEntropy::new()
        .reduction(Reduction::None)
        .forward(&p, &[0.0, 1.0, 1.0])
        .unwrap();
    let per_element = none.to_vec();
    let want = [0.75f64.ln(), 0.5f64.ln(), 0.75f64.ln()].map(|v| -v);
    for (got, want) in per_element.iter().zip(want) {
        assert!((got - want).abs() < 1e-15);
    }
    let mse = Mse::new().forward(&vec![1.0f32, 3.0], &[0.0, 1.0]).unwrap();
    assert_eq!(mse.scalar(), Some(2.5));
}
