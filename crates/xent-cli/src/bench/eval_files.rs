//! E1: `xent eval` over files, in MB/s of input: CSV (parsing plus metrics) and NPY, each
//! with the parse alone timed beside it, to show which of the two bounds the whole.

use super::inputs::{probabilities, targets, SEED_P, SEED_TARGETS};
use super::workloads::Context;
use super::Record;
use crate::args::{Common, EvalArgs};
use serde_json::{json, Map, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use xent::data::TableReader;

/// Writes the seeded probabilities (8 decimals, as `numpy.savetxt(fmt="%.8f")`) and labels.
fn write_inputs(dir: &Path, n: usize, k: usize) -> std::io::Result<[PathBuf; 4]> {
    let p = probabilities(SEED_P, n, k);
    let t = targets(SEED_TARGETS, n, k);
    let paths = [
        dir.join("pred.csv"),
        dir.join("labels.csv"),
        dir.join("pred.npy"),
        dir.join("labels.npy"),
    ];
    // Atomically, like every output: a scratch directory left by an earlier run of the same
    // process id never holds a half-written input.
    let write = |path: &Path, fill: &dyn Fn(&mut dyn Write) -> std::io::Result<()>| {
        xent::data::write_atomically(path, fill).map_err(|e| std::io::Error::other(e.to_string()))
    };
    write(&paths[0], &|w| {
        for row in p.rows() {
            let fields: Vec<String> = row.iter().map(|v| format!("{v:.8}")).collect();
            writeln!(w, "{}", fields.join(","))?;
        }
        Ok(())
    })?;
    let labels: String = t.iter().map(|c| format!("{c}\n")).collect();
    write(&paths[1], &|w| w.write_all(labels.as_bytes()))?;
    let npy = xent::data::to_npy(p.mapv(f64::from).view());
    write(&paths[2], &|w| w.write_all(&npy))?;
    let column = ndarray::Array2::from_shape_fn((n, 1), |(i, _)| t[i] as f64);
    let npy = xent::data::to_npy(column.view());
    write(&paths[3], &|w| w.write_all(&npy))?;
    Ok(paths)
}

fn eval_args(pred: &Path, labels: &Path) -> EvalArgs {
    EvalArgs {
        pred: pred.display().to_string(),
        labels: labels.display().to_string(),
        label_column: None,
        pred_columns: None,
        from_logits: false,
        from_log_probs: false,
        bins: 15,
        top_k: 5,
        zero_division: 0.0,
        auc: false,
        auc_bins: None,
        classwise_ece: false,
        adaptive_ece: false,
        bootstrap: None,
        seed: 0,
        sample_weight: None,
        clip: None,
        plot: None,
    }
}

/// Reads every row of a file and does nothing with them.
fn parse_only(path: &Path) {
    let mut reader = TableReader::open(path, None).expect("the file just written");
    while reader
        .next_rows(1 << 13)
        .expect("the file just written")
        .is_some()
    {}
}

pub fn eval_files(ctx: &Context, size: &str, n: usize, k: usize) -> Vec<Value> {
    let dir = std::env::temp_dir().join(format!("xent-bench-eval-{}", std::process::id()));
    let written = std::fs::create_dir_all(&dir).and_then(|_| write_inputs(&dir, n, k));
    let Ok([pred_csv, labels_csv, pred_npy, labels_npy]) = written else {
        return vec![
            json!({"workload": "eval_files", "size": size, "framework": "xent",
            "median_s": null, "extra": {"skipped": "cannot write the inputs to the temp folder"}}),
        ];
    };
    // Probabilities printed with 8 decimals sum to 1 within 1e-7; the default check applies.
    let common = Common {
        base: None,
        normalize: false,
        json: true,
        max_line_bytes: xent::data::DEFAULT_MAX_LINE_BYTES,
        delimiter: None,
    };
    let mut records = Vec::new();
    // The inputs were generated in memory; the peak is reset so that the run's own shows.
    let (rss, reset) = super::workloads::inputs_ready();
    for (format, pred, labels) in [
        ("csv", &pred_csv, &labels_csv),
        ("npy", &pred_npy, &labels_npy),
    ] {
        let bytes = std::fs::metadata(pred).map_or(0, |m| m.len())
            + std::fs::metadata(labels).map_or(0, |m| m.len());
        let args = eval_args(pred, labels);
        let mut output = String::new();
        let times = super::workloads::timed(ctx, || {
            output = crate::commands::eval::run(&common, &args).expect("a clean input");
        });
        let parse = super::workloads::timed(ctx, || {
            parse_only(pred);
            parse_only(labels);
        });
        let report: Value = serde_json::from_str(&output).unwrap_or(Value::Null);
        let mb_s = |t: &[f64]| {
            let mut s = t.to_vec();
            s.sort_by(f64::total_cmp);
            super::median(&s).map(|m| (bytes as f64 / 1e6 / m * 10.0).round() / 10.0)
        };
        let mut extra = Map::new();
        super::workloads::memory_extra(&mut extra, rss, reset);
        extra.insert("bytes".into(), json!(bytes));
        extra.insert("rows".into(), json!(n));
        extra.insert("classes".into(), json!(k));
        extra.insert("mb_per_s".into(), json!(mb_s(&times)));
        extra.insert("parse_only_mb_per_s".into(), json!(mb_s(&parse)));
        extra.insert("log_loss".into(), report["log_loss"].clone());
        extra.insert("accuracy".into(), report["accuracy"].clone());
        extra.insert(
            "call".into(),
            json!("xent eval --pred FILE --labels FILE --json (streamed: a reader thread parses the next chunks while the metrics of the current one run over the pool)"),
        );
        records.push(
            Record {
                workload: format!("eval_{format}"),
                size: size.into(),
                framework: "xent".into(),
                times,
                extra,
            }
            .to_json(ctx),
        );
    }
    std::fs::remove_dir_all(&dir).ok();
    records
}
