//! Any bytes as a `--samples` file of `xent estimate entropy` and `xent estimate mi`, run
//! in-process through the command line: exit code 0 or 1 (bad data), never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("xent-fuzz-samples-{}.txt", std::process::id()));
    std::fs::write(&path, data).unwrap();
    let file = path.display().to_string();
    for args in [
        vec!["xent", "estimate", "entropy", "--samples", &file, "--method", "all"],
        vec!["xent", "estimate", "mi", "--samples", &file],
        vec!["xent", "estimate", "mi", "--samples", &file, "--method", "shrink", "--json"],
    ] {
        let code = xent_cli::run(args);
        assert!(code <= 1, "exit code {code}");
    }
});
