//! Every loss's analytic gradient against central finite differences in f64, over random
//! shapes, inputs, targets, options and reductions.

use ndarray::Array2;
use proptest::prelude::*;
use xent::loss::{
    BceWithLogits, BinaryCrossEntropy, CategoricalCrossEntropy, CrossEntropy, Focal, KlDiv,
    KlReduction, LossValue, Mse, Nll, Upstream,
};
use xent::Reduction;

/// The objective a gradient is checked against: the loss itself when reduced, Σ gᵢ·lossᵢ
/// with the given upstream weights when not.
fn objective(value: &LossValue<f64>, upstream: &[f64]) -> f64 {
    match value {
        LossValue::Scalar(v) => v * upstream[0],
        other => other
            .to_vec()
            .iter()
            .zip(upstream)
            .map(|(l, g)| l * g)
            .sum(),
    }
}

/// Central differences of `f` at `x`, compared with `grad` entry by entry.
fn check(
    x: &Array2<f64>,
    grad: &Array2<f64>,
    f: impl Fn(&Array2<f64>) -> f64,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(x.dim(), grad.dim());
    for ((i, j), &analytic) in grad.indexed_iter() {
        let h = 1e-6 * x[[i, j]].abs().max(1.0);
        let (mut up, mut down) = (x.clone(), x.clone());
        up[[i, j]] += h;
        down[[i, j]] -= h;
        let numeric = (f(&up) - f(&down)) / (2.0 * h);
        prop_assert!(
            (numeric - analytic).abs() <= 1e-6 * (1.0 + analytic.abs()),
            "d/dx[{i},{j}]: numeric {numeric:e}, analytic {analytic:e}"
        );
    }
    Ok(())
}

fn matrix(
    rows: usize,
    cols: usize,
    range: std::ops::Range<f64>,
) -> impl Strategy<Value = Array2<f64>> {
    prop::collection::vec(range, rows * cols)
        .prop_map(move |v| Array2::from_shape_vec((rows, cols), v).unwrap())
}

fn shape() -> impl Strategy<Value = (usize, usize)> {
    (1usize..5, 1usize..6)
}

fn reduction() -> impl Strategy<Value = Reduction> {
    prop_oneof![
        Just(Reduction::None),
        Just(Reduction::Mean),
        Just(Reduction::Sum)
    ]
}

/// Upstream weights for `n` unreduced outputs, or one scalar for a reduced loss.
fn upstream_for(reduced: bool, n: usize) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(-2.0..2.0f64, if reduced { 1 } else { n })
}

/// Runs `backward` with the upstream weights in the shape the reduction wants.
fn upstream<'a>(
    reduced: bool,
    g: &'a [f64],
    per_element: Option<&'a Array2<f64>>,
) -> Upstream<'a, f64> {
    if reduced {
        Upstream::Scalar(g[0])
    } else if let Some(a) = per_element {
        Upstream::PerElement(a.view())
    } else {
        Upstream::PerSample(ndarray::ArrayView1::from(g))
    }
}

#[derive(Debug, Clone)]
struct CeCase {
    logits: Array2<f64>,
    classes: Vec<i64>,
    soft: Array2<f64>,
    weight: Option<Vec<f64>>,
    smoothing: f64,
    z_loss: f64,
    softcap: Option<f64>,
    reduction: Reduction,
    g: Vec<f64>,
}

fn ce_case() -> impl Strategy<Value = CeCase> {
    (shape(), reduction()).prop_flat_map(|((n, c), reduction)| {
        let reduced = reduction != Reduction::None;
        (
            matrix(n, c, -6.0..6.0),
            prop::collection::vec(prop_oneof![4 => 0..c as i64, 1 => Just(-100i64)], n),
            matrix(n, c, 0.0..1.0),
            prop::option::of(prop::collection::vec(0.1..2.0f64, c)),
            prop_oneof![Just(0.0), 0.0..1.0f64],
            prop_oneof![Just(0.0), 0.0..0.1f64],
            prop::option::of(2.0..10.0f64),
            upstream_for(reduced, n),
        )
            .prop_map(
                move |(logits, classes, soft, weight, smoothing, z_loss, softcap, g)| CeCase {
                    logits,
                    classes,
                    soft,
                    weight,
                    smoothing,
                    z_loss,
                    softcap,
                    reduction,
                    g,
                },
            )
    })
}

impl CeCase {
    fn loss(&self) -> CrossEntropy {
        let mut ce = CrossEntropy::new()
            .label_smoothing(self.smoothing)
            .z_loss(self.z_loss)
            .reduction(self.reduction);
        if let Some(w) = &self.weight {
            ce = ce.weight(w);
        }
        if let Some(c) = self.softcap {
            ce = ce.softcap(c);
        }
        ce
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn cross_entropy_with_class_indices(case in ce_case()) {
        let ce = case.loss();
        let reduced = case.reduction != Reduction::None;
        let f = |z: &Array2<f64>| objective(&ce.forward(z.view(), &case.classes).unwrap(), &case.g);
        let value = ce.forward(case.logits.view(), &case.classes).unwrap();
        // A batch where every row is ignored has a NaN mean, as PyTorch; nothing to check.
        prop_assume!(!value.to_vec()[0].is_nan());
        let grad = ce.backward(case.logits.view(), &case.classes, upstream(reduced, &case.g, None)).unwrap();
        check(&case.logits, &grad, f)?;
        // forward_backward is backward with an upstream of ones, and in place is the same.
        let (v, g1) = ce.forward_backward(case.logits.view(), &case.classes).unwrap();
        let ones = vec![1.0; case.logits.nrows()];
        let g2 = ce.backward(case.logits.view(), &case.classes, upstream(reduced, &ones, None)).unwrap();
        prop_assert_eq!(&g1, &g2);
        prop_assert_eq!(&v, &value);
        let mut z = case.logits.clone();
        prop_assert_eq!(ce.forward_backward_in_place(z.view_mut(), &case.classes).unwrap(), value);
        prop_assert_eq!(z, g1);
    }

    #[test]
    fn cross_entropy_with_probability_targets(case in ce_case()) {
        let ce = case.loss();
        let reduced = case.reduction != Reduction::None;
        let f = |z: &Array2<f64>| objective(&ce.forward(z.view(), &case.soft).unwrap(), &case.g);
        let grad = ce.backward(case.logits.view(), &case.soft, upstream(reduced, &case.g, None)).unwrap();
        check(&case.logits, &grad, f)?;
    }

    #[test]
    fn nll(case in ce_case()) {
        let mut nll = Nll::new().reduction(case.reduction);
        if let Some(w) = &case.weight {
            nll = nll.weight(w);
        }
        let reduced = case.reduction != Reduction::None;
        let value = nll.forward(case.logits.view(), &case.classes).unwrap();
        prop_assume!(!value.to_vec()[0].is_nan());
        let f = |x: &Array2<f64>| objective(&nll.forward(x.view(), &case.classes).unwrap(), &case.g);
        let grad = nll.backward(case.logits.view(), &case.classes, upstream(reduced, &case.g, None)).unwrap();
        check(&case.logits, &grad, f)?;
    }

    #[test]
    fn categorical_cross_entropy(
        (q, y, reduction, g, clip) in (shape(), reduction()).prop_flat_map(|((n, c), r)| (
            matrix(n, c, 0.05..0.95),
            matrix(n, c, 0.0..1.0),
            Just(r),
            upstream_for(r != Reduction::None, n),
            prop::option::of(0.0..0.04f64),
        ))
    ) {
        let mut cce = CategoricalCrossEntropy::new().reduction(reduction);
        if let Some(eps) = clip {
            cce = cce.clip(eps);
        }
        let reduced = reduction != Reduction::None;
        let f = |x: &Array2<f64>| objective(&cce.forward(x.view(), &y).unwrap(), &g);
        let grad = cce.backward(q.view(), &y, upstream(reduced, &g, None)).unwrap();
        check(&q, &grad, f)?;
    }

    #[test]
    fn binary_cross_entropy_on_probabilities(
        (p, y, w, reduction, g) in (shape(), reduction()).prop_flat_map(|((n, c), r)| (
            matrix(n, c, 0.05..0.95),
            matrix(n, c, 0.0..1.0),
            prop::option::of(matrix(n, c, 0.1..2.0)),
            Just(r),
            matrix(n, c, -2.0..2.0),
        ))
    ) {
        let mut bce = BinaryCrossEntropy::new().reduction(reduction);
        if let Some(w) = &w {
            bce = bce.weight(w.view());
        }
        let reduced = reduction != Reduction::None;
        let gv = g.iter().copied().collect::<Vec<_>>();
        let f = |x: &Array2<f64>| objective(&bce.forward(x.view(), y.view()).unwrap(), &gv);
        let grad = bce.backward(p.view(), y.view(), upstream(reduced, &gv, Some(&g))).unwrap();
        check(&p, &grad, f)?;
    }

    #[test]
    fn binary_cross_entropy_on_logits(
        (x, y, w, pw, reduction, g) in (shape(), reduction()).prop_flat_map(|((n, c), r)| (
            matrix(n, c, -8.0..8.0),
            matrix(n, c, 0.0..1.0),
            prop::option::of(matrix(n, c, 0.1..2.0)),
            prop::option::of(prop::collection::vec(0.1..4.0f64, c)),
            Just(r),
            matrix(n, c, -2.0..2.0),
        ))
    ) {
        let mut bce = BceWithLogits::new().reduction(reduction);
        if let Some(w) = &w {
            bce = bce.weight(w.view());
        }
        if let Some(pw) = &pw {
            bce = bce.pos_weight(pw);
        }
        let reduced = reduction != Reduction::None;
        let gv = g.iter().copied().collect::<Vec<_>>();
        let f = |z: &Array2<f64>| objective(&bce.forward(z.view(), y.view()).unwrap(), &gv);
        let grad = bce.backward(x.view(), y.view(), upstream(reduced, &gv, Some(&g))).unwrap();
        check(&x, &grad, f)?;
    }

    #[test]
    fn focal(
        (x, y, alpha, gamma, reduction, g) in (shape(), reduction()).prop_flat_map(|((n, c), r)| (
            matrix(n, c, -5.0..5.0),
            matrix(n, c, 0.0..1.0),
            prop_oneof![Just(-1.0), 0.0..1.0f64],
            prop_oneof![Just(0.0), Just(2.0), 0.5..3.0f64],
            Just(r),
            matrix(n, c, -2.0..2.0),
        ))
    ) {
        let focal = Focal::new().alpha(alpha).gamma(gamma).reduction(reduction);
        let reduced = reduction != Reduction::None;
        let gv = g.iter().copied().collect::<Vec<_>>();
        let f = |z: &Array2<f64>| objective(&focal.forward(z.view(), y.view()).unwrap(), &gv);
        let grad = focal.backward(x.view(), y.view(), upstream(reduced, &gv, Some(&g))).unwrap();
        check(&x, &grad, f)?;
    }

    #[test]
    fn kl_div(
        (log_q, p, log_target, which, g) in shape().prop_flat_map(|(n, c)| (
            matrix(n, c, -5.0..0.0),
            matrix(n, c, 0.0..1.0),
            any::<bool>(),
            0usize..4,
            matrix(n, c, -2.0..2.0),
        ))
    ) {
        let reduction = [KlReduction::None, KlReduction::BatchMean, KlReduction::Mean, KlReduction::Sum][which];
        let kl = KlDiv::new().log_target(log_target).reduction(reduction);
        let target = if log_target { p.mapv(f64::ln) } else { p.clone() };
        let reduced = reduction != KlReduction::None;
        let gv = g.iter().copied().collect::<Vec<_>>();
        let f = |x: &Array2<f64>| objective(&kl.forward(x.view(), target.view()).unwrap(), &gv);
        let grad = kl.backward(log_q.view(), target.view(), upstream(reduced, &gv, Some(&g))).unwrap();
        check(&log_q, &grad, f)?;
    }

    #[test]
    fn mse(
        (x, y, reduction, g) in (shape(), reduction()).prop_flat_map(|((n, c), r)| (
            matrix(n, c, -10.0..10.0),
            matrix(n, c, -10.0..10.0),
            Just(r),
            matrix(n, c, -2.0..2.0),
        ))
    ) {
        let mse = Mse::new().reduction(reduction);
        let reduced = reduction != Reduction::None;
        let gv = g.iter().copied().collect::<Vec<_>>();
        let f = |z: &Array2<f64>| objective(&mse.forward(z.view(), y.view()).unwrap(), &gv);
        let grad = mse.backward(x.view(), y.view(), upstream(reduced, &gv, Some(&g))).unwrap();
        check(&x, &grad, f)?;
    }
}
