//! Every choice of `Par` (and of pool size) gives the same bits: blocks are fixed by the row
//! count, and their partial results are combined in row order.

use ndarray::Array2;
use xent::activation::{LogSoftmax, RowActivation, Softmax};
use xent::eval::{evaluate, Labels, Predictions};
use xent::loss::CrossEntropy;
use xent::{measure, Par};

const CHOICES: [Par; 5] = [
    Par::Seq,
    Par::Rayon(0),
    Par::Rayon(1),
    Par::Rayon(2),
    Par::Rayon(3),
];

fn logits(rows: usize, cols: usize) -> Array2<f32> {
    let mut rng = xent::rng::SplitMix64::new(rows as u64 * 31 + cols as u64);
    Array2::from_shape_fn((rows, cols), |_| (8.0 * rng.uniform() - 4.0) as f32)
}

/// `f` under every choice, inside pools of 1 and 3 threads too, must equal its first result.
fn same_everywhere<O: PartialEq + std::fmt::Debug + Send>(f: impl Fn(Par) -> O + Sync, what: &str) {
    let reference = f(Par::Seq);
    for threads in [1, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        for par in CHOICES {
            assert_eq!(
                pool.install(|| f(par)),
                reference,
                "{what}: {par:?} on {threads}"
            );
            assert_eq!(f(par), reference, "{what}: {par:?} on the global pool");
        }
    }
}

#[test]
fn cross_entropy_short_and_long_rows() {
    // 10 000 × 10: 40 short-row blocks; 300 × 1000: several row blocks.
    for (rows, cols) in [(10_000, 10), (300, 1000)] {
        let z = logits(rows, cols);
        let t: Vec<usize> = (0..rows).map(|i| (i * 7) % cols).collect();
        same_everywhere(
            |par| {
                let (v, g) = CrossEntropy::new()
                    .label_smoothing(0.1)
                    .par(par)
                    .forward_backward(z.view(), &t)
                    .unwrap();
                (v, g)
            },
            "cross-entropy",
        );
    }
}

#[test]
fn softmax_family_entropy_and_evaluation() {
    let z = logits(5000, 24);
    same_everywhere(
        |par| Softmax::new().par(par).apply_rows(z.view()),
        "softmax",
    );
    same_everywhere(
        |par| LogSoftmax::new().par(par).apply_rows(z.view()),
        "log-softmax",
    );
    let p = Softmax::new().apply_rows(z.view());
    same_everywhere(
        |par| {
            measure::Options::new()
                .par(par)
                .entropy_rows(p.view())
                .unwrap()
        },
        "entropy",
    );
    let p64 = p.mapv(f64::from);
    let labels: Vec<usize> = (0..5000).map(|i| i % 24).collect();
    same_everywhere(
        |par| {
            let o = xent::eval::Options::new().par(par).tolerance(1e-5);
            let r = evaluate(
                Predictions::Probabilities(p64.view()),
                Labels::Classes(&labels),
                None,
                &o,
            )
            .unwrap();
            (r.log_loss, r.log_loss_se, r.ece, r.brier, r.mean_entropy)
        },
        "evaluation",
    );
}
