//! The workloads themselves: each builds its inputs, times xent's call, and reports checks.

use super::inputs::{
    probabilities, targets, uniform_f32, SEED_HIDDEN, SEED_LIN_TARGETS, SEED_LOGITS, SEED_P,
    SEED_Q, SEED_TARGETS, SEED_WEIGHT,
};
use super::memory::{reset_peak, status_mb};
use super::{Params, Record};
use ndarray::Array2;
use rayon::prelude::*;
use serde_json::{json, Map, Value};
use std::time::Instant;
use xent::activation::{LogSoftmax, RowActivation};
use xent::data::datasets;
use xent::fused::LinearCrossEntropy;
use xent::loss::CrossEntropy;
use xent::measure::Options;
use xent::train::{score, Model, ModelKind, Progress, Scaling, Sgd};
use xent::InputPolicy;

/// Settings shared by every case of a run.
pub struct Context {
    pub repeats: usize,
    pub threads: usize,
    /// The read+write bandwidth measured by W0 in this run, for the ratio to the bound.
    pub bound_gbps: Option<f64>,
}

/// One warm-up call, then `repeats` timed calls.
pub fn timed(ctx: &Context, mut f: impl FnMut()) -> Vec<f64> {
    f();
    (0..ctx.repeats)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .collect()
}

/// Memory figures of the timed section, as the anchors report them.
pub fn memory_extra(extra: &mut Map<String, Value>, rss_inputs: Option<f64>, reset: bool) {
    let peak = status_mb("VmHWM");
    extra.insert("rss_after_inputs_mb".into(), json!(rss_inputs.map(round1)));
    if reset {
        extra.insert("peak_rss_run_mb".into(), json!(peak.map(round1)));
        extra.insert(
            "run_extra_mb".into(),
            json!(peak.zip(rss_inputs).map(|(p, r)| round1(p - r))),
        );
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

pub fn inputs_ready() -> (Option<f64>, bool) {
    (status_mb("VmRSS"), reset_peak())
}

fn abs_sum(a: &Array2<f32>) -> f64 {
    a.as_slice()
        .expect("standard layout")
        .par_chunks(1 << 16)
        .map(|c| c.iter().map(|v| v.abs() as f64).sum::<f64>())
        .sum()
}

fn sum(a: &Array2<f32>) -> f64 {
    a.as_slice()
        .expect("standard layout")
        .par_chunks(1 << 16)
        .map(|c| c.iter().map(|&v| v as f64).sum::<f64>())
        .sum()
}

/// W0: read+write bandwidth (the bound of W1 and W2), read bandwidth, and sgemm peak.
pub fn bandwidth(ctx: &Context, p: Params) -> Vec<Value> {
    let n = p.bytes / 4;
    let src = vec![1.0f32; n];
    let mut dst = vec![2.0f32; n];
    let (rss, reset) = inputs_ready();
    let size = if p.bytes >= 1 << 30 { "1GiB" } else { "256MiB" };
    let mut records = Vec::new();
    let mut thread_counts = vec![1, ctx.threads];
    thread_counts.dedup();
    for k in thread_counts {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(k)
            .build()
            .expect("a pool");
        let chunk = n.div_ceil(k);
        let copy = timed(ctx, || {
            pool.install(|| {
                dst.par_chunks_mut(chunk)
                    .zip(src.par_chunks(chunk))
                    .for_each(|(d, s)| d.copy_from_slice(s))
            })
        });
        let read = timed(ctx, || {
            let total: f32 = pool.install(|| src.par_chunks(chunk).map(lane_sum).sum());
            std::hint::black_box(total);
        });
        for (op, times, bytes) in [("copy", copy, 2 * p.bytes), ("read", read, p.bytes)] {
            let med = median(&times);
            let mut extra = Map::new();
            extra.insert(
                "op".into(),
                json!(if op == "copy" {
                    "slice copy_from_slice"
                } else {
                    "slice sum"
                }),
            );
            extra.insert("bytes_moved".into(), json!(bytes));
            extra.insert("gbps".into(), json!(bytes as f64 / med / 1e9));
            memory_extra(&mut extra, rss, reset);
            let mut rec = Record {
                workload: "bandwidth".into(),
                size: size.into(),
                framework: format!("xent-{op}-{k}t"),
                times,
                extra,
            }
            .to_json(ctx);
            rec["extra"]["threads"] = json!(k);
            records.push(rec);
        }
    }
    drop((src, dst));
    // sgemm 2048³ (ndarray's matrixmultiply, rows split over the threads): a reference for
    // compute-bound work.
    let m = 2048;
    let a = vec![0.5f32; m * m];
    let b = vec![1.0f32; m * m];
    let mut c = vec![0.0f32; m * m];
    let times = timed(ctx, || sgemm_rows(m, &a, &b, &mut c, ctx.threads));
    let mut extra = Map::new();
    extra.insert(
        "gflops".into(),
        json!(2.0 * (m as f64).powi(3) / median(&times) / 1e9),
    );
    records.push(
        Record {
            workload: "matmul".into(),
            size: "2048x2048x2048".into(),
            framework: "xent-sgemm".into(),
            times,
            extra,
        }
        .to_json(ctx),
    );
    records
}

/// A sum with 16 independent lanes, so that the compiler vectorises it (a single running
/// f32 sum is a dependency chain of additions: a latency bound, not a bandwidth bound).
fn lane_sum(s: &[f32]) -> f32 {
    let mut lanes = [0.0f32; 16];
    let mut chunks = s.chunks_exact(16);
    for c in &mut chunks {
        for (l, &v) in lanes.iter_mut().zip(c) {
            *l += v;
        }
    }
    lanes.iter().sum::<f32>() + chunks.remainder().iter().sum::<f32>()
}

fn sgemm_rows(m: usize, a: &[f32], b: &[f32], c: &mut [f32], threads: usize) {
    let a = ndarray::ArrayView2::from_shape((m, m), a).expect("m × m");
    let b = ndarray::ArrayView2::from_shape((m, m), b).expect("m × m");
    let mut c = ndarray::ArrayViewMut2::from_shape((m, m), c).expect("m × m");
    // Split the rows of the product over the threads; each part is one gemm call.
    let rows = m.div_ceil(threads.max(1));
    c.axis_chunks_iter_mut(ndarray::Axis(0), rows)
        .into_par_iter()
        .zip(a.axis_chunks_iter(ndarray::Axis(0), rows).into_par_iter())
        .for_each(|(mut c, a)| {
            ndarray::linalg::general_mat_mul(1.0, &a, &b, 0.0, &mut c);
        });
}

fn logits_and_targets(p: Params) -> (Array2<f32>, Vec<i64>) {
    (
        uniform_f32(SEED_LOGITS, p.n, p.v, -4.0, 4.0),
        targets(SEED_TARGETS, p.n, p.v),
    )
}

/// W1: mean cross-entropy and its gradient.
pub fn ce_fwd_bwd(ctx: &Context, size: &str, p: Params) -> Vec<Value> {
    let (x, t) = logits_and_targets(p);
    let ce = CrossEntropy::new();
    let mut records = Vec::new();
    for into in [false, true] {
        let mut grad = if into {
            Array2::<f32>::zeros(x.dim())
        } else {
            Array2::zeros((0, 0))
        };
        let mut loss = 0.0f32;
        let (rss, reset) = inputs_ready();
        let times = timed(ctx, || {
            if into {
                loss = ce
                    .forward_backward_into(x.view(), &t, grad.view_mut())
                    .unwrap()
                    .scalar()
                    .unwrap();
            } else {
                drop(std::mem::take(&mut grad)); // the previous call's output must not count
                let (l, g) = ce.forward_backward(x.view(), &t).unwrap();
                loss = l.scalar().unwrap();
                grad = g;
            }
        });
        let call = if into {
            "CrossEntropy::new().forward_backward_into(x, t, grad) (preallocated gradient)"
        } else {
            "CrossEntropy::new().forward_backward(x, t) (allocates the gradient)"
        };
        let checks = [
            ("loss", json!(loss as f64)),
            ("grad_abs_sum", json!(abs_sum(&grad))),
        ];
        records.push(row_record(
            ctx,
            "ce_fwd_bwd",
            size,
            p,
            into,
            call,
            times,
            (rss, reset),
            &checks,
        ));
    }
    records
}

/// W4: fused linear + cross-entropy, mean over N, loss and gradients for h and W, on the
/// anchors' inputs (h uniform in [-1, 1), W in [-1/32, 1/32), targets mod V).
pub fn linear_ce_fwd_bwd(ctx: &Context, size: &str, p: Params) -> Vec<Value> {
    let h = uniform_f32(SEED_HIDDEN, p.n, p.d, -1.0, 1.0);
    let w = uniform_f32(SEED_WEIGHT, p.v, p.d, -0.03125, 0.03125);
    let t = targets(SEED_LIN_TARGETS, p.n, p.v);
    let fused = LinearCrossEntropy::new(CrossEntropy::new()).chunk_rows(p.chunk);
    let (rss, reset) = inputs_ready();
    let mut result = None;
    let times = timed(ctx, || {
        result = None; // the previous call's gradients must not count in its memory
        result = Some(
            fused
                .forward_backward(h.view(), w.view(), None, &t)
                .expect("valid inputs"),
        );
    });
    let (loss, grads) = result.expect("at least one call");
    let mut extra = Map::new();
    memory_extra(&mut extra, rss, reset);
    let flops = 6.0 * (p.n * p.d * p.v) as f64;
    extra.insert("N".into(), json!(p.n));
    extra.insert("D".into(), json!(p.d));
    extra.insert("V".into(), json!(p.v));
    extra.insert("chunk".into(), json!(p.chunk));
    extra.insert(
        "call".into(),
        json!(format!(
            "LinearCrossEntropy::new(CrossEntropy::new()).chunk_rows({}).forward_backward(h, w, None, t)",
            p.chunk
        )),
    );
    extra.insert("loss".into(), json!(loss));
    extra.insert("grad_h_abs_sum".into(), json!(abs_sum(&grads.hidden)));
    extra.insert("grad_w_abs_sum".into(), json!(abs_sum(&grads.weight)));
    extra.insert("gflops".into(), json!(flops / median(&times) / 1e9));
    vec![Record {
        workload: "linear_ce_fwd_bwd".into(),
        size: size.into(),
        framework: "xent".into(),
        times,
        extra,
    }
    .to_json(ctx)]
}

/// The record of one variant (allocating `xent` or preallocated `xent-into`) of a row-wise
/// workload over an N×V matrix, whose bound is 8 bytes per element.
#[allow(clippy::too_many_arguments)]
fn row_record(
    ctx: &Context,
    workload: &str,
    size: &str,
    p: Params,
    into: bool,
    call: &str,
    times: Vec<f64>,
    (rss, reset): (Option<f64>, bool),
    checks: &[(&str, Value)],
) -> Value {
    let mut extra = Map::new();
    memory_extra(&mut extra, rss, reset);
    extra.insert("N".into(), json!(p.n));
    extra.insert("V".into(), json!(p.v));
    extra.insert("bytes_min".into(), json!(8 * p.n * p.v));
    extra.insert("call".into(), json!(call));
    for (key, value) in checks {
        extra.insert(key.to_string(), value.clone());
    }
    Record {
        workload: workload.into(),
        size: size.into(),
        framework: if into { "xent-into" } else { "xent" }.into(),
        times,
        extra,
    }
    .to_json(ctx)
}

/// W2: row log-softmax.
pub fn log_softmax_fwd(ctx: &Context, size: &str, p: Params) -> Vec<Value> {
    let x = uniform_f32(SEED_LOGITS, p.n, p.v, -4.0, 4.0);
    let mut records = Vec::new();
    for into in [false, true] {
        let mut out = if into {
            Array2::<f32>::zeros(x.dim())
        } else {
            Array2::zeros((0, 0))
        };
        let (rss, reset) = inputs_ready();
        let times = timed(ctx, || {
            if into {
                LogSoftmax::new()
                    .apply_rows_into(x.view(), out.view_mut())
                    .unwrap();
            } else {
                drop(std::mem::take(&mut out));
                out = LogSoftmax::new().apply_rows(x.view());
            }
        });
        let call = if into {
            "LogSoftmax::new().apply_rows_into(x, out)"
        } else {
            "LogSoftmax::new().apply_rows(x)"
        };
        let checks = [("out_sum", json!(sum(&out)))];
        records.push(row_record(
            ctx,
            "log_softmax_fwd",
            size,
            p,
            into,
            call,
            times,
            (rss, reset),
            &checks,
        ));
    }
    records
}

/// W3: entropy and KL divergence of every row.
pub fn row_entropy_kl(ctx: &Context, size: &str, p: Params) -> Vec<Value> {
    let pm = probabilities(SEED_P, p.n, p.v);
    let qm = probabilities(SEED_Q, p.n, p.v);
    let mut records = Vec::new();
    for (framework, policy) in [
        ("xent", InputPolicy::Strict),
        ("xent-unchecked", InputPolicy::Unchecked),
    ] {
        let options = Options::new().policy(policy);
        let (mut h_sum, mut kl_sum) = (0.0, 0.0);
        let (rss, reset) = inputs_ready();
        let both = timed(ctx, || {
            h_sum = options
                .entropy_rows(pm.view())
                .unwrap()
                .iter()
                .map(|&v| v as f64)
                .sum();
            kl_sum = options
                .kl_divergence_rows(pm.view(), qm.view())
                .unwrap()
                .iter()
                .map(|&v| v as f64)
                .sum();
        });
        let h_alone = timed(ctx, || {
            std::hint::black_box(options.entropy_rows(pm.view()).unwrap());
        });
        let kl_alone = timed(ctx, || {
            std::hint::black_box(options.kl_divergence_rows(pm.view(), qm.view()).unwrap());
        });
        let mut extra = Map::new();
        memory_extra(&mut extra, rss, reset);
        extra.insert("N".into(), json!(p.n));
        extra.insert("V".into(), json!(p.v));
        extra.insert("bytes_min".into(), json!(8 * p.n * p.v));
        extra.insert("bytes_min_note".into(), json!("read p and q once"));
        extra.insert(
            "call".into(),
            json!(format!(
                "Options::new().policy({policy:?}).entropy_rows(p); .kl_divergence_rows(p, q)"
            )),
        );
        extra.insert("entropy_sum".into(), json!(h_sum));
        extra.insert("kl_sum".into(), json!(kl_sum));
        extra.insert("entropy_median_s".into(), json!(median(&h_alone)));
        extra.insert("kl_median_s".into(), json!(median(&kl_alone)));
        records.push(
            Record {
                workload: "row_entropy_kl".into(),
                size: size.into(),
                framework: framework.into(),
                times: both,
                extra,
            }
            .to_json(ctx),
        );
    }
    records
}

/// Where Fashion-MNIST may be: the anchors' data folder, $XENT_DATA_DIR, Debian's package.
fn fashion_dir() -> Option<std::path::PathBuf> {
    let mut candidates = Vec::new();
    for var in ["ANCHORS_DATA", "XENT_DATA_DIR"] {
        if let Some(root) = std::env::var_os(var) {
            candidates.push(std::path::Path::new(&root).join("fashion-mnist"));
        }
    }
    candidates.push("/usr/share/datasets/fashion-mnist".into());
    // Beside the project checkout (run from the repository or from the folder above it).
    candidates.push("../shared/data/fashion-mnist".into());
    candidates.push("shared/data/fashion-mnist".into());
    candidates.into_iter().find(|d| d.is_dir())
}

/// W5: the chapter's softmax regression (batch 256, η = 0.1), seconds per epoch.
pub fn softmax_regression(ctx: &Context, size: &str, p: Params) -> Vec<Value> {
    let workload = format!("softmax_regression_{size}");
    let loaded = if size == "digits" {
        datasets::digits().map(|d| (d.split(0.2, 0), 16.0, "embedded digits".to_string()))
    } else {
        match fashion_dir() {
            Some(dir) => {
                datasets::fashion_mnist(&dir).map(|s| (s, 255.0, dir.display().to_string()))
            }
            None => {
                return vec![json!({
                    "workload": workload, "size": size, "framework": "xent", "version": env!("CARGO_PKG_VERSION"),
                    "median_s": null, "min_s": null, "max_s": null, "peak_rss_mb": null,
                    "extra": {"skipped": "Fashion-MNIST not found (ANCHORS_DATA, XENT_DATA_DIR, /usr/share/datasets, shared/data)"}
                })]
            }
        }
    };
    let (split, divisor, source) = match loaded {
        Ok(l) => l,
        Err(e) => {
            return vec![
                json!({"workload": workload, "size": size, "framework": "xent",
                "median_s": null, "extra": {"skipped": e.to_string()}}),
            ]
        }
    };
    let mut model = Model::for_dataset(ModelKind::Softmax, &split.train, 0).expect("class labels");
    // The model scales the raw pixels itself (once per fit, outside the timed epochs).
    model.scaling = Scaling::Divide { by: divisor };
    let (rss, reset) = inputs_ready();
    let mut epoch_times = Vec::new();
    let reports = Sgd::new()
        .epochs(p.epochs)
        .fit(&mut model, &split.train, None, |progress| {
            if let Progress::Epoch(r) = progress {
                epoch_times.push(r.seconds);
            }
        })
        .expect("training on clean data");
    let train_ce = score(&model, &split.train).expect("class labels").loss;
    let test_accuracy = score(&model, &split.test)
        .expect("class labels")
        .metric
        .value();
    let timed_epochs: Vec<f64> = if epoch_times.len() > 1 {
        epoch_times[1..].to_vec()
    } else {
        epoch_times.clone()
    };
    let mut extra = Map::new();
    memory_extra(&mut extra, rss, reset);
    extra.insert("data_source".into(), json!(source));
    extra.insert("n_train".into(), json!(split.train.len()));
    extra.insert("n_test".into(), json!(split.test.len()));
    extra.insert("epochs".into(), json!(p.epochs));
    extra.insert("batch".into(), json!(256));
    extra.insert("lr".into(), json!(0.1));
    extra.insert(
        "call".into(),
        json!("xent::train::Sgd::new().fit (softmax regression, CE fused forward+backward, gemm)"),
    );
    extra.insert(
        "epoch_times_s".into(),
        json!(epoch_times
            .iter()
            .map(|t| (t * 1e4).round() / 1e4)
            .collect::<Vec<_>>()),
    );
    extra.insert(
        "seconds_per_epoch_median".into(),
        json!(median(&timed_epochs)),
    );
    extra.insert(
        "timing_note".into(),
        json!("median over epochs 2..E (epoch 1 is the warm-up)"),
    );
    extra.insert(
        "train_ce_last_epoch_avg".into(),
        json!(reports.last().map(|r| r.train.loss)),
    );
    extra.insert("train_ce_final".into(), json!(train_ce));
    extra.insert("test_accuracy".into(), json!(test_accuracy));
    vec![Record {
        workload,
        size: size.into(),
        framework: "xent".into(),
        times: timed_epochs,
        extra,
    }
    .to_json(ctx)]
}

fn median(times: &[f64]) -> f64 {
    let mut s = times.to_vec();
    s.sort_by(f64::total_cmp);
    super::median(&s).unwrap_or(f64::NAN)
}
