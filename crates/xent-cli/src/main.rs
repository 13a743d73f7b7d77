//! `xent`: cross-entropy, information measures and stable softmax from the command line
//! (see the library part, `xent_cli`, for the exit codes).

use std::process::ExitCode;

fn main() -> ExitCode {
    xent_cli::ignore_file_size_signal();
    ExitCode::from(xent_cli::run(std::env::args_os()))
}
