//! `xent calibrate`: temperature scaling fitted on validation logits, read once per Newton
//! step (so the files may be larger than memory), then the log-loss and ECE before and after.

use super::eval::{
    choose_columns, class_indices, ensure_ended, next_matching, share_class_names, CHUNK_VALUES,
};
use crate::args::{CalibrateArgs, Common};
use crate::failure::{Failure, Place};
use crate::output::json_number;
use crate::row_input::{Inline, RowInput};
use ndarray::Array2;
use serde_json::json;
use xent::eval::{fit_temperature, Evaluator, Labels, Options, Predictions, TemperaturePass};

pub fn run(common: &Common, args: &CalibrateArgs) -> Result<String, Failure> {
    if args.logits == "-" || args.labels == "-" {
        return Err(Failure::usage(
            "calibrate reads its inputs once per step of the fit: give files, not - (standard \
             input)",
        ));
    }
    // The fit's closure returns library errors; a reading failure waits here meanwhile.
    let mut failed: Option<Failure> = None;
    let fit = fit_temperature(|beta| {
        let mut pass = TemperaturePass::at_beta(beta);
        let read = each_chunk(args, |z, y, first| {
            pass.push(z.view(), y, first)
                .map_err(|e| Failure::data(e.to_string()))
        });
        match read {
            Ok(()) => pass.finish(),
            Err(f) => {
                failed = Some(f);
                Err(xent::Error::Empty { input: "logits" })
            }
        }
    });
    if let Some(f) = failed {
        return Err(f);
    }
    let fit = fit.map_err(|e| Failure::data(format!("{}: {e}", args.logits)))?;
    // One more pass: the calibration error before and after, binned as `xent eval` bins it.
    let options = Options::new().bins(args.bins);
    let (mut before, mut after) = (
        Evaluator::new(options.clone()).map_err(|e| Failure::usage(e.to_string()))?,
        Evaluator::new(options).map_err(|e| Failure::usage(e.to_string()))?,
    );
    let scale = 1.0 / fit.temperature;
    each_chunk(args, |z, y, _| {
        let compute = |e: xent::Error| Failure::data(e.to_string());
        before
            .push(Predictions::Logits(z.view()), Labels::Classes(y), None)
            .map_err(compute)?;
        let scaled = z.mapv(|v| v * scale);
        after
            .push(Predictions::Logits(scaled.view()), Labels::Classes(y), None)
            .map_err(compute)
    })?;
    let compute = |e: xent::Error| Failure::data(e.to_string());
    let (before, after) = (
        before.finish().map_err(compute)?,
        after.finish().map_err(compute)?,
    );
    let b = |nats: f64| common.base().from_nats(nats);
    if common.json {
        let object = json!({
            "temperature": json_number(fit.temperature),
            "log_loss_before": json_number(b(fit.log_loss_before)),
            "log_loss_after": json_number(b(fit.log_loss_after)),
            "ece_before": json_number(before.ece),
            "ece_after": json_number(after.ece),
            "passes": fit.passes,
            "n_samples": after.n_samples,
        });
        return Ok(format!("{object}\n"));
    }
    let unit = common.base().unit();
    Ok(format!(
        "temperature {:.6} ({} passes over {} samples)\nlog-loss [{unit}] {:.6} → {:.6}\n\
         ECE ({} bins) {:.6} → {:.6}\napply it: xent predict … --proba --temperature {}\n",
        fit.temperature,
        fit.passes,
        after.n_samples,
        b(fit.log_loss_before),
        b(fit.log_loss_after),
        args.bins,
        before.ece,
        after.ece,
        xent::Shortest(fit.temperature),
    ))
}

/// Reads the logits and labels a chunk at a time from the start, calling `f(logits, labels,
/// first row)` on each.
fn each_chunk(
    args: &CalibrateArgs,
    mut f: impl FnMut(&Array2<f64>, &[usize], usize) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let delimiter = crate::limits::delimiter();
    let mut logits = RowInput::open("PRED", &args.logits, delimiter, Inline::Row)?;
    let mut labels = RowInput::open("LABELS", &args.labels, delimiter, Inline::Column)?;
    choose_columns(
        (&mut logits, &args.logits),
        (&mut labels, &args.labels),
        args.pred_columns.as_ref(),
        args.label_column.as_ref(),
    )?;
    let mut max_rows = 1;
    let mut started = false;
    while let Some(z) = logits.next(max_rows)? {
        if !std::mem::replace(&mut started, true) {
            share_class_names(&logits, &mut labels);
        }
        max_rows = (CHUNK_VALUES / z.ncols().max(1)).max(1);
        let first = logits.rows_read() - z.nrows();
        let y = next_matching(&mut labels, &logits, z.nrows())?;
        if y.ncols() != 1 {
            return Err(Failure::data(format!(
                "{}: labels are one column of class indices (or use --label-column), not {} \
                 columns",
                labels.describe(),
                y.ncols()
            )));
        }
        let classes = class_indices(&y, &labels.place(), first)?;
        f(&z, &classes, first).map_err(|e| locate(e, &logits))?;
    }
    ensure_ended(&mut labels, &logits)
}

/// A library error about a row, with the logits file named.
fn locate(failure: Failure, logits: &RowInput) -> Failure {
    Failure::data(format!("{}: {}", logits.describe(), failure.message))
}
