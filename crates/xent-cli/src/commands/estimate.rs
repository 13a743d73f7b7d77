//! `xent estimate entropy`: bias-corrected entropy estimates from counts or samples.

use crate::args::{Common, EstimateKind};
use crate::failure::Failure;
use crate::operand::Operand;
use crate::output::json_number;
use serde_json::{json, Map, Value};
use xent::estimate::{entropy_in_base, Estimate, Estimator};

pub fn run(common: &Common, what: &EstimateKind) -> Result<String, Failure> {
    let EstimateKind::Entropy {
        counts,
        samples,
        method,
        alphabet,
    } = what;
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
    let unit = common.base.unit();
    let estimate = |e: Estimator| {
        entropy_in_base(&counts, e, common.base).map_err(|err| match err {
            xent::Error::ZeroSum { .. } => Failure::data("counts: every count is 0"),
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
            text.push_str(&format!("{name:<14} {}\n", e.value));
        }
        return Ok(text);
    }
    let estimator: Estimator = method.parse().map_err(Failure::usage)?;
    let Estimate { value, lambda, sd } = estimate(estimator)?;
    if common.json {
        let mut object = json!({ "value": json_number(value) });
        if let Some(l) = lambda {
            object["lambda"] = json_number(l);
        }
        if let Some(sd) = sd {
            object["sd"] = json_number(sd);
        }
        return Ok(format!("{object}\n"));
    }
    Ok(match (lambda, sd) {
        (Some(l), _) => format!("H = {value} {unit} ({method}, shrinkage intensity λ = {l})\n"),
        (_, Some(sd)) => format!("H = {value} ± {sd} {unit} ({method}, posterior s.d.)\n"),
        _ => format!("H = {value} {unit} ({method})\n"),
    })
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

/// Counts of the distinct lines of a text file.
fn count_samples(path: &std::path::Path) -> Result<Vec<f64>, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::data(format!("{}: {e}", path.display())))?;
    let mut counts: std::collections::BTreeMap<&str, f64> = std::collections::BTreeMap::new();
    for line in text.lines() {
        *counts
            .entry(line.strip_suffix('\r').unwrap_or(line))
            .or_insert(0.0) += 1.0;
    }
    if counts.is_empty() {
        return Err(Failure::data(format!("{}: no samples", path.display())));
    }
    Ok(counts.into_values().collect())
}
