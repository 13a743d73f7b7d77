//! The edges of the command: standard output closed or full, standard error full, files
//! that cannot be written whole (a file-size limit mid-write), endless inputs under a memory
//! limit. Whatever happens, no panic, the exit code says what happened, and no file that
//! existed before is damaged.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn xent() -> Command {
    Command::new(env!("CARGO_BIN_EXE_xent"))
}

fn malformed(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/malformed")
        .join(name)
        .display()
        .to_string()
}

/// A fresh folder for one test's files.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xent-edges-{test}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// A large CSV of logits, so that the output is far larger than a pipe's buffer, and a
/// file of their class labels beside it.
fn big_logits(dir: &Path) -> String {
    let path = dir.join("big.csv");
    let (mut text, mut labels) = (String::new(), String::new());
    for i in 0..20_000 {
        text.push_str(&format!("{},{},{}\n", i % 7, i % 3, -(i % 5)));
        labels.push_str(&format!("{}\n", i % 3));
    }
    fs::write(&path, text).unwrap();
    fs::write(dir.join("big_labels.csv"), labels).unwrap();
    path.display().to_string()
}

fn big_labels(dir: &Path) -> String {
    dir.join("big_labels.csv").display().to_string()
}

/// One command line of every subcommand that prints something, as argument lists.
fn every_command(dir: &Path) -> Vec<Vec<String>> {
    let big = big_logits(dir);
    let (pred, labels) = (malformed("good_pred.csv"), malformed("good_labels.csv"));
    let model = dir.join("model.json").display().to_string();
    let lines = [
        "entropy 0.5,0.25,0.25".to_string(),
        "cross-entropy 0,0,1 0.3,0.3,0.4".into(),
        "kl 1,0,0 0.7,0.2,0.1 --json".into(),
        format!("js {pred} {pred}"),
        "perplexity 0.5,0.5".into(),
        format!("softmax {big}"),
        format!("softmax {big} --log --json"),
        format!("logsumexp {big}"),
        format!("eval --pred {pred} --labels {labels}"),
        format!("eval --pred {pred} --labels {labels} --json"),
        "estimate entropy 3,1,1,0 --method all".into(),
        "estimate mi 10,2".into(),
        format!(
            "loss cross-entropy --logits {big} --target {} --reduction none",
            big_labels(dir)
        ),
        "loss mse --input 1,2 --target 1,3".into(),
        format!(
            "mutual-information {} --normalize",
            malformed("good_pred.csv")
        ),
        "train --epochs 2".into(),
        "train --epochs 1 --json".into(),
        format!("predict --model {model}"),
        "bench --quick --case W3:1024x8000 --repeats 1".into(),
        "--help".into(),
        "eval --help".into(),
        "--version".into(),
    ];
    lines
        .iter()
        .map(|l| l.split_whitespace().map(String::from).collect())
        .collect()
}

/// Saves a digits model for `predict` to use.
fn save_model(dir: &Path) {
    let model = dir.join("model.json");
    let status = xent()
        .args(["train", "--epochs", "1", "--save"])
        .arg(&model)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
}

fn no_panic(output: &Output, context: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("panicked") && output.status.code() != Some(101),
        "{context}: {stderr}"
    );
}

#[test]
fn a_closed_pipe_ends_every_command_quietly() {
    let dir = scratch("pipe");
    save_model(&dir);
    for args in every_command(&dir) {
        // The read end is closed before the command starts: its first write fails.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let output = xent().args(&args).stdout(writer).output().unwrap();
        let context = format!("xent {}", args.join(" "));
        no_panic(&output, &context);
        assert_eq!(output.status.code(), Some(0), "{context}");
        assert!(
            output.stderr.is_empty(),
            "{context}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_full_disk_on_standard_output_is_an_error() {
    let dir = scratch("full");
    save_model(&dir);
    for args in every_command(&dir) {
        let full = fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let output = xent().args(&args).stdout(full).output().unwrap();
        let context = format!("xent {}", args.join(" "));
        no_panic(&output, &context);
        assert_eq!(output.status.code(), Some(1), "{context}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            stderr.trim_end(),
            "xent: error: cannot write to standard output: No space left on device (os error 28)",
            "{context}"
        );
    }
    fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_full_standard_error_keeps_the_exit_code() {
    for (args, code) in [
        (vec!["entropy", "nosuch"], 1),
        (vec!["entropy", "--base", "1", "0.5,0.5"], 2),
        (vec!["--prde"], 2),
    ] {
        let full = || {
            fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap()
        };
        let output = xent()
            .args(&args)
            .stdout(full())
            .stderr(full())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(code), "xent {}", args.join(" "));
    }
}

/// Runs `xent` under `ulimit -f` (512-byte blocks) so that writing a file fails half-way.
fn with_file_limit(blocks: u32, args: &[String]) -> Output {
    let script = format!("ulimit -f {blocks}; exec \"$0\" \"$@\"");
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_xent"))
        .args(args)
        .stdout(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn a_write_cut_short_leaves_the_old_file_byte_for_byte() {
    let dir = scratch("ulimit");
    let big = big_logits(&dir);
    let old = b"the previous file, which must survive\n".to_vec();
    let target = |name: &str| dir.join(name).display().to_string();
    let cases: Vec<(String, Vec<String>)> = vec![
        (
            target("model.json"),
            vec![
                "train".into(),
                "--epochs".into(),
                "1".into(),
                "--save".into(),
            ],
        ),
        (
            target("grad.csv"),
            vec![
                "loss".into(),
                "cross-entropy".into(),
                "--logits".into(),
                big.clone(),
                "--target".into(),
                big_labels(&dir),
                "--grad".into(),
            ],
        ),
        (
            target("curves.svg"),
            vec![
                "train".into(),
                "--epochs".into(),
                "2".into(),
                "--plot".into(),
            ],
        ),
    ];
    for (path, mut args) in cases {
        fs::write(&path, &old).unwrap();
        args.push(path.clone());
        let output = with_file_limit(2, &args);
        let context = format!("xent {}", args.join(" "));
        no_panic(&output, &context);
        assert_eq!(output.status.code(), Some(1), "{context}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.starts_with(&format!("xent: error: {path}: File too large")),
            "{context}: {stderr}"
        );
        assert_eq!(
            fs::read(&path).unwrap(),
            old,
            "{context}: the old file changed"
        );
    }
    // No temporary file is left behind.
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "big.csv",
            "big_labels.csv",
            "curves.svg",
            "grad.csv",
            "model.json"
        ]
    );
    fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_failing_plot_does_not_lose_the_trained_model() {
    let dir = scratch("plot");
    let model = dir.join("model.json");
    let plot = dir.join("curves.svg");
    // The plot's file is written after the model: a limit that the model fits in and the
    // plot does not.
    let args: Vec<String> = ["train", "--epochs", "2", "--save"]
        .iter()
        .map(|s| s.to_string())
        .chain([
            model.display().to_string(),
            "--plot".into(),
            plot.display().to_string(),
        ])
        .collect();
    let output = with_file_limit(40, &args);
    no_panic(&output, "train --save --plot");
    assert_eq!(output.status.code(), Some(1));
    let text = fs::read_to_string(&model).expect("the model was saved");
    assert!(
        text.starts_with("{\"format\":\"xent-linear-model\""),
        "{text}"
    );
    assert!(!plot.exists());
    fs::remove_dir_all(&dir).ok();
}

/// Runs `xent` with its address space limited (KiB), so that a runaway buffer aborts.
fn with_memory_limit(kib: u64, args: &[&str]) -> Output {
    let script = format!("ulimit -v {kib}; exec \"$0\" \"$@\"");
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_xent"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn endless_inputs_stop_at_their_limit_within_bounded_memory() {
    let labels = malformed("good_labels.csv");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["eval", "--pred", "/dev/zero", "--labels", &labels],
            "xent: error: /dev/zero:1: the line is longer than",
        ),
        (
            vec!["entropy", "/dev/zero"],
            "xent: error: /dev/zero:1: the line is longer than",
        ),
        (
            vec!["loss", "mse", "--input", "/dev/zero", "--target", "1"],
            "xent: error: /dev/zero:1: the line is longer than",
        ),
        (
            vec!["estimate", "entropy", "--samples", "/dev/zero"],
            "xent: error: /dev/zero:1: the line is longer than",
        ),
        (
            vec!["estimate", "mi", "--samples", "/dev/zero"],
            "xent: error: /dev/zero:1: the line is longer than",
        ),
        (
            vec!["train", "--data", "csv:/dev/zero"],
            "xent: error: /dev/zero:1: the line is longer than",
        ),
        (
            vec!["predict", "--model", "/dev/zero"],
            "xent: error: /dev/zero: larger than",
        ),
        (
            vec!["entropy", "/dev/urandom"],
            "xent: error: /dev/urandom:",
        ),
        (
            vec!["eval", "--pred", "/dev/urandom", "--labels", &labels],
            "xent: error: /dev/urandom:",
        ),
    ];
    for (args, expected) in cases {
        // A 64 MiB line limit under a 1 GiB address space; the model limit stays 1 GiB, so
        // its case runs under 3 GiB.
        let mut limited = args.clone();
        let kib = if args[0] == "predict" {
            3 << 20
        } else {
            limited.extend(["--max-line-bytes", "64M"]);
            1 << 20
        };
        let output = with_memory_limit(kib, &limited);
        let context = format!("xent {}", limited.join(" "));
        no_panic(&output, &context);
        assert_eq!(output.status.code(), Some(1), "{context}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.starts_with(expected), "{context}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{context}: {stderr}");
    }
}

#[test]
fn the_default_line_limit_holds_under_a_memory_limit() {
    // 1 GiB of /dev/zero is read before the error, in a buffer that does not double past it.
    let output = with_memory_limit(2 << 20, &["entropy", "/dev/zero"]);
    no_panic(&output, "entropy /dev/zero");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr).trim_end(),
        "xent: error: /dev/zero:1: the line is longer than 1073741824 bytes (raise \
         --max-line-bytes if it is meant)"
    );
}

#[test]
fn outputs_that_are_devices_or_links_are_written_through() {
    let dir = scratch("special");
    let big = big_logits(&dir);
    let grad = |out: &str| -> Vec<String> {
        ["loss", "cross-entropy", "--logits", &big, "--target"]
            .iter()
            .map(|s| s.to_string())
            .chain([big_labels(&dir), "--grad".into(), out.into()])
            .collect()
    };
    // A device is written in place: /dev/null takes it, /dev/full is a full disk.
    let output = xent().args(grad("/dev/null")).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(!fs::metadata("/dev/null").unwrap().is_file());
    let output = xent().args(grad("/dev/full")).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr).trim_end(),
        "xent: error: /dev/full: No space left on device (os error 28)"
    );
    assert!(!fs::metadata("/dev/full").unwrap().is_file());
    // A link is followed: its target gets the model, the link stays a link.
    let real = dir.join("real.json");
    let link = dir.join("link.json");
    fs::write(&real, "old").unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let output = xent()
        .args(["train", "--epochs", "1", "--save"])
        .arg(&link)
        .stdout(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(fs::read_to_string(&real)
        .unwrap()
        .starts_with("{\"format\""));
    fs::remove_dir_all(&dir).ok();
}
