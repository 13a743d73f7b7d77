//! `xent eval`: the information-theoretic verdict on a classifier's predictions.

use crate::args::{Common, EvalArgs};
use crate::failure::Failure;
use crate::failure::Place;
use crate::output::json_number;
use crate::plot;
use crate::row_input::{ChunkPlace, Inline, RowInput};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use ndarray::Array2;
use serde_json::json;
use std::io::IsTerminal;
use xent::activation::RowActivation;
use xent::data::{ColumnRef, ColumnSet};
use xent::eval::{Evaluator, Labels, Options, Predictions};

/// Values of the prediction chunk read at a time: with the labels' chunk and the reader's
/// buffers, evaluation holds a few MiB whatever the file's size.
pub(crate) const CHUNK_VALUES: usize = 1 << 16;

pub fn run(common: &Common, args: &EvalArgs) -> Result<String, Failure> {
    if let Some(path) = &args.plot {
        plot::check_extension(path).map_err(Failure::usage)?;
        xent::data::check_writable(path).map_err(|e| Failure::data(e.to_string()))?;
    }
    if let Some(eps) = args.clip {
        if !(eps > 0.0 && eps < 0.5) {
            return Err(Failure::usage(format!(
                "--clip {eps}: the epsilon must lie in (0, 0.5)"
            )));
        }
    }
    let delimiter = crate::limits::delimiter();
    let stdin_users = [
        Some(&args.pred),
        Some(&args.labels),
        args.sample_weight.as_ref(),
    ]
    .into_iter()
    .flatten()
    .filter(|t| *t == "-")
    .count();
    if stdin_users > 1 {
        return Err(Failure::usage(
            "only one of --pred, --labels and --sample-weight can be - (standard input)",
        ));
    }
    let mut options = Options::new()
        .bins(args.bins)
        .top_k(args.top_k)
        .zero_division(args.zero_division)
        .classwise(args.classwise_ece)
        .adaptive(args.adaptive_ece)
        .normalize(common.normalize);
    if let Some(r) = args.bootstrap {
        options = options.bootstrap(r, args.seed);
    }
    if let Some(eps) = args.clip {
        options = options.clip(eps);
    }
    let mut evaluator = Evaluator::new(options).map_err(|e| Failure::usage(e.to_string()))?;
    let mut pred = RowInput::open("PRED", &args.pred, delimiter, Inline::Row)?;
    let mut labels = RowInput::open("LABELS", &args.labels, delimiter, Inline::Column)?;
    choose_columns(
        (&mut pred, &args.pred),
        (&mut labels, &args.labels),
        args.pred_columns.as_ref(),
        args.label_column.as_ref(),
    )?;
    let mut weights = args
        .sample_weight
        .as_deref()
        .map(|w| RowInput::open("WEIGHTS", w, delimiter, Inline::Column))
        .transpose()?;
    let mut ranking = (args.auc || args.auc_bins.is_some()).then(|| RankingInputs {
        bins: args.auc_bins,
        ..RankingInputs::default()
    });
    let bar = progress_bar(&pred);
    // One thread reads and parses the next chunks while this one evaluates the current one
    // (over the rayon pool); two chunks in flight at most, so memory stays bounded.
    std::thread::scope(|scope| -> Result<(), Failure> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Batch, Failure>>(2);
        let (pred, labels, weights, bar) = (&mut pred, &mut labels, weights.as_mut(), &bar);
        scope.spawn(move || {
            if let Err(failure) = read_batches(pred, labels, weights, bar, &tx) {
                // The receiver may already have stopped on an error of its own.
                let _ = tx.send(Err(failure));
            }
        });
        for batch in rx {
            evaluate_batch(&mut evaluator, ranking.as_mut(), batch?, args)?;
        }
        Ok(())
    })?;
    bar.finish_and_clear();
    let report = evaluator.finish().map_err(|e| {
        let mut operands: Vec<(&str, &dyn Place)> = vec![("predictions", &pred)];
        if let Some(w) = &weights {
            operands.push(("weights", w));
        }
        Failure::from_compute(e, &operands)
    })?;
    let ranking = ranking.map(RankingInputs::ranking).transpose()?;
    // The classes' names, when the predictions' header gave one per class.
    let class_names = pred
        .header()
        .filter(|names| names.len() == report.n_classes);
    if let Some(path) = &args.plot {
        plot::reliability_diagram(path, &report.bins, report.ece, report.mce)
            .map_err(Failure::data)?;
    }
    let base = common.base();
    let b = |nats: f64| base.from_nats(nats);
    if common.json {
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
            "l2_ece_debiased": json_number(report.l2_ece_debiased),
            "mean_entropy": json_number(b(report.mean_entropy)),
            "mean_kl": json_number(b(report.mean_kl)),
            "n_samples": report.n_samples,
            "n_classes": report.n_classes,
            "macro_avg": prf_json(&report.macro_average),
            "weighted_avg": prf_json(&report.weighted_average),
            "micro_avg": prf_json(&report.micro_average),
        });
        let mut object = object;
        if let Some(c) = report.classwise_ece {
            object["classwise_ece"] = json_number(c);
        }
        if let Some(a) = &report.adaptive {
            object["adaptive"] = json!({
                "ece": json_number(a.ece),
                "mce": json_number(a.mce),
                "l2_ece_debiased": json_number(a.l2_ece_debiased),
                "bins": a.bins.iter().map(|b| json!({
                    "lower": json_number(b.lower),
                    "upper": json_number(b.upper),
                    "count": b.count,
                    "confidence": json_number(b.confidence),
                    "accuracy": json_number(b.accuracy),
                })).collect::<Vec<_>>(),
            });
        }
        if let Some(boot) = &report.bootstrap {
            let interval = |i: &xent::eval::Interval, scale: &dyn Fn(f64) -> f64| {
                json!({
                    "low": json_number(scale(i.low)),
                    "high": json_number(scale(i.high)),
                    "sd": json_number(scale(i.sd)),
                })
            };
            let same = |v: f64| v;
            let mut o = json!({
                "replicates": boot.replicates,
                "seed": boot.seed,
                "log_loss": interval(&boot.log_loss, &b),
                "accuracy": interval(&boot.accuracy, &same),
                "brier": interval(&boot.brier, &same),
                "ece": interval(&boot.ece, &same),
                "l2_ece_debiased": interval(&boot.l2_ece_debiased, &same),
            });
            if let Some(a) = &boot.adaptive_ece {
                o["adaptive_ece"] = interval(a, &same);
            }
            object["bootstrap"] = o;
        }
        if let Some(names) = &class_names {
            object["class_names"] = json!(names);
        }
        if let Some(r) = &ranking {
            object["roc_auc"] = json!({
                "macro": json_number(r.roc_auc_macro),
                "weighted": json_number(r.roc_auc_weighted),
                "per_class": r.roc_auc.iter().map(|&v| json_number(v)).collect::<Vec<_>>(),
            });
            if args.auc_bins.is_some() {
                object["roc_auc_error_bound"] = json_number(r.roc_auc_error_bound);
            }
            object["average_precision"] = json!({
                "macro": json_number(r.average_precision_macro),
                "weighted": json_number(r.average_precision_weighted),
                "per_class": r.average_precision.iter().map(|&v| json_number(v)).collect::<Vec<_>>(),
            });
        }
        // The per-class list is written entry by entry: as one JSON tree, a million classes
        // would take gigabytes.
        let head = object.to_string();
        let mut text = String::with_capacity(head.len() + 100 * report.per_class.len());
        text.push_str(head.strip_suffix('}').unwrap_or(&head));
        text.push_str(",\"per_class\":[");
        for (i, c) in report.per_class.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            let mut entry = json!({
                "class": c.class,
                "support": json_number(c.support),
                "precision": json_number(c.precision),
                "recall": json_number(c.recall),
                "f1": json_number(c.f1),
                "log_loss": json_number(b(c.log_loss)),
            });
            if let Some(name) = class_names.as_ref().and_then(|n| n.get(c.class)) {
                entry["name"] = json!(name);
            }
            text.push_str(&entry.to_string());
        }
        text.push(']');
        if let Some(m) = &report.confusion {
            // Rows are labels, columns predictions, as scikit-learn's confusion_matrix.
            text.push_str(",\"confusion_matrix\":[");
            for (i, row) in m.rows().into_iter().enumerate() {
                if i > 0 {
                    text.push(',');
                }
                let cells: Vec<serde_json::Value> = row.iter().map(|&v| json_number(v)).collect();
                text.push_str(&serde_json::Value::Array(cells).to_string());
            }
            text.push(']');
        }
        text.push('}');
        let object = text;
        return Ok(format!("{object}\n"));
    }
    let unit = base.unit();
    let mut text = String::new();
    let mut line = |name: &str, value: String| text.push_str(&format!("{name:<22} {value}\n"));
    // With --bootstrap, a metric's 95 % interval follows it.
    let boot = report.bootstrap.as_ref();
    let ci = |pick: fn(&xent::eval::Bootstrap) -> Option<xent::eval::Interval>,
              scale: &dyn Fn(f64) -> f64| {
        boot.and_then(pick).map_or(String::new(), |i| {
            format!("   95% [{:.6}, {:.6}]", scale(i.low), scale(i.high))
        })
    };
    let same = |v: f64| v;
    line("samples", report.n_samples.to_string());
    line("classes", report.n_classes.to_string());
    line(
        &format!("log-loss [{unit}]"),
        format!(
            "{:.6} ± {:.6}{}",
            b(report.log_loss),
            b(report.log_loss_se),
            ci(|x| Some(x.log_loss), &b)
        ),
    );
    line("perplexity", format!("{:.6}", report.perplexity));
    line(
        "accuracy",
        format!("{:.6}{}", report.accuracy, ci(|x| Some(x.accuracy), &same)),
    );
    line(
        &format!("top-{} accuracy", report.top_k),
        format!("{:.6}", report.top_k_accuracy),
    );
    line(
        "Brier score",
        format!("{:.6}{}", report.brier, ci(|x| Some(x.brier), &same)),
    );
    line(
        &format!("ECE ({} bins)", args.bins),
        format!("{:.6}{}", report.ece, ci(|x| Some(x.ece), &same)),
    );
    line("MCE", format!("{:.6}", report.mce));
    line(
        "L2-ECE, debiased",
        format!(
            "{:.6}{}",
            report.l2_ece_debiased,
            ci(|x| Some(x.l2_ece_debiased), &same)
        ),
    );
    if let Some(a) = &report.adaptive {
        line(
            "adaptive ECE",
            format!("{:.6}{}", a.ece, ci(|x| x.adaptive_ece, &same)),
        );
        line("adaptive MCE", format!("{:.6}", a.mce));
        line("adaptive L2-ECE", format!("{:.6}", a.l2_ece_debiased));
    }
    if let Some(c) = report.classwise_ece {
        line("classwise ECE", format!("{c:.6}"));
    }
    if let Some(r) = &ranking {
        let bound = match args.auc_bins {
            Some(bins) => format!(
                "   ({bins} bins: within {:.2e} of exact)",
                r.roc_auc_error_bound
            ),
            None => String::new(),
        };
        line(
            "ROC-AUC (macro, wtd)",
            format!("{:.6}, {:.6}{bound}", r.roc_auc_macro, r.roc_auc_weighted),
        );
        line(
            "avg precision (m, w)",
            format!(
                "{:.6}, {:.6}",
                r.average_precision_macro, r.average_precision_weighted
            ),
        );
    }
    line(
        &format!("mean entropy [{unit}]"),
        format!("{:.6}", b(report.mean_entropy)),
    );
    line(
        &format!("mean KL [{unit}]"),
        format!("{:.6}", b(report.mean_kl)),
    );
    text.push_str(&format!(
        "\n{:>12}  {:>9}  {:>9}  {:>9}  {:>9}  {:>9}\n",
        "class", "support", "precision", "recall", "F1", "log-loss"
    ));
    for c in &report.per_class {
        let name = class_names
            .as_ref()
            .and_then(|n| n.get(c.class).cloned())
            .unwrap_or_else(|| c.class.to_string());
        text.push_str(&format!(
            "{:>12}  {:>9}  {:>9.4}  {:>9.4}  {:>9.4}  {:>9.4}\n",
            name,
            c.support,
            c.precision,
            c.recall,
            c.f1,
            b(c.log_loss)
        ));
    }
    for (name, a) in [
        ("macro avg", &report.macro_average),
        ("weighted avg", &report.weighted_average),
        ("micro avg", &report.micro_average),
    ] {
        text.push_str(&format!(
            "{name:>12}  {:>9}  {:>9.4}  {:>9.4}  {:>9.4}\n",
            "", a.precision, a.recall, a.f1
        ));
    }
    if let Some(m) = report
        .confusion
        .as_ref()
        .filter(|m| m.nrows() <= PRINTED_CONFUSION)
    {
        text.push_str("\nconfusion matrix (rows: label, columns: predicted)\n");
        for row in m.rows() {
            let cells: Vec<String> = row.iter().map(|v| format!("{v:>7}")).collect();
            text.push_str(&cells.join(" "));
            text.push('\n');
        }
    }
    Ok(text)
}

/// What `--auc` keeps of every sample: its probabilities, label and weight (bounded by
/// `xent::eval::MAX_RANKING_SCORES`, checked as the rows arrive).
#[derive(Default)]
struct RankingInputs {
    probabilities: Vec<f64>,
    width: usize,
    labels: Vec<usize>,
    weights: Vec<f64>,
    /// With --auc-bins: the binned accumulator, which keeps no score.
    bins: Option<usize>,
    binned: Option<xent::eval::BinnedRanking>,
}

impl RankingInputs {
    /// Keeps a batch's probabilities (softmax of logits, e^ of log-probabilities; one column
    /// of P(class 1) becomes two), or says that the scores would be too many.
    fn keep(
        &mut self,
        x: &Array2<f64>,
        labels: &[usize],
        w: Option<&[f64]>,
        args: &EvalArgs,
    ) -> Result<(), Failure> {
        let binary = x.ncols() == 1;
        let width = if binary { 2 } else { x.ncols() };
        self.width = width;
        let streamed = self.bins.is_some();
        if !streamed
            && (self.labels.len() + x.nrows()).saturating_mul(width)
                > xent::eval::MAX_RANKING_SCORES
        {
            return Err(Failure::data(format!(
                "--auc sorts every score: more than {} (rows × classes) is too many; stream \
                 it over bins with --auc-bins N, or evaluate without --auc",
                xent::eval::MAX_RANKING_SCORES
            )));
        }
        let first = self.probabilities.len();
        for row in x.rows() {
            let mut p: Vec<f64> = row.to_vec();
            if args.from_logits {
                if binary {
                    p[0] = xent::activation::sigmoid(p[0]);
                } else {
                    xent::activation::Softmax::new().apply_in_place(&mut p);
                }
            } else if args.from_log_probs {
                p.iter_mut().for_each(|v| *v = v.exp());
            }
            if binary {
                self.probabilities.extend([1.0 - p[0], p[0]]);
            } else {
                self.probabilities.extend(p);
            }
        }
        if let Some(bins) = self.bins {
            // The chunk's probabilities are counted and dropped.
            let chunk = self.probabilities.split_off(first);
            let p = Array2::from_shape_vec((x.nrows(), width), chunk)
                .expect("a row of probabilities per label");
            let binned = match &mut self.binned {
                Some(b) => b,
                None => self.binned.insert(
                    xent::eval::BinnedRanking::new(width, bins)
                        .map_err(|e| Failure::usage(format!("--auc-bins: {e}")))?,
                ),
            };
            return binned
                .push(p.view(), labels, w)
                .map_err(|e| Failure::data(format!("ROC-AUC: {e}")));
        }
        self.labels.extend_from_slice(labels);
        match w {
            Some(w) => self.weights.extend_from_slice(w),
            None => self.weights.extend(std::iter::repeat_n(1.0, x.nrows())),
        }
        Ok(())
    }

    fn ranking(self) -> Result<xent::eval::Ranking, Failure> {
        if let Some(binned) = self.binned {
            return Ok(binned.finish());
        }
        let rows = self.labels.len();
        let p = Array2::from_shape_vec((rows, self.width), self.probabilities)
            .expect("a row of probabilities per label");
        xent::eval::ranking(p.view(), &self.labels, Some(&self.weights))
            .map_err(|e| Failure::data(format!("ROC-AUC: {e}")))
    }
}

/// The most classes whose confusion matrix the text report prints (JSON has it up to
/// `xent::eval::MAX_CONFUSION_CLASSES`).
const PRINTED_CONFUSION: usize = 20;

/// Precision, recall and F1 as a JSON object.
fn prf_json(a: &xent::eval::Prf) -> serde_json::Value {
    json!({
        "precision": json_number(a.precision),
        "recall": json_number(a.recall),
        "f1": json_number(a.f1),
    })
}

/// One chunk of predictions with the same rows of labels and weights, and the places errors
/// about them point to.
struct Batch {
    x: Array2<f64>,
    y: Array2<f64>,
    w: Option<Vec<f64>>,
    first_row: usize,
    pred: ChunkPlace,
    labels: ChunkPlace,
    weights: Option<ChunkPlace>,
}

/// Reads the inputs a chunk at a time and sends them on, then checks that labels and weights
/// end with the predictions.
fn read_batches(
    pred: &mut RowInput,
    labels: &mut RowInput,
    mut weights: Option<&mut RowInput>,
    bar: &ProgressBar,
    tx: &std::sync::mpsc::SyncSender<Result<Batch, Failure>>,
) -> Result<(), Failure> {
    // The first chunk is one row: it tells the width, which sizes the chunks after it.
    let mut max_rows = 1;
    let mut started = false;
    while let Some(x) = pred.next(max_rows)? {
        if !std::mem::replace(&mut started, true) {
            share_class_names(pred, labels);
        }
        max_rows = (CHUNK_VALUES / x.ncols().max(1)).max(1);
        let y = next_matching(labels, pred, x.nrows())?;
        let w = match weights.as_deref_mut() {
            Some(input) => Some(next_matching(input, pred, x.nrows())?.into_iter().collect()),
            None => None,
        };
        let batch = Batch {
            first_row: pred.rows_read() - x.nrows(),
            x,
            y,
            w,
            pred: pred.place(),
            labels: labels.place(),
            weights: weights.as_deref().map(RowInput::place),
        };
        bar.set_position(pred.progress().0);
        if tx.send(Ok(batch)).is_err() {
            // The evaluation stopped on an error; it reports that one.
            return Ok(());
        }
    }
    for input in std::iter::once(labels).chain(weights) {
        ensure_ended(input, pred)?;
    }
    Ok(())
}

/// Checks that labels or weights end where the predictions did.
pub(crate) fn ensure_ended(input: &mut RowInput, pred: &RowInput) -> Result<(), Failure> {
    if input.next(1)?.is_some() {
        return Err(Failure::data(format!(
            "{} has more rows than the {} of {} ({})",
            input.describe(),
            pred.rows_read(),
            pred.describe(),
            input.name()
        )));
    }
    Ok(())
}

/// Chooses the columns of the predictions and the labels: `--label-column` of LABELS,
/// `pred_columns` of PRED, or when both are the same file, every column of it but the label.
pub(crate) fn choose_columns(
    (pred, pred_text): (&mut RowInput, &str),
    (labels, labels_text): (&mut RowInput, &str),
    pred_columns: Option<&ColumnSet>,
    label_column: Option<&ColumnRef>,
) -> Result<(), Failure> {
    if let Some(c) = label_column {
        labels.select(ColumnSet::from(c.clone()))?;
    }
    match (pred_columns, label_column) {
        (Some(set), _) => pred.select(set.clone()),
        (None, Some(c)) if pred_text == labels_text && pred_text != "-" => {
            pred.select(ColumnSet::all_but(c.clone()))
        }
        _ => Ok(()),
    }
}

/// After the first chunk of predictions: their header's names are the classes a label may
/// name.
pub(crate) fn share_class_names(pred: &RowInput, labels: &mut RowInput) {
    if let Some(names) = pred.header() {
        labels.class_names(names);
    }
}

/// Evaluates one batch, naming the file, line and field of a bad value.
fn evaluate_batch(
    evaluator: &mut Evaluator,
    ranking: Option<&mut RankingInputs>,
    batch: Batch,
    args: &EvalArgs,
) -> Result<(), Failure> {
    let Batch {
        x, y, w, first_row, ..
    } = &batch;
    let as_classes = y.ncols() == 1 && !(x.ncols() == 1 && y.iter().any(|v| v.fract() != 0.0));
    let classes: Vec<usize> = if as_classes {
        class_indices(y, &batch.labels, *first_row)?
    } else {
        Vec::new()
    };
    let label_arg = if as_classes {
        Labels::Classes(&classes)
    } else {
        Labels::Distributions(y.view())
    };
    if let Some(keep) = ranking {
        if !as_classes {
            return Err(Failure::usage(
                "--auc takes class labels (one column), not label distributions",
            ));
        }
        keep.keep(x, &classes, w.as_deref(), args)?;
    }
    let predictions = if args.from_logits {
        Predictions::Logits(x.view())
    } else if args.from_log_probs {
        Predictions::LogProbabilities(x.view())
    } else {
        Predictions::Probabilities(x.view())
    };
    evaluator
        .push(predictions, label_arg, w.as_deref())
        .map_err(|e| {
            let mut operands: Vec<(&str, &dyn Place)> =
                vec![("predictions", &batch.pred), ("labels", &batch.labels)];
            if let Some(w) = &batch.weights {
                operands.push(("weights", w));
            }
            Failure::from_compute(e, &operands)
        })
}

/// The next `rows` rows of labels or weights, which must not run out before the predictions.
pub(crate) fn next_matching(
    input: &mut RowInput,
    pred: &RowInput,
    rows: usize,
) -> Result<Array2<f64>, Failure> {
    let start = input.rows_read();
    let mut parts: Vec<Array2<f64>> = Vec::new();
    let mut have = 0;
    while have < rows {
        match input.next(rows - have)? {
            Some(chunk) => {
                have += chunk.nrows();
                parts.push(chunk);
            }
            None => {
                let rows = start + have;
                return Err(Failure::data(format!(
                    "{} ends after {rows} row{}, but {} has more ({} needs one row per sample)",
                    input.describe(),
                    if rows == 1 { "" } else { "s" },
                    pred.describe(),
                    input.name()
                )));
            }
        }
    }
    if parts.len() == 1 {
        return Ok(parts.pop().expect("one part"));
    }
    let views: Vec<_> = parts.iter().map(|p| p.view()).collect();
    ndarray::concatenate(ndarray::Axis(0), &views).map_err(|_| {
        Failure::data(format!(
            "{}: the rows do not all have the same width",
            input.describe()
        ))
    })
}

/// One column of labels as class indices; `first_row` is the index of the chunk's first row.
pub(crate) fn class_indices(
    y: &Array2<f64>,
    labels: &ChunkPlace,
    first_row: usize,
) -> Result<Vec<usize>, Failure> {
    y.iter()
        .enumerate()
        .map(|(i, &v)| {
            if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < usize::MAX as f64 {
                Ok(v as usize)
            } else {
                Err(Failure::data(format!(
                    "{}: {v} is not a class label (an integer ≥ 0)",
                    labels.locate(first_row + i, None)
                )))
            }
        })
        .collect()
}

/// A progress bar over the prediction file's bytes, on a terminal only.
fn progress_bar(pred: &RowInput) -> ProgressBar {
    let (_, total) = pred.progress();
    match total {
        Some(total) if std::io::stderr().is_terminal() => {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:40} {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
                )
                .expect("a valid template"),
            );
            bar
        }
        _ => ProgressBar::hidden(),
    }
}
