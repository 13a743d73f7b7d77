//! Numbers as people read them: the shortest text that reads back as the same `f64`.

use std::fmt;

/// Displays an `f64` in the shortest form that parses back to the same value, with an
/// exponent when the magnitude is below 10⁻⁵ or at least 10¹⁶ (Rust's `{}` would print
/// 5e-324 as 327 characters). `inf`, `-inf` and `NaN` as Rust spells them.
///
/// Every number the library puts into an error message, and every number the `xent` command
/// prints, goes through this one formatter.
///
/// # Example
/// ```
/// use xent::Shortest;
/// assert_eq!(Shortest(0.1).to_string(), "0.1");
/// assert_eq!(Shortest(5e-324).to_string(), "5e-324");
/// assert_eq!(Shortest(1e300).to_string(), "1e300");
/// assert_eq!(Shortest(-2.5e-7).to_string(), "-2.5e-7");
/// assert_eq!(Shortest(123456.0).to_string(), "123456");
/// assert_eq!(Shortest(f64::NEG_INFINITY).to_string(), "-inf");
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shortest(pub f64);

impl fmt::Display for Shortest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        let a = v.abs();
        if a != 0.0 && a.is_finite() && !(1e-5..1e16).contains(&a) {
            write!(f, "{v:e}")
        } else {
            write!(f, "{v}")
        }
    }
}

/// At most `max` characters of `text`, with `…` and the full length in bytes when it was
/// cut, so that a 20 MB field is not echoed whole in an error message.
pub(crate) fn excerpt(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((end, _)) => format!("{}… ({} bytes)", &text[..end], text.len()),
    }
}

/// The first twelve names of a list, comma-separated, with `…` for the rest: a header of 784
/// pixel names is not echoed whole in an error message.
pub(crate) fn name_list(names: &[String]) -> String {
    let mut list: Vec<&str> = names.iter().take(12).map(String::as_str).collect();
    if names.len() > 12 {
        list.push("…");
    }
    list.join(", ")
}

/// The characters of an echoed value kept in an error message.
pub(crate) const EXCERPT_CHARS: usize = 60;

/// A long message cut in its middle: its start and its end (where serde puts the line and
/// column) survive.
pub(crate) fn shorten_middle(text: &str, keep: usize) -> String {
    let chars = text.chars().count();
    if chars <= 2 * keep + 1 {
        return text.to_string();
    }
    let head: String = text.chars().take(keep).collect();
    let tail: String = text.chars().skip(chars - keep).collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shortest_form_reads_back() {
        for v in [
            0.0,
            -0.0,
            1.0,
            0.1,
            1e-5,
            9.99e-6,
            1e16,
            9.9e15,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
            -3.25,
            1.0 / 3.0,
        ] {
            let text = Shortest(v).to_string();
            assert_eq!(
                text.parse::<f64>().unwrap().to_bits(),
                v.to_bits(),
                "{text}"
            );
            assert!(text.len() <= 24, "{text}");
        }
    }

    #[test]
    fn excerpts_cut_long_text_only() {
        assert_eq!(excerpt("abc", 60), "abc");
        let long = "x".repeat(1000);
        assert_eq!(excerpt(&long, 5), "xxxxx… (1000 bytes)");
        assert_eq!(shorten_middle("abcdefghij", 2), "ab…ij");
        assert_eq!(shorten_middle("abcde", 2), "abcde");
    }
}
