//! The library against reference values computed with SciPy, scikit-learn and NumPy
//! (`tests/data/golden.json`; each case names its source).

mod common;

use common::prec::{assert_all_close, assert_close};
use common::{case, matrix, number, vector};
use ndarray::Array2;
use xent::activation::{log_softmax, logsumexp, softmax};
use xent::measure::{self, Options};
use xent::{Base, InputPolicy};

#[test]
fn cross_entropy_of_a_one_hot_label_is_minus_log_of_its_probability() {
    let c = case("seed_ce_single");
    let ce = measure::cross_entropy(&vector(&c["input"]["p"]), &vector(&c["input"]["q"])).unwrap();
    assert_close(ce, number(&c["expected"]), "seed_ce_single");
    assert!(
        (ce - 0.9163).abs() < 5e-5,
        "the textbook's −ln 0.4 ≈ 0.9163"
    );
}

#[test]
fn per_sample_and_mean_cross_entropy_of_the_textbook_models() {
    for (per_sample, mean) in [
        ("seed_model1_per_sample", "seed_model1_mean_ce"),
        ("seed_model2_per_sample", "seed_model2_mean_ce"),
    ] {
        let c = case(per_sample);
        let y = matrix(&c["input"]["y_onehot"]);
        let q = matrix(&c["input"]["pred"]);
        let rows = Options::new()
            .cross_entropy_rows(y.view(), q.view())
            .unwrap();
        assert_all_close(
            rows.as_slice().unwrap(),
            &vector(&c["expected"]),
            per_sample,
        );
        assert_close(rows.mean().unwrap(), number(&case(mean)["expected"]), mean);
    }
    let c = case("seed_cce_identity");
    let y = matrix(&c["input"]["y_onehot"]);
    let q = matrix(&c["input"]["pred"]);
    let rows = Options::new()
        .cross_entropy_rows(y.view(), q.view())
        .unwrap();
    assert_close(
        rows.mean().unwrap(),
        number(&c["expected"]),
        "seed_cce_identity",
    );
}

#[test]
fn binary_cross_entropy_as_two_class_cross_entropy() {
    let c = case("seed_bce");
    let (y, p) = (vector(&c["input"]["y"]), vector(&c["input"]["p"]));
    let two_class = |v: &[f64]| {
        Array2::from_shape_vec((v.len(), 2), v.iter().flat_map(|&x| [1.0 - x, x]).collect())
            .unwrap()
    };
    let rows = Options::new()
        .cross_entropy_rows(two_class(&y).view(), two_class(&p).view())
        .unwrap();
    assert_close(rows.mean().unwrap(), number(&c["expected"]), "seed_bce");
}

#[test]
fn kl_divergence_matches_scipy() {
    for id in ["seed_kl", "kl_q_zero", "kl_tiny_q"] {
        let c = case(id);
        let d =
            measure::kl_divergence(&vector(&c["input"]["p"]), &vector(&c["input"]["q"])).unwrap();
        assert_close(d, number(&c["expected"]), id);
    }
    let c = case("seed_kl");
    assert_close(
        number(&c["expected"]),
        -(0.7f64.ln()),
        "KL([1,0,0]‖[.7,.2,.1]) = −ln 0.7",
    );
    let c = case("kl_unnormalized");
    let d = Options::new()
        .policy(InputPolicy::Normalize)
        .kl_divergence(&vector(&c["input"]["p"]), &vector(&c["input"]["q"]))
        .unwrap();
    assert_close(d, number(&c["expected"]), "kl_unnormalized");
}

#[test]
fn entropy_matches_scipy() {
    let counts = Options::new().policy(InputPolicy::Normalize);
    let c = case("entropy_counts_211");
    assert_close(
        counts.entropy(&vector(&c["input"]["pk"])).unwrap(),
        number(&c["expected"]),
        "211",
    );
    let c = case("entropy_counts_211_bits");
    let bits = counts.base(Base::new(number(&c["input"]["base"])).unwrap());
    assert_close(
        bits.entropy(&vector(&c["input"]["pk"])).unwrap(),
        number(&c["expected"]),
        "bits",
    );
    let c = case("entropy_uniform_1000");
    assert_close(
        counts.entropy(&vec![1.0; 1000]).unwrap(),
        number(&c["expected"]),
        "uniform",
    );
    let c = case("entropy_with_zero");
    let h = measure::entropy(&vector(&c["input"]["pk"])).unwrap();
    assert_close(h, number(&c["expected"]), "entropy_with_zero");
}

#[test]
fn the_entropy_of_a_fair_coin_is_one_bit() {
    let bits = Options::new().base(Base::BITS);
    assert_eq!(bits.entropy(&[0.5, 0.5]).unwrap(), 1.0);
    assert_eq!(bits.binary_entropy(0.5).unwrap(), 1.0);
    assert_eq!(bits.entropy(&[0.5f32, 0.5]).unwrap(), 1.0);
}

#[test]
fn jensen_shannon_matches_scipy() {
    for (id, base, distance) in [
        ("js_dist_seed", Base::NATS, true),
        ("js_div_seed", Base::NATS, false),
        ("js_disjoint_bits", Base::BITS, true),
        ("js_disjoint_nats", Base::NATS, true),
    ] {
        let c = case(id);
        let (p, q) = (vector(&c["input"]["p"]), vector(&c["input"]["q"]));
        let options = Options::new().base(base);
        let value = if distance {
            options.js_distance(&p, &q).unwrap()
        } else {
            options.js_divergence(&p, &q).unwrap()
        };
        assert_close(value, number(&c["expected"]), id);
    }
}

#[test]
fn mutual_information_matches_scikit_learn() {
    let counts = Options::new().policy(InputPolicy::Normalize);
    let c = case("mi_contingency");
    let table = matrix(&c["input"]["contingency"]);
    assert_close(
        counts.mutual_information(table.view()).unwrap(),
        number(&c["expected"]),
        "mi",
    );

    // mutual_info_score(a, b) is the MI of the contingency table of the two labelings.
    let c = case("mi_score");
    let (a, b) = (vector(&c["input"]["a"]), vector(&c["input"]["b"]));
    let mut table = Array2::<f64>::zeros((3, 3));
    for (&x, &y) in a.iter().zip(&b) {
        table[[x as usize, y as usize]] += 1.0;
    }
    assert_close(
        counts.mutual_information(table.view()).unwrap(),
        number(&c["expected"]),
        "score",
    );
}

#[test]
fn softmax_family_matches_scipy() {
    for id in ["softmax_123", "softmax_extreme"] {
        let c = case(id);
        assert_all_close(
            &softmax(&vector(&c["input"]["x"])),
            &vector(&c["expected"]),
            id,
        );
    }
    for id in ["log_softmax_123", "log_softmax_extreme"] {
        let c = case(id);
        assert_all_close(
            &log_softmax(&vector(&c["input"]["x"])),
            &vector(&c["expected"]),
            id,
        );
    }
    for id in ["logsumexp_123", "logsumexp_big", "logsumexp_tiny"] {
        let c = case(id);
        assert_close(
            logsumexp(&vector(&c["input"]["x"])),
            number(&c["expected"]),
            id,
        );
    }
}

#[test]
fn cross_entropy_on_logits_through_log_softmax() {
    for id in ["ce_logits_extreme_t2", "ce_logits_extreme_t0"] {
        let c = case(id);
        let target = c["input"]["target"].as_u64().unwrap() as usize;
        let ce = -log_softmax(&vector(&c["input"]["logits"]))[target];
        assert_close(ce, number(&c["expected"]), id);
    }
    let c = case("ce_uniform_10000");
    let ce = -log_softmax(&vec![0.0; 10000])[0];
    assert_close(ce, number(&c["expected"]), "ce_uniform_10000");
}
