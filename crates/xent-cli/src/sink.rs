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

/// The most characters of an error line: any value echoed in it (a 20 MB option value, a
/// path the system refused as too long) is cut in the middle to fit.
const MAX_ERROR_CHARS: usize = 600;

/// Prints an error line on standard error, cut to [`MAX_ERROR_CHARS`]; if even that fails
/// (stderr on a full disk) there is no one left to tell, and the exit code still says it.
pub fn error_line(text: &str) {
    let chars = text.chars().count();
    let line = if chars > MAX_ERROR_CHARS {
        let head: String = text.chars().take(MAX_ERROR_CHARS / 2).collect();
        let tail: String = text.chars().skip(chars - MAX_ERROR_CHARS / 3).collect();
        format!(
            "{head}… ({} characters cut) …{tail}",
            chars - head.chars().count() - tail.chars().count()
        )
    } else {
        text.to_string()
    };
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

/// Writes a block of text (a help page) to stderr as it is; a failing stderr is ignored, as
/// for [`error_line`].
pub fn error_text(text: &str) {
    let mut err = io::stderr().lock();
    let _ = write!(err, "{text}");
    if !text.ends_with('\n') {
        let _ = writeln!(err);
    }
}
