//! `xent train`: fit a linear model with minibatch SGD, with a progress bar, a table per
//! epoch, an optional plot and model file.

use crate::args::{Common, TrainArgs};
use crate::choices::ScaleChoice;
use crate::data_spec::DataSpec;
use crate::failure::Failure;
use crate::output::json_number;
use crate::plot;
use crate::sink::Stdout;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{json, Map, Value};
use std::io::IsTerminal;
use xent::train::{
    score, EpochReport, Metric, Model, ModelKind, Progress, Scaling, Score, Sgd, Targets,
};

pub fn run(common: &Common, args: &TrainArgs, out: &mut Stdout) -> Result<(), Failure> {
    let spec = DataSpec::parse(&args.data)?;
    // Every output is checked before the data is read, so that a typo costs no training run.
    if let Some(path) = &args.plot {
        plot::check_extension(path).map_err(Failure::usage)?;
    }
    for path in [&args.plot, &args.save].into_iter().flatten() {
        xent::data::check_writable(path).map_err(|e| Failure::data(e.to_string()))?;
    }
    let split = spec.load(args.seed, args.classes, &args.columns)?;
    let scaling = scaling(args.scale.unwrap_or(spec.default_scale()), &split.train);
    let compute = |e: xent::Error| Failure::data(e.to_string());
    let kind = match args.model {
        Some(m) => ModelKind::from(m),
        None if matches!(split.train.targets, Targets::Values(_)) => ModelKind::Linear,
        None => ModelKind::Softmax,
    };
    if let Some(t) = args.threads {
        configure_threads(t)?;
    }
    let mut model = Model::for_dataset(kind, &split.train, args.seed).map_err(compute)?;
    model.scaling = scaling;
    let n = split.train.len();
    let batch_size = args.batch_size.unwrap_or(default_batch_size(n));
    let sgd = Sgd::new()
        .learning_rate(args.lr)
        .batch_size(batch_size)
        .epochs(args.epochs.unwrap_or(default_epochs(n, batch_size)))
        .momentum(args.momentum)
        .weight_decay(args.weight_decay)
        .seed(args.seed);
    let sgd = match args.patience {
        Some(p) => sgd.patience(p),
        None => sgd,
    };
    sgd.validate().map_err(|e| Failure::usage(e.to_string()))?;
    // With --patience the watched set is a validation part of the training set, never the
    // test set whose score is reported.
    let held_out = args.patience.map(|_| {
        let fraction = args.validation.unwrap_or(0.1);
        split
            .train
            .split(fraction, args.seed.wrapping_add(0x9e37_79b9))
    });
    if held_out
        .as_ref()
        .is_some_and(|h| h.train.is_empty() || h.test.is_empty())
    {
        return Err(Failure::usage(format!(
            "--patience: {} training samples are too few to hold out a validation set",
            split.train.len()
        )));
    }
    let (fit_set, watched, watched_name) = match &held_out {
        Some(h) => (&h.train, &h.test, "val"),
        None => (&split.train, &split.test, "test"),
    };

    let regression = kind == ModelKind::Linear;
    let metric = if regression { "mse" } else { "acc" };
    if !common.json {
        let classes = match &split.train.targets {
            Targets::Classes { classes, .. } => format!(", {classes} classes"),
            Targets::Values(_) => String::new(),
        };
        out.line(&format!(
            "{} regression on {}: {} training / {} test samples, {} features{classes}",
            kind_name(kind),
            split.train.name,
            split.train.len(),
            split.test.len(),
            split.train.features.ncols()
        ))?;
        out.line(&format!(
            "{:>5}  {:>10}  {:>9}  {:>10}  {:>9}  {:>8}",
            "epoch",
            "train loss",
            format!("train {metric}"),
            format!("{watched_name} loss"),
            format!("{watched_name} {metric}"),
            "seconds"
        ))?;
    }
    let bar = progress_bar(common.json);
    // The first failed write of the table (a closed pipe, a full disk) is kept and reported
    // once training ends; nothing more is written after it.
    let mut written: Result<(), Failure> = Ok(());
    let reports = sgd
        .fit(&mut model, fit_set, Some(watched), |p| match p {
            Progress::Batch { done, total } => {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            }
            Progress::Epoch(r) => {
                let line = if common.json {
                    epoch_json(r).to_string()
                } else {
                    epoch_row(r)
                };
                if written.is_ok() {
                    written = bar.suspend(|| out.line(&line));
                }
            }
        })
        .map_err(compute)?;
    bar.finish_and_clear();
    // The model is saved before anything else can fail: a failing plot or a closed pipe
    // does not lose a trained model.
    if let Some(path) = &args.save {
        xent::data::save_model(&model, path).map_err(compute)?;
    }
    let best_epoch = args.patience.and_then(|_| {
        reports
            .iter()
            .filter_map(|r| r.test.map(|t| (t.loss, r.epoch)))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, epoch)| epoch)
    });
    let watched = plot::Watched {
        name: if args.patience.is_some() {
            "validation"
        } else {
            "test"
        },
        kept: best_epoch,
    };
    let plotted = match &args.plot {
        Some(path) => plot::training_curves(path, &reports, &watched).map_err(Failure::data),
        None => Ok(()),
    };
    written?;

    let train = score(&model, &split.train).map_err(compute)?;
    let test = score(&model, &split.test).map_err(compute)?;
    let per_epoch = median(reports.iter().map(|r| r.seconds).collect());
    // With --patience: the epoch whose model was kept (the least validation loss).
    if common.json {
        let mut last = Map::new();
        last.insert("final".into(), json!(true));
        if let Some(epoch) = best_epoch {
            last.insert("best_epoch".into(), json!(epoch));
            last.insert("epochs_run".into(), json!(reports.len()));
        }
        let metric = train.metric.name();
        insert_score(&mut last, "train", metric, Some(train));
        insert_score(&mut last, "test", metric, Some(test));
        last.insert("seconds_per_epoch".into(), json_number(per_epoch));
        out.line(&Value::Object(last).to_string())?;
    } else {
        let what = match train.metric {
            Metric::Accuracy(_) => "accuracy",
            Metric::MeanSquaredError(_) => "MSE",
        };
        if let (Some(epoch), Some(patience)) = (best_epoch, args.patience) {
            out.line(&format!(
                "early stopping: {} epochs run; the validation loss has not fallen in the {patience} \
                 epochs since epoch {epoch}, whose model is kept",
                reports.len()
            ))?;
        }
        out.line(&format!(
            "trained: train loss {}, train {what} {}, test loss {}, test {what} {}; \
             {per_epoch:.4} s per epoch (median)",
            fixed4(train.loss),
            fixed4(train.metric.value()),
            fixed4(test.loss),
            fixed4(test.metric.value())
        ))?;
        if regression {
            let w: Vec<String> = model
                .weights
                .column(0)
                .iter()
                .map(|v| format!("{v:.4}"))
                .collect();
            out.line(&format!(
                "weights [{}], bias {:.4}",
                w.join(", "),
                model.bias[0]
            ))?;
        }
    }
    if let Some(path) = &args.save {
        if !common.json {
            out.line(&format!("model saved to {}", path.display()))?;
        }
    }
    plotted?;
    if let Some(path) = &args.plot {
        if !common.json {
            out.line(&format!("plot written to {}", path.display()))?;
        }
    }
    Ok(())
}

/// Below this many training samples a data set is small: batches of 32, not 256.
const SMALL_DATA: usize = 10_000;

/// The fewest optimisation steps the default number of epochs makes: 10 epochs of 256 on a
/// small set are a handful of steps (iris: 10, test accuracy 0.83), where scikit-learn's
/// `LogisticRegression` runs its solver to convergence (iris: 1.0 on the same split).
const MIN_STEPS: usize = 400;

/// The chapter's 256, or 32 on a small data set (digits: 45 steps an epoch instead of 6).
fn default_batch_size(train: usize) -> usize {
    if train < SMALL_DATA {
        32
    } else {
        256
    }
}

/// 10 epochs, or as many as make [`MIN_STEPS`] steps (iris, 120 samples in batches of 32:
/// 100 epochs; digits: 10, which make 450; Fashion-MNIST: 10).
fn default_epochs(train: usize, batch_size: usize) -> usize {
    let per_epoch = train.div_ceil(batch_size.clamp(1, train.max(1)));
    10.max(MIN_STEPS.div_ceil(per_epoch.max(1)))
        .min(crate::limits::MAX_EPOCHS)
}

fn kind_name(kind: ModelKind) -> &'static str {
    match kind {
        ModelKind::Linear => "linear",
        ModelKind::Logistic => "logistic",
        ModelKind::Softmax => "softmax",
    }
}

fn scaling(choice: ScaleChoice, train: &xent::train::Dataset) -> Scaling {
    match choice {
        ScaleChoice::None => Scaling::None,
        ScaleChoice::Standardize => Scaling::standardize(&train.features),
        ScaleChoice::Divide(by) => Scaling::Divide { by },
    }
}

/// Sizes rayon's global pool, which the training loop splits each batch over; must run
/// before anything else uses the pool.
fn configure_threads(threads: usize) -> Result<(), Failure> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()
        .map_err(|e| Failure::data(format!("cannot start {threads} threads: {e}")))
}

fn progress_bar(json: bool) -> ProgressBar {
    if json || !std::io::stdout().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} batches, {elapsed} elapsed, eta {eta}")
            .expect("a valid template"),
    );
    bar
}

/// `{prefix}_loss` and `{prefix}_{metric}` (`accuracy` or `mse`), null for a score not
/// measured.
fn insert_score(m: &mut Map<String, Value>, prefix: &str, metric: &str, score: Option<Score>) {
    let value = |v: Option<f64>| v.map_or(Value::Null, json_number);
    m.insert(format!("{prefix}_loss"), value(score.map(|s| s.loss)));
    m.insert(
        format!("{prefix}_{metric}"),
        value(score.map(|s| s.metric.value())),
    );
}

fn epoch_json(r: &EpochReport) -> Value {
    let mut m = Map::new();
    m.insert("epoch".into(), json!(r.epoch));
    let metric = r.train.metric.name();
    insert_score(&mut m, "train", metric, Some(r.train));
    insert_score(&mut m, "test", metric, r.test);
    m.insert("seconds".into(), json_number(r.seconds));
    Value::Object(m)
}

fn epoch_row(r: &EpochReport) -> String {
    let opt = |v: Option<f64>| v.map_or("-".to_string(), fixed4);
    format!(
        "{:>5}  {:>10}  {:>9}  {:>10}  {:>9}  {:>8.4}",
        r.epoch,
        fixed4(r.train.loss),
        fixed4(r.train.metric.value()),
        opt(r.test.map(|s| s.loss)),
        opt(r.test.map(|s| s.metric.value())),
        r.seconds
    )
}

/// Four decimals for the table's usual range, an exponent outside it (a diverging loss of
/// 10²⁸ is not printed as 29 digits).
fn fixed4(v: f64) -> String {
    if v.is_finite() && v != 0.0 && !(1e-3..1e6).contains(&v.abs()) {
        format!("{v:.3e}")
    } else {
        format!("{v:.4}")
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        0.5 * (xs[n / 2 - 1] + xs[n / 2])
    }
}
