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

/// One line of the table: a distribution, its alphabet size K, the sample size n, its true
/// entropy, and each estimator's (bias, RMSE) in the order of `Estimator::ALL`.
struct Line {
    distribution: &'static str,
    k: usize,
    n: usize,
    entropy: f64,
    errors: Vec<(f64, f64)>,
}

/// Every line of the table, from `reps` seeded repetitions per line.
fn table(reps: usize) -> Vec<Line> {
    let mut rng = SplitMix64::new(2026);
    let mut lines = Vec::new();
    for k in [100usize, 1000] {
        for (distribution, p) in distributions(k, &mut rng) {
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
                let errors = err
                    .into_iter()
                    .map(|(bias, sq)| (bias / reps as f64, (sq / reps as f64).sqrt()))
                    .collect();
                lines.push(Line {
                    distribution,
                    k,
                    n,
                    entropy: h,
                    errors,
                });
            }
        }
    }
    lines
}

fn main() {
    let reps: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(500);
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
    for line in table(reps) {
        let Line {
            distribution,
            k,
            n,
            entropy,
            errors,
        } = line;
        print!("| {distribution} | {k} | {n} | {entropy:.3} |");
        for (bias, rmse) in errors {
            print!(" {bias:+.3} / {rmse:.3} |");
        }
        println!();
    }
}

// `cargo test` runs this (the example is a test target in Cargo.toml), so the program that
// made the table in the docs keeps working and keeps saying what the docs say.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_its_lines_and_the_plug_in_bias_of_the_textbook() {
        let lines = table(10);
        assert_eq!(lines.len(), 18);
        let plugin = Estimator::ALL
            .iter()
            .position(|(n, _)| *n == "plugin")
            .unwrap();
        let shrink = Estimator::ALL
            .iter()
            .position(|(n, _)| *n == "shrink")
            .unwrap();
        for line in &lines {
            assert_eq!(line.errors.len(), Estimator::ALL.len());
            assert!(line
                .errors
                .iter()
                .all(|(b, r)| b.is_finite() && *r >= b.abs()));
        }
        for line in lines.iter().filter(|l| l.distribution == "uniform") {
            assert!((line.entropy - (line.k as f64).ln()).abs() < 1e-12);
            // Shrinkage towards uniform is nearly exact on the uniform distribution.
            assert!(
                line.errors[shrink].1 < 0.1,
                "shrink on {}/{}",
                line.k,
                line.n
            );
            if line.n == 10 * line.k {
                // Miller–Madow: the plug-in's bias is −(K − 1)/(2n) + O(1/n²).
                let expected = -(line.k as f64 - 1.0) / (2.0 * line.n as f64);
                let (bias, _) = line.errors[plugin];
                assert!((bias - expected).abs() < 0.005, "{bias} vs {expected}");
            }
        }
    }
}
