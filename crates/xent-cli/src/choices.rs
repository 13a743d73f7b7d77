//! Option values checked by clap while it parses the command line: the closed sets as
//! `ValueEnum`s (clap lists them in `--help`, suggests the nearest one for a typo and exits 2
//! before any file is read), and the open ones (a divisor, an estimator with a parameter, a
//! delimiter) as value parsers that give the same kind of error.

use clap::ValueEnum;
use xent::estimate::Estimator;
use xent::loss::KlReduction;
use xent::train::ModelKind;
use xent::Reduction;

/// `--reduction`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReductionChoice {
    /// One loss per element (or row).
    None,
    /// The mean.
    Mean,
    /// The sum.
    Sum,
    /// The sum divided by the batch size (kl-div only, as PyTorch).
    Batchmean,
}

impl ReductionChoice {
    /// The reduction of every loss but kl-div; `batchmean` is kl-div's alone.
    pub fn reduction(self) -> Result<Reduction, String> {
        match self {
            ReductionChoice::None => Ok(Reduction::None),
            ReductionChoice::Mean => Ok(Reduction::Mean),
            ReductionChoice::Sum => Ok(Reduction::Sum),
            ReductionChoice::Batchmean => {
                Err("--reduction batchmean is kl-div's only: use none, mean or sum".into())
            }
        }
    }

    /// kl-div's reduction.
    pub fn kl(self) -> KlReduction {
        match self {
            ReductionChoice::None => KlReduction::None,
            ReductionChoice::Mean => KlReduction::Mean,
            ReductionChoice::Sum => KlReduction::Sum,
            ReductionChoice::Batchmean => KlReduction::BatchMean,
        }
    }
}

/// `xent train --model`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModelChoice {
    /// Softmax regression (classes).
    Softmax,
    /// Logistic regression (two classes).
    Logistic,
    /// Linear regression (real targets).
    Linear,
}

impl From<ModelChoice> for ModelKind {
    fn from(choice: ModelChoice) -> ModelKind {
        match choice {
            ModelChoice::Softmax => ModelKind::Softmax,
            ModelChoice::Logistic => ModelKind::Logistic,
            ModelChoice::Linear => ModelKind::Linear,
        }
    }
}

/// `xent estimate mi --method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MiMethod {
    /// The plug-in estimate of the empirical joint distribution.
    Plugin,
    /// James–Stein shrinkage of the joint distribution towards uniform.
    Shrink,
}

impl MiMethod {
    /// The name printed in reports.
    pub fn name(self) -> &'static str {
        match self {
            MiMethod::Plugin => "plugin",
            MiMethod::Shrink => "shrink",
        }
    }
}

/// `xent train --scale`: none, standardize, or a positive divisor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ScaleChoice {
    /// Raw features.
    None,
    /// Mean 0 and variance 1 per feature, fitted on the training set.
    Standardize,
    /// Every feature divided by this (255 for pixels).
    Divide(f32),
}

/// Parses `--scale`.
pub fn parse_scale(text: &str) -> Result<ScaleChoice, String> {
    match text {
        "none" => Ok(ScaleChoice::None),
        "standardize" | "standardise" => Ok(ScaleChoice::Standardize),
        number => match number.parse::<f32>() {
            Ok(by) if by.is_finite() && by > 0.0 => Ok(ScaleChoice::Divide(by)),
            _ => Err("use none, standardize or a positive divisor such as 255".into()),
        },
    }
}

/// Parses `xent estimate entropy --method`: `all` or an estimator's name (`dirichlet:A`
/// included), kept as the text the report prints.
pub fn parse_estimator(text: &str) -> Result<String, String> {
    if text == "all" {
        return Ok(text.into());
    }
    text.parse::<Estimator>()
        .map(|_| text.to_string())
        .map_err(|e| e.to_string())
}

/// Parses `eval --zero-division`: 0, 1 or nan.
pub fn parse_zero_division(text: &str) -> Result<f64, String> {
    match text.to_ascii_lowercase().as_str() {
        "0" => Ok(0.0),
        "1" => Ok(1.0),
        "nan" => Ok(f64::NAN),
        _ => Err("use 0, 1 or nan".into()),
    }
}

/// Parses `--delimiter`: one ASCII character, `tab` or `space`.
pub fn parse_delimiter(text: &str) -> Result<u8, String> {
    let byte = match text {
        "tab" | "\\t" | "\t" => b'\t',
        "space" => b' ',
        _ if text.len() == 1 => text.as_bytes()[0],
        _ => return Err("give one character, tab or space".into()),
    };
    if byte.is_ascii_digit() || b".+-#\r\n\"".contains(&byte) || !byte.is_ascii() {
        return Err("that character can be part of a number or a comment".into());
    }
    Ok(byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_values_parse_and_their_errors_say_what_is_accepted() {
        assert_eq!(parse_scale("255"), Ok(ScaleChoice::Divide(255.0)));
        assert_eq!(parse_scale("standardise"), Ok(ScaleChoice::Standardize));
        assert!(parse_scale("0").unwrap_err().contains("positive divisor"));
        assert_eq!(
            parse_estimator("dirichlet:0.5").as_deref(),
            Ok("dirichlet:0.5")
        );
        assert!(parse_estimator("nope").unwrap_err().contains("plugin"));
        assert_eq!(parse_delimiter("tab"), Ok(b'\t'));
        assert_eq!(parse_delimiter(";"), Ok(b';'));
        assert_eq!(parse_delimiter("space"), Ok(b' '));
        assert!(parse_delimiter("-").is_err());
        assert!(parse_delimiter(";;").is_err());
        assert!(ReductionChoice::Batchmean.reduction().is_err());
        assert_eq!(ReductionChoice::Batchmean.kl(), KlReduction::BatchMean);
    }
}
