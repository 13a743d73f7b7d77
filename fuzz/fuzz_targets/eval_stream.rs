//! Any bytes as a prediction file and a label file (split at the first 0 byte), streamed in
//! chunks through `TableReader` into `Evaluator`: errors or a report, never a panic. Where
//! the whole-file parse succeeds, the streamed rows must be the same rows.
#![no_main]
use libfuzzer_sys::fuzz_target;
use xent::data::TableReader;
use xent::eval::{Evaluator, Labels, Options, Predictions};

fn rows(bytes: &[u8], step: usize) -> Result<Vec<ndarray::Array2<f64>>, xent::Error> {
    let mut reader = TableReader::from_csv(std::io::Cursor::new(bytes.to_vec()), None);
    let mut out = Vec::new();
    while let Some(chunk) = reader.next_rows(step)? {
        assert_eq!(chunk.lines.as_ref().map(Vec::len), Some(chunk.values.nrows()));
        out.push(chunk.values);
    }
    Ok(out)
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let cut = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
    let (pred_bytes, label_bytes) = (&rest[..cut], rest.get(cut + 1..).unwrap_or(&[]));
    let step = 1 + (mode as usize >> 2) % 7;
    let streamed = rows(pred_bytes, step);
    if let (Ok(parts), Ok(whole)) = (&streamed, xent::data::parse_csv(pred_bytes)) {
        let flat: Vec<u64> = parts.iter().flat_map(|p| p.iter().map(|v| v.to_bits())).collect();
        let expected: Vec<u64> = whole.values.iter().map(|v| v.to_bits()).collect();
        assert_eq!(flat, expected);
    }
    let (Ok(pred), Ok(labels)) = (streamed, rows(label_bytes, step)) else {
        return;
    };
    let options = Options::new()
        .bins(1 + (mode as usize >> 5))
        .top_k(1 + (mode as usize & 3))
        .normalize(mode & 16 != 0);
    let mut evaluator = Evaluator::new(options).expect("bins and k are ≥ 1");
    for (x, y) in pred.iter().zip(&labels) {
        if x.nrows() != y.nrows() {
            return;
        }
        let predictions = match mode & 3 {
            0 => Predictions::Logits(x.view()),
            1 => Predictions::LogProbabilities(x.view()),
            _ => Predictions::Probabilities(x.view()),
        };
        let classes: Vec<usize>;
        let result = if y.ncols() == 1 && y.iter().all(|v| *v >= 0.0 && v.fract() == 0.0) {
            classes = y.iter().map(|&v| v.min(1e9) as usize).collect();
            evaluator.push(predictions, Labels::Classes(&classes), None)
        } else {
            evaluator.push(predictions, Labels::Distributions(y.view()), None)
        };
        if result.is_err() {
            return;
        }
    }
    if let Ok(report) = evaluator.finish() {
        assert!(report.n_samples > 0);
        assert_eq!(report.per_class.len(), report.n_classes);
    }
});
