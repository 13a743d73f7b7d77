//! Criterion benchmarks of the row kernels (`cargo bench -p xent`): the fused cross-entropy,
//! log-softmax, logsumexp, row entropy and KL, at a large-vocabulary and a small-class shape, f32; and
//! the two halves of `xent eval` (CSV parsing, the metrics).
//! `xent bench` measures the same calls at the anchors' sizes, in the anchors' format.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ndarray::Array2;
use xent::activation::{LogSoftmax, RowActivation};
use xent::loss::CrossEntropy;
use xent::measure::Options;

fn logits(n: usize, v: usize) -> Array2<f32> {
    Array2::from_shape_fn((n, v), |(i, j)| {
        (((i * 7919 + j * 104_729) % 8192) as f32) / 1024.0 - 4.0
    })
}

fn probabilities(n: usize, v: usize, seed: usize) -> Array2<f32> {
    let mut p = Array2::from_shape_fn((n, v), |(i, j)| {
        1.0 + ((i * 31 + j * 17 + seed) % 101) as f32
    });
    for mut row in p.rows_mut() {
        let s: f32 = row.sum();
        row.mapv_inplace(|x| x / s);
    }
    p
}

const SHAPES: [(usize, usize); 2] = [(256, 32_000), (16_384, 10)];

fn cross_entropy(c: &mut Criterion) {
    let mut group = c.benchmark_group("cross_entropy_fwd_bwd");
    for (n, v) in SHAPES {
        let x = logits(n, v);
        let t: Vec<i64> = (0..n).map(|i| (i * 13 % v) as i64).collect();
        let mut grad = Array2::zeros((n, v));
        group.throughput(Throughput::Bytes((8 * n * v) as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("{n}x{v}")),
            &x,
            |b, x| {
                b.iter(|| {
                    CrossEntropy::new()
                        .forward_backward_into(x.view(), &t, grad.view_mut())
                        .unwrap()
                })
            },
        );
    }
    group.finish();
}

fn log_softmax(c: &mut Criterion) {
    let mut group = c.benchmark_group("log_softmax");
    for (n, v) in SHAPES {
        let x = logits(n, v);
        let mut out = Array2::zeros((n, v));
        group.throughput(Throughput::Bytes((8 * n * v) as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("{n}x{v}")),
            &x,
            |b, x| {
                b.iter(|| {
                    LogSoftmax::new()
                        .apply_rows_into(x.view(), out.view_mut())
                        .unwrap()
                })
            },
        );
    }
    group.finish();
}

/// Logsumexp rows: one read and one exponential per element, nothing written; the part of
/// log-softmax and of the cross-entropy that the exponentials' arithmetic bounds.
fn logsumexp(c: &mut Criterion) {
    let mut group = c.benchmark_group("logsumexp");
    for (n, v) in SHAPES {
        let x = logits(n, v);
        group.throughput(Throughput::Bytes((4 * n * v) as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("{n}x{v}")),
            &x,
            |b, x| b.iter(|| xent::activation::logsumexp_rows(x.view())),
        );
    }
    group.finish();
}

/// Entropy and KL rows: 256×32000 streams from memory (65 MB for a pair), 32×32000 stays in
/// the last-level cache and shows the kernels' compute cost.
fn entropy_and_kl(c: &mut Criterion) {
    let mut group = c.benchmark_group("row_measures");
    for (n, v) in [SHAPES[0], (32, 32_000)] {
        let p = probabilities(n, v, 0);
        let q = probabilities(n, v, 5);
        group.throughput(Throughput::Bytes((4 * n * v) as u64));
        group.bench_function(format!("entropy/{n}x{v}"), |b| {
            b.iter(|| Options::new().entropy_rows(p.view()).unwrap())
        });
        group.throughput(Throughput::Bytes((8 * n * v) as u64));
        group.bench_function(format!("kl/{n}x{v}"), |b| {
            b.iter(|| {
                Options::new()
                    .kl_divergence_rows(p.view(), q.view())
                    .unwrap()
            })
        });
    }
    group.finish();
}

/// `xent eval`'s two halves: parsing CSV, and the metrics over f64 probabilities.
fn evaluation(c: &mut Criterion) {
    use xent::eval::{evaluate, Labels, Options, Predictions};
    let mut group = c.benchmark_group("eval");
    let (n, v) = (100_000, 10);
    let csv = xent::data::to_csv(probabilities(n, v, 3).mapv(f64::from).view());
    group.throughput(Throughput::Bytes(csv.len() as u64));
    group.bench_function(format!("parse_csv/{n}x{v}"), |b| {
        b.iter(|| xent::data::parse_csv(csv.as_bytes()).unwrap())
    });
    for (n, v) in [(n, v), (1_000, 1_000)] {
        let p = probabilities(n, v, 3).mapv(f64::from);
        let labels: Vec<usize> = (0..n).map(|i| i * 7 % v).collect();
        group.throughput(Throughput::Bytes((8 * n * v) as u64));
        group.bench_function(format!("metrics/{n}x{v}"), |b| {
            b.iter(|| {
                evaluate(
                    Predictions::Probabilities(p.view()),
                    Labels::Classes(&labels),
                    None,
                    &Options::new(),
                )
                .unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(
    kernels,
    cross_entropy,
    log_softmax,
    logsumexp,
    entropy_and_kl,
    evaluation
);
criterion_main!(kernels);
