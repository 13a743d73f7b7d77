//! Any text as a model file: an error, or a model that passed every check of
//! `Model::from_json` (kind against outputs, finite weights, a usable scaling), whose
//! predictions on a row of its width exist, and which writes back to the same model.
#![no_main]
use libfuzzer_sys::fuzz_target;
use xent::train::{Model, ModelKind, Scaling};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(model) = Model::from_json(text) else {
        return;
    };
    assert!(model.inputs() >= 1);
    match model.kind {
        ModelKind::Softmax => assert!(model.outputs() >= 2),
        ModelKind::Logistic | ModelKind::Linear => assert_eq!(model.outputs(), 1),
    }
    assert!(model.weights.iter().chain(model.bias.iter()).all(|w| w.is_finite()));
    if let Scaling::Standardize { std, .. } = &model.scaling {
        assert!(std.iter().all(|s| *s > 0.0 && s.is_finite()));
    }
    // Small models only: a fuzzer's model of 10^6 inputs would only cost time.
    if model.inputs() * model.outputs() <= 1 << 16 {
        let row = ndarray::Array2::<f32>::ones((1, model.inputs()));
        let predictions = model.predict(row.view()).expect("a row of the model's width");
        assert_eq!(predictions.len(), 1);
        assert_eq!(Model::from_json(&model.to_json()).expect("its own JSON"), model);
    }
});
