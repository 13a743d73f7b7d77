//! `xent eval`: the information-theoretic verdict on a classifier's predictions.

use crate::args::{Common, EvalArgs};
use crate::failure::Failure;
use crate::operand::Operand;
use crate::output::json_number;
use crate::plot;
use serde_json::{json, Value};
use xent::eval::{evaluate, EvalOptions, Labels, Predictions};

pub fn run(common: &Common, args: &EvalArgs) -> Result<String, Failure> {
    if let Some(path) = &args.plot {
        plot::check_extension(path).map_err(Failure::usage)?;
    }
    if let Some(eps) = args.clip {
        if !(eps > 0.0 && eps < 0.5) {
            return Err(Failure::usage(format!(
                "--clip {eps}: the epsilon must lie in (0, 0.5)"
            )));
        }
    }
    let pred = Operand::load("PRED", &args.pred)?;
    let labels = Operand::load("LABELS", &args.labels)?;
    let weights = args
        .sample_weight
        .as_deref()
        .map(|w| Operand::load("WEIGHTS", w))
        .transpose()?;
    let x = pred.table.values.view();
    let y = &labels.table.values;
    let as_classes = (labels.is_vector() || y.ncols() == 1)
        && !(x.ncols() == 1 && y.ncols() == 1 && !is_integral(y));
    let classes: Vec<usize>;
    let label_arg = if as_classes {
        classes = y
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                if v.is_finite() && v >= 0.0 && v.fract() == 0.0 {
                    Ok(v as usize)
                } else {
                    let place = if labels.is_vector() {
                        labels.locate(0, Some(i))
                    } else {
                        labels.locate(i, None)
                    };
                    Err(Failure::data(format!(
                        "{place}: {v} is not a class label (an integer ≥ 0)"
                    )))
                }
            })
            .collect::<Result<_, _>>()?;
        Labels::Classes(&classes)
    } else {
        Labels::Distributions(y.view())
    };
    let predictions = if args.from_logits {
        Predictions::Logits(x)
    } else if args.from_log_probs {
        Predictions::LogProbabilities(x)
    } else {
        Predictions::Probabilities(x)
    };
    let w: Option<Vec<f64>> = weights
        .as_ref()
        .map(|w| w.table.values.iter().copied().collect());
    let options = EvalOptions {
        bins: args.bins,
        top_k: args.top_k,
        clip: args.clip,
        normalize: common.normalize,
        ..EvalOptions::default()
    };
    let report = evaluate(predictions, label_arg, w.as_deref(), &options).map_err(|e| {
        let mut operands = vec![("predictions", &pred), ("labels", &labels)];
        if let Some(w) = &weights {
            operands.push(("weights", w));
        }
        Failure::from_compute(e, &operands)
    })?;
    if let Some(path) = &args.plot {
        plot::reliability_diagram(path, &report.bins).map_err(Failure::data)?;
    }
    let base = common.base;
    let b = |nats: f64| base.from_nats(nats);
    if common.json {
        let per_class: Vec<Value> = report
            .per_class
            .iter()
            .map(|c| {
                json!({
                    "class": c.class,
                    "support": json_number(c.support),
                    "precision": json_number(c.precision),
                    "recall": json_number(c.recall),
                    "log_loss": json_number(b(c.log_loss)),
                })
            })
            .collect();
        let object = json!({
            "log_loss": json_number(b(report.log_loss)),
            "log_loss_se": json_number(b(report.log_loss_se)),
            "perplexity": json_number(report.perplexity),
            "accuracy": json_number(report.accuracy),
            "top_k_accuracy": json_number(report.top_k_accuracy),
            "top_k": report.top_k,
            "brier": json_number(report.brier),
            "ece": json_number(report.ece),
            "mce": json_number(report.mce),
            "mean_entropy": json_number(b(report.mean_entropy)),
            "mean_kl": json_number(b(report.mean_kl)),
            "n_samples": report.n_samples,
            "n_classes": report.n_classes,
            "per_class": per_class,
        });
        return Ok(format!("{object}\n"));
    }
    let unit = base.unit();
    let mut text = String::new();
    let mut line = |name: &str, value: String| text.push_str(&format!("{name:<22} {value}\n"));
    line("samples", report.n_samples.to_string());
    line("classes", report.n_classes.to_string());
    line(
        &format!("log-loss [{unit}]"),
        format!("{:.6} ± {:.6}", b(report.log_loss), b(report.log_loss_se)),
    );
    line("perplexity", format!("{:.6}", report.perplexity));
    line("accuracy", format!("{:.6}", report.accuracy));
    line(
        &format!("top-{} accuracy", report.top_k),
        format!("{:.6}", report.top_k_accuracy),
    );
    line("Brier score", format!("{:.6}", report.brier));
    line(
        &format!("ECE ({} bins)", args.bins),
        format!("{:.6}", report.ece),
    );
    line("MCE", format!("{:.6}", report.mce));
    line(
        &format!("mean entropy [{unit}]"),
        format!("{:.6}", b(report.mean_entropy)),
    );
    line(
        &format!("mean KL [{unit}]"),
        format!("{:.6}", b(report.mean_kl)),
    );
    text.push_str(&format!(
        "\n{:>5}  {:>9}  {:>9}  {:>9}  {:>9}\n",
        "class", "support", "precision", "recall", "log-loss"
    ));
    for c in &report.per_class {
        text.push_str(&format!(
            "{:>5}  {:>9}  {:>9.4}  {:>9.4}  {:>9.4}\n",
            c.class,
            c.support,
            c.precision,
            c.recall,
            b(c.log_loss)
        ));
    }
    Ok(text)
}

fn is_integral(a: &ndarray::Array2<f64>) -> bool {
    a.iter().all(|v| v.fract() == 0.0)
}
