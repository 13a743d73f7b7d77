//! The `xent` command as a library: [`run`] takes the arguments and returns the exit code,
//! so that the binary is one call and a fuzzer can drive the whole command line in-process.
//!
//! Exit codes: 0 on success (and when standard output is closed by its reader), 1 for bad
//! data or a file that cannot be read or written, 2 for bad usage (unknown option, an
//! option's value out of range). Errors are one line on stderr, never a backtrace.

mod args;
mod bench;
mod choices;
mod commands;
mod data_spec;
mod failure;
mod limits;
mod operand;
mod output;
mod plot;
mod row_input;
mod sink;
mod source;

use clap::Parser;
use std::ffi::OsString;

/// Runs the command line `args` (the program's name first) and returns its exit code.
pub fn run(args: impl IntoIterator<Item = impl Into<OsString> + Clone>) -> u8 {
    let cli = match args::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version print to stdout, which may be closed or full too.
            let mut out = sink::Stdout::new();
            let printed = out
                .write(&e.render().to_string())
                .and_then(|()| out.flush());
            return match printed {
                Ok(()) => 0,
                Err(f) => finish(f),
            };
        }
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            // `xent` or `xent loss` alone: the help itself, as clap lays it out (on stderr,
            // exit 2, as for any usage error), not squeezed onto one line.
            sink::error_text(&e.render().to_string());
            return 2;
        }
        Err(e) => {
            sink::error_line(&args::usage_message(&e));
            return 2;
        }
    };
    limits::set_max_line_bytes(cli.common.max_line_bytes);
    limits::set_delimiter(cli.common.delimiter);
    let mut out = sink::Stdout::new();
    let result = commands::run(&cli, &mut out).and_then(|()| out.flush());
    match result {
        Ok(()) => 0,
        Err(failure) => finish(failure),
    }
}

/// Reports a failure (a closed pipe quietly) and gives its exit code.
fn finish(failure: failure::Failure) -> u8 {
    if failure.kind != failure::Kind::ClosedPipe {
        sink::error_line(&format!("xent: error: {}", failure.message));
    }
    failure.exit_code()
}

/// A write beyond the shell's file-size limit (`ulimit -f`) would raise SIGXFSZ, whose
/// default action kills the process half-way through a temporary file; ignored, the write
/// fails with EFBIG instead, which the atomic writer cleans up and reports. Called once, by
/// the binary, before any other thread exists.
pub fn ignore_file_size_signal() {
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to SIG_IGN has no preconditions; it runs
    // before any other thread exists.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}
