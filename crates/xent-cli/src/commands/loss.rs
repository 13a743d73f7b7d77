//! `xent loss KIND`: a loss, and optionally its gradient, from files.

use crate::args::{Common, LossCommon, LossKind};
use crate::choices::ReductionChoice;
use crate::failure::{Failure, Place};
use crate::operand::Operand;
use crate::output::json_number;
use ndarray::{Array2, ArrayView2};
use serde_json::{json, Value};
use xent::loss::{
    BceWithLogits, BinaryCrossEntropy, CategoricalCrossEntropy, CrossEntropy, Focal, KlDiv,
    KlReduction, LossValue, Mse, Nll, Target,
};
use xent::Reduction;

type Computed = (LossValue<f64>, Option<Array2<f64>>);

/// Runs one loss command and renders its result.
pub fn run(common: &Common, kind: &LossKind) -> Result<String, Failure> {
    let grad = match kind {
        LossKind::Mse { common, .. }
        | LossKind::Bce { common, .. }
        | LossKind::CrossEntropy { common, .. }
        | LossKind::CategoricalCrossEntropy { common, .. }
        | LossKind::Nll { common, .. }
        | LossKind::KlDiv { common, .. }
        | LossKind::Focal { common, .. } => &common.grad,
    };
    if let Some(path) = grad {
        xent::data::check_writable(path).map_err(|e| Failure::data(e.to_string()))?;
    }
    let (computed, args) = match kind {
        LossKind::Mse {
            input,
            common: args,
        } => {
            let loss = Mse::new().reduction(reduction(args, Reduction::Mean)?);
            let pair = Pair::load(input, "input", args)?;
            let value = pair.elementwise(args, |x, t, grad| {
                run_loss(grad, || loss.forward(x, t), || loss.forward_backward(x, t))
            })?;
            (value, args)
        }
        LossKind::Bce {
            input,
            logits,
            pos_weight,
            weight_file,
            common: args,
        } => {
            let pair = Pair::load(input, "input", args)?;
            let red = reduction(args, Reduction::Mean)?;
            let weight = weight_file
                .as_deref()
                .map(|w| Operand::load("WEIGHT", w))
                .transpose()?;
            let weight_view = weight.as_ref().map(|w| w.table.values.view());
            let value = if *logits {
                let mut loss = BceWithLogits::new().reduction(red);
                if let Some(w) = weight_view {
                    loss = loss.weight(w);
                }
                if let Some(pw) = pos_weight {
                    loss = loss.pos_weight(&inline_list("--pos-weight", pw)?);
                }
                pair.elementwise_weighted(args, weight.as_ref(), |x, t, grad| {
                    run_loss(grad, || loss.forward(x, t), || loss.forward_backward(x, t))
                })?
            } else {
                if pos_weight.is_some() {
                    return Err(Failure::usage(
                        "--pos-weight applies to logits: add --from-logits",
                    ));
                }
                let mut loss = BinaryCrossEntropy::new().reduction(red);
                if let Some(w) = weight_view {
                    loss = loss.weight(w);
                }
                pair.elementwise_weighted(args, weight.as_ref(), |x, t, grad| {
                    run_loss(grad, || loss.forward(x, t), || loss.forward_backward(x, t))
                })?
            };
            (value, args)
        }
        LossKind::CrossEntropy {
            logits,
            weight,
            ignore_index,
            label_smoothing,
            z_loss,
            softcap,
            common: args,
        } => {
            let mut loss = CrossEntropy::new()
                .reduction(reduction(args, Reduction::Mean)?)
                .ignore_index(*ignore_index)
                .label_smoothing(*label_smoothing)
                .z_loss(*z_loss);
            if let Some(w) = weight {
                loss = loss.weight(&inline_list("--class-weight", w)?);
            }
            if let Some(c) = softcap {
                loss = loss.softcap(*c);
            }
            let pair = Pair::load(logits, "logits", args)?;
            let value = pair.classwise(args, |x, t, grad| {
                run_loss(grad, || loss.forward(x, t), || loss.forward_backward(x, t))
            })?;
            (value, args)
        }
        LossKind::CategoricalCrossEntropy {
            input,
            clip,
            common: args,
        } => {
            let mut loss =
                CategoricalCrossEntropy::new().reduction(reduction(args, Reduction::Mean)?);
            if let Some(eps) = clip {
                loss = loss.clip(*eps);
            }
            let pair = Pair::load(input, "q", args)?;
            let value = pair.classwise(args, |x, t, grad| {
                run_loss(grad, || loss.forward(x, t), || loss.forward_backward(x, t))
            })?;
            (value, args)
        }
        LossKind::Nll {
            input,
            weight,
            ignore_index,
            common: args,
        } => {
            let mut loss = Nll::new()
                .reduction(reduction(args, Reduction::Mean)?)
                .ignore_index(*ignore_index);
            if let Some(w) = weight {
                loss = loss.weight(&inline_list("--class-weight", w)?);
            }
            let pair = Pair::load(input, "log_p", args)?;
            let value = pair.classwise(args, |x, t, grad| {
                let Target::Classes(classes) = t else {
                    return Err(xent::Error::InvalidParameter {
                        name: "target",
                        value: f64::NAN,
                        expected: "nll takes class indices (one per row)",
                    });
                };
                run_loss(
                    grad,
                    || loss.forward(x, classes),
                    || loss.forward_backward(x, classes),
                )
            })?;
            (value, args)
        }
        LossKind::KlDiv {
            input,
            log_target,
            common: args,
        } => {
            let red = args
                .reduction
                .map_or(KlReduction::Mean, ReductionChoice::kl);
            let loss = KlDiv::new().log_target(*log_target).reduction(red);
            let pair = Pair::load(input, "input", args)?;
            let value = pair.elementwise(args, |x, t, grad| {
                run_loss(grad, || loss.forward(x, t), || loss.forward_backward(x, t))
            })?;
            (value, args)
        }
        LossKind::Focal {
            input,
            alpha,
            gamma,
            common: args,
        } => {
            let loss = Focal::new()
                .alpha(*alpha)
                .gamma(*gamma)
                .reduction(reduction(args, Reduction::None)?);
            let pair = Pair::load(input, "input", args)?;
            let value = pair.elementwise(args, |x, t, grad| {
                run_loss(grad, || loss.forward(x, t), || loss.forward_backward(x, t))
            })?;
            (value, args)
        }
    };
    render(common.json, computed, args)
}

/// An input and its target, loaded.
struct Pair {
    input: Operand,
    input_name: &'static str,
    target: Operand,
}

impl Pair {
    fn load(input: &str, input_name: &'static str, args: &LossCommon) -> Result<Pair, Failure> {
        Ok(Pair {
            input: Operand::load("PRED", input)?,
            input_name,
            target: Operand::load("LABELS", &args.target)?,
        })
    }

    fn fail(&self, e: xent::Error, extra: Option<&Operand>) -> Failure {
        // Weights given as options are blamed by their option's name, not the data's.
        if let xent::Error::ValueOutOfRange {
            input,
            col,
            value,
            expected,
            ..
        } = &e
        {
            let option = match *input {
                "weight" if extra.is_none() => Some("--class-weight"),
                "pos_weight" => Some("--pos-weight"),
                _ => None,
            };
            if let Some(option) = option {
                return Failure::data(format!(
                    "{option}, value {}: {} is out of range: {expected}",
                    col + 1,
                    xent::Shortest(*value)
                ));
            }
        }
        if let xent::Error::ShapeMismatch {
            input,
            expected,
            found,
            ..
        } = &e
        {
            let option = match *input {
                "weight" if extra.is_none() => Some(("--class-weight", "classes")),
                "pos_weight" => Some(("--pos-weight", "columns")),
                _ => None,
            };
            if let Some((option, what)) = option {
                return Failure::data(format!(
                    "{option} has {} value{}, but {} has {} {what}",
                    found.iter().product::<usize>(),
                    if found.iter().product::<usize>() == 1 {
                        ""
                    } else {
                        "s"
                    },
                    self.input.describe(),
                    expected.iter().product::<usize>()
                ));
            }
        }
        let mut operands: Vec<(&str, &dyn Place)> =
            vec![(self.input_name, &self.input), ("target", &self.target)];
        if let Some(w) = extra {
            operands.push(("weight", w));
        }
        Failure::from_compute(e, &operands)
    }

    fn elementwise(
        &self,
        args: &LossCommon,
        f: impl Fn(ArrayView2<'_, f64>, ArrayView2<'_, f64>, bool) -> Result<Computed, xent::Error>,
    ) -> Result<Computed, Failure> {
        self.elementwise_weighted(args, None, f)
    }

    fn elementwise_weighted(
        &self,
        args: &LossCommon,
        weight: Option<&Operand>,
        f: impl Fn(ArrayView2<'_, f64>, ArrayView2<'_, f64>, bool) -> Result<Computed, xent::Error>,
    ) -> Result<Computed, Failure> {
        let (x, t) = (
            self.input.table.values.view(),
            self.target.table.values.view(),
        );
        f(x, t, args.grad.is_some()).map_err(|e| self.fail(e, weight))
    }

    /// A class loss: the target is probability rows when it has the input's shape (and more
    /// than one class), else class indices when it is a vector or a single column.
    fn classwise(
        &self,
        args: &LossCommon,
        f: impl Fn(ArrayView2<'_, f64>, Target<'_, f64>, bool) -> Result<Computed, xent::Error>,
    ) -> Result<Computed, Failure> {
        let x = self.input.table.values.view();
        let t = &self.target.table.values;
        let same_shape = t.dim() == x.dim() && x.ncols() > 1;
        let as_classes = !same_shape && (self.target.is_vector() || t.ncols() == 1);
        let result = if as_classes {
            let classes = self.class_indices()?;
            f(x, Target::from(&classes), args.grad.is_some())
        } else {
            f(x, Target::Probabilities(t.view()), args.grad.is_some())
        };
        result.map_err(|e| self.fail(e, None))
    }

    fn class_indices(&self) -> Result<Vec<i64>, Failure> {
        let t = &self.target;
        t.table
            .values
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                if v.is_finite() && v.fract() == 0.0 && v.abs() < 9.0e15 {
                    Ok(v as i64)
                } else {
                    let place = if t.is_vector() {
                        t.locate(0, Some(i))
                    } else {
                        t.locate(i, None)
                    };
                    Err(Failure::data(format!(
                        "{place}: {v} is not a class index (an integer)"
                    )))
                }
            })
            .collect()
    }
}

/// The loss alone, or the loss and its gradient when a gradient file was asked for.
fn run_loss(
    grad: bool,
    forward: impl FnOnce() -> Result<LossValue<f64>, xent::Error>,
    both: impl FnOnce() -> Result<(LossValue<f64>, Array2<f64>), xent::Error>,
) -> Result<Computed, xent::Error> {
    if grad {
        both().map(|(v, g)| (v, Some(g)))
    } else {
        forward().map(|v| (v, None))
    }
}

fn reduction(args: &LossCommon, default: Reduction) -> Result<Reduction, Failure> {
    args.reduction
        .map_or(Ok(default), ReductionChoice::reduction)
        .map_err(Failure::usage)
}

/// A comma-separated list of numbers given as an option's value.
fn inline_list(option: &str, text: &str) -> Result<Vec<f64>, Failure> {
    xent::data::parse_inline(text)
        .map(|t| t.values.iter().copied().collect())
        .map_err(|e| Failure::usage(format!("{option}: {e}")))
}

fn render(json: bool, (value, grad): Computed, args: &LossCommon) -> Result<String, Failure> {
    let mut text = match (&value, json) {
        (LossValue::Scalar(v), true) => format!("{}\n", json!({ "loss": json_number(*v) })),
        (LossValue::Scalar(v), false) => format!("loss = {}\n", xent::Shortest(*v)),
        (LossValue::PerSample(a), true) => {
            let values: Vec<Value> = a.iter().map(|&v| json_number(v)).collect();
            format!("{}\n", json!({ "loss": values }))
        }
        (LossValue::PerSample(a), false) => {
            let mut text = String::from("row\tloss\n");
            for (i, v) in a.iter().enumerate() {
                text.push_str(&format!("{}\t{}\n", i + 1, xent::Shortest(*v)));
            }
            text
        }
        (LossValue::PerElement(a), true) => {
            let rows: Vec<Value> = a
                .rows()
                .into_iter()
                .map(|r| Value::Array(r.iter().map(|&v| json_number(v)).collect()))
                .collect();
            format!("{}\n", json!({ "loss": rows }))
        }
        (LossValue::PerElement(a), false) => xent::data::to_csv(a.view()),
    };
    if let (Some(path), Some(grad)) = (&args.grad, grad) {
        xent::data::write_table(path, grad.view()).map_err(|e| Failure::data(e.to_string()))?;
        if !json {
            text.push_str(&format!("gradient written to {}\n", path.display()));
        }
    }
    Ok(text)
}
