//! Entropy estimators against the R package `entropy` (Hausser & Strimmer) formulas
//! (`tests/data/golden.json`, counts_* cases), and their behaviour at the edges.

mod common;

use common::case;
use serde_json::Value;
use xent::estimate::{entropy, entropy_in_base, entropy_of_samples, Estimator};
use xent::{Base, Error};

fn counts(c: &Value) -> Vec<f64> {
    c["input"]["y"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect()
}

#[test]
fn matches_the_r_entropy_package_to_1e_12() {
    for (id, estimator) in [
        ("counts_ML", Estimator::Plugin),
        ("counts_MM", Estimator::MillerMadow),
        ("counts_CS", Estimator::ChaoShen),
        ("counts_Jeffreys", Estimator::Jeffreys),
        ("counts_Laplace", Estimator::Laplace),
        ("counts_SG", Estimator::SchurmannGrassberger),
        ("counts_minimax", Estimator::Minimax),
        ("counts_shrink_H", Estimator::Shrink),
        ("counts_CS_all_singletons", Estimator::ChaoShen),
    ] {
        let c = case(id);
        let e = entropy(&counts(&c), estimator).unwrap();
        let expected = c["expected"].as_f64().unwrap();
        assert!(
            (e.value - expected).abs() < 1e-12,
            "{id}: {} vs {expected}",
            e.value
        );
    }
    let c = case("counts_shrink_lambda");
    let lambda = entropy(&counts(&c), Estimator::Shrink)
        .unwrap()
        .lambda
        .unwrap();
    assert!((lambda - c["expected"].as_f64().unwrap()).abs() < 1e-12);
    let c = case("counts_MM_bits");
    let bits = entropy_in_base(&counts(&c), Estimator::MillerMadow, Base::BITS).unwrap();
    assert!((bits.value - c["expected"].as_f64().unwrap()).abs() < 1e-12);
    assert_eq!(
        entropy(&[4.0, 2.0, 3.0], Estimator::Dirichlet(1.0)).unwrap(),
        entropy(&[4.0, 2.0, 3.0], Estimator::Laplace).unwrap()
    );
}

#[test]
fn grassberger_matches_its_formula_evaluated_with_scipy() {
    // ln n − (1/n) Σ y G(y) with scipy.special.digamma (SciPy 1.17.1) on the same counts.
    let c = counts(&case("counts_ML"));
    let h = entropy(&c, Estimator::Grassberger).unwrap().value;
    assert!((h - 2.144626386031427).abs() < 1e-12, "{h}");
}

#[test]
fn estimators_agree_when_data_are_plentiful() {
    // 10^6 samples of a 4-outcome distribution: every correction is tiny (minimax adds
    // √n/K = 250 pseudocounts per cell, still only 2e-4 nats here).
    let counts = [400_000.0, 300_000.0, 200_000.0, 100_000.0];
    let truth = -[0.4f64, 0.3, 0.2, 0.1]
        .iter()
        .map(|p| p * p.ln())
        .sum::<f64>();
    for (name, e) in Estimator::ALL {
        let h = entropy(&counts, e).unwrap().value;
        let tolerance = if name == "minimax" { 1e-3 } else { 1e-5 };
        assert!((h - truth).abs() < tolerance, "{name}: {h} vs {truth}");
    }
}

#[test]
fn edge_cases() {
    assert_eq!(
        entropy(&[0.0, 0.0], Estimator::Plugin).unwrap_err(),
        Error::ZeroSum {
            input: "counts",
            row: 0
        }
    );
    assert_eq!(
        entropy(&[], Estimator::Plugin).unwrap_err(),
        Error::Empty { input: "counts" }
    );
    assert!(matches!(
        entropy(&[1.0, -1.0], Estimator::Plugin),
        Err(Error::ValueOutOfRange { col: 1, .. })
    ));
    assert!(matches!(
        entropy(&[1.0, 2.0], Estimator::Dirichlet(-1.0)),
        Err(Error::InvalidParameter { .. })
    ));
    // One nonzero count, K = 1: no uncertainty for the estimators without a prior.
    for e in [
        Estimator::Plugin,
        Estimator::MillerMadow,
        Estimator::ChaoShen,
    ] {
        assert_eq!(entropy(&[0.0, 7.0, 0.0], e).unwrap().value, 0.0, "{e:?}");
        assert_eq!(entropy(&[5.0], e).unwrap().value, 0.0, "{e:?}");
    }
    // All singletons: Chao–Shen's f1 = n rule keeps it finite.
    assert!(entropy(&[1.0; 10], Estimator::ChaoShen)
        .unwrap()
        .value
        .is_finite());
    // Huge counts: no overflow, no loss of precision.
    let huge = [1e15, 1e15, 2e15];
    let h = entropy(&huge, Estimator::MillerMadow).unwrap().value;
    let exact = -(0.25f64 * 0.25f64.ln() * 2.0 + 0.5 * 0.5f64.ln());
    assert!((h - exact).abs() < 1e-14, "{h}");
    assert!((entropy(&huge, Estimator::Grassberger).unwrap().value - exact).abs() < 1e-12);
}

#[test]
fn samples_are_counted_first() {
    let text = "a b a c a b";
    let h = entropy_of_samples(text.split(' '), Estimator::Plugin)
        .unwrap()
        .value;
    let direct = entropy(&[3.0, 2.0, 1.0], Estimator::Plugin).unwrap().value;
    assert_eq!(h, direct);
    assert!(entropy_of_samples(Vec::<u8>::new(), Estimator::Plugin).is_err());
}

#[test]
fn bias_corrections_move_the_plugin_estimate_up_on_small_samples() {
    let counts = [3.0, 1.0, 1.0, 2.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0];
    let plugin = entropy(&counts, Estimator::Plugin).unwrap().value;
    for e in [
        Estimator::MillerMadow,
        Estimator::ChaoShen,
        Estimator::Jeffreys,
        Estimator::Shrink,
        Estimator::Grassberger,
    ] {
        assert!(entropy(&counts, e).unwrap().value > plugin, "{e:?}");
    }
}

#[test]
fn divergences_from_counts() {
    use xent::estimate::{kl_from_counts, mutual_information_from_counts, FrequencyEstimator};
    let table = ndarray::array![[10.0, 2.0], [3.0, 5.0]];
    let mi = mutual_information_from_counts(table.view(), FrequencyEstimator::Plugin).unwrap();
    let c = case("mi_contingency");
    assert!((mi - c["expected"].as_f64().unwrap()).abs() < 1e-15);
    // Shrinkage pulls a small table towards independence: less mutual information.
    let shrunk = mutual_information_from_counts(table.view(), FrequencyEstimator::Shrink).unwrap();
    assert!(shrunk < mi && shrunk >= 0.0, "{shrunk} vs {mi}");
    let independent = ndarray::array![[4.0, 4.0], [4.0, 4.0]];
    assert_eq!(
        mutual_information_from_counts(independent.view(), FrequencyEstimator::Plugin).unwrap(),
        0.0
    );
    // KL from counts is the KL of the normalised counts.
    let d = kl_from_counts(&[1.0, 2.0], &[3.0, 1.0], FrequencyEstimator::Plugin).unwrap();
    assert!((d - case("kl_unnormalized")["expected"].as_f64().unwrap()).abs() < 1e-15);
    assert!(kl_from_counts(&[1.0, 2.0], &[3.0], FrequencyEstimator::Plugin).is_err());
}

#[test]
fn nsb_posterior_mean_and_spread() {
    let c = counts(&case("counts_ML"));
    let e = entropy(&c, Estimator::Nsb).unwrap();
    // The same posterior integrated on a 20001-point grid with scipy (gammaln, digamma,
    // polygamma; SciPy 1.17.1): 2.1877742914599834.
    assert!((e.value - 2.1877742914599834).abs() < 1e-6, "{}", e.value);
    let sd = e.sd.unwrap();
    assert!(sd > 0.05 && sd < 0.5, "{sd}");
    // More data, less posterior spread; plentiful data, the plug-in value.
    let big: Vec<f64> = c.iter().map(|y| y * 1000.0).collect();
    let e_big = entropy(&big, Estimator::Nsb).unwrap();
    assert!(e_big.sd.unwrap() < sd / 10.0);
    let plugin = entropy(&big, Estimator::Plugin).unwrap().value;
    assert!(
        (e_big.value - plugin).abs() < 0.01,
        "{} vs {plugin}",
        e_big.value
    );
    // K = 1 and huge counts.
    assert_eq!(entropy(&[7.0], Estimator::Nsb).unwrap().value, 0.0);
    let huge = entropy(&[1e15, 1e15, 2e15], Estimator::Nsb).unwrap();
    let exact = -(0.25f64 * 0.25f64.ln() * 2.0 + 0.5 * 0.5f64.ln());
    assert!((huge.value - exact).abs() < 1e-12, "{}", huge.value);
    // With the alphabet unknown, K grows to 30 and 300 bins before the estimate settles:
    // 10^15 samples leave no room for unseen outcomes.
    let huge = entropy(&[1e15, 1e15, 2e15], Estimator::NsbUnknownAlphabet).unwrap();
    assert!((huge.value - exact).abs() < 1e-12, "{}", huge.value);
}

/// A reduced form of the bias study (`examples/entropy_bias.rs`): at n ≤ K, NSB and
/// Chao–Shen beat the plug-in estimate in RMSE.
#[test]
fn nsb_and_chao_shen_beat_plugin_when_samples_are_scarce() {
    let k = 100;
    let p: Vec<f64> = {
        let w: Vec<f64> = (1..=k).map(|i| 1.0 / i as f64).collect();
        let s: f64 = w.iter().sum();
        w.into_iter().map(|x| x / s).collect()
    };
    let h = -p.iter().map(|x| x * x.ln()).sum::<f64>();
    let cdf: Vec<f64> = p
        .iter()
        .scan(0.0, |a, &x| {
            *a += x;
            Some(*a)
        })
        .collect();
    let mut rng = xent::rng::SplitMix64::new(7);
    for n in [10usize, 100] {
        let (mut plugin, mut nsb, mut cs, mut auto) = (0.0, 0.0, 0.0, 0.0);
        let reps = 60;
        for _ in 0..reps {
            let mut counts = vec![0.0; k];
            for _ in 0..n {
                let u = rng.uniform();
                counts[cdf.partition_point(|&c| c <= u).min(k - 1)] += 1.0;
            }
            let sq = |e| (entropy(&counts, e).unwrap().value - h).powi(2);
            plugin += sq(Estimator::Plugin);
            nsb += sq(Estimator::Nsb);
            cs += sq(Estimator::ChaoShen);
            auto += sq(Estimator::NsbUnknownAlphabet);
        }
        assert!(
            nsb < plugin && cs < plugin && auto < plugin,
            "n = {n}: plugin {plugin}, nsb {nsb}, cs {cs}, nsb-unknown-k {auto}"
        );
    }
}

#[test]
fn standard_deviations_analytic_and_bootstrap_agree() {
    use xent::estimate::entropy_with_bootstrap;
    let counts = [120.0, 80.0, 60.0, 30.0, 10.0];
    let analytic = entropy(&counts, Estimator::Plugin).unwrap().sd.unwrap();
    let boot = entropy_with_bootstrap(&counts, Estimator::Plugin, 400, 3)
        .unwrap()
        .sd
        .unwrap();
    assert!(
        (boot / analytic - 1.0).abs() < 0.15,
        "bootstrap {boot} vs analytic {analytic}"
    );
    assert!(entropy_with_bootstrap(&counts, Estimator::Shrink, 1, 0).is_err());
    // Huge counts are resampled per cell, not draw by draw.
    let huge = entropy_with_bootstrap(&[1e15, 2e15], Estimator::Plugin, 20, 0).unwrap();
    assert!(huge.sd.unwrap() < 1e-6);
}

#[test]
fn chi_squared_matches_scipy() {
    use xent::estimate::chi_squared_independence;
    // scipy.stats.chi2_contingency(table, correction=False).statistic, SciPy 1.17.1.
    let t = ndarray::array![[4.0, 0.0, 1.0], [2.0, 3.0, 5.0], [0.0, 1.0, 7.0]];
    let (x2, dof) = chi_squared_independence(t.view()).unwrap();
    assert!((x2 - 12.307211538461539).abs() < 1e-12, "{x2}");
    assert_eq!(dof, 4);
    assert!(chi_squared_independence(ndarray::array![[0.0, 0.0]].view()).is_err());
}

#[test]
fn nsb_agrees_with_the_ndd_package() {
    // ndd (Marsili), README example: ndd.entropy(counts, k=100, return_std=True)
    // = (2.8060922529931225, 0.11945501149743358). Both integrate numerically.
    let mut counts = vec![
        4.0, 12.0, 4.0, 5.0, 3.0, 1.0, 5.0, 1.0, 2.0, 2.0, 2.0, 2.0, 11.0, 3.0, 4.0, 12.0, 12.0,
        1.0, 2.0,
    ];
    counts.resize(100, 0.0);
    let e = entropy(&counts, Estimator::Nsb).unwrap();
    assert!((e.value - 2.8060922529931225).abs() < 1e-5, "{}", e.value);
    assert!(
        (e.sd.unwrap() - 0.11945501149743358).abs() < 1e-3,
        "{:?}",
        e.sd
    );
}

#[test]
fn nsb_with_an_unknown_alphabet_follows_the_ndd_package() {
    // ndd README: ndd.entropy(counts) with k omitted = 2.8130746489179046 (ndd guesses K by
    // tenfold steps from the 19 outcomes seen and settles on 19000/√10 ≈ 6008).
    let counts = [
        4.0, 12.0, 4.0, 5.0, 3.0, 1.0, 5.0, 1.0, 2.0, 2.0, 2.0, 2.0, 11.0, 3.0, 4.0, 12.0, 12.0,
        1.0, 2.0,
    ];
    let e = entropy(&counts, Estimator::NsbUnknownAlphabet).unwrap();
    assert!((e.value - 2.8130746489179046).abs() < 1e-5, "{}", e.value);
    assert_eq!(e.alphabet, Some(6008.0));
    assert!(e.sd.unwrap() > 0.05 && e.sd.unwrap() < 0.2, "{:?}", e.sd);
    // Zeros say nothing when the alphabet is unknown.
    let mut padded = counts.to_vec();
    padded.resize(50, 0.0);
    assert_eq!(entropy(&padded, Estimator::NsbUnknownAlphabet).unwrap(), e);
}

#[test]
fn nsb_with_an_unknown_alphabet_uses_the_asymptotic_formula_when_few_outcomes_repeat() {
    // 100 singletons and 5 doubletons: n = 110, Δ = 5 coincidences, Δ/n < 0.1, so
    // H = C_γ − ln 2 + 2 ln n − ψ(5), s.d. = √ψ′(5) (Nemenman 2011, eqs. 29–30), with
    // ψ(5) = 1 + 1/2 + 1/3 + 1/4 − C_γ and ψ′(5) = π²/6 − (1 + 1/4 + 1/9 + 1/16).
    let mut counts = vec![1.0; 100];
    counts.extend([2.0; 5]);
    let gamma = 0.5772156649015329;
    let psi5 = 1.0 + 0.5 + 1.0 / 3.0 + 0.25 - gamma;
    let trigamma5: f64 = std::f64::consts::PI.powi(2) / 6.0 - (1.0 + 0.25 + 1.0 / 9.0 + 0.0625);
    let expected = gamma - std::f64::consts::LN_2 + 2.0 * 110f64.ln() - psi5;
    let e = entropy(&counts, Estimator::NsbUnknownAlphabet).unwrap();
    assert!(
        (e.value - expected).abs() < 1e-12,
        "{} vs {expected}",
        e.value
    );
    assert!((e.sd.unwrap() - trigamma5.sqrt()).abs() < 1e-12);
    assert_eq!(e.alphabet, None);
    // No outcome seen twice: nothing bounds H above; the plug-in ln n comes back, no s.d.
    let e = entropy(&[1.0; 8], Estimator::NsbUnknownAlphabet).unwrap();
    assert_eq!((e.value, e.sd, e.alphabet), (8f64.ln(), None, None));
    // One outcome only: a guessed alphabet cannot raise H above 0 by much.
    let e = entropy(&[40.0], Estimator::NsbUnknownAlphabet).unwrap();
    assert!(e.value >= 0.0 && e.value < 0.2, "{e:?}");
}
