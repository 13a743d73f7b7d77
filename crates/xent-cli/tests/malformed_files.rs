//! Runs the built binary on every file of `tests/malformed/` as `cases.txt` lists them: each
//! bad input must give its exit code and one line on stderr with the expected message, and
//! nothing may panic.

use std::path::Path;
use std::process::Command;

#[test]
fn every_malformed_file_gets_one_clear_line_and_its_exit_code() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed");
    let folder = dir.to_str().expect("a UTF-8 path");
    let cases = std::fs::read_to_string(dir.join("cases.txt")).expect("the case list");
    let mut checked = 0;
    let mut failures = Vec::new();
    for (number, line) in cases.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.splitn(3, " | ").collect();
        let [code, message, args] = fields[..] else {
            panic!(
                "cases.txt:{}: expected `exit | message | arguments`",
                number + 1
            );
        };
        let code: i32 = code.trim().parse().expect("an exit code");
        let message = message.trim().replace("{}", folder);
        let args: Vec<String> = args
            .split_whitespace()
            .map(|a| a.replace("{}", folder))
            .collect();
        let output = Command::new(env!("CARGO_BIN_EXE_xent"))
            .args(&args)
            .stdin(std::process::Stdio::null())
            .output()
            .expect("the xent binary runs");
        let context = format!("cases.txt:{}: xent {}", number + 1, args.join(" "));
        if let Err(why) = check(&output, code, &message) {
            failures.push(format!("{context}: {why}"));
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 120, "only {checked} cases ran");
}

/// Whether one run gave its exit code, one line on stderr with the message, and no panic.
fn check(output: &std::process::Output, code: i32, message: &str) -> Result<(), String> {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if stdout.contains("panicked") || stderr.contains("panicked") {
        return Err(format!("panicked: {stderr}"));
    }
    if output.status.code() != Some(code) {
        return Err(format!(
            "exit code {:?}, not {code}; stderr: {stderr}",
            output.status.code()
        ));
    }
    if code != 0 {
        if !stdout.is_empty() {
            return Err(format!("printed {stdout}"));
        }
        if !stderr.contains(message) {
            return Err(format!("expected {message:?} in {stderr:?}"));
        }
        if stderr.trim_end().lines().count() != 1 {
            return Err(format!("one line, not {stderr:?}"));
        }
    }
    Ok(())
}
