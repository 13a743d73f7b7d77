//! Training end to end on small real and synthetic data: accuracy reached, loss decreasing,
//! determinism, the whole model's gradient against finite differences, divergence detection
//! and the readers' behaviour on malformed files.

use ndarray::{array, Array2};
use std::io::Write;
use xent::train::{Dataset, Model, ModelKind, Progress, Scaling, Sgd, Split, Targets};
use xent::Error;

fn standardized_digits(seed: u64) -> Split {
    let mut split = xent::data::datasets::digits().unwrap().split(0.2, seed);
    let scaling = Scaling::standardize(&split.train.features);
    scaling.apply(&mut split.train.features).unwrap();
    scaling.apply(&mut split.test.features).unwrap();
    split
}

#[test]
fn softmax_regression_learns_the_digits() {
    let split = standardized_digits(0);
    let mut model = Model::for_dataset(ModelKind::Softmax, &split.train, 0).unwrap();
    let reports = Sgd::new()
        .batch_size(32)
        .fit(&mut model, &split.train, Some(&split.test), |_| {})
        .unwrap();
    assert_eq!(reports.len(), 10);
    let first = &reports[0];
    let last = reports.last().unwrap();
    assert!(last.test.unwrap().metric.value() >= 0.95, "{last:?}");
    assert!(
        last.train.loss < 0.5 * first.train.loss,
        "{first:?} → {last:?}"
    );
    // The loss falls epoch after epoch on this easy problem.
    for w in reports.windows(2) {
        assert!(w[1].train.loss < w[0].train.loss, "{:?}", w);
    }
}

#[test]
fn the_same_seed_gives_bit_identical_models() {
    let split = standardized_digits(3);
    let train = |seed| {
        let mut m = Model::for_dataset(ModelKind::Softmax, &split.train, seed).unwrap();
        Sgd::new()
            .epochs(3)
            .momentum(0.9)
            .weight_decay(1e-4)
            .seed(seed)
            .fit(&mut m, &split.train, None, |_| {})
            .unwrap();
        m
    };
    assert_eq!(train(5), train(5));
    assert_ne!(train(5), train(6));
}

#[test]
fn linear_regression_recovers_the_chapter_parameters() {
    let data = Dataset::synthetic_linear(1000, 0);
    let mut model = Model::for_dataset(ModelKind::Linear, &data, 0).unwrap();
    let reports = Sgd::new()
        .learning_rate(0.03)
        .batch_size(10)
        .epochs(3)
        .fit(&mut model, &data, None, |_| {})
        .unwrap();
    assert!((model.weights[[0, 0]] - 2.0).abs() < 0.01);
    assert!((model.weights[[1, 0]] + 3.4).abs() < 0.01);
    assert!((model.bias[0] - 4.2).abs() < 0.01);
    assert!(reports[2].train.loss < 1e-3, "{:?}", reports[2]);
    // Regression reports its mean squared error (which is also its loss), about the noise's
    // variance 1e-4.
    let xent::train::Metric::MeanSquaredError(mse) = reports[2].train.metric else {
        panic!("{:?}", reports[2]);
    };
    assert!(mse == reports[2].train.loss && mse < 2e-4, "{mse}");
    assert!(reports[2].test.is_none());
}

#[test]
fn logistic_regression_separates_two_digits() {
    let digits = xent::data::datasets::digits().unwrap();
    let Targets::Classes { labels, .. } = &digits.targets else {
        unreachable!()
    };
    let rows: Vec<usize> = (0..digits.len())
        .filter(|&i| labels[i] == 0 || labels[i] == 1)
        .collect();
    let mut two = digits.select(&rows);
    two.targets = Targets::Classes {
        labels: rows.iter().map(|&i| labels[i]).collect(),
        classes: 2,
    };
    let mut split = two.split(0.25, 1);
    let scaling = Scaling::Divide { by: 16.0 };
    scaling.apply(&mut split.train.features).unwrap();
    scaling.apply(&mut split.test.features).unwrap();
    let mut model = Model::for_dataset(ModelKind::Logistic, &split.train, 0).unwrap();
    let reports = Sgd::new()
        .batch_size(16)
        .fit(&mut model, &split.train, Some(&split.test), |_| {})
        .unwrap();
    assert!(reports.last().unwrap().test.unwrap().metric.value() > 0.98);
    let p = model.probabilities(split.test.features.view()).unwrap();
    for row in p.rows() {
        assert!((row.sum() - 1.0).abs() < 1e-6);
    }
    // Ten classes cannot be learnt by a logistic model.
    let err = Model::for_dataset(ModelKind::Logistic, &digits, 0).unwrap_err();
    assert!(matches!(err, Error::Unsuitable { .. }), "{err}");
}

/// The whole model's gradient: one SGD step with η = h·(learning rate 1) moves the loss by
/// −η‖∇‖²; instead, check ∂L/∂W and ∂L/∂b directly by central differences on the mean loss.
#[test]
fn whole_model_gradient_matches_finite_differences() {
    let x = Array2::from_shape_fn((7, 4), |(i, j)| ((i * 5 + j * 3) % 7) as f32 / 7.0 - 0.4);
    let labels = vec![0, 2, 1, 2, 0, 1, 1];
    let data = Dataset::new("tiny", x, Targets::Classes { labels, classes: 3 }).unwrap();
    let mut model = Model::new(ModelKind::Softmax, 4, 3, 9);
    model.weights.mapv_inplace(|w| w * 50.0);
    let loss = |m: &Model| xent::train::score(m, &data).unwrap().loss;
    // One full-batch step with learning rate η changes θ by −η∇; recover ∇ from it.
    let eta = 1.0f32;
    let mut stepped = model.clone();
    Sgd::new()
        .learning_rate(eta)
        .batch_size(7)
        .epochs(1)
        .fit(&mut stepped, &data, None, |_| {})
        .unwrap();
    for ((i, j), &w) in model.weights.indexed_iter() {
        let analytic = (w - stepped.weights[[i, j]]) as f64 / eta as f64;
        let h = 1e-2f32;
        let (mut up, mut down) = (model.clone(), model.clone());
        up.weights[[i, j]] += h;
        down.weights[[i, j]] -= h;
        let numeric = (loss(&up) - loss(&down)) / (2.0 * h as f64);
        assert!(
            (numeric - analytic).abs() < 1e-3,
            "dL/dW[{i},{j}]: {numeric} vs {analytic}"
        );
    }
    for (k, &b) in model.bias.iter().enumerate() {
        let analytic = (b - stepped.bias[k]) as f64 / eta as f64;
        let h = 1e-2f32;
        let (mut up, mut down) = (model.clone(), model.clone());
        up.bias[k] += h;
        down.bias[k] -= h;
        let numeric = (loss(&up) - loss(&down)) / (2.0 * h as f64);
        assert!(
            (numeric - analytic).abs() < 1e-3,
            "dL/db[{k}]: {numeric} vs {analytic}"
        );
    }
}

#[test]
fn divergence_stops_training_and_names_the_batch() {
    let data = Dataset::synthetic_linear(200, 0);
    let mut model = Model::for_dataset(ModelKind::Linear, &data, 0).unwrap();
    let mut epochs_seen = 0;
    let err = Sgd::new()
        .learning_rate(1e6)
        .batch_size(10)
        .fit(&mut model, &data, None, |p| {
            if let Progress::Epoch(_) = p {
                epochs_seen += 1;
            }
        })
        .unwrap_err();
    match err {
        Error::Diverged { epoch, batch, loss } => {
            assert_eq!(epoch, 1);
            assert!((2..=20).contains(&batch), "batch {batch}");
            assert!(!loss.is_finite());
        }
        other => panic!("{other}"),
    }
    assert_eq!(epochs_seen, 0);
}

#[test]
fn bad_settings_are_typed_errors() {
    let data = Dataset::synthetic_linear(20, 0);
    let mut model = Model::for_dataset(ModelKind::Linear, &data, 0).unwrap();
    for sgd in [
        Sgd::new().learning_rate(0.0),
        Sgd::new().batch_size(0),
        Sgd::new().momentum(1.0),
    ] {
        assert!(matches!(
            sgd.fit(&mut model, &data, None, |_| {}),
            Err(Error::InvalidParameter { .. })
        ));
    }
    let mut wrong = Model::new(ModelKind::Linear, 3, 1, 0);
    assert!(matches!(
        Sgd::new().fit(&mut wrong, &data, None, |_| {}),
        Err(Error::ShapeMismatch { .. })
    ));
    assert!(matches!(
        Model::for_dataset(ModelKind::Softmax, &data, 0),
        Err(Error::Unsuitable { .. })
    ));
}

#[test]
fn models_round_trip_through_json_and_predict_the_same() {
    let split = standardized_digits(0);
    let mut model = Model::for_dataset(ModelKind::Softmax, &split.train, 0).unwrap();
    model.scaling = Scaling::Divide { by: 2.0 };
    Sgd::new()
        .epochs(1)
        .fit(&mut model, &split.train, None, |_| {})
        .unwrap();
    let back = Model::from_json(&model.to_json()).unwrap();
    assert_eq!(back, model);
    assert_eq!(
        back.predict(split.test.features.view()).unwrap(),
        model.predict(split.test.features.view()).unwrap()
    );
    assert!(matches!(Model::from_json("{}"), Err(Error::Format { .. })));
    let mut truncated = model.to_json();
    truncated.truncate(truncated.len() / 2);
    assert!(matches!(
        Model::from_json(&truncated),
        Err(Error::Format { .. })
    ));
    let lying = model.to_json().replace("\"inputs\":64", "\"inputs\":65");
    assert!(matches!(
        Model::from_json(&lying),
        Err(Error::Format { .. })
    ));
}

fn temp(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("xent-training-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
    path
}

#[test]
fn readers_reject_malformed_files_without_panicking() {
    // CSV with a label column.
    let ok = temp("ok.csv", b"0.5,1.5,0\n1.0,2.0,1\n0.1,0.2,1\n");
    let at = |c: isize| xent::data::Columns {
        label: xent::data::LabelColumn::At(xent::data::ColumnRef::Index(c)),
        ..Default::default()
    };
    let d = xent::data::datasets::from_csv(&ok, &Default::default(), None).unwrap();
    assert_eq!(d.features.dim(), (3, 2));
    assert!(matches!(d.targets, Targets::Classes { classes: 2, .. }));
    assert!(xent::data::datasets::from_csv(&ok, &at(5), None).is_err());
    let first = xent::data::datasets::from_csv(&ok, &at(0), None).unwrap();
    assert!(matches!(first.targets, Targets::Values(_)));
    let ragged = temp("ragged.csv", b"1,2,0\n1,2\n");
    assert!(matches!(
        xent::data::datasets::from_csv(&ragged, &Default::default(), None),
        Err(Error::Ragged { line: 2, .. })
    ));
    // NPY: wrong magic, truncated data, a header claiming 10^12 elements.
    let bad_magic = temp("magic.npy", b"NOTNUMPY........");
    assert!(matches!(
        xent::data::datasets::from_npy(&bad_magic, &bad_magic, None),
        Err(Error::Format { .. })
    ));
    let x = xent::data::to_npy(array![[1.0, 2.0], [3.0, 4.0]].view());
    let mut truncated = x.clone();
    truncated.truncate(x.len() - 3);
    let t = temp("trunc.npy", &truncated);
    assert!(matches!(
        xent::data::datasets::from_npy(&t, &t, None),
        Err(Error::Format { .. })
    ));
    let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000), }";
    let mut huge = b"\x93NUMPY\x01\x00".to_vec();
    huge.extend_from_slice(&(header.len() as u16 + 1).to_le_bytes());
    huge.extend_from_slice(header.as_bytes());
    huge.push(b'\n');
    huge.extend_from_slice(&[0u8; 32]);
    let h = temp("huge.npy", &huge);
    let err = xent::data::datasets::from_npy(&h, &h, None).unwrap_err();
    assert!(
        err.to_string().contains("needs 8000000000000 bytes"),
        "{err}"
    );
    // Labels of another count than the features.
    let xs = temp("x.npy", &x);
    let ys = temp(
        "y.npy",
        &xent::data::to_npy(array![[0.0], [1.0], [1.0]].view()),
    );
    assert!(matches!(
        xent::data::datasets::from_npy(&xs, &ys, None),
        Err(Error::ShapeMismatch { .. })
    ));
}

#[test]
fn fashion_mnist_folder_errors() {
    let dir = std::env::temp_dir().join(format!("xent-fmnist-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let err = xent::data::datasets::fashion_mnist(&dir).unwrap_err();
    assert!(
        matches!(err, Error::Io { .. }) && err.to_string().contains("train-images-idx3-ubyte"),
        "{err}"
    );
    // Well-formed files with a label outside 0..9.
    let images = [0u8, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 7, 9];
    let labels = [0u8, 0, 8, 1, 0, 0, 0, 1, 12];
    for prefix in ["train", "t10k"] {
        std::fs::write(dir.join(format!("{prefix}-images-idx3-ubyte")), images).unwrap();
        std::fs::write(dir.join(format!("{prefix}-labels-idx1-ubyte")), labels).unwrap();
    }
    let err = xent::data::datasets::fashion_mnist(&dir).unwrap_err();
    assert!(err.to_string().contains("labels are 0..9"), "{err}");
    // Images and labels of different counts.
    std::fs::write(
        dir.join("train-labels-idx1-ubyte"),
        [0u8, 0, 8, 1, 0, 0, 0, 2, 1, 1],
    )
    .unwrap();
    assert!(matches!(
        xent::data::datasets::fashion_mnist(&dir),
        Err(Error::ShapeMismatch { .. })
    ));
}

#[test]
fn patience_needs_an_evaluation_set_and_at_least_one_epoch() {
    let data = xent::data::datasets::digits().unwrap();
    let mut model = Model::for_dataset(ModelKind::Softmax, &data, 0).unwrap();
    let err = Sgd::new()
        .patience(2)
        .fit(&mut model, &data, None, |_| {})
        .unwrap_err();
    assert!(err.to_string().contains("needs an evaluation set"), "{err}");
    assert!(Sgd::new().patience(0).validate().is_err());
}

#[test]
fn model_files_keep_names_and_reject_names_that_do_not_fit() {
    use xent::train::{Model, ModelKind, Names};
    let mut model = Model::new(ModelKind::Softmax, 2, 3, 0);
    let unnamed = model.to_json();
    assert!(!unnamed.contains("names"), "no names, no field: {unnamed}");
    model.names = Names {
        features: vec!["a".into(), "b, c".into()],
        label: Some("kind".into()),
        classes: vec!["x".into(), "y".into(), "z".into()],
    };
    let text = model.to_json();
    assert_eq!(Model::from_json(&text).unwrap(), model);
    let two_classes = text.replace(r#","z""#, "");
    assert_eq!(
        Model::from_json(&two_classes).unwrap_err().to_string(),
        "malformed model file: names: 2 class names for 3 classes"
    );
    let twice = text.replace(r#""y""#, r#""x""#);
    assert_eq!(
        Model::from_json(&twice).unwrap_err().to_string(),
        "malformed model file: names: the class name \"x\" appears twice"
    );
}
