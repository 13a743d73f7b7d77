//! `xent predict`: apply a saved model to a data set.

use crate::args::{Common, PredictArgs};
use crate::data_spec::DataSpec;
use crate::failure::Failure;
use crate::output::json_number;
use crate::sink::Stdout;
use ndarray::Array2;
use serde_json::json;
use xent::train::{ModelKind, Targets};

pub fn run(common: &Common, args: &PredictArgs, out: &mut Stdout) -> Result<(), Failure> {
    if let Some(path) = &args.out {
        xent::data::check_writable(path).map_err(|e| Failure::data(e.to_string()))?;
    }
    let model =
        xent::data::load_model(&args.model).map_err(|e| Failure::in_file(&args.model, e))?;
    let spec = DataSpec::parse(&args.data)?;
    let data = spec.load_for_prediction()?;
    let predictions = model.predict(data.features.view()).map_err(|e| match e {
        xent::Error::ShapeMismatch { .. } => Failure::data(format!(
            "{}: the model takes {} feature{}, but the data ({}) has {}",
            args.model.display(),
            model.inputs(),
            if model.inputs() == 1 { "" } else { "s" },
            args.data,
            data.features.ncols()
        )),
        other => Failure::data(format!("{}: {other}", args.model.display())),
    })?;
    let accuracy = match (&data.targets, model.kind) {
        (Targets::Classes { labels, .. }, ModelKind::Softmax | ModelKind::Logistic) => Some(
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
        (t, ModelKind::Linear) => Some(
            predictions
                .iter()
                .zip(t.values())
                .map(|(p, y)| ((p - y) as f64).powi(2))
                .sum::<f64>()
                / predictions.len() as f64,
        ),
        _ => None,
    };
    let mut text = String::new();
    if let Some(path) = &args.out {
        let column = Array2::from_shape_fn((predictions.len(), 1), |(i, _)| predictions[i] as f64);
        xent::data::write_table(path, column.view()).map_err(|e| Failure::data(e.to_string()))?;
    } else if !common.json {
        for p in &predictions {
            text.push_str(&format!("{p}\n"));
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
            object["predictions"] = json!(predictions);
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
