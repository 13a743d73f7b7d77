//! `xent estimate entropy`: bias-corrected entropy estimates from counts or samples.

use crate::args::{Common, EstimateKind};
use crate::failure::Failure;
use crate::operand::Operand;
use crate::output::json_number;
use serde_json::{json, Map, Value};
use xent::estimate::{
    chi_squared_independence, entropy_in_base, entropy_with_bootstrap,
    mutual_information_from_counts, Estimate, Estimator, FrequencyEstimator,
};

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
        } => return mutual_information(common, table.as_deref(), samples.as_deref(), method),
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
    let unit = common.base.unit();
    let estimate = |e: Estimator| {
        let result = match bootstrap {
            Some(r) => entropy_with_bootstrap(&counts, e, *r, seed).map(|est| Estimate {
                value: common.base.from_nats(est.value),
                sd: est.sd.map(|sd| common.base.from_nats(sd)),
                ..est
            }),
            None => entropy_in_base(&counts, e, common.base),
        };
        result.map_err(|err| match err {
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
    Ok(match (lambda, sd) {
        (Some(l), _) => format!("H = {value} {unit} ({about}, shrinkage intensity λ = {l})\n"),
        (_, Some(sd)) => format!("H = {value} ± {sd} {unit} ({about}, standard deviation)\n"),
        _ => format!("H = {value} {unit} ({about})\n"),
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

/// `xent estimate mi`: a contingency table, or two label columns counted into one.
fn mutual_information(
    common: &Common,
    table: Option<&str>,
    samples: Option<&std::path::Path>,
    method: &str,
) -> Result<String, Failure> {
    let how = match method {
        "plugin" => FrequencyEstimator::Plugin,
        "shrink" => FrequencyEstimator::Shrink,
        other => {
            return Err(Failure::usage(format!(
                "unknown method {other:?}: use plugin or shrink"
            )))
        }
    };
    let counts = match (table, samples) {
        (Some(t), _) => Operand::load("TABLE", t)?.table.values,
        (None, Some(path)) => contingency(path)?,
        (None, None) => return Err(Failure::usage("give TABLE or --samples FILE")),
    };
    let nats = mutual_information_from_counts(counts.view(), how).map_err(|e| match e {
        xent::Error::ZeroSum { .. } | xent::Error::TableZeroSum { .. } => {
            Failure::data("table: every count is 0")
        }
        other => Failure::data(format!("table: {other}")),
    })?;
    let value = common.base.from_nats(nats);
    let (chi2, dof) = chi_squared_independence(counts.view())
        .map_err(|e| Failure::data(format!("table: {e}")))?;
    Ok(if common.json {
        format!(
            "{}\n",
            json!({ "value": json_number(value), "chi2": json_number(chi2), "dof": dof })
        )
    } else {
        format!(
            "I(X;Y) = {value} {} ({method}); Pearson's chi-squared = {chi2} with {dof} degrees of freedom\n",
            common.base.unit()
        )
    })
}

/// A contingency table from a CSV of two label columns (any text).
fn contingency(path: &std::path::Path) -> Result<ndarray::Array2<f64>, Failure> {
    use std::collections::BTreeMap;
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::data(format!("{}: {e}", path.display())))?;
    let mut pairs = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (a, b) = line.split_once(',').ok_or_else(|| {
            Failure::data(format!(
                "{}:{}: expected two comma-separated labels",
                path.display(),
                i + 1
            ))
        })?;
        pairs.push((a.trim().to_string(), b.trim().to_string()));
    }
    if pairs.is_empty() {
        return Err(Failure::data(format!("{}: no samples", path.display())));
    }
    let index = |values: Vec<&String>| -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for v in values {
            let next = m.len();
            m.entry(v.clone()).or_insert(next);
        }
        m
    };
    let xs = index(pairs.iter().map(|p| &p.0).collect());
    let ys = index(pairs.iter().map(|p| &p.1).collect());
    let mut table = ndarray::Array2::zeros((xs.len(), ys.len()));
    for (a, b) in &pairs {
        table[[xs[a], ys[b]]] += 1.0;
    }
    Ok(table)
}
