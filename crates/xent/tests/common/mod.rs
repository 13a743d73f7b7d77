//! Helpers shared by the integration tests: the golden reference values and one notion of
//! "close" (each test binary uses a part of them, hence the `dead_code` allowance).
#![allow(dead_code)]

use ndarray::Array2;
use serde_json::Value;

/// Every case of `tests/data/golden.json` (copied from `shared/golden`, with provenance in
/// its README). Python's json module writes the non-standard tokens Infinity and NaN; they
/// become the strings that [`number`] reads.
pub fn golden() -> Vec<Value> {
    let text = include_str!("../data/golden.json")
        .replace("-Infinity", "\"-inf\"")
        .replace("Infinity", "\"inf\"")
        .replace("NaN", "\"nan\"");
    serde_json::from_str::<Vec<Value>>(&text).expect("golden.json parses")
}

/// The golden case with this id.
pub fn case(id: &str) -> Value {
    golden()
        .into_iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no golden case {id}"))
}

/// A number of a case, the strings `inf`, `-inf` and `nan` included.
pub fn number(v: &Value) -> f64 {
    match v {
        Value::String(s) if s == "inf" => f64::INFINITY,
        Value::String(s) if s == "-inf" => f64::NEG_INFINITY,
        Value::String(s) if s == "nan" => f64::NAN,
        other => other
            .as_f64()
            .unwrap_or_else(|| panic!("not a number: {other}")),
    }
}

/// An array of numbers.
pub fn vector(v: &Value) -> Vec<f64> {
    v.as_array().expect("an array").iter().map(number).collect()
}

/// An array of rows of numbers.
pub fn matrix(v: &Value) -> Array2<f64> {
    let rows: Vec<Vec<f64>> = v.as_array().expect("rows").iter().map(vector).collect();
    let cols = rows[0].len();
    Array2::from_shape_vec((rows.len(), cols), rows.concat()).expect("rectangular")
}

/// One row.
pub fn row(v: &[f64]) -> Array2<f64> {
    Array2::from_shape_vec((1, v.len()), v.to_vec()).expect("1 × n holds n values")
}

/// Precision: what "close" means in these tests (after statrs's `prec`).
pub mod prec {
    /// The tolerance against the reference tools' values: 1e-14 relative.
    pub const GOLDEN: f64 = 1e-14;

    /// |actual − expected| relative to |expected|.
    pub fn rel_err(actual: f64, expected: f64) -> f64 {
        ((actual - expected) / expected).abs()
    }

    /// |actual − expected| ≤ tol·max(|expected|, floor): relative above `floor`, absolute
    /// (tol·floor) below it; equal infinities are close, NaN is close to nothing.
    pub fn within(actual: f64, expected: f64, tol: f64, floor: f64) -> bool {
        actual == expected || (actual - expected).abs() <= tol * expected.abs().max(floor)
    }

    /// Panics, naming `what`, unless `actual` is within [`GOLDEN`] of `expected` (relative,
    /// absolute below 1e-300); infinities must match exactly.
    pub fn assert_close(actual: f64, expected: f64, what: &str) {
        assert!(
            within(actual, expected, GOLDEN, 1e-300) || (actual - expected).abs() <= 1e-300,
            "{what}: got {actual:e}, expected {expected:e} (relative error {:e})",
            rel_err(actual, expected)
        );
    }

    /// [`assert_close`] element by element.
    pub fn assert_all_close(actual: &[f64], expected: &[f64], what: &str) {
        assert_eq!(actual.len(), expected.len(), "{what}: length");
        for (i, (&a, &e)) in actual.iter().zip(expected).enumerate() {
            assert_close(a, e, &format!("{what}[{i}]"));
        }
    }
}
