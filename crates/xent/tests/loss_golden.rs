//! The losses against PyTorch, scikit-learn and Keras reference values
//! (`tests/data/golden.json`; each case names its source).

mod common;

use common::prec::assert_close;
use common::{case, matrix, row, vector};
use ndarray::{array, Array2};
use xent::loss::{
    BceWithLogits, BinaryCrossEntropy, CategoricalCrossEntropy, CrossEntropy, KlDiv, KlReduction,
    Mse,
};
use xent::Reduction;

#[test]
fn pytorch_cross_entropy_cases() {
    let c = case("torch_ce_weighted_mean");
    let logits = matrix(&c["input"]["logits"]);
    let target: Vec<i64> = vector(&c["input"]["target"])
        .iter()
        .map(|&t| t as i64)
        .collect();
    let ce = CrossEntropy::new().weight(&vector(&c["input"]["weight"]));
    let loss = ce
        .forward(logits.view(), &target)
        .unwrap()
        .scalar()
        .unwrap();
    assert_close(loss, c["expected"].as_f64().unwrap(), "weighted mean");

    let c = case("torch_ce_weight_ignore_ls");
    let target: Vec<i64> = vector(&c["input"]["target"])
        .iter()
        .map(|&t| t as i64)
        .collect();
    let ce = CrossEntropy::new()
        .weight(&vector(&c["input"]["weight"]))
        .label_smoothing(0.1);
    let loss = ce
        .forward(logits.view(), &target)
        .unwrap()
        .scalar()
        .unwrap();
    assert_close(
        loss,
        c["expected"].as_f64().unwrap(),
        "weight + ignore + smoothing",
    );

    let c = case("torch_ce_ls_single");
    let one = matrix(&c["input"]["logits"]);
    let loss = CrossEntropy::new()
        .label_smoothing(0.1)
        .forward(one.view(), &[0])
        .unwrap()
        .scalar()
        .unwrap();
    assert_close(loss, c["expected"].as_f64().unwrap(), "smoothing");

    let c = case("torch_ce_probtarget_weight");
    let probs = matrix(&c["input"]["target"]);
    let ce = CrossEntropy::new().weight(&vector(&c["input"]["weight"]));
    let loss = ce.forward(logits.view(), &probs).unwrap().scalar().unwrap();
    assert_close(
        loss,
        c["expected"].as_f64().unwrap(),
        "probability targets divide by N",
    );
}

#[test]
fn extreme_logits_cost_exactly_their_margin() {
    let logits = array![[1000.0, 0.0, -1000.0]];
    let ce = CrossEntropy::new();
    assert_eq!(
        ce.forward(logits.view(), &[2]).unwrap().scalar(),
        Some(2000.0)
    );
    assert_eq!(ce.forward(logits.view(), &[0]).unwrap().scalar(), Some(0.0));
    let uniform = Array2::<f64>::zeros((1, 10_000));
    let loss = ce.forward(uniform.view(), &[0]).unwrap().scalar().unwrap();
    assert_close(
        loss,
        case("ce_uniform_10000")["expected"].as_f64().unwrap(),
        "ln 10000",
    );
}

#[test]
fn textbook_models_through_categorical_cross_entropy() {
    for id in [
        "seed_model1_mean_ce",
        "seed_model2_mean_ce",
        "seed_cce_identity",
    ] {
        let c = case(id);
        let y = matrix(&c["input"]["y_onehot"]);
        let q = matrix(&c["input"]["pred"]);
        let loss = CategoricalCrossEntropy::new()
            .forward(q.view(), &y)
            .unwrap();
        assert_close(loss.scalar().unwrap(), c["expected"].as_f64().unwrap(), id);
    }
    // Model 2 is the better model: lower cross-entropy (0.6391 < 1.3784).
    assert!(
        case("seed_model2_mean_ce")["expected"].as_f64()
            < case("seed_model1_mean_ce")["expected"].as_f64()
    );
}

#[test]
fn binary_cross_entropy_cases() {
    let c = case("seed_bce");
    let (y, p) = (
        row(&vector(&c["input"]["y"])),
        row(&vector(&c["input"]["p"])),
    );
    let loss = BinaryCrossEntropy::new()
        .forward(p.view(), y.view())
        .unwrap();
    assert_close(
        loss.scalar().unwrap(),
        c["expected"].as_f64().unwrap(),
        "seed_bce",
    );

    let c = case("bce_p0_y1_torch");
    let loss = BinaryCrossEntropy::new()
        .forward(array![[0.0]].view(), array![[1.0]].view())
        .unwrap();
    assert_eq!(loss.scalar().unwrap(), c["expected"].as_f64().unwrap());

    // scikit-learn and Keras clip instead of clamping the log; `clip` reproduces both.
    let sk = case("bce_p0_y1_sklearn");
    // y = [1, 0] against P(class 1) = [0, 0], as two-class rows [1 − p, p].
    let q = array![[1.0, 0.0], [1.0, 0.0]];
    let loss = CategoricalCrossEntropy::new()
        .clip(f64::EPSILON)
        .forward(q.view(), &[1, 0])
        .unwrap();
    assert_close(
        loss.scalar().unwrap(),
        sk["expected"].as_f64().unwrap(),
        "sklearn clip",
    );
    let keras = case("bce_p0_y1_keras");
    let loss = CategoricalCrossEntropy::new()
        .clip(1e-7)
        .forward(array![[1.0, 0.0]].view(), &[1])
        .unwrap();
    assert_close(
        loss.scalar().unwrap(),
        keras["expected"].as_f64().unwrap(),
        "keras clip",
    );

    let c = case("bce_near_one");
    let p = 1.0 - 1e-12;
    let loss = BinaryCrossEntropy::new()
        .forward(array![[p]].view(), array![[1.0]].view())
        .unwrap();
    let expected = c["expected"].as_f64().unwrap();
    assert!((loss.scalar().unwrap() - expected).abs() <= 1e-12 * expected);
}

#[test]
fn bce_with_logits_cases() {
    let c = case("bce_logits_extreme");
    let (x, y) = (
        row(&vector(&c["input"]["x"])),
        row(&vector(&c["input"]["y"])),
    );
    let loss = BceWithLogits::new()
        .reduction(Reduction::None)
        .forward(x.view(), y.view())
        .unwrap();
    assert_eq!(loss.to_vec(), vector(&c["expected"]));

    let c = case("bce_logits_posweight");
    let (x, y) = (vector(&c["input"]["x"]), vector(&c["input"]["y"]));
    // One column per example so that the single pos_weight applies to both.
    let x = Array2::from_shape_vec((2, 1), x).unwrap();
    let y = Array2::from_shape_vec((2, 1), y).unwrap();
    let loss = BceWithLogits::new()
        .pos_weight(&[c["input"]["pos_weight"].as_f64().unwrap()])
        .reduction(Reduction::None)
        .forward(x.view(), y.view())
        .unwrap();
    for (a, e) in loss.to_vec().iter().zip(vector(&c["expected"])) {
        assert_close(*a, e, "pos_weight");
    }
}

#[test]
fn kl_div_reductions() {
    let log_q = array![[0.7f64, 0.2, 0.1], [0.25, 0.25, 0.5]].mapv(f64::ln);
    let p = array![[1.0, 0.0, 0.0], [0.5, 0.25, 0.25]];
    let batch = KlDiv::new().reduction(KlReduction::BatchMean);
    let v = batch
        .forward(log_q.view(), p.view())
        .unwrap()
        .scalar()
        .unwrap();
    assert_close(
        v,
        case("torch_kl_div_batchmean")["expected"].as_f64().unwrap(),
        "batchmean",
    );
    let v = KlDiv::new()
        .forward(log_q.view(), p.view())
        .unwrap()
        .scalar()
        .unwrap();
    assert_close(
        v,
        case("torch_kl_div_mean")["expected"].as_f64().unwrap(),
        "mean",
    );
    // With log targets the same numbers come out; a zero target contributes 0, never NaN.
    let v = batch
        .log_target(true)
        .forward(log_q.view(), p.mapv(f64::ln).view())
        .unwrap()
        .scalar()
        .unwrap();
    assert_close(
        v,
        case("torch_kl_div_batchmean")["expected"].as_f64().unwrap(),
        "log target",
    );
}

#[test]
fn mse_case() {
    let c = case("mse");
    let (x, y) = (
        row(&vector(&c["input"]["x"])),
        row(&vector(&c["input"]["y"])),
    );
    let v = Mse::new()
        .forward(x.view(), y.view())
        .unwrap()
        .scalar()
        .unwrap();
    assert_close(v, c["expected"].as_f64().unwrap(), "mse");
}
