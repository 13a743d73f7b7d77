//! The bounds every option that sizes memory or time is checked against, in one place, so
//! that `--help`, the checks and the README quote the same numbers.

use crate::failure::Failure;
use std::sync::atomic::{AtomicU64, Ordering};

/// Most equal-width calibration bins (`eval --bins`).
pub const MAX_BINS: usize = xent::eval::MAX_BINS;
/// Most classes of the top-k accuracy (`eval --top-k`).
pub const MAX_TOP_K: usize = 1_000_000;
/// Largest alphabet the counts are padded to (`estimate entropy --alphabet`): 80 MB of
/// counts.
pub const MAX_ALPHABET: usize = 10_000_000;
/// Most bootstrap replicates (`estimate entropy --bootstrap`).
pub const MAX_BOOTSTRAP: usize = 100_000;
/// Most steps of a bootstrap: replicates × (draws per replicate + counts).
pub const MAX_BOOTSTRAP_WORK: f64 = 1e9;
/// Most passes over the training set (`train --epochs`).
pub const MAX_EPOCHS: usize = 100_000;
/// Largest minibatch (`train --batch-size`); the batch is also cut to the training set.
pub const MAX_BATCH: usize = 1 << 24;
/// Most timed calls per benchmark case (`bench --repeats`).
pub const MAX_REPEATS: usize = 1000;
/// Threads per logical CPU at most (`--threads`): more only adds switching.
pub const THREADS_PER_CPU: usize = 4;

/// The line-length limit of every text reader, set from `--max-line-bytes` by each run.
static MAX_LINE_BYTES: AtomicU64 = AtomicU64::new(xent::data::DEFAULT_MAX_LINE_BYTES);

/// Sets the line-length limit for the run that parsed it.
pub fn set_max_line_bytes(limit: u64) {
    MAX_LINE_BYTES.store(limit, Ordering::Relaxed);
}

/// The CSV delimiter of every text reader (0: detect it), set from `--delimiter`.
static DELIMITER: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// Sets the delimiter for the run that parsed it (`None`: detect it).
pub fn set_delimiter(delimiter: Option<u8>) {
    DELIMITER.store(delimiter.unwrap_or(0), Ordering::Relaxed);
}

/// The delimiter `--delimiter` gave, or `None` to detect it from each file.
pub fn delimiter() -> Option<u8> {
    match DELIMITER.load(Ordering::Relaxed) {
        0 => None,
        d => Some(d),
    }
}

/// The line-length limit in bytes (default 1 GiB).
pub fn max_line_bytes() -> u64 {
    MAX_LINE_BYTES.load(Ordering::Relaxed)
}

/// The logical CPUs of this machine.
pub fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Checks `--threads`: at least 1, at most [`THREADS_PER_CPU`] × the logical CPUs.
pub fn check_threads(threads: usize) -> Result<usize, Failure> {
    let cap = THREADS_PER_CPU * cpus();
    if threads == 0 {
        return Err(Failure::usage("--threads must be at least 1"));
    }
    if threads > cap {
        return Err(Failure::usage(format!(
            "--threads {threads}: at most {cap} ({THREADS_PER_CPU} × the {} logical CPUs)",
            cpus()
        )));
    }
    Ok(threads)
}

/// A byte count with an optional K, M or G suffix (powers of 1024): `65536`, `64K`, `1G`.
pub fn parse_bytes(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let (digits, scale) = match t.as_bytes().last() {
        Some(b'k' | b'K') => (&t[..t.len() - 1], 1u64 << 10),
        Some(b'm' | b'M') => (&t[..t.len() - 1], 1 << 20),
        Some(b'g' | b'G') => (&t[..t.len() - 1], 1 << 30),
        _ => (t, 1),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .filter(|&n| n > 0 && n <= 1 << 40)
        .ok_or_else(|| format!("{text:?}: give a size from 1 byte to 1T, such as 65536, 64K or 1G"))
}

/// A clap parser for a whole number in `min..=max` whose error names the bound.
pub fn bounded(min: usize, max: usize) -> impl Fn(&str) -> Result<usize, String> + Clone {
    move |text: &str| {
        let n: usize = text
            .trim()
            .parse()
            .map_err(|_| format!("{text:?} is not a whole number"))?;
        if n < min || n > max {
            Err(format!("must be from {min} to {max}"))
        } else {
            Ok(n)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_bounds() {
        assert_eq!(parse_bytes("64K"), Ok(65536));
        assert_eq!(parse_bytes("1g"), Ok(1 << 30));
        assert!(parse_bytes("0").is_err());
        assert!(parse_bytes("99999999999999999999").is_err());
        assert!(parse_bytes("2T").is_err());
        let epochs = bounded(1, MAX_EPOCHS);
        assert_eq!(epochs("10"), Ok(10));
        assert_eq!(epochs("0"), Err("must be from 1 to 100000".into()));
        assert!(epochs("18446744073709551616").is_err());
        assert!(check_threads(0).is_err());
        assert!(check_threads(1).is_ok());
        assert!(check_threads(10_000).is_err());
    }
}
