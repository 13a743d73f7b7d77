//! The `xent` binary end to end: stdout, stderr and exit codes.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn xent(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xent"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn xent_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xent"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// Succeeds and returns stdout.
fn ok(args: &[&str]) -> String {
    let o = xent(args);
    assert!(o.status.success(), "{args:?} failed: {}", stderr(&o));
    assert!(o.stderr.is_empty());
    stdout(&o)
}

/// Fails with `code`, prints nothing on stdout and exactly one line on stderr; returns it.
fn fails(args: &[&str], code: i32) -> String {
    let o = xent(args);
    assert_eq!(o.status.code(), Some(code), "{args:?}: {}", stderr(&o));
    assert!(o.stdout.is_empty(), "{args:?} printed {}", stdout(&o));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "one line on stderr, got {err:?}");
    assert!(err.starts_with("xent: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// A file in a fresh temporary directory for this test.
fn temp_file(test: &str, name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xent-cli-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A version-1 NPY file of little-endian f8 values.
fn npy_f8(shape: &str, values: &[f64]) -> Vec<u8> {
    let header = format!("{{'descr': '<f8', 'fortran_order': False, 'shape': {shape}, }}");
    let total = (10 + header.len() + 1).next_multiple_of(64);
    let mut file = b"\x93NUMPY\x01\x00".to_vec();
    file.extend_from_slice(&((total - 10) as u16).to_le_bytes());
    file.extend_from_slice(header.as_bytes());
    file.resize(total - 1, b' ');
    file.push(b'\n');
    values
        .iter()
        .for_each(|v| file.extend_from_slice(&v.to_le_bytes()));
    file
}

#[test]
fn entropy_of_a_fair_coin_is_one_bit() {
    assert_eq!(
        ok(&["entropy", "0.5,0.5", "--base", "2"]),
        "H(P) = 1 bits\n"
    );
    assert_eq!(
        ok(&["entropy", "0.5,0.5", "--base", "2", "--json"]),
        "{\"value\":1.0}\n"
    );
    assert_eq!(
        ok(&["--base", "bits", "entropy", "0.5,0.25,0.25"]),
        "H(P) = 1.5 bits\n"
    );
}

#[test]
fn textbook_cross_entropy_and_kl() {
    assert_eq!(
        ok(&["cross-entropy", "0,0,1", "0.3,0.3,0.4", "--json"]),
        "{\"value\":0.916290731874155}\n"
    );
    let kl = ok(&["kl", "1,0,0", "0.7,0.2,0.1", "--json"]);
    let v: f64 = kl
        .trim()
        .trim_start_matches("{\"value\":")
        .trim_end_matches('}')
        .parse()
        .unwrap();
    assert!((v + 0.7f64.ln()).abs() < 1e-15, "{kl}");
}

#[test]
fn infinities_are_json_strings() {
    assert_eq!(
        ok(&["kl", "0.5,0.5", "1,0", "--json"]),
        "{\"value\":\"inf\"}\n"
    );
    assert_eq!(
        ok(&["softmax", "--log", "0,-inf", "--json"]),
        "{\"value\":[0.0,\"-inf\"]}\n"
    );
}

#[test]
fn js_divergence_and_distance() {
    assert_eq!(
        ok(&["js", "1,0", "0,1", "--base", "2"]),
        "JS(P,Q) = 1 bits\n"
    );
    // The correctly rounded value (50-digit decimal arithmetic); SciPy's jensenshannon
    // prints 0.34245720430229537, 3 ulps away.
    assert_eq!(
        ok(&["js", "1,0,0", "0.7,0.2,0.1", "--distance", "--json"]),
        "{\"value\":0.3424572043022955}\n"
    );
}

#[test]
fn softmax_and_logsumexp() {
    assert_eq!(ok(&["softmax", "1e4,-1e4,0", "--log"]), "0,-20000,-10000\n");
    assert_eq!(ok(&["softmax", "-inf,-inf"]), "0.5,0.5\n");
    assert_eq!(
        ok(&["softmax", "1,2", "--temperature", "0.5"]),
        ok(&["softmax", "2,4"])
    );
    assert_eq!(
        ok(&["logsumexp", "1000,1000", "--json"]),
        "{\"value\":1000.6931471805599}\n"
    );
}

#[test]
fn csv_rows_give_one_value_each() {
    let path = temp_file("csv", "p.csv", b"0.5,0.5\n# a comment\n1,0\n\n0.25,0.75\n");
    let p = path.to_str().unwrap();
    assert_eq!(
        ok(&["entropy", p, "--base", "2", "--json"]),
        "{\"values\":[1.0,0.0,0.8112781244591328]}\n"
    );
    let text = ok(&["entropy", p, "--base", "2"]);
    assert_eq!(text.lines().count(), 4, "{text}");
    assert!(text.starts_with("row\tH(P) bits\n1\t1\n"), "{text}");
    // A single inline row is paired with every row of the file.
    assert_eq!(
        ok(&["cross-entropy", p, "0.5,0.5", "--base", "2", "--json"]),
        "{\"values\":[1.0,1.0,1.0]}\n"
    );
    assert_eq!(
        ok(&["softmax", p, "--json"]).lines().count(),
        1,
        "one JSON object"
    );
}

#[test]
fn npy_files_one_and_two_dimensional() {
    let one = temp_file("npy", "p.npy", &npy_f8("(2,)", &[0.5, 0.5]));
    assert_eq!(
        ok(&["entropy", one.to_str().unwrap(), "--base", "2", "--json"]),
        "{\"value\":1.0}\n"
    );
    let two = temp_file("npy", "q.npy", &npy_f8("(2, 2)", &[0.5, 0.5, 1.0, 0.0]));
    assert_eq!(
        ok(&["entropy", two.to_str().unwrap(), "--base", "2", "--json"]),
        "{\"values\":[1.0,0.0]}\n"
    );
    let lying = temp_file(
        "npy",
        "lie.npy",
        &npy_f8("(1000000000000000,)", &[0.5, 0.5]),
    );
    let err = fails(&["entropy", lying.to_str().unwrap()], 1);
    assert!(err.contains("malformed NPY file"), "{err}");
}

#[test]
fn mutual_information_of_a_count_table() {
    let path = temp_file("mi", "joint.csv", b"10,2\n3,5\n");
    let out = ok(&[
        "mutual-information",
        path.to_str().unwrap(),
        "--normalize",
        "--json",
    ]);
    // True value 0.112484618451656821… (50-digit decimal); scikit-learn: 0.11248461845165672.
    assert_eq!(out, "{\"value\":0.11248461845165678}\n");
    let err = fails(&["mutual-information", path.to_str().unwrap()], 1);
    assert!(err.contains("pass --normalize"), "{err}");
    let err = fails(&["mutual-information", "0.5,0.5"], 2);
    assert!(err.contains("2-D joint table"), "{err}");
}

#[test]
fn standard_input_is_read_as_csv() {
    let o = xent_stdin(&["entropy", "-", "--base", "2", "--json"], "0.5,0.5\n");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "{\"values\":[1.0]}\n");
}

#[test]
fn bad_numbers_name_their_line_and_column() {
    let path = temp_file("parse", "bad.csv", b"0.5,0.5\n0.5, zero\n");
    let err = fails(&["entropy", path.to_str().unwrap()], 1);
    assert!(
        err.contains("bad.csv:2:6: cannot read \"zero\" as a number"),
        "{err}"
    );
    let err = fails(&["entropy", "0.5,x"], 1);
    assert!(err.contains("cannot read \"x\" as a number"), "{err}");
}

#[test]
fn bad_probabilities_name_their_place() {
    let path = temp_file("prob", "neg.csv", b"0.5,0.5\n\n1.5,-0.5\n");
    let err = fails(&["entropy", path.to_str().unwrap()], 1);
    assert!(
        err.contains("neg.csv:3, field 2: -0.5 is not a probability"),
        "{err}"
    );
    let err = fails(&["entropy", "2,1,1"], 1);
    assert!(
        err.contains("sum to 4, not 1") && err.contains("--normalize"),
        "{err}"
    );
    assert_eq!(
        ok(&["entropy", "2,1,1", "--normalize", "--json"]),
        "{\"value\":1.0397207708399179}\n"
    );
    let err = fails(&["kl", "0.5,0.5", "0.5,nan"], 1);
    assert!(
        err.contains("Q, element 2: NaN is not a probability"),
        "{err}"
    );
}

#[test]
fn ragged_and_mismatched_inputs() {
    let path = temp_file("ragged", "r.csv", b"0.5,0.5\n1\n");
    let err = fails(&["entropy", path.to_str().unwrap()], 1);
    assert!(
        err.contains("r.csv:2: this line has 1 fields, the first row has 2"),
        "{err}"
    );
    let err = fails(&["kl", "0.5,0.5", "0.2,0.3,0.5"], 1);
    assert!(err.contains("P and Q do not match"), "{err}");
}

#[test]
fn usage_errors_exit_with_2() {
    let err = fails(&["entropy", "0.5,0.5", "--base", "1"], 2);
    assert!(err.contains("invalid base 1"), "{err}");
    let err = fails(&["entropy", "0.5,0.5", "--base", "two"], 2);
    assert!(err.contains("unknown base"), "{err}");
    fails(&["softmax", "1,2", "--temperature", "-1"], 2);
    fails(&["no-such-command"], 2);
}

#[test]
fn missing_files_and_directories() {
    let err = fails(&["entropy", "does-not-exist.csv"], 1);
    assert!(err.contains("does-not-exist.csv"), "{err}");
    let dir = std::env::temp_dir();
    let err = fails(&["entropy", dir.to_str().unwrap()], 1);
    assert!(err.contains("is a directory"), "{err}");
    let empty = temp_file("empty", "empty.csv", b"");
    let err = fails(&["entropy", empty.to_str().unwrap()], 1);
    assert!(err.contains("empty"), "{err}");
}

#[test]
fn loss_cross_entropy_matches_pytorch() {
    let z = temp_file("loss-ce", "z.csv", b"1,2,3\n1,2,3\n3,1,2\n");
    let y = temp_file("loss-ce", "y.csv", b"0\n-100\n1\n");
    let out = ok(&[
        "loss",
        "cross-entropy",
        "--logits",
        z.to_str().unwrap(),
        "--target",
        y.to_str().unwrap(),
        "--weight",
        "1,2,3",
        "--label-smoothing",
        "0.1",
        "--json",
    ]);
    let v: f64 = out
        .trim()
        .trim_start_matches("{\"loss\":")
        .trim_end_matches('}')
        .parse()
        .unwrap();
    assert!((v - 2.343415052148082).abs() < 1e-14, "{out}");
    // Per-sample losses; the ignored row costs 0.
    let out = ok(&[
        "loss",
        "cross-entropy",
        "--logits",
        z.to_str().unwrap(),
        "--target",
        y.to_str().unwrap(),
        "--reduction",
        "none",
        "--json",
    ]);
    assert!(
        out.starts_with("{\"loss\":[") && out.contains(",0.0,"),
        "{out}"
    );
}

#[test]
fn loss_gradient_files_round_trip() {
    let z = temp_file("loss-grad", "z.csv", b"0,0\n0,0\n");
    for name in ["g.csv", "g.npy"] {
        let g = z.with_file_name(name);
        let out = ok(&[
            "loss",
            "cross-entropy",
            "--logits",
            z.to_str().unwrap(),
            "--target",
            "0,1",
            "--grad",
            g.to_str().unwrap(),
        ]);
        assert!(out.contains("gradient written to"), "{out}");
        let read = xent::data::read_table(&g).unwrap();
        assert_eq!(read.values, ndarray::array![[-0.25, 0.25], [0.25, -0.25]]);
    }
}

#[test]
fn loss_kinds_from_inline_vectors() {
    let v = |args: &[&str]| ok(args).trim().to_string();
    assert_eq!(
        v(&[
            "loss",
            "bce",
            "--input",
            "0.1,0.9,0.8,0.4",
            "--target",
            "0,1,1,0",
            "--json"
        ]),
        "{\"loss\":0.23617255159896325}"
    );
    assert_eq!(
        v(&[
            "loss",
            "bce",
            "--logits",
            "--input",
            "800,-800",
            "--target",
            "1,0",
            "--reduction",
            "none",
            "--json"
        ]),
        "{\"loss\":[[0.0,0.0]]}"
    );
    assert_eq!(
        v(&[
            "loss",
            "categorical-cross-entropy",
            "--input",
            "0.3,0.3,0.4",
            "--target",
            "0,0,1",
            "--json"
        ]),
        "{\"loss\":0.916290731874155}"
    );
    assert_eq!(
        v(&[
            "loss",
            "categorical-cross-entropy",
            "--input",
            "1,0",
            "--target",
            "0,1",
            "--json"
        ]),
        "{\"loss\":\"inf\"}"
    );
    assert_eq!(
        v(&["loss", "mse", "--input", "1.5,2,-1", "--target", "1,2,1", "--json"]),
        "{\"loss\":1.4166666666666667}"
    );
    assert_eq!(
        v(&[
            "loss",
            "kl-div",
            "--input",
            "0,-inf",
            "--target",
            "1,0",
            "--reduction",
            "sum",
            "--json"
        ]),
        "{\"loss\":0.0}"
    );
    assert!(
        v(&["loss", "focal", "--input", "3,-3", "--target", "1,1", "--json"])
            .starts_with("{\"loss\":[[")
    );
    assert_eq!(
        v(&["loss", "nll", "--input", "-1,-0.5", "--target", "1", "--json"]),
        "{\"loss\":0.5}"
    );
}

#[test]
fn loss_errors_point_at_the_bad_value() {
    let err = fails(
        &[
            "loss",
            "cross-entropy",
            "--logits",
            "1,2,3",
            "--target",
            "3",
        ],
        1,
    );
    assert!(
        err.contains("3 is not a class index: there are 3 classes"),
        "{err}"
    );
    let err = fails(
        &[
            "loss",
            "cross-entropy",
            "--logits",
            "1,2,3",
            "--target",
            "1.5",
        ],
        1,
    );
    assert!(err.contains("1.5 is not a class index"), "{err}");
    let err = fails(&["loss", "bce", "--input", "0.5,1.5", "--target", "1,0"], 1);
    assert!(err.contains("element 2: 1.5 is out of range"), "{err}");
    let err = fails(&["loss", "mse", "--input", "1,2", "--target", "1,2,3"], 1);
    assert!(err.contains("shape"), "{err}");
    fails(
        &[
            "loss",
            "cross-entropy",
            "--logits",
            "1,2",
            "--target",
            "0",
            "--reduction",
            "avg",
        ],
        2,
    );
    fails(
        &[
            "loss",
            "bce",
            "--input",
            "0.5",
            "--target",
            "1",
            "--pos-weight",
            "2",
        ],
        2,
    );
}

#[test]
fn train_prints_a_table_and_reaches_the_digits_target() {
    let out = ok(&["train"]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("softmax regression on digits: 1438 training / 359 test"),
        "{out}"
    );
    assert!(
        lines[1].contains("train loss") && lines[1].contains("test acc"),
        "{out}"
    );
    assert_eq!(lines.len(), 2 + 10 + 1, "{out}");
    let summary = lines[12];
    let acc: f64 = summary
        .split("test accuracy ")
        .nth(1)
        .and_then(|s| s.split(';').next())
        .unwrap()
        .parse()
        .unwrap();
    assert!(acc >= 0.95, "{summary}");
}

#[test]
fn train_json_lines_save_and_predict() {
    let dir = std::env::temp_dir().join(format!("xent-cli-{}-train", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let model = dir.join("model.json");
    let plot = dir.join("curves.svg");
    let out = ok(&[
        "train",
        "--epochs",
        "3",
        "--json",
        "--save",
        model.to_str().unwrap(),
        "--plot",
        plot.to_str().unwrap(),
    ]);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    for (i, l) in lines[..3].iter().enumerate() {
        assert_eq!(l["epoch"], i + 1);
        for key in [
            "train_loss",
            "train_accuracy",
            "test_loss",
            "test_accuracy",
            "seconds",
        ] {
            assert!(l[key].is_number(), "{key} in {l}");
        }
    }
    assert_eq!(lines[3]["final"], true);
    assert!(lines[3]["seconds_per_epoch"].is_number());
    let svg = std::fs::read_to_string(&plot).unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("accuracy"),
        "{}",
        &svg[..100.min(svg.len())]
    );
    // The saved model predicts the embedded digits.
    let o = xent(&["predict", "--model", model.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["samples"], 1797);
    assert!(v["accuracy"].as_f64().unwrap() > 0.9, "{v}");
    assert_eq!(v["predictions"].as_array().unwrap().len(), 1797);
}

#[test]
fn train_regression_on_synthetic_data() {
    let out = ok(&[
        "train",
        "--data",
        "synthetic-linear",
        "--epochs",
        "3",
        "--batch-size",
        "10",
        "--lr",
        "0.03",
        "--json",
    ]);
    let last: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert!(last["test_mse"].as_f64().unwrap() < 1e-3, "{last}");
    assert!(last.get("test_accuracy").is_none());
}

#[test]
fn train_errors() {
    let err = fails(&["train", "--data", "mnist"], 2);
    assert!(err.contains("unknown data"), "{err}");
    let err = fails(&["train", "--model", "logistic"], 1);
    assert!(
        err.contains("logistic regression needs two classes"),
        "{err}"
    );
    let err = fails(&["train", "--data", "fashion-mnist:/nonexistent"], 1);
    assert!(
        err.contains("apt-get install dataset-fashion-mnist"),
        "{err}"
    );
    // The table's header is already out when training diverges; the error follows on stderr.
    let o = xent(&["train", "--lr", "1e30", "--data", "synthetic-linear"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("diverged") && err.contains("epoch 1, batch"),
        "{err}"
    );
    fails(&["train", "--scale", "zero"], 2);
    fails(&["train", "--model", "tree"], 2);
}

#[test]
fn png_plots() {
    let dir = std::env::temp_dir().join(format!("xent-cli-{}-png", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let png = dir.join("curves.png");
    ok(&["train", "--epochs", "2", "--plot", png.to_str().unwrap()]);
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let err = fails(
        &[
            "train",
            "--epochs",
            "1",
            "--plot",
            dir.join("curves.gif").to_str().unwrap(),
        ],
        2,
    );
    assert!(err.contains(".svg or .png"), "{err}");
}

#[test]
fn estimate_entropy_from_counts_and_samples() {
    let counts = "4,2,3,0,2,4,0,0,2,1,1";
    let out = ok(&[
        "estimate",
        "entropy",
        counts,
        "--method",
        "chao-shen",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        (v["value"].as_f64().unwrap() - 2.201137101279585).abs() < 1e-12,
        "{out}"
    );
    let out = ok(&[
        "estimate", "entropy", counts, "--method", "shrink", "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        (v["lambda"].as_f64().unwrap() - 0.766393442622951).abs() < 1e-12,
        "{out}"
    );
    let out = ok(&["estimate", "entropy", counts, "--method", "all", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    for key in [
        "plugin",
        "miller-madow",
        "chao-shen",
        "jeffreys",
        "laplace",
        "sg",
        "minimax",
        "shrink",
        "grassberger",
        "nsb",
        "nsb-unknown-k",
    ] {
        assert!(v["values"][key].is_number(), "{key} in {out}");
    }
    // The ndd package's example with the alphabet size left unknown.
    let out = ok(&[
        "estimate",
        "entropy",
        "4,12,4,5,3,1,5,1,2,2,2,2,11,3,4,12,12,1,2",
        "--method",
        "nsb-unknown-k",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!((v["value"].as_f64().unwrap() - 2.8130746489179046).abs() < 1e-5);
    assert_eq!(v["alphabet"].as_f64(), Some(6008.0), "{out}");
    let out = ok(&["estimate", "entropy", "1,1,1", "--method", "nsb-unknown-k"]);
    assert!(out.contains("only a lower bound"), "{out}");
    let out = ok(&[
        "estimate",
        "entropy",
        "2,1,1",
        "--method",
        "miller-madow",
        "--base",
        "2",
    ]);
    assert!(out.starts_with("H = 1.86067376022224"), "{out}");
    // Padding the alphabet changes the estimators that depend on K.
    let a = ok(&[
        "estimate", "entropy", "2,1,1", "--method", "laplace", "--json",
    ]);
    let b = ok(&[
        "estimate",
        "entropy",
        "2,1,1",
        "--method",
        "laplace",
        "--alphabet",
        "10",
        "--json",
    ]);
    assert_ne!(a, b);
    let samples = temp_file("estimate", "s.txt", b"a\nb\na\nc\n");
    let out = ok(&[
        "estimate",
        "entropy",
        "--samples",
        samples.to_str().unwrap(),
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["value"].as_f64(), Some(1.0397207708399179));
    assert!(
        v["sd"].as_f64().unwrap() > 0.0,
        "the plug-in's asymptotic s.d. in {out}"
    );
    let err = fails(&["estimate", "entropy", "0,0"], 1);
    assert!(err.contains("every count is 0"), "{err}");
    fails(&["estimate", "entropy", "1,2", "--method", "nope"], 2);
    fails(&["estimate", "entropy", "1,2,3", "--alphabet", "2"], 2);
}

#[test]
fn estimate_mutual_information_and_bootstrap() {
    let pairs = temp_file("estimate-mi", "ab.csv", b"0,0\n0,0\n1,1\n1,1\n2,1\n2,2\n");
    let out = ok(&[
        "estimate",
        "mi",
        "--samples",
        pairs.to_str().unwrap(),
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    // scikit-learn: mutual_info_score([0,0,1,1,2,2], [0,0,1,1,1,2]) = 0.7803552045207032
    assert!(
        (v["value"].as_f64().unwrap() - 0.7803552045207032).abs() < 1e-15,
        "{out}"
    );
    let table = temp_file("estimate-mi", "t.csv", b"10,2\n3,5\n");
    let plugin = ok(&["estimate", "mi", table.to_str().unwrap(), "--json"]);
    let shrink = ok(&[
        "estimate",
        "mi",
        table.to_str().unwrap(),
        "--method",
        "shrink",
        "--json",
    ]);
    assert_ne!(plugin, shrink);
    fails(
        &["estimate", "mi", table.to_str().unwrap(), "--method", "nsb"],
        2,
    );
    let a = ok(&[
        "estimate",
        "entropy",
        "4,2,3,1",
        "--method",
        "chao-shen",
        "--bootstrap",
        "100",
        "--seed",
        "5",
        "--json",
    ]);
    let b = ok(&[
        "estimate",
        "entropy",
        "4,2,3,1",
        "--method",
        "chao-shen",
        "--bootstrap",
        "100",
        "--seed",
        "5",
        "--json",
    ]);
    assert_eq!(a, b, "seeded bootstrap is reproducible");
    let v: serde_json::Value = serde_json::from_str(&a).unwrap();
    assert!(v["sd"].as_f64().unwrap() > 0.0);
}

#[test]
fn eval_reports_every_metric() {
    let pred = temp_file("eval", "p.csv", b"0.1\n0.9\n0.8\n0.4\n");
    let labels = temp_file("eval", "y.csv", b"0\n1\n1\n0\n");
    let out = ok(&[
        "eval",
        "--pred",
        pred.to_str().unwrap(),
        "--labels",
        labels.to_str().unwrap(),
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    // scikit-learn: log_loss 0.23617255159896325, brier_score_loss 0.055.
    assert!(
        (v["log_loss"].as_f64().unwrap() - 0.23617255159896325).abs() < 1e-15,
        "{out}"
    );
    assert!((v["brier"].as_f64().unwrap() - 0.055).abs() < 1e-15);
    for key in [
        "log_loss_se",
        "perplexity",
        "accuracy",
        "top_k_accuracy",
        "ece",
        "mce",
        "mean_entropy",
    ] {
        assert!(v[key].is_number(), "{key} in {out}");
    }
    assert_eq!(v["n_samples"], 4);
    assert_eq!(v["n_classes"], 2);
    assert_eq!(v["per_class"].as_array().unwrap().len(), 2);
    // Bits: the log-loss divided by ln 2.
    let bits = ok(&[
        "eval",
        "--pred",
        pred.to_str().unwrap(),
        "--labels",
        labels.to_str().unwrap(),
        "--json",
        "--base",
        "2",
    ]);
    let vb: serde_json::Value = serde_json::from_str(&bits).unwrap();
    assert!(
        (vb["log_loss"].as_f64().unwrap() * std::f64::consts::LN_2
            - v["log_loss"].as_f64().unwrap())
        .abs()
            < 1e-15
    );
    // Logits with a reliability diagram.
    let logits = temp_file("eval", "z.csv", b"2,0,-1\n0,0,3\n1,2,0.5\n");
    let classes = temp_file("eval", "c.csv", b"0\n2\n0\n");
    let svg = logits.with_file_name("rel.svg");
    let text = ok(&[
        "eval",
        "--pred",
        logits.to_str().unwrap(),
        "--labels",
        classes.to_str().unwrap(),
        "--from-logits",
        "--plot",
        svg.to_str().unwrap(),
    ]);
    assert!(
        text.contains("log-loss [nats]") && text.contains("accuracy"),
        "{text}"
    );
    assert!(std::fs::read_to_string(&svg).unwrap().starts_with("<svg"));
}

#[test]
fn eval_errors_deep_in_a_streamed_file_name_their_line() {
    // 70,000 good rows (several chunks), then a bad one: the line is counted across chunks,
    // and the labels' own bad value is found where it is.
    let mut pred = "0.5,0.5\n".repeat(70_000);
    pred.push_str("0.5,0.6\n");
    let mut labels = "1\n".repeat(70_001);
    let pred_path = temp_file("eval-deep", "p.csv", pred.as_bytes());
    let labels_path = temp_file("eval-deep", "y.csv", labels.as_bytes());
    let err = fails(
        &[
            "eval",
            "--pred",
            pred_path.to_str().unwrap(),
            "--labels",
            labels_path.to_str().unwrap(),
        ],
        1,
    );
    assert!(err.contains("p.csv:70001: the values sum to 1.1"), "{err}");
    labels.replace_range(labels.len() - 2.., "7\n");
    let labels_path = temp_file("eval-deep", "y7.csv", labels.as_bytes());
    let err = fails(
        &[
            "eval",
            "--pred",
            pred_path.to_str().unwrap(),
            "--labels",
            labels_path.to_str().unwrap(),
            "--normalize",
        ],
        1,
    );
    assert!(
        err.contains("y7.csv:70001: 7 is not a class index"),
        "{err}"
    );
}

#[test]
fn eval_errors_name_the_place() {
    let pred = temp_file("eval-err", "p.csv", b"0.5,0.6\n0.2,0.8\n");
    let labels = temp_file("eval-err", "y.csv", b"0\n1\n");
    let err = fails(
        &[
            "eval",
            "--pred",
            pred.to_str().unwrap(),
            "--labels",
            labels.to_str().unwrap(),
        ],
        1,
    );
    assert!(
        err.contains("p.csv:1") && err.contains("sum to 1.1"),
        "{err}"
    );
    let bad = temp_file("eval-err", "bad.csv", b"0\n7\n");
    let good = temp_file("eval-err", "good.csv", b"0.5,0.5\n0.2,0.8\n");
    let err = fails(
        &[
            "eval",
            "--pred",
            good.to_str().unwrap(),
            "--labels",
            bad.to_str().unwrap(),
        ],
        1,
    );
    assert!(
        err.contains("bad.csv:2") && err.contains("not a class index"),
        "{err}"
    );
    let frac = temp_file("eval-err", "frac.csv", b"0\n1.5\n");
    let err = fails(
        &[
            "eval",
            "--pred",
            good.to_str().unwrap(),
            "--labels",
            frac.to_str().unwrap(),
        ],
        1,
    );
    assert!(err.contains("not a class label"), "{err}");
    fails(
        &[
            "eval",
            "--pred",
            good.to_str().unwrap(),
            "--labels",
            labels.to_str().unwrap(),
            "--clip",
            "2",
        ],
        2,
    );
    fails(
        &[
            "eval",
            "--pred",
            good.to_str().unwrap(),
            "--labels",
            labels.to_str().unwrap(),
            "--plot",
            "x.gif",
        ],
        2,
    );
}

#[test]
fn a_command_without_its_subcommand_prints_its_help() {
    for (args, usage) in [
        (&[][..], "Usage: xent [OPTIONS] <COMMAND>"),
        (&["loss"][..], "Usage: xent loss [OPTIONS] <COMMAND>"),
    ] {
        let o = xent(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(o.stdout.is_empty());
        let err = stderr(&o);
        let lines: Vec<&str> = err.lines().collect();
        assert!(lines.contains(&usage), "{args:?}: {err}");
        assert!(lines.contains(&"Commands:"), "{args:?}: {err}");
        assert!(err.lines().count() > 10, "the whole help, laid out: {err}");
    }
}

#[test]
fn completions_for_every_shell_and_the_man_page_come_from_the_grammar() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = ok(&["completions", shell]);
        for name in ["train", "estimate", "cross-entropy", "label-smoothing"] {
            assert!(script.contains(name), "{shell} completions lack {name}");
        }
    }
    // bash parses its script (a syntax error would break every shell that sources it).
    let bash = ok(&["completions", "bash"]);
    if let Ok(o) = Command::new("bash").args(["-n", "-c", &bash]).output() {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let page = ok(&["man"]);
    assert!(page.contains(".TH xent 1"), "{page}");
    for name in ["train", "predict", "eval", "estimate", "completions"] {
        assert!(page.contains(name), "the man page lacks {name}");
    }
    fails(&["completions", "tcsh"], 2);
}

/// The last JSON line of `xent train --json` with these arguments.
fn trained(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["train", "--json"];
    all.extend_from_slice(args);
    let out = ok(&all);
    let last = out.lines().last().expect("a final line");
    serde_json::from_str(last).expect("JSON")
}

#[test]
fn iris_and_wine_train_as_shipped_to_scikit_learns_accuracy_with_default_flags() {
    // scikit-learn 1.9.1's LogisticRegression (standardized) on xent's split (seed 0):
    // iris 1.0, wine 0.9722 (tests/data/README.md); xent's defaults must come within 0.02.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
    for (file, sklearn) in [("iris.csv", 1.0), ("wine_data.csv", 0.9722)] {
        let data = format!("csv:{dir}/{file}");
        let last = trained(&["--data", &data]);
        let accuracy = last["test_accuracy"].as_f64().unwrap();
        assert!(
            accuracy >= sklearn - 0.02,
            "{file}: {accuracy} vs {sklearn}"
        );
    }
    // The defaults: batches of 32 below 10000 samples, epochs for 400 steps (iris: 120
    // training samples, 4 steps an epoch, 100 epochs).
    let out = ok(&["train", "--json", "--data", &format!("csv:{dir}/iris.csv")]);
    assert_eq!(out.lines().count(), 101, "100 epochs and the final line");
}

/// A table as data scientists keep one: an id column, a quoted header name holding the
/// delimiter, text labels; three well separated classes.
fn named_table() -> String {
    let mut text = String::from("id,sepal length,\"petal, width\",species\n");
    let classes = ["setosa", "versicolor", "virginica"];
    for i in 0..90 {
        let k = i % 3;
        let wobble = ((i * 37) % 11) as f64 / 20.0 - 0.25;
        text.push_str(&format!(
            "s{i},{},{},{}\n",
            k as f64 + wobble,
            2.0 * k as f64 - wobble,
            classes[k]
        ));
    }
    text
}

#[test]
fn named_columns_and_text_labels_train_and_predict_by_name() {
    let data = temp_file("named", "flowers.csv", named_table().as_bytes());
    let spec = format!("csv:{}", data.display());
    let model = data.with_file_name("model.json");
    let m = model.to_str().unwrap();
    // The id column is text: an error naming it, and how to leave it out.
    let err = fails(&["train", "--data", &spec], 1);
    assert!(
        err.ends_with(
            "flowers.csv:2: field 1 (id): cannot read \"s0\" as a number (a feature must be; \
             choose the features with --feature-columns or leave columns out with \
             --ignore-columns)\n"
        ),
        "{err}"
    );
    ok(&[
        "train",
        "--data",
        &spec,
        "--ignore-columns",
        "id",
        "--label-column",
        "species",
        "--save",
        m,
    ]);
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    assert_eq!(
        saved["names"],
        serde_json::json!({
            "features": ["sepal length", "petal, width"],
            "label": "species",
            "classes": ["setosa", "versicolor", "virginica"]
        })
    );
    // New data without labels, its columns in another order and an extra one: matched by name.
    let unlabelled = data.with_file_name("new.csv");
    std::fs::write(
        &unlabelled,
        "\"petal, width\",note,sepal length\n4.1,a,2\n0,b,0\n2,c,1\n",
    )
    .unwrap();
    let new = format!("csv:{}", unlabelled.display());
    let o = xent(&["predict", "--model", m, "--data", &new]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "virginica\nsetosa\nversicolor\n");
    assert_eq!(stderr(&o), "3 predictions\n");
    let err = fails(
        &["predict", "--model", m, "--data", &new, "--with-labels"],
        2,
    );
    assert!(err.contains("has no label column"), "{err}");
    // The labelled file: the label column found by the model's name for it.
    let o = xent(&[
        "predict",
        "--model",
        m,
        "--data",
        &spec,
        "--proba",
        "--with-labels",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("setosa,versicolor,virginica,species"));
    assert!(lines.next().unwrap().ends_with(",setosa"));
    assert_eq!(stderr(&o), "accuracy 1.0000 on 90 samples\n");
    // eval reads predict's file with its label column, the classes named by its header.
    let probs = data.with_file_name("probs.csv");
    let p = probs.to_str().unwrap();
    let o = xent(&[
        "predict",
        "--model",
        m,
        "--data",
        &spec,
        "--proba",
        "--with-labels",
        "--out",
        p,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let same = |extra: &[&str]| -> serde_json::Value {
        let mut all = vec!["eval", "--json", "--pred", p];
        all.extend_from_slice(extra);
        serde_json::from_str(&ok(&all)).unwrap()
    };
    let report = same(&["--labels", p, "--label-column", "species"]);
    assert_eq!(
        (report["n_samples"].as_u64(), report["accuracy"].as_f64()),
        (Some(90), Some(1.0))
    );
    // Labels from the data set by name, the predictions' columns chosen; the same report.
    let from_data = same(&[
        "--pred-columns",
        "0:3",
        "--labels",
        data.to_str().unwrap(),
        "--label-column",
        "species",
    ]);
    assert_eq!(from_data, report);
    // The per-class rows are named; the debiased L2 error always, the equal-mass bins and
    // bootstrap intervals when asked; the same seed, the same intervals.
    let text = ok(&[
        "eval",
        "--pred",
        p,
        "--labels",
        p,
        "--label-column",
        "species",
    ]);
    assert!(text.contains("\n  versicolor "), "{text}");
    assert!(text.contains("L2-ECE, debiased"), "{text}");
    let boot = |seed: &str| {
        same(&[
            "--labels",
            p,
            "--label-column",
            "species",
            "--adaptive-ece",
            "--bootstrap",
            "50",
            "--seed",
            seed,
        ])
    };
    let (a, b) = (boot("1"), boot("1"));
    assert_eq!(a, b);
    assert_ne!(a["bootstrap"], boot("2")["bootstrap"]);
    let ll = &a["bootstrap"]["log_loss"];
    let point = a["log_loss"].as_f64().unwrap();
    assert!(ll["low"].as_f64().unwrap() < point && point < ll["high"].as_f64().unwrap());
    assert_eq!(a["adaptive"]["bins"].as_array().unwrap().len(), 15);
    assert_eq!(a["per_class"][1]["name"], "versicolor");
    let err = fails(&["eval", "--pred", p, "--labels", p, "--seed", "3"], 2);
    assert!(err.contains("--bootstrap"), "{err}");
    // A file of class names, one per line; a name the predictions do not have.
    let names: String = (0..90)
        .map(|i| format!("{}\n", ["setosa", "versicolor", "virginica"][i % 3]))
        .collect();
    let label_file = data.with_file_name("labels.txt");
    std::fs::write(&label_file, &names).unwrap();
    let l = label_file.to_str().unwrap();
    assert_eq!(same(&["--pred-columns", "0:3", "--labels", l]), report);
    std::fs::write(&label_file, names.replacen("versicolor", "emu", 1)).unwrap();
    let err = fails(
        &["eval", "--pred", p, "--pred-columns", "0:3", "--labels", l],
        1,
    );
    assert!(
        err.ends_with(
            "labels.txt: line 2: the label \"emu\" is not one of the classes (setosa, \
             versicolor, virginica)\n"
        ),
        "{err}"
    );
    // The same features chosen by --feature-columns, by index and by name.
    ok(&[
        "train",
        "--data",
        &spec,
        "--feature-columns",
        "1,\"petal, width\"",
    ]);
    let err = fails(&["train", "--data", &spec, "--feature-columns", "1:"], 1);
    assert!(
        err.ends_with("flowers.csv: column 3 (species) is both the label and a feature\n"),
        "{err}"
    );
    let err = fails(&["train", "--data", &spec, "--label-column", "kind"], 1);
    assert!(
        err.ends_with(
            "flowers.csv: no column is named \"kind\": the header names id, sepal length, \
             petal, width, species\n"
        ),
        "{err}"
    );
    let err = fails(&["train", "--data", "digits", "--label-column", "0"], 2);
    assert!(err.contains("choose the columns of csv:FILE data"), "{err}");
}

#[test]
fn train_predict_proba_and_eval_chain_on_iris() {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/iris.csv");
    let spec = format!("csv:{data}");
    let model = temp_file("chain", "model.json", b"");
    let probs = model.with_file_name("p.csv");
    let logits = model.with_file_name("z.npy");
    let (m, p, z) = (
        model.to_str().unwrap(),
        probs.to_str().unwrap(),
        logits.to_str().unwrap(),
    );
    ok(&["train", "--data", &spec, "--save", m]);
    // predict prints its summary on stderr once the file is written.
    let o = xent(&[
        "predict", "--model", m, "--data", &spec, "--proba", "--out", p,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let written = std::fs::read_to_string(&probs).unwrap();
    let mut lines = written.lines();
    // The classes are named by scikit-learn's header of iris.csv.
    assert_eq!(lines.next(), Some("setosa,versicolor,virginica"));
    assert_eq!(lines.count(), 150);
    // eval reads predict's file as it is and takes the labels from the data set's last column.
    let report: serde_json::Value = serde_json::from_str(&ok(&[
        "eval",
        "--pred",
        p,
        "--labels",
        data,
        "--label-column",
        "-1",
        "--json",
    ]))
    .unwrap();
    assert_eq!(report["n_samples"], 150);
    let accuracy = report["accuracy"].as_f64().unwrap();
    assert!(accuracy > 0.9, "{report}");
    // scikit-learn's classification report: micro averages are the accuracy; the confusion
    // matrix (rows: labels) holds every sample, 50 per class.
    assert_eq!(report["micro_avg"]["f1"].as_f64(), Some(accuracy));
    assert!(report["macro_avg"]["precision"].as_f64().unwrap() > 0.9);
    let confusion = report["confusion_matrix"].as_array().unwrap();
    assert_eq!(confusion.len(), 3);
    for row in confusion {
        let cells: Vec<f64> = row
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_eq!(cells.iter().sum::<f64>(), 50.0);
    }
    // --auc: scikit-learn's one-vs-rest ROC-AUC of this file is 0.9977333333333332 for
    // the model of the run that wrote this test; any model trained as above is near it.
    let ranked: serde_json::Value = serde_json::from_str(&ok(&[
        "eval",
        "--pred",
        p,
        "--labels",
        data,
        "--label-column",
        "-1",
        "--auc",
        "--json",
    ]))
    .unwrap();
    let classwise: serde_json::Value = serde_json::from_str(&ok(&[
        "eval",
        "--pred",
        p,
        "--labels",
        data,
        "--label-column",
        "-1",
        "--classwise-ece",
        "--json",
    ]))
    .unwrap();
    let c = classwise["classwise_ece"].as_f64().unwrap();
    assert!(c > 0.0 && c < 0.5, "{classwise}");
    assert!(report.get("classwise_ece").is_none(), "only when asked");
    let auc = ranked["roc_auc"]["macro"].as_f64().unwrap();
    assert!(auc > 0.99 && auc <= 1.0, "{ranked}");
    assert_eq!(ranked["roc_auc"]["per_class"].as_array().unwrap().len(), 3);
    // Streamed over bins instead: within the bound it reports of the exact value.
    let binned: serde_json::Value = serde_json::from_str(&ok(&[
        "eval",
        "--pred",
        p,
        "--labels",
        data,
        "--label-column",
        "-1",
        "--auc-bins",
        "100",
        "--json",
    ]))
    .unwrap();
    let bound = binned["roc_auc_error_bound"].as_f64().unwrap();
    let approx = binned["roc_auc"]["macro"].as_f64().unwrap();
    assert!(
        (approx - auc).abs() <= bound + 1e-12 && bound < 0.05,
        "{binned}"
    );
    assert!(ranked.get("roc_auc_error_bound").is_none());
    assert!(ranked["average_precision"]["weighted"].as_f64().unwrap() > 0.98);
    // The same model's logits give the same report, from NPY with --from-logits.
    let o = xent(&[
        "predict", "--model", m, "--data", &spec, "--logits", "--out", z,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let from_logits: serde_json::Value = serde_json::from_str(&ok(&[
        "eval",
        "--pred",
        z,
        "--from-logits",
        "--labels",
        data,
        "--label-column",
        "4",
        "--json",
    ]))
    .unwrap();
    assert_eq!(from_logits["accuracy"].as_f64(), Some(accuracy));
    let (a, b) = (
        report["log_loss"].as_f64().unwrap(),
        from_logits["log_loss"].as_f64().unwrap(),
    );
    assert!((a - b).abs() < 1e-6, "{a} {b}");
    let err = fails(
        &["eval", "--pred", p, "--labels", data, "--label-column", "5"],
        1,
    );
    assert!(
        err.ends_with(
            "iris.csv: column 5 does not exist: the table has 5 columns (0 to 4, or -5 to -1 \
             from the end)\n"
        ),
        "{err}"
    );
    let err = fails(
        &[
            "predict", "--model", m, "--data", &spec, "--proba", "--logits",
        ],
        2,
    );
    assert!(err.contains("--proba") && err.contains("--logits"), "{err}");
}

#[test]
fn predict_proba_is_for_classifiers() {
    let model = temp_file("proba-linear", "m.json", b"");
    let m = model.to_str().unwrap();
    ok(&["train", "--data", "synthetic-linear", "--save", m]);
    let err = fails(
        &[
            "predict",
            "--model",
            m,
            "--data",
            "synthetic-linear",
            "--proba",
        ],
        2,
    );
    assert!(err.contains("--proba is for classifiers"), "{err}");
}

#[test]
fn gzip_and_space_delimited_tables_train_as_plain_csv() {
    // The embedded digits' own file, gzip'd: the same model as the embedded data.
    let gz = concat!(env!("CARGO_MANIFEST_DIR"), "/../xent/data/digits.csv.gz");
    let from_gz = trained(&["--data", &format!("csv:{gz}")]);
    let embedded = trained(&[]);
    assert_eq!(from_gz["test_loss"], embedded["test_loss"]);
    assert_eq!(from_gz["test_accuracy"], embedded["test_accuracy"]);
    // np.savetxt's output (one space) and aligned columns (runs of spaces).
    let rows: String = (0..40)
        .map(|i| {
            let (x, y) = (i as f64 / 10.0, (i % 7) as f64);
            format!("{x:.1}  {y:.1} {}\n", usize::from(x > 2.0))
        })
        .collect();
    let txt = temp_file("spaces", "xy.txt", rows.as_bytes());
    let last = trained(&["--data", &format!("csv:{}", txt.to_str().unwrap())]);
    assert!(last["test_accuracy"].as_f64().unwrap() >= 0.75, "{last}");
}

#[test]
fn global_flags_are_refused_where_they_do_not_apply() {
    let err = fails(&["softmax", "1,2,3", "--log", "--base", "2"], 2);
    assert!(
        err.contains("--base does not apply to `xent softmax`"),
        "{err}"
    );
    let err = fails(&["train", "--normalize"], 2);
    assert!(
        err.contains("--normalize does not apply to `xent train`"),
        "{err}"
    );
    // Where they apply they still work, before or after the subcommand.
    assert_eq!(
        ok(&["--base", "2", "entropy", "0.5,0.5"]),
        ok(&["entropy", "0.5,0.5", "--base", "2"])
    );
}

#[test]
fn calibrate_fits_the_temperature_and_predict_applies_it() {
    // Over-confident logits: the larger logit is right in 4 of 6 rows, so the optimum makes
    // softmax(z/T) give it 2/3: 4/T = ln 2.
    let z = temp_file("calibrate", "z.csv", b"4,0\n4,0\n0,4\n4,0\n0,4\n0,4\n");
    let y = temp_file("calibrate", "y.csv", b"0\n0\n1\n1\n1\n0\n");
    let (z, y) = (z.to_str().unwrap(), y.to_str().unwrap());
    let fit: serde_json::Value =
        serde_json::from_str(&ok(&["calibrate", "--logits", z, "--labels", y, "--json"])).unwrap();
    let t = fit["temperature"].as_f64().unwrap();
    assert!((t - 4.0 / 2f64.ln()).abs() < 1e-9, "{fit}");
    let (before, after) = (
        fit["log_loss_before"].as_f64().unwrap(),
        fit["log_loss_after"].as_f64().unwrap(),
    );
    // The binary entropy of 2/3: ln 3 − (2/3) ln 2.
    assert!(
        (after - (3f64.ln() - 2.0 / 3.0 * 2f64.ln())).abs() < 1e-12,
        "{fit}"
    );
    assert!(after < before);
    assert!(fit["ece_after"].as_f64().unwrap() < fit["ece_before"].as_f64().unwrap());
    let text = ok(&["calibrate", "--logits", z, "--labels", y]);
    assert!(text.contains("--temperature 5.77078016"), "{text}");
    let err = fails(&["calibrate", "--logits", "-", "--labels", y], 2);
    assert!(err.contains("not - (standard input)"), "{err}");
    let separable = temp_file("calibrate", "s.csv", b"4,0\n0,4\n");
    let labels = temp_file("calibrate", "sy.csv", b"0\n1\n");
    let err = fails(
        &[
            "calibrate",
            "--logits",
            separable.to_str().unwrap(),
            "--labels",
            labels.to_str().unwrap(),
        ],
        1,
    );
    assert!(err.contains("separate the labels"), "{err}");
    // predict divides the logits by T: softer probabilities, the same classes.
    let model = temp_file("calibrate", "m.json", b"");
    let m = model.to_str().unwrap();
    ok(&["train", "--save", m]);
    let rows = |args: &[&str]| -> Vec<Vec<f64>> {
        let o = xent(args);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
            .lines()
            .skip(1)
            .map(|l| l.split(',').map(|v| v.parse().unwrap()).collect())
            .collect()
    };
    let plain = rows(&["predict", "--model", m, "--proba"]);
    let soft = rows(&["predict", "--model", m, "--proba", "--temperature", "3"]);
    let argmax = |r: &Vec<f64>| (0..r.len()).fold(0, |b, j| if r[j] > r[b] { j } else { b });
    for (p, q) in plain.iter().zip(&soft) {
        assert_eq!(argmax(p), argmax(q));
        assert!(q[argmax(q)] <= p[argmax(p)] + 1e-6);
    }
    let err = fails(&["predict", "--model", m, "--temperature", "3"], 2);
    assert!(err.contains("add --proba or --logits"), "{err}");
}

#[test]
fn patience_stops_early_on_a_validation_split_and_keeps_the_best_epoch() {
    let out = ok(&["train", "--epochs", "300", "--patience", "3", "--json"]);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let last = lines.last().unwrap();
    let (run, best) = (
        last["epochs_run"].as_u64().unwrap(),
        last["best_epoch"].as_u64().unwrap(),
    );
    assert!(run < 300 && run == best + 3, "{last}");
    // The epoch lines watch the validation set: the kept epoch has its least loss.
    let losses: Vec<f64> = lines[..lines.len() - 1]
        .iter()
        .map(|l| l["test_loss"].as_f64().unwrap())
        .collect();
    let least = losses.iter().cloned().fold(f64::INFINITY, f64::min);
    assert_eq!(losses[best as usize - 1], least);
    let text = ok(&["train", "--epochs", "300", "--patience", "3"]);
    assert!(
        text.contains("val loss") && text.contains("early stopping:"),
        "{text}"
    );
    fails(&["train", "--validation", "0.2"], 2);
    fails(&["train", "--patience", "2", "--validation", "1.5"], 2);
}

/// An IDX file of unsigned bytes with these dimensions (MNIST's format, uncompressed).
fn idx_u8(dims: &[u32], data: &[u8]) -> Vec<u8> {
    let mut file = vec![0, 0, 0x08, dims.len() as u8];
    for d in dims {
        file.extend_from_slice(&d.to_be_bytes());
    }
    file.extend_from_slice(data);
    file
}

#[test]
fn fashion_mnist_layout_trains_predicts_evaluates_and_plots() {
    // A stand-in with Fashion-MNIST's four files and shapes (28×28 bytes, labels 0..9): each
    // class lights its own band of rows, under noise from a fixed LCG.
    let mut state = 12345u64;
    let mut noise = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 58) as u8
    };
    let mut images = |n: usize| -> (Vec<u8>, Vec<u8>) {
        let (mut pixels, mut labels) = (Vec::new(), Vec::new());
        for i in 0..n {
            let class = (i * 7 % 10) as u8;
            labels.push(class);
            for row in 0..28u8 {
                for _ in 0..28 {
                    let lit = row / 3 == class;
                    pixels.push(if lit { 160 + noise() } else { noise() });
                }
            }
        }
        (pixels, labels)
    };
    let (train_x, train_y) = images(300);
    let (test_x, test_y) = images(100);
    let dir = temp_file(
        "fmnist-chain",
        "train-images-idx3-ubyte",
        &idx_u8(&[300, 28, 28], &train_x),
    );
    let dir = dir.parent().unwrap().to_path_buf();
    std::fs::write(
        dir.join("train-labels-idx1-ubyte"),
        idx_u8(&[300], &train_y),
    )
    .unwrap();
    std::fs::write(
        dir.join("t10k-images-idx3-ubyte"),
        idx_u8(&[100, 28, 28], &test_x),
    )
    .unwrap();
    std::fs::write(dir.join("t10k-labels-idx1-ubyte"), idx_u8(&[100], &test_y)).unwrap();
    let labels: String = test_y.iter().map(|y| format!("{y}\n")).collect();
    std::fs::write(dir.join("y.csv"), labels).unwrap();
    let data = format!("fashion-mnist:{}", dir.display());
    let path = |name: &str| dir.join(name).to_str().unwrap().to_string();
    let last = trained(&["--data", &data, "--save", &path("m.json")]);
    assert!(last["test_accuracy"].as_f64().unwrap() > 0.95, "{last}");
    let o = xent(&[
        "predict",
        "--model",
        &path("m.json"),
        "--data",
        &data,
        "--proba",
        "--out",
        &path("p.csv"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&ok(&[
        "eval",
        "--pred",
        &path("p.csv"),
        "--labels",
        &path("y.csv"),
        "--plot",
        &path("rel.png"),
        "--json",
    ]))
    .unwrap();
    assert_eq!(report["n_samples"], 100);
    assert_eq!(
        report["accuracy"], last["test_accuracy"],
        "predict scores the test set"
    );
    let png = std::fs::read(dir.join("rel.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000);
}

#[test]
fn one_name_per_input_across_subcommands_with_the_old_names_accepted() {
    // --pred and --labels everywhere; PyTorch's names (and the old ones) still work, unlisted.
    let help = ok(&["loss", "cross-entropy", "--help"]);
    for listed in ["--pred <", "--labels <", "--class-weight <"] {
        assert!(help.contains(listed), "{listed} in {help}");
    }
    for hidden in ["--input <", "--target <", "--weight <", "--logits <"] {
        assert!(!help.contains(hidden), "{hidden} in {help}");
    }
    let new = ok(&[
        "loss",
        "cross-entropy",
        "--pred",
        "2,1,0.1",
        "--labels",
        "0",
        "--class-weight",
        "1,2,3",
    ]);
    let old = ok(&[
        "loss",
        "cross-entropy",
        "--logits",
        "2,1,0.1",
        "--target",
        "0",
        "--weight",
        "1,2,3",
    ]);
    assert_eq!(new, old);
    assert_eq!(new, "loss = 0.41703001627783354\n");
    let new = ok(&[
        "loss",
        "bce",
        "--pred",
        "0.3,-1",
        "--from-logits",
        "--labels",
        "1,0",
        "--element-weight",
        "2,1",
    ]);
    let old = ok(&[
        "loss",
        "bce",
        "--input",
        "0.3,-1",
        "--logits",
        "--target",
        "1,0",
        "--weight-file",
        "2,1",
    ]);
    assert_eq!(new, old);
    // --delimiter applies to every text input, not only eval's.
    let semicolons = temp_file("delimiter", "p.csv", b"0.5;0.25;0.25\n");
    let out = ok(&[
        "entropy",
        semicolons.to_str().unwrap(),
        "--delimiter",
        ";",
        "--base",
        "2",
    ]);
    assert!(out.contains("1.5"), "{out}");
}
