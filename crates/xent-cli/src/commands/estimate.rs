//! `xent estimate entropy`: bias-corrected entropy estimates from counts or samples.

use crate::args::{Common, EstimateKind};
use crate::choices::MiMethod;
use crate::failure::Failure;
use crate::operand::Operand;
use crate::output::json_number;
use serde_json::{json, Map, Value};
use xent::estimate::{
    chi_squared_independence, entropy_in_base, entropy_with_bootstrap,
    mutual_information_from_counts, Contingency, Estimate, Estimator, FrequencyEstimator,
};
use xent::Shortest;

pub fn run(common: &Common, what: &EstimateKind) -> Result<String, Failure> {
    let (counts, samples, method, alphabet, bootstrap, seed) = match what {
        EstimateKind::Entropy {
            counts,
            samples,
            method,
            alphabet,
            bootstrap,
            seed,
        } => (counts, samples, method, alphabet, bootstrap, *seed),
        EstimateKind::Mi {
            table,
            samples,
            method,
        } => return mutual_information(common, table.as_deref(), samples.as_deref(), *method),
    };
    let mut counts = match (counts, samples) {
        (Some(text), _) => load_counts(text)?,
        (None, Some(path)) => count_samples(path)?,
        (None, None) => return Err(Failure::usage("give COUNTS or --samples FILE")),
    };
    if let Some(k) = alphabet {
        if *k < counts.len() {
            return Err(Failure::usage(format!(
                "--alphabet {k} is smaller than the {} outcomes counted",
                counts.len()
            )));
        }
        counts.resize(*k, 0.0);
    }
    if let Some(r) = bootstrap {
        // A replicate draws n outcomes (a normal approximation per count beyond 10⁷) and
        // runs the estimators over K counts: bounded so that no choice makes the run endless.
        let n: f64 = counts.iter().filter(|c| c.is_finite()).sum();
        let estimators: Vec<Estimator> = if method == "all" {
            Estimator::ALL.iter().map(|(_, e)| *e).collect()
        } else {
            method.parse().into_iter().collect()
        };
        let k = counts.len() as f64;
        let per_replicate = n.min(1e7)
            + estimators
                .iter()
                .map(|e| bootstrap_cost(*e, k))
                .sum::<f64>();
        if *r as f64 * per_replicate > crate::limits::MAX_BOOTSTRAP_WORK {
            return Err(Failure::usage(format!(
                "--bootstrap {r}: {r} replicates of {} draws and {} counts with {method} is \
                 more than the limit of 10⁹ steps; use fewer replicates",
                Shortest(n.min(1e7)),
                counts.len()
            )));
        }
    }
    let unit = common.base().unit();
    let estimate = |e: Estimator| {
        let result = match bootstrap {
            Some(r) => entropy_with_bootstrap(&counts, e, *r, seed).map(|est| Estimate {
                value: common.base().from_nats(est.value),
                sd: est.sd.map(|sd| common.base().from_nats(sd)),
                ..est
            }),
            None => entropy_in_base(&counts, e, common.base()),
        };
        result.map_err(|err| match err {
            xent::Error::ZeroSum { .. } => Failure::data("counts: every count is 0"),
            xent::Error::SumOverflow { .. } => Failure::data(
                "counts: the counts sum to more than the largest number (1.8e308); divide \
                 them by a common factor",
            ),
            other => Failure::data(format!("counts: {other}")),
        })
    };
    if method == "all" {
        let mut results = Vec::new();
        for (name, e) in Estimator::ALL {
            results.push((name, estimate(e)?));
        }
        if common.json {
            let values: Map<String, Value> = results
                .iter()
                .map(|(name, e)| (name.to_string(), json_number(e.value)))
                .collect();
            return Ok(format!("{}\n", json!({ "values": values })));
        }
        let mut text = format!("{:<14} H [{unit}]\n", "method");
        for (name, e) in results {
            text.push_str(&format!("{name:<14} {}\n", Shortest(e.value)));
        }
        return Ok(text);
    }
    let estimator: Estimator = method
        .parse()
        .map_err(|e: xent::Error| Failure::usage(e.to_string()))?;
    let Estimate {
        value,
        lambda,
        sd,
        alphabet,
    } = estimate(estimator)?;
    if common.json {
        let mut object = json!({ "value": json_number(value) });
        if let Some(l) = lambda {
            object["lambda"] = json_number(l);
        }
        if let Some(sd) = sd {
            object["sd"] = json_number(sd);
        }
        if let Some(k) = alphabet {
            object["alphabet"] = json_number(k);
        }
        return Ok(format!("{object}\n"));
    }
    let about = match (estimator, alphabet) {
        (Estimator::NsbUnknownAlphabet, Some(k)) => format!("{method}, guessed K = {k}"),
        (Estimator::NsbUnknownAlphabet, None) if sd.is_some() => {
            format!("{method}, asymptotic formula for a large alphabet")
        }
        (Estimator::NsbUnknownAlphabet, None) => {
            format!("{method}: no outcome seen twice, so this plug-in value is only a lower bound")
        }
        _ => method.to_string(),
    };
    let value = Shortest(value);
    Ok(match (lambda, sd.map(Shortest)) {
        (Some(l), _) => format!(
            "H = {value} {unit} ({about}, shrinkage intensity λ = {})\n",
            Shortest(l)
        ),
        (_, Some(sd)) => format!("H = {value} ± {sd} {unit} ({about}, standard deviation)\n"),
        _ => format!("H = {value} {unit} ({about})\n"),
    })
}

/// The steps one estimate over `k` counts costs, in units of one pass over a count: the NSB
/// integrals evaluate their integrand at a few hundred points (measured: 0.34 ms for NSB and
/// 4 ms for NSB with an unknown alphabet on 100 counts, against microseconds for the rest).
fn bootstrap_cost(estimator: Estimator, k: f64) -> f64 {
    match estimator {
        Estimator::Nsb => 4e5 + 20.0 * k,
        Estimator::NsbUnknownAlphabet => 4e6 + 20.0 * k,
        _ => k,
    }
}

/// Counts from an operand: one row or one column of numbers.
fn load_counts(text: &str) -> Result<Vec<f64>, Failure> {
    let operand = Operand::load("COUNTS", text)?;
    let v = &operand.table.values;
    if v.nrows() == 1 || v.ncols() == 1 {
        Ok(v.iter().copied().collect())
    } else {
        Err(Failure::data(format!(
            "{}: counts are one row or one column, not a {}×{} table",
            operand.describe(),
            v.nrows(),
            v.ncols()
        )))
    }
}

/// Opens a samples file as lines: each at most the line-length limit, a UTF-8 byte-order
/// mark at the start dropped, `\r\n` accepted. Calls `each(line_number, text)` for every
/// line that is not blank.
fn for_each_sample_line(
    path: &std::path::Path,
    mut each: impl FnMut(usize, &str) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let fail = |e: std::io::Error| Failure::data(format!("{}: {e}", path.display()));
    if path.is_dir() {
        return Err(Failure::data(format!(
            "{}: is a directory, not a file",
            path.display()
        )));
    }
    let file = std::fs::File::open(path).map_err(fail)?;
    let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
    let limit = crate::limits::max_line_bytes();
    let mut line = Vec::new();
    for number in 1.. {
        line.clear();
        let n =
            xent::data::read_line_limited(&mut reader, &mut line, limit, number).map_err(|e| {
                match e {
                    xent::Error::LineTooLong { .. } => Failure::data(format!(
                        "{}:{number}: the line is longer than {limit} bytes (raise \
                     --max-line-bytes if it is meant)",
                        path.display()
                    )),
                    other => Failure::data(format!("{}: {other}", path.display())),
                }
            })?;
        if n == 0 {
            break;
        }
        let mut bytes = line.strip_suffix(b"\n").unwrap_or(&line);
        bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        if number == 1 {
            bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        }
        let text = std::str::from_utf8(bytes).map_err(|e| {
            Failure::data(format!(
                "{}:{number}:{}: bytes that are not UTF-8 text",
                path.display(),
                e.valid_up_to() + 1
            ))
        })?;
        if !text.trim().is_empty() {
            each(number, text)?;
        }
    }
    Ok(())
}

/// Counts of the distinct lines of a text file (blank lines are not samples).
fn count_samples(path: &std::path::Path) -> Result<Vec<f64>, Failure> {
    let mut counts: std::collections::HashMap<String, f64> = std::collections::HashMap::new();
    for_each_sample_line(path, |_, text| {
        match counts.get_mut(text) {
            Some(c) => *c += 1.0,
            None => {
                counts.insert(text.to_string(), 1.0);
            }
        }
        Ok(())
    })?;
    if counts.is_empty() {
        return Err(Failure::data(format!("{}: no samples", path.display())));
    }
    // The estimators do not depend on the order of the counts; sorted, the result does not
    // depend on the hash either.
    let mut values: Vec<f64> = counts.into_values().collect();
    values.sort_by(f64::total_cmp);
    Ok(values)
}

/// `xent estimate mi`: a contingency table, or two label columns counted into one.
fn mutual_information(
    common: &Common,
    table: Option<&str>,
    samples: Option<&std::path::Path>,
    method: MiMethod,
) -> Result<String, Failure> {
    let how = match method {
        MiMethod::Plugin => FrequencyEstimator::Plugin,
        MiMethod::Shrink => FrequencyEstimator::Shrink,
    };
    let table_error = |e: xent::Error| match e {
        xent::Error::ZeroSum { .. } | xent::Error::TableZeroSum { .. } => {
            Failure::data("table: every count is 0")
        }
        other => Failure::data(format!("table: {other}")),
    };
    let (nats, (chi2, dof)) = match (table, samples) {
        (Some(t), _) => {
            let counts = Operand::load("TABLE", t)?.table.values;
            (
                mutual_information_from_counts(counts.view(), how).map_err(table_error)?,
                chi_squared_independence(counts.view()).map_err(table_error)?,
            )
        }
        (None, Some(path)) => {
            let counts = contingency(path)?;
            (
                counts.mutual_information(how).map_err(table_error)?,
                counts.chi_squared().map_err(table_error)?,
            )
        }
        (None, None) => return Err(Failure::usage("give TABLE or --samples FILE")),
    };
    let value = common.base().from_nats(nats);
    Ok(if common.json {
        format!(
            "{}\n",
            json!({ "value": json_number(value), "chi2": json_number(chi2), "dof": dof })
        )
    } else {
        format!(
            "I(X;Y) = {} {} ({}); Pearson's chi-squared = {} with {dof} degrees of freedom\n",
            Shortest(value),
            common.base().unit(),
            method.name(),
            Shortest(chi2)
        )
    })
}

/// A contingency table, by its non-zero cells, from a CSV of two label columns (any text).
fn contingency(path: &std::path::Path) -> Result<Contingency, Failure> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for_each_sample_line(path, |number, text| {
        let fields: Vec<&str> = text.split(',').collect();
        match fields[..] {
            [a, b] => {
                pairs.push((a.trim().to_string(), b.trim().to_string()));
                Ok(())
            }
            _ => Err(Failure::data(format!(
                "{}:{number}: expected two comma-separated labels, found {} field{}",
                path.display(),
                fields.len(),
                if fields.len() == 1 { "" } else { "s" }
            ))),
        }
    })?;
    if pairs.is_empty() {
        return Err(Failure::data(format!("{}: no samples", path.display())));
    }
    Ok(Contingency::from_samples(pairs))
}
