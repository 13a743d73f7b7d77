//! Peak memory of the benchmark process, read from /proc as the anchors read it.

/// A field of /proc/self/status in MiB (`VmRSS`, `VmHWM`), when the system has one.
pub fn status_mb(key: &str) -> Option<f64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = text
        .lines()
        .find(|l| l.starts_with(key) && l[key.len()..].starts_with(':'))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Resets the kernel's peak-RSS mark to the current RSS (`/proc/self/clear_refs` ← 5), so the
/// peak of the timed section alone can be read afterwards. `false` when not permitted.
pub fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}
