//! `xent predict`: apply a saved model to a data set.

use crate::args::{Common, PredictArgs};
use crate::data_spec::DataSpec;
use crate::failure::Failure;
use crate::output::json_number;
use crate::sink::Stdout;
use ndarray::Array2;
use serde_json::json;
use xent::activation::RowActivation;
use xent::train::{Model, ModelKind, Targets};

pub fn run(common: &Common, args: &PredictArgs, out: &mut Stdout) -> Result<(), Failure> {
    if let Some(path) = &args.out {
        xent::data::check_writable(path).map_err(|e| Failure::data(e.to_string()))?;
    }
    let model =
        xent::data::load_model(&args.model).map_err(|e| Failure::in_file(&args.model, e))?;
    let spec = DataSpec::parse(&args.data)?;
    let data = spec.load_for_prediction(&args.columns, &model)?;
    if args.with_labels && data.targets.is_none() {
        return Err(Failure::usage(format!(
            "--with-labels: {} has no label column (give it with --label-column)",
            args.data
        )));
    }
    // With --proba or --logits the logits are computed once, and the classes decided from
    // them (before the temperature, which changes no class).
    let logits = scores_logits(args, &model, &data.features)?;
    let predicted = match &logits {
        Some(z) => Ok(model.decide(z.view())),
        None => model.predict(data.features.view()),
    };
    let predictions =
        predicted.map_err(|e| model_failure(args, &model, data.features.ncols(), e))?;
    let accuracy = match (&data.targets, model.kind) {
        (Some(Targets::Classes { labels, .. }), ModelKind::Softmax | ModelKind::Logistic) => Some(
            predictions
                .iter()
                .zip(labels)
                .filter(|(p, &l)| **p as usize == l)
                .count() as f64
                / labels.len() as f64,
        ),
        _ => None,
    };
    let mse = match (&data.targets, model.kind) {
        (Some(t), ModelKind::Linear) => Some(
            predictions
                .iter()
                .zip(t.values())
                .map(|(p, y)| ((p - y) as f64).powi(2))
                .sum::<f64>()
                / predictions.len() as f64,
        ),
        _ => None,
    };
    let scores = logits.map(|z| scores(args, &model, z));
    let labels = data.targets.as_ref().filter(|_| args.with_labels);
    let label_name = model
        .names
        .label
        .clone()
        .or(data.names.label.clone())
        .unwrap_or_else(|| "label".into());
    let classifier = model.kind != ModelKind::Linear;
    // A class as the model names it (its number for unnamed classes), a value as itself.
    let class = |v: f32| {
        if classifier {
            xent::data::csv_field(&model.names.class(v as usize)).into_owned()
        } else {
            v.to_string()
        }
    };
    let label_cell = |i: usize| match labels {
        Some(Targets::Classes { labels, .. }) => class(labels[i] as f32),
        Some(Targets::Values(v)) => v[i].to_string(),
        None => String::new(),
    };
    let mut text = String::new();
    if let Some(path) = args.out.as_ref().filter(|p| is_npy(p)) {
        // NPY holds numbers only: classes as their indices.
        let mut table = match &scores {
            Some((_, table)) => table.clone(),
            None => Array2::from_shape_fn((predictions.len(), 1), |(i, _)| predictions[i] as f64),
        };
        if let Some(t) = labels {
            let column = ndarray::Array1::from(t.values()).mapv(f64::from);
            table.push_column(column.view()).expect("one label per row");
        }
        xent::data::write_table(path, table.view()).map_err(|e| Failure::data(e.to_string()))?;
    } else if args.out.is_some() || !common.json {
        let mut header: Vec<String> = match &scores {
            Some((names, _)) => names
                .iter()
                .map(|n| xent::data::csv_field(n).into_owned())
                .collect(),
            None if labels.is_some() => vec!["prediction".into()],
            None => Vec::new(),
        };
        if labels.is_some() {
            header.push(xent::data::csv_field(&label_name).into_owned());
        }
        if !header.is_empty() {
            text.push_str(&header.join(","));
            text.push('\n');
        }
        for (i, p) in predictions.iter().enumerate() {
            match &scores {
                Some((_, table)) => {
                    let cells: Vec<String> = table
                        .row(i)
                        .iter()
                        .map(|v| xent::Shortest(*v).to_string())
                        .collect();
                    text.push_str(&cells.join(","));
                }
                None => text.push_str(&class(*p)),
            }
            if labels.is_some() {
                text.push(',');
                text.push_str(&label_cell(i));
            }
            text.push('\n');
        }
        if let Some(path) = &args.out {
            xent::data::write_atomically(path, |w| w.write_all(text.as_bytes()))
                .map_err(|e| Failure::data(e.to_string()))?;
            text.clear();
        }
    }
    if common.json {
        let mut object = json!({ "samples": predictions.len() });
        if let Some(a) = accuracy {
            object["accuracy"] = json_number(a);
        }
        if let Some(m) = mse {
            object["mse"] = json_number(m);
        }
        if args.out.is_none() {
            match &scores {
                Some((names, table)) => {
                    let key = if args.proba {
                        "probabilities"
                    } else {
                        "logits"
                    };
                    let rows: Vec<Vec<serde_json::Value>> = table
                        .rows()
                        .into_iter()
                        .map(|r| r.iter().map(|&v| json_number(v)).collect())
                        .collect();
                    object[key] = json!(rows);
                    object["columns"] = json!(names);
                }
                None if classifier && !model.names.classes.is_empty() => {
                    let names: Vec<String> = predictions
                        .iter()
                        .map(|&p| model.names.class(p as usize))
                        .collect();
                    object["predictions"] = json!(names);
                }
                None => object["predictions"] = json!(predictions),
            }
            if let Some(t) = labels {
                object["labels"] = match t {
                    Targets::Classes { labels, .. } if !model.names.classes.is_empty() => {
                        json!(labels
                            .iter()
                            .map(|&l| model.names.class(l))
                            .collect::<Vec<_>>())
                    }
                    _ => json!(t.values()),
                };
            }
        }
        text.push_str(&format!("{object}\n"));
    } else {
        let summary = match (accuracy, mse) {
            (Some(a), _) => format!("accuracy {a:.4} on {} samples", predictions.len()),
            (_, Some(m)) => format!("mse {m:.6} on {} samples", predictions.len()),
            _ => format!("{} predictions", predictions.len()),
        };
        // The summary goes to stderr once the predictions are out, so that it does not mix
        // with them and is not printed when they could not be written.
        out.write(&text)?;
        out.flush()?;
        crate::sink::error_line(&summary);
        return Ok(());
    }
    out.write(&text)
}

fn is_npy(path: &std::path::Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("npy"))
}

/// A table of scores, one row per sample, and the names of its columns.
type Scores = (Vec<String>, Array2<f64>);

/// The logits of every sample when `--proba` or `--logits` asks for scores, else `None`
/// (and then `--temperature` is a usage error).
fn scores_logits(
    args: &PredictArgs,
    model: &Model,
    features: &Array2<f32>,
) -> Result<Option<Array2<f32>>, Failure> {
    if !(args.proba || args.logits) {
        if args.temperature.is_some() {
            return Err(Failure::usage(
                "--temperature changes probabilities and logits, not the predicted classes: \
                 add --proba or --logits",
            ));
        }
        return Ok(None);
    }
    if model.kind == ModelKind::Linear {
        let flag = if args.proba { "--proba" } else { "--logits" };
        return Err(Failure::usage(format!(
            "{flag} is for classifiers; {} is a linear regression model",
            args.model.display()
        )));
    }
    model
        .logits(features.view())
        .map(Some)
        .map_err(|e| model_failure(args, model, features.ncols(), e))
}

/// A model's error on the data: the feature counts when they differ, else the model's file.
fn model_failure(args: &PredictArgs, model: &Model, columns: usize, e: xent::Error) -> Failure {
    match e {
        xent::Error::ShapeMismatch { .. } => Failure::data(format!(
            "{}: the model takes {} feature{}, but the data ({}) has {columns}",
            args.model.display(),
            model.inputs(),
            if model.inputs() == 1 { "" } else { "s" },
            args.data,
        )),
        other => Failure::data(format!("{}: {other}", args.model.display())),
    }
}

/// The probabilities (`--proba`) or logits (`--logits`) from the logits `z`, after the
/// temperature, with their column names.
fn scores(args: &PredictArgs, model: &Model, mut z: Array2<f32>) -> Scores {
    if let Some(t) = args.temperature {
        z.mapv_inplace(|v| (f64::from(v) / t) as f32);
    }
    let (table, prefix) = if args.proba {
        (probabilities(model.kind, z), "class")
    } else {
        (z, "logit")
    };
    // Columns named by class (class_0 or logit_0, … for unnamed classes), so that eval
    // reads labels that name them.
    let names = match (model.kind, args.proba) {
        (ModelKind::Logistic, false) => vec!["logit".to_string()],
        _ if !model.names.classes.is_empty() => model.names.classes.clone(),
        _ => (0..table.ncols())
            .map(|k| format!("{prefix}_{k}"))
            .collect(),
    };
    // Each f32 as its shortest decimal (0.98538494, not the 0.9853849411010742 of its f64
    // widening): the same number to the model's precision, and a file people can read.
    let shortest = |v: f32| v.to_string().parse::<f64>().unwrap_or(f64::from(v));
    (names, table.mapv(shortest))
}

/// Class probabilities from logits: softmax, or [1 − σ(z), σ(z)] for logistic regression (as
/// `Model::probabilities`, after the temperature).
fn probabilities(kind: ModelKind, mut z: Array2<f32>) -> Array2<f32> {
    match kind {
        ModelKind::Logistic => Array2::from_shape_fn((z.nrows(), 2), |(i, k)| {
            let p = xent::activation::sigmoid(z[[i, 0]]);
            if k == 1 {
                p
            } else {
                1.0 - p
            }
        }),
        _ => {
            xent::activation::Softmax::new().apply_rows_in_place(z.view_mut());
            z
        }
    }
}
