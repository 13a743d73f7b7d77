//! The whole command line in-process: the input, split at NUL bytes, is the argument list of
//! `xent`. Every outcome is an exit code of 0, 1 or 2, never a panic. Left out, because they
//! are not about parsing and would only cost time or leave the sandbox: standard input
//! (`-`), `bench` (it starts child processes), devices (`/dev/…`), Fashion-MNIST (60,000
//! images a call) and training for more than one epoch. Runs in a temporary folder, so that
//! files the arguments name stay there.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

fuzz_target!(init: {
    let dir = std::env::temp_dir().join(format!("xent-fuzz-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::env::set_current_dir(&dir).unwrap();
    // Operands the arguments may name.
    std::fs::write("p.csv", "0.5,0.5\n0.25,0.75\n").unwrap();
    std::fs::write("y.csv", "0\n1\n").unwrap();
    std::fs::write("s.txt", "a\nb\na\n").unwrap();
    std::fs::write("m.json", concat!(
        r#"{"format":"xent-linear-model","version":1,"kind":"softmax","inputs":2,"outputs":2,"#,
        r#""weights":[[1,0],[0,1]],"bias":[0,0],"scaling":{"kind":"none"}}"#
    )).unwrap();
}, |data: &[u8]| {
    let args: Vec<&[u8]> = data.split(|&b| b == 0).collect();
    if args.len() > 24 {
        return;
    }
    let text = |a: &[u8]| String::from_utf8_lossy(a).into_owned();
    let skip = args.iter().map(|a| text(a)).any(|a| {
        a == "-"
            || a.ends_with("=-")
            || a.contains("/dev")
            || a.contains("bench")
            || a.contains("fashion")
            || a.contains("epochs")
            || a.contains("max-line")
    });
    if skip {
        return;
    }
    let mut argv: Vec<OsString> = vec!["xent".into()];
    argv.extend(args.iter().map(|a| OsString::from_vec(a.to_vec())));
    argv.extend(["--max-line-bytes".into(), "16M".into()]);
    if args.iter().any(|a| text(a) == "train") {
        argv.extend(["--epochs".into(), "1".into()]);
    }
    let code = xent_cli::run(argv);
    assert!(code <= 2, "exit code {code}");
});
