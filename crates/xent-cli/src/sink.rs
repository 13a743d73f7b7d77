//! Every byte the command writes to standard output goes through here: a closed pipe ends
//! the program quietly (as `head` users expect), any other failure (a full disk) is an
//! error with exit code 1, never a panic.

use crate::failure::Failure;
use std::io::{self, Write};

/// Standard output, buffered, with its errors turned into [`Failure`]s.
pub struct Stdout {
    out: io::BufWriter<io::StdoutLock<'static>>,
}

impl Stdout {
    pub fn new() -> Stdout {
        Stdout {
            out: io::BufWriter::with_capacity(1 << 16, io::stdout().lock()),
        }
    }

    /// Writes `text`.
    pub fn write(&mut self, text: &str) -> Result<(), Failure> {
        self.out.write_all(text.as_bytes()).map_err(failure)
    }

    /// Writes `line` and a line end, and flushes, so that a line reaches a reader (a
    /// training table read as it grows) as soon as it is complete.
    pub fn line(&mut self, line: &str) -> Result<(), Failure> {
        self.write(line)?;
        self.write("\n")?;
        self.flush()
    }

    /// Flushes what is buffered; the last write's error shows here.
    pub fn flush(&mut self) -> Result<(), Failure> {
        self.out.flush().map_err(failure)
    }
}

fn failure(e: io::Error) -> Failure {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Failure::closed_pipe()
    } else {
        Failure::data(format!("cannot write to standard output: {e}"))
    }
}

/// Prints an error line on standard error; if even that fails (stderr on a full disk) there
/// is no one left to tell, and the exit code still says it.
pub fn error_line(text: &str) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "{text}");
}
