//! Each subcommand: load the operands, call the library, render the result.

mod calibrate;
mod estimate;
pub(crate) mod eval;
mod loss;
mod predict;
mod shell_help;
mod train;

use crate::args::{Cli, Command, Common};
use crate::failure::Failure;
use crate::operand::Operand;
use crate::output;
use crate::sink::Stdout;
use ndarray::{Array2, ArrayView2};
use xent::activation::{LogSoftmax, RowActivation, Softmax};
use xent::measure::Options;
use xent::{Base, InputPolicy};

/// Runs the parsed command line, writing its results to `out`.
pub fn run(cli: &Cli, out: &mut Stdout) -> Result<(), Failure> {
    check_global_flags(cli)?;
    match &cli.command {
        // Training prints its table as it goes; prediction its summary after its output.
        Command::Train(args) => return train::run(&cli.common, args, out),
        Command::Predict(args) => return predict::run(&cli.common, args, out),
        _ => {}
    }
    let text = render(cli)?;
    out.write(&text)
}

/// `--base` and `--normalize` are accepted anywhere on the line (they are global), but a
/// command they do not apply to rejects them (exit 2) instead of printing what it would
/// have printed without them.
fn check_global_flags(cli: &Cli) -> Result<(), Failure> {
    let (name, base, normalize): (&str, Result<(), &str>, bool) = match &cli.command {
        Command::Entropy { .. } => ("entropy", Ok(()), true),
        Command::CrossEntropy { .. } => ("cross-entropy", Ok(()), true),
        Command::Kl { .. } => ("kl", Ok(()), true),
        Command::Js { .. } => ("js", Ok(()), true),
        Command::Perplexity { .. } => (
            "perplexity",
            Err("perplexity is the same number in every base"),
            true,
        ),
        Command::MutualInformation { .. } => ("mutual-information", Ok(()), true),
        Command::Logsumexp { .. } => ("logsumexp", Ok(()), false),
        Command::Estimate { .. } => ("estimate", Ok(()), false),
        Command::Eval(_) => ("eval", Ok(()), true),
        Command::Calibrate(_) => ("calibrate", Ok(()), false),
        Command::Softmax { .. } => (
            "softmax",
            Err("softmax --log gives natural logs (divide by ln b for base b)"),
            false,
        ),
        Command::Loss { .. } => (
            "loss",
            Err("losses and their gradients are in nats, as PyTorch's"),
            false,
        ),
        Command::Train(_) => ("train", Err("its losses are in nats"), false),
        Command::Predict(_) => ("predict", Err("it prints classes or probabilities"), false),
        Command::Bench(_) => ("bench", Err("it measures time"), false),
        Command::Completions { .. } => ("completions", Err("it prints a script"), false),
        Command::Man => ("man", Err("it prints a manual page"), false),
    };
    if let (Some(_), Err(why)) = (cli.common.base, base) {
        return Err(Failure::usage(format!(
            "--base does not apply to `xent {name}`: {why}"
        )));
    }
    if cli.common.normalize && !normalize {
        return Err(Failure::usage(format!(
            "--normalize does not apply to `xent {name}`: it applies to the information \
             measures and eval"
        )));
    }
    Ok(())
}

/// Runs every command but `train`, and returns what to print.
fn render(cli: &Cli) -> Result<String, Failure> {
    let common = &cli.common;
    let options = Options::new()
        .base(common.base())
        .policy(if common.normalize {
            InputPolicy::Normalize
        } else {
            InputPolicy::Strict
        });
    let unit = common.base().unit();
    match &cli.command {
        Command::Entropy { p } => unary(common, p, "H(P)", &unit, |p| options.entropy_rows(p)),
        Command::Perplexity { p } => unary(common, p, "PP(P)", "", |p| options.perplexity_rows(p)),
        Command::CrossEntropy { p, q } => binary(common, p, q, "H(P,Q)", &unit, |p, q| {
            options.cross_entropy_rows(p, q)
        }),
        Command::Kl { p, q } => binary(common, p, q, "D(P‖Q)", &unit, |p, q| {
            options.kl_divergence_rows(p, q)
        }),
        Command::Js { p, q, distance } => {
            if *distance {
                binary(common, p, q, "JSD(P,Q)", "", |p, q| {
                    options.js_distance_rows(p, q)
                })
            } else {
                binary(common, p, q, "JS(P,Q)", &unit, |p, q| {
                    options.js_divergence_rows(p, q)
                })
            }
        }
        Command::Softmax {
            x,
            log,
            temperature,
        } => softmax(common, x, *log, *temperature),
        Command::Logsumexp { x } => {
            let x = Operand::load("X", x)?;
            let values = xent::activation::logsumexp_rows(x.table.values.view());
            let values = values.mapv(|v| common.base().from_nats(v));
            Ok(output::scalars(
                values.as_slice().expect("a fresh array is contiguous"),
                x.is_vector(),
                common.json,
                "logsumexp(X)",
                &unit_if_not_nats(common.base()),
            ))
        }
        Command::Loss { kind } => loss::run(common, kind),
        Command::Train(_) => unreachable!("run() handles train"),
        Command::Estimate { what } => estimate::run(common, what),
        Command::Eval(args) => eval::run(common, args),
        Command::Calibrate(args) => calibrate::run(common, args),
        Command::Bench(args) => crate::bench::run(args),
        Command::Completions { shell } => Ok(shell_help::completions(*shell)),
        Command::Man => shell_help::man_page(),
        Command::Predict(_) => unreachable!("run() handles predict"),
        Command::MutualInformation { joint } => {
            let joint = Operand::load("JOINT", joint)?;
            if joint.is_vector() {
                return Err(Failure::usage(format!(
                    "{}: mutual information needs a 2-D joint table (a CSV file or a 2-D NPY \
                     file), not a vector",
                    joint.describe()
                )));
            }
            let mi = options
                .mutual_information(joint.table.values.view())
                .map_err(|e| Failure::from_compute(e, &[("joint", &joint)]))?;
            Ok(output::scalars(&[mi], true, common.json, "I(X;Y)", &unit))
        }
    }
}

/// logsumexp is a log of a sum: changing the base rescales it like an information quantity.
fn unit_if_not_nats(base: Base) -> String {
    if base == Base::NATS {
        String::new()
    } else {
        format!("(in base {})", base.value())
    }
}

fn unary(
    common: &Common,
    p: &str,
    label: &str,
    unit: &str,
    measure: impl Fn(ArrayView2<'_, f64>) -> Result<ndarray::Array1<f64>, xent::Error>,
) -> Result<String, Failure> {
    let p = Operand::load("P", p)?;
    let values =
        measure(p.table.values.view()).map_err(|e| Failure::from_compute(e, &[("p", &p)]))?;
    Ok(output::scalars(
        values.as_slice().expect("a fresh array is contiguous"),
        p.is_vector(),
        common.json,
        label,
        unit,
    ))
}

fn binary(
    common: &Common,
    p: &str,
    q: &str,
    label: &str,
    unit: &str,
    measure: impl Fn(
        ArrayView2<'_, f64>,
        ArrayView2<'_, f64>,
    ) -> Result<ndarray::Array1<f64>, xent::Error>,
) -> Result<String, Failure> {
    let p = Operand::load("P", p)?;
    let q = Operand::load("Q", q)?;
    let (pv, qv) = broadcast_pair(&p, &q)?;
    let values = measure(pv, qv).map_err(|e| Failure::from_compute(e, &[("p", &p), ("q", &q)]))?;
    Ok(output::scalars(
        values.as_slice().expect("a fresh array is contiguous"),
        p.is_vector() && q.is_vector(),
        common.json,
        label,
        unit,
    ))
}

/// Pairs the rows of P and Q; a single row on one side is used against every row of the other.
fn broadcast_pair<'a>(
    p: &'a Operand,
    q: &'a Operand,
) -> Result<(ArrayView2<'a, f64>, ArrayView2<'a, f64>), Failure> {
    let (pv, qv) = (&p.table.values, &q.table.values);
    if pv.ncols() != qv.ncols() {
        return Err(crate::operand::shape_failure(p, q));
    }
    let rows = pv.nrows().max(qv.nrows());
    let shape = (rows, pv.ncols());
    match (pv.broadcast(shape), qv.broadcast(shape)) {
        (Some(pb), Some(qb)) => Ok((pb, qb)),
        _ => Err(crate::operand::shape_failure(p, q)),
    }
}

fn softmax(common: &Common, x: &str, log: bool, temperature: f64) -> Result<String, Failure> {
    let x = Operand::load("X", x)?;
    let mut values: Array2<f64> = x.table.values.clone();
    let bad_temperature = |e: xent::Error| Failure::usage(e.to_string());
    if log {
        LogSoftmax::new()
            .temperature(temperature)
            .map_err(bad_temperature)?
            .apply_rows_in_place(values.view_mut());
    } else {
        Softmax::new()
            .temperature(temperature)
            .map_err(bad_temperature)?
            .apply_rows_in_place(values.view_mut());
    }
    Ok(output::vectors(values.view(), x.is_vector(), common.json))
}
