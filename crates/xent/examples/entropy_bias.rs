//! Bias and RMSE of every entropy estimator against the true entropy, for a uniform, a Zipf
//! (s = 1) and a Dirichlet(0.1) distribution over K = 100 and K = 1000 outcomes, at sample
//! sizes n = K/10, K and 10K, from seeded repetitions.
//!
//! `cargo run --release -p xent --example entropy_bias [REPETITIONS]` (default 500) prints a
//! markdown table; the one in the `xent::estimate` docs came from this program.

use xent::estimate::{entropy, Estimator};
use xent::rng::SplitMix64;

/// Gamma(shape) by Marsaglia & Tsang, boosted for shape < 1.
fn gamma(rng: &mut SplitMix64, shape: f64) -> f64 {
    if shape < 1.0 {
        let u = 1.0 - rng.uniform();
        return gamma(rng, shape + 1.0) * u.powf(1.0 / shape);
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let x = rng.normal();
        let v = (1.0 + c * x).powi(3);
        if v <= 0.0 {
            continue;
        }
        let u = 1.0 - rng.uniform();
        if u.ln() < 0.5 * x * x + d - d * v + d * v.ln() {
            return d * v;
        }
    }
}

fn distributions(k: usize, rng: &mut SplitMix64) -> Vec<(&'static str, Vec<f64>)> {
    let normalise = |w: Vec<f64>| {
        let s: f64 = w.iter().sum();
        w.into_iter().map(|x| x / s).collect::<Vec<f64>>()
    };
    vec![
        ("uniform", vec![1.0 / k as f64; k]),
        (
            "zipf(1)",
            normalise((1..=k).map(|i| 1.0 / i as f64).collect()),
        ),
        (
            "dirichlet(0.1)",
            normalise((0..k).map(|_| gamma(rng, 0.1)).collect()),
        ),
    ]
}

fn true_entropy(p: &[f64]) -> f64 {
    -p.iter()
        .filter(|&&x| x > 0.0)
        .map(|x| x * x.ln())
        .sum::<f64>()
}

/// n draws from the distribution with cumulative sums `cdf`, as counts per outcome.
fn sample_counts(cdf: &[f64], n: usize, rng: &mut SplitMix64) -> Vec<f64> {
    let mut counts = vec![0.0; cdf.len()];
    for _ in 0..n {
        let u = rng.uniform() * cdf[cdf.len() - 1];
        let i = cdf.partition_point(|&c| c <= u).min(cdf.len() - 1);
        counts[i] += 1.0;
    }
    counts
}

fn main() {
    let reps: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(500);
    let mut rng = SplitMix64::new(2026);
    println!("Bias and RMSE in nats over {reps} seeded repetitions (estimate − true entropy).\n");
    print!("| distribution | K | n | H |");
    for (name, _) in Estimator::ALL {
        print!(" {name} |");
    }
    println!();
    print!("|---|---:|---:|---:|");
    for _ in Estimator::ALL {
        print!("---:|");
    }
    println!();
    for k in [100usize, 1000] {
        for (dist, p) in distributions(k, &mut rng) {
            let h = true_entropy(&p);
            let cdf: Vec<f64> = p
                .iter()
                .scan(0.0, |acc, &x| {
                    *acc += x;
                    Some(*acc)
                })
                .collect();
            for n in [k / 10, k, 10 * k] {
                let mut err = vec![(0.0f64, 0.0f64); Estimator::ALL.len()];
                for _ in 0..reps {
                    let counts = sample_counts(&cdf, n, &mut rng);
                    for (j, (_, e)) in Estimator::ALL.iter().enumerate() {
                        let d = entropy(&counts, *e).expect("n > 0").value - h;
                        err[j].0 += d;
                        err[j].1 += d * d;
                    }
                }
                print!("| {dist} | {k} | {n} | {h:.3} |");
                for (bias, sq) in err {
                    let (bias, rmse) = (bias / reps as f64, (sq / reps as f64).sqrt());
                    print!(" {bias:+.3} / {rmse:.3} |");
                }
                println!();
            }
        }
    }
}
