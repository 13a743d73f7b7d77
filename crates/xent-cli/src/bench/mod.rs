//! `xent bench`: the workloads of `shared/bench/anchors.py`, measured on xent and printed as
//! the same JSON lines, so that xent runs beside the anchors with
//! `anchors.py --extern xent="target/release/xent bench"`.
//!
//! Each case runs in a child process of its own (`xent bench --case W1:8192x32000`), so that
//! its peak RSS is its own, as in the anchors' harness.

mod eval_files;
mod inputs;
mod memory;
mod workloads;

use crate::args::BenchArgs;
use crate::failure::Failure;
use serde_json::{json, Map, Value};
use std::process::Command;

/// (id, size label, parameters) of every case, full or quick sizes, as in anchors.py.
pub fn cases(quick: bool) -> Vec<(&'static str, &'static str, Params)> {
    let p = |n, v| Params {
        n,
        v,
        epochs: 0,
        bytes: 0,
        d: 0,
        chunk: 0,
    };
    let linear = |n, d, v, chunk| Params {
        d,
        chunk,
        ..p(n, v)
    };
    let mut out = Vec::new();
    if quick {
        out.push((
            "W0",
            "256MiB",
            Params {
                bytes: 1 << 28,
                ..p(0, 0)
            },
        ));
        for w in ["W1", "W2"] {
            out.extend([
                (w, "1024x8000", p(1024, 8000)),
                (w, "512x1000", p(512, 1000)),
                (w, "8192x10", p(8192, 10)),
            ]);
        }
        out.push(("W3", "1024x8000", p(1024, 8000)));
        out.push(("W4", "512x512x8000", linear(512, 512, 8000, 128)));
        out.push((
            "W5",
            "digits",
            Params {
                epochs: 2,
                ..p(0, 0)
            },
        ));
        out.push(("E1", "100000x10", p(100_000, 10)));
    } else {
        out.push((
            "W0",
            "1GiB",
            Params {
                bytes: 1 << 30,
                ..p(0, 0)
            },
        ));
        for w in ["W1", "W2"] {
            out.extend([
                (w, "8192x32000", p(8192, 32000)),
                (w, "4096x1000", p(4096, 1000)),
                (w, "65536x10", p(65536, 10)),
            ]);
        }
        out.push(("W3", "8192x32000", p(8192, 32000)));
        out.push(("W4", "4096x2048x32000", linear(4096, 2048, 32000, 1024)));
        out.push((
            "W5",
            "fashion_mnist",
            Params {
                epochs: 10,
                ..p(0, 0)
            },
        ));
        out.push((
            "W5",
            "digits",
            Params {
                epochs: 10,
                ..p(0, 0)
            },
        ));
        out.push(("E1", "1000000x10", p(1_000_000, 10)));
    }
    out
}

/// The size parameters of one case.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    pub n: usize,
    pub v: usize,
    pub epochs: usize,
    pub bytes: usize,
    /// W4: the hidden size and the chunk rows.
    pub d: usize,
    pub chunk: usize,
}

const NAMES: [(&str, &str); 7] = [
    ("W0", "bandwidth"),
    ("W1", "ce_fwd_bwd"),
    ("W2", "log_softmax_fwd"),
    ("W3", "row_entropy_kl"),
    ("W4", "linear_ce_fwd_bwd"),
    ("W5", "softmax_regression"),
    ("E1", "eval_files"),
];

fn selected(id: &str, only: &[String]) -> bool {
    let name = NAMES.iter().find(|(i, _)| *i == id).map_or("", |(_, n)| *n);
    only.is_empty()
        || only.iter().any(|o| {
            o.eq_ignore_ascii_case(id) || o == name || o.starts_with(name) && !name.is_empty()
        })
}

/// Runs the benchmark and returns its JSON lines.
pub fn run(args: &BenchArgs) -> Result<String, Failure> {
    let threads = args.threads.unwrap_or_else(crate::limits::cpus);
    if let Some(case) = &args.case {
        return run_case(case, args, threads);
    }
    let only: Vec<String> = args
        .only
        .iter()
        .flat_map(|o| o.split(','))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if let Some(unknown) = only.iter().find(|o| {
        !cases(args.quick)
            .iter()
            .any(|(id, _, _)| selected(id, std::slice::from_ref(o)))
    }) {
        let known: Vec<String> = NAMES.iter().map(|(i, n)| format!("{i} ({n})")).collect();
        return Err(Failure::usage(format!(
            "--only {unknown:?}: no such workload; use {}",
            known.join(", ")
        )));
    }
    let exe = std::env::current_exe()
        .map_err(|e| Failure::data(format!("cannot find the xent binary: {e}")))?;
    let mut text = String::new();
    // The bandwidth bound runs first so that every later line can quote its ratio to it.
    let mut bound_gbps: Option<f64> = None;
    for (id, size, _) in cases(args.quick) {
        if id != "W0" && !selected(id, &only) {
            continue;
        }
        let mut cmd = Command::new(&exe);
        cmd.args([
            "bench",
            "--case",
            &format!("{id}:{size}"),
            "--repeats",
            &args.repeats.to_string(),
        ])
        .args(["--threads", &threads.to_string()]);
        if args.quick {
            cmd.arg("--quick");
        }
        if let Some(b) = bound_gbps {
            cmd.args(["--bound-gbps", &b.to_string()]);
        }
        let output = cmd
            .output()
            .map_err(|e| Failure::data(format!("cannot run a benchmark case: {e}")))?;
        if !output.status.success() {
            return Err(Failure::data(format!(
                "benchmark case {id}:{size} failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            )));
        }
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            if id == "W0" {
                let v: Value = serde_json::from_str(line).unwrap_or(Value::Null);
                if v["framework"]
                    .as_str()
                    .is_some_and(|f| f.starts_with("xent-copy"))
                {
                    if let Some(g) = v["extra"]["gbps"].as_f64() {
                        bound_gbps = Some(bound_gbps.map_or(g, |b: f64| b.max(g)));
                    }
                }
                // W0 is measured for the ratios; print it only when it was asked for.
                if !selected("W0", &only) {
                    continue;
                }
            }
            text.push_str(line);
            text.push('\n');
        }
    }
    Ok(text)
}

fn run_case(case: &str, args: &BenchArgs, threads: usize) -> Result<String, Failure> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()
        .map_err(|e| Failure::data(format!("cannot start {threads} threads: {e}")))?;
    let (id, size) = case
        .split_once(':')
        .ok_or_else(|| Failure::usage(format!("--case {case:?}: expected ID:SIZE")))?;
    let params = cases(args.quick)
        .into_iter()
        .find(|(i, s, _)| *i == id && *s == size)
        .map(|(_, _, p)| p)
        .ok_or_else(|| Failure::usage(format!("unknown case {case:?}")))?;
    let ctx = workloads::Context {
        repeats: args.repeats.max(1),
        threads,
        bound_gbps: args.bound_gbps,
    };
    let records = match id {
        "W0" => workloads::bandwidth(&ctx, params),
        "W1" => workloads::ce_fwd_bwd(&ctx, size, params),
        "W2" => workloads::log_softmax_fwd(&ctx, size, params),
        "W3" => workloads::row_entropy_kl(&ctx, size, params),
        "W4" => workloads::linear_ce_fwd_bwd(&ctx, size, params),
        "W5" => workloads::softmax_regression(&ctx, size, params),
        "E1" => eval_files::eval_files(&ctx, size, params.n, params.v),
        _ => return Err(Failure::usage(format!("unknown workload {id:?}"))),
    };
    Ok(records.iter().map(|r| format!("{r}\n")).collect())
}

/// One JSON line in the anchors' format.
pub struct Record {
    pub workload: String,
    pub size: String,
    pub framework: String,
    pub times: Vec<f64>,
    pub extra: Map<String, Value>,
}

impl Record {
    pub fn to_json(&self, ctx: &workloads::Context) -> Value {
        let mut sorted = self.times.clone();
        sorted.sort_by(f64::total_cmp);
        let median = median(&sorted);
        let mut extra = self.extra.clone();
        extra.insert("repeats".into(), json!(self.times.len()));
        extra.insert(
            "times_s".into(),
            json!(self
                .times
                .iter()
                .map(|t| (t * 1e6).round() / 1e6)
                .collect::<Vec<_>>()),
        );
        extra.insert("threads".into(), json!(ctx.threads));
        if let (Some(bytes), Some(gbps)) = (
            extra.get("bytes_min").and_then(Value::as_f64),
            ctx.bound_gbps,
        ) {
            let bound_s = bytes / (gbps * 1e9);
            extra.insert("bound_gbps".into(), json!(gbps));
            extra.insert("bound_s".into(), json!(bound_s));
            extra.insert("x_bound".into(), json!(median.map(|m| m / bound_s)));
        }
        json!({
            "workload": self.workload,
            "size": self.size,
            "framework": self.framework,
            "version": env!("CARGO_PKG_VERSION"),
            "median_s": median,
            "min_s": sorted.first(),
            "max_s": sorted.last(),
            "peak_rss_mb": memory::status_mb("VmHWM").map(|m| (m * 10.0).round() / 10.0),
            "extra": extra,
        })
    }
}

fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some(0.5 * (sorted[n / 2 - 1] + sorted[n / 2])),
    }
}
