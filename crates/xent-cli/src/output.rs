//! Rendering results as text for people or as one JSON object for programs.

use ndarray::ArrayView2;
use serde_json::{json, Value};
use xent::Shortest;

/// JSON has no infinities or NaN: they become the strings "inf", "-inf" and "nan".
pub fn json_number(x: f64) -> Value {
    if x.is_finite() {
        json!(x)
    } else if x.is_nan() {
        json!("nan")
    } else if x > 0.0 {
        json!("inf")
    } else {
        json!("-inf")
    }
}

/// One number per row, or a single number when the input was a vector.
pub fn scalars(values: &[f64], single: bool, json: bool, label: &str, unit: &str) -> String {
    let unit = if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    };
    match (json, single) {
        (true, true) => format!("{}\n", json!({ "value": json_number(values[0]) })),
        (true, false) => {
            let values: Vec<Value> = values.iter().map(|&v| json_number(v)).collect();
            format!("{}\n", json!({ "values": values }))
        }
        (false, true) => format!("{label} = {}{unit}\n", Shortest(values[0])),
        (false, false) => {
            let mut text = format!("row\t{label}{unit}\n");
            for (i, v) in values.iter().enumerate() {
                text.push_str(&format!("{}\t{}\n", i + 1, Shortest(*v)));
            }
            text
        }
    }
}

/// One vector per row (softmax output): CSV text, or JSON arrays.
pub fn vectors(rows: ArrayView2<'_, f64>, single: bool, json: bool) -> String {
    let as_json = |row: ndarray::ArrayView1<'_, f64>| -> Value {
        Value::Array(row.iter().map(|&v| json_number(v)).collect())
    };
    if json {
        if single {
            format!("{}\n", json!({ "value": as_json(rows.row(0)) }))
        } else {
            let values: Vec<Value> = rows.rows().into_iter().map(as_json).collect();
            format!("{}\n", json!({ "values": values }))
        }
    } else {
        xent::data::to_csv(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_finite_numbers_are_strings_in_json() {
        let text = scalars(
            &[f64::INFINITY, f64::NEG_INFINITY, f64::NAN, 0.5],
            false,
            true,
            "",
            "",
        );
        assert_eq!(text, "{\"values\":[\"inf\",\"-inf\",\"nan\",0.5]}\n");
    }

    #[test]
    fn human_rows_are_numbered() {
        let text = scalars(&[1.0, 0.5], false, false, "H(P)", "bits");
        assert_eq!(text, "row\tH(P) bits\n1\t1\n2\t0.5\n");
    }
}
