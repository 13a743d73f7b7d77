//! The command line's grammar.

use clap::{Args, Parser, Subcommand};
use xent::Base;

/// Cross-entropy and the information measures around it.
///
/// An operand is an inline comma-separated vector (`0.5,0.25,0.25`), a `.csv` file (no
/// header, one distribution per line; inf, -inf and nan accepted), a `.npy` file (1-D or 2-D,
/// float or integer), or `-` for CSV on standard input.
#[derive(Debug, Parser)]
#[command(name = "xent", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub common: Common,
}

/// Options every command accepts.
#[derive(Debug, Args)]
pub struct Common {
    /// Logarithm base: 2 (bits), e (nats), 10 (bans) or any positive number ≠ 1.
    #[arg(long, global = true, default_value = "e", value_parser = parse_base)]
    pub base: Base,
    /// Accept non-negative weights or counts and divide each row by its sum (as SciPy does).
    #[arg(long, global = true)]
    pub normalize: bool,
    /// Print one JSON object on stdout instead of text.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Entropy H(P) = −Σ p log p of each distribution.
    Entropy {
        /// The distribution(s) P.
        #[arg(allow_hyphen_values = true)]
        p: String,
    },
    /// Cross-entropy H(P,Q) = −Σ p log q.
    CrossEntropy {
        /// The true distribution(s) P.
        #[arg(allow_hyphen_values = true)]
        p: String,
        /// The model distribution(s) Q.
        #[arg(allow_hyphen_values = true)]
        q: String,
    },
    /// KL divergence D(P‖Q) = Σ p log(p/q).
    Kl {
        /// The distribution(s) P.
        #[arg(allow_hyphen_values = true)]
        p: String,
        /// The reference distribution(s) Q.
        #[arg(allow_hyphen_values = true)]
        q: String,
    },
    /// Jensen–Shannon divergence ½D(P‖M) + ½D(Q‖M), M = (P+Q)/2.
    Js {
        /// The distribution(s) P.
        #[arg(allow_hyphen_values = true)]
        p: String,
        /// The distribution(s) Q.
        #[arg(allow_hyphen_values = true)]
        q: String,
        /// Print the Jensen–Shannon distance √JS instead (SciPy's `jensenshannon`).
        #[arg(long)]
        distance: bool,
    },
    /// Perplexity e^H(P) of each distribution.
    Perplexity {
        /// The distribution(s) P.
        #[arg(allow_hyphen_values = true)]
        p: String,
    },
    /// Softmax of each row of logits.
    Softmax {
        /// The logits X.
        #[arg(allow_hyphen_values = true)]
        x: String,
        /// Print log-softmax instead.
        #[arg(long)]
        log: bool,
        /// Divide the logits by T > 0 first.
        #[arg(long, default_value_t = 1.0, value_parser = parse_temperature)]
        temperature: f64,
    },
    /// logsumexp ln Σ eˣ of each row.
    Logsumexp {
        /// The values X.
        #[arg(allow_hyphen_values = true)]
        x: String,
    },
    /// Mutual information I(X;Y) of a joint probability (or, with --normalize, count) table.
    MutualInformation {
        /// The joint table: rows are values of X, columns values of Y (CSV or 2-D NPY).
        #[arg(allow_hyphen_values = true)]
        joint: String,
    },
}

fn parse_base(text: &str) -> Result<Base, String> {
    text.parse().map_err(|e: xent::Error| e.to_string())
}

fn parse_temperature(text: &str) -> Result<f64, String> {
    let t: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))?;
    if t.is_finite() && t > 0.0 {
        Ok(t)
    } else {
        Err(format!("the temperature must be finite and > 0, got {t}"))
    }
}
