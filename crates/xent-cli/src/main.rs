//! `xent`: cross-entropy, information measures and stable softmax from the command line.
//!
//! Exit codes: 0 on success, 1 for bad data or an unreadable file, 2 for bad usage (unknown
//! option, invalid base or temperature). Errors are one line on stderr, never a backtrace.

mod args;
mod bench;
mod commands;
mod data_spec;
mod failure;
mod operand;
mod output;
mod plot;
mod row_input;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => e.exit(), // --help and --version print to stdout
        Err(e) => {
            // clap's first line says what is wrong; the rest is a hint to run --help.
            let text = e.to_string();
            let first = text.lines().next().unwrap_or("invalid usage");
            eprintln!("xent: {first} (see xent --help)");
            return ExitCode::from(2);
        }
    };
    match commands::run(&cli) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(failure) => {
            eprintln!("xent: error: {}", failure.message);
            ExitCode::from(failure.exit_code())
        }
    }
}
